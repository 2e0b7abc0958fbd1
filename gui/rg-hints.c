/* One sentence or two per reason; they name the editor's pages and fields. */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rg-hints.h"

static const struct {
	const char *reason, *phase, *hint;   /* phase NULL: any phase */
	const char *says;                    /* non-NULL: only when the message holds this */
} hints[] = {
	{ "resolve-failed", NULL,
	  N_("Check the gateway's name in the profile, and that this computer is online.") },
	{ "no-answer", NULL,
	  N_("Check the gateway's address and that you are online. A firewall on the way may block "
	     "UDP ports 500, 4500 or 1701.") },
	{ "gateway-refused", NULL,
	  N_("The gateway's VPN service refused the connection: it may be restarting, or a firewall "
	     "rejects UDP port 500. Try again in a minute, or ask your administrator.") },
	{ "tunnel-auth-failed", NULL,
	  N_("The L2TP tunnel secret does not match the gateway's: correct it on the PPP page, or "
	     "leave it empty if the gateway uses none.") },
	{ "peer-closed", NULL,
	  N_("The gateway hung up. It may be busy or restarting: try again in a minute. If it keeps "
	     "happening, ask your administrator whether this account may connect.") },
	{ "protocol-error", NULL,
	  N_("The gateway sent something unexpected. Save the log and send it to your administrator.") },
	{ "no-auth-method", NULL,
	  N_("The gateway wants a login method this profile does not allow. Ask your administrator "
	     "which one, and tick it on the PPP page.") },
	{ "auth-failed", "ike-main-mode",
	  N_("The gateway did not accept the pre-shared key or certificate. Check the pre-shared key "
	     "(or the certificate) with your administrator.") },
	{ "auth-failed", NULL,
	  N_("Check your user name and password. If the password was remembered, it may have "
	     "changed: you will be asked for it when you try again.") },
	{ "gateway-auth-failed", NULL,
	  N_("The gateway is not who the profile expects. Check the gateway identity and the CA "
	     "certificate on the IPsec page; do not connect if in doubt.") },
	{ "ppp-negotiation-failed", NULL,
	  N_("The link settings could not be agreed. Try a smaller MTU and MRU, such as 1300, on the "
	     "PPP page.") },
	{ "no-address", NULL,
	  N_("The gateway gave this computer no address; its pool may be full. Ask your "
	     "administrator.") },
	{ "peer-dead", NULL,
	  N_("The gateway stopped answering. Check your network; with “Reconnect automatically” on, "
	     "the connection comes back by itself.") },
	{ "network-setup-failed", NULL,
	  N_("The tunnel came up, but this computer's addresses, routes or DNS could not be set. The "
	     "log names the step that failed.") },
	/* roadvpnd's words (ike/probe.c, ike/quick_mode.c): "... set allow-legacy=true ..." */
	{ "ipsec-negotiation-failed", NULL,
	  N_("The gateway accepts only legacy encryption, which is weak. If you must use this "
	     "gateway, tick “Allow legacy suites (weak)” on the IPsec page, and ask your "
	     "administrator to upgrade it."), "allow-legacy" },
	{ "ipsec-negotiation-failed", NULL,
	  N_("The gateway accepts none of the proposed encryption settings. Ask your administrator "
	     "for its IKE and ESP proposals and set them on the IPsec page.") },
	{ "invalid-settings", NULL,
	  N_("A setting of the profile cannot be used. Open Edit Profile to correct it.") },
};

const char *rg_hint_for_failure(const char *phase_id, const char *reason_id, const char *message)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!reason_id || strcmp(hints[i].reason, reason_id))
			continue;
		if (hints[i].says && (!message || !strstr(message, hints[i].says)))
			continue;
		if (!hints[i].phase || (phase_id && !strcmp(hints[i].phase, phase_id)))
			return _(hints[i].hint);
	}
	return _("Save the log (Log tab) and send it to your administrator: it shows each step "
		 "and where it stopped.");
}
