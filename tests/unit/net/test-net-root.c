/*
 * net against a real kernel, isolated: main() moves into fresh network and
 * mount namespaces (root only, else exit 77, meson's skip) and builds an
 * underlay there: veth0 198.51.100.2/24 with its peer veth1. A temporary
 * file is bind-mounted over /etc/resolv.conf, so the resolv.conf back end
 * writes through a mount point as under `ip netns exec`. Every test checks
 * what net_config_apply() put in the kernel through libnl, then that
 * net_config_undo() took exactly that away again. The default namespace is
 * never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <cmocka.h>

#include "net/net-private.h"
#include "util/pkt.h"

static const char resolv_orig[] = "# host file\nnameserver 192.0.2.53\nsearch example.org\n";

static char tmpdir[64];
static char fake_resolv[96];
static struct nl_sock *sk;
static int veth0;

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* ---- looking at the kernel ---- */

static bool nl_addr_is(struct nl_addr *a, int family, const char *text, int prefix_len)
{
	uint8_t bin[16];

	if (!a || nl_addr_get_family(a) != family || inet_pton(family, text, bin) != 1)
		return false;
	if (prefix_len >= 0 && (int)nl_addr_get_prefixlen(a) != prefix_len)
		return false;
	return nl_addr_get_len(a) == (family == AF_INET ? 4u : 16u) &&
	       !memcmp(nl_addr_get_binary_addr(a), bin, nl_addr_get_len(a));
}

/* Count routes in main whose dst is dst/plen, going out of `oif` (via `gw` if not NULL). */
static int count_routes(const char *dst, int plen, int oif, const char *gw)
{
	struct nl_cache *cache;
	int n = 0;

	assert_int_equal(rtnl_route_alloc_cache(sk, AF_INET, 0, &cache), 0);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;
		struct nl_addr *d = rtnl_route_get_dst(r);

		if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_nnexthops(r) != 1)
			continue;
		nh = rtnl_route_nexthop_n(r, 0);
		if ((int)nl_addr_get_prefixlen(d) != plen ||
		    (plen > 0 && !nl_addr_is(d, AF_INET, dst, plen)))
			continue;
		if (oif && rtnl_route_nh_get_ifindex(nh) != oif)
			continue;
		if (gw && !nl_addr_is(rtnl_route_nh_get_gateway(nh), AF_INET, gw, -1))
			continue;
		if (!gw && rtnl_route_nh_get_gateway(nh))
			continue;
		n++;
	}
	nl_cache_free(cache);
	return n;
}

/* Addresses on ifindex of `family`; with `local`, only those matching it (and `peer`). */
static int count_addrs(int ifindex, int family, const char *local, const char *peer, int plen)
{
	struct nl_cache *cache;
	int n = 0;

	assert_int_equal(rtnl_addr_alloc_cache(sk, &cache), 0);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family)
			continue;
		if (local && !nl_addr_is(rtnl_addr_get_local(a), family, local, plen))
			continue;
		if (peer && !nl_addr_is(rtnl_addr_get_peer(a), family, peer, -1))
			continue;
		n++;
	}
	nl_cache_free(cache);
	return n;
}

static void link_state(int ifindex, unsigned int *mtu, bool *up)
{
	struct rtnl_link *link;

	assert_int_equal(rtnl_link_get_kernel(sk, ifindex, NULL, &link), 0);
	*mtu = rtnl_link_get_mtu(link);
	*up = rtnl_link_get_flags(link) & IFF_UP;
	rtnl_link_put(link);
}

static size_t read_resolv(char *buf, size_t size)
{
	int fd = open("/etc/resolv.conf", O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void assert_resolv_untouched(void)
{
	char buf[1024];

	assert_int_equal(read_resolv(buf, sizeof(buf)), sizeof(resolv_orig) - 1);
	assert_memory_equal(buf, resolv_orig, sizeof(resolv_orig) - 1);
}

/* ---- namespace and underlay ---- */

static void link_up(const char *name)
{
	struct rtnl_link *link, *change = rtnl_link_alloc();

	assert_int_equal(rtnl_link_get_kernel(sk, 0, name, &link), 0);
	rtnl_link_set_flags(change, IFF_UP);
	assert_int_equal(rtnl_link_change(sk, link, change, 0), 0);
	rtnl_link_put(link);
	rtnl_link_put(change);
}

static void add_addr4(int ifindex, const char *local, int plen)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l = nl_addr_build(AF_INET, (uint32_t[]){ ip4(local) }, 4);

	nl_addr_set_prefixlen(l, plen);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, l);
	assert_int_equal(rtnl_addr_add(sk, a, 0), 0);
	nl_addr_put(l);
	rtnl_addr_put(a);
}

