#pragma once
/*
 * Widgets bound to vpn.data keys: each writes its key into the form's
 * table as the user types and shows the table's verdict on itself (an
 * error icon and tooltip naming the problem), so a bad gateway or a
 * missing CA file is visible where it is typed. One form per editor; the
 * IPsec and PPP dialogs add their widgets to the same form.
 */
#include <gtk/gtk.h>

struct rv_form;

struct rv_form *rv_form_new(GHashTable *data, void (*changed)(void *), void *user_data);
void rv_form_free(struct rv_form *f);
GHashTable *rv_form_data(struct rv_form *f);

/* Rows in a two-column grid (label, widget); each returns the widget. */
GtkWidget *rv_form_entry(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key, const char *placeholder);
GtkWidget *rv_form_check(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key);
GtkWidget *rv_form_combo(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key, const char *const *ids, const char *const *labels);
GtkWidget *rv_form_label(GtkGrid *grid, int row, const char *markup);

/* The value of a key as the form holds it, or its default. */
const char *rv_form_get(struct rv_form *f, const char *nm_key);
gboolean rv_form_get_bool(struct rv_form *f, const char *nm_key);

/* Put every widget back from the table (after a dialog's Cancel). */
void rv_form_load(struct rv_form *f);
/* The first problem among the widgets inside WITHIN (all when NULL): "key: why". */
char *rv_form_problem(struct rv_form *f, GtkWidget *within);
