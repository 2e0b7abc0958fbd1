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

/*
 * A refusal (ICMP unreachable to IKE) on the first connect fails at once; once
 * the connection was up it is a gateway rebooting: retried, with back-off.
 */
static void test_refused_after_up_retries(void **state)
{
	struct profile *p = load();
	struct session_config cfg = { .profile = p };
	struct watch w = { 0 };
	struct session *s = session_new(&cfg, &ops, &w);

	lose(s, SESSION_REASON_GATEWAY_REFUSED);
	assert_false(session_reconnect_wanted(&s->reconnect, &s->core));
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	assert_true(session_reconnect_wanted(&s->reconnect, &s->core));
	assert_int_equal(session_reconnect_next_delay(&s->reconnect), 1);
	s->reconnect.reconnects = 3;
	assert_int_equal(session_reconnect_next_delay(&s->reconnect), 8);
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

/* A restart (network change, dead after resume) reconnects at once, without back-off. */
static void test_restart(void **state)
{
	struct profile *p = load();
	struct session_config cfg = { .profile = p };
	struct watch w = { 0 };
	struct session *s = session_new(&cfg, &ops, &w);

	session_restart(s, "not connected yet");     /* nothing to restart before IKE/L2TP */
	assert_false(s->reconnect.restart);
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	s->reconnect.reconnects = 3;
	session_restart(s, "the route to the gateway changed");
	assert_true(s->reconnect.restart);
	assert_true(s->core.want_teardown);
	assert_null(session_get_failure(s));          /* not a failure */
	assert_true(session_reconnect_wanted(&s->reconnect, &s->core));
	assert_int_equal(session_reconnect_next_delay(&s->reconnect), 0);
	s->link.ppp_done = s->link.l2tp_failed = true;
	s->core.want_teardown = false;
	session_reconnect_later(s);
	assert_false(s->reconnect.restart);
	assert_int_equal(s->reconnect.reconnects, 3); /* the back-off does not grow */
	assert_int_equal(session_get_phase(s), SESSION_PHASE_RECONNECT_WAIT);
	session_stop(s);
	while (!w.finished)
		g_main_context_iteration(NULL, TRUE);
	session_free(s);
	profile_free(p);

	p = load_no_reconnect();
	cfg.profile = p;
	s = session_new(&cfg, &ops, &w);
	session_enter_phase(&s->core, SESSION_PHASE_UP);
	session_restart(s, "reconnect=false: the profile does not want it");
	assert_false(s->reconnect.restart);
	assert_false(s->core.want_teardown);
	session_free(s);
	profile_free(p);
}

/* Waiting to reconnect, a network change (or a wake-up) cuts the back-off short. */
static void test_retry_now_while_waiting(void **state)
{
	struct profile *p = load();
	struct session_config cfg = { .profile = p };
	struct watch w = { 0 };
	struct session *s = session_new(&cfg, &ops, &w);
	gint64 until;

	session_enter_phase(&s->core, SESSION_PHASE_UP);
	s->reconnect.reconnects = 4;                 /* the next back-off would be 16 s */
	lose(s, SESSION_REASON_PEER_DEAD);
	session_reconnect_later(s);
	assert_int_equal(session_get_phase(s), SESSION_PHASE_RECONNECT_WAIT);
	assert_int_equal(s->reconnect.reconnects, 5);
	s->watch.changed(s, "network change: the gateway is reachable again (dev eth1)");
	assert_int_equal(s->reconnect.reconnects, 5); /* not counted as a failed attempt */
	until = g_get_monotonic_time() + G_USEC_PER_SEC / 2;
	while (session_get_phase(s) == SESSION_PHASE_RECONNECT_WAIT && g_get_monotonic_time() < until)
		g_main_context_iteration(NULL, FALSE);
	assert_int_equal(session_get_phase(s), SESSION_PHASE_RESOLVING);
	session_stop(s);
	while (!w.finished)
		g_main_context_iteration(NULL, TRUE);
	session_free(s);
	profile_free(p);
}

/* The host configuration is held from the first loss for SESSION_RECONNECT_HOLD, reset by UP. */
static void test_hold(void **state)
{
	struct session_reconnect rc = { 0 };
	usec_t t0 = 1000 * USEC_PER_SEC;

	assert_false(session_reconnect_hold_expired(&rc, t0));
	session_reconnect_note_loss(&rc, t0);
	session_reconnect_note_loss(&rc, t0 + 30 * USEC_PER_SEC); /* a later attempt's loss: same hold */
	assert_false(session_reconnect_hold_expired(&rc, t0 + SESSION_RECONNECT_HOLD - 1));
	assert_true(session_reconnect_hold_expired(&rc, t0 + SESSION_RECONNECT_HOLD));
	session_reconnect_note_phase(&rc, SESSION_PHASE_UP);
	assert_false(session_reconnect_hold_expired(&rc, t0 + 2 * SESSION_RECONNECT_HOLD));
}

/* Same addresses, peer, routes and DNS: kept; any of them different: replaced. */
static void test_same_config(void **state)
{
	struct net_config a = { .ifindex = 7, .local4 = 0x0100000a, .peer4 = 0x0200000a,
				.default_route = true, .gateway4 = 0x010200c0, .set_dns = true,
				.n_dns = 1, .dns = { 0x0800000a }, .mtu = 1400 };
	struct net_config b = a;

	b.mtu = 1300;
	assert_true(session_host_same_config(&a, &b));
	b.local4 = 0x0300000a;
	assert_false(session_host_same_config(&a, &b));
	b = a;
	b.dns[0] = 0x0900000a;
	assert_false(session_host_same_config(&a, &b));
	b = a;
	b.n_routes = 1;
	assert_false(session_host_same_config(&a, &b));
	a.n_routes = 1;
	a.routes[0] = (struct net_route4){ .dst = 0x0000000a, .prefix_len = 8 };
	b.routes[0] = (struct net_route4){ .dst = 0x0000000a, .prefix_len = 16 };
	assert_false(session_host_same_config(&a, &b));
	b.routes[0].prefix_len = 8;
	assert_true(session_host_same_config(&a, &b));
	b.ifindex = 8;
	assert_false(session_host_same_config(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_losses_reconnect),
		cmocka_unit_test(test_refused_after_up_retries),
		cmocka_unit_test(test_wait_then_stop),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_retry_now_while_waiting),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_same_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
