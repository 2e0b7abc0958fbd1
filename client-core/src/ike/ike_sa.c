/*
 * The ISAKMP SA object: cookies, the exchange dispatcher, message
 * encryption (RFC 2409 Appendix B: CBC with the IV chained per message ID),
 * retransmission with back-off (1, 2, 4, 8 s, give up after cfg.timeout),
 * answering a responder's retransmit by resending our last message, failure
 * events, and close (Delete payloads).
 *
 * The dispatcher parses the whole message (header, decryption, payload
 * chain) before any exchange handler sees it; handlers commit the IV only
 * after the message authenticated, so a forged packet cannot derail the chain.
 * IKEv1 fragments (frag.c) are reassembled first; a whole train goes out
 * and is retransmitted under one fragment ID.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_RETX_FIRST (1 * USEC_PER_SEC)
#define IKE_RETX_MAX (8 * USEC_PER_SEC)

int ike_check_config(const struct ike_config *cfg, char *err, size_t err_size)
{
	struct ike_proposals ps;
	uint8_t id[300];
	size_t id_len;
	int r;

	r = ike_proposals_parse(cfg, &ps, err, err_size);
	if (r < 0)
		return r;
	if (ike_id_encode(cfg->local_id, cfg->local_addr, id, sizeof(id), &id_len) < 0) {
		snprintf(err, err_size, "local id: cannot use \"%.60s\"", cfg->local_id);
		return -EINVAL;
	}
	if (cfg->auth_cert) {
		r = ike_cert_check_config(cfg, err, err_size);
		if (r < 0)
			return r;
	} else if (!cfg->psk || rv_secret_len(cfg->psk) == 0) {
		snprintf(err, err_size, "a pre-shared key is required");
		return -EINVAL;
	}
	if (cfg->fragment_size &&
	    (cfg->fragment_size < IKE_FRAG_SIZE_MIN || cfg->fragment_size > IKE_FRAG_DATAGRAM_MAX)) {
		snprintf(err, err_size, "fragment size %u outside %u..%u", cfg->fragment_size,
			 IKE_FRAG_SIZE_MIN, IKE_FRAG_DATAGRAM_MAX);
		return -EINVAL;
	}
	if (cfg->force_encap && cfg->no_natt) {
		snprintf(err, err_size, "forced UDP encapsulation needs NAT traversal");
		return -EINVAL;
	}
	return 0;
}

struct ike *ike_new(const struct ike_config *cfg, const struct ike_ops *ops, void *user_data)
{
	struct ike *ike;
	char err[128];

	if (ike_check_config(cfg, err, sizeof(err)) < 0) {
		rv_log_debug(IKE_LOG, "config: %s", err);
		errno = EINVAL;
		return NULL;
	}
	ike = calloc(1, sizeof(*ike));
	if (!ike)
		return NULL;
	ike->cfg = *cfg;
	ike->ops = *ops;
	ike->user_data = user_data;
	ike->psk = cfg->psk ? rv_secret_dup(cfg->psk) : NULL;
	ike->local_id = cfg->local_id ? strdup(cfg->local_id) : NULL;
	if ((cfg->psk && !ike->psk) || (cfg->local_id && !ike->local_id) ||
	    (cfg->auth_cert && ike_cert_setup(ike, cfg) < 0)) {
		ike_free(ike);
		return NULL;
	}
	ike->cfg.psk = ike->psk;
	ike->cfg.local_id = ike->local_id;
	ike->cfg.ike_proposals = ike->cfg.esp_proposals = ike->cfg.pfs = NULL;
	ike->cfg.preferred_ike = ike->cfg.preferred_esp = NULL;
	ike_proposals_parse(cfg, &ike->props, err, sizeof(err));
	if (!ike->cfg.remote_port)
		ike->cfg.remote_port = 500;
	if (!ike->cfg.local_port)
		ike->cfg.local_port = 500;
	if (!ike->cfg.l2tp_local_port)
		ike->cfg.l2tp_local_port = 1701;
	if (!ike->cfg.ike_lifetime)
		ike->cfg.ike_lifetime = 28800;
	if (!ike->cfg.esp_lifetime)
		ike->cfg.esp_lifetime = 3600;
	if (!ike->cfg.fragment_size)
		ike->cfg.fragment_size = IKE_FRAG_SIZE_DEFAULT;
	ike->timeout = cfg->timeout ? cfg->timeout : 20 * USEC_PER_SEC;
	return ike;
}

void ike_free(struct ike *ike)
{
	if (!ike)
		return;
	ike_p1rekey_free(ike);
	ike_qm_free_all(ike);
	ike_frag_rx_reset(&ike->frag_rx);
	rv_dh_free(ike->dh);
	rv_secret_free(ike->psk);
	free(ike->local_id);
	ike_cert_free(ike);
	rv_wipe(ike, sizeof(*ike));
	free(ike);
}

const char *ike_phase1_description(const struct ike *ike)
{
	return ike->p1_desc;
}

enum rv_hash_alg ike_p1_hash(const struct ike *ike)
{
	return ike_hash_alg(ike->p1.hash);
}

/* Only the draft NAT-T VIDs from the peer: draft payload codes and encapsulation modes. */
bool ike_uses_draft_natt(const struct ike *ike)
{
	return ike->peer_natt_draft && !ike->peer_natt_rfc;
}

