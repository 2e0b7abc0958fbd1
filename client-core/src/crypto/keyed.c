/*
 * Keyed-once cipher and MAC contexts for ESP (RFC 3602 AES-CBC, RFC 2451
 * 3DES-CBC, RFC 4106 AES-GCM, RFC 2404/4868 HMAC); see keyed.h.
 *
 * OpenSSL 3 details this relies on: EVP_CipherInit_ex2() with a NULL key
 * and a non-NULL IV only loads the IV (no key schedule) and resets GCM's
 * tag state, without allocating. EVP_MAC_init() with a NULL key restarts
 * HMAC from the inner/outer pad states saved at keying time. OpenSSL 3.0
 * restores those by duplicating a digest context, i.e. two small mallocs
 * per MAC inside libcrypto (small blocks from glibc's per-thread cache).
 * The non-deprecated alternatives (re-initialising or copying an
 * EVP_MD_CTX) allocate too in 3.0; avoiding it entirely would take the
 * deprecated SHA1_Init()-style API, which is not worth ~4% of a packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "keyed.h"

struct rv_cipher {
	EVP_CIPHER_CTX *ctx;
	enum rv_cipher_alg alg;
};

struct rv_mac {
	EVP_MAC_CTX *ctx;
	size_t len; /* untruncated digest length */
};

static const char *cipher_name(enum rv_cipher_alg alg, size_t key_len)
{
	switch (alg) {
	case RV_CIPHER_AES_CBC:
		return key_len == 16 ? "AES-128-CBC" : key_len == 24 ? "AES-192-CBC" :
		       key_len == 32 ? "AES-256-CBC" : NULL;
	case RV_CIPHER_3DES_CBC:
		return key_len == 24 ? "DES-EDE3-CBC" : NULL;
	case RV_CIPHER_AES_GCM:
		return key_len == 16 ? "AES-128-GCM" : key_len == 24 ? "AES-192-GCM" :
		       key_len == 32 ? "AES-256-GCM" : NULL;
	}

	return NULL;
}

size_t rv_cipher_block_len(enum rv_cipher_alg alg)
{
	switch (alg) {
	case RV_CIPHER_AES_CBC:
	case RV_CIPHER_AES_GCM:
		return 16;
	case RV_CIPHER_3DES_CBC:
		return 8;
	}

	return 0;
}

struct rv_cipher *rv_cipher_new(enum rv_cipher_alg alg, const uint8_t *key, size_t key_len,
				bool is_encrypt)
{
	const char *name = cipher_name(alg, key_len);
	struct rv_cipher *c;
	EVP_CIPHER *cipher;
	int ok;

	if (!name || rv_crypto_init() < 0)
		return NULL;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;

	c->alg = alg;
	cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	c->ctx = EVP_CIPHER_CTX_new();
	ok = cipher && c->ctx && EVP_CipherInit_ex2(c->ctx, cipher, key, NULL, is_encrypt, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c->ctx, 0);
	EVP_CIPHER_free(cipher);
	if (!ok) {
		rv_cipher_free(c);
		return NULL;
	}

	return c;
}

void rv_cipher_free(struct rv_cipher *c)
{
	if (!c)
		return;

	/* Frees the provider context, which cleanses the key schedule. */
	EVP_CIPHER_CTX_free(c->ctx);
	free(c);
}

int rv_cipher_cbc(struct rv_cipher *c, const uint8_t *iv, uint8_t *buf, size_t len)
{
	int out_len = 0;

	if (c->alg == RV_CIPHER_AES_GCM || len % rv_cipher_block_len(c->alg) || len > INT32_MAX)
		return -EINVAL;

	if (!EVP_CipherInit_ex2(c->ctx, NULL, NULL, iv, -1, NULL) ||
	    !EVP_CipherUpdate(c->ctx, buf, &out_len, buf, (int)len) || (size_t)out_len != len)
		return -EIO;

	return 0;
}

