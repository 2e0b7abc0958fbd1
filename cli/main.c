/*
 * roadvpn: verbs, shared D-Bus plumbing and error reporting. Talks only to
 * roadvpnd over the system bus; never needs root itself (polkit decides,
 * through a text agent on a terminal when it must ask for a password).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_verb verbs[] = {
	{ "list", "", N_("List the system profiles and their state"), cli_list },
	{ "status", "[NAME]", N_("Show connections (addresses, DNS, counters)"), cli_status },
	{ "connect", "NAME", N_("Connect a profile"), cli_connect },
	{ "disconnect", "NAME|--all", N_("Disconnect a profile, or all"), cli_disconnect },
	{ "diagnose", "NAME [--json]", N_("Connect step by step and say where and why it fails"), cli_diagnose },
	{ "add", "NAME --gateway HOST --user USER ...", N_("Add a system profile"), cli_add },
	{ "import", "FILE...|--from-nm", N_("Add profiles from roadvpn, NetworkManager-l2tp, .pbk, PowerShell or .mobileconfig files"), cli_import },
	{ "export", "NAME [--format F]", N_("Print a profile, or write it as nm-l2tp, mobileconfig or pbk"), cli_export },
	{ "edit", "NAME --set section.key=value ...", N_("Change a profile"), cli_edit },
	{ "delete", "NAME", N_("Remove a system profile"), cli_delete },
	{ "log", "NAME", N_("Show a connection's log"), cli_log },
};

static const char exit_statuses[] = N_(
	"Exit status: 0 success, 1 failure, 2 bad usage or invalid profile,\n"
	"3 gateway unreachable, 4 authentication failed, 5 L2TP failure,\n"
	"6 PPP negotiation failed, 7 host network setup failed, 8 IPsec failed,\n"
	"9 connection lost after it was up, 10 not authorized, 11 no such profile,\n"
	"12 secrets needed but no terminal to ask, 13 already active,\n"
	"14 roadvpnd not reachable.\n");

static RvcClient *client;

RvcClient *cli_client(void)
{
	g_autoptr(GError) error = NULL;

	if (!client)
		client = rvc_client_new_sync(NULL, &error);
	if (!client)
		exit(cli_error(error));
	return client;
}

int cli_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("roadvpn: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int rvc_status(RvcError code)
{
	switch (code) {
	case RVC_ERROR_NOT_AUTHORIZED:
		return CLI_EXIT_NOT_AUTHORIZED;
	case RVC_ERROR_NO_SUCH_PROFILE:
		return CLI_EXIT_NO_SUCH_PROFILE;
	case RVC_ERROR_INVALID_PROFILE:
	case RVC_ERROR_EXISTS:
	case RVC_ERROR_BAD_SECRET_FILE:
	case RVC_ERROR_INVALID_ARGUMENT:
		return CLI_EXIT_USAGE;
	case RVC_ERROR_NEEDS_SECRETS:
		return CLI_EXIT_NEEDS_SECRETS;
	case RVC_ERROR_ALREADY_ACTIVE:
	case RVC_ERROR_BUSY:
		return CLI_EXIT_ALREADY_ACTIVE;
	case RVC_ERROR_HELPER_NOT_REACHABLE:
		return CLI_EXIT_NO_HELPER;
	case RVC_ERROR_FAILED:
	case RVC_ERROR_AUTHORIZATION_UNAVAILABLE:   /* a fault, not a refusal */
	case RVC_ERROR_LIMITS_EXCEEDED:
	case RVC_ERROR_INCOMPATIBLE:
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_FAILED;
}

int cli_error_status(const GError *error)
{
	if (error->domain == RVC_ERROR)
		return rvc_status((RvcError)error->code);
	/* A secret or profile file that cannot be read is a usage error. */
	if (error->domain == G_FILE_ERROR)
		return CLI_EXIT_USAGE;
	return CLI_EXIT_FAILED;
}

int cli_error(const GError *error)
{
	return cli_fail(cli_error_status(error), "%s", error->message);
}

bool cli_parse(const char *verb, const char *args, const char *summary, GOptionEntry *entries,
	       int *argc, char ***argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(args);
	g_autoptr(GError) error = NULL;

	/* "roadvpn connect [OPTION…] NAME" (one verb per process, so set once). */
	static char prgname[64];

	snprintf(prgname, sizeof(prgname), "roadvpn %s", verb);
	g_set_prgname(prgname);
	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, summary);
	/* The exit table is long: it is in `roadvpn --help` only. */
	g_option_context_set_description(ctx, N_("Exit statuses: see roadvpn --help."));
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		cli_fail(CLI_EXIT_USAGE, _("%s: %s (see roadvpn %s --help)"), verb, error->message, verb);
		return false;
	}
	return true;
}

static void usage(FILE *out)
{
	fprintf(out, "%s", _("Usage: roadvpn VERB [OPTIONS]\n\nVerbs:\n"));
	for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
		fprintf(out, "  %-11s %-36s %s\n", verbs[i].name, verbs[i].args, _(verbs[i].summary));
	fprintf(out, "\n%s\n\n%s", _("'roadvpn VERB --help' shows the options of a verb."),
		_(exit_statuses));
}

int main(int argc, char **argv)
{
	int r;

	/* The user's language for what a person reads; --json and ids stay English. */
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, rvc_localedir());
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("roadvpn %s\n", ROADVPN_VERSION);
		return 0;
	}

	for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++) {
		if (strcmp(argv[1], verbs[i].name))
			continue;
		r = verbs[i].run(argc - 1, argv + 1);
		g_clear_object(&client);
		cli_agent_stop();
		return r;
	}
	return cli_fail(CLI_EXIT_USAGE, _("unknown verb '%s' (see roadvpn --help)"), argv[1]);
}
