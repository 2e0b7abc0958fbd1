/*
 * The keyed-once cipher and MAC layer (crypto/keyed.h) against published
 * vectors: RFC 3602 section 4 cases 1-3 (AES-CBC), NIST SP 800-67 appendix B
 * (TDEA; one block with a zero IV is ECB), the McGrew-Viega GCM spec test
 * cases 3, 4 and 16 (96-bit IV), RFC 2202 and RFC 4231 (HMAC, truncated as
 * RFC 2403/2404/4868 use them, and in full with keys longer than a block),
 * and HMAC against OpenSSL's EVP_MAC at every key length around the block
 * size. Each context is used several times to show that per-call
 * re-initialisation keeps the key.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/keyed.h"
#include "esp-test-util.h"

struct cbc_vector {
	enum rv_cipher_alg alg;
	const char *key, *iv, *pt, *ct;
};

static const struct cbc_vector cbc_vectors[] = {
	/* RFC 3602 case 1: "Single block msg" */
	{ RV_CIPHER_AES_CBC, "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
	  "53696e676c6520626c6f636b206d7367", "e353779c1079aeb82708942dbe77181a" },
	/* RFC 3602 case 2 */
	{ RV_CIPHER_AES_CBC, "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	/* RFC 3602 case 3: "This is a 48-byte message (exactly 3 AES blocks)" */
	{ RV_CIPHER_AES_CBC, "6c3ea0477630ce21a2ce334aa746c2cd", "c782dc4c098c66cbd9cd27d825682c81",
	  "5468697320697320612034382d62797465206d657373616765202865"
	  "786163746c7920332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba2684" },
	/* SP 800-67 appendix B, block 1 ("The qufc"), zero IV */
	{ RV_CIPHER_3DES_CBC, "0123456789abcdef23456789abcdef01456789abcdef0123", "0000000000000000",
	  "5468652071756663", "a826fd8ce53b855f" },
	/* block 2 ("k brown ") */
	{ RV_CIPHER_3DES_CBC, "0123456789abcdef23456789abcdef01456789abcdef0123", "0000000000000000",
	  "6b2062726f776e20", "cce21c8112256fe6" },
};

static void run_cbc(const struct cbc_vector *v, bool is_encrypt)
{
	uint8_t key[32], iv[16], pt[64], ct[64], buf[64];
	size_t key_len = unhex(v->key, key, sizeof(key));
	size_t len = unhex(v->pt, pt, sizeof(pt));
	struct rv_cipher *c = rv_cipher_new(v->alg, key, key_len, is_encrypt);

	assert_non_null(c);
	unhex(v->iv, iv, sizeof(iv));
	assert_int_equal(unhex(v->ct, ct, sizeof(ct)), len);
	for (int round = 0; round < 3; round++) {
		memcpy(buf, is_encrypt ? pt : ct, len);
		assert_int_equal(rv_cipher_cbc(c, iv, buf, len), 0);
		assert_memory_equal(buf, is_encrypt ? ct : pt, len);
	}

	rv_cipher_free(c);
}

static void test_cbc_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(cbc_vectors) / sizeof(cbc_vectors[0]); i++) {
		run_cbc(&cbc_vectors[i], true);
		run_cbc(&cbc_vectors[i], false);
	}
}

static void test_cbc_rejects_partial_block_and_bad_key(void **state)
{
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[32] = { 0 };
	struct rv_cipher *c = rv_cipher_new(RV_CIPHER_AES_CBC, key, 16, true);

	assert_int_equal(rv_cipher_cbc(c, iv, buf, 15), -EINVAL);
	assert_int_equal(rv_cipher_cbc(c, iv, buf, 17), -EINVAL);
	assert_int_equal(rv_cipher_cbc(c, iv, buf, 0), 0);
	rv_cipher_free(c);

	assert_null(rv_cipher_new(RV_CIPHER_AES_CBC, key, 20, true));
	assert_null(rv_cipher_new(RV_CIPHER_3DES_CBC, key, 16, true));
	assert_null(rv_cipher_new(RV_CIPHER_AES_GCM, key, 20, true));
	rv_cipher_free(NULL);
}

struct gcm_vector {
	const char *key, *iv, *aad, *pt, *ct, *tag;
};

#define GCM_P60 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"

