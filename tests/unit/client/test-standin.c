/*
 * libroadvpn-client against a stand-in roadvpnd on a private bus
 * (standin.h): the cases a real roadvpnd cannot be made to produce on cue.
 * The real helper is exercised by tests/frontends/test-client-lib.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "private.h"
#include "standin.h"

static GTestDBus *test_bus;

/* Iterate the main context until *flag, failing after 10 s. */
static gboolean on_too_long(gpointer user_data)
{
	fail_msg("waited 10 s for %s", (const char *)user_data);
	return G_SOURCE_REMOVE;
}

static void wait_for(gboolean *flag, const char *what)
{
	guint guard = g_timeout_add_seconds(10, on_too_long, (gpointer)what);

	while (!*flag)
		g_main_context_iteration(NULL, TRUE);
	g_source_remove(guard);
}

static RvcClient *client(void)
{
	g_autoptr(GError) error = NULL;
	RvcClient *c = rvc_client_new_sync(NULL, &error);

	g_assert_no_error(error);
	return c;
}

static void expect_error(const GError *error, RvcError code)
{
	if (!g_error_matches(error, RVC_ERROR, (gint)code))
		fail_msg("expected RVC_ERROR %d, got %s", code, error ? error->message : "success");
}

/* Secrets callbacks ------------------------------------------------------- */

struct asked {
	int times;
	char *kinds;          /* what the last request asked, ", "-joined */
	gboolean later;       /* answer from an idle callback instead of at once */
	gboolean cancel;
};

static void answer(RvcSecretsRequest *r, struct asked *a)
{
	for (const char *const *k = rvc_secrets_request_get_kinds(r); *k; k++)
		rvc_secrets_request_set(r, *k, "s3cret");
	if (a->cancel)
		rvc_secrets_request_cancel(r);
	else
		rvc_secrets_request_done(r);
}

struct later {
	RvcSecretsRequest *r;
	struct asked *a;
};

static gboolean on_answer_later(gpointer user_data)
{
	struct later *l = user_data;

	answer(l->r, l->a);
	g_free(l);
	return G_SOURCE_REMOVE;
}

static void ask(RvcSecretsRequest *r, gpointer user_data)
{
	struct asked *a = user_data;
	struct later *l;

	a->times++;
	g_free(a->kinds);
	a->kinds = g_strjoinv(", ", (char **)rvc_secrets_request_get_kinds(r));
	assert_string_equal(rvc_secrets_request_get_profile(r), "office");
	if (!a->later) {
		answer(r, a);
		return;
	}
	l = g_new0(struct later, 1);
	l->r = r;
	l->a = a;
	g_idle_add(on_answer_later, l);
}

static gboolean sent(struct standin *s, const char *kind)
{
	const char *v;

	return s->last_options && g_variant_lookup(s->last_options, kind, "&s", &v) &&
	       !strcmp(v, "s3cret");
}

/* Connect ----------------------------------------------------------------- */

static void test_secrets_asked_then_connected(void **state)
{
	static const char *const missing[] = { "psk", "password", NULL };
	struct standin s = { .missing = missing };
	struct asked a = { .later = TRUE };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL;

	standin_start(&s);
	c = client();
	conn = rvc_client_connect_sync(c, "office", NULL, ask, &a, NULL, &error);
	g_assert_no_error(error);
	assert_int_equal(a.times, 1);
	assert_string_equal(a.kinds, "psk, password");
	assert_int_equal(s.connects, 1);
	assert_true(sent(&s, "psk") && sent(&s, "password"));
	assert_string_equal(rvc_connection_get_path(conn), STANDIN_CONN_PATH);
	assert_string_equal(rvc_connection_get_state(conn), "resolving");
	g_free(a.kinds);
	standin_stop(&s);
}

