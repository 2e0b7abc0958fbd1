/*
 * libFuzzer target for dataplane/dataplane-mss.c: two bytes of TUN MTU
 * (big-endian), then a packet. dp_syn_mss_at() must never point outside
 * it; dp_mss_clamp() may change only the MSS and the TCP checksum, never
 * raise the MSS, leave it within the MTU, and keep a valid checksum valid
 * (checked with tests/unit/dataplane/gso-test-pkt.c's own sum).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso-test-pkt.h"
#include "dataplane/dataplane-mss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The IP length fields say the packet is exactly len bytes (the checksum oracle needs it). */
static bool whole(const uint8_t *ip, size_t len)
{
	if (ip[0] >> 4 == 4)
		return (size_t)(ip[2] << 8 | ip[3]) == len;
	return len >= 40 && (size_t)(ip[4] << 8 | ip[5]) + 40 == len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[2048], before[2048];
	size_t len, at, tcp;
	unsigned mtu, old, now;
	bool csum_ok;

	if (size < 3 || size - 2 > sizeof(pkt))
		return 0;
	mtu = (unsigned)(data[0] << 8 | data[1]);
	len = size - 2;
	memcpy(pkt, data + 2, len);
	at = dp_syn_mss_at(pkt, len);
	if (!at)
		return 0;
	if (at + 2 > len)
		abort();
	memcpy(before, pkt, len);
	csum_ok = whole(pkt, len) && tpkt_l4_csum_ok(pkt, len);
	old = (unsigned)(pkt[at] << 8 | pkt[at + 1]);

	if (!dp_mss_clamp(pkt, len, at, mtu)) {
		if (memcmp(pkt, before, len))
			abort();
		return 0;
	}
	now = (unsigned)(pkt[at] << 8 | pkt[at + 1]);
	tcp = pkt[0] >> 4 == 6 ? 40 : (size_t)(pkt[0] & 0x0f) * 4;
	if (now >= old || now + (pkt[0] >> 4 == 6 ? 60u : 40u) > mtu)
		abort();
	for (size_t i = 0; i < len; i++)
		if (pkt[i] != before[i] && i != at && i != at + 1 && i != tcp + 16 && i != tcp + 17)
			abort();
	if (csum_ok && !tpkt_l4_csum_ok(pkt, len))
		abort();
	return 0;
}
