/*
 * libnm-vpn-plugin-roadvpn-editor.so (GTK 3) and
 * libnm-gtk4-vpn-plugin-roadvpn-editor.so (GTK 4, built from this same file
 * through rv-gtk-compat.h): the page nm-connection-editor and GNOME Settings
 * show for a roadvpn connection, with "IPsec Settings..." and "PPP
 * Settings..." dialogs (the layout NetworkManager-l2tp users know). All
 * values live in one vpn.data table bound to the widgets (rv-nm-form.h);
 * the secrets stay in their entries with NetworkManager's storage menu.
 */
#include <glib/gi18n-lib.h>
#include <nma-ui-utils.h>

#include "rv-gtk-compat.h"
#include "rv-nm-editor-plugin.h"
#include "rv-nm-form.h"
#include "rv-nm-map.h"

#define RV_NM_TYPE_EDITOR (rv_nm_editor_get_type())
G_DECLARE_FINAL_TYPE(RvNmEditor, rv_nm_editor, RV_NM, EDITOR, GObject)

/* Secret entries, in vpn.secrets order. */
enum { SECRET_PASSWORD, SECRET_PSK, SECRET_L2TP, SECRET_CERTPASS, N_SECRETS };
static const char *const secret_names[N_SECRETS] = {
	RV_NM_SECRET_PASSWORD, RV_NM_SECRET_PSK, RV_NM_SECRET_L2TP, RV_NM_SECRET_CERTPASS,
};

struct _RvNmEditor {
	GObject parent;
	GtkWidget *page;
	struct rv_form *form;
	GtkWidget *secret[N_SECRETS];
	GtkWidget *plain_warning;
	GtkWidget *ipsec_dialog, *ppp_dialog;
	GtkWidget *ipsec_details, *ipsec_advanced, *cert_rows[4];
	GHashTable *snapshot;        /* vpn.data when a dialog opened, for Cancel */
};

static void rv_nm_editor_iface_init(NMVpnEditorInterface *iface);

G_DEFINE_TYPE_EXTENDED(RvNmEditor, rv_nm_editor, G_TYPE_OBJECT, 0,
		       G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR, rv_nm_editor_iface_init))

static const char *const auth_ids[] = { "psk", "tls", NULL };
static const char *const auth_labels[] = { N_("Pre-shared key"), N_("Certificate"), NULL };
static const char *const mode_ids[] = { "main", "aggressive", NULL };
static const char *const mode_labels[] = {
	N_("Main Mode"), N_("Aggressive Mode (identity sent unprotected)"), NULL,
};
static const char *const ipv6_ids[] = { "auto", "off", NULL };
static const char *const ipv6_labels[] = { N_("Negotiate (IPv6CP)"), N_("Off"), NULL };

static void set_margin(gpointer w, int margin)
{
	g_object_set(w, "margin-start", margin, "margin-end", margin, "margin-top", margin,
		     "margin-bottom", margin, NULL);
}

static GtkGrid *new_grid(void)
{
	GtkWidget *g = gtk_grid_new();

	gtk_grid_set_row_spacing(GTK_GRID(g), 6);
	gtk_grid_set_column_spacing(GTK_GRID(g), 12);
	set_margin(g, 12);
	return GTK_GRID(g);
}

static char *heading(const char *text)
{
	return g_markup_printf_escaped("<b>%s</b>", text);
}

/* Sensitivity follows the choices: PSK or certificate rows, IPsec or not. */
static void update_sensitivity(RvNmEditor *self)
{
	gboolean ipsec = rv_form_get_bool(self->form, "ipsec-enabled");
	gboolean cert = !g_strcmp0(rv_form_get(self->form, "machine-auth-type"), "tls");

	gtk_widget_set_sensitive(self->secret[SECRET_PSK], ipsec && !cert);
	gtk_widget_set_visible(self->plain_warning, !ipsec);
	if (self->ipsec_details)
		gtk_widget_set_sensitive(self->ipsec_details, ipsec);
	for (size_t i = 0; i < G_N_ELEMENTS(self->cert_rows); i++) {
		if (self->cert_rows[i])
			gtk_widget_set_sensitive(self->cert_rows[i], ipsec && cert);
	}
}

static void dialog_update_ok(GtkWidget *dialog, struct rv_form *form)
{
	g_autofree char *problem = NULL;

	if (!dialog)
		return;
	problem = rv_form_problem(form, gtk_dialog_get_content_area(GTK_DIALOG(dialog)));
	gtk_dialog_set_response_sensitive(GTK_DIALOG(dialog), GTK_RESPONSE_OK, !problem);
}