/* Secrets given in the options are not asked for; the caller's copy stays theirs. */
static void test_given_secrets_not_asked(void **state)
{
	static const char *const missing[] = { "psk", "password", NULL };
	struct standin s = { .missing = missing };
	struct asked a = { 0 };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(RvcConnectOptions) o = rvc_connect_options_new();
	g_autoptr(GError) error = NULL;

	rvc_connect_options_set_secret(o, "psk", "s3cret");
	rvc_connect_options_set_configure_network(o, FALSE);
	standin_start(&s);
	c = client();
	conn = rvc_client_connect_sync(c, "office", o, ask, &a, NULL, &error);
	g_assert_no_error(error);
	assert_int_equal(a.times, 1);
	assert_string_equal(a.kinds, "password");
	assert_true(rvc_connect_options_has_secret(o, "psk"));
	assert_false(rvc_connect_options_has_secret(o, "password"));
	assert_true(sent(&s, "psk") && sent(&s, "password"));
	{
		gboolean net = TRUE;

		assert_true(g_variant_lookup(s.last_options, "configure-network", "b", &net));
		assert_false(net);
	}
	g_free(a.kinds);
	standin_stop(&s);
}

static void test_cancelled_or_no_callback(void **state)
{
	static const char *const missing[] = { "password", NULL };
	struct standin s = { .missing = missing };
	struct asked a = { .cancel = TRUE };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(GError) e1 = NULL, e2 = NULL;

	standin_start(&s);
	c = client();
	assert_null(rvc_client_connect_sync(c, "office", NULL, ask, &a, NULL, &e1));
	expect_error(e1, RVC_ERROR_NEEDS_SECRETS);
	assert_string_equal(e1->message, "needs secrets: password");
	assert_null(rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &e2));
	expect_error(e2, RVC_ERROR_NEEDS_SECRETS);
	/* Nobody gave the secret: Connect (and its polkit prompt) never happened. */
	assert_int_equal(s.connects, 0);
	g_free(a.kinds);
	standin_stop(&s);
}

/* MissingSecrets said none, Connect still wants one: asked, retried once. */
static void test_needs_secrets_retried_once(void **state)
{
	static const char *const missing[] = { "psk", NULL };
	struct standin s = { .needs_secrets_replies = 1 };
	struct asked a = { 0 };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL, again = NULL;

	standin_start(&s);
	c = client();
	/* The profile gains a secret to ask between the two calls. */
	s.missing = missing;
	conn = rvc_client_connect_sync(c, "office", NULL, ask, &a, NULL, &error);
	g_assert_no_error(error);
	assert_int_equal(s.connects, 2);
	assert_int_equal(a.times, 0 + (s.missing_calls == 2));
	standin_stop(&s);

	/* A helper that keeps saying NeedsSecrets: one retry, then the error. */
	s = (struct standin){ .needs_secrets_replies = 5 };
	standin_start(&s);
	g_clear_object(&c);
	c = client();
	assert_null(rvc_client_connect_sync(c, "office", NULL, ask, &a, NULL, &again));
	expect_error(again, RVC_ERROR_NEEDS_SECRETS);
	assert_int_equal(s.connects, 2);
	g_free(a.kinds);
	standin_stop(&s);
}

/* Each org.roadvpn.Error name maps to its code; the bus's own errors too. */
static void test_error_names(void **state)
{
	static const struct {
		const char *name;
		RvcError code;
	} cases[] = {
		{ "org.roadvpn.Error.AlreadyActive", RVC_ERROR_ALREADY_ACTIVE },
		{ "org.roadvpn.Error.NotAuthorized", RVC_ERROR_NOT_AUTHORIZED },
		{ "org.roadvpn.Error.NoSuchProfile", RVC_ERROR_NO_SUCH_PROFILE },
		{ "org.roadvpn.Error.InvalidProfile", RVC_ERROR_INVALID_PROFILE },
		{ "org.roadvpn.Error.Failed", RVC_ERROR_FAILED },
		{ "org.freedesktop.DBus.Error.InvalidArgs", RVC_ERROR_INVALID_ARGUMENT },
		{ "org.freedesktop.DBus.Error.UnknownMethod", RVC_ERROR_INCOMPATIBLE },
		{ "org.example.Error.FromTheFuture", RVC_ERROR_FAILED },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct standin s = { .connect_error = cases[i].name };
		g_autoptr(RvcClient) c = NULL;
		g_autoptr(GError) error = NULL;

		standin_start(&s);
		c = client();
		assert_null(rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error));
		expect_error(error, cases[i].code);
		/* The message is the helper's, without the D-Bus prefix. */
		assert_string_equal(error->message, "scripted");
		standin_stop(&s);
	}
}

