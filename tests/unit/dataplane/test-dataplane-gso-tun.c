/*
 * Coalesced super-packets against a real kernel. main() moves into a fresh
 * network namespace (root only, else exit 77, meson's skip; the default
 * namespace is never touched) holding two TUNs:
 *
 *   in   net_tun_open_offload(), as the data plane opens it: we write
 *        super-packets into it, from 203.0.113.1 / 2001:db8::1
 *        (it has 203.0.113.2/24 and 2001:db8::2/64, so those are local)
 *   out  a plain TUN without offloads, 198.51.100.1/24 and 2001:db8:1::1/64;
 *        what the kernel forwards to .2 / ::2 we read from it
 *
 * Each test builds a run of packets with gso-test-pkt, coalesces them with
 * dp_gro_add()/dp_gro_finish() and writes the result with its vnet header.
 * Local delivery: a UDP socket bound on "in" must receive every original
 * datagram. Forwarding: "out" takes no GSO and no checksum offload, so the
 * kernel cuts the super-packet up and computes each checksum from our
 * partial one in software; what comes out must be the original packets byte
 * for byte, but for the TTL (hop limit) one lower and, in IPv4, the header
 * checksum that follows from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <cmocka.h>

#include "gso-test-pkt.h"
#include "net/net.h"
#include "dataplane/dataplane-gso.h"

#define NPKTS 5
#define SEG 1200
#define LAST 700
#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define WAIT_MS 2000
#define LO_IFINDEX 1  /* in a new network namespace */

static struct nl_sock *sk;
static struct net_tun tun_in, tun_out;
static struct dp_gro gro;
static uint8_t pkts[NPKTS][PKT_MAX_DATA];
static size_t lens[NPKTS];

/* ---- the namespace ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int link_up(int ifindex)
{
	struct rtnl_link *link, *change = rtnl_link_alloc();
	int r = rtnl_link_get_kernel(sk, ifindex, NULL, &link);

	if (r == 0) {
		rtnl_link_set_flags(change, IFF_UP);
		r = rtnl_link_change(sk, link, change, 0);
		rtnl_link_put(link);
	}
	rtnl_link_put(change);
	return r;
}

/* ip addr add local/plen dev ifindex (nodad) */
static int add_addr(int ifindex, const char *local)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l;
	int r = nl_addr_parse(local, AF_UNSPEC, &l);

	if (r == 0) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, l);
		rtnl_addr_set_flags(a, IFA_F_NODAD);
		r = rtnl_addr_add(sk, a, 0);
		nl_addr_put(l);
	}
	rtnl_addr_put(a);
	return r;
}

/* Forwarding on; no IPv6 link-local addresses, whose router solicitations would only be noise. */
static int setup_sysctls(void)
{
	static const char *const ones[] = {
		"/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/all/forwarding",
		"/proc/sys/net/ipv6/conf/default/addr_gen_mode",
	};

	for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++) {
		if (write_file(ones[i], "1") < 0)
			return -1;
	}
	return 0;
}

/*
 * IPv6 installs the local route of a new address from a work queue, even
 * with NODAD: until then datagrams to it are dropped. Wait until one sent
 * to ourselves (over lo, up in this namespace for that) arrives.
 */
static int wait_ipv6_local(const char *addr)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int r = -1;

	inet_pton(AF_INET6, addr, &a.sin6_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		goto out;

	for (int i = 0; i < WAIT_MS / 10 && r < 0; i++) {
		char c = 0;

		(void)sendto(s, &c, 1, 0, (struct sockaddr *)&a, sizeof(a));
		usleep(10000);
		if (recv(s, &c, 1, 0) == 1)
			r = 0;
	}
out:
	if (s >= 0)
		close(s);
	return r;
}

