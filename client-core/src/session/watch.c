/*
 * The network under the tunnel (watch.h): a laptop that moves from Wi-Fi
 * to Ethernet, or whose address changes, reconnects within a second
 * instead of waiting for DPD to declare a gateway dead that was only
 * reached another way. The kernel's notifications only say "look again":
 * the decision compares the path to the gateway before and after.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <glib-unix.h>

#include "core.h"
#include "watch.h"
#include "util/log.h"

void session_watch_init(struct session_watch *w, struct session_core *core,
			void (*changed)(struct session *owner, const char *cause),
			void (*settled)(struct session *owner))
{
	*w = (struct session_watch){ .core = core, .changed = changed, .settled = settled,
				     .fd = -1 };
}

usec_t session_watch_settle_at(usec_t first, usec_t now)
{
	return rv_usec_min(now + SESSION_WATCH_SETTLE, first + SESSION_WATCH_SETTLE_MAX);
}

static void describe(const struct net_underlay *u, char *buf, size_t size)
{
	char dev[IF_NAMESIZE] = "", via[INET_ADDRSTRLEN];

	if (!if_indextoname((unsigned int)u->ifindex, dev))
		snprintf(dev, sizeof(dev), "#%d", u->ifindex);
	if (u->via)
		snprintf(buf, size, "via %s dev %s", inet_ntop(AF_INET, &u->via, via, sizeof(via)),
			 dev);
	else
		snprintf(buf, size, "dev %s", dev);
}

enum session_watch_verdict session_watch_judge(int base_r, const struct net_underlay *base, int r,
					       const struct net_underlay *now, bool local_present,
					       char *cause, size_t cause_size)
{
	char a[64], b[64];

	if (r < 0)
		return SESSION_WATCH_NO_ROUTE;
	describe(now, b, sizeof(b));
	if (base_r < 0) {
		snprintf(cause, cause_size, "network change: the gateway is reachable again (%s)", b);
		return SESSION_WATCH_CHANGED;
	}
	if (now->ifindex != base->ifindex || now->via != base->via) {
		describe(base, a, sizeof(a));
		snprintf(cause, cause_size, "network change: the route to the gateway moved from %s to %s",
			 a, b);
		return SESSION_WATCH_CHANGED;
	}
	if (!local_present) {
		snprintf(cause, cause_size, "network change: our address on the underlay is gone (%s)",
			 b);
		return SESSION_WATCH_CHANGED;
	}
	return SESSION_WATCH_SAME;
}

static const struct net_underlay *pin_of(const struct session_watch *w)
{
	return w->pinned.ifindex ? &w->pinned : NULL;
}

static void evaluate(struct session_watch *w)
{
	struct net_underlay now = { 0 };
	bool local_present = !w->local4 || net_address_is_local4(w->local4);
	char cause[200];
	int r = net_underlay_route4(w->gateway4, w->skip_ifindex, pin_of(w), &now);

	switch (session_watch_judge(w->base_r, &w->base, r, &now, local_present, cause,
				    sizeof(cause))) {
	case SESSION_WATCH_SAME:
		rv_log_debug("session", "the network changed, the path to the gateway did not");
		w->settled(w->core->owner);
		return;
	case SESSION_WATCH_NO_ROUTE:
		rv_log_info("session", "no route to the gateway for now: waiting for one");
		return;
	case SESSION_WATCH_CHANGED:
		rv_log_info("session", "%s", cause);
		session_watch_stop(w);
		w->changed(w->core->owner, cause);
		return;
	}
}

static gboolean on_settled(gpointer user_data)
{
	struct session_watch *w = user_data;
	SESSION_SCOPE(w->core->owner);

	w->settle = 0;
	w->first_event = 0;
	evaluate(w);
	return G_SOURCE_REMOVE;
}

/* A notification that matters: (re)start the settle timer, bounded from the burst's first. */
static void note_event(struct session_watch *w)
{
	usec_t now = session_now(), at;

	if (!w->first_event)
		w->first_event = now;
	at = session_watch_settle_at(w->first_event, now);
	g_clear_handle_id(&w->settle, g_source_remove);
	w->settle = g_timeout_add((guint)((at - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC),
				  on_settled, w);
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session_watch *w = user_data;
	SESSION_SCOPE(w->core->owner);
	int r = net_watch_read(fd, w->skip_ifindex);

	if (r > 0)
		note_event(w);
	else if (r < 0)
		rv_log_debug("session", "reading rtnetlink: %s", strerror(-r));
	return G_SOURCE_CONTINUE;
}

void session_watch_start(struct session_watch *w, uint32_t gateway4, uint32_t local4,
			 int tun_ifindex, const struct net_underlay *pinned)
{
	int r;

	session_watch_stop(w);
	w->gateway4 = gateway4;
	w->local4 = local4;
	w->skip_ifindex = tun_ifindex;
	w->pinned = pinned ? *pinned : (struct net_underlay){ 0 };
	r = net_watch_open(&w->fd);
	if (r < 0) {
		rv_log_warning("session", "cannot watch the network (%s): a change is noticed by DPD",
			       strerror(-r));
		return;
	}
	w->base_r = net_underlay_route4(gateway4, tun_ifindex, pin_of(w), &w->base);
	if (w->base_r < 0 && w->base_r != -ENETUNREACH)
		rv_log_debug("session", "no underlay route to the gateway: %s", strerror(-w->base_r));
	w->io = g_unix_fd_add(w->fd, G_IO_IN, on_readable, w);
}

void session_watch_set_tun(struct session_watch *w, int tun_ifindex,
			   const struct net_underlay *pinned)
{
	w->skip_ifindex = tun_ifindex;
	w->pinned = pinned ? *pinned : (struct net_underlay){ 0 };
}

void session_watch_stop(struct session_watch *w)
{
	g_clear_handle_id(&w->io, g_source_remove);
	g_clear_handle_id(&w->settle, g_source_remove);
	w->first_event = 0;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
