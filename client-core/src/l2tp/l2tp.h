#pragma once
/*
 * L2TP LAC (RFC 2661): one control connection carrying one incoming call,
 * the voluntary-tunnel model of a remote-access client. The only header
 * session/ includes from l2tp/.
 *
 * Pure protocol object: it parses bytes, updates state, and emits bytes
 * through ops->tx and timer needs through l2tp_next_deadline(). It never
 * touches a socket or a clock. Below it is whatever carries UDP/1701
 * payloads (a plain UDP socket, or ESP in the IPsec issue); above it is PPP,
 * which it hands whole PPP frames (address/control FF 03 included when the
 * peer sent them).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/pkt.h"
#include "util/secret.h"
#include "util/clock.h"

struct l2tp;

struct l2tp_config {
	const char *hostname;             /* Host Name AVP; "roadvpn" if NULL */
	const struct rv_secret *secret;   /* tunnel authentication; NULL = none */
	uint16_t receive_window;          /* our RWS; 0 = default (8) */
	unsigned int max_retransmits;     /* give up after this many; 0 = default (5) */
	usec_t retransmit_initial;        /* 0 = default (1 s), doubled up to 8 s */
	usec_t hello_interval;            /* 0 = default (60 s) */
	bool sequence_data;               /* send data with Ns/Nr even unasked */
};

enum l2tp_event {
	L2TP_EVENT_TUNNEL_UP,   /* SCCRP accepted, SCCCN sent */
	L2TP_EVENT_SESSION_UP,  /* ICRP accepted, ICCN sent: start PPP */
	L2TP_EVENT_CLOSED,      /* clean close finished (ours or peer's) */
	L2TP_EVENT_FAILED,      /* fatal: see info */
};

enum l2tp_failure {
	L2TP_FAILURE_NONE,
	L2TP_FAILURE_NO_ANSWER,        /* retransmissions exhausted */
	L2TP_FAILURE_TUNNEL_AUTH,      /* Challenge Response wrong or missing */
	L2TP_FAILURE_PEER_STOPCCN,     /* peer closed the tunnel */
	L2TP_FAILURE_PEER_CDN,         /* peer disconnected the call */
	L2TP_FAILURE_PROTOCOL,         /* malformed or unexpected mandatory data */
};

struct l2tp_event_info {
	enum l2tp_failure failure;
	uint16_t result_code;   /* from StopCCN/CDN Result Code AVP, 0 if none */
	uint16_t error_code;    /* 0 if none */
	char message[160];      /* readable reason, peer text escaped; never a secret */
	uint16_t peer_tunnel_id;
	uint16_t peer_session_id;
};

struct l2tp_ops {
	/* Send one UDP payload to the peer's L2TP port. Returns 0 or -errno. */
	int (*tx)(void *user_data, const uint8_t *data, size_t len);
	/* The same, for data messages built in place in a packet buffer. */
	int (*tx_pkt)(void *user_data, struct pkt *p);
	void (*event)(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info);
	/* A PPP frame arrived on our session. Borrowed for the call only. */
	void (*ppp_rx)(void *user_data, const uint8_t *frame, size_t len, usec_t now);
};

struct l2tp *l2tp_new(const struct l2tp_config *cfg, const struct l2tp_ops *ops, void *user_data);
void l2tp_free(struct l2tp *l);

/* Pick fresh random IDs and send SCCRQ. */
int l2tp_start(struct l2tp *l, usec_t now);

/*
 * One UDP payload from the peer. Returns 0, -EBADMSG (malformed, dropped),
 * -ENOMSG (not ours: unknown tunnel or session id), -EAGAIN (duplicate
 * answered), or -EPROTO (fatal; L2TP_EVENT_FAILED was emitted).
 */
int l2tp_rx(struct l2tp *l, const uint8_t *data, size_t len, usec_t now);
void l2tp_tick(struct l2tp *l, usec_t now);
usec_t l2tp_next_deadline(const struct l2tp *l);

/*
 * Send a PPP frame (in p->data, FF 03 included) as a data message: the L2TP
 * data header is pushed into the headroom. Returns 0, -ENOTCONN before
 * SESSION_UP, or the tx error.
 */
int l2tp_send_ppp(struct l2tp *l, struct pkt *p);

/*
 * Framing of the session's data messages, for a data path that runs apart
 * from the l2tp object (a data-plane thread): everything needed to build
 * and recognise them, copied out so that the object itself is not shared.
 */
struct l2tp_data_framing {
	uint16_t tunnel_id, session_id;           /* ours: inbound messages carry these */
	uint16_t peer_tunnel_id, peer_session_id; /* the gateway's: outbound ones carry these */
};

/*
 * The framing while the session is up with unsequenced data. False
 * otherwise: with sequencing (rare; only when the LNS demands it) Ns is
 * state of the object, so data must go through l2tp_send_ppp()/l2tp_rx().
 */
bool l2tp_get_data_framing(const struct l2tp *l, struct l2tp_data_framing *ret);
/* Push an unsequenced data header for f into p's headroom. 0 or -ENOBUFS. */
int l2tp_data_push(const struct l2tp_data_framing *f, struct pkt *p);
/*
 * Strip the header of a plain data message of f's session, leaving the PPP
 * frame in p. -ENOMSG for anything else (control, sequenced or another
 * session's data, malformed), with p untouched: that is l2tp_rx()'s.
 */
int l2tp_data_pull(const struct l2tp_data_framing *f, struct pkt *p);

/* Clean teardown: CDN then StopCCN; L2TP_EVENT_CLOSED when acknowledged or timed out. */
void l2tp_close(struct l2tp *l, usec_t now);

bool l2tp_is_session_up(const struct l2tp *l);
