/*
 * L2TP LAC glue (RFC 2661): object life cycle, the control message
 * dispatcher, timers, and teardown. One tunnel, one incoming call.
 *
 * RFC 2661 4.1 unknown mandatory AVPs: in a call message the call is
 * disconnected (CDN, result 2 error 8), otherwise the tunnel is closed
 * (StopCCN, result 2 error 8). Messages for tunnel ids that are not ours are
 * not answered at all: l2tpns keeps retransmitting CDNs to the ids of an old
 * connection from the same address, and they must not touch this one.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/log.h"
#include "l2tp-internal.h"

#define L2TP_HOSTNAME_MAX 255
#define L2TP_ERROR_UNKNOWN_M_AVP 8

/* ---- events ---- */

static struct l2tp_event_info base_info(const struct l2tp *l)
{
	return (struct l2tp_event_info){ .peer_tunnel_id = l->peer_tunnel_id,
					 .peer_session_id = l->peer_session_id };
}

void l2tp_emit(struct l2tp *l, enum l2tp_event ev)
{
	struct l2tp_event_info info = base_info(l);

	if (ev == L2TP_EVENT_CLOSED)
		l->is_closed = true;
	if (l->ops.event)
		l->ops.event(l->user_data, ev, &info);
}

int l2tp_emit_failed(struct l2tp *l, struct l2tp_event_info *info)
{
	rv_log_debug("l2tp", "failed: %s", info->message);
	if (l->has_failed)
		return -EPROTO;

	l->has_failed = true;
	info->peer_tunnel_id = l->peer_tunnel_id;
	info->peer_session_id = l->peer_session_id;
	if (l->ops.event)
		l->ops.event(l->user_data, L2TP_EVENT_FAILED, info);
	return -EPROTO;
}

int l2tp_fail(struct l2tp *l, enum l2tp_failure failure, const char *fmt, ...)
{
	struct l2tp_event_info info = base_info(l);
	va_list ap;

	info.failure = failure;
	va_start(ap, fmt);
	vsnprintf(info.message, sizeof(info.message), fmt, ap);
	va_end(ap);
	return l2tp_emit_failed(l, &info);
}

void l2tp_tunnel_gone(struct l2tp *l)
{
	bool was_closing = l->state == L2TP_STATE_CLOSING;

	l->state = L2TP_STATE_DONE;
	l->rel.count = 0;
	if (was_closing)
		l2tp_emit(l, L2TP_EVENT_CLOSED);
}

/* ---- result codes (RFC 2661 4.4.2) ---- */

static const char *stopccn_result_text(uint16_t result)
{
	static const char *const text[] = {
		[1] = "general request to clear the control connection",
		[2] = "general error",
		[3] = "control connection already exists",
		[4] = "requester is not authorized",
		[5] = "protocol version not supported",
		[6] = "requester is being shut down",
		[7] = "finite state machine error",
	};

	return result < sizeof(text) / sizeof(text[0]) && text[result] ? text[result] :
									  "unknown result";
}

static const char *cdn_result_text(uint16_t result)
{
	static const char *const text[] = {
		[1] = "loss of carrier",
		[2] = "general error",
		[3] = "administrative reasons",
		[4] = "no facilities available (temporary)",
		[5] = "no facilities available (permanent)",
		[6] = "invalid destination",
		[7] = "no carrier detected",
		[8] = "busy signal",
		[9] = "no dial tone",
		[10] = "call not established in time",
		[11] = "no framing detected",
	};

	return result < sizeof(text) / sizeof(text[0]) && text[result] ? text[result] :
									  "unknown result";
}

static const char *error_code_text(uint16_t error)
{
	static const char *const text[] = {
		[0] = "no general error",
		[1] = "no control connection exists yet",
		[2] = "length is wrong",
		[3] = "field value out of range",
		[4] = "insufficient resources",
		[5] = "invalid session id",
		[6] = "vendor-specific error",
		[7] = "try another LNS",
		[8] = "unknown mandatory AVP",
	};

	return error < sizeof(text) / sizeof(text[0]) ? text[error] : "unknown error";
}

