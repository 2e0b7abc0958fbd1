/*
 * nm-roadvpn-auth-dialog: NetworkManager's secret agent (nm-applet, GNOME
 * Shell, nmcli --ask) runs it to get a roadvpn connection's secrets. It
 * reads vpn.data and the known secrets on stdin, asks only for what the
 * connection needs (rv_nm_needed_secrets) and answers in one of the two
 * forms NetworkManager uses:
 *  - GTK mode: a password dialog, then "name\nvalue\n" pairs, an empty
 *    line, and it waits for "QUIT";
 *  - --external-ui-mode: a "[VPN Plugin UI]" key file describing what to
 *    ask, and the agent does the asking (GNOME Shell's prompt, nmcli).
 * Agent-owned secrets (flags 1) come from the GNOME keyring (libsecret),
 * where NetworkManager's agent stores them. A secret is never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <NetworkManager.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <nma-vpn-password-dialog.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rv-nm-map.h"

#define UI_GROUP "VPN Plugin UI"
#define QUIT_WAIT_S 20

static const SecretSchema nm_schema = {
	"org.freedesktop.NetworkManager.Connection", SECRET_SCHEMA_DONT_MATCH_NAME,
	{
		{ "connection-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "setting-name", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "setting-key", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
};

struct ask {
	const char *name;            /* vpn.secrets name */
	const char *label;
	char *value;                 /* known or typed, or NULL */
	gboolean must_ask;
};

static struct {
	char *uuid, *name, *service;
	gboolean interactive, reprompt, external;
} opt;

static const char *secret_label(const char *name)
{
	if (!strcmp(name, RV_NM_SECRET_PSK))
		return _("Pre-shared key");
	if (!strcmp(name, RV_NM_SECRET_L2TP))
		return _("L2TP tunnel secret");
	if (!strcmp(name, RV_NM_SECRET_CERTPASS))
		return _("Private key password");
	return _("Password");
}

static char *keyring_lookup(const char *secret)
{
	g_autoptr(GError) error = NULL;
	char *v = secret_password_lookup_sync(&nm_schema, NULL, &error, "connection-uuid", opt.uuid,
					      "setting-name", NM_SETTING_VPN_SETTING_NAME,
					      "setting-key", secret, NULL);

	if (error)
		g_debug("no keyring: %s", error->message);
	return v;
}

/* What we know of SECRET and whether the user must be asked for it. */
static void fill_ask(struct ask *a, GHashTable *data, GHashTable *secrets)
{
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const char *known = g_hash_table_lookup(secrets, a->name);

	nm_vpn_service_plugin_get_secret_flags(data, a->name, &flags);
	a->label = secret_label(a->name);
	if (!(flags & NM_SETTING_SECRET_FLAG_NOT_SAVED)) {
		a->value = g_strdup(known);
		if (!a->value && (flags & NM_SETTING_SECRET_FLAG_AGENT_OWNED))
			a->value = keyring_lookup(a->name);
	}
	a->must_ask = opt.reprompt || !a->value || !*a->value ||
		      (flags & NM_SETTING_SECRET_FLAG_NOT_SAVED);
}

/* External UI mode ------------------------------------------------------------ */

static void print_external(struct ask *asks, size_t n)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *prompt = g_strdup_printf(_("Secrets are needed to connect to '%s'."),
						  opt.name);
	g_autofree char *text = NULL;

	g_key_file_set_integer(kf, UI_GROUP, "Version", 2);
	g_key_file_set_string(kf, UI_GROUP, "Description", prompt);
	g_key_file_set_string(kf, UI_GROUP, "Title", _("Authenticate VPN"));
	for (size_t i = 0; i < n; i++) {
		g_key_file_set_string(kf, asks[i].name, "Value", asks[i].value ? asks[i].value : "");
		g_key_file_set_string(kf, asks[i].name, "Label", asks[i].label);
		g_key_file_set_boolean(kf, asks[i].name, "IsSecret", TRUE);
		g_key_file_set_boolean(kf, asks[i].name, "ShouldAsk",
				       opt.interactive && asks[i].must_ask);
	}
	text = g_key_file_to_data(kf, NULL, NULL);
	fputs(text, stdout);
	fflush(stdout);
}

/* GTK mode ------------------------------------------------------------------- */

typedef void (*set_show_fn)(NMAVpnPasswordDialog *, gboolean);
typedef void (*set_text_fn)(NMAVpnPasswordDialog *, const char *);
typedef const char *(*get_text_fn)(NMAVpnPasswordDialog *);

/* The dialog's three password rows, in order. */
static const struct {
	set_show_fn show;
	set_text_fn set, label;
	get_text_fn get;
} rows[] = {
	{ nma_vpn_password_dialog_set_show_password, nma_vpn_password_dialog_set_password,
	  nma_vpn_password_dialog_set_password_label, nma_vpn_password_dialog_get_password },
	{ nma_vpn_password_dialog_set_show_password_secondary,
	  nma_vpn_password_dialog_set_password_secondary,
	  nma_vpn_password_dialog_set_password_secondary_label,
	  nma_vpn_password_dialog_get_password_secondary },
	{ nma_vpn_password_dialog_set_show_password_ternary,
	  nma_vpn_password_dialog_set_password_ternary,
	  nma_vpn_password_dialog_set_password_ternary_label,
	  nma_vpn_password_dialog_get_password_ternary },
};