static const struct gcm_vector gcm_vectors[] = {
	/* McGrew-Viega test case 3 */
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
	  GCM_P60 "1aafd255",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	/* test case 4: with AAD, 60-byte plaintext */
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", GCM_AAD, GCM_P60,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	/* test case 16: AES-256 */
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", GCM_AAD, GCM_P60,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void run_gcm(const struct gcm_vector *v)
{
	uint8_t key[32], iv[12], aad[32], pt[64], ct[64], tag[16], buf[64], out_tag[16];
	size_t key_len = unhex(v->key, key, sizeof(key));
	size_t aad_len = unhex(v->aad, aad, sizeof(aad));
	size_t len = unhex(v->pt, pt, sizeof(pt));
	struct rv_cipher *enc = rv_cipher_new(RV_CIPHER_AES_GCM, key, key_len, true);
	struct rv_cipher *dec = rv_cipher_new(RV_CIPHER_AES_GCM, key, key_len, false);

	assert_non_null(enc);
	assert_non_null(dec);
	assert_int_equal(unhex(v->iv, iv, sizeof(iv)), 12);
	assert_int_equal(unhex(v->ct, ct, sizeof(ct)), len);
	unhex(v->tag, tag, sizeof(tag));
	for (int round = 0; round < 3; round++) {
		memcpy(buf, pt, len);
		assert_int_equal(rv_cipher_gcm_seal(enc, iv, aad, aad_len, buf, len, out_tag, 16), 0);
		assert_memory_equal(buf, ct, len);
		assert_memory_equal(out_tag, tag, 16);
		assert_int_equal(rv_cipher_gcm_open(dec, iv, aad, aad_len, buf, len, tag, 16), 0);
		assert_memory_equal(buf, pt, len);
	}

	/* A flipped tag bit fails, and the unauthenticated plaintext is not left behind. */
	tag[15] ^= 1;
	memcpy(buf, ct, len);
	assert_int_equal(rv_cipher_gcm_open(dec, iv, aad, aad_len, buf, len, tag, 16), -EBADMSG);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(buf[i], 0);
	/* And the context still works afterwards. */
	tag[15] ^= 1;
	memcpy(buf, ct, len);
	assert_int_equal(rv_cipher_gcm_open(dec, iv, aad, aad_len, buf, len, tag, 16), 0);

	rv_cipher_free(enc);
	rv_cipher_free(dec);
}

static void test_gcm_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); i++)
		run_gcm(&gcm_vectors[i]);
}

struct mac_vector {
	enum rv_hash_alg alg;
	const char *key, *data, *mac; /* mac already truncated to what ESP sends */
};

static const struct mac_vector mac_vectors[] = {
	/* RFC 2202 test case 1 and 2, HMAC-MD5 truncated to 96 bits (RFC 2403) */
	{ RV_HASH_MD5, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "9294727a3638bb1c13f48ef8" },
	{ RV_HASH_MD5, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "750c783e6ab0b503eaa86e31" },
	/* RFC 2202 test cases 1 and 2, HMAC-SHA1-96 (RFC 2404) */
	{ RV_HASH_SHA1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "b617318655057264e28bc0b6" },
	{ RV_HASH_SHA1, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "effcdf6ae5eb2fa2d27416d5" },
	/* RFC 4231 test cases 1 and 2, HMAC-SHA-256-128 (RFC 4868) */
	{ RV_HASH_SHA256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b" },
	{ RV_HASH_SHA256, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c7" },
	/* RFC 4231 test case 5: the truncation case itself ("Test With Truncation") */
	{ RV_HASH_SHA256, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	  "546573742057697468205472756e636174696f6e", "a3b6167473100ee06e0c796c2955552b" },
};

/*
 * The MAC of data, computed and verified three times on one context with
 * the data split across two iovs, then a flipped bit and an over-long
 * output length rejected.
 */
static void check_mac(enum rv_hash_alg alg, const uint8_t *key, size_t key_len,
		      const uint8_t *data, size_t data_len, const uint8_t *want, size_t mac_len)
{
	struct rv_mac *m = rv_mac_new(alg, key, key_len);
	size_t cut = data_len < 3 ? data_len : 3;
	struct rv_iov split[2] = { { data, cut }, { data + cut, data_len - cut } };
	uint8_t out[RV_HASH_MAX_LEN], bad[RV_HASH_MAX_LEN];

	assert_non_null(m);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(rv_mac_v(m, split, 2, out, mac_len), 0);
		assert_memory_equal(out, want, mac_len);
		assert_int_equal(rv_mac_verify_v(m, split, 2, want, mac_len), 0);
	}

	memcpy(bad, want, mac_len);
	bad[mac_len - 1] ^= 0x80;
	assert_int_equal(rv_mac_verify_v(m, split, 2, bad, mac_len), -EBADMSG);
	assert_int_equal(rv_mac_v(m, split, 2, out, rv_hash_len(alg) + 1), -EINVAL);
	rv_mac_free(m);
}

static void run_mac(const struct mac_vector *v)
{
	uint8_t key[32], data[64], want[32];
	size_t key_len = unhex(v->key, key, sizeof(key));
	size_t data_len = unhex(v->data, data, sizeof(data));
	size_t mac_len = unhex(v->mac, want, sizeof(want));

	check_mac(v->alg, key, key_len, data, data_len, want, mac_len);
}

static void test_hmac_truncated_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(mac_vectors) / sizeof(mac_vectors[0]); i++)
		run_mac(&mac_vectors[i]);

	assert_null(rv_mac_new(RV_HASH_MD4, (const uint8_t *)"k", 1));
	rv_mac_free(NULL);
}

