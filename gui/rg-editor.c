/*
 * One field per row of the settings table; each field knows its widget and
 * how to read and show its value as the key-file text form, so loading,
 * checking and saving are loops over the table rather than code per key.
 */
#include <stdbool.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include <roadvpn-client/rvc-settings.h>

#include "rg-editor.h"
#include "rg-keyring.h"
#include "rg-row.h"
#include "rg-settings.h"

struct field {
	const struct rg_setting *setting;
	GtkWidget *label, *widget;      /* the row */
	GtkWidget *input;               /* entry, switch, spin, combo, or the box of checks */
	GtkWidget *flags;               /* RG_SETTING_SECRET with a flags key: ask / stored */
	char *original;                 /* the value loaded, "" when absent */
	char *original_flags;
	bool stored;                    /* the helper keeps this secret */
};

struct _RgEditor {
	GtkDialog parent;
	GtkEntry *name;                 /* new profiles only: the file name */
	GtkNotebook *pages;
	GtkGrid *grids[RG_PAGE_COUNT];
	GtkLabel *status, *note;
	GtkSpinner *spinner;
	struct field *fields;
	size_t n_fields;
	bool is_new, busy, valid, wiped;
	char *profile;
};

G_DEFINE_TYPE(RgEditor, rg_editor, GTK_TYPE_DIALOG)

static void revalidate(RgEditor *self);

/* Values ------------------------------------------------------------------ */

static char *multi_value(GtkWidget *box)
{
	g_autoptr(GList) checks = gtk_container_get_children(GTK_CONTAINER(box));
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) ids = NULL;

	for (GList *l = checks; l; l = l->next) {
		if (gtk_toggle_button_get_active(l->data))
			g_strv_builder_add(b, g_object_get_data(l->data, "rg-id"));
	}
	ids = g_strv_builder_end(b);
	return g_strjoinv(",", ids);
}

/* The field's value as the key file would hold it ("" = not set). */
static char *field_value(const struct field *f)
{
	switch (f->setting->kind) {
	case RG_SETTING_TEXT:
	case RG_SETTING_FILE:
	case RG_SETTING_SECRET:
		return g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(f->input))));
	case RG_SETTING_BOOL:
		return g_strdup(gtk_switch_get_active(GTK_SWITCH(f->input)) ? "true" : "false");
	case RG_SETTING_NUMBER:
		return g_strdup_printf("%d",
				       gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(f->input)));
	case RG_SETTING_CHOICE:
		return g_strdup(gtk_combo_box_get_active_id(GTK_COMBO_BOX(f->input)));
	case RG_SETTING_MULTI:
		return multi_value(f->input);
	}
	return g_strdup("");
}

static void set_multi(GtkWidget *box, const char *value)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);
	g_autoptr(GList) checks = gtk_container_get_children(GTK_CONTAINER(box));

	for (char **i = items; *i; i++)
		g_strstrip(*i);
	for (GList *l = checks; l; l = l->next)
		gtk_toggle_button_set_active(
			l->data, g_strv_contains((const char *const *)items,
						 g_object_get_data(l->data, "rg-id")));
}

/* Show `value` (the key file's text, or the default when absent). */
static void field_show(struct field *f, const char *value)
{
	const struct rg_setting *s = f->setting;

	switch (s->kind) {
	case RG_SETTING_TEXT:
	case RG_SETTING_FILE:
		gtk_entry_set_text(GTK_ENTRY(f->input), value ? value : "");
		break;
	case RG_SETTING_SECRET:
		break;
	case RG_SETTING_BOOL:
		gtk_switch_set_active(GTK_SWITCH(f->input), !g_strcmp0(value ? value : s->default_value,
								     "true"));
		break;
	case RG_SETTING_NUMBER:
		gtk_spin_button_set_value(GTK_SPIN_BUTTON(f->input),
					  g_ascii_strtod(value ? value : s->default_value, NULL));
		break;
	case RG_SETTING_CHOICE:
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(f->input), value ? value : s->default_value);
		break;
	case RG_SETTING_MULTI:
		set_multi(f->input, value ? value : s->default_value);
		break;
	}
}

