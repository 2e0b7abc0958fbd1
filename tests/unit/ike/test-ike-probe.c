/*
 * Automatic phase 1 proposals (probe.c) against the scripted gateway: a
 * gateway that accepts one suite only is found in a few Main Modes, strong
 * suites first; one silent to a large SA payload gets single suites; a
 * legacy suite is used only when allowed and otherwise named in the
 * failure; the remembered suite goes first and needs one MM1; phase 2
 * probes 3des-sha1 (after the PFS retries) only to name it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fake_gw_config gw_only(const char *suite)
{
	struct fake_gw_config g = harness_gw_config();

	g.natt_rfc = true;
	g.p1_only = suite;
	return g;
}

static const char *mm1_first(const struct harness *h, size_t i, char *buf, size_t size)
{
	ike_p1_name(&h->gw.mm1_first[i], buf, size);
	return buf;
}

static const struct ike_event_info *event(const struct harness *h, enum ike_event ev)
{
	int i = harness_find_event(h, ev, 0);

	if (i < 0)
		fail_msg("no event %d", ev);
	return &h->info[i];
}

/* Every MM1 the client sent; the probes are MM1s of their own. */
static size_t mm1_count(const struct harness *h)
{
	return h->gw.n_mm1;
}

static void test_one_suite_found(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only("aes256-sha1-modp1536");
	const struct ike_event_info *up;
	char name[48];

	harness_start(h, &cfg, &g);
	harness_pump(h);
	/* the first offer (8 suites, strongest first) refused, then the first probe */
	assert_int_equal(mm1_count(h), 2);
	assert_int_equal(h->gw.mm1_n_transforms[0], IKE_FIRST_OFFER);
	assert_string_equal(mm1_first(h, 0, name, sizeof(name)), "aes256-sha256-modp2048");
	assert_int_equal(h->gw.mm1_n_transforms[1], 1);
	assert_string_equal(ike_phase1_description(h->ike), "aes256-sha1-modp1536");
	up = event(h, IKE_EVENT_CHILD_UP);
	assert_string_equal(up->child.suite_ike, "aes256-sha1-modp1536");
	assert_string_equal(up->child.suite_esp, "aes128gcm16");
	harness_free(h);
}

static void test_legacy_allowed(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only("3des-sha1-modp1024");
	char name[48];

	cfg.allow_legacy = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	/* first offer, aes256-sha1-modp1536, then 3des-sha1-modp1024: a handful at most */
	assert_int_equal(mm1_count(h), 3);
	assert_string_equal(mm1_first(h, 1, name, sizeof(name)), "aes256-sha1-modp1536");
	assert_string_equal(mm1_first(h, 2, name, sizeof(name)), "3des-sha1-modp1024");
	assert_string_equal(event(h, IKE_EVENT_CHILD_UP)->child.suite_ike, "3des-sha1-modp1024");
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_free(h);
}

