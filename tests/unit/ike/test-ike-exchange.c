/*
 * The real initiator against a scripted gateway (fake-gw.c), time injected:
 * Main Mode + Quick Mode to CHILD_UP (keys checked against the gateway's),
 * NAT-T the SoftEther way and the draft way, wrong PSK (silent gateway and
 * PAYLOAD-MALFORMED), NO-PROPOSAL-CHOSEN in both phases, retransmission and
 * give-up, responder retransmits, the gateway's own Quick Mode, DPD,
 * Delete, close, the selector and PFS retries, commit bit, lifetimes.
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

static struct fake_gw_config gw_defaults(void)
{
	struct fake_gw_config g = harness_gw_config();

	g.natt_rfc = true;
	return g;
}

static const struct ike_child_sa *child(const struct harness *h, size_t nth)
{
	int i = harness_find_event(h, IKE_EVENT_CHILD_UP, nth);

	assert_true(i >= 0);
	return &h->info[i].child;
}

static void assert_failed(const struct harness *h, enum ike_failure f, const char *text)
{
	int i = harness_find_event(h, IKE_EVENT_FAILED, 0);

	if (i < 0)
		fail_msg("no FAILED event");
	if (h->info[i].failure != f || !strstr(h->info[i].message, text))
		fail_msg("failure %d \"%s\", want %d with \"%s\"", h->info[i].failure,
			 h->info[i].message, f, text);
}

/* The client's keys must be the gateway's, crossed over. */
static void assert_keys_match(const struct harness *h, const struct ike_child_sa *c)
{
	assert_int_equal(c->spi_in, h->gw.spi_client_in);
	assert_int_equal(c->spi_out, h->gw.spi_gw_in);
	assert_memory_equal(c->enc_key_in, h->gw.enc_client_in, c->enc_key_len);
	assert_memory_equal(c->enc_key_out, h->gw.enc_client_out, c->enc_key_len);
	assert_memory_equal(c->integ_key_in, h->gw.integ_client_in, c->integ_key_len);
	assert_memory_equal(c->integ_key_out, h->gw.integ_client_out, c->integ_key_len);
	assert_memory_not_equal(c->enc_key_in, c->enc_key_out, c->enc_key_len);
}

static void test_main_and_quick_mode(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	const struct ike_child_sa *c;

	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(h->n_ev, 2);
	assert_int_equal(h->ev[0], IKE_EVENT_PHASE1_UP);
	assert_int_equal(h->ev[1], IKE_EVENT_CHILD_UP);
	assert_string_equal(ike_phase1_description(h->ike), "aes256-sha256-modp2048");
	assert_true(h->gw.saw_initial_contact);
	assert_true(h->gw.natd_seen);
	assert_false(h->info[1].nat_local || h->info[1].nat_remote);
	c = child(h, 0);
	assert_keys_match(h, c);
	assert_false(c->udp_encap);
	assert_int_equal(h->gw.qm1_encap, 2);
	assert_false(h->gw.qm1_had_nat_oa);
	assert_int_equal(h->gw.last_idcr_port, 1701);
	assert_int_equal(c->cipher, IKE_ESP_CIPHER_AES_GCM16);
	assert_int_equal(c->enc_key_len, 20);
	assert_int_equal(c->integ, IKE_ESP_INTEG_NONE);
	assert_int_equal(c->lifetime_seconds, 3600);
	assert_string_equal(c->description, "aes128-gcm16");
	assert_false(c->by_peer);
	for (size_t i = 0; i < h->n_sent; i++)
		assert_false(h->sent[i].natt);
	/* nothing to resend; only DPD (30 s) and the rekey (80-90 % of 1 h) are ahead */
	assert_true(ike_next_deadline(h->ike) >= h->now + 30 * USEC_PER_SEC);
	harness_free(h);
}

static void test_legacy_suites(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	const struct ike_child_sa *c;

	/* legacy suites are offered automatically only when allowed (probe order: test-ike-probe) */
	cfg.allow_legacy = true;
	g.p1_group = RV_DH_MODP1024;
	g.esp_transform = 3;
	g.esp_auth = 2;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_string_equal(ike_phase1_description(h->ike), "3des-sha1-modp1024");
	c = child(h, 0);
	assert_keys_match(h, c);
	assert_int_equal(c->cipher, IKE_ESP_CIPHER_3DES_CBC);
	assert_int_equal(c->enc_key_len, 24);
	assert_int_equal(c->integ, IKE_ESP_INTEG_HMAC_SHA1_96);
	assert_int_equal(c->integ_key_len, 20);
	harness_free(h);

	/* 3DES phase 1 with an ECP group picked by a Windows-like gateway */
	h = harness_new();
	cfg = harness_client_config(h);
	cfg.ike_proposals = "3des-sha1-ecp256";
	cfg.esp_proposals = "aes256-sha256";
	g = gw_defaults();
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_string_equal(ike_phase1_description(h->ike), "3des-sha1-ecp256");
	assert_int_equal(harness_find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0, 1);
	harness_free(h);
}

