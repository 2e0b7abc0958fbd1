/*
 * Manager methods (see data/dbus/org.roadvpn.Helper1.xml for the contract).
 * Every method that acts first asks auth.c, asynchronously, and does its work
 * in the callback; the registry is touched only there, on the main loop, so
 * two clients connecting the same profile at once are ordered: the first
 * gets the connection, the second org.roadvpn.Error.AlreadyActive.
 *
 * A finished connection stays on the bus for LINGER_SECONDS so that a client
 * which was not watching can still read State and LastError.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "connection.h"
#include "dbus/errors.h"
#include "diagnose/diagnose.h"
#include "manager.h"
#include "rv-dbus.h"
#include "session/session.h"
#include "store.h"
#include "util/log.h"
#include "wipe.h"

#define LINGER_SECONDS 30
/* Diagnoses at once: each is a connection attempt with its own TUN device. */
#define DIAGNOSE_MAX 4

struct rv_manager {
	GDBusConnection *bus;
	RvDbusManager *iface;
	GDBusObjectManagerServer *om;
	struct rv_store *store;
	GList *connections;          /* struct rv_connection *, live and lingering */
	GHashTable *failures;        /* profile name -> ((sss)i) of its last connection, if failed */
	unsigned int next_id;
	void (*all_stopped)(void *);
	void *all_stopped_data;
	GHashTable *caller_watches;  /* object path -> bus name watch, owned profiles */
	GHashTable *diagnoses;       /* profile name -> struct diagnosis, under way */
};

static struct rv_manager *log_manager;   /* for the log sink */

/* Registry ------------------------------------------------------------ */

static struct rv_connection *find_active(struct rv_manager *m, const char *profile)
{
	for (GList *l = m->connections; l; l = l->next) {
		struct rv_connection *c = l->data;

		if (!rv_connection_is_finished(c) && !strcmp(rv_connection_profile_name(c), profile))
			return c;
	}
	return NULL;
}

static struct rv_connection *find_latest(struct rv_manager *m, const char *profile)
{
	struct rv_connection *found = NULL;

	for (GList *l = m->connections; l; l = l->next) {
		if (!strcmp(rv_connection_profile_name(l->data), profile))
			found = l->data;
	}
	return found;
}

static bool has_active(struct rv_manager *m)
{
	for (GList *l = m->connections; l; l = l->next) {
		if (!rv_connection_is_finished(l->data))
			return true;
	}
	return false;
}

/* By path, not pointer: the connection may be gone (and its memory reused) by then. */
struct linger {
	struct rv_manager *m;
	char *path;
};

static gboolean on_linger_done(gpointer user_data)
{
	struct linger *lg = user_data;

	for (GList *l = lg->m->connections; l; l = l->next) {
		struct rv_connection *c = l->data;

		if (!strcmp(rv_connection_path(c), lg->path) && rv_connection_is_finished(c)) {
			lg->m->connections = g_list_delete_link(lg->m->connections, l);
			rv_connection_free(c);
			break;
		}
	}
	g_free(lg->path);
	g_free(lg);
	return G_SOURCE_REMOVE;
}

/*
 * A profile's last failure outlives the connection object (which lingers
 * 30 s): ListProfiles reports it until the next Connect of the profile.
 */
static void remember_outcome(struct rv_manager *m, struct rv_connection *c)
{
	const char *name = rv_connection_profile_name(c);

	if (strcmp(rv_connection_state(c), "failed")) {
		g_hash_table_remove(m->failures, name);
		return;
	}
	g_hash_table_replace(m->failures, g_strdup(name),
			     g_variant_ref_sink(g_variant_new("(@(sss)i)",
							      rv_connection_last_error(c),
							      rv_connection_exit_code(c))));
}

static void on_connection_finished(struct rv_connection *c, void *user_data)
{
	struct rv_manager *m = user_data;
	struct linger *lg = g_new0(struct linger, 1);

	remember_outcome(m, c);
	lg->m = m;
	lg->path = g_strdup(rv_connection_path(c));
	g_hash_table_remove(m->caller_watches, lg->path);
	g_timeout_add_seconds(LINGER_SECONDS, on_linger_done, lg);
	if (m->all_stopped && !has_active(m)) {
		void (*done)(void *) = m->all_stopped;

		m->all_stopped = NULL;
		done(m->all_stopped_data);
	}
}

/* Authorization beyond polkit: [connection] allowed-users. */
static bool user_allowed(const struct profile *p, uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (uid == 0 || !p->allowed_users || !p->allowed_users[0])
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	return g_strv_contains((const char *const *)p->allowed_users, res->pw_name);
}

