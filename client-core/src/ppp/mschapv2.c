/*
 * RFC 2759 section 8: NtPasswordHash (MD4 of the UTF-16LE password),
 * ChallengeHash, ChallengeResponse (three single-DES blocks) and
 * GenerateAuthenticatorResponse. MD4 and DES come from crypto/, which keeps
 * OpenSSL's legacy provider in a private library context. Every
 * intermediate that derives from the password is wiped.
 */
#include <errno.h>
#include <string.h>

#include "crypto/crypto.h"
#include "mschapv2.h"

/* RFC 2759 8.1: at most 256 Unicode characters */
#define MAX_PASSWORD_UNITS 256

static const char magic1[] = "Magic server to client signing constant";
static const char magic2[] = "Pad to make it do more than one iteration";

/* Decode one UTF-8 sequence; invalid bytes count as Latin-1 so any password hashes somehow. */
static size_t utf8_next(const uint8_t *s, size_t len, uint32_t *ret_cp)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	uint32_t cp = n == 1 ? s[0] : s[0] & (0x3f >> (n - 1));

	if (s[0] >= 0xf8 || (s[0] >= 0x80 && s[0] < 0xc0) || n > len)
		n = 1;

	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*ret_cp = s[0];
			return 1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}

	*ret_cp = n == 1 ? s[0] : cp;
	return n;
}

/* UTF-8 to UTF-16LE; returns the byte length or -EINVAL when too long. */
static int to_utf16le(const uint8_t *in, size_t len, uint8_t out[MAX_PASSWORD_UNITS * 2])
{
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		uint16_t units[2];
		size_t n_units = 1;

		i += utf8_next(in + i, len - i, &cp);
		units[0] = (uint16_t)cp;
		if (cp > 0xffff) {
			cp -= 0x10000;
			units[0] = (uint16_t)(0xd800 | (cp >> 10));
			units[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
			n_units = 2;
		}

		if (o + n_units * 2 > MAX_PASSWORD_UNITS * 2)
			return -EINVAL;
		for (size_t u = 0; u < n_units; u++) {
			out[o++] = (uint8_t)units[u];
			out[o++] = (uint8_t)(units[u] >> 8);
		}
	}

	return (int)o;
}

int mschapv2_nt_password_hash(const uint8_t *password, size_t len, uint8_t ret_hash[16])
{
	uint8_t u16[MAX_PASSWORD_UNITS * 2];
	int n = to_utf16le(password, len, u16);
	int r;

	if (n < 0)
		return n;

	r = rv_hash(RV_HASH_MD4, u16, (size_t)n, ret_hash);
	rv_wipe(u16, sizeof(u16));
	return r;
}

int mschapv2_challenge_hash(const uint8_t peer_challenge[16], const uint8_t auth_challenge[16],
			    const char *user, uint8_t ret_challenge[8])
{
	/* RFC 2759 8.2: the user name without a prepended "DOMAIN\" */
	const char *bs = strrchr(user, '\\');
	const char *name = bs ? bs + 1 : user;
	struct rv_iov iov[] = {
		{ peer_challenge, 16 },
		{ auth_challenge, 16 },
		{ name, strlen(name) },
	};
	uint8_t digest[20];
	int r;

	r = rv_hash_v(RV_HASH_SHA1, iov, 3, digest);
	if (r == 0)
		memcpy(ret_challenge, digest, 8);
	return r;
}

/* RFC 2759 8.6: spread 56 key bits over 8 octets; DES ignores the parity bit we leave 0. */
static void des_key_expand(const uint8_t in[7], uint8_t out[8])
{
	out[0] = in[0];
	out[1] = (uint8_t)(in[0] << 7 | in[1] >> 1);
	out[2] = (uint8_t)(in[1] << 6 | in[2] >> 2);
	out[3] = (uint8_t)(in[2] << 5 | in[3] >> 3);
	out[4] = (uint8_t)(in[3] << 4 | in[4] >> 4);
	out[5] = (uint8_t)(in[4] << 3 | in[5] >> 5);
	out[6] = (uint8_t)(in[5] << 2 | in[6] >> 6);
	out[7] = (uint8_t)(in[6] << 1);
}

int mschapv2_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
				uint8_t ret_response[24])
{
	uint8_t z[21] = { 0 };
	uint8_t key[8];
	int r = 0;

	memcpy(z, password_hash, 16);
	for (int i = 0; i < 3 && r == 0; i++) {
		des_key_expand(z + 7 * i, key);
		r = rv_des_ecb_encrypt(key, challenge, ret_response + 8 * i);
	}

	rv_wipe(z, sizeof(z));
	rv_wipe(key, sizeof(key));
	return r;
}

int mschapv2_nt_response(const uint8_t auth_challenge[16], const uint8_t peer_challenge[16],
			 const char *user, const uint8_t *password, size_t password_len,
			 uint8_t ret_response[24])
{
	uint8_t challenge[8], hash[16];
	int r;

	r = mschapv2_challenge_hash(peer_challenge, auth_challenge, user, challenge);
	if (r == 0)
		r = mschapv2_nt_password_hash(password, password_len, hash);
	if (r == 0)
		r = mschapv2_challenge_response(challenge, hash, ret_response);

	rv_wipe(hash, sizeof(hash));
	return r;
}

int mschapv2_authenticator_response(const uint8_t *password, size_t password_len,
				    const uint8_t nt_response[24],
				    const uint8_t peer_challenge[16],
				    const uint8_t auth_challenge[16], const char *user,
				    uint8_t ret_digest[20])
{
	uint8_t hash[16], hash_hash[16], digest[20], challenge[8];
	struct rv_iov first[] = {
		{ hash_hash, 16 },
		{ nt_response, 24 },
		{ magic1, sizeof(magic1) - 1 },
	};
	struct rv_iov second[] = {
		{ digest, 20 },
		{ challenge, 8 },
		{ magic2, sizeof(magic2) - 1 },
	};
	int r;

	r = mschapv2_nt_password_hash(password, password_len, hash);
	if (r == 0)
		r = rv_hash(RV_HASH_MD4, hash, 16, hash_hash);
	if (r == 0)
		r = rv_hash_v(RV_HASH_SHA1, first, 3, digest);
	if (r == 0)
		r = mschapv2_challenge_hash(peer_challenge, auth_challenge, user, challenge);
	if (r == 0)
		r = rv_hash_v(RV_HASH_SHA1, second, 3, ret_digest);

	rv_wipe(hash, sizeof(hash));
	rv_wipe(hash_hash, sizeof(hash_hash));
	return r;
}
