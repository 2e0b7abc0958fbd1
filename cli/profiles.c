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
 * `add` has an option per setting of the library's table (rvc-settings.h,
 * docs/profile.md says what each means), and a --KIND-file option per
 * secret. The VALUE that --help shows after "--option=" is the type's: a
 * choice is written a|b|c, which bash completion offers as the values.
 */
struct field {
	const RvcSetting *setting;
	char *value;
};

struct fields {
	struct field *f;
	size_t n;
	GPtrArray *strings;     /* option names and VALUEs the entries point to */
};

/* How a file holding each secret is described (the CLI's own phrasing). */
static const struct {
	const char *kind, *help;
} secret_helps[] = {
	{ RVC_SECRET_PASSWORD, N_("Store the PPP password read from FILE") },
	{ RVC_SECRET_PSK, N_("Store the IPsec pre-shared key read from FILE") },
	{ RVC_SECRET_L2TP_SECRET, N_("Store the L2TP tunnel secret read from FILE") },
	{ RVC_SECRET_KEY_PASSWORD,
	  N_("Store the password of the PKCS#12 bundle or private key read from FILE") },
};

static const char *secret_help(const char *kind)
{
	for (size_t i = 0; i < G_N_ELEMENTS(secret_helps); i++) {
		if (!strcmp(secret_helps[i].kind, kind))
			return secret_helps[i].help;
	}
	return NULL;
}

/* The rows `add` has an option for: a setting's own, or a secret's FILE. */
static bool is_field(const RvcSetting *s)
{
	return s->option || (s->type == RVC_SETTING_SECRET && s->secret_kind);
}

static void fields_init(struct fields *fs)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);

	fs->f = g_new0(struct field, n);
	fs->n = 0;
	fs->strings = g_ptr_array_new_with_free_func(g_free);
	for (gsize i = 0; i < n; i++) {
		if (is_field(&all[i]))
			fs->f[fs->n++].setting = &all[i];
	}
}

static void fields_clear(struct fields *fs)
{
	/* Secrets never reach a value here: options hold file names, read later. */
	for (size_t i = 0; i < fs->n; i++)
		g_free(fs->f[i].value);
	g_free(fs->f);
	g_ptr_array_unref(fs->strings);
}

static const char *keep(struct fields *fs, char *s)
{
	g_ptr_array_add(fs->strings, s);
	return s;
}

/* --help's VALUE: true|false, the choices a|b|c, or the row's name for it. */
static const char *value_name(struct fields *fs, const RvcSetting *s)
{
	switch (s->type) {
	case RVC_SETTING_BOOL:
		return "true|false";
	case RVC_SETTING_CHOICE:
	case RVC_SETTING_FLAGS:
		return keep(fs, g_strjoinv("|", (char **)s->choices));
	case RVC_SETTING_SECRET:
		return "FILE";
	case RVC_SETTING_TEXT:
	case RVC_SETTING_HOST:
	case RVC_SETTING_NUMBER:
	case RVC_SETTING_LIST:
	case RVC_SETTING_PROPOSALS:
	case RVC_SETTING_FILE:
		break;
	}
	return s->value_name;
}

static GOptionEntry entry_for(struct fields *fs, struct field *f)
{
	const RvcSetting *s = f->setting;

	if (s->type == RVC_SETTING_SECRET)
		return (GOptionEntry){ keep(fs, g_strconcat(s->secret_kind, "-file", NULL)), 0, 0,
				       G_OPTION_ARG_FILENAME, &f->value, secret_help(s->secret_kind),
				       "FILE" };
	return (GOptionEntry){ s->option, 0, 0,
			       s->type == RVC_SETTING_FILE ? G_OPTION_ARG_FILENAME
							   : G_OPTION_ARG_STRING,
			       &f->value, s->help, value_name(fs, s) };
}

/* Only the secret rows (for `edit`: it takes no other setting as an option). */
static void secret_entries(GOptionEntry *e, struct fields *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->f[i].setting->type == RVC_SETTING_SECRET)
			*e++ = entry_for(fs, &fs->f[i]);
	}
}

