/* Bounded reader/writer, packet buffer and secret wrapper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/log.h"
#include "util/pkt.h"
#include "util/reader.h"
#include "util/secret.h"
#include "util/writer.h"

static void test_reader_reads_big_endian(void **state)
{
	const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct rv_reader r = rv_reader_init(buf, sizeof(buf));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	assert_true(rv_reader_u8(&r, &u8));
	assert_int_equal(u8, 0x01);
	assert_true(rv_reader_u16(&r, &u16));
	assert_int_equal(u16, 0x0203);
	assert_true(rv_reader_u32(&r, &u32));
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(rv_reader_left(&r), 0);
	assert_false(rv_reader_u8(&r, &u8));
}

static void test_reader_refuses_reads_past_end(void **state)
{
	const uint8_t buf[] = { 0xaa, 0xbb, 0xcc };
	struct rv_reader r = rv_reader_init(buf, sizeof(buf));
	struct rv_reader sub;
	const uint8_t *p;
	uint32_t u32 = 0x12345678;

	assert_false(rv_reader_u32(&r, &u32));
	assert_int_equal(u32, 0x12345678);
	assert_int_equal(r.pos, 0);
	assert_false(rv_reader_skip(&r, 4));
	assert_false(rv_reader_bytes(&r, &p, SIZE_MAX));
	assert_false(rv_reader_sub(&r, (size_t)-1, &sub));
	assert_true(rv_reader_sub(&r, 2, &sub));
	assert_int_equal(rv_reader_left(&sub), 2);
	assert_int_equal(rv_reader_left(&r), 1);
}

static void test_writer_overflow_is_sticky(void **state)
{
	uint8_t buf[5];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	rv_writer_u16(&w, 0xbeef);
	rv_writer_u32(&w, 0x01020304);
	assert_false(rv_writer_ok(&w));
	rv_writer_u8(&w, 0x55);
	assert_false(rv_writer_ok(&w));
	assert_int_equal(w.len, 2);
	assert_int_equal(buf[0], 0xbe);
}

static void test_writer_back_patches_length(void **state)
{
	uint8_t buf[8];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	rv_writer_u16(&w, 0);
	rv_writer_bytes(&w, "abc", 3);
	rv_writer_put_u16_at(&w, 0, (uint16_t)w.len);
	assert_true(rv_writer_ok(&w));
	assert_int_equal(buf[1], 5);
	rv_writer_put_u16_at(&w, 4, 1);
	assert_false(rv_writer_ok(&w));
}

static void test_pkt_push_pull_respect_bounds(void **state)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	assert_int_equal(pkt_headroom(p), PKT_HEADROOM);
	assert_non_null(pkt_put(p, 10));
	assert_non_null(pkt_push(p, 4));
	assert_int_equal(p->len, 14);
	assert_null(pkt_push(p, PKT_HEADROOM));
	assert_non_null(pkt_pull(p, 4));
	assert_null(pkt_pull(p, 11));
	assert_null(pkt_put(p, PKT_MAX_DATA + PKT_TAILROOM));
	assert_int_equal(pkt_trim(p, 10), 0);
	assert_int_not_equal(pkt_trim(p, 1), 0);
}

static void test_secret_round_trip(void **state)
{
	struct rv_secret *s = rv_secret_new_str("hunter2");
	struct rv_secret *d = rv_secret_dup(s);
	size_t len;

	assert_memory_equal(rv_secret_reveal(d, &len), "hunter2", 7);
	assert_int_equal(len, 7);
	rv_secret_free(s);
	rv_secret_free(d);
	rv_secret_free(NULL);
	assert_int_equal(rv_secret_len(NULL), 0);
}

static void test_log_escape_quotes_control_bytes(void **state)
{
	char out[32];

	rv_log_escape(out, sizeof(out), "ok\n\x01", 4);
	assert_string_equal(out, "ok\\x0a\\x01");
	rv_log_escape(out, 4, "abcdef", 6);
	assert_string_equal(out, "abc");
}

static void test_log_debug_filter(void **state)
{
	rv_log_set_debug("l2tp,ppp");
	assert_true(rv_log_debug_enabled("ppp"));
	assert_false(rv_log_debug_enabled("pp"));
	assert_false(rv_log_debug_enabled("ike"));
	rv_log_set_debug("all");
	assert_true(rv_log_debug_enabled("ike"));
	rv_log_set_debug("");
	rv_log_set_level(RV_LOG_INFO);
	assert_false(rv_log_debug_enabled("ike"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_reads_big_endian),
		cmocka_unit_test(test_reader_refuses_reads_past_end),
		cmocka_unit_test(test_writer_overflow_is_sticky),
		cmocka_unit_test(test_writer_back_patches_length),
		cmocka_unit_test(test_pkt_push_pull_respect_bounds),
		cmocka_unit_test(test_secret_round_trip),
		cmocka_unit_test(test_log_escape_quotes_control_bytes),
		cmocka_unit_test(test_log_debug_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
