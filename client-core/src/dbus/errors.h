#pragma once
/*
 * The errors roadvpnd answers with: one GError domain whose codes map to
 * org.roadvpn.Error.* names (documented in the interface XML). Clients do
 * not use this: libroadvpn-client maps the names to its own RVC_ERROR.
 */
#include <gio/gio.h>

/*
 * The interface version roadvpnd serves as Manager.Version (the annotation
 * org.roadvpn.Contract.Version in data/dbus/org.roadvpn.Helper1.xml; the
 * compatibility rule is there too).
 */
#define RV_DBUS_INTERFACE_VERSION "1.3"

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

/*
 * Connect's options besides the secrets (those are profile_secret_keys[]):
 * name and D-Bus type. roadvpnd refuses any other option; the contract test
 * checks this table against the XML's org.roadvpn.Contract.Options.
 */
struct rv_connect_option {
	const char *name;
	const char *type;
};
extern const struct rv_connect_option rv_connect_options[];
extern const size_t rv_n_connect_options;
