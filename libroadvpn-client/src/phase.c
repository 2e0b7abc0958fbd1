/*
 * The phase and reason table: ids (roadvpnd's, see session/phase.c and the
 * interface XML) and their text, translated in the caller's language.
 * tests/unit/client/test-contract.c checks that the ids here, in the XML
 * and in session/phase.c agree.
 */
#include <libintl.h>
#include <string.h>

#include "private.h"

static const struct {
	const char *id;
	const char *label;
} phases[] = {
	[RVC_PHASE_UNKNOWN] = { "unknown", N_("Unknown phase") },
	[RVC_PHASE_IDLE] = { "idle", N_("Starting") },
	[RVC_PHASE_RESOLVING] = { "resolving", N_("Resolving the gateway") },
	[RVC_PHASE_IKE_MAIN_MODE] = { "ike-main-mode", N_("IKE phase 1") },
	[RVC_PHASE_IKE_QUICK_MODE] = { "ike-quick-mode", N_("IKE phase 2") },
	[RVC_PHASE_L2TP_TUNNEL] = { "l2tp-tunnel", N_("L2TP tunnel") },
	[RVC_PHASE_L2TP_CALL] = { "l2tp-call", N_("L2TP call") },
	[RVC_PHASE_PPP_LCP] = { "ppp-lcp", N_("PPP link (LCP)") },
	[RVC_PHASE_PPP_AUTH] = { "ppp-auth", N_("PPP auth") },
	[RVC_PHASE_PPP_NETWORK] = { "ppp-network", N_("PPP IP negotiation") },
	[RVC_PHASE_NETCONFIG] = { "netconfig", N_("Network setup") },
	[RVC_PHASE_UP] = { "up", N_("Connected") },
	[RVC_PHASE_DISCONNECTING] = { "disconnecting", N_("Disconnecting") },
	[RVC_PHASE_DISCONNECTED] = { "disconnected", N_("Disconnected") },
	[RVC_PHASE_FAILED] = { "failed", N_("Failed") },
	[RVC_PHASE_RECONNECT_WAIT] = { "reconnect-wait", N_("Waiting to reconnect") },
};

static const struct {
	const char *id;
	const char *text;
} reasons[] = {
	{ "none", N_("No error") },
	{ "resolve-failed", N_("The gateway's name could not be resolved") },
	{ "no-answer", N_("The gateway did not answer") },
	{ "tunnel-auth-failed", N_("The L2TP tunnel secret was refused") },
	{ "peer-closed", N_("The gateway closed the connection") },
	{ "protocol-error", N_("The gateway broke the protocol") },
	{ "no-auth-method", N_("No authentication method in common with the gateway") },
	{ "auth-failed", N_("Authentication failed") },
	{ "gateway-auth-failed", N_("The gateway's identity could not be verified") },
	{ "ppp-negotiation-failed", N_("PPP negotiation failed") },
	{ "no-address", N_("The gateway gave no IP address") },
	{ "peer-dead", N_("The gateway stopped answering") },
	{ "network-setup-failed", N_("Setting up the network on this computer failed") },
	{ "ipsec-negotiation-failed", N_("IPsec negotiation failed") },
	{ "invalid-settings", N_("The profile's settings are invalid") },
	{ "internal-error", N_("Internal error in roadvpnd") },
	{ "gateway-refused", N_("The gateway refused the connection (ICMP unreachable): its VPN "
				"service is not running, or a firewall rejects it") },
};

const char *rvc_localedir(void)
{
	const char *dir = g_getenv("ROADVPN_LOCALEDIR");

	return dir && *dir ? dir : LOCALEDIR;
}

/*
 * A library binds its own domain (the GLib pattern): the front end may bind
 * "roadvpn" too (the CLI does), to the same folder; the program's
 * setlocale() decides the language. g_dgettext() leaves the English text
 * when there is no catalogue for it.
 */
const char *rvc_gettext(const char *msgid)
{
	static gsize bound;

	if (g_once_init_enter(&bound)) {
		bindtextdomain(GETTEXT_PACKAGE, rvc_localedir());
		bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
		g_once_init_leave(&bound, 1);
	}
	return g_dgettext(GETTEXT_PACKAGE, msgid);
}

const char *rvc_reason_nth(size_t i)
{
	return i < G_N_ELEMENTS(reasons) ? reasons[i].id : NULL;
}

RvcPhase rvc_phase_from_id(const char *id)
{
	for (size_t i = RVC_PHASE_UNKNOWN + 1; id && i < G_N_ELEMENTS(phases); i++) {
		if (!strcmp(phases[i].id, id))
			return (RvcPhase)i;
	}
	return RVC_PHASE_UNKNOWN;
}

static gboolean known(RvcPhase phase)
{
	return (size_t)phase < G_N_ELEMENTS(phases);
}

const char *rvc_phase_id(RvcPhase phase)
{
	return phases[known(phase) ? phase : RVC_PHASE_UNKNOWN].id;
}

const char *rvc_phase_label(RvcPhase phase)
{
	return rvc_gettext(phases[known(phase) ? phase : RVC_PHASE_UNKNOWN].label);
}

gboolean rvc_phase_is_step(RvcPhase phase)
{
	return phase >= RVC_PHASE_RESOLVING && phase <= RVC_PHASE_NETCONFIG;
}

gboolean rvc_phase_is_end(RvcPhase phase)
{
	return phase == RVC_PHASE_UP || phase == RVC_PHASE_FAILED ||
	       phase == RVC_PHASE_DISCONNECTED;
}

const char *rvc_reason_text(const char *reason_id)
{
	if (!reason_id)
		return "";
	for (size_t i = 0; i < G_N_ELEMENTS(reasons); i++) {
		if (!strcmp(reasons[i].id, reason_id))
			return rvc_gettext(reasons[i].text);
	}
	return reason_id;
}

/*
 * "auth-failed" means a different secret in each layer: the pre-shared key
 * or certificate in IKE phase 1, the tunnel secret in L2TP, the user name
 * and password in PPP. The reason table alone cannot tell them apart, so a
 * failure is worded from both.
 */
const char *rvc_failure_text(RvcPhase phase, const char *reason_id)
{
	if (!reason_id || strcmp(reason_id, "auth-failed"))
		return rvc_reason_text(reason_id);
	switch (phase) {
	case RVC_PHASE_IKE_MAIN_MODE:
	case RVC_PHASE_IKE_QUICK_MODE:
		return rvc_gettext(N_("Authentication failed: wrong pre-shared key or certificate?"));
	case RVC_PHASE_PPP_AUTH:
		return rvc_gettext(N_("Authentication failed: wrong user name or password?"));
	case RVC_PHASE_UNKNOWN:
	case RVC_PHASE_IDLE:
	case RVC_PHASE_RESOLVING:
	case RVC_PHASE_L2TP_TUNNEL:
	case RVC_PHASE_L2TP_CALL:
	case RVC_PHASE_PPP_LCP:
	case RVC_PHASE_PPP_NETWORK:
	case RVC_PHASE_NETCONFIG:
	case RVC_PHASE_UP:
	case RVC_PHASE_DISCONNECTING:
	case RVC_PHASE_DISCONNECTED:
	case RVC_PHASE_FAILED:
	case RVC_PHASE_RECONNECT_WAIT:
		break;
	}
	return rvc_reason_text(reason_id);
}

gboolean rvc_speaks_english(void)
{
	/* TRANSLATORS: the name of your language, in it ("Français"); while it
	 * stays "English" the front ends show roadvpnd's English sentences. */
	return strcmp(rvc_gettext(N_("English")), "English") == 0;
}
