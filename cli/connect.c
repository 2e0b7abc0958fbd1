/*
 * connect and disconnect. `connect --wait` follows the connection
 * (rvc_connection_follow) and prints each step as it completes:
 *   L2TP tunnel ... ok
 *   PPP auth (MS-CHAPv2) ... ok
 *   IP 203.0.113.10, DNS 203.0.113.253 on rvpn0
 * Lines from PPP auth on wait for the method, which is known once up. On a
 * failure the last line is "roadvpn: <phase>: <reason>" (the library's
 * label and failure text, in the user's language) and the exit status
 * is roadvpnd's table (3..9).
 */
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_TIMEOUT 120

struct progress {
	GMainLoop *loop;
	RvcConnection *conn;
	const char *name;
	GCancellable *cancel;
	RvcPhase pending;     /* the step entered last, whose line is not printed yet */
	GString *held;        /* lines from PPP auth on, until the method is known */
	int exit_code;
	bool quiet;           /* no step lines: connect without --wait */
	bool interrupted, timed_out;
};

/* The PPP auth line's method is filled in at flush time (\x01 marks its place). */
static void flush_held(struct progress *p)
{
	if (p->quiet) {
		g_string_truncate(p->held, 0);
		return;
	}
	const char *method = rvc_connection_get_auth_method(p->conn);
	g_autofree char *with = g_strdup_printf(" (%s)", method);
	g_auto(GStrv) parts = g_strsplit(p->held->str, "\x01", -1);
	g_autofree char *text = g_strjoinv(*method ? with : "", parts);

	fputs(text, stdout);
	g_string_truncate(p->held, 0);
	fflush(stdout);
}

/* The pending step's "label ... result" line; from PPP auth on it waits for the method. */
static void finish_step(struct progress *p, const char *result)
{
	RvcPhase step = p->pending;

	if (step == RVC_PHASE_UNKNOWN)
		return;
	p->pending = RVC_PHASE_UNKNOWN;
	g_string_append_printf(p->held, "%s%s ... %s\n", rvc_phase_label(step),
			       step == RVC_PHASE_PPP_AUTH ? "\x01" : "", result);
	if (step < RVC_PHASE_PPP_AUTH)
		flush_held(p);
}

static void print_up(struct progress *p)
{
	const char *const *dns = rvc_connection_get_dns(p->conn);
	g_autofree char *dns_list = dns[0] ? g_strjoinv(", ", (char **)dns) : NULL;

	finish_step(p, C_("step result", "ok"));
	flush_held(p);
	if (!p->quiet)
		printf(_("IP %s, DNS %s on %s\n"), rvc_connection_get_address(p->conn),
		       dns_list ? dns_list : _("(none)"), rvc_connection_get_interface(p->conn));
	printf(_("connected: %s\n"), p->name);
	p->exit_code = CLI_EXIT_OK;
}

/* The library reported every step up to the one that failed: that one failed. */
static void print_failed(struct progress *p, const RvcFailure *f)
{
	RvcPhase phase = rvc_phase_from_id(f->phase);

	/* The library's words, in the user's language (the helper's message is English). */
	if (rvc_phase_is_step(phase))
		finish_step(p, C_("step result", "failed"));
	flush_held(p);
	if (*f->phase || *f->reason)
		/* TRANSLATORS: "<phase>: <reason>", e.g. "IKE phase 1: The gateway did not answer". */
		cli_fail(0, _("%s: %s"), rvc_phase_label(phase), rvc_failure_text(phase, f->reason));
	else
		cli_fail(0, "%s", _("the connection failed"));
	p->exit_code = rvc_connection_get_exit_code(p->conn);
	if (p->exit_code <= 0)
		p->exit_code = CLI_EXIT_FAILED;
}

static void on_progress(RvcConnection *c, const RvcProgress *pr, gpointer user_data)
{
	struct progress *p = user_data;

	if (rvc_phase_is_step(pr->phase)) {
		finish_step(p, C_("step result", "ok"));
		p->pending = pr->phase;
	} else if (pr->phase == RVC_PHASE_UP) {
		print_up(p);
	} else if (pr->phase == RVC_PHASE_FAILED) {
		print_failed(p, &pr->failure);
	} else if (pr->phase == RVC_PHASE_DISCONNECTED) {
		flush_held(p);
		p->exit_code = cli_fail(CLI_EXIT_FAILED, _("%s: disconnected before it was up"),
					p->name);
	}
}

