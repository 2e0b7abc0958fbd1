/*
 * connect and disconnect. `connect --wait` follows the connection's State
 * (PropertiesChanged) and prints each phase as it completes:
 *   L2TP tunnel ... ok
 *   PPP auth (MS-CHAPv2) ... ok
 *   IP 203.0.113.10, DNS 203.0.113.253 on rvpn0
 * Lines from PPP auth on wait for the method, which is known once up. On a
 * failure the last line is "roadvpn: <phase>: <reason>" and the exit status
 * is roadvpnd's table (3..9).
 */
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dbus/errors.h"

#define DEFAULT_TIMEOUT 120

static const struct {
	const char *phase, *label;
} phases[] = {
	{ "resolving", "Resolving the gateway" },
	{ "ike-main-mode", "IKE phase 1" },
	{ "ike-quick-mode", "IKE phase 2" },
	{ "l2tp-tunnel", "L2TP tunnel" },
	{ "l2tp-call", "L2TP call" },
	{ "ppp-lcp", "PPP link (LCP)" },
	{ "ppp-auth", "PPP auth" },
	{ "ppp-network", "PPP IP negotiation" },
	{ "netconfig", "Network setup" },
};

static int phase_index(const char *phase)
{
	for (size_t i = 0; i < G_N_ELEMENTS(phases); i++) {
		if (!strcmp(phases[i].phase, phase))
			return (int)i;
	}
	return -1;
}

struct progress {
	GMainLoop *loop;
	RvDbusConnection *conn;
	const char *name;
	int printed;          /* phases[0..printed] have their line */
	bool seen_ike;
	GString *held;        /* lines from PPP auth on, until the method is known */
	int exit_code;
	bool interrupted;
};

static bool is_ike(int idx)
{
	return g_str_has_prefix(phases[idx].phase, "ike-");
}

/* The PPP auth line's method is filled in at flush time (\x01 marks its place). */
static void flush_held(struct progress *p)
{
	const char *method = rv_dbus_connection_get_auth_method(p->conn);
	g_autofree char *with = g_strdup_printf(" (%s)", method ? method : "");
	g_auto(GStrv) parts = g_strsplit(p->held->str, "\x01", -1);
	g_autofree char *text = g_strjoinv(method && *method ? with : "", parts);

	fputs(text, stdout);
	g_string_truncate(p->held, 0);
	fflush(stdout);
}

/* One "label ... result" line; from PPP auth on they wait for the method (known once up). */
static void emit(struct progress *p, int idx, const char *result)
{
	bool auth = idx == phase_index("ppp-auth");

	g_string_append_printf(p->held, "%s%s ... %s\n", phases[idx].label, auth ? "\x01" : "",
			       result);
	if (idx < phase_index("ppp-auth"))
		flush_held(p);
}

/*
 * Lines for every phase before `idx`. Property changes are coalesced, so a
 * quick phase may never be seen as State; it was passed all the same (IKE
 * phases only when the connection used IPsec).
 */
static void complete_until(struct progress *p, int idx)
{
	for (int j = p->printed + 1; j < idx; j++) {
		if (!is_ike(j) || p->seen_ike)
			emit(p, j, "ok");
	}
	if (idx - 1 > p->printed)
		p->printed = idx - 1;
}

static void print_up(struct progress *p)
{
	const char *const *dns = rv_dbus_connection_get_dns(p->conn);
	g_autofree char *dns_list = dns && dns[0] ? g_strjoinv(", ", (char **)dns) : NULL;

	complete_until(p, (int)G_N_ELEMENTS(phases));
	flush_held(p);
	printf("IP %s, DNS %s on %s\n", rv_dbus_connection_get_address(p->conn),
	       dns_list ? dns_list : "(none)", rv_dbus_connection_get_interface(p->conn));
	printf("connected: %s\n", p->name);
}

static void finish_failed(struct progress *p)
{
	const char *phase = "", *reason = "", *message = "";
	GVariant *err = rv_dbus_connection_get_last_error(p->conn);
	int idx;

	if (err)
		g_variant_get(err, "(&s&s&s)", &phase, &reason, &message);
	idx = phase_index(phase);
	if (idx >= 0) {
		complete_until(p, idx);
		emit(p, idx, "failed");
	}
	flush_held(p);
	cli_fail(0, "%s", *message ? message : "the connection failed");
	p->exit_code = rv_dbus_connection_get_exit_code(p->conn);
	if (p->exit_code <= 0)
		p->exit_code = CLI_EXIT_FAILED;
}

