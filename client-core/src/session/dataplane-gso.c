/*
 * Userspace segmentation and coalescing for a TUN opened with IFF_VNET_HDR
 * (virtio-net header, virtio spec 5.1.6): the kernel hands us TCP (TSO) and
 * UDP (USO, Linux >= 6.2) super-packets of up to 64 KiB with a partial
 * checksum, and we cut them into MSS-sized packets before PPP/L2TP/ESP;
 * on the way back, consecutive segments of one TCP flow are merged into one
 * super-packet so the kernel takes a whole window in one write. This is what
 * takes the TUN from one system call per packet to one per 64 KiB.
 *
 * Checksums (RFC 1071) are summed over native 32-bit words and folded; the
 * one's complement sum does not depend on byte order, so a value stored
 * back with memcpy is right on either endianness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/virtio_net.h>

#include "dataplane-gso.h"

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80
#define IP4_MAX_LEN 65535

/* Checksums ------------------------------------------------------------ */

static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	while (len >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Store the final checksum; 0 becomes 0xffff (the same in one's complement, required for UDP). */
static void csum_store(uint8_t *field, uint64_t sum)
{
	uint16_t c = (uint16_t)~csum_fold(sum);

	if (!c)
		c = 0xffff;
	memcpy(field, &c, 2);
}

static uint64_t pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto, size_t l4_len)
{
	uint8_t tail[8] = { 0 };

	if (!v6) {
		tail[1] = proto;
		tail[2] = (uint8_t)(l4_len >> 8);
		tail[3] = (uint8_t)l4_len;
		return csum_add(csum_add(0, ip + 12, 8), tail, 4);
	}
	tail[0] = (uint8_t)(l4_len >> 24);
	tail[1] = (uint8_t)(l4_len >> 16);
	tail[2] = (uint8_t)(l4_len >> 8);
	tail[3] = (uint8_t)l4_len;
	tail[7] = proto;
	return csum_add(csum_add(0, ip + 8, 32), tail, 8);
}

static void ip4_csum(uint8_t *ip, size_t ihl)
{
	ip[10] = ip[11] = 0;
	csum_store(ip + 10, csum_add(0, ip, ihl));
}

/* Headers -------------------------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

void dp_vnet_hdr_parse(const uint8_t *b, struct dp_vnet_hdr *h)
{
	/* A TUN's vnet header is in the host's byte order unless TUNSETVNETBE/LE said otherwise. */
	h->flags = b[0];
	h->gso_type = b[1];
	memcpy(&h->hdr_len, b + 2, 2);
	memcpy(&h->gso_size, b + 4, 2);
	memcpy(&h->csum_start, b + 6, 2);
	memcpy(&h->csum_offset, b + 8, 2);
}

void dp_vnet_hdr_write(uint8_t *b, const struct dp_vnet_hdr *h)
{
	b[0] = h->flags;
	b[1] = h->gso_type;
	memcpy(b + 2, &h->hdr_len, 2);
	memcpy(b + 4, &h->gso_size, 2);
	memcpy(b + 6, &h->csum_start, 2);
	memcpy(b + 8, &h->csum_offset, 2);
}

struct l4_info {
	bool v6;
	uint8_t proto;
	size_t ip_hlen;
	size_t hlen; /* IP + TCP/UDP header */
};

static int parse_l4(const uint8_t *ip, size_t len, struct l4_info *in)
{
	size_t l4;

	if (len < 20)
		return -EBADMSG;
	in->v6 = (ip[0] >> 4) == 6;
	if (!in->v6 && (ip[0] >> 4) != 4)
		return -EBADMSG;
	in->ip_hlen = in->v6 ? 40 : (size_t)(ip[0] & 0x0f) * 4;
	in->proto = in->v6 ? ip[6] : ip[9];
	if (in->ip_hlen < 20 || in->ip_hlen + 8 > len)
		return -EBADMSG;

	/* A TCP header is at least 20 bytes: read its length only when they are there. */
	if (in->proto == IPPROTO_TCP_ && in->ip_hlen + 20 <= len)
		l4 = (size_t)(ip[in->ip_hlen + 12] >> 4) * 4;
	else if (in->proto == IPPROTO_UDP_)
		l4 = 8;
	else
		return -EBADMSG;
	if (l4 < (in->proto == IPPROTO_TCP_ ? 20 : 8) || in->ip_hlen + l4 > len)
		return -EBADMSG;
	in->hlen = in->ip_hlen + l4;
	return 0;
}

/* Splitting ------------------------------------------------------------- */

