/*
 * Phase 1 (ISAKMP SA) rekey, time injected, against the scripted gateway:
 * a new Main Mode at 80-90 % of the IKE lifetime (no INITIAL-CONTACT, on
 * UDP 4500 when floated), the switch of Quick Mode and informational to the
 * new SA, the Delete of the old one with its keys, the gateway's Delete of
 * the old SA ignored (after the switch) or absorbed (during the rekey), and
 * a refused rekey that fails the session only when the old SA expires.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "harness.h"

#define SEC USEC_PER_SEC

/* Up with this IKE lifetime; ESP keeps coming from the gateway, so DPD stays quiet. */
static struct harness *up_with(const struct fake_gw_config *g, uint32_t ike_lifetime)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);

	cfg.ike_lifetime = ike_lifetime;
	h->traffic = true;
	harness_up(h, &cfg, g);
	assert_true(h->gw.saw_initial_contact);
	return h;
}

/* The session keeps working on the gateway's current SA: a Quick Mode and DPD on it. */
static void assert_sa_serves(struct harness *h)
{
	size_t children = harness_count_events(h, IKE_EVENT_CHILD_UP);
	uint8_t spi[16], seq[4] = { 0, 0, 0, 0x2a };
	unsigned int acks = h->gw.n_dpd_ack;
	int i;

	assert_int_equal(ike_rekey_child(h->ike, h->now), 0);
	harness_pump(h);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), children + 1);
	i = harness_find_event(h, IKE_EVENT_CHILD_UP, children);
	assert_int_not_equal(h->info[i].child.replaces_spi_in, 0);

	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_notify(&h->gw, ISAKMP_N_DPD_R_U_THERE, ISAKMP_PROTO_ISAKMP, spi, 16, seq, 4);
	harness_pump(h);
	assert_int_equal(h->gw.n_dpd_ack, acks + 1);
}

static void test_p1_rekey_at_soft_lifetime(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 100);
	uint8_t old_cky[8];

	memcpy(old_cky, h->gw.k.cky_i, 8);
	assert_true(h->ike->p1rk.soft_at >= h->t0 + 80 * SEC);
	assert_true(h->ike->p1rk.soft_at <= h->t0 + 90 * SEC);
	harness_run_until(h, h->t0 + 79 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 0);
	harness_run_until(h, h->t0 + 91 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_true(h->gw.mm5_ok);
	assert_false(h->gw.saw_initial_contact);
	assert_memory_not_equal(h->gw.k.cky_i, old_cky, 8);
	assert_memory_equal(h->gw.old_k.cky_i, old_cky, 8);
	/* our Delete for the old SA, which the gateway opened with the old keys */
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	/* nothing the session has to act on: no new phase, no child lost */
	assert_int_equal(harness_count_events(h, IKE_EVENT_PHASE1_UP), 1);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_DELETED), 0);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);

	assert_sa_serves(h);

	/* charon deletes the old SA itself: not ours any more */
	assert_int_equal(fake_gw_delete_old_isakmp(&h->gw), 0);
	harness_pump(h);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);

	/* past the old SA's lifetime, and the new one is renewed in turn */
	harness_run_until(h, h->t0 + 185 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 2);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	harness_free(h);
}

/* Behind a NAT: the new Main Mode goes on UDP 4500 from its first message. */
static void test_p1_rekey_natt(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h;
	size_t mark;

	g.natt_rfc = true;
	g.client_seen_addr = inet_addr("203.0.113.7");
	g.client_seen_port = 40000;
	h = up_with(&g, 100);
	assert_true(harness_find_event(h, IKE_EVENT_FLOAT_TO_NATT, 0) >= 0);
	mark = h->n_sent;
	harness_run_until(h, h->t0 + 91 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_true(h->n_sent > mark);
	for (size_t i = mark; i < h->n_sent; i++)
		assert_true(h->sent[i].natt);
	assert_int_equal(harness_count_events(h, IKE_EVENT_FLOAT_TO_NATT), 1);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	assert_true(h->sent[h->n_sent - 1].natt);
	harness_free(h);
}

/* The gateway deletes the old SA while the new Main Mode is still under way. */
static void test_p1_rekey_old_deleted_meanwhile(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 100);
	uint8_t spi[16];

	usec_t start = h->ike->p1rk.soft_at;

	h->gw_off = true;  /* the rekey's MM1 (and its first retransmit) get lost */
	harness_run_until(h, start + 1 * SEC);
	assert_non_null(h->ike->p1rk.next);
	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, spi, 16);
	harness_pump(h);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);

	h->gw_off = false;
	harness_run_until(h, start + 9 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_null(h->ike->p1rk.next);
	/* no Delete for an SA the gateway already deleted */
	assert_int_equal(h->gw.n_delete_isakmp, 0);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_run_until(h, h->t0 + 150 * SEC);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	harness_free(h);
}

/* ... and when that rekey then fails, the session ends at once, saying why. */
static void test_p1_rekey_fails_after_old_deleted(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 1000);
	usec_t start = h->ike->p1rk.soft_at;
	uint8_t spi[16];
	int i;

	h->gw_off = true;
	harness_run_until(h, start + 1 * SEC);
	assert_non_null(h->ike->p1rk.next);
	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, spi, 16);
	harness_pump(h);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_run_until(h, start + 25 * SEC);
	i = harness_find_event(h, IKE_EVENT_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].failure, IKE_FAILURE_PEER_DELETED);
	assert_non_null(strstr(h->info[i].message, "its rekey failed"));
	harness_free(h);
}

/* A refused rekey keeps the old SA serving, is tried again, and fails only at expiry. */
static void test_p1_rekey_refused_until_expiry(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h;
	int i;

	g.refuse_p1_rekey = true;
	h = up_with(&g, 1000);
	harness_run_until(h, h->ike->p1rk.soft_at + 1 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_null(h->ike->p1rk.next);
	/* the old SA still carries Quick Mode */
	assert_sa_serves(h);

	harness_run_until(h, h->t0 + 999 * SEC);
	assert_true(h->gw.n_p1_rekey >= 2);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_run_until(h, h->t0 + 1000 * SEC);
	i = harness_find_event(h, IKE_EVENT_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	assert_non_null(strstr(h->info[i].message, "IKE SA expired after 1000 s"));
	assert_non_null(strstr(h->info[i].message, "rejected all proposals"));
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	harness_free(h);
}

/* ike_close() while the new Main Mode is under way: the current SA is deleted, nothing leaks. */
static void test_p1_rekey_close_during(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 100);

	h->gw.cfg.ignore_p1_rekey = true;
	harness_run_until(h, h->t0 + 91 * SEC);
	assert_non_null(h->ike->p1rk.next);
	ike_close(h->ike, h->now);
	harness_pump(h);
	assert_null(h->ike->p1rk.next);
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	assert_true(harness_find_event(h, IKE_EVENT_CLOSED, 0) >= 0);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p1_rekey_at_soft_lifetime),
		cmocka_unit_test(test_p1_rekey_natt),
		cmocka_unit_test(test_p1_rekey_old_deleted_meanwhile),
		cmocka_unit_test(test_p1_rekey_fails_after_old_deleted),
		cmocka_unit_test(test_p1_rekey_refused_until_expiry),
		cmocka_unit_test(test_p1_rekey_close_during),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
