/*
 * The raw ESP underlay (IP protocol 50) for IPsec without NAT. The kernel
 * builds the outer IP header; on receive a raw socket hands us the whole
 * IP datagram, whose header we strip. This works whether or not the kernel
 * has an ESP module: raw sockets get their copy before (and regardless of)
 * any XFRM processing, so roadvpn needs neither XFRM state nor policy.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "util/pkt.h"
#include "net-private.h"

#define ESP_PROTO 50

int net_esp_raw_open(uint32_t gateway4, int *ret_fd)
{
	struct sockaddr_in gw = { .sin_family = AF_INET, .sin_addr.s_addr = gateway4 };
	int fd;

	if (!gateway4)
		return -EINVAL;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ESP_PROTO);
	if (fd < 0)
		return -errno;

	/* connect(): the kernel then delivers only the gateway's ESP to this socket. */
	if (connect(fd, (struct sockaddr *)&gw, sizeof(gw)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}

	*ret_fd = fd;
	return 0;
}

/* Strip the IPv4 header (with options) a raw socket leaves in front of ESP. */
static void strip_ip_header(struct pkt *p)
{
	size_t ihl;

	if (p->len < sizeof(struct iphdr) || (p->data[0] >> 4) != 4) {
		p->len = 0;
		return;
	}

	ihl = (size_t)(p->data[0] & 0x0f) * 4;
	if (ihl < sizeof(struct iphdr) || ihl > p->len || p->data[9] != ESP_PROTO) {
		p->len = 0;
		return;
	}

	pkt_pull(p, ihl);
}

int net_esp_raw_recv_batch(int fd, struct pkt **pkts, size_t n)
{
	int r = net_udp_recv_batch(fd, pkts, n);

	for (int i = 0; i < r; i++) {
		if (pkts[i]->len)
			strip_ip_header(pkts[i]);
	}
	return r;
}

int net_socket_local4(int fd, uint32_t *ret_addr, uint16_t *ret_port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -errno;
	if (ret_addr)
		*ret_addr = sin.sin_addr.s_addr;
	if (ret_port)
		*ret_port = ntohs(sin.sin_port);
	return 0;
}