void ike_emit(struct ike *ike, enum ike_event ev, struct ike_event_info *info)
{
	info->nat_local = ike->nat_local;
	info->nat_remote = ike->nat_remote;
	if (ike->ops.event)
		ike->ops.event(ike->user_data, ev, info);
	rv_wipe(&info->child, sizeof(info->child));
}

void ike_retx_disarm(struct ike_retx *retx)
{
	retx->is_armed = false;
}

static void disarm_all(struct ike *ike)
{
	ike_retx_disarm(&ike->p1_retx);
	for (size_t i = 0; i < IKE_MAX_QM; i++) {
		ike_retx_disarm(&ike->qm[i].retx);
		ike->qm[i].deadline = 0;
	}
}

int ike_fail(struct ike *ike, int phase, enum ike_failure f, uint32_t notify, const char *fmt,
	     ...)
{
	struct ike_event_info info = { .failure = f, .notify_type = notify, .phase = phase };
	va_list ap;

	if (ike->state == IKE_STATE_FAILED || ike->state == IKE_STATE_CLOSED)
		return -EPROTO;
	va_start(ap, fmt);
	vsnprintf(info.message, sizeof(info.message), fmt, ap);
	va_end(ap);
	rv_log_debug(IKE_LOG, "failed in phase %d: %s", phase, info.message);
	ike->state = IKE_STATE_FAILED;
	disarm_all(ike);
	ike_emit(ike, IKE_EVENT_FAILED, &info);
	return -EPROTO;
}

/* Remember (a hash of) the request our next message answers, to spot its retransmits. */
void ike_note_request(struct ike_retx *retx, const uint8_t *data, size_t len)
{
	retx->has_last_rx = rv_hash(RV_HASH_SHA1, data, len, retx->last_rx) == 0;
}

/* One message out: whole, or as fragments with frag_id when it is too large for one datagram. */
static int tx(struct ike *ike, const uint8_t *msg, size_t len, uint16_t frag_id)
{
	int r;

	if (ike_frag_wanted(ike, len))
		return ike_frag_tx(ike, msg, len, frag_id);
	r = ike->ops.tx(ike->user_data, msg, len, ike->is_natt);
	return r < 0 ? r : 0;
}

/*
 * Send msg; with retx, keep a copy there and arm the retransmission timer
 * (callers that expect no answer disarm it and keep the copy only to repeat
 * it when the peer retransmits). Returns 0 or the tx error.
 */
