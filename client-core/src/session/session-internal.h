#pragma once
/*
 * Private to session/: the session object, a thin composition of the parts
 * that each own a piece of a connection, and the phase machine over them
 * (session.c). Each part is a struct with its own functions; none writes
 * another's fields:
 *
 *   core.h       phase, failure record, deferred work   (every part reports here)
 *   link.h       L2TP/PPP side: l2tp, ppp, UDP/1701 in clear
 *   ipsec.h      IPsec side: ike, UDP/500 + 4500 + raw ESP sockets, NAT-T, SAs (sas.h)
 *   host.h       host network state: TUN, addresses, routes, DNS (net/)
 *   datapath.h   the one data path over dataplane/, on its thread or the main loop
 *   reconnect.h  reconnect policy and back-off
 *   watch.h      the network under the tunnel (rtnetlink), for a reconnect when it changes
 *   resume.h     waking up from a suspend (logind, the clocks), for a check of the peer
 */
#include <gio/gio.h>

#include "core.h"
#include "datapath.h"
#include "host.h"
#include "ipsec.h"
#include "link.h"
#include "pathprobe.h"
#include "reconnect.h"
#include "resume.h"
#include "watch.h"
#include "session/session.h"

struct session {
	struct session_core core;
	GCancellable *cancel;
	uint32_t gateway4;
	uint32_t last_gateway4;      /* of the last attempt, for the network watch while waiting */
	GSource *timer;
	usec_t step_deadline;        /* of the teardown step under way */

	struct session_link link;
	struct session_ipsec ipsec;
	struct session_suites suites;  /* remembered IPsec suites, across attempts */
	struct session_host host;
	struct session_pathprobe pathprobe; /* black holes: PPP echoes of the TUN's size */
	struct session_reconnect reconnect;
	struct session_watch watch;
	struct session_resume resume;
	struct session_datapath *dp; /* this attempt's; NULL between attempts */
	struct session_stats stats;  /* what earlier attempts' data paths moved */
	char restart_cause[160];     /* why the pending restart, for the log */
};

/*
 * After a teardown: enter RECONNECT_WAIT and retry after the back-off
 * (from resolve once the host configuration is no longer held).
 */
void session_reconnect_later(struct session *s);
/*
 * Reconnect at once, keeping the TUN and its configuration: the network
 * under the tunnel changed, or the gateway is dead after a resume. Not a
 * failure; ignored while not connecting or up, or with reconnect=false.
 */
void session_restart(struct session *s, const char *cause);