static void on_form_changed(void *user_data)
{
	RvNmEditor *self = user_data;

	update_sensitivity(self);
	dialog_update_ok(self->ipsec_dialog, self->form);
	dialog_update_ok(self->ppp_dialog, self->form);
	g_signal_emit_by_name(self, "changed");
}

static void on_secret_changed(GtkEditable *e, RvNmEditor *self)
{
	g_signal_emit_by_name(self, "changed");
}

/* A secret entry with NetworkManager's storage menu (saved, agent, ask, not required). */
static GtkWidget *secret_entry(RvNmEditor *self, int which, GtkGrid *grid, int row,
			       const char *label, NMSettingVpn *s_vpn)
{
	GtkWidget *e = gtk_entry_new();
	GtkWidget *l = gtk_label_new_with_mnemonic(label);
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const char *name = secret_names[which];

	if (s_vpn) {
		nm_setting_get_secret_flags(NM_SETTING(s_vpn), name, &flags, NULL);
		rv_entry_set_text(e, nm_setting_vpn_get_secret(s_vpn, name) ?: "");
	}
	gtk_entry_set_visibility(GTK_ENTRY(e), FALSE);
	gtk_widget_set_hexpand(e, TRUE);
	gtk_label_set_xalign(GTK_LABEL(l), 1.0);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), e);
	gtk_grid_attach(grid, l, 0, row, 1, 1);
	gtk_grid_attach(grid, e, 1, row, 1, 1);
	nma_utils_setup_password_storage(e, flags, s_vpn ? NM_SETTING(s_vpn) : NULL, name, TRUE,
					 FALSE);
	g_signal_connect(e, "changed", G_CALLBACK(on_secret_changed), self);
	self->secret[which] = e;
	return e;
}

static void on_show_secrets(GtkWidget *t, RvNmEditor *self)
{
	for (int i = 0; i < N_SECRETS; i++) {
		if (self->secret[i])
			gtk_entry_set_visibility(GTK_ENTRY(self->secret[i]),
						 rv_check_get_active(t));
	}
}

/* Dialogs ------------------------------------------------------------------- */

static void on_dialog_response(GtkDialog *dialog, int response, RvNmEditor *self)
{
	GHashTable *data = rv_form_data(self->form);

	if (response != GTK_RESPONSE_OK && self->snapshot) {
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_remove_all(data);
		g_hash_table_iter_init(&it, self->snapshot);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_hash_table_insert(data, g_strdup(k), g_strdup(v));
		rv_form_load(self->form);
		on_form_changed(self);
	}
	g_clear_pointer(&self->snapshot, g_hash_table_unref);
	gtk_widget_hide(GTK_WIDGET(dialog));
}

/*
 * A dialog's rows scroll past DIALOG_MAX_ROWS_PX, so that the whole dialog
 * (title and buttons included) fits a 1024x600 netbook screen; below that
 * it is as tall as its rows.
 */
#define DIALOG_MAX_ROWS_PX 460

static GtkWidget *scrolled(GtkWidget *child)
{
	GtkWidget *sw = rv_scrolled_window_new();

	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sw), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(sw), TRUE);
	gtk_scrolled_window_set_propagate_natural_width(GTK_SCROLLED_WINDOW(sw), TRUE);
	gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(sw), DIALOG_MAX_ROWS_PX);
	gtk_widget_set_vexpand(sw, TRUE);
	rv_set_child(sw, child);
	return sw;
}

static GtkWidget *new_dialog(RvNmEditor *self, const char *title, GtkGrid **grid)
{
	GtkWidget *d = gtk_dialog_new_with_buttons(title, NULL, RV_DIALOG_FLAGS,
		_("_Cancel"), GTK_RESPONSE_CANCEL, _("_OK"), GTK_RESPONSE_OK, NULL);

	*grid = new_grid();
	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_OK);
	rv_set_child(gtk_dialog_get_content_area(GTK_DIALOG(d)), scrolled(GTK_WIDGET(*grid)));
	g_signal_connect(d, "response", G_CALLBACK(on_dialog_response), self);
	rv_dialog_hide_on_close(d);
	return d;
}