/* Returns true once the connection reached an end (up, failed, disconnected). */
static bool follow(struct progress *p)
{
	const char *state = rv_dbus_connection_get_state(p->conn);
	int idx = state ? phase_index(state) : -1;

	if (idx >= 0) {
		p->seen_ike |= is_ike(idx);
		complete_until(p, idx);
		return false;
	}
	/* A failure passes through disconnecting too: wait for the verdict. */
	if (!state || !strcmp(state, "idle") || !strcmp(state, "disconnecting"))
		return false;

	if (!strcmp(state, "up")) {
		print_up(p);
		p->exit_code = CLI_EXIT_OK;
	} else if (!strcmp(state, "failed")) {
		finish_failed(p);
	} else {
		flush_held(p);
		p->exit_code = cli_fail(CLI_EXIT_FAILED, "%s: disconnected before it was up",
					p->name);
	}
	return true;
}

static void on_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
				  gpointer user_data)
{
	struct progress *p = user_data;

	if (follow(p))
		g_main_loop_quit(p->loop);
}

static gboolean on_timeout(gpointer user_data)
{
	struct progress *p = user_data;

	p->exit_code = cli_fail(CLI_EXIT_FAILED, "%s: still not up; it keeps trying "
				"(roadvpn status %s)", p->name, p->name);
	g_main_loop_quit(p->loop);
	return G_SOURCE_REMOVE;
}

static gboolean on_interrupt(gpointer user_data)
{
	struct progress *p = user_data;

	p->interrupted = true;
	g_main_loop_quit(p->loop);
	return G_SOURCE_REMOVE;
}

static int wait_for(const char *name, const char *path, int timeout)
{
	struct progress p = { .name = name, .printed = -1, .exit_code = CLI_EXIT_FAILED };
	guint sigint, timer;

	p.conn = cli_connection(path);
	p.held = g_string_new(NULL);
	p.loop = g_main_loop_new(NULL, FALSE);
	g_signal_connect(p.conn, "g-properties-changed", G_CALLBACK(on_properties_changed), &p);
	sigint = g_unix_signal_add(SIGINT, on_interrupt, &p);
	timer = g_timeout_add_seconds((guint)timeout, on_timeout, &p);
	if (!follow(&p))
		g_main_loop_run(p.loop);
	g_source_remove(sigint);
	if (!p.interrupted)
		g_source_remove(timer);

	if (p.interrupted) {
		g_autoptr(GError) error = NULL;

		fprintf(stderr, "\nroadvpn: interrupted: disconnecting %s\n", name);
		rv_dbus_connection_call_disconnect_sync(p.conn, NULL, &error);
		p.exit_code = 130;
	}
	g_main_loop_unref(p.loop);
	g_object_unref(p.conn);
	g_string_free(p.held, TRUE);
	return p.exit_code;
}

struct connect_args {
	char *password_file, *psk_file, *l2tp_secret_file;
	gboolean wait, no_network;
	int timeout;
};

static bool add_file_secret(GVariantDict *opts, const char *key, const char *path)
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
	g_variant_dict_insert(opts, key, "s", v);
	cli_free_secret(v);
	return true;
}

/* Ask on the terminal for the secrets roadvpnd named; false if we cannot. */
static bool prompt_missing(GVariantDict *opts, const char *name, const char *message)
{
	const char *list = strstr(message, "needs secrets: ");
	g_auto(GStrv) names = g_strsplit(list ? list + 15 : "", ", ", -1);

	for (char **n = names; *n; n++) {
		g_autofree char *prompt = g_strdup_printf("%s for %s: ",
			!strcmp(*n, "psk") ? "IPsec pre-shared key" :
			!strcmp(*n, "password") ? "Password" : *n, name);
		char *v = cli_prompt_secret(prompt);

		if (!v)
			return false;
		g_variant_dict_insert(opts, *n, "s", v);
		cli_free_secret(v);
	}
	return names[0] != NULL;
}

static GVariant *try_connect(const char *name, GVariantDict *opts, GError **error)
{
	g_autoptr(GVariant) o = g_variant_ref_sink(g_variant_dict_end(opts));

	g_variant_dict_init(opts, o);   /* keep what we have for a retry */
	return cli_call("Connect", g_variant_new("(s@a{sv})", name, o), NULL, error);
}

