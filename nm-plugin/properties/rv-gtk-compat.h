#pragma once
/*
 * The one place where the editor differs between GTK 3 (nm-connection-editor)
 * and GTK 4 (GNOME Settings 43 and later): meson builds rv-nm-editor.c and
 * rv-nm-form.c twice, and these wrappers are every call whose name or
 * signature changed between the two.
 */
#include <gtk/gtk.h>

#if GTK_CHECK_VERSION(4, 0, 0)

#define rv_entry_get_text(e) gtk_editable_get_text(GTK_EDITABLE(e))
#define rv_entry_set_text(e, t) gtk_editable_set_text(GTK_EDITABLE(e), (t))
#define rv_label_set_wrap(l, w) gtk_label_set_wrap((l), (w))
#define rv_check_get_active(c) gtk_check_button_get_active(GTK_CHECK_BUTTON(c))
#define rv_check_set_active(c, a) gtk_check_button_set_active(GTK_CHECK_BUTTON(c), (a))
#define rv_scrolled_window_new() gtk_scrolled_window_new()
/* Cancel and OK in a header bar, as GNOME Settings' own dialogs have them. */
#define RV_DIALOG_FLAGS (GTK_DIALOG_MODAL | GTK_DIALOG_USE_HEADER_BAR)
#define rv_root(w) GTK_WIDGET(gtk_widget_get_root(w))

/* A function, not a macro: g_clear_pointer takes its address. */
static inline void rv_dialog_destroy(GtkWidget *d)
{
	gtk_window_destroy(GTK_WINDOW(d));
}

static inline void rv_set_child(GtkWidget *parent, GtkWidget *child)
{
	if (GTK_IS_SCROLLED_WINDOW(parent))
		gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(parent), child);
	else if (GTK_IS_EXPANDER(parent))
		gtk_expander_set_child(GTK_EXPANDER(parent), child);
	else
		gtk_box_append(GTK_BOX(parent), child);
}

static inline GtkWidget *rv_get_child(GtkWidget *w)
{
	if (GTK_IS_SCROLLED_WINDOW(w))
		return gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(w));
	return gtk_viewport_get_child(GTK_VIEWPORT(w));
}

static inline void rv_set_error_class(GtkWidget *w, gboolean on)
{
	if (on)
		gtk_widget_add_css_class(w, "error");
	else
		gtk_widget_remove_css_class(w, "error");
}

static inline gboolean rv_translate_y(GtkWidget *from, GtkWidget *to, int *y)
{
	double dx, dy;

	if (!gtk_widget_translate_coordinates(from, to, 0, 0, &dx, &dy))
		return FALSE;
	*y = (int)dy;
	return TRUE;
}

/* Windows are hidden, not destroyed, when closed: the editor reuses its dialogs. */
static inline void rv_dialog_hide_on_close(GtkWidget *d)
{
	gtk_window_set_hide_on_close(GTK_WINDOW(d), TRUE);
}

/* GTK 4 windows shrink to their content by themselves once the default size is unset. */
static inline void rv_window_shrink(GtkWidget *w)
{
	gtk_window_set_default_size(GTK_WINDOW(w), -1, -1);
}

/* Widgets are visible unless hidden: nothing to show recursively. */
#define rv_dialog_show(d) gtk_window_present(GTK_WINDOW(d))
#define rv_show_only_when_asked(w) ((void)(w))


#else /* GTK 3 */

#define rv_entry_get_text(e) gtk_entry_get_text(GTK_ENTRY(e))
#define rv_entry_set_text(e, t) gtk_entry_set_text(GTK_ENTRY(e), (t))
#define rv_label_set_wrap(l, w) gtk_label_set_line_wrap((l), (w))
#define rv_check_get_active(c) gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(c))
#define rv_check_set_active(c, a) gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(c), (a))
#define rv_scrolled_window_new() gtk_scrolled_window_new(NULL, NULL)
/* nm-connection-editor's own dialogs have their buttons at the bottom. */
#define RV_DIALOG_FLAGS GTK_DIALOG_MODAL
#define rv_root(w) gtk_widget_get_toplevel(w)

static inline void rv_dialog_destroy(GtkWidget *d)
{
	gtk_widget_destroy(d);
}
#define rv_set_child(p, c) gtk_container_add(GTK_CONTAINER(p), (c))
#define rv_get_child(w) gtk_bin_get_child(GTK_BIN(w))

static inline void rv_set_error_class(GtkWidget *w, gboolean on)
{
	GtkStyleContext *style = gtk_widget_get_style_context(w);

	if (on)
		gtk_style_context_add_class(style, "error");
	else
		gtk_style_context_remove_class(style, "error");
}

static inline gboolean rv_translate_y(GtkWidget *from, GtkWidget *to, int *y)
{
	int dx;

	return gtk_widget_translate_coordinates(from, to, 0, 0, &dx, y);
}

static inline void rv_dialog_hide_on_close(GtkWidget *d)
{
	g_signal_connect(d, "delete-event", G_CALLBACK(gtk_widget_hide_on_delete), NULL);
}

static inline void rv_window_shrink(GtkWidget *w)
{
	gtk_window_resize(GTK_WINDOW(w), gtk_widget_get_allocated_width(w), 1);
}

#define rv_dialog_show(d) gtk_widget_show_all(d)
/* show_all must not show it: it appears only when update_sensitivity says so. */
#define rv_show_only_when_asked(w) gtk_widget_set_no_show_all((w), TRUE)

/* Walks a container's children like GTK 4's sibling chain (the list stays with the container). */

#endif