static struct field *find_field(RgEditor *self, const char *section, const char *key)
{
	for (size_t i = 0; i < self->n_fields; i++) {
		const struct rg_setting *s = self->fields[i].setting;

		if (!strcmp(s->section, section) && !strcmp(s->key, key))
			return &self->fields[i];
	}
	return NULL;
}

static bool secret_is_stored(const struct field *f)
{
	return !f->flags || !g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(f->flags)),
				       "stored");
}

/* Widgets ----------------------------------------------------------------- */

/* The label without its mnemonic, in the user's language (the table's labels are marked N_). */
static GtkWidget *entry_for(const struct rg_setting *s)
{
	GtkWidget *e = gtk_entry_new();

	if (s->placeholder || s->default_value)
		gtk_entry_set_placeholder_text(GTK_ENTRY(e), s->placeholder ? _(s->placeholder)
									    : s->default_value);
	else if (!s->required && s->kind != RG_SETTING_SECRET && s->kind != RG_SETTING_FILE)
		gtk_entry_set_placeholder_text(GTK_ENTRY(e), _("Optional"));
	if (s->kind == RG_SETTING_SECRET) {
		gtk_entry_set_visibility(GTK_ENTRY(e), FALSE);
		gtk_entry_set_input_purpose(GTK_ENTRY(e), GTK_INPUT_PURPOSE_PASSWORD);
	}
	gtk_widget_set_hexpand(e, TRUE);
	return e;
}

static GtkWidget *combo_for(const char *const *ids, const char *const *labels)
{
	GtkWidget *c = gtk_combo_box_text_new();

	for (size_t i = 0; ids[i]; i++)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(c), ids[i], _(labels[i]));
	return c;
}

static GtkWidget *checks_for(const struct rg_setting *s)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);

	for (size_t i = 0; s->choices[i]; i++) {
		GtkWidget *c = gtk_check_button_new_with_label(_(s->choice_labels[i]));

		g_object_set_data(G_OBJECT(c), "rg-id", (gpointer)s->choices[i]);
		gtk_container_add(GTK_CONTAINER(box), c);
	}
	return box;
}

static void on_browse_response(GtkNativeDialog *chooser, int response, GtkEntry *entry)
{
	if (response == GTK_RESPONSE_ACCEPT) {
		g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));

		if (path)
			gtk_entry_set_text(entry, path);
	}
	g_object_unref(chooser);
}

