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
 * as the D-Bus specification asks.
 *
 * A call goes through two bounded stages. First the caller's uid
 * (GetConnectionUnixUser, answered at once by the bus): a bounded number in
 * flight, a bounded number waiting per bus connection. Then polkit, per uid:
 * a token bucket, a short queue and two checks in flight per uid, and the
 * uids served round robin under a global bound. Every call roadvpnd makes
 * counts against the bus's 128 pending replies per connection (dbus-daemon's
 * default max_replies_per_connection): past that the bus fails our own calls
 * with LimitsExceeded, which once turned a stranger's flood into a refusal of
 * an allowed user. The bounds here keep us far below.
 */
#include "auth.h"
#include "dbus/errors.h"
#include "util/log.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
/* CheckAuthorizationFlags.AllowUserInteraction in polkit's D-Bus API */
#define POLKIT_FLAG_ALLOW_USER_INTERACTION 1u

#define LOOKUPS_MAX 16         /* GetConnectionUnixUser calls in flight */
#define SENDER_PENDING_MAX 32  /* calls of one bus connection waiting for its uid */
#define CHECKS_MAX 32          /* polkit checks in flight, every uid together */
#define USER_CHECKS_MAX 2      /* polkit checks in flight for one uid */
#define USER_QUEUE_MAX 16      /* checks of one uid waiting for a free slot */
#define USER_BURST 40.0        /* checks one uid may start at once, */
#define USER_RATE 10.0         /* and then per second (a client polling ListProfiles) */
#define USERS_MAX 256          /* per-uid records kept before idle ones are dropped */
#define CHECK_TIMEOUT_MS (25 * 1000)
/* An agent may be waiting for the user to type a password. */
#define INTERACTIVE_TIMEOUT_MS (5 * 60 * 1000)
#define RETRY_DELAY_MS 500

struct auth_call {
	GDBusMethodInvocation *inv;
	char *action;
	unsigned int flags;
	rv_auth_fn done;
	gpointer user_data;
	uid_t uid;
	bool retried;
};

struct auth_user {
	uid_t uid;
	GQueue waiting;        /* struct auth_call, oldest first */
	unsigned int running;
	double tokens;
	gint64 refilled;       /* monotonic time of the last refill */
	bool ready;            /* queued in auth.ready */
	bool limit_logged;     /* "too many requests" logged since the bucket was full */
	gint64 refusal_logged; /* when the last refusal was logged */
	unsigned int refusals_unlogged;
};

static struct {
	GQueue lookup_wait;          /* struct auth_call waiting for a lookup slot */
	unsigned int lookups;
	GHashTable *sender_pending;  /* unique name -> calls in the uid stage */
	GHashTable *users;           /* uid -> struct auth_user */
	GQueue ready;                /* users with a waiting call and a free slot */
	unsigned int checks;
} auth;

static void schedule(void);
static void lookup_next(void);
static struct auth_user *user_get(uid_t uid);

static void auth_call_free(struct auth_call *c)
{
	g_object_unref(c->inv);
	g_free(c->action);
	g_free(c);
}

/* Replies --------------------------------------------------------------- */

static void finish_allowed(struct auth_call *c)
{
	c->done(c->inv, c->uid, true, c->user_data);
	auth_call_free(c);
}

/* At most one line a second per uid, so that a refused user cannot fill the journal. */
static void log_refusal(const struct auth_call *c, const char *why)
{
	struct auth_user *u = user_get(c->uid);
	gint64 now = g_get_monotonic_time();

	if (u->refusal_logged && now - u->refusal_logged < G_USEC_PER_SEC) {
		u->refusals_unlogged++;
		return;
	}
	if (u->refusals_unlogged)
		rv_log_info("roadvpnd", "uid %u: %u more refusals not logged", (unsigned int)c->uid,
			    u->refusals_unlogged);
	rv_log_info("roadvpnd", "uid %u not authorized for %s%s%s", (unsigned int)c->uid,
		    c->action, why ? ": " : "", why ? why : "");
	u->refusal_logged = now;
	u->refusals_unlogged = 0;
}

static void finish_refused(struct auth_call *c, const char *why)
{
	/* A quiet check is a question (what may this caller see), not a refused request. */
	if (c->flags & RV_AUTH_QUIET) {
		c->done(c->inv, c->uid, false, c->user_data);
	} else {
		log_refusal(c, why);
		g_dbus_method_invocation_return_error(c->inv, RV_ERROR, RV_ERROR_NOT_AUTHORIZED,
						      "not authorized: %s", c->action);
	}
	auth_call_free(c);
}

