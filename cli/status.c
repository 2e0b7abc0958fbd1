/*
 * list, status (human or --json) and log [--follow]. Read-only: nothing
 * here needs polkit except reading a connection's log.
 */
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_list(int argc, char **argv)
{
	g_autoptr(GVariant) list = NULL;
	g_autoptr(GError) error = NULL;
	GVariantIter iter;
	const char *name;
	GVariant *d;

	if (!cli_parse("list", "", "List the system profiles and their state.", NULL, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (!rv_dbus_manager_call_list_profiles_sync(cli_manager(), &list, NULL, &error))
		return cli_error(error);

	printf("%-20s %-24s %-12s %s\n", "NAME", "GATEWAY", "USER", "STATE");
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s@a{sv})", &name, &d)) {
		const char *gw = "", *user = "", *state = "", *invalid = NULL;

		if (g_variant_lookup(d, "invalid", "&s", &invalid)) {
			printf("%-20s (invalid: %s)\n", name, invalid);
		} else {
			g_variant_lookup(d, "gateway", "&s", &gw);
			g_variant_lookup(d, "user", "&s", &user);
			g_variant_lookup(d, "state", "&s", &state);
			printf("%-20s %-24s %-12s %s\n", name, gw, user, state);
		}
		g_variant_unref(d);
	}
	return CLI_EXIT_OK;
}

static guint64 stat_of(RvDbusConnection *c, const char *key)
{
	GVariant *st = rv_dbus_connection_get_statistics(c);
	guint64 v = 0;

	if (st)
		g_variant_lookup(st, key, "t", &v);
	return v;
}

static char *since_text(guint64 usec)
{
	g_autoptr(GDateTime) dt = NULL;

	if (!usec)
		return g_strdup("-");
	dt = g_date_time_new_from_unix_local((gint64)(usec / G_USEC_PER_SEC));
	return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
}

static void print_human(const char *name, RvDbusConnection *c)
{
	const char *phase = "", *reason = "", *message = "";
	const char *const *dns = rv_dbus_connection_get_dns(c);
	const char *const *routes = rv_dbus_connection_get_routes(c);
	g_autofree char *dns_s = dns ? g_strjoinv(", ", (char **)dns) : g_strdup("");
	g_autofree char *routes_s = routes ? g_strjoinv(", ", (char **)routes) : g_strdup("");
	g_autofree char *since = since_text(rv_dbus_connection_get_connected_since(c));
	GVariant *err = rv_dbus_connection_get_last_error(c);

	if (err)
		g_variant_get(err, "(&s&s&s)", &phase, &reason, &message);
	printf("%s: %s\n", name, rv_dbus_connection_get_state(c));
	if (*message)
		printf("  error:      %s (%s, %s)\n", message, phase, reason);
	if (*rv_dbus_connection_get_interface(c)) {
		printf("  interface:  %s (MTU %u)\n", rv_dbus_connection_get_interface(c),
		       rv_dbus_connection_get_mtu(c));
		printf("  address:    %s peer %s\n", rv_dbus_connection_get_address(c),
		       rv_dbus_connection_get_peer_address(c));
		printf("  dns:        %s\n", *dns_s ? dns_s : "-");
		printf("  auth:       %s\n", rv_dbus_connection_get_auth_method(c));
		printf("  since:      %s\n", since);
	}
	printf("  routes:     %s\n", *routes_s ? routes_s : "-");
	printf("  traffic:    %" G_GUINT64_FORMAT " bytes in (%" G_GUINT64_FORMAT " packets), %"
	       G_GUINT64_FORMAT " bytes out (%" G_GUINT64_FORMAT " packets)\n",
	       stat_of(c, "bytes-in"), stat_of(c, "packets-in"), stat_of(c, "bytes-out"),
	       stat_of(c, "packets-out"));
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

static void json_connection(GString *out, const char *name, RvDbusConnection *c)
{
	const char *phase = "", *reason = "", *message = "";
	GVariant *err = rv_dbus_connection_get_last_error(c);

	if (err)
		g_variant_get(err, "(&s&s&s)", &phase, &reason, &message);
	g_string_append(out, "{");
	json_str(out, "name", name);
	g_string_append(out, ", ");
	json_str(out, "state", rv_dbus_connection_get_state(c));
	g_string_append(out, ", ");
	json_str(out, "interface", rv_dbus_connection_get_interface(c));
	g_string_append(out, ", ");
	json_str(out, "address", rv_dbus_connection_get_address(c));
	g_string_append(out, ", ");
	json_str(out, "peer-address", rv_dbus_connection_get_peer_address(c));
	g_string_append(out, ", ");
	json_strv(out, "dns", rv_dbus_connection_get_dns(c));
	g_string_append(out, ", ");
	json_strv(out, "routes", rv_dbus_connection_get_routes(c));
	g_string_append_printf(out, ", \"mtu\": %u, ", rv_dbus_connection_get_mtu(c));
	json_str(out, "auth-method", rv_dbus_connection_get_auth_method(c));
	g_string_append_printf(out, ", \"owner\": %u, \"connected-since\": %" G_GUINT64_FORMAT,
			       rv_dbus_connection_get_owner(c),
			       rv_dbus_connection_get_connected_since(c));
	g_string_append_printf(out, ", \"statistics\": {\"bytes-in\": %" G_GUINT64_FORMAT
			       ", \"bytes-out\": %" G_GUINT64_FORMAT ", \"packets-in\": %"
			       G_GUINT64_FORMAT ", \"packets-out\": %" G_GUINT64_FORMAT "}",
			       stat_of(c, "bytes-in"), stat_of(c, "bytes-out"),
			       stat_of(c, "packets-in"), stat_of(c, "packets-out"));
	g_string_append(out, ", \"last-error\": {");
	json_str(out, "phase", phase);
	g_string_append(out, ", ");
	json_str(out, "reason", reason);
	g_string_append(out, ", ");
	json_str(out, "message", message);
	g_string_append(out, "}}");
}

/* The connection object of each profile that has one (live or just ended). */
static GPtrArray *connections(const char *only, GError **error)
{
	g_autoptr(GVariant) list = NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GVariantIter iter;
	const char *name, *path;
	GVariant *d;

	if (!rv_dbus_manager_call_list_profiles_sync(cli_manager(), &list, NULL, error)) {
		g_ptr_array_unref(names);
		return NULL;
	}
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s@a{sv})", &name, &d)) {
		if ((!only || !strcmp(only, name)) && g_variant_lookup(d, "connection", "&o", &path) &&
		    strcmp(path, "/")) {
			g_ptr_array_add(names, g_strdup(name));
			g_ptr_array_add(names, g_strdup(path));
		}
		g_variant_unref(d);
	}
	return names;
}