static void on_browse(GtkButton *button, GtkEntry *entry)
{
	GtkWindow *top = GTK_WINDOW(gtk_widget_get_toplevel(GTK_WIDGET(button)));
	GtkFileChooserNative *chooser = gtk_file_chooser_native_new(
		_("Choose a File"), top, GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

	g_signal_connect(chooser, "response", G_CALLBACK(on_browse_response), entry);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static GtkWidget *file_row(struct field *f)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
	GtkWidget *browse = gtk_button_new_with_label(_("Browse…"));
	g_autofree char *label = rvc_setting_text_plain(f->setting->label);
	/* TRANSLATORS: the Browse button's accessible name; %s is the field, e.g. "CA certificate" */
	g_autofree char *name = g_strdup_printf(_("Browse for %s"), label);

	f->input = entry_for(f->setting);
	gtk_style_context_add_class(gtk_widget_get_style_context(box), "linked");
	atk_object_set_name(gtk_widget_get_accessible(browse), name);
	g_signal_connect(browse, "clicked", G_CALLBACK(on_browse), f->input);
	gtk_container_add(GTK_CONTAINER(box), f->input);
	gtk_container_add(GTK_CONTAINER(box), browse);
	return box;
}

static GtkWidget *secret_row(RgEditor *self, struct field *f)
{
	static const char *const ids[] = { "ask", "stored", NULL };
	static const char *const labels[] = { N_("Ask when connecting"), N_("Store for all users"),
					      NULL };
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	g_autofree char *name = NULL, *label = rvc_setting_text_plain(f->setting->label);

	f->input = entry_for(f->setting);
	gtk_container_add(GTK_CONTAINER(box), f->input);
	if (!f->setting->flags_key)
		return box;
	f->flags = combo_for(ids, labels);
	/* TRANSLATORS: the accessible name of a secret's storage choice; %s is the field */
	name = g_strdup_printf(_("How to keep: %s"), label);
	atk_object_set_name(gtk_widget_get_accessible(f->flags), name);
	g_signal_connect_swapped(f->flags, "changed", G_CALLBACK(revalidate), self);
	gtk_container_add(GTK_CONTAINER(box), f->flags);
	return box;
}

static GtkWidget *make_input(RgEditor *self, struct field *f)
{
	const struct rg_setting *s = f->setting;

	switch (s->kind) {
	case RG_SETTING_TEXT:
		return f->input = entry_for(s);
	case RG_SETTING_SECRET:
		return secret_row(self, f);
	case RG_SETTING_FILE:
		return file_row(f);
	case RG_SETTING_BOOL:
		f->input = gtk_switch_new();
		gtk_widget_set_halign(f->input, GTK_ALIGN_START);
		return f->input;
	case RG_SETTING_NUMBER:
		f->input = gtk_spin_button_new_with_range(s->min, s->max, 1);
		gtk_entry_set_width_chars(GTK_ENTRY(f->input), 6);
		gtk_widget_set_halign(f->input, GTK_ALIGN_START);
		return f->input;
	case RG_SETTING_CHOICE:
		return f->input = combo_for(s->choices, s->choice_labels);
	case RG_SETTING_MULTI:
		return f->input = checks_for(s);
	}
	return NULL;
}

static void watch_input(RgEditor *self, struct field *f)
{
	const char *signal = "changed";

	if (f->setting->kind == RG_SETTING_BOOL)
		signal = "notify::active";
	else if (f->setting->kind == RG_SETTING_MULTI)
		signal = NULL;
	if (signal) {
		g_signal_connect_swapped(f->input, signal, G_CALLBACK(revalidate), self);
		return;
	}
	g_autoptr(GList) checks = gtk_container_get_children(GTK_CONTAINER(f->input));
	for (GList *l = checks; l; l = l->next)
		g_signal_connect_swapped(l->data, "toggled", G_CALLBACK(revalidate), self);
}

static void add_field(RgEditor *self, struct field *f, int row)
{
	GtkWidget *focus;

	f->widget = make_input(self, f);
	focus = f->setting->kind == RG_SETTING_MULTI ? f->widget : f->input;
	f->label = rg_add_row(self->grids[f->setting->page], row, _(f->setting->label), f->widget,
			      focus);
	gtk_widget_set_valign(f->label, f->setting->kind == RG_SETTING_MULTI ? GTK_ALIGN_START
									    : GTK_ALIGN_CENTER);
	gtk_widget_set_tooltip_text(f->widget, f->setting->hint ? _(f->setting->hint) : NULL);
	watch_input(self, f);
}

/* A new profile's name heads the first page; an existing one's is the title. */
static void add_name_row(RgEditor *self)
{
	self->name = GTK_ENTRY(gtk_entry_new());
	gtk_entry_set_placeholder_text(self->name, _("e.g. office"));
	gtk_widget_set_tooltip_text(GTK_WIDGET(self->name),
				    _("The profile's name: letters, digits, '.', '_' and '-'"));
	gtk_widget_set_hexpand(GTK_WIDGET(self->name), TRUE);
	g_signal_connect_swapped(self->name, "changed", G_CALLBACK(revalidate), self);
	rg_add_row(self->grids[RG_PAGE_MAIN], 0, _("_Name"), GTK_WIDGET(self->name),
		   GTK_WIDGET(self->name));
}

static void build_fields(RgEditor *self)
{
	const struct rg_setting *table = rg_settings(&self->n_fields);
	int rows[RG_PAGE_COUNT] = { self->is_new ? 1 : 0 };

	self->fields = g_new0(struct field, self->n_fields);
	for (size_t i = 0; i < self->n_fields; i++) {
		self->fields[i].setting = &table[i];
		add_field(self, &self->fields[i], rows[table[i].page]++);
	}
}

/* Loading ----------------------------------------------------------------- */

static void load_field(struct field *f, GKeyFile *kf, const char *const *stored, bool is_new)
{
	const struct rg_setting *s = f->setting;
	g_autofree char *value = g_key_file_get_value(kf, s->section, s->key, NULL);

	if (value)
		g_strstrip(value);
	field_show(f, value);
	f->original = g_strdup(value ? value : "");
	if (s->kind != RG_SETTING_SECRET)
		return;
	f->stored = stored && g_strv_contains(stored, s->key);
	if (f->stored)
		gtk_entry_set_placeholder_text(GTK_ENTRY(f->input), _("Saved (type to replace)"));
	if (f->flags) {
		g_autofree char *flags = g_key_file_get_value(kf, s->section, s->flags_key, NULL);

		/* A new profile asks by default: the app can keep the answer in the keyring. */
		if (!flags)
			flags = g_strdup(is_new ? "ask" : "stored");
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(f->flags), g_strstrip(flags));
		f->original_flags = g_strdup(gtk_combo_box_get_active_id(GTK_COMBO_BOX(f->flags)));
	}
}

