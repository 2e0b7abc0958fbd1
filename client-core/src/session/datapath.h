#pragma once
/*
 * Private to session/: the one data path of a session, on the data plane
 * (dataplane/). The same code carries every datagram before and after UP,
 * on the data plane's thread or on the main loop; the only difference is
 * who runs it and where control traffic goes (inline on the main loop,
 * through a ring from the thread). It decides, in one place, whether a
 * datagram is data or control, which SA opens it and which layer gets it:
 *
 *   TUN -> PPP -> L2TP data header -> [ESP] -> socket        (encap)
 *   socket -> [IKE? | ESP open] -> L2TP data? -> PPP IP? -> TUN   (decap)
 *             everything else -> ops.control (L2TP control, LCP, IKE)
 *
 * It frames data from a view of the L2TP ids and the PPP state
 * (struct datapath_link) that session.c takes from the l2tp and ppp
 * objects after each time they ran; when L2TP data is sequenced (Ns is
 * l2tp's state) data goes through ops.encap_slow and ops.control instead,
 * and the data path stays on the main loop.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tp/l2tp.h"
#include "net/net.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/pkt.h"

struct session_core;
struct session_datapath;
struct session_sas;

enum datapath_control {
	DATAPATH_CONTROL_L2TP,  /* an L2TP datagram in clear that is not IP data */
	DATAPATH_CONTROL_IKE,   /* an IKE message from UDP/4500, non-ESP marker removed */
};

enum datapath_socket {
	DATAPATH_SOCKET_L2TP,     /* UDP/1701 in clear */
	DATAPATH_SOCKET_ESP_UDP,  /* UDP/4500: ESP, IKE and keepalives (RFC 3948) */
	DATAPATH_SOCKET_ESP_RAW,  /* IP protocol 50 */
};

struct datapath_ops {
	/* Main loop: a datagram that is not IP data. Borrowed for the call. */
	void (*control)(void *user_data, enum datapath_control kind, const uint8_t *data,
			size_t len, usec_t now);
	/* Main loop, sequenced L2TP data only: one IP packet through ppp and l2tp. */
	int (*encap_slow)(void *user_data, struct pkt *p);
	/* Main loop: the data path ran (a batch, or what the thread handed over). */
	void (*ran)(void *user_data);
	/* Main loop, optional: ICMP fragmentation needed on the ESP socket (next-hop MTU). */
	void (*path_mtu)(void *user_data, unsigned mtu);
};

/* What the data path needs of L2TP and PPP to frame data itself. */
struct datapath_link {
	bool framing_ok;                     /* unsequenced data: l2tp_get_data_framing() */
	struct l2tp_data_framing framing;
	bool ipv4, ipv6;                     /* open and the tunnel is up */
};

/* sas: the session's ESP SAs (NULL: plain L2TP). tun: the host's; may open later. */
struct session_datapath *datapath_new(struct session_core *core, struct session_sas *sas,
				      const struct net_tun *tun, const struct datapath_ops *ops,
				      void *user_data);
/* Stops the thread; closes no fd. NULL-safe. */
void datapath_free(struct session_datapath *d);

/* The socket that carries L2TP from now on (borrowed; the caller closes it after). */
void datapath_set_socket(struct session_datapath *d, int fd, enum datapath_socket kind);
/* The TUN was opened: watch it. */
void datapath_tun_opened(struct session_datapath *d);
/* The l2tp and ppp objects may have changed: take this view (under the thread's lock). */
void datapath_set_link(struct session_datapath *d, const struct datapath_link *link);

/* At UP: move to the data plane's own thread (stays on the main loop when it cannot). */
void datapath_start(struct session_datapath *d);
/* Join the thread, hand over what it queued, give the fds back to the main loop. Idempotent. */
void datapath_stop(struct session_datapath *d);

/* Main loop, from l2tp: one datagram (built in p's headroom, or copied) to the gateway. */
int datapath_send_l2tp(struct session_datapath *d, struct pkt *p);
int datapath_send_l2tp_bytes(struct session_datapath *d, const uint8_t *data, size_t len);
/* Main loop, from ppp: an IP packet that came through the l2tp and ppp objects. */
void datapath_deliver_ip(struct session_datapath *d, const uint8_t *ip, size_t len);

/* PPP data received since the last call (for the LCP echo): true and its time, or false. */
bool datapath_take_ppp_activity(struct session_datapath *d, usec_t *ret);
/* An ICMP port unreachable came back on the data socket. */
bool datapath_saw_port_unreachable(const struct session_datapath *d);
void datapath_get_stats(const struct session_datapath *d, struct session_stats *ret);
