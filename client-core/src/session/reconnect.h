#pragma once
/* Private to session/: the reconnect policy of a session and its back-off timer (reconnect.c). */
#include <glib.h>
#include <stdbool.h>

#include "session/phase.h"
#include "util/clock.h"

struct session_core;

/*
 * How long a lost connection keeps its TUN's addresses, routes and DNS
 * while it reconnects: applications see a pause, not an error. Past this,
 * the host configuration goes (traffic takes the normal path again, or the
 * kill switch stops it) and only the TUN device itself stays.
 */
#define SESSION_RECONNECT_HOLD (60 * USEC_PER_SEC)

struct session_reconnect {
	bool was_up;                 /* reached UP at least once */
	unsigned int reconnects;     /* attempts since the last UP */
	guint source;                /* back-off timer in RECONNECT_WAIT */
	usec_t lost_at;              /* when the connection that was up was lost; 0: up */
	/* A reconnect now, not a failure: the network changed, or the peer died after a resume. */
	bool restart;
};

void session_reconnect_note_phase(struct session_reconnect *rc, enum session_phase phase);
/* After a teardown: true when this failure is worth another attempt. */
bool session_reconnect_wanted(const struct session_reconnect *rc, const struct session_core *core);
/* The back-off before the next attempt, in seconds. */
unsigned int session_reconnect_next_delay(const struct session_reconnect *rc);
/* The connection is lost at `now` (the first time since UP): the hold starts. */
void session_reconnect_note_loss(struct session_reconnect *rc, usec_t now);
/* True once the host configuration has been held SESSION_RECONNECT_HOLD without UP. */
bool session_reconnect_hold_expired(const struct session_reconnect *rc, usec_t now);
/* Count an attempt and call `retry` after its back-off (at once for a restart). */
void session_reconnect_arm(struct session_reconnect *rc, GSourceFunc retry, void *data);
void session_reconnect_cancel(struct session_reconnect *rc);