int ike_send(struct ike *ike, struct ike_retx *retx, const uint8_t *msg, size_t len,
	     usec_t now)
{
	/* every new message has its own fragment ID; its retransmissions keep it */
	uint16_t frag_id = ++ike->frag_tx_id;

	if (retx) {
		if (len > sizeof(retx->msg))
			return -ENOSPC;
		if (msg != retx->msg)
			memcpy(retx->msg, msg, len);
		retx->len = len;
		retx->is_armed = true;
		retx->first_sent = now;
		retx->interval = IKE_RETX_FIRST;
		retx->next_at = now + IKE_RETX_FIRST;
		retx->frag_id = frag_id;
	}
	return tx(ike, msg, len, frag_id);
}

/* Pad the body with zeros to the block length (RFC 2408 §3.1), encrypt it in place. */
int ike_encrypt(struct ike *ike, uint8_t *msg, size_t *len, size_t cap, uint8_t *iv)
{
	size_t block = ike->keys.block_len, body = *len - ISAKMP_HDR_LEN;
	size_t pad = (block - body % block) % block;
	uint32_t total;

	if (*len + pad > cap)
		return -ENOSPC;
	memset(msg + *len, 0, pad);
	body += pad;
	*len += pad;
	total = (uint32_t)*len;
	msg[19] |= ISAKMP_FLAG_ENC;
	msg[24] = (uint8_t)(total >> 24);
	msg[25] = (uint8_t)(total >> 16);
	msg[26] = (uint8_t)(total >> 8);
	msg[27] = (uint8_t)total;
	if (rv_cbc_crypt(ike->keys.cipher, true, ike->keys.enc_key, ike->keys.enc_key_len, iv,
			 msg + ISAKMP_HDR_LEN, body, msg + ISAKMP_HDR_LEN) < 0)
		return -EIO;
	memcpy(iv, msg + *len - block, block);
	return 0;
}

/* The IV a received message was encrypted with: its exchange's chain, or a fresh one. */
static int rx_iv(struct ike *ike, const struct ike_msg *m, uint8_t *iv)
{
	struct ike_qm *qm;

	if (m->exchange == ISAKMP_EXCH_MAIN || m->exchange == ISAKMP_EXCH_AGGRESSIVE) {
		memcpy(iv, ike->p1_iv, ike->keys.block_len);
		return 0;
	}
	qm = m->exchange == ISAKMP_EXCH_QUICK ? ike_qm_find(ike, m->mid) : NULL;
	if (qm) {
		memcpy(iv, qm->iv, ike->keys.block_len);
		return 0;
	}
	return ike_iv_phase2(&ike->keys, ike_p1_hash(ike), ike->p1_iv, m->mid, iv);
}

static int decrypt(struct ike *ike, struct ike_msg *m, uint8_t *buf, size_t len)
{
	size_t block = ike->keys.block_len, body = len - ISAKMP_HDR_LEN;
	uint8_t iv[16];

	if (!ike->has_keys || body == 0 || body % block)
		return -EBADMSG;
	if (rx_iv(ike, m, iv) < 0)
		return -EIO;
	memcpy(ike->rx_next_iv, buf + len - block, block);
	if (rv_cbc_crypt(ike->keys.cipher, false, ike->keys.enc_key, ike->keys.enc_key_len, iv,
			 buf + ISAKMP_HDR_LEN, body, buf + ISAKMP_HDR_LEN) < 0)
		return -EIO;
	return 0;
}

/* A retransmitted request we already answered: send the answer again. */
static bool answer_retransmit(struct ike *ike, const uint8_t *data, size_t len)
{
	uint8_t h[20];
	struct ike_retx *retx = NULL;

	if (rv_hash(RV_HASH_SHA1, data, len, h) < 0)
		return false;
	if (ike->p1_retx.has_last_rx && rv_memeq(h, ike->p1_retx.last_rx, 20))
		retx = &ike->p1_retx;
	for (size_t i = 0; !retx && i < IKE_MAX_QM; i++)
		if (ike->qm[i].state != IKE_QM_FREE && ike->qm[i].retx.has_last_rx &&
		    rv_memeq(h, ike->qm[i].retx.last_rx, 20))
			retx = &ike->qm[i].retx;
	if (!retx)
		return false;
	rv_log_debug(IKE_LOG, "retransmitted request, answering again (%zu bytes)", retx->len);
	tx(ike, retx->msg, retx->len, retx->frag_id);
	return true;
}