static bool may_touch(struct rv_connection *c, uid_t uid)
{
	return uid == 0 || uid == rv_connection_owner(c) ||
	       user_allowed(rv_connection_profile(c), uid);
}

/* Connection.Disconnect, GetLog, FollowLog --------------------------------- */

/*
 * The connection a Connection method was called on, if uid may touch it. By
 * object path, after the (asynchronous) authorization: the connection the
 * call came in on may be gone by now.
 */
static struct rv_connection *touchable_connection(struct rv_manager *m, GDBusMethodInvocation *inv,
						  uid_t uid)
{
	const char *path = g_dbus_method_invocation_get_object_path(inv);

	for (GList *l = m->connections; l; l = l->next) {
		struct rv_connection *c = l->data;

		if (!strcmp(rv_connection_path(c), path))
			return may_touch(c, uid) ? c : NULL;
	}
	return NULL;
}

static void return_not_authorized_for_connection(GDBusMethodInvocation *inv)
{
	g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
					      "not authorized for this connection");
}

static void on_conn_disconnect_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_connection *c;

	if (!ok)
		return;
	c = touchable_connection(ud, inv, uid);
	if (!c) {
		return_not_authorized_for_connection(inv);
		return;
	}
	rv_connection_log(c, RV_LOG_INFO, "roadvpnd", "disconnect requested");
	rv_connection_stop(c);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static gboolean handle_conn_disconnect(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				       struct rv_connection *c)
{
	rv_auth_check(inv, RV_ACTION_CONNECT, on_conn_disconnect_auth, log_manager);
	return TRUE;
}

static void return_log(GDBusMethodInvocation *inv, struct rv_connection *c)
{
	g_auto(GStrv) lines = rv_connection_get_log(c);

	g_dbus_method_invocation_return_value(inv, g_variant_new("(^as)", lines));
}

static void on_conn_get_log_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_connection *c = touchable_connection(ud, inv, uid);

	if (!c) {
		return_not_authorized_for_connection(inv);
		return;
	}
	return_log(inv, c);
}

static gboolean handle_conn_get_log(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				    struct rv_connection *c)
{
	rv_auth_check(inv, RV_ACTION_CONNECT, on_conn_get_log_auth, log_manager);
	return TRUE;
}

static void on_conn_follow_log_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_connection *c = touchable_connection(ud, inv, uid);

	if (!c) {
		return_not_authorized_for_connection(inv);
		return;
	}
	if (!rv_connection_follow_log(c, g_dbus_method_invocation_get_connection(inv),
				      g_dbus_method_invocation_get_sender(inv), uid)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_BUSY,
						      "too many clients follow this log");
		return;
	}
	/* Same main-loop turn as the subscription: no line between backlog and signals. */
	return_log(inv, c);
}

static gboolean handle_conn_follow_log(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				       struct rv_connection *c)
{
	rv_auth_check(inv, RV_ACTION_CONNECT, on_conn_follow_log_auth, log_manager);
	return TRUE;
}

static const struct rv_connection_ops connection_ops = {
	.finished = on_connection_finished,
	.handle_disconnect = handle_conn_disconnect,
	.handle_get_log = handle_conn_get_log,
	.handle_follow_log = handle_conn_follow_log,
};

/* ListProfiles, GetProfile ---------------------------------------------- */

/*
 * A profile's details (gateway, user, allowed-users, settings) are for the
 * callers who may use it (see the XML): root, or polkit's yes for
 * org.roadvpn.connect plus allowed-users.
 */
static bool may_use(const struct profile *p, uid_t uid, bool polkit_yes)
{
	return uid == 0 || (polkit_yes && user_allowed(p, uid));
}

/* Its connection, or its last failure once the connection object is gone. */
static void add_state(GVariantBuilder *b, struct rv_manager *m, const char *name)
{
	struct rv_connection *c = find_latest(m, name);
	GVariant *failure = c && !rv_connection_is_finished(c) ? NULL :
			    g_hash_table_lookup(m->failures, name);
	const char *state = c ? rv_connection_state(c) : failure ? "failed" : "disconnected";

	g_variant_builder_add(b, "{sv}", "connection",
			      g_variant_new_object_path(c ? rv_connection_path(c) : "/"));
	g_variant_builder_add(b, "{sv}", "state", g_variant_new_string(state));
	if (failure) {
		g_variant_builder_add(b, "{sv}", "last-error", g_variant_get_child_value(failure, 0));
		g_variant_builder_add(b, "{sv}", "exit-code", g_variant_get_child_value(failure, 1));
	}
}

