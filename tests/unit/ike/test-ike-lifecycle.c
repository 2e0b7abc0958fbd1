/*
 * A session that lives for days, time injected: DPD as initiator (RFC 3706:
 * quiet delay, R-U-THERE every 5 s, ACK matching, traffic as proof of life,
 * dead after five), and child SA rekey (soft lifetime 80-90 %, CHILD_UP
 * naming the SA it replaces, Delete of the old one after the grace period,
 * rekey on request, SoftEther's early own Quick Mode not taken as a rekey).
 * The gateway is the scripted one of fake-gw.c.
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

#define SEC USEC_PER_SEC

static struct harness *up_with(const struct fake_gw_config *g, uint32_t esp_lifetime)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);

	cfg.esp_lifetime = esp_lifetime;
	harness_up(h, &cfg, g);
	return h;
}

static struct harness *up(void)
{
	struct fake_gw_config g = harness_gw_config();

	return up_with(&g, 0);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Open one of the client's informational messages with the gateway's keys: R-U-THERE? */
static bool is_r_u_there(const struct harness *h, const struct harness_sent *s, uint32_t *ret_seq)
{
	const struct ike *k = &h->gw.k;
	uint8_t buf[4096], iv[16];
	struct ike_msg m;
	struct ike_notify n;
	size_t len;
	int first = ike_msg_parse_header(s->data, s->len, &m, &len);

	if (first < 0 || m.exchange != ISAKMP_EXCH_INFO || len > sizeof(buf))
		return false;
	memcpy(buf, s->data, len);
	assert_int_equal(ike_iv_phase2(&k->keys, k->keys.prf, k->p1_iv, m.mid, iv), 0);
	assert_int_equal(rv_cbc_crypt(k->keys.cipher, false, k->keys.enc_key,
				      k->keys.enc_key_len, iv, buf + ISAKMP_HDR_LEN,
				      len - ISAKMP_HDR_LEN, buf + ISAKMP_HDR_LEN), 0);
	assert_int_equal(ike_msg_parse_chain(&m, (uint8_t)first, buf + ISAKMP_HDR_LEN,
					     len - ISAKMP_HDR_LEN), 0);
	assert_int_equal(ike_check_hash(k, &m, NULL, 0), 0);
	for (size_t i = 0; i < m.n; i++) {
		if (m.pl[i].type != ISAKMP_PL_N || ike_notify_parse(&m.pl[i], &n) < 0 ||
		    n.type != ISAKMP_N_DPD_R_U_THERE)
			continue;
		assert_int_equal(n.spi_len, 16);
		assert_memory_equal(n.spi, k->cky_i, 8);
		assert_memory_equal(n.spi + 8, k->cky_r, 8);
		assert_int_equal(n.data_len, 4);
		*ret_seq = be32(n.data);
		return true;
	}
	return false;
}

/* R-U-THERE sent since index `from`; their sequence numbers in seqs. */
static size_t probes_since(const struct harness *h, size_t from, uint32_t *seqs, size_t cap)
{
	size_t n = 0;
	uint32_t seq;

	for (size_t i = from; i < h->n_sent; i++)
		if (is_r_u_there(h, &h->sent[i], &seq) && n < cap)
			seqs[n++] = seq;
	return n;
}

static void ack(struct harness *h, uint32_t seq)
{
	uint8_t spi[16], data[4] = { seq >> 24, seq >> 16, seq >> 8, seq };

	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	assert_int_equal(fake_gw_notify(&h->gw, ISAKMP_N_DPD_R_U_THERE_ACK, ISAKMP_PROTO_ISAKMP,
					spi, 16, data, 4), 0);
	harness_pump(h);
}

static void test_dpd_probe_after_quiet_delay(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;
	uint32_t seqs[8];

	harness_run_until(h, h->t0 + 29 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 0);
	assert_int_equal(ike_next_deadline(h->ike), h->t0 + 30 * SEC);
	harness_run_until(h, h->t0 + 30 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 1);
	assert_true(seqs[0] < 0x80000001u);

	/* the ACK ends the run: quiet again for 30 s from now */
	h->now += 2 * SEC;
	ack(h, seqs[0]);
	assert_int_equal(ike_next_deadline(h->ike), h->now + 30 * SEC);
	mark = h->n_sent;
	harness_run_until(h, h->now + 29 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 0);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_free(h);
}

static void test_dpd_dead_peer(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;
	uint32_t seqs[8];
	int i;

	h->gw_off = true;
	harness_run_until(h, h->t0 + 54 * SEC);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	assert_int_equal(probes_since(h, mark, seqs, 8), 5);
	for (size_t k = 1; k < 5; k++)
		assert_int_equal(seqs[k], seqs[k - 1] + 1);
	harness_run_until(h, h->t0 + 55 * SEC);
	i = harness_find_event(h, IKE_EVENT_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].failure, IKE_FAILURE_DEAD_PEER);
	assert_non_null(strstr(h->info[i].message, "gateway stopped answering (DPD)"));
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	harness_free(h);
}

