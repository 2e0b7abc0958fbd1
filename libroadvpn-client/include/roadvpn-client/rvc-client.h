#pragma once
/*
 * RvcClient: the Manager side of roadvpnd: profiles, connect, disconnect.
 * One per process is enough; it follows roadvpnd coming and going.
 *
 *   g_autoptr(RvcClient) client = rvc_client_new_sync(NULL, &error);
 *   g_autoptr(RvcConnection) c = rvc_client_connect_sync(client, "office", NULL,
 *                                                     ask_secrets, NULL, NULL, &error);
 *   rvc_connection_follow_sync(c, show_progress, NULL, NULL, &error);
 *
 * Calls that act (connect, disconnect, profile changes, reading a log)
 * allow interactive polkit authentication and never time out on their own:
 * polkit may wait for a password typed into an agent. Cancel them with the
 * GCancellable. Reads use the bus's default timeout.
 */
#include <gio/gio.h>

#include <roadvpn-client/rvc-connection.h>
#include <roadvpn-client/rvc-secrets.h>

G_BEGIN_DECLS

/*
 * The interface version this library speaks: roadvpnd's Manager.Version
 * property is "MAJOR.MINOR". Same MAJOR: compatible; a higher MINOR on the
 * helper only adds members, options, errors and secret kinds. A different
 * MAJOR refuses with RVC_ERROR_INCOMPATIBLE.
 */
#define RVC_INTERFACE_VERSION_MAJOR 1
#define RVC_INTERFACE_VERSION_MINOR 3
#define RVC_INTERFACE_VERSION "1.3"

#define RVC_TYPE_CLIENT (rvc_client_get_type())
G_DECLARE_FINAL_TYPE(RvcClient, rvc_client, RVC, CLIENT, GObject)

/*
 * A client on the system bus ($DBUS_SYSTEM_BUS_ADDRESS moves it, for tests).
 * Fails with RVC_ERROR_HELPER_NOT_REACHABLE without a system bus, and with
 * RVC_ERROR_INCOMPATIBLE when a running roadvpnd has another major version.
 * roadvpnd need not be running: it is started by D-Bus activation at the
 * first call. The client belongs to the thread-default main context of the
 * caller; its signals and those of its connections are emitted there.
 */