static void add_details(GVariantBuilder *b, const struct profile *p)
{
	g_variant_builder_add(b, "{sv}", "gateway", g_variant_new_string(p->gateway));
	g_variant_builder_add(b, "{sv}", "user", g_variant_new_string(p->user));
	g_variant_builder_add(b, "{sv}", "ipsec", g_variant_new_boolean(p->ipsec_enabled));
	g_variant_builder_add(b, "{sv}", "allowed-users",
			      g_variant_new_strv((const char *const *)p->allowed_users,
						 p->allowed_users ? -1 : 0));
}

static GVariant *profile_summary(struct rv_manager *m, const char *name, uid_t uid,
				 bool polkit_yes)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) p = rv_store_load(m->store, name, &error);
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	if (!p && (uid == 0 || polkit_yes)) {
		g_variant_builder_add(&b, "{sv}", "invalid", g_variant_new_string(error->message));
	} else if (p && may_use(p, uid, polkit_yes)) {
		add_details(&b, p);
		add_state(&b, m, name);
	} else {
		g_variant_builder_add(&b, "{sv}", "restricted", g_variant_new_boolean(TRUE));
		add_state(&b, m, name);
	}
	return g_variant_new("(sa{sv})", name, &b);
}

static void on_list_auth(GDBusMethodInvocation *inv, uid_t uid, bool polkit_yes, gpointer ud)
{
	struct rv_manager *m = ud;
	g_auto(GStrv) names = rv_store_list(m->store);
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(sa{sv})"));
	for (char **n = names; *n; n++)
		g_variant_builder_add_value(&b, profile_summary(m, *n, uid, polkit_yes));
	rv_dbus_manager_complete_list_profiles(m->iface, inv, g_variant_builder_end(&b));
}

static gboolean handle_list_profiles(RvDbusManager *iface, GDBusMethodInvocation *inv,
				     gpointer user_data)
{
	/* A listing never makes an agent ask for a password: no means fewer details. */
	rv_auth_check_full(inv, RV_ACTION_CONNECT, RV_AUTH_QUIET | RV_AUTH_NO_INTERACTION,
			   on_list_auth, user_data);
	return TRUE;
}

static void return_profile(struct rv_manager *m, GDBusMethodInvocation *inv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	g_auto(GStrv) stored = NULL;
	g_autofree char *text = NULL;
	const char *name;

	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s)", &name);
	kf = rv_store_read(m->store, name, &error);
	if (!kf) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	text = profile_public_text(kf, &stored);
	rv_dbus_manager_complete_get_profile(m->iface, inv, text, (const char *const *)stored);
}

static void on_get_profile_manage_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok,
				       gpointer ud)
{
	return_profile(ud, inv);
}

/* Who may use it reads it; else only who may manage it (an admin outside allowed-users). */
static void on_get_profile_auth(GDBusMethodInvocation *inv, uid_t uid, bool polkit_yes,
				gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) p = NULL;
	const char *name;

	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s)", &name);
	if (!rv_store_exists(m->store, name)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_NO_SUCH_PROFILE,
						      "no profile named '%s'", name);
		return;
	}
	p = rv_store_load(m->store, name, &error);
	if (p && may_use(p, uid, polkit_yes)) {
		return_profile(m, inv);
		return;
	}
	rv_auth_check(inv, RV_ACTION_MANAGE, on_get_profile_manage_auth, m);
}

static gboolean handle_get_profile(RvDbusManager *iface, GDBusMethodInvocation *inv,
				   const char *name, gpointer user_data)
{
	rv_auth_check_full(inv, RV_ACTION_CONNECT, RV_AUTH_QUIET, on_get_profile_auth, user_data);
	return TRUE;
}

/* AddProfile, UpdateProfile, RemoveProfile ------------------------------- */

static void profiles_changed(struct rv_manager *m, const char *what, const char *name, uid_t uid)
{
	rv_log_info("roadvpnd", "profile '%s' %s by uid %u", name, what, (unsigned int)uid);
	rv_dbus_manager_emit_profiles_changed(m->iface);
}

