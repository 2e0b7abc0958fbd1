/*
 * list, status (human or --json) and log [--follow]. Read-only: nothing
 * here needs polkit except reading a connection's log.
 */
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static GPtrArray *profiles(GError **error)
{
	return rvc_client_list_profiles_sync(cli_client(), NULL, error);
}

/* One row of `list`; every field escaped (profiles are other people's text). */
static void list_row(const RvcProfileSummary *s)
{
	g_autofree char *name = cli_printable(s->name);
	g_autofree char *gw = cli_printable(s->gateway);
	g_autofree char *user = cli_printable(s->user);
	g_autofree char *state = cli_printable(s->state);
	/* In the user's language when the library could say it, else roadvpnd's sentence. */
	g_autofree char *invalid = cli_printable(s->invalid_text ? s->invalid_text : s->invalid);

	if (s->invalid)
		printf(_("%-20s (invalid: %s)\n"), name, invalid);
	else if (s->restricted)
		printf("%-20s %-24s %-12s %s\n", name, "-", "-", state);
	else
		printf("%-20s %-24s %-12s %s\n", name, gw, user, state);
}

static void json_summary(struct cli_json *j, const RvcProfileSummary *s)
{
	cli_json_open(j, NULL, '{');
	cli_json_str(j, "name", s->name);
	cli_json_bool(j, "restricted", s->restricted);
	cli_json_str_or_null(j, "invalid", s->invalid);
	cli_json_str(j, "gateway", s->gateway);
	cli_json_str(j, "user", s->user);
	cli_json_bool(j, "ipsec", s->ipsec);
	cli_json_strv(j, "allowed-users", (const char *const *)s->allowed_users);
	cli_json_str(j, "state", s->state);
	cli_json_failure(j, &s->last_error, s->exit_code);
	cli_json_close(j, '}');
}