static void test_not_reachable(void **state)
{
	g_autoptr(RvcClient) c = client();
	g_autoptr(GError) e1 = NULL, e2 = NULL;

	assert_false(rvc_client_get_helper_running(c));
	assert_null(rvc_client_get_interface_version(c));
	assert_null(rvc_client_list_profiles_sync(c, NULL, &e1));
	expect_error(e1, RVC_ERROR_HELPER_NOT_REACHABLE);
	assert_null(rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &e2));
	expect_error(e2, RVC_ERROR_HELPER_NOT_REACHABLE);
}

static void test_versions(void **state)
{
	struct standin s = { .version = "2.0" };
	struct standin t = { .version = "1.7" };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(GError) error = NULL;

	standin_start(&s);
	assert_null(rvc_client_new_sync(NULL, &error));
	expect_error(error, RVC_ERROR_INCOMPATIBLE);
	standin_stop(&s);

	standin_start(&t);
	c = client();
	assert_string_equal(rvc_client_get_interface_version(c), "1.7");
	assert_true(rvc_client_helper_has_version(c, 1, 0));
	assert_true(rvc_client_helper_has_version(c, 1, 7));
	assert_false(rvc_client_helper_has_version(c, 1, 8));
	assert_false(rvc_client_helper_has_version(c, 2, 0));
	standin_stop(&t);
}

/* Slow polkit: the reply comes late (an agent waits for a password). */
struct done_flag {
	gboolean done;
	GAsyncResult *result;
};

static void on_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	struct done_flag *d = user_data;

	d->result = g_object_ref(result);
	d->done = TRUE;
}

static void test_slow_polkit(void **state)
{
	struct standin s = { .connect_delay_ms = 1500 };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GCancellable) cancel = g_cancellable_new();
	struct done_flag d = { 0 };
	gint64 t0;

	standin_start(&s);
	c = client();
	t0 = g_get_monotonic_time();
	conn = rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	assert_true(g_get_monotonic_time() - t0 >= 1400 * 1000);

	/* Waiting is cancellable, and promptly so. */
	s.connect_delay_ms = 8000;
	rvc_client_connect(c, "office", NULL, NULL, NULL, cancel, on_done, &d);
	t0 = g_get_monotonic_time();
	while (g_get_monotonic_time() - t0 < 200 * 1000)
		g_main_context_iteration(NULL, FALSE);
	g_cancellable_cancel(cancel);
	wait_for(&d.done, "the cancelled connect");
	assert_null(rvc_client_connect_finish(c, d.result, &error));
	assert_true(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
	assert_true(g_get_monotonic_time() - t0 < 2 * G_USEC_PER_SEC);
	g_object_unref(d.result);
	standin_stop(&s);
}

/* Following ----------------------------------------------------------------- */

struct seen {
	GString *log;         /* "id[*]" per report, * when passed unseen */
	RvcProgress last;
	char *failure;
};

static void on_progress(RvcConnection *c, const RvcProgress *p, gpointer user_data)
{
	struct seen *s = user_data;

	g_string_append_printf(s->log, "%s%s%s ", p->phase_id, p->passed_unseen ? "*" : "",
			       p->is_end ? "." : "");
	assert_string_equal(p->label, rvc_phase_label(p->phase));
	if (p->failed) {
		g_free(s->failure);
		s->failure = g_strdup_printf("%s/%s/%s", p->failure.phase, p->failure.reason,
					     p->failure.message);
	}
}

static const char *state_arg;

static void set_state_arg(struct standin *s)
{
	g_auto(GStrv) states = g_strsplit(state_arg, " ", -1);

	/* All in one go: the skeleton coalesces them into one PropertiesChanged. */
	for (char **st = states; *st; st++)
		standin_set_state(s, *st);
}

static void set_states(struct standin *s, const char *states)
{
	state_arg = states;
	standin_run(s, set_state_arg);
}

/* Wait until the client's proxy shows `state`. */
static void wait_state(RvcConnection *conn, const char *state)
{
	gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (strcmp(rvc_connection_get_state(conn), state)) {
		if (g_get_monotonic_time() > until)
			fail_msg("state %s never came (%s)", state, rvc_connection_get_state(conn));
		g_main_context_iteration(NULL, TRUE);
	}
}

static void fail_in_auth(struct standin *s)
{
	standin_set_failure(s, "ppp-auth", "auth-failed",
			    "PPP: MS-CHAPv2 rejected (E=691): wrong user name or password");
}

