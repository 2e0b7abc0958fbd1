#pragma once
/*
 * Private to session/: whether ICMP "destination unreachable" answers to
 * our first IKE messages mean the gateway refuses IKE (refusal.c).
 */
#include <stdbool.h>

#include "net/net.h"
#include "util/clock.h"

/* After one refusal, how long silence confirms it. */
#define SESSION_REFUSAL_GRACE (3 * USEC_PER_SEC)
/* Refusals (of distinct datagrams: the first message and a retransmission) that decide at once. */
#define SESSION_REFUSAL_COUNT 2

struct session_refusal {
	enum net_unreach kind;   /* the last refusal's kind */
	unsigned count;          /* datagrams refused so far */
	usec_t first_at;         /* when the first came; 0: none yet */
	bool answered;           /* the gateway spoke IKE: never a refusal again */
};

void session_refusal_reset(struct session_refusal *r);
/* n more datagrams refused with this kind (the socket's error queue, drained). */
void session_refusal_note(struct session_refusal *r, enum net_unreach kind, unsigned n, usec_t now);
/* An IKE message came from the gateway. */
void session_refusal_note_answer(struct session_refusal *r);
/* True when the refusals so far decide that the gateway refuses IKE. */
bool session_refusal_decided(const struct session_refusal *r, usec_t now);
/* When session_refusal_decided() may turn true without another event (USEC_INFINITY: never). */
usec_t session_refusal_deadline(const struct session_refusal *r);
/* "UDP port 500 unreachable", ...: what the ICMP said, for the failure line. */
void session_refusal_describe(const struct session_refusal *r, unsigned port, char *out,
			      size_t size);
