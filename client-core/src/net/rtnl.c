/*
 * Addresses, MTU and routes of the TUN through rtnetlink (netlink.c).
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
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>

#include "util/log.h"
#include "net-private.h"

enum rtnl_action_kind {
	RTNL_ACTION_LINK,	/* MTU and up: undo puts back the old values */
	RTNL_ACTION_ADDR,
	RTNL_ACTION_ROUTE,
};

/* An address on the TUN, as added and as deleted again. */
struct rtnl_addr {
	uint8_t family;
	uint8_t prefix_len;
	uint8_t flags;		/* IFA_F_* */
	bool has_peer;
	uint8_t local[16];
	uint8_t peer[16];
};

/* An IPv4 unicast route in the main table: dst/prefix_len dev ifindex [via gateway]. */
struct rtnl_route4 {
	uint32_t dst;
	uint32_t gateway;	/* 0: a device route (scope link) */
	uint8_t prefix_len;
	int ifindex;
};

struct rtnl_action {
	enum rtnl_action_kind kind;
	union {
		struct {
			unsigned int old_flags;
			unsigned int old_mtu;
		} link;
		struct rtnl_addr addr;
		struct rtnl_route4 route;
	} u;
	char what[96];		/* for the undo log line */
};

/* link + two addresses + gateway route + two full-tunnel routes + the split routes */
#define RTNL_MAX_ACTIONS (NET_MAX_ROUTES + 8)

struct net_rtnl {
	struct net_nl nl;
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct rtnl_action actions[RTNL_MAX_ACTIONS];
	size_t n_actions;
};

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

/* ---- link ---- */

/* RTM_SETLINK for our TUN: `change` of the flags set to `flags`, MTU if non-zero. */
static int rtnl_set_link(struct net_rtnl *rtnl, unsigned int flags, unsigned int change,
			 uint32_t mtu)
{
	struct net_nl_msg m;
	struct ifinfomsg *ifi = net_nl_msg_init(&m, RTM_SETLINK, NLM_F_ACK, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = rtnl->ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	if (mtu)
		net_nl_put(&m, IFLA_MTU, &mtu, sizeof(mtu));
	return net_nl_transact(&rtnl->nl, &m, NULL);
}

/* The TUN's flags and MTU now. 0 or -errno (-ENODEV when it is gone). */
static int rtnl_get_link(struct net_rtnl *rtnl, unsigned int *ret_flags, unsigned int *ret_mtu)
{
	struct net_nl_msg m, reply;
	struct ifinfomsg *ifi = net_nl_msg_init(&m, RTM_GETLINK, 0, sizeof(*ifi));
	int r;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = rtnl->ifindex;
	r = net_nl_transact(&rtnl->nl, &m, &reply);
	return r < 0 ? r : net_rtnl_link_reply(&reply, ret_flags, ret_mtu);
}

int net_rtnl_link_reply(const struct net_nl_msg *reply, unsigned int *ret_flags,
			unsigned int *ret_mtu)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(&reply->u.hdr);
	const struct rtattr *mtu;

	if (reply->u.hdr.nlmsg_type != RTM_NEWLINK ||
	    reply->u.hdr.nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EBADMSG;
	mtu = net_nl_attr(reply, sizeof(*ifi), IFLA_MTU);
	*ret_flags = ifi->ifi_flags;
	*ret_mtu = mtu && RTA_PAYLOAD(mtu) >= 4 ? *(const uint32_t *)RTA_DATA(mtu) : 0;
	return 0;
}

static void rtnl_set_addrgenmode_none(struct net_rtnl *rtnl)
{
	struct net_nl_msg m;
	struct ifinfomsg *ifi = net_nl_msg_init(&m, RTM_SETLINK, NLM_F_ACK, sizeof(*ifi));
	struct rtattr *spec, *inet6;
	uint8_t mode = IN6_ADDR_GEN_MODE_NONE;
	int r;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = rtnl->ifindex;
	spec = net_nl_nest_start(&m, IFLA_AF_SPEC);
	inet6 = net_nl_nest_start(&m, AF_INET6);
	net_nl_put(&m, IFLA_INET6_ADDR_GEN_MODE, &mode, sizeof(mode));
	net_nl_nest_end(&m, inet6);
	net_nl_nest_end(&m, spec);
	r = net_nl_transact(&rtnl->nl, &m, NULL);

	/* IPv6 may be disabled on this host: then there is no link-local to avoid. */
	if (r < 0)
		rv_log_debug(NET_LOG, "cannot set addrgenmode none on %s: %s", rtnl->ifname,
			     strerror(-r));
}

/* Per-device IPv6 settings of this network namespace; best effort (IPv6 may be off). */
static void ipv6_sysctl(const char *ifname, const char *key, const char *value)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	f = fopen(path, "we");
	if (!f) {
		rv_log_debug(NET_LOG, "cannot set %s: %s", path, strerror(errno));
		return;
	}

	fputs(value, f);
	if (fclose(f) != 0)
		rv_log_debug(NET_LOG, "cannot set %s: %s", path, strerror(errno));
}

