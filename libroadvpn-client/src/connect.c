/*
 * Connecting: ask roadvpnd which secrets are missing (MissingSecrets, a
 * structured answer), ask the caller's secrets callback for those, then
 * Connect. When Connect still answers NeedsSecrets (the profile changed in
 * between), the whole round is done once more, and only once.
 *
 * Asking first keeps a user from seeing two polkit prompts: MissingSecrets
 * needs no polkit, Connect does.
 */
#include <string.h>

#include "private.h"

struct connect_op {
	RvcClient *client;
	const char *method;           /* "Connect", or "Diagnose" (the same secrets round) */
	char *profile;
	RvcConnectOptions *options;
	RvcSecretsFunc secrets;
	gpointer secrets_data;
	unsigned int rounds;          /* MissingSecrets + Connect rounds started */
	GStrv asked;                  /* the kinds the callback was last asked for */
};

static void connect_op_free(struct connect_op *op)
{
	rvc_connect_options_free(op->options);
	g_strfreev(op->asked);
	g_free(op->profile);
	g_free(op);
}

static void missing_then_connect(GTask *task);

static void needs_secrets(GTask *task, const char *const *kinds)
{
	g_autofree char *list = g_strjoinv(", ", (char **)kinds);

	g_task_return_new_error(task, RVC_ERROR, RVC_ERROR_NEEDS_SECRETS,
				rvc_gettext(N_("needs secrets: %s")),
				list);
	g_object_unref(task);
}

static void on_connection(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	GError *error = NULL;
	RvcConnection *c = g_task_propagate_pointer(G_TASK(result), &error);

	if (c)
		g_task_return_pointer(task, c, g_object_unref);
	else
		g_task_return_error(task, error);
}

static void on_connect_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	struct connect_op *op = g_task_get_task_data(task);
	g_autoptr(GVariant) reply = NULL;
	GError *error = NULL;
	const char *path;

	reply = rvc_call_finish(result, &error);
	if (!reply && g_error_matches(error, RVC_ERROR, RVC_ERROR_NEEDS_SECRETS) &&
	    op->rounds < 2) {
		g_error_free(error);
		missing_then_connect(task);
		return;
	}
	if (!reply) {
		g_task_return_error(task, error);
		g_object_unref(task);
		return;
	}
	if (strcmp(op->method, "Connect")) {
		rvc_diagnose_return_reply(task, reply);
		return;
	}
	g_variant_get(reply, "(&o)", &path);
	rvc_connection_new(op->client, path, g_task_get_cancellable(task),
			   g_task_new(op->client, g_task_get_cancellable(task), on_connection,
				      task));
}

static void call_connect(GTask *task)
{
	struct connect_op *op = g_task_get_task_data(task);
	GTask *call = g_task_new(op->client, g_task_get_cancellable(task), on_connect_reply, task);

	rvc_client_call(op->client, op->method,
			g_variant_new("(s@a{sv})", op->profile,
				      rvc_connect_options_to_variant(op->options)),
			TRUE, g_task_get_cancellable(task), call);
}

static void on_secrets_answered(RvcConnectOptions *answers, gpointer user_data)
{
	GTask *task = user_data;
	struct connect_op *op = g_task_get_task_data(task);

	if (g_task_return_error_if_cancelled(task)) {
		g_object_unref(task);
		return;
	}
	if (!answers) {
		needs_secrets(task, (const char *const *)op->asked);
		return;
	}
	rvc_connect_options_merge(op->options, answers);
	call_connect(task);
}

static void on_missing(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	struct connect_op *op = g_task_get_task_data(task);
	g_auto(GStrv) kinds = NULL;
	GError *error = NULL;

	kinds = rvc_client_missing_secrets_finish(op->client, result, &error);
	if (!kinds) {
		g_task_return_error(task, error);
		g_object_unref(task);
		return;
	}
	if (!kinds[0]) {
		call_connect(task);
		return;
	}
	if (!op->secrets) {
		needs_secrets(task, (const char *const *)kinds);
		return;
	}
	/* The request holds the task until it is answered. */
	g_strfreev(op->asked);
	op->asked = g_strdupv(kinds);
	op->secrets(rvc_secrets_request_new(op->profile, (const char *const *)kinds,
					    on_secrets_answered, task),
		    op->secrets_data);
}

static void missing_then_connect(GTask *task)
{
	struct connect_op *op = g_task_get_task_data(task);

	/* roadvpnd knows a caller's own profile only from Connect: no MissingSecrets round. */
	if (rvc_connect_options_get_profile_text(op->options)) {
		op->rounds = 2;
		call_connect(task);
		return;
	}
	op->rounds++;
	rvc_client_missing_secrets(op->client, op->profile, op->options,
				   g_task_get_cancellable(task), on_missing, task);
}

