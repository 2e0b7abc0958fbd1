/*
 * IKE key schedule and crypto primitives against independent references.
 *
 * The RFC 2409 vectors below were computed offline with Python 3's stdlib
 * (hmac + hashlib) straight from the formulas, not with this code:
 *   SKEYID   = prf(PSK, Ni_b | Nr_b)                          (§5)
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 *   Ka       = K1 | K2, K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1)   (App. B)
 *   KEYMAT   = K1 | K2 | ..., Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] 3 | SPI | Ni_b | Nr_b)  (§5.5)
 *   IV       = H(g^xi | g^xr), then H(last block | M-ID)       (App. B)
 *   NAT-D    = H(CKY-I | CKY-R | IP | port)                   (RFC 3947 §3.2)
 * with PSK "l2tp-test-psk", Ni = 00..1f, Nr = 20..3f, g^xy[i] = 7i+3 (128 bytes),
 * CKY-I 0102030405060708, CKY-R 1112131415161718, QM nonces 40..5f / 60..7f,
 * SPI c0ffee01, g(qm)^xy[i] = 13i+1 (256 bytes), g^xi = 00..7f, g^xr = 80..ff.
 * The script is reproduced in tests/unit/ike/vectors.py.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "crypto/cbc.h"
#include "crypto/dh.h"
#include "ike/ike-internal.h"

static const uint8_t cky_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t cky_r[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	assert_int_equal(strlen(hex), 2 * len);
}

static void assert_hex(const uint8_t *got, const char *hex)
{
	uint8_t want[128];
	size_t len = strlen(hex) / 2;

	unhex(hex, want, len);
	assert_memory_equal(got, want, len);
}

static void fill(uint8_t *b, size_t len, unsigned int mul, unsigned int add)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * mul + add);
}

struct p1_vec {
	enum rv_hash_alg prf;
	const char *skeyid, *d, *a, *e, *ka256, *keymat, *keymat_pfs;
};

static const struct p1_vec vec_sha1 = {
	RV_HASH_SHA1,
	"59450577110e15d5594b3bb21c03205104c5e8c9",
	"c9adde3c19ad9f52e98e35c7d52ca600a8bc0a9c",
	"c85b160289cb9dae82105846da1f3ed8a81b5a21",
	"e1a0b7c60d39f9ef39163cb947cb6da43f1fb402",
	"457f9b2a8506b28df52d9dcbaa24b67eb8be1ac4554c94909df7fe337b757804",
	"49163706d0bc75d8c614443923c95b233e1259112d00505c7f2346dc0b1f9bb8"
	"0cdf08e009985e579a7588a198a63320ded99f2c0e5ba12884d2b5166e2e14c0",
	"307bc719e46f7f664fe50bae5f3f23f7ed8459f8b6ded2ec7df9ad64ff9d5d5d"
	"eb887f29aceaf294b4ac67b5ab5c57ffece2bc17926f7834a41da5c750bc724b",
};

static const struct p1_vec vec_sha256 = {
	RV_HASH_SHA256,
	"c96334a3116210cf326beb9c3e3ee40258545c36bf0ca3cd4c4d3c2ef037d54c",
	"2a3dafee8c3eb8f3c31c6f25edc95b05b4eaa7df7574242568c11c155099d94d",
	"8148c1adf6021b2eb8b0abf3e98a33d28227dc618957041315299b7ad8bab802",
	"b5513a53d71a525119f35058166a592b38cd6d725230987e44a1e1c646529983",
	"b5513a53d71a525119f35058166a592b38cd6d725230987e44a1e1c646529983",
	"3ae158c5fc5d8cf349bd8e1bf77bfffb09184a30f7448b444a45fa6d0bb00323"
	"0bd075d3b56ef16425b07292d170183a75329aa01cc6cb569acf3fede6694cb2",
	"6995bb71d85383ed38c95d6f20e62aa1fc5b0b1a3e47f1067b40b8c01f998c19"
	"33692199b4fb1bb02aa1e545b00bc60994f5c28def58457167ccfa07c71f8a26",
};

static void check_vec(const struct p1_vec *v)
{
	uint8_t ni[32], nr[32], gxy[128], qni[32], qnr[32], gqm[256], km[64];
	struct ike_keys k = { .prf = v->prf, .enc_key_len = 32 };

	fill(ni, 32, 1, 0);
	fill(nr, 32, 1, 0x20);
	fill(gxy, 128, 7, 3);
	fill(qni, 32, 1, 0x40);
	fill(qnr, 32, 1, 0x60);
	fill(gqm, 256, 13, 1);
	assert_int_equal(ike_keys_derive(&k, (const uint8_t *)"l2tp-test-psk", 13, ni, 32, nr, 32,
					 gxy, 128, cky_i, cky_r), 0);
	assert_hex(k.skeyid, v->skeyid);
	assert_hex(k.skeyid_d, v->d);
	assert_hex(k.skeyid_a, v->a);
	assert_hex(k.skeyid_e, v->e);
	assert_int_equal(ike_keys_expand_enc(&k), 0);
	assert_hex(k.enc_key, v->ka256);

	assert_int_equal(ike_keymat(&k, NULL, 0, 3, 0xc0ffee01, qni, 32, qnr, 32, km, 64), 0);
	assert_hex(km, v->keymat);
	assert_int_equal(ike_keymat(&k, gqm, 256, 3, 0xc0ffee01, qni, 32, qnr, 32, km, 64), 0);
	assert_hex(km, v->keymat_pfs);
	/* a shorter KEYMAT is a prefix of the longer one */
	assert_int_equal(ike_keymat(&k, NULL, 0, 3, 0xc0ffee01, qni, 32, qnr, 32, km, 20), 0);
	assert_hex(km, "49163706d0bc75d8c614443923c95b233e125911");
}

