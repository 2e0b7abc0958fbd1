/*
 * RvcClient: the Manager proxy, calls on it, and the profile operations.
 * Every call goes through rvc_client_call(): one place decides the flags
 * (interactive polkit, no timeout for calls that act) and maps errors.
 */
#include <stdio.h>
#include <string.h>

#include "private.h"

struct _RvcClient {
	GObject parent;
	GMainContext *context;
	GDBusConnection *bus;
	RvcDbusManager *manager;
};

enum { PROP_0, PROP_HELPER_RUNNING, N_PROPS };
enum { SIGNAL_PROFILES_CHANGED, N_SIGNALS };
static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(RvcClient, rvc_client, G_TYPE_OBJECT)

static void rvc_client_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	switch (id) {
	case PROP_HELPER_RUNNING:
		g_value_set_boolean(value, rvc_client_get_helper_running(RVC_CLIENT(object)));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void rvc_client_finalize(GObject *object)
{
	RvcClient *c = RVC_CLIENT(object);

	if (c->manager)
		g_signal_handlers_disconnect_by_data(c->manager, c);
	g_clear_object(&c->manager);
	g_clear_object(&c->bus);
	g_main_context_unref(c->context);
	G_OBJECT_CLASS(rvc_client_parent_class)->finalize(object);
}

static void rvc_client_class_init(RvcClientClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);

	oc->get_property = rvc_client_get_property;
	oc->finalize = rvc_client_finalize;
	props[PROP_HELPER_RUNNING] = g_param_spec_boolean("helper-running", NULL, NULL, FALSE,
		G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(oc, N_PROPS, props);
	signals[SIGNAL_PROFILES_CHANGED] = g_signal_new("profiles-changed", RVC_TYPE_CLIENT,
		G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void rvc_client_init(RvcClient *c)
{
	c->context = g_main_context_ref_thread_default();
}

/* Construction ------------------------------------------------------------- */

static void on_profiles_changed(RvcDbusManager *manager, gpointer user_data)
{
	g_signal_emit(user_data, signals[SIGNAL_PROFILES_CHANGED], 0);
}

static void on_name_owner(GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
	g_object_notify_by_pspec(user_data, props[PROP_HELPER_RUNNING]);
}

static gboolean version_major(const char *version, guint *major, guint *minor)
{
	return version && sscanf(version, "%u.%u", major, minor) == 2;
}

/* A running helper of another major version is refused; one not running is fine. */
static RvcClient *client_from(GDBusConnection *bus, RvcDbusManager *manager, GError **error)
{
	const char *version = rvc_dbus_manager_get_version(manager);
	guint major, minor;
	RvcClient *c;

	if (version && (!version_major(version, &major, &minor) ||
			major != RVC_INTERFACE_VERSION_MAJOR)) {
		g_set_error(error, RVC_ERROR, RVC_ERROR_INCOMPATIBLE,
			    rvc_gettext(N_("roadvpnd speaks interface version %s, this program %s")),
			    version,
			    RVC_INTERFACE_VERSION);
		return NULL;
	}
	c = g_object_new(RVC_TYPE_CLIENT, NULL);
	c->bus = g_object_ref(bus);
	c->manager = g_object_ref(manager);
	/* Calls that act may wait for a password typed into a polkit agent. */
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(manager), -1);
	g_signal_connect(manager, "profiles-changed", G_CALLBACK(on_profiles_changed), c);
	g_signal_connect(manager, "notify::g-name-owner", G_CALLBACK(on_name_owner), c);
	return c;
}

static void propagate(GError **error, GError *local)
{
	g_propagate_error(error, rvc_error_from_dbus(local));
	g_error_free(local);
}

RvcClient *rvc_client_new_sync(GCancellable *cancellable, GError **error)
{
	g_autoptr(GDBusConnection) bus = NULL;
	g_autoptr(RvcDbusManager) manager = NULL;
	GError *local = NULL;

	bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, cancellable, &local);
	if (bus)
		manager = rvc_dbus_manager_proxy_new_sync(bus,
			G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION, RVC_BUS_NAME,
			RVC_MANAGER_PATH, cancellable, &local);
	if (!manager) {
		if (!g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			g_set_error(error, RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE,
				    rvc_gettext(N_("cannot reach roadvpnd: %s")), local->message);
			g_error_free(local);
		} else {
			g_propagate_error(error, local);
		}
		return NULL;
	}
	return client_from(bus, manager, error);
}

static void on_manager_proxy(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	g_autoptr(RvcDbusManager) manager = NULL;
	GError *error = NULL;
	RvcClient *c;

	manager = rvc_dbus_manager_proxy_new_finish(result, &error);
	if (!manager) {
		g_task_return_new_error(task, RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE,
					rvc_gettext(N_("cannot reach roadvpnd: %s")), error->message);
		g_error_free(error);
		return;
	}
	c = client_from(g_dbus_proxy_get_connection(G_DBUS_PROXY(manager)), manager, &error);
	if (c)
		g_task_return_pointer(task, c, g_object_unref);
	else
		g_task_return_error(task, error);
}

static void on_bus(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	g_autoptr(GDBusConnection) bus = NULL;
	GError *error = NULL;

	bus = g_bus_get_finish(result, &error);
	if (!bus) {
		g_task_return_new_error(task, RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE,
					rvc_gettext(N_("cannot reach roadvpnd: %s")), error->message);
		g_error_free(error);
		g_object_unref(task);
		return;
	}
	rvc_dbus_manager_proxy_new(bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
				   RVC_BUS_NAME, RVC_MANAGER_PATH, g_task_get_cancellable(task),
				   on_manager_proxy, task);
}

void rvc_client_new(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(NULL, cancellable, callback, user_data);

	g_task_set_source_tag(task, rvc_client_new);
	g_bus_get(G_BUS_TYPE_SYSTEM, cancellable, on_bus, task);
}

RvcClient *rvc_client_new_finish(GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

gboolean rvc_client_get_helper_running(RvcClient *client)
{
	g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(client->manager));

	return owner != NULL;
}

const char *rvc_client_get_interface_version(RvcClient *client)
{
	return rvc_dbus_manager_get_version(client->manager);
}

gboolean rvc_client_helper_has_version(RvcClient *client, guint major, guint minor)
{
	guint have_major, have_minor;

	if (!version_major(rvc_client_get_interface_version(client), &have_major, &have_minor))
		return FALSE;
	return have_major == major && have_minor >= minor;
}

GDBusConnection *rvc_client_get_bus(RvcClient *client)
{
	return client->bus;
}

GMainContext *rvc_client_get_context(RvcClient *client)
{
	return client->context;
}

/* Calls ------------------------------------------------------------------- */

static void on_call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	GError *error = NULL;
	GVariant *reply = g_dbus_proxy_call_finish(G_DBUS_PROXY(source), result, &error);

	if (!reply) {
		g_task_return_error(task, rvc_error_from_dbus(error));
		g_error_free(error);
		return;
	}
	g_task_return_pointer(task, reply, (GDestroyNotify)g_variant_unref);
}

