/*
 * RFC 1661 section 4: the option-negotiation automaton (state table 4.1,
 * actions 4.4, counters and timers 4.6), one instance per control protocol.
 *
 * Deviations, all on the side of a client that tears the link down anyway:
 * a peer Terminate-Request is acked and then ends the protocol at once
 * (no Stopping wait); a retransmitted Configure-Request identical to the one
 * we acked while Opened is answered again instead of restarting negotiation
 * (a lost Ack must not cost re-authentication); a Configure-Ack while Opened
 * is a duplicate and ignored.
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"
#include "util/log.h"

static const char *state_name(enum ppp_fsm_state s)
{
	switch (s) {
	case PPP_FSM_INITIAL:
		return "initial";
	case PPP_FSM_CLOSED:
		return "closed";
	case PPP_FSM_STOPPED:
		return "stopped";
	case PPP_FSM_CLOSING:
		return "closing";
	case PPP_FSM_STOPPING:
		return "stopping";
	case PPP_FSM_REQ_SENT:
		return "req-sent";
	case PPP_FSM_ACK_RCVD:
		return "ack-rcvd";
	case PPP_FSM_ACK_SENT:
		return "ack-sent";
	case PPP_FSM_OPENED:
		return "opened";
	}

	return "?";
}

int ppp_opt_next(struct rv_reader *r, uint8_t *ret_type, struct rv_reader *ret_val)
{
	uint8_t type, len;

	if (rv_reader_left(r) == 0)
		return 0;

	if (!rv_reader_u8(r, &type) || !rv_reader_u8(r, &len) || len < 2 ||
	    !rv_reader_sub(r, len - 2u, ret_val))
		return -EBADMSG;

	*ret_type = type;
	return 1;
}

void ppp_opt_put(struct rv_writer *w, uint8_t type, const void *val, size_t len)
{
	if (len > 253) {
		w->overflow = true;
		return;
	}

	rv_writer_u8(w, type);
	rv_writer_u8(w, (uint8_t)(len + 2));
	rv_writer_bytes(w, val, len);
}

static int opts_validate(struct rv_reader opts)
{
	struct rv_reader val;
	uint8_t type;
	int r;

	while ((r = ppp_opt_next(&opts, &type, &val)) > 0)
		;
	return r;
}

static unsigned int max_configure(const struct ppp_fsm *f)
{
	return f->ppp->cfg.max_configure;
}

static void set_state(struct ppp_fsm *f, enum ppp_fsm_state s)
{
	if (f->state != s)
		rv_log_debug("ppp", "%s: %s -> %s", f->cls->name, state_name(f->state),
			     state_name(s));
	f->state = s;

	if (s == PPP_FSM_INITIAL || s == PPP_FSM_CLOSED || s == PPP_FSM_STOPPED ||
	    s == PPP_FSM_OPENED)
		f->deadline = USEC_INFINITY;
}

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_class *cls, struct ppp *ppp)
{
	*f = (struct ppp_fsm){
		.cls = cls,
		.ppp = ppp,
		.state = PPP_FSM_INITIAL,
		.deadline = USEC_INFINITY,
	};
}

static void send_conf_req(struct ppp_fsm *f, usec_t now)
{
	struct rv_writer w = rv_writer_init(f->req, sizeof(f->req));

	f->cls->add_opts(f, &w);
	f->req_len = rv_writer_ok(&w) ? w.len : 0;
	f->req_id = ++f->next_id;
	if (f->restart_count > 0)
		f->restart_count--;
	f->deadline = now + f->ppp->cfg.restart_timer;
	ppp_send_ctl(f->ppp, f->cls->proto, PPP_CODE_CONF_REQ, f->req_id, f->req, f->req_len);
}

static void send_term_req(struct ppp_fsm *f, usec_t now)
{
	f->req_id = ++f->next_id;
	if (f->restart_count > 0)
		f->restart_count--;
	f->deadline = now + f->ppp->cfg.restart_timer;
	ppp_send_ctl(f->ppp, f->cls->proto, PPP_CODE_TERM_REQ, f->req_id, NULL, 0);
}

static void send_term_ack(struct ppp_fsm *f, uint8_t id)
{
	ppp_send_ctl(f->ppp, f->cls->proto, PPP_CODE_TERM_ACK, id, NULL, 0);
}

static void this_layer_up(struct ppp_fsm *f, usec_t now)
{
	f->nak_rounds = 0;
	set_state(f, PPP_FSM_OPENED);
	f->cls->up(f, now);
}

static void this_layer_down(struct ppp_fsm *f)
{
	f->has_peer_req = false;
	f->cls->down(f);
}

static void this_layer_finished(struct ppp_fsm *f, enum ppp_fsm_state s, usec_t now)
{
	set_state(f, s);
	f->cls->finished(f, now);
}

void ppp_fsm_open(struct ppp_fsm *f, usec_t now)
{
	switch (f->state) {
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		f->restart_count = max_configure(f);
		f->nak_rounds = 0;
		set_state(f, PPP_FSM_REQ_SENT);
		send_conf_req(f, now);
		return;
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
	case PPP_FSM_OPENED:
		return;
	}
}

void ppp_fsm_close(struct ppp_fsm *f, usec_t now)
{
	switch (f->state) {
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_CLOSING:
		return;
	case PPP_FSM_STOPPED:
		set_state(f, PPP_FSM_CLOSED);
		return;
	case PPP_FSM_STOPPING:
		set_state(f, PPP_FSM_CLOSING);
		return;
	case PPP_FSM_OPENED:
		this_layer_down(f);
		/* fall through */
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		f->restart_count = f->ppp->cfg.max_terminate;
		set_state(f, PPP_FSM_CLOSING);
		send_term_req(f, now);
		return;
	}
}

