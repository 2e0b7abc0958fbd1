#pragma once
/*
 * The errors a D-Bus client of roadvpnd reads: one GError domain whose codes
 * map to org.roadvpn.Error.* names, so clients match on a stable name and
 * show the message (which names the field, the phase or the missing secret).
 */
#include <gio/gio.h>

/*
 * The interface version roadvpnd serves as Manager.Version (the annotation
 * org.roadvpn.Contract.Version in data/dbus/org.roadvpn.Helper1.xml; the
 * compatibility rule is there too).
 */
#define RV_DBUS_INTERFACE_VERSION "1.0"

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

/* The code <-> name table (for the contract test). */
extern const GDBusErrorEntry rv_error_entries[];
extern const size_t rv_error_entries_count;

/* "org.roadvpn.Error.NeedsSecrets" -> RV_ERROR_NEEDS_SECRETS, for clients; -1 if none. */
int rv_error_from_dbus(const GError *error);