static GDBusCallFlags call_flags(gboolean acts)
{
	return acts ? G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION : G_DBUS_CALL_FLAGS_NONE;
}

void rvc_proxy_call(GDBusProxy *proxy, const char *method, GVariant *params, gboolean acts,
		    GCancellable *cancellable, GTask *task)
{
	g_dbus_proxy_call(proxy, method, params, call_flags(acts), acts ? G_MAXINT : -1,
			  cancellable, on_call_done, task);
}

GVariant *rvc_proxy_call_sync(GDBusProxy *proxy, const char *method, GVariant *params,
			      gboolean acts, GCancellable *cancellable, GError **error)
{
	GError *local = NULL;
	GVariant *reply = g_dbus_proxy_call_sync(proxy, method, params, call_flags(acts),
						 acts ? G_MAXINT : -1, cancellable, &local);

	if (!reply)
		propagate(error, local);
	return reply;
}

void rvc_client_call(RvcClient *client, const char *method, GVariant *params, gboolean acts,
		     GCancellable *cancellable, GTask *task)
{
	rvc_proxy_call(G_DBUS_PROXY(client->manager), method, params, acts, cancellable, task);
}

GVariant *rvc_client_call_sync(RvcClient *client, const char *method, GVariant *params,
			       gboolean acts, GCancellable *cancellable, GError **error)
{
	return rvc_proxy_call_sync(G_DBUS_PROXY(client->manager), method, params, acts,
				   cancellable, error);
}