static bool is_gso(const struct dp_vnet_hdr *h)
{
	return (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE;
}

size_t dp_gso_count(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len)
{
	struct l4_info in;

	if (!is_gso(h) || !h->gso_size || parse_l4(ip, len, &in) < 0 || len <= in.hlen)
		return 1;
	return (len - in.hlen + h->gso_size - 1) / h->gso_size;
}

static uint8_t *pkt_room(struct pkt *p, size_t len)
{
	size_t room = pkt_tailroom(p);

	if (room < PKT_TAILROOM || room - PKT_TAILROOM < len)
		return NULL;
	return pkt_put(p, len);
}

/* A single packet; finish the checksum the kernel left partial (csum_start/offset). */
static int copy_single(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len, struct pkt *p)
{
	uint8_t *d = pkt_room(p, len);
	size_t start = h->csum_start, field = start + h->csum_offset;

	if (!d)
		return -EBADMSG;
	memcpy(d, ip, len);
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 1;
	if (start >= len || field + 2 > len)
		return -EBADMSG;
	/* The field holds the pseudo-header sum: summing over it completes the checksum. */
	csum_store(d + field, csum_add(0, d + start, len - start));
	return 1;
}

static void fix_segment(const struct l4_info *in, uint8_t *d, size_t plen, size_t idx,
			size_t offset, bool last)
{
	uint8_t *l4 = d + in->ip_hlen;
	size_t l4_len = in->hlen - in->ip_hlen + plen;

	if (in->v6) {
		put16(d + 4, (uint16_t)l4_len);
	} else {
		put16(d + 2, (uint16_t)(in->hlen + plen));
		put16(d + 4, (uint16_t)(get16(d + 4) + idx));
		ip4_csum(d, in->ip_hlen);
	}

	if (in->proto == IPPROTO_TCP_) {
		put32(l4 + 4, get32(l4 + 4) + (uint32_t)offset);
		if (!last)
			l4[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (idx)
			l4[13] &= (uint8_t)~TCP_CWR;
		l4[16] = l4[17] = 0;
		csum_store(l4 + 16, csum_add(pseudo_sum(d, in->v6, in->proto, l4_len), l4, l4_len));
	} else {
		put16(l4 + 4, (uint16_t)l4_len);
		l4[6] = l4[7] = 0;
		csum_store(l4 + 6, csum_add(pseudo_sum(d, in->v6, in->proto, l4_len), l4, l4_len));
	}
}

int dp_gso_split(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len, size_t first,
		 struct pkt **out, size_t max_out)
{
	struct l4_info in;
	size_t n = 0, mss = h->gso_size, payload;

	if (!max_out)
		return -EBADMSG;
	if (!is_gso(h))
		return first ? 0 : copy_single(h, ip, len, out[0]);
	if (!mss || parse_l4(ip, len, &in) < 0 || len <= in.hlen)
		return -EBADMSG;

	payload = len - in.hlen;
	for (size_t off = first * mss; off < payload && n < max_out; off += mss, n++) {
		size_t plen = payload - off < mss ? payload - off : mss;
		uint8_t *d = pkt_room(out[n], in.hlen + plen);

		if (!d)
			return -EBADMSG;
		memcpy(d, ip, in.hlen);
		memcpy(d + in.hlen, ip + in.hlen + off, plen);
		fix_segment(&in, d, plen, first + n, off, off + plen == payload);
	}

	return (int)n;
}

/* Coalescing ------------------------------------------------------------ */

bool dp_gro_candidate(const uint8_t *ip, size_t len)
{
	size_t hlen;
	uint8_t flags;

	/* IPv4 without options, not a fragment, TCP. */
	if (len < 40 || ip[0] != 0x45 || ip[9] != IPPROTO_TCP_ || (get16(ip + 6) & 0x3fff) ||
	    get16(ip + 2) != len)
		return false;

	hlen = 20 + (size_t)(ip[32] >> 4) * 4;
	flags = ip[33];
	return hlen >= 40 && hlen < len && (flags & TCP_ACK) && !(flags & ~(TCP_ACK | TCP_PSH));
}

/* Same flow and header apart from what changes per segment (IP id and checksum, seq, window, PSH). */
static bool same_flow(const struct dp_gro *g, const uint8_t *ip, size_t hlen)
{
	const uint8_t *p = g->buf;

	return hlen == g->hlen && p[1] == ip[1] && p[8] == ip[8] && p[6] == ip[6] &&
	       !memcmp(p + 12, ip + 12, 8) &&              /* addresses */
	       !memcmp(p + 20, ip + 20, 4) &&              /* ports */
	       !memcmp(p + 28, ip + 28, 4) &&              /* ack */
	       !memcmp(p + 40, ip + 40, hlen - 40);        /* TCP options */
}

static void gro_start(struct dp_gro *g, const uint8_t *ip, size_t len, size_t hlen)
{
	memcpy(g->buf, ip, len);
	g->len = len;
	g->hlen = hlen;
	g->mss = len - hlen;
	g->last_payload = g->mss;
	g->segs = 1;
	g->next_seq = get32(ip + 24) + (uint32_t)(len - hlen);
	g->closed = ip[33] & TCP_PSH;
}

bool dp_gro_add(struct dp_gro *g, const uint8_t *ip, size_t len)
{
	size_t hlen = 20 + (size_t)(ip[32] >> 4) * 4, plen = len - hlen;

	if (!g->len) {
		gro_start(g, ip, len, hlen);
		return true;
	}

	if (g->closed || g->segs >= 64 || plen > g->mss || g->len + plen > IP4_MAX_LEN ||
	    get32(ip + 24) != g->next_seq || !same_flow(g, ip, hlen))
		return false;

	memcpy(g->buf + g->len, ip + hlen, plen);
	g->len += plen;
	g->segs++;
	g->next_seq += (uint32_t)plen;
	g->last_payload = plen;
	memcpy(g->buf + 34, ip + 34, 2);                     /* newest window */
	g->buf[33] |= ip[33] & TCP_PSH;
	g->closed = plen < g->mss || (ip[33] & TCP_PSH);
	return true;
}

size_t dp_gro_finish(struct dp_gro *g)
{
	struct dp_vnet_hdr h = { 0 };
	size_t len = g->len;
	uint16_t partial;

	if (g->segs > 1) {
		put16(g->buf + 2, (uint16_t)len);
		ip4_csum(g->buf, 20);
		/* NEEDS_CSUM: the TCP checksum field holds the pseudo-header sum, not inverted. */
		partial = csum_fold(pseudo_sum(g->buf, false, IPPROTO_TCP_, len - 20));
		memcpy(g->buf + 36, &partial, 2);
		h = (struct dp_vnet_hdr){
			.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
			.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
			.hdr_len = (uint16_t)g->hlen,
			.gso_size = (uint16_t)g->mss,
			.csum_start = 20,
			.csum_offset = 16,
		};
	}

	dp_vnet_hdr_write(g->hdr, &h);
	g->len = 0;
	return len;
}