static gboolean ask_gtk(struct ask *asks, size_t n)
{
	g_autofree char *prompt = g_strdup_printf(_("Secrets are needed to connect to the VPN "
						    "'%s'."), opt.name);
	NMAVpnPasswordDialog *d;
	gboolean ok;

	gtk_init(NULL, NULL);
	d = NMA_VPN_PASSWORD_DIALOG(nma_vpn_password_dialog_new(_("Authenticate VPN"), prompt,
								NULL));
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		rows[i].show(d, i < n);
		if (i >= n)
			continue;
		g_autofree char *label = g_strdup_printf("%s:", asks[i].label);

		rows[i].label(d, label);
		rows[i].set(d, asks[i].value ? asks[i].value : "");
	}
	gtk_widget_show(GTK_WIDGET(d));
	ok = nma_vpn_password_dialog_run_and_block(d);
	for (size_t i = 0; ok && i < n && i < G_N_ELEMENTS(rows); i++) {
		g_free(asks[i].value);
		asks[i].value = g_strdup(rows[i].get(d));
	}
	gtk_widget_destroy(GTK_WIDGET(d));
	return ok;
}

/* NetworkManager closes our stdin or writes QUIT when it has read the answer. */
static void wait_for_quit(void)
{
	g_autoptr(GString) in = g_string_new(NULL);
	gint64 end = g_get_monotonic_time() + QUIT_WAIT_S * G_USEC_PER_SEC;
	char c;

	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	while (g_get_monotonic_time() < end && in->len < 16 && !strstr(in->str, "QUIT")) {
		ssize_t r = read(0, &c, 1);

		if (r == 1)
			g_string_append_c(in, c);
		else if (r == 0 || errno != EAGAIN)
			return;
		else
			g_usleep(G_USEC_PER_SEC / 10);
	}
}

static void print_gtk(struct ask *asks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (asks[i].value)
			printf("%s\n%s\n", asks[i].name, asks[i].value);
	}
	printf("\n\n");
	fflush(stdout);
	wait_for_quit();
}

static gboolean any_to_ask(struct ask *asks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (asks[i].must_ask)
			return TRUE;
	}
	return FALSE;
}

static int run(GHashTable *data, GHashTable *secrets)
{
	g_auto(GStrv) needed = rv_nm_needed_secrets(data);
	size_t n = MIN(g_strv_length(needed), G_N_ELEMENTS(rows));
	struct ask asks[G_N_ELEMENTS(rows)] = { { 0 } };
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		asks[i].name = needed[i];
		fill_ask(&asks[i], data, secrets);
	}
	if (opt.external)
		print_external(asks, n);
	else if (any_to_ask(asks, n) && opt.interactive && !ask_gtk(asks, n))
		status = 1;   /* cancelled */
	else
		print_gtk(asks, n);
	for (size_t i = 0; i < n; i++) {
		if (asks[i].value)
			explicit_bzero(asks[i].value, strlen(asks[i].value));
		g_free(asks[i].value);
	}
	return status;
}

int main(int argc, char *argv[])
{
	g_autoptr(GHashTable) data = NULL;
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("- roadvpn VPN secrets");
	g_auto(GStrv) hints = NULL;
	g_autoptr(GError) error = NULL;
	GOptionEntry entries[] = {
		{ "reprompt", 'r', 0, G_OPTION_ARG_NONE, &opt.reprompt, "Ask again", NULL },
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &opt.uuid, "Connection UUID", NULL },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &opt.name, "Connection name", NULL },
		{ "service", 's', 0, G_OPTION_ARG_STRING, &opt.service, "VPN service", NULL },
		{ "allow-interaction", 'i', 0, G_OPTION_ARG_NONE, &opt.interactive,
		  "Allow user interaction", NULL },
		{ "external-ui-mode", 0, 0, G_OPTION_ARG_NONE, &opt.external,
		  "Describe the secrets for the agent to ask", NULL },
		{ "hint", 't', 0, G_OPTION_ARG_STRING_ARRAY, &hints, "Hints (ignored)", NULL },
		{ NULL },
	};

	/* The dialog's labels and the external-UI descriptions in the user's language. */
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "nm-roadvpn-auth-dialog: %s\n", error->message);
		return 1;
	}
	if (!opt.uuid || !opt.name || g_strcmp0(opt.service, RV_NM_SERVICE)) {
		fprintf(stderr, "nm-roadvpn-auth-dialog: needs --uuid, --name and --service %s\n",
			RV_NM_SERVICE);
		return 1;
	}
	if (!nm_vpn_service_plugin_read_vpn_details(0, &data, &secrets)) {
		fprintf(stderr, "nm-roadvpn-auth-dialog: cannot read the connection from stdin\n");
		return 1;
	}
	return run(data, secrets);
}
