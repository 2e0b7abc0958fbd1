#pragma once
/*
 * Test packets for the coalescing and splitting tests (unit, kernel and
 * fuzz): IPv4/IPv6 TCP/UDP packets of one flow with valid checksums,
 * computed by an RFC 1071 sum over big-endian words that shares nothing
 * with dataplane/dataplane-gso.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What stays the same across a flow's packets; tpkt_flow_default() fills it. */
struct tpkt_flow {
	bool v6;
	uint8_t proto;           /* 6 (TCP) or 17 (UDP) */
	uint8_t src[16], dst[16]; /* the first 4 bytes for IPv4 */
	uint16_t sport, dport;
	uint8_t tos;             /* IPv4 TOS or IPv6 traffic class */
	uint32_t flow_label;     /* IPv6 */
	uint8_t ttl;             /* or hop limit */
	bool df;                 /* IPv4 */
	uint16_t ip_id;          /* IPv4 id of packet 0; packet i has ip_id + i */
	uint32_t seq;            /* TCP sequence number of stream offset 0 */
	uint32_t ack;
	uint16_t window;
	bool tcp_ts;             /* 12 bytes of options (NOP NOP timestamp) */
};

#define TPKT_MAX_HDR (40 + 32)

/* A flow between documentation addresses: 203.0.113.1 -> .2, 2001:db8::1 -> ::2. */
struct tpkt_flow tpkt_flow_default(bool v6, uint8_t proto);
size_t tpkt_ip_hlen(const struct tpkt_flow *f);
size_t tpkt_hlen(const struct tpkt_flow *f);
/*
 * Packet idx of the flow into b: `payload` bytes of the flow's byte stream
 * from `offset` (TCP: at sequence seq + offset), TCP flags as given (UDP
 * ignores them), with valid IPv4 header and L4 checksums. Returns its length.
 */
size_t tpkt_build(uint8_t *b, const struct tpkt_flow *f, size_t idx, size_t offset, size_t payload,
		  uint8_t tcp_flags);
/* The byte at `offset` of every flow's stream. */
uint8_t tpkt_stream_byte(size_t offset);

/* Recompute the IPv4 header checksum and the TCP/UDP checksum after editing a packet. */
void tpkt_fix_csums(uint8_t *ip, size_t len);
/* Checksum checks: the IPv4 header, and TCP/UDP with the pseudo header, sum to 0xffff. */
bool tpkt_ip4_csum_ok(const uint8_t *ip);
bool tpkt_l4_csum_ok(const uint8_t *ip, size_t len);
/* The folded pseudo-header sum over l4_len bytes, as a GSO packet's checksum field holds it. */
uint16_t tpkt_pseudo_sum(const uint8_t *ip, size_t l4_len);
