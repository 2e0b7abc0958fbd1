/*
 * Key derivation of RFC 2409: SKEYID for pre-shared keys (§5) and for
 * signatures (§5.1: prf(Ni_b | Nr_b, g^xy), the nonces as the key), SKEYID_d/a/e,
 * the encryption key expansion and IVs of Appendix B, and the Quick Mode
 * KEYMAT of §5.5 (expanded K1 | K2 | ... for keys longer than the prf).
 * The prf is the HMAC of the negotiated hash.
 */
#include <errno.h>
#include <string.h>

#include "ike-internal.h"

int ike_prf(enum rv_hash_alg alg, const void *key, size_t key_len, const struct rv_iov *iov,
	    size_t n, uint8_t *out)
{
	return rv_hmac_v(alg, key, key_len, iov, n, out);
}

/* SKEYID_x = prf(SKEYID, prev | g^xy | CKY-I | CKY-R | x), prev empty for _d. */
static int skeyid_sub(struct ike_keys *k, const uint8_t *prev, const uint8_t *gxy,
		      size_t gxy_len, const uint8_t cky_i[8], const uint8_t cky_r[8], uint8_t x,
		      uint8_t *out)
{
	struct rv_iov iov[] = {
		{ prev, prev ? k->prf_len : 0 }, { gxy, gxy_len }, { cky_i, 8 }, { cky_r, 8 },
		{ &x, 1 },
	};

	return ike_prf(k->prf, k->skeyid, k->prf_len, iov, 5, out);
}

static int skeyid_subs(struct ike_keys *k, const uint8_t *gxy, size_t gxy_len,
		       const uint8_t cky_i[8], const uint8_t cky_r[8])
{
	if (skeyid_sub(k, NULL, gxy, gxy_len, cky_i, cky_r, 0, k->skeyid_d) < 0 ||
	    skeyid_sub(k, k->skeyid_d, gxy, gxy_len, cky_i, cky_r, 1, k->skeyid_a) < 0 ||
	    skeyid_sub(k, k->skeyid_a, gxy, gxy_len, cky_i, cky_r, 2, k->skeyid_e) < 0)
		return -EIO;
	return 0;
}

/* k->prf must be set. SKEYID = prf(pre-shared-key, Ni_b | Nr_b). */
int ike_keys_derive(struct ike_keys *k, const uint8_t *psk, size_t psk_len, const uint8_t *ni,
		    size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *gxy,
		    size_t gxy_len, const uint8_t cky_i[8], const uint8_t cky_r[8])
{
	struct rv_iov nonces[] = { { ni, ni_len }, { nr, nr_len } };

	k->prf_len = rv_hash_len(k->prf);
	if (ike_prf(k->prf, psk, psk_len, nonces, 2, k->skeyid) < 0)
		return -EIO;
	return skeyid_subs(k, gxy, gxy_len, cky_i, cky_r);
}

int ike_keys_derive_sig(struct ike_keys *k, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			size_t nr_len, const uint8_t *gxy, size_t gxy_len, const uint8_t cky_i[8],
			const uint8_t cky_r[8])
{
	uint8_t key[512];
	struct rv_iov iov = { gxy, gxy_len };
	int r;

	if (ni_len + nr_len > sizeof(key))
		return -EINVAL;
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	k->prf_len = rv_hash_len(k->prf);
	r = ike_prf(k->prf, key, ni_len + nr_len, &iov, 1, k->skeyid);
	rv_wipe(key, sizeof(key));
	if (r < 0)
		return -EIO;
	return skeyid_subs(k, gxy, gxy_len, cky_i, cky_r);
}

/*
 * k->enc_key_len must be set. When SKEYID_e is long enough its leading bytes
 * are the key; else Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) (one zero
 * octet) and Kn = prf(SKEYID_e, Kn-1).
 */
int ike_keys_expand_enc(struct ike_keys *k)
{
	uint8_t block[IKE_MAX_KEY], zero = 0;
	size_t have = 0;

	if (k->prf_len >= k->enc_key_len) {
		memcpy(k->enc_key, k->skeyid_e, k->enc_key_len);
		return 0;
	}
	while (have < k->enc_key_len) {
		struct rv_iov iov = have ? (struct rv_iov){ block, k->prf_len }
					 : (struct rv_iov){ &zero, 1 };
		size_t take = k->enc_key_len - have;

		if (ike_prf(k->prf, k->skeyid_e, k->prf_len, &iov, 1, block) < 0)
			return -EIO;
		if (take > k->prf_len)
			take = k->prf_len;
		memcpy(k->enc_key + have, block, take);
		have += take;
	}
	rv_wipe(block, sizeof(block));
	return 0;
}

int ike_iv_phase1(const struct ike_keys *k, enum rv_hash_alg hash, const uint8_t *gxi,
		  size_t gxi_len, const uint8_t *gxr, size_t gxr_len, uint8_t *iv)
{
	struct rv_iov iov[] = { { gxi, gxi_len }, { gxr, gxr_len } };
	uint8_t h[RV_HASH_MAX_LEN];

	if (rv_hash_v(hash, iov, 2, h) < 0)
		return -EIO;
	memcpy(iv, h, k->block_len);
	return 0;
}

int ike_iv_phase2(const struct ike_keys *k, enum rv_hash_alg hash, const uint8_t *p1_iv,
		  uint32_t mid, uint8_t *iv)
{
	uint8_t m[4] = { mid >> 24, mid >> 16, mid >> 8, mid }, h[RV_HASH_MAX_LEN];
	struct rv_iov iov[] = { { p1_iv, k->block_len }, { m, 4 } };

	if (rv_hash_v(hash, iov, 2, h) < 0)
		return -EIO;
	memcpy(iv, h, k->block_len);
	return 0;
}

/*
 * KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI |
 * Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 * SPI is the one of the SA being keyed, i.e. the receiver's.
 */
int ike_keymat(const struct ike_keys *k, const uint8_t *gqm, size_t gqm_len, uint8_t protocol,
	       uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	       uint8_t *out, size_t len)
{
	uint8_t s[4] = { spi >> 24, spi >> 16, spi >> 8, spi }, block[IKE_MAX_KEY];
	size_t have = 0;

	while (have < len) {
		struct rv_iov iov[] = {
			{ block, have ? k->prf_len : 0 }, { gqm, gqm ? gqm_len : 0 },
			{ &protocol, 1 }, { s, 4 }, { ni, ni_len }, { nr, nr_len },
		};
		size_t take = len - have;

		if (ike_prf(k->prf, k->skeyid_d, k->prf_len, iov, 6, block) < 0)
			return -EIO;
		if (take > k->prf_len)
			take = k->prf_len;
		memcpy(out + have, block, take);
		have += take;
	}
	rv_wipe(block, sizeof(block));
	return 0;
}

void ike_keys_wipe(struct ike_keys *k)
{
	rv_wipe(k, sizeof(*k));
}