static void append_error(struct l2tp_event_info *info, size_t at, const uint8_t *v, size_t len)
{
	char text[96];

	info->error_code = (uint16_t)(v[2] << 8 | v[3]);
	if (len > 4) {
		rv_log_escape(text, sizeof(text), v + 4, len - 4);
		snprintf(info->message + at, sizeof(info->message) - at, ", error %u '%s')",
			 info->error_code, text);
	} else {
		snprintf(info->message + at, sizeof(info->message) - at, ", error %u: %s)",
			 info->error_code, error_code_text(info->error_code));
	}
}

void l2tp_describe_result(const struct l2tp_ctl_msg *m, struct l2tp_event_info *info)
{
	bool is_cdn = m->type == L2TP_MSG_CDN;
	const char *who = is_cdn ? "gateway disconnected the call" : "gateway closed the tunnel";
	const uint8_t *v;
	size_t len;
	int n;

	/* RFC 2661 4.4.2: the Error Code is optional, so 2 bytes are a whole AVP */
	if (l2tp_msg_get_bytes(m, L2TP_AVP_RESULT_CODE, &v, &len) < 0 || len < 2) {
		snprintf(info->message, sizeof(info->message), "%s (no result code)", who);
		return;
	}

	info->result_code = (uint16_t)(v[0] << 8 | v[1]);
	n = snprintf(info->message, sizeof(info->message), "%s: %s (result %u", who,
		     is_cdn ? cdn_result_text(info->result_code) :
			      stopccn_result_text(info->result_code),
		     info->result_code);
	if (n < 0 || (size_t)n >= sizeof(info->message))
		return;

	if (len >= 4)
		append_error(info, (size_t)n, v, len);
	else
		snprintf(info->message + n, sizeof(info->message) - (size_t)n, ")");
}

/* ---- control message dispatch ---- */

static bool is_known_message(uint16_t type)
{
	return type >= L2TP_MSG_SCCRQ && type <= L2TP_MSG_SLI && type != 5 && type != 13;
}

static bool is_call_message(uint16_t type)
{
	return type >= L2TP_MSG_OCRQ && type <= L2TP_MSG_SLI;
}

static int unknown_mandatory(struct l2tp *l, const struct l2tp_ctl_msg *m,
			     const struct l2tp_avp *a, usec_t now)
{
	const char *name = l2tp_msg_type_name(m->type);
	bool has_call = l->state == L2TP_STATE_WAIT_ICRP || l->state == L2TP_STATE_SESSION_UP;
	uint16_t tid;

	if (is_call_message(m->type) && has_call) {
		l2tp_call_send_cdn(l, 2, L2TP_ERROR_UNKNOWN_M_AVP, now);
		l->state = L2TP_STATE_NO_CALL;
		return l2tp_fail(l, L2TP_FAILURE_PROTOCOL,
				 "%s carries an unknown mandatory AVP (vendor %u, type %u)", name,
				 a ? a->vendor : 0, a ? a->type : 0);
	}

	if (is_call_message(m->type))
		return 0;

	if (m->type == L2TP_MSG_SCCRP && l->state == L2TP_STATE_WAIT_SCCRP &&
	    !l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_TUNNEL_ID, &tid))
		l->peer_tunnel_id = tid;
	if (l->peer_tunnel_id)
		l2tp_tunnel_send_stopccn(l, 2, L2TP_ERROR_UNKNOWN_M_AVP, now);

	l->state = L2TP_STATE_DONE;
	if (!a)
		return l2tp_fail(l, L2TP_FAILURE_PROTOCOL, "unknown mandatory message type %u",
				 m->type);
	return l2tp_fail(l, L2TP_FAILURE_PROTOCOL,
			 "%s carries an unknown mandatory AVP (vendor %u, type %u)", name,
			 a->vendor, a->type);
}

static int dispatch(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	const struct l2tp_avp *bad = l2tp_msg_unknown_mandatory(m);

	if (!is_known_message(m->type)) {
		if (m->avps[0].is_mandatory)
			return unknown_mandatory(l, m, NULL, now);
		return 0;
	}

	/* A StopCCN or CDN ends things anyway: honour it whatever else it carries. */
	if (bad && m->type != L2TP_MSG_STOPCCN && m->type != L2TP_MSG_CDN)
		return unknown_mandatory(l, m, bad, now);

	if (is_call_message(m->type))
		return l2tp_call_handle(l, m, now);
	return l2tp_tunnel_handle(l, m, now);
}