static void test_natt_softether(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	const struct ike_child_sa *c, *c2;
	int fl;

	g.fake_natd = true;
	g.own_qm = true;
	g.natt_draft = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	fl = harness_find_event(h, IKE_EVENT_FLOAT_TO_NATT, 0);
	assert_int_equal(fl, 0);
	assert_true(h->info[fl].nat_local);
	assert_false(h->info[fl].nat_remote);
	/* MM1 and MM3 on 500, everything from MM5 on 4500 */
	assert_false(h->sent[0].natt);
	assert_false(h->sent[1].natt);
	for (size_t i = 2; i < h->n_sent; i++)
		assert_true(h->sent[i].natt);
	c = child(h, 0);
	assert_keys_match(h, c);
	assert_true(c->udp_encap);
	assert_int_equal(h->gw.qm1_encap, 4);
	assert_true(h->gw.qm1_had_nat_oa);
	assert_int_equal(c->nat_oa_peer, inet_addr(HARNESS_GW_ADDR));
	/* the gateway's own Quick Mode got answered: a second child, by the peer */
	assert_int_equal(h->gw.n_own_qm2, 1);
	c2 = child(h, 1);
	assert_true(c2->by_peer);
	assert_true(c2->udp_encap);
	assert_int_equal(c2->spi_out, h->gw.own_spi_gw_in);
	assert_memory_equal(c2->enc_key_in, h->gw.own_enc_client_in, c2->enc_key_len);
	assert_memory_equal(c2->integ_key_out, h->gw.own_integ_client_out, c2->integ_key_len);
	assert_int_equal(c2->cipher, IKE_ESP_CIPHER_AES_CBC);
	assert_int_not_equal(c2->spi_in, c->spi_in);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	harness_free(h);
}

static void test_natt_draft_real_nat(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	cfg.local_addr = inet_addr("192.0.2.2");
	g.natt_rfc = false;
	g.natt_draft = true;
	g.client_seen_port = 40000;
	g.oa_reserved_junk = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_FLOAT_TO_NATT, 0) >= 0);
	/* draft peer: NAT-D 130 (folded when parsed), encapsulation 61444 */
	assert_true(h->gw.natd_seen);
	assert_int_equal(h->gw.qm1_encap, 61444);
	assert_true(child(h, 0)->udp_encap);
	assert_int_equal(child(h, 0)->nat_oa_peer, inet_addr(HARNESS_GW_ADDR));
	harness_free(h);
}

static void test_force_encap(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	cfg.force_encap = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_FLOAT_TO_NATT, 0) >= 0);
	assert_int_equal(h->gw.qm1_encap, 4);
	assert_true(child(h, 0)->udp_encap);
	harness_free(h);
}

static void run_to_end(struct harness *h)
{
	for (int i = 0; i < 100 && ike_next_deadline(h->ike) != USEC_INFINITY; i++) {
		usec_t d = ike_next_deadline(h->ike);

		assert_true(d >= h->now);
		h->now = d;
		ike_tick(h->ike, h->now);
		harness_pump(h);
	}
}

static void test_wrong_psk_silent(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	g.psk = "another-psk";
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(h->n_ev, 0);
	run_to_end(h);
	assert_failed(h, IKE_FAILURE_AUTH_FAILED, "wrong pre-shared key?");
	assert_int_equal(h->info[0].phase, 1);
	harness_free(h);
}

static void test_wrong_psk_notify(void **state)
{
	/* strongSwan-like PAYLOAD-MALFORMED, SoftEther's INVALID-COOKIE (seen on the real one) */
	static const uint16_t notifies[] = { 16, 4, 24 };

	for (size_t i = 0; i < 3; i++) {
		struct harness *h = harness_new();
		struct ike_config cfg = harness_client_config(h);
		struct fake_gw_config g = gw_defaults();

		g.psk = "another-psk";
		g.psk_mismatch_notify = notifies[i];
		harness_start(h, &cfg, &g);
		harness_pump(h);
		assert_failed(h, IKE_FAILURE_AUTH_FAILED, "wrong pre-shared key?");
		assert_int_equal(h->info[0].notify_type, notifies[i]);
		assert_int_equal(h->last_rx, -EPROTO);
		assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
		harness_free(h);
	}
}

