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
#include <netlink/route/link.h>
#include <netlink/route/route.h>
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

static void delete_link(struct nl_sock *sk, const char *ifname)
{
	struct rtnl_link *link = NULL;

	if (rtnl_link_get_kernel(sk, 0, ifname, &link) < 0)
		return;
	if (rtnl_link_delete(sk, link) == 0)
		rv_log_info("roadvpnd", "removed stale device %s", ifname);
	rtnl_link_put(link);
}

static void delete_gateway_route(struct nl_sock *sk, const char *gateway)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct nl_addr *dst = NULL;

	if (!route || nl_addr_parse(gateway, AF_INET, &dst) < 0) {
		rtnl_route_put(route);
		return;
	}

	nl_addr_set_prefixlen(dst, 32);
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_dst(route, dst);
	if (rtnl_route_delete(sk, route, 0) == 0)
		rv_log_info("roadvpnd", "removed stale route %s/32", gateway);
	nl_addr_put(dst);
	rtnl_route_put(route);
}

static bool pid_alive(int pid)
{
	return pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Undo one record; false when its owner still runs. */
static bool replay(struct nl_sock *sk, const char *path)
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
		delete_link(sk, ifname);
	if (gateway && *gateway && g_key_file_get_boolean(kf, "connection", "full-tunnel", NULL))
		delete_gateway_route(sk, gateway);
	g_unlink(path);
	return true;
}

int rv_runstate_cleanup(void)
{
	g_autoptr(GDir) d = g_dir_open(dir(), 0, NULL);
	struct nl_sock *sk = nl_socket_alloc();
	const char *entry;
	int n = 0;

	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0)
		g_clear_pointer(&sk, nl_socket_free);

	while (sk && d && (entry = g_dir_read_name(d))) {
		g_autofree char *path = NULL;

		if (!g_str_has_prefix(entry, "conn-") || !g_str_has_suffix(entry, ".state"))
			continue;
		path = g_build_filename(dir(), entry, NULL);
		n += replay(sk, path);
	}

	nl_socket_free(sk);
	n += net_dns_restore_stale();
	if (n)
		rv_log_info("roadvpnd", "cleaned up %d stale item(s) from a previous run", n);
	return n;
}