static void check_close_acked(struct l2tp *l)
{
	if (l->state == L2TP_STATE_CLOSING && l2tp_rel_is_acked(l, l->stopccn_ns))
		l2tp_tunnel_gone(l);
}

static int ctl_rx(struct l2tp *l, const uint8_t *data, size_t len, usec_t now)
{
	struct l2tp_ctl_msg *m = &l->msg;

	if (l2tp_ctl_parse(data, len, l->secret, m) < 0) {
		rv_log_debug("l2tp", "malformed control message (%zu bytes) dropped", len);
		return -EBADMSG;
	}

	if (m->tunnel_id != l->tunnel_id) {
		rv_log_debug("l2tp", "%s for tunnel %u, not ours (%u): ignored",
			     l2tp_msg_type_name(m->type), m->tunnel_id, l->tunnel_id);
		return -ENOMSG;
	}

	rv_log_debug("l2tp", "rx %s ns=%u nr=%u", l2tp_msg_type_name(m->type), m->ns, m->nr);
	l->last_rx = now;
	switch (l2tp_rel_rx(l, m, now)) {
	case L2TP_REL_DUPLICATE:
	case L2TP_REL_OUT_OF_ORDER:
		return -EAGAIN;
	case L2TP_REL_ACK_ONLY:
		check_close_acked(l);
		return 0;
	case L2TP_REL_NEW:
		break;
	}

	check_close_acked(l);
	if (l->state == L2TP_STATE_DONE) {
		/* Ack now: after CLOSED or FAILED we may not be ticked again. */
		l2tp_rel_send_zlb(l);
		return 0;
	}
	return dispatch(l, m, now);
}

/*
 * One UDP payload from the gateway: a control or a data message. Returns 0,
 * -EBADMSG, -ENOMSG, -EAGAIN or -EPROTO (see l2tp.h).
 */
int l2tp_rx(struct l2tp *l, const uint8_t *data, size_t len, usec_t now)
{
	struct rv_reader r = rv_reader_init(data, len);
	uint16_t flags;

	if (!rv_reader_u16(&r, &flags))
		return -EBADMSG;
	if (l->state == L2TP_STATE_IDLE)
		return -ENOMSG;

	if (flags & L2TP_HDR_T)
		return ctl_rx(l, data, len, now);
	return l2tp_data_rx(l, data, len, now);
}

/* ---- timers ---- */

static bool wants_hello(const struct l2tp *l)
{
	switch (l->state) {
	case L2TP_STATE_WAIT_ICRP:
	case L2TP_STATE_SESSION_UP:
	case L2TP_STATE_NO_CALL:
		/* Anything in flight already probes the peer. */
		return l2tp_rel_is_idle(l);
	case L2TP_STATE_IDLE:
	case L2TP_STATE_WAIT_SCCRP:
	case L2TP_STATE_CLOSING:
	case L2TP_STATE_DONE:
		return false;
	}

	return false;
}

static void give_up(struct l2tp *l, uint16_t type, unsigned int tries)
{
	bool is_quiet = l->state == L2TP_STATE_CLOSING || l->state == L2TP_STATE_DONE;

	l2tp_tunnel_gone(l);
	if (!is_quiet)
		l2tp_fail(l, L2TP_FAILURE_NO_ANSWER, "no answer to %s after %u tries",
			  l2tp_msg_type_name(type), tries);
}

void l2tp_tick(struct l2tp *l, usec_t now)
{
	unsigned int tries;
	uint16_t type;

	if (l->state == L2TP_STATE_IDLE)
		return;

	if (l2tp_rel_tick(l, now, &type, &tries) == -ETIMEDOUT) {
		give_up(l, type, tries);
		return;
	}

	if (l->state == L2TP_STATE_CLOSING && now >= l->close_deadline) {
		rv_log_debug("l2tp", "StopCCN not acknowledged in time: closing anyway");
		l2tp_tunnel_gone(l);
		return;
	}

	if (wants_hello(l) && now >= l->last_rx + l->hello_interval) {
		/* The HELLO's ack moves last_rx; until then the retransmit timer runs. */
		l2tp_tunnel_send_hello(l, now);
	}
}

