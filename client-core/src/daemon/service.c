/*
 * The bus service's life cycle: clean up what a crashed predecessor left,
 * drop capabilities, export the objects, and only then take the bus name
 * (a client that sees the name must find the objects, as in fprintd).
 * SIGTERM disconnects every connection cleanly (each step of the teardown
 * is bounded by the session); a second signal, or STOP_TIMEOUT, leaves at
 * once, still undoing the host configuration.
 */
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "caps.h"
#include "crypto/crypto.h"
#include "dbus/errors.h"
#include "manager.h"
#include "runstate.h"
#include "service.h"
#include "util/log.h"

#define BUS_NAME "org.roadvpn.Helper1"
#define STOP_TIMEOUT 15
#define DEFAULT_PROFILES_DIR "/etc/roadvpn/connections"

struct service {
	GMainLoop *loop;
	struct rv_manager *manager;
	int exit_code;
	unsigned int signals;
};

static void on_all_stopped(void *user_data)
{
	struct service *svc = user_data;

	g_main_loop_quit(svc->loop);
}

static gboolean on_stop_timeout(gpointer user_data)
{
	struct service *svc = user_data;

	rv_log_warning("roadvpnd", "connections did not close within %d s; leaving", STOP_TIMEOUT);
	g_main_loop_quit(svc->loop);
	return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer user_data)
{
	struct service *svc = user_data;

	if (++svc->signals > 1) {
		g_main_loop_quit(svc->loop);
		return G_SOURCE_CONTINUE;
	}

	rv_log_info("roadvpnd", "stopping: disconnecting every connection");
	g_timeout_add_seconds(STOP_TIMEOUT, on_stop_timeout, svc);
	rv_manager_stop_all(svc->manager, on_all_stopped, svc);
	return G_SOURCE_CONTINUE;
}

static void on_name_acquired(GDBusConnection *bus, const char *name, gpointer user_data)
{
	rv_log_info("roadvpnd", "serving %s", name);
}

static void on_name_lost(GDBusConnection *bus, const char *name, gpointer user_data)
{
	struct service *svc = user_data;

	fprintf(stderr, "roadvpnd: cannot own %s on the system bus (not root, no bus policy, "
			"or another roadvpnd runs)\n", name);
	svc->exit_code = 1;
	g_main_loop_quit(svc->loop);
}

static const char *env_or(const char *value, const char *env, const char *def)
{
	const char *e = getenv(env);

	return value ? value : e && *e ? e : def;
}

static void setup(const struct service_options *opt)
{
	rv_log_set_debug(opt->debug);
	if (rv_crypto_init() < 0)
		rv_log_warning("roadvpnd", "OpenSSL failed to initialise");

	(void)RV_ERROR;   /* register the org.roadvpn.Error names before any reply */
	rv_runstate_init(env_or(opt->state_dir, "ROADVPN_STATE_DIR", NULL));
	rv_runstate_cleanup();
	if (!opt->keep_caps)
		rv_caps_drop();
}

int service_run(const struct service_options *opt)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) bus = NULL;
	struct service svc = { 0 };
	guint owner;

	setup(opt);
	bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);
	if (!bus) {
		fprintf(stderr, "roadvpnd: cannot reach the system bus: %s\n", error->message);
		return 1;
	}

	svc.manager = rv_manager_new(bus, env_or(opt->profiles_dir, "ROADVPN_PROFILES_DIR",
						 DEFAULT_PROFILES_DIR), &error);
	if (!svc.manager) {
		fprintf(stderr, "roadvpnd: cannot export objects: %s\n", error->message);
		return 1;
	}

	svc.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, &svc);
	g_unix_signal_add(SIGINT, on_signal, &svc);
	owner = g_bus_own_name_on_connection(bus, BUS_NAME, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
					     on_name_acquired, on_name_lost, &svc, NULL);
	g_main_loop_run(svc.loop);

	g_bus_unown_name(owner);
	rv_manager_free(svc.manager);
	g_dbus_connection_flush_sync(bus, NULL, NULL);
	g_main_loop_unref(svc.loop);
	return svc.exit_code;
}
