/*
 * The L2TP/PPP side of a session (see link.h): the layers' events become
 * phases, failures and deferred work; frames go between the l2tp and ppp
 * objects and the data path.
 *
 * Real-peer knowledge absorbed here: a CDN or StopCCN while PPP
 * authenticates is how l2tpns reports a wrong password (it sends no CHAP
 * Failure), so it is reported as a likely authentication failure.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "datapath.h"
#include "l2tp/l2tp.h"
#include "link.h"
#include "net/net.h"
#include "pathprobe.h"
#include "sas.h"
#include "util/log.h"

#define L2TP_PORT 1701

void session_link_init(struct session_link *l, struct session_core *core)
{
	*l = (struct session_link){ .core = core, .udp_fd = -1 };
}

void session_link_reset(struct session_link *l)
{
	struct session_core *core = l->core;

	l2tp_free(l->l2tp);
	ppp_free(l->ppp);
	if (l->udp_fd >= 0)
		close(l->udp_fd);
	session_link_init(l, core);
}

/* L2TP events -------------------------------------------------------- */

static void fail_no_answer(struct session_link *l, const struct l2tp_event_info *info)
{
	const char *gw = l->core->gateway_text;

	l->core->evidence.esp_in = l->sas && atomic_load(&l->sas->last_rx);
	l->core->evidence.l2tp_port_unreachable = l->dp && datapath_saw_port_unreachable(l->dp);
	/* Whether any ESP came back tells a blocked path from a missing L2TP server. */
	if (l->sas && !atomic_load(&l->sas->last_rx)) {
		session_fail(l->core, SESSION_REASON_NO_ANSWER, 0,
			     "no L2TP answer from %s through IPsec (%s): not one ESP packet "
			     "came back, so ESP may be blocked on the way",
			     gw, info->message);
		return;
	}
	if (l->sas) {
		session_fail(l->core, SESSION_REASON_NO_ANSWER, 0,
			     "no L2TP answer from %s through IPsec (%s), although ESP flows: "
			     "the gateway may have no L2TP server",
			     gw, info->message);
		return;
	}
	session_fail(l->core, SESSION_REASON_NO_ANSWER, 0, "no answer from %s:1701 (%s)%s", gw,
		     info->message,
		     l->dp && datapath_saw_port_unreachable(l->dp) ?
			     "; it answered ICMP port unreachable: no L2TP server listens there" :
			     "");
}

static void on_l2tp_failed(struct session_link *l, const struct l2tp_event_info *info)
{
	/* The tunnel may still be up (a peer CDN): l2tp_close() ends it and reports CLOSED. */
	l->l2tp_failed = true;

	switch (info->failure) {
	case L2TP_FAILURE_NONE:
	case L2TP_FAILURE_PROTOCOL:
		session_fail(l->core, SESSION_REASON_PROTOCOL, info->result_code, "%s", info->message);
		return;
	case L2TP_FAILURE_NO_ANSWER:
		fail_no_answer(l, info);
		return;
	case L2TP_FAILURE_TUNNEL_AUTH:
		session_fail(l->core, SESSION_REASON_TUNNEL_AUTH, 0,
			     "tunnel authentication failed: %s (wrong L2TP secret?)", info->message);
		return;
	case L2TP_FAILURE_PEER_STOPCCN:
	case L2TP_FAILURE_PEER_CDN:
		break;
	}

	if (l->core->phase == SESSION_PHASE_PPP_AUTH) {
		session_fail(l->core, SESSION_REASON_AUTH_FAILED, info->result_code,
			     "gateway hung up during %s authentication (%s): wrong user name or password?",
			     ppp_auth_method_name(l->auth_method), info->message);
		return;
	}

	session_fail(l->core, SESSION_REASON_PEER_CLOSED, info->result_code, "%s", info->message);
}

static void on_l2tp_event(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info)
{
	struct session_link *l = user_data;

	switch (ev) {
	case L2TP_EVENT_TUNNEL_UP:
		session_enter_phase(l->core, SESSION_PHASE_L2TP_CALL);
		return;
	case L2TP_EVENT_SESSION_UP:
		l->want_ppp_start = true;
		session_schedule(l->core);
		return;
	case L2TP_EVENT_CLOSED:
		l->l2tp_done = true;
		session_schedule(l->core);
		return;
	case L2TP_EVENT_FAILED:
		on_l2tp_failed(l, info);
		return;
	}
}

static int l2tp_tx(void *user_data, const uint8_t *data, size_t len)
{
	struct session_link *l = user_data;

	return l->dp ? datapath_send_l2tp_bytes(l->dp, data, len) : -ENOTCONN;
}

static int l2tp_tx_pkt(void *user_data, struct pkt *p)
{
	struct session_link *l = user_data;

	return l->dp ? datapath_send_l2tp(l->dp, p) : -ENOTCONN;
}

static void l2tp_ppp_rx(void *user_data, const uint8_t *frame, size_t len, usec_t now)
{
	struct session_link *l = user_data;

	if (!l->ppp)
		return;

	ppp_note_rx_activity(l->ppp, now);
	ppp_rx(l->ppp, frame, len, now);
}

