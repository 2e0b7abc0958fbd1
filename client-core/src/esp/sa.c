/*
 * ESP SA setup: parameter checks (key lengths per RFC 3602, 2451, 4106
 * section 8.1, 2403, 2404, 4868), one cipher and one MAC context per lane
 * keyed for the SA's life, and the wipe on free. AES-GCM carries its own
 * integrity (RFC 4106 section 8.4 forbids an extra integrity transform).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "esp-internal.h"

static bool cipher_ok(const struct esp_sa_params *prm)
{
	size_t k = prm->enc_key_len;

	switch (prm->cipher) {
	case ESP_CIPHER_AES_CBC:
		return (k == 16 || k == 24 || k == 32) && prm->integ != ESP_INTEG_NONE;
	case ESP_CIPHER_3DES_CBC:
		return k == 24 && prm->integ != ESP_INTEG_NONE;
	case ESP_CIPHER_AES_GCM16:
		k -= ESP_GCM_SALT_LEN;
		return (k == 16 || k == 24 || k == 32) && prm->integ == ESP_INTEG_NONE;
	}

	return false;
}

static size_t integ_key_len(enum esp_integ integ)
{
	switch (integ) {
	case ESP_INTEG_NONE:
		return 0;
	case ESP_INTEG_HMAC_MD5_96:
		return 16;
	case ESP_INTEG_HMAC_SHA1_96:
		return 20;
	case ESP_INTEG_HMAC_SHA256_128:
		return 32;
	}

	return 0;
}

static bool params_ok(const struct esp_sa_params *prm)
{
	return prm && prm->spi != 0 && prm->enc_key && cipher_ok(prm) &&
	       prm->lanes <= ESP_MAX_LANES &&
	       prm->integ_key_len == integ_key_len(prm->integ) &&
	       (prm->integ == ESP_INTEG_NONE || prm->integ_key);
}

/* ICV length (RFC 2403/2404: 96 bits, RFC 4868: 128 bits, RFC 4106: 16-byte tag). */
static size_t icv_len(enum esp_integ integ)
{
	switch (integ) {
	case ESP_INTEG_NONE:
		return RV_GCM_TAG_LEN;
	case ESP_INTEG_HMAC_MD5_96:
	case ESP_INTEG_HMAC_SHA1_96:
		return 12;
	case ESP_INTEG_HMAC_SHA256_128:
		return 16;
	}

	return 0;
}

static enum rv_hash_alg integ_hash(enum esp_integ integ)
{
	switch (integ) {
	case ESP_INTEG_NONE:
	case ESP_INTEG_HMAC_SHA1_96:
		return RV_HASH_SHA1;
	case ESP_INTEG_HMAC_MD5_96:
		return RV_HASH_MD5;
	case ESP_INTEG_HMAC_SHA256_128:
		return RV_HASH_SHA256;
	}

	return RV_HASH_SHA1;
}

static int setup_mac(struct esp_sa *sa, const struct esp_sa_params *prm)
{
	sa->icv_len = icv_len(prm->integ);
	if (prm->integ == ESP_INTEG_NONE)
		return 0;

	for (unsigned i = 0; i < sa->lanes; i++) {
		sa->mac[i] = rv_mac_new(integ_hash(prm->integ), prm->integ_key, prm->integ_key_len);
		if (!sa->mac[i])
			return -ENOMEM;
	}
	return 0;
}

static enum rv_cipher_alg cipher_alg(enum esp_cipher cipher)
{
	switch (cipher) {
	case ESP_CIPHER_AES_CBC:
		return RV_CIPHER_AES_CBC;
	case ESP_CIPHER_3DES_CBC:
		return RV_CIPHER_3DES_CBC;
	case ESP_CIPHER_AES_GCM16:
		return RV_CIPHER_AES_GCM;
	}

	return RV_CIPHER_AES_CBC;
}

static int setup_cipher(struct esp_sa *sa, const struct esp_sa_params *prm)
{
	size_t key_len = prm->enc_key_len;

	sa->is_aead = prm->cipher == ESP_CIPHER_AES_GCM16;
	if (sa->is_aead) {
		/* RFC 4106 section 8.1: the salt is the last 4 bytes of the keying material. */
		key_len -= ESP_GCM_SALT_LEN;
		memcpy(sa->salt, prm->enc_key + key_len, ESP_GCM_SALT_LEN);
		sa->iv_len = ESP_GCM_IV_LEN;
		sa->align = 4; /* section 3.2: no block alignment, only RFC 4303's 4 bytes */
	} else {
		sa->iv_len = sa->align = rv_cipher_block_len(cipher_alg(prm->cipher));
	}

	for (unsigned i = 0; i < sa->lanes; i++) {
		sa->cipher[i] = rv_cipher_new(cipher_alg(prm->cipher), prm->enc_key, key_len,
					      sa->is_outbound);
		if (!sa->cipher[i])
			return -ENOMEM;
	}
	return 0;
}

static struct esp_sa *sa_new(const struct esp_sa_params *prm, bool is_outbound)
{
	struct esp_sa *sa;

	if (!params_ok(prm))
		return NULL;

	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;

	sa->spi = prm->spi;
	sa->is_outbound = is_outbound;
	sa->lanes = prm->lanes ? prm->lanes : 1;
	sa->iv_pool_pos = ESP_IV_POOL_LEN; /* empty: filled on first use */
	esp_replay_init(&sa->replay);
	if (setup_cipher(sa, prm) < 0 || setup_mac(sa, prm) < 0) {
		esp_sa_free(sa);
		return NULL;
	}

	return sa;
}

struct esp_sa *esp_sa_new_outbound(const struct esp_sa_params *params)
{
	return sa_new(params, true);
}

struct esp_sa *esp_sa_new_inbound(const struct esp_sa_params *params)
{
	return sa_new(params, false);
}

void esp_sa_free(struct esp_sa *sa)
{
	if (!sa)
		return;

	for (unsigned i = 0; i < sa->lanes; i++) {
		rv_cipher_free(sa->cipher[i]);
		rv_mac_free(sa->mac[i]);
	}
	/* Salt and unused IVs are key material too. */
	rv_wipe(sa, sizeof(*sa));
	free(sa);
}

uint32_t esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

size_t esp_sa_overhead(const struct esp_sa *sa, size_t payload_len)
{
	return ESP_HDR_LEN + sa->iv_len + esp_pad_len(sa, payload_len) + 2 + sa->icv_len;
}

void esp_sa_get_framing(const struct esp_sa *sa, struct esp_framing *ret)
{
	*ret = (struct esp_framing){ .iv_len = sa->iv_len, .align = sa->align,
				     .icv_len = sa->icv_len };
}

unsigned esp_sa_lanes(const struct esp_sa *sa)
{
	return sa->lanes;
}

uint32_t esp_sa_seq_left(const struct esp_sa *sa)
{
	return UINT32_MAX - sa->seq;
}