static size_t n_secrets(const struct fields *fs)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		n += fs->f[i].setting->type == RVC_SETTING_SECRET;
	return n;
}

/* A settings table whose values are wiped when it goes (they may be secrets). */
static GHashTable *settings_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				     (GDestroyNotify)rvc_secret_free);
}

/* Read every secret file into `settings` ("section.key" => secret); false (printed) on error. */
static bool read_secrets(GHashTable *settings, const struct fields *fs)
{
	cli_hold_secrets();
	for (size_t i = 0; i < fs->n; i++) {
		const RvcSetting *s = fs->f[i].setting;
		g_autoptr(GError) error = NULL;
		char *v;

		if (s->type != RVC_SETTING_SECRET || !fs->f[i].value)
			continue;
		v = rvc_secret_file_read(fs->f[i].value, &error);
		if (!v) {
			cli_fail(cli_error_status(error), "%s", error->message);
			return false;
		}
		g_hash_table_replace(settings, g_strdup_printf("%s.%s", s->group, s->key), v);
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

static int add_profile(int argc, char **argv, struct fields *fs);

int cli_add(int argc, char **argv)
{
	struct fields fs;
	int r;

	fields_init(&fs);
	r = add_profile(argc, argv, &fs);
	fields_clear(&fs);
	return r;
}

/* The key file of the options given (secrets from their files). */
static void set_values(GKeyFile *kf, const struct fields *fs, GHashTable *secrets)
{
	GHashTableIter iter;
	gpointer key, value;

	for (size_t i = 0; i < fs->n; i++) {
		const RvcSetting *s = fs->f[i].setting;
		const char *v = fs->f[i].value;
		/* roadvpnd reads the files, from its own working directory. */
		g_autofree char *path = v && s->type == RVC_SETTING_FILE ?
					g_canonicalize_filename(v, NULL) : NULL;

		if (v && s->type != RVC_SETTING_SECRET)
			g_key_file_set_string(kf, s->group, s->key, path ? path : v);
	}
	g_hash_table_iter_init(&iter, secrets);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		g_auto(GStrv) gk = g_strsplit(key, ".", 2);

		g_key_file_set_string(kf, gk[0], gk[1], value);
	}
}

static int add_profile(int argc, char **argv, struct fields *fs)
{
	g_autofree GOptionEntry *e = g_new0(GOptionEntry, fs->n + 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GHashTable) secrets = settings_new();
	char *text;
	int r;

	for (size_t i = 0; i < fs->n; i++)
		e[i] = entry_for(fs, &fs->f[i]);
	if (!cli_parse("add", "NAME --gateway HOST --user USER [OPTIONS]",
		       N_("Add a system profile (needs org.roadvpn.manage)."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "add: %s", _("give one profile NAME"));
	if (!read_secrets(secrets, fs))
		return CLI_EXIT_USAGE;

	set_values(kf, fs, secrets);
	text = g_key_file_to_data(kf, NULL, NULL);
	r = cli_create_profile(argv[1], text);
	rvc_secret_free(text);
	return r;
}

static bool is_secret_key(const char *key)
{
	g_auto(GStrv) gk = g_strsplit(key, ".", 2);

	return gk[0] && gk[1] && rvc_setting_is_secret(gk[0], gk[1]);
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
	struct fields fs __attribute__((cleanup(fields_clear)));
	g_autofree GOptionEntry *e = NULL;
	g_autoptr(GHashTable) settings = settings_new();
	g_autoptr(GError) error = NULL;

	fields_init(&fs);
	e = g_new0(GOptionEntry, n_secrets(&fs) + 2);
	e[0] = (GOptionEntry){ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
			       N_("Set section.key=value (empty value: remove the key); repeatable"),
			       N_("KEY=VALUE") };
	secret_entries(e + 1, &fs);
	if (!cli_parse("edit", "NAME --set section.key=value ...",
		       N_("Change a system profile (needs org.roadvpn.manage)."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "edit: %s", _("give one profile NAME"));
	if (!add_sets(settings, sets) || !read_secrets(settings, &fs))
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
