/*
 * roadvpnd: the privileged helper. By default it serves org.roadvpn.Helper1
 * on the system bus (service.c); `--foreground --profile FILE` runs one
 * connection without D-Bus (tests, debugging).
 */
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "daemon/foreground.h"
#include "daemon/service.h"

/*
 * Every user's secrets pass through this process: first thing, before any
 * is read, no core dump (a crash would write them to disk, and with
 * fs.suid_dumpable=2 even a non-dumpable process dumps, hence RLIMIT_CORE
 * too) and no ptrace or /proc/PID/mem by anyone but root with
 * CAP_SYS_PTRACE.
 */
static void keep_memory_private(void)
{
	const struct rlimit no_core = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fprintf(stderr, "roadvpnd: cannot make the process non-dumpable: %s\n",
			strerror(errno));
	if (setrlimit(RLIMIT_CORE, &no_core) < 0)
		fprintf(stderr, "roadvpnd: cannot disable core dumps: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	gboolean foreground = FALSE, version = FALSE, diagnose = FALSE;
	g_autofree char *profile_path = NULL, *password_file = NULL, *psk_file = NULL, *debug = NULL;
	g_autofree char *key_password_file = NULL;
	struct foreground_options opt = { 0 };
	struct service_options svc = { 0 };
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("- roadvpn L2TP/IPsec helper");
	GOptionEntry entries[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground,
		  "Run one connection from --profile without D-Bus, logging to stderr", NULL },
		{ "diagnose", 0, 0, G_OPTION_ARG_NONE, &diagnose,
		  "With --foreground: diagnose the profile (step by step, the host network "
		  "untouched) and print the report", NULL },
		{ "profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path,
		  "Connection profile (GKeyFile)", "FILE" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
		  "Read the PPP password from FILE", "FILE" },
		{ "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &psk_file,
		  "Read the IPsec pre-shared key from FILE", "FILE" },
		{ "key-password-file", 0, 0, G_OPTION_ARG_FILENAME, &key_password_file,
		  "Read the password of the PKCS#12 bundle or encrypted key from FILE", "FILE" },
		{ "debug", 'd', 0, G_OPTION_ARG_STRING, &debug,
		  "Debug logs for components (l2tp,ppp,net,session or all)", "LIST" },
		{ "profiles-dir", 0, 0, G_OPTION_ARG_FILENAME, &svc.profiles_dir,
		  "Service: system profiles (default /etc/roadvpn/connections, "
		  "or $ROADVPN_PROFILES_DIR)", "DIR" },
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &svc.state_dir,
		  "Service: crash records and DNS backups (default /run/roadvpn, "
		  "or $ROADVPN_STATE_DIR); both modes: the IPsec suites that worked", "DIR" },
		{ "keep-caps", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &svc.keep_caps,
		  "Service: do not drop capabilities (debugging)", NULL },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
		{ NULL },
	};

	keep_memory_private();
	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
		"Exit status with --foreground: 0 clean disconnect, 1 internal error, 2 bad profile\n"
		"or usage, 3 gateway unreachable, 4 authentication failed, 5 L2TP failure,\n"
		"6 PPP negotiation failed, 7 host network setup failed, 8 IPsec negotiation failed,\n"
		"9 connection lost after it was up.\n");

	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "roadvpnd: %s\n", error->message);
		return 2;
	}

	if (version) {
		printf("roadvpnd %s\n", ROADVPN_VERSION);
		return 0;
	}

	opt = (struct foreground_options){
		.profile_path = profile_path,
		.password_file = password_file,
		.psk_file = psk_file,
		.key_password_file = key_password_file,
		.debug = debug,
		.state_dir = svc.state_dir ? svc.state_dir : g_getenv("ROADVPN_STATE_DIR"),
		.diagnose = diagnose,
	};

	if (!foreground) {
		svc.debug = opt.debug;
		return service_run(&svc);
	}

	if (!opt.profile_path) {
		fprintf(stderr, "roadvpnd: --foreground needs --profile FILE\n");
		return 2;
	}

	return foreground_run(&opt);
}
