/*
 * Userspace TSO/USO splitting and TCP/UDP coalescing for the TUN vnet
 * header (dataplane/dataplane-gso.c). Test packets and checksum checks come
 * from gso-test-pkt.c, an independent RFC 1071 sum over big-endian words.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/virtio_net.h>

#include "gso-test-pkt.h"
#include "dataplane/dataplane-gso.h"

#define MSS 1000
#define NSEG 3
#define PAYLOAD (MSS * NSEG - 100) /* last segment is short */
#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define MAX_PKTS 70

static void assert_l4_csum_ok(const uint8_t *ip, size_t len)
{
	assert_true(tpkt_l4_csum_ok(ip, len));
}

static void assert_ip4_csum_ok(const uint8_t *ip)
{
	assert_true(tpkt_ip4_csum_ok(ip));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A TCP/IPv4 packet with 12 bytes of options, IP id 0x1234, the payload of stream offset 0. */
static size_t make_tcp4(uint8_t *b, size_t payload, uint32_t seq, uint8_t flags)
{
	struct tpkt_flow f = tpkt_flow_default(false, 6);

	f.seq = seq;
	return tpkt_build(b, &f, 0, 0, payload, flags);
}

static struct pkt_buf bufs[MAX_PKTS];
static uint8_t super[DP_SUPER_MAX];

static int split(const struct dp_vnet_hdr *h, const uint8_t *ip, size_t len, struct pkt **out)
{
	for (int i = 0; i < 8; i++)
		out[i] = pkt_buf_reset(&bufs[i]);
	return dp_gso_split(h, ip, len, 0, out, 8);
}

static void test_tso4_split(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .hdr_len = 52,
				 .gso_size = MSS, .csum_start = 20, .csum_offset = 16 };
	size_t len = make_tcp4(super, PAYLOAD, 1000000, 0x18 | 0x01); /* ACK PSH FIN */
	struct pkt *out[8];

	assert_int_equal(dp_gso_count(&h, super, len), NSEG);
	assert_int_equal(split(&h, super, len, out), NSEG);
	for (int i = 0; i < NSEG; i++) {
		const uint8_t *s = out[i]->data;
		size_t plen = i < NSEG - 1 ? MSS : PAYLOAD - MSS * (NSEG - 1);
		uint32_t seq = 1000000 + (uint32_t)(i * MSS);

		assert_int_equal(out[i]->len, 52 + plen);
		assert_int_equal(s[2] << 8 | s[3], 52 + plen);
		assert_int_equal(s[5], 0x34 + i);  /* IP id counts up */
		assert_int_equal((uint32_t)s[24] << 24 | s[25] << 16 | s[26] << 8 | s[27], seq);
		/* FIN and PSH only on the last segment */
		assert_int_equal(s[33], i == NSEG - 1 ? 0x19 : 0x10);
		assert_memory_equal(s + 52, super + 52 + i * MSS, plen);
		assert_ip4_csum_ok(s);
		assert_l4_csum_ok(s, out[i]->len);
	}
}

static void test_uso6_split(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = 5,
				 .gso_size = 500, .csum_start = 40, .csum_offset = 6 };
	struct tpkt_flow f = tpkt_flow_default(true, 17);
	size_t len = tpkt_build(super, &f, 0, 0, 1200, 0);
	struct pkt *out[8];

	assert_int_equal(split(&h, super, len, out), 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *s = out[i]->data;
		size_t plen = i < 2 ? 500 : 200;

		assert_int_equal(get16(s + 4), 8 + plen);   /* IPv6 payload length */
		assert_int_equal(get16(s + 44), 8 + plen);  /* UDP length */
		assert_memory_equal(s + 48, super + 48 + i * 500, plen);
		assert_l4_csum_ok(s, out[i]->len);
	}
}