void ppp_fsm_stop(struct ppp_fsm *f)
{
	if (f->state == PPP_FSM_OPENED)
		this_layer_down(f);
	set_state(f, PPP_FSM_INITIAL);
}

void ppp_fsm_tick(struct ppp_fsm *f, usec_t now)
{
	if (f->deadline == USEC_INFINITY || now < f->deadline)
		return;

	f->deadline = USEC_INFINITY;
	if (f->restart_count == 0) {
		/* TO-: give up */
		this_layer_finished(f, f->state == PPP_FSM_CLOSING ? PPP_FSM_CLOSED : PPP_FSM_STOPPED,
				    now);
		return;
	}

	switch (f->state) {
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
		send_term_req(f, now);
		return;
	case PPP_FSM_ACK_RCVD:
		set_state(f, PPP_FSM_REQ_SENT);
		/* fall through */
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_SENT:
		send_conf_req(f, now);
		return;
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
	case PPP_FSM_OPENED:
		return;
	}
}

/* A cheap fingerprint of a Configure-Request; a match with the same id means a retransmission. */
static uint32_t req_sum(struct rv_reader opts)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < opts.len; i++)
		h = (h ^ opts.data[i]) * 16777619u;
	return h;
}

static bool is_retransmitted_req(const struct ppp_fsm *f, uint8_t id, struct rv_reader opts)
{
	return f->has_peer_req && f->peer_req_id == id && f->peer_req_len == opts.len &&
	       f->peer_req_sum == req_sum(opts);
}

/* The state change after we answered a Configure-Request (RCR+ / RCR-). */
static void after_rcr(struct ppp_fsm *f, bool is_ack, usec_t now)
{
	switch (f->state) {
	case PPP_FSM_ACK_RCVD:
		if (is_ack)
			this_layer_up(f, now);
		return;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_SENT:
		set_state(f, is_ack ? PPP_FSM_ACK_SENT : PPP_FSM_REQ_SENT);
		return;
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_OPENED:
		return;
	}
}

