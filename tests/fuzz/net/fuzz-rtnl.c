/*
 * rtnetlink replies as roadvpnd reads them (net/netlink.c, net/rtnl.c): one
 * datagram from the kernel through net_nl_take_datagram() (the loop of
 * net_nl_transact), then the reply kept through the readers of a link
 * (RTM_NEWLINK: flags, MTU) and of a route (RTM_NEWROUTE: next hop and
 * device), and the attribute walk for every type. The first byte picks
 * whether the request wanted an ACK; the sequence number sought is 1.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct net_nl_msg reply;
	bool got_reply = false;
	unsigned int flags, mtu;
	uint32_t via;
	int ifindex, r;

	if (size < 1 || size - 1 > sizeof(buf))
		return 0;
	memcpy(buf, data + 1, size - 1);
	memset(&reply, 0xa5, sizeof(reply));
	r = net_nl_take_datagram(buf, size - 1, 1, data[0] & 1, &reply, &got_reply);
	if (r > 1 || (r == 1 && !got_reply))
		abort();
	if (!got_reply)
		return 0;
	/* what was kept is one whole message */
	if (reply.u.hdr.nlmsg_len < sizeof(struct nlmsghdr) ||
	    reply.u.hdr.nlmsg_len > size - 1)
		abort();
	if (net_rtnl_link_reply(&reply, &flags, &mtu) == 0 &&
	    reply.u.hdr.nlmsg_type != RTM_NEWLINK)
		abort();
	if (net_rtnl_route_reply(&reply, &via, &ifindex) == 0 &&
	    reply.u.hdr.nlmsg_type != RTM_NEWROUTE)
		abort();
	for (uint16_t type = 0; type < 64; type++) {
		const struct rtattr *a = net_nl_attr(&reply, sizeof(struct rtmsg), type);

		if (a && (const uint8_t *)a + a->rta_len >
				 (const uint8_t *)&reply + reply.u.hdr.nlmsg_len)
			abort();
	}
	return 0;
}