static void load(RgEditor *self, const char *keyfile, const char *const *stored)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	if (keyfile)
		g_key_file_load_from_data(kf, keyfile, (gsize)-1, G_KEY_FILE_NONE, NULL);
	for (size_t i = 0; i < self->n_fields; i++)
		load_field(&self->fields[i], kf, stored, self->is_new);
}

/* Checking ---------------------------------------------------------------- */

/* "ipsec.enabled=true;ipsec.auth=psk": every condition must hold. */
static bool conditions_hold(RgEditor *self, const char *only_when)
{
	g_auto(GStrv) conds = only_when ? g_strsplit(only_when, ";", -1) : NULL;

	for (char **c = conds; c && *c; c++) {
		g_auto(GStrv) kv = g_strsplit_set(*c, ".=", 3);
		struct field *f = find_field(self, kv[0], kv[1]);
		g_autofree char *value = f ? field_value(f) : NULL;

		if (!value || strcmp(value, kv[2]))
			return false;
	}
	return true;
}

static void mark_field(struct field *f, const char *problem)
{
	GtkStyleContext *style = gtk_widget_get_style_context(f->input);

	if (problem)
		gtk_style_context_add_class(style, "error");
	else
		gtk_style_context_remove_class(style, "error");
	if (GTK_IS_ENTRY(f->input)) {
		gtk_entry_set_icon_from_icon_name(GTK_ENTRY(f->input), GTK_ENTRY_ICON_SECONDARY,
						  problem ? "dialog-warning-symbolic" : NULL);
		gtk_entry_set_icon_tooltip_text(GTK_ENTRY(f->input), GTK_ENTRY_ICON_SECONDARY,
						problem);
	}
}

/* Empty while needed_when holds: the certificate files roadvpnd would refuse a profile without. */
static bool missing_needed(RgEditor *self, struct field *f, const char *value)
{
	const struct rg_setting *s = f->setting;
	struct field *cert;
	g_autofree char *cert_path = NULL;

	if (!s->needed || *value || !conditions_hold(self, s->needed_when))
		return false;
	if (!s->needed_unless_bundle)
		return true;
	cert = find_field(self, "ipsec", "cert");
	cert_path = cert ? field_value(cert) : NULL;
	return !rg_is_pkcs12(cert_path);
}