static int setup_tuns(void)
{
	sk = nl_socket_alloc();
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		return -1;
	if (net_tun_open_offload("rvgro-in%d", &tun_in) < 0 || net_tun_open("rvgro-out%d", &tun_out) < 0)
		return -1;
	printf("# TUN %s offloads 0x%x (USO %s)\n", tun_in.name, tun_in.offloads,
	       tun_in.uso ? "on" : "off");
	if (link_up(LO_IFINDEX) < 0 || link_up(tun_in.ifindex) < 0 || link_up(tun_out.ifindex) < 0)
		return -1;
	if (add_addr(tun_in.ifindex, "203.0.113.2/24") < 0 ||
	    add_addr(tun_in.ifindex, "2001:db8::2/64") < 0 ||
	    add_addr(tun_out.ifindex, "198.51.100.1/24") < 0 ||
	    add_addr(tun_out.ifindex, "2001:db8:1::1/64") < 0)
		return -1;
	return wait_ipv6_local("2001:db8::2");
}

/* ---- packets ---- */

/* From 203.0.113.1 (2001:db8::1) to in's own address, or to out's peer when forwarded. */
static struct tpkt_flow flow(bool v6, uint8_t proto, bool forwarded)
{
	struct tpkt_flow f = tpkt_flow_default(v6, proto);

	if (forwarded && v6)
		inet_pton(AF_INET6, "2001:db8:1::2", f.dst);
	else if (forwarded)
		inet_pton(AF_INET, "198.51.100.2", f.dst);
	return f;
}

/* Four full segments and a short one (PSH on it), coalesced and written to "in". */
static void write_coalesced(const struct tpkt_flow *f, uint8_t gso_type)
{
	struct iovec iov[2] = { { gro.hdr, DP_VNET_HDR_LEN }, { gro.buf, 0 } };
	size_t off = 0;

	memset(&gro, 0, sizeof(gro));
	gro.udp_ok = tun_in.uso;
	for (size_t i = 0; i < NPKTS; i++) {
		size_t size = i < NPKTS - 1 ? SEG : LAST;

		lens[i] = tpkt_build(pkts[i], f, i, off, size,
				     i < NPKTS - 1 ? TCP_ACK : TCP_ACK | TCP_PSH);
		off += size;
		assert_true(dp_gro_candidate(pkts[i], lens[i]));
		assert_true(dp_gro_add(&gro, pkts[i], lens[i]));
	}
	iov[1].iov_len = dp_gro_finish(&gro);
	assert_int_equal(gro.hdr[1], gso_type);
	/* The kernel takes the whole super-packet in one write. */
	assert_int_equal(writev(tun_in.fd, iov, 2), DP_VNET_HDR_LEN + iov[1].iov_len);
}

static void skip_without(bool offload, const char *what)
{
	if (!offload) {
		printf("# SKIP: the TUN did not take %s\n", what);
		skip();
	}
}

/* ---- local delivery ---- */

static int bound_udp_socket(const struct tpkt_flow *f)
{
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(f->dport) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(f->dport) };
	int s = socket(f->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	memcpy(&a6.sin6_addr, f->dst, 16);
	memcpy(&a4.sin_addr, f->dst, 4);
	assert_int_equal(f->v6 ? bind(s, (struct sockaddr *)&a6, sizeof(a6)) :
				 bind(s, (struct sockaddr *)&a4, sizeof(a4)), 0);
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return s;
}

/* The kernel cuts a UDP super-packet for a socket without UDP_GRO into the original datagrams. */
static void deliver_udp(bool v6)
{
	struct tpkt_flow f = flow(v6, 17, false);
	size_t hlen = tpkt_hlen(&f);
	int s;

	skip_without(tun_in.uso, "USO (TUN_F_USO4/6, Linux >= 6.2)");
	s = bound_udp_socket(&f);
	write_coalesced(&f, VIRTIO_NET_HDR_GSO_UDP_L4);
	for (size_t i = 0; i < NPKTS; i++) {
		uint8_t got[PKT_MAX_DATA];
		ssize_t n = recv(s, got, sizeof(got), 0);

		assert_int_equal(n, lens[i] - hlen);
		assert_memory_equal(got, pkts[i] + hlen, lens[i] - hlen);
	}
	close(s);
}

