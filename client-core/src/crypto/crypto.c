/* OpenSSL 3 EVP wrappers; see crypto.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/core_names.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "util/log.h"

static int init_result = -EIO;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *legacy_ctx;
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

/*
 * Nothing here prints OpenSSL's error queue, so its error strings (a table
 * of several hundred KiB of resident memory once loaded) are never needed.
 */
static void init_openssl(void)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL))
		init_result = 0;
}

int rv_crypto_init(void)
{
	pthread_once(&init_once, init_openssl);
	return init_result;
}

/* Only MS-CHAPv2 needs it: a process that never uses it never maps legacy.so. */
static void load_legacy(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (ctx && OSSL_PROVIDER_load(ctx, "default") && OSSL_PROVIDER_load(ctx, "legacy")) {
		legacy_ctx = ctx;
		return;
	}
	OSSL_LIB_CTX_free(ctx);
	rv_log_warning("crypto", "OpenSSL legacy provider unavailable: MS-CHAPv2 (MD4, DES) fails");
}

static OSSL_LIB_CTX *legacy(void)
{
	pthread_once(&legacy_once, load_legacy);
	return legacy_ctx;
}

const char *rv_hash_ossl_name(enum rv_hash_alg alg)
{
	switch (alg) {
	case RV_HASH_MD4:
		return "MD4";
	case RV_HASH_MD5:
		return "MD5";
	case RV_HASH_SHA1:
		return "SHA1";
	case RV_HASH_SHA256:
		return "SHA2-256";
	case RV_HASH_SHA384:
		return "SHA2-384";
	case RV_HASH_SHA512:
		return "SHA2-512";
	}

	return NULL;
}

size_t rv_hash_len(enum rv_hash_alg alg)
{
	switch (alg) {
	case RV_HASH_MD4:
	case RV_HASH_MD5:
		return 16;
	case RV_HASH_SHA1:
		return 20;
	case RV_HASH_SHA256:
		return 32;
	case RV_HASH_SHA384:
		return 48;
	case RV_HASH_SHA512:
		return 64;
	}

	return 0;
}

/* MD4 is legacy-only; everything else comes from the default context. */
static OSSL_LIB_CTX *ctx_for(enum rv_hash_alg alg)
{
	return alg == RV_HASH_MD4 ? legacy_ctx : NULL;
}

/* OpenSSL is initialised, and the legacy context loaded if alg needs it. */
static bool ready_for(enum rv_hash_alg alg)
{
	return rv_crypto_init() == 0 && (alg != RV_HASH_MD4 || legacy());
}

int rv_hash_v(enum rv_hash_alg alg, const struct rv_iov *iov, size_t n, uint8_t *out)
{
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	int ok;

	if (!ready_for(alg))
		return -EIO;

	md = EVP_MD_fetch(ctx_for(alg), rv_hash_ossl_name(alg), NULL);
	ctx = EVP_MD_CTX_new();
	ok = md && ctx && EVP_DigestInit_ex2(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, iov[i].data, iov[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);

	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return ok ? 0 : -EIO;
}

int rv_hash(enum rv_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
	struct rv_iov iov = { data, len };

	return rv_hash_v(alg, &iov, 1, out);
}

int rv_hmac_v(enum rv_hash_alg alg, const void *key, size_t key_len, const struct rv_iov *iov,
	      size_t n, uint8_t *out)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t out_len = 0;
	int ok;

	if (!ready_for(alg))
		return -EIO;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)rv_hash_ossl_name(alg), 0);
	params[1] = OSSL_PARAM_construct_end();

	mac = EVP_MAC_fetch(ctx_for(alg), "HMAC", NULL);
	ok = mac && (ctx = EVP_MAC_CTX_new(mac)) && EVP_MAC_init(ctx, key, key_len, params);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, iov[i].data, iov[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &out_len, RV_HASH_MAX_LEN);

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

int rv_des_ecb_encrypt(const uint8_t key[8], const uint8_t in[8], uint8_t out[8])
{
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	int out_len = 0;
	int ok;

	if (rv_crypto_init() < 0 || !legacy())
		return -EIO;

	cipher = EVP_CIPHER_fetch(legacy_ctx, "DES-ECB", NULL);
	ctx = EVP_CIPHER_CTX_new();
	ok = cipher && ctx && EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) && EVP_EncryptUpdate(ctx, out, &out_len, in, 8) &&
	     out_len == 8;

	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return ok ? 0 : -EIO;
}

int rv_random_bytes(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

uint32_t rv_random_u32(void)
{
	uint32_t v = 0;

	/* RAND_bytes only fails without an entropy source; then abort rather than be predictable. */
	if (rv_random_bytes(&v, sizeof(v)) < 0)
		abort();
	return v;
}

bool rv_memeq(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void rv_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
