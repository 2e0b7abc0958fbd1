/*
 * Profile verbs: add (every profile field is an option), import, export,
 * edit, delete. Validation is roadvpnd's: its error names the field and the
 * reason, and nothing is written when it refuses.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Option => [section] key; see DESIGN.md for the meaning of each. */
static const struct {
	const char *option, *key, *help;
} fields[] = {
	{ "gateway", "connection.gateway", "Gateway host name or address" },
	{ "reconnect", "connection.reconnect", "true|false" },
	{ "allowed-users", "connection.allowed-users", "Users who may connect it (a,b)" },
	{ "interface", "connection.interface", "TUN device name (default rvpn%d)" },
	{ "ipsec", "ipsec.enabled", "true|false (false: plain L2TP, not encrypted)" },
	{ "ipsec-auth", "ipsec.auth", "psk|cert" },
	{ "ipsec-mode", "ipsec.mode", "main|aggressive" },
	{ "local-id", "ipsec.local-id", "Our IKE identity" },
	{ "psk-flags", "ipsec.psk-flags", "stored|ask" },
	{ "ike", "ipsec.ike", "IKE proposals" },
	{ "esp", "ipsec.esp", "ESP proposals" },
	{ "pfs", "ipsec.pfs", "none|modp2048|..." },
	{ "ca", "ipsec.ca", "CA certificate (PEM)" },
	{ "cert", "ipsec.cert", "Our certificate (PEM)" },
	{ "key", "ipsec.key", "Our private key (PEM)" },
	{ "remote-id", "ipsec.remote-id", "Expected gateway identity" },
	{ "force-encap", "ipsec.force-encap", "true|false" },
	{ "nat-traversal", "ipsec.nat-traversal", "true|false (false: raw ESP only)" },
	{ "l2tp-hostname", "l2tp.hostname", "L2TP host name" },
	{ "user", "ppp.user", "PPP user name" },
	{ "password-flags", "ppp.password-flags", "stored|ask" },
	{ "auth", "ppp.auth", "mschapv2,chap,pap" },
	{ "mtu", "ppp.mtu", "576..1500" },
	{ "mru", "ppp.mru", "576..1500" },
	{ "default-route", "ip.default-route", "true|false" },
	{ "routes", "ip.routes", "Split-tunnel routes (10.0.0.0/8,...)" },
	{ "dns", "ip.dns", "true|false" },
	{ "ipv6", "ip.ipv6", "auto|off" },
	{ "debug-log", "debug.log", "Debug components (l2tp,ppp)" },
};

/* --password-file, --psk-file, --l2tp-secret-file: secrets to store. */
struct secret_files {
	char *password, *psk, *l2tp_secret;
};

static void secret_files_clear(struct secret_files *f)
{
	g_free(f->password);
	g_free(f->psk);
	g_free(f->l2tp_secret);
}

static void secret_entries(GOptionEntry *e, struct secret_files *f)
{
	e[0] = (GOptionEntry){ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &f->password,
			       "Store the PPP password read from FILE", "FILE" };
	e[1] = (GOptionEntry){ "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &f->psk,
			       "Store the IPsec pre-shared key read from FILE", "FILE" };
	e[2] = (GOptionEntry){ "l2tp-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &f->l2tp_secret,
			       "Store the L2TP tunnel secret read from FILE", "FILE" };
}

static bool add_secret(GVariantBuilder *b, const char *key, const char *path)
{
	g_autoptr(GError) error = NULL;
	char *v;

	if (!path)
		return true;
	v = cli_read_secret_file(path, &error);
	if (!v) {
		cli_fail(CLI_EXIT_USAGE, "%s", error->message);
		return false;
	}
	g_variant_builder_add(b, "{ss}", key, v);
	cli_free_secret(v);
	return true;
}

static bool add_secrets(GVariantBuilder *b, const struct secret_files *f)
{
	return add_secret(b, "ppp.password", f->password) && add_secret(b, "ipsec.psk", f->psk) &&
	       add_secret(b, "l2tp.secret", f->l2tp_secret);
}

static int update(const char *name, GVariantBuilder *settings)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = cli_call("UpdateProfile",
					   g_variant_new("(sa{ss})", name, settings), NULL, &error);

	return ret ? CLI_EXIT_OK : cli_error(error);
}

