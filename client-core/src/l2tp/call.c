/*
 * The incoming call, LAC side (RFC 2661 5.2.1, 6.10-6.12, 6.14): ICRQ, ICRP,
 * ICCN, and CDN both ways. One call per tunnel, as a voluntary tunnel has.
 *
 * Quirks absorbed: a CDN for a session id that is not ours (l2tpns keeps
 * retransmitting CDNs for an old session) is acked and ignored; SoftEther
 * answers our CDN with its own, which is acked and ignored while closing;
 * WEN and SLI (Meraki sends SLI) are acked and otherwise ignored.
 */
#include <errno.h>
#include <stddef.h>

#include "util/log.h"
#include "l2tp-internal.h"

#define L2TP_FRAMING_TYPE_SYNC 0x1
#define L2TP_CONNECT_SPEED 100000000u

static int queue(struct l2tp *l, struct rv_writer *w, enum l2tp_msg_type type, usec_t now)
{
	size_t len = l2tp_ctl_finish(w);

	if (!len)
		return -EMSGSIZE;
	return l2tp_rel_send(l, w->buf, len, type, now, NULL);
}

int l2tp_call_send_icrq(struct l2tp *l, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, l->peer_tunnel_id, 0, L2TP_MSG_ICRQ);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_SESSION_ID, l->session_id);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_CALL_SERIAL_NUMBER, l->call_serial);
	return queue(l, &w, L2TP_MSG_ICRQ, now);
}

static int send_iccn(struct l2tp *l, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, l->peer_tunnel_id, l->peer_session_id, L2TP_MSG_ICCN);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_TX_CONNECT_SPEED, L2TP_CONNECT_SPEED);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_FRAMING_TYPE, L2TP_FRAMING_TYPE_SYNC);
	l2tp_avp_put_u32(&w, false, L2TP_AVP_RX_CONNECT_SPEED, L2TP_CONNECT_SPEED);
	return queue(l, &w, L2TP_MSG_ICCN, now);
}

int l2tp_call_send_cdn(struct l2tp *l, uint16_t result, uint16_t error, usec_t now)
{
	uint8_t buf[L2TP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	const uint8_t rc[4] = { result >> 8, result & 0xff, error >> 8, error & 0xff };

	/* Session id 0 when the gateway has not assigned one yet (RFC 2661 5.2.1) */
	l2tp_ctl_begin(&w, l->peer_tunnel_id, l->peer_session_id, L2TP_MSG_CDN);
	l2tp_avp_put(&w, true, L2TP_AVP_RESULT_CODE, rc, error ? 4 : 2);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_SESSION_ID, l->session_id);
	return queue(l, &w, L2TP_MSG_CDN, now);
}

static int call_error(struct l2tp *l, usec_t now, const char *what)
{
	l2tp_call_send_cdn(l, 2, 3, now);
	l->state = L2TP_STATE_NO_CALL;
	return l2tp_fail(l, L2TP_FAILURE_PROTOCOL, "ICRP: %s", what);
}

static int handle_icrp(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	uint16_t peer_sid;
	int err;

	if (l->state != L2TP_STATE_WAIT_ICRP || m->session_id != l->session_id)
		return 0;

	if (l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_SESSION_ID, &peer_sid) < 0 || !peer_sid)
		return call_error(l, now, "missing or bad Assigned Session ID");

	l->peer_session_id = peer_sid;
	/* RFC 2661 4.4.6: the LNS wants sequenced data */
	if (l2tp_msg_avp(m, L2TP_AVP_SEQUENCING_REQUIRED))
		l->is_data_seq = true;

	err = send_iccn(l, now);
	if (err < 0)
		return l2tp_fail(l, L2TP_FAILURE_PROTOCOL, "cannot send ICCN (%d)", err);

	rv_log_debug("l2tp", "ICRP: peer session %u, data %s", peer_sid,
		     l->is_data_seq ? "sequenced" : "unsequenced");
	l->state = L2TP_STATE_SESSION_UP;
	l2tp_emit(l, L2TP_EVENT_SESSION_UP);
	return 0;
}

static int handle_cdn(struct l2tp *l, const struct l2tp_ctl_msg *m)
{
	struct l2tp_event_info info = { .failure = L2TP_FAILURE_PEER_CDN };

	/* RFC 2661 5.7 asks for an ack of the CDN; send it now, we may be torn down next */
	l2tp_rel_send_zlb(l);
	if (m->session_id != l->session_id) {
		rv_log_debug("l2tp", "CDN for session %u, not ours (%u): ignored", m->session_id,
			     l->session_id);
		return 0;
	}

	if (l->state != L2TP_STATE_WAIT_ICRP && l->state != L2TP_STATE_SESSION_UP)
		return 0;

	l->state = L2TP_STATE_NO_CALL;
	l2tp_describe_result(m, &info);
	return l2tp_emit_failed(l, &info);
}

int l2tp_call_handle(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	switch (m->type) {
	case L2TP_MSG_ICRP:
		return handle_icrp(l, m, now);
	case L2TP_MSG_CDN:
		return handle_cdn(l, m);
	default:
		/* WEN, SLI: the delayed ack is all they need. */
		return 0;
	}
}