/*
 * The caller (NetworkManager) configures the device and brings it up: the
 * kernel must not make a link-local address of its own (the gateway drops
 * any source but the one IPv6CP agreed on, which the caller is given), nor
 * take the default route from the gateway's Router Advertisement behind
 * the caller's back (its never-default decides). SLAAC addresses stay.
 */
void net_ipv6_leave_to_caller(const char *ifname)
{
	ipv6_sysctl(ifname, "addr_gen_mode", "1");
	ipv6_sysctl(ifname, "accept_ra_defrtr", "0");
}

static int rtnl_link_up(struct net_rtnl *rtnl, unsigned int old_flags, unsigned int old_mtu,
			uint16_t mtu, char **ret_error)
{
	struct rtnl_action *a;
	int r;

	r = rtnl_set_link(rtnl, IFF_UP, IFF_UP, mtu);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot bring %s up with MTU %u: %s", rtnl->ifname,
					       mtu, strerror(-r));
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_LINK, "link settings");
	a->u.link.old_flags = old_flags;
	a->u.link.old_mtu = old_mtu;
	rv_log_debug(NET_LOG, "%s up, MTU %u", rtnl->ifname, mtu ? mtu : old_mtu);
	return 0;
}

static int rtnl_setup_link(struct net_rtnl *rtnl, const struct net_config *cfg,
			   char **ret_error)
{
	unsigned int flags, mtu;
	int r;

	r = rtnl_get_link(rtnl, &flags, &mtu);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot find %s (ifindex %d): %s", rtnl->ifname,
					       rtnl->ifindex, strerror(-r));
		return -ENODEV;
	}

	/* Before the link goes up, when the kernel would make its own link-local. */
	rtnl_set_addrgenmode_none(rtnl);
	/* Split tunnel: the gateway's Router Advertisement must not take the IPv6 default route. */
	if (!cfg->default_route)
		ipv6_sysctl(rtnl->ifname, "accept_ra_defrtr", "0");
	return rtnl_link_up(rtnl, flags, mtu, cfg->mtu, ret_error);
}

static int rtnl_undo_link(struct net_rtnl *rtnl, const struct rtnl_action *a)
{
	return rtnl_set_link(rtnl, a->u.link.old_flags & IFF_UP, IFF_UP, a->u.link.old_mtu);
}

/* ---- addresses ---- */

/* RTM_NEWADDR or RTM_DELADDR for one of our addresses. */
static int rtnl_addr_request(struct net_rtnl *rtnl, uint16_t type, uint16_t flags,
			     const struct rtnl_addr *addr)
{
	size_t len = addr->family == AF_INET ? 4 : 16;
	struct net_nl_msg m;
	struct ifaddrmsg *ifa = net_nl_msg_init(&m, type, NLM_F_ACK | flags, sizeof(*ifa));

	ifa->ifa_family = addr->family;
	ifa->ifa_prefixlen = addr->prefix_len;
	ifa->ifa_flags = addr->flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)rtnl->ifindex;
	net_nl_put(&m, IFA_LOCAL, addr->local, len);
	/* IFA_ADDRESS is the far end of a point-to-point link, else the address itself. */
	net_nl_put(&m, IFA_ADDRESS, addr->has_peer ? addr->peer : addr->local, len);
	return net_nl_transact(&rtnl->nl, &m, NULL);
}

