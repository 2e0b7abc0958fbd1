/*
 * A checklist of phases. Property changes from the helper are coalesced, so a
 * quick phase may never be seen on its own: everything before the current
 * phase is marked done when a later one shows up.
 */
#include <stdbool.h>
#include <string.h>

#include "rg-progress-view.h"

enum step_state { STEP_WAITING, STEP_ACTIVE, STEP_DONE, STEP_FAILED };

struct step {
	char *id;
	GtkWidget *row, *icon_stack, *label;
	enum step_state state;
};

struct _RgProgressView {
	GtkBox parent;
	GtkLabel *title;
	GtkListBox *list;
	GtkWidget *cancel;
	GPtrArray *steps;
};

G_DEFINE_TYPE(RgProgressView, rg_progress_view, GTK_TYPE_BOX)

static void step_free(gpointer data)
{
	struct step *s = data;

	g_free(s->id);
	g_free(s);
}

static const char *state_name(enum step_state state)
{
	switch (state) {
	case STEP_WAITING:
		return "waiting";
	case STEP_ACTIVE:
		return "active";
	case STEP_DONE:
		return "done";
	case STEP_FAILED:
		return "failed";
	}
	return "waiting";
}

static void step_show(struct step *s, enum step_state state)
{
	GtkWidget *spinner = gtk_stack_get_child_by_name(GTK_STACK(s->icon_stack), "active");
	GtkStyleContext *style = gtk_widget_get_style_context(s->label);
	AtkObject *acc = gtk_widget_get_accessible(s->row);

	s->state = state;
	gtk_stack_set_visible_child_name(GTK_STACK(s->icon_stack), state_name(state));
	g_object_set(spinner, "active", state == STEP_ACTIVE, NULL);
	if (state == STEP_WAITING)
		gtk_style_context_add_class(style, "dim-label");
	else
		gtk_style_context_remove_class(style, "dim-label");
	/* The test (and a screen reader) reads the state from the row's description. */
	atk_object_set_description(acc, state_name(state));
}

static GtkWidget *icon(const char *name)
{
	GtkWidget *img = gtk_image_new_from_icon_name(name, GTK_ICON_SIZE_BUTTON);

	gtk_widget_show(img);
	return img;
}

static GtkWidget *icon_stack(void)
{
	GtkWidget *stack = gtk_stack_new();
	GtkWidget *spinner = gtk_spinner_new();

	gtk_widget_show(spinner);
	gtk_stack_add_named(GTK_STACK(stack), icon("content-loading-symbolic"), "waiting");
	gtk_stack_add_named(GTK_STACK(stack), spinner, "active");
	gtk_stack_add_named(GTK_STACK(stack), icon("object-select-symbolic"), "done");
	gtk_stack_add_named(GTK_STACK(stack), icon("process-stop-symbolic"), "failed");
	gtk_widget_show(stack);
	return stack;
}

static struct step *step_new(const char *id, const char *label)
{
	struct step *s = g_new0(struct step, 1);
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

	s->id = g_strdup(id);
	s->icon_stack = icon_stack();
	s->label = gtk_label_new(label);
	gtk_label_set_xalign(GTK_LABEL(s->label), 0);
	gtk_container_add(GTK_CONTAINER(box), s->icon_stack);
	gtk_container_add(GTK_CONTAINER(box), s->label);
	g_object_set(box, "margin", 8, NULL);
	s->row = gtk_list_box_row_new();
	gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(s->row), FALSE);
	gtk_container_add(GTK_CONTAINER(s->row), box);
	gtk_widget_show_all(s->row);
	atk_object_set_name(gtk_widget_get_accessible(s->row), label);
	step_show(s, STEP_WAITING);
	return s;
}

void rg_progress_view_set_phases(RgProgressView *self, const char *const *ids,
				 const char *const *labels)
{
	g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->list));

	for (GList *l = rows; l; l = l->next)
		gtk_widget_destroy(l->data);
	g_ptr_array_set_size(self->steps, 0);
	for (size_t i = 0; ids[i]; i++) {
		struct step *s = step_new(ids[i], labels[i]);

		g_ptr_array_add(self->steps, s);
		gtk_container_add(GTK_CONTAINER(self->list), s->row);
	}
}

static int find(RgProgressView *self, const char *id)
{
	for (guint i = 0; i < self->steps->len; i++) {
		struct step *s = g_ptr_array_index(self->steps, i);

		if (!strcmp(s->id, id))
			return (int)i;
	}
	return -1;
}

static void mark(RgProgressView *self, const char *id, enum step_state state)
{
	int at = find(self, id);

	if (at < 0)
		return;
	for (guint i = 0; i < self->steps->len; i++) {
		struct step *s = g_ptr_array_index(self->steps, i);

		if ((int)i < at)
			step_show(s, STEP_DONE);
		else if ((int)i == at)
			step_show(s, state);
		else
			step_show(s, STEP_WAITING);
	}
}

void rg_progress_view_set_current(RgProgressView *self, const char *id)
{
	mark(self, id, STEP_ACTIVE);
}

void rg_progress_view_set_failed(RgProgressView *self, const char *id)
{
	mark(self, id, STEP_FAILED);
}

void rg_progress_view_set_title(RgProgressView *self, const char *title, gboolean can_cancel)
{
	gtk_label_set_text(self->title, title);
	gtk_widget_set_visible(self->cancel, can_cancel);
}

static void rg_progress_view_finalize(GObject *object)
{
	RgProgressView *self = RG_PROGRESS_VIEW(object);

	g_ptr_array_unref(self->steps);
	G_OBJECT_CLASS(rg_progress_view_parent_class)->finalize(object);
}

static void rg_progress_view_class_init(RgProgressViewClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = rg_progress_view_finalize;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-progress-view.ui");
	gtk_widget_class_bind_template_child(w, RgProgressView, title);
	gtk_widget_class_bind_template_child(w, RgProgressView, list);
	gtk_widget_class_bind_template_child(w, RgProgressView, cancel);
}

static void rg_progress_view_init(RgProgressView *self)
{
	self->steps = g_ptr_array_new_with_free_func(step_free);
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *rg_progress_view_new(void)
{
	return g_object_new(RG_TYPE_PROGRESS_VIEW, NULL);
}
