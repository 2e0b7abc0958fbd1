/*
 * A connection object (see connection.h). The session reports phases and
 * the end through its ops; counters are polled once a second while up, and
 * the generated skeleton turns each property change into PropertiesChanged.
 * The session is never freed from inside its own callback: the owner frees
 * the connection later, from the main loop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "connection.h"
#include "runstate.h"
#include "session/session.h"

#define LOG_BACKLOG 200
#define LOG_FOLLOWERS_MAX 32
#define LOG_FOLLOWERS_PER_UID 8
#define CONNECTION_IFACE "org.roadvpn.Helper1.Connection"

struct rv_connection {
	GDBusObjectManagerServer *om;
	char *path;
	struct profile *profile;
	uid_t owner;
	bool configure_network;
	struct rv_connection_ops ops;
	void *user_data;

	struct session *session;
	RvDbusObjectSkeleton *object;
	RvDbusConnection *iface;
	GQueue log;
	GDBusConnection *bus;        /* where the followers are */
	GHashTable *followers;       /* unique bus name -> struct follower */
	guint stats_timer;
	char ifname[16];
	bool recorded;
	bool finished;
};

static void unfollow_all(struct rv_connection *c);

static void set_stats(struct rv_connection *c)
{
	struct session_stats st;
	GVariantBuilder b;

	session_get_stats(c->session, &st);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{st}"));
	g_variant_builder_add(&b, "{st}", "bytes-in", (guint64)st.bytes_in);
	g_variant_builder_add(&b, "{st}", "bytes-out", (guint64)st.bytes_out);
	g_variant_builder_add(&b, "{st}", "packets-in", (guint64)st.packets_in);
	g_variant_builder_add(&b, "{st}", "packets-out", (guint64)st.packets_out);
	rv_dbus_connection_set_statistics(c->iface, g_variant_builder_end(&b));
}

static gboolean on_stats_timer(gpointer user_data)
{
	set_stats(user_data);
	return G_SOURCE_CONTINUE;
}

static void on_phase(void *user_data, enum session_phase phase)
{
	struct rv_connection *c = user_data;

	rv_dbus_connection_set_state(c->iface, session_phase_to_string(phase));
}

static void set_ip(struct rv_connection *c, const struct session_up_info *info)
{
	char a[INET_ADDRSTRLEN], dns[2][INET_ADDRSTRLEN];
	const char *dns_list[3] = { NULL };
	size_t n = 0;

	rv_dbus_connection_set_interface(c->iface, info->ifname);
	rv_dbus_connection_set_address(c->iface, inet_ntop(AF_INET, &info->local4, a, sizeof(a)));
	rv_dbus_connection_set_peer_address(c->iface, info->peer4 ?
		inet_ntop(AF_INET, &info->peer4, a, sizeof(a)) : "");
	for (size_t i = 0; i < 2; i++) {
		if (info->dns[i])
			dns_list[n++] = inet_ntop(AF_INET, &info->dns[i], dns[i], sizeof(dns[i]));
	}
	rv_dbus_connection_set_dns(c->iface, dns_list);
	rv_dbus_connection_set_mtu(c->iface, info->mtu);
	rv_dbus_connection_set_auth_method(c->iface, info->auth_method ? info->auth_method : "");
	/* Up (again): IPv6CP, if it opens on this link, says so afterwards (on_ipv6_up). */
	rv_dbus_connection_set_ipv6_address(c->iface, "");
	rv_dbus_connection_set_ipv6_peer_address(c->iface, "");
}

