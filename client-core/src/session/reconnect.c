/*
 * Reconnect ([connection] reconnect=true, the default). A connection that
 * was up and then lost — the gateway stopped answering (DPD, PPP echo),
 * deleted the IKE SA, hung up L2TP or PPP, or restarted — has its layers
 * torn down as for any failure, but keeps its TUN device (same name and
 * ifindex) and, for SESSION_RECONNECT_HOLD, the addresses, routes and DNS
 * on it, so applications see a pause rather than an error; it waits in
 * RECONNECT_WAIT and starts again (from the address it had while the
 * routes are held, else from resolve), backing off 1, 2, 4 ... 30 s
 * between attempts. A restart (network change, dead peer after a resume)
 * reconnects at once. What a retry cannot fix (authentication, the
 * profile, our own errors) ends the session as before, and so does
 * session_stop() at any point.
 */
#include "core.h"
#include "reconnect.h"

#define RECONNECT_BACKOFF_MAX_S 30

void session_reconnect_note_phase(struct session_reconnect *rc, enum session_phase phase)
{
	if (phase != SESSION_PHASE_UP)
		return;
	rc->was_up = true;
	rc->reconnects = 0;
	rc->lost_at = 0;
}

void session_reconnect_note_loss(struct session_reconnect *rc, usec_t now)
{
	if (!rc->lost_at)
		rc->lost_at = now;
}

bool session_reconnect_hold_expired(const struct session_reconnect *rc, usec_t now)
{
	return rc->lost_at && now - rc->lost_at >= SESSION_RECONNECT_HOLD;
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
	/* A gateway that reboots refuses IKE until its daemon is up: back off and retry. */
	case SESSION_REASON_GATEWAY_REFUSED:
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

bool session_reconnect_wanted(const struct session_reconnect *rc, const struct session_core *core)
{
	if (!core->profile->reconnect || core->stop_requested)
		return false;
	if (rc->restart)
		return true;
	return rc->was_up && core->has_failure && is_transient(core->failure.reason);
}

static unsigned int backoff_seconds(unsigned int attempt)
{
	return attempt >= 5 ? RECONNECT_BACKOFF_MAX_S : 1u << attempt;
}

unsigned int session_reconnect_next_delay(const struct session_reconnect *rc)
{
	return rc->restart ? 0 : backoff_seconds(rc->reconnects);
}

void session_reconnect_arm(struct session_reconnect *rc, GSourceFunc retry, void *data)
{
	unsigned int delay = rc->restart ? 0 : backoff_seconds(rc->reconnects++);

	rc->restart = false;
	g_clear_handle_id(&rc->source, g_source_remove);
	rc->source = g_timeout_add(delay * 1000, retry, data);
}

void session_reconnect_cancel(struct session_reconnect *rc)
{
	g_clear_handle_id(&rc->source, g_source_remove);
}