/* Keys longer than the hash block, which RFC 2104 hashes first; all 0xaa in both RFCs. */
struct long_key_vector {
	enum rv_hash_alg alg;
	size_t key_len;
	const char *text, *mac; /* full, untruncated MAC */
};

#define RFC2202_TEXT6 "Test Using Larger Than Block-Size Key - Hash Key First"
#define RFC2202_TEXT7 "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"
#define RFC4231_TEXT7 "This is a test using a larger than block-size key and a larger than " \
		      "block-size data. The key needs to be hashed before being used by the " \
		      "HMAC algorithm."

static const struct long_key_vector long_key_vectors[] = {
	/* RFC 2202 test cases 6 and 7: 80-byte key, 64-byte block */
	{ RV_HASH_MD5, 80, RFC2202_TEXT6, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" },
	{ RV_HASH_MD5, 80, RFC2202_TEXT7, "6f630fad67cda0ee1fb1f562db3aa53e" },
	{ RV_HASH_SHA1, 80, RFC2202_TEXT6, "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ RV_HASH_SHA1, 80, RFC2202_TEXT7, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	/* RFC 4231 test cases 6 and 7: 131-byte key (SHA-384/512 have a 128-byte block) */
	{ RV_HASH_SHA256, 131, RFC2202_TEXT6,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ RV_HASH_SHA256, 131, RFC4231_TEXT7,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	{ RV_HASH_SHA384, 131, RFC2202_TEXT6,
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952" },
	{ RV_HASH_SHA512, 131, RFC4231_TEXT7,
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

static void test_hmac_long_key_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(long_key_vectors) / sizeof(long_key_vectors[0]); i++) {
		const struct long_key_vector *v = &long_key_vectors[i];
		uint8_t key[131], want[RV_HASH_MAX_LEN];
		size_t mac_len = unhex(v->mac, want, sizeof(want));

		assert_int_equal(mac_len, rv_hash_len(v->alg));
		memset(key, 0xaa, v->key_len);
		check_mac(v->alg, key, v->key_len, (const uint8_t *)v->text, strlen(v->text),
			  want, mac_len);
	}
}

/* rv_mac against rv_hmac_v, which is OpenSSL's EVP_MAC HMAC. */
static void check_against_evp(enum rv_hash_alg alg, const uint8_t *key, size_t key_len,
			      const uint8_t *data, size_t data_len)
{
	struct rv_iov iov = { data, data_len };
	uint8_t want[RV_HASH_MAX_LEN];

	assert_int_equal(rv_hmac_v(alg, key, key_len, &iov, 1, want), 0);
	check_mac(alg, key, key_len, data, data_len, want, rv_hash_len(alg));
}

/*
 * Against OpenSSL's own HMAC (rv_hmac_v, EVP_MAC) for every key length up
 * to twice the largest block: both sides of the hash-the-key boundary, for
 * each digest, with an empty message, one under a block and one over two.
 */
static void test_hmac_matches_evp_at_every_key_length(void **state)
{
	static const enum rv_hash_alg algs[] = { RV_HASH_MD5, RV_HASH_SHA1, RV_HASH_SHA256,
						 RV_HASH_SHA384, RV_HASH_SHA512 };
	static const size_t data_lens[] = { 0, 55, 300 };
	uint8_t key[2 * 128 + 1], data[300];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);

	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++)
		for (size_t key_len = 0; key_len <= sizeof(key); key_len++)
			for (size_t d = 0; d < sizeof(data_lens) / sizeof(data_lens[0]); d++)
				check_against_evp(algs[a], key, key_len, data, data_lens[d]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbc_vectors),
		cmocka_unit_test(test_cbc_rejects_partial_block_and_bad_key),
		cmocka_unit_test(test_gcm_vectors),
		cmocka_unit_test(test_hmac_truncated_vectors),
		cmocka_unit_test(test_hmac_long_key_vectors),
		cmocka_unit_test(test_hmac_matches_evp_at_every_key_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