/* ip route add|del dst/plen [via gw] dev veth0 */
static void underlay_route(bool add, const char *dst, int plen, const char *gw)
{
	struct net_route4 r = { .dst = ip4(dst), .prefix_len = (uint8_t)plen };
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = nl_addr_build(AF_INET, &r.dst, 4);

	nl_addr_set_prefixlen(d, plen);
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_dst(route, d);
	rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, veth0);
	if (gw) {
		struct nl_addr *g = nl_addr_build(AF_INET, (uint32_t[]){ ip4(gw) }, 4);

		rtnl_route_nh_set_gateway(nh, g);
		nl_addr_put(g);
	}
	rtnl_route_add_nexthop(route, nh);
	assert_int_equal(add ? rtnl_route_add(sk, route, NLM_F_EXCL) :
			       rtnl_route_delete(sk, route, 0), 0);
	nl_addr_put(d);
	rtnl_route_put(route);
}

static int setup_namespace(void)
{
	int fd;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		printf("# SKIP: cannot create namespaces: %s\n", strerror(errno));
		return 77;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 1;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-net-root-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(fake_resolv, sizeof(fake_resolv), "%s/resolv.conf", tmpdir);
	fd = open(fake_resolv, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, resolv_orig, sizeof(resolv_orig) - 1) < 0)
		return 1;
	close(fd);
	if (mount(fake_resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0) {
		printf("# SKIP: cannot bind-mount over /etc/resolv.conf: %s\n", strerror(errno));
		return 77;
	}
	return 0;
}

static void setup_underlay(void)
{
	char backup_dir[96];

	sk = nl_socket_alloc();
	assert_int_equal(nl_connect(sk, NETLINK_ROUTE), 0);
	link_up("lo");
	assert_int_equal(rtnl_link_veth_add(sk, "veth0", "veth1", getpid()), 0);
	link_up("veth0");
	link_up("veth1");
	veth0 = (int)if_nametoindex("veth0");
	assert_true(veth0 > 0);
	add_addr4(veth0, "198.51.100.2", 24);

	snprintf(backup_dir, sizeof(backup_dir), "%s/run", tmpdir);
	net_dns_set_paths(NULL, backup_dir);	/* the bind-mounted /etc/resolv.conf */
	net_dns_set_use_resolved(false);	/* the system bus is not namespaced */
}

/* ---- tests ---- */

struct tun_fixture {
	struct net_tun tun;
	struct net_config cfg;
};

static int tun_setup(void **state)
{
	struct tun_fixture *f = calloc(1, sizeof(*f));

	assert_int_equal(net_tun_open(NULL, &f->tun), 0);
	assert_true(f->tun.fd >= 0);
	assert_true(f->tun.ifindex > 0);
	assert_int_equal(strncmp(f->tun.name, "rvpn", 4), 0);
	f->cfg = (struct net_config){
		.ifindex = f->tun.ifindex, .ifname = f->tun.name, .mtu = 1400,
		.local4 = ip4("203.0.113.5"), .peer4 = ip4("203.0.113.1"),
		.gateway4 = ip4("198.51.100.1"), .set_dns = true, .n_dns = 1,
		.dns = { ip4("203.0.113.53") },
	};
	*state = f;
	return 0;
}

static int tun_teardown(void **state)
{
	struct tun_fixture *f = *state;

	net_tun_close(&f->tun);
	assert_int_equal(f->tun.fd, -1);
	free(f);
	return 0;
}

static void assert_tun_bare(const struct tun_fixture *f)
{
	unsigned int mtu;
	bool up;

	link_state(f->tun.ifindex, &mtu, &up);
	assert_false(up);
	assert_int_equal(mtu, 1500);
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET, NULL, NULL, -1), 0);
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET6, NULL, NULL, -1), 0);
	assert_int_equal(count_routes("0.0.0.0", 1, 0, NULL), 0);
	assert_int_equal(count_routes("128.0.0.0", 1, 0, NULL), 0);
	assert_int_equal(count_routes("198.51.100.1", 32, 0, NULL), 0);
	assert_resolv_untouched();
}