/* Nonce, AAD and body; shared by seal and open. */
static int gcm_run(struct rv_cipher *c, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		   uint8_t *buf, size_t len)
{
	int out_len = 0;

	if (c->alg != RV_CIPHER_AES_GCM || len > INT32_MAX || aad_len > INT32_MAX)
		return -EINVAL;

	if (!EVP_CipherInit_ex2(c->ctx, NULL, NULL, nonce, -1, NULL) ||
	    (aad_len && !EVP_CipherUpdate(c->ctx, NULL, &out_len, aad, (int)aad_len)) ||
	    !EVP_CipherUpdate(c->ctx, buf, &out_len, buf, (int)len) || (size_t)out_len != len)
		return -EIO;

	return 0;
}

int rv_cipher_gcm_seal(struct rv_cipher *c, const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag, size_t tag_len)
{
	uint8_t full[RV_GCM_TAG_LEN];
	int out_len = 0;
	int r;

	if (tag_len > RV_GCM_TAG_LEN)
		return -EINVAL;

	r = gcm_run(c, nonce, aad, aad_len, buf, len);
	if (r < 0)
		return r;

	if (!EVP_CipherFinal_ex(c->ctx, buf + len, &out_len) ||
	    !EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_GET_TAG, RV_GCM_TAG_LEN, full))
		return -EIO;

	memcpy(tag, full, tag_len);
	return 0;
}

int rv_cipher_gcm_open(struct rv_cipher *c, const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag,
		       size_t tag_len)
{
	int out_len = 0;
	int r;

	if (tag_len > RV_GCM_TAG_LEN || tag_len < 8)
		return -EINVAL;

	r = gcm_run(c, nonce, aad, aad_len, buf, len);
	if (r < 0)
		return r;

	if (!EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, (void *)tag))
		return -EIO;

	/* Final compares the tag in constant time; 0 here means forged or corrupted. */
	if (!EVP_CipherFinal_ex(c->ctx, buf + len, &out_len)) {
		rv_wipe(buf, len);
		return -EBADMSG;
	}

	return 0;
}

/* MD4 is for MS-CHAP only: never a data-path MAC. */
static const char *mac_digest_name(enum rv_hash_alg alg)
{
	return alg == RV_HASH_MD4 ? NULL : rv_hash_ossl_name(alg);
}

struct rv_mac *rv_mac_new(enum rv_hash_alg alg, const uint8_t *key, size_t key_len)
{
	const char *digest = mac_digest_name(alg);
	OSSL_PARAM params[2];
	struct rv_mac *m;
	EVP_MAC *mac;
	int ok;

	if (!digest || rv_crypto_init() < 0)
		return NULL;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;

	m->len = rv_hash_len(alg);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ok = mac && (m->ctx = EVP_MAC_CTX_new(mac)) && EVP_MAC_init(m->ctx, key, key_len, params);
	EVP_MAC_free(mac);
	if (!ok) {
		rv_mac_free(m);
		return NULL;
	}

	return m;
}

void rv_mac_free(struct rv_mac *m)
{
	if (!m)
		return;

	/* Cleanses the saved key and pads. */
	EVP_MAC_CTX_free(m->ctx);
	free(m);
}

int rv_mac_v(struct rv_mac *m, const struct rv_iov *iov, size_t n, uint8_t *out, size_t out_len)
{
	uint8_t full[RV_HASH_MAX_LEN];
	size_t full_len = 0;
	int ok;

	if (out_len > m->len)
		return -EINVAL;

	/* A NULL key restarts from the saved inner/outer pad states: no re-keying. */
	ok = EVP_MAC_init(m->ctx, NULL, 0, NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(m->ctx, iov[i].data, iov[i].len);
	ok = ok && EVP_MAC_final(m->ctx, full, &full_len, sizeof(full)) && full_len == m->len;
	if (!ok)
		return -EIO;

	memcpy(out, full, out_len);
	return 0;
}

int rv_mac_verify_v(struct rv_mac *m, const struct rv_iov *iov, size_t n, const uint8_t *icv,
		    size_t icv_len)
{
	uint8_t calc[RV_HASH_MAX_LEN];
	int r;

	if (!icv_len)
		return -EINVAL;

	r = rv_mac_v(m, iov, n, calc, icv_len);
	if (r < 0)
		return r;

	return rv_memeq(calc, icv, icv_len) ? 0 : -EBADMSG;
}
