#pragma once
/*
 * Who is calling, and may they: the caller's uid from the bus, then an
 * asynchronous polkit check for one action. Nothing here blocks the main
 * loop, so a slow polkitd or an authentication agent waiting for a password
 * never stalls other clients or the running connections.
 */
#include <gio/gio.h>
#include <stdbool.h>
#include <sys/types.h>

#define RV_ACTION_CONNECT "org.roadvpn.connect"
#define RV_ACTION_MANAGE "org.roadvpn.manage"

/*
 * Called once with the caller's uid and the verdict. On refusal the
 * invocation has already been answered with org.roadvpn.Error.NotAuthorized
 * (authorized is false and the callback must not answer it again).
 */
typedef void (*rv_auth_fn)(GDBusMethodInvocation *inv, uid_t uid, bool authorized,
			   gpointer user_data);

/*
 * Ask for `action` on behalf of the invocation's sender, over the bus the
 * invocation came in on. uid 0 needs no polkit; when polkitd cannot be
 * reached, everyone else is refused.
 */
void rv_auth_check(GDBusMethodInvocation *inv, const char *action, rv_auth_fn done,
		   gpointer user_data);
