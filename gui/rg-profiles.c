/*
 * Profiles: the editor for a new or an existing one (AddProfile /
 * UpdateProfile, so polkit decides), import of other clients' settings
 * into the editor, deleting (and the keyring items with it), forgetting the
 * remembered secrets.
 */
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <roadvpn-client/rv-import.h>

#include "rg-editor.h"
#include "rg-keyring.h"
#include "rg-window-private.h"

/* Editing --------------------------------------------------------------------------- */

/* Secrets an import found go to the keyring once the profile exists, never to a file. */
static void remember_imported(RgEditor *editor)
{
	const struct rv_import_conn *c = g_object_get_data(G_OBJECT(editor), "rg-import-conn");

	for (size_t i = 0; c && i < c->n_secrets; i++)
		rg_keyring_store(rg_editor_get_name(editor), c->secrets[i].name, c->secrets[i].value,
				 NULL, NULL, NULL);
}

static void on_saved(GObject *source, GAsyncResult *res, gpointer user_data)
{
	RgEditor *editor = user_data;
	g_autoptr(GError) error = NULL;
	gboolean ok = rg_editor_is_new(editor)
			      ? rvc_client_add_profile_finish(RVC_CLIENT(source), res, &error)
			      : rvc_client_update_profile_finish(RVC_CLIENT(source), res, &error);
	RgWindow *self = RG_WINDOW(gtk_window_get_transient_for(GTK_WINDOW(editor)));

	rg_editor_set_busy(editor, FALSE);
	if (!ok) {
		rg_editor_show_error(editor, g_error_matches(error, RVC_ERROR,
							     RVC_ERROR_NOT_AUTHORIZED)
						     ? _("You are not allowed to change VPN profiles.")
						     : error->message);
		g_object_unref(editor);
		return;
	}
	remember_imported(editor);
	g_free(self->select_after_list);
	self->select_after_list = g_strdup(rg_editor_get_name(editor));
	rg_window_list_profiles(self);
	gtk_widget_destroy(GTK_WIDGET(editor));
	g_object_unref(editor);
}

static void wipe_free(char *text)
{
	if (text)
		explicit_bzero(text, strlen(text));
	g_free(text);
}

static void save_profile(RgWindow *self, RgEditor *editor)
{
	const char *name = rg_editor_get_name(editor);

	rg_editor_set_busy(editor, TRUE);
	if (rg_editor_is_new(editor)) {
		char *keyfile = rg_editor_get_keyfile(editor);

		rvc_client_add_profile(self->client, name, keyfile, NULL, on_saved,
				       g_object_ref(editor));
		wipe_free(keyfile);
		return;
	}
	g_autoptr(GHashTable) changes = rg_editor_get_changes(editor);
	if (g_hash_table_size(changes) == 0) {
		gtk_widget_destroy(GTK_WIDGET(editor));
		return;
	}
	rvc_client_update_profile(self->client, name, changes, NULL, on_saved,
				  g_object_ref(editor));
}

static void on_editor_response(GtkDialog *dialog, int response, RgWindow *self)
{
	if (response == GTK_RESPONSE_OK && self->client)
		save_profile(self, RG_EDITOR(dialog));
	else if (response != GTK_RESPONSE_OK)
		gtk_widget_destroy(GTK_WIDGET(dialog));
}

void rg_profiles_open_editor(RgWindow *self, const char *name, const char *keyfile,
			const char *const *stored)
{
	GtkWidget *editor = rg_editor_new(GTK_WINDOW(self), name, keyfile, stored);

	g_signal_connect(editor, "response", G_CALLBACK(on_editor_response), self);
	gtk_widget_show(editor);
}