static GtkWindow *toplevel_of(GtkWidget *w)
{
	GtkWidget *top = rv_root(w);

	return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void run_dialog(RvNmEditor *self, GtkWidget *dialog)
{
	GHashTable *data = rv_form_data(self->form);
	GHashTableIter it;
	gpointer k, v;

	g_clear_pointer(&self->snapshot, g_hash_table_unref);
	self->snapshot = rv_nm_table_new();
	g_hash_table_iter_init(&it, data);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(self->snapshot, g_strdup(k), g_strdup(v));
	rv_form_load(self->form);
	update_sensitivity(self);
	dialog_update_ok(dialog, self->form);
	/* Only now: when the editor built it, the page was in no window yet. */
	gtk_window_set_transient_for(GTK_WINDOW(dialog), toplevel_of(self->page));
	rv_dialog_show(dialog);
}

/* The proposals, lifetimes and the like: folded until asked for (or set). */
static const char *const advanced_keys[] = {
	"ipsec-ike", "ipsec-esp", "ipsec-pfs-group", "ipsec-allow-legacy", "ipsec-nat-traversal",
	"ipsec-forceencaps", "ipsec-ikelifetime", "ipsec-salifetime", "ipsec-dpd-delay", NULL,
};

/* After the unfolded rows are laid out: scroll them into view. */
static gboolean show_advanced(gpointer user_data)
{
	GtkWidget *x = user_data;
	GtkWidget *sw = gtk_widget_get_ancestor(x, GTK_TYPE_SCROLLED_WINDOW);
	GtkWidget *viewport = sw ? rv_get_child(sw) : NULL;
	int dy;

	if (viewport && rv_translate_y(x, rv_get_child(viewport), &dy))
		gtk_adjustment_set_value(
			gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(sw)), dy);
	g_object_unref(x);
	return G_SOURCE_REMOVE;
}

/*
 * Once the unfolded rows are in the scrolled window's range (its adjustment
 * changes): GTK 4 lays them out only on the next frame, which may come
 * after an idle callback, so the scroll waits for this rather than an idle.
 */
static void on_rows_laid_out(GtkAdjustment *adj, gpointer user_data)
{
	g_signal_handlers_disconnect_by_func(adj, on_rows_laid_out, user_data);
	g_idle_add_full(G_PRIORITY_LOW, show_advanced, g_object_ref(user_data), NULL);
}

/*
 * Unfolded, the rows take the dialog's whole height (the window grows up
 * to it) and the section scrolls into view; folded, the dialog is as tall
 * as its rows again.
 */
static void on_advanced_toggled(GtkExpander *x, GParamSpec *pspec, gpointer user_data)
{
	GtkWidget *sw = gtk_widget_get_ancestor(GTK_WIDGET(x), GTK_TYPE_SCROLLED_WINDOW);
	gboolean open = gtk_expander_get_expanded(x);

	if (!sw)
		return;
	gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(sw),
						   open ? DIALOG_MAX_ROWS_PX : -1);
	if (open) {
		GtkAdjustment *adj =
			gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(sw));

		g_signal_handlers_disconnect_by_func(adj, on_rows_laid_out, x);
		g_signal_connect_object(adj, "changed", G_CALLBACK(on_rows_laid_out), x, 0);
	} else {
		GtkWidget *top = rv_root(sw);

		if (GTK_IS_WINDOW(top))
			rv_window_shrink(top);
	}
}

static GtkWidget *advanced_section(GtkGrid *parent, int row, GtkGrid **rows)
{
	g_autofree char *title = heading(_("_Advanced"));
	GtkWidget *x = gtk_expander_new_with_mnemonic(title);

	gtk_expander_set_use_markup(GTK_EXPANDER(x), TRUE);
	g_signal_connect(x, "notify::expanded", G_CALLBACK(on_advanced_toggled), NULL);
	*rows = new_grid();
	set_margin(*rows, 0);
	g_object_set(*rows, "margin-top", 6, NULL);
	rv_set_child(x, GTK_WIDGET(*rows));
	gtk_grid_attach(parent, x, 0, row, 2, 1);
	return x;
}

/* Rows a dialog grid has at most (the IPsec dialog has 10 and 10). */
#define GRID_MAX_ROWS 32

/*
 * The labels of two grids, one above the other, end at the same place. A
 * label is what sits alone in column 0 (a check button spans both columns).
 */
