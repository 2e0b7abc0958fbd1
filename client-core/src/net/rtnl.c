/*
 * Addresses, MTU and routes of the TUN through rtnetlink (libnl-route-3).
 * Every object we add is recorded, and undo deletes exactly those in reverse
 * order, so routes or addresses someone else owns are never touched.
 *
 * - IPv4: local4 with peer4 as a point-to-point /32 (PPP, RFC 1332); with no
 *   peer a bare /32, and the routes are device routes either way.
 * - IPv6: IPv6CP (RFC 5072) only gives an interface id, so the link-local
 *   address is fe80::IID/64, and addrgenmode none stops the kernel from
 *   making a random one of its own on the TUN.
 * - Full tunnel: 0.0.0.0/1 + 128.0.0.0/1, more specific than any default
 *   route, which therefore stays as it is; and a /32 to the gateway copied
 *   from the route the kernel uses now, so the underlay keeps its path
 *   instead of looping into the tunnel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/route.h>

#include "util/log.h"
#include "net-private.h"

enum rtnl_action_kind {
	RTNL_ACTION_LINK,	/* MTU and up: undo puts back the old values */
	RTNL_ACTION_ADDR,
	RTNL_ACTION_ROUTE,
};

struct rtnl_action {
	enum rtnl_action_kind kind;
	struct rtnl_addr *addr;
	struct rtnl_route *route;
	unsigned int old_flags;
	unsigned int old_mtu;
	char what[96];		/* for the undo log line */
};

/* link + two addresses + gateway route + two full-tunnel routes + the split routes */
#define RTNL_MAX_ACTIONS (NET_MAX_ROUTES + 8)

struct net_rtnl {
	struct nl_sock *sk;
	int ifindex;
	char ifname[IF_NAMESIZE];
	int last_errno;		/* the kernel's errno of the last failed request */
	struct rtnl_action actions[RTNL_MAX_ACTIONS];
	size_t n_actions;
};

/* libnl folds errnos into a few codes (ENETUNREACH becomes "Unspecific failure"). */
static int rtnl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct net_rtnl *rtnl = arg;

	rtnl->last_errno = -e->error;
	return NL_STOP;
}

static const char *rtnl_strerror(struct net_rtnl *rtnl, int nlerr)
{
	if (rtnl->last_errno > 0)
		return strerror(rtnl->last_errno);
	return net_nl_strerror(nlerr);
}

static struct rtnl_action *rtnl_record(struct net_rtnl *rtnl, enum rtnl_action_kind kind,
				       const char *what)
{
	struct rtnl_action *a;

	if (rtnl->n_actions >= RTNL_MAX_ACTIONS)
		return NULL;

	a = &rtnl->actions[rtnl->n_actions++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	snprintf(a->what, sizeof(a->what), "%s", what);
	return a;
}

static struct nl_addr *addr4(uint32_t addr, uint8_t prefix_len)
{
	struct nl_addr *a = nl_addr_build(AF_INET, &addr, sizeof(addr));

	if (a)
		nl_addr_set_prefixlen(a, prefix_len);
	return a;
}

/* ---- link ---- */

static void rtnl_set_addrgenmode_none(struct net_rtnl *rtnl, struct rtnl_link *link)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r = -NLE_NOMEM;

	if (change) {
		rtnl_link_inet6_set_addr_gen_mode(change, IN6_ADDR_GEN_MODE_NONE);
		rtnl->last_errno = 0;
		r = rtnl_link_change(rtnl->sk, link, change, 0);
		rtnl_link_put(change);
	}

	/* IPv6 may be disabled on this host: then there is no link-local to avoid. */
	if (r < 0)
		rv_log_debug(NET_LOG, "cannot set addrgenmode none on %s: %s", rtnl->ifname,
			     rtnl_strerror(rtnl, r));
}

