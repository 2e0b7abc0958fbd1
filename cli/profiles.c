/*
 * Profile verbs: add (every profile field is an option), edit, delete
 * (import and export are convert.c's). Validation is roadvpnd's: its error names the field and the
 * reason, and nothing is written when it refuses. Every input (secret
 * files included) is read before anything is sent, and a new profile is
 * one AddProfile with its secrets: nothing is left half made.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * Option => [section] key; see docs/profile.md for the meaning of each. The
 * placeholder is what `add --help` shows after "--option="; a choice is
 * written a|b|c, which bash completion offers as the values.
 */
static const struct {
	const char *option, *key, *placeholder, *help;
} fields[] = {
	{ "gateway", "connection.gateway", "HOST", N_("Gateway host name or IPv4 address") },
	{ "reconnect", "connection.reconnect", "true|false",
	  N_("Reconnect on its own when a connection that was up is lost") },
	{ "allowed-users", "connection.allowed-users", "USERS",
	  N_("Users who may connect it, e.g. alice,bob (default: any user polkit allows)") },
	{ "interface", "connection.interface", "NAME", N_("TUN device name (default rvpn%d)") },
	{ "ipsec", "ipsec.enabled", "true|false", N_("IPsec (false: plain L2TP, not encrypted)") },
	{ "ipsec-auth", "ipsec.auth", "psk|cert", N_("IKE authentication") },
	{ "ipsec-mode", "ipsec.mode", "main|aggressive",
	  N_("IKE phase 1 mode (aggressive exposes the PSK to offline cracking)") },
	{ "local-id", "ipsec.local-id", "ID", N_("Our IKE identity") },
	{ "psk-flags", "ipsec.psk-flags", "stored|ask", N_("Store the PSK, or ask at connect time") },
	{ "ike", "ipsec.ike", "PROPOSALS", N_("IKE proposals, e.g. aes256-sha256-modp2048") },
	{ "esp", "ipsec.esp", "PROPOSALS", N_("ESP proposals, e.g. aes256-sha256") },
	{ "pfs", "ipsec.pfs", "GROUP", N_("Perfect forward secrecy group: none, modp2048, ...") },
	{ "ca", "ipsec.ca", "FILE", N_("CA certificate(s) the gateway's must chain to (PEM)") },
	{ "cert", "ipsec.cert", "FILE",
	  N_("Our certificate: PEM, or a PKCS#12 bundle (.p12/.pfx) holding the key too") },
	{ "key", "ipsec.key", "FILE", N_("Our private key (PEM); not with a PKCS#12 --cert") },
	{ "key-password-flags", "ipsec.key-password-flags", "stored|ask",
	  N_("Store the key's password, or ask at connect time") },
	{ "remote-id", "ipsec.remote-id", "ID",
	  N_("Expected gateway identity (dn:..., fqdn:..., ipv4:..., email:...)") },
	{ "force-encap", "ipsec.force-encap", "true|false",
	  N_("UDP-encapsulate ESP even without NAT") },
	{ "nat-traversal", "ipsec.nat-traversal", "true|false",
	  N_("NAT traversal (false: raw ESP only)") },
	{ "l2tp-hostname", "l2tp.hostname", "NAME", N_("Our L2TP host name") },
	{ "user", "ppp.user", "USER", N_("PPP user name") },
	{ "password-flags", "ppp.password-flags", "stored|ask",
	  N_("Store the password, or ask at connect time") },
	{ "auth", "ppp.auth", "METHODS", N_("PPP authentication, strongest first: mschapv2,chap,pap") },
	{ "mtu", "ppp.mtu", "BYTES", N_("576..1500") },
	{ "mru", "ppp.mru", "BYTES", N_("576..1500") },
	{ "default-route", "ip.default-route", "true|false",
	  N_("Full tunnel (false: only --routes go through it)") },
	{ "routes", "ip.routes", "NETWORKS", N_("Split-tunnel routes, e.g. 10.0.0.0/8,192.0.2.0/24") },
	{ "dns", "ip.dns", "true|false", N_("Use the gateway's DNS servers") },
	{ "ipv6", "ip.ipv6", "auto|off", N_("Negotiate IPv6") },
	{ "debug-log", "debug.log", "COMPONENTS", N_("Debug log components: l2tp,ppp,net,session,all") },
};