static void test_dpd_traffic_is_life(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;
	uint32_t seqs[8];

	/* ESP from the gateway at +20 s: no probe at +30 s */
	harness_run_until(h, h->t0 + 20 * SEC);
	ike_note_inbound_activity(h->ike, h->now);
	harness_run_until(h, h->t0 + 49 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 0);
	harness_run_until(h, h->t0 + 50 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 1);

	/* traffic during a probe run ends it too, even without an ACK */
	h->gw_off = true;
	harness_run_until(h, h->t0 + 62 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 3);
	ike_note_inbound_activity(h->ike, h->now);
	harness_run_until(h, h->t0 + 91 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 3);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_free(h);
}

/* No R-U-THERE since mark until a second before `at`, the first one at `at`. */
static void expect_first_probe_at(struct harness *h, size_t mark, usec_t at)
{
	uint32_t seqs[8];

	harness_run_until(h, at - SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 0);
	harness_run_until(h, at);
	assert_int_equal(probes_since(h, mark, seqs, 8), 1);
}

/* ESP from the gateway at +10 s, ours at +12 s. */
static void answer_then_send(struct harness *h)
{
	harness_run_until(h, h->t0 + 10 * SEC);
	ike_note_inbound_activity(h->ike, h->now);
	harness_run_until(h, h->t0 + 12 * SEC);
	ike_note_outbound_activity(h->ike, h->now);
}

/* RFC 3706 5.5: ESP sent and nothing back for 5 s: probe then, not after 30 s of quiet. */
static void test_dpd_worry_after_send(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;
	uint32_t seqs[8];

	answer_then_send(h);
	/* sent 2 s after the last sign of life: worried at 5 s after it */
	assert_int_equal(ike_next_deadline(h->ike), h->t0 + 15 * SEC);
	expect_first_probe_at(h, mark, h->t0 + 15 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 1);
	/* the ACK: quiet again, and the send before it no longer worries */
	ack(h, seqs[0]);
	assert_int_equal(ike_next_deadline(h->ike), h->now + 30 * SEC);
	harness_free(h);
}

/* Sent, and something came back after it: no early probe. */
static void test_dpd_no_worry_when_answered(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;

	answer_then_send(h);
	harness_run_until(h, h->t0 + 13 * SEC);
	ike_note_inbound_activity(h->ike, h->now);
	/* a send after that answer worries anew, from the answer */
	harness_run_until(h, h->t0 + 14 * SEC);
	ike_note_outbound_activity(h->ike, h->now);
	harness_run_until(h, h->t0 + 16 * SEC);
	ike_note_outbound_activity(h->ike, h->now);
	expect_first_probe_at(h, mark, h->t0 + 18 * SEC);
	harness_free(h);
}

static void test_dpd_forged_ack(void **state)
{
	struct harness *h = up();
	size_t mark = h->n_sent;
	uint32_t seqs[8];
	uint8_t spi[16], data[4];

	h->gw_off = true;
	harness_run_until(h, h->t0 + 30 * SEC);
	assert_int_equal(probes_since(h, mark, seqs, 8), 1);
	/* an ACK whose HASH does not verify is no sign of life */
	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	data[0] = seqs[0] >> 24, data[1] = seqs[0] >> 16, data[2] = seqs[0] >> 8, data[3] = seqs[0];
	fake_gw_notify(&h->gw, ISAKMP_N_DPD_R_U_THERE_ACK, ISAKMP_PROTO_ISAKMP, spi, 16, data, 4);
	h->gw.out[0].data[h->gw.out[0].len - 20] ^= 0x40;
	assert_int_equal(ike_rx(h->ike, h->gw.out[0].data, h->gw.out[0].len, false, h->now),
			 -EBADMSG);
	h->gw.n_out = 0;
	harness_run_until(h, h->t0 + 55 * SEC);
	assert_int_equal(h->info[harness_find_event(h, IKE_EVENT_FAILED, 0)].failure,
			 IKE_FAILURE_DEAD_PEER);
	harness_free(h);
}

static void assert_rekey_child(const struct harness *h, size_t nth, uint32_t old_spi_in)
{
	int i = harness_find_event(h, IKE_EVENT_CHILD_UP, nth);
	const struct ike_child_sa *c;

	assert_true(i >= 0);
	c = &h->info[i].child;
	assert_int_equal(c->replaces_spi_in, old_spi_in);
	assert_int_not_equal(c->spi_in, old_spi_in);
	assert_false(c->by_peer);
	/* fresh keys that match the gateway's for this Quick Mode */
	assert_int_equal(c->spi_in, h->gw.spi_client_in);
	assert_memory_equal(c->enc_key_out, h->gw.enc_client_out, c->enc_key_len);
	assert_non_null(strstr(h->info[i].message, "rekey of"));
}

