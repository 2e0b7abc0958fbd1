/*
 * The UDP underlay (L2TP over UDP, RFC 2661 section 8.1): one connected
 * socket per connection, so the kernel pins our source address and port and
 * drops datagrams from anyone but the gateway. Some gateways only talk to
 * source port 1701 (Windows RRAS and older Cisco compare it); we take it when
 * asked and free, else an ephemeral port, which NAT rewrites anyway.
 * Batched with recvmmsg/sendmmsg: the tunnel is bound by system calls.
 * With UDP_SEGMENT/UDP_GRO (Linux >= 4.18 / 5.0) a whole run of equal-sized
 * ESP-in-UDP datagrams crosses the socket in one message each way.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/errqueue.h>

#include "util/log.h"
#include "util/pkt.h"
#include "net-private.h"

#define UDP_BATCH_MAX 64
#define UDP_SOCKBUF (1 << 22)

static int udp_bind(int fd, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ? -errno : 0;
}

static int udp_local_port(int fd, uint16_t *ret_port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -errno;
	*ret_port = ntohs(sin.sin_port);
	return 0;
}

static int udp_setup(int fd, uint32_t gateway4, uint16_t port, uint16_t want_port)
{
	struct sockaddr_in gw = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = gateway4 };
	int size = UDP_SOCKBUF;

	if (want_port) {
		int r = udp_bind(fd, want_port);

		/* Users with a system charon or xl2tpd see why our port differs. */
		if (r < 0)
			rv_log_info(NET_LOG, "local UDP port %u is unavailable (%s; another IKE or "
					     "L2TP daemon?), using an ephemeral port",
				    want_port, strerror(-r));
	}

	/* Best effort: bursts of a fast tunnel overflow the default buffers. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));

	if (connect(fd, (struct sockaddr *)&gw, sizeof(gw)) < 0)
		return -errno;
	return 0;
}

int net_udp_open(uint32_t gateway4, uint16_t port, uint16_t *ret_local_port, int *ret_fd)
{
	uint16_t want = ret_local_port ? *ret_local_port : 0;
	uint16_t local = 0;
	int fd, r;

	if (!gateway4 || !port)
		return -EINVAL;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;

	r = udp_setup(fd, gateway4, port, want);
	if (!r)
		r = udp_local_port(fd, &local);
	if (r < 0) {
		close(fd);
		return r;
	}

	if (ret_local_port)
		*ret_local_port = local;
	*ret_fd = fd;
	return 0;
}

/*
 * IP_MTU of a connected socket is the kernel's path MTU to the gateway:
 * the route's MTU (or its device's), lowered by any ICMP fragmentation-
 * needed it has seen since (the route exception cache).
 */
int net_path_mtu4(uint32_t gateway4, unsigned *ret_mtu)
{
	struct sockaddr_in gw = { .sin_family = AF_INET, .sin_port = htons(4500),
				  .sin_addr.s_addr = gateway4 };
	socklen_t len = sizeof(int);
	int fd, mtu = 0, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&gw, sizeof(gw)) < 0 ||
	    getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len) < 0)
		r = -errno;
	close(fd);
	if (!r)
		*ret_mtu = (unsigned)mtu;
	return r;
}

/* ICMP errors: path MTU discovery, refusals ----------------------------- */

/* Errors read per drain; more wait for the next POLLERR. */
#define ERRQUEUE_DRAIN_MAX 16

int net_socket_recverr(int fd, bool on)
{
	int recverr = on;

	return setsockopt(fd, IPPROTO_IP, IP_RECVERR, &recverr, sizeof(recverr)) < 0 ? -errno : 0;
}

int net_socket_watch_pmtu(int fd, bool on)
{
	int pmtu = IP_PMTUDISC_WANT;

	if (on && setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
		return -errno;
	return net_socket_recverr(fd, on);
}

/* What a destination unreachable's code says about our datagram (RFC 792, RFC 1812 5.2.7.1). */
static enum net_unreach unreach_kind(uint8_t code)
{
	switch (code) {
	case ICMP_PORT_UNREACH:
		return NET_UNREACH_PORT;
	case ICMP_NET_ANO:
	case ICMP_HOST_ANO:
	case ICMP_PKT_FILTERED:
		return NET_UNREACH_PROHIBITED;
	case ICMP_FRAG_NEEDED:
		return NET_UNREACH_NONE;
	}
	return NET_UNREACH_HOST;
}

/* One queued error into errs: a fragmentation needed lowers frag_mtu, an unreachable counts. */
static void note_error(struct msghdr *m, struct net_sock_errors *errs)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		struct sock_extended_err ee;
		enum net_unreach kind;

		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR ||
		    c->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		if (ee.ee_origin != SO_EE_ORIGIN_ICMP || ee.ee_type != ICMP_DEST_UNREACH)
			continue;
		kind = unreach_kind(ee.ee_code);
		if (kind == NET_UNREACH_NONE) {
			if (ee.ee_info && (!errs->frag_mtu || ee.ee_info < errs->frag_mtu))
				errs->frag_mtu = ee.ee_info;
			continue;
		}
		errs->unreach = kind;
		errs->n_unreach++;
	}
}