static void on_add_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	const char *name, *text;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s&s)", &name, &text);
	if (rv_store_exists(m->store, name)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_EXISTS,
						      "a profile named '%s' exists already", name);
		return;
	}

	kf = rv_store_parse(text, &error);
	explicit_bzero((char *)text, strlen(text));   /* the key file has it now (wipe.h) */
	if (!kf || !rv_store_write(m->store, name, kf, &error)) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	profiles_changed(m, "added", name, uid);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static void on_update_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	g_autoptr(GVariant) settings = NULL;
	const char *name;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s@a{ss})", &name,
		      &settings);
	kf = rv_store_read(m->store, name, &error);
	if (kf && !rv_store_apply_settings(kf, settings, &error))
		g_clear_pointer(&kf, g_key_file_free);
	rv_wipe_strings(settings);   /* the key file has them now (wipe.h) */
	if (!kf || !rv_store_write(m->store, name, kf, &error)) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	profiles_changed(m, "updated", name, uid);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static void on_remove_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	const char *name;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s)", &name);
	if (find_active(m, name)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_BUSY,
						      "'%s' is connected; disconnect it first", name);
		return;
	}
	if (!rv_store_remove(m->store, name, &error)) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	g_hash_table_remove(m->failures, name);
	profiles_changed(m, "removed", name, uid);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static gboolean handle_add_profile(RvDbusManager *iface, GDBusMethodInvocation *inv,
				   const char *name, const char *text, gpointer user_data)
{
	rv_wipe_read_buffer_later(inv);
	rv_auth_check(inv, RV_ACTION_MANAGE, on_add_auth, user_data);
	return TRUE;
}

static gboolean handle_update_profile(RvDbusManager *iface, GDBusMethodInvocation *inv,
				      const char *name, GVariant *settings, gpointer user_data)
{
	rv_wipe_read_buffer_later(inv);
	rv_auth_check(inv, RV_ACTION_MANAGE, on_update_auth, user_data);
	return TRUE;
}

static gboolean handle_remove_profile(RvDbusManager *iface, GDBusMethodInvocation *inv,
				      const char *name, gpointer user_data)
{
	rv_auth_check(inv, RV_ACTION_MANAGE, on_remove_auth, user_data);
	return TRUE;
}

/* Connect, Disconnect ------------------------------------------------------ */

/* The options named after profile_secret_keys[], taken by handle_connect. */
static gboolean apply_connect_secrets(struct profile *p, GDBusMethodInvocation *inv,
				      GError **error)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		const struct rv_secret *taken = rv_wipe_taken(inv, i);
		const char *name = profile_secret_keys[i].name;

		if (!rv_secret_len(taken))
			continue;
		if (!profile_set_secret(p, name, (const char *)rv_secret_reveal(taken, NULL), NULL)) {
			g_set_error(error, RV_ERROR, RV_ERROR_FAILED, "cannot use secret %s", name);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean check_connectable(const struct profile *p, GError **error)
{
	g_auto(GStrv) missing = profile_missing_secrets(p);

	if (missing[0]) {
		/* For humans only: clients ask MissingSecrets for the kinds. */
		g_autofree char *list = g_strjoinv(", ", missing);

		g_set_error(error, RV_ERROR, RV_ERROR_NEEDS_SECRETS, "needs secrets: %s", list);
		return FALSE;
	}
	return TRUE;
}

/*
 * The Connect options (the contract in the interface XML): "configure-network"
 * b, "keyfile" s, and one string per secret of profile_secret_keys[]. Anything else is
 * refused, so that a client using an option this helper does not know hears
 * so instead of being ignored.
 */
/* The type of a known option: a secret's string, or rv_connect_options[]'s. */
static const GVariantType *connect_option_type(const char *key)
{
	for (size_t i = 0; i < rv_n_connect_options; i++) {
		if (!strcmp(key, rv_connect_options[i].name))
			return G_VARIANT_TYPE(rv_connect_options[i].type);
	}
	return profile_secret_named(key) ? G_VARIANT_TYPE_STRING : NULL;
}

/* Every option is one `type_of` knows, with that type; else InvalidArgs. */
static gboolean check_options(GVariant *options, const GVariantType *(*type_of)(const char *key),
			      GError **error)
{
	GVariantIter iter;
	const char *key;
	GVariant *value;

	g_variant_iter_init(&iter, options);
	while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		g_autoptr(GVariant) v = value;
		const GVariantType *want = type_of(key);

		if (!want || !g_variant_is_of_type(v, want)) {
			g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
				    "unknown option '%s' or wrong type", key);
			return FALSE;
		}
	}
	return TRUE;
}

/* Profiles the caller owns (NetworkManager's) ------------------------------- */

#define OWNED_PROFILE_MAX (64 * 1024)