/* The secrets a profile stores: read from a file option, never from argv. */
static const struct {
	const char *option, *key, *help;
} secret_fields[] = {
	{ "password-file", "ppp.password", N_("Store the PPP password read from FILE") },
	{ "psk-file", "ipsec.psk", N_("Store the IPsec pre-shared key read from FILE") },
	{ "l2tp-secret-file", "l2tp.secret", N_("Store the L2TP tunnel secret read from FILE") },
	{ "key-password-file", "ipsec.key-password",
	  N_("Store the password of the PKCS#12 bundle or private key read from FILE") },
};

#define N_SECRET_FIELDS G_N_ELEMENTS(secret_fields)

struct secret_files {
	char *path[N_SECRET_FIELDS];
};

static void secret_files_clear(struct secret_files *f)
{
	for (size_t i = 0; i < N_SECRET_FIELDS; i++)
		g_free(f->path[i]);
}

static void secret_entries(GOptionEntry *e, struct secret_files *f)
{
	for (size_t i = 0; i < N_SECRET_FIELDS; i++)
		e[i] = (GOptionEntry){ secret_fields[i].option, 0, 0, G_OPTION_ARG_FILENAME,
				       &f->path[i], secret_fields[i].help, "FILE" };
}

/* A settings table whose values are wiped when it goes (they may be secrets). */
static GHashTable *settings_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				     (GDestroyNotify)rvc_secret_free);
}

/* Read every secret file into `settings` ("section.key" => secret); false (printed) on error. */
static bool read_secrets(GHashTable *settings, const struct secret_files *f)
{
	cli_hold_secrets();
	for (size_t i = 0; i < N_SECRET_FIELDS; i++) {
		g_autoptr(GError) error = NULL;
		char *v;

		if (!f->path[i])
			continue;
		v = rvc_secret_file_read(f->path[i], &error);
		if (!v) {
			cli_fail(cli_error_status(error), "%s", error->message);
			return false;
		}
		g_hash_table_replace(settings, g_strdup(secret_fields[i].key), v);
	}
	return true;
}

int cli_create_profile(const char *name, const char *text)
{
	g_autoptr(GError) error = NULL;

	cli_agent_start();
	if (!rvc_client_add_profile_sync(cli_client(), name, text, NULL, &error))
		return cli_error(error);
	printf(_("added %s\n"), name);
	return CLI_EXIT_OK;
}

/* "section.key" => value into the key file. */
static void set_key(GKeyFile *kf, const char *key, const char *value)
{
	const char *dot = strchr(key, '.');
	g_autofree char *group = g_strndup(key, (gsize)(dot - key));

	g_key_file_set_string(kf, group, dot + 1, value);
}

static int add_profile(int argc, char **argv, char **values, struct secret_files *fp);

int cli_add(int argc, char **argv)
{
	char *values[G_N_ELEMENTS(fields)] = { NULL };
	struct secret_files f = { 0 };
	int r = add_profile(argc, argv, values, &f);

	/* Sparse: a GStrv free would stop at the first option not given. */
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
		g_free(values[i]);
	secret_files_clear(&f);
	return r;
}