/* PPP events --------------------------------------------------------- */

static enum session_reason ppp_failure_reason(enum ppp_failure f)
{
	switch (f) {
	case PPP_FAILURE_NONE:
	case PPP_FAILURE_LCP_NEGOTIATION:
		return SESSION_REASON_PPP_NEGOTIATION;
	case PPP_FAILURE_NO_AUTH_METHOD:
		return SESSION_REASON_NO_AUTH_METHOD;
	case PPP_FAILURE_AUTH_REJECTED:
		return SESSION_REASON_AUTH_FAILED;
	case PPP_FAILURE_AUTH_TIMEOUT:
		return SESSION_REASON_NO_ANSWER;
	case PPP_FAILURE_AUTH_PEER_BAD:
		return SESSION_REASON_GATEWAY_AUTH_BAD;
	case PPP_FAILURE_IPCP:
		return SESSION_REASON_NO_ADDRESS;
	case PPP_FAILURE_ECHO_TIMEOUT:
		return SESSION_REASON_PEER_DEAD;
	case PPP_FAILURE_PEER_TERMINATE:
		return SESSION_REASON_PEER_CLOSED;
	}

	return SESSION_REASON_PPP_NEGOTIATION;
}

static void on_ppp_event(void *user_data, enum ppp_event ev, const struct ppp_event_info *info)
{
	struct session_link *l = user_data;

	switch (ev) {
	case PPP_EVENT_LCP_UP:
		session_enter_phase(l->core, SESSION_PHASE_PPP_AUTH);
		return;
	case PPP_EVENT_AUTH_START:
		l->auth_method = info->auth_method;
		rv_log_info("session", "authenticating with %s as '%s'",
			    ppp_auth_method_name(info->auth_method), l->core->profile->user);
		return;
	case PPP_EVENT_AUTH_OK:
		if (info->auth_method == PPP_AUTH_NONE)
			rv_log_warning("session", "the gateway did not ask us to authenticate");
		session_enter_phase(l->core, SESSION_PHASE_PPP_NETWORK);
		return;
	case PPP_EVENT_IPCP_UP:
		l->ipcp = info->ipcp;
		l->mtu = info->mtu;
		l->want_netconfig = true;
		session_schedule(l->core);
		return;
	case PPP_EVENT_IPV6CP_UP:
		l->ipv6cp = info->ipv6cp;
		l->has_ipv6 = true;
		l->want_ipv6_config = l->core->phase == SESSION_PHASE_UP;
		session_schedule(l->core);
		return;
	case PPP_EVENT_TERMINATED:
		l->ppp_done = true;
		if (!l->core->want_teardown)
			session_fail(l->core, SESSION_REASON_PEER_CLOSED, 0,
				     "the gateway ended the PPP link");
		session_schedule(l->core);
		return;
	case PPP_EVENT_FAILED:
		if (info->failure == PPP_FAILURE_PEER_TERMINATE ||
		    info->failure == PPP_FAILURE_ECHO_TIMEOUT)
			l->ppp_done = true;
		session_fail(l->core, ppp_failure_reason(info->failure), info->peer_code, "%s",
			     info->message);
		return;
	}
}

static int ppp_tx(void *user_data, struct pkt *p)
{
	struct session_link *l = user_data;

	return l->l2tp ? l2tp_send_ppp(l->l2tp, p) : -ENOTCONN;
}

static void ppp_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len)
{
	struct session_link *l = user_data;

	if (l->dp && l->core->phase == SESSION_PHASE_UP)
		datapath_deliver_ip(l->dp, data, len);
}

static void ppp_echo_answered(void *user_data, uint16_t size)
{
	struct session_link *l = user_data;

	if (l->pathprobe)
		session_pathprobe_answered(l->pathprobe, size, session_now());
}

int session_link_echo_sized(struct session_link *l, uint16_t size)
{
	return l->ppp ? ppp_echo_sized(l->ppp, size) : -ENOTCONN;
}

/* Start -------------------------------------------------------------- */

int session_link_open_udp(struct session_link *l, uint32_t gateway4)
{
	uint16_t local_port = 0;
	int r = net_udp_open(gateway4, L2TP_PORT, &local_port, &l->udp_fd);

	if (r < 0)
		return r;
	rv_log_debug("session", "L2TP underlay: local port %u -> %s:%u", local_port,
		     l->core->gateway_text, L2TP_PORT);
	datapath_set_socket(l->dp, l->udp_fd, DATAPATH_SOCKET_L2TP);
	return 0;
}

int session_link_start(struct session_link *l)
{
	struct l2tp_config cfg = {
		.hostname = l->core->profile->l2tp_hostname,
		.secret = l->core->profile->l2tp_secret,
	};
	static const struct l2tp_ops ops = {
		.tx = l2tp_tx,
		.tx_pkt = l2tp_tx_pkt,
		.event = on_l2tp_event,
		.ppp_rx = l2tp_ppp_rx,
	};

	l->l2tp = l2tp_new(&cfg, &ops, l);
	if (!l->l2tp)
		return -ENOMEM;

	session_enter_phase(l->core, SESSION_PHASE_L2TP_TUNNEL);
	return l2tp_start(l->l2tp, session_now());
}

