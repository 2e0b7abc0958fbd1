#pragma once
/*
 * Private to the data plane: segmentation and coalescing for a TUN with
 * IFF_VNET_HDR (see dataplane-gso.c). Pure functions over bytes; no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/pkt.h"

/* struct virtio_net_hdr, host order (little-endian on the wire of a TUN on x86/arm). */
struct dp_vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

#define DP_VNET_HDR_LEN 10
#define DP_SUPER_MAX 65536

void dp_vnet_hdr_parse(const uint8_t *b, struct dp_vnet_hdr *h);
void dp_vnet_hdr_write(uint8_t *b, const struct dp_vnet_hdr *h);

/* How many packets dp_gso_split() makes of this one (1 when not a super-packet). */
size_t dp_gso_count(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len);
/*
 * Copy one packet read from the TUN into out[0..), splitting a TSO/USO
 * super-packet into MSS-sized packets with their own IP/TCP/UDP headers and
 * full checksums, and finishing a partial checksum on a single packet.
 * Makes packets first, first + 1, ... of dp_gso_count(), at most max_out
 * (a small MSS gives more than a batch holds). Each out[i] must be empty
 * (pkt_buf_reset). Returns how many were made or -EBADMSG.
 */
int dp_gso_split(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len, size_t first,
		 struct pkt **out, size_t max_out);

/*
 * TCP receive coalescing (GRO) for writes to the TUN: consecutive in-order
 * full-sized segments of one IPv4 TCP flow become one super-packet that the
 * kernel takes in one write.
 */
struct dp_gro {
	uint8_t hdr[DP_VNET_HDR_LEN];
	uint8_t buf[DP_SUPER_MAX];
	size_t len;        /* bytes in buf; 0 = nothing pending */
	size_t hlen;       /* IP + TCP header length of the pending packet */
	size_t mss;        /* payload of its first segment */
	size_t last_payload;
	unsigned int segs;
	bool closed;       /* a short or PSH segment ended it: flush before adding */
	uint32_t next_seq;
};

/* Start or extend the pending super-packet with ip; false: flush first, then call again. */
bool dp_gro_add(struct dp_gro *g, const uint8_t *ip, size_t len);
/* Whether ip can ever be coalesced (IPv4 TCP data, ACK and at most PSH set). */
bool dp_gro_candidate(const uint8_t *ip, size_t len);
/* Finish the pending packet: fills g->hdr, fixes lengths and checksums. Returns its length. */
size_t dp_gro_finish(struct dp_gro *g);