/* Per-device IPv6 settings of this network namespace; best effort (IPv6 may be off). */
static void rtnl_ipv6_sysctl(struct net_rtnl *rtnl, const char *key, const char *value)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", rtnl->ifname, key);
	f = fopen(path, "we");
	if (!f) {
		rv_log_debug(NET_LOG, "cannot set %s: %s", path, strerror(errno));
		return;
	}

	fputs(value, f);
	if (fclose(f) != 0)
		rv_log_debug(NET_LOG, "cannot set %s: %s", path, strerror(errno));
}

static int rtnl_link_up(struct net_rtnl *rtnl, struct rtnl_link *link, uint16_t mtu,
			char **ret_error)
{
	struct rtnl_link *change = rtnl_link_alloc();
	struct rtnl_action *a;
	int r;

	if (!change)
		return -ENOMEM;
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	rtnl_link_set_flags(change, IFF_UP);

	rtnl->last_errno = 0;
	r = rtnl_link_change(rtnl->sk, link, change, 0);
	rtnl_link_put(change);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot bring %s up with MTU %u: %s", rtnl->ifname,
					       mtu, rtnl_strerror(rtnl, r));
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_LINK, "link settings");
	a->old_flags = rtnl_link_get_flags(link);
	a->old_mtu = rtnl_link_get_mtu(link);
	rv_log_debug(NET_LOG, "%s up, MTU %u", rtnl->ifname, mtu ? mtu : a->old_mtu);
	return 0;
}

static int rtnl_setup_link(struct net_rtnl *rtnl, const struct net_config *cfg,
			   char **ret_error)
{
	struct rtnl_link *link = NULL;
	int r;

	rtnl->last_errno = 0;
	r = rtnl_link_get_kernel(rtnl->sk, rtnl->ifindex, NULL, &link);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot find %s (ifindex %d): %s", rtnl->ifname,
					       rtnl->ifindex, rtnl_strerror(rtnl, r));
		return -ENODEV;
	}

	/* Before the link goes up, when the kernel would make its own link-local. */
	rtnl_set_addrgenmode_none(rtnl, link);
	/* Split tunnel: the gateway's Router Advertisement must not take the IPv6 default route. */
	if (!cfg->default_route)
		rtnl_ipv6_sysctl(rtnl, "accept_ra_defrtr", "0");
	r = rtnl_link_up(rtnl, link, cfg->mtu, ret_error);
	rtnl_link_put(link);
	return r;
}

static void rtnl_undo_link(struct net_rtnl *rtnl, const struct rtnl_action *a)
{
	struct rtnl_link *link = NULL, *change;
	int r;

	if (rtnl_link_get_kernel(rtnl->sk, rtnl->ifindex, NULL, &link) < 0)
		return;		/* the TUN is gone already: nothing left to put back */

	change = rtnl_link_alloc();
	if (change) {
		rtnl_link_set_mtu(change, a->old_mtu);
		if (!(a->old_flags & IFF_UP))
			rtnl_link_unset_flags(change, IFF_UP);
		r = rtnl_link_change(rtnl->sk, link, change, 0);
		if (r < 0)
			rv_log_warning(NET_LOG, "cannot restore %s settings: %s", rtnl->ifname,
				       net_nl_strerror(r));
		rtnl_link_put(change);
	}
	rtnl_link_put(link);
}

/* ---- addresses ---- */

static int rtnl_add_addr(struct net_rtnl *rtnl, struct rtnl_addr *addr, const char *what,
			 char **ret_error)
{
	struct rtnl_action *a;
	int r;

	rtnl->last_errno = 0;
	r = rtnl_addr_add(rtnl->sk, addr, NLM_F_EXCL);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot add address %s to %s: %s", what,
					       rtnl->ifname, rtnl_strerror(rtnl, r));
		rtnl_addr_put(addr);
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_ADDR, what);
	a->addr = addr;
	rv_log_debug(NET_LOG, "added address %s to %s", what, rtnl->ifname);
	return 0;
}