static void align_labels(GtkGrid *a, GtkGrid *b)
{
	g_autoptr(GtkSizeGroup) sg = gtk_size_group_new(GTK_SIZE_GROUP_HORIZONTAL);

	for (GtkGrid *g = a; g; g = g == a ? b : NULL) {
		for (int row = 0; row < GRID_MAX_ROWS; row++) {
			GtkWidget *w = gtk_grid_get_child_at(g, 0, row);

			if (w && w != gtk_grid_get_child_at(g, 1, row))
				gtk_size_group_add_widget(sg, w);
		}
	}
}

/* Opened when one of its values is set, so no choice hides behind it. */
static void unfold_if_set(RvNmEditor *self)
{
	GHashTable *data = rv_form_data(self->form);

	for (const char *const *k = advanced_keys; *k; k++) {
		if (g_hash_table_contains(data, *k)) {
			gtk_expander_set_expanded(GTK_EXPANDER(self->ipsec_advanced), TRUE);
			return;
		}
	}
}

/* Rows 0..: a row's label and field share sensitivity through a sub-grid. */
static GtkWidget *build_ipsec_dialog(RvNmEditor *self, NMSettingVpn *s_vpn)
{
	struct rv_form *f = self->form;
	GtkGrid *g, *d;
	GtkWidget *dialog = new_dialog(self, _("IPsec Settings"), &g);
	int r = 0;

	rv_form_check(f, g, r++, _("_Encrypt with IPsec (L2TP/IPsec)"), "ipsec-enabled");
	d = new_grid();
	set_margin(d, 0);
	gtk_grid_attach(g, GTK_WIDGET(d), 0, r++, 2, 1);
	self->ipsec_details = GTK_WIDGET(d);
	r = 0;
	rv_form_label(d, r++, heading(_("Authentication")));
	rv_form_combo(f, d, r++, _("_Authentication:"), "machine-auth-type", auth_ids,
		      auth_labels);
	self->cert_rows[0] = rv_form_entry(f, d, r++, _("_CA certificate:"), "machine-ca",
					   _("/etc/ssl/certs/office-ca.pem"));
	self->cert_rows[1] = rv_form_entry(f, d, r++, _("C_ertificate:"), "machine-cert",
					   _("PEM file"));
	self->cert_rows[2] = rv_form_entry(f, d, r++, _("Private _key:"), "machine-key",
					   _("PEM file"));
	self->cert_rows[3] = secret_entry(self, SECRET_CERTPASS, d, r++, _("Key pass_word:"),
					  s_vpn);
	rv_form_entry(f, d, r++, _("_Gateway identity:"), "ipsec-remote-id",
		      _("the gateway's name or certificate subject"));
	rv_form_check(f, d, r++, _("Accept a _wildcard name in the gateway's certificate"),
		      "ipsec-allow-wildcard");
	rv_form_entry(f, d, r++, _("_Local identity (group name):"), "ipsec-local-id",
		      _("our address"));
	rv_form_combo(f, d, r++, _("Phase 1 _mode:"), "ipsec-mode", mode_ids, mode_labels);
	self->ipsec_advanced = advanced_section(d, r++, &d);
	r = 0;
	rv_form_entry(f, d, r++, _("Phase _1 proposals:"), "ipsec-ike",
		      _("built-in list, e.g. aes256-sha256-modp2048"));
	rv_form_entry(f, d, r++, _("Phase _2 proposals:"), "ipsec-esp",
		      _("built-in list, e.g. aes256-sha1"));
	rv_form_entry(f, d, r++, _("_PFS group:"), "ipsec-pfs-group", _("as the gateway offers"));
	rv_form_check(f, d, r++, _("Allow legac_y suites (3DES, SHA1-MODP1024)"),
		      "ipsec-allow-legacy");
	rv_form_label(d, r++, _("<small>These suites are weak: only for an old gateway "
				"that accepts nothing else.</small>"));
	rv_form_check(f, d, r++, _("_NAT traversal (UDP 4500)"), "ipsec-nat-traversal");
	rv_form_check(f, d, r++, _("Always encapsulate ESP in _UDP"), "ipsec-forceencaps");
	rv_form_entry(f, d, r++, _("IKE _lifetime (s):"), "ipsec-ikelifetime", _("default 28800"));
	rv_form_entry(f, d, r++, _("ESP l_ifetime (s):"), "ipsec-salifetime", _("default 3600"));
	rv_form_entry(f, d, r++, _("_Dead peer detection after (s):"), "ipsec-dpd-delay", _("default 30"));
	align_labels(GTK_GRID(self->ipsec_details), d);
	return dialog;
}

