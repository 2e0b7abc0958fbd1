/*
 * Errors: the RVC_ERROR domain and the mapping of whatever a D-Bus call
 * returned onto it. The library does not register its names with GDBus
 * (g_dbus_error_register_error_domain is process-global, and a front end
 * may load other users of these names); it maps the remote name itself.
 */
#include <string.h>

#include "private.h"

G_DEFINE_QUARK(rvc-error-quark, rvc_error)

const struct rvc_error_name rvc_error_names[] = {
	{ RVC_ERROR_FAILED, "org.roadvpn.Error.Failed" },
	{ RVC_ERROR_NOT_AUTHORIZED, "org.roadvpn.Error.NotAuthorized" },
	{ RVC_ERROR_NO_SUCH_PROFILE, "org.roadvpn.Error.NoSuchProfile" },
	{ RVC_ERROR_INVALID_PROFILE, "org.roadvpn.Error.InvalidProfile" },
	{ RVC_ERROR_NEEDS_SECRETS, "org.roadvpn.Error.NeedsSecrets" },
	{ RVC_ERROR_ALREADY_ACTIVE, "org.roadvpn.Error.AlreadyActive" },
	{ RVC_ERROR_BUSY, "org.roadvpn.Error.Busy" },
	{ RVC_ERROR_EXISTS, "org.roadvpn.Error.Exists" },
	{ RVC_ERROR_AUTHORIZATION_UNAVAILABLE, "org.roadvpn.Error.AuthorizationUnavailable" },
};
const size_t rvc_error_names_count = G_N_ELEMENTS(rvc_error_names);

/* What the bus says when nobody serves the name, or the server went away. */
static const char *const unreachable_names[] = {
	"org.freedesktop.DBus.Error.ServiceUnknown",
	"org.freedesktop.DBus.Error.NameHasNoOwner",
	"org.freedesktop.DBus.Error.NoReply",
	"org.freedesktop.DBus.Error.Disconnected",
	"org.freedesktop.DBus.Error.NoServer",
	"org.freedesktop.DBus.Error.Timeout",
	"org.freedesktop.DBus.Error.TimedOut",
};

static RvcError code_of_name(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rvc_error_names); i++) {
		if (!strcmp(name, rvc_error_names[i].name))
			return rvc_error_names[i].code;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(unreachable_names); i++) {
		if (!strcmp(name, unreachable_names[i]))
			return RVC_ERROR_HELPER_NOT_REACHABLE;
	}
	if (g_str_has_prefix(name, "org.freedesktop.DBus.Error.Spawn."))
		return RVC_ERROR_HELPER_NOT_REACHABLE;
	if (!strcmp(name, "org.freedesktop.DBus.Error.InvalidArgs"))
		return RVC_ERROR_INVALID_ARGUMENT;
	/* A member this helper lacks: it is older than the library expects. */
	if (!strcmp(name, "org.freedesktop.DBus.Error.UnknownMethod"))
		return RVC_ERROR_INCOMPATIBLE;
	if (!strcmp(name, "org.freedesktop.DBus.Error.LimitsExceeded"))
		return RVC_ERROR_LIMITS_EXCEEDED;
	if (!strcmp(name, "org.freedesktop.DBus.Error.AccessDenied"))
		return RVC_ERROR_NOT_AUTHORIZED;
	return RVC_ERROR_FAILED;
}

static RvcError code_of_local(const GError *error)
{
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
		return RVC_ERROR_HELPER_NOT_REACHABLE;
	return RVC_ERROR_FAILED;
}

/*
 * roadvpnd's error sentences are English. In another language the message
 * becomes what the error's name means, translated; where the sentence holds
 * what no name says (which setting is wrong), it follows, marked as
 * roadvpnd's. NULL: keep roadvpnd's sentence.
 */
static char *translated_message(RvcError code, const char *helper_says)
{
	char *text;

	switch (code) {
	case RVC_ERROR_NOT_AUTHORIZED:
		return g_strdup(rvc_gettext(N_("You are not allowed to do this.")));
	case RVC_ERROR_AUTHORIZATION_UNAVAILABLE:
		return g_strdup(rvc_gettext(N_("Your permission could not be checked (polkit did "
					       "not answer). Try again.")));
	case RVC_ERROR_NO_SUCH_PROFILE:
		return g_strdup(rvc_gettext(N_("There is no such profile.")));
	case RVC_ERROR_EXISTS:
		return g_strdup(rvc_gettext(N_("A profile with this name exists already.")));
	case RVC_ERROR_ALREADY_ACTIVE:
		return g_strdup(rvc_gettext(N_("This profile is connected or connecting already.")));
	case RVC_ERROR_BUSY:
	case RVC_ERROR_LIMITS_EXCEEDED:
		return g_strdup(rvc_gettext(N_("roadvpnd is busy. Try again in a moment.")));
	case RVC_ERROR_NEEDS_SECRETS:
		return g_strdup(rvc_gettext(N_("A password or key is needed to connect.")));
	case RVC_ERROR_INVALID_PROFILE:
		/* Said from the tag roadvpnd puts before its sentence (problem.c). */
		if ((text = rvc_problem_render(helper_says)))
			return text;
		/* A helper older than the tag, or a problem newer than this library. */
		G_GNUC_FALLTHROUGH;
	case RVC_ERROR_INVALID_ARGUMENT:
		/* TRANSLATORS: %s is roadvpnd's own sentence (English), e.g. "ppp.mtu: 575 is below 576" */
		return g_strdup_printf(rvc_gettext(N_("roadvpnd refused a setting (it says: %s)")),
				       rvc_problem_strip(helper_says));
	case RVC_ERROR_FAILED:
		if ((text = rvc_problem_render(helper_says)))
			return text;
		/* TRANSLATORS: %s is roadvpnd's own sentence (English) */
		return g_strdup_printf(rvc_gettext(N_("roadvpnd could not do it (it says: %s)")),
				       rvc_problem_strip(helper_says));
	case RVC_ERROR_HELPER_NOT_REACHABLE:
	case RVC_ERROR_INCOMPATIBLE:
	case RVC_ERROR_BAD_SECRET_FILE:
		break;
	}
	return NULL;
}

GError *rvc_error_from_dbus(const GError *error)
{
	g_autoptr(GError) copy = g_error_copy(error);
	g_autofree char *name = NULL;
	RvcError code;

	if (error->domain == RVC_ERROR ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return g_steal_pointer(&copy);
	name = g_dbus_error_get_remote_error(error);
	code = name ? code_of_name(name) : code_of_local(error);
	g_dbus_error_strip_remote_error(copy);
	if (code == RVC_ERROR_HELPER_NOT_REACHABLE)
		return g_error_new(RVC_ERROR, code, rvc_gettext(N_("roadvpnd is not reachable: %s")),
				   copy->message);
	if (!rvc_speaks_english()) {
		g_autofree char *text = translated_message(code, copy->message);

		if (text)
			return g_error_new_literal(RVC_ERROR, code, text);
	}
	return g_error_new_literal(RVC_ERROR, code, rvc_problem_strip(copy->message));
}
