/*
 * Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): Notify and Delete,
 * protected by HASH(1) once phase 1 is up; DPD (RFC 3706) R-U-THERE answered
 * with R-U-THERE-ACK (and our own probes' ACKs handed to dpd.c); Deletes
 * sent on close and for a child SA replaced by a rekey.
 *
 * Before phase 1 is up the gateway can only send cleartext notifies; they
 * are unauthenticated but they are all a user will ever get, so they end
 * the negotiation with the reason they name. After MM5, PAYLOAD_MALFORMED,
 * INVALID_PAYLOAD_TYPE, INVALID_HASH_INFORMATION, AUTHENTICATION_FAILED and
 * (SoftEther, after retransmitting MM4 a while) INVALID_COOKIE all mean the
 * gateway could not decrypt or verify us: a PSK mismatch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

static const char *notify_name(uint16_t type)
{
	switch (type) {
	case ISAKMP_N_INVALID_PAYLOAD_TYPE:
		return "INVALID-PAYLOAD-TYPE";
	case ISAKMP_N_INVALID_COOKIE:
		return "INVALID-COOKIE";
	case ISAKMP_N_INVALID_EXCHANGE_TYPE:
		return "INVALID-EXCHANGE-TYPE";
	case ISAKMP_N_INVALID_SPI:
		return "INVALID-SPI";
	case ISAKMP_N_NO_PROPOSAL_CHOSEN:
		return "NO-PROPOSAL-CHOSEN";
	case ISAKMP_N_PAYLOAD_MALFORMED:
		return "PAYLOAD-MALFORMED";
	case ISAKMP_N_INVALID_KEY_INFORMATION:
		return "INVALID-KEY-INFORMATION";
	case ISAKMP_N_INVALID_ID_INFORMATION:
		return "INVALID-ID-INFORMATION";
	case ISAKMP_N_INVALID_HASH_INFORMATION:
		return "INVALID-HASH-INFORMATION";
	case ISAKMP_N_AUTHENTICATION_FAILED:
		return "AUTHENTICATION-FAILED";
	}
	return "error";
}

/* SoftEther drops the half-open SA after failing to decrypt MM5: INVALID-COOKIE. */
static bool means_wrong_psk(uint16_t type)
{
	return type == ISAKMP_N_PAYLOAD_MALFORMED || type == ISAKMP_N_INVALID_PAYLOAD_TYPE ||
	       type == ISAKMP_N_INVALID_HASH_INFORMATION ||
	       type == ISAKMP_N_AUTHENTICATION_FAILED || type == ISAKMP_N_INVALID_COOKIE ||
	       type == ISAKMP_N_INVALID_KEY_INFORMATION;
}

/* An error notify while phase 1 is being negotiated. */
static int phase1_error(struct ike *ike, uint16_t type, usec_t now)
{
	if (type == ISAKMP_N_NO_PROPOSAL_CHOSEN && ike->state == IKE_STATE_MM_I1 &&
	    ike_probe_refused(ike, now))
		return 0;
	if (type == ISAKMP_N_NO_PROPOSAL_CHOSEN)
		return ike_probe_fail(ike, type);
	if (ike->state == IKE_STATE_MM_I3 && means_wrong_psk(type))
		return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, type,
				"authentication failed — %s (gateway said %s)", ike_auth_hint(ike),
				notify_name(type));
	if (type == ISAKMP_N_AUTHENTICATION_FAILED)
		return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, type,
				"authentication failed (gateway said AUTHENTICATION-FAILED)");
	if (type == ISAKMP_N_INVALID_ID_INFORMATION)
		return ike_fail(ike, 1, IKE_FAILURE_INVALID_ID, type,
				"gateway refused our identity (INVALID-ID-INFORMATION); "
				"check local-id");
	return ike_fail(ike, 1, IKE_FAILURE_PEER_ERROR, type, "gateway reported %s (%u)",
			notify_name(type), type);
}