static bool cookies_ok(const struct ike *ike, const struct ike_msg *m)
{
	static const uint8_t zero[8];

	if (memcmp(m->cky_i, ike->cky_i, 8))
		return false;
	if (ike->state == IKE_STATE_MM_I1 || ike->state == IKE_STATE_AM_I1)
		return true;
	/* a phase 1 error notify may come before the responder cookie was learnt */
	return !memcmp(m->cky_r, ike->cky_r, 8) ||
	       (m->exchange == ISAKMP_EXCH_INFO && !memcmp(m->cky_r, zero, 8) && !ike->is_p1_up);
}

static int dispatch(struct ike *ike, struct ike_msg *m, const uint8_t *raw, size_t raw_len,
		    bool was_encrypted, usec_t now)
{
	switch (m->exchange) {
	case ISAKMP_EXCH_MAIN:
	case ISAKMP_EXCH_AGGRESSIVE:
		return ike_mm_rx(ike, m, raw, raw_len, now);
	case ISAKMP_EXCH_QUICK:
		if (!ike->is_p1_up || !was_encrypted)
			return -EBADMSG;
		return ike_qm_rx(ike, m, raw, raw_len, now);
	case ISAKMP_EXCH_INFO:
		return ike_info_rx(ike, m, was_encrypted, now);
	}
	return -EBADMSG;
}

/* In MM_I3 a message we cannot decrypt means the keys differ: a PSK mismatch. */
static int undecryptable(struct ike *ike)
{
	if (ike->state != IKE_STATE_MM_I3)
		return -EBADMSG;
	return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, 0,
			"authentication failed — %s (the gateway's answer does not decrypt)",
			ike_auth_hint(ike));
}

/* A whole message whose header parsed (first payload `first`): decrypt, index, dispatch. */
static int rx_message(struct ike *ike, struct ike_msg *m, int first, const uint8_t *data,
		      size_t msg_len, usec_t now)
{
	uint8_t *buf;
	bool is_enc;
	int r;

	if (answer_retransmit(ike, data, msg_len))
		return -EAGAIN;
	buf = malloc(msg_len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, msg_len);
	is_enc = m->flags & ISAKMP_FLAG_ENC;
	r = is_enc ? decrypt(ike, m, buf, msg_len) : 0;
	if (r == 0)
		r = ike_msg_parse_chain(m, (uint8_t)first, buf + ISAKMP_HDR_LEN,
					msg_len - ISAKMP_HDR_LEN);
	if (r < 0 && is_enc)
		r = undecryptable(ike);
	else if (r == 0)
		r = dispatch(ike, m, data, msg_len, is_enc, now);
	if (r == -EBADMSG)
		rv_log_debug(IKE_LOG, "dropped malformed message (exchange %u, %zu bytes)",
			     m->exchange, msg_len);
	else if (r == 0)
		ike_note_inbound_activity(ike, now);  /* it authenticated: the gateway lives */
	rv_wipe(buf, msg_len);
	free(buf);
	return r;
}

/*
 * A fragment: kept until its set is complete, then the whole message goes
 * the normal way. It must carry the cookies of the fragments and may not be
 * a fragment itself.
 */
static int rx_fragment(struct ike *ike, const uint8_t *data, size_t len, usec_t now)
{
	struct ike_msg m;
	uint8_t *whole;
	size_t whole_len, msg_len;
	int first, r;

	r = ike_frag_rx_add(&ike->frag_rx, data, len, now, &whole, &whole_len);
	if (r != 1)
		return r;
	first = ike_msg_parse_header(whole, whole_len, &m, &msg_len);
	if (first == ISAKMP_PL_FRAG || (first >= 0 && memcmp(whole, data, 16)))
		first = -EBADMSG;
	r = first < 0 ? first : rx_message(ike, &m, first, whole, msg_len, now);
	if (r == -EBADMSG && first < 0)
		rv_log_debug(IKE_LOG, "dropped a reassembled message that is not one (%zu bytes)",
			     whole_len);
	rv_wipe(whole, whole_len);
	free(whole);
	return r;
}