static void test_no_proposal_phase1(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	g.refuse_p1 = true;
	cfg.ike_proposals = "aes256-sha256-modp2048,aes128-sha1-modp2048";
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_failed(h, IKE_FAILURE_NO_PROPOSAL_CHOSEN,
		      "gateway rejected all proposals; offered aes256-sha256-modp2048, "
		      "aes128-sha1-modp2048");
	assert_int_equal(h->info[0].notify_type, 14);
	/* a list of the profile's own: no probing */
	assert_int_equal(h->gw.n_mm1, 1);
	harness_free(h);
}

static void test_retransmit_give_up(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	usec_t t0;

	/* a single suite of the profile's own: no smaller offer to fall back to */
	cfg.ike_proposals = "aes128-sha1-modp2048";
	h->gw_off = true;
	harness_start(h, &cfg, &g);
	t0 = h->now;
	assert_int_equal(ike_next_deadline(h->ike), t0 + 1 * USEC_PER_SEC);
	/* ticking early does nothing */
	ike_tick(h->ike, t0 + USEC_PER_SEC / 2);
	assert_int_equal(h->n_sent, 1);
	run_to_end(h);
	/* sent at 0, 1, 3, 7, 15 s; failed at 20 s */
	assert_int_equal(h->n_sent, 5);
	assert_int_equal(h->sent[1].at - t0, 1 * USEC_PER_SEC);
	assert_int_equal(h->sent[2].at - t0, 3 * USEC_PER_SEC);
	assert_int_equal(h->sent[3].at - t0, 7 * USEC_PER_SEC);
	assert_int_equal(h->sent[4].at - t0, 15 * USEC_PER_SEC);
	for (size_t i = 1; i < 5; i++)
		assert_memory_equal(h->sent[i].data, h->sent[0].data, h->sent[0].len);
	assert_int_equal(h->now - t0, 20 * USEC_PER_SEC);
	assert_failed(h, IKE_FAILURE_TIMEOUT,
		      "gateway 198.51.100.1 did not answer on UDP 500 within 20 s");
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	harness_free(h);
}

static void test_responder_retransmit(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	struct fake_gw_msg mm2;

	harness_start(h, &cfg, &g);
	assert_int_equal(fake_gw_rx(&h->gw, h->sent[0].data, h->sent[0].len), 0);
	h->delivered = 1;
	mm2 = h->gw.out[0];
	h->gw.n_out = 0;
	assert_int_equal(ike_rx(h->ike, mm2.data, mm2.len, false, h->now), 0);
	assert_int_equal(h->n_sent, 2);
	/* MM2 again: our MM3 goes out again, byte for byte */
	assert_int_equal(ike_rx(h->ike, mm2.data, mm2.len, false, h->now), -EAGAIN);
	assert_int_equal(h->n_sent, 3);
	assert_int_equal(h->sent[2].len, h->sent[1].len);
	assert_memory_equal(h->sent[2].data, h->sent[1].data, h->sent[1].len);
	h->delivered = 2; /* the gateway sees one MM3 */
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0);
	harness_free(h);
}

static struct harness *up(const struct fake_gw_config *g)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);

	harness_up(h, &cfg, g);
	return h;
}

static void test_dpd(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up(&g);
	uint8_t spi[16];

	memcpy(spi, h->gw.k.cky_i, 8);
	memcpy(spi + 8, h->gw.k.cky_r, 8);
	fake_gw_notify(&h->gw, ISAKMP_N_DPD_R_U_THERE, ISAKMP_PROTO_ISAKMP, spi, 16,
		       (const uint8_t *)"\0\0\0\x2a", 4);
	harness_pump(h);
	assert_int_equal(h->last_rx, 0);
	assert_int_equal(h->gw.n_dpd_ack, 1);
	harness_free(h);
}

static void test_peer_delete(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up(&g);
	uint32_t spi = h->gw.spi_gw_in;
	uint8_t s[4] = { spi >> 24, spi >> 16, spi >> 8, spi }, cookies[16];
	int i;

	fake_gw_delete(&h->gw, ISAKMP_PROTO_ESP, s, 4);
	harness_pump(h);
	i = harness_find_event(h, IKE_EVENT_CHILD_DELETED, 0);
	assert_true(i >= 0);
	assert_int_equal(h->info[i].child.spi_out, spi);
	assert_non_null(strstr(h->info[i].message, "gateway deleted the IPsec SA"));
	/* a tampered delete does not verify and is ignored */
	memcpy(cookies, h->gw.k.cky_i, 8);
	memcpy(cookies + 8, h->gw.k.cky_r, 8);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, cookies, 16);
	h->gw.out[0].data[ISAKMP_HDR_LEN + 10] ^= 1;
	harness_pump(h);
	assert_int_equal(harness_find_event(h, IKE_EVENT_FAILED, 0), -1);
	fake_gw_delete(&h->gw, ISAKMP_PROTO_ISAKMP, cookies, 16);
	harness_pump(h);
	assert_failed(h, IKE_FAILURE_PEER_DELETED, "gateway deleted the IKE SA");
	harness_free(h);
}