/* An error notify after phase 1: it concerns our Quick Mode, if one is pending. */
static int phase2_error(struct ike *ike, uint16_t type, usec_t now)
{
	bool has_pending = false;

	for (size_t i = 0; i < IKE_MAX_QM; i++)
		has_pending |= ike->qm[i].state == IKE_QM_I_WAIT2;
	if (!has_pending) {
		rv_log_debug(IKE_LOG, "gateway notify %s (%u) ignored", notify_name(type), type);
		return 0;
	}
	if (type == ISAKMP_N_NO_PROPOSAL_CHOSEN || type == ISAKMP_N_INVALID_ID_INFORMATION) {
		ike_qm_refused(ike, type, now);
		return ike->state == IKE_STATE_ESTABLISHED ? 0 : -EPROTO;
	}
	return ike_fail(ike, 2, IKE_FAILURE_PEER_ERROR, type,
			"gateway refused Quick Mode: %s (%u)", notify_name(type), type);
}

static void send_dpd_ack(struct ike *ike, const struct ike_notify *n)
{
	uint8_t body[8 + 16 + 4];
	struct rv_writer w = rv_writer_init(body, sizeof(body));

	if (n->spi_len != 16 || n->data_len != 4)
		return;
	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&w, 16);
	rv_writer_u16(&w, ISAKMP_N_DPD_R_U_THERE_ACK);
	rv_writer_bytes(&w, n->spi, 16);
	rv_writer_bytes(&w, n->data, 4);
	ike_info_send(ike, ISAKMP_PL_N, body, w.len);
}

static int handle_notify(struct ike *ike, const struct ike_payload *p, usec_t now)
{
	struct ike_notify n;

	if (ike_notify_parse(p, &n) < 0)
		return -EBADMSG;
	rv_log_debug(IKE_LOG, "gateway notify %u", n.type);
	if (n.type < 16384)
		return ike->is_p1_up ? phase2_error(ike, n.type, now) : phase1_error(ike, n.type, now);
	if (!ike->is_p1_up)
		return 0;
	switch (n.type) {
	case ISAKMP_N_DPD_R_U_THERE:
		send_dpd_ack(ike, &n);
		break;
	case ISAKMP_N_DPD_R_U_THERE_ACK:
		ike_dpd_ack(ike, &n, now);
		break;
	case ISAKMP_N_CONNECTED:
		ike_qm_connected(ike, now);
		break;
	}
	return 0;
}

static bool spi_matches(const struct ike_child_sa *c, const uint8_t *spi)
{
	uint32_t v = (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 | (uint32_t)spi[2] << 8 |
		     spi[3];

	return v == c->spi_out || v == c->spi_in;
}

static void delete_child(struct ike *ike, size_t i)
{
	struct ike_event_info info = { .phase = 2, .child = ike->children[i] };

	memmove(&ike->children[i], &ike->children[i + 1],
		sizeof(ike->children[0]) * (ike->n_children - i - 1));
	ike->n_children--;
	ike_rekey_child_gone(ike, info.child.spi_in);
	snprintf(info.message, sizeof(info.message),
		 "gateway deleted the IPsec SA %s (SPI in %08x, out %08x)", info.child.description,
		 info.child.spi_in, info.child.spi_out);
	ike_emit(ike, IKE_EVENT_CHILD_DELETED, &info);
}

static void handle_esp_delete(struct ike *ike, const struct ike_delete *d)
{
	for (uint16_t k = 0; k < d->count; k++) {
		const uint8_t *spi = d->spis + (size_t)k * 4;

		for (size_t i = 0; i < ike->n_children; i++) {
			if (spi_matches(&ike->children[i], spi)) {
				delete_child(ike, i);
				break;
			}
		}
	}
}

/* ESP deletes first, so the caller hears about the child before the whole SA goes. */
static int handle_deletes(struct ike *ike, const struct ike_msg *m)
{
	bool is_isakmp_gone = false;

	for (size_t i = 0; i < m->n; i++) {
		struct ike_delete d;

		if (m->pl[i].type != ISAKMP_PL_D)
			continue;
		if (ike_delete_parse(&m->pl[i], &d) < 0)
			return -EBADMSG;
		if (d.protocol == ISAKMP_PROTO_ESP && d.spi_len == 4)
			handle_esp_delete(ike, &d);
		else if (d.protocol == ISAKMP_PROTO_ISAKMP && d.spi_len == 16 &&
			 !memcmp(d.spis, ike->cky_i, 8) && !memcmp(d.spis + 8, ike->cky_r, 8))
			is_isakmp_gone = true;
	}
	if (is_isakmp_gone && ike_p1rekey_old_deleted(ike))
		return 0;
	if (is_isakmp_gone)
		return ike_fail(ike, 1, IKE_FAILURE_PEER_DELETED, 0,
				"gateway deleted the IKE SA (it closed the connection)");
	return 0;
}

int ike_info_rx(struct ike *ike, struct ike_msg *m, bool was_encrypted, usec_t now)
{
	int r = 0;

	if (was_encrypted) {
		if (ike_check_hash(ike, m, NULL, 0) < 0) {
			if (ike->state == IKE_STATE_MM_I3)
				return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, 0,
						"authentication failed — %s (the gateway's "
						"notify does not verify)", ike_auth_hint(ike));
			return -EBADMSG;
		}
	} else if (ike->is_p1_up) {
		/* unauthenticated once we have keys: anyone could have sent it */
		return -EBADMSG;
	}
	r = handle_deletes(ike, m);
	for (size_t i = 0; r == 0 && i < m->n; i++)
		if (m->pl[i].type == ISAKMP_PL_N)
			r = handle_notify(ike, &m->pl[i], now);
	return r;
}