/* Returns the field's problem, or NULL; a hidden field is never a problem. */
static const char *check_field(RgEditor *self, struct field *f)
{
	g_autofree char *value = NULL;
	const char *problem;

	if (!gtk_widget_get_visible(f->widget))
		return NULL;
	value = field_value(f);
	problem = rg_setting_validate(f->setting, value);
	/* Stored secrets need a value unless the helper keeps one already, or none is one. */
	if (!problem && f->setting->kind == RG_SETTING_SECRET && f->flags && secret_is_stored(f) &&
	    !*value && !f->stored && !f->setting->none_when_empty)
		problem = _("type it, or choose “Ask when connecting”");
	if (!problem && missing_needed(self, f, value))
		problem = f->setting->needed;
	return problem;
}

/*
 * A dependent option (allow-lan) is greyed out while what it depends on is
 * off, and switched off too: roadvpnd refuses the profile otherwise.
 */
static void update_dependent(RgEditor *self, struct field *f)
{
	bool on = conditions_hold(self, f->setting->sensitive_when);

	gtk_widget_set_sensitive(f->label, on);
	gtk_widget_set_sensitive(f->widget, on);
	if (!on && f->setting->kind == RG_SETTING_BOOL)
		gtk_switch_set_active(GTK_SWITCH(f->input), FALSE);
}

static void update_visibility(RgEditor *self)
{
	bool ipsec = conditions_hold(self, "ipsec.enabled=true");

	for (size_t i = 0; i < self->n_fields; i++) {
		struct field *f = &self->fields[i];
		bool show = conditions_hold(self, f->setting->only_when);

		gtk_widget_set_visible(f->label, show);
		gtk_widget_set_visible(f->widget, show);
		if (f->setting->page == RG_PAGE_IPSEC && strcmp(f->setting->key, "enabled")) {
			gtk_widget_set_sensitive(f->label, ipsec);
			gtk_widget_set_sensitive(f->widget, ipsec);
		}
		if (f->flags)
			gtk_widget_set_sensitive(f->input, secret_is_stored(f));
		if (f->setting->sensitive_when)
			update_dependent(self, f);
	}
}

static void show_status(RgEditor *self, const char *text, bool error)
{
	GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self->status));

	gtk_label_set_text(self->status, text ? text : "");
	if (error)
		gtk_style_context_add_class(style, "error");
	else
		gtk_style_context_remove_class(style, "error");
}

/* A field nobody filled in yet is "still needed", not an error to paint red. */
static bool is_unfilled(GtkWidget *input)
{
	return GTK_IS_ENTRY(input) && !GTK_IS_SPIN_BUTTON(input) &&
	       gtk_entry_get_text_length(GTK_ENTRY(input)) == 0;
}

static void note_needed(GString *needed, const char *label)
{
	/* TRANSLATORS: the list of fields still empty follows, separated by ", " */
	g_string_append(needed, needed->len ? _(", ") : _("Still needed: "));
	g_string_append(needed, label);
}

static char *first_problem(RgEditor *self)
{
	const char *name_problem = self->is_new ? rg_check_profile_name(
							  gtk_entry_get_text(self->name))
						: NULL;
	g_autoptr(GString) needed = g_string_new(NULL);
	char *first = NULL;

	if (name_problem && is_unfilled(GTK_WIDGET(self->name)))
		note_needed(needed, _("Name"));
	else if (name_problem)
		first = g_strdup_printf(_("Name: %s"), _(name_problem));
	if (self->name)
		mark_field(&(struct field){ .input = GTK_WIDGET(self->name) },
			   needed->len ? NULL : name_problem);
	for (size_t i = 0; i < self->n_fields; i++) {
		struct field *f = &self->fields[i];
		const char *problem = check_field(self, f);
		g_autofree char *label = rvc_setting_text_plain(f->setting->label);

		/* A needed file is marked at once: why it is needed is worth the space. */
		if (problem && is_unfilled(f->input) && f->setting->kind != RG_SETTING_SECRET &&
		    problem != f->setting->needed) {
			note_needed(needed, label);
			problem = NULL;
			mark_field(f, NULL);
			continue;
		}
		mark_field(f, problem);
		if (problem && !first)
			/* TRANSLATORS: page › field: problem, e.g. "IPsec › Gateway: not a host name" */
			first = g_strdup_printf(_("%s › %s: %s"), _(rg_page_title(f->setting->page)),
						label, _(problem));
	}
	if (!first && needed->len)
		first = g_strdup(needed->str);
	return first;
}

