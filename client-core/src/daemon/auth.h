#pragma once
/*
 * Who is calling, and may they: the caller's uid from the bus, then an
 * asynchronous polkit check for one action. Nothing here blocks the main
 * loop, so a slow polkitd or an authentication agent waiting for a password
 * never stalls other clients or the running connections.
 *
 * A flood cannot lock others out: checks are bounded per caller and in all
 * (a hostile user fills only its own queue), rate-limited per uid, and timed
 * out; "polkit could not answer" is an error of its own
 * (org.roadvpn.Error.AuthorizationUnavailable, after one retry), never a
 * refusal, and "too many requests" is org.freedesktop.DBus.Error.LimitsExceeded.
 */
#include <gio/gio.h>
#include <stdbool.h>
#include <sys/types.h>

#define RV_ACTION_CONNECT "org.roadvpn.connect"
#define RV_ACTION_MANAGE "org.roadvpn.manage"

enum rv_auth_flags {
	RV_AUTH_DEFAULT = 0,
	/* A refusal goes to the callback (authorized false) instead of an error reply. */
	RV_AUTH_QUIET = 1 << 0,
	/* Never let an agent ask the user, even when the caller allows it. */
	RV_AUTH_NO_INTERACTION = 1 << 1,
};

/*
 * Called when the invocation is still the callback's to answer: the caller
 * is authorized, or (RV_AUTH_QUIET) polkit said no. In every other case
 * auth.c has answered it (NotAuthorized, AuthorizationUnavailable,
 * LimitsExceeded) and the callback is not called.
 */
typedef void (*rv_auth_fn)(GDBusMethodInvocation *inv, uid_t uid, bool authorized,
			   gpointer user_data);

/*
 * Ask for `action` on behalf of the invocation's sender, over the bus the
 * invocation came in on. uid 0 needs no polkit.
 */
void rv_auth_check_full(GDBusMethodInvocation *inv, const char *action, unsigned int flags,
			rv_auth_fn done, gpointer user_data);

static inline void rv_auth_check(GDBusMethodInvocation *inv, const char *action, rv_auth_fn done,
				 gpointer user_data)
{
	rv_auth_check_full(inv, action, RV_AUTH_DEFAULT, done, user_data);
}
