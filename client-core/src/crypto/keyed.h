#pragma once
/*
 * Cipher and MAC contexts keyed once, for the ESP data path. Creating one
 * runs the key schedule (AES round keys, HMAC inner/outer pads); each packet
 * afterwards only sets an IV or re-initialises from the saved pads, with no
 * allocation and no lock. One context serves one direction of one SA and is
 * not shared between threads.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

enum rv_cipher_alg {
	RV_CIPHER_AES_CBC,  /* RFC 3602; 16, 24 or 32-byte key */
	RV_CIPHER_3DES_CBC, /* RFC 2451; 24-byte key */
	RV_CIPHER_AES_GCM,  /* RFC 4106 core; 16, 24 or 32-byte key (no salt here) */
};

#define RV_GCM_NONCE_LEN 12
#define RV_GCM_TAG_LEN 16

struct rv_cipher;
struct rv_mac;

/* NULL on a key length the algorithm does not take, or out of memory. */
struct rv_cipher *rv_cipher_new(enum rv_cipher_alg alg, const uint8_t *key, size_t key_len,
				bool is_encrypt);
/* NULL-safe; the key schedule is cleansed. */
void rv_cipher_free(struct rv_cipher *c);
/* 16 for AES, 8 for 3DES. */
size_t rv_cipher_block_len(enum rv_cipher_alg alg);

/* CBC in place without padding; len must be a multiple of the block. 0, -EINVAL or -EIO. */
int rv_cipher_cbc(struct rv_cipher *c, const uint8_t *iv, uint8_t *buf, size_t len);
/* GCM encrypt in place with a 12-byte nonce; writes tag_len (<= 16) tag bytes. 0 or -EIO. */
int rv_cipher_gcm_seal(struct rv_cipher *c, const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag, size_t tag_len);
/*
 * GCM decrypt in place and check the tag. -EBADMSG on a wrong tag: the
 * buffer then holds unauthenticated bytes and is zeroed before returning.
 */
int rv_cipher_gcm_open(struct rv_cipher *c, const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag,
		       size_t tag_len);

/* HMAC keyed once; alg is MD5, SHA1 or SHA2. NULL on failure. */
struct rv_mac *rv_mac_new(enum rv_hash_alg alg, const uint8_t *key, size_t key_len);
void rv_mac_free(struct rv_mac *m);
/* HMAC over iov[0..n), truncated to out_len (<= the digest length). 0, -EINVAL or -EIO. */
int rv_mac_v(struct rv_mac *m, const struct rv_iov *iov, size_t n, uint8_t *out, size_t out_len);
/* Compute and compare in constant time: 0, -EBADMSG on mismatch, -EIO. */
int rv_mac_verify_v(struct rv_mac *m, const struct rv_iov *iov, size_t n, const uint8_t *icv,
		    size_t icv_len);