/* fe80::IID, the link-local address an interface identifier stands for. */
static const char *link_local(const uint8_t iid[8], char *buf, size_t len)
{
	uint8_t a[16] = { 0xfe, 0x80 };

	memcpy(&a[8], iid, 8);
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

/*
 * IPv6CP is up: both link-local addresses. `ip -6 addr` shows ours to every
 * local user once it is on the TUN, and the peer's is the one our address
 * talks to on a point-to-point link: nothing the host does not show anyway.
 */
static void on_ipv6_up(void *user_data, const uint8_t local_iid[8], const uint8_t peer_iid[8])
{
	struct rv_connection *c = user_data;
	char a[INET6_ADDRSTRLEN];

	rv_dbus_connection_set_ipv6_address(c->iface, link_local(local_iid, a, sizeof(a)));
	rv_dbus_connection_set_ipv6_peer_address(c->iface, link_local(peer_iid, a, sizeof(a)));
}

/*
 * The profile's routes, published once the tunnel is up: from then on `ip
 * route` shows them to every local user anyway (or NetworkManager does, when
 * it configures the network), before that they are the profile's business.
 */
static void set_routes(struct rv_connection *c)
{
	g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func(g_free);
	char dst[INET_ADDRSTRLEN];

	if (c->profile->default_route)
		g_ptr_array_add(routes, g_strdup("0.0.0.0/0"));
	for (size_t i = 0; i < c->profile->n_routes; i++) {
		inet_ntop(AF_INET, &c->profile->routes[i].dst, dst, sizeof(dst));
		g_ptr_array_add(routes, g_strdup_printf("%s/%u", dst,
							c->profile->routes[i].prefix_len));
	}
	g_ptr_array_add(routes, NULL);
	rv_dbus_connection_set_routes(c->iface, (const char *const *)routes->pdata);
}

static void on_up(void *user_data, const struct session_up_info *info)
{
	struct rv_connection *c = user_data;

	g_strlcpy(c->ifname, info->ifname, sizeof(c->ifname));
	set_ip(c, info);
	set_routes(c);
	rv_dbus_connection_set_connected_since(c->iface, (guint64)g_get_real_time());
	set_stats(c);
	/* Up again after a reconnect: one timer still. */
	g_clear_handle_id(&c->stats_timer, g_source_remove);
	c->stats_timer = g_timeout_add_seconds(1, on_stats_timer, c);
	if (c->configure_network) {
		rv_runstate_record(c->ifname, info->gateway4, c->profile->default_route);
		c->recorded = true;
	}
}

/*
 * LastError is a property, so every local user reads it (Properties.GetAll,
 * GetManagedObjects, PropertiesChanged): it says what failed in words that
 * name nobody. The detailed line (gateway name, text from the gateway) goes
 * to the log, which only authorised callers read.
 */
static void set_last_error(struct rv_connection *c, const struct session_failure *failure)
{
	g_autofree char *words = g_strdup(session_reason_to_string(failure->reason));
	g_autofree char *msg = NULL;

	g_strdelimit(words, "-", ' ');
	msg = g_strdup_printf("%s: %s", session_phase_label(failure->phase), words);
	rv_dbus_connection_set_last_error(c->iface,
		g_variant_new("(sss)", session_phase_to_string(failure->phase),
			      session_reason_to_string(failure->reason), msg));
}

static void profile_forget_secrets(struct profile *p)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		struct rv_secret **slot = profile_secret_slot(p, &profile_secret_keys[i]);

		rv_secret_free(*slot);
		*slot = NULL;
	}
}

static void on_finished(void *user_data, const struct session_failure *failure)
{
	struct rv_connection *c = user_data;
	char line[320];

	c->finished = true;
	g_clear_handle_id(&c->stats_timer, g_source_remove);
	set_stats(c);
	if (c->recorded)
		rv_runstate_forget(c->ifname);
	c->recorded = false;

	/* A finished session never reconnects: its secrets have no use left. */
	profile_forget_secrets(c->profile);
	if (failure) {
		set_last_error(c, failure);
		rv_dbus_connection_set_exit_code(c->iface, session_failure_exit_code(failure));
		session_failure_message(failure, line, sizeof(line));
		rv_connection_log(c, RV_LOG_ERROR, "roadvpnd", line);
	}
	c->ops.finished(c, c->user_data);
}

static gboolean on_handle_disconnect(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				     gpointer user_data)
{
	struct rv_connection *c = user_data;

	return c->ops.handle_disconnect(iface, inv, c);
}

static gboolean on_handle_get_log(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				  gpointer user_data)
{
	struct rv_connection *c = user_data;

	return c->ops.handle_get_log(iface, inv, c);
}

static gboolean on_handle_follow_log(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				     gpointer user_data)
{
	struct rv_connection *c = user_data;

	return c->ops.handle_follow_log(iface, inv, c);
}

/* Anyone may stop their own lines: no check needed. */
static gboolean on_handle_unfollow_log(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				       gpointer user_data)
{
	rv_connection_unfollow_log(user_data, g_dbus_method_invocation_get_sender(inv));
	rv_dbus_connection_complete_unfollow_log(iface, inv);
	return TRUE;
}

