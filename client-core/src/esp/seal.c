/*
 * ESP seal, transport mode (RFC 4303 sections 2 and 3.3). Layout written
 * in place around the payload:
 *   SPI | seq | IV | payload | padding 1,2,3.. | pad len | next hdr | ICV
 * AES-GCM (RFC 4106): the IV is the 64-bit sequence counter (section 3.1
 * allows a counter; it is unique per key because sequence numbers never
 * cycle), nonce = salt | IV, AAD = SPI | seq (section 5), padding to 4.
 * CBC (RFC 3602 section 2.3, RFC 2451): the IV must be unpredictable, so it
 * is random, drawn from a per-SA pool refilled in bulk; the HMAC covers
 * SPI through the last ciphertext byte (RFC 4303 section 3.3.2).
 */
#include <errno.h>
#include <string.h>

#include "esp-internal.h"

static int take_random_iv(struct esp_sa *sa, uint8_t *iv)
{
	if (sa->iv_pool_pos + sa->iv_len > ESP_IV_POOL_LEN) {
		if (rv_random_bytes(sa->iv_pool, ESP_IV_POOL_LEN) < 0)
			return -EIO;
		sa->iv_pool_pos = 0;
	}

	memcpy(iv, sa->iv_pool + sa->iv_pool_pos, sa->iv_len);
	/* An IV is used once; do not leave it readable in the pool. */
	memset(sa->iv_pool + sa->iv_pool_pos, 0, sa->iv_len);
	sa->iv_pool_pos += sa->iv_len;
	return 0;
}

static int make_iv(struct esp_sa *sa, uint32_t seq, uint8_t *iv)
{
	if (!sa->is_aead)
		return take_random_iv(sa, iv);

	esp_put_be32(iv, 0);
	esp_put_be32(iv + 4, seq);
	return 0;
}

static void put_trailer(uint8_t *t, size_t pad, uint8_t next_header)
{
	for (size_t i = 0; i < pad; i++)
		t[i] = (uint8_t)(i + 1);
	t[pad] = (uint8_t)pad;
	t[pad + 1] = next_header;
}

static int encrypt_aead(struct esp_sa *sa, unsigned lane, struct pkt *p, size_t body_len)
{
	uint8_t *hdr = p->data;
	uint8_t *body = hdr + ESP_HDR_LEN + ESP_GCM_IV_LEN;
	uint8_t nonce[RV_GCM_NONCE_LEN];

	memcpy(nonce, sa->salt, ESP_GCM_SALT_LEN);
	memcpy(nonce + ESP_GCM_SALT_LEN, hdr + ESP_HDR_LEN, ESP_GCM_IV_LEN);
	return rv_cipher_gcm_seal(sa->cipher[lane], nonce, hdr, ESP_HDR_LEN, body, body_len,
				  pkt_put(p, sa->icv_len), sa->icv_len);
}

static int encrypt_cbc(struct esp_sa *sa, unsigned lane, struct pkt *p, size_t body_len)
{
	uint8_t *iv = p->data + ESP_HDR_LEN;
	struct rv_iov iov;
	int r;

	r = rv_cipher_cbc(sa->cipher[lane], iv, iv + sa->iv_len, body_len);
	if (r < 0)
		return r;

	iov = (struct rv_iov){ p->data, p->len };
	return rv_mac_v(sa->mac[lane], &iov, 1, pkt_put(p, sa->icv_len), sa->icv_len);
}

int esp_seal_prepare(struct esp_sa *sa, struct pkt *p, uint8_t next_header)
{
	size_t pad = esp_pad_len(sa, p->len);
	size_t hdr_len = ESP_HDR_LEN + sa->iv_len;
	uint8_t iv[ESP_MAX_IV_LEN];
	uint32_t seq;

	if (!sa->is_outbound)
		return -EINVAL;
	if (sa->seq == UINT32_MAX)
		return -EKEYEXPIRED;
	/* The ICV's room too: esp_seal_crypt() cannot fail for want of it. */
	if (pkt_headroom(p) < hdr_len || pkt_tailroom(p) < pad + 2 + sa->icv_len)
		return -ENOBUFS;

	seq = sa->seq + 1;
	if (make_iv(sa, seq, iv) < 0)
		return -EIO;
	/* Consumed even if encryption fails later: a GCM IV is never used twice. */
	sa->seq = seq;

	put_trailer(pkt_put(p, pad + 2), pad, next_header);
	pkt_push(p, hdr_len);
	esp_put_be32(p->data, sa->spi);
	esp_put_be32(p->data + 4, seq);
	memcpy(p->data + ESP_HDR_LEN, iv, sa->iv_len);
	return 0;
}

int esp_seal_crypt(struct esp_sa *sa, unsigned lane, struct pkt *p)
{
	size_t hdr_len = ESP_HDR_LEN + sa->iv_len;
	size_t body_len;

	if (!sa->is_outbound || lane >= sa->lanes || p->len < hdr_len)
		return -EINVAL;

	body_len = p->len - hdr_len;
	return sa->is_aead ? encrypt_aead(sa, lane, p, body_len) :
			     encrypt_cbc(sa, lane, p, body_len);
}

int esp_seal(struct esp_sa *sa, struct pkt *p, uint8_t next_header)
{
	int r = esp_seal_prepare(sa, p, next_header);

	return r < 0 ? r : esp_seal_crypt(sa, 0, p);
}

size_t esp_seal_batch(struct esp_sa *sa, struct pkt **pkts, size_t n, uint8_t next_header,
		      int *ret_error)
{
	for (size_t i = 0; i < n; i++) {
		int r = esp_seal(sa, pkts[i], next_header);

		if (r < 0) {
			if (ret_error)
				*ret_error = r;
			return i;
		}
	}

	return n;
}
