#pragma once
/*
 * The errors a D-Bus client of roadvpnd reads: one GError domain whose codes
 * map to org.roadvpn.Error.* names, so clients match on a stable name and
 * show the message (which names the field, the phase or the missing secret).
 */
#include <gio/gio.h>

enum rv_error_code {
	RV_ERROR_FAILED,
	RV_ERROR_NOT_AUTHORIZED,
	RV_ERROR_NO_SUCH_PROFILE,
	RV_ERROR_INVALID_PROFILE,
	RV_ERROR_NEEDS_SECRETS,
	RV_ERROR_ALREADY_ACTIVE,
	RV_ERROR_BUSY,
	RV_ERROR_EXISTS,
	RV_ERROR_AUTH_UNAVAILABLE,   /* polkit could not answer: try again (not a refusal) */
};

#define RV_ERROR (rv_error_quark())
GQuark rv_error_quark(void);

/* "org.roadvpn.Error.NeedsSecrets" -> RV_ERROR_NEEDS_SECRETS, for clients; -1 if none. */
int rv_error_from_dbus(const GError *error);
