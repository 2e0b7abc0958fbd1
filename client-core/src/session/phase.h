#pragma once
/*
 * Connection phases and failure reasons. The strings are stable: the CLI,
 * the GUI and the tests match on them.
 */
#include <stdint.h>

enum session_phase {
	SESSION_PHASE_IDLE,
	SESSION_PHASE_RESOLVING,
	SESSION_PHASE_IKE_MAIN_MODE,
	SESSION_PHASE_IKE_QUICK_MODE,
	SESSION_PHASE_L2TP_TUNNEL,
	SESSION_PHASE_L2TP_CALL,
	SESSION_PHASE_PPP_LCP,
	SESSION_PHASE_PPP_AUTH,
	SESSION_PHASE_PPP_NETWORK,
	SESSION_PHASE_NETCONFIG,
	SESSION_PHASE_UP,
	SESSION_PHASE_DISCONNECTING,
	SESSION_PHASE_DISCONNECTED,
	SESSION_PHASE_FAILED,
	SESSION_PHASE_RECONNECT_WAIT,   /* connection lost, tunnel torn down, retry after back-off */
};

enum session_reason {
	SESSION_REASON_NONE,
	SESSION_REASON_RESOLVE_FAILED,
	SESSION_REASON_NO_ANSWER,
	SESSION_REASON_TUNNEL_AUTH,
	SESSION_REASON_PEER_CLOSED,
	SESSION_REASON_PROTOCOL,
	SESSION_REASON_NO_AUTH_METHOD,
	SESSION_REASON_AUTH_FAILED,
	SESSION_REASON_GATEWAY_AUTH_BAD,
	SESSION_REASON_PPP_NEGOTIATION,
	SESSION_REASON_NO_ADDRESS,
	SESSION_REASON_PEER_DEAD,
	SESSION_REASON_NETWORK_SETUP,
	SESSION_REASON_IPSEC_NEGOTIATION,
	SESSION_REASON_CONFIG,
	SESSION_REASON_INTERNAL,
	SESSION_REASON_GATEWAY_REFUSED, /* ICMP unreachable to IKE, before any answer (refusal.c) */
};

/* What failed, filled once by the first layer that fails. */
struct session_failure {
	enum session_phase phase;
	enum session_reason reason;
	uint32_t peer_code;
	char detail[256];
};

/* "l2tp-tunnel", "ppp-auth", ... */
const char *session_phase_to_string(enum session_phase phase);
/* "L2TP", "PPP", "IKE phase 1": the prefix of a user-facing message. */
const char *session_phase_label(enum session_phase phase);
/* "no-answer", "auth-failed", ... */
const char *session_reason_to_string(enum session_reason reason);
/* The one line a user reads, e.g. "PPP: MS-CHAPv2 rejected (E=691): wrong ..." */
void session_failure_message(const struct session_failure *f, char *out, size_t out_size);
/* Documented exit status of roadvpnd --foreground for this failure. */
int session_failure_exit_code(const struct session_failure *f);
