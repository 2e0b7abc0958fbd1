/* The stand-in roadvpnd (see standin.h). */
#include <string.h>

#include "standin.h"

static void export_connection(struct standin *s, const char *state)
{
	s->connection = rv_dbus_connection_skeleton_new();
	rv_dbus_connection_set_profile(s->connection, "office");
	rv_dbus_connection_set_state(s->connection, state);
	rv_dbus_connection_set_last_error(s->connection, g_variant_new("(sss)", "", "", ""));
	rv_dbus_connection_set_connected_since(s->connection, G_GUINT64_CONSTANT(1700000000654321));
	g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(s->connection), s->bus,
					 STANDIN_CONN_PATH, NULL);
}

static gboolean on_missing(RvDbusManager *m, GDBusMethodInvocation *inv, const char *profile,
			   const char *const *given, gpointer user_data)
{
	struct standin *s = user_data;
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) kinds = NULL;

	g_atomic_int_inc(&s->missing_calls);
	for (const char *const *k = s->missing; k && *k; k++) {
		if (!g_strv_contains(given, *k))
			g_strv_builder_add(b, *k);
	}
	kinds = g_strv_builder_end(b);
	rv_dbus_manager_complete_missing_secrets(m, inv, (const char *const *)kinds);
	return TRUE;
}

struct late {
	struct standin *s;
	GDBusMethodInvocation *inv;
};

static void answer_connect(struct standin *s, GDBusMethodInvocation *inv)
{
	if (!s->connection)
		export_connection(s, s->initial_state ? s->initial_state : "resolving");
	rv_dbus_manager_complete_connect(s->manager, inv, STANDIN_CONN_PATH);
}

static gboolean on_late(gpointer user_data)
{
	struct late *l = user_data;

	answer_connect(l->s, l->inv);
	g_free(l);
	return G_SOURCE_REMOVE;
}

static gboolean on_connect(RvDbusManager *m, GDBusMethodInvocation *inv, const char *profile,
			   GVariant *options, gpointer user_data)
{
	struct standin *s = user_data;
	GSource *src;
	struct late *l;

	g_atomic_int_inc(&s->connects);
	g_mutex_lock(&s->lock);
	g_clear_pointer(&s->last_options, g_variant_unref);
	s->last_options = g_variant_ref(options);
	g_mutex_unlock(&s->lock);
	if (s->needs_secrets_replies > 0) {
		s->needs_secrets_replies--;
		g_dbus_method_invocation_return_dbus_error(inv, "org.roadvpn.Error.NeedsSecrets",
							   "needs secrets: psk");
	} else if (s->connect_error) {
		g_dbus_method_invocation_return_dbus_error(inv, s->connect_error, "scripted");
	} else if (s->connect_delay_ms) {
		l = g_new0(struct late, 1);
		l->s = s;
		l->inv = inv;
		src = g_timeout_source_new(s->connect_delay_ms);
		g_source_set_callback(src, on_late, l, NULL);
		g_source_attach(src, s->ctx);
		g_source_unref(src);
	} else {
		answer_connect(s, inv);
	}
	return TRUE;
}

static gboolean on_list(RvDbusManager *m, GDBusMethodInvocation *inv, gpointer user_data)
{
	struct standin *s = user_data;

	rv_dbus_manager_complete_list_profiles(m, inv, s->profiles ? s->profiles :
					       g_variant_new("a(sa{sv})", NULL));
	return TRUE;
}

static void serve(struct standin *s)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;

	s->bus = g_dbus_connection_new_for_address_sync(g_getenv("DBUS_SYSTEM_BUS_ADDRESS"),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
	g_assert_no_error(error);
	s->manager = rv_dbus_manager_skeleton_new();
	rv_dbus_manager_set_version(s->manager, s->version ? s->version : "1.0");
	g_signal_connect(s->manager, "handle-missing-secrets", G_CALLBACK(on_missing), s);
	g_signal_connect(s->manager, "handle-connect", G_CALLBACK(on_connect), s);
	g_signal_connect(s->manager, "handle-list-profiles", G_CALLBACK(on_list), s);
	g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(s->manager), s->bus,
					 "/org/roadvpn/Helper1", &error);
	g_assert_no_error(error);
	if (s->export_connection)
		export_connection(s, "up");
	r = g_dbus_connection_call_sync(s->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
					"org.freedesktop.DBus", "RequestName",
					g_variant_new("(su)", "org.roadvpn.Helper1", 4u), NULL,
					G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
}

static void unserve(struct standin *s)
{
	if (s->connection)
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(s->connection));
	g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(s->manager));
	g_dbus_connection_close_sync(s->bus, NULL, NULL);
	g_clear_object(&s->connection);
	g_clear_object(&s->manager);
	g_clear_object(&s->bus);
}

static gpointer thread_main(gpointer user_data)
{
	struct standin *s = user_data;

	g_main_context_push_thread_default(s->ctx);
	serve(s);
	g_mutex_lock(&s->lock);
	s->ready = TRUE;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
	g_main_loop_run(s->loop);
	unserve(s);
	g_main_context_pop_thread_default(s->ctx);
	return NULL;
}

void standin_start(struct standin *s)
{
	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->ready = FALSE;
	s->ctx = g_main_context_new();
	s->loop = g_main_loop_new(s->ctx, FALSE);
	if (s->profiles)
		g_variant_ref_sink(s->profiles);
	s->thread = g_thread_new("standin", thread_main, s);
	g_mutex_lock(&s->lock);
	while (!s->ready)
		g_cond_wait(&s->cond, &s->lock);
	g_mutex_unlock(&s->lock);
}

struct job {
	struct standin *s;
	void (*fn)(struct standin *s);
	gboolean done;
};

static gboolean run_job(gpointer user_data)
{
	struct job *j = user_data;

	j->fn(j->s);
	g_mutex_lock(&j->s->lock);
	j->done = TRUE;
	g_cond_signal(&j->s->cond);
	g_mutex_unlock(&j->s->lock);
	return G_SOURCE_REMOVE;
}

void standin_run(struct standin *s, void (*fn)(struct standin *s))
{
	struct job j = { s, fn, FALSE };

	g_main_context_invoke(s->ctx, run_job, &j);
	g_mutex_lock(&s->lock);
	while (!j.done)
		g_cond_wait(&s->cond, &s->lock);
	g_mutex_unlock(&s->lock);
}

static void quit(struct standin *s)
{
	g_main_loop_quit(s->loop);
}

void standin_stop(struct standin *s)
{
	standin_run(s, quit);
	g_thread_join(s->thread);
	g_main_loop_unref(s->loop);
	g_main_context_unref(s->ctx);
	g_clear_pointer(&s->last_options, g_variant_unref);
	g_clear_pointer(&s->profiles, g_variant_unref);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
}

void standin_set_state(struct standin *s, const char *state)
{
	rv_dbus_connection_set_state(s->connection, state);
}

void standin_set_failure(struct standin *s, const char *phase, const char *reason,
			 const char *message)
{
	rv_dbus_connection_set_last_error(s->connection,
					  g_variant_new("(sss)", phase, reason, message));
	rv_dbus_connection_set_exit_code(s->connection, 4);
	rv_dbus_connection_set_state(s->connection, "failed");
}
