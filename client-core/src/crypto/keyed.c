/*
 * Keyed-once cipher and MAC contexts for ESP (RFC 3602 AES-CBC, RFC 2451
 * 3DES-CBC, RFC 4106 AES-GCM, RFC 2404/4868 HMAC); see keyed.h. Nothing
 * here allocates or locks per packet; tests/unit/esp/test-esp-noalloc.c
 * counts libcrypto's allocations and the lock calls to keep it so.
 *
 * Ciphers: EVP_CipherInit_ex2() with a NULL cipher and key and a non-NULL
 * IV only loads the IV (no key schedule) and resets GCM's tag state.
 *
 * HMAC: the digest states after the key ^ ipad and key ^ opad blocks (RFC
 * 2104) are computed once; each packet starts from a struct copy of them.
 * EVP cannot do that before OpenSSL 3.5: restarting an EVP_MAC (init with a
 * NULL key) or copying an EVP_MD_CTX duplicates the provider's digest
 * context, two mallocs and frees per packet (3.5 added an in-place copy,
 * OSSL_FUNC_digest_copyctx). So this file, and only this one, uses the
 * MD5_Init()-style API, deprecated since 3.0 but in every 3.x. It is the
 * same code the default provider runs, minus the dispatch; it does not go
 * through providers, so a FIPS provider configuration does not cover it.
 */
/* Before any OpenSSL header: MD5_Init() & co. are deprecated, and used on purpose (above). */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#ifdef OPENSSL_NO_DEPRECATED_3_0
#error "keyed.c needs OpenSSL's low-level digest API (see the comment at the top)"
#endif

#include "keyed.h"

struct rv_cipher {
	EVP_CIPHER_CTX *ctx;
	enum rv_cipher_alg alg;
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

/*
 * The digests HMAC runs on, through the low-level API so that a saved state
 * is a plain struct a packet can copy. The adapters give each digest's own
 * context type one signature over the union.
 */
union hash_state {
	MD5_CTX md5;
	SHA_CTX sha1;
	SHA256_CTX sha256;
	SHA512_CTX sha512; /* SHA-384 too */
};

struct hash_ops {
	size_t block_len, digest_len;
	int (*init)(union hash_state *s);
	int (*update)(union hash_state *s, const void *data, size_t len);
	int (*final)(uint8_t *out, union hash_state *s);
};

#define HASH_OPS(name, NAME, member, block_len, digest_len)                                    \
	static int name##_init(union hash_state *s) { return NAME##_Init(&s->member); }         \
	static int name##_update(union hash_state *s, const void *data, size_t len)             \
	{                                                                                       \
		return NAME##_Update(&s->member, data, len);                                    \
	}                                                                                       \
	static int name##_final(uint8_t *out, union hash_state *s)                              \
	{                                                                                       \
		return NAME##_Final(out, &s->member);                                           \
	}                                                                                       \
	static const struct hash_ops name##_ops = { block_len, digest_len, name##_init,         \
						    name##_update, name##_final }

HASH_OPS(md5, MD5, md5, MD5_CBLOCK, MD5_DIGEST_LENGTH);
HASH_OPS(sha1, SHA1, sha1, SHA_CBLOCK, SHA_DIGEST_LENGTH);
HASH_OPS(sha256, SHA256, sha256, SHA256_CBLOCK, SHA256_DIGEST_LENGTH);
HASH_OPS(sha384, SHA384, sha512, SHA512_CBLOCK, SHA384_DIGEST_LENGTH);
HASH_OPS(sha512, SHA512, sha512, SHA512_CBLOCK, SHA512_DIGEST_LENGTH);

#define HASH_MAX_BLOCK SHA512_CBLOCK

struct rv_mac {
	const struct hash_ops *hash;
	union hash_state inner; /* after absorbing key ^ ipad (RFC 2104) */
	union hash_state outer; /* after absorbing key ^ opad */
};

/* MD4 is for MS-CHAP only: never a data-path MAC. */
static const struct hash_ops *mac_hash(enum rv_hash_alg alg)
{
	switch (alg) {
	case RV_HASH_MD4:
		return NULL;
	case RV_HASH_MD5:
		return &md5_ops;
	case RV_HASH_SHA1:
		return &sha1_ops;
	case RV_HASH_SHA256:
		return &sha256_ops;
	case RV_HASH_SHA384:
		return &sha384_ops;
	case RV_HASH_SHA512:
		return &sha512_ops;
	}

	return NULL;
}

/* RFC 2104: a key longer than the block is hashed first; either way zero-padded to the block. */
static bool block_key(const struct hash_ops *h, const uint8_t *key, size_t key_len,
		      uint8_t out[HASH_MAX_BLOCK])
{
	union hash_state s;
	bool ok;

	memset(out, 0, HASH_MAX_BLOCK);
	if (key_len <= h->block_len) {
		if (key_len)
			memcpy(out, key, key_len);
		return true;
	}

	ok = h->init(&s) && h->update(&s, key, key_len) && h->final(out, &s);
	OPENSSL_cleanse(&s, sizeof(s));
	return ok;
}

/* Start s with one block of key ^ pad: the keyed state every MAC resumes from. */
static bool absorb_padded_key(const struct hash_ops *h, const uint8_t key[HASH_MAX_BLOCK],
			      uint8_t pad, union hash_state *s)
{
	uint8_t block[HASH_MAX_BLOCK];
	bool ok;

	for (size_t i = 0; i < h->block_len; i++)
		block[i] = key[i] ^ pad;
	ok = h->init(s) && h->update(s, block, h->block_len);
	OPENSSL_cleanse(block, sizeof(block));
	return ok;
}

struct rv_mac *rv_mac_new(enum rv_hash_alg alg, const uint8_t *key, size_t key_len)
{
	const struct hash_ops *h = mac_hash(alg);
	uint8_t padded[HASH_MAX_BLOCK];
	struct rv_mac *m;
	bool ok;

	if (!h)
		return NULL;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;

	m->hash = h;
	ok = block_key(h, key, key_len, padded) && absorb_padded_key(h, padded, 0x36, &m->inner) &&
	     absorb_padded_key(h, padded, 0x5c, &m->outer);
	OPENSSL_cleanse(padded, sizeof(padded));
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

	/* The saved states are as good as the key for forging MACs. */
	OPENSSL_cleanse(m, sizeof(*m));
	free(m);
}

int rv_mac_v(struct rv_mac *m, const struct rv_iov *iov, size_t n, uint8_t *out, size_t out_len)
{
	const struct hash_ops *h = m->hash;
	uint8_t digest[RV_HASH_MAX_LEN];
	union hash_state s;
	bool ok = true;

	if (out_len > h->digest_len)
		return -EINVAL;

	/* Resuming from the saved keyed states is a struct copy: no re-keying, no allocation. */
	s = m->inner;
	for (size_t i = 0; ok && i < n; i++)
		ok = h->update(&s, iov[i].data, iov[i].len);
	ok = ok && h->final(digest, &s);
	s = m->outer;
	ok = ok && h->update(&s, digest, h->digest_len) && h->final(digest, &s);
	if (ok)
		memcpy(out, digest, out_len);

	/* No untruncated MAC or inner hash left behind on the stack. */
	OPENSSL_cleanse(&s, sizeof(s));
	OPENSSL_cleanse(digest, sizeof(digest));
	return ok ? 0 : -EIO;
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