static void set_initial_properties(struct rv_connection *c)
{
	rv_dbus_connection_set_profile(c->iface, c->profile->name);
	rv_dbus_connection_set_owner(c->iface, (guint)c->owner);
	rv_dbus_connection_set_state(c->iface, session_phase_to_string(SESSION_PHASE_IDLE));
	rv_dbus_connection_set_last_error(c->iface, g_variant_new("(sss)", "", "", ""));
	rv_dbus_connection_set_configure_network(c->iface, c->configure_network);
	set_stats(c);
}

struct rv_connection *rv_connection_new(GDBusObjectManagerServer *om, unsigned int id,
					struct profile *profile, uid_t owner,
					bool configure_network,
					const struct rv_connection_ops *ops, void *user_data)
{
	struct rv_connection *c = g_new0(struct rv_connection, 1);
	struct session_config cfg = { .profile = profile, .configure_network = configure_network };
	g_autofree char *suite_file = rv_runstate_suite_file(NULL, profile->name);
	static const struct session_ops session_ops = {
		.phase_changed = on_phase,
		.up = on_up,
		.ipv6_up = on_ipv6_up,
		.finished = on_finished,
	};

	c->om = g_object_ref(om);
	c->path = g_strdup_printf("/org/roadvpn/Helper1/Connection/%u", id);
	c->profile = profile;
	c->owner = owner;
	c->configure_network = configure_network;
	c->ops = *ops;
	c->user_data = user_data;
	g_queue_init(&c->log);
	cfg.suite_file = suite_file;
	c->session = session_new(&cfg, &session_ops, c);

	c->iface = rv_dbus_connection_skeleton_new();
	g_signal_connect(c->iface, "handle-disconnect", G_CALLBACK(on_handle_disconnect), c);
	g_signal_connect(c->iface, "handle-get-log", G_CALLBACK(on_handle_get_log), c);
	g_signal_connect(c->iface, "handle-follow-log", G_CALLBACK(on_handle_follow_log), c);
	g_signal_connect(c->iface, "handle-unfollow-log", G_CALLBACK(on_handle_unfollow_log), c);
	set_initial_properties(c);
	c->object = rv_dbus_object_skeleton_new(c->path);
	rv_dbus_object_skeleton_set_connection(c->object, c->iface);
	g_dbus_object_manager_server_export(om, G_DBUS_OBJECT_SKELETON(c->object));
	return c;
}

void rv_connection_free(struct rv_connection *c)
{
	if (!c)
		return;

	g_clear_handle_id(&c->stats_timer, g_source_remove);
	/* Undoes the host network configuration if the session is still up. */
	session_free(c->session);
	if (c->recorded)
		rv_runstate_forget(c->ifname);
	g_dbus_object_manager_server_unexport(c->om, c->path);
	g_signal_handlers_disconnect_by_data(c->iface, c);
	unfollow_all(c);
	g_object_unref(c->iface);
	g_object_unref(c->object);
	g_object_unref(c->om);
	g_queue_clear_full(&c->log, g_free);
	profile_free(c->profile);
	g_free(c->path);
	g_free(c);
}

void rv_connection_start(struct rv_connection *c)
{
	session_start(c->session);
}

void rv_connection_stop(struct rv_connection *c)
{
	session_stop(c->session);
}

bool rv_connection_is_finished(const struct rv_connection *c)
{
	return c->finished;
}

bool rv_connection_owns_session(const struct rv_connection *c, const struct session *s)
{
	return c->session == s;
}

const char *rv_connection_path(const struct rv_connection *c)
{
	return c->path;
}

const char *rv_connection_profile_name(const struct rv_connection *c)
{
	return c->profile->name;
}

const struct profile *rv_connection_profile(const struct rv_connection *c)
{
	return c->profile;
}

uid_t rv_connection_owner(const struct rv_connection *c)
{
	return c->owner;
}

const char *rv_connection_state(const struct rv_connection *c)
{
	return rv_dbus_connection_get_state(c->iface);
}

GVariant *rv_connection_last_error(const struct rv_connection *c)
{
	return rv_dbus_connection_get_last_error(c->iface);
}

int rv_connection_exit_code(const struct rv_connection *c)
{
	return rv_dbus_connection_get_exit_code(c->iface);
}

/* Log followers --------------------------------------------------------- */

