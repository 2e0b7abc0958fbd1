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
#include "dbus/errors.h"

static const struct cli_verb verbs[] = {
	{ "list", "", "List the system profiles and their state", cli_list },
	{ "status", "[NAME]", "Show connections (addresses, DNS, counters)", cli_status },
	{ "connect", "NAME", "Connect a profile", cli_connect },
	{ "disconnect", "NAME|--all", "Disconnect a profile, or all", cli_disconnect },
	{ "add", "NAME --gateway HOST --user USER ...", "Add a system profile", cli_add },
	{ "import", "FILE", "Add a system profile from a profile file", cli_import },
	{ "export", "NAME", "Print a profile (without secrets)", cli_export },
	{ "edit", "NAME --set section.key=value ...", "Change a profile", cli_edit },
	{ "delete", "NAME", "Remove a system profile", cli_delete },
	{ "log", "NAME", "Show a connection's log", cli_log },
};

static const char exit_statuses[] =
	"Exit status: 0 success, 1 failure, 2 bad usage or invalid profile,\n"
	"3 gateway unreachable, 4 authentication failed, 5 L2TP failure,\n"
	"6 PPP negotiation failed, 7 host network setup failed, 8 IPsec failed,\n"
	"9 connection lost after it was up, 10 not authorized, 11 no such profile,\n"
	"12 secrets needed but no terminal to ask, 13 already active,\n"
	"14 roadvpnd not reachable.\n";

static RvDbusManager *manager;

RvDbusManager *cli_manager(void)
{
	g_autoptr(GError) error = NULL;

	if (manager)
		return manager;
	manager = rv_dbus_manager_proxy_new_for_bus_sync(G_BUS_TYPE_SYSTEM,
		G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION, "org.roadvpn.Helper1",
		"/org/roadvpn/Helper1", NULL, &error);
	if (!manager)
		exit(cli_fail(CLI_EXIT_NO_HELPER, "cannot reach roadvpnd: %s", error->message));
	/* Connecting may wait for a password typed into a polkit agent. */
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(manager), G_MAXINT);
	return manager;
}

RvDbusConnection *cli_connection(const char *path)
{
	g_autoptr(GError) error = NULL;
	RvDbusConnection *c = rv_dbus_connection_proxy_new_for_bus_sync(G_BUS_TYPE_SYSTEM,
		G_DBUS_PROXY_FLAGS_NONE, "org.roadvpn.Helper1", path, NULL, &error);

	if (!c)
		exit(cli_fail(CLI_EXIT_FAILED, "cannot read %s: %s", path, error->message));
	return c;
}

GVariant *cli_call(const char *method, GVariant *params, const char *reply_type, GError **error)
{
	cli_agent_start();
	return g_dbus_proxy_call_sync(G_DBUS_PROXY(cli_manager()), method, params,
				      G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
				      G_MAXINT, NULL, error);
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

static int error_status(const GError *error)
{
	switch ((enum rv_error_code)rv_error_from_dbus(error)) {
	case RV_ERROR_NOT_AUTHORIZED:
		return CLI_EXIT_NOT_AUTHORIZED;
	case RV_ERROR_NO_SUCH_PROFILE:
		return CLI_EXIT_NO_SUCH_PROFILE;
	case RV_ERROR_INVALID_PROFILE:
	case RV_ERROR_EXISTS:
		return CLI_EXIT_USAGE;
	case RV_ERROR_NEEDS_SECRETS:
		return CLI_EXIT_NEEDS_SECRETS;
	case RV_ERROR_ALREADY_ACTIVE:
	case RV_ERROR_BUSY:
		return CLI_EXIT_ALREADY_ACTIVE;
	case RV_ERROR_FAILED:
	case RV_ERROR_AUTH_UNAVAILABLE:   /* polkit could not answer: a fault, not a refusal */
		return CLI_EXIT_FAILED;
	}

	if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
	    g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
		return CLI_EXIT_NO_HELPER;
	return CLI_EXIT_FAILED;
}

int cli_error(const GError *error)
{
	g_autoptr(GError) copy = g_error_copy(error);

	g_dbus_error_strip_remote_error(copy);
	return cli_fail(error_status(error), "%s", copy->message);
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
	g_option_context_set_summary(ctx, summary);
	g_option_context_set_description(ctx, exit_statuses);
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		cli_fail(CLI_EXIT_USAGE, "%s: %s (see roadvpn %s --help)", verb, error->message, verb);
		return false;
	}
	return true;
}

GVariant *cli_profile_summary(const char *name, GError **error)
{
	g_autoptr(GVariant) list = NULL;
	GVariantIter iter;
	const char *n;
	GVariant *dict;

	if (!rv_dbus_manager_call_list_profiles_sync(cli_manager(), &list, NULL, error))
		return NULL;
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s@a{sv})", &n, &dict)) {
		if (!strcmp(n, name))
			return dict;
		g_variant_unref(dict);
	}
	g_set_error(error, RV_ERROR, RV_ERROR_NO_SUCH_PROFILE, "no profile named '%s'", name);
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: roadvpn VERB [OPTIONS]\n\nVerbs:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
		fprintf(out, "  %-11s %-36s %s\n", verbs[i].name, verbs[i].args, verbs[i].summary);
	fprintf(out, "\n'roadvpn VERB --help' shows the options of a verb.\n\n%s", exit_statuses);
}

int main(int argc, char **argv)
{
	int r;

	setlocale(LC_ALL, "");
	(void)RV_ERROR;
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
		g_clear_object(&manager);
		cli_agent_stop();
		return r;
	}
	return cli_fail(CLI_EXIT_USAGE, "unknown verb '%s' (see roadvpn --help)", argv[1]);
}
