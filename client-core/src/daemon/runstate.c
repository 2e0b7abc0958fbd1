/*
 * The helper's state directory (/run/roadvpn): net/ keeps its crash
 * records and DNS backups there (net_stale_record(), see net.h), and
 * replays those of a dead predecessor at start-up: the TUN device
 * (normally gone with the dead process's fd), the gateway /32 route that
 * a full tunnel pins (RTPROT_STATIC, which does not die with the device)
 * and a resolv.conf we had replaced.
 */
#include <errno.h>
#include <glib/gstdio.h>

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

void rv_runstate_record(const char *ifname, uint32_t gateway4, bool full_tunnel)
{
	net_stale_record(dir(), ifname, gateway4, full_tunnel);
}

void rv_runstate_forget(const char *ifname)
{
	net_stale_forget(dir(), ifname);
}

char *rv_runstate_suite_file(const char *d, const char *profile_name)
{
	g_autofree char *name = g_strdup(profile_name);

	/* a file name of its own whatever the profile is called */
	g_strcanon(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", '_');
	return g_build_filename(d ? d : dir(), "suites", name, NULL);
}

int rv_runstate_cleanup(void)
{
	int n = net_stale_cleanup(dir());

	if (n)
		rv_log_info("roadvpnd", "cleaned up %d stale item(s) from a previous run", n);
	return n;
}