static void test_close(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = up(&g);
	uint32_t spi_in = child(h, 0)->spi_in;

	ike_close(h->ike, h->now);
	harness_pump(h);
	assert_int_equal(h->gw.n_delete_esp, 1);
	assert_int_equal(h->gw.deleted_esp_spi, spi_in);
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	assert_int_equal(h->ev[h->n_ev - 1], IKE_EVENT_CLOSED);
	assert_int_equal(ike_rx(h->ike, h->sent[0].data, h->sent[0].len, false, h->now), -ENOMSG);
	harness_free(h);
}

static void test_close_before_phase1(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	h->gw_off = true;
	harness_start(h, &cfg, &g);
	ike_close(h->ike, h->now);
	assert_int_equal(h->n_sent, 1); /* nothing to delete */
	assert_int_equal(h->ev[0], IKE_EVENT_CLOSED);
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
	harness_free(h);
}

static void test_selector_port0_retry(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h;

	g.refuse_port_1701 = true;
	h = up(&g);
	assert_int_equal(h->gw.n_qm1, 2);
	assert_int_equal(h->gw.last_idcr_port, 0);
	harness_free(h);
}

static void test_pfs_fallback(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h;

	g.require_pfs = true;
	h = up(&g);
	assert_int_equal(h->gw.n_qm1, 2);
	assert_true(h->gw.qm1_had_ke);
	assert_string_equal(child(h, 0)->description, "aes128-gcm16-modp2048");
	assert_keys_match(h, child(h, 0));
	harness_free(h);
}

static void test_no_proposal_phase2(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	cfg.pfs = "none";
	g.refuse_all_qm = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_failed(h, IKE_FAILURE_NO_PROPOSAL_CHOSEN,
		      "gateway rejected all ESP proposals; offered aes128-gcm16, ");
	assert_int_equal(h->info[harness_find_event(h, IKE_EVENT_FAILED, 0)].phase, 2);
	harness_free(h);
}

static void test_commit_lifetime_fourth(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	g.commit = true;
	g.responder_lifetime = 1200;
	g.fourth_qm_msg = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(child(h, 0)->lifetime_seconds, 1200);
	assert_int_equal(h->n_ev, 2);
	assert_true(ike_next_deadline(h->ike) >= h->now + 30 * USEC_PER_SEC);
	harness_free(h);

	/* a longer lifetime in the gateway's transform does not win over ours */
	h = harness_new();
	cfg = harness_client_config(h);
	g = gw_defaults();
	g.qm2_life = 86400;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(child(h, 0)->lifetime_seconds, 3600);
	harness_free(h);
}

static void test_quick_mode_timeout(void **state)
{
	struct fake_gw_config g = gw_defaults();
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);

	harness_start(h, &cfg, &g);
	/* let phase 1 through, then lose the gateway */
	for (int i = 0; i < 3; i++) {
		fake_gw_rx(&h->gw, h->sent[h->delivered].data, h->sent[h->delivered].len);
		h->delivered++;
		for (size_t k = 0; k < h->gw.n_out; k++)
			ike_rx(h->ike, h->gw.out[k].data, h->gw.out[k].len, false, h->now);
		h->gw.n_out = 0;
	}
	assert_int_equal(h->ev[0], IKE_EVENT_PHASE1_UP);
	h->gw_off = true;
	run_to_end(h);
	assert_failed(h, IKE_FAILURE_TIMEOUT, "did not answer our Quick Mode");
	harness_free(h);
}

static void test_aggressive_first_message(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	struct ike_msg m;
	size_t len;
	int first;

	cfg.aggressive = true;
	cfg.local_id = "keyid:GroupVPN";
	h->gw_off = true;
	harness_start(h, &cfg, &g);
	first = ike_msg_parse_header(h->sent[0].data, h->sent[0].len, &m, &len);
	assert_int_equal(m.exchange, ISAKMP_EXCH_AGGRESSIVE);
	assert_int_equal(ike_msg_parse_chain(&m, (uint8_t)first, h->sent[0].data + 28, len - 28), 0);
	assert_non_null(ike_msg_find(&m, ISAKMP_PL_KE));
	assert_non_null(ike_msg_find(&m, ISAKMP_PL_NONCE));
	assert_int_equal(ike_msg_find(&m, ISAKMP_PL_ID)->body[0], IKE_ID_KEY_ID);
	/* one DH group only (the first suite's: modp2048 = 256-byte KE) */
	assert_int_equal(ike_msg_find(&m, ISAKMP_PL_KE)->len, 256);
	harness_free(h);
}

