#pragma once
/*
 * A scripted LNS for the L2TP unit tests: it records everything the LAC sends,
 * parses it with the codec under test, and builds the gateway's messages with
 * its own Ns/Nr so tests read like a packet trace. Time is whatever the test
 * passes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tp/avp.h"
#include "l2tp/l2tp.h"

#define FAKE_MAX_SENT 64
#define FAKE_MAX_EVENTS 8

struct fake_lns {
	struct l2tp *l;
	struct l2tp_config cfg;

	size_t n_sent;
	size_t sent_len[FAKE_MAX_SENT];
	uint8_t sent[FAKE_MAX_SENT][600];

	size_t n_pkts;
	size_t pkt_len;
	uint8_t pkt[2200];

	size_t n_events;
	enum l2tp_event events[FAKE_MAX_EVENTS];
	struct l2tp_event_info infos[FAKE_MAX_EVENTS];

	size_t n_ppp;
	size_t ppp_len;
	uint8_t ppp[2200];

	uint16_t lac_tunnel_id;  /* learned from the SCCRQ */
	uint16_t lac_session_id; /* learned from the ICRQ */
	uint16_t tunnel_id;      /* the LNS's own */
	uint16_t session_id;
	uint16_t ns;
	uint16_t nr;

	struct l2tp_ctl_msg msg;
	struct rv_writer w;
	uint8_t wbuf[600];
};

/*
 * cmocka setup and teardown: *state is a zeroed struct fake_lns; teardown
 * stops it and frees it with the tunnel secret a test put in f->cfg.
 */
int fake_setup(void **state);
int fake_teardown(void **state);

/* New LAC with f->cfg (set it before), started at `now`; learns the LAC's tunnel id. */
void fake_start(struct fake_lns *f, uint64_t now);
void fake_stop(struct fake_lns *f);

/* Parse the i-th sent message (negative: from the end) into f->msg. */
const struct l2tp_ctl_msg *fake_sent(struct fake_lns *f, int i);
/* The newest sent message of this type, or NULL. */
const struct l2tp_ctl_msg *fake_find(struct fake_lns *f, uint16_t type);
size_t fake_count(struct fake_lns *f, uint16_t type);

/* Start building a gateway message in f->w, addressed to the LAC. */
struct rv_writer *fake_begin(struct fake_lns *f, uint16_t type, uint16_t session_id);
/* Finish, number (Ns++ unless a ZLB) and feed it to l2tp_rx; returns its result. */
int fake_send(struct fake_lns *f, uint64_t now);
/* Same bytes again with the same Ns: a retransmission. */
int fake_resend_last(struct fake_lns *f, uint64_t now);

/* A standard SCCRP (no RWS, like l2tpns), optionally with extra AVPs written by the caller. */
struct rv_writer *fake_begin_sccrp(struct fake_lns *f);
struct rv_writer *fake_begin_icrp(struct fake_lns *f);
/* SCCRQ ... ICCN: the LAC ends with SESSION_UP. */
void fake_handshake(struct fake_lns *f, uint64_t now);

bool fake_has_event(const struct fake_lns *f, enum l2tp_event ev);
