/*
 * What a dead helper left in the kernel (see net.h): its TUN device, if
 * still there, and the gateway host route of a full tunnel. Each removal
 * is one rtnetlink request on a socket of its own.
 *
 * The crash records that say what to remove: one small key file per live
 * connection, <dir>/conn-<ifname>.state, holding the pid of its helper,
 * the device and the gateway whose /32 route a full tunnel pinned. A
 * record whose pid is gone is replayed at start-up, and then the DNS
 * backups of dns.c and the kill switch records of killswitch.c (which
 * runs nft only when one of those says a dead helper's table may be left).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <glib/gstdio.h>

#include "util/log.h"
#include "net-private.h"

static int stale_request(struct net_nl_msg *m)
{
	struct net_nl nl;
	int r = net_nl_open(&nl);

	if (r < 0)
		return r;
	r = net_nl_transact(&nl, m, NULL);
	net_nl_close(&nl);
	return r;
}

int net_stale_link_delete(const char *ifname)
{
	struct net_nl_msg m;
	struct ifinfomsg *ifi = net_nl_msg_init(&m, RTM_DELLINK, NLM_F_ACK, sizeof(*ifi));

	if (!ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	ifi->ifi_family = AF_UNSPEC;
	net_nl_put(&m, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	return stale_request(&m);
}

int net_stale_gateway_route_delete(uint32_t gateway4)
{
	struct net_nl_msg m;
	struct rtmsg *rtm = net_nl_msg_init(&m, RTM_DELROUTE, NLM_F_ACK, sizeof(*rtm));

	/* Whatever its device and next hop: the /32 to the gateway that we add. */
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	net_nl_put(&m, RTA_DST, &gateway4, 4);
	return stale_request(&m);
}

/* Records --------------------------------------------------------------- */

static char *record_path(const char *dir, const char *ifname)
{
	g_autofree char *file = g_strdup_printf("conn-%s.state", ifname);

	return g_build_filename(dir, file, NULL);
}

void net_stale_record(const char *dir, const char *ifname, uint32_t gateway4, bool full_tunnel)
{
	g_autofree char *path = record_path(dir, ifname);
	g_autofree char *text = NULL;
	char gw[INET_ADDRSTRLEN] = "";

	inet_ntop(AF_INET, &gateway4, gw, sizeof(gw));
	text = g_strdup_printf("[connection]\npid=%d\ninterface=%s\ngateway=%s\nfull-tunnel=%s\n",
			       (int)getpid(), ifname, gw, full_tunnel ? "true" : "false");
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
		rv_log_warning(NET_LOG, "cannot record %s in %s", ifname, dir);
}

void net_stale_forget(const char *dir, const char *ifname)
{
	g_autofree char *path = record_path(dir, ifname);

	g_unlink(path);
}

static bool pid_alive(int pid)
{
	return pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM);
}

static void replay_link(const char *ifname)
{
	if (net_stale_link_delete(ifname) == 0)
		rv_log_info(NET_LOG, "removed stale device %s", ifname);
}

static void replay_gateway_route(const char *gateway)
{
	uint32_t gw;

	if (inet_pton(AF_INET, gateway, &gw) == 1 && net_stale_gateway_route_delete(gw) == 0)
		rv_log_info(NET_LOG, "removed stale route %s/32", gateway);
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
		replay_link(ifname);
	if (gateway && *gateway && g_key_file_get_boolean(kf, "connection", "full-tunnel", NULL))
		replay_gateway_route(gateway);
	g_unlink(path);
	return true;
}

int net_stale_cleanup(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *entry;
	int n = 0;

	while (d && (entry = g_dir_read_name(d))) {
		g_autofree char *path = NULL;

		if (!g_str_has_prefix(entry, "conn-") || !g_str_has_suffix(entry, ".state"))
			continue;
		path = g_build_filename(dir, entry, NULL);
		n += replay(path);
	}

	return n + net_dns_restore_stale() + net_killswitch_cleanup_stale();
}