static void on_followed(GObject *source, GAsyncResult *result, gpointer user_data)
{
	struct progress *p = user_data;
	g_autoptr(GError) error = NULL;

	if (rvc_connection_follow_finish(p->conn, result, &error) == RVC_PHASE_UNKNOWN &&
	    !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		flush_held(p);
		p->exit_code = cli_error(error);
	}
	g_main_loop_quit(p->loop);
}

static gboolean on_timeout(gpointer user_data)
{
	struct progress *p = user_data;

	p->timed_out = true;
	g_cancellable_cancel(p->cancel);
	return G_SOURCE_REMOVE;
}

static gboolean on_interrupt(gpointer user_data)
{
	struct progress *p = user_data;

	p->interrupted = true;
	g_cancellable_cancel(p->cancel);
	return G_SOURCE_REMOVE;
}

/*
 * Follow the connection for `timeout` seconds. quiet (connect without
 * --wait): no step lines, and still connecting at the end is fine.
 */
static int wait_for(const char *name, RvcConnection *conn, int timeout, bool quiet)
{
	struct progress p = {
		.name = name, .conn = conn, .pending = RVC_PHASE_UNKNOWN,
		.exit_code = CLI_EXIT_FAILED, .quiet = quiet,
	};
	guint sigint, timer;

	p.held = g_string_new(NULL);
	p.loop = g_main_loop_new(NULL, FALSE);
	p.cancel = g_cancellable_new();
	sigint = g_unix_signal_add(SIGINT, on_interrupt, &p);
	timer = g_timeout_add_seconds((guint)timeout, on_timeout, &p);
	rvc_connection_follow(conn, on_progress, &p, p.cancel, on_followed, &p);
	g_main_loop_run(p.loop);
	if (!p.interrupted)
		g_source_remove(sigint);
	if (!p.timed_out)
		g_source_remove(timer);

	if (p.timed_out && quiet) {
		printf(_("connecting %s (roadvpn status %s)\n"), name, name);
		p.exit_code = CLI_EXIT_OK;
	} else if (p.timed_out) {
		p.exit_code = cli_fail(CLI_EXIT_FAILED, _("%s: still not up; it keeps trying "
				       "(roadvpn status %s)"), name, name);
	} else if (p.interrupted) {
		g_autoptr(GError) error = NULL;

		fprintf(stderr, "\nroadvpn: ");
		fprintf(stderr, _("interrupted: disconnecting %s\n"), name);
		rvc_connection_disconnect_sync(conn, NULL, &error);
		p.exit_code = 130;
	}
	g_main_loop_unref(p.loop);
	g_object_unref(p.cancel);
	g_string_free(p.held, TRUE);
	return p.exit_code;
}

/* Without --wait, a failure this quick is still reported (and exits non-zero). */
#define AT_ONCE_SECONDS 1

struct connect_args {
	struct cli_secret_files files;
	gboolean wait, no_network;
	int timeout;
};

static bool add_file_secret(RvcConnectOptions *opts, const char *kind, const char *path)
{
	g_autoptr(GError) error = NULL;
	char *v;

	if (!path)
		return true;
	v = rvc_secret_file_read(path, &error);
	if (!v) {
		cli_fail(CLI_EXIT_USAGE, "%s", error->message);
		return false;
	}
	rvc_connect_options_set_secret(opts, kind, v);
	rvc_secret_free(v);
	return true;
}

bool cli_add_secret_files(RvcConnectOptions *opts, const struct cli_secret_files *f)
{
	return add_file_secret(opts, RVC_SECRET_PASSWORD, f->password_file) &&
	       add_file_secret(opts, RVC_SECRET_PSK, f->psk_file) &&
	       add_file_secret(opts, RVC_SECRET_L2TP_SECRET, f->l2tp_secret_file) &&
	       add_file_secret(opts, RVC_SECRET_KEY_PASSWORD, f->key_password_file);
}

void cli_secret_files_clear(struct cli_secret_files *f)
{
	g_free(f->password_file);
	g_free(f->psk_file);
	g_free(f->l2tp_secret_file);
	g_free(f->key_password_file);
}

/*
 * The secrets roadvpnd named, asked on the terminal, whatever their kinds;
 * none at all when one cannot be asked (why is kept for the message).
 */
void cli_ask_secrets(RvcSecretsRequest *request, gpointer user_data)
{
	GError **why = user_data;
	const char *name = rvc_secrets_request_get_profile(request);

	for (const char *const *k = rvc_secrets_request_get_kinds(request); *k; k++) {
		g_autofree char *prompt = g_strdup_printf(_("%s for %s: "),
							  rvc_secret_kind_label(*k), name);
		char *v = cli_prompt_secret(prompt, why);

		if (!v) {
			rvc_secrets_request_cancel(request);
			return;
		}
		rvc_secrets_request_set(request, *k, v);
		rvc_secret_free(v);
	}
	rvc_secrets_request_done(request);
}