static int rtnl_add_addr4(struct net_rtnl *rtnl, const struct net_config *cfg,
			  char **ret_error)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = addr4(cfg->local4, 32);
	struct nl_addr *peer = cfg->peer4 ? addr4(cfg->peer4, 32) : NULL;
	char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], what[2 * INET_ADDRSTRLEN + 8];
	int r = -ENOMEM;

	if (addr && local && (peer || !cfg->peer4)) {
		rtnl_addr_set_ifindex(addr, rtnl->ifindex);
		rtnl_addr_set_family(addr, AF_INET);
		rtnl_addr_set_local(addr, local);
		if (peer)
			rtnl_addr_set_peer(addr, peer);
		rtnl_addr_set_prefixlen(addr, 32);
		snprintf(what, sizeof(what), "%s%s%s", net_ip4_str(cfg->local4, l),
			 peer ? " peer " : "/32", peer ? net_ip4_str(cfg->peer4, p) : "");
		r = rtnl_add_addr(rtnl, addr, what, ret_error);
		addr = NULL;
	}

	rtnl_addr_put(addr);
	nl_addr_put(local);
	nl_addr_put(peer);
	return r;
}

static int rtnl_add_addr6(struct net_rtnl *rtnl, const struct net_config *cfg,
			  char **ret_error)
{
	struct in6_addr ll = { .s6_addr = { 0xfe, 0x80 } };
	char what[INET6_ADDRSTRLEN + 4];
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local;
	int r = -ENOMEM;

	memcpy(&ll.s6_addr[8], cfg->local_iid, 8);
	local = nl_addr_build(AF_INET6, &ll, sizeof(ll));
	if (addr && local) {
		nl_addr_set_prefixlen(local, 64);
		rtnl_addr_set_ifindex(addr, rtnl->ifindex);
		rtnl_addr_set_family(addr, AF_INET6);
		rtnl_addr_set_local(addr, local);
		rtnl_addr_set_prefixlen(addr, 64);
		/* A point-to-point link has nobody to collide with. */
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
		inet_ntop(AF_INET6, &ll, what, sizeof(what));
		strcat(what, "/64");
		r = rtnl_add_addr(rtnl, addr, what, ret_error);
		addr = NULL;
	}

	rtnl_addr_put(addr);
	nl_addr_put(local);
	return r;
}

/* ---- routes ---- */

static struct rtnl_route *route4_new(const struct net_route4 *dst, int ifindex, uint32_t gw)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = addr4(dst->dst, dst->prefix_len);
	struct nl_addr *g = gw ? addr4(gw, 32) : NULL;

	if (!route || !nh || !d || (gw && !g)) {
		rtnl_route_put(route);
		rtnl_route_nh_free(nh);
		nl_addr_put(d);
		nl_addr_put(g);
		return NULL;
	}

	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_set_dst(route, d);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (g)
		rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(route, nh);
	nl_addr_put(d);
	nl_addr_put(g);
	return route;
}

/* 0 added, 1 already there (tolerated only when `may_exist`), -EIO with *ret_error. */
static int rtnl_add_route(struct net_rtnl *rtnl, struct rtnl_route *route, const char *what,
			  bool may_exist, char **ret_error)
{
	struct rtnl_action *a;
	int r;

	rtnl->last_errno = 0;
	r = rtnl_route_add(rtnl->sk, route, NLM_F_EXCL);
	if (r == -NLE_EXIST && may_exist) {
		rv_log_debug(NET_LOG, "route %s exists already, left alone", what);
		rtnl_route_put(route);
		return 1;
	}
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot add route %s: %s", what,
					       rtnl_strerror(rtnl, r));
		rtnl_route_put(route);
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_ROUTE, what);
	a->route = route;
	rv_log_debug(NET_LOG, "added route %s", what);
	return 0;
}

