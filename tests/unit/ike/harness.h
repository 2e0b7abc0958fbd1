#pragma once
/*
 * The real IKE initiator wired to the scripted gateway (fake-gw.c), time
 * injected, for the cmocka tests: every datagram the client sends is kept
 * and handed to the gateway on the next pump, the gateway's answers go back
 * to the client, and every event is recorded for the test to look at.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake-gw.h"
#include "ike/ike.h"

#define HARNESS_CLIENT_ADDR "198.51.100.2"
#define HARNESS_GW_ADDR "198.51.100.1"
/* Room for the longest test (p1rekey's sends 20 datagrams, the others up to 11). */
#define HARNESS_MAX_SENT 256
#define HARNESS_MAX_EVENTS 32

struct harness_sent {
	uint8_t data[4096];
	size_t len;
	bool natt;       /* to UDP 4500 */
	usec_t at;
};

struct harness {
	struct ike *ike;
	struct fake_gw gw;
	struct rv_secret *psk;         /* the one harness_client_config() and the gateway share */
	struct rv_x509_cred *gw_cred;  /* harness_cert_gw_config() */
	usec_t now, t0;                /* t0: when the client started */
	struct harness_sent sent[HARNESS_MAX_SENT];
	size_t n_sent;
	size_t delivered;              /* sent[0..delivered) went to the gateway (or were lost) */
	size_t longest_sent;           /* bytes of the longest datagram so far */
	enum ike_event ev[HARNESS_MAX_EVENTS];
	struct ike_event_info info[HARNESS_MAX_EVENTS];
	size_t n_ev;
	int last_rx;                   /* ike_rx() of the gateway's last message */
	bool gw_off;     /* the gateway is unreachable: the client's messages get lost */
	bool traffic;    /* ESP keeps coming from the gateway while time runs */
	bool reverse;    /* hand the gateway's messages of each round over backwards */
};

/* The callbacks that record into a harness, for a client a test makes with ike_new(). */
extern const struct ike_ops harness_ike_ops;

struct harness *harness_new(void);
void harness_free(struct harness *h);

/* A client with the harness's PSK at HARNESS_CLIENT_ADDR, talking to HARNESS_GW_ADDR. */
struct ike_config harness_client_config(const struct harness *h);
/* A PSK gateway with the same key that sees the client's own address (no NAT). */
struct fake_gw_config harness_gw_config(void);
/* A client with a certificate that checks the gateway's against ca_file and HARNESS_GW_ADDR. */
struct ike_config harness_cert_client_config(const char *cert_file, const char *key_file,
					     const char *ca_file);
/*
 * A NAT-T gateway presenting cert_file (signing with key_file) that sees the
 * client's own address; its credentials are freed with the harness.
 */
struct fake_gw_config harness_cert_gw_config(struct harness *h, const char *cert_file,
					     const char *key_file);

/* The gateway set up with g, the client with cfg, and its first message sent. */
void harness_start(struct harness *h, const struct ike_config *cfg,
		   const struct fake_gw_config *g);
/* harness_start(), then the exchanges run until the client has an IPsec SA. */
void harness_up(struct harness *h, const struct ike_config *cfg,
		const struct fake_gw_config *g);

/* Deliver both ways until nothing moves. */
void harness_pump(struct harness *h);
/* Deliver both ways this many times, whether anything moves or not. */
void harness_rounds(struct harness *h, int rounds);
/* Advance the clock to `until`, ticking and pumping at every deadline on the way. */
void harness_run_until(struct harness *h, usec_t until);

/* The index of the nth event ev (from 0), or -1. */
int harness_find_event(const struct harness *h, enum ike_event ev, size_t nth);
size_t harness_count_events(const struct harness *h, enum ike_event ev);
