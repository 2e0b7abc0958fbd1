/*
 * RvcConnection: a Connection object's proxy with typed getters. The
 * roadvpnd that ran the connection is pinned by its unique bus name: when
 * that name goes away or changes (a restarted roadvpnd numbers its
 * connections from 1 again), the object is gone for good, never silently
 * bound to another helper's connection of the same path.
 */
#include <string.h>

#include "private.h"

struct _RvcConnection {
	GObject parent;
	RvcDbusConnection *proxy;
	char *owner;                /* unique name of the roadvpnd that runs it */
	gboolean gone;
	gboolean following_log;
};

enum { SIGNAL_CHANGED, SIGNAL_LOG, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(RvcConnection, rvc_connection, G_TYPE_OBJECT)

static void rvc_connection_finalize(GObject *object)
{
	RvcConnection *c = RVC_CONNECTION(object);

	if (c->proxy)
		g_signal_handlers_disconnect_by_data(c->proxy, c);
	if (c->proxy && c->following_log)
		rvc_connection_unfollow_log(c);
	g_clear_object(&c->proxy);
	g_free(c->owner);
	G_OBJECT_CLASS(rvc_connection_parent_class)->finalize(object);
}

static void rvc_connection_class_init(RvcConnectionClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = rvc_connection_finalize;
	signals[SIGNAL_CHANGED] = g_signal_new("changed", RVC_TYPE_CONNECTION, G_SIGNAL_RUN_LAST,
		0, NULL, NULL, NULL, G_TYPE_NONE, 0);
	signals[SIGNAL_LOG] = g_signal_new("log", RVC_TYPE_CONNECTION, G_SIGNAL_RUN_LAST, 0, NULL,
		NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void rvc_connection_init(RvcConnection *c)
{
}

static void on_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
				  gpointer user_data)
{
	RvcConnection *c = user_data;

	if (!c->gone)
		g_signal_emit(c, signals[SIGNAL_CHANGED], 0);
}

static void on_log(RvcDbusConnection *proxy, const char *line, gpointer user_data)
{
	RvcConnection *c = user_data;

	if (!c->gone)
		g_signal_emit(c, signals[SIGNAL_LOG], 0, line);
}

static void on_name_owner(GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
	RvcConnection *c = user_data;
	g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(proxy));

	if (c->gone || !g_strcmp0(owner, c->owner))
		return;
	c->gone = TRUE;
	g_signal_emit(c, signals[SIGNAL_CHANGED], 0);
}

static void on_proxy(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	g_autoptr(RvcDbusConnection) proxy = NULL;
	RvcConnection *c;
	GError *error = NULL;

	proxy = rvc_dbus_connection_proxy_new_finish(result, &error);
	if (!proxy) {
		g_task_return_error(task, rvc_error_from_dbus(error));
		g_error_free(error);
		return;
	}
	/* No owner, or no State: roadvpnd is gone, or the object lingered out. */
	if (!rvc_dbus_connection_get_state(proxy)) {
		g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(proxy));

		g_task_return_new_error(task, RVC_ERROR, owner ? RVC_ERROR_FAILED :
					RVC_ERROR_HELPER_NOT_REACHABLE,
					rvc_gettext(N_("the connection %s is gone")),
					g_dbus_proxy_get_object_path(G_DBUS_PROXY(proxy)));
		return;
	}
	c = g_object_new(RVC_TYPE_CONNECTION, NULL);
	c->proxy = g_steal_pointer(&proxy);
	c->owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(c->proxy));
	g_signal_connect(c->proxy, "g-properties-changed", G_CALLBACK(on_properties_changed), c);
	g_signal_connect(c->proxy, "log", G_CALLBACK(on_log), c);
	g_signal_connect(c->proxy, "notify::g-name-owner", G_CALLBACK(on_name_owner), c);
	g_task_return_pointer(task, c, g_object_unref);
}

void rvc_connection_new(RvcClient *client, const char *path, GCancellable *cancellable,
			GTask *task)
{
	rvc_dbus_connection_proxy_new(rvc_client_get_bus(client),
				      G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, RVC_BUS_NAME, path,
				      cancellable, on_proxy, task);
}

RvcDbusConnection *rvc_connection_get_proxy(RvcConnection *connection)
{
	return connection->proxy;
}

/* Getters: empty values once gone, and while a property is not known. */

static const char *str(RvcConnection *c, const char *v)
{
	return !c->gone && v ? v : "";
}

static const char *const *strv(RvcConnection *c, const char *const *v)
{
	static const char *const empty[] = { NULL };

	return !c->gone && v ? v : empty;
}

const char *rvc_connection_get_path(RvcConnection *connection)
{
	return g_dbus_proxy_get_object_path(G_DBUS_PROXY(connection->proxy));
}

const char *rvc_connection_get_profile(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_profile(connection->proxy));
}

guint rvc_connection_get_owner(RvcConnection *connection)
{
	return connection->gone ? 0 : rvc_dbus_connection_get_owner(connection->proxy);
}

const char *rvc_connection_get_state(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_state(connection->proxy));
}

RvcPhase rvc_connection_get_phase(RvcConnection *connection)
{
	return rvc_phase_from_id(rvc_connection_get_state(connection));
}

gboolean rvc_connection_get_last_error(RvcConnection *connection, RvcFailure *failure)
{
	GVariant *err = connection->gone ? NULL :
			rvc_dbus_connection_get_last_error(connection->proxy);

	*failure = (RvcFailure){ "", "", "" };
	if (err)
		g_variant_get(err, "(&s&s&s)", &failure->phase, &failure->reason,
			      &failure->message);
	return *failure->phase || *failure->reason || *failure->message;
}