static void test_full_tunnel_applied_and_undone(void **state)
{
	struct tun_fixture *f = *state;
	struct net_state *ns;
	char buf[1024], *err = NULL;
	unsigned int mtu;
	bool up;

	f->cfg.default_route = true;
	ns = net_config_apply(&f->cfg, &err);
	assert_null(err);
	assert_non_null(ns);
	assert_string_equal(net_state_dns_backend(ns), "resolv.conf");

	link_state(f->tun.ifindex, &mtu, &up);
	assert_true(up);
	assert_int_equal(mtu, 1400);
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET, "203.0.113.5", "203.0.113.1", 32), 1);
	/* No kernel-made link-local: IPv6 was not negotiated. */
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET6, NULL, NULL, -1), 0);
	assert_int_equal(count_routes("0.0.0.0", 1, f->tun.ifindex, NULL), 1);
	assert_int_equal(count_routes("128.0.0.0", 1, f->tun.ifindex, NULL), 1);
	assert_int_equal(count_routes("198.51.100.1", 32, veth0, NULL), 1);
	read_resolv(buf, sizeof(buf));
	assert_non_null(strstr(buf, "# Generated by roadvpn for rvpn"));
	assert_non_null(strstr(buf, "\nnameserver 203.0.113.53\nsearch example.org\n"));
	assert_null(strstr(buf, "192.0.2.53"));

	net_config_undo(ns);
	assert_tun_bare(f);
	assert_int_equal(count_addrs(veth0, AF_INET, "198.51.100.2", NULL, 24), 1);
	assert_int_equal(count_routes("198.51.100.0", 24, veth0, NULL), 1);
}

static void test_gateway_route_copies_next_hop(void **state)
{
	struct tun_fixture *f = *state;
	struct net_state *ns;
	char *err = NULL;

	underlay_route(true, "0.0.0.0", 0, "198.51.100.254");
	f->cfg.default_route = true;
	f->cfg.gateway4 = ip4("192.0.2.10");
	ns = net_config_apply(&f->cfg, &err);
	assert_non_null(ns);
	assert_int_equal(count_routes("192.0.2.10", 32, veth0, "198.51.100.254"), 1);
	/* The original default route stays; 0/1 and 128/1 outrank it. */
	assert_int_equal(count_routes("0.0.0.0", 0, veth0, "198.51.100.254"), 1);

	net_config_undo(ns);
	assert_int_equal(count_routes("192.0.2.10", 32, 0, "198.51.100.254"), 0);
	assert_int_equal(count_routes("0.0.0.0", 0, veth0, "198.51.100.254"), 1);
	underlay_route(false, "0.0.0.0", 0, "198.51.100.254");
	assert_tun_bare(f);
}

static void test_split_tunnel_without_peer(void **state)
{
	struct tun_fixture *f = *state;
	struct net_state *ns;
	char buf[1024], *err = NULL;

	f->cfg.peer4 = 0;
	f->cfg.routes[0] = (struct net_route4){ ip4("10.0.0.0"), 8 };
	f->cfg.routes[1] = (struct net_route4){ ip4("172.16.5.9"), 16 };
	f->cfg.n_routes = 2;
	ns = net_config_apply(&f->cfg, &err);
	assert_non_null(ns);

	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET, "203.0.113.5", NULL, 32), 1);
	assert_int_equal(count_routes("10.0.0.0", 8, f->tun.ifindex, NULL), 1);
	assert_int_equal(count_routes("172.16.0.0", 16, f->tun.ifindex, NULL), 1);
	assert_int_equal(count_routes("0.0.0.0", 1, 0, NULL), 0);
	/* The gateway is outside every tunnel route: its path needs no pin. */
	assert_int_equal(count_routes("198.51.100.1", 32, 0, NULL), 0);
	/* Split tunnel: the host's server stays as a fallback after ours. */
	read_resolv(buf, sizeof(buf));
	assert_non_null(strstr(buf, "\nnameserver 203.0.113.53\nnameserver 192.0.2.53\n"));

	net_config_undo(ns);
	assert_int_equal(count_routes("10.0.0.0", 8, 0, NULL), 0);
	assert_int_equal(count_routes("172.16.0.0", 16, 0, NULL), 0);
	assert_tun_bare(f);
}

