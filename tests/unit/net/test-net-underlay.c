/*
 * The underlay's parsers (net/underlay.c) on hand-built rtnetlink
 * datagrams: which notifications may change how the gateway is reached
 * (not our TUN's own objects, not other tables, not IPv6), and the route
 * chosen from a dump of the main table (longest prefix, then lowest
 * metric; never through the TUN, never our pin, never multipath or
 * non-unicast).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/net-private.h"

#define TUN 9
#define ETH 2
#define WLAN 3

struct dgram {
	uint8_t buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
};

static struct nlmsghdr *add_msg(struct dgram *d, uint16_t type, uint32_t seq, size_t hdr_len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(d->buf + d->len);

	memset(h, 0, NLMSG_SPACE(hdr_len));
	h->nlmsg_len = NLMSG_LENGTH(hdr_len);
	h->nlmsg_type = type;
	h->nlmsg_seq = seq;
	return h;
}

static void add_attr(struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	struct rtattr *a = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(a), &v, 4);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(4);
}

static void close_msg(struct dgram *d, struct nlmsghdr *h)
{
	d->len += NLMSG_ALIGN(h->nlmsg_len);
}

struct route {
	const char *dst;
	uint8_t prefix_len;
	int oif;
	const char *via;
	uint32_t metric;
	uint8_t table, type, protocol;
	bool multipath;
};

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void add_route(struct dgram *d, uint16_t type, uint32_t seq, const struct route *r)
{
	struct nlmsghdr *h = add_msg(d, type, seq, sizeof(struct rtmsg));
	struct rtmsg *rtm = NLMSG_DATA(h);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->prefix_len;
	rtm->rtm_table = r->table ? r->table : RT_TABLE_MAIN;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_BOOT;
	if (r->prefix_len)
		add_attr(h, RTA_DST, ip(r->dst));
	add_attr(h, RTA_OIF, (uint32_t)r->oif);
	if (r->via)
		add_attr(h, RTA_GATEWAY, ip(r->via));
	if (r->metric)
		add_attr(h, RTA_PRIORITY, r->metric);
	if (r->multipath)
		add_attr(h, RTA_MULTIPATH, 0);
	close_msg(d, h);
}

static void add_addr(struct dgram *d, uint16_t type, uint8_t family, int ifindex)
{
	struct nlmsghdr *h = add_msg(d, type, 0, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = NLMSG_DATA(h);

	ifa->ifa_family = family;
	ifa->ifa_index = (uint32_t)ifindex;
	close_msg(d, h);
}

static void add_link(struct dgram *d, uint16_t type, int ifindex)
{
	struct nlmsghdr *h = add_msg(d, type, 0, sizeof(struct ifinfomsg));

	((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index = ifindex;
	close_msg(d, h);
}

static bool matters_one(void (*build)(struct dgram *))
{
	struct dgram d = { .len = 0 };

	build(&d);
	return net_watch_datagram_matters(d.buf, d.len, TUN);
}

static void b_tun_route(struct dgram *d)
{
	add_route(d, RTM_NEWROUTE, 0, &(struct route){ .dst = "0.0.0.0", .prefix_len = 1, .oif = TUN });
}
static void b_eth_route(struct dgram *d)
{
	add_route(d, RTM_DELROUTE, 0, &(struct route){ .dst = "0.0.0.0", .oif = ETH, .via = "192.168.1.1" });
}
static void b_local_table(struct dgram *d)
{
	add_route(d, RTM_NEWROUTE, 0, &(struct route){ .dst = "192.168.1.5", .prefix_len = 32,
						       .oif = ETH, .table = RT_TABLE_LOCAL });
}
static void b_tun_addr(struct dgram *d) { add_addr(d, RTM_NEWADDR, AF_INET, TUN); }
static void b_eth_addr(struct dgram *d) { add_addr(d, RTM_DELADDR, AF_INET, ETH); }
static void b_eth_addr6(struct dgram *d) { add_addr(d, RTM_NEWADDR, AF_INET6, ETH); }
static void b_tun_link(struct dgram *d) { add_link(d, RTM_NEWLINK, TUN); }
static void b_wlan_link(struct dgram *d) { add_link(d, RTM_NEWLINK, WLAN); }
static void b_mixed(struct dgram *d)
{
	b_tun_addr(d);
	b_tun_route(d);
	b_eth_addr(d);
}

static void test_which_notifications_matter(void **state)
{
	assert_false(matters_one(b_tun_route));
	assert_false(matters_one(b_tun_addr));
	assert_false(matters_one(b_tun_link));
	assert_false(matters_one(b_local_table));
	assert_false(matters_one(b_eth_addr6));
	assert_true(matters_one(b_eth_route));
	assert_true(matters_one(b_eth_addr));
	assert_true(matters_one(b_wlan_link));
	assert_true(matters_one(b_mixed));
	/* truncated or garbage: nothing */
	assert_false(net_watch_datagram_matters("\x01\x02\x03", 3, TUN));
}