int rvc_connection_get_exit_code(RvcConnection *connection)
{
	return connection->gone ? 0 : rvc_dbus_connection_get_exit_code(connection->proxy);
}

const char *rvc_connection_get_interface(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_interface(connection->proxy));
}

const char *rvc_connection_get_address(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_address(connection->proxy));
}

const char *rvc_connection_get_peer_address(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_peer_address(connection->proxy));
}

const char *rvc_connection_get_ipv6_address(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_ipv6_address(connection->proxy));
}

const char *rvc_connection_get_ipv6_peer_address(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_ipv6_peer_address(connection->proxy));
}

const char *const *rvc_connection_get_dns(RvcConnection *connection)
{
	return strv(connection, rvc_dbus_connection_get_dns(connection->proxy));
}

const char *const *rvc_connection_get_routes(RvcConnection *connection)
{
	return strv(connection, rvc_dbus_connection_get_routes(connection->proxy));
}

guint rvc_connection_get_mtu(RvcConnection *connection)
{
	return connection->gone ? 0 : rvc_dbus_connection_get_mtu(connection->proxy);
}

const char *rvc_connection_get_auth_method(RvcConnection *connection)
{
	return str(connection, rvc_dbus_connection_get_auth_method(connection->proxy));
}

gboolean rvc_connection_get_configure_network(RvcConnection *connection)
{
	return !connection->gone && rvc_dbus_connection_get_configure_network(connection->proxy);
}

RvcStatistics rvc_connection_get_statistics(RvcConnection *connection)
{
	GVariant *st = connection->gone ? NULL :
		       rvc_dbus_connection_get_statistics(connection->proxy);
	RvcStatistics s = { 0 };

	if (st) {
		g_variant_lookup(st, "bytes-in", "t", &s.bytes_in);
		g_variant_lookup(st, "bytes-out", "t", &s.bytes_out);
		g_variant_lookup(st, "packets-in", "t", &s.packets_in);
		g_variant_lookup(st, "packets-out", "t", &s.packets_out);
	}
	return s;
}

gint64 rvc_connection_get_connected_since(RvcConnection *connection)
{
	guint64 usec = connection->gone ? 0 :
		       rvc_dbus_connection_get_connected_since(connection->proxy);

	return (gint64)(usec / G_USEC_PER_SEC);
}

gboolean rvc_connection_is_gone(RvcConnection *connection)
{
	return connection->gone;
}

/* Disconnect, GetLog ------------------------------------------------------ */

/* Both methods may ask polkit. */
static void call(RvcConnection *c, const char *method, GCancellable *cancellable,
		 GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
	GTask *task = g_task_new(c, cancellable, callback, user_data);

	g_task_set_source_tag(task, tag);
	rvc_proxy_call(G_DBUS_PROXY(c->proxy), method, NULL, TRUE, cancellable, task);
}

static GVariant *call_sync(RvcConnection *c, const char *method, GCancellable *cancellable,
			   GError **error)
{
	return rvc_proxy_call_sync(G_DBUS_PROXY(c->proxy), method, NULL, TRUE, cancellable,
				   error);
}

void rvc_connection_disconnect(RvcConnection *connection, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data)
{
	call(connection, "Disconnect", cancellable, callback, user_data, rvc_connection_disconnect);
}

gboolean rvc_connection_disconnect_finish(RvcConnection *connection, GAsyncResult *result,
					  GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply != NULL;
}

gboolean rvc_connection_disconnect_sync(RvcConnection *connection, GCancellable *cancellable,
					GError **error)
{
	g_autoptr(GVariant) reply = call_sync(connection, "Disconnect", cancellable, error);

	return reply != NULL;
}

static char **lines_from(GVariant *reply)
{
	char **lines = NULL;

	g_variant_get(reply, "(^as)", &lines);
	return lines;
}

void rvc_connection_get_log(RvcConnection *connection, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	call(connection, "GetLog", cancellable, callback, user_data, rvc_connection_get_log);
}

char **rvc_connection_get_log_finish(RvcConnection *connection, GAsyncResult *result,
				     GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply ? lines_from(reply) : NULL;
}

char **rvc_connection_get_log_sync(RvcConnection *connection, GCancellable *cancellable,
				   GError **error)
{
	g_autoptr(GVariant) reply = call_sync(connection, "GetLog", cancellable, error);

	return reply ? lines_from(reply) : NULL;
}

/* The proxy listens to Log from its creation on, so lines after the backlog are not lost. */
void rvc_connection_follow_log(RvcConnection *connection, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data)
{
	call(connection, "FollowLog", cancellable, callback, user_data, rvc_connection_follow_log);
}

char **rvc_connection_follow_log_finish(RvcConnection *connection, GAsyncResult *result,
					GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	connection->following_log |= reply != NULL;
	return reply ? lines_from(reply) : NULL;
}

char **rvc_connection_follow_log_sync(RvcConnection *connection, GCancellable *cancellable,
				      GError **error)
{
	g_autoptr(GVariant) reply = call_sync(connection, "FollowLog", cancellable, error);

	connection->following_log |= reply != NULL;
	return reply ? lines_from(reply) : NULL;
}

void rvc_connection_unfollow_log(RvcConnection *connection)
{
	connection->following_log = FALSE;
	if (!connection->gone)
		g_dbus_proxy_call(G_DBUS_PROXY(connection->proxy), "UnfollowLog", NULL,
				  G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}
