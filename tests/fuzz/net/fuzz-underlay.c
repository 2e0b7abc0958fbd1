/*
 * rtnetlink datagrams as the network watch reads them (net/underlay.c):
 * a notification through net_watch_datagram_matters(), and the same bytes
 * as one datagram of a route dump through net_route_pick_datagram(). The
 * first byte picks the TUN's ifindex; the dump's sequence number is 1.
 * What is picked must be a route that was in the input: a device other
 * than the TUN.
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
	static uint8_t buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct net_route_pick pick = { .gateway4 = 0x016433c6, .skip_ifindex = 0 };
	int r;

	if (size < 1 || size - 1 > sizeof(buf))
		return 0;
	pick.skip_ifindex = data[0];
	pick.pinned = (struct net_underlay){ .ifindex = 2, .via = 0 };
	memcpy(buf, data + 1, size - 1);
	(void)net_watch_datagram_matters(buf, size - 1, data[0]);
	r = net_route_pick_datagram(&pick, buf, size - 1, 1);
	if (r > 1)
		abort();
	if (pick.found && (pick.best.ifindex <= 0 || pick.best.ifindex == pick.skip_ifindex ||
			   pick.prefix_len > 32))
		abort();
	return 0;
}