static void test_rfc2409_sha1(void **state)
{
	check_vec(&vec_sha1);
}

static void test_rfc2409_sha256(void **state)
{
	uint8_t ni[32], nr[32], gxy[128], qni[32], qnr[32], km[20];
	struct ike_keys k = { .prf = RV_HASH_SHA256, .enc_key_len = 32 };

	fill(ni, 32, 1, 0);
	fill(nr, 32, 1, 0x20);
	fill(gxy, 128, 7, 3);
	fill(qni, 32, 1, 0x40);
	fill(qnr, 32, 1, 0x60);
	assert_int_equal(ike_keys_derive(&k, (const uint8_t *)"l2tp-test-psk", 13, ni, 32, nr, 32,
					 gxy, 128, cky_i, cky_r), 0);
	assert_hex(k.skeyid, vec_sha256.skeyid);
	assert_hex(k.skeyid_d, vec_sha256.d);
	assert_hex(k.skeyid_a, vec_sha256.a);
	assert_hex(k.skeyid_e, vec_sha256.e);
	/* SKEYID_e is long enough for AES-256: no expansion */
	assert_int_equal(ike_keys_expand_enc(&k), 0);
	assert_hex(k.enc_key, vec_sha256.ka256);
	assert_int_equal(ike_keymat(&k, NULL, 0, 3, 0xc0ffee01, qni, 32, qnr, 32, km, 20), 0);
	assert_hex(km, "3ae158c5fc5d8cf349bd8e1bf77bfffb09184a30");
}

static void test_ivs(void **state)
{
	uint8_t gxi[128], gxr[128], iv1[16], iv2[16];
	struct ike_keys k = { .block_len = 16 };

	fill(gxi, 128, 1, 0);
	fill(gxr, 128, 1, 128);
	assert_int_equal(ike_iv_phase1(&k, RV_HASH_SHA1, gxi, 128, gxr, 128, iv1), 0);
	assert_hex(iv1, "4916d6bdb7f78e6803698cab32d1586e");
	assert_int_equal(ike_iv_phase2(&k, RV_HASH_SHA1, iv1, 0x12345678, iv2), 0);
	assert_hex(iv2, "a339fbaf035e4f4daedd9929f3731507");
	assert_int_equal(ike_iv_phase1(&k, RV_HASH_SHA256, gxi, 128, gxr, 128, iv1), 0);
	assert_hex(iv1, "40aff2e9d2d8922e47afd4648e696749");
	assert_int_equal(ike_iv_phase2(&k, RV_HASH_SHA256, iv1, 0x12345678, iv2), 0);
	assert_hex(iv2, "f2936fe8e1b5dd1051659a4e43932e06");
}

