#pragma once
/*
 * A scripted peer for the PPP client: captures what the client sends and
 * the events it emits, builds frames for it, and drives time by hand.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/ppp.h"

#define H_MAX_FRAMES 256
#define H_MAX_EVENTS 16

struct h_frame {
	uint8_t data[PKT_MAX_DATA];
	size_t len;
};

struct h_event {
	enum ppp_event ev;
	struct ppp_event_info info;
};

struct harness {
	struct ppp *ppp;
	struct rv_secret *password;
	struct h_frame tx[H_MAX_FRAMES];
	size_t n_tx, next_tx;
	struct h_event events[H_MAX_EVENTS];
	size_t n_events;
	uint8_t ip[PKT_MAX_DATA];
	size_t ip_len;
	bool ip_is_v6;
	unsigned int n_ip;
	uint16_t echo_answered;       /* the last ppp_echo_sized() answered */
	unsigned int n_echo_answered;
	usec_t now;
};

/* A parsed control packet the client sent. */
struct h_ctl {
	uint16_t proto;
	uint8_t code, id;
	const uint8_t *data;
	size_t len;
};

/* cfg may be NULL for the defaults below; the password is "alice-secret", user "alice". */
struct harness *h_new(const struct ppp_config *cfg);
void h_free(struct harness *h);
struct ppp_config h_default_config(void);

/* Feed a control packet of `proto` to the client. Returns ppp_rx()'s result. */
int h_rx_ctl(struct harness *h, uint16_t proto, uint8_t code, uint8_t id, const void *data,
	     size_t len);
int h_rx_raw(struct harness *h, const void *frame, size_t len);
/* Next frame the client sent, parsed as control packet of `proto`; fails the test otherwise. */
struct h_ctl h_expect_ctl(struct harness *h, uint16_t proto, uint8_t code);
bool h_no_more_tx(struct harness *h);
const struct h_frame *h_next_frame(struct harness *h);
/* The last event of kind ev, or NULL. */
const struct ppp_event_info *h_event(struct harness *h, enum ppp_event ev);
void h_tick(struct harness *h, usec_t advance);

/* Find option `type` in a Configure-* body; returns its value or NULL. */
const uint8_t *h_opt(const struct h_ctl *c, uint8_t type, size_t *ret_len);

/* Bring LCP up with the peer's options (Configure-Request) and ack whatever the client asks. */
void h_lcp_up(struct harness *h, const uint8_t *peer_opts, size_t len);
/* LCP up with CHAP-MD5, answer the Challenge, send Success: the client is in the network phase. */
void h_to_network(struct harness *h);
/* IPCP: Nak address 203.0.113.1 (and DNS), ack the client, open. */
void h_ipcp_up(struct harness *h);