static void test_rekey_at_soft_lifetime(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 100);
	uint32_t first = h->info[harness_find_event(h, IKE_EVENT_CHILD_UP, 0)].child.spi_in, second;
	usec_t rekeyed;
	int i;

	h->traffic = true;
	harness_run_until(h, h->t0 + 79 * SEC);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), 1);
	rekeyed = ike_next_deadline(h->ike);
	assert_true(rekeyed >= h->t0 + 80 * SEC && rekeyed <= h->t0 + 90 * SEC);
	harness_run_until(h, rekeyed);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), 2);
	assert_rekey_child(h, 1, first);
	second = h->info[harness_find_event(h, IKE_EVENT_CHILD_UP, 1)].child.spi_in;
	assert_int_equal(h->gw.n_delete_esp, 0);

	/* the old SA lives through the grace period (a quarter of 100 s, at most 10 s) */
	harness_run_until(h, rekeyed + 9 * SEC);
	assert_int_equal(h->gw.n_delete_esp, 0);
	harness_run_until(h, rekeyed + 10 * SEC);
	assert_int_equal(h->gw.n_delete_esp, 1);
	assert_int_equal(h->gw.deleted_esp_spi, first);
	i = harness_find_event(h, IKE_EVENT_CHILD_DELETED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].child.spi_in, first);
	assert_non_null(strstr(h->info[i].message, "old IPsec SA"));

	/* and again 80-90 s after the second child came up */
	harness_run_until(h, rekeyed + 101 * SEC);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), 3);
	assert_rekey_child(h, 2, second);
	assert_int_equal(h->gw.n_delete_esp, 2);
	assert_int_equal(h->gw.deleted_esp_spi, second);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_free(h);
}

static void test_rekey_on_request(void **state)
{
	struct harness *h = up();
	uint32_t first = h->info[harness_find_event(h, IKE_EVENT_CHILD_UP, 0)].child.spi_in;

	h->gw_off = true;
	assert_int_equal(ike_rekey_child(h->ike, h->now), 0);
	assert_int_equal(ike_rekey_child(h->ike, h->now), -EALREADY);
	h->gw_off = false;
	h->delivered = h->n_sent - 1;
	harness_pump(h);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), 2);
	assert_rekey_child(h, 1, first);
	ike_close(h->ike, h->now);
	assert_int_equal(ike_rekey_child(h->ike, h->now), -ENOTCONN);
	assert_int_equal(ike_delete_child(h->ike, first, h->now), -ENOTCONN);
	harness_free(h);
}

/* SoftEther: its own Quick Mode right after ours is a second SA, not a rekey. */
static void test_peer_quick_mode_not_a_rekey(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h;
	int i;

	g.own_qm = true;
	h = up_with(&g, 100);
	assert_int_equal(harness_count_events(h, IKE_EVENT_CHILD_UP), 2);
	i = harness_find_event(h, IKE_EVENT_CHILD_UP, 1);
	assert_true(h->info[i].child.by_peer);
	assert_int_equal(h->info[i].child.replaces_spi_in, 0);
	/* our soft lifetime still runs from our child */
	assert_true(ike_next_deadline(h->ike) >= h->t0 + 30 * SEC);
	harness_free(h);
}

/* The gateway deletes the SA we would rekey: no rekey of a ghost, nothing due for it. */
static void test_gateway_deletes_current(void **state)
{
	struct fake_gw_config g = harness_gw_config();
	struct harness *h = up_with(&g, 100);
	uint32_t spi = h->gw.spi_gw_in;
	uint8_t s[4] = { spi >> 24, spi >> 16, spi >> 8, spi };
	size_t mark;

	fake_gw_delete(&h->gw, ISAKMP_PROTO_ESP, s, 4);
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_CHILD_DELETED, 0) >= 0);
	mark = h->n_sent;
	assert_int_equal(ike_rekey_child(h->ike, h->now), -ENOTCONN);
	assert_int_equal(h->n_sent, mark);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpd_probe_after_quiet_delay),
		cmocka_unit_test(test_dpd_worry_after_send),
		cmocka_unit_test(test_dpd_no_worry_when_answered),
		cmocka_unit_test(test_dpd_dead_peer),
		cmocka_unit_test(test_dpd_traffic_is_life),
		cmocka_unit_test(test_dpd_forged_ack),
		cmocka_unit_test(test_rekey_at_soft_lifetime),
		cmocka_unit_test(test_rekey_on_request),
		cmocka_unit_test(test_peer_quick_mode_not_a_rekey),
		cmocka_unit_test(test_gateway_deletes_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
