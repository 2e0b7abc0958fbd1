/*
 * IKEv1 fragmentation (frag.c). First the reassembly on its own, with
 * fragments built here byte by byte: in order, reordered, duplicated,
 * missing (and the set dropped after its timeout), LAST-flag edge cases,
 * fragment numbers out of range, more than 64 KiB, a new fragment ID
 * replacing an incomplete set, truncated payloads. Then whole Main Modes
 * with certificate chains (two intermediate CAs each way) against the
 * scripted gateway with fragmentation in both directions: our MM5 cut to
 * fit 1280-byte datagrams (less the NAT-T marker after the float), the
 * gateway's MM6 in fragments delivered in order and reversed, the whole
 * train retransmitted with the same ID, and no fragments when the gateway
 * did not announce FRAGMENTATION.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/x509.h"
#include "harness.h"
#include "ike/ike.h"
#include "test-x509-pki.h"

#define T0 (1000 * USEC_PER_SEC)

/* ---- reassembly ---- */

static uint8_t wire[70000];

/* A fragment datagram: ISAKMP header (first payload 132) + the fragment payload. */
static size_t mkfrag(uint8_t *out, uint16_t id, uint8_t num, uint8_t flags, const uint8_t *data,
		     size_t len)
{
	size_t total = 28 + 8 + len;

	memset(out, 0, 28);
	memset(out, 0x11, 8);
	memset(out + 8, 0x22, 8);
	out[16] = 132;
	out[17] = 0x10;
	out[18] = 2;
	out[24] = (uint8_t)(total >> 24);
	out[25] = (uint8_t)(total >> 16);
	out[26] = (uint8_t)(total >> 8);
	out[27] = (uint8_t)total;
	out[28] = 0;
	out[29] = 0;
	out[30] = (uint8_t)((len + 8) >> 8);
	out[31] = (uint8_t)(len + 8);
	out[32] = (uint8_t)(id >> 8);
	out[33] = (uint8_t)id;
	out[34] = num;
	out[35] = flags;
	memcpy(out + 36, data, len);
	return total;
}

struct rx {
	struct ike_frag_rx fr;
	uint8_t *whole;
	size_t whole_len;
};

/* Add fragment num of `id`: bytes [num*100 ...) of a pattern, 100 bytes (len for the last). */
static int add(struct rx *x, uint16_t id, uint8_t num, bool last, usec_t now)
{
	uint8_t data[100];
	size_t len;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(id + num * 7 + i);
	len = mkfrag(wire, id, num, last ? 1 : 0, data, last ? 40 : 100);
	return ike_frag_rx_add(&x->fr, wire, len, now, &x->whole, &x->whole_len);
}

/* The message fragments 1..n of `id` make: 100 bytes each, 40 for the last. */
static void assert_whole(struct rx *x, uint16_t id, uint8_t n)
{
	size_t off = 0;

	assert_int_equal(x->whole_len, (n - 1) * 100u + 40);
	for (uint8_t num = 1; num <= n; num++)
		for (size_t i = 0; i < (num == n ? 40u : 100u); i++)
			assert_int_equal(x->whole[off++], (uint8_t)(id + num * 7 + i));
	free(x->whole);
	x->whole = NULL;
	assert_false(x->fr.is_active);
	assert_int_equal(x->fr.n, 0);
}

static void test_in_order(void **state)
{
	struct rx x = { 0 };

	assert_int_equal(add(&x, 7, 1, false, T0), 0);
	assert_int_equal(add(&x, 7, 2, false, T0), 0);
	assert_int_equal(add(&x, 7, 3, true, T0), 1);
	assert_whole(&x, 7, 3);
	/* a single fragment that is also the last */
	assert_int_equal(add(&x, 8, 1, true, T0), 1);
	assert_whole(&x, 8, 1);
	ike_frag_rx_reset(&x.fr);
}

static void test_reordered_and_duplicated(void **state)
{
	struct rx x = { 0 };

	assert_int_equal(add(&x, 9, 3, true, T0), 0);
	assert_int_equal(add(&x, 9, 3, true, T0), -EAGAIN);
	assert_int_equal(add(&x, 9, 1, false, T0), 0);
	assert_int_equal(add(&x, 9, 1, false, T0), -EAGAIN);
	assert_int_equal(x.fr.n, 2);
	assert_int_equal(add(&x, 9, 2, false, T0), 1);
	assert_whole(&x, 9, 3);
	/* the LAST flag learnt from a duplicate (first copy without it) still completes */
	assert_int_equal(add(&x, 10, 2, false, T0), 0);
	assert_int_equal(add(&x, 10, 1, false, T0), 0);
	assert_int_equal(add(&x, 10, 2, true, T0), 1);
	assert_int_equal(x.whole_len, 200);   /* fragment 2 as first stored */
	free(x.whole);
	ike_frag_rx_reset(&x.fr);
}