/* A single packet with a partial checksum: the field holds the pseudo-header sum. */
static void test_single_needs_csum(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20,
				 .csum_offset = 16 };
	size_t len = make_tcp4(super, 333, 5, 0x10);
	uint16_t pseudo = tpkt_pseudo_sum(super, len - 20);
	struct pkt *out[8];

	super[36] = (uint8_t)(pseudo >> 8);
	super[37] = (uint8_t)pseudo;
	assert_int_equal(split(&h, super, len, out), 1);
	assert_int_equal(out[0]->len, len);
	assert_l4_csum_ok(out[0]->data, len);
}

static void test_split_malformed(void **state)
{
	struct dp_vnet_hdr h = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = MSS };
	struct dp_vnet_hdr csum = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 60,
				    .csum_offset = 16 };
	size_t len = make_tcp4(super, 10, 1, 0x10);
	struct pkt *out[8];

	/* TCP header claims more than the packet holds */
	super[32] = 15 << 4;
	assert_int_equal(split(&h, super, 40, out), -EBADMSG);
	/* a TCP header shorter than 20 bytes, or cut before its length field */
	super[32] = 2 << 4;
	assert_int_equal(split(&h, super, len, out), -EBADMSG);
	assert_int_equal(split(&h, super, 20 + 12, out), -EBADMSG);
	/* checksum offset past the end */
	assert_int_equal(split(&csum, super, len, out), -EBADMSG);
	/* no room at all */
	super[32] = 8 << 4;
	assert_int_equal(dp_gso_split(&h, super, len, 0, out, 0), -EBADMSG);
}

/* More segments than one batch holds: made in pieces, the same as in one go. */
static void test_split_in_pieces(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = MSS,
				 .csum_start = 20, .csum_offset = 16 };
	size_t len = make_tcp4(super, PAYLOAD, 77, 0x18);
	uint8_t whole[NSEG][MSS + 52];
	struct pkt *out[8];

	assert_int_equal(split(&h, super, len, out), NSEG);
	for (int i = 0; i < NSEG; i++)
		memcpy(whole[i], out[i]->data, out[i]->len);

	for (size_t first = 0; first < NSEG; first++) {
		out[0] = pkt_buf_reset(&bufs[0]);
		assert_int_equal(dp_gso_split(&h, super, len, first, out, 1), 1);
		assert_memory_equal(out[0]->data, whole[first], out[0]->len);
	}
	/* past the end: nothing */
	out[0] = pkt_buf_reset(&bufs[0]);
	assert_int_equal(dp_gso_split(&h, super, len, NSEG, out, 1), 0);
}

/* Coalescing --------------------------------------------------------------- */

static struct dp_gro gro;
static uint8_t pkts[MAX_PKTS][PKT_MAX_DATA];
static size_t lens[MAX_PKTS];

static struct dp_gro *gro_reset(bool udp_ok)
{
	memset(&gro, 0, sizeof(gro));
	gro.udp_ok = udp_ok;
	return &gro;
}

/* Packets [0, n) of flow f with these payload sizes, back to back; the last has last_flags. */
static void build_flow(const struct tpkt_flow *f, const size_t *sizes, size_t n, uint8_t last_flags)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		lens[i] = tpkt_build(pkts[i], f, i, off, sizes[i], i == n - 1 ? last_flags : TCP_ACK);
		off += sizes[i];
	}
}

static void build_equal(const struct tpkt_flow *f, size_t size, size_t n)
{
	size_t sizes[MAX_PKTS];

	for (size_t i = 0; i < n; i++)
		sizes[i] = size;
	build_flow(f, sizes, n, TCP_ACK);
}

/* Each of packets [0, n) is a candidate and joins the pending super-packet. */
static void add_all(struct dp_gro *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(dp_gro_candidate(pkts[i], lens[i]));
		assert_true(dp_gro_add(g, pkts[i], lens[i]));
	}
}

/* The vnet header asks the kernel to segment at mss and finish the L4 checksum. */
static void assert_gso_hdr(const struct dp_gro *g, const struct tpkt_flow *f, uint8_t gso_type,
			   size_t mss)
{
	struct dp_vnet_hdr h;

	dp_vnet_hdr_parse(g->hdr, &h);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, gso_type);
	assert_int_equal(h.gso_size, mss);
	assert_int_equal(h.hdr_len, tpkt_hlen(f));
	assert_int_equal(h.csum_start, tpkt_ip_hlen(f));
	assert_int_equal(h.csum_offset, f->proto == 17 ? 6 : 16);
}