static void test_split_route_over_gateway_pins_it(void **state)
{
	struct tun_fixture *f = *state;
	struct net_state *ns;
	char *err = NULL;

	/* Not the /24 itself: the kernel already has that route on veth0. */
	f->cfg.routes[0] = (struct net_route4){ ip4("198.51.0.0"), 16 };
	f->cfg.n_routes = 1;
	f->cfg.set_dns = false;
	ns = net_config_apply(&f->cfg, &err);
	assert_non_null(ns);
	assert_string_equal(net_state_dns_backend(ns), "none");
	assert_int_equal(count_routes("198.51.100.1", 32, veth0, NULL), 1);
	assert_int_equal(count_routes("198.51.0.0", 16, f->tun.ifindex, NULL), 1);
	net_config_undo(ns);
	assert_int_equal(count_routes("198.51.100.0", 24, veth0, NULL), 1);
	assert_tun_bare(f);
}

static void test_ipv6_link_local_from_iid(void **state)
{
	struct tun_fixture *f = *state;
	const uint8_t iid[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	struct net_state *ns;
	char *err = NULL;

	f->cfg.has_ipv6 = true;
	memcpy(f->cfg.local_iid, iid, sizeof(iid));
	ns = net_config_apply(&f->cfg, &err);
	assert_non_null(ns);
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET6, "fe80::211:22ff:fe33:4455", NULL, 64), 1);
	/* ...and it is the only one: the kernel made none of its own. */
	assert_int_equal(count_addrs(f->tun.ifindex, AF_INET6, NULL, NULL, -1), 1);
	net_config_undo(ns);
	assert_tun_bare(f);
}

static void test_conflicting_route_undoes_everything(void **state)
{
	struct tun_fixture *f = *state;
	char *err = NULL, want[96];

	underlay_route(true, "10.0.0.0", 8, NULL);
	f->cfg.default_route = true;
	f->cfg.has_ipv6 = true;
	f->cfg.routes[0] = (struct net_route4){ ip4("192.0.2.0"), 24 };
	f->cfg.routes[1] = (struct net_route4){ ip4("10.0.0.0"), 8 };
	f->cfg.n_routes = 2;
	assert_null(net_config_apply(&f->cfg, &err));
	snprintf(want, sizeof(want), "cannot add route 10.0.0.0/8 via %s: File exists", f->tun.name);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);

	/* Ours gone, the conflicting one (not ours) still there. */
	assert_int_equal(count_routes("192.0.2.0", 24, 0, NULL), 0);
	assert_int_equal(count_routes("10.0.0.0", 8, veth0, NULL), 1);
	underlay_route(false, "10.0.0.0", 8, NULL);
	assert_tun_bare(f);
}

static void test_dns_failure_undoes_routes(void **state)
{
	struct tun_fixture *f = *state;
	char path[128], *err = NULL;

	snprintf(path, sizeof(path), "%s/no-such-dir/resolv.conf", tmpdir);
	net_dns_set_paths(path, tmpdir);
	f->cfg.default_route = true;
	assert_null(net_config_apply(&f->cfg, &err));
	net_dns_set_paths(NULL, tmpdir);
	assert_non_null(err);
	assert_non_null(strstr(err, "cannot write "));
	free(err);
	assert_tun_bare(f);
}

static void test_bad_config_rejected(void **state)
{
	struct tun_fixture *f = *state;
	char *err = NULL;

	f->cfg.mtu = 60;
	assert_null(net_config_apply(&f->cfg, &err));
	assert_non_null(strstr(err, "MTU 60"));
	free(err);
	f->cfg.mtu = 1400;
	f->cfg.ifindex = 0;
	assert_null(net_config_apply(&f->cfg, &err));
	free(err);
	f->cfg.ifindex = 1000000;
	assert_null(net_config_apply(&f->cfg, &err));
	assert_non_null(strstr(err, "cannot find"));
	free(err);
	assert_resolv_untouched();
}

