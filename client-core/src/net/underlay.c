/*
 * The underlay under a tunnel: how the gateway is reached when the tunnel's
 * own routes (and the /32 we pinned to the gateway) are left out, and an
 * rtnetlink socket that hears of link, IPv4 address and IPv4 route changes.
 * The kernel's own lookup (RTM_GETROUTE) cannot answer the first question
 * while a full tunnel is up: it would name the pin or the TUN. So the main
 * table is dumped and the longest prefix chosen here, as the kernel would
 * without them (lowest metric among equals; multipath and non-unicast
 * routes are not followed).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net-private.h"

/* The attributes of one RTM_NEWROUTE that matter here. */
struct route_view {
	const struct rtmsg *rtm;
	uint32_t table, dst, via, priority;
	int oif;
	bool multipath;
};

static uint32_t attr_u32(const struct rtattr *a)
{
	uint32_t v;

	memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

/* 0, or -EBADMSG when the message is not a whole IPv4 route. */
static int route_view(const struct nlmsghdr *h, struct route_view *v)
{
	const struct rtattr *a;
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EBADMSG;
	memset(v, 0, sizeof(*v));
	v->rtm = NLMSG_DATA(h);
	if (v->rtm->rtm_family != AF_INET || v->rtm->rtm_dst_len > 32)
		return -EBADMSG;
	v->table = v->rtm->rtm_table;
	a = (const struct rtattr *)((const uint8_t *)v->rtm + NLMSG_ALIGN(sizeof(struct rtmsg)));
	len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtmsg)));
	for (; len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		bool u32 = RTA_PAYLOAD(a) >= 4;

		if (a->rta_type == RTA_TABLE && u32)
			v->table = attr_u32(a);
		else if (a->rta_type == RTA_DST && u32)
			v->dst = attr_u32(a);
		else if (a->rta_type == RTA_GATEWAY && u32)
			v->via = attr_u32(a);
		else if (a->rta_type == RTA_PRIORITY && u32)
			v->priority = attr_u32(a);
		else if (a->rta_type == RTA_OIF && u32)
			v->oif = (int)attr_u32(a);
		else if (a->rta_type == RTA_MULTIPATH)
			v->multipath = true;
	}
	return 0;
}

static bool is_pin(const struct route_view *v, uint32_t gateway4, const struct net_underlay *pinned)
{
	return pinned && pinned->ifindex && v->rtm->rtm_dst_len == 32 && v->dst == gateway4 &&
	       v->oif == pinned->ifindex && v->via == pinned->via &&
	       v->rtm->rtm_protocol == RTPROT_STATIC;
}

/* A unicast route of the main table to gateway4, not through skip_ifindex, not our pin. */
static bool route_leads_to(const struct route_view *v, uint32_t gateway4, int skip_ifindex,
			   const struct net_underlay *pinned)
{
	uint32_t mask = net_prefix_mask(v->rtm->rtm_dst_len);

	return v->table == RT_TABLE_MAIN && v->rtm->rtm_type == RTN_UNICAST && !v->multipath &&
	       v->oif > 0 && v->oif != skip_ifindex && (gateway4 & mask) == (v->dst & mask) &&
	       !(v->rtm->rtm_flags & RTM_F_CLONED) && !is_pin(v, gateway4, pinned);
}

static void take_route(struct net_route_pick *pick, const struct nlmsghdr *h)
{
	struct route_view v;

	if (route_view(h, &v) < 0 ||
	    !route_leads_to(&v, pick->gateway4, pick->skip_ifindex, &pick->pinned))
		return;
	if (pick->found && (v.rtm->rtm_dst_len < pick->prefix_len ||
			    (v.rtm->rtm_dst_len == pick->prefix_len && v.priority >= pick->priority)))
		return;
	pick->found = true;
	pick->prefix_len = v.rtm->rtm_dst_len;
	pick->priority = v.priority;
	pick->best = (struct net_underlay){ .ifindex = v.oif, .via = v.via };
}

int net_route_pick_datagram(struct net_route_pick *pick, const void *buf, size_t size,
			    uint32_t seq)
{
	int len = size > 65536 ? 65536 : (int)size;

	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			/* The kernel's errors are negative; anything else is not the kernel's answer. */
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error > 0)
				return -EBADMSG;
			return e->error ? e->error : 1;
		}
		if (h->nlmsg_type == RTM_NEWROUTE)
			take_route(pick, h);
	}
	return 0;
}

static int take_dump(void *ctx, const void *buf, size_t size, uint32_t seq)
{
	return net_route_pick_datagram(ctx, buf, size, seq);
}

static int dump_routes(struct net_nl *nl, struct net_route_pick *pick)
{
	struct net_nl_msg m;
	struct rtmsg *rtm = net_nl_msg_init(&m, RTM_GETROUTE, NLM_F_DUMP, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	return net_nl_exchange(nl, &m, take_dump, pick);
}

int net_underlay_route4(uint32_t gateway4, int skip_ifindex, const struct net_underlay *pinned,
			struct net_underlay *ret)
{
	struct net_route_pick pick = { .gateway4 = gateway4, .skip_ifindex = skip_ifindex };
	struct net_nl nl;
	int r;

	if (pinned)
		pick.pinned = *pinned;
	r = net_nl_open(&nl);
	if (r < 0)
		return r;
	r = dump_routes(&nl, &pick);
	net_nl_close(&nl);
	if (r < 0)
		return r;
	if (!pick.found)
		return -ENETUNREACH;
	*ret = pick.best;
	return 0;
}

bool net_address_is_local4(uint32_t addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = addr };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return true;	/* cannot tell: do not claim a change */
	local = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno != EADDRNOTAVAIL;
	close(fd);
	return local;
}

/* ---- the watch socket ---- */

int net_watch_open(int *ret_fd)
{
	struct sockaddr_nl local = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Whether one notification may change how the gateway is reached. */
static bool message_matters(const struct nlmsghdr *h, int skip_ifindex)
{
	struct route_view v;

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)) &&
		       ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index != skip_ifindex;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)) &&
		       ((const struct ifaddrmsg *)NLMSG_DATA(h))->ifa_family == AF_INET &&
		       (int)((const struct ifaddrmsg *)NLMSG_DATA(h))->ifa_index != skip_ifindex;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return route_view(h, &v) == 0 && v.table == RT_TABLE_MAIN &&
		       !(v.rtm->rtm_flags & RTM_F_CLONED) && (v.oif != skip_ifindex || v.multipath);
	}
	return false;
}

bool net_watch_datagram_matters(const void *buf, size_t size, int skip_ifindex)
{
	int len = size > 65536 ? 65536 : (int)size;

	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (message_matters(h, skip_ifindex))
			return true;
	}
	return false;
}

int net_watch_read(int fd, int skip_ifindex)
{
	uint8_t buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool matters = false;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		/* The kernel dropped notifications: what they said is unknown, so look. */
		if (n < 0 && errno == ENOBUFS)
			matters = true;
		else if (n < 0 && errno == EAGAIN)
			return matters;
		else if (n < 0)
			return -errno;
		else if (net_watch_datagram_matters(buf, (size_t)n, skip_ifindex))
			matters = true;
	}
}