static void test_udp4_delivered(void **state)
{
	deliver_udp(false);
}

static void test_udp6_delivered(void **state)
{
	deliver_udp(true);
}

/* ---- forwarding ---- */

/* The next packet "out" sends to f's destination, skipping any other (ICMPv6 and such). */
static size_t read_forwarded(const struct tpkt_flow *f, uint8_t *buf, size_t size)
{
	size_t dst_off = f->v6 ? 24 : 16, alen = f->v6 ? 16 : 4;

	for (;;) {
		struct pollfd p = { .fd = tun_out.fd, .events = POLLIN };
		ssize_t n;

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		n = read(tun_out.fd, buf, size);
		assert_true(n > 0);
		if ((size_t)n > dst_off + alen && buf[0] >> 4 == (f->v6 ? 6 : 4) &&
		    !memcmp(buf + dst_off, f->dst, alen))
			return (size_t)n;
	}
}

/* What the original packet looks like after one hop. */
static void forwarded_copy(uint8_t *exp, const uint8_t *orig, size_t len, bool v6)
{
	memcpy(exp, orig, len);
	exp[v6 ? 7 : 8]--;
	tpkt_fix_csums(exp, len);
}

static void forward(bool v6, uint8_t proto, uint8_t gso_type)
{
	struct tpkt_flow f = flow(v6, proto, true);

	write_coalesced(&f, gso_type);
	for (size_t i = 0; i < NPKTS; i++) {
		uint8_t got[PKT_MAX_DATA], exp[PKT_MAX_DATA];
		size_t n = read_forwarded(&f, got, sizeof(got));

		forwarded_copy(exp, pkts[i], lens[i], v6);
		assert_int_equal(n, lens[i]);
		assert_memory_equal(got, exp, n);
	}
}

static void test_tcp4_forwarded(void **state)
{
	skip_without(tun_in.offloads & TUN_F_TSO4, "TSO4");
	forward(false, 6, VIRTIO_NET_HDR_GSO_TCPV4);
}

static void test_tcp6_forwarded(void **state)
{
	skip_without(tun_in.offloads & TUN_F_TSO6, "TSO6");
	forward(true, 6, VIRTIO_NET_HDR_GSO_TCPV6);
}

static void test_udp4_forwarded(void **state)
{
	skip_without(tun_in.uso, "USO (TUN_F_USO4/6, Linux >= 6.2)");
	forward(false, 17, VIRTIO_NET_HDR_GSO_UDP_L4);
}

static void test_udp6_forwarded(void **state)
{
	skip_without(tun_in.uso, "USO (TUN_F_USO4/6, Linux >= 6.2)");
	forward(true, 17, VIRTIO_NET_HDR_GSO_UDP_L4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4_delivered),
		cmocka_unit_test(test_udp6_delivered),
		cmocka_unit_test(test_tcp4_forwarded),
		cmocka_unit_test(test_tcp6_forwarded),
		cmocka_unit_test(test_udp4_forwarded),
		cmocka_unit_test(test_udp6_forwarded),
	};
	int r;

	if (geteuid() != 0) {
		printf("# SKIP: needs root (a TUN in a network namespace of its own)\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		printf("# SKIP: no /dev/net/tun: %s\n", strerror(errno));
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("# SKIP: cannot create a network namespace: %s\n", strerror(errno));
		return 77;
	}
	if (setup_sysctls() < 0 || setup_tuns() < 0) {
		printf("# setting up the namespace failed: %s\n", strerror(errno));
		return 1;
	}

	r = cmocka_run_group_tests(tests, NULL, NULL);
	net_tun_close(&tun_in);
	net_tun_close(&tun_out);
	nl_socket_free(sk);
	return r;
}