static void test_follow_fills_unseen_steps(void **state)
{
	struct standin s = { 0 };
	struct seen seen = { .log = g_string_new(NULL) };
	struct done_flag d = { 0 };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL;

	standin_start(&s);
	c = client();
	conn = rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	rvc_connection_follow(conn, on_progress, &seen, NULL, on_done, &d);
	/* Plain L2TP: no IKE step ever shows, so none is filled in. */
	set_states(&s, "l2tp-tunnel l2tp-call ppp-lcp");
	wait_state(conn, "ppp-lcp");
	standin_run(&s, fail_in_auth);
	wait_for(&d.done, "the end of following");
	assert_int_equal(rvc_connection_follow_finish(conn, d.result, &error), RVC_PHASE_FAILED);
	g_assert_no_error(error);
	assert_string_equal(seen.log->str, "resolving l2tp-tunnel* l2tp-call* ppp-lcp ppp-auth* "
					   "failed. ");
	assert_string_equal(seen.failure, "ppp-auth/auth-failed/PPP: MS-CHAPv2 rejected "
					  "(E=691): wrong user name or password");
	assert_int_equal(rvc_connection_get_exit_code(conn), 4);
	g_object_unref(d.result);
	g_free(seen.failure);
	g_string_free(seen.log, TRUE);
	standin_stop(&s);
}

static void test_follow_up_with_ike(void **state)
{
	struct standin s = { .initial_state = "ike-quick-mode" };
	struct seen seen = { .log = g_string_new(NULL) };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	struct done_flag d = { 0 };

	standin_start(&s);
	c = client();
	conn = rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	rvc_connection_follow(conn, on_progress, &seen, NULL, on_done, &d);
	set_states(&s, "l2tp-tunnel up");
	wait_for(&d.done, "up");
	assert_int_equal(rvc_connection_follow_finish(conn, d.result, &error), RVC_PHASE_UP);
	/* ConnectedSince is microseconds on the bus, seconds in the library. */
	assert_int_equal(rvc_connection_get_connected_since(conn), 1700000000);
	assert_string_equal(seen.log->str,
			    "resolving* ike-main-mode* ike-quick-mode l2tp-tunnel* l2tp-call* "
			    "ppp-lcp* ppp-auth* ppp-network* netconfig* up. ");
	/* Following a connection at an end reports that end at once (IKE: not seen). */
	g_string_truncate(seen.log, 0);
	assert_int_equal(rvc_connection_follow_sync(conn, on_progress, &seen, NULL, &error),
			 RVC_PHASE_UP);
	assert_string_equal(seen.log->str, "resolving* l2tp-tunnel* l2tp-call* ppp-lcp* "
					   "ppp-auth* ppp-network* netconfig* up. ");
	g_object_unref(d.result);
	g_string_free(seen.log, TRUE);
	standin_stop(&s);
}

/* The helper goes away mid-connect: following ends with "not reachable". */
static void test_helper_gone_mid_connect(void **state)
{
	struct standin s = { 0 };
	struct seen seen = { .log = g_string_new(NULL) };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	struct done_flag d = { 0 };

	standin_start(&s);
	c = client();
	conn = rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	rvc_connection_follow(conn, on_progress, &seen, NULL, on_done, &d);
	set_states(&s, "l2tp-tunnel");
	wait_state(conn, "l2tp-tunnel");
	standin_stop(&s);
	wait_for(&d.done, "the end of following");
	assert_int_equal(rvc_connection_follow_finish(conn, d.result, &error), RVC_PHASE_UNKNOWN);
	expect_error(error, RVC_ERROR_HELPER_NOT_REACHABLE);
	assert_true(rvc_connection_is_gone(conn));
	assert_string_equal(rvc_connection_get_state(conn), "");
	assert_string_equal(seen.log->str, "resolving l2tp-tunnel ");
	g_object_unref(d.result);
	g_string_free(seen.log, TRUE);
}

static void on_running(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	GString *log = user_data;

	g_string_append(log, rvc_client_get_helper_running(RVC_CLIENT(object)) ? "up " : "down ");
}

/*
 * The helper restarted: the old connection object is gone, even though the
 * new helper has a connection at the same path (it numbers from 1 again).
 */
