/*
 * Reconnect ([connection] reconnect=true, the default). A connection that
 * was up and then lost — the gateway stopped answering (DPD, PPP echo),
 * deleted the IKE SA, hung up L2TP or PPP, or restarted — is torn down as
 * for any failure (routes, DNS and the TUN device first, so nothing points
 * at a dead tunnel), then waits in RECONNECT_WAIT and starts again from
 * resolve, backing off 1, 2, 4 ... 30 s between attempts. What a retry
 * cannot fix (authentication, the profile, our own errors) ends the session
 * as before, and so does session_stop() at any point.
 */
#include <string.h>

#include "session-internal.h"
#include "util/log.h"

#define RECONNECT_BACKOFF_MAX_S 30

void session_reconnect_note_phase(struct session *s, enum session_phase phase)
{
	if (phase != SESSION_PHASE_UP)
		return;
	s->was_up = true;
	s->reconnects = 0;
}

static bool is_transient(enum session_reason reason)
{
	switch (reason) {
	case SESSION_REASON_RESOLVE_FAILED:
	case SESSION_REASON_NO_ANSWER:
	case SESSION_REASON_PEER_CLOSED:
	case SESSION_REASON_PROTOCOL:
	case SESSION_REASON_PPP_NEGOTIATION:
	case SESSION_REASON_NO_ADDRESS:
	case SESSION_REASON_PEER_DEAD:
	case SESSION_REASON_IPSEC_NEGOTIATION:
		return true;
	case SESSION_REASON_NONE:
	case SESSION_REASON_TUNNEL_AUTH:
	case SESSION_REASON_NO_AUTH_METHOD:
	case SESSION_REASON_AUTH_FAILED:
	case SESSION_REASON_GATEWAY_AUTH_BAD:
	case SESSION_REASON_NETWORK_SETUP:
	case SESSION_REASON_CONFIG:
	case SESSION_REASON_INTERNAL:
		return false;
	}

	return false;
}

bool session_reconnect_wanted(const struct session *s)
{
	return s->profile->reconnect && s->was_up && !s->stop_requested && s->has_failure &&
	       is_transient(s->failure.reason);
}

static unsigned int backoff_seconds(unsigned int attempt)
{
	return attempt >= 5 ? RECONNECT_BACKOFF_MAX_S : 1u << attempt;
}

/* Everything a connection attempt left behind, except what outlives it. */
static void reset_attempt(struct session *s)
{
	memset(&s->failure, 0, sizeof(s->failure));
	s->has_failure = false;
	s->want_ppp_start = s->want_netconfig = s->want_ipv6_config = false;
	s->want_teardown = s->want_l2tp_start = false;
	s->ppp_closing = s->ppp_done = false;
	s->l2tp_closing = s->l2tp_done = s->l2tp_failed = false;
	s->ike_closing = s->ike_done = s->ike_failed = false;
	s->step_deadline = 0;
	s->gateway4 = 0;
	s->saw_port_unreachable = false;
	memset(&s->ipcp, 0, sizeof(s->ipcp));
	memset(&s->ipv6cp, 0, sizeof(s->ipv6cp));
	s->has_ipv6 = false;
	s->mtu = 0;
	s->esp_udp_encap = s->nat_keepalive = false;
	s->last_esp_rx = 0;
}

static gboolean on_backoff_done(gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	s->reconnect_source = 0;
	rv_log_info("session", "reconnecting to %s (attempt %u)", s->profile->gateway,
		    s->reconnects);
	session_resolve(s);
	return G_SOURCE_REMOVE;
}

void session_reconnect_schedule(struct session *s)
{
	unsigned int delay = backoff_seconds(s->reconnects++);
	char why[320];

	session_failure_message(&s->failure, why, sizeof(why));
	rv_log_warning("session", "connection lost: %s; reconnecting in %u s", why, delay);
	reset_attempt(s);
	session_enter_phase(s, SESSION_PHASE_RECONNECT_WAIT);
	s->reconnect_source = g_timeout_add(delay * 1000, on_backoff_done, s);
}

void session_reconnect_cancel(struct session *s)
{
	g_clear_handle_id(&s->reconnect_source, g_source_remove);
}