int ike_info_send(struct ike *ike, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t buf[512], iv[16];
	struct ike_builder b;
	size_t hash_at, out_len;
	uint32_t mid;

	if (rv_random_bytes(&mid, sizeof(mid)) < 0 ||
	    ike_iv_phase2(&ike->keys, ike_p1_hash(ike), ike->p1_iv, mid, iv) < 0)
		return -EIO;
	hash_at = ike_begin_hashed(ike, &b, buf, sizeof(buf), ISAKMP_EXCH_INFO, mid);
	ike_build_payload(&b, type, body, len);
	if (ike_finish_hashed(ike, &b, hash_at, NULL, 0, iv, &out_len) < 0)
		return -ENOSPC;
	return ike->ops.tx(ike->user_data, buf, out_len, ike->is_natt);
}

static void send_delete(struct ike *ike, uint8_t protocol, const uint8_t *spi, uint8_t spi_len)
{
	uint8_t body[12 + 16];
	struct rv_writer w = rv_writer_init(body, sizeof(body));

	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, protocol);
	rv_writer_u8(&w, spi_len);
	rv_writer_u16(&w, 1);
	rv_writer_bytes(&w, spi, spi_len);
	ike_info_send(ike, ISAKMP_PL_D, body, w.len);
}

static void send_delete_esp(struct ike *ike, uint32_t v)
{
	uint8_t spi[4] = { v >> 24, v >> 16, v >> 8, v };

	send_delete(ike, ISAKMP_PROTO_ESP, spi, 4);
}

/* A child we replaced: Delete names our inbound SPI (RFC 2408 §3.15: the receiver's). */
int ike_delete_child(struct ike *ike, uint32_t spi_in, usec_t now)
{
	struct ike_event_info info = { .phase = 2 };

	if (ike->state != IKE_STATE_ESTABLISHED)
		return -ENOTCONN;
	send_delete_esp(ike, spi_in);
	for (size_t i = 0; i < ike->n_children; i++) {
		if (ike->children[i].spi_in != spi_in)
			continue;
		info.child = ike->children[i];
		memmove(&ike->children[i], &ike->children[i + 1],
			sizeof(ike->children[0]) * (ike->n_children - i - 1));
		ike->n_children--;
		break;
	}
	info.child.spi_in = spi_in;
	ike_rekey_child_gone(ike, spi_in);
	snprintf(info.message, sizeof(info.message),
		 "deleted the old IPsec SA after the rekey (SPI in %08x, out %08x)", spi_in,
		 info.child.spi_out);
	rv_log_debug(IKE_LOG, "%s", info.message);
	ike_emit(ike, IKE_EVENT_CHILD_DELETED, &info);
	return 0;
}

/* Our inbound SPI for each child (what the gateway sends to), then the ISAKMP SA. */
void ike_info_send_deletes(struct ike *ike, usec_t now)
{
	for (size_t i = 0; i < ike->n_children; i++)
		send_delete_esp(ike, ike->children[i].spi_in);
	ike->n_children = 0;
	ike_info_send_delete_isakmp(ike);
}

void ike_info_send_delete_isakmp(struct ike *ike)
{
	uint8_t cookies[16];

	memcpy(cookies, ike->cky_i, 8);
	memcpy(cookies + 8, ike->cky_r, 8);
	send_delete(ike, ISAKMP_PROTO_ISAKMP, cookies, 16);
}