static void test_missing_then_timeout(void **state)
{
	struct rx x = { 0 };

	assert_int_equal(ike_frag_rx_deadline(&x.fr), USEC_INFINITY);
	assert_int_equal(add(&x, 11, 1, false, T0), 0);
	assert_int_equal(add(&x, 11, 3, true, T0 + USEC_PER_SEC), 0);
	/* the timeout runs from the last new fragment */
	assert_int_equal(ike_frag_rx_deadline(&x.fr), T0 + 11 * USEC_PER_SEC);
	ike_frag_rx_tick(&x.fr, T0 + 10 * USEC_PER_SEC);
	assert_true(x.fr.is_active);
	ike_frag_rx_tick(&x.fr, T0 + 11 * USEC_PER_SEC);
	assert_false(x.fr.is_active);
	assert_int_equal(ike_frag_rx_deadline(&x.fr), USEC_INFINITY);
	/* fragment 2 alone, after the drop, completes nothing */
	assert_int_equal(add(&x, 11, 2, false, T0 + 12 * USEC_PER_SEC), 0);
	assert_int_equal(x.fr.n, 1);
	ike_frag_rx_reset(&x.fr);
}

static void test_last_flag_contradictions(void **state)
{
	struct rx x = { 0 };

	/* two different LASTs: the set goes */
	assert_int_equal(add(&x, 12, 1, false, T0), 0);
	assert_int_equal(add(&x, 12, 3, true, T0), 0);
	assert_int_equal(add(&x, 12, 2, true, T0), -EBADMSG);
	assert_false(x.fr.is_active);
	/* a fragment beyond LAST */
	assert_int_equal(add(&x, 13, 2, true, T0), 0);
	assert_int_equal(add(&x, 13, 3, false, T0), -EBADMSG);
	assert_false(x.fr.is_active);
	/* LAST below a fragment already held */
	assert_int_equal(add(&x, 14, 4, false, T0), 0);
	assert_int_equal(add(&x, 14, 2, true, T0), -EBADMSG);
	assert_false(x.fr.is_active);
	assert_null(x.whole);
	ike_frag_rx_reset(&x.fr);
}

static void test_numbers_and_counts(void **state)
{
	struct rx x = { 0 };

	assert_int_equal(add(&x, 15, 1, false, T0), 0);
	/* number 0 and 33 are refused; the set stays */
	assert_int_equal(add(&x, 15, 0, false, T0), -EBADMSG);
	assert_int_equal(add(&x, 15, 33, true, T0), -EBADMSG);
	assert_int_equal(add(&x, 15, 255, true, T0), -EBADMSG);
	assert_int_equal(x.fr.n, 1);
	/* 32 fragments are allowed */
	for (uint8_t num = 2; num < 32; num++)
		assert_int_equal(add(&x, 15, num, false, T0), 0);
	assert_int_equal(add(&x, 15, 32, true, T0), 1);
	assert_whole(&x, 15, 32);
	ike_frag_rx_reset(&x.fr);
}

static void test_oversize(void **state)
{
	struct rx x = { 0 };
	static uint8_t big[2100], half[32768];
	size_t len;
	int r = 0;
	uint8_t num;

	/* 32 x 2100 bytes is over 64 KiB: refused on the way, nothing kept */
	for (num = 1; num <= 32 && r == 0; num++) {
		len = mkfrag(wire, 16, num, num == 32, big, sizeof(big));
		r = ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len);
	}
	assert_int_equal(r, -EBADMSG);
	assert_int_equal(num - 1, 65536 / 2100 + 1);
	assert_false(x.fr.is_active);
	assert_int_equal(x.fr.total, 0);
	/* exactly 64 KiB is fine */
	len = mkfrag(wire, 17, 1, 0, half, sizeof(half));
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len), 0);
	len = mkfrag(wire, 17, 2, 1, half, sizeof(half));
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len), 1);
	assert_int_equal(x.whole_len, 65536);
	free(x.whole);
	ike_frag_rx_reset(&x.fr);
}

