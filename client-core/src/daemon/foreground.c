/*
 * roadvpnd --foreground --profile FILE: one connection without D-Bus,
 * logging to stderr. The entry point for interop tests and debugging.
 * Exits 0 after a clean disconnect (SIGINT/SIGTERM); on failure prints one
 * line "roadvpnd: <phase>: <reason>" and exits with the documented status.
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "daemon/foreground.h"
#include "diagnose/diagnose.h"
#include "runstate.h"
#include "secret-file.h"
#include "session/session.h"
#include "util/log.h"

struct foreground {
	GMainLoop *loop;
	struct session *session;
	int exit_code;
	unsigned int signals;
};

static void on_phase(void *user_data, enum session_phase phase)
{
}

static void on_finished(void *user_data, const struct session_failure *failure)
{
	struct foreground *fg = user_data;
	char line[320];

	fg->exit_code = 0;
	if (failure) {
		session_failure_message(failure, line, sizeof(line));
		fprintf(stderr, "roadvpnd: %s\n", line);
		fg->exit_code = session_failure_exit_code(failure);
	} else {
		rv_log_info("roadvpnd", "disconnected");
	}

	g_main_loop_quit(fg->loop);
}

static gboolean on_signal(gpointer user_data)
{
	struct foreground *fg = user_data;

	/* A second signal means the user will not wait for a clean goodbye. */
	if (++fg->signals > 1) {
		fprintf(stderr, "roadvpnd: interrupted again, leaving without a clean disconnect\n");
		g_main_loop_quit(fg->loop);
		return G_SOURCE_CONTINUE;
	}

	session_stop(fg->session);
	return G_SOURCE_CONTINUE;
}

/* The secret-file rule is shared with the front ends (secret-file.h). */
static int read_secret_file(struct profile *p, const char *name, const char *path)
{
	char buf[RV_SECRET_FILE_BUF];
	int r = rv_secret_file_read(path, buf, sizeof(buf));

	if (r < 0) {
		fprintf(stderr, "roadvpnd: cannot read the %s file %s: %s\n", name, path,
			g_strerror(-r));
		return -EIO;
	}
	if (r > 0) {
		fprintf(stderr, "roadvpnd: the %s file %s %s\n", name, path,
			rv_secret_file_status_text(r));
		return -EINVAL;
	}
	profile_set_secret(p, name, buf, NULL);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* The secrets, then everything as the connection will use it: refused now, not later. */
static int check_profile(struct profile *p, const struct foreground_options *opt)
{
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) missing = NULL;

	if (opt->password_file && read_secret_file(p, "password", opt->password_file) < 0)
		return 2;
	if (opt->psk_file && read_secret_file(p, "psk", opt->psk_file) < 0)
		return 2;
	if (opt->key_password_file &&
	    read_secret_file(p, "key-password", opt->key_password_file) < 0)
		return 2;

	missing = profile_missing_secrets(p);
	if (missing[0]) {
		g_autofree char *list = g_strjoinv(", ", missing);

		fprintf(stderr, "roadvpnd: profile: needs secrets: %s (in the profile, or --%s-file)\n",
			list, missing[0]);
		return 2;
	}

	if (!session_check_profile(p, &error)) {
		/* A person reads this: the tag is for front ends (profile.h). */
		fprintf(stderr, "roadvpnd: profile: %s\n", profile_problem_sentence(error->message));
		return 2;
	}
	return 0;
}

/* DIR/suites/ + the profile file's name without its extension, with a state dir only. */
static char *foreground_suite_file(const struct foreground_options *opt)
{
	g_autofree char *base = NULL;
	char *dot;

	if (!opt->state_dir || !*opt->state_dir)
		return NULL;
	base = g_path_get_basename(opt->profile_path);
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = 0;
	return rv_runstate_suite_file(opt->state_dir, base);
}

/* --diagnose: the report as D-Bus would carry it, one GVariant text line on stdout. */
static void on_diagnosed(const struct diagnose_report *r, void *user_data)
{
	struct foreground *fg = user_data;
	g_autoptr(GVariant) v = g_variant_ref_sink(diagnose_report_to_variant(r));
	g_autofree char *text = g_variant_print(v, FALSE);

	printf("%s\n", text);
	fflush(stdout);
	fg->exit_code = diagnose_first_failure(r) ? 1 : 0;
	g_main_loop_quit(fg->loop);
}

static int diagnose(struct profile *p)
{
	struct foreground fg = { .exit_code = 1, .loop = g_main_loop_new(NULL, FALSE) };
	struct diagnose_run *run = diagnose_run_start(p, on_diagnosed, &fg);

	g_main_loop_run(fg.loop);
	diagnose_run_free(run);
	g_main_loop_unref(fg.loop);
	return fg.exit_code;
}

int foreground_run(const struct foreground_options *opt)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) profile = profile_load_file(opt->profile_path, &error);
	struct foreground fg = { .exit_code = 1 };
	struct session_config cfg = { .configure_network = true };
	struct session_ops ops = { .phase_changed = on_phase, .finished = on_finished };
	g_autofree char *suite_file = NULL;
	int r;

	if (!profile) {
		/* A person reads this: the tag is for front ends (profile.h). */
		fprintf(stderr, "roadvpnd: profile: %s\n", profile_problem_sentence(error->message));
		return 2;
	}

	r = check_profile(profile, opt);
	if (r)
		return r;

	rv_log_set_debug(opt->debug ? opt->debug : profile->debug_log);
	if (!profile->ipsec_enabled)
		rv_log_warning("roadvpnd", "plain L2TP: traffic to %s is not encrypted",
			       profile->gateway);
	else if (!strcmp(profile->ipsec_mode, "aggressive"))
		rv_log_warning("roadvpnd", "IKE Aggressive Mode sends a hash of the pre-shared key "
					   "that can be cracked offline");

	if (rv_crypto_init() < 0)
		rv_log_warning("roadvpnd", "OpenSSL failed to initialise");

	if (opt->diagnose)
		return diagnose(g_steal_pointer(&profile));

	cfg.profile = profile;
	suite_file = foreground_suite_file(opt);
	cfg.suite_file = suite_file;
	fg.loop = g_main_loop_new(NULL, FALSE);
	fg.session = session_new(&cfg, &ops, &fg);
	g_unix_signal_add(SIGINT, on_signal, &fg);
	g_unix_signal_add(SIGTERM, on_signal, &fg);

	session_start(fg.session);
	g_main_loop_run(fg.loop);

	session_free(fg.session);
	g_main_loop_unref(fg.loop);
	return fg.exit_code;
}