static void test_aggressive_mode(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();

	cfg.aggressive = true;
	cfg.local_id = "keyid:GroupVPN";
	g.fake_natd = true;
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(h->gw.am_id_type, IKE_ID_KEY_ID);
	assert_true(h->gw.mm5_ok);     /* HASH_I in AM3 verified */
	assert_true(h->gw.natd_seen);  /* NAT-D in AM3 */
	assert_true(harness_find_event(h, IKE_EVENT_FLOAT_TO_NATT, 0) >= 0);
	/* AM1 on 500, AM3 already on 4500 */
	assert_false(h->sent[0].natt);
	assert_true(h->sent[1].natt);
	assert_keys_match(h, child(h, 0));
	assert_true(child(h, 0)->udp_encap);
	harness_free(h);

	/* a wrong PSK shows in AM2 already: HASH_R does not verify */
	h = harness_new();
	cfg = harness_client_config(h);
	cfg.aggressive = true;
	cfg.local_id = "vpn.example.net";
	g = gw_defaults();
	g.psk = "another-psk";
	harness_start(h, &cfg, &g);
	harness_pump(h);
	assert_int_equal(h->gw.am_id_type, IKE_ID_FQDN);
	assert_failed(h, IKE_FAILURE_AUTH_FAILED, "HASH_R does not verify");
	harness_free(h);
}

static void test_hostile_input(void **state)
{
	struct harness *h = harness_new();
	struct ike_config cfg = harness_client_config(h);
	struct fake_gw_config g = gw_defaults();
	struct fake_gw_msg mm2;
	uint8_t bad[4096];

	harness_start(h, &cfg, &g);
	fake_gw_rx(&h->gw, h->sent[0].data, h->sent[0].len);
	h->delivered = 1;
	mm2 = h->gw.out[0];
	h->gw.n_out = 0;
	/* every truncation: malformed (or not ours), never acted upon */
	for (size_t cut = 0; cut < mm2.len; cut++) {
		int r = ike_rx(h->ike, mm2.data, cut, false, h->now);

		assert_true(r == -EBADMSG || r == -ENOMSG);
	}
	/* a payload length running past the end */
	memcpy(bad, mm2.data, mm2.len);
	bad[ISAKMP_HDR_LEN + 2] = 0xff;
	assert_int_equal(ike_rx(h->ike, bad, mm2.len, false, h->now), -EBADMSG);
	/* a zero payload length */
	bad[ISAKMP_HDR_LEN + 2] = 0;
	bad[ISAKMP_HDR_LEN + 3] = 0;
	assert_int_equal(ike_rx(h->ike, bad, mm2.len, false, h->now), -EBADMSG);
	/* someone else's cookie */
	memcpy(bad, mm2.data, mm2.len);
	bad[0] ^= 0xff;
	assert_int_equal(ike_rx(h->ike, bad, mm2.len, false, h->now), -ENOMSG);
	assert_int_equal(h->n_sent, 1);
	assert_int_equal(h->n_ev, 0);
	/* the real MM2 still works */
	assert_int_equal(ike_rx(h->ike, mm2.data, mm2.len, false, h->now), 0);
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_and_quick_mode),
		cmocka_unit_test(test_legacy_suites),
		cmocka_unit_test(test_natt_softether),
		cmocka_unit_test(test_natt_draft_real_nat),
		cmocka_unit_test(test_force_encap),
		cmocka_unit_test(test_wrong_psk_silent),
		cmocka_unit_test(test_wrong_psk_notify),
		cmocka_unit_test(test_no_proposal_phase1),
		cmocka_unit_test(test_retransmit_give_up),
		cmocka_unit_test(test_responder_retransmit),
		cmocka_unit_test(test_dpd),
		cmocka_unit_test(test_peer_delete),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_close_before_phase1),
		cmocka_unit_test(test_selector_port0_retry),
		cmocka_unit_test(test_pfs_fallback),
		cmocka_unit_test(test_no_proposal_phase2),
		cmocka_unit_test(test_commit_lifetime_fourth),
		cmocka_unit_test(test_quick_mode_timeout),
		cmocka_unit_test(test_aggressive_first_message),
		cmocka_unit_test(test_aggressive_mode),
		cmocka_unit_test(test_hostile_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
