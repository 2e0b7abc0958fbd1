#pragma once
/*
 * Private to session/: the ESP SAs of a session and the lock that guards
 * them. The IPsec side (ipsec.c) adds and removes SAs; the data path
 * (datapath.c) seals and opens with them, on its thread or on the main
 * loop. Functions marked "lock held" run inside the data path's batch
 * (session_sas_lock()); all others take the lock themselves.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/pkt.h"

struct esp_sa;
struct esp_framing;

#define SESSION_MAX_INBOUND_SA 4

struct session_sas {
	pthread_mutex_t lock;
	struct esp_sa *in[SESSION_MAX_INBOUND_SA];
	size_t n_in;
	struct esp_sa *out;        /* the SA we send on */
	struct esp_sa *out_spare;  /* the gateway's own Quick Mode result */
	_Atomic usec_t last_rx;    /* the last ESP packet that authenticated */
};

void session_sas_init(struct session_sas *s);
void session_sas_destroy(struct session_sas *s);
void session_sas_lock(struct session_sas *s);
void session_sas_unlock(struct session_sas *s);

/* Keep every inbound SA the gateway may use; the oldest goes when full. */
void session_sas_add_inbound(struct session_sas *s, struct esp_sa *sa);
/* Send on `sa` from now on; the one it replaces is freed (a rekey). */
void session_sas_replace_outbound(struct session_sas *s, struct esp_sa *sa);
/* The gateway's own Quick Mode: kept to send on should ours be deleted. */
void session_sas_set_spare(struct session_sas *s, struct esp_sa *sa);
bool session_sas_has_outbound(struct session_sas *s);
uint32_t session_sas_outbound_spi(struct session_sas *s);
/* The framing of the SA we send on (for the exact MTU). False when there is none. */
bool session_sas_outbound_framing(struct session_sas *s, struct esp_framing *ret);
/* An SA pair deleted by IKE. True when the SA we sent on went and none is left. */
bool session_sas_delete_pair(struct session_sas *s, uint32_t spi_in, uint32_t spi_out);
/* The SA we send on has fewer than `margin` sequence numbers left. */
bool session_sas_seq_low(struct session_sas *s, uint32_t margin);
/* ESP was sealed on the SA we send on since *mark (which it updates). */
bool session_sas_sent_since(struct session_sas *s, uint32_t *mark);
void session_sas_free_all(struct session_sas *s);

/* Lock held: inner UDP 1701 -> 1701, ESP header and trailer around the L2TP datagram in p. */
int session_sas_seal_prepare(struct session_sas *s, struct pkt *p);
/* Lock held, any lane: the crypto of a prepared packet. */
int session_sas_seal_crypt(struct session_sas *s, unsigned lane, struct pkt *p);
/*
 * Lock held, any lane: decrypt and authenticate one ESP packet. Returns
 * which inbound SA opened it (> 0, for session_sas_open_finish(), so the
 * SPI is looked up once) or -errno (-ENOENT: no such SPI).
 */
int session_sas_open_crypt(struct session_sas *s, unsigned lane, struct pkt *p);
/* Lock held, in packet order: replay window, trailer, inner UDP. 0: p holds an L2TP datagram. */
int session_sas_open_finish(struct session_sas *s, struct pkt *p, int opened, usec_t now);
/* Lock held: lanes all current SAs of that direction have. */
unsigned session_sas_lanes(const struct session_sas *s, bool seal);
