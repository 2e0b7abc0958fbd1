#pragma once
/*
 * Inside libroadvpn-client: the generated proxies (RvcDbus*, from the
 * interface XML) and what the parts of the library share. Nothing here is
 * seen by front ends.
 */
#include <roadvpn-client/roadvpn-client.h>

#include "rvc-dbus.h"

#define RVC_BUS_NAME "org.roadvpn.Helper1"
#define RVC_MANAGER_PATH "/org/roadvpn/Helper1"

/* gettext: N_() marks; rvc_gettext() translates in the "roadvpn" domain
 * (GETTEXT_PACKAGE), bound once by the library itself (phase.c). */
#ifndef GETTEXT_PACKAGE
#define GETTEXT_PACKAGE "roadvpn"   /* meson.build's gettext_package */
#endif
#include <glib/gi18n-lib.h>
const char *rvc_gettext(const char *msgid) G_GNUC_FORMAT(1);

/* error.c: any GError of a D-Bus call -> RVC_ERROR (G_IO_ERROR_CANCELLED kept). */
GError *rvc_error_from_dbus(const GError *error);
/* The org.roadvpn.Error.* names this library maps, for the contract test. */
struct rvc_error_name {
	RvcError code;
	const char *name;
};
extern const struct rvc_error_name rvc_error_names[];
extern const size_t rvc_error_names_count;

/* The known reason ids and secret kinds, i from 0 until NULL (for the contract test). */
const char *rvc_reason_nth(size_t i);
const char *rvc_secret_kind_nth(size_t i);

/* client.c: calls on a proxy, errors mapped; the task returns the reply GVariant.
 * `acts`: the call may ask polkit (interactive authorization, no timeout). */
void rvc_proxy_call(GDBusProxy *proxy, const char *method, GVariant *params, gboolean acts,
		    GCancellable *cancellable, GTask *task);
GVariant *rvc_proxy_call_sync(GDBusProxy *proxy, const char *method, GVariant *params,
			      gboolean acts, GCancellable *cancellable, GError **error);
/* The same on the Manager. `acts`: may ask polkit (interactive, no timeout). */
void rvc_client_call(RvcClient *client, const char *method, GVariant *params, gboolean acts,
		     GCancellable *cancellable, GTask *task);
GVariant *rvc_client_call_sync(RvcClient *client, const char *method, GVariant *params,
			       gboolean acts, GCancellable *cancellable, GError **error);
/* The GVariant of a finished rvc_client_call() task (NULL + error). */
GVariant *rvc_call_finish(GAsyncResult *result, GError **error);
GDBusConnection *rvc_client_get_bus(RvcClient *client);
GMainContext *rvc_client_get_context(RvcClient *client);
/* Iterate the client's main context until *result is set (the _sync forms). */
void rvc_client_wait(RvcClient *client, GAsyncResult **result);
/* A GAsyncReadyCallback that stores the result for rvc_client_wait(). */
void rvc_store_result(GObject *source, GAsyncResult *result, gpointer user_data);

/* connection.c: a connection object for `path` (the task returns an RvcConnection). */
void rvc_connection_new(RvcClient *client, const char *path, GCancellable *cancellable,
			GTask *task);
RvcDbusConnection *rvc_connection_get_proxy(RvcConnection *connection);

/* secrets.c */
GVariant *rvc_connect_options_to_variant(const RvcConnectOptions *options);
/* The kinds of the secrets the options give (an "as", for MissingSecrets). */
GVariant *rvc_connect_options_kinds(const RvcConnectOptions *options);
RvcConnectOptions *rvc_connect_options_copy(const RvcConnectOptions *options);
/* The text of rvc_connect_options_set_profile_text(), or NULL. */
const char *rvc_connect_options_get_profile_text(const RvcConnectOptions *options);
/* Add every secret of `from` to `to`. */
void rvc_connect_options_merge(RvcConnectOptions *to, const RvcConnectOptions *from);
/* A request for `kinds`; `answered` is called once with the answers (NULL: cancelled). */
typedef void (*RvcSecretsAnswered)(RvcConnectOptions *answers, gpointer user_data);
RvcSecretsRequest *rvc_secrets_request_new(const char *profile, const char *const *kinds,
					   RvcSecretsAnswered answered, gpointer user_data);

/*
 * connect.c: MissingSecrets, the secrets callback, then `method` ("Connect"
 * or "Diagnose", which take the same profile and options); `task` returns
 * the RvcConnection, or for Diagnose what rvc_diagnose_return_reply() gives.
 */
void rvc_client_call_with_secrets(RvcClient *client, const char *method, const char *profile,
				  const RvcConnectOptions *options, RvcSecretsFunc secrets,
				  gpointer secrets_data, GTask *task);
/* diagnose.c: return the report of a Diagnose reply on `task` (and unref it). */
void rvc_diagnose_return_reply(GTask *task, GVariant *reply);
/* The known step and cause ids, i from 0 until NULL (for the contract test). */
const char *rvc_diagnose_step_nth(size_t i);
const char *rvc_diagnose_cause_nth(size_t i);

/* roadvpnd's profile problems and Failed's (problem.c, the XML's Contract.ProfileProblems). */
struct rvc_problem {
	const char *id;
	const char *text;        /* msgid: the problem without its parameters */
};
extern const struct rvc_problem rvc_problems[];
extern const size_t rvc_problems_count;
/*
 * An InvalidProfile or Failed message in the user's language, from the tag it begins
 * with ("<setting's label>: <problem>"); NULL when it has none this library
 * knows.
 */
char *rvc_problem_render(const char *message);
/* The English sentence after the tag (message itself when it has none). */
const char *rvc_problem_strip(const char *message);
/* A setting's label from the table, translated, without its mnemonic; "group.key" if none. */
char *rvc_setting_plain_label(const char *group, const char *key);
