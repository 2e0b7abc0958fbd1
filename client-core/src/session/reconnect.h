#pragma once
/* Private to session/: the reconnect policy of a session and its back-off timer (reconnect.c). */
#include <glib.h>
#include <stdbool.h>

#include "session/phase.h"

struct session_core;

struct session_reconnect {
	bool was_up;                 /* reached UP at least once */
	unsigned int reconnects;     /* attempts since the last UP */
	guint source;                /* back-off timer in RECONNECT_WAIT */
};

void session_reconnect_note_phase(struct session_reconnect *rc, enum session_phase phase);
/* After a teardown: true when this failure is worth another attempt. */
bool session_reconnect_wanted(const struct session_reconnect *rc, const struct session_core *core);
/* The back-off before the next attempt, in seconds. */
unsigned int session_reconnect_next_delay(const struct session_reconnect *rc);
/* Count an attempt and call `retry` after its back-off. */
void session_reconnect_arm(struct session_reconnect *rc, GSourceFunc retry, void *data);
void session_reconnect_cancel(struct session_reconnect *rc);
