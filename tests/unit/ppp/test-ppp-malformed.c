/*
 * Hostile and broken input: every length field crossed with short buffers,
 * option lengths 0 and 1, bad protocol fields. Each must be dropped with
 * -EBADMSG and change nothing; the tail of the test checks the object still
 * negotiates normally afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ppp-harness.h"

#define LCP 0xc021

static void test_bad_frames(void **state)
{
	struct harness *h = h_new(NULL);
	static const struct {
		const char *what;
		uint8_t frame[16];
		size_t len;
	} bad[] = {
		{ "empty", { 0 }, 0 },
		{ "FF 03 only", { 0xff, 0x03 }, 2 },
		{ "even low protocol octet", { 0xff, 0x03, 0xc0, 0x20, 1, 1, 0, 4 }, 8 },
		{ "truncated protocol", { 0xff, 0x03, 0xc0 }, 3 },
		{ "no LCP header", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0 }, 7 },
		{ "length beyond frame", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 9, 1, 4 }, 10 },
		{ "length 0xffff", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0xff, 0xff }, 8 },
		{ "length below 4", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 3 }, 8 },
		{ "option length 0", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 6, 1, 0 }, 10 },
		{ "option length 1", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 6, 1, 1 }, 10 },
		{ "option past end", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 7, 1, 4, 5 }, 11 },
		{ "lone option type", { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 5, 1 }, 9 },
		{ "Nak with option length 1", { 0xff, 0x03, 0xc0, 0x21, 3, 1, 0, 6, 5, 1 }, 10 },
		{ "Reject with option length 0", { 0xff, 0x03, 0xc0, 0x21, 4, 1, 0, 6, 5, 0 }, 10 },
		{ "Ack with option length 1", { 0xff, 0x03, 0xc0, 0x21, 2, 1, 0, 6, 5, 1 }, 10 },
		{ "Code-Reject empty", { 0xff, 0x03, 0xc0, 0x21, 7, 1, 0, 4 }, 8 },
	};

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = h_rx_raw(h, bad[i].frame, bad[i].len);

		if (r != -EBADMSG)
			fail_msg("%s: got %d", bad[i].what, r);
		assert_true(h_no_more_tx(h));
	}
	assert_int_equal(h->n_events, 0);
	h_free(h);
}

static void test_short_lcp_codes_when_open(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };

	h_lcp_up(h, opts, sizeof(opts));
	h_next_frame(h);
	/* Echo-Request/Reply/Discard need a magic number; Protocol-Reject a protocol */
	assert_int_equal(h_rx_ctl(h, LCP, 9, 1, "\0\0\0", 3), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, LCP, 10, 1, "\0", 1), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, LCP, 11, 1, NULL, 0), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, LCP, 8, 1, "\x80", 1), -EBADMSG);
	assert_true(h_no_more_tx(h));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_bad_chap(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 3, 5, 0xc2, 0x23, 0x81 };

	h_lcp_up(h, opts, sizeof(opts));
	/* value size beyond the packet, zero, and MS-CHAPv2 challenge not 16 octets */
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 1, "\x20" "abc", 4), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 1, "\x00", 1), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 1, "\x08" "12345678", 9), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 1, NULL, 0), -EBADMSG);
	assert_int_equal(h_rx_ctl(h, 0xc223, 9, 1, NULL, 0), -EBADMSG);
	/* Success before any Response is ignored, not an authentication */
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 1, NULL, 0), 0);
	assert_true(h_no_more_tx(h));
	assert_null(h_event(h, PPP_EVENT_AUTH_OK));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_wrong_ack_ignored(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl ours;
	uint8_t other[16];

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	ours = h_expect_ctl(h, LCP, 1);
	/* an Ack that does not repeat our request exactly is not an Ack */
	memcpy(other, ours.data, ours.len);
	other[2] ^= 1;
	assert_int_equal(h_rx_ctl(h, LCP, 2, ours.id, other, ours.len), -EBADMSG);
	/* and one for another identifier is stale */
	assert_int_equal(h_rx_ctl(h, LCP, 2, (uint8_t)(ours.id + 1), ours.data, ours.len), 0);
	/* a Reject naming an option we never sent is bogus */
	assert_int_equal(h_rx_ctl(h, LCP, 4, ours.id, "\x03\x04\xc0\x23", 4), -EBADMSG);

	/* still negotiates */
	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, NULL, 0), 0);
	h_expect_ctl(h, LCP, 2);
	assert_int_equal(h_rx_ctl(h, LCP, 2, ours.id, ours.data, ours.len), 0);
	assert_non_null(h_event(h, PPP_EVENT_LCP_UP));
	h_free(h);
}

static void test_padding_after_length_ignored(void **state)
{
	struct harness *h = h_new(NULL);
	/* Configure-Request with no options, then 3 octets of padding (RFC 1661 5) */
	const uint8_t f[] = { 0xff, 0x03, 0xc0, 0x21, 1, 5, 0, 4, 0xee, 0xee, 0xee };
	struct h_ctl c;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);
	assert_int_equal(h_rx_raw(h, f, sizeof(f)), 0);
	c = h_expect_ctl(h, LCP, 2);
	assert_int_equal(c.id, 5);
	assert_int_equal(c.len, 0);
	h_free(h);
}

static void test_no_address_control_accepted(void **state)
{
	struct harness *h = h_new(NULL);
	/* ACFC and PFC are never an error: c0 21 without FF 03 */
	const uint8_t f[] = { 0xc0, 0x21, 1, 5, 0, 4 };

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);
	assert_int_equal(h_rx_raw(h, f, sizeof(f)), 0);
	h_expect_ctl(h, LCP, 2);
	h_free(h);
}

static void test_rx_before_start_and_after_failure(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t f[] = { 0xc0, 0x21, 1, 5, 0, 4 };

	assert_int_equal(h_rx_raw(h, f, sizeof(f)), -ENOMSG);
	assert_true(h_no_more_tx(h));
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_short_lcp_codes_when_open),
		cmocka_unit_test(test_bad_chap),
		cmocka_unit_test(test_wrong_ack_ignored),
		cmocka_unit_test(test_padding_after_length_ignored),
		cmocka_unit_test(test_no_address_control_accepted),
		cmocka_unit_test(test_rx_before_start_and_after_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