void net_socket_take_errors(int fd, struct net_sock_errors *errs)
{
	*errs = (struct net_sock_errors){ 0 };
	for (int i = 0; i < ERRQUEUE_DRAIN_MAX; i++) {
		union {
			struct cmsghdr align;
			uint8_t buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
					       sizeof(struct sockaddr_in))];
		} ctl;
		uint8_t head[64]; /* the start of the packet that failed: not needed */
		struct iovec iov = { head, sizeof(head) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf) };

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		note_error(&m, errs);
	}
}

unsigned net_socket_take_frag_needed(int fd)
{
	struct net_sock_errors errs;

	net_socket_take_errors(fd, &errs);
	return errs.frag_mtu;
}

int net_if_mtu(int sock_fd, const char *ifname, unsigned *ret_mtu)
{
	struct ifreq ifr = { 0 };

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(sock_fd, SIOCGIFMTU, &ifr) < 0)
		return -errno;
	*ret_mtu = (unsigned)ifr.ifr_mtu;
	return 0;
}

/* What a received datagram may fill: the tailroom less what the layers' trailers need. */
static size_t recv_room(const struct pkt *p)
{
	size_t room = pkt_tailroom(p);

	return room > PKT_TAILROOM ? room - PKT_TAILROOM : room;
}

/*
 * One message a packet, for recvmmsg (each takes the packet's room) or
 * sendmmsg (each carries the packet's bytes). Returns how many were
 * filled: at most UDP_BATCH_MAX.
 */
static size_t mmsg_fill(struct mmsghdr *msgs, struct iovec *iov, struct pkt *const *pkts, size_t n,
			bool for_recv)
{
	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	memset(msgs, 0, n * sizeof(msgs[0]));
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = pkts[i]->data;
		iov[i].iov_len = for_recv ? recv_room(pkts[i]) : pkts[i]->len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return n;
}

int net_udp_recv_batch(int fd, struct pkt **pkts, size_t n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	int r;

	n = mmsg_fill(msgs, iov, pkts, n, true);
	do {
		r = recvmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT, NULL);
	} while (r < 0 && errno == EINTR);

	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;

	for (int i = 0; i < r; i++)
		pkts[i]->len = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : msgs[i].msg_len;
	return r;
}

static int udp_send_some(int fd, struct pkt *const *pkts, size_t n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	int r;

	n = mmsg_fill(msgs, iov, pkts, n, false);
	do {
		r = sendmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);

	return r < 0 ? -errno : r;
}

/* One system call for up to n of pkts: how many went, or -errno. */
typedef int (*udp_send_some_fn)(int fd, struct pkt *const *pkts, size_t n);

/*
 * Calls send_some until all of pkts went. A full socket (EAGAIN), or an
 * error once some went, ends it early with the count so far (the caller
 * keeps the rest); any other error before the first packet is returned.
 */
static int udp_send_all(int fd, struct pkt *const *pkts, size_t n, udp_send_some_fn send_some)
{
	size_t sent = 0;

	while (sent < n) {
		int r = send_some(fd, pkts + sent, n - sent);

		if (r < 0 && (r == -EAGAIN || sent > 0))
			break;
		if (r < 0)
			return r;
		if (r == 0)
			break;
		sent += (size_t)r;
	}

	return (int)sent;
}

int net_udp_send_batch(int fd, struct pkt *const *pkts, size_t n)
{
	return udp_send_all(fd, pkts, n, udp_send_some);
}

static int eai_to_errno(int eai)
{
	switch (eai) {
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_SYSTEM:
		return errno ? -errno : -EIO;
	}
	return -EIO;
}

