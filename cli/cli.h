#pragma once
/*
 * roadvpn, the command-line client of roadvpnd. One file per group of
 * verbs; this header holds what they share: the bus proxies, calls that may
 * ask polkit interactively, and the exit statuses (documented in --help).
 */
#include <gio/gio.h>
#include <stdbool.h>

#include "rv-dbus.h"

/*
 * Exit statuses. 3..9 are roadvpnd's connection failure table
 * (session_failure_exit_code): 3 gateway unreachable, 4 authentication
 * failed, 5 L2TP failure, 6 PPP negotiation failed, 7 host network setup
 * failed, 8 IPsec negotiation failed, 9 connection lost after it was up.
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
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* The Manager proxy (created on first use; exits 14 when roadvpnd cannot be reached). */
RvDbusManager *cli_manager(void);
RvDbusConnection *cli_connection(const char *path);
/* Call a Manager method allowing interactive polkit authentication. NULL + error. */
GVariant *cli_call(const char *method, GVariant *params, const char *reply_type, GError **error);
/* Print "roadvpn: <message>" for a D-Bus error and return its exit status. */
int cli_error(const GError *error);
int cli_fail(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Parse the options of a verb; prints the error and returns false. --help exits 0. */
bool cli_parse(const char *verb, const char *args, const char *summary, GOptionEntry *entries,
	       int *argc, char ***argv);

/* The summary of one profile from ListProfiles (NULL + error if none). */
GVariant *cli_profile_summary(const char *name, GError **error);

/* secrets.c: read a secret file (one trailing newline dropped), prompt on the terminal. */
char *cli_read_secret_file(const char *path, GError **error);
char *cli_prompt_secret(const char *prompt);
void cli_free_secret(char *secret);

/* agent.c: a polkit text agent while we run, when a terminal can answer it. */
void cli_agent_start(void);
void cli_agent_stop(void);

int cli_list(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_log(int argc, char **argv);
int cli_connect(int argc, char **argv);
int cli_disconnect(int argc, char **argv);
int cli_add(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_edit(int argc, char **argv);
int cli_delete(int argc, char **argv);
