/*
 * The diagnose dialog: a spinner while roadvpnd runs the steps, then the
 * verdict in a sentence and the library's text report (the same the CLI
 * prints), selectable, with "Copy Report". Secrets: the keyring's, else
 * the secrets dialog's (nothing is stored from here).
 */
#include <glib/gi18n-lib.h>

#include "rg-diagnose-view.h"
#include "rg-keyring.h"
#include "rg-secrets-dialog.h"

#define RESPONSE_COPY 1

struct _RgDiagnoseView {
	GtkDialog parent;
	char *profile;
	GCancellable *cancel;
	GtkSpinner *spinner;
	GtkLabel *verdict;
	GtkTextView *report;
	GtkWidget *copy;
	char *text;
	/* The secrets round: the request, the kinds still to look up in the keyring. */
	RvcSecretsRequest *request;
	const char *const *kinds;
	size_t next;
	GPtrArray *missing;
};

G_DEFINE_TYPE(RgDiagnoseView, rg_diagnose_view, GTK_TYPE_DIALOG)

/* The report -------------------------------------------------------------------- */

static char *verdict_text(const RvcDiagnoseReport *r)
{
	const RvcDiagnoseStep *failed = rvc_diagnose_report_failed_step(r);

	if (!failed)
		return g_strdup(_("Every step passed: the connection works."));
	/* TRANSLATORS: "<step> failed: <likely cause>" */
	return g_strdup_printf(_("%s failed: %s"), rvc_diagnose_step_label(failed->step),
			       rvc_diagnose_cause_text(failed->cause));
}

void rg_diagnose_view_show_report(RgDiagnoseView *self, const RvcDiagnoseReport *r)
{
	g_autofree char *verdict = verdict_text(r);

	g_free(self->text);
	self->text = rvc_diagnose_report_to_text(r, self->profile);
	gtk_spinner_stop(self->spinner);
	gtk_widget_hide(GTK_WIDGET(self->spinner));
	gtk_label_set_text(self->verdict, verdict);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->report), self->text, -1);
	gtk_widget_show(gtk_widget_get_parent(GTK_WIDGET(self->report)));
	gtk_widget_set_sensitive(self->copy, TRUE);
}

const char *rg_diagnose_view_get_text(RgDiagnoseView *self)
{
	return self->text ? self->text : "";
}

static void show_error(RgDiagnoseView *self, const GError *error)
{
	gtk_spinner_stop(self->spinner);
	gtk_widget_hide(GTK_WIDGET(self->spinner));
	gtk_label_set_text(self->verdict, g_error_matches(error, RVC_ERROR,
							  RVC_ERROR_ALREADY_ACTIVE) ?
				  _("The profile is connected: disconnect it to diagnose it.") :
				  error->message);
}

static void on_diagnosed(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RvcDiagnoseReport) r = rvc_client_diagnose_finish(RVC_CLIENT(source), res, &error);
	RgDiagnoseView *self;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;   /* the dialog is gone */
	self = RG_DIAGNOSE_VIEW(user_data);
	if (r)
		rg_diagnose_view_show_report(self, r);
	else
		show_error(self, error);
}

/* Secrets: the keyring first, then the dialog for what it lacks ------------------- */

static void ask_missing(RgDiagnoseView *self);
static void look_up_next(RgDiagnoseView *self);

static void on_keyring(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RgSecret) value = rg_keyring_lookup_finish(res, &error);
	RgDiagnoseView *self;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;   /* the dialog is gone */
	self = RG_DIAGNOSE_VIEW(user_data);
	if (value)
		rvc_secrets_request_set(self->request, self->kinds[self->next], value);
	else
		g_ptr_array_add(self->missing, (gpointer)self->kinds[self->next]);
	self->next++;
	look_up_next(self);
}

static void look_up_next(RgDiagnoseView *self)
{
	if (self->kinds[self->next]) {
		rg_keyring_lookup(self->profile, self->kinds[self->next], self->cancel, on_keyring,
				  self);
		return;
	}
	if (self->missing->len) {
		ask_missing(self);
		return;
	}
	rvc_secrets_request_done(g_steal_pointer(&self->request));
}

