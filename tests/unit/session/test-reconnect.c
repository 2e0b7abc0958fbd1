/*
 * Reconnect policy and the RECONNECT_WAIT state: which losses reconnect
 * (only after the connection was up, never after an authentication or
 * profile error, never after a stop or with reconnect=false), the attempt
 * state being reset, and a stop while waiting ending the session cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/session-internal.h"

static const char profile_text[] =
	"[connection]\ngateway=192.0.2.1\n[ipsec]\nenabled=false\n[ppp]\nuser=alice\n";

struct watch {
	enum session_phase phases[16];
	size_t n_phases;
	bool finished;
	bool finished_with_failure;
};

static void on_phase(void *user_data, enum session_phase phase)
{
	struct watch *w = user_data;

	if (w->n_phases < 16)
		w->phases[w->n_phases++] = phase;
}

static void on_finished(void *user_data, const struct session_failure *failure)
{
	struct watch *w = user_data;

	w->finished = true;
	w->finished_with_failure = failure != NULL;
}

static const struct session_ops ops = { .phase_changed = on_phase, .finished = on_finished };

static struct profile *load(void)
{
	GError *error = NULL;
	struct profile *p = profile_load_data(profile_text, strlen(profile_text), &error);

	assert_null(error);
	return p;
}

static struct profile *load_no_reconnect(void)
{
	static const char text[] = "[connection]\ngateway=192.0.2.1\nreconnect=false\n"
				   "[ipsec]\nenabled=false\n[ppp]\nuser=alice\n";
	GError *error = NULL;
	struct profile *p = profile_load_data(text, strlen(text), &error);

	assert_null(error);
	return p;
}

static void lose(struct session *s, enum session_reason reason)
{
	s->core.has_failure = true;
	s->core.failure.phase = SESSION_PHASE_UP;
	s->core.failure.reason = reason;
	strcpy(s->core.failure.detail, "gateway stopped answering (DPD)");
}

static void test_which_losses_reconnect(void **state)
{
	struct profile *p = load();
	struct session_config cfg = { .profile = p };
	struct watch w = { 0 };
	struct session *s = session_new(&cfg, &ops, &w);

	lose(s, SESSION_REASON_PEER_DEAD);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));   /* never up: a plain failure */
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	assert_true(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_PEER_CLOSED);
	assert_true(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_NO_ANSWER);
	assert_true(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_AUTH_FAILED);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_CONFIG);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_TUNNEL_AUTH);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	lose(s, SESSION_REASON_PEER_DEAD);
	s->core.stop_requested = true;
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	session_free(s);
	profile_free(p);

	p = load_no_reconnect();
	cfg.profile = p;
	assert_false(p->reconnect);
	s = session_new(&cfg, &ops, &w);
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	lose(s, SESSION_REASON_PEER_DEAD);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	session_free(s);
	profile_free(p);
}

static void test_wait_then_stop(void **state)
{
	struct profile *p = load();
	struct session_config cfg = { .profile = p };
	struct watch w = { 0 };
	struct session *s = session_new(&cfg, &ops, &w);

	session_enter_phase(&s->core, SESSION_PHASE_UP);
	lose(s, SESSION_REASON_PEER_DEAD);
	s->link.ppp_done = s->link.l2tp_failed = true;
	session_reconnect_later(s);
	assert_int_equal(session_get_phase(s), SESSION_PHASE_RECONNECT_WAIT);
	assert_null(session_get_failure(s));
	assert_false(s->link.ppp_done || s->link.l2tp_failed);
	assert_int_equal(s->reconnect.reconnects, 1);
	assert_int_not_equal(s->reconnect.source, 0);
	assert_int_equal(w.phases[w.n_phases - 1], SESSION_PHASE_RECONNECT_WAIT);

	/* reaching UP again resets the back-off */
	session_reconnect_cancel(&s->reconnect);
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	assert_int_equal(s->reconnect.reconnects, 0);

	session_reconnect_later(s);
	session_stop(s);
	assert_int_equal(s->reconnect.source, 0);
	while (!w.finished)
		g_main_context_iteration(NULL, TRUE);
	assert_false(w.finished_with_failure);
	assert_int_equal(session_get_phase(s), SESSION_PHASE_DISCONNECTED);
	session_free(s);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_losses_reconnect),
		cmocka_unit_test(test_wait_then_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
