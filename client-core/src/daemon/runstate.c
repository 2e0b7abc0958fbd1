/*
 * Crash records (see runstate.h): one small key file per live connection,
 * /run/roadvpn/conn-<ifname>.state, holding our pid. On start-up a record
 * whose pid is gone is replayed: the TUN device (normally gone with the
 * dead process's fd) and the gateway /32 route that net/ adds for a full
 * tunnel (RTPROT_STATIC, which does not die with the device) are removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"
#include "runstate.h"
#include "util/log.h"

#define DEFAULT_DIR "/run/roadvpn"

static char *state_dir;

static const char *dir(void)
{
	return state_dir ? state_dir : DEFAULT_DIR;
}

void rv_runstate_init(const char *d)
{
	g_free(state_dir);
	state_dir = g_strdup(d ? d : DEFAULT_DIR);
	if (g_mkdir_with_parents(state_dir, 0700) < 0)
		rv_log_warning("roadvpnd", "cannot create %s: %s", state_dir, g_strerror(errno));
	net_dns_set_paths(NULL, state_dir);
}

static char *record_path(const char *ifname)
{
	g_autofree char *file = g_strdup_printf("conn-%s.state", ifname);

	return g_build_filename(dir(), file, NULL);
}

void rv_runstate_record(const char *ifname, uint32_t gateway4, bool full_tunnel)
{
	g_autofree char *path = record_path(ifname);
	g_autofree char *text = NULL;
	char gw[INET_ADDRSTRLEN] = "";

	inet_ntop(AF_INET, &gateway4, gw, sizeof(gw));
	text = g_strdup_printf("[connection]\npid=%d\ninterface=%s\ngateway=%s\nfull-tunnel=%s\n",
			       (int)getpid(), ifname, gw, full_tunnel ? "true" : "false");
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
		rv_log_warning("roadvpnd", "cannot record %s in %s", ifname, dir());
}

void rv_runstate_forget(const char *ifname)
{
	g_autofree char *path = record_path(ifname);

	g_unlink(path);
}

static void delete_link(const char *ifname)
{
	if (net_stale_link_delete(ifname) == 0)
		rv_log_info("roadvpnd", "removed stale device %s", ifname);
}

static void delete_gateway_route(const char *gateway)
{
	uint32_t gw;

	if (inet_pton(AF_INET, gateway, &gw) == 1 && net_stale_gateway_route_delete(gw) == 0)
		rv_log_info("roadvpnd", "removed stale route %s/32", gateway);
}

static bool pid_alive(int pid)
{
	return pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Undo one record; false when its owner still runs. */
static bool replay(const char *path)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *ifname = NULL, *gateway = NULL;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
		g_unlink(path);
		return false;
	}
	if (pid_alive(g_key_file_get_integer(kf, "connection", "pid", NULL)))
		return false;

	ifname = g_key_file_get_string(kf, "connection", "interface", NULL);
	gateway = g_key_file_get_string(kf, "connection", "gateway", NULL);
	if (ifname && g_str_has_prefix(ifname, "rvpn"))
		delete_link(ifname);
	if (gateway && *gateway && g_key_file_get_boolean(kf, "connection", "full-tunnel", NULL))
		delete_gateway_route(gateway);
	g_unlink(path);
	return true;
}

int rv_runstate_cleanup(void)
{
	g_autoptr(GDir) d = g_dir_open(dir(), 0, NULL);
	const char *entry;
	int n = 0;

	while (d && (entry = g_dir_read_name(d))) {
		g_autofree char *path = NULL;

		if (!g_str_has_prefix(entry, "conn-") || !g_str_has_suffix(entry, ".state"))
			continue;
		path = g_build_filename(dir(), entry, NULL);
		n += replay(path);
	}

	n += net_dns_restore_stale();
	if (n)
		rv_log_info("roadvpnd", "cleaned up %d stale item(s) from a previous run", n);
	return n;
}