static int add_profile(int argc, char **argv, char **values, struct secret_files *fp)
{
	size_t n = G_N_ELEMENTS(fields);
	g_autofree GOptionEntry *e = g_new0(GOptionEntry, n + N_SECRET_FIELDS + 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GHashTable) secrets = settings_new();
	GHashTableIter iter;
	gpointer key, value;
	char *text;
	int r;

	for (size_t i = 0; i < n; i++)
		e[i] = (GOptionEntry){ fields[i].option, 0, 0, G_OPTION_ARG_STRING, &values[i],
				       fields[i].help, fields[i].placeholder };
	secret_entries(e + n, fp);
	if (!cli_parse("add", "NAME --gateway HOST --user USER [OPTIONS]",
		       N_("Add a system profile (needs org.roadvpn.manage)."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "add: %s", _("give one profile NAME"));
	if (!read_secrets(secrets, fp))
		return CLI_EXIT_USAGE;

	for (size_t i = 0; i < n; i++) {
		/* roadvpnd reads the files, from its own working directory. */
		g_autofree char *path = values[i] && !strcmp(fields[i].placeholder, "FILE") ?
					g_canonicalize_filename(values[i], NULL) : NULL;

		if (values[i])
			set_key(kf, fields[i].key, path ? path : values[i]);
	}
	g_hash_table_iter_init(&iter, secrets);
	while (g_hash_table_iter_next(&iter, &key, &value))
		set_key(kf, key, value);
	text = g_key_file_to_data(kf, NULL, NULL);
	r = cli_create_profile(argv[1], text);
	rvc_secret_free(text);
	return r;
}

static bool is_secret_key(const char *key)
{
	for (size_t i = 0; i < N_SECRET_FIELDS; i++) {
		if (!strcmp(key, secret_fields[i].key))
			return true;
	}
	return false;
}

/* --set section.key=value into `settings`; false (printed) on a bad one. */
static bool add_sets(GHashTable *settings, char **sets)
{
	for (char **s = sets; s && *s; s++) {
		char *eq = strchr(*s, '=');
		g_autofree char *key = eq ? g_strndup(*s, (gsize)(eq - *s)) : NULL;

		if (!eq) {
			cli_fail(CLI_EXIT_USAGE, _("edit: '%s': expected section.key=value"), *s);
			return false;
		}
		if (is_secret_key(key)) {
			cli_fail(CLI_EXIT_USAGE, "edit: %s",
				 _("secrets never go on the command line; "
				   "use --password-file, --psk-file, --l2tp-secret-file or "
				   "--key-password-file"));
			return false;
		}
		g_hash_table_replace(settings, g_steal_pointer(&key), g_strdup(eq + 1));
	}
	return true;
}

int cli_edit(int argc, char **argv)
{
	g_auto(GStrv) sets = NULL;
	struct secret_files f __attribute__((cleanup(secret_files_clear))) = { 0 };
	GOptionEntry e[N_SECRET_FIELDS + 2] = {
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  N_("Set section.key=value (empty value: remove the key); repeatable"), N_("KEY=VALUE") },
	};
	g_autoptr(GHashTable) settings = settings_new();
	g_autoptr(GError) error = NULL;

	secret_entries(e + 1, &f);
	if (!cli_parse("edit", "NAME --set section.key=value ...",
		       N_("Change a system profile (needs org.roadvpn.manage)."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "edit: %s", _("give one profile NAME"));
	if (!add_sets(settings, sets) || !read_secrets(settings, &f))
		return CLI_EXIT_USAGE;

	cli_agent_start();
	if (!rvc_client_update_profile_sync(cli_client(), argv[1], settings, NULL, &error))
		return cli_error(error);
	printf(_("updated %s\n"), argv[1]);
	return CLI_EXIT_OK;
}

int cli_delete(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;

	if (!cli_parse("delete", "NAME", N_("Remove a system profile (needs org.roadvpn.manage)."),
		       NULL, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "delete: %s", _("give one profile NAME"));
	cli_agent_start();
	if (!rvc_client_remove_profile_sync(cli_client(), argv[1], NULL, &error))
		return cli_error(error);
	printf(_("deleted %s\n"), argv[1]);
	return CLI_EXIT_OK;
}
