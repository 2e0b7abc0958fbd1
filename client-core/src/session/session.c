/*
 * The connection state machine: resolve -> L2TP tunnel -> L2TP call ->
 * PPP LCP -> PPP auth -> IPCP -> host network -> up, and the teardown in
 * reverse (undo network, LCP Terminate, CDN + StopCCN). Layer events only
 * record what happened; the work runs from an idle callback so no layer is
 * ever re-entered or freed from inside its own callback.
 *
 * A lost connection that was up may reconnect (reconnect.c): the teardown
 * runs as for a failure, then, instead of finishing, the session waits and
 * starts again from resolve.
 *
 * Real-peer knowledge absorbed here: a CDN or StopCCN while PPP
 * authenticates is how l2tpns reports a wrong password (it sends no CHAP
 * Failure), so it is reported as a likely authentication failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/dataplane.h"
#include "ike/ike.h"
#include "l2tp/l2tp.h"
#include "net/net.h"
#include "ppp/ppp.h"
#include "session-internal.h"
#include "util/log.h"

#define TEARDOWN_STEP_TIMEOUT (5 * USEC_PER_SEC)

/* Per thread: a data-plane thread runs no session code that logs for a connection. */
static _Thread_local struct session *current;

struct session *session_enter(struct session *s)
{
	struct session *prev = current;

	current = s;
	return prev;
}

void session_leave(struct session **prev)
{
	current = *prev;
}

struct session *session_current(void)
{
	return current;
}

usec_t session_now(void)
{
	return (usec_t)g_get_monotonic_time();
}

void session_enter_phase(struct session *s, enum session_phase phase)
{
	if (s->phase == phase)
		return;

	rv_log_info("session", "phase: %s -> %s", session_phase_to_string(s->phase),
		    session_phase_to_string(phase));
	s->phase = phase;
	session_reconnect_note_phase(s, phase);
	if (s->ops.phase_changed)
		s->ops.phase_changed(s->user_data, phase);
}

/* Record the first failure only and start the teardown. */
void session_fail(struct session *s, enum session_reason reason, uint32_t peer_code,
		  const char *fmt, ...)
{
	va_list ap;

	if (s->has_failure || s->stop_requested)
		goto teardown;

	s->has_failure = true;
	s->failure.phase = s->phase;
	s->failure.reason = reason;
	s->failure.peer_code = peer_code;
	va_start(ap, fmt);
	vsnprintf(s->failure.detail, sizeof(s->failure.detail), fmt, ap);
	va_end(ap);

teardown:
	s->want_teardown = true;
	session_schedule(s);
}

static const char *gateway_text(struct session *s)
{
	return s->gateway_text;
}

/* L2TP events -------------------------------------------------------- */

static void on_l2tp_failed(struct session *s, const struct l2tp_event_info *info)
{
	/* The tunnel may still be up (a peer CDN): l2tp_close() ends it and reports CLOSED. */
	s->l2tp_failed = true;

	switch (info->failure) {
	case L2TP_FAILURE_NONE:
	case L2TP_FAILURE_PROTOCOL:
		session_fail(s, SESSION_REASON_PROTOCOL, info->result_code, "%s", info->message);
		return;
	case L2TP_FAILURE_NO_ANSWER:
		/* Whether any ESP came back tells a blocked path from a missing L2TP server. */
		if (s->ike && !s->last_esp_rx) {
			session_fail(s, SESSION_REASON_NO_ANSWER, 0,
				     "no L2TP answer from %s through IPsec (%s): not one ESP packet "
				     "came back, so ESP may be blocked on the way",
				     gateway_text(s), info->message);
			return;
		}
		if (s->ike) {
			session_fail(s, SESSION_REASON_NO_ANSWER, 0,
				     "no L2TP answer from %s through IPsec (%s), although ESP flows: "
				     "the gateway may have no L2TP server",
				     gateway_text(s), info->message);
			return;
		}
		session_fail(s, SESSION_REASON_NO_ANSWER, 0, "no answer from %s:1701 (%s)%s",
			     gateway_text(s), info->message,
			     s->saw_port_unreachable ?
				     "; it answered ICMP port unreachable: no L2TP server listens there" :
				     "");
		return;
	case L2TP_FAILURE_TUNNEL_AUTH:
		session_fail(s, SESSION_REASON_TUNNEL_AUTH, 0,
			     "tunnel authentication failed: %s (wrong L2TP secret?)", info->message);
		return;
	case L2TP_FAILURE_PEER_STOPCCN:
	case L2TP_FAILURE_PEER_CDN:
		break;
	}

	if (s->phase == SESSION_PHASE_PPP_AUTH) {
		session_fail(s, SESSION_REASON_AUTH_FAILED, info->result_code,
			     "gateway hung up during %s authentication (%s): wrong user name or password?",
			     ppp_auth_method_name(s->auth_method), info->message);
		return;
	}

	session_fail(s, SESSION_REASON_PEER_CLOSED, info->result_code, "%s", info->message);
}

