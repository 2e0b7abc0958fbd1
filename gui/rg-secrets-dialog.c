/*
 * One password entry per secret the helper asked for. Connect stays
 * insensitive until every entry has text. The entries never show their text
 * and are cleared as soon as the caller took the values.
 */
#include <stdbool.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rg-keyring.h"
#include "rg-row.h"
#include "rg-secrets-dialog.h"

struct _RgSecretsDialog {
	GtkDialog parent;
	GtkLabel *heading;
	GtkGrid *grid;
	GtkCheckButton *remember;
	GPtrArray *entries;     /* GtkEntry, "rg-kind" data = the kind */
};

G_DEFINE_TYPE(RgSecretsDialog, rg_secrets_dialog, GTK_TYPE_DIALOG)

static void update_sensitive(RgSecretsDialog *self)
{
	bool complete = true;

	for (guint i = 0; i < self->entries->len; i++)
		complete &= gtk_entry_get_text_length(g_ptr_array_index(self->entries, i)) > 0;
	gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_OK, complete);
}

static void add_entry(RgSecretsDialog *self, int row, const char *kind, const char *label)
{
	g_autofree char *mnemonic = g_strdup_printf("_%s", label);
	GtkWidget *e = gtk_entry_new();
	GtkWidget *l = rg_add_row(self->grid, row, mnemonic, e, e);

	gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
	gtk_entry_set_visibility(GTK_ENTRY(e), FALSE);
	gtk_entry_set_input_purpose(GTK_ENTRY(e), GTK_INPUT_PURPOSE_PASSWORD);
	gtk_entry_set_activates_default(GTK_ENTRY(e), TRUE);
	gtk_widget_set_hexpand(e, TRUE);
	g_object_set_data_full(G_OBJECT(e), "rg-kind", g_strdup(kind), g_free);
	g_signal_connect_swapped(e, "changed", G_CALLBACK(update_sensitive), self);
	gtk_widget_show(l);
	gtk_widget_show(e);
	g_ptr_array_add(self->entries, e);
}

/* Overwrite the entry's buffer before emptying it: GTK frees it without wiping. */
static void wipe_entry(GtkEntry *entry)
{
	GtkEntryBuffer *buf = gtk_entry_get_buffer(entry);
	guint n = gtk_entry_buffer_get_length(buf);
	g_autofree char *blank = g_strnfill(n, ' ');

	gtk_entry_buffer_set_text(buf, blank, (int)n);
	gtk_entry_buffer_set_text(buf, "", 0);
}

char *rg_secrets_dialog_take(RgSecretsDialog *self, const char *kind)
{
	for (guint i = 0; i < self->entries->len; i++) {
		GtkEntry *e = g_ptr_array_index(self->entries, i);
		char *value;

		if (strcmp(g_object_get_data(G_OBJECT(e), "rg-kind"), kind))
			continue;
		value = g_strdup(gtk_entry_get_text(e));
		wipe_entry(e);
		return value;
	}
	return NULL;
}

gboolean rg_secrets_dialog_get_remember(RgSecretsDialog *self)
{
	return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->remember));
}

static void rg_secrets_dialog_dispose(GObject *object)
{
	RgSecretsDialog *self = RG_SECRETS_DIALOG(object);

	if (self->entries) {
		for (guint i = 0; i < self->entries->len; i++)
			wipe_entry(g_ptr_array_index(self->entries, i));
		g_clear_pointer(&self->entries, g_ptr_array_unref);
	}
	G_OBJECT_CLASS(rg_secrets_dialog_parent_class)->dispose(object);
}

static void rg_secrets_dialog_class_init(RgSecretsDialogClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->dispose = rg_secrets_dialog_dispose;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-secrets-dialog.ui");
	gtk_widget_class_bind_template_child(w, RgSecretsDialog, heading);
	gtk_widget_class_bind_template_child(w, RgSecretsDialog, grid);
	gtk_widget_class_bind_template_child(w, RgSecretsDialog, remember);
}

static void rg_secrets_dialog_init(RgSecretsDialog *self)
{
	self->entries = g_ptr_array_new();
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *rg_secrets_dialog_new(GtkWindow *parent, const char *profile, const char *const *kinds,
				 const char *const *labels, gboolean remember)
{
	RgSecretsDialog *self = g_object_new(RG_TYPE_SECRETS_DIALOG, "transient-for", parent,
					     "use-header-bar", FALSE, NULL);
	g_autofree char *heading = g_strdup_printf(_("Connecting to “%s” needs:"), profile);

	gtk_label_set_text(self->heading, heading);
	for (int i = 0; kinds[i]; i++)
		add_entry(self, i, kinds[i], labels[i]);
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->remember), remember);
	gtk_dialog_set_default_response(GTK_DIALOG(self), GTK_RESPONSE_OK);
	update_sensitive(self);
	return GTK_WIDGET(self);
}
