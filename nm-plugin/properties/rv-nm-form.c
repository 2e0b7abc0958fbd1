/*
 * Bound widgets (see rv-nm-form.h). A widget's handler writes the table and
 * re-checks every widget, because one key can make another's value wrong
 * (a certificate file matters only in certificate mode).
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "rv-gtk-compat.h"
#include "rv-nm-form.h"
#include "rv-nm-map.h"

struct field {
	struct rv_form *form;
	GtkWidget *widget;
	const struct rv_nm_key *key;
	gulong handler;
};

struct rv_form {
	GHashTable *data;
	GPtrArray *fields;       /* struct field * */
	void (*changed)(void *);
	void *user_data;
};

struct rv_form *rv_form_new(GHashTable *data, void (*changed)(void *), void *user_data)
{
	struct rv_form *f = g_new0(struct rv_form, 1);

	f->data = g_hash_table_ref(data);
	f->fields = g_ptr_array_new_with_free_func(g_free);
	f->changed = changed;
	f->user_data = user_data;
	return f;
}

void rv_form_free(struct rv_form *f)
{
	if (!f)
		return;
	g_ptr_array_unref(f->fields);
	g_hash_table_unref(f->data);
	g_free(f);
}

GHashTable *rv_form_data(struct rv_form *f)
{
	return f->data;
}

const char *rv_form_get(struct rv_form *f, const char *nm_key)
{
	const char *v = g_hash_table_lookup(f->data, nm_key);
	const struct rv_nm_key *k = rv_nm_key_find(nm_key);

	return v ? v : k ? k->dflt : NULL;
}

gboolean rv_form_get_bool(struct rv_form *f, const char *nm_key)
{
	const char *v = rv_form_get(f, nm_key);

	return v && (!strcmp(v, "yes") || !strcmp(v, "true"));
}

/* Absent keys mean the default: a value equal to it is not written. */
static void set_value(struct rv_form *f, const struct rv_nm_key *k, const char *v)
{
	if (!v || !*v || (k->dflt && !strcmp(v, k->dflt)))
		g_hash_table_remove(f->data, k->nm_key);
	else
		g_hash_table_insert(f->data, g_strdup(k->nm_key), g_strdup(v));
}

/* Problems ------------------------------------------------------------------ */

static gboolean cert_mode(struct rv_form *f)
{
	return rv_form_get_bool(f, "ipsec-enabled") &&
	       !g_strcmp0(rv_form_get(f, "machine-auth-type"), "tls");
}

/* Beyond the table: what only makes sense on this machine, or together. */
static char *context_problem(struct rv_form *f, const struct rv_nm_key *k, const char *v)
{
	if (k->kind == RV_NM_FILE && cert_mode(f)) {
		if (!v)
			return g_strdup(_("needed for certificate authentication"));
		if (!g_file_test(v, G_FILE_TEST_IS_REGULAR))
			return g_strdup_printf(_("%s: no such file"), v);
	}
	return NULL;
}

static char *field_problem(struct field *fd)
{
	const char *v = g_hash_table_lookup(fd->form->data, fd->key->nm_key);
	g_autoptr(GError) error = NULL;

	if ((!strcmp(fd->key->nm_key, "gateway") || !strcmp(fd->key->nm_key, "user")) && !v)
		return g_strdup(_("required"));
	if (v && !rv_nm_check_value(fd->key->nm_key, v, &error))
		return g_strdup(strchr(error->message, ':') + 2);
	return context_problem(fd->form, fd->key, v);
}

static void show_problem(struct field *fd, const char *problem)
{
	if (GTK_IS_ENTRY(fd->widget)) {
		gtk_entry_set_icon_from_icon_name(GTK_ENTRY(fd->widget), GTK_ENTRY_ICON_SECONDARY,
						  problem ? "dialog-warning-symbolic" : NULL);
		gtk_entry_set_icon_tooltip_text(GTK_ENTRY(fd->widget), GTK_ENTRY_ICON_SECONDARY,
						problem);
	}
	gtk_widget_set_tooltip_text(fd->widget, problem);
	rv_set_error_class(fd->widget, problem != NULL);
}

/* An empty required field blocks saving but is not marked: nothing was typed wrong yet. */
static gboolean marked(struct field *fd)
{
	return g_hash_table_contains(fd->form->data, fd->key->nm_key) ||
	       fd->key->kind == RV_NM_FILE;
}

static void check_all(struct rv_form *f)
{
	for (guint i = 0; i < f->fields->len; i++) {
		struct field *fd = f->fields->pdata[i];
		g_autofree char *problem = field_problem(fd);

		show_problem(fd, marked(fd) ? problem : NULL);
	}
}

char *rv_form_problem(struct rv_form *f, GtkWidget *within)
{
	for (guint i = 0; i < f->fields->len; i++) {
		struct field *fd = f->fields->pdata[i];
		char *problem;

		if (within && !gtk_widget_is_ancestor(fd->widget, within))
			continue;
		problem = field_problem(fd);
		if (problem) {
			char *msg = g_strdup_printf("%s: %s", fd->key->nm_key, problem);

			g_free(problem);
			return msg;
		}
	}
	return NULL;
}