static void on_got_profile(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autofree char *name = user_data;
	g_auto(GStrv) stored = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *keyfile = rvc_client_get_profile_finish(RVC_CLIENT(source), res, &stored,
								 &error);
	RgWindow *self = g_object_get_data(source, "rg-window");
	g_autofree char *title = NULL;

	if (!self || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (keyfile) {
		rg_profiles_open_editor(self, name, keyfile, (const char *const *)stored);
		return;
	}
	title = g_strdup_printf(_("Cannot open “%s”"), name);
	rg_show_error(GTK_WINDOW(self), title, error->message);
}

void rg_profiles_edit_selected(RgWindow *self)
{
	if (!self->selected || !self->client)
		return;
	rvc_client_get_profile(self->client, self->selected->name, self->cancel, on_got_profile,
			       g_strdup(self->selected->name));
}

/* Importing ------------------------------------------------------------------------ */

static char *import_note(const struct rv_import_result *r, const struct rv_import_conn *c)
{
	size_t taken = 0, left = 0;
	g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func(g_free);
	char *note = NULL;

	for (size_t i = 0; i < c->n_notes; i++) {
		taken += c->notes[i].kind == RV_NOTE_TAKEN;
		left += c->notes[i].kind == RV_NOTE_LEFT_OUT;
	}
	/* TRANSLATORS: %s is a file format, e.g. "Windows phonebook (.pbk)" */
	g_ptr_array_add(sentences, g_strdup_printf(_("Imported from %s."),
						   rv_import_format_name(r->format)));
	g_ptr_array_add(sentences, g_strdup_printf(ngettext("%zu setting taken.",
							    "%zu settings taken.", taken), taken));
	g_ptr_array_add(sentences, g_strdup_printf(ngettext("%zu setting left out.",
							    "%zu settings left out.", left), left));
	if (c->n_secrets)
		g_ptr_array_add(sentences, g_strdup(_("Its secrets will be remembered in your keyring.")));
	if (r->n_conns > 1)
		g_ptr_array_add(sentences, g_strdup_printf(ngettext(
			"The file holds %zu connection; this is the first.",
			"The file holds %zu connections; this is the first.", r->n_conns), r->n_conns));
	g_ptr_array_add(sentences, g_strdup(_("Check them, then Save.")));
	/* One after the other, the way the language runs sentences together. */
	for (guint i = 0; i < sentences->len; i++) {
		char *joined = note ? g_strdup_printf(C_("sentences", "%s %s"), note,
						       (char *)sentences->pdata[i])
				    : g_strdup(sentences->pdata[i]);

		g_free(note);
		note = joined;
	}
	return note;
}

static void open_import(RgWindow *self, struct rv_import_result *r)
{
	struct rv_import_conn *c = &r->conns[0];
	g_autofree char *name = rv_import_suggest_name(c);
	g_autofree char *note = import_note(r, c);
	GtkWidget *editor = rg_editor_new(GTK_WINDOW(self), NULL, c->profile_text, NULL);

	rg_editor_set_name(RG_EDITOR(editor), name ? name : "");
	rg_editor_set_note(RG_EDITOR(editor), note);
	/* The result (and its secrets, wiped when freed) lives as long as the editor. */
	g_object_set_data(G_OBJECT(editor), "rg-import-conn", c);
	g_object_set_data_full(G_OBJECT(editor), "rg-import", r,
			       (GDestroyNotify)rv_import_result_free);
	g_signal_connect(editor, "response", G_CALLBACK(on_editor_response), self);
	gtk_widget_show(editor);
}

void rg_window_import_file(RgWindow *self, GFile *file)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	char *why = NULL;
	struct rv_import_result *r = NULL;
	gsize len = 0;

	if (!g_file_load_contents(file, NULL, &data, &len, NULL, &error)) {
		rg_show_error(GTK_WINDOW(self), _("Could not read the file"), error->message);
		return;
	}
	if (len > RV_IMPORT_MAX_SIZE) {
		rg_show_error(GTK_WINDOW(self), _("Could not import the file"),
			      _("It is too large for VPN settings."));
		return;
	}
	if (rv_import_data(data, len, NULL, &r, &why) < 0 || r->n_conns == 0) {
		rg_show_error(GTK_WINDOW(self), _("Could not import the file"),
			      why ? why : _("It holds no L2TP/IPsec connection."));
		free(why);
		rv_import_result_free(r);
		return;
	}
	open_import(self, r);
}

static void on_import_response(GtkNativeDialog *chooser, int response, RgWindow *self)
{
	if (response == GTK_RESPONSE_ACCEPT) {
		g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));

		rg_window_import_file(self, file);
	}
	g_object_unref(chooser);
}

void rg_profiles_import(RgWindow *self)
{
	GtkFileChooserNative *chooser = gtk_file_chooser_native_new(
		_("Import VPN Settings"), GTK_WINDOW(self), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
		_("_Cancel"));

	g_signal_connect(chooser, "response", G_CALLBACK(on_import_response), self);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

/* Deleting and forgetting ------------------------------------------------------------ */

static void on_removed(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autofree char *name = user_data;
	g_autoptr(GError) error = NULL;
	RgWindow *self = g_object_get_data(source, "rg-window");

	if (!rvc_client_remove_profile_finish(RVC_CLIENT(source), res, &error)) {
		g_autofree char *title = g_strdup_printf(_("Could not delete “%s”"), name);

		if (self && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			rg_show_error(GTK_WINDOW(self), title, error->message);
		return;
	}
	/* The profile is gone: so are the passwords the app kept for it. */
	rg_keyring_forget(name, NULL, NULL, NULL, NULL);
	if (self)
		rg_window_list_profiles(self);
}

static void on_delete_confirmed(GtkDialog *dialog, int response, RgWindow *self)
{
	const char *name = g_object_get_data(G_OBJECT(dialog), "rg-profile");

	if (response == GTK_RESPONSE_ACCEPT && self->client)
		rvc_client_remove_profile(self->client, name, self->cancel, on_removed,
					  g_strdup(name));
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

void rg_profiles_delete_selected(RgWindow *self)
{
	GtkWidget *dialog, *button;

	if (!self->selected)
		return;
	dialog = gtk_message_dialog_new(GTK_WINDOW(self), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
					GTK_BUTTONS_NONE, _("Delete “%s”?"), self->selected->name);
	gtk_message_dialog_format_secondary_text(
		GTK_MESSAGE_DIALOG(dialog),
		"%s", _("The profile is removed for every user of this computer, and the passwords "
			"remembered for it are removed from your keyring."));
	gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
	button = gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Delete"), GTK_RESPONSE_ACCEPT);
	gtk_style_context_add_class(gtk_widget_get_style_context(button), "destructive-action");
	g_object_set_data_full(G_OBJECT(dialog), "rg-profile", g_strdup(self->selected->name),
			       g_free);
	g_signal_connect(dialog, "response", G_CALLBACK(on_delete_confirmed), self);
	gtk_widget_show(dialog);
}

void rg_profiles_forget_selected(RgWindow *self)
{
	if (!self->selected)
		return;
	rg_keyring_forget(self->selected->name, NULL, NULL, NULL, NULL);
	self->selected->remembered = FALSE;
}

