#pragma once
/*
 * Private to session/: the L2TP/PPP side of a session: the l2tp and ppp
 * objects, the UDP/1701 socket when L2TP runs in clear, what IPCP and
 * IPv6CP gave us, and the goodbyes (LCP Terminate, CDN + StopCCN).
 */
#include <stdbool.h>
#include <stdint.h>

#include "ppp/ppp.h"
#include "util/pkt.h"
#include "util/clock.h"

struct datapath_link;
struct session_core;
struct session_datapath;
struct session_sas;

struct session_link {
	struct session_core *core;
	struct session_datapath *dp;   /* this attempt's data path */
	const struct session_sas *sas; /* NULL: L2TP in clear */
	struct l2tp *l2tp;
	struct ppp *ppp;
	int udp_fd;                    /* UDP/1701 in clear, else -1 */

	/* What PPP negotiated. */
	enum ppp_auth_method auth_method;
	struct ppp_ipcp_info ipcp;
	struct ppp_ipv6cp_info ipv6cp;
	bool has_ipv6;
	uint16_t mtu;
	uint16_t stack_mru;            /* the MRU to ask for when the profile sets none (exact MTU) */

	bool want_ppp_start, want_netconfig, want_ipv6_config;
	bool ppp_closing, ppp_done;
	bool l2tp_closing, l2tp_done, l2tp_failed;
	struct session_pathprobe *pathprobe; /* told of sized echoes answered; set by session.c */
};

void session_link_init(struct session_link *l, struct session_core *core);
/* Free the objects and close the socket: a fresh attempt may start. */
void session_link_reset(struct session_link *l);

/* L2TP in clear: the UDP/1701 socket to the gateway, carried by dp. 0 or -errno. */
int session_link_open_udp(struct session_link *l, uint32_t gateway4);
/* SCCRQ: the tunnel starts (phase L2TP_TUNNEL). 0 or -errno. */
int session_link_start(struct session_link *l);
/* PPP is about to start: the call is up, and its data framing known. */
bool session_link_wants_ppp(const struct session_link *l);
/* The call's data messages carry Ns/Nr (4 more bytes each). */
bool session_link_data_sequenced(const struct session_link *l);
/* The deferred work of the layers' events: PPP after the call is up. */
void session_link_advance(struct session_link *l);
/* IPCP is up (IPv6CP is up, after UP): the host wants configuring. Asks once. */
bool session_link_take_netconfig(struct session_link *l);
bool session_link_take_ipv6(struct session_link *l);

/* A path MTU probe: ppp_echo_sized(). 0 or -errno. */
int session_link_echo_sized(struct session_link *l, uint16_t size);
/* Main loop, sequenced L2TP data only: one IP packet through ppp and l2tp. */
int session_link_send_ip(struct session_link *l, struct pkt *p);
/* One datagram that is not IP data the data path could frame itself. */
void session_link_rx(struct session_link *l, const uint8_t *data, size_t len, usec_t now);
/* The data path's view of l2tp and ppp; IP flows only while `up`. */
void session_link_view(const struct session_link *l, bool up, struct datapath_link *ret);
/* Check the gateway at once (after a resume): LCP echoes that end the link when unanswered. */
void session_link_probe(struct session_link *l, usec_t now);
void session_link_note_activity(struct session_link *l, usec_t when);
usec_t session_link_next_deadline(const struct session_link *l);
void session_link_tick(struct session_link *l, usec_t now);

/*
 * One step of the goodbyes, in order: LCP Terminate, then CDN + StopCCN,
 * each bounded by *deadline (which a step sets). True when done.
 * peer_dead: say nothing to a gateway that stopped answering.
 */
bool session_link_teardown_step(struct session_link *l, usec_t now, usec_t *deadline,
				bool peer_dead);
