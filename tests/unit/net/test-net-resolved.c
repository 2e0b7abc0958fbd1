/*
 * net: the systemd-resolved back end against a stand-in for resolved on a
 * private dbus-daemon (DBUS_SYSTEM_BUS_ADDRESS points there), which records
 * each call. Checks that resolved is used only while its name has an owner,
 * the calls and arguments of a full and a split tunnel, RevertLink on undo,
 * and a refused SetLinkDNS. Skipped (77) without dbus-daemon.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <gio/gio.h>
#include <cmocka.h>

#include "net/net-private.h"

static const char resolved_xml[] =
	"<node><interface name='org.freedesktop.resolve1.Manager'>"
	"<method name='SetLinkDNS'><arg type='i' direction='in'/>"
	"<arg type='a(iay)' direction='in'/></method>"
	"<method name='SetLinkDomains'><arg type='i' direction='in'/>"
	"<arg type='a(sb)' direction='in'/></method>"
	"<method name='SetLinkDefaultRoute'><arg type='i' direction='in'/>"
	"<arg type='b' direction='in'/></method>"
	"<method name='RevertLink'><arg type='i' direction='in'/></method>"
	"</interface></node>";

static char tmpdir[64];
static pid_t bus_pid;
static GMutex calls_lock;
static GString *calls;
static bool refuse_dns;
static GMainLoop *fake_loop;
static GThread *fake_thread;

static void fake_method(GDBusConnection *c, const char *sender, const char *path,
			const char *iface, const char *method, GVariant *params,
			GDBusMethodInvocation *inv, gpointer data)
{
	char *args = g_variant_print(params, FALSE);

	g_mutex_lock(&calls_lock);
	g_string_append_printf(calls, "%s %s\n", method, args);
	g_mutex_unlock(&calls_lock);
	g_free(args);

	if (refuse_dns && !strcmp(method, "SetLinkDNS"))
		g_dbus_method_invocation_return_dbus_error(inv, "org.freedesktop.DBus.Error.AccessDenied",
							   "Access denied");
	else
		g_dbus_method_invocation_return_value(inv, NULL);
}

static gpointer fake_resolved(gpointer ready)
{
	static const GDBusInterfaceVTable vtable = { .method_call = fake_method };
	GMainContext *ctx = g_main_context_new();
	GDBusNodeInfo *node = g_dbus_node_info_new_for_xml(resolved_xml, NULL);
	GDBusConnection *bus;
	GVariant *r;

	g_main_context_push_thread_default(ctx);
	bus = g_dbus_connection_new_for_address_sync(g_getenv("DBUS_SYSTEM_BUS_ADDRESS"),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, NULL);
	g_assert_nonnull(bus);
	g_dbus_connection_register_object(bus, "/org/freedesktop/resolve1", node->interfaces[0],
					  &vtable, NULL, NULL, NULL);
	r = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
					"org.freedesktop.DBus", "RequestName",
					g_variant_new("(su)", "org.freedesktop.resolve1", 0),
					NULL, 0, -1, NULL, NULL);
	g_assert_nonnull(r);
	g_variant_unref(r);

	fake_loop = g_main_loop_new(ctx, FALSE);
	g_atomic_int_set((gint *)ready, 1);
	g_main_loop_run(fake_loop);

	g_object_unref(bus);
	g_dbus_node_info_unref(node);
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	return NULL;
}

static char *take_calls(void)
{
	char *s;

	g_mutex_lock(&calls_lock);
	s = g_strdup(calls->str);
	g_string_truncate(calls, 0);
	g_mutex_unlock(&calls_lock);
	return s;
}

static struct net_config cfg_for(bool full)
{
	struct net_config cfg = { .ifindex = 42, .ifname = "rvpn0", .set_dns = true, .n_dns = 2,
				  .default_route = full };

	inet_pton(AF_INET, "203.0.113.53", &cfg.dns[0]);
	inet_pton(AF_INET, "192.0.2.1", &cfg.dns[1]);
	return cfg;
}

/* Runs first, before the stand-in owns the name. */
static void test_no_resolved_falls_back_to_resolv_conf(void **state)
{
	struct net_config cfg = cfg_for(true);
	struct net_dns *dns;
	char *err = NULL;

	dns = net_dns_apply(&cfg, &err);
	assert_non_null(dns);
	assert_string_equal(net_dns_backend_name(dns), "resolv.conf");
	net_dns_undo(dns);
}

static void start_fake(void **state)
{
	gint ready = 0;

	fake_thread = g_thread_new("fake-resolved", fake_resolved, &ready);
	while (!g_atomic_int_get(&ready))
		g_usleep(1000);
	g_free(take_calls());
}