static uint16_t ip_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void test_tun_batches(void **state)
{
	struct tun_fixture *f = *state;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = ip4("203.0.113.1") };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(4000),
				  .sin_addr.s_addr = ip4("203.0.113.5") };
	struct pkt_buf bufs[8];
	struct pkt *pkts[8];
	struct net_state *ns;
	uint8_t frame[sizeof(struct iphdr) + sizeof(struct udphdr) + 5], rx[16];
	struct iphdr *ip = (struct iphdr *)frame;
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	char *err = NULL;
	int s, got = 0;

	f->cfg.set_dns = false;
	ns = net_config_apply(&f->cfg, &err);
	assert_non_null(ns);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sendto(s, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);

	for (int i = 0; i < 8; i++)
		pkts[i] = pkt_buf_reset(&bufs[i]);
	got = net_tun_read_batch(&f->tun, pkts, 8);
	assert_int_equal(got, 3);
	for (int i = 0; i < got; i++) {
		assert_int_equal(pkts[i]->len, 20 + 8 + 4);
		assert_int_equal(pkts[i]->data[0], 0x45);
		assert_int_equal(pkts[i]->data[9], IPPROTO_UDP);
		assert_int_equal(pkt_headroom(pkts[i]), PKT_HEADROOM);
	}
	assert_int_equal(net_tun_read_batch(&f->tun, pkts, 8), 0);

	/* The other way: a packet from the peer, delivered to our socket. */
	memset(frame, 0, sizeof(frame));
	*ip = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
			      .tot_len = htons(sizeof(frame)), .saddr = ip4("203.0.113.1"),
			      .daddr = ip4("203.0.113.5") };
	ip->check = ip_checksum(ip, sizeof(*ip));
	*udp = (struct udphdr){ .source = htons(9), .dest = htons(4000), .len = htons(8 + 5) };
	memcpy(udp + 1, "hello", 5);
	assert_int_equal(net_tun_write(&f->tun, frame, sizeof(frame)), 0);
	assert_int_equal(recv(s, rx, sizeof(rx), 0), 5);
	assert_memory_equal(rx, "hello", 5);

	close(s);
	net_config_undo(ns);
	assert_tun_bare(f);
}

static void test_tun_name_hint(void **state)
{
	struct net_tun a, b;

	assert_int_equal(net_tun_open("vpntest%d", &a), 0);
	assert_string_equal(a.name, "vpntest0");
	assert_int_equal(net_tun_open("vpntest%d", &b), 0);
	assert_string_equal(b.name, "vpntest1");
	assert_true(fcntl(a.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(a.fd, F_GETFD) & FD_CLOEXEC);
	net_tun_close(&b);
	net_tun_close(&a);
	net_tun_close(&a);	/* twice is harmless */
	assert_int_equal(if_nametoindex("vpntest0"), 0);
	assert_int_equal(net_tun_open("a-name-much-too-long%d", &a), -EINVAL);
}

static void test_udp_prefers_1701_when_free(void **state)
{
	uint16_t p1 = 1701, p2 = 1701, p3 = 0;
	int fd1, fd2, fd3;

	assert_int_equal(net_udp_open(ip4("198.51.100.1"), 1701, &p1, &fd1), 0);
	assert_int_equal(p1, 1701);
	assert_int_equal(net_udp_open(ip4("198.51.100.1"), 1701, &p2, &fd2), 0);
	assert_true(p2 != 1701 && p2 != 0);
	assert_int_equal(net_udp_open(ip4("198.51.100.1"), 1701, &p3, &fd3), 0);
	assert_true(p3 != 1701 && p3 != 0);
	close(fd1);
	close(fd2);
	close(fd3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_tunnel_applied_and_undone, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_gateway_route_copies_next_hop, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_split_tunnel_without_peer, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_split_route_over_gateway_pins_it, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_link_local_from_iid, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_route_undoes_everything, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_dns_failure_undoes_routes, tun_setup,
						tun_teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_rejected, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(test_tun_batches, tun_setup, tun_teardown),
		cmocka_unit_test(test_tun_name_hint),
		cmocka_unit_test(test_udp_prefers_1701_when_free),
	};
	char cmd[96];
	int r;

	if (geteuid() != 0) {
		printf("# SKIP: needs root (network and mount namespaces)\n");
		return 77;
	}
	r = setup_namespace();
	if (r)
		return r;
	setup_underlay();

	r = cmocka_run_group_tests(tests, NULL, NULL);

	nl_socket_free(sk);
	umount("/etc/resolv.conf");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