/*
 * Connect's option "keyfile": the profile comes with the call and is never
 * stored (NetworkManager keeps its own). It is validated as AddProfile
 * validates, and its name is never a system profile's. handle_connect asks
 * for org.roadvpn.manage (root, as NetworkManager's service, passes): such
 * a profile can say anything, where Connect otherwise runs only what an
 * administrator wrote.
 */
static struct profile *load_owned(struct rv_manager *m, const char *name, const char *text,
				  GError **error)
{
	g_autoptr(GError) local = NULL;
	struct profile *p;
	size_t len = strlen(text);

	if (!rv_store_name_valid(name) || rv_store_exists(m->store, name)) {
		g_set_error(error, RV_ERROR, RV_ERROR_EXISTS,
			    "'%s' is a system profile or not a profile name", name);
		return NULL;
	}
	if (len > OWNED_PROFILE_MAX) {
		g_autofree char *tag = profile_problem_tag("too-large", NULL, NULL, "limit=65536");

		G_STATIC_ASSERT(OWNED_PROFILE_MAX == 65536);
		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE, "%slarger than 64 KiB", tag);
		return NULL;
	}
	p = profile_load_data(text, len, &local);
	if (!p)
		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE, "%s", local->message);
	return p;
}

/* The "keyfile" option of a Connect, or NULL. */
static const char *owned_text(GDBusMethodInvocation *inv)
{
	g_autoptr(GVariant) options = g_variant_get_child_value(
		g_dbus_method_invocation_get_parameters(inv), 1);
	const char *text = NULL;

	/* borrowed from the parameters, which the invocation keeps */
	g_variant_lookup(options, "keyfile", "&s", &text);
	return text;
}

/* Its caller left the bus (NetworkManager's service exited or crashed): no tunnel for nobody. */
struct caller_watch {
	struct rv_manager *m;
	char *path;
};

static void on_caller_vanished(GDBusConnection *bus, const char *name, gpointer user_data)
{
	struct caller_watch *w = user_data;

	for (GList *l = w->m->connections; l; l = l->next) {
		struct rv_connection *c = l->data;

		if (strcmp(rv_connection_path(c), w->path) || rv_connection_is_finished(c))
			continue;
		rv_log_info("roadvpnd", "%s: its caller left the bus: disconnecting", w->path);
		rv_connection_log(c, RV_LOG_INFO, "roadvpnd", "its caller left the bus: disconnecting");
		rv_connection_stop(c);
	}
}

static void caller_watch_free(gpointer data)
{
	struct caller_watch *w = data;

	g_free(w->path);
	g_free(w);
}

static void watch_caller(struct rv_manager *m, const char *sender, const char *path)
{
	struct caller_watch *w = g_new0(struct caller_watch, 1);
	guint id;

	w->m = m;
	w->path = g_strdup(path);
	id = g_bus_watch_name_on_connection(m->bus, sender, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
					    on_caller_vanished, w, caller_watch_free);
	g_hash_table_insert(m->caller_watches, g_strdup(path), GUINT_TO_POINTER(id));
}

static void unwatch_caller(gpointer id)
{
	g_bus_unwatch_name(GPOINTER_TO_UINT(id));
}

static void set_not_for_user(GError **error, const char *name)
{
	g_set_error(error, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
		    "not authorized: '%s' is not for this user ([connection] allowed-users)", name);
}

/* Load, authorize against allowed-users, add the secrets: a profile ready to run. */
static struct profile *prepare_profile(struct rv_manager *m, const char *name,
				       GDBusMethodInvocation *inv, uid_t uid, GError **error)
{
	const char *text = owned_text(inv);
	g_autoptr(RvProfile) p = text ? load_owned(m, name, text, error) :
				 rv_store_load(m->store, name, error);

	if (!p)
		return NULL;
	if (!user_allowed(p, uid)) {
		set_not_for_user(error, name);
		return NULL;
	}
	/* The file name is the profile's identity, whatever name= says. */
	g_free(p->name);
	p->name = g_strdup(name);
	if (!apply_connect_secrets(p, inv, error) || !check_connectable(p, error))
		return NULL;
	return g_steal_pointer(&p);
}

/* The kinds profile_missing_secrets() names that are not in `given`. */
static GStrv missing_but_given(const struct profile *p, const char *const *given)
{
	g_auto(GStrv) missing = profile_missing_secrets(p);
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	for (char **k = missing; *k; k++) {
		if (!g_strv_contains(given, *k))
			g_strv_builder_add(b, *k);
	}
	return g_strv_builder_end(b);
}

