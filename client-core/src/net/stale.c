/*
 * What a dead helper left in the kernel (see net.h): its TUN device, if
 * still there, and the gateway host route of a full tunnel. Each removal
 * is one rtnetlink request on a socket of its own.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>

#include "net-private.h"

static int stale_request(struct net_nl_msg *m)
{
	struct net_nl nl;
	int r = net_nl_open(&nl);

	if (r < 0)
		return r;
	r = net_nl_transact(&nl, m, NULL);
	net_nl_close(&nl);
	return r;
}

int net_stale_link_delete(const char *ifname)
{
	struct net_nl_msg m;
	struct ifinfomsg *ifi = net_nl_msg_init(&m, RTM_DELLINK, NLM_F_ACK, sizeof(*ifi));

	if (!ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	ifi->ifi_family = AF_UNSPEC;
	net_nl_put(&m, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	return stale_request(&m);
}

int net_stale_gateway_route_delete(uint32_t gateway4)
{
	struct net_nl_msg m;
	struct rtmsg *rtm = net_nl_msg_init(&m, RTM_DELROUTE, NLM_F_ACK, sizeof(*rtm));

	/* Whatever its device and next hop: the /32 to the gateway that we add. */
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	net_nl_put(&m, RTA_DST, &gateway4, 4);
	return stale_request(&m);
}
