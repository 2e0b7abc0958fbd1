#pragma once
/*
 * Thin wrappers over OpenSSL 3 EVP. Nothing else in roadvpn calls OpenSSL.
 * MD4 and single DES (MS-CHAPv2 only) live in OpenSSL's legacy provider;
 * it is loaded into a private library context so the process-wide default
 * context never enables legacy algorithms.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rv_hash_alg {
	RV_HASH_MD4,
	RV_HASH_MD5,
	RV_HASH_SHA1,
	RV_HASH_SHA256,
	RV_HASH_SHA384,
	RV_HASH_SHA512,
};

#define RV_HASH_MAX_LEN 64

struct rv_iov {
	const void *data;
	size_t len;
};

/*
 * Initialise OpenSSL once; 0 or -EIO. The legacy context is loaded on the
 * first MD4 or DES use (a warning is logged once if that fails).
 */
int rv_crypto_init(void);

size_t rv_hash_len(enum rv_hash_alg alg);
/* OpenSSL's name of the digest ("SHA2-256"), for the EVP fetches in crypto/. */
const char *rv_hash_ossl_name(enum rv_hash_alg alg);
/* Hash the concatenation of iov[0..n); out must hold rv_hash_len(alg). 0 or -EIO. */
int rv_hash_v(enum rv_hash_alg alg, const struct rv_iov *iov, size_t n, uint8_t *out);
int rv_hash(enum rv_hash_alg alg, const void *data, size_t len, uint8_t *out);
/* HMAC over the concatenation of iov[0..n); out holds rv_hash_len(alg). */
int rv_hmac_v(enum rv_hash_alg alg, const void *key, size_t key_len, const struct rv_iov *iov,
	      size_t n, uint8_t *out);

/* Single-DES ECB of one block with an 8-byte key (parity bits ignored). */
int rv_des_ecb_encrypt(const uint8_t key[8], const uint8_t in[8], uint8_t out[8]);

/* Cryptographically strong random bytes; 0 or -EIO. */
int rv_random_bytes(void *buf, size_t len);
uint32_t rv_random_u32(void);

/* Constant-time comparison; true when equal. */
bool rv_memeq(const void *a, const void *b, size_t len);
void rv_wipe(void *p, size_t len);
