/*
 * Userspace TSO/USO splitting and TCP coalescing for the TUN vnet header
 * (session/dataplane-gso.c). Test packets and checksum checks come from
 * gso-test-pkt.c, an independent RFC 1071 sum over big-endian words.
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
#include "session/dataplane-gso.h"

#define MSS 1000
#define NSEG 3
#define PAYLOAD (MSS * NSEG - 100) /* last segment is short */

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

static struct pkt_buf bufs[8];
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

static void test_gro_roundtrip(void **state)
{
	static struct dp_gro g;
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = MSS,
				 .csum_start = 20, .csum_offset = 16 };
	size_t len = make_tcp4(super, PAYLOAD, 42, 0x18), out_len;
	struct dp_vnet_hdr got;
	struct pkt *out[8];

	assert_int_equal(split(&h, super, len, out), NSEG);
	for (int i = 0; i < NSEG; i++) {
		assert_true(dp_gro_candidate(out[i]->data, out[i]->len));
		assert_true(dp_gro_add(&g, out[i]->data, out[i]->len));
	}
	/* The short last segment closed it. */
	assert_false(dp_gro_add(&g, out[0]->data, out[0]->len));

	out_len = dp_gro_finish(&g);
	assert_int_equal(out_len, len);
	dp_vnet_hdr_parse(g.hdr, &got);
	assert_int_equal(got.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(got.gso_size, MSS);
	assert_int_equal(got.hdr_len, 52);
	assert_int_equal(got.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_memory_equal(g.buf + 52, super + 52, PAYLOAD);
	assert_int_equal(g.buf[33], 0x18);
	assert_ip4_csum_ok(g.buf);
	/* The TCP checksum field holds the pseudo-header sum for the kernel to finish. */
	assert_int_equal(get16(g.buf + 36), tpkt_pseudo_sum(g.buf, len - 20));
	assert_int_equal(g.len, 0);
}

static void test_gro_refuses(void **state)
{
	static struct dp_gro g;
	uint8_t a[2000], b[2000];
	size_t la = make_tcp4(a, MSS, 100, 0x10), lb;

	assert_true(dp_gro_add(&g, a, la));
	/* a gap in the sequence */
	lb = make_tcp4(b, MSS, 100 + MSS + 1, 0x10);
	assert_false(dp_gro_add(&g, b, lb));
	/* another flow */
	lb = make_tcp4(b, MSS, 100 + MSS, 0x10);
	b[21] = 0x8a;
	assert_false(dp_gro_add(&g, b, lb));
	/* different TCP options (timestamp) */
	lb = make_tcp4(b, MSS, 100 + MSS, 0x10);
	b[50] = 9;
	assert_false(dp_gro_add(&g, b, lb));
	/* a single pending segment goes out unchanged, without offload */
	assert_int_equal(dp_gro_finish(&g), la);
	assert_memory_equal(g.buf, a, la);
	assert_int_equal(g.hdr[1], VIRTIO_NET_HDR_GSO_NONE);

	/* SYN, FIN, fragments and pure ACKs are never coalesced */
	assert_false(dp_gro_candidate(a, make_tcp4(a, MSS, 1, 0x12)));
	assert_false(dp_gro_candidate(a, make_tcp4(a, MSS, 1, 0x11)));
	assert_false(dp_gro_candidate(a, make_tcp4(a, 0, 1, 0x10)));
	la = make_tcp4(a, MSS, 1, 0x10);
	a[6] = 0x20;
	assert_false(dp_gro_candidate(a, la));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso4_split),
		cmocka_unit_test(test_uso6_split),
		cmocka_unit_test(test_single_needs_csum),
		cmocka_unit_test(test_split_malformed),
		cmocka_unit_test(test_split_in_pieces),
		cmocka_unit_test(test_gro_roundtrip),
		cmocka_unit_test(test_gro_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
