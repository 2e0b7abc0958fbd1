/*
 * "No allocation and no lock per packet" (esp.h, crypto/keyed.h), measured.
 * libcrypto's allocator is replaced by one that counts, and the pthread
 * lock calls are interposed and counted. After keying, 1000 packets through
 * each per-packet call of keyed.c must leave both counts unchanged: HMAC-MD5,
 * SHA1 and SHA256 (compute, verify, a forged ICV), AES-CBC and 3DES-CBC both
 * ways, AES-GCM seal, open and a forged tag. Then whole packets through
 * esp_seal/esp_open: no allocation either, and locks only where the CBC IV
 * pool refills from RAND_bytes(), once per 256 or 512 packets.
 *
 * CRYPTO_set_mem_functions() only works before libcrypto's first
 * allocation, hence a test program of its own whose main() calls it first.
 * Not counted: allocations outside libcrypto (keyed.c and esp/ make none
 * after creating a context; read them).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/crypto.h>

#include "crypto/keyed.h"
#include "esp/esp.h"

#define PACKETS 1000
#define BODY_LEN 1408 /* a multiple of every block size, about one L2TP packet */

struct counts {
	size_t allocations, locks;
};

static struct counts counted;

static void *counting_malloc(size_t num, const char *file, int line)
{
	counted.allocations++;
	return malloc(num);
}

static void *counting_realloc(void *p, size_t num, const char *file, int line)
{
	counted.allocations++;
	return realloc(p, num);
}

static void plain_free(void *p, const char *file, int line)
{
	free(p);
}

/*
 * libcrypto calls these through the dynamic linker, which finds the
 * executable's definitions first; each counts and calls the real one.
 */
