#pragma once
/*
 * Two roadvpn tunnel ends wired back to back in one process, for the
 * benchmarks: each end is the real L2TP LAC (l2tp/) and PPP client (ppp/)
 * plus an ESP SA pair (esp/), brought to "session up / IPCP open" by a
 * scripted in-process LNS and PPP peer. The scripted LNS gives each LAC the
 * other LAC's tunnel and session ids, so end A's data messages are exactly
 * what end B accepts: the pair exchanges L2TP-over-ESP without a gateway.
 *
 * Not a test harness: bench_pair_up() returns -1 with a message on stderr
 * when a layer does not come up, and nothing here is used by roadvpnd.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"
#include "util/clock.h"
#include "util/pkt.h"

#define BENCH_MAX_CAPTURE 16
#define BENCH_CAPTURE_LEN 600

struct bench_capture {
	size_t n;
	size_t len[BENCH_MAX_CAPTURE];
	uint8_t data[BENCH_MAX_CAPTURE][BENCH_CAPTURE_LEN];
};

struct bench_end {
	const char *name;
	struct l2tp *l2tp;
	struct ppp *ppp;
	struct esp_sa *out, *in;
	bool ppp_up;              /* PPP frames now go to L2TP, not to the script */
	bool staged;              /* tx_esp gets packets prepared, not sealed: see bench_seal_crypt() */
	bool ipcp_up;
	uint32_t local_addr;      /* from IPCP, network byte order */

	/* The scripted peer's view. */
	struct bench_capture ctl; /* L2TP control messages the LAC sent */
	struct bench_capture ppp_frames;
	uint16_t tunnel_id;       /* the LAC's own ids, learned from SCCRQ / ICRQ */
	uint16_t session_id;
	uint16_t lns_ns, lns_nr;

	/* Data hooks, set by the benchmark. */
	int (*tx_esp)(struct bench_end *e, struct pkt *p);   /* a sealed ESP packet */
	void (*ip_rx)(struct bench_end *e, const uint8_t *data, size_t len);
	void *user;
	uint64_t dropped;
};

/*
 * Bring up a and b (zeroed, names and hooks set) with ESP SAs: a sends with
 * ab and b opens with ab; b sends with ba and a opens with ba. The PPP
 * addresses are 203.0.113.1 (a) and 203.0.113.2 (b). 0 or -1.
 */
int bench_pair_up(struct bench_end *a, struct bench_end *b, const struct esp_sa_params *ab,
		  const struct esp_sa_params *ba);
void bench_end_free(struct bench_end *e);

/* One IP packet in p->data down the stack: ppp_send_ip -> l2tp_send_ppp -> UDP -> ESP -> tx_esp. */
int bench_encap(struct bench_end *e, struct pkt *p);
/* One ESP packet (from the SPI) up the stack: ESP -> UDP -> l2tp_rx -> ppp_rx -> ip_rx. */
int bench_decap(struct bench_end *e, struct pkt *p, usec_t now);
/*
 * The same with the crypto as a stage of its own, as roadvpnd's data plane
 * runs it (dataplane/dataplane.h): the crypto on a lane of the SAs, for
 * several packets at once; bench_decap_opened() with its result, in order.
 */
int bench_seal_crypt(struct bench_end *e, unsigned lane, struct pkt *p);
int bench_open_crypt(struct bench_end *e, unsigned lane, struct pkt *p);
int bench_decap_opened(struct bench_end *e, struct pkt *p, int opened, usec_t now);
