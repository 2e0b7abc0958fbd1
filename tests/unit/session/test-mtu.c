/*
 * The exact MTU (session_mtu_of_stack()): each figure below is worked out
 * by hand from the wire formats, so a change to the arithmetic shows here.
 *
 * An inner IP packet of X bytes comes back from the gateway as
 *   outer IP (20, IPv6 40) + [UDP 8 for NAT-T] + ESP SPI/seq 8 + IV
 *   + [inner UDP 8 + L2TP 8 (6 + its length field; 12 with Ns/Nr) + PPP 4 + X + pad + 2]
 *     (the bracket a multiple of the alignment)
 *   + ICV
 * (ours going out is 2 bytes shorter: we send no length field), so
 * X = floor_align(path - IP - [8] - 8 - IV - ICV) - 2 - 8 - 8 - 4 = floor_align(...) - 22.
 * ESP's suites:  AES-CBC: IV 16, align 16;  3DES-CBC: IV 8, align 8;
 *                AES-GCM-16: IV 8, align 4, ICV 16;
 *                HMAC-SHA1-96 and HMAC-MD5-96: ICV 12; HMAC-SHA256-128: ICV 16.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "session/session-internal.h"

static struct session_mtu_stack esp_stack(unsigned path, bool encap, size_t iv, size_t align,
					  size_t icv)
{
	return (struct session_mtu_stack){ .path_mtu = path, .esp = true, .udp_encap = encap,
					   .esp_iv_len = iv, .esp_align = align,
					   .esp_icv_len = icv };
}

/* AES-CBC + HMAC-SHA1-96, NAT-T, path 1500: 1500-20-8-8-16-12 = 1436 -> 1424; -2-8-8-4 = 1402. */
static void test_aes_cbc_sha1_natt(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 16, 16, 12);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1402);
}

/* The same over raw ESP: 1500-20-8-16-12 = 1444 -> 1440; -22 = 1418. */
static void test_aes_cbc_sha1_raw(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, false, 16, 16, 12);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1418);
}

/* AES-CBC + HMAC-SHA256-128, NAT-T: 1500-20-8-8-16-16 = 1432 -> 1424; -22 = 1402. */
static void test_aes_cbc_sha256_natt(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 16, 16, 16);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1402);
}

/* AES-GCM-16, NAT-T: 1500-20-8-8-8-16 = 1440 (a multiple of 4); -22 = 1418. */
static void test_aes_gcm_natt(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 8, 4, 16);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1418);
}

/* 3DES-CBC + HMAC-MD5-96, NAT-T: 1500-20-8-8-8-12 = 1444 -> 1440; -22 = 1418. */
static void test_3des_md5_natt(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 8, 8, 12);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1418);
}

/* The interop test's path: 1280-64 = 1216 = 76 * 16; -22 = 1194. */
static void test_path_1280(void **state)
{
	struct session_mtu_stack st = esp_stack(1280, true, 16, 16, 12);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1194);
	/* One byte less loses a whole AES block: 1215 -> 1200; -22 = 1178. */
	st.path_mtu = 1279;
	assert_int_equal(session_mtu_of_stack(&st), 1178);
}

/* Ns/Nr in each data message: 4 bytes less (1402 -> 1398). */
static void test_l2tp_sequenced(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 16, 16, 12);

	(void)state;
	st.l2tp_sequenced = true;
	assert_int_equal(session_mtu_of_stack(&st), 1398);
}

/* Outer IPv6: 20 more bytes of header. 1500-40-8-8-16-12 = 1416 -> 1408; -22 = 1386. */
static void test_outer_ipv6(void **state)
{
	struct session_mtu_stack st = esp_stack(1500, true, 16, 16, 12);

	(void)state;
	st.outer_ipv6 = true;
	assert_int_equal(session_mtu_of_stack(&st), 1386);
}

/* L2TP in clear: 1500-20 (IP) -8 (UDP) -8 (L2TP with length) -4 (PPP) = 1460. */
static void test_plain_l2tp(void **state)
{
	struct session_mtu_stack st = { .path_mtu = 1500 };

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1460);
}

/* Unknown path: 1500 assumed; an absurd one: never below IPv4's 68. */
static void test_unknown_and_tiny_paths(void **state)
{
	struct session_mtu_stack st = esp_stack(0, true, 16, 16, 12);

	(void)state;
	assert_int_equal(session_mtu_of_stack(&st), 1402);
	st.path_mtu = 60;
	assert_int_equal(session_mtu_of_stack(&st), 68);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_cbc_sha1_natt),
		cmocka_unit_test(test_aes_cbc_sha1_raw),
		cmocka_unit_test(test_aes_cbc_sha256_natt),
		cmocka_unit_test(test_aes_gcm_natt),
		cmocka_unit_test(test_3des_md5_natt),
		cmocka_unit_test(test_path_1280),
		cmocka_unit_test(test_l2tp_sequenced),
		cmocka_unit_test(test_outer_ipv6),
		cmocka_unit_test(test_plain_l2tp),
		cmocka_unit_test(test_unknown_and_tiny_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
