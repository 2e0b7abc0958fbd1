/*
 * import and export through the converter (docs/import.md): `roadvpn
 * import FILE...` takes a roadvpn profile, a NetworkManager-l2tp
 * connection, a .pbk, PowerShell lines or a .mobileconfig, prints what it
 * took and left out, and adds each connection with its secrets to the
 * helper's store (root, 0600): nothing of it is written anywhere else,
 * except an inline PKCS#12 identity, which goes where --files-dir says.
 * `--from-nm` takes every NetworkManager-l2tp connection of this machine.
 * `roadvpn export NAME --format nm-l2tp|mobileconfig|pbk` writes the other
 * direction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <roadvpn-client/rv-import.h>

#include "cli.h"

#define NM_CONNECTIONS_DIR "/etc/NetworkManager/system-connections"

struct import_opts {
	char *name, *entry, *user, *files_dir, *nm_dir;
	gboolean dry_run, from_nm;
};

static void import_opts_clear(struct import_opts *o)
{
	g_free(o->name);
	g_free(o->entry);
	g_free(o->user);
	g_free(o->files_dir);
	g_free(o->nm_dir);
}

/* At most RV_IMPORT_MAX_SIZE + 1 bytes: the converter says "too large" itself. */
static char *read_bounded(const char *path, size_t *len, GError **error)
{
	g_autoptr(GFile) f = g_file_new_for_commandline_arg(path);
	g_autoptr(GFileInputStream) in = g_file_read(f, NULL, error);
	char *buf;
	gsize n = 0;

	if (!in)
		return NULL;
	buf = g_malloc(RV_IMPORT_MAX_SIZE + 1);
	if (!g_input_stream_read_all(G_INPUT_STREAM(in), buf, RV_IMPORT_MAX_SIZE + 1, &n, NULL,
				     error)) {
		g_free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* An inline file (a PKCS#12 identity) saved 0600 under --files-dir; its path set in c. */
static int save_files(struct rv_import_conn *c, const char *profile, const char *dir)
{
	for (size_t i = 0; i < c->n_files; i++) {
		g_autofree char *base = g_strdup_printf("%s-%s", profile, c->files[i].suggested_name);
		g_autofree char *path = NULL;
		char *error = NULL;
		int fd;

		if (!dir)
			return cli_fail(CLI_EXIT_USAGE, _("%s: the file brings %s for %s: give "
							  "--files-dir DIR to save it"),
					profile, c->files[i].suggested_name, c->files[i].key);
		g_strdelimit(base, "/", '-');
		path = g_build_filename(dir, base, NULL);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, c->files[i].data, c->files[i].len) != (ssize_t)c->files[i].len ||
		    close(fd) < 0)
			return cli_fail(CLI_EXIT_FAILED, "%s: %s", path, g_strerror(errno));
		if (rv_import_set(c, c->files[i].key, path, &error) < 0) {
			int r = cli_fail(CLI_EXIT_FAILED, "%s", error);

			free(error);
			return r;
		}
		fprintf(stderr, _("saved %s (mode 0600) for %s\n"), path, c->files[i].key);
	}
	return CLI_EXIT_OK;
}

/* Give what the source lacked, or say what is missing and stop. */
static int complete(struct rv_import_conn *c, const char *profile, const struct import_opts *o)
{
	int r = save_files(c, profile, o->files_dir);

	if (r != CLI_EXIT_OK)
		return r;
	for (char **m = c->missing; *m;) {
		if (!strcmp(*m, "ppp.user") && o->user && rv_import_set(c, *m, o->user, NULL) >= 0)
			continue;   /* rv_import_set removed it from the list */
		return cli_fail(CLI_EXIT_USAGE, _("%s: %s is not in the file: give it (--user for "
						  "ppp.user, `roadvpn edit` afterwards for the rest)"),
				profile, *m);
	}
	return CLI_EXIT_OK;
}

/* --name, else the connection's own name, else the file's (office.conf: office). */
static char *profile_name(const struct rv_import_conn *c, const struct import_opts *o,
			  bool only, const char *path)
{
	char *base, *dot;

	if (o->name && only)
		return g_strdup(o->name);
	if (c->name && *c->name)
		return rv_import_suggest_name(c);
	base = g_path_get_basename(path);
	if ((dot = strrchr(base, '.')) && dot != base)
		*dot = '\0';
	return base;
}

static int add_one(struct rv_import_conn *c, const struct import_opts *o, bool only,
		   const char *path)
{
	g_autofree char *name = profile_name(c, o, only, path);
	char *text;
	int r = complete(c, name, o);

	if (r != CLI_EXIT_OK)
		return r;
	if (o->dry_run) {
		printf(ngettext("# profile %s (%zu secret found, not shown)\n",
				"# profile %s (%zu secrets found, not shown)\n", c->n_secrets),
		       name, c->n_secrets);
		fputs(c->profile_text, stdout);
		return CLI_EXIT_OK;
	}
	/* the secrets travel to the helper's store only */
	text = rv_import_text_with_secrets(c);
	r = cli_create_profile(name, text);
	explicit_bzero(text, strlen(text));
	free(text);
	return r;
}

static int import_file(const char *path, const struct import_opts *o, bool only_nm)
{
	struct rv_import_options io = { .entry = o->entry, .user = o->user };
	struct rv_import_result *r = NULL;
	g_autoptr(GError) gerror = NULL;
	g_autofree char *data = NULL, *report = NULL;
	char *error = NULL;
	size_t len = 0;
	int status = CLI_EXIT_OK;

	if (!(data = read_bounded(path, &len, &gerror)))
		return cli_fail(CLI_EXIT_USAGE, "%s", gerror->message);
	if (only_nm && rv_import_detect(data, len) != RV_FORMAT_NM_L2TP) {
		explicit_bzero(data, len);
		return CLI_EXIT_OK;   /* --from-nm: another kind of connection */
	}
	if (rv_import_data(data, len, &io, &r, &error) < 0) {
		status = cli_fail(CLI_EXIT_USAGE, _("%s: %s; nothing was added"), path, error);
		free(error);
		explicit_bzero(data, len);
		return status;
	}
	explicit_bzero(data, len);
	report = rv_import_report(r);
	fprintf(stderr, "%s: %s", path, report);
	for (size_t i = 0; i < r->n_conns && status == CLI_EXIT_OK; i++)
		status = add_one(&r->conns[i], o, r->n_conns == 1, path);
	rv_import_result_free(r);
	return status;
}

/* Every NetworkManager-l2tp connection in dir; the others are passed over. */
static int import_from_nm(const struct import_opts *o)
{
	const char *dir = o->nm_dir ? o->nm_dir : NM_CONNECTIONS_DIR;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
	const char *entry;
	int status = CLI_EXIT_OK;

	if (!d)
		return cli_fail(CLI_EXIT_USAGE, _("%s (reading NetworkManager's connections needs "
						  "root)"), error->message);
	while ((entry = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, entry, NULL);
		int r = import_file(path, o, true);

		if (r != CLI_EXIT_OK)
			status = r;   /* the others are still worth taking */
	}
	return status;
}

int cli_import(int argc, char **argv)
{
	struct import_opts o __attribute__((cleanup(import_opts_clear))) = { 0 };
	GOptionEntry e[] = {
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &o.name,
		  N_("Profile name (one connection; default: its name in the file)"), N_("NAME") },
		{ "entry", 0, 0, G_OPTION_ARG_STRING, &o.entry,
		  N_("Only this connection of a file that holds several"), N_("ENTRY") },
		{ "user", 'u', 0, G_OPTION_ARG_STRING, &o.user,
		  N_("PPP user name when the file has none (.pbk, PowerShell)"), N_("USER") },
		{ "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.files_dir,
		  N_("Where to save a certificate the file carries (mode 0600)"), N_("DIR") },
		{ "from-nm", 0, 0, G_OPTION_ARG_NONE, &o.from_nm,
		  N_("All NetworkManager-l2tp connections of this machine"), NULL },
		{ "nm-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.nm_dir,
		  N_("With --from-nm: read DIR, not /etc/NetworkManager/system-connections"), N_("DIR") },
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &o.dry_run,
		  N_("Print the report and the profiles; add nothing"), NULL },
		{ NULL },
	};
	int status = CLI_EXIT_OK;

	if (!cli_parse("import", "FILE... | --from-nm",
		       N_("Add system profiles from a roadvpn profile, a NetworkManager-l2tp "
		       "connection, a Windows .pbk or PowerShell lines, or an Apple "
		       ".mobileconfig (the format is read from the content). Prints what was "
		       "taken and what was left out."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc < 2 && !o.from_nm)
		return cli_fail(CLI_EXIT_USAGE, "import: %s", _("give a FILE or --from-nm"));
	if (o.from_nm)
		status = import_from_nm(&o);
	for (int i = 1; i < argc && status == CLI_EXIT_OK; i++)
		status = import_file(argv[i], &o, false);
	return status;
}

/* --psk-file / --password-file: secrets to put into the exported file. */
static int export_secrets(const char *psk_file, const char *pw_file,
			  struct rv_import_secret *s, size_t *n)
{
	const char *files[2] = { psk_file, pw_file }, *names[2] = { "psk", "password" };

	*n = 0;
	for (int i = 0; i < 2; i++) {
		g_autoptr(GError) error = NULL;

		if (!files[i])
			continue;
		s[*n].name = (char *)names[i];
		if (!(s[*n].value = rvc_secret_file_read(files[i], &error)))
			return cli_fail(CLI_EXIT_USAGE, "%s", error->message);
		(*n)++;
	}
	return CLI_EXIT_OK;
}

static int write_export(const char *out, const char *data, size_t len, bool has_secret)
{
	int fd;

	if (!out) {
		fwrite(data, 1, len, stdout);
		return CLI_EXIT_OK;
	}
	/* a file holding a PSK or password is the user's alone */
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, has_secret ? 0600 : 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
		return cli_fail(CLI_EXIT_FAILED, "%s: %s", out, g_strerror(errno));
	return CLI_EXIT_OK;
}

static int export_as(const char *profile, const char *text, const char *format,
		     const char *out, struct rv_import_secret *secrets, size_t n_secrets)
{
	enum rv_export_format fmt;
	struct rv_import_note *notes = NULL;
	size_t n_notes = 0, len = 0;
	char *data = NULL, *error = NULL;
	int r;

	if (rv_export_format_from_name(format, &fmt) < 0)
		return cli_fail(CLI_EXIT_USAGE, "export: %s", _("--format is nm-l2tp, mobileconfig or pbk"));
	if (rv_export(text, strlen(text), secrets, n_secrets, fmt, &data, &len, &notes, &n_notes,
		      &error) < 0) {
		r = cli_fail(CLI_EXIT_USAGE, "export %s: %s", profile, error);
		free(error);
		return r;
	}
	for (size_t i = 0; i < n_notes; i++)
		fprintf(stderr, _("left out %s: %s\n"), notes[i].field, notes[i].text);
	r = write_export(out, data, len, n_secrets > 0);
	explicit_bzero(data, len);
	free(data);
	rv_import_notes_free(notes, n_notes);
	return r;
}

int cli_export(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL, *format = NULL, *out = NULL, *psk = NULL, *pw = NULL;
	struct rv_import_secret secrets[2] = { { 0 } };
	size_t n = 0;
	GOptionEntry e[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format,
		  N_("nm-l2tp, mobileconfig or pbk (default: the roadvpn profile)"),
		  "nm-l2tp|mobileconfig|pbk" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE, not stdout"),
		  N_("FILE") },
		{ "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &psk,
		  N_("Put this PSK into the exported file"), N_("FILE") },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &pw,
		  N_("Put this password into the exported file"), N_("FILE") },
		{ NULL },
	};
	int r;

	if (!cli_parse("export", "NAME [--format nm-l2tp|mobileconfig|pbk]",
		       N_("Print a profile, or write it for another platform. Secrets are never "
		       "read from roadvpnd; --psk-file/--password-file add them."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "export: %s", _("give one profile NAME"));
	if (!(text = rvc_client_get_profile_sync(cli_client(), argv[1], NULL, NULL, &error)))
		return cli_error(error);
	if (!format)
		return write_export(out, text, strlen(text), false);
	if ((r = export_secrets(psk, pw, secrets, &n)) == CLI_EXIT_OK)
		r = export_as(argv[1], text, format, out, secrets, n);
	for (size_t i = 0; i < n; i++)
		rvc_secret_free(secrets[i].value);
	return r;
}