/* Lengths of the whole super-packet; its checksum field holds the pseudo-header sum. */
static void assert_super_headers(const uint8_t *ip, size_t len, const struct tpkt_flow *f)
{
	size_t ihl = tpkt_ip_hlen(f), field = ihl + (f->proto == 17 ? 6 : 16);

	if (f->v6) {
		assert_int_equal(get16(ip + 4), len - 40);
	} else {
		assert_int_equal(get16(ip + 2), len);
		assert_ip4_csum_ok(ip);
	}
	if (f->proto == 17)
		assert_int_equal(get16(ip + ihl + 4), len - ihl);
	assert_int_equal(get16(ip + field), tpkt_pseudo_sum(ip, len - ihl));
}

/* Splitting g's finished super-packet gives back packets [0, n) byte for byte. */
static void assert_splits_back(const struct dp_gro *g, size_t len, size_t n)
{
	struct pkt *out[MAX_PKTS];
	struct dp_vnet_hdr h;

	dp_vnet_hdr_parse(g->hdr, &h);
	for (size_t i = 0; i < n; i++)
		out[i] = pkt_buf_reset(&bufs[i]);
	assert_int_equal(dp_gso_count(&h, g->buf, len), n);
	assert_int_equal(dp_gso_split(&h, g->buf, len, 0, out, n), n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(out[i]->len, lens[i]);
		assert_memory_equal(out[i]->data, pkts[i], lens[i]);
	}
}

/* Four full segments and a short one, PSH on the last, become one super-packet and split back. */
static void coalesce_and_split(bool v6, uint8_t proto, uint8_t gso_type)
{
	static const size_t sizes[] = { 1200, 1200, 1200, 1200, 700 };
	struct tpkt_flow f = tpkt_flow_default(v6, proto);
	struct dp_gro *g = gro_reset(true);
	size_t len;

	build_flow(&f, sizes, 5, TCP_ACK | TCP_PSH);
	add_all(g, 5);
	/* The short last one closed it. */
	assert_false(dp_gro_add(g, pkts[0], lens[0]));

	len = dp_gro_finish(g);
	assert_int_equal(len, tpkt_hlen(&f) + 4 * 1200 + 700);
	assert_int_equal(g->len, 0);
	assert_gso_hdr(g, &f, gso_type, 1200);
	assert_super_headers(g->buf, len, &f);
	if (proto == 6)
		assert_int_equal(g->buf[tpkt_ip_hlen(&f) + 13], TCP_ACK | TCP_PSH);
	assert_splits_back(g, len, 5);
}

static void test_gro_tcp4(void **state)
{
	coalesce_and_split(false, 6, VIRTIO_NET_HDR_GSO_TCPV4);
}

static void test_gro_tcp6(void **state)
{
	coalesce_and_split(true, 6, VIRTIO_NET_HDR_GSO_TCPV6);
}

static void test_gro_udp4(void **state)
{
	coalesce_and_split(false, 17, VIRTIO_NET_HDR_GSO_UDP_L4);
}

static void test_gro_udp6(void **state)
{
	coalesce_and_split(true, 17, VIRTIO_NET_HDR_GSO_UDP_L4);
}

/* Segments that came from a kernel TSO split coalesce back into the same super-packet. */
static void test_gro_tso_roundtrip(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = MSS,
				 .csum_start = 20, .csum_offset = 16 };
	size_t len = make_tcp4(super, PAYLOAD, 42, TCP_ACK | TCP_PSH);
	struct dp_gro *g = gro_reset(false);
	struct pkt *out[8];

	assert_int_equal(split(&h, super, len, out), NSEG);
	for (int i = 0; i < NSEG; i++)
		assert_true(dp_gro_add(g, out[i]->data, out[i]->len));
	assert_int_equal(dp_gro_finish(g), len);
	assert_memory_equal(g->buf + 52, super + 52, PAYLOAD);
	assert_memory_equal(g->buf, super, 36); /* headers up to the checksum */
}

