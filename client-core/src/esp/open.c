/*
 * ESP open, transport mode (RFC 4303 section 3.4): SPI, bounds, replay
 * pre-check, integrity, decryption, then replay update and trailer.
 * Integrity comes before any decryption or use of the plaintext, and the
 * replay window moves only for authenticated packets (section 3.4.3).
 * Padding must be 1, 2, 3, ... (section 2.4: the receiver should check
 * it); since the packet is already authenticated, a mismatch means a
 * broken peer, not an oracle.
 */
#include <errno.h>
#include <string.h>

#include "esp-internal.h"
#include "util/reader.h"

/* Where the parts of a received packet lie, found once before acting. */
struct esp_view {
	uint32_t seq;
	size_t body_off; /* from p->data: first byte after the IV */
	size_t body_len; /* ciphertext incl. padding and trailer */
};

static int parse(const struct esp_sa *sa, const struct pkt *p, struct esp_view *v)
{
	struct rv_reader r = rv_reader_init(p->data, p->len);
	uint32_t spi;

	if (!rv_reader_u32(&r, &spi) || !rv_reader_u32(&r, &v->seq))
		return -EBADMSG;
	if (spi != sa->spi)
		return -ENOKEY;
	if (!rv_reader_skip(&r, sa->iv_len) || rv_reader_left(&r) < sa->icv_len + sa->align)
		return -EBADMSG;

	v->body_off = r.pos;
	v->body_len = rv_reader_left(&r) - sa->icv_len;
	return v->body_len % sa->align ? -EBADMSG : 0;
}

static int decrypt_aead(struct esp_sa *sa, unsigned lane, struct pkt *p,
			const struct esp_view *v)
{
	uint8_t nonce[RV_GCM_NONCE_LEN];
	uint8_t *body = p->data + v->body_off;

	memcpy(nonce, sa->salt, ESP_GCM_SALT_LEN);
	memcpy(nonce + ESP_GCM_SALT_LEN, p->data + ESP_HDR_LEN, ESP_GCM_IV_LEN);
	if (rv_cipher_gcm_open(sa->cipher[lane], nonce, p->data, ESP_HDR_LEN, body, v->body_len,
			       body + v->body_len, sa->icv_len) < 0)
		return -EBADMSG;
	return 0;
}

/* Integrity first: nothing unauthenticated is decrypted. */
static int decrypt_cbc(struct esp_sa *sa, unsigned lane, struct pkt *p, const struct esp_view *v)
{
	struct rv_iov iov = { p->data, v->body_off + v->body_len };
	uint8_t *body = p->data + v->body_off;

	if (rv_mac_verify_v(sa->mac[lane], &iov, 1, body + v->body_len, sa->icv_len) < 0)
		return -EBADMSG;
	return rv_cipher_cbc(sa->cipher[lane], p->data + ESP_HDR_LEN, body, v->body_len) < 0 ?
		       -EBADMSG :
		       0;
}

/* Check the trailer of the decrypted body; returns the bytes to trim or -EBADMSG. */
static int check_trailer(const uint8_t *body, size_t body_len, uint8_t *ret_next_header)
{
	size_t pad = body[body_len - 2];
	const uint8_t *padding;

	if (pad + 2 > body_len)
		return -EBADMSG;

	padding = body + body_len - 2 - pad;
	for (size_t i = 0; i < pad; i++)
		if (padding[i] != (uint8_t)(i + 1))
			return -EBADMSG;

	*ret_next_header = body[body_len - 1];
	return (int)pad + 2;
}

int esp_open_crypt(struct esp_sa *sa, unsigned lane, struct pkt *p)
{
	struct esp_view v;
	int r;

	if (sa->is_outbound || lane >= sa->lanes)
		return -EINVAL;

	r = parse(sa, p, &v);
	if (r < 0)
		return r;
	/* Cheap before costly: a replayed packet costs no crypto. */
	r = esp_replay_verify(&sa->replay, v.seq);
	if (r < 0)
		return r;

	return sa->is_aead ? decrypt_aead(sa, lane, p, &v) : decrypt_cbc(sa, lane, p, &v);
}

int esp_open_finish(struct esp_sa *sa, struct pkt *p, uint8_t *ret_next_header)
{
	struct esp_view v;
	uint8_t next_header;
	int trailer;
	int r;

	if (sa->is_outbound)
		return -EINVAL;

	/* Parsed again rather than carried from crypt: a few header bytes, no state to hand over. */
	r = parse(sa, p, &v);
	if (r < 0)
		return r;
	/* The window moves only here, in order, for authenticated packets. */
	r = esp_replay_commit(&sa->replay, v.seq);
	if (r < 0)
		return r;

	trailer = check_trailer(p->data + v.body_off, v.body_len, &next_header);
	if (trailer < 0)
		return trailer;

	pkt_pull(p, v.body_off);
	pkt_trim(p, (size_t)trailer + sa->icv_len);
	*ret_next_header = next_header;
	return 0;
}

int esp_open(struct esp_sa *sa, struct pkt *p, uint8_t *ret_next_header)
{
	int r = esp_open_crypt(sa, 0, p);

	return r < 0 ? r : esp_open_finish(sa, p, ret_next_header);
}

size_t esp_open_batch(struct esp_sa *sa, struct pkt **pkts, size_t n, uint8_t *ret_next_headers,
		      int *ret_results)
{
	size_t opened = 0;

	for (size_t i = 0; i < n; i++) {
		ret_results[i] = esp_open(sa, pkts[i], &ret_next_headers[i]);
		if (ret_results[i] == 0)
			opened++;
	}

	return opened;
}

uint32_t esp_packet_spi(const uint8_t *data, size_t len)
{
	struct rv_reader r = rv_reader_init(data, len);
	uint32_t spi;

	if (len < ESP_HDR_LEN || !rv_reader_u32(&r, &spi))
		return 0;

	return spi;
}