/* polkit (or the bus) could not answer: say so, never "no". */
static void finish_unavailable(struct auth_call *c, const char *why)
{
	g_dbus_method_invocation_return_error(c->inv, RV_ERROR, RV_ERROR_AUTH_UNAVAILABLE,
					      "cannot check authorization for %s (%s); try again",
					      c->action, why);
	auth_call_free(c);
}

static void finish_limited(struct auth_call *c, const char *what)
{
	g_dbus_method_invocation_return_error(c->inv, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
					      "too many %s; try again in a moment", what);
	auth_call_free(c);
}

/* Per uid: token bucket and queue -------------------------------------- */

static bool user_idle(const struct auth_user *u)
{
	return !u->running && g_queue_is_empty((GQueue *)&u->waiting) && !u->ready;
}

static void drop_idle_users(void)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, auth.users);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		if (user_idle(value))
			g_hash_table_iter_remove(&it);
	}
}

static struct auth_user *user_get(uid_t uid)
{
	struct auth_user *u;

	if (!auth.users)
		auth.users = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	u = g_hash_table_lookup(auth.users, GUINT_TO_POINTER(uid));
	if (u)
		return u;
	if (g_hash_table_size(auth.users) >= USERS_MAX)
		drop_idle_users();
	u = g_new0(struct auth_user, 1);
	u->uid = uid;
	u->tokens = USER_BURST;
	u->refilled = g_get_monotonic_time();
	g_queue_init(&u->waiting);
	g_hash_table_insert(auth.users, GUINT_TO_POINTER(uid), u);
	return u;
}

/* Take one token; false when the uid has used its burst and rate. */
static bool user_take_token(struct auth_user *u)
{
	gint64 now = g_get_monotonic_time();

	u->tokens = MIN(USER_BURST, u->tokens + (double)(now - u->refilled) / G_USEC_PER_SEC *
					       USER_RATE);
	u->refilled = now;
	if (u->tokens >= USER_BURST)
		u->limit_logged = false;
	if (u->tokens < 1.0)
		return false;
	u->tokens -= 1.0;
	return true;
}

static void user_mark_ready(struct auth_user *u)
{
	if (u->ready || u->running >= USER_CHECKS_MAX || g_queue_is_empty(&u->waiting))
		return;
	u->ready = true;
	g_queue_push_tail(&auth.ready, u);
}

static void user_refuse_flood(struct auth_user *u, struct auth_call *c)
{
	if (!u->limit_logged)
		rv_log_warning("roadvpnd", "uid %u: too many authorization requests; "
			       "answering LimitsExceeded for now", (unsigned int)u->uid);
	u->limit_logged = true;
	finish_limited(c, "authorization requests from this user");
}

static void user_enqueue(struct auth_call *c)
{
	struct auth_user *u = user_get(c->uid);

	if (g_queue_get_length(&u->waiting) >= USER_QUEUE_MAX || !user_take_token(u)) {
		user_refuse_flood(u, c);
		return;
	}
	g_queue_push_tail(&u->waiting, c);
	user_mark_ready(u);
	schedule();
}

/* polkit --------------------------------------------------------------- */

static void check_polkit(struct auth_call *c);

static gboolean on_retry(gpointer user_data)
{
	struct auth_call *c = user_data;
	struct auth_user *u = user_get(c->uid);

	g_queue_push_head(&u->waiting, c);
	user_mark_ready(u);
	schedule();
	return G_SOURCE_REMOVE;
}

/* Timeouts are not retried: polkitd (or an agent) had its time already. */
static bool worth_retry(const struct auth_call *c, const GError *error)
{
	return !c->retried && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
	       !g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) &&
	       !g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT);
}

static void polkit_done(struct auth_call *c, GVariant *ret, const GError *error)
{
	gboolean authorized, challenge;

	if (!ret && worth_retry(c, error)) {
		c->retried = true;
		g_timeout_add(RETRY_DELAY_MS, on_retry, c);
		return;
	}
	if (!ret) {
		g_autofree char *why = g_dbus_error_get_remote_error(error);

		rv_log_warning("roadvpnd", "cannot check %s for uid %u: %s", c->action,
			       (unsigned int)c->uid, error->message);
		finish_unavailable(c, why ? why : error->message);
		return;
	}
	/* ((is_authorized, is_challenge, details)) */
	g_variant_get(ret, "((bb@a{ss}))", &authorized, &challenge, NULL);
	if (authorized)
		finish_allowed(c);
	else
		finish_refused(c, challenge ? "authentication required (no agent answered)" : NULL);
}

static void on_polkit_checked(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct auth_call *c = user_data;
	struct auth_user *u = user_get(c->uid);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res,
								&error);

	auth.checks--;
	u->running--;
	polkit_done(c, ret, error);
	user_mark_ready(u);
	schedule();
}

