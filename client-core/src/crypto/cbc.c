/* One-shot CBC without padding over OpenSSL 3 EVP; see cbc.h. */
#include <errno.h>
#include <limits.h>

#include <openssl/evp.h>

#include "cbc.h"
#include "crypto.h"

size_t rv_cbc_block_len(enum rv_cbc_cipher c)
{
	switch (c) {
	case RV_CBC_AES:
		return 16;
	case RV_CBC_3DES:
		return 8;
	}
	return 0;
}

static const char *cipher_name(enum rv_cbc_cipher c, size_t key_len)
{
	switch (c) {
	case RV_CBC_AES:
		if (key_len == 16)
			return "AES-128-CBC";
		if (key_len == 24)
			return "AES-192-CBC";
		if (key_len == 32)
			return "AES-256-CBC";
		return NULL;
	case RV_CBC_3DES:
		return key_len == 24 ? "DES-EDE3-CBC" : NULL;
	}
	return NULL;
}

int rv_cbc_crypt(enum rv_cbc_cipher c, bool encrypt, const uint8_t *key, size_t key_len,
		 const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	const char *name = cipher_name(c, key_len);
	size_t block = rv_cbc_block_len(c);
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, ok;

	if (!name || !block || len % block || len > INT_MAX)
		return -EINVAL;
	if (rv_crypto_init() < 0)
		return -EIO;

	ok = (cipher = EVP_CIPHER_fetch(NULL, name, NULL)) && (ctx = EVP_CIPHER_CTX_new()) &&
	     EVP_CipherInit_ex2(ctx, cipher, key, iv, encrypt ? 1 : 0, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &outl, in, (int)len) && (size_t)outl == len;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return ok ? 0 : -EIO;
}