static void on_secrets_response(GtkDialog *dialog, int response, gpointer user_data)
{
	RgDiagnoseView *self = user_data;

	for (guint i = 0; response == GTK_RESPONSE_OK && i < self->missing->len; i++) {
		g_autoptr(RgSecret) v = rg_secrets_dialog_take(RG_SECRETS_DIALOG(dialog),
							       self->missing->pdata[i]);

		rvc_secrets_request_set(self->request, self->missing->pdata[i], v);
	}
	if (response == GTK_RESPONSE_OK)
		rvc_secrets_request_done(g_steal_pointer(&self->request));
	else
		rvc_secrets_request_cancel(g_steal_pointer(&self->request));
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void ask_missing(RgDiagnoseView *self)
{
	g_autoptr(GPtrArray) kinds = g_ptr_array_copy(self->missing, NULL, NULL);
	g_autoptr(GPtrArray) labels = g_ptr_array_new();
	GtkWidget *dialog;

	for (guint i = 0; i < kinds->len; i++)
		g_ptr_array_add(labels, (gpointer)rvc_secret_kind_label(kinds->pdata[i]));
	g_ptr_array_add(kinds, NULL);
	g_ptr_array_add(labels, NULL);
	dialog = rg_secrets_dialog_new(GTK_WINDOW(self), self->profile,
				       (const char *const *)kinds->pdata,
				       (const char *const *)labels->pdata, FALSE);
	gtk_window_set_destroy_with_parent(GTK_WINDOW(dialog), TRUE);
	g_signal_connect(dialog, "response", G_CALLBACK(on_secrets_response), self);
	gtk_widget_show(dialog);
}

/* The library's secrets callback. */
static void on_secrets_needed(RvcSecretsRequest *request, gpointer user_data)
{
	RgDiagnoseView *self = user_data;

	self->request = request;
	self->kinds = rvc_secrets_request_get_kinds(request);
	self->next = 0;
	g_ptr_array_set_size(self->missing, 0);
	look_up_next(self);
}

/* The dialog ---------------------------------------------------------------------- */

static void on_response(GtkDialog *dialog, int response, gpointer user_data)
{
	RgDiagnoseView *self = RG_DIAGNOSE_VIEW(dialog);

	if (response == RESPONSE_COPY) {
		gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self),
								GDK_SELECTION_CLIPBOARD),
				       rg_diagnose_view_get_text(self), -1);
		return;
	}
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void rg_diagnose_view_dispose(GObject *object)
{
	RgDiagnoseView *self = RG_DIAGNOSE_VIEW(object);

	if (self->cancel)
		g_cancellable_cancel(self->cancel);
	if (self->request)
		rvc_secrets_request_cancel(g_steal_pointer(&self->request));
	g_clear_object(&self->cancel);
	G_OBJECT_CLASS(rg_diagnose_view_parent_class)->dispose(object);
}

static void rg_diagnose_view_finalize(GObject *object)
{
	RgDiagnoseView *self = RG_DIAGNOSE_VIEW(object);

	g_free(self->profile);
	g_free(self->text);
	g_ptr_array_unref(self->missing);
	G_OBJECT_CLASS(rg_diagnose_view_parent_class)->finalize(object);
}

static void rg_diagnose_view_class_init(RgDiagnoseViewClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = rg_diagnose_view_dispose;
	G_OBJECT_CLASS(klass)->finalize = rg_diagnose_view_finalize;
}

static GtkWidget *report_view(RgDiagnoseView *self)
{
	GtkWidget *scroll = gtk_scrolled_window_new(NULL, NULL);

	self->report = GTK_TEXT_VIEW(gtk_text_view_new());
	gtk_text_view_set_editable(self->report, FALSE);
	gtk_text_view_set_monospace(self->report, TRUE);
	gtk_text_view_set_wrap_mode(self->report, GTK_WRAP_WORD_CHAR);
	atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->report)), _("Report"));
	gtk_widget_set_size_request(scroll, 560, 320);
	gtk_widget_set_vexpand(scroll, TRUE);
	gtk_container_add(GTK_CONTAINER(scroll), GTK_WIDGET(self->report));
	gtk_widget_show(GTK_WIDGET(self->report));
	return scroll;
}

static void rg_diagnose_view_init(RgDiagnoseView *self)
{
	GtkBox *area = GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(self)));
	GtkWidget *head = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	self->missing = g_ptr_array_new();
	self->cancel = g_cancellable_new();
	gtk_box_set_spacing(area, 12);
	gtk_container_set_border_width(GTK_CONTAINER(area), 12);
	self->spinner = GTK_SPINNER(gtk_spinner_new());
	self->verdict = GTK_LABEL(gtk_label_new(NULL));
	gtk_label_set_xalign(self->verdict, 0);
	gtk_label_set_line_wrap(self->verdict, TRUE);
	gtk_label_set_selectable(self->verdict, TRUE);
	atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->verdict)), _("Verdict"));
	gtk_box_pack_start(GTK_BOX(head), GTK_WIDGET(self->spinner), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(head), GTK_WIDGET(self->verdict), TRUE, TRUE, 0);
	gtk_box_pack_start(area, head, FALSE, FALSE, 0);
	gtk_box_pack_start(area, report_view(self), TRUE, TRUE, 0);
	gtk_widget_show_all(head);
	self->copy = gtk_dialog_add_button(GTK_DIALOG(self), _("_Copy Report"), RESPONSE_COPY);
	gtk_widget_set_sensitive(self->copy, FALSE);
	gtk_dialog_add_button(GTK_DIALOG(self), _("_Close"), GTK_RESPONSE_CLOSE);
	g_signal_connect(self, "response", G_CALLBACK(on_response), NULL);
}

GtkWidget *rg_diagnose_view_new(GtkWindow *parent, RvcClient *client, const char *profile)
{
	RgDiagnoseView *self = g_object_new(RG_TYPE_DIAGNOSE_VIEW, "transient-for", parent,
					    "destroy-with-parent", TRUE, "use-header-bar", FALSE,
					    NULL);
	g_autofree char *title = g_strdup_printf(_("Diagnose “%s”"), profile);
	g_autofree char *running = g_strdup_printf(
		_("Connecting “%s” step by step to find where it fails. This can take a minute; "
		  "this computer's network is not changed."), profile);

	self->profile = g_strdup(profile);
	gtk_window_set_title(GTK_WINDOW(self), title);
	gtk_label_set_text(self->verdict, running);
	gtk_spinner_start(self->spinner);
	if (client)
		rvc_client_diagnose(client, profile, NULL, on_secrets_needed, self, self->cancel,
				    on_diagnosed, self);
	return GTK_WIDGET(self);
}