static void test_new_id_replaces(void **state)
{
	struct rx x = { 0 };

	assert_int_equal(add(&x, 20, 1, false, T0), 0);
	assert_int_equal(add(&x, 20, 2, false, T0), 0);
	/* the gateway moved on: the older set is gone */
	assert_int_equal(add(&x, 21, 2, true, T0), 0);
	assert_int_equal(x.fr.n, 1);
	assert_int_equal(add(&x, 21, 1, false, T0), 1);
	assert_whole(&x, 21, 2);
	ike_frag_rx_reset(&x.fr);
}

static void test_malformed(void **state)
{
	struct rx x = { 0 };
	uint8_t data[16] = { 0 };
	size_t len = mkfrag(wire, 1, 1, 1, data, sizeof(data));

	/* payload length past the datagram, shorter than its header, header cut */
	wire[31] = 8 + 17;
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len), -EBADMSG);
	wire[31] = 7;
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len), -EBADMSG);
	wire[31] = 8 + 16;
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, 34, T0, &x.whole, &x.whole_len), -EBADMSG);
	assert_false(x.fr.is_active);
	/* an empty last fragment is a fragment */
	len = mkfrag(wire, 2, 1, 1, data, 0);
	assert_int_equal(ike_frag_rx_add(&x.fr, wire, len, T0, &x.whole, &x.whole_len), 1);
	assert_int_equal(x.whole_len, 0);
	free(x.whole);
	ike_frag_rx_reset(&x.fr);
}

/* ---- whole exchanges ---- */

struct files {
	const char *ca, *client_chain, *client_key, *gw_chain, *gw_key;
};

static struct files f;

static X509 *ca_cert(const char *dn, int key, X509 *issuer, int issuer_key)
{
	struct tp_spec s = { .dn = dn, .is_ca = true, .ku = "critical,keyCertSign" };

	return tp_cert(&s, tp_key(key), issuer, issuer ? tp_key(issuer_key) : NULL);
}

static int setup(void **state)
{
	X509 *root = ca_cert("/C=XX/O=roadvpn test/CN=test root CA", 0, NULL, 0);
	X509 *int1 = ca_cert("/C=XX/O=roadvpn test/OU=intermediate one with a long name/"
			     "CN=roadvpn test intermediate CA 1", 3, root, 0);
	X509 *int2 = ca_cert("/C=XX/O=roadvpn test/OU=intermediate two with a long name/"
			     "CN=roadvpn test intermediate CA 2", 3, int1, 3);
	struct tp_spec cs = { .dn = "/C=XX/O=roadvpn test/CN=client.example.net",
			      .san = "DNS:client.example.net", .ku = "critical,digitalSignature" };
	struct tp_spec gs = { .dn = "/C=XX/O=roadvpn test/CN=vpn.example.net",
			      .san = "DNS:vpn.example.net,IP:" HARNESS_GW_ADDR,
			      .ku = "critical,digitalSignature" };
	X509 *chain[3];

	chain[0] = tp_cert(&cs, tp_key(2), int2, tp_key(3));
	chain[1] = int2;
	chain[2] = int1;
	f.client_chain = tp_write_certs("client-chain.pem", chain, 3);
	X509_free(chain[0]);
	chain[0] = tp_cert(&gs, tp_key(1), int2, tp_key(3));
	f.gw_chain = tp_write_certs("gw-chain.pem", chain, 3);
	X509_free(chain[0]);
	f.ca = tp_write_certs("root.pem", &root, 1);
	f.client_key = tp_write_key("client.key", tp_key(2), NULL);
	f.gw_key = tp_write_key("gw.key", tp_key(1), NULL);
	X509_free(root);
	X509_free(int1);
	X509_free(int2);
	return 0;
}

static struct ike_config client_cfg(void)
{
	return harness_cert_client_config(f.client_chain, f.client_key, f.ca);
}

/* gw_frag: the gateway announces fragmentation and sends 700-byte fragments; nat: a NAT between */
static struct harness *h_new(const struct ike_config *cfg, bool gw_frag, bool nat)
{
	struct harness *h = harness_new();
	struct fake_gw_config g = harness_cert_gw_config(h, f.gw_chain, f.gw_key);

	if (nat)
		g.client_seen_addr = inet_addr("192.0.2.77");
	g.fragmentation = gw_frag;
	g.frag_size = gw_frag ? 700 : 0;
	harness_start(h, cfg, &g);
	return h;
}

