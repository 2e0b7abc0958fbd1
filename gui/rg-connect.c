/*
 * Connecting a profile: the secrets roadvpnd will ask for are looked up in
 * the keyring first; whatever is still missing is asked in the secrets
 * dialog (the library's secrets callback), then remembered in the keyring or
 * forgotten as the user ticked. Disconnecting stops an attempt under way or
 * the live connection.
 */
#include <string.h>

#include "rg-keyring.h"
#include "rg-secrets-dialog.h"
#include "rg-window-private.h"

/*
 * One connect under way. Its callbacks hold the attempt, not the entry: a
 * profile removed (or a switch flipped off) meanwhile leaves the attempt
 * with no entry, and each step then just ends.
 */
struct attempt {
	struct entry *e;               /* NULL once abandoned */
	GCancellable *cancel;
	char **kinds;                  /* the kinds to look up in the keyring */
	size_t next;
	RvcConnectOptions *options;
	RvcSecretsRequest *request;    /* while the dialog is open */
	GtkWidget *dialog;
};

static void attempt_free(struct attempt *a)
{
	g_strfreev(a->kinds);
	g_clear_pointer(&a->options, rvc_connect_options_free);
	g_object_unref(a->cancel);
	g_free(a);
}

static void store_or_forget(struct entry *e, const char *kind, const char *value, gboolean keep)
{
	if (keep)
		rg_keyring_store(e->name, kind, value, NULL, NULL, NULL);
	else
		rg_keyring_forget(e->name, kind, NULL, NULL, NULL);
}

static void answer_request(struct attempt *a, RgSecretsDialog *sd)
{
	const char *const *kinds = rvc_secrets_request_get_kinds(a->request);
	gboolean remember = rg_secrets_dialog_get_remember(sd);

	for (size_t i = 0; kinds[i]; i++) {
		g_autoptr(RgSecret) value = rg_secrets_dialog_take(sd, kinds[i]);

		rvc_secrets_request_set(a->request, kinds[i], value);
		/* Unticking "Remember" removes what the keyring held for this kind. */
		if (a->e)
			store_or_forget(a->e, kinds[i], value, remember);
	}
	if (a->e) {
		a->e->ask_secrets = FALSE;
		a->e->remembered = remember;
	}
	rvc_secrets_request_done(g_steal_pointer(&a->request));
}