static int rtnl_add_addr(struct net_rtnl *rtnl, const struct rtnl_addr *addr, const char *what,
			 char **ret_error)
{
	struct rtnl_action *a;
	int r;

	r = rtnl_addr_request(rtnl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, addr);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot add address %s to %s: %s", what,
					       rtnl->ifname, strerror(-r));
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_ADDR, what);
	a->u.addr = *addr;
	rv_log_debug(NET_LOG, "added address %s to %s", what, rtnl->ifname);
	return 0;
}

static int rtnl_add_addr4(struct net_rtnl *rtnl, const struct net_config *cfg,
			  char **ret_error)
{
	struct rtnl_addr addr = { .family = AF_INET, .prefix_len = 32, .has_peer = cfg->peer4 != 0 };
	char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], what[2 * INET_ADDRSTRLEN + 8];

	memcpy(addr.local, &cfg->local4, 4);
	memcpy(addr.peer, &cfg->peer4, 4);
	snprintf(what, sizeof(what), "%s%s%s", net_ip4_str(cfg->local4, l),
		 addr.has_peer ? " peer " : "/32", addr.has_peer ? net_ip4_str(cfg->peer4, p) : "");
	return rtnl_add_addr(rtnl, &addr, what, ret_error);
}

static int rtnl_add_addr6(struct net_rtnl *rtnl, const struct net_config *cfg,
			  char **ret_error)
{
	/* A point-to-point link has nobody to collide with. */
	struct rtnl_addr addr = { .family = AF_INET6, .prefix_len = 64, .flags = IFA_F_NODAD,
				  .local = { 0xfe, 0x80 } };
	char what[INET6_ADDRSTRLEN + 4];

	memcpy(&addr.local[8], cfg->local_iid, 8);
	inet_ntop(AF_INET6, addr.local, what, sizeof(what));
	strcat(what, "/64");
	return rtnl_add_addr(rtnl, &addr, what, ret_error);
}

/* ---- routes ---- */

/* RTM_NEWROUTE or RTM_DELROUTE for one of our routes. */
static int rtnl_route_request(struct net_rtnl *rtnl, uint16_t type, uint16_t flags,
			      const struct rtnl_route4 *route)
{
	struct net_nl_msg m;
	struct rtmsg *rtm = net_nl_msg_init(&m, type, NLM_F_ACK | flags, sizeof(*rtm));
	uint32_t oif = (uint32_t)route->ifindex;

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = route->prefix_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = route->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (route->prefix_len)
		net_nl_put(&m, RTA_DST, &route->dst, 4);
	net_nl_put(&m, RTA_OIF, &oif, sizeof(oif));
	if (route->gateway)
		net_nl_put(&m, RTA_GATEWAY, &route->gateway, 4);
	return net_nl_transact(&rtnl->nl, &m, NULL);
}

/* 0 added, 1 already there (tolerated only when `may_exist`), -EIO with *ret_error. */
static int rtnl_add_route(struct net_rtnl *rtnl, const struct rtnl_route4 *route,
			  const char *what, bool may_exist, char **ret_error)
{
	struct rtnl_action *a;
	int r;

	r = rtnl_route_request(rtnl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route);
	if (r == -EEXIST && may_exist) {
		rv_log_debug(NET_LOG, "route %s exists already, left alone", what);
		return 1;
	}
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot add route %s: %s", what, strerror(-r));
		return -EIO;
	}

	a = rtnl_record(rtnl, RTNL_ACTION_ROUTE, what);
	a->u.route = *route;
	rv_log_debug(NET_LOG, "added route %s", what);
	return 0;
}