static int rtnl_add_tun_routes(struct net_rtnl *rtnl, const struct net_route4 *plan, size_t n,
			       char **ret_error)
{
	char dst[NET_ROUTE4_STRLEN], what[NET_ROUTE4_STRLEN + IF_NAMESIZE + 8];

	for (size_t i = 0; i < n; i++) {
		struct rtnl_route *route = route4_new(&plan[i], rtnl->ifindex, 0);
		int r;

		if (!route)
			return -ENOMEM;
		snprintf(what, sizeof(what), "%s via %s", net_route4_str(&plan[i], dst),
			 rtnl->ifname);
		r = rtnl_add_route(rtnl, route, what, false, ret_error);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The path the kernel takes to the gateway now: its next hop (or 0) and device. */
static int rtnl_gateway_path(struct net_rtnl *rtnl, uint32_t gateway4, uint32_t *ret_via,
			     int *ret_ifindex)
{
	struct nl_addr *dst = addr4(gateway4, 32);
	struct rtnl_route *found = NULL;
	struct rtnl_nexthop *nh;
	struct nl_addr *via;
	int r;

	if (!dst)
		return -ENOMEM;
	rtnl->last_errno = 0;
	r = rtnl_route_lookup(rtnl->sk, dst, &found);
	nl_addr_put(dst);
	if (r < 0)
		return rtnl->last_errno > 0 ? -rtnl->last_errno : -net_nl_errno(r);

	nh = rtnl_route_get_nnexthops(found) == 1 ? rtnl_route_nexthop_n(found, 0) : NULL;
	r = -ENETUNREACH;
	if (nh && rtnl_route_get_type(found) == RTN_UNICAST) {
		via = rtnl_route_nh_get_gateway(nh);
		*ret_via = via && nl_addr_get_len(via) == 4 ?
			*(const uint32_t *)nl_addr_get_binary_addr(via) : 0;
		*ret_ifindex = rtnl_route_nh_get_ifindex(nh);
		r = 0;
	}
	rtnl_route_put(found);
	return r;
}

static int rtnl_add_gateway_route(struct net_rtnl *rtnl, const struct net_config *cfg,
				  char **ret_error)
{
	const struct net_route4 host = { .dst = cfg->gateway4, .prefix_len = 32 };
	char gw[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";
	char what[2 * INET_ADDRSTRLEN + IF_NAMESIZE + 16];
	struct rtnl_route *route;
	uint32_t next_hop = 0;
	int ifindex = 0, r;

	r = rtnl_gateway_path(rtnl, cfg->gateway4, &next_hop, &ifindex);
	if (r < 0 || ifindex == rtnl->ifindex) {
		/* Local or unreachable gateway: nothing to pin, not worth failing for. */
		rv_log_warning(NET_LOG, "no path to gateway %s to keep: %s",
			       net_ip4_str(cfg->gateway4, gw),
			       r < 0 ? strerror(-r) : "it already goes through the tunnel");
		return 0;
	}

	if_indextoname((unsigned int)ifindex, dev);
	snprintf(what, sizeof(what), "%s/32%s%s dev %s", net_ip4_str(cfg->gateway4, gw),
		 next_hop ? " via " : "", next_hop ? net_ip4_str(next_hop, via) : "", dev);
	route = route4_new(&host, ifindex, next_hop);
	if (!route)
		return -ENOMEM;
	r = rtnl_add_route(rtnl, route, what, true, ret_error);
	return r < 0 ? r : 0;
}

/* ---- apply / undo ---- */

static void rtnl_undo_action(struct net_rtnl *rtnl, struct rtnl_action *a)
{
	int r = 0;

	switch (a->kind) {
	case RTNL_ACTION_LINK:
		rtnl_undo_link(rtnl, a);
		break;
	case RTNL_ACTION_ADDR:
		r = rtnl_addr_delete(rtnl->sk, a->addr, 0);
		rtnl_addr_put(a->addr);
		break;
	case RTNL_ACTION_ROUTE:
		r = rtnl_route_delete(rtnl->sk, a->route, 0);
		rtnl_route_put(a->route);
		break;
	}

	/* Gone with the device (or removed by someone else) is fine. */
	if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV && r != -NLE_NOADDR)
		rv_log_warning(NET_LOG, "cannot remove %s: %s", a->what, net_nl_strerror(r));
	else
		rv_log_debug(NET_LOG, "removed %s", a->what);
}

void net_rtnl_undo(struct net_rtnl *rtnl)
{
	if (!rtnl)
		return;

	while (rtnl->n_actions > 0)
		rtnl_undo_action(rtnl, &rtnl->actions[--rtnl->n_actions]);

	nl_socket_free(rtnl->sk);
	free(rtnl);
}

static int rtnl_apply_all(struct net_rtnl *rtnl, const struct net_config *cfg,
			  char **ret_error)
{
	struct net_route4 plan[NET_MAX_ROUTES + 2];
	int n, r;

	n = net_plan_routes(cfg, plan, NET_MAX_ROUTES + 2);
	if (n < 0) {
		*ret_error = net_strdup_printf("invalid route for %s (prefix length over 32)",
					       rtnl->ifname);
		return -EINVAL;
	}

	r = rtnl_setup_link(rtnl, cfg, ret_error);
	if (!r && cfg->local4)
		r = rtnl_add_addr4(rtnl, cfg, ret_error);
	if (!r && cfg->has_ipv6)
		r = rtnl_add_addr6(rtnl, cfg, ret_error);
	/* Before the tunnel routes: afterwards the lookup would find the tunnel. */
	if (!r && cfg->gateway4 && net_routes_cover(plan, (size_t)n, cfg->gateway4))
		r = rtnl_add_gateway_route(rtnl, cfg, ret_error);
	if (!r)
		r = rtnl_add_tun_routes(rtnl, plan, (size_t)n, ret_error);
	return r;
}

static struct net_rtnl *rtnl_new(const struct net_config *cfg, char **ret_error)
{
	struct net_rtnl *rtnl = calloc(1, sizeof(*rtnl));
	int r;

	if (!rtnl)
		return NULL;
	rtnl->ifindex = cfg->ifindex;
	snprintf(rtnl->ifname, sizeof(rtnl->ifname), "%s", cfg->ifname ? cfg->ifname : "?");

	rtnl->sk = nl_socket_alloc();
	r = rtnl->sk ? nl_connect(rtnl->sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (!r)
		r = nl_socket_modify_err_cb(rtnl->sk, NL_CB_CUSTOM, rtnl_err_cb, rtnl);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot open rtnetlink: %s", net_nl_strerror(r));
		nl_socket_free(rtnl->sk);
		free(rtnl);
		return NULL;
	}
	return rtnl;
}

struct net_rtnl *net_rtnl_apply(const struct net_config *cfg, char **ret_error)
{
	struct net_rtnl *rtnl;
	int r;

	*ret_error = NULL;
	rtnl = rtnl_new(cfg, ret_error);
	if (!rtnl)
		return NULL;

	r = rtnl_apply_all(rtnl, cfg, ret_error);
	if (r < 0) {
		if (!*ret_error)
			*ret_error = net_strdup_printf("cannot configure %s: %s", rtnl->ifname,
						       strerror(-r));
		net_rtnl_undo(rtnl);
		return NULL;
	}
	return rtnl;
}

/* IPv6CP opens after IPCP on real gateways (l2tpns): add its link-local address later. */
int net_rtnl_add_ipv6(struct net_rtnl *rtnl, const uint8_t iid[8], char **ret_error)
{
	struct net_config cfg = { .has_ipv6 = true };

	*ret_error = NULL;
	memcpy(cfg.local_iid, iid, sizeof(cfg.local_iid));
	return rtnl_add_addr6(rtnl, &cfg, ret_error);
}