static void assert_up(const struct harness *h)
{
	assert_true(h->n_ev >= 2);
	assert_int_equal(h->ev[h->n_ev - 2], IKE_EVENT_PHASE1_UP);
	assert_int_equal(h->ev[h->n_ev - 1], IKE_EVENT_CHILD_UP);
	assert_true(h->gw.mm5_sig_ok);
	assert_int_equal(h->gw.n_mm5_certs, 3);
	assert_int_equal(h->gw.n_qm3, 1);
}

static void test_main_mode_both_directions(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = h_new(&cfg, true, false);

	harness_rounds(h, 8);
	assert_up(h);
	assert_true(h->gw.saw_frag_vid);
	/* our MM5 (three certificates) in fragments that fit 1280-byte IPv4 datagrams */
	assert_int_equal(h->gw.n_frag_msgs_in, 1);
	assert_in_range(h->gw.n_frags_in, 3, 4);
	assert_in_range(h->gw.frag_in_max, 1200, 1280 - 28);
	assert_true(h->longest_sent <= 1280 - 28);
	/* its MM6 (three certificates) came in fragments too, and was reassembled */
	assert_true(h->gw.n_frags_out >= 4);
	assert_false(h->ike->frag_rx.is_active);
	harness_free(h);
}

static void test_reversed_fragments_and_natt(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = h_new(&cfg, true, true);

	h->reverse = true;
	harness_rounds(h, 8);
	assert_up(h);
	assert_true(h->ike->is_natt);
	/* after the float the 4-byte non-ESP marker counts against 1280 */
	for (size_t i = 0; i < h->n_sent; i++)
		if (h->sent[i].natt)
			assert_true(h->sent[i].len <= 1280 - 28 - 4);
	assert_in_range(h->gw.frag_in_max, 1200, 1280 - 28 - 4);
	harness_free(h);
}

static void test_retransmit_whole_train(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = h_new(&cfg, true, false);
	size_t first, n;

	harness_rounds(h, 2);  /* MM1..MM4 delivered; MM5 went out in fragments */
	first = h->delivered;
	n = h->n_sent - first;
	assert_true(n >= 3);
	for (size_t i = first; i < h->n_sent; i++)
		assert_int_equal(h->sent[i].data[16], 132);
	/* all of them lost */
	h->delivered = h->n_sent;
	h->now += USEC_PER_SEC;
	ike_tick(h->ike, h->now);
	/* every fragment again, byte for byte (same fragment ID) */
	assert_int_equal(h->n_sent, first + 2 * n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(h->sent[first + n + i].len, h->sent[first + i].len);
		assert_memory_equal(h->sent[first + n + i].data, h->sent[first + i].data,
				    h->sent[first + i].len);
	}
	harness_rounds(h, 6);
	assert_int_equal(h->gw.n_frag_msgs_in, 1);
	assert_up(h);
	harness_free(h);
}

static void test_gateway_without_fragmentation(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = h_new(&cfg, false, false);

	harness_rounds(h, 8);
	assert_up(h);
	assert_true(h->gw.saw_frag_vid);   /* we offer it all the same */
	assert_int_equal(h->gw.n_frags_in, 0);
	assert_true(h->longest_sent > 1280);   /* MM5 whole: the gateway did not offer fragments */
	harness_free(h);
}

static void test_configured_fragment_size(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;
	char err[128];

	cfg.fragment_size = 576;
	h = h_new(&cfg, true, false);
	harness_rounds(h, 8);
	assert_up(h);
	/* (MM1 went whole: the gateway's FRAGMENTATION comes only with MM2) */
	for (size_t i = 0; i < h->n_sent; i++)
		if (h->sent[i].data[16] == 132)
			assert_true(h->sent[i].len <= 576 - 28);
	assert_in_range(h->gw.frag_in_max, 500, 576 - 28);
	assert_true(h->gw.n_frags_in >= 5);
	harness_free(h);

	cfg.fragment_size = 575;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fragment size"));
	cfg.fragment_size = 9000;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_reordered_and_duplicated),
		cmocka_unit_test(test_missing_then_timeout),
		cmocka_unit_test(test_last_flag_contradictions),
		cmocka_unit_test(test_numbers_and_counts),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_new_id_replaces),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_main_mode_both_directions),
		cmocka_unit_test(test_reversed_fragments_and_natt),
		cmocka_unit_test(test_retransmit_whole_train),
		cmocka_unit_test(test_gateway_without_fragmentation),
		cmocka_unit_test(test_configured_fragment_size),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