GVariant *rvc_call_finish(GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

void rvc_store_result(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GAsyncResult **store = user_data;

	*store = g_object_ref(result);
}

void rvc_client_wait(RvcClient *client, GAsyncResult **result)
{
	while (!*result)
		g_main_context_iteration(client->context, TRUE);
}

static GTask *new_call_task(RvcClient *client, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
	GTask *task = g_task_new(client, cancellable, callback, user_data);

	g_task_set_source_tag(task, tag);
	return task;
}

/* Profiles ---------------------------------------------------------------- */

void rvc_profile_summary_free(RvcProfileSummary *s)
{
	if (!s)
		return;
	g_free(s->name);
	g_free(s->gateway);
	g_free(s->user);
	g_strfreev(s->allowed_users);
	g_free(s->state);
	g_free(s->connection_path);
	g_free((char *)s->last_error.phase);
	g_free((char *)s->last_error.reason);
	g_free((char *)s->last_error.message);
	g_free(s->invalid);
	g_free(s->invalid_text);
	g_free(s);
}

static char *lookup_string(GVariant *dict, const char *key, const char *fallback)
{
	const char *v;

	if (g_variant_lookup(dict, key, "&s", &v))
		return g_strdup(v);
	return fallback ? g_strdup(fallback) : NULL;
}

/* "invalid": roadvpnd's sentence without its tag, and the tag said in the user's language. */
static void read_invalid(RvcProfileSummary *s, GVariant *d)
{
	g_autofree char *raw = lookup_string(d, "invalid", NULL);

	if (!raw)
		return;
	s->invalid = g_strdup(rvc_problem_strip(raw));
	s->invalid_text = rvc_speaks_english() ? g_strdup(s->invalid) : rvc_problem_render(raw);
}

/* Keys a newer helper adds are ignored; keys it hides from this caller stay empty. */
static RvcProfileSummary *summary_from(const char *name, GVariant *d)
{
	RvcProfileSummary *s = g_new0(RvcProfileSummary, 1);
	const char *path = NULL;
	gboolean ipsec = FALSE, restricted = FALSE;

	s->name = g_strdup(name);
	g_variant_lookup(d, "restricted", "b", &restricted);
	s->restricted = restricted;
	read_invalid(s, d);
	s->gateway = lookup_string(d, "gateway", "");
	s->user = lookup_string(d, "user", "");
	g_variant_lookup(d, "ipsec", "b", &ipsec);
	s->ipsec = ipsec;
	if (!g_variant_lookup(d, "allowed-users", "^as", &s->allowed_users))
		s->allowed_users = g_new0(char *, 1);
	s->state = lookup_string(d, "state", "disconnected");
	if (g_variant_lookup(d, "connection", "&o", &path) && strcmp(path, "/"))
		s->connection_path = g_strdup(path);
	if (!g_variant_lookup(d, "last-error", "(sss)", &s->last_error.phase,
			      &s->last_error.reason, &s->last_error.message)) {
		s->last_error.phase = g_strdup("");
		s->last_error.reason = g_strdup("");
		s->last_error.message = g_strdup("");
	}
	g_variant_lookup(d, "exit-code", "i", &s->exit_code);
	return s;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	const RvcProfileSummary *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static GPtrArray *profiles_from(GVariant *reply)
{
	GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)rvc_profile_summary_free);
	g_autoptr(GVariantIter) iter = NULL;
	const char *name;
	GVariant *d;

	g_variant_get(reply, "(a(sa{sv}))", &iter);
	while (g_variant_iter_next(iter, "(&s@a{sv})", &name, &d)) {
		g_ptr_array_add(list, summary_from(name, d));
		g_variant_unref(d);
	}
	g_ptr_array_sort(list, by_name);
	return list;
}