static int rtnl_add_tun_routes(struct net_rtnl *rtnl, const struct net_route4 *plan, size_t n,
			       char **ret_error)
{
	char dst[NET_ROUTE4_STRLEN], what[NET_ROUTE4_STRLEN + IF_NAMESIZE + 8];

	for (size_t i = 0; i < n; i++) {
		const struct rtnl_route4 route = { .dst = plan[i].dst,
						   .prefix_len = plan[i].prefix_len,
						   .ifindex = rtnl->ifindex };
		int r;

		snprintf(what, sizeof(what), "%s via %s", net_route4_str(&plan[i], dst),
			 rtnl->ifname);
		r = rtnl_add_route(rtnl, &route, what, false, ret_error);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The path the kernel takes to the gateway now: its next hop (or 0) and device. */
static int rtnl_gateway_path(struct net_rtnl *rtnl, uint32_t gateway4, uint32_t *ret_via,
			     int *ret_ifindex)
{
	struct net_nl_msg m, reply;
	struct rtmsg *rtm = net_nl_msg_init(&m, RTM_GETROUTE, 0, sizeof(*rtm));
	int r;

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	net_nl_put(&m, RTA_DST, &gateway4, 4);
	r = net_nl_transact(&rtnl->nl, &m, &reply);
	return r < 0 ? r : net_rtnl_route_reply(&reply, ret_via, ret_ifindex);
}

int net_rtnl_route_reply(const struct net_nl_msg *reply, uint32_t *ret_via, int *ret_ifindex)
{
	const struct rtmsg *found = NLMSG_DATA(&reply->u.hdr);
	const struct rtattr *oif, *via;

	if (reply->u.hdr.nlmsg_type != RTM_NEWROUTE ||
	    reply->u.hdr.nlmsg_len < NLMSG_LENGTH(sizeof(*found)))
		return -EBADMSG;
	oif = net_nl_attr(reply, sizeof(*found), RTA_OIF);
	via = net_nl_attr(reply, sizeof(*found), RTA_GATEWAY);
	/* One unicast path (not local, not a multipath route): that is what we pin. */
	if (found->rtm_type != RTN_UNICAST || !oif || RTA_PAYLOAD(oif) < 4 ||
	    net_nl_attr(reply, sizeof(*found), RTA_MULTIPATH))
		return -ENETUNREACH;
	*ret_ifindex = (int)*(const uint32_t *)RTA_DATA(oif);
	*ret_via = via && RTA_PAYLOAD(via) == 4 ? *(const uint32_t *)RTA_DATA(via) : 0;
	return 0;
}

static int rtnl_add_gateway_route(struct net_rtnl *rtnl, const struct net_config *cfg,
				  char **ret_error)
{
	char gw[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";
	char what[2 * INET_ADDRSTRLEN + IF_NAMESIZE + 16];
	struct rtnl_route4 route = { .dst = cfg->gateway4, .prefix_len = 32 };
	int r;

	r = rtnl_gateway_path(rtnl, cfg->gateway4, &route.gateway, &route.ifindex);
	if (r < 0 || route.ifindex == rtnl->ifindex) {
		/* Local or unreachable gateway: nothing to pin, not worth failing for. */
		rv_log_warning(NET_LOG, "no path to gateway %s to keep: %s",
			       net_ip4_str(cfg->gateway4, gw),
			       r < 0 ? strerror(-r) : "it already goes through the tunnel");
		return 0;
	}

	if_indextoname((unsigned int)route.ifindex, dev);
	snprintf(what, sizeof(what), "%s/32%s%s dev %s", net_ip4_str(cfg->gateway4, gw),
		 route.gateway ? " via " : "", route.gateway ? net_ip4_str(route.gateway, via) : "",
		 dev);
	r = rtnl_add_route(rtnl, &route, what, true, ret_error);
	return r < 0 ? r : 0;
}

/* ---- apply / undo ---- */

static void rtnl_undo_action(struct net_rtnl *rtnl, const struct rtnl_action *a)
{
	int r = 0;

	switch (a->kind) {
	case RTNL_ACTION_LINK:
		r = rtnl_undo_link(rtnl, a);
		break;
	case RTNL_ACTION_ADDR:
		r = rtnl_addr_request(rtnl, RTM_DELADDR, 0, &a->u.addr);
		break;
	case RTNL_ACTION_ROUTE:
		r = rtnl_route_request(rtnl, RTM_DELROUTE, 0, &a->u.route);
		break;
	}

	/* Gone with the device (or removed by someone else) is fine. */
	if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV && r != -EADDRNOTAVAIL)
		rv_log_warning(NET_LOG, "cannot %s %s: %s",
			       a->kind == RTNL_ACTION_LINK ? "restore" : "remove", a->what,
			       strerror(-r));
	else
		rv_log_debug(NET_LOG, "%s %s", a->kind == RTNL_ACTION_LINK ? "restored" : "removed",
			     a->what);
}

void net_rtnl_undo(struct net_rtnl *rtnl)
{
	if (!rtnl)
		return;

	while (rtnl->n_actions > 0)
		rtnl_undo_action(rtnl, &rtnl->actions[--rtnl->n_actions]);

	net_nl_close(&rtnl->nl);
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

	r = net_nl_open(&rtnl->nl);
	if (r < 0) {
		*ret_error = net_strdup_printf("cannot open rtnetlink: %s", strerror(-r));
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
int net_rtnl_set_mtu(struct net_rtnl *rtnl, uint16_t mtu)
{
	/* The undo puts back the MTU from before the link came up: nothing to record. */
	return rtnl_set_link(rtnl, IFF_UP, IFF_UP, mtu);
}

int net_rtnl_add_ipv6(struct net_rtnl *rtnl, const uint8_t iid[8], char **ret_error)
{
	struct net_config cfg = { .has_ipv6 = true };

	*ret_error = NULL;
	memcpy(cfg.local_iid, iid, sizeof(cfg.local_iid));
	return rtnl_add_addr6(rtnl, &cfg, ret_error);
}

/* ---- the gateway pin across a network change ---- */

/* The recorded /32 to the gateway through the underlay (not the TUN), or NULL. */
static struct rtnl_action *rtnl_pin(const struct net_rtnl *rtnl)
{
	for (size_t i = 0; i < rtnl->n_actions; i++) {
		const struct rtnl_action *a = &rtnl->actions[i];

		if (a->kind == RTNL_ACTION_ROUTE && a->u.route.prefix_len == 32 &&
		    a->u.route.ifindex != rtnl->ifindex)
			return (struct rtnl_action *)a;
	}
	return NULL;
}

bool net_rtnl_pinned_gateway(const struct net_rtnl *rtnl, struct net_underlay *ret)
{
	const struct rtnl_action *a = rtnl ? rtnl_pin(rtnl) : NULL;

	if (!a)
		return false;
	*ret = (struct net_underlay){ .ifindex = a->u.route.ifindex, .via = a->u.route.gateway };
	return true;
}

/*
 * The same path, but the kernel flushes a device's routes with its last
 * address: an address that went and came back (Wi-Fi that reconnects to
 * the same network) took the pin with it, and the gateway would then be
 * routed into the tunnel. Put it back when it is missing.
 */
static int rtnl_restore_pin(struct net_rtnl *rtnl, const struct rtnl_action *a)
{
	int r = rtnl_route_request(rtnl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &a->u.route);

	if (r == -EEXIST)
		return 0;
	if (r < 0)
		return r;
	rv_log_info(NET_LOG, "the gateway's route was gone with the network: put back %s", a->what);
	return 1;
}

/*
 * The old pin goes (the kernel may have removed it already, with the
 * address it went through), the new path is pinned and recorded in its
 * place, so the undo removes the route that is there.
 */
int net_rtnl_follow_gateway(struct net_rtnl *rtnl)
{
	struct rtnl_action *a = rtnl ? rtnl_pin(rtnl) : NULL;
	struct net_underlay was, now;
	struct rtnl_route4 route;
	char gw[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";
	int r;

	if (!a)
		return 0;
	was = (struct net_underlay){ .ifindex = a->u.route.ifindex, .via = a->u.route.gateway };
	r = net_underlay_route4(a->u.route.dst, rtnl->ifindex, &was, &now);
	if (r < 0)
		return r == -ENETUNREACH ? 0 : r;
	if (now.ifindex == was.ifindex && now.via == was.via)
		return rtnl_restore_pin(rtnl, a);

	(void)rtnl_route_request(rtnl, RTM_DELROUTE, 0, &a->u.route);
	route = (struct rtnl_route4){ .dst = a->u.route.dst, .prefix_len = 32,
				      .ifindex = now.ifindex, .gateway = now.via };
	r = rtnl_route_request(rtnl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &route);
	if (r < 0)
		return r;
	a->u.route = route;
	if_indextoname((unsigned int)now.ifindex, dev);
	snprintf(a->what, sizeof(a->what), "%s/32%s%s dev %s", net_ip4_str(route.dst, gw),
		 now.via ? " via " : "", now.via ? net_ip4_str(now.via, via) : "", dev);
	rv_log_info(NET_LOG, "the gateway's route follows the network: %s", a->what);
	return 1;
}
