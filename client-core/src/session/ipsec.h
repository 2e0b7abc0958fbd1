#pragma once
/*
 * Private to session/: the IPsec side of a session: the ike object, its
 * sockets (UDP/500, UDP/4500, raw ESP), NAT-T keepalives and the ESP SAs
 * it negotiated, which the data path seals and opens with.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "refusal.h"
#include "sas.h"
#include "suites.h"
#include "util/clock.h"
#include "util/pkt.h"

struct session_core;
struct session_datapath;

struct session_ipsec {
	struct session_core *core;
	struct session_datapath *dp;   /* this attempt's data path */
	struct session_sas sas;
	struct session_suites *suites; /* the session's, kept across attempts */
	struct ike *ike;
	uint32_t gateway4;
	int ike_fd, natt_fd, esp_raw_fd;
	guint ike_watch, natt_watch;   /* natt_watch: only while UDP/4500 is not the data socket */
	struct pkt_buf *rx_bufs;
	bool esp_udp_encap;
	bool nat_keepalive;
	usec_t next_keepalive;
	bool child_ready;              /* the first SA is up: L2TP may start */
	bool closing, done, failed;
	bool saw_port_unreachable;     /* on UDP/500 */
	struct session_refusal refusal; /* ICMP unreachables on UDP/500 before any answer */
	uint32_t sent_mark;            /* session_sas_sent_since()'s, for DPD's worry metric */
};

void session_ipsec_init(struct session_ipsec *ip, struct session_core *core,
			struct session_suites *suites);
void session_ipsec_destroy(struct session_ipsec *ip);
/* Close the sockets, free the SAs and the ike object: a fresh attempt may start. */
void session_ipsec_reset(struct session_ipsec *ip);

/* Main Mode with the gateway, over dp once ESP flows. 0 or -errno. */
int session_ipsec_start(struct session_ipsec *ip, struct session_datapath *dp, uint32_t gateway4);
/* An IKE message from UDP/4500 that the data path found. */
void session_ipsec_rx_natt(struct session_ipsec *ip, const uint8_t *data, size_t len, usec_t now);
/* True once, when the first SA came up. */
bool session_ipsec_take_child_ready(struct session_ipsec *ip);
usec_t session_ipsec_next_deadline(const struct session_ipsec *ip);
void session_ipsec_tick(struct session_ipsec *ip, usec_t now);
/* IKE Delete for the ESP SAs and the ISAKMP SA, bounded by *deadline. True when done. */
bool session_ipsec_teardown_step(struct session_ipsec *ip, usec_t now, usec_t *deadline);