const RvcProfileSummary *rvc_profile_list_find(GPtrArray *profiles, const char *name)
{
	for (guint i = 0; profiles && i < profiles->len; i++) {
		const RvcProfileSummary *s = profiles->pdata[i];

		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

void rvc_client_list_profiles(RvcClient *client, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data)
{
	rvc_client_call(client, "ListProfiles", NULL, FALSE, cancellable,
			new_call_task(client, cancellable, callback, user_data,
				      rvc_client_list_profiles));
}

GPtrArray *rvc_client_list_profiles_finish(RvcClient *client, GAsyncResult *result,
					   GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply ? profiles_from(reply) : NULL;
}

GPtrArray *rvc_client_list_profiles_sync(RvcClient *client, GCancellable *cancellable,
					 GError **error)
{
	g_autoptr(GVariant) reply = rvc_client_call_sync(client, "ListProfiles", NULL, FALSE,
							 cancellable, error);

	return reply ? profiles_from(reply) : NULL;
}

static char *profile_text_from(GVariant *reply, char ***stored_secrets)
{
	char *text = NULL;
	char **stored = NULL;

	g_variant_get(reply, "(s^as)", &text, &stored);
	if (stored_secrets)
		*stored_secrets = stored;
	else
		g_strfreev(stored);
	return text;
}

void rvc_client_get_profile(RvcClient *client, const char *name, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	rvc_client_call(client, "GetProfile", g_variant_new("(s)", name), FALSE, cancellable,
			new_call_task(client, cancellable, callback, user_data,
				      rvc_client_get_profile));
}

char *rvc_client_get_profile_finish(RvcClient *client, GAsyncResult *result,
				    char ***stored_secrets, GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply ? profile_text_from(reply, stored_secrets) : NULL;
}

char *rvc_client_get_profile_sync(RvcClient *client, const char *name, char ***stored_secrets,
				  GCancellable *cancellable, GError **error)
{
	g_autoptr(GVariant) reply = rvc_client_call_sync(client, "GetProfile",
		g_variant_new("(s)", name), FALSE, cancellable, error);

	return reply ? profile_text_from(reply, stored_secrets) : NULL;
}

/* Calls that answer nothing: AddProfile, UpdateProfile, RemoveProfile, Disconnect. */
static gboolean void_finish(GAsyncResult *result, GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply != NULL;
}

static gboolean void_sync(RvcClient *client, const char *method, GVariant *params,
			  GCancellable *cancellable, GError **error)
{
	g_autoptr(GVariant) reply = rvc_client_call_sync(client, method, params, TRUE,
							 cancellable, error);

	return reply != NULL;
}

void rvc_client_add_profile(RvcClient *client, const char *name, const char *keyfile,
			    GCancellable *cancellable, GAsyncReadyCallback callback,
			    gpointer user_data)
{
	rvc_client_call(client, "AddProfile", g_variant_new("(ss)", name, keyfile), TRUE,
			cancellable, new_call_task(client, cancellable, callback, user_data,
						   rvc_client_add_profile));
}

gboolean rvc_client_add_profile_finish(RvcClient *client, GAsyncResult *result, GError **error)
{
	return void_finish(result, error);
}

gboolean rvc_client_add_profile_sync(RvcClient *client, const char *name, const char *keyfile,
				     GCancellable *cancellable, GError **error)
{
	return void_sync(client, "AddProfile", g_variant_new("(ss)", name, keyfile), cancellable,
			 error);
}

static GVariant *update_params(const char *name, GHashTable *settings)
{
	GVariantBuilder b;
	GHashTableIter iter;
	gpointer key, value;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
	if (settings) {
		g_hash_table_iter_init(&iter, settings);
		while (g_hash_table_iter_next(&iter, &key, &value))
			g_variant_builder_add(&b, "{ss}", key, value);
	}
	return g_variant_new("(sa{ss})", name, &b);
}

void rvc_client_update_profile(RvcClient *client, const char *name, GHashTable *settings,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data)
{
	rvc_client_call(client, "UpdateProfile", update_params(name, settings), TRUE, cancellable,
			new_call_task(client, cancellable, callback, user_data,
				      rvc_client_update_profile));
}

gboolean rvc_client_update_profile_finish(RvcClient *client, GAsyncResult *result,
					  GError **error)
{
	return void_finish(result, error);
}

gboolean rvc_client_update_profile_sync(RvcClient *client, const char *name,
					GHashTable *settings, GCancellable *cancellable,
					GError **error)
{
	return void_sync(client, "UpdateProfile", update_params(name, settings), cancellable,
			 error);
}

void rvc_client_remove_profile(RvcClient *client, const char *name, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data)
{
	rvc_client_call(client, "RemoveProfile", g_variant_new("(s)", name), TRUE, cancellable,
			new_call_task(client, cancellable, callback, user_data,
				      rvc_client_remove_profile));
}

gboolean rvc_client_remove_profile_finish(RvcClient *client, GAsyncResult *result,
					  GError **error)
{
	return void_finish(result, error);
}

gboolean rvc_client_remove_profile_sync(RvcClient *client, const char *name,
					GCancellable *cancellable, GError **error)
{
	return void_sync(client, "RemoveProfile", g_variant_new("(s)", name), cancellable, error);
}

void rvc_client_disconnect(RvcClient *client, const char *profile, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data)
{
	rvc_client_call(client, "Disconnect", g_variant_new("(s)", profile), TRUE, cancellable,
			new_call_task(client, cancellable, callback, user_data,
				      rvc_client_disconnect));
}

gboolean rvc_client_disconnect_finish(RvcClient *client, GAsyncResult *result, GError **error)
{
	return void_finish(result, error);
}

gboolean rvc_client_disconnect_sync(RvcClient *client, const char *profile,
				    GCancellable *cancellable, GError **error)
{
	return void_sync(client, "Disconnect", g_variant_new("(s)", profile), cancellable, error);
}
