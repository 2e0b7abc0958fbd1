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

#include "fake-gw.h"
#include "ike/ike.h"

#define MAX_SENT 256
#define MAX_EVENTS 32
#define SEC USEC_PER_SEC

struct sent {
	uint8_t data[2048];
	size_t len;
	bool natt;
};

struct harness {
	struct ike *ike;
	struct fake_gw gw;
	struct rv_secret *psk;
	usec_t now, t0;
	struct sent sent[MAX_SENT];
	size_t n_sent, delivered;
	enum ike_event ev[MAX_EVENTS];
	struct ike_event_info info[MAX_EVENTS];
	size_t n_ev;
	bool gw_off;
	bool is_natt;    /* the client floated: its messages come on 4500 */
};

static int h_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct harness *h = user_data;
	struct sent *s;

	assert_true(h->n_sent < MAX_SENT);
	assert_true(len <= sizeof(s->data));
	s = &h->sent[h->n_sent++];
	memcpy(s->data, data, len);
	s->len = len;
	s->natt = natt;
	return 0;
}

static void h_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct harness *h = user_data;

	assert_true(h->n_ev < MAX_EVENTS);
	h->ev[h->n_ev] = ev;
	h->info[h->n_ev++] = *info;
	if (ev == IKE_EVENT_FLOAT_TO_NATT)
		h->is_natt = true;
}

static const struct ike_ops ops = { .tx = h_tx, .event = h_event };

static void pump(struct harness *h)
{
	bool moved = true;

	while (moved) {
		moved = false;
		while (h->delivered < h->n_sent) {
			struct sent *s = &h->sent[h->delivered++];

			if (!h->gw_off)
				fake_gw_rx(&h->gw, s->data, s->len);
			moved = true;
		}
		for (size_t i = 0; i < h->gw.n_out; i++) {
			ike_rx(h->ike, h->gw.out[i].data, h->gw.out[i].len, h->is_natt, h->now);
			moved = true;
		}
		h->gw.n_out = 0;
	}
}

/* Advance the clock to `until`, ticking at every deadline; ESP keeps DPD quiet. */
static void run_until(struct harness *h, usec_t until)
{
	for (;;) {
		usec_t d = ike_next_deadline(h->ike);

		if (d > until)
			break;
		h->now = d > h->now ? d : h->now;
		ike_note_inbound_activity(h->ike, h->now);
		ike_tick(h->ike, h->now);
		pump(h);
	}
	h->now = until;
}

static int find_event(const struct harness *h, enum ike_event ev, size_t nth)
{
	for (size_t i = 0; i < h->n_ev; i++)
		if (h->ev[i] == ev && nth-- == 0)
			return (int)i;
	return -1;
}

static size_t count_events(const struct harness *h, enum ike_event ev)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_ev; i++)
		n += h->ev[i] == ev;
	return n;
}

static struct fake_gw_config gw_defaults(void)
{
	return (struct fake_gw_config){
		.psk = "l2tp-test-psk-0123456789",
		.addr = inet_addr("198.51.100.1"),
		.client_seen_addr = inet_addr("198.51.100.2"),
	};
}

static struct harness *up_with(const struct fake_gw_config *g, uint32_t ike_lifetime)
{
	struct harness *h = test_calloc(1, sizeof(*h));
	struct ike_config cfg = {
		.local_addr = inet_addr("198.51.100.2"),
		.remote_addr = inet_addr("198.51.100.1"),
		.ike_lifetime = ike_lifetime,
	};

	h->psk = rv_secret_new_str("l2tp-test-psk-0123456789");
	cfg.psk = h->psk;
	fake_gw_init(&h->gw, g);
	h->now = h->t0 = 1000 * SEC;
	h->ike = ike_new(&cfg, &ops, h);
	assert_non_null(h->ike);
	assert_int_equal(ike_start(h->ike, h->now), 0);
	pump(h);
	assert_true(find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0);
	assert_true(h->gw.saw_initial_contact);
	return h;
}

static void h_free(struct harness *h)
{
	ike_free(h->ike);
	fake_gw_free(&h->gw);
	rv_secret_free(h->psk);
	test_free(h);
}

/* The session keeps working on the gateway's current SA: a Quick Mode and DPD on it. */
static void assert_sa_serves(struct harness *h)
{
	size_t children = count_events(h, IKE_EVENT_CHILD_UP);
	uint8_t spi[16], seq[4] = { 0, 0, 0, 0x2a };
	unsigned int acks = h->gw.n_dpd_ack;
	int i;

	assert_int_equal(ike_rekey_child(h->ike, h->now), 0);
	pump(h);
	assert_int_equal(count_events(h, IKE_EVENT_CHILD_UP), children + 1);
	i = find_event(h, IKE_EVENT_CHILD_UP, children);
	assert_int_not_equal(h->info[i].child.replaces_spi_in, 0);

	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_notify(&h->gw, ISAKMP_N_DPD_R_U_THERE, ISAKMP_PROTO_ISAKMP, spi, 16, seq, 4);
	pump(h);
	assert_int_equal(h->gw.n_dpd_ack, acks + 1);
}