static int rx_conf_req(struct ppp_fsm *f, uint8_t id, struct rv_reader opts, usec_t now)
{
	uint8_t reply[PPP_CTL_MAX];
	struct rv_writer w = rv_writer_init(reply, sizeof(reply));
	uint8_t code;

	switch (f->state) {
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
		return 0;
	case PPP_FSM_CLOSED:
		send_term_ack(f, id);
		return 0;
	case PPP_FSM_OPENED:
		if (is_retransmitted_req(f, id, opts)) {
			ppp_send_ctl(f->ppp, f->cls->proto, PPP_CODE_CONF_ACK, id, opts.data,
				     opts.len);
			return -EAGAIN;
		}
		break;
	case PPP_FSM_STOPPED:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		break;
	}

	code = f->cls->req_opts(f, opts, &w);
	if (f->ppp->has_failed || !rv_writer_ok(&w))
		return f->ppp->has_failed ? -EPROTO : -EBADMSG;

	if (f->state == PPP_FSM_OPENED) {
		this_layer_down(f);
		if (f->ppp->has_failed)
			return -EPROTO;
	}

	if (f->state == PPP_FSM_OPENED || f->state == PPP_FSM_STOPPED) {
		f->restart_count = max_configure(f);
		set_state(f, PPP_FSM_REQ_SENT);
		send_conf_req(f, now);
	}

	if (code == PPP_CODE_CONF_ACK) {
		ppp_send_ctl(f->ppp, f->cls->proto, code, id, opts.data, opts.len);
		f->has_peer_req = true;
		f->peer_req_id = id;
		f->peer_req_len = opts.len;
		f->peer_req_sum = req_sum(opts);
	} else {
		ppp_send_ctl(f->ppp, f->cls->proto, code, id, reply, w.len);
	}

	after_rcr(f, code == PPP_CODE_CONF_ACK, now);
	return 0;
}

static int rx_conf_ack(struct ppp_fsm *f, uint8_t id, struct rv_reader opts, usec_t now)
{
	if (id != f->req_id)
		return 0;

	if (opts.len != f->req_len || memcmp(opts.data, f->req, opts.len) != 0)
		return -EBADMSG;

	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		send_term_ack(f, id);
		return 0;
	case PPP_FSM_REQ_SENT:
		f->restart_count = max_configure(f);
		set_state(f, PPP_FSM_ACK_RCVD);
		return 0;
	case PPP_FSM_ACK_RCVD:
		/* crossed connection: start over */
		set_state(f, PPP_FSM_REQ_SENT);
		send_conf_req(f, now);
		return 0;
	case PPP_FSM_ACK_SENT:
		f->restart_count = max_configure(f);
		this_layer_up(f, now);
		return 0;
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_OPENED:
		return 0;
	}

	return 0;
}

static int rx_conf_nak_rej(struct ppp_fsm *f, uint8_t code, uint8_t id, struct rv_reader opts,
			   usec_t now)
{
	int r;

	if (id != f->req_id)
		return 0;

	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		send_term_ack(f, id);
		return 0;
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_OPENED:
		return 0;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		break;
	}

	r = code == PPP_CODE_CONF_NAK ? f->cls->nak_opts(f, opts) : f->cls->rej_opts(f, opts);
	if (r < 0 || f->ppp->has_failed)
		return f->ppp->has_failed ? -EPROTO : r;

	/* RFC 1661 4.6 Max-Failure, seen from the other side: a peer that never converges. */
	if (++f->nak_rounds > max_configure(f)) {
		this_layer_finished(f, PPP_FSM_STOPPED, now);
		return f->ppp->has_failed ? -EPROTO : 0;
	}

	if (f->state == PPP_FSM_ACK_RCVD)
		set_state(f, PPP_FSM_REQ_SENT);
	f->restart_count = max_configure(f);
	if (r != PPP_FSM_WAIT)
		send_conf_req(f, now);
	return 0;
}

static int rx_term_req(struct ppp_fsm *f, uint8_t id, struct rv_reader data)
{
	enum ppp_fsm_state old = f->state;

	if (old == PPP_FSM_INITIAL)
		return 0;

	send_term_ack(f, id);
	if (old == PPP_FSM_CLOSED || old == PPP_FSM_STOPPED)
		return 0;

	/* The class's terminated() is This-Layer-Down and -Finished in one */
	f->has_peer_req = false;
	set_state(f, old == PPP_FSM_CLOSING ? PPP_FSM_CLOSED : PPP_FSM_STOPPED);
	f->cls->terminated(f, data.data, data.len);
	return f->ppp->has_failed ? -EPROTO : 0;
}

