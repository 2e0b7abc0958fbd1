/*
 * The TUN device: IFF_TUN | IFF_NO_PI, so reads and writes are bare IP
 * packets, and non-persistent, so the kernel deletes it (with its addresses
 * and routes) when the fd closes, even when we crash. The data path reads in
 * batches until the queue is empty, straight into packet buffers whose
 * headroom the PPP and L2TP headers are pushed into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "util/log.h"
#include "util/pkt.h"
#include "net-private.h"

#define TUN_DEFAULT_NAME "rvpn%d"
/* Linux 6.2 (uapi if_tun.h); older headers lack them. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

static int tun_open(const char *name_hint, short flags, struct net_tun *ret_tun)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd, ifindex;

	if (!name_hint || !*name_hint)
		name_hint = TUN_DEFAULT_NAME;
	if (strlen(name_hint) >= IFNAMSIZ)
		return -EINVAL;
	memcpy(ifr.ifr_name, name_hint, strlen(name_hint));

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}

	ifindex = (int)if_nametoindex(ifr.ifr_name);
	if (!ifindex) {
		int e = errno;

		close(fd);
		return -e;
	}

	*ret_tun = (struct net_tun){ .fd = fd, .ifindex = ifindex };
	snprintf(ret_tun->name, sizeof(ret_tun->name), "%s", ifr.ifr_name);
	rv_log_debug(NET_LOG, "opened TUN %s (ifindex %d)", ret_tun->name, ifindex);
	return 0;
}

int net_tun_open(const char *name_hint, struct net_tun *ret_tun)
{
	return tun_open(name_hint, IFF_TUN | IFF_NO_PI, ret_tun);
}

/* Most offloads first; USO needs Linux 6.2, TSO only a TUN with a vnet header. */
static unsigned int tun_set_offloads(int fd)
{
	static const unsigned int tries[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM,
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (ioctl(fd, TUNSETOFFLOAD, tries[i]) == 0)
			return tries[i];
	}
	return 0;
}

int net_tun_open_offload(const char *name_hint, struct net_tun *ret_tun)
{
	int r = tun_open(name_hint, IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, ret_tun);

	if (r < 0)
		return r;

	ret_tun->vnet_hdr = true;
	ret_tun->offloads = tun_set_offloads(ret_tun->fd);
	ret_tun->uso = (ret_tun->offloads & (TUN_F_USO4 | TUN_F_USO6)) == (TUN_F_USO4 | TUN_F_USO6);
	rv_log_debug(NET_LOG, "TUN %s offloads 0x%x", ret_tun->name, ret_tun->offloads);
	return 0;
}

void net_tun_close(struct net_tun *tun)
{
	if (!tun || tun->fd < 0)
		return;

	rv_log_debug(NET_LOG, "closing TUN %s", tun->name);
	close(tun->fd);
	tun->fd = -1;
	tun->ifindex = 0;
}

/* Room for a packet at p->data, keeping PKT_TAILROOM for ESP's trailer. */
static size_t pkt_rx_room(const struct pkt *p)
{
	size_t room = pkt_tailroom(p);

	return room > PKT_TAILROOM ? room - PKT_TAILROOM : room;
}

int net_tun_read_batch(const struct net_tun *tun, struct pkt **pkts, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pkt *p = pkts[got];
		ssize_t r = read(tun->fd, p->data, pkt_rx_room(p));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || got > 0))
			break;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;

		p->len = (size_t)r;
		got++;
	}

	return (int)got;
}

int net_tun_write(const struct net_tun *tun, const uint8_t *data, size_t len)
{
	ssize_t r;

	do {
		r = write(tun->fd, data, len);
	} while (r < 0 && errno == EINTR);

	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EIO;
}