/*
 * Packet a (1000 bytes of payload) starts a super-packet and b must not
 * join it; a then goes out alone, unchanged and without offload.
 */
static void assert_refused(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	struct dp_gro *g = gro_reset(true);

	assert_true(dp_gro_add(g, a, la));
	assert_false(dp_gro_add(g, b, lb));
	assert_int_equal(dp_gro_finish(g), la);
	assert_memory_equal(g->buf, a, la);
	assert_int_equal(g->hdr[1], VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(g->hdr[0], 0);
}

/* Packet 1 of flow b (the second 1000 bytes of its stream) does not join packet 0 of flow a. */
static void assert_flows_refused(const struct tpkt_flow *a, const struct tpkt_flow *b)
{
	lens[0] = tpkt_build(pkts[0], a, 0, 0, 1000, TCP_ACK);
	lens[1] = tpkt_build(pkts[1], b, 1, 1000, 1000, TCP_ACK);
	assert_true(dp_gro_candidate(pkts[1], lens[1]));
	assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
}

#define MAX_VARIANTS 16

/* Flows that each differ from f in one field that makes a flow. */
static size_t other_flows(const struct tpkt_flow *f, struct tpkt_flow *out)
{
	size_t n = 0;

	for (size_t i = 0; i < MAX_VARIANTS; i++)
		out[i] = *f;
	out[n++].sport++;
	out[n++].dport++;
	out[n++].src[3] ^= 1;
	out[n++].dst[f->v6 ? 15 : 3] ^= 1;
	out[n++].tos = 0x10;            /* TOS or traffic class */
	out[n++].tos = 0x03;            /* ECN */
	out[n++].ttl--;                 /* or hop limit */
	out[n++].proto = (uint8_t)(23 - f->proto);
	if (f->v6)
		out[n++].flow_label = 0x12345;
	else
		out[n++].df = false;
	if (f->proto == 17)
		return n;
	out[n++].ack++;
	out[n++].window++;
	out[n++].tcp_ts = false;
	return n;
}

static void test_gro_refuses_other_flows(void **state)
{
	for (int v6 = 0; v6 <= 1; v6++) {
		for (uint8_t proto = 6; proto <= 17; proto += 11) {
			const struct tpkt_flow a = tpkt_flow_default(v6, proto);
			struct tpkt_flow b[MAX_VARIANTS];
			size_t n = other_flows(&a, b);

			for (size_t i = 0; i < n; i++)
				assert_flows_refused(&a, &b[i]);
		}
	}
}

/* Same flow, different TCP options (the timestamp moved on). */
static void test_gro_refuses_other_tcp_options(void **state)
{
	struct tpkt_flow f = tpkt_flow_default(true, 6);

	build_equal(&f, 1000, 2);
	pkts[1][40 + 27]++;
	tpkt_fix_csums(pkts[1], lens[1]);
	assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
}

static void test_gro_refuses_out_of_order(void **state)
{
	for (int v6 = 0; v6 <= 1; v6++) {
		struct tpkt_flow f = tpkt_flow_default(v6, 6);

		lens[0] = tpkt_build(pkts[0], &f, 0, 0, 1000, TCP_ACK);
		/* a gap, then a retransmission of the same bytes */
		lens[1] = tpkt_build(pkts[1], &f, 1, 1001, 1000, TCP_ACK);
		assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
		lens[1] = tpkt_build(pkts[1], &f, 1, 0, 1000, TCP_ACK);
		assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
	}
}

/* Without DF the IPv4 id must count up; with DF it may also stay fixed. */
static void test_gro_ip4_ids(void **state)
{
	for (uint8_t proto = 6; proto <= 17; proto += 11) {
		struct tpkt_flow f = tpkt_flow_default(false, proto);
		struct dp_gro *g;

		f.df = false;
		lens[0] = tpkt_build(pkts[0], &f, 0, 0, 1000, TCP_ACK);
		lens[1] = tpkt_build(pkts[1], &f, 2, 1000, 1000, TCP_ACK);
		assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
		lens[1] = tpkt_build(pkts[1], &f, 0, 1000, 1000, TCP_ACK);
		assert_refused(pkts[0], lens[0], pkts[1], lens[1]);

		f.df = true;
		g = gro_reset(true);
		lens[1] = tpkt_build(pkts[1], &f, 0, 1000, 1000, TCP_ACK);
		lens[0] = tpkt_build(pkts[0], &f, 0, 0, 1000, TCP_ACK);
		assert_true(dp_gro_add(g, pkts[0], lens[0]));
		assert_true(dp_gro_add(g, pkts[1], lens[1]));
		assert_int_equal(g->segs, 2);
		/* but not jump */
		lens[1] = tpkt_build(pkts[1], &f, 5, 2000, 1000, TCP_ACK);
		assert_false(dp_gro_add(g, pkts[1], lens[1]));
	}
}

/* A bigger packet never joins; a shorter one joins and closes the super-packet. */
static void test_gro_sizes(void **state)
{
	static const size_t bigger[] = { 1000, 1200 }, shorter[] = { 1000, 999, 1000 };

	for (int v6 = 0; v6 <= 1; v6++) {
		for (uint8_t proto = 6; proto <= 17; proto += 11) {
			struct tpkt_flow f = tpkt_flow_default(v6, proto);
			struct dp_gro *g = gro_reset(true);

			build_flow(&f, bigger, 2, TCP_ACK);
			assert_refused(pkts[0], lens[0], pkts[1], lens[1]);

			g = gro_reset(true);
			build_flow(&f, shorter, 3, TCP_ACK);
			add_all(g, 2);
			assert_false(dp_gro_add(g, pkts[2], lens[2]));
			assert_splits_back(g, dp_gro_finish(g), 2);
		}
	}
}

/* PSH ends a TCP super-packet: the kernel sets it on its last segment only. */
static void test_gro_psh_closes(void **state)
{
	static const size_t sizes[] = { 1000, 1000, 1000 };
	struct tpkt_flow f = tpkt_flow_default(true, 6);
	struct dp_gro *g = gro_reset(false);

	build_flow(&f, sizes, 2, TCP_ACK | TCP_PSH);
	add_all(g, 2);
	lens[2] = tpkt_build(pkts[2], &f, 2, 2000, 1000, TCP_ACK);
	assert_false(dp_gro_add(g, pkts[2], lens[2]));
	assert_splits_back(g, dp_gro_finish(g), 2);

	/* A PSH head stays alone. */
	lens[0] = tpkt_build(pkts[0], &f, 0, 0, 1000, TCP_ACK | TCP_PSH);
	lens[1] = tpkt_build(pkts[1], &f, 1, 1000, 1000, TCP_ACK);
	assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
}

/* Without USO on the TUN, each UDP datagram goes out alone. */
static void test_gro_udp_needs_uso(void **state)
{
	for (int v6 = 0; v6 <= 1; v6++) {
		struct tpkt_flow f = tpkt_flow_default(v6, 17);
		struct dp_gro *g = gro_reset(false);

		build_equal(&f, 1000, 3);
		assert_true(dp_gro_add(g, pkts[0], lens[0]));
		for (int i = 1; i < 3; i++) {
			assert_true(dp_gro_candidate(pkts[i], lens[i]));
			assert_false(dp_gro_add(g, pkts[i], lens[i]));
			assert_int_equal(dp_gro_finish(g), lens[i - 1]);
			assert_memory_equal(g->buf, pkts[i - 1], lens[i - 1]);
			assert_int_equal(g->hdr[1], VIRTIO_NET_HDR_GSO_NONE);
			assert_true(dp_gro_add(g, pkts[i], lens[i]));
		}
	}
}

/* A packet whose checksum is wrong is not merged, whether it comes first or second. */
static void test_gro_refuses_bad_checksums(void **state)
{
	for (int v6 = 0; v6 <= 1; v6++) {
		for (uint8_t proto = 6; proto <= 17; proto += 11) {
			struct tpkt_flow f = tpkt_flow_default(v6, proto);

			build_equal(&f, 1000, 2);
			pkts[1][lens[1] - 1] ^= 0x40;
			assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
			pkts[1][lens[1] - 1] ^= 0x40;
			pkts[0][lens[0] - 1] ^= 0x40;
			assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
			if (v6)
				continue;
			/* the IPv4 header checksum too */
			pkts[0][lens[0] - 1] ^= 0x40;
			pkts[1][11] ^= 1;
			assert_refused(pkts[0], lens[0], pkts[1], lens[1]);
		}
	}
}

/* At most 64 segments (the kernel's UDP_MAX_SEGMENTS on older kernels) ... */
static void test_gro_segment_limit(void **state)
{
	struct tpkt_flow f = tpkt_flow_default(false, 17);
	struct dp_gro *g = gro_reset(true);

	build_equal(&f, 100, 65);
	add_all(g, 64);
	assert_false(dp_gro_add(g, pkts[64], lens[64]));
	assert_splits_back(g, dp_gro_finish(g), 64);
}

/* ... and 64 KiB. */
static void test_gro_size_limit(void **state)
{
	struct tpkt_flow f = tpkt_flow_default(true, 6);
	struct dp_gro *g = gro_reset(true);
	size_t fit = (65535 - tpkt_hlen(&f)) / 1440, len;

	build_equal(&f, 1440, fit + 1);
	add_all(g, fit);
	assert_false(dp_gro_add(g, pkts[fit], lens[fit]));
	len = dp_gro_finish(g);
	assert_true(len <= 65535);
	assert_true(len + 1440 > 65535);
	assert_splits_back(g, len, fit);
}

/* Put 4 bytes of IPv4 options (NOPs) after the fixed header. */
static size_t add_ip4_options(uint8_t *ip, size_t len)
{
	memmove(ip + 24, ip + 20, len - 20);
	memset(ip + 20, 1, 4);
	ip[0] = 0x46;
	ip[3] += 4;
	tpkt_fix_csums(ip, len + 4);
	return len + 4;
}

/* Put an 8-byte extension header (hop-by-hop, fragment, ...) between the IPv6 header and L4. */
static size_t add_ip6_ext(uint8_t *ip, size_t len, uint8_t type)
{
	memmove(ip + 48, ip + 40, len - 40);
	memset(ip + 40, 0, 8);
	ip[40] = ip[6];
	ip[6] = type;
	ip[5] += 8;
	return len + 8;
}

/* What is never coalesced, whatever follows. */
static void test_gro_candidates(void **state)
{
	uint8_t *a = pkts[0];

	for (int v6 = 0; v6 <= 1; v6++) {
		struct tpkt_flow tcp = tpkt_flow_default(v6, 6), udp = tpkt_flow_default(v6, 17);
		size_t ihl = tpkt_ip_hlen(&tcp), len;

		assert_true(dp_gro_candidate(a, tpkt_build(a, &tcp, 0, 0, 1, TCP_ACK)));
		assert_true(dp_gro_candidate(a, tpkt_build(a, &udp, 0, 0, 1, 0)));
		/* SYN, FIN, RST, URG, ECE, CWR, no ACK, or no data */
		for (uint8_t flags = 0x01; flags; flags <<= 1) {
			if (flags != TCP_ACK && flags != TCP_PSH)
				assert_false(dp_gro_candidate(a, tpkt_build(a, &tcp, 0, 0, 100,
									 TCP_ACK | flags)));
		}
		assert_false(dp_gro_candidate(a, tpkt_build(a, &tcp, 0, 0, 100, TCP_PSH)));
		assert_false(dp_gro_candidate(a, tpkt_build(a, &tcp, 0, 0, 0, TCP_ACK)));
		/* UDP without payload */
		assert_false(dp_gro_candidate(a, tpkt_build(a, &udp, 0, 0, 0, 0)));
		/* lengths that disagree with the packet's */
		len = tpkt_build(a, &udp, 0, 0, 100, 0);
		assert_false(dp_gro_candidate(a, len - 1));
		len = tpkt_build(a, &tcp, 0, 0, 100, TCP_ACK);
		assert_false(dp_gro_candidate(a, len + 1));
		/* a TCP header longer than the packet */
		a[ihl + 12] = 15 << 4;
		assert_false(dp_gro_candidate(a, 20 + 60));
		/* neither TCP nor UDP */
		len = tpkt_build(a, &udp, 0, 0, 100, 0);
		a[v6 ? 6 : 9] = 1;
		assert_false(dp_gro_candidate(a, len));
	}

	/* UDP over IPv4 without a checksum is left as it is. */
	{
		struct tpkt_flow udp = tpkt_flow_default(false, 17);
		size_t len = tpkt_build(a, &udp, 0, 0, 100, 0);

		a[26] = a[27] = 0;
		assert_false(dp_gro_candidate(a, len));
	}
	/* IPv4 fragments and options; IPv6 extension headers */
	for (uint8_t proto = 6; proto <= 17; proto += 11) {
		struct tpkt_flow f4 = tpkt_flow_default(false, proto), f6 = tpkt_flow_default(true, proto);
		size_t len = tpkt_build(a, &f4, 0, 0, 100, TCP_ACK);

		a[6] |= 0x20;                 /* more fragments */
		assert_false(dp_gro_candidate(a, len));
		a[6] = 0x40;
		a[7] = 1;                     /* offset */
		assert_false(dp_gro_candidate(a, len));
		a[6] = 0x80;                  /* the reserved flag */
		a[7] = 0;
		assert_false(dp_gro_candidate(a, len));
		len = tpkt_build(a, &f4, 0, 0, 100, TCP_ACK);
		assert_false(dp_gro_candidate(a, add_ip4_options(a, len)));

		len = tpkt_build(a, &f6, 0, 0, 100, TCP_ACK);
		assert_false(dp_gro_candidate(a, add_ip6_ext(a, len, 0)));   /* hop-by-hop */
		len = tpkt_build(a, &f6, 0, 0, 100, TCP_ACK);
		assert_false(dp_gro_candidate(a, add_ip6_ext(a, len, 44)));  /* fragment */
		len = tpkt_build(a, &f6, 0, 0, 100, TCP_ACK);
		assert_false(dp_gro_candidate(a, add_ip6_ext(a, len, 60)));  /* destination options */
	}
	/* too short to hold any header */
	assert_false(dp_gro_candidate(a, 0));
	assert_false(dp_gro_candidate((const uint8_t *)"\x60", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso4_split),
		cmocka_unit_test(test_uso6_split),
		cmocka_unit_test(test_single_needs_csum),
		cmocka_unit_test(test_split_malformed),
		cmocka_unit_test(test_split_in_pieces),
		cmocka_unit_test(test_gro_tcp4),
		cmocka_unit_test(test_gro_tcp6),
		cmocka_unit_test(test_gro_udp4),
		cmocka_unit_test(test_gro_udp6),
		cmocka_unit_test(test_gro_tso_roundtrip),
		cmocka_unit_test(test_gro_refuses_other_flows),
		cmocka_unit_test(test_gro_refuses_other_tcp_options),
		cmocka_unit_test(test_gro_refuses_out_of_order),
		cmocka_unit_test(test_gro_ip4_ids),
		cmocka_unit_test(test_gro_sizes),
		cmocka_unit_test(test_gro_psh_closes),
		cmocka_unit_test(test_gro_udp_needs_uso),
		cmocka_unit_test(test_gro_refuses_bad_checksums),
		cmocka_unit_test(test_gro_segment_limit),
		cmocka_unit_test(test_gro_size_limit),
		cmocka_unit_test(test_gro_candidates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
