#pragma once
/*
 * Private to session/: noticing that the machine woke up (resume.c). After
 * a suspend, a gateway may long have dropped us, or the network may be
 * another; the keepalives would take DPD's 30 s and more to tell. Two
 * signs: logind's PrepareForSleep(false) on the system bus where logind
 * runs, and, everywhere, CLOCK_BOOTTIME having run ahead of
 * CLOCK_MONOTONIC (which stops while suspended), checked from a periodic
 * timer. Either calls `resumed` once per wake-up.
 */
#include <gio/gio.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"

struct session;
struct session_core;

/* How often the clocks are compared, and the jump that counts as a suspend. */
#define SESSION_RESUME_CLOCK_CHECK_MS 2000
#define SESSION_RESUME_CLOCK_JUMP (1500 * USEC_PER_MSEC)
/* Two signs of one wake-up (logind, then the clocks) within this: one call. */
#define SESSION_RESUME_DEDUP (5 * USEC_PER_SEC)

struct session_resume {
	struct session_core *core;
	void (*resumed)(struct session *owner, const char *how);
	GCancellable *cancel;
	GDBusConnection *bus;
	guint subscription, clock_timer;
	int64_t clock_offset;        /* BOOTTIME - MONOTONIC at the last check, in us */
	usec_t last_resume;          /* when `resumed` was last called; 0: never */
};

void session_resume_init(struct session_resume *r, struct session_core *core,
			 void (*resumed)(struct session *owner, const char *how));
/* Listen to logind (when the system bus has it) and start comparing the clocks. */
void session_resume_start(struct session_resume *r);
void session_resume_stop(struct session_resume *r);

/* BOOTTIME - MONOTONIC now, in us. */
int64_t session_resume_clock_offset(void);
/*
 * One comparison of the clocks: `offset` is session_resume_clock_offset()
 * now (injected by the unit tests), `now` the monotonic time. Calls
 * `resumed` when the offset grew by SESSION_RESUME_CLOCK_JUMP or more.
 */
void session_resume_check_clock(struct session_resume *r, int64_t offset, usec_t now);
/* A sign of a wake-up at `now` (monotonic): `resumed`, unless one came just before. */
void session_resume_signal(struct session_resume *r, const char *how, usec_t now);
