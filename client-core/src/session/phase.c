/* Phase and reason names, user-facing failure lines and exit codes. */
#include <stdio.h>

#include "phase.h"

const char *session_phase_to_string(enum session_phase phase)
{
	switch (phase) {
	case SESSION_PHASE_IDLE:
		return "idle";
	case SESSION_PHASE_RESOLVING:
		return "resolving";
	case SESSION_PHASE_IKE_MAIN_MODE:
		return "ike-main-mode";
	case SESSION_PHASE_IKE_QUICK_MODE:
		return "ike-quick-mode";
	case SESSION_PHASE_L2TP_TUNNEL:
		return "l2tp-tunnel";
	case SESSION_PHASE_L2TP_CALL:
		return "l2tp-call";
	case SESSION_PHASE_PPP_LCP:
		return "ppp-lcp";
	case SESSION_PHASE_PPP_AUTH:
		return "ppp-auth";
	case SESSION_PHASE_PPP_NETWORK:
		return "ppp-network";
	case SESSION_PHASE_NETCONFIG:
		return "netconfig";
	case SESSION_PHASE_UP:
		return "up";
	case SESSION_PHASE_DISCONNECTING:
		return "disconnecting";
	case SESSION_PHASE_DISCONNECTED:
		return "disconnected";
	case SESSION_PHASE_FAILED:
		return "failed";
	case SESSION_PHASE_RECONNECT_WAIT:
		return "reconnect-wait";
	}

	return "unknown";
}

const char *session_phase_label(enum session_phase phase)
{
	switch (phase) {
	case SESSION_PHASE_IDLE:
	case SESSION_PHASE_RESOLVING:
		return "gateway";
	case SESSION_PHASE_IKE_MAIN_MODE:
		return "IKE phase 1";
	case SESSION_PHASE_IKE_QUICK_MODE:
		return "IKE phase 2";
	case SESSION_PHASE_L2TP_TUNNEL:
		return "L2TP";
	case SESSION_PHASE_L2TP_CALL:
		return "L2TP call";
	case SESSION_PHASE_PPP_LCP:
		return "PPP LCP";
	case SESSION_PHASE_PPP_AUTH:
		return "PPP";
	case SESSION_PHASE_PPP_NETWORK:
		return "PPP IPCP";
	case SESSION_PHASE_NETCONFIG:
		return "network setup";
	case SESSION_PHASE_UP:
	case SESSION_PHASE_DISCONNECTING:
	case SESSION_PHASE_DISCONNECTED:
	case SESSION_PHASE_FAILED:
	case SESSION_PHASE_RECONNECT_WAIT:
		return "connection";
	}

	return "connection";
}

const char *session_reason_to_string(enum session_reason reason)
{
	switch (reason) {
	case SESSION_REASON_NONE:
		return "none";
	case SESSION_REASON_RESOLVE_FAILED:
		return "resolve-failed";
	case SESSION_REASON_NO_ANSWER:
		return "no-answer";
	case SESSION_REASON_TUNNEL_AUTH:
		return "tunnel-auth-failed";
	case SESSION_REASON_PEER_CLOSED:
		return "peer-closed";
	case SESSION_REASON_PROTOCOL:
		return "protocol-error";
	case SESSION_REASON_NO_AUTH_METHOD:
		return "no-auth-method";
	case SESSION_REASON_AUTH_FAILED:
		return "auth-failed";
	case SESSION_REASON_GATEWAY_AUTH_BAD:
		return "gateway-auth-failed";
	case SESSION_REASON_PPP_NEGOTIATION:
		return "ppp-negotiation-failed";
	case SESSION_REASON_NO_ADDRESS:
		return "no-address";
	case SESSION_REASON_PEER_DEAD:
		return "peer-dead";
	case SESSION_REASON_NETWORK_SETUP:
		return "network-setup-failed";
	case SESSION_REASON_IPSEC_NEGOTIATION:
		return "ipsec-negotiation-failed";
	case SESSION_REASON_CONFIG:
		return "invalid-settings";
	case SESSION_REASON_INTERNAL:
		return "internal-error";
	case SESSION_REASON_GATEWAY_REFUSED:
		return "gateway-refused";
	}

	return "unknown";
}

void session_failure_message(const struct session_failure *f, char *out, size_t out_size)
{
	snprintf(out, out_size, "%s: %s", session_phase_label(f->phase),
		 f->detail[0] ? f->detail : session_reason_to_string(f->reason));
}

/*
 * Exit statuses of roadvpnd --foreground (documented in README.md):
 * 0 clean, 1 internal, 2 bad profile, 3 gateway unreachable, 4 authentication,
 * 5 L2TP/tunnel failure, 6 PPP negotiation, 7 host network setup,
 * 8 IPsec negotiation, 9 connection lost after it was up.
 */
int session_failure_exit_code(const struct session_failure *f)
{
	switch (f->reason) {
	case SESSION_REASON_NONE:
		return 0;
	case SESSION_REASON_RESOLVE_FAILED:
	case SESSION_REASON_NO_ANSWER:
	case SESSION_REASON_GATEWAY_REFUSED:
		return 3;
	case SESSION_REASON_TUNNEL_AUTH:
	case SESSION_REASON_AUTH_FAILED:
	case SESSION_REASON_GATEWAY_AUTH_BAD:
	case SESSION_REASON_NO_AUTH_METHOD:
		return 4;
	case SESSION_REASON_PEER_CLOSED:
	case SESSION_REASON_PROTOCOL:
		return f->phase == SESSION_PHASE_UP ? 9 : 5;
	case SESSION_REASON_PPP_NEGOTIATION:
	case SESSION_REASON_NO_ADDRESS:
		return 6;
	case SESSION_REASON_PEER_DEAD:
		return 9;
	case SESSION_REASON_NETWORK_SETUP:
		return 7;
	case SESSION_REASON_IPSEC_NEGOTIATION:
		return 8;
	case SESSION_REASON_CONFIG:
		return 2;
	case SESSION_REASON_INTERNAL:
		return 1;
	}

	return 1;
}