static GtkWidget *build_ppp_dialog(RvNmEditor *self, NMSettingVpn *s_vpn)
{
	struct rv_form *f = self->form;
	GtkGrid *g;
	GtkWidget *dialog = new_dialog(self, _("PPP Settings"), &g);
	int r = 0;

	rv_form_label(g, r++, heading(_("Allowed authentication methods")));
	rv_form_check(f, g, r++, _("_MS-CHAPv2"), "refuse-mschapv2");
	rv_form_check(f, g, r++, _("_CHAP"), "refuse-chap");
	rv_form_check(f, g, r++, _("_PAP (sends the password unencrypted inside the tunnel)"),
		      "refuse-pap");
	rv_form_label(g, r++, heading(_("Link")));
	rv_form_entry(f, g, r++, _("MT_U:"), "mtu", _("default 1400"));
	rv_form_entry(f, g, r++, _("MR_U:"), "mru", _("as the MTU"));
	rv_form_combo(f, g, r++, _("IPv_6:"), "ipv6", ipv6_ids, ipv6_labels);
	rv_form_check(f, g, r++, _("_Reconnect after a lost connection"), "reconnect");
	rv_form_label(g, r++, heading(_("L2TP")));
	rv_form_entry(f, g, r++, _("L2TP _host name:"), "l2tp-hostname", _("this host's name"));
	secret_entry(self, SECRET_L2TP, g, r++, _("L2TP tunnel _secret:"), s_vpn);
	return dialog;
}

static void on_ipsec_clicked(GtkButton *b, RvNmEditor *self)
{
	unfold_if_set(self);
	run_dialog(self, self->ipsec_dialog);
}

static void on_ppp_clicked(GtkButton *b, RvNmEditor *self)
{
	run_dialog(self, self->ppp_dialog);
}

/* The main page ------------------------------------------------------------- */

static GtkWidget *button_row(RvNmEditor *self)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *ipsec = gtk_button_new_with_mnemonic(_("_IPsec Settings…"));
	GtkWidget *ppp = gtk_button_new_with_mnemonic(_("_PPP Settings…"));

	/* A button box's look (same widths, at the end) in a plain box: GTK 4 has no button box. */
	gtk_box_set_homogeneous(GTK_BOX(box), TRUE);
	gtk_widget_set_halign(box, GTK_ALIGN_END);
	rv_set_child(box, ipsec);
	rv_set_child(box, ppp);
	g_signal_connect(ipsec, "clicked", G_CALLBACK(on_ipsec_clicked), self);
	g_signal_connect(ppp, "clicked", G_CALLBACK(on_ppp_clicked), self);
	return box;
}

static void build_page(RvNmEditor *self, NMSettingVpn *s_vpn)
{
	GtkGrid *g = new_grid();
	GtkWidget *show;
	int r = 0;

	rv_form_label(g, r++, heading(_("General")));
	rv_form_entry(self->form, g, r++, _("_Gateway:"), "gateway", _("vpn.example.com"));
	rv_form_label(g, r++, heading(_("Authentication")));
	rv_form_entry(self->form, g, r++, _("User _name:"), "user", NULL);
	secret_entry(self, SECRET_PASSWORD, g, r++, _("_Password:"), s_vpn);
	secret_entry(self, SECRET_PSK, g, r++, _("Pre-shared _key:"), s_vpn);
	show = gtk_check_button_new_with_mnemonic(_("Sho_w passwords"));
	g_signal_connect(show, "toggled", G_CALLBACK(on_show_secrets), self);
	gtk_grid_attach(g, show, 1, r++, 1, 1);
	self->plain_warning = rv_form_label(g, r++, _("<b>Plain L2TP:</b> IPsec is off, traffic "
						      "to the gateway is not encrypted."));
	rv_show_only_when_asked(self->plain_warning);
	gtk_grid_attach(g, button_row(self), 0, r++, 2, 1);
	self->page = g_object_ref_sink(GTK_WIDGET(g));
}

/* NMVpnEditor ---------------------------------------------------------------- */

static GObject *get_widget(NMVpnEditor *editor)
{
	return G_OBJECT(RV_NM_EDITOR(editor)->page);
}

static NMSettingSecretFlags secret_flags(RvNmEditor *self, int which)
{
	return nma_utils_menu_to_secret_flags(self->secret[which]);
}