static void test_full_tunnel_routes_all_names(void **state)
{
	struct net_config cfg = cfg_for(true);
	struct net_dns *dns;
	char *err = NULL, *log;

	dns = net_dns_apply(&cfg, &err);
	assert_non_null(dns);
	assert_string_equal(net_dns_backend_name(dns), "systemd-resolved");
	log = take_calls();
	assert_string_equal(log,
		"SetLinkDNS (42, [(2, [0xcb, 0x00, 0x71, 0x35]), (2, [0xc0, 0x00, 0x02, 0x01])])\n"
		"SetLinkDomains (42, [('.', true)])\n"
		"SetLinkDefaultRoute (42, true)\n");
	g_free(log);

	net_dns_undo(dns);
	log = take_calls();
	assert_string_equal(log, "RevertLink (42,)\n");
	g_free(log);
}

static void test_split_tunnel_sets_no_routing_domain(void **state)
{
	struct net_config cfg = cfg_for(false);
	struct net_dns *dns;
	char *err = NULL, *log;

	dns = net_dns_apply(&cfg, &err);
	assert_non_null(dns);
	log = take_calls();
	assert_non_null(strstr(log, "SetLinkDomains (42, [])\n"));
	g_free(log);
	net_dns_undo(dns);
	g_free(take_calls());
}

static void test_refused_dns_is_an_error(void **state)
{
	struct net_config cfg = cfg_for(true);
	char *err = NULL, *log;

	refuse_dns = true;
	assert_null(net_dns_apply(&cfg, &err));
	refuse_dns = false;
	assert_string_equal(err, "systemd-resolved refused the DNS servers for rvpn0: Access denied");
	free(err);
	/* Nothing was set, so nothing is reverted. */
	log = take_calls();
	assert_string_equal(log, "SetLinkDNS (42, [(2, [0xcb, 0x00, 0x71, 0x35]), "
				 "(2, [0xc0, 0x00, 0x02, 0x01])])\n");
	g_free(log);
}

static void test_resolved_ignored_when_turned_off(void **state)
{
	struct net_config cfg = cfg_for(true);
	struct net_dns *dns;
	char *err = NULL, *log;

	net_dns_set_use_resolved(false);
	dns = net_dns_apply(&cfg, &err);
	net_dns_set_use_resolved(true);
	assert_non_null(dns);
	assert_string_equal(net_dns_backend_name(dns), "resolv.conf");
	net_dns_undo(dns);
	log = take_calls();
	assert_string_equal(log, "");
	g_free(log);
}

static int start_bus(void)
{
	char conf[128], sock[128], addr[160];
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/bus.conf", tmpdir);
	snprintf(sock, sizeof(sock), "%s/bus", tmpdir);
	f = fopen(conf, "w");
	if (!f)
		return -errno;
	fprintf(f, "<busconfig><type>session</type><listen>unix:path=%s</listen>"
		   "<auth>EXTERNAL</auth><policy context='default'><allow user='*'/>"
		   "<allow own='*'/><allow send_destination='*' eavesdrop='true'/>"
		   "<allow eavesdrop='true'/></policy></busconfig>\n", sock);
	fclose(f);

	bus_pid = fork();
	if (bus_pid == 0) {
		/* Dies with us, even when a failed assertion ends the test early. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execlp("dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile",
		       g_strconcat("--config-file=", conf, NULL), NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && access(sock, F_OK) < 0; i++)
		g_usleep(10000);
	if (access(sock, F_OK) < 0)
		return -ETIMEDOUT;

	snprintf(addr, sizeof(addr), "unix:path=%s", sock);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_resolved_falls_back_to_resolv_conf),
		cmocka_unit_test(start_fake),
		cmocka_unit_test(test_full_tunnel_routes_all_names),
		cmocka_unit_test(test_split_tunnel_sets_no_routing_domain),
		cmocka_unit_test(test_refused_dns_is_an_error),
		cmocka_unit_test(test_resolved_ignored_when_turned_off),
	};
	char path[128], cmd[96], *daemon = g_find_program_in_path("dbus-daemon");
	int r, status;

	if (!daemon) {
		printf("# SKIP: no dbus-daemon\n");
		return 77;
	}
	g_free(daemon);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-net-resolved-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(path, sizeof(path), "%s/resolv.conf", tmpdir);
	g_file_set_contents(path, "nameserver 10.0.0.1\n", -1, NULL);
	net_dns_set_paths(path, tmpdir);
	calls = g_string_new(NULL);

	r = start_bus();
	if (r < 0) {
		printf("# SKIP: private dbus-daemon did not start: %s\n", strerror(-r));
		r = 77;
	} else {
		r = cmocka_run_group_tests(tests, NULL, NULL);
	}

	if (fake_loop) {
		g_main_loop_quit(fake_loop);
		g_thread_join(fake_thread);
	}
	if (bus_pid > 0) {
		kill(bus_pid, SIGTERM);
		waitpid(bus_pid, &status, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