/*
 * MissingSecrets: a read with GetProfile's visibility (which secrets a
 * profile stores is for who may use it). polkit is asked without
 * interaction, so it never prompts before the Connect that will. The caller
 * names the kinds it will give; their values never travel here.
 */
static void on_missing_auth(GDBusMethodInvocation *inv, uid_t uid, bool polkit_yes, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autofree const char **given = NULL;
	g_autoptr(RvProfile) p = NULL;
	g_auto(GStrv) missing = NULL;
	const char *name;

	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s^a&s)", &name, &given);
	for (const char **k = given; *k; k++) {
		if (!profile_secret_named(*k)) {
			g_dbus_method_invocation_return_error(inv, G_DBUS_ERROR,
				G_DBUS_ERROR_INVALID_ARGS, "unknown secret kind '%s'", *k);
			return;
		}
	}
	p = rv_store_load(m->store, name, &error);
	/* A broken file's reason is shown as ListProfiles shows it: not to strangers. */
	if (p && polkit_yes && !may_use(p, uid, polkit_yes)) {
		g_clear_error(&error);
		set_not_for_user(&error, name);
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	if (p ? !may_use(p, uid, polkit_yes) :
		g_error_matches(error, RV_ERROR, RV_ERROR_INVALID_PROFILE) && uid && !polkit_yes) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
						      "not authorized for '%s'", name);
		return;
	}
	if (!p) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	missing = missing_but_given(p, given);
	rv_dbus_manager_complete_missing_secrets(m->iface, inv, (const char *const *)missing);
}

static gboolean handle_missing_secrets(RvDbusManager *iface, GDBusMethodInvocation *inv,
				       const char *name, const char *const *given,
				       gpointer user_data)
{
	rv_auth_check_full(inv, RV_ACTION_CONNECT, RV_AUTH_QUIET | RV_AUTH_NO_INTERACTION,
			   on_missing_auth, user_data);
	return TRUE;
}

static struct rv_connection *start_connection(struct rv_manager *m,
					      GDBusMethodInvocation *inv, uid_t uid,
					      struct profile *p, bool configure_network)
{
	struct rv_connection *c;
	struct rv_connection *old;

	/* A new attempt: the last outcome is no longer news. */
	g_hash_table_remove(m->failures, p->name);
	/* A profile reconnected before its old object lingered out: drop the old one now. */
	while ((old = find_latest(m, p->name))) {
		m->connections = g_list_remove(m->connections, old);
		rv_connection_free(old);
	}

	c = rv_connection_new(m->om, ++m->next_id, p, uid, configure_network, &connection_ops, m);
	m->connections = g_list_append(m->connections, c);
	rv_log_info("roadvpnd", "uid %u connects '%s' as %s%s", (unsigned int)uid, p->name,
		    rv_connection_path(c), configure_network ? "" : " (network left to the caller)");
	if (!p->ipsec_enabled) {
		g_autofree char *w = g_strdup_printf("plain L2TP: traffic to %s is not encrypted",
						     p->gateway);

		rv_log_warning("roadvpnd", "%s", w);
		rv_connection_log(c, RV_LOG_WARNING, "roadvpnd", w);
	}
	rv_dbus_manager_complete_connect(m->iface, inv, rv_connection_path(c));
	rv_connection_start(c);
	return c;
}

static void on_connect_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) options = NULL;
	struct rv_connection *active, *c;
	struct profile *p;
	const char *name;
	g_autofree char *sender = g_strdup(g_dbus_method_invocation_get_sender(inv));
	bool owned = owned_text(inv) != NULL;
	gboolean configure_network = TRUE;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s@a{sv})", &name, &options);
	if (!check_options(options, connect_option_type, &error)) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	g_variant_lookup(options, "configure-network", "b", &configure_network);

	active = find_active(m, name);
	if (active && user_allowed(rv_connection_profile(active), uid)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_ALREADY_ACTIVE,
			"'%s' is already active (%s, %s)", name, rv_connection_state(active),
			rv_connection_path(active));
		return;
	}

	p = active ? NULL : prepare_profile(m, name, inv, uid, &error);
	if (!p) {
		if (!error)
			g_set_error(&error, RV_ERROR, RV_ERROR_NOT_AUTHORIZED, "not authorized");
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	c = start_connection(m, inv, uid, p, configure_network);
	if (owned && sender)
		watch_caller(m, sender, rv_connection_path(c));
}

