/*
 * TCP MSS clamping (dataplane/dataplane-mss.c) on real SYNs: the two below
 * were captured from Linux 6.18 connecting over loopback (MSS 1460 on
 * IPv4, 1440 on IPv6; SACK-permitted, timestamps, window scale). Loopback
 * leaves the TCP checksum partial, so each test first makes it whole with
 * gso-test-pkt.c's independent RFC 1071 sum, which also checks the
 * incremental update afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/dataplane-mss.h"
#include "gso-test-pkt.h"

static const uint8_t syn4[] = {
	0x45, 0x00, 0x00, 0x3c, 0x3f, 0xc8, 0x40, 0x00, 0x40, 0x06, 0xfc, 0xf1, 0x7f, 0x00,
	0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xe9, 0x4a, 0x00, 0x09, 0xb5, 0xc4, 0x15, 0x90,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0xfe, 0x30, 0x00, 0x00, 0x02, 0x04,
	0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x5b, 0xb5, 0x49, 0x16, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x0a,
};

static const uint8_t syn6[] = {
	0x60, 0x0c, 0x25, 0x3d, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xa9, 0xd6,
	0x00, 0x09, 0x26, 0xf7, 0x51, 0xb7, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20,
	0x00, 0x30, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0xec, 0xba,
	0x60, 0xe6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* A copy of src with whole checksums. */
static size_t load(uint8_t *b, const uint8_t *src, size_t len)
{
	memcpy(b, src, len);
	tpkt_fix_csums(b, len);
	assert_true(tpkt_l4_csum_ok(b, len));
	return len;
}

static unsigned mss_at(const uint8_t *b, size_t at)
{
	return (unsigned)(b[at] << 8 | b[at + 1]);
}

static void test_ipv4_syn_clamped(void **state)
{
	uint8_t b[sizeof(syn4)], before[sizeof(syn4)];
	size_t len = load(b, syn4, sizeof(syn4)), at = dp_syn_mss_at(b, len);

	assert_int_equal(at, 20 + 22);
	assert_int_equal(mss_at(b, at), 1460);
	memcpy(before, b, len);
	/* a TUN of 1402 (AES-CBC-SHA1 in UDP on a 1500 path) carries 1362 */
	assert_true(dp_mss_clamp(b, len, at, 1402));
	assert_int_equal(mss_at(b, at), 1362);
	assert_true(tpkt_l4_csum_ok(b, len));
	assert_true(tpkt_ip4_csum_ok(b));
	/* nothing but the MSS and the TCP checksum changed */
	for (size_t i = 0; i < len; i++)
		if (i != at && i != at + 1 && i != 36 && i != 37)
			assert_int_equal(b[i], before[i]);
	/* again: already small enough */
	assert_false(dp_mss_clamp(b, len, at, 1402));
}

static void test_ipv6_syn_clamped(void **state)
{
	uint8_t b[sizeof(syn6)];
	size_t len = load(b, syn6, sizeof(syn6)), at = dp_syn_mss_at(b, len);

	assert_int_equal(at, 40 + 22);
	assert_int_equal(mss_at(b, at), 1440);
	assert_true(dp_mss_clamp(b, len, at, 1280));
	assert_int_equal(mss_at(b, at), 1220);
	assert_true(tpkt_l4_csum_ok(b, len));
}

static void test_smaller_mss_kept(void **state)
{
	uint8_t b[sizeof(syn4)];
	size_t len = load(b, syn4, sizeof(syn4)), at = dp_syn_mss_at(b, len);

	assert_false(dp_mss_clamp(b, len, at, 1500));
	assert_false(dp_mss_clamp(b, len, at, 1500 + 40));
	assert_int_equal(mss_at(b, at), 1460);
	/* an MTU too small to mean anything */
	assert_false(dp_mss_clamp(b, len, at, 0));
	assert_false(dp_mss_clamp(b, len, at, 60));
}

static void test_syn_ack_clamped(void **state)
{
	uint8_t b[sizeof(syn4)];
	size_t len = load(b, syn4, sizeof(syn4)), at;

	b[33] = 0x12; /* SYN + ACK */
	tpkt_fix_csums(b, len);
	at = dp_syn_mss_at(b, len);
	assert_int_not_equal(at, 0);
	assert_true(dp_mss_clamp(b, len, at, 1400));
	assert_true(tpkt_l4_csum_ok(b, len));
}

/* syn4 with one byte changed: no MSS to clamp. */
static void expect_none(size_t off, uint8_t val)
{
	uint8_t b[sizeof(syn4)];

	memcpy(b, syn4, sizeof(b));
	b[off] = val;
	assert_int_equal(dp_syn_mss_at(b, sizeof(b)), 0);
}

static void test_not_a_syn(void **state)
{
	uint8_t b[sizeof(syn6)];

	expect_none(33, 0x10); /* ACK */
	expect_none(9, 17);    /* UDP */
	expect_none(7, 0x10);  /* a later fragment */
	memcpy(b, syn6, sizeof(b));
	b[6] = 0; /* hop-by-hop options first: not looked into */
	assert_int_equal(dp_syn_mss_at(b, sizeof(b)), 0);
}

static void test_malformed_bounded(void **state)
{
	uint8_t b[sizeof(syn4)];
	size_t len = sizeof(syn4);

	/* every truncation: never an MSS past the end */
	for (size_t n = 0; n < len; n++) {
		size_t at;

		memcpy(b, syn4, len);
		at = dp_syn_mss_at(b, n);
		assert_true(at == 0 || at + 2 <= n);
	}
	expect_none(3, 0x50);  /* total length beyond the packet */
	expect_none(3, 0x10);  /* ... or below the header */
	expect_none(32, 0xf0); /* data offset past the segment */
	expect_none(41, 0);    /* option length 0 or 1 ends the walk: no endless loop */
	expect_none(41, 1);
	expect_none(41, 6);    /* MSS with a wrong length */
	expect_none(40, 0);    /* EOL before the MSS */
	/* NOPs, then the MSS */
	memcpy(b, syn4, len);
	memmove(b + 44, b + 40, 16);
	memset(b + 40, 1, 4);
	assert_int_equal(dp_syn_mss_at(b, len), 44 + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_syn_clamped),
		cmocka_unit_test(test_ipv6_syn_clamped),
		cmocka_unit_test(test_smaller_mss_kept),
		cmocka_unit_test(test_syn_ack_clamped),
		cmocka_unit_test(test_not_a_syn),
		cmocka_unit_test(test_malformed_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
