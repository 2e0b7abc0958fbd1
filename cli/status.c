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

int cli_list(int argc, char **argv)
{
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;

	if (!cli_parse("list", "", "List the system profiles and their state.", NULL, &argc, &argv))
		return CLI_EXIT_USAGE;
	list = profiles(&error);
	if (!list)
		return cli_error(error);

	printf("%-20s %-24s %-12s %s\n", "NAME", "GATEWAY", "USER", "STATE");
	for (guint i = 0; i < list->len; i++) {
		const RvcProfileSummary *s = list->pdata[i];

		if (s->invalid)
			printf("%-20s (invalid: %s)\n", s->name, s->invalid);
		else
			printf("%-20s %-24s %-12s %s\n", s->name, s->gateway, s->user, s->state);
	}
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

static void print_human(const char *name, RvcConnection *c)
{
	RvcFailure err;
	RvcStatistics st = rvc_connection_get_statistics(c);
	g_autofree char *dns = g_strjoinv(", ", (char **)rvc_connection_get_dns(c));
	g_autofree char *routes = g_strjoinv(", ", (char **)rvc_connection_get_routes(c));
	g_autofree char *since = since_text(rvc_connection_get_connected_since(c));

	printf("%s: %s\n", name, rvc_connection_get_state(c));
	if (rvc_connection_get_last_error(c, &err) && *err.message)
		printf("  error:      %s (%s, %s)\n", err.message, err.phase, err.reason);
	if (*rvc_connection_get_interface(c)) {
		printf("  interface:  %s (MTU %u)\n", rvc_connection_get_interface(c),
		       rvc_connection_get_mtu(c));
		printf("  address:    %s peer %s\n", rvc_connection_get_address(c),
		       rvc_connection_get_peer_address(c));
		printf("  dns:        %s\n", *dns ? dns : "-");
		printf("  auth:       %s\n", rvc_connection_get_auth_method(c));
		printf("  since:      %s\n", since);
	}
	printf("  routes:     %s\n", *routes ? routes : "-");
	printf("  traffic:    %" G_GUINT64_FORMAT " bytes in (%" G_GUINT64_FORMAT " packets), %"
	       G_GUINT64_FORMAT " bytes out (%" G_GUINT64_FORMAT " packets)\n",
	       st.bytes_in, st.packets_in, st.bytes_out, st.packets_out);
}

static void json_str(GString *out, const char *key, const char *value)
{
	g_autofree char *esc = NULL;
	GString *e = g_string_new(NULL);

	for (const char *p = value ? value : ""; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			g_string_append_printf(e, "\\%c", ch);
		else if (ch < 0x20)
			g_string_append_printf(e, "\\u%04x", ch);
		else
			g_string_append_c(e, (char)ch);
	}
	esc = g_string_free(e, FALSE);
	if (key)
		g_string_append_printf(out, "\"%s\": \"%s\"", key, esc);
	else
		g_string_append_printf(out, "\"%s\"", esc);
}

static void json_strv(GString *out, const char *key, const char *const *v)
{
	g_string_append_printf(out, "\"%s\": [", key);
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			g_string_append(out, ", ");
		json_str(out, NULL, v[i]);
	}
	g_string_append(out, "]");
}

