/*
 * Diffie-Hellman and ECDH over OpenSSL 3 EVP_PKEY; see dh.h.
 * MODP primes come from OpenSSL's RFC 2409 / RFC 3526 tables with g = 2
 * (OpenSSL has no named group for RFC 2409 group 2, so every MODP group is
 * built from p and g alike). The derived MODP secret is padded to the
 * prime's length, as IKE hashes g^xy at full length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "crypto.h"
#include "dh.h"

struct rv_dh {
	enum rv_dh_group group;
	EVP_PKEY *key;
};

static bool is_ecp(enum rv_dh_group g)
{
	return g == RV_DH_ECP256 || g == RV_DH_ECP384;
}

bool rv_dh_group_supported(unsigned int group)
{
	switch (group) {
	case RV_DH_MODP1024:
	case RV_DH_MODP1536:
	case RV_DH_MODP2048:
	case RV_DH_MODP3072:
	case RV_DH_MODP4096:
	case RV_DH_ECP256:
	case RV_DH_ECP384:
		return true;
	}
	return false;
}

size_t rv_dh_public_len(enum rv_dh_group group)
{
	switch (group) {
	case RV_DH_MODP1024:
		return 128;
	case RV_DH_MODP1536:
		return 192;
	case RV_DH_MODP2048:
		return 256;
	case RV_DH_MODP3072:
		return 384;
	case RV_DH_MODP4096:
		return 512;
	case RV_DH_ECP256:
		return 64;
	case RV_DH_ECP384:
		return 96;
	}
	return 0;
}

size_t rv_dh_secret_len(enum rv_dh_group group)
{
	return is_ecp(group) ? rv_dh_public_len(group) / 2 : rv_dh_public_len(group);
}

static BIGNUM *modp_prime(enum rv_dh_group g)
{
	switch (g) {
	case RV_DH_MODP1024:
		return BN_get_rfc2409_prime_1024(NULL);
	case RV_DH_MODP1536:
		return BN_get_rfc3526_prime_1536(NULL);
	case RV_DH_MODP2048:
		return BN_get_rfc3526_prime_2048(NULL);
	case RV_DH_MODP3072:
		return BN_get_rfc3526_prime_3072(NULL);
	case RV_DH_MODP4096:
		return BN_get_rfc3526_prime_4096(NULL);
	case RV_DH_ECP256:
	case RV_DH_ECP384:
		break;
	}
	return NULL;
}

static const char *curve_name(enum rv_dh_group g)
{
	return g == RV_DH_ECP256 ? "P-256" : "P-384";
}

/*
 * An EVP_PKEY from parameters plus, optionally, a public value (selection
 * EVP_PKEY_PUBLIC_KEY) — the domain for key generation or the peer's key.
 */
static EVP_PKEY *pkey_from(enum rv_dh_group g, const uint8_t *pub, size_t pub_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *p = NULL, *gen = NULL, *y = NULL;
	uint8_t point[1 + RV_DH_MAX_LEN];
	int ok = bld != NULL;

	if (is_ecp(g)) {
		ok = ok && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
							   curve_name(g), 0);
		if (pub) {
			point[0] = 0x04; /* uncompressed: x | y */
			memcpy(point + 1, pub, pub_len);
			ok = ok && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
								    point, pub_len + 1);
		}
	} else {
		p = modp_prime(g);
		gen = BN_new();
		ok = ok && p && gen && BN_set_word(gen, 2) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen);
		if (pub) {
			y = BN_bin2bn(pub, (int)pub_len, NULL);
			ok = ok && y && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
		}
	}
	ok = ok && (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     (ctx = EVP_PKEY_CTX_new_from_name(NULL, is_ecp(g) ? "EC" : "DH", NULL)) &&
	     EVP_PKEY_fromdata_init(ctx) > 0 &&
	     EVP_PKEY_fromdata(ctx, &pkey,
			       pub ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS, params) > 0;
	if (!ok) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	return pkey;
}

struct rv_dh *rv_dh_new(enum rv_dh_group group)
{
	struct rv_dh *dh;
	EVP_PKEY *domain;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (!rv_dh_group_supported(group) || rv_crypto_init() < 0)
		return NULL;

	domain = pkey_from(group, NULL, 0);
	if (domain && (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, domain, NULL)) &&
	    EVP_PKEY_keygen_init(ctx) > 0 && EVP_PKEY_keygen(ctx, &key) > 0) {
		dh = calloc(1, sizeof(*dh));
		if (dh) {
			dh->group = group;
			dh->key = key;
			key = NULL;
		}
	} else {
		dh = NULL;
	}
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(domain);
	return dh;
}

void rv_dh_free(struct rv_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}

enum rv_dh_group rv_dh_group(const struct rv_dh *dh)
{
	return dh->group;
}

int rv_dh_public(const struct rv_dh *dh, uint8_t *out, size_t out_len)
{
	size_t len = rv_dh_public_len(dh->group);
	uint8_t point[1 + RV_DH_MAX_LEN];
	size_t point_len = 0;
	BIGNUM *y = NULL;
	int ok;

	if (out_len < len)
		return -EINVAL;
	if (is_ecp(dh->group)) {
		ok = EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, point,
						     sizeof(point), &point_len) &&
		     point_len == len + 1 && point[0] == 0x04;
		if (ok)
			memcpy(out, point + 1, len);
		return ok ? 0 : -EIO;
	}
	ok = EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
	     BN_bn2binpad(y, out, (int)len) == (int)len;
	BN_free(y);
	return ok ? 0 : -EIO;
}

/* MODP: 1 < y < p - 1 (RFC 2631 §2.1.5 minus the subgroup test, as q is unknown). */
static bool modp_value_ok(enum rv_dh_group g, const uint8_t *peer, size_t len)
{
	BIGNUM *p = modp_prime(g), *y = BN_bin2bn(peer, (int)len, NULL);
	bool ok = p && y && BN_cmp(y, BN_value_one()) > 0 && BN_sub_word(p, 1) &&
		  BN_cmp(y, p) < 0;

	BN_free(p);
	BN_free(y);
	return ok;
}

int rv_dh_compute(const struct rv_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_len)
{
	size_t want = rv_dh_secret_len(dh->group), got = out_len;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk;
	int ok;

	if (peer_len != rv_dh_public_len(dh->group) || out_len < want)
		return -EINVAL;
	if (!is_ecp(dh->group) && !modp_value_ok(dh->group, peer, peer_len))
		return -EINVAL;
	/* for ECP, importing the point checks that it is on the curve */
	pk = pkey_from(dh->group, peer, peer_len);
	if (!pk)
		return -EINVAL;

	ok = (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) &&
	     EVP_PKEY_derive_init(ctx) > 0 &&
	     (is_ecp(dh->group) || EVP_PKEY_CTX_set_dh_pad(ctx, 1) > 0) &&
	     EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) > 0 && EVP_PKEY_derive(ctx, out, &got) > 0 &&
	     got == want;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	if (!ok)
		rv_wipe(out, out_len);
	return ok ? 0 : -EIO;
}