void rvc_client_call_with_secrets(RvcClient *client, const char *method, const char *profile,
				  const RvcConnectOptions *options, RvcSecretsFunc secrets,
				  gpointer secrets_data, GTask *task)
{
	struct connect_op *op = g_new0(struct connect_op, 1);

	op->client = client;
	op->method = method;
	op->profile = g_strdup(profile);
	op->options = rvc_connect_options_copy(options);
	op->secrets = secrets;
	op->secrets_data = secrets_data;
	g_task_set_task_data(task, op, (GDestroyNotify)connect_op_free);
	missing_then_connect(task);
}

void rvc_client_connect(RvcClient *client, const char *profile, const RvcConnectOptions *options,
			RvcSecretsFunc secrets, gpointer secrets_data, GCancellable *cancellable,
			GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(client, cancellable, callback, user_data);

	g_task_set_source_tag(task, rvc_client_connect);
	rvc_client_call_with_secrets(client, "Connect", profile, options, secrets, secrets_data,
				     task);
}

RvcConnection *rvc_client_connect_finish(RvcClient *client, GAsyncResult *result,
					 GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

RvcConnection *rvc_client_connect_sync(RvcClient *client, const char *profile,
				       const RvcConnectOptions *options, RvcSecretsFunc secrets,
				       gpointer secrets_data, GCancellable *cancellable,
				       GError **error)
{
	g_autoptr(GAsyncResult) result = NULL;

	rvc_client_connect(client, profile, options, secrets, secrets_data, cancellable,
			   rvc_store_result, &result);
	rvc_client_wait(client, &result);
	return rvc_client_connect_finish(client, result, error);
}

/* MissingSecrets ---------------------------------------------------------- */

/* Only the kinds the options give travel, never their values. */
static GVariant *missing_params(const char *profile, const RvcConnectOptions *options)
{
	return g_variant_new("(s@as)", profile, rvc_connect_options_kinds(options));
}

static char **kinds_from(GVariant *reply)
{
	char **kinds = NULL;

	g_variant_get(reply, "(^as)", &kinds);
	return kinds;
}

void rvc_client_missing_secrets(RvcClient *client, const char *profile,
				const RvcConnectOptions *options, GCancellable *cancellable,
				GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(client, cancellable, callback, user_data);

	g_task_set_source_tag(task, rvc_client_missing_secrets);
	rvc_client_call(client, "MissingSecrets", missing_params(profile, options), FALSE,
			cancellable, task);
}

char **rvc_client_missing_secrets_finish(RvcClient *client, GAsyncResult *result,
					 GError **error)
{
	g_autoptr(GVariant) reply = rvc_call_finish(result, error);

	return reply ? kinds_from(reply) : NULL;
}

char **rvc_client_missing_secrets_sync(RvcClient *client, const char *profile,
				       const RvcConnectOptions *options,
				       GCancellable *cancellable, GError **error)
{
	g_autoptr(GVariant) reply = rvc_client_call_sync(client, "MissingSecrets",
		missing_params(profile, options), FALSE, cancellable, error);

	return reply ? kinds_from(reply) : NULL;
}

/* Attaching --------------------------------------------------------------- */

static void on_profiles_for_connection(GObject *source, GAsyncResult *result,
				       gpointer user_data)
{
	GTask *task = user_data;
	RvcClient *client = g_task_get_source_object(task);
	const char *name = g_task_get_task_data(task);
	g_autoptr(GPtrArray) list = NULL;
	const RvcProfileSummary *s;
	GError *error = NULL;

	list = rvc_client_list_profiles_finish(client, result, &error);
	s = list ? rvc_profile_list_find(list, name) : NULL;
	if (!list) {
		g_task_return_error(task, error);
	} else if (!s) {
		g_task_return_new_error(task, RVC_ERROR, RVC_ERROR_NO_SUCH_PROFILE,
					rvc_gettext(N_("no profile named '%s'")), name);
	} else if (!s->connection_path) {
		g_task_return_pointer(task, NULL, NULL);
	} else {
		rvc_connection_new(client, s->connection_path, g_task_get_cancellable(task), task);
		return;
	}
	g_object_unref(task);
}

void rvc_client_get_connection(RvcClient *client, const char *profile,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data)
{
	GTask *task = g_task_new(client, cancellable, callback, user_data);

	g_task_set_source_tag(task, rvc_client_get_connection);
	g_task_set_task_data(task, g_strdup(profile), g_free);
	rvc_client_list_profiles(client, cancellable, on_profiles_for_connection, task);
}

RvcConnection *rvc_client_get_connection_finish(RvcClient *client, GAsyncResult *result,
						GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

RvcConnection *rvc_client_get_connection_sync(RvcClient *client, const char *profile,
					      GCancellable *cancellable, GError **error)
{
	g_autoptr(GAsyncResult) result = NULL;

	rvc_client_get_connection(client, profile, cancellable, rvc_store_result, &result);
	rvc_client_wait(client, &result);
	return rvc_client_get_connection_finish(client, result, error);
}
