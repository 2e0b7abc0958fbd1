/*
 * Caller identification and polkit, both asynchronous (see auth.h).
 * The subject is the caller's unique bus name (polkit_system_bus_name_new),
 * which polkitd resolves to a process and uid itself, so a caller cannot
 * claim another pid. User interaction (an agent asking for a password) is
 * allowed only when the caller set ALLOW_INTERACTIVE_AUTHORIZATION on its
 * message, as the D-Bus specification asks.
 */
#define POLKIT_AGENT_I_KNOW_API_IS_SUBJECT_TO_CHANGE
#include <polkit/polkit.h>

#include "auth.h"
#include "dbus/errors.h"
#include "util/log.h"

struct auth_call {
	GDBusMethodInvocation *inv;
	char *action;
	rv_auth_fn done;
	gpointer user_data;
	uid_t uid;
};

static PolkitAuthority *authority;

int rv_auth_init(void)
{
	g_autoptr(GError) error = NULL;

	/* Once, at start-up, before the bus name is taken: no client waits yet. */
	authority = polkit_authority_get_sync(NULL, &error);
	if (!authority) {
		rv_log_warning("roadvpnd", "polkit unavailable (%s): only root may act",
			       error->message);
		return -1;
	}
	return 0;
}

void rv_auth_shutdown(void)
{
	g_clear_object(&authority);
}

static void auth_call_free(struct auth_call *c)
{
	g_object_unref(c->inv);
	g_free(c->action);
	g_free(c);
}

static void auth_finish(struct auth_call *c, bool authorized, const char *why)
{
	if (!authorized) {
		rv_log_info("roadvpnd", "uid %u not authorized for %s%s%s", (unsigned int)c->uid,
			    c->action, why ? ": " : "", why ? why : "");
		g_dbus_method_invocation_return_error(c->inv, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
						      "not authorized: %s", c->action);
	}
	c->done(c->inv, c->uid, authorized, c->user_data);
	auth_call_free(c);
}

static void on_polkit_checked(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct auth_call *c = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(PolkitAuthorizationResult) result =
		polkit_authority_check_authorization_finish(POLKIT_AUTHORITY(source), res, &error);

	if (!result) {
		auth_finish(c, false, error->message);
		return;
	}

	auth_finish(c, polkit_authorization_result_get_is_authorized(result),
		    polkit_authorization_result_get_is_challenge(result) ?
			    "authentication required (no agent answered)" : NULL);
}

static void check_polkit(struct auth_call *c)
{
	const char *sender = g_dbus_method_invocation_get_sender(c->inv);
	g_autoptr(PolkitSubject) subject = polkit_system_bus_name_new(sender);
	PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
	GDBusMessage *msg = g_dbus_method_invocation_get_message(c->inv);

	if (!authority) {
		auth_finish(c, false, "polkit is not available");
		return;
	}

	if (g_dbus_message_get_flags(msg) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
		flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
	polkit_authority_check_authorization(authority, subject, c->action, NULL, flags, NULL,
					     on_polkit_checked, c);
}

static void on_caller_uid(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct auth_call *c = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res,
								&error);
	guint32 uid;

	if (!ret) {
		auth_finish(c, false, error->message);
		return;
	}

	g_variant_get(ret, "(u)", &uid);
	c->uid = uid;
	/* root needs no polkit (as NetworkManager): it could rewrite the policy anyway. */
	if (uid == 0) {
		auth_finish(c, true, NULL);
		return;
	}
	check_polkit(c);
}

void rv_auth_check(GDBusMethodInvocation *inv, const char *action, rv_auth_fn done,
		   gpointer user_data)
{
	struct auth_call *c = g_new0(struct auth_call, 1);

	c->inv = g_object_ref(inv);
	c->action = g_strdup(action);
	c->done = done;
	c->user_data = user_data;
	c->uid = (uid_t)-1;
	g_dbus_connection_call(g_dbus_method_invocation_get_connection(inv), "org.freedesktop.DBus",
			       "/org/freedesktop/DBus", "org.freedesktop.DBus",
			       "GetConnectionUnixUser",
			       g_variant_new("(s)", g_dbus_method_invocation_get_sender(inv)),
			       G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
			       on_caller_uid, c);
}
