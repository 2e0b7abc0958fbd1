#pragma once
/*
 * The RFC 1661 section 4 option-negotiation automaton, shared by LCP, IPCP
 * and IPv6CP. Each protocol supplies a class of callbacks; the automaton
 * owns identifiers, the restart timer and counters, and the packet layout.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/reader.h"
#include "util/writer.h"

struct ppp;
struct ppp_fsm;

enum ppp_code {
	PPP_CODE_CONF_REQ = 1,
	PPP_CODE_CONF_ACK = 2,
	PPP_CODE_CONF_NAK = 3,
	PPP_CODE_CONF_REJ = 4,
	PPP_CODE_TERM_REQ = 5,
	PPP_CODE_TERM_ACK = 6,
	PPP_CODE_CODE_REJ = 7,
	PPP_CODE_PROTO_REJ = 8,
	PPP_CODE_ECHO_REQ = 9,
	PPP_CODE_ECHO_REPLY = 10,
	PPP_CODE_DISCARD_REQ = 11,
};

/* RFC 1661 4.2; Starting is folded into Initial because the lower layer is up when we start. */
enum ppp_fsm_state {
	PPP_FSM_INITIAL,
	PPP_FSM_CLOSED,
	PPP_FSM_STOPPED,
	PPP_FSM_CLOSING,
	PPP_FSM_STOPPING,
	PPP_FSM_REQ_SENT,
	PPP_FSM_ACK_RCVD,
	PPP_FSM_ACK_SENT,
	PPP_FSM_OPENED,
};

/* Returned by nak_opts/rej_opts: the answer taught us nothing new, so let the timer resend. */
#define PPP_FSM_WAIT 1

struct ppp_fsm_class {
	const char *name;
	uint16_t proto;
	/* Append our Configure-Request options. */
	void (*add_opts)(struct ppp_fsm *f, struct rv_writer *w);
	/*
	 * Judge the peer's Configure-Request (options already validated as
	 * TLVs). Returns PPP_CODE_CONF_ACK, _NAK or _REJ; for Nak and Reject
	 * the reply options go to `reply`. Values are committed only on Ack.
	 */
	uint8_t (*req_opts)(struct ppp_fsm *f, struct rv_reader opts, struct rv_writer *reply);
	/* Adjust our request after a Nak or Reject: 0, PPP_FSM_WAIT or -EBADMSG. */
	int (*nak_opts)(struct ppp_fsm *f, struct rv_reader opts);
	int (*rej_opts)(struct ppp_fsm *f, struct rv_reader opts);
	/* This-Layer-Up / -Down / -Finished (RFC 1661 4.4). */
	void (*up)(struct ppp_fsm *f, usec_t now);
	void (*down)(struct ppp_fsm *f);
	void (*finished)(struct ppp_fsm *f, usec_t now);
	/* The peer sent Terminate-Request (already acked); `text` is its data. */
	void (*terminated)(struct ppp_fsm *f, const uint8_t *text, size_t len);
	/* Codes above Code-Reject (LCP only); -ENOMSG makes the automaton Code-Reject. */
	int (*ext_code)(struct ppp_fsm *f, uint8_t code, uint8_t id, struct rv_reader data,
			usec_t now);
	/* The peer Code-Rejected a code outside 1..7 (e.g. Echo-Request). */
	void (*code_rejected)(struct ppp_fsm *f, uint8_t code);
};

#define PPP_FSM_REQ_MAX 64

struct ppp_fsm {
	const struct ppp_fsm_class *cls;
	struct ppp *ppp;
	enum ppp_fsm_state state;
	uint8_t next_id;
	uint8_t req_id;                   /* our outstanding Configure- or Terminate-Request */
	uint8_t req[PPP_FSM_REQ_MAX];     /* its options, to check the Ack against */
	size_t req_len;
	unsigned int restart_count;
	unsigned int nak_rounds;          /* Naks/Rejects received since the last Opened */
	bool heard_peer;
	usec_t deadline;                  /* restart timer */
	/* The peer's last acked Configure-Request, so a retransmission is not a renegotiation. */
	uint8_t peer_req_id;
	uint32_t peer_req_sum;
	size_t peer_req_len;
	bool has_peer_req;
};

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_class *cls, struct ppp *ppp);
void ppp_fsm_open(struct ppp_fsm *f, usec_t now);
void ppp_fsm_close(struct ppp_fsm *f, usec_t now);
/* Drop to Initial without a packet (Protocol-Reject, giving up an optional NCP). */
void ppp_fsm_stop(struct ppp_fsm *f);
int ppp_fsm_rx(struct ppp_fsm *f, const uint8_t *pkt, size_t len, usec_t now);
void ppp_fsm_tick(struct ppp_fsm *f, usec_t now);

static inline bool ppp_fsm_is_open(const struct ppp_fsm *f)
{
	return f->state == PPP_FSM_OPENED;
}

/*
 * Walk configuration options: returns 1 with the next option's type and a
 * reader over its value, 0 at the end, -EBADMSG on a bad length (< 2 or past
 * the end).
 */
int ppp_opt_next(struct rv_reader *r, uint8_t *ret_type, struct rv_reader *ret_val);
/* Copy one option (type, length, value) into a reply. */
void ppp_opt_put(struct rv_writer *w, uint8_t type, const void *val, size_t len);
