#pragma once
/*
 * One-shot CBC without padding, for IKEv1 message bodies (RFC 2409 App. B):
 * the caller pads to the block size and keeps the IV chain itself.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rv_cbc_cipher {
	RV_CBC_AES,  /* key 16, 24 or 32 bytes */
	RV_CBC_3DES, /* key 24 bytes */
};

size_t rv_cbc_block_len(enum rv_cbc_cipher c);
/*
 * Encrypt or decrypt len bytes (a multiple of the block length) from in to
 * out (which may be the same buffer). iv holds one block. 0, -EINVAL or -EIO.
 */
int rv_cbc_crypt(enum rv_cbc_cipher c, bool encrypt, const uint8_t *key, size_t key_len,
		 const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out);