static gboolean handle_connect(RvDbusManager *iface, GDBusMethodInvocation *inv,
			       const char *name, GVariant *options, gpointer user_data)
{
	/* Secrets leave the message now, not after polkit (which may wait for an agent). */
	if (rv_wipe_take_options(inv, options))
		rv_wipe_read_buffer_later(inv);
	rv_auth_check(inv, owned_text(inv) ? RV_ACTION_MANAGE : RV_ACTION_CONNECT, on_connect_auth,
		      user_data);
	return TRUE;
}

static void on_disconnect_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	struct rv_connection *c;
	const char *name;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s)", &name);
	c = find_active(m, name);
	if (c && !may_touch(c, uid)) {
		g_dbus_method_invocation_return_error(inv, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
						      "not authorized for '%s'", name);
		return;
	}
	if (!c) {
		g_autofree char *tag = profile_problem_tag("not-connected", NULL, NULL, NULL);

		g_dbus_method_invocation_return_error(inv, RV_ERROR,
			rv_store_exists(m->store, name) ? RV_ERROR_FAILED : RV_ERROR_NO_SUCH_PROFILE,
			"%s'%s' is not connected", tag, name);
		return;
	}
	rv_connection_log(c, RV_LOG_INFO, "roadvpnd", "disconnect requested");
	rv_connection_stop(c);
	rv_dbus_manager_complete_disconnect(m->iface, inv);
}

static gboolean handle_disconnect(RvDbusManager *iface, GDBusMethodInvocation *inv,
				  const char *name, gpointer user_data)
{
	rv_auth_check(inv, RV_ACTION_CONNECT, on_disconnect_auth, user_data);
	return TRUE;
}

/* Diagnose ----------------------------------------------------------------- */

struct diagnosis {
	struct rv_manager *m;
	char *name;
	GDBusMethodInvocation *inv;
	struct diagnose_run *run;
};

static void diagnosis_free(gpointer data)
{
	struct diagnosis *d = data;

	if (d->inv) {
		g_autofree char *tag = profile_problem_tag("stopping", NULL, NULL, NULL);

		g_dbus_method_invocation_return_error(d->inv, RV_ERROR, RV_ERROR_FAILED,
						      "%sroadvpnd is stopping", tag);
	}
	diagnose_run_free(d->run);
	g_free(d->name);
	g_free(d);
}

static void on_diagnosed(const struct diagnose_report *r, void *user_data)
{
	struct diagnosis *d = user_data;
	const struct diagnose_step_result *failed = diagnose_first_failure(r);

	rv_log_info("roadvpnd", "diagnosis of '%s': %s%s%s", d->name,
		    failed ? diagnose_step_id(failed->step) : "every step passed",
		    failed ? " failed, " : "", failed ? diagnose_cause_id(failed->cause) : "");
	rv_dbus_manager_complete_diagnose(d->m->iface, g_steal_pointer(&d->inv),
					  diagnose_report_to_variant(r));
	g_hash_table_remove(d->m->diagnoses, d->name);
}

/* Only the secret kinds: the profile is the administrator's, as it is. */
static const GVariantType *diagnose_option_type(const char *key)
{
	return profile_secret_named(key) ? G_VARIANT_TYPE_STRING : NULL;
}

static gboolean diagnose_allowed(struct rv_manager *m, const char *name, uid_t uid,
				 GError **error)
{
	struct rv_connection *active = find_active(m, name);

	if (active && user_allowed(rv_connection_profile(active), uid)) {
		g_set_error(error, RV_ERROR, RV_ERROR_ALREADY_ACTIVE,
			    "'%s' is connected (%s): disconnect it first", name,
			    rv_connection_state(active));
		return FALSE;
	}
	if (g_hash_table_contains(m->diagnoses, name) ||
	    g_hash_table_size(m->diagnoses) >= DIAGNOSE_MAX) {
		g_set_error(error, RV_ERROR, RV_ERROR_BUSY, "a diagnosis of '%s' already runs, "
			    "or too many do", name);
		return FALSE;
	}
	return TRUE;
}

static void on_diagnose_auth(GDBusMethodInvocation *inv, uid_t uid, bool ok, gpointer ud)
{
	struct rv_manager *m = ud;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) options = NULL;
	struct diagnosis *d;
	struct profile *p = NULL;
	const char *name;

	if (!ok)
		return;
	g_variant_get(g_dbus_method_invocation_get_parameters(inv), "(&s@a{sv})", &name, &options);
	if (check_options(options, diagnose_option_type, &error) &&
	    diagnose_allowed(m, name, uid, &error))
		p = prepare_profile(m, name, inv, uid, &error);
	if (!p) {
		g_dbus_method_invocation_return_gerror(inv, error);
		return;
	}
	rv_log_info("roadvpnd", "uid %u diagnoses '%s'", (unsigned int)uid, name);
	d = g_new0(struct diagnosis, 1);
	d->m = m;
	d->name = g_strdup(name);
	d->inv = inv;
	g_hash_table_insert(m->diagnoses, d->name, d);
	d->run = diagnose_run_start(p, on_diagnosed, d);
}