static int start_ppp(struct session_link *l)
{
	const struct profile *p = l->core->profile;
	struct ppp_config cfg = {
		.user = p->user,
		.password = p->password,
		.auth_allowed = p->auth_methods,
		.mru = p->mru ? p->mru : p->mtu ? p->mtu : l->stack_mru,
		.want_ipv6 = p->ipv6 != PROFILE_IPV6_OFF,
		.want_dns = p->dns,
	};
	static const struct ppp_ops ops = {
		.tx = ppp_tx,
		.event = on_ppp_event,
		.ip_rx = ppp_ip_rx,
		.echo_answered = ppp_echo_answered,
	};

	l->ppp = ppp_new(&cfg, &ops, l);
	if (!l->ppp)
		return -ENOMEM;

	session_enter_phase(l->core, SESSION_PHASE_PPP_LCP);
	return ppp_start(l->ppp, session_now());
}

bool session_link_wants_ppp(const struct session_link *l)
{
	return l->want_ppp_start;
}

bool session_link_data_sequenced(const struct session_link *l)
{
	struct l2tp_data_framing f;

	/* Up without a plain framing means sequenced (see l2tp_get_data_framing()). */
	return l2tp_is_session_up(l->l2tp) && !l2tp_get_data_framing(l->l2tp, &f);
}

void session_link_advance(struct session_link *l)
{
	if (!l->want_ppp_start)
		return;
	l->want_ppp_start = false;
	if (start_ppp(l) < 0)
		session_fail(l->core, SESSION_REASON_INTERNAL, 0, "cannot start PPP");
}

bool session_link_take_netconfig(struct session_link *l)
{
	bool want = l->want_netconfig;

	l->want_netconfig = false;
	return want;
}

bool session_link_take_ipv6(struct session_link *l)
{
	bool want = l->want_ipv6_config;

	l->want_ipv6_config = false;
	return want;
}

/* Running ------------------------------------------------------------ */

int session_link_send_ip(struct session_link *l, struct pkt *p)
{
	if (!l->ppp)
		return -ENOTCONN;
	return ppp_send_ip(l->ppp, p, p->len > 0 && (p->data[0] >> 4) == 6);
}

void session_link_rx(struct session_link *l, const uint8_t *data, size_t len, usec_t now)
{
	if (l->l2tp)
		l2tp_rx(l->l2tp, data, len, now);
}

void session_link_view(const struct session_link *l, bool up, struct datapath_link *ret)
{
	*ret = (struct datapath_link){ 0 };
	ret->framing_ok = l->l2tp && l2tp_get_data_framing(l->l2tp, &ret->framing);
	ret->ipv4 = up && l->ppp && ppp_ip_is_open(l->ppp, false);
	ret->ipv6 = up && l->ppp && ppp_ip_is_open(l->ppp, true);
}

/* After a resume: 4 echoes 500 ms apart, so a dead gateway is known within 2 s. */
#define RESUME_PROBE_INTERVAL (500 * USEC_PER_MSEC)
#define RESUME_PROBE_TRIES 4

void session_link_probe(struct session_link *l, usec_t now)
{
	ppp_probe(l->ppp, now, RESUME_PROBE_INTERVAL, RESUME_PROBE_TRIES);
}

void session_link_note_activity(struct session_link *l, usec_t when)
{
	if (l->ppp)
		ppp_note_rx_activity(l->ppp, when);
}

usec_t session_link_next_deadline(const struct session_link *l)
{
	usec_t d = USEC_INFINITY;

	if (l->l2tp)
		d = rv_usec_min(d, l2tp_next_deadline(l->l2tp));
	if (l->ppp)
		d = rv_usec_min(d, ppp_next_deadline(l->ppp));
	return d;
}

void session_link_tick(struct session_link *l, usec_t now)
{
	if (l->l2tp)
		l2tp_tick(l->l2tp, now);
	if (l->ppp)
		ppp_tick(l->ppp, now);
}

bool session_link_teardown_step(struct session_link *l, usec_t now, usec_t *deadline,
				bool peer_dead)
{
	/* PPP cannot say goodbye over a call that is already gone. */
	if (l->l2tp_failed || l->l2tp_done)
		l->ppp_done = true;
	/* Nor to a gateway that stopped answering: do not wait for it. */
	if (peer_dead)
		l->ppp_done = l->l2tp_done = true;

	if (l->ppp && !l->ppp_done && !l->ppp_closing) {
		l->ppp_closing = true;
		*deadline = now + SESSION_TEARDOWN_STEP_TIMEOUT;
		ppp_close(l->ppp, now);
		return false;
	}

	if (l->l2tp && !l->l2tp_done && !l->l2tp_closing && (l->ppp_done || now >= *deadline)) {
		l->l2tp_closing = true;
		*deadline = now + SESSION_TEARDOWN_STEP_TIMEOUT;
		l2tp_close(l->l2tp, now);
		return false;
	}

	return !(l->l2tp && !l->l2tp_done && !(l->l2tp_closing && now >= *deadline));
}