static void revalidate(RgEditor *self)
{
	g_autofree char *problem = NULL;

	if (!self->fields)
		return;
	update_visibility(self);
	problem = first_problem(self);
	self->valid = !problem;
	show_status(self, problem, false);
	gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_OK,
					  self->valid && !self->busy);
}

/* Results ------------------------------------------------------------------ */

static void add_secret(GKeyFile *kf, struct field *f)
{
	g_autofree char *value = field_value(f);

	if (f->flags)
		g_key_file_set_value(kf, f->setting->section, f->setting->flags_key,
				     gtk_combo_box_get_active_id(GTK_COMBO_BOX(f->flags)));
	if (*value && secret_is_stored(f))
		g_key_file_set_value(kf, f->setting->section, f->setting->key, value);
	explicit_bzero(value, strlen(value));
}

char *rg_editor_get_keyfile(RgEditor *self)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	g_key_file_set_value(kf, "connection", "name", rg_editor_get_name(self));
	for (size_t i = 0; i < self->n_fields; i++) {
		struct field *f = &self->fields[i];
		const struct rg_setting *s = f->setting;
		g_autofree char *value = NULL;

		if (s->kind == RG_SETTING_SECRET) {
			add_secret(kf, f);
			continue;
		}
		value = field_value(f);
		/* Only what differs from the default: the file stays short and readable. */
		if (*value && g_strcmp0(value, s->default_value))
			g_key_file_set_value(kf, s->section, s->key, value);
	}
	return g_key_file_to_data(kf, NULL, NULL);
}

static void secret_changes(GHashTable *changes, struct field *f)
{
	const struct rg_setting *s = f->setting;
	g_autofree char *value = field_value(f);
	const char *flags = f->flags ? gtk_combo_box_get_active_id(GTK_COMBO_BOX(f->flags)) : NULL;

	if (flags && g_strcmp0(flags, f->original_flags))
		g_hash_table_insert(changes, g_strdup_printf("%s.%s", s->section, s->flags_key),
				    g_strdup(flags));
	/* A secret that is now asked for is no longer kept by the helper. */
	if (!secret_is_stored(f) && f->stored)
		g_hash_table_insert(changes, g_strdup_printf("%s.%s", s->section, s->key),
				    g_strdup(""));
	else if (*value && secret_is_stored(f))
		g_hash_table_insert(changes, g_strdup_printf("%s.%s", s->section, s->key),
				    g_steal_pointer(&value));
	if (value)
		explicit_bzero(value, strlen(value));
}

GHashTable *rg_editor_get_changes(RgEditor *self)
{
	GHashTable *changes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						    (GDestroyNotify)rg_secret_free);

	for (size_t i = 0; i < self->n_fields; i++) {
		struct field *f = &self->fields[i];
		g_autofree char *value = NULL;

		if (f->setting->kind == RG_SETTING_SECRET) {
			secret_changes(changes, f);
			continue;
		}
		value = field_value(f);
		/* An unchanged default stays absent rather than being written out. */
		if (!strcmp(value, f->original) ||
		    (!*f->original && !g_strcmp0(value, f->setting->default_value)))
			continue;
		g_hash_table_insert(changes,
				    g_strdup_printf("%s.%s", f->setting->section, f->setting->key),
				    g_steal_pointer(&value));
	}
	return changes;
}

const char *rg_editor_get_name(RgEditor *self)
{
	return self->is_new ? gtk_entry_get_text(self->name) : self->profile;
}

void rg_editor_set_name(RgEditor *self, const char *name)
{
	if (self->name)
		gtk_entry_set_text(self->name, name);
}

