/*
 * Waking up (session/resume.c) with injected clocks and signals: a jump of
 * CLOCK_BOOTTIME over CLOCK_MONOTONIC counts as a resume, timer jitter
 * does not; logind's PrepareForSleep(false) and the clocks for the same
 * wake-up call once; a later suspend calls again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/core.h"
#include "session/resume.h"

static int calls;
static char last_how[64];

static void on_resumed(struct session *owner, const char *how)
{
	calls++;
	snprintf(last_how, sizeof(last_how), "%s", how);
}

static void test_clock_jump(void **state)
{
	struct session_core core = { 0 };
	struct session_resume r;
	usec_t now = 1000 * USEC_PER_SEC;
	int64_t offset = 5 * USEC_PER_SEC;

	calls = 0;
	session_resume_init(&r, &core, on_resumed);
	session_resume_check_clock(&r, offset, now);          /* the first look: a baseline */
	calls = 0;
	r.last_resume = 0;
	for (int i = 0; i < 10; i++) {                        /* awake: the offset stays */
		now += 2 * USEC_PER_SEC;
		session_resume_check_clock(&r, offset + i * 1000, now);
	}
	assert_int_equal(calls, 0);
	offset += 1000 * 1000;                                /* 1 s: not a suspend */
	session_resume_check_clock(&r, offset, now += 2 * USEC_PER_SEC);
	assert_int_equal(calls, 0);
	offset += 45 * USEC_PER_SEC;                          /* 45 s asleep */
	session_resume_check_clock(&r, offset, now += 2 * USEC_PER_SEC);
	assert_int_equal(calls, 1);
	assert_string_equal(last_how, "the clock jumped (suspended)");
	/* logind's signal for the same wake-up: no second check */
	session_resume_signal(&r, "logind: resumed from sleep", now + USEC_PER_SEC);
	assert_int_equal(calls, 1);
	/* the next suspend, a minute later */
	offset += 600 * USEC_PER_SEC;
	session_resume_check_clock(&r, offset, now += 60 * USEC_PER_SEC);
	assert_int_equal(calls, 2);
	/* logind's signal alone (the clocks may not have been checked yet): a check */
	session_resume_signal(&r, "logind: resumed from sleep", now += SESSION_RESUME_DEDUP);
	assert_int_equal(calls, 3);
	assert_string_equal(last_how, "logind: resumed from sleep");
}

static void test_real_clocks(void **state)
{
	int64_t a = session_resume_clock_offset(), b = session_resume_clock_offset();

	/* awake, the two clocks run together */
	assert_true(b - a < (int64_t)(100 * USEC_PER_MSEC) && a - b < (int64_t)(100 * USEC_PER_MSEC));
	assert_true(a >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_jump),
		cmocka_unit_test(test_real_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