usec_t l2tp_next_deadline(const struct l2tp *l)
{
	usec_t t = l2tp_rel_deadline(l);

	if (l->state == L2TP_STATE_CLOSING)
		t = rv_usec_min(t, l->close_deadline);
	if (wants_hello(l))
		t = rv_usec_min(t, l->last_rx + l->hello_interval);
	return t;
}

/* ---- life cycle ---- */

struct l2tp *l2tp_new(const struct l2tp_config *cfg, const struct l2tp_ops *ops, void *user_data)
{
	struct l2tp *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;

	l->ops = *ops;
	l->user_data = user_data;
	l->hostname = strndup(cfg->hostname && *cfg->hostname ? cfg->hostname : "roadvpn",
			      L2TP_HOSTNAME_MAX);
	/* An empty secret (a profile with "secret=") means no tunnel authentication. */
	if (cfg->secret && rv_secret_len(cfg->secret))
		l->secret = rv_secret_dup(cfg->secret);
	if (!l->hostname || (cfg->secret && rv_secret_len(cfg->secret) && !l->secret))
		return l2tp_free(l), NULL;

	l->rws = cfg->receive_window ? cfg->receive_window : L2TP_DEFAULT_RWS;
	l->max_retransmits = cfg->max_retransmits ? cfg->max_retransmits :
						    L2TP_DEFAULT_MAX_RETRANSMITS;
	l->rtx_initial = cfg->retransmit_initial ? cfg->retransmit_initial :
						   L2TP_DEFAULT_RTX_INITIAL;
	l->hello_interval = cfg->hello_interval ? cfg->hello_interval : L2TP_DEFAULT_HELLO;
	l->want_seq_data = cfg->sequence_data;
	l2tp_rel_init(&l->rel);
	return l;
}

void l2tp_free(struct l2tp *l)
{
	if (!l)
		return;

	rv_secret_free(l->secret);
	free(l->hostname);
	rv_wipe(l, sizeof(*l));
	free(l);
}

static uint16_t random_id(void)
{
	uint16_t id;

	/* RFC 2661 3.1: 0 is reserved */
	do
		id = (uint16_t)rv_random_u32();
	while (!id);
	return id;
}

/* Fresh ids per connection: a gateway may still hold the previous ones (l2tpns). */
int l2tp_start(struct l2tp *l, usec_t now)
{
	if (l->state != L2TP_STATE_IDLE)
		return -EBUSY;
	if (rv_random_bytes(l->challenge, sizeof(l->challenge)) < 0)
		return -EIO;

	l->tunnel_id = random_id();
	l->session_id = random_id();
	l->call_serial = rv_random_u32();
	l->is_data_seq = l->want_seq_data;
	l->last_rx = now;
	l->state = L2TP_STATE_WAIT_SCCRP;
	rv_log_debug("l2tp", "start: tunnel %u, session %u", l->tunnel_id, l->session_id);
	return l2tp_tunnel_send_sccrq(l, now);
}

/*
 * Tear down: CDN (administrative) and StopCCN, then CLOSED once the StopCCN
 * is acked, the gateway sends its own StopCCN, or L2TP_CLOSE_TIMEOUT passes.
 * Also valid after FAILED; every close ends with exactly one CLOSED.
 */
void l2tp_close(struct l2tp *l, usec_t now)
{
	switch (l->state) {
	case L2TP_STATE_IDLE:
	case L2TP_STATE_WAIT_SCCRP:
	case L2TP_STATE_DONE:
		l->state = L2TP_STATE_DONE;
		l->rel.count = 0;
		if (!l->is_closed)
			l2tp_emit(l, L2TP_EVENT_CLOSED);
		return;
	case L2TP_STATE_WAIT_ICRP:
	case L2TP_STATE_SESSION_UP:
		l2tp_call_send_cdn(l, 3, 0, now);
		/* fall through */
	case L2TP_STATE_NO_CALL:
		l->state = L2TP_STATE_CLOSING;
		l->close_deadline = now + L2TP_CLOSE_TIMEOUT;
		if (l2tp_tunnel_send_stopccn(l, 1, 0, now) < 0)
			l2tp_tunnel_gone(l);
		return;
	case L2TP_STATE_CLOSING:
		return;
	}
}

bool l2tp_is_session_up(const struct l2tp *l)
{
	return l->state == L2TP_STATE_SESSION_UP;
}