void rvc_client_new(GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
RvcClient *rvc_client_new_finish(GAsyncResult *result, GError **error);
RvcClient *rvc_client_new_sync(GCancellable *cancellable, GError **error);

/* roadvpnd owns its bus name now (property "helper-running", with notify). */
gboolean rvc_client_get_helper_running(RvcClient *client);
/* The running helper's interface version ("1.0"), NULL when not running. */
const char *rvc_client_get_interface_version(RvcClient *client);
/* The running helper speaks at least MAJOR.MINOR of the same major (before
 * using a member added in a later minor). */
gboolean rvc_client_helper_has_version(RvcClient *client, guint major, guint minor);

/*
 * Signals:
 *   "profiles-changed"  void (*)(RvcClient *, gpointer): a profile was added,
 *                       changed or removed; list again.
 *   "notify::helper-running": roadvpnd appeared or went away.
 */

/* Profiles ---------------------------------------------------------------- */

/*
 * One entry of the profile list. roadvpnd shows a profile's details only to
 * callers who may use it (root, or polkit's org.roadvpn.connect plus the
 * profile's allowed-users); for others `restricted` is TRUE and only the
 * name, state and connection are filled. Strings are "" (lists empty) for
 * what is not shown.
 */
typedef struct {
	char *name;
	gboolean restricted;       /* this caller may not use it: no details */
	char *gateway;
	char *user;
	gboolean ipsec;            /* FALSE: plain L2TP (not encrypted) */
	char **allowed_users;      /* never NULL; empty: every user polkit allows */
	/* Its connection, live or finished less than 30 s ago: */
	char *state;               /* a phase id, or "disconnected" when none */
	char *connection_path;     /* NULL when none */
	/* The last failure of the profile's connection, kept by roadvpnd after
	 * the connection object is gone; phase "" when none. */
	RvcFailure last_error;
	int exit_code;             /* for last_error, 0 if none */
	/* NULL, or why the profile file is unusable (the fields above are then
	 * empty): the profile is listed so that it can be fixed or removed.
	 * roadvpnd's English sentence, for logs and --json. */
	char *invalid;
	/* With invalid: the same in the user's language ("<setting>: <problem>"),
	 * or NULL when roadvpnd said nothing this library can translate. */
	char *invalid_text;
} RvcProfileSummary;

void rvc_profile_summary_free(RvcProfileSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RvcProfileSummary, rvc_profile_summary_free)
/* The entry named `name` in a list from rvc_client_list_profiles(), or NULL. */
const RvcProfileSummary *rvc_profile_list_find(GPtrArray *profiles, const char *name);

/* Every system profile, sorted by name: a GPtrArray of RvcProfileSummary
 * (it frees its elements). */
void rvc_client_list_profiles(RvcClient *client, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rvc_client_list_profiles_finish(RvcClient *client, GAsyncResult *result,
					   GError **error);
GPtrArray *rvc_client_list_profiles_sync(RvcClient *client, GCancellable *cancellable,
					 GError **error);

/*
 * A profile as key-file text with every secret removed (docs/profile.md),
 * and in *stored_secrets (optional, g_strfreev) the kinds of the secrets
 * roadvpnd stores for it. RVC_ERROR_NO_SUCH_PROFILE, RVC_ERROR_INVALID_PROFILE.
 */
void rvc_client_get_profile(RvcClient *client, const char *name, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data);
char *rvc_client_get_profile_finish(RvcClient *client, GAsyncResult *result,
				    char ***stored_secrets, GError **error);
char *rvc_client_get_profile_sync(RvcClient *client, const char *name, char ***stored_secrets,
				  GCancellable *cancellable, GError **error);

/* A new profile from key-file text (polkit org.roadvpn.manage).
 * RVC_ERROR_EXISTS, RVC_ERROR_INVALID_PROFILE (nothing written), RVC_ERROR_NOT_AUTHORIZED. */
void rvc_client_add_profile(RvcClient *client, const char *name, const char *keyfile,
			    GCancellable *cancellable, GAsyncReadyCallback callback,
			    gpointer user_data);
gboolean rvc_client_add_profile_finish(RvcClient *client, GAsyncResult *result, GError **error);
gboolean rvc_client_add_profile_sync(RvcClient *client, const char *name, const char *keyfile,
				     GCancellable *cancellable, GError **error);

/*
 * Change keys of a profile: `settings` maps "section.key" to a value (char *
 * to char *); "" removes the key. Secrets go here too ("ppp.password",
 * "ipsec.psk", ...): the library sends them and keeps no copy, the caller
 * wipes its table. All or nothing: RVC_ERROR_INVALID_PROFILE changes nothing.
 */
void rvc_client_update_profile(RvcClient *client, const char *name, GHashTable *settings,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data);
gboolean rvc_client_update_profile_finish(RvcClient *client, GAsyncResult *result,
					  GError **error);
gboolean rvc_client_update_profile_sync(RvcClient *client, const char *name,
					GHashTable *settings, GCancellable *cancellable,
					GError **error);

/* Remove a profile. RVC_ERROR_BUSY while it is connected. */
void rvc_client_remove_profile(RvcClient *client, const char *name, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data);
gboolean rvc_client_remove_profile_finish(RvcClient *client, GAsyncResult *result,
					  GError **error);
gboolean rvc_client_remove_profile_sync(RvcClient *client, const char *name,
					GCancellable *cancellable, GError **error);

/* Connecting ------------------------------------------------------------- */

/*
 * The secret kinds a connect of `profile` with `options` (NULL: none) would
 * still need, in roadvpnd's order; an empty GStrv when none (g_strfreev).
 * For front ends that gather secrets before connecting (a keyring lookup,
 * NetworkManager's need-secrets). No polkit involved.
 */
void rvc_client_missing_secrets(RvcClient *client, const char *profile,
				const RvcConnectOptions *options, GCancellable *cancellable,
				GAsyncReadyCallback callback, gpointer user_data);
char **rvc_client_missing_secrets_finish(RvcClient *client, GAsyncResult *result,
					 GError **error);
char **rvc_client_missing_secrets_sync(RvcClient *client, const char *profile,
				       const RvcConnectOptions *options,
				       GCancellable *cancellable, GError **error);

/*
 * Connect `profile` with `options` (NULL: defaults; copied). When roadvpnd
 * needs secrets that the options do not give, `secrets` is called with a
 * request naming the kinds (see rvc-secrets.h); once it is answered the
 * connect is tried again, once. Without a callback, or when it cancels,
 * the connect fails with RVC_ERROR_NEEDS_SECRETS.
 *
 * Completes as soon as roadvpnd started the connection, with the new
 * RvcConnection (unref it): follow it with rvc_connection_follow(). Errors:
 * RVC_ERROR_ALREADY_ACTIVE (attach with rvc_client_get_connection()),
 * RVC_ERROR_NOT_AUTHORIZED, RVC_ERROR_NO_SUCH_PROFILE,
 * RVC_ERROR_INVALID_PROFILE, RVC_ERROR_NEEDS_SECRETS,
 * RVC_ERROR_HELPER_NOT_REACHABLE (not running, or gone during the call).
 */
void rvc_client_connect(RvcClient *client, const char *profile, const RvcConnectOptions *options,
			RvcSecretsFunc secrets, gpointer secrets_data, GCancellable *cancellable,
			GAsyncReadyCallback callback, gpointer user_data);
RvcConnection *rvc_client_connect_finish(RvcClient *client, GAsyncResult *result,
					 GError **error);
RvcConnection *rvc_client_connect_sync(RvcClient *client, const char *profile,
				       const RvcConnectOptions *options, RvcSecretsFunc secrets,
				       gpointer secrets_data, GCancellable *cancellable,
				       GError **error);

/*
 * The connection of `profile`, live or finished less than 30 s ago, to
 * attach to (after RVC_ERROR_ALREADY_ACTIVE, or at start-up). Completes
 * with NULL and no error when the profile has none;
 * RVC_ERROR_NO_SUCH_PROFILE when there is no such profile.
 */
void rvc_client_get_connection(RvcClient *client, const char *profile,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data);
RvcConnection *rvc_client_get_connection_finish(RvcClient *client, GAsyncResult *result,
						GError **error);
RvcConnection *rvc_client_get_connection_sync(RvcClient *client, const char *profile,
					      GCancellable *cancellable, GError **error);

/*
 * Disconnect the live connection of `profile` (same authorization as
 * connecting). RVC_ERROR_FAILED when it is not connected.
 */
void rvc_client_disconnect(RvcClient *client, const char *profile, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data);
gboolean rvc_client_disconnect_finish(RvcClient *client, GAsyncResult *result, GError **error);
gboolean rvc_client_disconnect_sync(RvcClient *client, const char *profile,
				    GCancellable *cancellable, GError **error);

G_END_DECLS