/* Feed a dump (seq 7) and its NLMSG_DONE to a pick for gateway 198.51.100.1. */
static int pick_from(const struct route *routes, size_t n, const struct net_underlay *pinned,
		     struct net_underlay *ret)
{
	struct net_route_pick pick = { .gateway4 = ip("198.51.100.1"), .skip_ifindex = TUN };
	struct dgram d = { .len = 0 };
	struct nlmsghdr *done;

	if (pinned)
		pick.pinned = *pinned;
	for (size_t i = 0; i < n; i++)
		add_route(&d, RTM_NEWROUTE, 7, &routes[i]);
	assert_int_equal(net_route_pick_datagram(&pick, d.buf, d.len, 7), 0);
	d.len = 0;
	done = add_msg(&d, NLMSG_DONE, 7, 4);
	close_msg(&d, done);
	assert_int_equal(net_route_pick_datagram(&pick, d.buf, d.len, 7), 1);
	if (!pick.found)
		return -1;
	*ret = pick.best;
	return 0;
}

static void test_route_pick(void **state)
{
	struct net_underlay u, pin = { .ifindex = ETH, .via = ip("192.168.1.1") };
	const struct route full_tunnel[] = {
		{ .dst = "0.0.0.0", .oif = WLAN, .via = "10.0.0.1", .metric = 600 },
		{ .dst = "0.0.0.0", .oif = ETH, .via = "192.168.1.1", .metric = 100 },
		{ .dst = "0.0.0.0", .prefix_len = 1, .oif = TUN },
		{ .dst = "128.0.0.0", .prefix_len = 1, .oif = TUN },
		{ .dst = "198.51.100.1", .prefix_len = 32, .oif = ETH, .via = "192.168.1.1",
		  .protocol = RTPROT_STATIC },
		{ .dst = "198.51.100.0", .prefix_len = 24, .oif = WLAN, .table = 200 },
		{ .dst = "198.51.100.0", .prefix_len = 25, .oif = WLAN, .type = RTN_UNREACHABLE },
		{ .dst = "198.51.100.0", .prefix_len = 26, .oif = WLAN, .multipath = true },
		{ .dst = "198.51.100.128", .prefix_len = 25, .oif = WLAN },
	};

	/* The TUN's /1 routes and our pin left out: the lowest-metric default. */
	assert_int_equal(pick_from(full_tunnel, 9, &pin, &u), 0);
	assert_int_equal(u.ifindex, ETH);
	assert_int_equal(u.via, ip("192.168.1.1"));
	/* Without the defaults nothing leads there: another table, unreachable, multipath, another /25. */
	assert_int_equal(pick_from(full_tunnel + 2, 7, &pin, &u), -1);
	{
		/* Ethernet's default goes: Wi-Fi's, even though our pin still names Ethernet. */
		const struct route moved[] = { full_tunnel[0], full_tunnel[2], full_tunnel[4] };

		assert_int_equal(pick_from(moved, 3, &pin, &u), 0);
		assert_int_equal(u.ifindex, WLAN);
		/* Without knowing the pin, it would win: the reason it is left out. */
		assert_int_equal(pick_from(moved, 3, NULL, &u), 0);
		assert_int_equal(u.ifindex, ETH);
	}
	{
		/* Someone else's /32 (not static, or another path) is a real route. */
		const struct route user32[] = {
			full_tunnel[1],
			{ .dst = "198.51.100.1", .prefix_len = 32, .oif = WLAN, .via = "10.0.0.1" },
		};

		assert_int_equal(pick_from(user32, 2, &pin, &u), 0);
		assert_int_equal(u.ifindex, WLAN);
	}
}

static void test_route_pick_errors(void **state)
{
	struct net_route_pick pick = { .gateway4 = ip("198.51.100.1") };
	struct dgram d = { .len = 0 };
	struct nlmsghdr *h = add_msg(&d, NLMSG_ERROR, 7, sizeof(struct nlmsgerr));

	((struct nlmsgerr *)NLMSG_DATA(h))->error = -EPERM;
	close_msg(&d, h);
	assert_int_equal(net_route_pick_datagram(&pick, d.buf, d.len, 7), -EPERM);
	/* another request's answer is not ours */
	assert_int_equal(net_route_pick_datagram(&pick, d.buf, d.len, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_notifications_matter),
		cmocka_unit_test(test_route_pick),
		cmocka_unit_test(test_route_pick_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