int net_resolve_ipv4(const char *host, uint32_t *ret)
{
	const struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	struct in_addr a;
	int r;

	if (!host || !*host)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &a) == 1) {
		*ret = a.s_addr;
		return 0;
	}

	r = getaddrinfo(host, NULL, &hints, &res);
	if (r)
		return eai_to_errno(r);
	if (!res)
		return -ENOENT;

	*ret = ((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

/* UDP GSO / GRO ----------------------------------------------------------- */

/* Keep a GSO message under the 64 KiB IP limit and the kernel's segment cap. */
#define GSO_MAX_BYTES 65000
#define GSO_MAX_SEGS 64

struct gso_msg {
	struct cmsghdr hdr;
	uint16_t seg;
	uint8_t pad[6];
};

/* How many of pkts[0..n) go in one GSO message: equal lengths, the last may be shorter. */
static size_t gso_run(struct pkt *const *pkts, size_t n)
{
	size_t seg = pkts[0]->len, total = seg, k = 1;

	while (k < n && k < GSO_MAX_SEGS && pkts[k]->len <= seg &&
	       total + pkts[k]->len <= GSO_MAX_BYTES) {
		total += pkts[k]->len;
		if (pkts[k++]->len < seg)
			break;
	}
	return k;
}

static void gso_fill(struct msghdr *m, struct iovec *iov, struct gso_msg *c, struct pkt *const *pkts,
		     size_t k)
{
	for (size_t i = 0; i < k; i++) {
		iov[i].iov_base = pkts[i]->data;
		iov[i].iov_len = pkts[i]->len;
	}
	*m = (struct msghdr){ .msg_iov = iov, .msg_iovlen = k };
	if (k < 2)
		return;

	memset(c, 0, sizeof(*c));
	c->hdr.cmsg_level = SOL_UDP;
	c->hdr.cmsg_type = UDP_SEGMENT;
	c->hdr.cmsg_len = CMSG_LEN(sizeof(uint16_t));
	c->seg = (uint16_t)pkts[0]->len;
	m->msg_control = c;
	m->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
}

static int gso_send_some(int fd, struct pkt *const *pkts, size_t n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct gso_msg cm[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	size_t counts[UDP_BATCH_MAX], used = 0, nmsg = 0;
	int r, sent = 0;

	/* At most UDP_BATCH_MAX packets per call, so iov never runs out. */
	while (used < n && used < UDP_BATCH_MAX) {
		size_t k = gso_run(pkts + used, (n < UDP_BATCH_MAX ? n : UDP_BATCH_MAX) - used);

		memset(&msgs[nmsg], 0, sizeof(msgs[nmsg]));
		gso_fill(&msgs[nmsg].msg_hdr, iov + used, &cm[nmsg], pkts + used, k);
		counts[nmsg++] = k;
		used += k;
	}

	do {
		r = sendmmsg(fd, msgs, (unsigned int)nmsg, MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;

	for (int i = 0; i < r; i++)
		sent += (int)counts[i];
	return sent;
}

int net_udp_send_gso(int fd, struct pkt *const *pkts, size_t n)
{
	return udp_send_all(fd, pkts, n, gso_send_some);
}

int net_udp_set_gro(int fd, bool on)
{
	int v = on;

	return setsockopt(fd, SOL_UDP, UDP_GRO, &v, sizeof(v)) < 0 ? -errno : 0;
}

static size_t gro_seg_size(struct msghdr *m, size_t len)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		int seg;

		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
			continue;
		memcpy(&seg, CMSG_DATA(c), sizeof(seg));
		return seg > 0 ? (size_t)seg : len;
	}
	return len;
}

int net_udp_recv_gro(int fd, struct net_gro_buf *bufs, size_t n)
{
	struct mmsghdr msgs[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(int))];
	} ctl[UDP_BATCH_MAX];
	int r;

	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	memset(msgs, 0, n * sizeof(msgs[0]));
	for (size_t i = 0; i < n; i++) {
		iov[i] = (struct iovec){ bufs[i].data, sizeof(bufs[i].data) };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1,
						   .msg_control = ctl[i].buf,
						   .msg_controllen = sizeof(ctl[i].buf) };
	}

	do {
		r = recvmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT, NULL);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;

	for (int i = 0; i < r; i++) {
		bool trunc = msgs[i].msg_hdr.msg_flags & MSG_TRUNC;

		bufs[i].len = trunc ? 0 : msgs[i].msg_len;
		bufs[i].seg_size = gro_seg_size(&msgs[i].msg_hdr, bufs[i].len);
	}
	return r;
}
