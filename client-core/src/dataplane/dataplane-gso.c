/*
 * Userspace segmentation and coalescing for a TUN opened with IFF_VNET_HDR
 * (virtio-net header, virtio spec 5.1.6): the kernel hands us TCP (TSO) and
 * UDP (USO, Linux >= 6.2) super-packets of up to 64 KiB with a partial
 * checksum, and we cut them into MSS-sized packets before PPP/L2TP/ESP;
 * on the way back, consecutive segments of one TCP flow (IPv4 or IPv6), or
 * equal-sized datagrams of one UDP flow when the TUN takes USO, are merged
 * into one super-packet so the kernel takes a whole window in one write.
 * This is what takes the TUN from one system call per packet to one per
 * 64 KiB.
 *
 * Checksums (RFC 1071) are summed over native 32-bit words and folded; the
 * one's complement sum does not depend on byte order, so a value stored
 * back with memcpy is right on either endianness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dataplane-gso.h"

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80
#define IP4_DF 0x4000
#define TCP_CSUM_OFFSET 16
#define UDP_CSUM_OFFSET 6

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

/* Store the final checksum; UDP sends 0 as 0xffff (0 means none), equal in one's complement. */
static void csum_store(uint8_t *field, uint64_t sum, bool udp)
{
	uint16_t c = (uint16_t)~csum_fold(sum);

	if (!c && udp)
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
	csum_store(ip + 10, csum_add(0, ip, ihl), false);
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

static int parse_l4(const uint8_t *ip, size_t len, struct dp_l4 *in)
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

static size_t csum_offset(const struct dp_l4 *in)
{
	return in->proto == IPPROTO_TCP_ ? TCP_CSUM_OFFSET : UDP_CSUM_OFFSET;
}

/* IP (and UDP) length fields for an L4 part of l4_len bytes, then the IPv4 header checksum. */
static void set_lengths(uint8_t *ip, const struct dp_l4 *in, size_t l4_len)
{
	if (in->proto == IPPROTO_UDP_)
		put16(ip + in->ip_hlen + 4, (uint16_t)l4_len);
	if (in->v6) {
		put16(ip + 4, (uint16_t)l4_len);
		return;
	}
	put16(ip + 2, (uint16_t)(in->ip_hlen + l4_len));
	ip4_csum(ip, in->ip_hlen);
}

/* Splitting ------------------------------------------------------------- */

static bool is_gso(const struct dp_vnet_hdr *h)
{
	return (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE;
}

size_t dp_gso_count(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len)
{
	struct dp_l4 in;

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
	csum_store(d + field, csum_add(0, d + start, len - start),
		   h->csum_offset == UDP_CSUM_OFFSET);
	return 1;
}

static void fix_tcp_segment(uint8_t *tcp, size_t idx, size_t offset, bool last)
{
	put32(tcp + 4, get32(tcp + 4) + (uint32_t)offset);
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (idx)
		tcp[13] &= (uint8_t)~TCP_CWR;
}

static void fix_segment(const struct dp_l4 *in, uint8_t *d, size_t plen, size_t idx,
			size_t offset, bool last)
{
	uint8_t *l4 = d + in->ip_hlen, *field = l4 + csum_offset(in);
	size_t l4_len = in->hlen - in->ip_hlen + plen;

	if (in->proto == IPPROTO_TCP_)
		fix_tcp_segment(l4, idx, offset, last);
	if (!in->v6)
		put16(d + 4, (uint16_t)(get16(d + 4) + idx));
	set_lengths(d, in, l4_len);
	field[0] = field[1] = 0;
	csum_store(field, csum_add(pseudo_sum(d, in->v6, in->proto, l4_len), l4, l4_len),
		   in->proto == IPPROTO_UDP_);
}

int dp_gso_split(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len, size_t first,
		 struct pkt **out, size_t max_out)
{
	struct dp_l4 in;
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

#define GRO_MAX_LEN 65535 /* IPv4's total length; IPv6 keeps to the same 64 KiB */
#define GRO_MAX_SEGS 64   /* the kernel's UDP_MAX_SEGMENTS (newer kernels take 128) */

/* IPv4 without options or fragmentation, or IPv6 without extension headers; bounded by len. */
static bool gro_parse_ip(const uint8_t *ip, size_t len, struct dp_l4 *in)
{
	if (len < 20 || len > GRO_MAX_LEN)
		return false;
	in->v6 = ip[0] >> 4 == 6;
	if (in->v6) {
		if (len < 40)
			return false;
		in->ip_hlen = 40;
		in->proto = ip[6];
		return get16(ip + 4) == len - 40;
	}
	in->ip_hlen = 20;
	in->proto = ip[9];
	return ip[0] == 0x45 && !(get16(ip + 6) & ~IP4_DF) && get16(ip + 2) == len;
}

/* TCP data with ACK and at most PSH, or a UDP datagram with a checksum (0 in UDPv4: none). */
static bool gro_parse_l4(const uint8_t *ip, size_t len, struct dp_l4 *in)
{
	const uint8_t *l4 = ip + in->ip_hlen;
	size_t l4_len = len - in->ip_hlen;

	if (in->proto == IPPROTO_UDP_) {
		in->hlen = in->ip_hlen + 8;
		return l4_len > 8 && get16(l4 + 4) == l4_len && get16(l4 + 6) != 0;
	}
	if (in->proto != IPPROTO_TCP_ || l4_len < 20)
		return false;
	in->hlen = in->ip_hlen + (size_t)(l4[12] >> 4) * 4;
	return in->hlen >= in->ip_hlen + 20 && in->hlen < len && (l4[13] & TCP_ACK) &&
	       !(l4[13] & ~(TCP_ACK | TCP_PSH));
}

static bool gro_parse(const uint8_t *ip, size_t len, struct dp_l4 *in)
{
	return gro_parse_ip(ip, len, in) && gro_parse_l4(ip, len, in);
}

bool dp_gro_candidate(const uint8_t *ip, size_t len)
{
	struct dp_l4 in;

	return gro_parse(ip, len, &in);
}

/*
 * The packet's own checksums hold. The kernel does not check a super-packet
 * with a partial checksum, so one it would have dropped must not hide in one.
 */
static bool gro_csums_ok(const uint8_t *ip, size_t len, const struct dp_l4 *in)
{
	size_t l4_len = len - in->ip_hlen;
	uint64_t sum = pseudo_sum(ip, in->v6, in->proto, l4_len);

	if (!in->v6 && csum_fold(csum_add(0, ip, in->ip_hlen)) != 0xffff)
		return false;
	return csum_fold(csum_add(sum, ip + in->ip_hlen, l4_len)) == 0xffff;
}

/* Equal but for what changes per packet: IPv4 total length, id, checksum; IPv6 payload length. */
static bool same_ip_fields(const uint8_t *a, const uint8_t *b, bool v6)
{
	if (v6)
		return !memcmp(a, b, 4) && !memcmp(a + 6, b + 6, 34);
	return !memcmp(a, b, 2) && !memcmp(a + 6, b + 6, 4) && !memcmp(a + 12, b + 12, 8);
}

/*
 * IPv4 ids count up by one per segment, as the kernel's segmentation makes
 * them again; with DF the id means nothing (RFC 6864), so a fixed one is
 * fine too, as in the kernel's own GRO.
 */
static bool ip4_id_follows(const struct dp_gro *g, const uint8_t *ip)
{
	uint16_t head = get16(g->buf + 4), id = get16(ip + 4);

	return id == (uint16_t)(head + g->segs) || ((get16(ip + 6) & IP4_DF) && id == head);
}

/* Equal but for what changes per segment: TCP sequence, flags, checksum; UDP length, checksum. */
static bool same_l4_fields(const struct dp_l4 *in, const uint8_t *a, const uint8_t *b)
{
	if (in->proto == IPPROTO_UDP_)
		return !memcmp(a, b, 4);
	/* ports; ack and header length; window (as the kernel's GRO); urgent pointer and options */
	return !memcmp(a, b, 4) && !memcmp(a + 8, b + 8, 5) && !memcmp(a + 14, b + 14, 2) &&
	       !memcmp(a + 18, b + 18, in->hlen - in->ip_hlen - 18);
}

static bool gro_same_flow(const struct dp_gro *g, const struct dp_l4 *in, const uint8_t *ip)
{
	const uint8_t *l4 = ip + in->ip_hlen;

	if (in->v6 != g->l4.v6 || in->proto != g->l4.proto || in->hlen != g->l4.hlen)
		return false;
	if (!same_ip_fields(g->buf, ip, in->v6) || (!in->v6 && !ip4_id_follows(g, ip)))
		return false;
	if (!same_l4_fields(in, g->buf + in->ip_hlen, l4))
		return false;
	return in->proto != IPPROTO_TCP_ || get32(l4 + 4) == g->next_seq;
}

/* Room for one more segment of at most the first one's size, within what the kernel takes. */
static bool gro_fits(const struct dp_gro *g, size_t payload)
{
	return !g->closed && g->segs < GRO_MAX_SEGS && payload <= g->mss &&
	       g->len + payload <= GRO_MAX_LEN;
}

static bool gro_can_append(const struct dp_gro *g, const struct dp_l4 *in, const uint8_t *ip,
			   size_t len)
{
	/* Checksums last, being the dearest; the head's once, when a first packet joins it. */
	return gro_fits(g, len - in->hlen) && gro_same_flow(g, in, ip) &&
	       (g->segs > 1 || gro_csums_ok(g->buf, g->len, &g->l4)) && gro_csums_ok(ip, len, in);
}

static void gro_start(struct dp_gro *g, const struct dp_l4 *in, const uint8_t *ip, size_t len)
{
	const uint8_t *l4 = ip + in->ip_hlen;

	memcpy(g->buf, ip, len);
	g->len = len;
	g->l4 = *in;
	g->mss = len - in->hlen;
	g->segs = 1;
	if (in->proto == IPPROTO_TCP_) {
		g->next_seq = get32(l4 + 4) + (uint32_t)g->mss;
		g->closed = l4[13] & TCP_PSH;
	} else {
		/* Kernels before 6.2, which refuse TUN_F_USO, refuse GSO_UDP_L4 writes too. */
		g->closed = !g->udp_ok;
	}
}

static void gro_append(struct dp_gro *g, const struct dp_l4 *in, const uint8_t *ip, size_t len)
{
	size_t payload = len - in->hlen;
	uint8_t flags;

	memcpy(g->buf + g->len, ip + in->hlen, payload);
	g->len += payload;
	g->segs++;
	g->closed = payload < g->mss;
	/* TCP flags only for TCP: a short UDP datagram ends before byte 13 of its header. */
	if (in->proto != IPPROTO_TCP_)
		return;
	flags = ip[in->ip_hlen + 13];
	g->next_seq += (uint32_t)payload;
	/* The kernel's segmentation leaves PSH on the last segment only. */
	g->buf[in->ip_hlen + 13] |= flags & TCP_PSH;
	g->closed = g->closed || (flags & TCP_PSH);
}

bool dp_gro_add(struct dp_gro *g, const uint8_t *ip, size_t len)
{
	struct dp_l4 in;

	if (!gro_parse(ip, len, &in))
		return false;
	if (!g->len) {
		gro_start(g, &in, ip, len);
		return true;
	}
	if (!gro_can_append(g, &in, ip, len))
		return false;
	gro_append(g, &in, ip, len);
	return true;
}

static uint8_t gro_gso_type(const struct dp_l4 *in)
{
	if (in->proto == IPPROTO_UDP_)
		return VIRTIO_NET_HDR_GSO_UDP_L4;
	return in->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
}

/*
 * Lengths of the whole super-packet; as the kernel expects of a GSO write
 * (NEEDS_CSUM), the L4 checksum field holds the pseudo-header sum over the
 * whole L4 length, not inverted, which the kernel adjusts per segment.
 */
static struct dp_vnet_hdr gro_seal(struct dp_gro *g)
{
	const struct dp_l4 *in = &g->l4;
	size_t l4_len = g->len - in->ip_hlen;
	uint16_t partial;

	set_lengths(g->buf, in, l4_len);
	partial = csum_fold(pseudo_sum(g->buf, in->v6, in->proto, l4_len));
	memcpy(g->buf + in->ip_hlen + csum_offset(in), &partial, 2);
	return (struct dp_vnet_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = gro_gso_type(in),
		.hdr_len = (uint16_t)in->hlen,
		.gso_size = (uint16_t)g->mss,
		.csum_start = (uint16_t)in->ip_hlen,
		.csum_offset = (uint16_t)csum_offset(in),
	};
}

size_t dp_gro_finish(struct dp_gro *g)
{
	struct dp_vnet_hdr h = { 0 };
	size_t len = g->len;

	/* A single packet goes out as it came, its checksums untouched. */
	if (g->segs > 1)
		h = gro_seal(g);
	dp_vnet_hdr_write(g->hdr, &h);
	g->len = 0;
	g->segs = 0;
	return len;
}