static void on_l2tp_event(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info)
{
	struct session *s = user_data;

	switch (ev) {
	case L2TP_EVENT_TUNNEL_UP:
		session_enter_phase(s, SESSION_PHASE_L2TP_CALL);
		return;
	case L2TP_EVENT_SESSION_UP:
		s->want_ppp_start = true;
		session_schedule(s);
		return;
	case L2TP_EVENT_CLOSED:
		s->l2tp_done = true;
		session_schedule(s);
		return;
	case L2TP_EVENT_FAILED:
		on_l2tp_failed(s, info);
		return;
	}
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

static void on_ppp_ipcp_up(struct session *s, const struct ppp_event_info *info)
{
	s->ipcp = info->ipcp;
	s->mtu = info->mtu;
	s->want_netconfig = true;
	session_schedule(s);
}

static void on_ppp_event(void *user_data, enum ppp_event ev, const struct ppp_event_info *info)
{
	struct session *s = user_data;

	switch (ev) {
	case PPP_EVENT_LCP_UP:
		session_enter_phase(s, SESSION_PHASE_PPP_AUTH);
		return;
	case PPP_EVENT_AUTH_START:
		s->auth_method = info->auth_method;
		rv_log_info("session", "authenticating with %s as '%s'",
			    ppp_auth_method_name(info->auth_method), s->profile->user);
		return;
	case PPP_EVENT_AUTH_OK:
		if (info->auth_method == PPP_AUTH_NONE)
			rv_log_warning("session", "the gateway did not ask us to authenticate");
		session_enter_phase(s, SESSION_PHASE_PPP_NETWORK);
		return;
	case PPP_EVENT_IPCP_UP:
		on_ppp_ipcp_up(s, info);
		return;
	case PPP_EVENT_IPV6CP_UP:
		s->ipv6cp = info->ipv6cp;
		s->has_ipv6 = true;
		s->want_ipv6_config = s->phase == SESSION_PHASE_UP;
		session_schedule(s);
		return;
	case PPP_EVENT_TERMINATED:
		s->ppp_done = true;
		if (!s->want_teardown)
			session_fail(s, SESSION_REASON_PEER_CLOSED, 0, "the gateway ended the PPP link");
		session_schedule(s);
		return;
	case PPP_EVENT_FAILED:
		if (info->failure == PPP_FAILURE_PEER_TERMINATE || info->failure == PPP_FAILURE_ECHO_TIMEOUT)
			s->ppp_done = true;
		session_fail(s, ppp_failure_reason(info->failure), info->peer_code, "%s",
			     info->message);
		return;
	}
}

/* Deferred work ------------------------------------------------------ */

static int start_l2tp(struct session *s)
{
	struct l2tp_config cfg = {
		.hostname = s->profile->l2tp_hostname,
		.secret = s->profile->l2tp_secret,
	};
	static const struct l2tp_ops ops = {
		.tx = session_l2tp_tx,
		.tx_pkt = session_l2tp_tx_pkt,
		.event = on_l2tp_event,
		.ppp_rx = session_l2tp_ppp_rx,
	};

	s->l2tp = l2tp_new(&cfg, &ops, s);
	if (!s->l2tp)
		return -ENOMEM;

	session_enter_phase(s, SESSION_PHASE_L2TP_TUNNEL);
	return l2tp_start(s->l2tp, session_now());
}

static int start_ppp(struct session *s)
{
	const struct profile *p = s->profile;
	struct ppp_config cfg = {
		.user = p->user,
		.password = p->password,
		.auth_allowed = p->auth_methods,
		.mru = p->mru ? p->mru : p->mtu,
		.want_ipv6 = p->ipv6 != PROFILE_IPV6_OFF,
		.want_dns = p->dns,
	};
	static const struct ppp_ops ops = {
		.tx = session_ppp_tx,
		.event = on_ppp_event,
		.ip_rx = session_ppp_ip_rx,
	};

	s->ppp = ppp_new(&cfg, &ops, s);
	if (!s->ppp)
		return -ENOMEM;

	session_enter_phase(s, SESSION_PHASE_PPP_LCP);
	return ppp_start(s->ppp, session_now());
}

static void finish(struct session *s)
{
	session_io_close(s);
	l2tp_free(s->l2tp);
	s->l2tp = NULL;
	ppp_free(s->ppp);
	s->ppp = NULL;
	ike_free(s->ike);
	s->ike = NULL;
	if (session_reconnect_wanted(s)) {
		session_reconnect_schedule(s);
		return;
	}
	s->finished = true;

	/* The caller reports the failure line: it knows where the user reads it. */
	session_enter_phase(s, s->has_failure ? SESSION_PHASE_FAILED : SESSION_PHASE_DISCONNECTED);

	if (s->ops.finished)
		s->ops.finished(s->user_data, s->has_failure ? &s->failure : NULL);
}

/*
 * Teardown in reverse order of setup: the host network first (so no
 * traffic is routed into a dying tunnel), then LCP Terminate, then
 * CDN + StopCCN, each step bounded by TEARDOWN_STEP_TIMEOUT.
 */
static void teardown_step(struct session *s)
{
	usec_t now = session_now();

	if (s->phase != SESSION_PHASE_DISCONNECTING && s->phase != SESSION_PHASE_FAILED)
		session_enter_phase(s, SESSION_PHASE_DISCONNECTING);
	/* The goodbyes go through the l2tp and ppp objects, on the main loop. */
	session_fast_stop(s);
	session_netconfig_undo(s);

	/* PPP cannot say goodbye over a call that is already gone. */
	if (s->l2tp_failed || s->l2tp_done)
		s->ppp_done = true;
	/* Nor to a gateway that stopped answering: do not wait for it. */
	if (s->has_failure && s->failure.reason == SESSION_REASON_PEER_DEAD)
		s->ppp_done = s->l2tp_done = true;

	if (s->ppp && !s->ppp_done && !s->ppp_closing) {
		s->ppp_closing = true;
		s->step_deadline = now + TEARDOWN_STEP_TIMEOUT;
		ppp_close(s->ppp, now);
		return;
	}

	if (s->l2tp && !s->l2tp_done && !s->l2tp_closing && (s->ppp_done || now >= s->step_deadline)) {
		s->l2tp_closing = true;
		s->step_deadline = now + TEARDOWN_STEP_TIMEOUT;
		l2tp_close(s->l2tp, now);
		return;
	}

	if (s->l2tp && !s->l2tp_done && !(s->l2tp_closing && now >= s->step_deadline))
		return;

	/* Last, IKE: Delete for the ESP SAs and the ISAKMP SA. */
	if (s->ike && !s->ike_done && !s->ike_closing) {
		s->ike_closing = true;
		s->step_deadline = now + TEARDOWN_STEP_TIMEOUT;
		ike_close(s->ike, now);
		return;
	}

	if (!s->ike || s->ike_done || now >= s->step_deadline)
		finish(s);
}

static gboolean advance(gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	s->advance_idle = 0;
	if (s->finished)
		return G_SOURCE_REMOVE;

	if (s->want_teardown) {
		teardown_step(s);
		if (!s->finished)
			session_rearm_timer(s);
		return G_SOURCE_REMOVE;
	}

	if (s->want_l2tp_start) {
		s->want_l2tp_start = false;
		if (start_l2tp(s) < 0)
			session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot start L2TP");
	}

	if (s->want_ppp_start) {
		s->want_ppp_start = false;
		if (start_ppp(s) < 0)
			session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot start PPP");
	}

	if (s->want_netconfig) {
		s->want_netconfig = false;
		session_netconfig_apply(s);
	}

	if (s->want_ipv6_config) {
		s->want_ipv6_config = false;
		session_netconfig_add_ipv6(s);
	}

	session_rearm_timer(s);
	return G_SOURCE_REMOVE;
}

void session_schedule(struct session *s)
{
	if (!s->advance_idle && !s->finished)
		s->advance_idle = g_idle_add(advance, s);
}

/* Timers ------------------------------------------------------------- */

usec_t session_next_deadline(const struct session *s)
{
	usec_t d = USEC_INFINITY;

	if (s->l2tp)
		d = rv_usec_min(d, l2tp_next_deadline(s->l2tp));
	if (s->ppp)
		d = rv_usec_min(d, ppp_next_deadline(s->ppp));
	if (s->want_teardown && s->step_deadline)
		d = rv_usec_min(d, s->step_deadline);
	return rv_usec_min(d, session_ipsec_next_deadline(s));
}

void session_on_timer(struct session *s)
{
	usec_t now = session_now();

	session_fast_note_activity(s);
	if (s->l2tp)
		l2tp_tick(s->l2tp, now);
	if (s->ppp)
		ppp_tick(s->ppp, now);
	session_ipsec_tick(s, now);
	if (s->want_teardown && s->step_deadline && now >= s->step_deadline)
		session_schedule(s);
}

/* Start -------------------------------------------------------------- */

static void on_resolved(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);
	g_autoptr(GError) error = NULL;
	GList *addrs = g_resolver_lookup_by_name_finish(G_RESOLVER(source), res, &error);
	int r;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;

	for (GList *l = addrs; l; l = l->next) {
		GInetAddress *a = l->data;

		if (g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4) {
			memcpy(&s->gateway4, g_inet_address_to_bytes(a), 4);
			break;
		}
	}
	g_resolver_free_addresses(addrs);

	if (!s->gateway4) {
		session_fail(s, SESSION_REASON_RESOLVE_FAILED, 0, "cannot resolve '%s': %s",
			     s->profile->gateway, error ? error->message : "no IPv4 address");
		return;
	}

	inet_ntop(AF_INET, &s->gateway4, s->gateway_text, sizeof(s->gateway_text));
	session_io_init(s);

	if (s->profile->ipsec_enabled) {
		r = session_ipsec_start(s);
		if (r < 0)
			session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot start IKE with %s: %s",
				     s->gateway_text, strerror(-r));
		session_rearm_timer(s);
		return;
	}

	r = session_io_open(s);
	if (r < 0) {
		session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot open a UDP socket to %s: %s",
			     s->gateway_text, strerror(-r));
		return;
	}

	if (start_l2tp(s) < 0)
		session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot start L2TP");
	session_rearm_timer(s);
}

