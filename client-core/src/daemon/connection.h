#pragma once
/*
 * One live connection on the bus: a session (session/) exported as
 * /org/roadvpn/Helper1/Connection/N with the properties a GUI shows live,
 * a bounded backlog of its log lines and, for each new one, a Log signal
 * addressed to each authorised follower (never broadcast).
 */
#include <gio/gio.h>
#include <stdbool.h>
#include <sys/types.h>

#include "profile/profile.h"
#include "rv-dbus.h"
#include "util/log.h"

struct rv_connection;
struct session;

struct rv_connection_ops {
	/* The session ended (State is disconnected or failed). Do not free from here. */
	void (*finished)(struct rv_connection *c, void *user_data);
	/* Connection.Disconnect, GetLog, FollowLog: the owner decides who may. */
	gboolean (*handle_disconnect)(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				      struct rv_connection *c);
	gboolean (*handle_get_log)(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				   struct rv_connection *c);
	gboolean (*handle_follow_log)(RvDbusConnection *iface, GDBusMethodInvocation *inv,
				      struct rv_connection *c);
};

/* Takes `profile` (with the secrets for this connection). */
struct rv_connection *rv_connection_new(GDBusObjectManagerServer *om, unsigned int id,
					struct profile *profile, uid_t owner,
					bool configure_network,
					const struct rv_connection_ops *ops, void *user_data);
/* Stops a running session without a goodbye to the gateway, unexports, frees. */
void rv_connection_free(struct rv_connection *c);

void rv_connection_start(struct rv_connection *c);
/* A clean disconnect; ops->finished follows. */
void rv_connection_stop(struct rv_connection *c);

bool rv_connection_is_finished(const struct rv_connection *c);
bool rv_connection_owns_session(const struct rv_connection *c, const struct session *s);
const char *rv_connection_path(const struct rv_connection *c);
const char *rv_connection_profile_name(const struct rv_connection *c);
const struct profile *rv_connection_profile(const struct rv_connection *c);
uid_t rv_connection_owner(const struct rv_connection *c);
const char *rv_connection_state(const struct rv_connection *c);
/* LastError (sss) (borrowed) and ExitCode, as on the bus. */
GVariant *rv_connection_last_error(const struct rv_connection *c);
int rv_connection_exit_code(const struct rv_connection *c);

/*
 * Send every later log line to `name` (a unique bus name) as a Log signal
 * addressed to it, until it unfollows or leaves the bus. The caller checked
 * that `name` (of `uid`) may read this log. False when too many follow
 * already, in all or of this uid.
 */
bool rv_connection_follow_log(struct rv_connection *c, GDBusConnection *bus, const char *name,
			      uid_t uid);
void rv_connection_unfollow_log(struct rv_connection *c, const char *name);

/* Append a (non-secret) line to the backlog and send it to the followers. */
void rv_connection_log(struct rv_connection *c, enum rv_log_level level, const char *component,
		       const char *msg);
/* The backlog, oldest first (NULL-terminated, owned by the caller). */
GStrv rv_connection_get_log(const struct rv_connection *c);