static void put_secret(RvNmEditor *self, NMSettingVpn *s_vpn, int which)
{
	NMSettingSecretFlags flags = secret_flags(self, which);
	const char *text = rv_entry_get_text(self->secret[which]);
	const char *name = secret_names[which];

	/* An optional secret neither typed nor asked for: the connection has none. */
	if ((which == SECRET_L2TP || which == SECRET_CERTPASS) && !*text &&
	    flags == NM_SETTING_SECRET_FLAG_NONE) {
		g_autofree char *key = g_strdup_printf("%s-flags", name);

		nm_setting_vpn_remove_data_item(s_vpn, key);
		return;
	}
	if (*text && !(flags & (NM_SETTING_SECRET_FLAG_NOT_SAVED | NM_SETTING_SECRET_FLAG_NOT_REQUIRED)))
		nm_setting_vpn_add_secret(s_vpn, name, text);
	nm_setting_set_secret_flags(NM_SETTING(s_vpn), name, flags, NULL);
	nma_utils_update_password_storage(self->secret[which], flags, NM_SETTING(s_vpn), name);
}

static void collect_item(const char *key, const char *value, gpointer user_data)
{
	g_hash_table_insert(user_data, g_strdup(key), g_strdup(value));
}

static gboolean update_connection(NMVpnEditor *editor, NMConnection *connection,
				  GError **error)
{
	RvNmEditor *self = RV_NM_EDITOR(editor);
	GHashTable *data = rv_form_data(self->form);
	g_autofree char *problem = rv_form_problem(self->form, NULL);
	g_autoptr(GKeyFile) check = NULL;
	g_autoptr(GHashTable) all = rv_nm_table_new();
	NMSettingVpn *s_vpn;
	GHashTableIter it;
	gpointer k, v;

	if (problem) {
		g_set_error(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_INVALID_PROPERTY,
			    "%s", problem);
		return FALSE;
	}
	s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, RV_NM_SERVICE, NULL);
	g_hash_table_iter_init(&it, data);
	while (g_hash_table_iter_next(&it, &k, &v))
		nm_setting_vpn_add_data_item(s_vpn, k, v);
	for (int i = 0; i < N_SECRETS; i++)
		put_secret(self, s_vpn, i);
	nm_connection_add_setting(connection, NM_SETTING(s_vpn));

	/* The table has the last word (e.g. every PPP method refused). */
	nm_setting_vpn_foreach_data_item(s_vpn, collect_item, all);
	check = rv_nm_data_to_keyfile(all, error);
	return check != NULL;
}

static void rv_nm_editor_iface_init(NMVpnEditorInterface *iface)
{
	iface->get_widget = get_widget;
	iface->update_connection = update_connection;
}

static void rv_nm_editor_init(RvNmEditor *self)
{
}

static void dispose(GObject *object)
{
	RvNmEditor *self = RV_NM_EDITOR(object);

	g_clear_pointer(&self->ipsec_dialog, rv_dialog_destroy);
	g_clear_pointer(&self->ppp_dialog, rv_dialog_destroy);
	g_clear_object(&self->page);
	g_clear_pointer(&self->snapshot, g_hash_table_unref);
	g_clear_pointer(&self->form, rv_form_free);
	G_OBJECT_CLASS(rv_nm_editor_parent_class)->dispose(object);
}

static void rv_nm_editor_class_init(RvNmEditorClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = dispose;
}

static GHashTable *connection_data(NMSettingVpn *s_vpn)
{
	GHashTable *data = rv_nm_table_new();

	if (s_vpn)
		nm_setting_vpn_foreach_data_item(s_vpn, collect_item, data);
	return data;
}

G_MODULE_EXPORT NMVpnEditor *rv_nm_editor_factory(NMVpnEditorPlugin *plugin,
						  NMConnection *connection, GError **error);

G_MODULE_EXPORT NMVpnEditor *rv_nm_editor_factory(NMVpnEditorPlugin *plugin,
						  NMConnection *connection, GError **error)
{
	RvNmEditor *self = g_object_new(RV_NM_TYPE_EDITOR, NULL);
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	g_autoptr(GHashTable) data = connection_data(s_vpn);

	self->form = rv_form_new(data, on_form_changed, self);
	build_page(self, s_vpn);
	self->ipsec_dialog = build_ipsec_dialog(self, s_vpn);
	self->ppp_dialog = build_ppp_dialog(self, s_vpn);
	rv_form_load(self->form);
	update_sensitivity(self);
	return NM_VPN_EDITOR(self);
}