void session_resolve(struct session *s)
{
	g_autoptr(GResolver) resolver = g_resolver_get_default();

	session_enter_phase(s, SESSION_PHASE_RESOLVING);
	g_resolver_lookup_by_name_async(resolver, s->profile->gateway, s->cancel, on_resolved, s);
}

void session_start(struct session *s)
{
	SESSION_SCOPE(s);

	s->cancel = g_cancellable_new();
	session_resolve(s);
}

void session_stop(struct session *s)
{
	SESSION_SCOPE(s);

	if (s->finished || s->stop_requested)
		return;

	rv_log_info("session", "disconnecting");
	s->stop_requested = true;
	session_reconnect_cancel(s);
	g_cancellable_cancel(s->cancel);
	s->want_teardown = true;
	session_schedule(s);
}

struct session *session_new(const struct session_config *cfg, const struct session_ops *ops,
			    void *user_data)
{
	struct session *s = g_new0(struct session, 1);

	s->profile = cfg->profile;
	s->configure_network = cfg->configure_network;
	s->ops = *ops;
	s->user_data = user_data;
	s->phase = SESSION_PHASE_IDLE;
	s->udp_fd = -1;
	s->tun.fd = -1;
	s->ike_fd = s->natt_fd = s->esp_raw_fd = -1;
	session_fast_init(s);
	return s;
}

void session_free(struct session *s)
{
	SESSION_SCOPE(s);

	if (!s)
		return;

	if (s->cancel)
		g_cancellable_cancel(s->cancel);
	g_clear_object(&s->cancel);
	if (s->advance_idle)
		g_source_remove(s->advance_idle);
	session_reconnect_cancel(s);
	session_netconfig_undo(s);
	session_io_close(s);
	session_fast_destroy(s);
	l2tp_free(s->l2tp);
	ppp_free(s->ppp);
	ike_free(s->ike);
	g_free(s);
}

enum session_phase session_get_phase(const struct session *s)
{
	return s->phase;
}

const struct session_failure *session_get_failure(const struct session *s)
{
	return s->has_failure ? &s->failure : NULL;
}

void session_get_stats(const struct session *s, struct session_stats *ret)
{
	struct dataplane_stats d = { 0 };

	if (s->dp)
		dataplane_get_stats(s->dp, &d);
	*ret = s->stats;
	ret->packets_in += d.packets_in;
	ret->bytes_in += d.bytes_in;
	ret->packets_out += d.packets_out;
	ret->bytes_out += d.bytes_out;
}
