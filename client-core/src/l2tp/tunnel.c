/*
 * The control connection, LAC side (RFC 2661 5.1, 5.7, 6.1-6.5): SCCRQ,
 * SCCRP, SCCCN, StopCCN and HELLO, with tunnel authentication (4.2, 5.1.1):
 * our Challenge is answered by MD5(2 || secret || challenge) and we answer
 * the gateway's with MD5(3 || secret || challenge).
 *
 * Quirks absorbed: no Challenge is ever sent without a secret (SoftEther does
 * not answer such an SCCRQ); an SCCRP without Receive Window Size means 4
 * (l2tpns); the peer's StopCCN is acked at once, since it may be the last
 * thing it sends, and is also the normal answer to ours (SoftEther).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/log.h"
#include "l2tp-internal.h"

#define L2TP_FRAMING_SYNC 0x1
#define L2TP_FRAMING_ASYNC 0x2
#define L2TP_BEARER_DIGITAL 0x1
#define L2TP_BEARER_ANALOG 0x2
#define L2TP_STOPCCN_NOT_AUTHORIZED 4

static int queue(struct l2tp *l, struct rv_writer *w, enum l2tp_msg_type type, usec_t now,
		 uint16_t *ret_ns)
{
	size_t len = l2tp_ctl_finish(w);

	if (!len)
		return -EMSGSIZE;
	return l2tp_rel_send(l, w->buf, len, type, now, ret_ns);
}

int l2tp_tunnel_send_sccrq(struct l2tp *l, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, 0, 0, L2TP_MSG_SCCRQ);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_PROTOCOL_VERSION, 0x0100);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_FRAMING_CAPABILITIES,
			 L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_BEARER_CAPABILITIES,
			 L2TP_BEARER_DIGITAL | L2TP_BEARER_ANALOG);
	l2tp_avp_put_u16(&w, false, L2TP_AVP_FIRMWARE_REVISION, 0x0100);
	l2tp_avp_put(&w, true, L2TP_AVP_HOST_NAME, l->hostname, strlen(l->hostname));
	l2tp_avp_put(&w, false, L2TP_AVP_VENDOR_NAME, "roadvpn", 7);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, l->tunnel_id);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_RECEIVE_WINDOW_SIZE, l->rws);
	if (l->secret)
		l2tp_avp_put(&w, true, L2TP_AVP_CHALLENGE, l->challenge, sizeof(l->challenge));

	return queue(l, &w, L2TP_MSG_SCCRQ, now, NULL);
}

int l2tp_tunnel_send_stopccn(struct l2tp *l, uint16_t result, uint16_t error, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	const uint8_t rc[4] = { result >> 8, result & 0xff, error >> 8, error & 0xff };

	l2tp_ctl_begin(&w, l->peer_tunnel_id, 0, L2TP_MSG_STOPCCN);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, l->tunnel_id);
	l2tp_avp_put(&w, true, L2TP_AVP_RESULT_CODE, rc, sizeof(rc));
	return queue(l, &w, L2TP_MSG_STOPCCN, now, &l->stopccn_ns);
}

int l2tp_tunnel_send_hello(struct l2tp *l, usec_t now)
{
	uint8_t buf[L2TP_CTL_HDR_LEN + 8];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, l->peer_tunnel_id, 0, L2TP_MSG_HELLO);
	return queue(l, &w, L2TP_MSG_HELLO, now, NULL);
}

/* RFC 2661 4.2: MD5(message type || secret || challenge) */
static int chap_response(const struct l2tp *l, uint8_t msg_type, const uint8_t *challenge,
			 size_t len, uint8_t out[16])
{
	size_t secret_len;
	const uint8_t *secret = rv_secret_reveal(l->secret, &secret_len);
	const struct rv_iov iov[] = { { &msg_type, 1 }, { secret, secret_len }, { challenge, len } };

	return rv_hash_v(RV_HASH_MD5, iov, 3, out);
}

static int send_scccn(struct l2tp *l, const uint8_t *challenge, size_t challenge_len, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	uint8_t response[16];
	int err = 0;

	l2tp_ctl_begin(&w, l->peer_tunnel_id, 0, L2TP_MSG_SCCCN);
	if (challenge) {
		err = chap_response(l, L2TP_MSG_SCCCN, challenge, challenge_len, response);
		l2tp_avp_put(&w, true, L2TP_AVP_CHALLENGE_RESPONSE, response, sizeof(response));
		rv_wipe(response, sizeof(response));
	}

	return err < 0 ? err : queue(l, &w, L2TP_MSG_SCCCN, now, NULL);
}

static int auth_failed(struct l2tp *l, usec_t now, const char *why)
{
	l2tp_tunnel_send_stopccn(l, L2TP_STOPCCN_NOT_AUTHORIZED, 0, now);
	l->state = L2TP_STATE_DONE;
	return l2tp_fail(l, L2TP_FAILURE_TUNNEL_AUTH, "tunnel authentication failed: %s", why);
}

