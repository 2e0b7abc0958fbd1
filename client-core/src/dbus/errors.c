/* The org.roadvpn.Error.* names (registered with GDBus, see errors.h). */
#include "errors.h"

const GDBusErrorEntry rv_error_entries[] = {
	{ RV_ERROR_FAILED, "org.roadvpn.Error.Failed" },
	{ RV_ERROR_NOT_AUTHORIZED, "org.roadvpn.Error.NotAuthorized" },
	{ RV_ERROR_NO_SUCH_PROFILE, "org.roadvpn.Error.NoSuchProfile" },
	{ RV_ERROR_INVALID_PROFILE, "org.roadvpn.Error.InvalidProfile" },
	{ RV_ERROR_NEEDS_SECRETS, "org.roadvpn.Error.NeedsSecrets" },
	{ RV_ERROR_ALREADY_ACTIVE, "org.roadvpn.Error.AlreadyActive" },
	{ RV_ERROR_BUSY, "org.roadvpn.Error.Busy" },
	{ RV_ERROR_EXISTS, "org.roadvpn.Error.Exists" },
	{ RV_ERROR_AUTH_UNAVAILABLE, "org.roadvpn.Error.AuthorizationUnavailable" },
};

const size_t rv_error_entries_count = G_N_ELEMENTS(rv_error_entries);

const struct rv_connect_option rv_connect_options[] = {
	{ "configure-network", "b" },
	{ "keyfile", "s" },
};
const size_t rv_n_connect_options = G_N_ELEMENTS(rv_connect_options);

GQuark rv_error_quark(void)
{
	static gsize quark;

	g_dbus_error_register_error_domain("roadvpn-error-quark", &quark, rv_error_entries,
					   G_N_ELEMENTS(rv_error_entries));
	return (GQuark)quark;
}
