/*
 * The kill switch (see net.h): an nftables table of our own, in the inet
 * family, whose output and forward chains drop everything but loopback,
 * the TUN devices, IKE/NAT-T/ESP (or L2TP in clear) to the gateway, DHCP
 * (so the underlay keeps its address) and, with allow-lan, the local
 * networks.
 *
 * Through the `nft` binary, not netlink: one declarative ruleset applied
 * as one transaction (replacing a table is atomic, so the gateway can
 * change on a reconnect without a gap), no libnftables/libnftnl build
 * dependency, and a ruleset a person can read in the log and with
 * `nft list table`. It runs a few times per connection, never per packet.
 *
 * The table is named roadvpn_<pid>_<n>, and a crash record of it,
 * killswitch-<netns>-<table> in the state directory, is written before the
 * table exists and removed once it is gone. A record whose pid is gone is
 * a dead helper's: net_killswitch_cleanup_stale() (at start-up, through
 * net_stale_cleanup(), and before any new table) deletes that table. So a
 * helper that never held a kill switch never runs nft, and one whose
 * predecessor left none finds no record. The network namespace is in the
 * name because /run is shared by namespaces while tables are not: a helper
 * replays only the records of its own namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "util/log.h"
#include "net-private.h"

#define TABLE_PREFIX "roadvpn_"
#define SYSTEM_NFT "/usr/sbin/nft"
#define RECORD_PREFIX "killswitch-"

/*
 * Run nft with one command buffer (nft parses its arguments as one). It
 * takes milliseconds, a few times per connection: run synchronously.
 * The system's binary first: a helper started by D-Bus has a minimal PATH.
 * 0 or -errno.
 */
static int run_nft(const char *script, char **ret_out, char **ret_error)
{
	const char *argv[] = { SYSTEM_NFT, script, NULL };
	g_autofree char *err = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	if (!g_file_test(SYSTEM_NFT, G_FILE_TEST_IS_EXECUTABLE))
		argv[0] = "nft";

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, ret_out,
			  &err, &status, &error)) {
		if (ret_error)
			*ret_error = g_strdup(error->message);
		return -ENOENT;
	}
	if (g_spawn_check_wait_status(status, NULL))
		return 0;
	if (ret_error)
		*ret_error = g_strdup(err ? g_strstrip(err) : "nft failed");
	return -EIO;
}

/* What may leave while the switch holds, as nft statements. */
static void put_allowed(GString *s, const struct net_killswitch_config *cfg)
{
	char gw[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cfg->gateway4, gw, sizeof(gw));
	g_string_append_printf(s, "\t\toifname \"lo\" accept\n"
				  "\t\toifname \"%s*\" accept\n"
				  "\t\tudp sport 68 udp dport 67 accept\n",
			       cfg->tun_prefix);
	if (cfg->ipsec)
		g_string_append_printf(s, "\t\tip daddr %s udp dport { 500, 4500 } accept\n"
					  "\t\tip daddr %s ip protocol esp accept\n",
				       gw, gw);
	else
		g_string_append_printf(s, "\t\tip daddr %s udp dport 1701 accept\n", gw);
	if (cfg->allow_lan)
		g_string_append(s, "\t\tip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, "
				   "169.254.0.0/16, 224.0.0.0/4, 255.255.255.255 } accept\n"
				   "\t\tip6 daddr { fe80::/10, fc00::/7, ff00::/8 } accept\n");
}

/* The whole table, replacing any of that name in the same transaction. */
static char *ruleset(const char *table, const struct net_killswitch_config *cfg)
{
	GString *s = g_string_new(NULL);
	static const char *const hooks[] = { "output", "forward" };

	g_string_append_printf(s, "table inet %s {}\ndelete table inet %s\ntable inet %s {\n",
			       table, table, table);
	for (size_t i = 0; i < G_N_ELEMENTS(hooks); i++) {
		g_string_append_printf(s, "\tchain %s {\n\t\ttype filter hook %s priority 0; "
					  "policy drop;\n",
				       hooks[i], hooks[i]);
		put_allowed(s, cfg);
		g_string_append(s, "\t}\n");
	}
	g_string_append(s, "}\n");
	return g_string_free(s, FALSE);
}

char *net_killswitch_table_name(unsigned n)
{
	return g_strdup_printf(TABLE_PREFIX "%d_%u", (int)getpid(), n);
}

/* Our network namespace, as the inode of its /proc entry (0 when unknown). */
static unsigned long netns_id(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/* killswitch-<netns>-: the records of this namespace start with it. */
static char *record_prefix(void)
{
	return g_strdup_printf(RECORD_PREFIX "%lu-", netns_id());
}

static char *record_path(const char *table)
{
	g_autofree char *prefix = record_prefix();
	g_autofree char *file = g_strconcat(prefix, table, NULL);

	return g_build_filename(net_state_dir(), file, NULL);
}

static void record(const char *table)
{
	g_autofree char *path = record_path(table);

	if (g_mkdir_with_parents(net_state_dir(), 0700) < 0 ||
	    !g_file_set_contents_full(path, "", 0, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
		rv_log_warning(NET_LOG, "cannot record the kill switch table %s in %s", table,
			       net_state_dir());
}

static void forget(const char *table)
{
	g_autofree char *path = record_path(table);

	g_unlink(path);
}

int net_killswitch_hold(const char *table, const struct net_killswitch_config *cfg,
			char **ret_error)
{
	g_autofree char *script = ruleset(table, cfg);

	net_killswitch_cleanup_stale();
	/* Before the table: a crash right after nft still leaves the record. */
	record(table);
	return run_nft(script, NULL, ret_error);
}

int net_killswitch_release(const char *table)
{
	g_autofree char *cmd = g_strdup_printf("delete table inet %s", table);
	g_autofree char *error = NULL;
	int r = run_nft(cmd, NULL, &error);

	if (r < 0)
		rv_log_warning(NET_LOG, "cannot remove the kill switch table %s: %s", table,
			       error ? error : strerror(-r));
	else
		forget(table);
	return r;
}

/* roadvpn_<pid>_<n> of a helper that is gone (not ours, not alive). */
static bool table_is_stale(const char *name)
{
	char *end;
	long pid;

	if (!g_str_has_prefix(name, TABLE_PREFIX))
		return false;
	pid = strtol(name + strlen(TABLE_PREFIX), &end, 10);
	if (end == name + strlen(TABLE_PREFIX) || *end != '_' || pid <= 0 || pid > INT32_MAX)
		return false;
	return pid != getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* The table a dead helper recorded: delete it if it is still there, then the record. */
static bool replay(const char *table)
{
	g_autofree char *cmd = g_strdup_printf("delete table inet %s", table);
	bool removed = run_nft(cmd, NULL, NULL) == 0;

	if (removed)
		rv_log_info(NET_LOG, "removed the stale kill switch table %s", table);
	forget(table);
	return removed;
}

int net_killswitch_cleanup_stale(void)
{
	g_autoptr(GDir) d = g_dir_open(net_state_dir(), 0, NULL);
	g_autofree char *prefix = record_prefix();
	const char *entry;
	int n = 0;

	while (d && (entry = g_dir_read_name(d))) {
		if (g_str_has_prefix(entry, prefix) && table_is_stale(entry + strlen(prefix)))
			n += replay(entry + strlen(prefix));
	}
	return n;
}