int cli_status(int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry e[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON (a list of objects)", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) conns = NULL;
	g_autoptr(GString) out = g_string_new("[");

	if (!cli_parse("status", "[NAME]", "Show connections: state, addresses, DNS, routes,\n"
		       "counters and the last error.", e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc > 2)
		return cli_fail(CLI_EXIT_USAGE, "status: at most one profile NAME");
	if (argc == 2) {
		g_autoptr(GVariant) summary = cli_profile_summary(argv[1], &error);

		if (!summary)
			return cli_error(error);
	}

	conns = connections(argc == 2 ? argv[1] : NULL, &error);
	if (!conns)
		return cli_error(error);
	for (guint i = 0; i + 1 < conns->len; i += 2) {
		g_autoptr(RvDbusConnection) c = cli_connection(conns->pdata[i + 1]);

		if (json) {
			g_string_append(out, i ? ",\n " : "");
			json_connection(out, conns->pdata[i], c);
		} else {
			print_human(conns->pdata[i], c);
		}
	}
	if (json)
		printf("%s]\n", out->str);
	else if (conns->len == 0)
		printf(argc == 2 ? "%s: disconnected\n" : "no connections\n", argv[1]);
	return CLI_EXIT_OK;
}

struct follow {
	GMainLoop *loop;
};

static void on_log(RvDbusConnection *c, const char *line, gpointer user_data)
{
	printf("%s\n", line);
	fflush(stdout);
}

static void on_state(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
	struct follow *f = user_data;
	const char *state = rv_dbus_connection_get_state(RV_DBUS_CONNECTION(proxy));

	if (state && (!strcmp(state, "disconnected") || !strcmp(state, "failed")))
		g_main_loop_quit(f->loop);
}

static gboolean on_interrupt(gpointer user_data)
{
	struct follow *f = user_data;

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
	g_autoptr(GPtrArray) conns = NULL;
	g_autoptr(RvDbusConnection) c = NULL;
	g_auto(GStrv) lines = NULL;
	struct follow f = { 0 };

	if (!cli_parse("log", "NAME", "Show the log of a profile's connection (no secrets).", e,
		       &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "log: give one profile NAME");
	conns = connections(argv[1], &error);
	if (!conns)
		return cli_error(error);
	if (conns->len == 0)
		return cli_fail(CLI_EXIT_FAILED, "%s has no connection to show", argv[1]);

	c = cli_connection(conns->pdata[1]);
	/* The handler first: FollowLog's backlog and the Log signals after it are then gapless. */
	f.loop = g_main_loop_new(NULL, FALSE);
	g_signal_connect(c, "log", G_CALLBACK(on_log), &f);
	g_signal_connect(c, "g-properties-changed", G_CALLBACK(on_state), &f);
	if (!(follow_log ? rv_dbus_connection_call_follow_log_sync(c, &lines, NULL, &error) :
			   rv_dbus_connection_call_get_log_sync(c, &lines, NULL, &error))) {
		g_main_loop_unref(f.loop);
		return cli_error(error);
	}
	for (char **l = lines; *l; l++)
		printf("%s\n", *l);
	fflush(stdout);
	if (follow_log) {
		guint sig = g_unix_signal_add(SIGINT, on_interrupt, &f);
		const char *state = rv_dbus_connection_get_state(c);

		if (state && strcmp(state, "disconnected") && strcmp(state, "failed"))
			g_main_loop_run(f.loop);
		g_source_remove(sig);
	}
	g_main_loop_unref(f.loop);
	return CLI_EXIT_OK;
}