static int rx_term_ack(struct ppp_fsm *f, usec_t now)
{
	switch (f->state) {
	case PPP_FSM_CLOSING:
		this_layer_finished(f, PPP_FSM_CLOSED, now);
		break;
	case PPP_FSM_STOPPING:
		this_layer_finished(f, PPP_FSM_STOPPED, now);
		break;
	case PPP_FSM_ACK_RCVD:
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_OPENED:
		this_layer_down(f);
		if (f->ppp->has_failed)
			break;
		f->restart_count = max_configure(f);
		set_state(f, PPP_FSM_REQ_SENT);
		send_conf_req(f, now);
		break;
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_SENT:
		break;
	}

	return f->ppp->has_failed ? -EPROTO : 0;
}

static int rx_code_rej(struct ppp_fsm *f, struct rv_reader data, usec_t now)
{
	uint8_t code;

	if (!rv_reader_u8(&data, &code))
		return -EBADMSG;

	if (code >= PPP_CODE_CONF_REQ && code <= PPP_CODE_CODE_REJ) {
		/* RXJ-: the peer cannot speak the protocol at all */
		rv_log_debug("ppp", "%s: peer Code-Rejected essential code %u", f->cls->name, code);
		if (f->state == PPP_FSM_OPENED)
			this_layer_down(f);
		this_layer_finished(f, f->state == PPP_FSM_CLOSING ? PPP_FSM_CLOSED : PPP_FSM_STOPPED,
				    now);
		return f->ppp->has_failed ? -EPROTO : 0;
	}

	if (f->cls->code_rejected)
		f->cls->code_rejected(f, code);
	return 0;
}

static void send_code_rej(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	size_t max = ppp_peer_mru(f->ppp) - 4u;

	ppp_send_ctl(f->ppp, f->cls->proto, PPP_CODE_CODE_REJ, ++f->next_id, pkt,
		     len < max ? len : max);
}

static int dispatch(struct ppp_fsm *f, uint8_t code, uint8_t id, struct rv_reader data,
		    const uint8_t *pkt, size_t len, usec_t now)
{
	int r;

	switch (code) {
	case PPP_CODE_CONF_REQ:
		return rx_conf_req(f, id, data, now);
	case PPP_CODE_CONF_ACK:
		return rx_conf_ack(f, id, data, now);
	case PPP_CODE_CONF_NAK:
	case PPP_CODE_CONF_REJ:
		return rx_conf_nak_rej(f, code, id, data, now);
	case PPP_CODE_TERM_REQ:
		return rx_term_req(f, id, data);
	case PPP_CODE_TERM_ACK:
		return rx_term_ack(f, now);
	case PPP_CODE_CODE_REJ:
		return rx_code_rej(f, data, now);
	}

	r = f->cls->ext_code ? f->cls->ext_code(f, code, id, data, now) : -ENOMSG;
	if (r == -ENOMSG) {
		/* RUC: unknown code */
		send_code_rej(f, pkt, len);
		return 0;
	}
	return r;
}

/*
 * One control packet (code, id, length, data) of this protocol. Octets past
 * the length field are padding (RFC 1661 5) and ignored. Returns 0,
 * -EBADMSG, -EAGAIN (retransmission answered) or -EPROTO.
 */
int ppp_fsm_rx(struct ppp_fsm *f, const uint8_t *pkt, size_t len, usec_t now)
{
	struct rv_reader data;
	uint8_t code, id;
	int r;

	r = ppp_ctl_parse(pkt, len, &code, &id, &data);
	if (r < 0)
		return r;

	if (code >= PPP_CODE_CONF_REQ && code <= PPP_CODE_CONF_REJ && opts_validate(data) < 0)
		return -EBADMSG;

	if (f->state == PPP_FSM_INITIAL)
		return 0;

	f->heard_peer = true;
	return dispatch(f, code, id, data, pkt, data.len + 4u, now);
}