/*
 * The Log signal is addressed to each follower (a unicast signal): the bus
 * delivers it to that connection only, so `gdbus monitor` or a match rule of
 * another user never sees a line. A follower passed the same check as
 * GetLog when it subscribed and is dropped when it leaves the bus. Bounded
 * per uid too, so that one user cannot take every place.
 */
struct follower {
	guint watch;          /* NameOwnerChanged for its name */
	uid_t uid;
};

static void emit_log(struct rv_connection *c, const char *line)
{
	GHashTableIter it;
	gpointer name;

	if (!c->followers)
		return;
	g_hash_table_iter_init(&it, c->followers);
	while (g_hash_table_iter_next(&it, &name, NULL))
		g_dbus_connection_emit_signal(c->bus, name, c->path, CONNECTION_IFACE, "Log",
					      g_variant_new("(s)", line), NULL);
}

static void on_follower_gone(GDBusConnection *bus, const char *sender, const char *path,
			     const char *iface, const char *signal, GVariant *params,
			     gpointer user_data)
{
	struct rv_connection *c = user_data;
	const char *name, *old_owner, *new_owner;

	g_variant_get(params, "(&s&s&s)", &name, &old_owner, &new_owner);
	if (!*new_owner)
		rv_connection_unfollow_log(c, name);
}

static unsigned int followers_of(struct rv_connection *c, uid_t uid)
{
	GHashTableIter it;
	gpointer value;
	unsigned int n = 0;

	g_hash_table_iter_init(&it, c->followers);
	while (g_hash_table_iter_next(&it, NULL, &value))
		n += ((struct follower *)value)->uid == uid;
	return n;
}

bool rv_connection_follow_log(struct rv_connection *c, GDBusConnection *bus, const char *name,
			      uid_t uid)
{
	struct follower *f;

	if (!c->followers)
		c->followers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (g_hash_table_contains(c->followers, name))
		return true;
	if (g_hash_table_size(c->followers) >= LOG_FOLLOWERS_MAX ||
	    followers_of(c, uid) >= LOG_FOLLOWERS_PER_UID)
		return false;
	if (!c->bus)
		c->bus = g_object_ref(bus);
	f = g_new0(struct follower, 1);
	f->uid = uid;
	f->watch = g_dbus_connection_signal_subscribe(c->bus, "org.freedesktop.DBus",
						      "org.freedesktop.DBus", "NameOwnerChanged",
						      "/org/freedesktop/DBus", name,
						      G_DBUS_SIGNAL_FLAGS_NONE, on_follower_gone, c,
						      NULL);
	g_hash_table_insert(c->followers, g_strdup(name), f);
	return true;
}

void rv_connection_unfollow_log(struct rv_connection *c, const char *name)
{
	struct follower *f = c->followers ? g_hash_table_lookup(c->followers, name) : NULL;

	if (!f)
		return;
	g_dbus_connection_signal_unsubscribe(c->bus, f->watch);
	g_hash_table_remove(c->followers, name);
}

static void unfollow_all(struct rv_connection *c)
{
	GHashTableIter it;
	gpointer value;

	if (!c->followers)
		return;
	g_hash_table_iter_init(&it, c->followers);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_dbus_connection_signal_unsubscribe(c->bus, ((struct follower *)value)->watch);
	g_clear_pointer(&c->followers, g_hash_table_unref);
	g_clear_object(&c->bus);
}

void rv_connection_log(struct rv_connection *c, enum rv_log_level level, const char *component,
		       const char *msg)
{
	char *line = g_strdup_printf("%s %s: %s", rv_log_level_name(level), component, msg);

	/* D-Bus strings must be UTF-8; peer text is escaped already, this is the last guard. */
	if (!g_utf8_validate(line, -1, NULL)) {
		char *valid = g_utf8_make_valid(line, -1);

		g_free(line);
		line = valid;
	}

	g_queue_push_tail(&c->log, line);
	while (g_queue_get_length(&c->log) > LOG_BACKLOG)
		g_free(g_queue_pop_head(&c->log));
	emit_log(c, line);
}

GStrv rv_connection_get_log(const struct rv_connection *c)
{
	GStrvBuilder *b = g_strv_builder_new();
	GStrv ret;

	for (GList *l = c->log.head; l; l = l->next)
		g_strv_builder_add(b, l->data);
	ret = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	return ret;
}
