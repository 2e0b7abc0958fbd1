#pragma once
/*
 * Private to session/: what every part of a session reports to. The phase,
 * the one failure record and the deferred work ("run the phase machine
 * soon") live here; the parts (link.c, ipsec.c, host.c, datapath.c) hold a
 * pointer to it and never to each other's state. session.c, which composes
 * the parts, is the only writer of the fields marked so.
 */
#include <glib.h>
#include <stdbool.h>

#include "session/session.h"
#include "util/clock.h"

/* Each goodbye of the teardown (LCP, L2TP, IKE) waits at most this long. */
#define SESSION_TEARDOWN_STEP_TIMEOUT (5 * USEC_PER_SEC)

struct session_core {
	/* Set by session.c. */
	const struct profile *profile;
	struct session_ops ops;
	void *user_data;
	struct session *owner;            /* for SESSION_SCOPE in the parts' callbacks */
	GSourceFunc advance;              /* the phase machine's step, run from an idle */
	/* Called on every phase change (reconnect policy), before ops.phase_changed. */
	void (*phase_entered)(struct session *owner, enum session_phase phase);
	char gateway_text[64];            /* the resolved gateway, for messages */
	struct session_evidence evidence; /* the parts add what they learn */

	/* core.c */
	enum session_phase phase;
	struct session_failure failure;
	bool has_failure;
	bool stop_requested;
	bool want_teardown;
	bool finished;
	guint advance_idle;
};

usec_t session_now(void);
/* Mark `s` as session_current() until the end of the enclosing block. */
struct session *session_enter(struct session *s);
void session_leave(struct session **prev);
#define SESSION_SCOPE(s) \
	struct session *session_prev_ __attribute__((cleanup(session_leave))) = session_enter(s)

void session_enter_phase(struct session_core *c, enum session_phase phase);
/* Record the first failure only and start the teardown. */
void session_fail(struct session_core *c, enum session_reason reason, uint32_t peer_code,
		  const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Run the phase machine from an idle callback (never re-entering a layer). */
void session_schedule(struct session_core *c);
/* A new attempt (reconnect): no failure, no teardown. */
void session_core_reset(struct session_core *c);