static void json_connection(GString *out, const char *name, RvcConnection *c)
{
	RvcFailure err;
	RvcStatistics st = rvc_connection_get_statistics(c);

	rvc_connection_get_last_error(c, &err);
	g_string_append(out, "{");
	json_str(out, "name", name);
	g_string_append(out, ", ");
	json_str(out, "state", rvc_connection_get_state(c));
	g_string_append(out, ", ");
	json_str(out, "interface", rvc_connection_get_interface(c));
	g_string_append(out, ", ");
	json_str(out, "address", rvc_connection_get_address(c));
	g_string_append(out, ", ");
	json_str(out, "peer-address", rvc_connection_get_peer_address(c));
	g_string_append(out, ", ");
	json_strv(out, "dns", rvc_connection_get_dns(c));
	g_string_append(out, ", ");
	json_strv(out, "routes", rvc_connection_get_routes(c));
	g_string_append_printf(out, ", \"mtu\": %u, ", rvc_connection_get_mtu(c));
	json_str(out, "auth-method", rvc_connection_get_auth_method(c));
	g_string_append_printf(out, ", \"owner\": %u, \"connected-since\": %" G_GINT64_FORMAT,
			       rvc_connection_get_owner(c),
			       rvc_connection_get_connected_since(c) * G_USEC_PER_SEC);
	g_string_append_printf(out, ", \"statistics\": {\"bytes-in\": %" G_GUINT64_FORMAT
			       ", \"bytes-out\": %" G_GUINT64_FORMAT ", \"packets-in\": %"
			       G_GUINT64_FORMAT ", \"packets-out\": %" G_GUINT64_FORMAT "}",
			       st.bytes_in, st.bytes_out, st.packets_in, st.packets_out);
	g_string_append(out, ", \"last-error\": {");
	json_str(out, "phase", err.phase);
	g_string_append(out, ", ");
	json_str(out, "reason", err.reason);
	g_string_append(out, ", ");
	json_str(out, "message", err.message);
	g_string_append(out, "}}");
}

/* The connection of a listed profile, or NULL when it has none (any more). */
static RvcConnection *connection_of(const RvcProfileSummary *s)
{
	g_autoptr(GError) error = NULL;

	if (!s->connection_path)
		return NULL;
	return rvc_client_get_connection_sync(cli_client(), s->name, NULL, &error);
}

int cli_status(int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry e[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON (a list of objects)", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GString) out = g_string_new("[");
	const char *only;
	guint shown = 0;

	if (!cli_parse("status", "[NAME]", "Show connections: state, addresses, DNS, routes,\n"
		       "counters and the last error.", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc > 2)
		return cli_fail(CLI_EXIT_USAGE, "status: at most one profile NAME");
	only = argc == 2 ? argv[1] : NULL;
	list = profiles(&error);
	if (!list)
		return cli_error(error);
	if (only && !rvc_profile_list_find(list, only))
		return cli_fail(CLI_EXIT_NO_SUCH_PROFILE, "no profile named '%s'", only);

	for (guint i = 0; i < list->len; i++) {
		const RvcProfileSummary *s = list->pdata[i];
		g_autoptr(RvcConnection) c = NULL;

		if (only && strcmp(only, s->name))
			continue;
		c = connection_of(s);
		if (!c)
			continue;
		if (json) {
			g_string_append(out, shown ? ",\n " : "");
			json_connection(out, s->name, c);
		} else {
			print_human(s->name, c);
		}
		shown++;
	}
	if (json)
		printf("%s]\n", out->str);
	else if (shown == 0)
		printf(only ? "%s: disconnected\n" : "no connections\n", only);
	return CLI_EXIT_OK;
}

struct follow {
	GMainLoop *loop;
	bool interrupted;
};

static void on_log(RvcConnection *c, const char *line, gpointer user_data)
{
	printf("%s\n", line);
	fflush(stdout);
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
		  "Keep printing new lines until the connection ends", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(RvcConnection) c = NULL;
	g_auto(GStrv) lines = NULL;
	struct follow f = { 0 };

	if (!cli_parse("log", "NAME", "Show the log of a profile's connection (no secrets).", e,
		       &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "log: give one profile NAME");
	c = rvc_client_get_connection_sync(cli_client(), argv[1], NULL, &error);
	if (!c && error)
		return cli_error(error);
	if (!c)
		return cli_fail(CLI_EXIT_FAILED, "%s has no connection to show", argv[1]);

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
		printf("%s\n", *l);
	fflush(stdout);
	if (follow_log && !ended(c)) {
		guint sig = g_unix_signal_add(SIGINT, on_interrupt, &f);

		g_main_loop_run(f.loop);
		if (!f.interrupted)
			g_source_remove(sig);
	}
	g_main_loop_unref(f.loop);
	return CLI_EXIT_OK;
}
