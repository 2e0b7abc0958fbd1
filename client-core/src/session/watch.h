#pragma once
/*
 * Private to session/: the network under the tunnel, watched while
 * connecting and up (watch.c). rtnetlink notifications (net/underlay.c)
 * that may change how the gateway is reached start a short debounce; then
 * the path to the gateway is looked at again, without the tunnel's routes
 * and our pin, and compared with the one the attempt started on. Another
 * device or next hop, or our underlay address gone, is a network change:
 * `changed` is called with a cause for the log. Changes that leave the
 * gateway's route as it was (other links, other routes, our own TUN) do
 * not reconnect (`settled` is called: the kernel may have flushed our pin
 * with an address that came back); no route at all is not yet a change
 * (the network is away).
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"
#include "util/clock.h"

struct session;
struct session_core;

/* The debounce: this long after the last notification, at most this long after the first. */
#define SESSION_WATCH_SETTLE (300 * USEC_PER_MSEC)
#define SESSION_WATCH_SETTLE_MAX (1 * USEC_PER_SEC)

enum session_watch_verdict {
	SESSION_WATCH_SAME,
	SESSION_WATCH_CHANGED,
	SESSION_WATCH_NO_ROUTE,   /* nothing reaches the gateway now: wait for a route */
};

struct session_watch {
	struct session_core *core;
	void (*changed)(struct session *owner, const char *cause);
	void (*settled)(struct session *owner);  /* looked again, the same path: check the pin */
	int fd;
	guint io, settle;
	usec_t first_event;       /* of the burst being debounced; 0: none */
	uint32_t gateway4, local4;
	int skip_ifindex;         /* the TUN, 0 before it exists */
	struct net_underlay pinned; /* our /32 to the gateway, left out; ifindex 0: none */
	int base_r;               /* the baseline: 0 or -ENETUNREACH */
	struct net_underlay base;
};

void session_watch_init(struct session_watch *w, struct session_core *core,
			void (*changed)(struct session *owner, const char *cause),
			void (*settled)(struct session *owner));
/*
 * Start watching for this attempt: the gateway, our address on the
 * underlay (the IKE or L2TP socket's), the TUN (0: none yet) and the
 * gateway pin to leave out (NULL: none). The path now is the baseline.
 */
void session_watch_start(struct session_watch *w, uint32_t gateway4, uint32_t local4,
			 int tun_ifindex, const struct net_underlay *pinned);
/* The TUN is up (its routes and our pin are ours, not the underlay's): leave them out. */
void session_watch_set_tun(struct session_watch *w, int tun_ifindex,
			   const struct net_underlay *pinned);
void session_watch_stop(struct session_watch *w);

/* When the settle timer fires for a burst that began at `first`, its last event at `now`. */
usec_t session_watch_settle_at(usec_t first, usec_t now);
/*
 * The decision: the baseline (base_r 0 or -ENETUNREACH, base), the route
 * now (r, now) and whether our underlay address is still ours. cause gets
 * a line for the log when CHANGED.
 */
enum session_watch_verdict session_watch_judge(int base_r, const struct net_underlay *base, int r,
					       const struct net_underlay *now, bool local_present,
					       char *cause, size_t cause_size);