void rg_editor_set_note(RgEditor *self, const char *note)
{
	gtk_label_set_text(self->note, note ? note : "");
	gtk_widget_set_visible(GTK_WIDGET(self->note), note && *note);
}

gboolean rg_editor_is_new(RgEditor *self)
{
	return self->is_new;
}

void rg_editor_show_error(RgEditor *self, const char *message)
{
	show_status(self, message, true);
}

void rg_editor_set_busy(RgEditor *self, gboolean busy)
{
	self->busy = busy;
	if (busy)
		gtk_spinner_start(self->spinner);
	else
		gtk_spinner_stop(self->spinner);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
	gtk_dialog_set_response_sensitive(GTK_DIALOG(self), GTK_RESPONSE_OK, self->valid && !busy);
}

/* Lifetime ------------------------------------------------------------------ */

static void wipe_secrets(RgEditor *self)
{
	for (size_t i = 0; i < self->n_fields; i++) {
		struct field *f = &self->fields[i];

		if (f->setting->kind == RG_SETTING_SECRET && f->input)
			gtk_entry_set_text(GTK_ENTRY(f->input), "");
	}
}

static void rg_editor_dispose(GObject *object)
{
	RgEditor *self = RG_EDITOR(object);

	/* Dispose runs again at the last unref, when the entries are gone. */
	if (self->fields && !self->wiped) {
		wipe_secrets(self);
		self->wiped = true;
	}
	G_OBJECT_CLASS(rg_editor_parent_class)->dispose(object);
}

static void rg_editor_finalize(GObject *object)
{
	RgEditor *self = RG_EDITOR(object);

	for (size_t i = 0; i < self->n_fields; i++) {
		g_free(self->fields[i].original);
		g_free(self->fields[i].original_flags);
	}
	g_free(self->fields);
	g_free(self->profile);
	G_OBJECT_CLASS(rg_editor_parent_class)->finalize(object);
}

static void rg_editor_class_init(RgEditorClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->dispose = rg_editor_dispose;
	G_OBJECT_CLASS(klass)->finalize = rg_editor_finalize;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-editor.ui");
	gtk_widget_class_bind_template_child(w, RgEditor, pages);
	gtk_widget_class_bind_template_child(w, RgEditor, status);
	gtk_widget_class_bind_template_child(w, RgEditor, note);
	gtk_widget_class_bind_template_child(w, RgEditor, spinner);
	gtk_widget_class_bind_template_child_full(w, "grid_main", FALSE,
						  G_STRUCT_OFFSET(RgEditor, grids[RG_PAGE_MAIN]));
	gtk_widget_class_bind_template_child_full(w, "grid_ipsec", FALSE,
						  G_STRUCT_OFFSET(RgEditor, grids[RG_PAGE_IPSEC]));
	gtk_widget_class_bind_template_child_full(w, "grid_ppp", FALSE,
						  G_STRUCT_OFFSET(RgEditor, grids[RG_PAGE_PPP]));
	gtk_widget_class_bind_template_child_full(w, "grid_ip", FALSE,
						  G_STRUCT_OFFSET(RgEditor, grids[RG_PAGE_IP]));
}

static void rg_editor_init(RgEditor *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *rg_editor_new(GtkWindow *parent, const char *name, const char *keyfile,
			 const char *const *stored_secrets)
{
	RgEditor *self = g_object_new(RG_TYPE_EDITOR, "transient-for", parent, "use-header-bar",
				      FALSE, NULL);
	g_autofree char *title = name ? g_strdup_printf(_("Edit “%s”"), name) : NULL;

	self->is_new = !name;
	self->profile = g_strdup(name);
	gtk_window_set_title(GTK_WINDOW(self), name ? title : _("New VPN Profile"));
	if (self->is_new)
		add_name_row(self);
	build_fields(self);
	gtk_widget_show_all(GTK_WIDGET(self->pages));
	load(self, keyfile, stored_secrets);
	gtk_dialog_set_default_response(GTK_DIALOG(self), GTK_RESPONSE_OK);
	revalidate(self);
	return GTK_WIDGET(self);
}