static void on_secrets_response(GtkDialog *dialog, int response, gpointer user_data)
{
	struct attempt *a = user_data;

	if (response == GTK_RESPONSE_OK && a->e)
		answer_request(a, RG_SECRETS_DIALOG(dialog));
	else
		rvc_secrets_request_cancel(g_steal_pointer(&a->request));
	a->dialog = NULL;
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

/* The library's secrets callback: roadvpnd still needs these kinds. */
static void ask_secrets(RvcSecretsRequest *request, gpointer user_data)
{
	struct attempt *a = user_data;
	struct entry *e = a->e;
	const char *const *kinds = rvc_secrets_request_get_kinds(request);
	g_autoptr(GPtrArray) labels = g_ptr_array_new();

	if (!e) {
		rvc_secrets_request_cancel(request);
		return;
	}
	for (size_t i = 0; kinds[i]; i++)
		g_ptr_array_add(labels, (gpointer)rvc_secret_kind_label(kinds[i]));
	g_ptr_array_add(labels, NULL);
	a->request = request;
	gtk_window_present(GTK_WINDOW(e->win));
	a->dialog = rg_secrets_dialog_new(GTK_WINDOW(e->win), e->name, kinds,
					  (const char *const *)labels->pdata, e->remembered);
	g_signal_connect(a->dialog, "response", G_CALLBACK(on_secrets_response), a);
	gtk_widget_show(a->dialog);
}

/* The attempt ends: the entry no longer points at it. */
static struct entry *attempt_end(struct attempt *a)
{
	struct entry *e = a->e;

	if (e) {
		e->attempt = NULL;
		e->starting = FALSE;
	}
	return e;
}

/* Stop an attempt from the entry's side (switch off, profile removed). */
void rg_connect_abandon(struct attempt *a)
{
	if (a->dialog)
		gtk_dialog_response(GTK_DIALOG(a->dialog), GTK_RESPONSE_CANCEL);
	attempt_end(a);
	a->e = NULL;
	g_cancellable_cancel(a->cancel);
}

static void connect_failed(struct entry *e, const GError *error)
{
	/* The user cancelled the dialog: nothing failed. */
	if (g_error_matches(error, RVC_ERROR, RVC_ERROR_NEEDS_SECRETS) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		rg_entry_refresh(e);
		return;
	}
	if (g_error_matches(error, RVC_ERROR, RVC_ERROR_ALREADY_ACTIVE)) {
		rg_window_attach_existing(e->win, e->name);
		return;
	}
	if (g_error_matches(error, RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE)) {
		rg_entry_refresh(e);
		return;   /* the banner says it */
	}
	e->start_error = g_strdup(error->message);
	rg_entry_notify_transition(e, "starting", "failed");
	rg_entry_refresh(e);
}

static void on_connected(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct attempt *a = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(RvcConnection) conn = rvc_client_connect_finish(RVC_CLIENT(source), res, &error);
	struct entry *e = attempt_end(a);

	attempt_free(a);
	if (!e)
		return;
	if (conn)
		rg_entry_attach(e, conn);
	else
		connect_failed(e, error);
}

static void lookup_next(struct attempt *a);

static void on_keyring_answer(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct attempt *a = user_data;
	g_autoptr(RgSecret) value = rg_keyring_lookup_finish(res, NULL);
	const char *kind = a->kinds[a->next++];

	/* No keyring, or nothing stored: the dialog asks instead. */
	if (value && a->e) {
		rvc_connect_options_set_secret(a->options, kind, value);
		g_hash_table_add(a->e->keyring_kinds, g_strdup(kind));
		a->e->remembered = TRUE;
	}
	lookup_next(a);
}

static void lookup_next(struct attempt *a)
{
	struct entry *e = a->e;

	if (!e) {
		attempt_free(a);
		return;
	}
	if (a->kinds[a->next]) {
		rg_keyring_lookup(e->name, a->kinds[a->next], a->cancel, on_keyring_answer, a);
		return;
	}
	rvc_client_connect(e->win->client, e->name, a->options, ask_secrets, a, a->cancel,
			   on_connected, a);
}

static void on_missing_secrets(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct attempt *a = user_data;
	g_autoptr(GError) error = NULL;
	char **kinds = rvc_client_missing_secrets_finish(RVC_CLIENT(source), res, &error);
	struct entry *e;

	if (!kinds || !a->e) {
		e = attempt_end(a);
		attempt_free(a);
		g_strfreev(kinds);
		if (e)
			connect_failed(e, error);
		return;
	}
	/* After a refusal the keyring's answer is stale: the dialog asks for every kind. */
	if (a->e->ask_secrets) {
		g_strfreev(kinds);
		kinds = g_new0(char *, 1);
	}
	a->kinds = kinds;
	lookup_next(a);
}

void rg_connect_start(struct entry *e)
{
	struct attempt *a;

	if (e->attempt || e->invalid)
		return;
	rg_entry_detach(e);
	rg_entry_clear_failure(e);
	g_hash_table_remove_all(e->keyring_kinds);
	g_ptr_array_set_size(e->log, 0);
	e->starting = TRUE;
	a = g_new0(struct attempt, 1);
	a->e = e;
	a->cancel = g_cancellable_new();
	a->options = rvc_connect_options_new();
	e->attempt = a;
	if (e->win->selected == e) {
		rg_entry_show_log(e);
		rg_window_fill_progress(e->win, e);
	}
	rg_entry_refresh(e);
	rvc_client_missing_secrets(e->win->client, e->name, NULL, a->cancel, on_missing_secrets, a);
}

static void on_disconnected(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;

	if (RVC_IS_CONNECTION(source))
		rvc_connection_disconnect_finish(RVC_CONNECTION(source), res, &error);
	else
		rvc_client_disconnect_finish(RVC_CLIENT(source), res, &error);
	if (error && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_warning("disconnect: %s", error->message);
}

void rg_connect_stop(struct entry *e)
{
	if (e->attempt)
		rg_connect_abandon(e->attempt);
	if (e->conn && rg_state_is_active(rg_entry_state(e)))
		rvc_connection_disconnect(e->conn, e->win->cancel, on_disconnected, NULL);
	rg_entry_refresh(e);
}