int cli_list(int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry e[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json,
		  N_("Print JSON: a list of objects (docs/cli.md)"), NULL },
		{ NULL },
	};
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	struct cli_json j = { .out = out };

	if (!cli_parse("list", "", N_("List the system profiles and their state."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 1)
		return cli_fail(CLI_EXIT_USAGE, "list: %s", _("no arguments"));
	list = profiles(&error);
	if (!list)
		return cli_error(error);

	if (json) {
		cli_json_open(&j, NULL, '[');
		for (guint i = 0; i < list->len; i++)
			json_summary(&j, list->pdata[i]);
		cli_json_close(&j, ']');
		printf("%s\n", out->str);
		return CLI_EXIT_OK;
	}
	/* TRANSLATORS: the column headers of `roadvpn list`. */
	printf("%-20s %-24s %-12s %s\n", _("NAME"), _("GATEWAY"), _("USER"), _("STATE"));
	for (guint i = 0; i < list->len; i++)
		list_row(list->pdata[i]);
	return CLI_EXIT_OK;
}

static char *since_text(gint64 sec)
{
	g_autoptr(GDateTime) dt = NULL;

	if (!sec)
		return g_strdup("-");
	dt = g_date_time_new_from_unix_local(sec);
	return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
}

/* The last failure: the connection's, or the one roadvpnd kept after it went. */
static bool failure_of(const RvcProfileSummary *s, RvcConnection *c, RvcFailure *f, int *code)
{
	if (c) {
		*code = rvc_connection_get_exit_code(c);
		return rvc_connection_get_last_error(c, f);
	}
	*f = s->last_error;
	*code = s->exit_code;
	return *f->phase || *f->reason || *f->message;
}

/* The library's words in the user's language; the ids stay as they are (for scripts). */
static void print_error(const RvcFailure *f)
{
	RvcPhase phase = rvc_phase_from_id(f->phase);
	g_autofree char *label = cli_printable(phase == RVC_PHASE_UNKNOWN ? f->phase :
					       rvc_phase_label(phase));
	g_autofree char *text = cli_printable(rvc_failure_text(phase, f->reason));
	g_autofree char *ids = g_strdup_printf("%s, %s", f->phase, f->reason);
	g_autofree char *safe_ids = cli_printable(ids);

	printf(_("  error:      %s: %s (%s)\n"), label, text, safe_ids);
}

/* Digits as the user's locale groups them; n for ngettext(). */
static char *digits_of(guint64 n, unsigned long *plural_n)
{
	*plural_n = (unsigned long)MIN(n, G_MAXULONG);
	return g_strdup_printf("%\'" G_GUINT64_FORMAT, n);
}

static char *bytes_text(guint64 n)
{
	unsigned long p;
	g_autofree char *d = digits_of(n, &p);

	return g_strdup_printf(ngettext("%s byte", "%s bytes", p), d);
}

static char *packets_text(guint64 n)
{
	unsigned long p;
	g_autofree char *d = digits_of(n, &p);

	return g_strdup_printf(ngettext("%s packet", "%s packets", p), d);
}

static void print_traffic(const RvcStatistics *st)
{
	g_autofree char *bin = bytes_text(st->bytes_in), *pin = packets_text(st->packets_in);
	g_autofree char *bout = bytes_text(st->bytes_out), *pout = packets_text(st->packets_out);

	/* TRANSLATORS: "  traffic:    1,234 bytes in (12 packets), 567 bytes out (8 packets)" */
	printf(_("  traffic:    %s in (%s), %s out (%s)\n"), bin, pin, bout, pout);
}

static void print_human(const RvcProfileSummary *s, RvcConnection *c)
{
	g_autofree char *name = cli_printable(s->name);
	RvcFailure err;
	RvcStatistics st;
	int code;

	printf("%s: %s\n", name, c ? rvc_connection_get_state(c) : s->state);
	if (failure_of(s, c, &err, &code) && *err.message)
		print_error(&err);
	if (!c)
		return;
	st = rvc_connection_get_statistics(c);
	if (*rvc_connection_get_interface(c)) {
		g_autofree char *dns = g_strjoinv(", ", (char **)rvc_connection_get_dns(c));
		g_autofree char *since = since_text(rvc_connection_get_connected_since(c));

		printf(_("  interface:  %s (MTU %u)\n"), rvc_connection_get_interface(c),
		       rvc_connection_get_mtu(c));
		printf(_("  address:    %s peer %s\n"), rvc_connection_get_address(c),
		       rvc_connection_get_peer_address(c));
		printf(_("  dns:        %s\n"), *dns ? dns : "-");
		printf(_("  auth:       %s\n"), rvc_connection_get_auth_method(c));
		printf(_("  since:      %s\n"), since);
	}
	{
		g_autofree char *routes = g_strjoinv(", ", (char **)rvc_connection_get_routes(c));

		printf(_("  routes:     %s\n"), *routes ? routes : "-");
	}
	print_traffic(&st);
}

/*
 * One status object (docs/cli.md): every key always there, empty when the
 * profile has no connection object (disconnected, or a failure kept by
 * roadvpnd after the object went).
 */
static void json_status(struct cli_json *j, const RvcProfileSummary *s, RvcConnection *c)
{
	static const char *const none[] = { NULL };
	RvcStatistics st = c ? rvc_connection_get_statistics(c) : (RvcStatistics){ 0 };
	RvcFailure err;
	int code;

	failure_of(s, c, &err, &code);
	cli_json_open(j, NULL, '{');
	cli_json_str(j, "name", s->name);
	cli_json_str(j, "state", c ? rvc_connection_get_state(c) : s->state);
	cli_json_str(j, "interface", c ? rvc_connection_get_interface(c) : "");
	cli_json_str(j, "address", c ? rvc_connection_get_address(c) : "");
	cli_json_str(j, "peer-address", c ? rvc_connection_get_peer_address(c) : "");
	cli_json_strv(j, "dns", c ? rvc_connection_get_dns(c) : none);
	cli_json_strv(j, "routes", c ? rvc_connection_get_routes(c) : none);
	cli_json_uint(j, "mtu", c ? rvc_connection_get_mtu(c) : 0);
	cli_json_str(j, "auth-method", c ? rvc_connection_get_auth_method(c) : "");
	cli_json_uint(j, "owner", c ? rvc_connection_get_owner(c) : 0);
	cli_json_int(j, "connected-since", c ? rvc_connection_get_connected_since(c) : 0);
	cli_json_open(j, "statistics", '{');
	cli_json_uint(j, "bytes-in", st.bytes_in);
	cli_json_uint(j, "bytes-out", st.bytes_out);
	cli_json_uint(j, "packets-in", st.packets_in);
	cli_json_uint(j, "packets-out", st.packets_out);
	cli_json_close(j, '}');
	cli_json_failure(j, &err, code);
	cli_json_close(j, '}');
}

/* The connection of a listed profile, or NULL when it has none (any more). */
static RvcConnection *connection_of(const RvcProfileSummary *s)
{
	g_autoptr(GError) error = NULL;

	if (!s->connection_path)
		return NULL;
	return rvc_client_get_connection_sync(cli_client(), s->name, NULL, &error);
}

/* Without a NAME: profiles with a connection or a kept failure. */
static bool worth_showing(const RvcProfileSummary *s)
{
	return s->connection_path || *s->last_error.phase || *s->last_error.reason;
}

int cli_status(int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry e[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json,
		  N_("Print JSON: a list of objects (docs/cli.md)"), NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	struct cli_json j = { .out = out };
	const char *only;
	guint shown = 0;

	if (!cli_parse("status", "[NAME]", N_("Show connections: state, addresses, DNS, routes,\n"
		       "counters and the last error."), e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc > 2)
		return cli_fail(CLI_EXIT_USAGE, "status: %s", _("at most one profile NAME"));
	only = argc == 2 ? argv[1] : NULL;
	list = profiles(&error);
	if (!list)
		return cli_error(error);
	if (only && !rvc_profile_list_find(list, only))
		return cli_fail(CLI_EXIT_NO_SUCH_PROFILE, _("no profile named '%s'"), only);

	cli_json_open(&j, NULL, '[');
	for (guint i = 0; i < list->len; i++) {
		const RvcProfileSummary *s = list->pdata[i];
		g_autoptr(RvcConnection) c = NULL;

		if (only ? strcmp(only, s->name) != 0 : !worth_showing(s))
			continue;
		c = connection_of(s);
		if (json)
			json_status(&j, s, c);
		else
			print_human(s, c);
		shown++;
	}
	cli_json_close(&j, ']');
	if (json)
		printf("%s\n", out->str);
	else if (shown == 0)
		printf("%s\n", _("no connections"));
	return CLI_EXIT_OK;
}

struct follow {
	GMainLoop *loop;
	bool interrupted;
};

static void print_line(const char *line)
{
	g_autofree char *safe = cli_printable(line);

	printf("%s\n", safe);
	fflush(stdout);
}

static void on_log(RvcConnection *c, const char *line, gpointer user_data)
{
	print_line(line);
}

static gboolean ended(RvcConnection *c)
{
	RvcPhase phase = rvc_connection_get_phase(c);

	return rvc_connection_is_gone(c) || phase == RVC_PHASE_DISCONNECTED ||
	       phase == RVC_PHASE_FAILED;
}

static void on_changed(RvcConnection *c, gpointer user_data)
{
	struct follow *f = user_data;

	if (ended(c))
		g_main_loop_quit(f->loop);
}

static gboolean on_interrupt(gpointer user_data)
{
	struct follow *f = user_data;

	f->interrupted = true;
	g_main_loop_quit(f->loop);
	return G_SOURCE_REMOVE;
}

int cli_log(int argc, char **argv)
{
	gboolean follow_log = FALSE;
	GOptionEntry e[] = {
		{ "follow", 'f', 0, G_OPTION_ARG_NONE, &follow_log,
		  N_("Keep printing new lines until the connection ends"), NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(RvcConnection) c = NULL;
	g_auto(GStrv) lines = NULL;
	struct follow f = { 0 };

	if (!cli_parse("log", "NAME", N_("Show the log of a profile's connection (no secrets)."), e,
		       &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "log: %s", _("give one profile NAME"));
	c = rvc_client_get_connection_sync(cli_client(), argv[1], NULL, &error);
	if (!c && error)
		return cli_error(error);
	if (!c)
		return cli_fail(CLI_EXIT_FAILED, _("%s has no connection to show"), argv[1]);

	cli_agent_start();
	f.loop = g_main_loop_new(NULL, FALSE);
	g_signal_connect(c, "log", G_CALLBACK(on_log), &f);
	g_signal_connect(c, "changed", G_CALLBACK(on_changed), &f);
	lines = follow_log ? rvc_connection_follow_log_sync(c, NULL, &error) :
			     rvc_connection_get_log_sync(c, NULL, &error);
	if (!lines) {
		g_main_loop_unref(f.loop);
		return cli_error(error);
	}
	for (char **l = lines; *l; l++)
		print_line(*l);
	if (follow_log && !ended(c)) {
		guint sig = g_unix_signal_add(SIGINT, on_interrupt, &f);

		g_main_loop_run(f.loop);
		if (!f.interrupted)
			g_source_remove(sig);
	}
	g_main_loop_unref(f.loop);
	return CLI_EXIT_OK;
}