static void test_helper_restarted(void **state)
{
	struct standin a = { 0 };
	struct standin b = { .export_connection = TRUE };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(RvcConnection) old = NULL, fresh = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) log = g_string_new(NULL);
	gint64 until;

	standin_start(&a);
	c = client();
	g_signal_connect(c, "notify::helper-running", G_CALLBACK(on_running), log);
	old = rvc_client_connect_sync(c, "office", NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	standin_stop(&a);
	b.profiles = g_variant_new_parsed("[('office', {'connection': <%o>, "
					  "'state': <'up'>})]", STANDIN_CONN_PATH);
	standin_start(&b);
	until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (strcmp(log->str, "down up ") && g_get_monotonic_time() < until)
		g_main_context_iteration(NULL, TRUE);
	assert_string_equal(log->str, "down up ");
	assert_true(rvc_connection_is_gone(old));
	assert_string_equal(rvc_connection_get_state(old), "");

	/* Attaching again gives the new helper's connection. */
	fresh = rvc_client_get_connection_sync(c, "office", NULL, &error);
	g_assert_no_error(error);
	assert_false(rvc_connection_is_gone(fresh));
	assert_string_equal(rvc_connection_get_state(fresh), "up");
	standin_stop(&b);
}

/* Profiles: keys a newer helper adds are ignored, hidden ones stay empty. */
static void test_profile_summaries(void **state)
{
	struct standin s = { 0 };
	g_autoptr(RvcClient) c = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;
	const RvcProfileSummary *p;

	s.profiles = g_variant_new_parsed(
		"[('zulu', {'gateway': <'gw.example'>, 'user': <'alice'>, 'ipsec': <true>, "
		"'allowed-users': <['alice', 'bob']>, 'connection': <objectpath '/'>, "
		"'state': <'disconnected'>, 'future-key': <uint32 7>, "
		"'last-error': <('l2tp-tunnel', 'no-answer', 'L2TP: no answer')>, "
		"'exit-code': <3>}), "
		"('alpha', {'invalid': <'[ppp] mtu: expected a number'>}), "
		"('hidden', {'state': <'up'>, 'connection': <%o>})]",
		STANDIN_CONN_PATH);
	standin_start(&s);
	c = client();
	list = rvc_client_list_profiles_sync(c, NULL, &error);
	g_assert_no_error(error);
	assert_int_equal(list->len, 3);
	assert_string_equal(((RvcProfileSummary *)list->pdata[0])->name, "alpha");
	p = rvc_profile_list_find(list, "alpha");
	assert_string_equal(p->invalid, "[ppp] mtu: expected a number");
	assert_string_equal(p->state, "disconnected");
	p = rvc_profile_list_find(list, "zulu");
	assert_null(p->invalid);
	assert_string_equal(p->gateway, "gw.example");
	assert_true(p->ipsec);
	assert_int_equal(g_strv_length(p->allowed_users), 2);
	assert_null(p->connection_path);
	assert_string_equal(p->last_error.reason, "no-answer");
	assert_int_equal(p->exit_code, 3);
	p = rvc_profile_list_find(list, "hidden");
	assert_string_equal(p->gateway, "");
	assert_string_equal(p->last_error.phase, "");
	assert_int_equal(g_strv_length(p->allowed_users), 0);
	assert_string_equal(p->connection_path, STANDIN_CONN_PATH);
	assert_null(rvc_profile_list_find(list, "nosuch"));
	standin_stop(&s);
}

static int setup(void **state)
{
	test_bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(test_bus);
	g_setenv("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address(test_bus), TRUE);
	return 0;
}

static int teardown(void **state)
{
	g_test_dbus_down(test_bus);
	g_object_unref(test_bus);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_reachable),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_secrets_asked_then_connected),
		cmocka_unit_test(test_given_secrets_not_asked),
		cmocka_unit_test(test_cancelled_or_no_callback),
		cmocka_unit_test(test_needs_secrets_retried_once),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_slow_polkit),
		cmocka_unit_test(test_follow_fills_unseen_steps),
		cmocka_unit_test(test_follow_up_with_ike),
		cmocka_unit_test(test_helper_gone_mid_connect),
		cmocka_unit_test(test_helper_restarted),
		cmocka_unit_test(test_profile_summaries),
	};

	g_autofree char *daemon = g_find_program_in_path("dbus-daemon");

	if (!daemon) {
		fprintf(stderr, "SKIP: no dbus-daemon for a private bus\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
