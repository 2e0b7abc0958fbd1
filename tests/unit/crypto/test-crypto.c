/*
 * Crypto wrappers against published vectors: RFC 1320 (MD4), RFC 1321
 * (MD5), FIPS 180 (SHA-1, SHA-256), RFC 2202 and RFC 4231 (HMAC), and the
 * classic FIPS 81 DES-ECB example. MD4 and DES come from OpenSSL's legacy
 * provider, which MS-CHAPv2 depends on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"

static void hex(const uint8_t *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static void check_hash(enum rv_hash_alg alg, const char *msg, const char *expect)
{
	uint8_t md[RV_HASH_MAX_LEN];
	char text[2 * RV_HASH_MAX_LEN + 1];

	assert_int_equal(rv_hash(alg, msg, strlen(msg), md), 0);
	hex(md, rv_hash_len(alg), text);
	assert_string_equal(text, expect);
}

static void test_md4_rfc1320(void **state)
{
	check_hash(RV_HASH_MD4, "", "31d6cfe0d16ae931b73c59d7e0c089c0");
	check_hash(RV_HASH_MD4, "abc", "a448017aaf21d8525fc10ae87aa6729d");
	check_hash(RV_HASH_MD4, "message digest", "d9130a8164549fe818874806e1c7014b");
}

static void test_md5_rfc1321(void **state)
{
	check_hash(RV_HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e");
	check_hash(RV_HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72");
}

static void test_sha_fips180(void **state)
{
	check_hash(RV_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_hash(RV_HASH_SHA256, "abc",
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_hash_v_concatenates(void **state)
{
	struct rv_iov iov[] = { { "a", 1 }, { "", 0 }, { "bc", 2 } };
	uint8_t a[16], b[16];

	assert_int_equal(rv_hash_v(RV_HASH_MD5, iov, 3, a), 0);
	assert_int_equal(rv_hash(RV_HASH_MD5, "abc", 3, b), 0);
	assert_memory_equal(a, b, 16);
}

static void test_hmac_rfc2202_rfc4231(void **state)
{
	uint8_t key[20], mac[RV_HASH_MAX_LEN];
	char text[2 * RV_HASH_MAX_LEN + 1];
	struct rv_iov iov = { "Hi There", 8 };

	memset(key, 0x0b, sizeof(key));
	assert_int_equal(rv_hmac_v(RV_HASH_SHA1, key, 20, &iov, 1, mac), 0);
	hex(mac, 20, text);
	assert_string_equal(text, "b617318655057264e28bc0b6fb378c8ef146be00");

	assert_int_equal(rv_hmac_v(RV_HASH_SHA256, key, 20, &iov, 1, mac), 0);
	hex(mac, 32, text);
	assert_string_equal(text, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

static void test_des_ecb_fips81(void **state)
{
	const uint8_t key[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	const uint8_t expect[8] = { 0x3f, 0xa4, 0x0e, 0x8a, 0x98, 0x4d, 0x48, 0x15 };
	uint8_t out[8];

	assert_int_equal(rv_des_ecb_encrypt(key, (const uint8_t *)"Now is t", out), 0);
	assert_memory_equal(out, expect, 8);
}

static void test_random_and_memeq(void **state)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };

	assert_int_equal(rv_random_bytes(a, sizeof(a)), 0);
	assert_false(rv_memeq(a, b, sizeof(a)));
	memcpy(b, a, sizeof(a));
	assert_true(rv_memeq(a, b, sizeof(a)));
	b[31] ^= 1;
	assert_false(rv_memeq(a, b, sizeof(a)));
	rv_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md4_rfc1320),
		cmocka_unit_test(test_md5_rfc1321),
		cmocka_unit_test(test_sha_fips180),
		cmocka_unit_test(test_hash_v_concatenates),
		cmocka_unit_test(test_hmac_rfc2202_rfc4231),
		cmocka_unit_test(test_des_ecb_fips81),
		cmocka_unit_test(test_random_and_memeq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