static void test_p1_rekey_at_soft_lifetime(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up_with(&g, 100);
	uint8_t old_cky[8];

	memcpy(old_cky, h->gw.k.cky_i, 8);
	assert_true(h->ike->p1rk.soft_at >= h->t0 + 80 * SEC);
	assert_true(h->ike->p1rk.soft_at <= h->t0 + 90 * SEC);
	run_until(h, h->t0 + 79 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 0);
	run_until(h, h->t0 + 91 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_true(h->gw.mm5_ok);
	assert_false(h->gw.saw_initial_contact);
	assert_memory_not_equal(h->gw.k.cky_i, old_cky, 8);
	assert_memory_equal(h->gw.old_k.cky_i, old_cky, 8);
	/* our Delete for the old SA, which the gateway opened with the old keys */
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	/* nothing the session has to act on: no new phase, no child lost */
	assert_int_equal(count_events(h, IKE_EVENT_PHASE1_UP), 1);
	assert_int_equal(count_events(h, IKE_EVENT_CHILD_DELETED), 0);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);

	assert_sa_serves(h);

	/* charon deletes the old SA itself: not ours any more */
	assert_int_equal(fake_gw_delete_old_isakmp(&h->gw), 0);
	pump(h);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);

	/* past the old SA's lifetime, and the new one is renewed in turn */
	run_until(h, h->t0 + 185 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 2);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	h_free(h);
}

/* Behind a NAT: the new Main Mode goes on UDP 4500 from its first message. */
static void test_p1_rekey_natt(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h;
	size_t mark;

	g.natt_rfc = true;
	g.client_seen_addr = inet_addr("203.0.113.7");
	g.client_seen_port = 40000;
	h = up_with(&g, 100);
	assert_true(h->is_natt);
	mark = h->n_sent;
	run_until(h, h->t0 + 91 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_true(h->n_sent > mark);
	for (size_t i = mark; i < h->n_sent; i++)
		assert_true(h->sent[i].natt);
	assert_int_equal(count_events(h, IKE_EVENT_FLOAT_TO_NATT), 1);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	assert_true(h->sent[h->n_sent - 1].natt);
	h_free(h);
}

/* The gateway deletes the old SA while the new Main Mode is still under way. */
static void test_p1_rekey_old_deleted_meanwhile(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up_with(&g, 100);
	uint8_t spi[16];

	usec_t start = h->ike->p1rk.soft_at;

	h->gw_off = true;  /* the rekey's MM1 (and its first retransmit) get lost */
	run_until(h, start + 1 * SEC);
	assert_non_null(h->ike->p1rk.next);
	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, spi, 16);
	pump(h);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);

	h->gw_off = false;
	run_until(h, start + 9 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_null(h->ike->p1rk.next);
	/* no Delete for an SA the gateway already deleted */
	assert_int_equal(h->gw.n_delete_isakmp, 0);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	run_until(h, h->t0 + 150 * SEC);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_sa_serves(h);
	h_free(h);
}

/* ... and when that rekey then fails, the session ends at once, saying why. */
static void test_p1_rekey_fails_after_old_deleted(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up_with(&g, 1000);
	usec_t start = h->ike->p1rk.soft_at;
	uint8_t spi[16];
	int i;

	h->gw_off = true;
	run_until(h, start + 1 * SEC);
	assert_non_null(h->ike->p1rk.next);
	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, spi, 16);
	pump(h);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	run_until(h, start + 25 * SEC);
	i = find_event(h, IKE_EVENT_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].failure, IKE_FAILURE_PEER_DELETED);
	assert_non_null(strstr(h->info[i].message, "its rekey failed"));
	h_free(h);
}

/* A refused rekey keeps the old SA serving, is tried again, and fails only at expiry. */
static void test_p1_rekey_refused_until_expiry(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h;
	int i;

	g.refuse_p1_rekey = true;
	h = up_with(&g, 1000);
	run_until(h, h->ike->p1rk.soft_at + 1 * SEC);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_null(h->ike->p1rk.next);
	/* the old SA still carries Quick Mode */
	assert_sa_serves(h);

	run_until(h, h->t0 + 999 * SEC);
	assert_true(h->gw.n_p1_rekey >= 2);
	assert_int_equal(find_event(h, IKE_EVENT_FAILED, 0), -1);
	run_until(h, h->t0 + 1000 * SEC);
	i = find_event(h, IKE_EVENT_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].failure, IKE_FAILURE_NO_PROPOSAL_CHOSEN);
	assert_non_null(strstr(h->info[i].message, "IKE SA expired after 1000 s"));
	assert_non_null(strstr(h->info[i].message, "rejected all proposals"));
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	h_free(h);
}

/* ike_close() while the new Main Mode is under way: the current SA is deleted, nothing leaks. */
static void test_p1_rekey_close_during(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up_with(&g, 100);

	h->gw.cfg.ignore_p1_rekey = true;
	run_until(h, h->t0 + 91 * SEC);
	assert_non_null(h->ike->p1rk.next);
	ike_close(h->ike, h->now);
	pump(h);
	assert_null(h->ike->p1rk.next);
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	assert_true(find_event(h, IKE_EVENT_CLOSED, 0) >= 0);
	h_free(h);
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
