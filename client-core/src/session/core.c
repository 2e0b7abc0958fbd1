/*
 * The phase and the failure record of a session (see core.h), and which
 * session's code runs now, for the daemon's log.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "util/log.h"

/* Per thread: a data-plane thread runs no session code that logs for a connection. */
static _Thread_local struct session *current;

struct session *session_enter(struct session *s)
{
	struct session *prev = current;

	current = s;
	return prev;
}

void session_leave(struct session **prev)
{
	current = *prev;
}

struct session *session_current(void)
{
	return current;
}

usec_t session_now(void)
{
	return (usec_t)g_get_monotonic_time();
}

void session_enter_phase(struct session_core *c, enum session_phase phase)
{
	if (c->phase == phase)
		return;

	rv_log_info("session", "phase: %s -> %s", session_phase_to_string(c->phase),
		    session_phase_to_string(phase));
	c->phase = phase;
	if (c->phase_entered)
		c->phase_entered(c->owner, phase);
	if (c->ops.phase_changed)
		c->ops.phase_changed(c->user_data, phase);
}

void session_fail(struct session_core *c, enum session_reason reason, uint32_t peer_code,
		  const char *fmt, ...)
{
	va_list ap;

	if (c->has_failure || c->stop_requested)
		goto teardown;

	c->has_failure = true;
	c->failure.phase = c->phase;
	c->failure.reason = reason;
	c->failure.peer_code = peer_code;
	va_start(ap, fmt);
	vsnprintf(c->failure.detail, sizeof(c->failure.detail), fmt, ap);
	va_end(ap);

teardown:
	c->want_teardown = true;
	session_schedule(c);
}

void session_schedule(struct session_core *c)
{
	if (!c->advance_idle && !c->finished)
		c->advance_idle = g_idle_add(c->advance, c->owner);
}

void session_core_reset(struct session_core *c)
{
	memset(&c->failure, 0, sizeof(c->failure));
	c->has_failure = false;
	c->want_teardown = false;
}