/* Check the gateway's answer to our Challenge, and that we can answer its own. */
static int check_auth(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	const uint8_t *resp;
	uint8_t expect[16];
	size_t len;
	bool is_ok;

	if (!l->secret) {
		if (l2tp_msg_avp(m, L2TP_AVP_CHALLENGE))
			return auth_failed(l, now, "the gateway wants a tunnel secret, none is set");
		return 0;
	}

	if (l2tp_msg_get_bytes(m, L2TP_AVP_CHALLENGE_RESPONSE, &resp, &len) < 0 || len != 16)
		return auth_failed(l, now, "the gateway did not answer our challenge");

	if (chap_response(l, L2TP_MSG_SCCRP, l->challenge, sizeof(l->challenge), expect) < 0)
		return auth_failed(l, now, "MD5 unavailable");

	is_ok = rv_memeq(expect, resp, 16);
	rv_wipe(expect, sizeof(expect));
	return is_ok ? 0 : auth_failed(l, now, "wrong Challenge Response (tunnel secrets differ?)");
}

static int sccrp_error(struct l2tp *l, usec_t now, const char *what)
{
	if (l->peer_tunnel_id)
		l2tp_tunnel_send_stopccn(l, 2, 3, now);
	l->state = L2TP_STATE_DONE;
	return l2tp_fail(l, L2TP_FAILURE_PROTOCOL, "SCCRP: %s", what);
}

static int handle_sccrp(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	const uint8_t *challenge = NULL;
	size_t challenge_len = 0;
	uint16_t version, peer_tid, rws;
	int err;

	if (l->state != L2TP_STATE_WAIT_SCCRP)
		return 0; /* a late copy with a new Ns: acked, nothing else to do */

	if (l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_TUNNEL_ID, &peer_tid) < 0 || !peer_tid)
		return sccrp_error(l, now, "missing or bad Assigned Tunnel ID");
	l->peer_tunnel_id = peer_tid;

	if (l2tp_msg_get_u16(m, L2TP_AVP_PROTOCOL_VERSION, &version) < 0 || version >> 8 != 1)
		return sccrp_error(l, now, "missing or unsupported Protocol Version");
	if (!l2tp_msg_avp(m, L2TP_AVP_FRAMING_CAPABILITIES) || !l2tp_msg_avp(m, L2TP_AVP_HOST_NAME))
		return sccrp_error(l, now, "missing Framing Capabilities or Host Name");

	err = check_auth(l, m, now);
	if (err < 0)
		return err;

	if (l->secret && l2tp_msg_get_bytes(m, L2TP_AVP_CHALLENGE, &challenge, &challenge_len) < 0)
		challenge = NULL;
	if (challenge && !challenge_len)
		return auth_failed(l, now, "empty Challenge from the gateway");

	if (!l2tp_msg_get_u16(m, L2TP_AVP_RECEIVE_WINDOW_SIZE, &rws) && rws)
		l->rel.peer_rws = rws;

	rv_log_debug("l2tp", "SCCRP: peer tunnel %u, window %u", peer_tid, l->rel.peer_rws);
	err = send_scccn(l, challenge, challenge_len, now);
	if (!err)
		err = l2tp_call_send_icrq(l, now);
	if (err < 0)
		return l2tp_fail(l, L2TP_FAILURE_PROTOCOL, "cannot send SCCCN/ICRQ (%d)", err);

	l->state = L2TP_STATE_WAIT_ICRP;
	l2tp_emit(l, L2TP_EVENT_TUNNEL_UP);
	return 0;
}

static int handle_stopccn(struct l2tp *l, const struct l2tp_ctl_msg *m)
{
	struct l2tp_event_info info = { .failure = L2TP_FAILURE_PEER_STOPCCN };
	bool was_closing = l->state == L2TP_STATE_CLOSING;
	uint16_t tid;

	/* A StopCCN answering our SCCRQ is the first time we hear the peer's id. */
	if (!l->peer_tunnel_id && !l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_TUNNEL_ID, &tid))
		l->peer_tunnel_id = tid;

	/* RFC 2661 5.7: ack now; the peer may tear down right after */
	l2tp_rel_send_zlb(l);
	if (l->state == L2TP_STATE_DONE)
		return 0;

	l2tp_tunnel_gone(l);
	if (was_closing || l->has_failed)
		return 0;

	l2tp_describe_result(m, &info);
	return l2tp_emit_failed(l, &info);
}

int l2tp_tunnel_handle(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	switch (m->type) {
	case L2TP_MSG_SCCRP:
		return handle_sccrp(l, m, now);
	case L2TP_MSG_STOPCCN:
		return handle_stopccn(l, m);
	case L2TP_MSG_HELLO:
		/* Only an ack is due, and it is already scheduled. */
		return 0;
	default:
		return 0;
	}
}
