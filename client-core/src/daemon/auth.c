/*
 * Caller identification and polkit, both asynchronous (see auth.h).
 *
 * polkitd is asked over D-Bus directly (org.freedesktop.PolicyKit1.Authority
 * .CheckAuthorization, the call libpolkit-gobject-1 makes): linking that
 * library brought libsystemd, libgcrypt and four compression libraries into
 * roadvpnd, about 1 MiB of RSS, for one method call.
 *
 * The subject is the caller's unique bus name ("system-bus-name"), which
 * polkitd resolves to a process and uid itself, so a caller cannot claim
 * another pid. User interaction (an agent asking for a password) is allowed
 * only when the caller set ALLOW_INTERACTIVE_AUTHORIZATION on its message,
 * as the D-Bus specification asks. No details, and no cancellation id: a
 * check is never cancelled, it ends with polkitd's answer or an error, and
 * any error denies.
 */
#include "auth.h"
#include "dbus/errors.h"
#include "util/log.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
/* CheckAuthorizationFlags.AllowUserInteraction in polkit's D-Bus API */
#define POLKIT_FLAG_ALLOW_USER_INTERACTION 1u
/* An agent may wait for the user's password as long as it takes (as libpolkit). */
#define POLKIT_NO_TIMEOUT G_MAXINT

struct auth_call {
	GDBusMethodInvocation *inv;
	char *action;
	rv_auth_fn done;
	gpointer user_data;
	uid_t uid;
};

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
	g_autoptr(GVariant) ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res,
								&error);
	gboolean authorized, challenge;

	if (!ret) {
		auth_finish(c, false, error->message);
		return;
	}

	/* ((is_authorized, is_challenge, details)) */
	g_variant_get(ret, "((bb@a{ss}))", &authorized, &challenge, NULL);
	auth_finish(c, authorized,
		    challenge ? "authentication required (no agent answered)" : NULL);
}

static void check_polkit(struct auth_call *c)
{
	GDBusMethodInvocation *inv = c->inv;
	GDBusMessage *msg = g_dbus_method_invocation_get_message(inv);
	guint32 flags = 0;
	GVariantBuilder subject;

	if (g_dbus_message_get_flags(msg) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
		flags |= POLKIT_FLAG_ALLOW_USER_INTERACTION;

	g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&subject, "{sv}", "name",
			      g_variant_new_string(g_dbus_method_invocation_get_sender(inv)));
	g_dbus_connection_call(g_dbus_method_invocation_get_connection(inv), POLKIT_NAME,
			       POLKIT_PATH, POLKIT_IFACE, "CheckAuthorization",
			       g_variant_new("((sa{sv})s@a{ss}us)", "system-bus-name", &subject,
					     c->action, g_variant_new_array(G_VARIANT_TYPE("{ss}"),
									    NULL, 0),
					     flags, ""),
			       G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
			       POLKIT_NO_TIMEOUT, NULL, on_polkit_checked, c);
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
