#pragma once
/*
 * Private to session/: the path MTU black-hole search (plpmtu.h) wired to
 * this session: its probes are PPP Echo-Requests padded to the TUN MTU a
 * path size stands for (they cross ESP, L2TP and PPP as data does, with
 * DF on the outer packet), and what it finds goes to the host's one MTU
 * setter (session_host_path_probed()).
 */
#include "plpmtu.h"

struct session_evidence;

struct session_link;
struct session_host;

struct session_pathprobe {
	struct plpmtu pl;
	struct session_link *link;
	struct session_host *host;
	bool always;              /* search without the host configuration too (a diagnosis) */
	bool found;               /* the last search ended */
};

/* always: session_config.probe_path. */
void session_pathprobe_init(struct session_pathprobe *pp, struct session_link *link,
			    struct session_host *host, bool always);
/* Up (the first time or after a reconnect): search from the stack's path MTU down. */
void session_pathprobe_start(struct session_pathprobe *pp, usec_t now);
void session_pathprobe_stop(struct session_pathprobe *pp);
/* PPP's ops->echo_answered. */
void session_pathprobe_answered(struct session_pathprobe *pp, unsigned size, usec_t now);
void session_pathprobe_tick(struct session_pathprobe *pp, usec_t now);
usec_t session_pathprobe_next_deadline(const struct session_pathprobe *pp);
/* What the last search found, or knew so far, into the evidence's path_* fields. */
void session_pathprobe_evidence(const struct session_pathprobe *pp, struct session_evidence *ev);
