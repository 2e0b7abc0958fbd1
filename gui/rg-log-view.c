/*
 * The log as the helper keeps it (it never holds a secret), newest at the
 * bottom and followed while the view is scrolled to the end. Bounded like
 * the helper's backlog, so a connection up for days does not grow the app.
 */
#include <stdbool.h>

#include <glib/gi18n-lib.h>

#include "rg-error-view.h"
#include "rg-log-view.h"

#define MAX_LINES 5000

struct _RgLogView {
	GtkBox parent;
	GtkTextView *text;
	GtkScrolledWindow *scroller;
	char *profile;
};

G_DEFINE_TYPE(RgLogView, rg_log_view, GTK_TYPE_BOX)

static GtkTextBuffer *buffer(RgLogView *self)
{
	return gtk_text_view_get_buffer(self->text);
}

static bool at_bottom(RgLogView *self)
{
	GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(self->scroller);

	return gtk_adjustment_get_value(adj) + gtk_adjustment_get_page_size(adj) >=
	       gtk_adjustment_get_upper(adj) - 4;
}

static void trim(GtkTextBuffer *buf)
{
	int extra = gtk_text_buffer_get_line_count(buf) - 1 - MAX_LINES;
	GtkTextIter start, cut;

	if (extra <= 0)
		return;
	gtk_text_buffer_get_start_iter(buf, &start);
	gtk_text_buffer_get_iter_at_line(buf, &cut, extra);
	gtk_text_buffer_delete(buf, &start, &cut);
}

static void scroll_to_end(RgLogView *self)
{
	GtkTextIter end;

	gtk_text_buffer_get_end_iter(buffer(self), &end);
	gtk_text_view_scroll_to_iter(self->text, &end, 0, FALSE, 0, 1);
}

void rg_log_view_append(RgLogView *self, const char *line)
{
	bool follow = at_bottom(self);
	GtkTextIter end;

	gtk_text_buffer_get_end_iter(buffer(self), &end);
	gtk_text_buffer_insert(buffer(self), &end, line, -1);
	gtk_text_buffer_insert(buffer(self), &end, "\n", 1);
	trim(buffer(self));
	if (follow)
		scroll_to_end(self);
}

void rg_log_view_set_lines(RgLogView *self, const char *const *lines)
{
	gtk_text_buffer_set_text(buffer(self), "", 0);
	for (size_t i = 0; lines && lines[i]; i++)
		rg_log_view_append(self, lines[i]);
	scroll_to_end(self);
}

void rg_log_view_set_profile(RgLogView *self, const char *profile)
{
	g_free(self->profile);
	self->profile = g_strdup(profile);
}

static char *all_text(RgLogView *self)
{
	GtkTextIter start, end;

	gtk_text_buffer_get_bounds(buffer(self), &start, &end);
	return gtk_text_buffer_get_text(buffer(self), &start, &end, FALSE);
}

static void on_copy(RgLogView *self)
{
	g_autofree char *text = all_text(self);

	gtk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD),
			       text, -1);
}

static void save_to(RgLogView *self, GFile *file)
{
	g_autofree char *text = all_text(self);
	g_autoptr(GError) error = NULL;

	if (g_file_replace_contents(file, text, strlen(text), NULL, FALSE,
				    G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
		return;
	rg_show_error(GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self))),
		      _("Could not save the log"), error->message);
}

static void on_save_response(GtkNativeDialog *chooser, int response, RgLogView *self)
{
	if (response == GTK_RESPONSE_ACCEPT) {
		g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));

		save_to(self, file);
	}
	g_object_unref(chooser);
}

static void on_save(RgLogView *self)
{
	GtkWindow *parent = GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(self)));
	GtkFileChooserNative *chooser = gtk_file_chooser_native_new(
		_("Save Log"), parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
	g_autofree char *name = g_strdup_printf("roadvpn-%s.log",
						self->profile ? self->profile : "connection");

	gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
	g_signal_connect(chooser, "response", G_CALLBACK(on_save_response), self);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void rg_log_view_finalize(GObject *object)
{
	g_free(RG_LOG_VIEW(object)->profile);
	G_OBJECT_CLASS(rg_log_view_parent_class)->finalize(object);
}

static void rg_log_view_class_init(RgLogViewClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = rg_log_view_finalize;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-log-view.ui");
	gtk_widget_class_bind_template_child(w, RgLogView, text);
	gtk_widget_class_bind_template_child(w, RgLogView, scroller);
	gtk_widget_class_bind_template_callback(w, on_copy);
	gtk_widget_class_bind_template_callback(w, on_save);
}

static void rg_log_view_init(RgLogView *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *rg_log_view_new(void)
{
	return g_object_new(RG_TYPE_LOG_VIEW, NULL);
}
