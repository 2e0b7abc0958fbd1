/* The failure page: big enough to notice, short enough to read, with the next step as buttons. */
#include "rg-error-view.h"

struct _RgErrorView {
	GtkBox parent;
	GtkLabel *title, *cause, *detail, *fix, *fix_heading;
};

G_DEFINE_TYPE(RgErrorView, rg_error_view, GTK_TYPE_BOX)

enum { SIG_RETRY, SIG_EDIT, SIG_SHOW_LOG, SIG_DIAGNOSE, N_SIGNALS };
static guint signals[N_SIGNALS];

void rg_error_view_set(RgErrorView *self, const char *title, const char *cause,
		       const char *detail, const char *fix)
{
	gtk_label_set_text(self->title, title);
	gtk_label_set_text(self->cause, cause ? cause : "");
	gtk_widget_set_visible(GTK_WIDGET(self->cause), cause && *cause);
	gtk_label_set_text(self->detail, detail ? detail : "");
	gtk_widget_set_visible(GTK_WIDGET(self->detail), detail && *detail);
	gtk_label_set_text(self->fix, fix ? fix : "");
	gtk_widget_set_visible(GTK_WIDGET(self->fix), fix && *fix);
	gtk_widget_set_visible(GTK_WIDGET(self->fix_heading), fix && *fix);
}

static void on_retry(RgErrorView *self)
{
	g_signal_emit(self, signals[SIG_RETRY], 0);
}

static void on_edit(RgErrorView *self)
{
	g_signal_emit(self, signals[SIG_EDIT], 0);
}

static void on_show_log(RgErrorView *self)
{
	g_signal_emit(self, signals[SIG_SHOW_LOG], 0);
}

static void on_diagnose(RgErrorView *self)
{
	g_signal_emit(self, signals[SIG_DIAGNOSE], 0);
}

static guint new_signal(const char *name)
{
	return g_signal_new(name, RG_TYPE_ERROR_VIEW, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
			    G_TYPE_NONE, 0);
}

static void rg_error_view_class_init(RgErrorViewClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	signals[SIG_RETRY] = new_signal("retry");
	signals[SIG_EDIT] = new_signal("edit");
	signals[SIG_SHOW_LOG] = new_signal("show-log");
	signals[SIG_DIAGNOSE] = new_signal("diagnose");
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-error-view.ui");
	gtk_widget_class_bind_template_child(w, RgErrorView, title);
	gtk_widget_class_bind_template_child(w, RgErrorView, cause);
	gtk_widget_class_bind_template_child(w, RgErrorView, detail);
	gtk_widget_class_bind_template_child(w, RgErrorView, fix);
	gtk_widget_class_bind_template_child(w, RgErrorView, fix_heading);
	gtk_widget_class_bind_template_callback(w, on_retry);
	gtk_widget_class_bind_template_callback(w, on_edit);
	gtk_widget_class_bind_template_callback(w, on_show_log);
	gtk_widget_class_bind_template_callback(w, on_diagnose);
}

static void rg_error_view_init(RgErrorView *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *rg_error_view_new(void)
{
	return g_object_new(RG_TYPE_ERROR_VIEW, NULL);
}

void rg_show_error(GtkWindow *parent, const char *primary, const char *secondary)
{
	GtkWidget *dialog = gtk_message_dialog_new(parent, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
						   GTK_BUTTONS_CLOSE, "%s", primary);

	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", secondary);
	g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
	gtk_widget_show(dialog);
}