/* Connect failed; `why` says why the prompt gave nothing, if it was asked. */
int cli_secrets_failed(const GError *error, const GError *why)
{
	if (!g_error_matches(error, RVC_ERROR, RVC_ERROR_NEEDS_SECRETS) || !why)
		return cli_error(error);
	if (g_error_matches(why, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
		return cli_fail(CLI_EXIT_USAGE, "%s", why->message);
	cli_error(error);
	if (g_error_matches(why, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
		cli_fail(0, "%s", _("give --password-file/--psk-file/--key-password-file, or "
				   "run it on a terminal to be asked"));
	return CLI_EXIT_NEEDS_SECRETS;
}

static int connect_profile(const char *name, const struct connect_args *a)
{
	g_autoptr(RvcConnectOptions) opts = rvc_connect_options_new();
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL, why = NULL;

	cli_hold_secrets();
	rvc_connect_options_set_configure_network(opts, !a->no_network);
	if (!cli_add_secret_files(opts, &a->files))
		return CLI_EXIT_USAGE;

	cli_agent_start();
	conn = rvc_client_connect_sync(cli_client(), name, opts, cli_ask_secrets, &why, NULL,
				       &error);
	if (!conn)
		return cli_secrets_failed(error, why);
	if (!a->wait)
		return wait_for(name, conn, AT_ONCE_SECONDS, true);
	return wait_for(name, conn, a->timeout, false);
}

int cli_connect(int argc, char **argv)
{
	struct connect_args a = { .timeout = DEFAULT_TIMEOUT };
	int r;
	GOptionEntry e[] = {
		{ "wait", 'w', 0, G_OPTION_ARG_NONE, &a.wait,
		  N_("Show progress and wait until up or failed (exit status tells why)"), NULL },
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &a.timeout,
		  N_("With --wait: give up waiting after SECONDS (default 120)"), N_("SECONDS") },
		CLI_SECRET_FILE_ENTRIES(a.files),
		{ "no-network", 0, 0, G_OPTION_ARG_NONE, &a.no_network,
		  N_("Bring the tunnel up but leave addresses, routes and DNS alone"), NULL },
		{ NULL },
	};

	if (!cli_parse("connect", "NAME",
		       N_("Connect a system profile. Missing secrets are asked on the terminal\n"
		       "without echo (never taken from the command line)."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "connect: %s", _("give one profile NAME"));
	if (a.timeout <= 0)
		return cli_fail(CLI_EXIT_USAGE, "connect: %s", _("--timeout must be positive"));
	r = connect_profile(argv[1], &a);
	cli_secret_files_clear(&a.files);
	return r;
}

static int disconnect_one(const char *name, bool quiet_if_down)
{
	g_autoptr(GError) error = NULL;

	if (!rvc_client_disconnect_sync(cli_client(), name, NULL, &error)) {
		if (quiet_if_down && g_error_matches(error, RVC_ERROR, RVC_ERROR_FAILED))
			return CLI_EXIT_OK;
		return cli_error(error);
	}
	printf(_("disconnecting %s\n"), name);
	return CLI_EXIT_OK;
}

int cli_disconnect(int argc, char **argv)
{
	gboolean all = FALSE;
	GOptionEntry e[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_("Disconnect every active connection"), NULL },
		{ NULL },
	};
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;
	int r = CLI_EXIT_OK;

	if (!cli_parse("disconnect", "NAME|--all", N_("Disconnect a profile, or all."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	cli_agent_start();
	if (!all && argc == 2)
		return disconnect_one(argv[1], false);
	if (!all || argc != 1)
		return cli_fail(CLI_EXIT_USAGE, "disconnect: %s", _("give one profile NAME or --all"));

	list = rvc_client_list_profiles_sync(cli_client(), NULL, &error);
	if (!list)
		return cli_error(error);
	for (guint i = 0; i < list->len; i++) {
		const RvcProfileSummary *s = list->pdata[i];
		RvcPhase phase = rvc_phase_from_id(s->state);

		if (phase != RVC_PHASE_DISCONNECTED && phase != RVC_PHASE_FAILED) {
			int one = disconnect_one(s->name, true);

			r = r ? r : one;
		}
	}
	return r;
}