static bool interactive(const struct auth_call *c)
{
	GDBusMessage *msg = g_dbus_method_invocation_get_message(c->inv);

	return !(c->flags & RV_AUTH_NO_INTERACTION) &&
	       (g_dbus_message_get_flags(msg) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
}

static void check_polkit(struct auth_call *c)
{
	GDBusMethodInvocation *inv = c->inv;
	bool ask_user = interactive(c);
	GVariantBuilder subject;

	g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&subject, "{sv}", "name",
			      g_variant_new_string(g_dbus_method_invocation_get_sender(inv)));
	g_dbus_connection_call(g_dbus_method_invocation_get_connection(inv), POLKIT_NAME,
			       POLKIT_PATH, POLKIT_IFACE, "CheckAuthorization",
			       g_variant_new("((sa{sv})s@a{ss}us)", "system-bus-name", &subject,
					     c->action, g_variant_new_array(G_VARIANT_TYPE("{ss}"),
									    NULL, 0),
					     ask_user ? POLKIT_FLAG_ALLOW_USER_INTERACTION : 0u, ""),
			       G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
			       ask_user ? INTERACTIVE_TIMEOUT_MS : CHECK_TIMEOUT_MS, NULL,
			       on_polkit_checked, c);
}

/* Round robin over the uids with work, under the global bound. */
static void schedule(void)
{
	struct auth_user *u;

	while (auth.checks < CHECKS_MAX && (u = g_queue_pop_head(&auth.ready))) {
		struct auth_call *c;

		u->ready = false;
		if (u->running >= USER_CHECKS_MAX || !(c = g_queue_pop_head(&u->waiting)))
			continue;
		u->running++;
		auth.checks++;
		check_polkit(c);
		user_mark_ready(u);
	}
}

/* The caller's uid ----------------------------------------------------- */

static void sender_release(const char *sender)
{
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(auth.sender_pending, sender));

	if (n <= 1)
		g_hash_table_remove(auth.sender_pending, sender);
	else
		g_hash_table_insert(auth.sender_pending, g_strdup(sender), GUINT_TO_POINTER(n - 1));
}

static bool sender_admit(const char *sender)
{
	guint n;

	if (!auth.sender_pending)
		auth.sender_pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	n = GPOINTER_TO_UINT(g_hash_table_lookup(auth.sender_pending, sender));
	if (n >= SENDER_PENDING_MAX)
		return false;
	g_hash_table_insert(auth.sender_pending, g_strdup(sender), GUINT_TO_POINTER(n + 1));
	return true;
}

static void on_caller_uid(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct auth_call *c = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res,
								&error);
	guint32 uid;

	auth.lookups--;
	sender_release(g_dbus_method_invocation_get_sender(c->inv));
	lookup_next();
	if (!ret) {
		/* Mostly a caller that left the bus; it reads no answer anyway. */
		finish_unavailable(c, error->message);
		return;
	}

	g_variant_get(ret, "(u)", &uid);
	c->uid = uid;
	/* root needs no polkit (as NetworkManager): it could rewrite the policy anyway. */
	if (uid == 0) {
		finish_allowed(c);
		return;
	}
	user_enqueue(c);
}

static void lookup_start(struct auth_call *c)
{
	GDBusMethodInvocation *inv = c->inv;

	auth.lookups++;
	g_dbus_connection_call(g_dbus_method_invocation_get_connection(inv), "org.freedesktop.DBus",
			       "/org/freedesktop/DBus", "org.freedesktop.DBus",
			       "GetConnectionUnixUser",
			       g_variant_new("(s)", g_dbus_method_invocation_get_sender(inv)),
			       G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, CHECK_TIMEOUT_MS, NULL,
			       on_caller_uid, c);
}

static void lookup_next(void)
{
	while (auth.lookups < LOOKUPS_MAX && !g_queue_is_empty(&auth.lookup_wait))
		lookup_start(g_queue_pop_head(&auth.lookup_wait));
}

void rv_auth_check_full(GDBusMethodInvocation *inv, const char *action, unsigned int flags,
			rv_auth_fn done, gpointer user_data)
{
	struct auth_call *c = g_new0(struct auth_call, 1);

	c->inv = g_object_ref(inv);
	c->action = g_strdup(action);
	c->flags = flags;
	c->done = done;
	c->user_data = user_data;
	c->uid = (uid_t)-1;
	if (!sender_admit(g_dbus_method_invocation_get_sender(inv))) {
		finish_limited(c, "calls waiting on this bus connection");
		return;
	}
	g_queue_push_tail(&auth.lookup_wait, c);
	lookup_next();
}