static int connect_profile(const char *name, const struct connect_args *a)
{
	g_auto(GVariantDict) opts;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	const char *path;

	g_variant_dict_init(&opts, NULL);
	if (a->no_network)
		g_variant_dict_insert(&opts, "configure-network", "b", FALSE);
	if (!add_file_secret(&opts, "password", a->password_file) ||
	    !add_file_secret(&opts, "psk", a->psk_file) ||
	    !add_file_secret(&opts, "l2tp-secret", a->l2tp_secret_file))
		return CLI_EXIT_USAGE;

	ret = try_connect(name, &opts, &error);
	if (!ret && rv_error_from_dbus(error) == RV_ERROR_NEEDS_SECRETS &&
	    prompt_missing(&opts, name, error->message)) {
		g_clear_error(&error);
		ret = try_connect(name, &opts, &error);
	}
	if (!ret) {
		int r = cli_error(error);

		if (r == CLI_EXIT_NEEDS_SECRETS)
			fprintf(stderr, "roadvpn: give --password-file/--psk-file, or run it on a "
					"terminal to be asked\n");
		return r;
	}

	g_variant_get(ret, "(&o)", &path);
	if (!a->wait) {
		printf("connecting %s (roadvpn status %s)\n", name, name);
		return CLI_EXIT_OK;
	}
	return wait_for(name, path, a->timeout);
}

int cli_connect(int argc, char **argv)
{
	struct connect_args a = { .timeout = DEFAULT_TIMEOUT };
	int r;
	GOptionEntry e[] = {
		{ "wait", 'w', 0, G_OPTION_ARG_NONE, &a.wait,
		  "Show progress and wait until up or failed (exit status tells why)", NULL },
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &a.timeout,
		  "With --wait: give up waiting after SECONDS (default 120)", "SECONDS" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &a.password_file,
		  "Read the PPP password from FILE (not stored)", "FILE" },
		{ "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &a.psk_file,
		  "Read the IPsec pre-shared key from FILE (not stored)", "FILE" },
		{ "l2tp-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &a.l2tp_secret_file,
		  "Read the L2TP tunnel secret from FILE (not stored)", "FILE" },
		{ "no-network", 0, 0, G_OPTION_ARG_NONE, &a.no_network,
		  "Bring the tunnel up but leave addresses, routes and DNS alone", NULL },
		{ NULL },
	};

	if (!cli_parse("connect", "NAME",
		       "Connect a system profile. Missing secrets are asked on the terminal\n"
		       "without echo (never taken from the command line).", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "connect: give one profile NAME");
	if (a.timeout <= 0)
		return cli_fail(CLI_EXIT_USAGE, "connect: --timeout must be positive");
	r = connect_profile(argv[1], &a);
	g_free(a.password_file);
	g_free(a.psk_file);
	g_free(a.l2tp_secret_file);
	return r;
}

static int disconnect_one(const char *name, bool quiet_if_down)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = cli_call("Disconnect", g_variant_new("(s)", name), NULL, &error);

	if (!ret) {
		if (quiet_if_down && rv_error_from_dbus(error) == RV_ERROR_FAILED)
			return CLI_EXIT_OK;
		return cli_error(error);
	}
	printf("disconnecting %s\n", name);
	return CLI_EXIT_OK;
}

int cli_disconnect(int argc, char **argv)
{
	gboolean all = FALSE;
	GOptionEntry e[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Disconnect every active connection", NULL },
		{ NULL },
	};
	g_autoptr(GVariant) list = NULL;
	g_autoptr(GError) error = NULL;
	GVariantIter iter;
	const char *name;
	GVariant *dict;
	int r = CLI_EXIT_OK;

	if (!cli_parse("disconnect", "NAME|--all", "Disconnect a profile, or all.", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (!all && argc == 2)
		return disconnect_one(argv[1], false);
	if (!all || argc != 1)
		return cli_fail(CLI_EXIT_USAGE, "disconnect: give one profile NAME or --all");

	if (!rv_dbus_manager_call_list_profiles_sync(cli_manager(), &list, NULL, &error))
		return cli_error(error);
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s@a{sv})", &name, &dict)) {
		const char *state = NULL;

		if (g_variant_lookup(dict, "state", "&s", &state) && strcmp(state, "disconnected") &&
		    strcmp(state, "failed")) {
			int one = disconnect_one(name, true);

			r = r ? r : one;
		}
		g_variant_unref(dict);
	}
	return r;
}