static void test_legacy_not_allowed(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only("3des-sha1-modp1024");
	const struct ike_event_info *f;

	harness_start(h, &cfg, &g);
	harness_pump(h);
	f = event(h, IKE_EVENT_FAILED);
	assert_int_equal(f->failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	assert_int_equal(f->phase, 1);
	assert_string_equal(f->message,
			    "the gateway only accepts 3des-sha1-modp1024; set allow-legacy=true to use it");
	/* probed, never used: no key exchange went out after the gateway's pick */
	assert_int_equal(mm1_count(h), 3);
	assert_int_equal(h->n_sent, 3);
	assert_int_equal(harness_find_event(h, IKE_EVENT_PHASE1_UP, 0), -1);
	harness_free(h);
}

static void test_none_accepted(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only("aes192-sha512-modp4096");
	const struct ike_event_info *f;

	harness_start(h, &cfg, &g);
	harness_pump(h);
	f = event(h, IKE_EVENT_FAILED);
	assert_int_equal(f->failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	assert_non_null(strstr(f->message, "gateway rejected all proposals; tried aes256-sha256"));
	assert_int_equal(f->notify_type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	/* the first offer and at most IKE_MAX_P1_PROBES single suites */
	assert_int_equal(mm1_count(h), 1 + IKE_MAX_P1_PROBES);
	harness_free(h);
}

static void test_silent_to_large_sa(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only(NULL);
	char name[48];
	usec_t t0;

	g.p1_max_transforms = 1;
	harness_start(h, &cfg, &g);
	t0 = h->now;
	harness_pump(h);
	assert_int_equal(harness_find_event(h, IKE_EVENT_PHASE1_UP, 0), -1);
	/* retransmits at 1 and 3 s, then the first suite alone at 6 s */
	harness_run_until(h, t0 + 6 * USEC_PER_SEC);
	assert_int_equal(mm1_count(h), 4);
	assert_int_equal(h->gw.mm1_n_transforms[3], 1);
	assert_string_equal(mm1_first(h, 3, name, sizeof(name)), "aes256-sha256-modp2048");
	assert_string_equal(ike_phase1_description(h->ike), "aes256-sha256-modp2048");
	assert_true(harness_find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0);
	harness_free(h);
}

/* A gateway that answers nothing still fails as a timeout, within the same 20 s. */
static void test_silent_gateway_times_out(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only(NULL);
	const struct ike_event_info *f;
	usec_t t0;

	h->gw_off = true;
	harness_start(h, &cfg, &g);
	t0 = h->now;
	harness_run_until(h, t0 + 30 * USEC_PER_SEC);
	f = event(h, IKE_EVENT_FAILED);
	assert_int_equal(f->failure, IKE_FAILURE_TIMEOUT);
	assert_string_equal(f->message, "gateway 198.51.100.1 did not answer on UDP 500 within 20 s");
	assert_true(h->sent[h->n_sent - 1].at - t0 < 20 * USEC_PER_SEC);
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	harness_free(h);
}

static void test_remembered_first(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only("3des-sha1-modp1024");
	char name[48];

	/* what the last connect found goes first: one MM1 */
	cfg.allow_legacy = true;
	cfg.preferred_ike = "3des-sha1-modp1024";
	cfg.preferred_esp = "aes256-sha1";
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(mm1_count(h), 1);
	assert_string_equal(mm1_first(h, 0, name, sizeof(name)), "3des-sha1-modp1024");
	assert_string_equal(event(h, IKE_EVENT_CHILD_UP)->child.suite_esp, "aes256-sha1");
	harness_free(h);

	/* remembered while allowed, not allowed now: not offered, still named */
	h = harness_new();
	cfg = harness_client_config(h);
	cfg.preferred_ike = "3des-sha1-modp1024";
	g = gw_only("3des-sha1-modp1024");
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_string_equal(mm1_first(h, 0, name, sizeof(name)), "aes256-sha256-modp2048");
	assert_int_equal(event(h, IKE_EVENT_FAILED)->failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	harness_free(h);
}

static void test_phase2_legacy_named(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only(NULL);
	const struct ike_event_info *f;

	g.esp_transform = ESP_T_3DES;
	g.esp_auth = ESP_AUTH_HMAC_SHA1;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	f = event(h, IKE_EVENT_FAILED);
	assert_int_equal(f->phase, 2);
	assert_int_equal(f->failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	assert_string_equal(f->message, "the gateway only accepts 3des-sha1 for ESP; "
					"set allow-legacy=true to use it");
	/* probed after the PFS retries, never keyed: no QM3, no SA */
	assert_int_equal(h->gw.n_qm1, 4);
	assert_int_equal(h->gw.n_qm3, 0);
	assert_int_equal(harness_find_event(h, IKE_EVENT_CHILD_UP, 0), -1);
	harness_free(h);

	/* allowed: 3des-sha1 is in the first Quick Mode */
	h = harness_new();
	cfg = harness_client_config(h);
	cfg.allow_legacy = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(h->gw.n_qm1, 1);
	assert_string_equal(event(h, IKE_EVENT_CHILD_UP)->child.suite_esp, "3des-sha1");
	harness_free(h);
}

/* Nothing acceptable at all: the message names what was offered, and 3des-sha1. */
static void test_phase2_none(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_only(NULL);
	const struct ike_event_info *f;

	g.refuse_all_qm = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	f = event(h, IKE_EVENT_FAILED);
	assert_int_equal(f->phase, 2);
	assert_non_null(strstr(f->message, "gateway rejected all ESP proposals; offered aes128-gcm16"));
	assert_non_null(strstr(f->message, "(with and without PFS), nor 3des-sha1"));
	assert_int_equal(h->gw.n_qm1, 6);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_suite_found),
		cmocka_unit_test(test_legacy_allowed),
		cmocka_unit_test(test_legacy_not_allowed),
		cmocka_unit_test(test_none_accepted),
		cmocka_unit_test(test_silent_to_large_sa),
		cmocka_unit_test(test_silent_gateway_times_out),
		cmocka_unit_test(test_remembered_first),
		cmocka_unit_test(test_phase2_legacy_named),
		cmocka_unit_test(test_phase2_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