int ike_rx(struct ike *ike, const uint8_t *data, size_t len, bool natt, usec_t now)
{
	struct ike_msg m;
	size_t msg_len;
	int first;

	if (ike->state == IKE_STATE_IDLE || ike->state == IKE_STATE_CLOSED ||
	    ike->state == IKE_STATE_FAILED)
		return -ENOMSG;
	first = ike_msg_parse_header(data, len, &m, &msg_len);
	if (first < 0)
		return first;
	if (!cookies_ok(ike, &m))
		return ike_p1rekey_rx(ike, data, len, natt, now);
	if (first == ISAKMP_PL_FRAG)
		return rx_fragment(ike, data, msg_len, now);
	return rx_message(ike, &m, first, data, msg_len, now);
}

int ike_start(struct ike *ike, usec_t now)
{
	if (ike->state != IKE_STATE_IDLE)
		return -EALREADY;
	return ike_mm_start(ike, now);
}

/* Resend with back-off (1, 2, 4, 8, 8 ... s); true when the request has timed out. */
bool ike_retx_tick(struct ike *ike, struct ike_retx *retx, usec_t now)
{
	if (!retx->is_armed || now < retx->next_at)
		return false;
	if (now - retx->first_sent >= ike->timeout)
		return true;
	rv_log_debug(IKE_LOG, "retransmitting (%zu bytes)", retx->len);
	tx(ike, retx->msg, retx->len, retx->frag_id);
	retx->interval = retx->interval * 2 > IKE_RETX_MAX ? IKE_RETX_MAX : retx->interval * 2;
	retx->next_at = now + retx->interval;
	if (retx->next_at > retx->first_sent + ike->timeout)
		retx->next_at = retx->first_sent + ike->timeout;
	return false;
}

void ike_tick(struct ike *ike, usec_t now)
{
	if (ike->state == IKE_STATE_FAILED || ike->state == IKE_STATE_CLOSED)
		return;
	if (ike_probe_tick(ike, now))
		return;
	if (ike_retx_tick(ike, &ike->p1_retx, now)) {
		ike_mm_timeout(ike);
		return;
	}
	ike_frag_rx_tick(&ike->frag_rx, now);
	ike_qm_tick(ike, now);
	ike_dpd_tick(ike, now);
	ike_rekey_tick(ike, now);
	ike_p1rekey_tick(ike, now);
}

usec_t ike_next_deadline(const struct ike *ike)
{
	usec_t d = USEC_INFINITY;

	if (ike->state == IKE_STATE_FAILED || ike->state == IKE_STATE_CLOSED)
		return d;
	if (ike->p1_retx.is_armed)
		d = ike->p1_retx.next_at;
	d = rv_usec_min(d, ike_probe_deadline(ike));
	d = rv_usec_min(d, ike_frag_rx_deadline(&ike->frag_rx));
	d = rv_usec_min(d, ike_dpd_deadline(ike));
	d = rv_usec_min(d, ike_rekey_deadline(ike));
	d = rv_usec_min(d, ike_p1rekey_deadline(ike));
	return rv_usec_min(d, ike_qm_deadline(ike));
}

void ike_close(struct ike *ike, usec_t now)
{
	struct ike_event_info info = { .phase = ike->is_p1_up ? 2 : 1 };

	if (ike->state == IKE_STATE_CLOSED)
		return;
	ike_p1rekey_close(ike);
	if (ike->is_p1_up)
		ike_info_send_deletes(ike, now);
	ike->state = IKE_STATE_CLOSED;
	disarm_all(ike);
	snprintf(info.message, sizeof(info.message), "closed");
	ike_emit(ike, IKE_EVENT_CLOSED, &info);
}