static void after_change(struct rv_form *f)
{
	check_all(f);
	f->changed(f->user_data);
}

/* Widgets ------------------------------------------------------------------- */

static struct field *add_field(struct rv_form *f, GtkWidget *w, const char *nm_key)
{
	struct field *fd = g_new0(struct field, 1);

	fd->form = f;
	fd->widget = w;
	fd->key = rv_nm_key_find(nm_key);
	g_assert(fd->key);
	g_ptr_array_add(f->fields, fd);
	return fd;
}

static GtkWidget *row_label(GtkGrid *grid, int row, const char *text, GtkWidget *target)
{
	GtkWidget *label = gtk_label_new_with_mnemonic(text);

	gtk_label_set_xalign(GTK_LABEL(label), 1.0);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), target);
	gtk_grid_attach(grid, label, 0, row, 1, 1);
	return label;
}

GtkWidget *rv_form_label(GtkGrid *grid, int row, const char *markup)
{
	GtkWidget *label = gtk_label_new(NULL);

	gtk_label_set_markup(GTK_LABEL(label), markup);
	gtk_label_set_xalign(GTK_LABEL(label), 0.0);
	rv_label_set_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_max_width_chars(GTK_LABEL(label), 60);
	gtk_grid_attach(grid, label, 0, row, 2, 1);
	return label;
}

static void on_entry_changed(GtkEditable *e, struct field *fd)
{
	set_value(fd->form, fd->key, rv_entry_get_text(e));
	after_change(fd->form);
}

GtkWidget *rv_form_entry(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key, const char *placeholder)
{
	GtkWidget *e = gtk_entry_new();
	struct field *fd = add_field(f, e, nm_key);

	gtk_widget_set_hexpand(e, TRUE);
	gtk_entry_set_activates_default(GTK_ENTRY(e), TRUE);
	if (placeholder)
		gtk_entry_set_placeholder_text(GTK_ENTRY(e), placeholder);
	row_label(grid, row, label, e);
	gtk_grid_attach(grid, e, 1, row, 1, 1);
	fd->handler = g_signal_connect(e, "changed", G_CALLBACK(on_entry_changed), fd);
	return e;
}

/* A check button shows "allowed" for refuse-* keys: the box reads positively. */
static gboolean check_value(struct field *fd)
{
	gboolean b = rv_form_get_bool(fd->form, fd->key->nm_key);

	return fd->key->kind == RV_NM_REFUSE ? !b : b;
}

static void on_check_toggled(GtkWidget *t, struct field *fd)
{
	gboolean on = rv_check_get_active(t);

	if (fd->key->kind == RV_NM_REFUSE)
		on = !on;
	set_value(fd->form, fd->key, on ? "yes" : "no");
	after_change(fd->form);
}

GtkWidget *rv_form_check(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key)
{
	GtkWidget *c = gtk_check_button_new_with_mnemonic(label);
	struct field *fd = add_field(f, c, nm_key);

	gtk_grid_attach(grid, c, 0, row, 2, 1);
	fd->handler = g_signal_connect(c, "toggled", G_CALLBACK(on_check_toggled), fd);
	return c;
}

static void on_combo_changed(GtkComboBox *c, struct field *fd)
{
	set_value(fd->form, fd->key, gtk_combo_box_get_active_id(c));
	after_change(fd->form);
}

GtkWidget *rv_form_combo(struct rv_form *f, GtkGrid *grid, int row, const char *label,
			 const char *nm_key, const char *const *ids, const char *const *labels)
{
	GtkWidget *c = gtk_combo_box_text_new();
	struct field *fd = add_field(f, c, nm_key);

	for (size_t i = 0; ids[i]; i++)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(c), ids[i], labels[i]);
	row_label(grid, row, label, c);
	gtk_grid_attach(grid, c, 1, row, 1, 1);
	fd->handler = g_signal_connect(c, "changed", G_CALLBACK(on_combo_changed), fd);
	return c;
}

/* Loading ------------------------------------------------------------------- */

static void load_field(struct field *fd)
{
	const char *v = g_hash_table_lookup(fd->form->data, fd->key->nm_key);

	g_signal_handler_block(fd->widget, fd->handler);
	if (GTK_IS_ENTRY(fd->widget))
		rv_entry_set_text(fd->widget, v ? v : "");
	else if (GTK_IS_COMBO_BOX(fd->widget))
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(fd->widget),
					    rv_form_get(fd->form, fd->key->nm_key));
	else
		rv_check_set_active(fd->widget, check_value(fd));
	g_signal_handler_unblock(fd->widget, fd->handler);
}

void rv_form_load(struct rv_form *f)
{
	for (guint i = 0; i < f->fields->len; i++)
		load_field(f->fields->pdata[i]);
	check_all(f);
}
