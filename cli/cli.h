#pragma once
/*
 * roadvpn, the command-line client of roadvpnd, on libroadvpn-client. One
 * file per group of verbs; this header holds what they share: the client,
 * option parsing, and the exit statuses (documented in `roadvpn --help`).
 * What the helper says and how to reach it is the library's; what the user
 * sees (lines, prompts, exit statuses) is the CLI's.
 */
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdbool.h>

#include <roadvpn-client/roadvpn-client.h>

/*
 * Exit statuses. 3..9 are roadvpnd's connection failure table (the
 * connection's exit code): 3 gateway unreachable, 4 authentication failed,
 * 5 L2TP failure, 6 PPP negotiation failed, 7 host network setup failed,
 * 8 IPsec negotiation failed, 9 connection lost after it was up.
 */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1,
	CLI_EXIT_USAGE = 2,             /* bad usage or an invalid profile */
	CLI_EXIT_NOT_AUTHORIZED = 10,
	CLI_EXIT_NO_SUCH_PROFILE = 11,
	CLI_EXIT_NEEDS_SECRETS = 12,
	CLI_EXIT_ALREADY_ACTIVE = 13,
	CLI_EXIT_NO_HELPER = 14,
};

struct cli_verb {
	const char *name;
	const char *args;
	const char *summary;   /* N_(): translated when shown */
	int (*run)(int argc, char **argv);
};

/* The client (created on first use; exits with its error's status when roadvpnd is unusable). */
RvcClient *cli_client(void);
/* The exit status for an error of the library (or of reading a file). */
int cli_error_status(const GError *error);
/* Print "roadvpn: <message>" and return the error's exit status. */
int cli_error(const GError *error);
int cli_fail(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Parse the options of a verb; prints the error and returns false. --help exits 0.
 * `summary` and the entries' descriptions are N_() texts: GOption translates them. */
bool cli_parse(const char *verb, const char *args, const char *summary, GOptionEntry *entries,
	       int *argc, char ***argv);

/* profiles.c: AddProfile (polkit may ask); prints "added NAME". */
int cli_create_profile(const char *name, const char *text);

/*
 * secrets.c: a secret typed on the terminal without echo. NULL + error: no
 * terminal (G_IO_ERROR_NOT_FOUND), end of input (G_IO_ERROR_CANCELLED), an
 * answer over 1024 bytes (G_IO_ERROR_MESSAGE_TOO_LARGE, refused).
 */
char *cli_prompt_secret(const char *prompt, GError **error);
/* Before reading a secret: this process becomes non-dumpable (no core, no ptrace). */
void cli_hold_secrets(void);

/* text.c: `s` with control and format characters escaped (\xNN, \uNNNN), for a terminal. */
char *cli_printable(const char *s);

/*
 * text.c: a JSON writer (docs/cli.md has the shapes). Values go into `out`
 * with ", " and ": " between them; `k` is the key, NULL inside an array.
 */
struct cli_json {
	GString *out;
	int depth;
	unsigned int count[8];  /* values written at each depth */
};
void cli_json_open(struct cli_json *j, const char *k, char bracket);
void cli_json_close(struct cli_json *j, char bracket);
void cli_json_str(struct cli_json *j, const char *k, const char *v);
void cli_json_str_or_null(struct cli_json *j, const char *k, const char *v);
void cli_json_strv(struct cli_json *j, const char *k, const char *const *v);
void cli_json_int(struct cli_json *j, const char *k, gint64 v);
void cli_json_uint(struct cli_json *j, const char *k, guint64 v);
void cli_json_bool(struct cli_json *j, const char *k, bool v);
/* "last-error": {phase, reason, message}, "exit-code": N */
void cli_json_failure(struct cli_json *j, const RvcFailure *f, int exit_code);

/* connect.c: the secrets of one connect (or diagnose), from files or the terminal. */
struct cli_secret_files {
	char *password_file, *psk_file, *l2tp_secret_file, *key_password_file;
};
/* The GOptionEntry lines for them (one place, so every verb says the same). */
#define CLI_SECRET_FILE_ENTRIES(f) \
	{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &(f).password_file, \
	  N_("Read the PPP password from FILE (not stored)"), N_("FILE") }, \
	{ "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &(f).psk_file, \
	  N_("Read the IPsec pre-shared key from FILE (not stored)"), N_("FILE") }, \
	{ "l2tp-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &(f).l2tp_secret_file, \
	  N_("Read the L2TP tunnel secret from FILE (not stored)"), N_("FILE") }, \
	{ "key-password-file", 0, 0, G_OPTION_ARG_FILENAME, &(f).key_password_file, \
	  N_("Read the password of the PKCS#12 bundle or private key from FILE (not stored)"), \
	  N_("FILE") }
/* Read the files given into `opts`; prints the error and returns false. */
bool cli_add_secret_files(RvcConnectOptions *opts, const struct cli_secret_files *f);
void cli_secret_files_clear(struct cli_secret_files *f);
/* An RvcSecretsFunc asking on the terminal; user_data is a GError ** for why it could not. */
void cli_ask_secrets(RvcSecretsRequest *request, gpointer user_data);
/* Connect or diagnose failed; `why` says why the prompt gave nothing, if it was asked. */
int cli_secrets_failed(const GError *error, const GError *why);

/* agent.c: a polkit text agent while we run, when a terminal can answer it. */
void cli_agent_start(void);
void cli_agent_stop(void);

int cli_list(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_log(int argc, char **argv);
int cli_connect(int argc, char **argv);
int cli_disconnect(int argc, char **argv);
int cli_diagnose(int argc, char **argv);
int cli_add(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_edit(int argc, char **argv);
int cli_delete(int argc, char **argv);