static gboolean handle_diagnose(RvDbusManager *iface, GDBusMethodInvocation *inv,
				const char *name, GVariant *options, gpointer user_data)
{
	if (rv_wipe_take_options(inv, options))
		rv_wipe_read_buffer_later(inv);
	rv_auth_check(inv, RV_ACTION_CONNECT, on_diagnose_auth, user_data);
	return TRUE;
}

/* Logging -------------------------------------------------------------- */

/* Every line goes to stderr (the journal); a session's lines also to its connection. */
static void log_sink(enum rv_log_level level, const char *component, const char *msg,
		     void *user_data)
{
	struct rv_manager *m = log_manager;
	struct session *s = session_current();

	fprintf(stderr, "roadvpnd %s: %s\n", component, msg);
	if (!m || !s)
		return;
	for (GList *l = m->connections; l; l = l->next) {
		if (rv_connection_owns_session(l->data, s)) {
			rv_connection_log(l->data, level, component, msg);
			return;
		}
	}
}

/* Life cycle ---------------------------------------------------------- */

struct rv_manager *rv_manager_new(GDBusConnection *bus, const char *profiles_dir,
				  GError **error)
{
	struct rv_manager *m = g_new0(struct rv_manager, 1);

	m->bus = g_object_ref(bus);
	m->store = rv_store_new(profiles_dir);
	m->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_variant_unref);
	m->caller_watches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, unwatch_caller);
	m->diagnoses = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, diagnosis_free);
	m->om = g_dbus_object_manager_server_new("/org/roadvpn/Helper1");
	m->iface = rv_dbus_manager_skeleton_new();
	rv_dbus_manager_set_version(m->iface, RV_DBUS_INTERFACE_VERSION);
	g_signal_connect(m->iface, "handle-list-profiles", G_CALLBACK(handle_list_profiles), m);
	g_signal_connect(m->iface, "handle-get-profile", G_CALLBACK(handle_get_profile), m);
	g_signal_connect(m->iface, "handle-add-profile", G_CALLBACK(handle_add_profile), m);
	g_signal_connect(m->iface, "handle-update-profile", G_CALLBACK(handle_update_profile), m);
	g_signal_connect(m->iface, "handle-remove-profile", G_CALLBACK(handle_remove_profile), m);
	g_signal_connect(m->iface, "handle-missing-secrets", G_CALLBACK(handle_missing_secrets), m);
	g_signal_connect(m->iface, "handle-connect", G_CALLBACK(handle_connect), m);
	g_signal_connect(m->iface, "handle-disconnect", G_CALLBACK(handle_disconnect), m);
	g_signal_connect(m->iface, "handle-diagnose", G_CALLBACK(handle_diagnose), m);

	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(m->iface), bus,
					      "/org/roadvpn/Helper1", error)) {
		rv_manager_free(m);
		return NULL;
	}
	g_dbus_object_manager_server_set_connection(m->om, bus);
	log_manager = m;
	rv_log_set_sink(log_sink, NULL);
	return m;
}

void rv_manager_free(struct rv_manager *m)
{
	if (!m)
		return;

	/* Connections still up are torn down without a goodbye: the host is restored. */
	g_list_free_full(g_steal_pointer(&m->connections), (GDestroyNotify)rv_connection_free);
	g_hash_table_destroy(m->diagnoses);
	log_manager = NULL;
	rv_log_set_sink(NULL, NULL);
	if (m->iface) {
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(m->iface));
		g_object_unref(m->iface);
	}
	g_object_unref(m->om);
	rv_store_free(m->store);
	g_hash_table_unref(m->failures);
	g_hash_table_destroy(m->caller_watches);
	g_object_unref(m->bus);
	g_free(m);
}

void rv_manager_stop_all(struct rv_manager *m, void (*done)(void *), void *user_data)
{
	if (!has_active(m)) {
		done(user_data);
		return;
	}

	m->all_stopped = done;
	m->all_stopped_data = user_data;
	for (GList *l = m->connections; l; l = l->next) {
		if (!rv_connection_is_finished(l->data))
			rv_connection_stop(l->data);
	}
}