static int create(const char *name, const char *text)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = cli_call("AddProfile", g_variant_new("(ss)", name, text), NULL,
					   &error);

	if (!ret)
		return cli_error(error);
	printf("added %s\n", name);
	return CLI_EXIT_OK;
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
	g_autofree GOptionEntry *e = g_new0(GOptionEntry, n + 4);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	GVariantBuilder secrets;
	g_autofree char *text = NULL;
	int r;

	for (size_t i = 0; i < n; i++)
		e[i] = (GOptionEntry){ fields[i].option, 0, 0, G_OPTION_ARG_STRING, &values[i],
				       fields[i].help, fields[i].key };
	secret_entries(e + n, fp);
	if (!cli_parse("add", "NAME --gateway HOST --user USER [OPTIONS]",
		       "Add a system profile (needs org.roadvpn.manage).", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "add: give one profile NAME");

	for (size_t i = 0; i < n; i++) {
		g_autofree char *group = NULL;
		const char *dot = strchr(fields[i].key, '.');

		if (!values[i])
			continue;
		group = g_strndup(fields[i].key, (gsize)(dot - fields[i].key));
		g_key_file_set_string(kf, group, dot + 1, values[i]);
	}
	text = g_key_file_to_data(kf, NULL, NULL);
	r = create(argv[1], text);

	if (r != CLI_EXIT_OK || !(fp->password || fp->psk || fp->l2tp_secret))
		return r;
	g_variant_builder_init(&secrets, G_VARIANT_TYPE("a{ss}"));
	if (!add_secrets(&secrets, fp)) {
		g_variant_builder_clear(&secrets);
		return CLI_EXIT_USAGE;
	}
	return update(argv[1], &secrets);
}

int cli_import(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL, *base = NULL, *name = NULL;
	GOptionEntry e[] = {
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "Profile name (default: file name)",
		  "NAME" },
		{ NULL },
	};

	if (!cli_parse("import", "FILE", "Add a system profile from a profile file.", e, &argc,
		       &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "import: give one FILE");
	if (!g_file_get_contents(argv[1], &text, NULL, &error))
		return cli_fail(CLI_EXIT_USAGE, "%s", error->message);

	base = g_path_get_basename(argv[1]);
	if (g_str_has_suffix(base, ".conf"))
		base[strlen(base) - 5] = '\0';
	return create(name ? name : base, text);
}

int cli_export(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) stored = NULL;

	if (!cli_parse("export", "NAME", "Print a profile; secrets are never included.", NULL,
		       &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "export: give one profile NAME");
	if (!rv_dbus_manager_call_get_profile_sync(cli_manager(), argv[1], &text, &stored, NULL,
						   &error))
		return cli_error(error);
	fputs(text, stdout);
	return CLI_EXIT_OK;
}

static bool is_secret_key(const char *key)
{
	return !strcmp(key, "ppp.password") || !strcmp(key, "ipsec.psk") ||
	       !strcmp(key, "l2tp.secret");
}

int cli_edit(int argc, char **argv)
{
	g_auto(GStrv) sets = NULL;
	struct secret_files f __attribute__((cleanup(secret_files_clear))) = { 0 };
	GOptionEntry e[5] = {
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  "Set section.key=value (empty value: remove the key); repeatable", "KEY=VALUE" },
	};
	GVariantBuilder b;
	int r;

	secret_entries(e + 1, &f);
	if (!cli_parse("edit", "NAME --set section.key=value ...",
		       "Change a system profile (needs org.roadvpn.manage).", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "edit: give one profile NAME");

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
	for (char **s = sets; s && *s; s++) {
		g_autofree char *key = NULL;
		char *eq = strchr(*s, '=');

		if (!eq) {
			g_variant_builder_clear(&b);
			return cli_fail(CLI_EXIT_USAGE, "edit: '%s': expected section.key=value", *s);
		}
		key = g_strndup(*s, (gsize)(eq - *s));
		if (is_secret_key(key)) {
			g_variant_builder_clear(&b);
			return cli_fail(CLI_EXIT_USAGE, "edit: secrets never go on the command line; "
					"use --password-file, --psk-file or --l2tp-secret-file");
		}
		g_variant_builder_add(&b, "{ss}", key, eq + 1);
	}
	if (!add_secrets(&b, &f)) {
		g_variant_builder_clear(&b);
		return CLI_EXIT_USAGE;
	}
	r = update(argv[1], &b);
	if (r == CLI_EXIT_OK)
		printf("updated %s\n", argv[1]);
	return r;
}

int cli_delete(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;

	if (!cli_parse("delete", "NAME", "Remove a system profile (needs org.roadvpn.manage).",
		       NULL, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "delete: give one profile NAME");
	ret = cli_call("RemoveProfile", g_variant_new("(s)", argv[1]), NULL, &error);
	if (!ret)
		return cli_error(error);
	printf("deleted %s\n", argv[1]);
	return CLI_EXIT_OK;
}