#define COUNTING_LOCK(fn, lock_type)                                                    \
	int fn(lock_type *lock)                                                         \
	{                                                                               \
		static int (*real)(lock_type *);                                        \
                                                                                        \
		if (!real)                                                              \
			real = (int (*)(lock_type *))dlsym(RTLD_NEXT, #fn);             \
		counted.locks++;                                                        \
		return real(lock);                                                      \
	}

COUNTING_LOCK(pthread_mutex_lock, pthread_mutex_t)
COUNTING_LOCK(pthread_rwlock_rdlock, pthread_rwlock_t)
COUNTING_LOCK(pthread_rwlock_wrlock, pthread_rwlock_t)

static const uint8_t key[36] = "noalloc-test-key-0123456789abcdefgh";
static uint8_t buf[BODY_LEN];

/* What `packet` did, run PACKETS times. */
static struct counts counts_in(void (*packet)(void *ctx), void *ctx)
{
	struct counts before = counted;

	for (int i = 0; i < PACKETS; i++)
		packet(ctx);
	return (struct counts){ counted.allocations - before.allocations,
				counted.locks - before.locks };
}

/* Called after freeing the contexts, so that a failure does not also report leaks. */
static void expect_at_most(const char *what, struct counts got, size_t max_locks)
{
	if (got.allocations || got.locks > max_locks)
		fail_msg("%s: %zu libcrypto allocations and %zu locks in %d packets", what,
			 got.allocations, got.locks, PACKETS);
}

static void expect_none(const char *what, struct counts got)
{
	expect_at_most(what, got, 0);
}

/* Keying allocates and locks (the algorithm fetch): if it did not count, nothing would. */
static void test_counters_see_keying(void **state)
{
	struct counts before = counted;
	struct rv_cipher *c = rv_cipher_new(RV_CIPHER_AES_GCM, key, 16, true);

	assert_non_null(c);
	assert_true(counted.allocations > before.allocations);
	assert_true(counted.locks > before.locks);
	rv_cipher_free(c);
}

static void mac_packet(void *m)
{
	struct rv_iov iov[2] = { { buf, 8 }, { buf + 8, BODY_LEN - 8 } };
	uint8_t icv[16], forged[16] = { 0 };

	assert_int_equal(rv_mac_v(m, iov, 2, icv, sizeof(icv)), 0);
	assert_int_equal(rv_mac_verify_v(m, iov, 2, icv, sizeof(icv)), 0);
	assert_int_equal(rv_mac_verify_v(m, iov, 2, forged, sizeof(forged)), -EBADMSG);
}

static void check_mac(enum rv_hash_alg alg, const char *what)
{
	struct rv_mac *m = rv_mac_new(alg, key, 20);

	struct counts got;

	assert_non_null(m);
	got = counts_in(mac_packet, m);
	rv_mac_free(m);
	expect_none(what, got);
}

static void test_hmac_md5(void **state)
{
	check_mac(RV_HASH_MD5, "HMAC-MD5");
}

static void test_hmac_sha1(void **state)
{
	check_mac(RV_HASH_SHA1, "HMAC-SHA1");
}

static void test_hmac_sha256(void **state)
{
	check_mac(RV_HASH_SHA256, "HMAC-SHA256");
}

struct cipher_pair {
	struct rv_cipher *enc, *dec;
};

static struct cipher_pair cipher_pair_new(enum rv_cipher_alg alg, size_t key_len)
{
	struct cipher_pair p = { rv_cipher_new(alg, key, key_len, true),
				 rv_cipher_new(alg, key, key_len, false) };

	assert_non_null(p.enc);
	assert_non_null(p.dec);
	return p;
}

static void cipher_pair_free(struct cipher_pair *p)
{
	rv_cipher_free(p->enc);
	rv_cipher_free(p->dec);
}

static void cbc_packet(void *ctx)
{
	struct cipher_pair *p = ctx;
	const uint8_t iv[16] = "noalloc-test-iv";

	assert_int_equal(rv_cipher_cbc(p->enc, iv, buf, BODY_LEN), 0);
	assert_int_equal(rv_cipher_cbc(p->dec, iv, buf, BODY_LEN), 0);
}

static void check_cbc(enum rv_cipher_alg alg, size_t key_len, const char *what)
{
	struct cipher_pair p = cipher_pair_new(alg, key_len);
	struct counts got = counts_in(cbc_packet, &p);

	cipher_pair_free(&p);
	expect_none(what, got);
}

static void test_aes_cbc(void **state)
{
	check_cbc(RV_CIPHER_AES_CBC, 16, "AES-128-CBC");
	check_cbc(RV_CIPHER_AES_CBC, 32, "AES-256-CBC");
}

static void test_3des_cbc(void **state)
{
	check_cbc(RV_CIPHER_3DES_CBC, 24, "3DES-CBC");
}

static void gcm_packet(void *ctx)
{
	struct cipher_pair *p = ctx;
	const uint8_t nonce[RV_GCM_NONCE_LEN] = "noalloc-gcm", aad[8] = "spi+seq";
	uint8_t tag[RV_GCM_TAG_LEN], forged[RV_GCM_TAG_LEN] = { 0 };

	assert_int_equal(rv_cipher_gcm_seal(p->enc, nonce, aad, 8, buf, BODY_LEN, tag, 16), 0);
	assert_int_equal(rv_cipher_gcm_open(p->dec, nonce, aad, 8, buf, BODY_LEN, tag, 16), 0);
	assert_int_equal(rv_cipher_gcm_open(p->dec, nonce, aad, 8, buf, BODY_LEN, forged, 16),
			 -EBADMSG);
}

static void test_aes_gcm(void **state)
{
	struct cipher_pair p = cipher_pair_new(RV_CIPHER_AES_GCM, 16);
	struct counts got = counts_in(gcm_packet, &p);

	cipher_pair_free(&p);
	expect_none("AES-128-GCM", got);
}

struct sa_pair {
	struct esp_sa *out, *in;
	struct pkt_buf buf;
};

/* One packet out through seal and back in through open, checked. */
static void esp_packet(void *ctx)
{
	struct sa_pair *sas = ctx;
	struct pkt *p = pkt_buf_reset(&sas->buf);
	uint8_t next_header = 0;

	memset(pkt_put(p, BODY_LEN), 0x42, BODY_LEN);
	assert_int_equal(esp_seal(sas->out, p, ESP_NEXT_HEADER_UDP), 0);
	assert_int_equal(esp_open(sas->in, p, &next_header), 0);
	assert_int_equal(next_header, ESP_NEXT_HEADER_UDP);
	assert_int_equal(p->len, BODY_LEN);
}

static void check_esp(enum esp_cipher cipher, size_t enc_key_len, enum esp_integ integ,
		      size_t integ_key_len, size_t max_locks, const char *what)
{
	const struct esp_sa_params prm = { 0x5a5a0001, cipher, key, enc_key_len, integ,
					   integ_key_len ? key : NULL, integ_key_len };
	struct sa_pair sas = { esp_sa_new_outbound(&prm), esp_sa_new_inbound(&prm) };
	struct counts got;

	assert_non_null(sas.out);
	assert_non_null(sas.in);
	got = counts_in(esp_packet, &sas);
	esp_sa_free(sas.out);
	esp_sa_free(sas.in);
	expect_at_most(what, got, max_locks);
}

/*
 * CBC's random IVs come from a per-SA pool refilled by RAND_bytes(), which
 * takes a few uncontended read locks in OpenSSL 3.0 (5 today): once per 256
 * AES or 512 3DES packets. A lock per packet would be 1000 or more.
 */
#define CBC_MAX_LOCKS (PACKETS / 20)

static void test_esp_packets(void **state)
{
	uint8_t seed[16];

	/* The random generator's one-time setup (per process and thread) is not per packet. */
	assert_int_equal(rv_random_bytes(seed, sizeof(seed)), 0);

	check_esp(ESP_CIPHER_AES_GCM16, 20, ESP_INTEG_NONE, 0, 0, "ESP AES-128-GCM");
	check_esp(ESP_CIPHER_AES_CBC, 32, ESP_INTEG_HMAC_SHA1_96, 20, CBC_MAX_LOCKS,
		  "ESP AES-256-CBC SHA1");
	check_esp(ESP_CIPHER_AES_CBC, 16, ESP_INTEG_HMAC_SHA256_128, 32, CBC_MAX_LOCKS,
		  "ESP AES-128-CBC SHA256");
	check_esp(ESP_CIPHER_3DES_CBC, 24, ESP_INTEG_HMAC_MD5_96, 16, CBC_MAX_LOCKS,
		  "ESP 3DES-CBC MD5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_see_keying),
		cmocka_unit_test(test_hmac_md5),
		cmocka_unit_test(test_hmac_sha1),
		cmocka_unit_test(test_hmac_sha256),
		cmocka_unit_test(test_aes_cbc),
		cmocka_unit_test(test_3des_cbc),
		cmocka_unit_test(test_aes_gcm),
		cmocka_unit_test(test_esp_packets),
	};

	/* Before anything else touches libcrypto, or the counter sees nothing. */
	if (!CRYPTO_set_mem_functions(counting_malloc, counting_realloc, plain_free)) {
		fprintf(stderr, "libcrypto allocated before main(): cannot count\n");
		return 1;
	}

	return cmocka_run_group_tests(tests, NULL, NULL);
}
