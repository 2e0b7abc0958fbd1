#pragma once
/*
 * Private to the data plane: segmentation and coalescing for a TUN with
 * IFF_VNET_HDR (see dataplane-gso.c). Pure functions over bytes; no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

#include "util/pkt.h"

/* USO (Linux >= 6.2 for a TUN); older uapi headers lack it. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

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

/* Where a TCP or UDP packet's headers end (filled by the parsers in dataplane-gso.c). */
struct dp_l4 {
	bool v6;
	uint8_t proto;     /* IPPROTO_TCP or IPPROTO_UDP */
	size_t ip_hlen;    /* IPv4: 20..60 (20 when coalescing: no options); IPv6: 40 */
	size_t hlen;       /* IP + TCP/UDP header */
};

/*
 * Receive coalescing (GRO) for writes to the TUN: consecutive packets of one
 * flow become one super-packet that the kernel takes in one write and cuts
 * up again itself. TCP (IPv4 and IPv6): in-order full-sized segments. UDP
 * (IPv4 and IPv6, only when udp_ok): datagrams of equal size, sent as USO.
 */
struct dp_gro {
	uint8_t hdr[DP_VNET_HDR_LEN];
	uint8_t buf[DP_SUPER_MAX];
	size_t len;        /* bytes in buf; 0 = nothing pending */
	bool udp_ok;       /* set by the caller from net_tun.uso: the kernel takes USO writes */
	struct dp_l4 l4;   /* headers of the pending packet */
	size_t mss;        /* payload of its first segment */
	unsigned int segs;
	bool closed;       /* a short or PSH segment ended it: flush before adding */
	uint32_t next_seq;
};

/*
 * Start or extend the pending super-packet with ip, which passed
 * dp_gro_candidate(); false: flush first, then call again (which starts a
 * new one, so it then always succeeds).
 */
bool dp_gro_add(struct dp_gro *g, const uint8_t *ip, size_t len);
/*
 * Whether ip may ever be coalesced: IPv4 without options or fragmentation,
 * or IPv6 without extension headers, carrying TCP data with ACK and at most
 * PSH set, or a UDP datagram with a checksum.
 */
bool dp_gro_candidate(const uint8_t *ip, size_t len);
/* Finish the pending packet: fills g->hdr, fixes lengths and checksums. Returns its length. */
size_t dp_gro_finish(struct dp_gro *g);