static void test_natd(void **state)
{
	uint8_t h[32];
	uint32_t addr = inet_addr("198.51.100.2");

	assert_int_equal(ike_natd_hash(RV_HASH_SHA1, cky_i, cky_r, addr, 500, h), 0);
	assert_hex(h, "72ad275fac48b1f5f2dcdf87c7a69611eaa4f5b6");
	assert_int_equal(ike_natd_hash(RV_HASH_SHA256, cky_i, cky_r, addr, 500, h), 0);
	assert_hex(h, "76bba38322f06c32ea483c8f968582812134f72fdb6ecd97f8201b6567c1ee6b");
	/* the port is part of it: a NAT that only remaps ports is seen too */
	assert_int_equal(ike_natd_hash(RV_HASH_SHA1, cky_i, cky_r, addr, 501, h), 0);
	assert_memory_not_equal(h, "\x72\xad\x27\x5f", 4);
}

static void test_dh_agreement(void **state)
{
	static const enum rv_dh_group groups[] = { RV_DH_MODP1024, RV_DH_MODP1536,
						   RV_DH_MODP2048, RV_DH_MODP3072,
						   RV_DH_MODP4096, RV_DH_ECP256, RV_DH_ECP384 };

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct rv_dh *a = rv_dh_new(groups[i]), *b = rv_dh_new(groups[i]);
		uint8_t pa[RV_DH_MAX_LEN], pb[RV_DH_MAX_LEN], sa[RV_DH_MAX_LEN], sb[RV_DH_MAX_LEN];
		size_t plen = rv_dh_public_len(groups[i]), slen = rv_dh_secret_len(groups[i]);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(rv_dh_public(a, pa, sizeof(pa)), 0);
		assert_int_equal(rv_dh_public(b, pb, sizeof(pb)), 0);
		assert_memory_not_equal(pa, pb, plen);
		assert_int_equal(rv_dh_compute(a, pb, plen, sa, sizeof(sa)), 0);
		assert_int_equal(rv_dh_compute(b, pa, plen, sb, sizeof(sb)), 0);
		assert_memory_equal(sa, sb, slen);
		/* a wrong length and degenerate values are refused */
		assert_int_equal(rv_dh_compute(a, pb, plen - 1, sa, sizeof(sa)), -EINVAL);
		memset(pb, 0, plen);
		assert_int_equal(rv_dh_compute(a, pb, plen, sa, sizeof(sa)), -EINVAL);
		pb[plen - 1] = 1;
		assert_int_equal(rv_dh_compute(a, pb, plen, sa, sizeof(sa)), -EINVAL);
		rv_dh_free(a);
		rv_dh_free(b);
	}
	assert_null(rv_dh_new(1));
	assert_false(rv_dh_group_supported(22));
}

static void test_cbc(void **state)
{
	/* NIST SP 800-38A F.2.1 (AES-128-CBC), first two blocks */
	uint8_t key[16], iv[16], pt[32], ct[32], buf[32];
	uint8_t k3[24], iv3[8];

	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
	unhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", ct, 32);
	assert_int_equal(rv_cbc_crypt(RV_CBC_AES, true, key, 16, iv, pt, 32, buf), 0);
	assert_memory_equal(buf, ct, 32);
	assert_int_equal(rv_cbc_crypt(RV_CBC_AES, false, key, 16, iv, buf, 32, buf), 0);
	assert_memory_equal(buf, pt, 32);
	/* no padding: a partial block is an error, not silently padded */
	assert_int_equal(rv_cbc_crypt(RV_CBC_AES, true, key, 16, iv, pt, 31, buf), -EINVAL);
	assert_int_equal(rv_cbc_crypt(RV_CBC_AES, true, key, 15, iv, pt, 16, buf), -EINVAL);

	/* 3DES, checked against `openssl enc -des-ede3-cbc -nopad` */
	unhex("0123456789abcdef23456789abcdef01456789abcdef0123", k3, 24);
	unhex("0001020304050607", iv3, 8);
	assert_int_equal(rv_cbc_crypt(RV_CBC_3DES, true, k3, 24, iv3, pt, 16, buf), 0);
	assert_hex(buf, "df4fb48a5c3414fa340a1553efae8431");
	assert_int_equal(rv_cbc_block_len(RV_CBC_3DES), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2409_sha1),
		cmocka_unit_test(test_rfc2409_sha256),
		cmocka_unit_test(test_ivs),
		cmocka_unit_test(test_natd),
		cmocka_unit_test(test_dh_agreement),
		cmocka_unit_test(test_cbc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
