/*
 * Userspace TSO/USO splitting and TCP coalescing for the TUN vnet header
 * (session/dataplane-gso.c). Checksums are verified with an independent
 * RFC 1071 sum over big-endian words.
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

#include "session/dataplane-gso.h"

#define MSS 1000
#define NSEG 3
#define PAYLOAD (MSS * NSEG - 100) /* last segment is short */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A valid L4 checksum sums (with the pseudo header) to 0xffff. */
static void assert_l4_csum_ok(const uint8_t *ip, size_t len, bool v6)
{
	size_t ihl = v6 ? 40 : (size_t)(ip[0] & 0xf) * 4, l4 = len - ihl;
	uint8_t proto = v6 ? ip[6] : ip[9];
	uint32_t s = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);

	s += proto + (uint32_t)l4;
	assert_int_equal(fold(sum16(ip + ihl, l4, s)), 0xffff);
}

static void assert_ip4_csum_ok(const uint8_t *ip)
{
	assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
}

static size_t make_tcp4(uint8_t *b, size_t payload, uint32_t seq, uint8_t flags)
{
	size_t len = 20 + 32 + payload;

	memset(b, 0, len);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[4] = 0x12;
	b[5] = 0x34;
	b[6] = 0x40;
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, (uint8_t[]){ 203, 0, 113, 1, 203, 0, 113, 2 }, 8);
	b[20] = 0x13;
	b[21] = 0x89;
	b[22] = 0xc0;
	b[23] = 0x01;
	b[24] = (uint8_t)(seq >> 24);
	b[25] = (uint8_t)(seq >> 16);
	b[26] = (uint8_t)(seq >> 8);
	b[27] = (uint8_t)seq;
	b[31] = 7;       /* ack */
	b[32] = 8 << 4;  /* 32-byte header: 12 bytes of options (NOP NOP timestamp) */
	b[33] = flags;
	b[35] = 0xff;
	b[40] = 1;
	b[41] = 1;
	b[42] = 8;
	b[43] = 10;
	for (size_t i = 0; i < payload; i++)
		b[52 + i] = (uint8_t)(i * 7);
	return len;
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
		assert_l4_csum_ok(s, out[i]->len, false);
	}
}

static void test_uso6_split(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = 5,
				 .gso_size = 500, .csum_start = 40, .csum_offset = 6 };
	size_t payload = 1200, len = 40 + 8 + payload;
	struct pkt *out[8];

	memset(super, 0, len);
	super[0] = 0x60;
	super[6] = 17;
	super[7] = 64;
	super[23] = 1;
	super[39] = 2;
	super[40] = 0x30;
	super[42] = 0x30;
	for (size_t i = 0; i < payload; i++)
		super[48 + i] = (uint8_t)i;

	assert_int_equal(split(&h, super, len, out), 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *s = out[i]->data;
		size_t plen = i < 2 ? 500 : 200;

		assert_int_equal(s[4] << 8 | s[5], 8 + plen);   /* IPv6 payload length */
		assert_int_equal(s[44] << 8 | s[45], 8 + plen); /* UDP length */
		assert_l4_csum_ok(s, out[i]->len, true);
	}
}

/* A single packet with a partial checksum: the field holds the pseudo-header sum. */
static void test_single_needs_csum(void **state)
{
	struct dp_vnet_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20,
				 .csum_offset = 16 };
	size_t len = make_tcp4(super, 333, 5, 0x10);
	uint16_t pseudo = fold(sum16(super + 12, 8, 6 + (uint32_t)(len - 20)));
	struct pkt *out[8];

	super[36] = (uint8_t)(pseudo >> 8);
	super[37] = (uint8_t)pseudo;
	assert_int_equal(split(&h, super, len, out), 1);
	assert_int_equal(out[0]->len, len);
	assert_l4_csum_ok(out[0]->data, len, false);
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
	uint32_t s;

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
	s = sum16(g.buf + 12, 8, 6 + (uint32_t)(len - 20));
	assert_int_equal(g.buf[36] << 8 | g.buf[37], fold(s));
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
