/*
 * The switch follows the connection, not the click: a click emits
 * "toggled" and the window moves the switch when roadvpnd's state says so,
 * so it never shows "on" for a connection that was refused.
 */
#include <glib/gi18n-lib.h>

#include "rg-profile-row.h"

struct _RgProfileRow {
	GtkListBoxRow parent;
	char *name;
	GtkLabel *title, *status;
	GtkSwitch *toggle;
	GtkSpinner *spinner;
	gulong state_set_id;
};

G_DEFINE_TYPE(RgProfileRow, rg_profile_row, GTK_TYPE_LIST_BOX_ROW)

enum { SIG_TOGGLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean on_state_set(GtkSwitch *toggle, gboolean on, RgProfileRow *self)
{
	g_signal_emit(self, signals[SIG_TOGGLED], 0, on);
	/* TRUE: the switch's state stays until the window sets it. */
	return TRUE;
}

void rg_profile_row_set_state(RgProfileRow *self, gboolean on, gboolean busy, const char *status)
{
	g_signal_handler_block(self->toggle, self->state_set_id);
	gtk_switch_set_active(self->toggle, on);
	gtk_switch_set_state(self->toggle, on);
	g_signal_handler_unblock(self->toggle, self->state_set_id);
	gtk_label_set_text(self->status, status);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
	if (busy)
		gtk_spinner_start(self->spinner);
	else
		gtk_spinner_stop(self->spinner);
}

void rg_profile_row_set_switchable(RgProfileRow *self, gboolean switchable)
{
	gtk_widget_set_sensitive(GTK_WIDGET(self->toggle), switchable);
}

const char *rg_profile_row_get_name(RgProfileRow *self)
{
	return self->name;
}

static void rg_profile_row_finalize(GObject *object)
{
	g_free(RG_PROFILE_ROW(object)->name);
	G_OBJECT_CLASS(rg_profile_row_parent_class)->finalize(object);
}

static void rg_profile_row_class_init(RgProfileRowClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = rg_profile_row_finalize;
	signals[SIG_TOGGLED] = g_signal_new("toggled", RG_TYPE_PROFILE_ROW, G_SIGNAL_RUN_LAST, 0,
					    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static GtkWidget *label(const char *text, const char *style)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
	if (style)
		gtk_style_context_add_class(gtk_widget_get_style_context(l), style);
	return l;
}

static void rg_profile_row_init(RgProfileRow *self)
{
}

GtkWidget *rg_profile_row_new(const char *name)
{
	RgProfileRow *self = g_object_new(RG_TYPE_PROFILE_ROW, NULL);
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
	g_autofree char *switch_name = g_strdup_printf(_("Connect %s"), name);
	PangoAttrList *bold = pango_attr_list_new();

	self->name = g_strdup(name);
	self->title = GTK_LABEL(label(name, NULL));
	pango_attr_list_insert(bold, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
	gtk_label_set_attributes(self->title, bold);
	pango_attr_list_unref(bold);
	self->status = GTK_LABEL(label("", "dim-label"));
	self->spinner = GTK_SPINNER(gtk_spinner_new());
	self->toggle = GTK_SWITCH(gtk_switch_new());
	gtk_widget_set_valign(GTK_WIDGET(self->toggle), GTK_ALIGN_CENTER);
	atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self->toggle)), switch_name);
	atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self)), name);
	self->state_set_id = g_signal_connect(self->toggle, "state-set", G_CALLBACK(on_state_set),
					      self);
	gtk_widget_set_hexpand(text, TRUE);
	gtk_container_add(GTK_CONTAINER(text), GTK_WIDGET(self->title));
	gtk_container_add(GTK_CONTAINER(text), GTK_WIDGET(self->status));
	gtk_container_add(GTK_CONTAINER(box), text);
	gtk_container_add(GTK_CONTAINER(box), GTK_WIDGET(self->spinner));
	gtk_container_add(GTK_CONTAINER(box), GTK_WIDGET(self->toggle));
	g_object_set(box, "margin", 10, NULL);
	gtk_container_add(GTK_CONTAINER(self), box);
	gtk_widget_show_all(GTK_WIDGET(self));
	gtk_widget_hide(GTK_WIDGET(self->spinner));
	return GTK_WIDGET(self);
}
