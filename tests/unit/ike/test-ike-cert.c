/*
 * Main Mode with RSA signatures against the scripted gateway (fake-gw.c
 * with credentials): auth method 3 offered, CR in MM3, IDii as our DN,
 * CERT + SIG in MM5 that the gateway verifies, keys through Quick Mode;
 * then the gateway's MM6 refused for each reason (unknown CA, expired,
 * wrong remote-id, IDir not in its certificate, bad SIG, no CERT), always
 * with IKE_FAILURE_CERT, a message naming what it presented, and no Quick
 * Mode sent. Config checks. A phase 1 rekey with signatures. Certificates
 * are made at test time.
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
#include <time.h>
#include <cmocka.h>

#include "crypto/x509.h"
#include "harness.h"
#include "ike/ike.h"
#include "test-x509-pki.h"
#include "util/log.h"

struct files {
	const char *ca, *other_ca, *client_cert, *client_key, *gw_cert, *gw_key, *gw_expired,
		*gw_other_ca;
};

static struct files f;

static X509 *issue(const char *dn, const char *san, int key, X509 *ca, int ca_key, long from,
		   long to)
{
	struct tp_spec s = { .dn = dn, .san = san, .ku = "critical,digitalSignature",
			     .from_days = from, .to_days = to };

	return tp_cert(&s, tp_key(key), ca, tp_key(ca_key));
}

static int setup(void **state)
{
	struct tp_spec ca_spec = { .dn = "/C=XX/O=roadvpn test/CN=test CA", .is_ca = true,
				   .ku = "critical,keyCertSign" };
	struct tp_spec other_spec = { .dn = "/C=XX/O=elsewhere/CN=other CA", .is_ca = true };
	X509 *ca = tp_cert(&ca_spec, tp_key(0), NULL, NULL);
	X509 *other = tp_cert(&other_spec, tp_key(3), NULL, NULL);
	X509 *client = issue("/C=XX/O=roadvpn test/CN=client.example.net", "DNS:client.example.net",
			     2, ca, 0, 0, 0);
	X509 *gw = issue("/C=XX/O=roadvpn test/CN=vpn.example.net",
			 "DNS:vpn.example.net,IP:" HARNESS_GW_ADDR, 1, ca, 0, 0, 0);
	X509 *expired = issue("/C=XX/O=roadvpn test/CN=vpn.example.net", "DNS:vpn.example.net", 1,
			      ca, 0, -60, -30);
	X509 *stranger = issue("/C=XX/O=roadvpn test/CN=vpn.example.net", "DNS:vpn.example.net",
			       1, other, 3, 0, 0);

	f.ca = tp_write_certs("ca.pem", &ca, 1);
	f.other_ca = tp_write_certs("other-ca.pem", &other, 1);
	f.client_cert = tp_write_certs("client.pem", &client, 1);
	f.client_key = tp_write_key("client.key", tp_key(2), NULL);
	f.gw_cert = tp_write_certs("gw.pem", &gw, 1);
	f.gw_key = tp_write_key("gw.key", tp_key(1), NULL);
	f.gw_expired = tp_write_certs("gw-expired.pem", &expired, 1);
	f.gw_other_ca = tp_write_certs("gw-other.pem", &stranger, 1);
	X509_free(ca);
	X509_free(other);
	X509_free(client);
	X509_free(gw);
	X509_free(expired);
	X509_free(stranger);
	return 0;
}

static struct ike_config client_cfg(void)
{
	return harness_cert_client_config(f.client_cert, f.client_key, f.ca);
}

/* The client with cfg against a gateway presenting gw_cert (tweak: its other settings). */
static struct harness *h_run(const struct ike_config *cfg, const char *gw_cert,
			     void (*tweak)(struct fake_gw_config *g))
{
	struct harness *h = harness_new();
	struct fake_gw_config g = harness_cert_gw_config(h, gw_cert, f.gw_key);

	if (tweak)
		tweak(&g);
	harness_start(h, cfg, &g);
	harness_rounds(h, 8);
	return h;
}

static void assert_refused(const struct harness *h, const char *text)
{
	assert_int_equal(h->n_ev, 1);
	assert_int_equal(h->ev[0], IKE_EVENT_FAILED);
	if (h->info[0].failure != IKE_FAILURE_CERT || !strstr(h->info[0].message, text))
		fail_msg("failure %d \"%s\", want CERT with \"%s\"", h->info[0].failure,
			 h->info[0].message, text);
	assert_int_equal(h->info[0].phase, 1);
	/* nothing after MM5: no Quick Mode, no informational */
	assert_int_equal(h->n_sent, 3);
	assert_int_equal(h->gw.n_qm1, 0);
	assert_int_equal(ike_next_deadline(h->ike), USEC_INFINITY);
}

static void test_signatures_through_quick_mode(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = h_run(&cfg, f.gw_cert, NULL);

	assert_int_equal(h->n_ev, 2);
	assert_int_equal(h->ev[0], IKE_EVENT_PHASE1_UP);
	assert_int_equal(h->ev[1], IKE_EVENT_CHILD_UP);
	assert_true(h->gw.saw_cr);
	assert_true(h->gw.mm5_sig_ok);
	assert_int_equal(h->gw.mm5_id_type, 9);   /* ID_DER_ASN1_DN */
	assert_int_equal(h->gw.n_mm5_certs, 1);
	assert_true(h->gw.saw_initial_contact);
	assert_int_equal(h->info[1].child.spi_in, h->gw.spi_client_in);
	assert_memory_equal(h->info[1].child.enc_key_out, h->gw.enc_client_out,
			    h->info[1].child.enc_key_len);
	harness_free(h);
}

/* Phase 1 rekey with signatures: a whole new signed Main Mode, then the switch. */
static void test_signatures_p1_rekey(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;
	uint8_t old_cky[8];
	usec_t at;

	cfg.ike_lifetime = 100;
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_int_equal(h->n_ev, 2);
	memcpy(old_cky, h->gw.k.cky_i, 8);
	h->gw.mm5_sig_ok = false;
	at = h->ike->p1rk.soft_at;
	assert_true(at >= h->now + 80 * USEC_PER_SEC && at <= h->now + 90 * USEC_PER_SEC);
	h->now = at;
	ike_note_inbound_activity(h->ike, at);
	ike_tick(h->ike, at);
	harness_rounds(h, 8);
	assert_int_equal(h->gw.n_p1_rekey, 1);
	assert_int_equal(h->gw.p1_state, 3);
	assert_true(h->gw.mm5_sig_ok);
	assert_false(h->gw.saw_initial_contact);
	assert_memory_not_equal(h->gw.k.cky_i, old_cky, 8);
	assert_memory_equal(h->ike->cky_i, h->gw.k.cky_i, 8);
	assert_int_equal(h->gw.n_delete_isakmp, 1);
	assert_null(h->ike->p1rk.next);
	assert_int_equal(h->n_ev, 2);  /* nothing for the session to act on */
	harness_free(h);
}

/* The gateway answering with the PSK method is refused as not offered. */
static void test_offers_rsa_sig_only(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h = harness_new();
	uint8_t *mm1;
	bool found = false;

	h->ike = ike_new(&cfg, &harness_ike_ops, h);
	assert_non_null(h->ike);
	assert_int_equal(ike_start(h->ike, 0), 0);
	mm1 = h->sent[0].data;
	/* auth attribute (type 3 | 0x8000): RSA signatures (3), never the PSK (1) */
	for (size_t i = 28; i + 4 <= h->sent[0].len; i++) {
		if (!memcmp(mm1 + i, "\x80\x03\x00\x03", 4))
			found = true;
		assert_memory_not_equal(mm1 + i, "\x80\x03\x00\x01", 4);
	}
	assert_true(found);
	harness_free(h);
}

static void test_remote_id_fqdn_ip_dn(void **state)
{
	static const char *ok[] = { "vpn.example.net", "fqdn:VPN.example.net", HARNESS_GW_ADDR,
				    "C=XX, O=roadvpn test, CN=vpn.example.net",
				    "dn:CN=vpn.example.net,O=roadvpn test,C=XX" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct ike_config cfg = client_cfg();
		struct harness *h;

		cfg.remote_id = ok[i];
		h = h_run(&cfg, f.gw_cert, NULL);
		if (h->n_ev < 1 || h->ev[0] != IKE_EVENT_PHASE1_UP)
			fail_msg("remote-id %s: %s", ok[i], h->n_ev ? h->info[0].message : "?");
		harness_free(h);
	}
}

static void test_wrong_remote_id(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;

	cfg.remote_id = "other.example.org";
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "gateway certificate CN=vpn.example.net, SAN DNS:vpn.example.net, "
			  "IP:198.51.100.1 does not match remote-id other.example.org");
	harness_free(h);

	cfg.remote_id = "198.51.100.9";
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "does not match remote-id 198.51.100.9");
	harness_free(h);

	cfg.remote_id = "C=XX, O=roadvpn test, CN=other";
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "does not match remote-id C=XX, O=roadvpn test, CN=other");
	harness_free(h);
}

/* No remote-id: the configured name (DNS SAN) or address (IP SAN). */
static void test_gateway_name_or_address(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;

	cfg.remote_name = "vpn.example.net";
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_int_equal(h->ev[0], IKE_EVENT_PHASE1_UP);
	harness_free(h);

	cfg.remote_name = "vpn2.example.net";
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "does not match the gateway name vpn2.example.net");
	harness_free(h);

	cfg.remote_name = NULL;
	cfg.remote_addr = inet_addr("198.51.100.7");
	cfg.no_natt = true;    /* the NAT-D hashes would see a NAT */
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "does not match the gateway address 198.51.100.7");
	harness_free(h);
}

static void test_unknown_ca_and_expired(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;

	h = h_run(&cfg, f.gw_other_ca, NULL);
	assert_refused(h, "not by a CA the profile trusts");
	assert_non_null(strstr(h->info[0].message, "issued by C=XX, O=elsewhere, CN=other CA"));
	harness_free(h);

	h = h_run(&cfg, f.gw_expired, NULL);
	assert_refused(h, "gateway certificate CN=vpn.example.net, SAN DNS:vpn.example.net "
			  "expired on ");
	harness_free(h);

	/* the check time is the config's when set */
	cfg.cert_time = (int64_t)time(NULL) + 90 * 86400;
	h = h_run(&cfg, f.gw_cert, NULL);
	assert_refused(h, "expired on ");
	harness_free(h);
}

static void tweak_bad_sig(struct fake_gw_config *g)
{
	g->bad_sig = true;
}

static void tweak_no_cert(struct fake_gw_config *g)
{
	g->no_cert = true;
}

static void tweak_fqdn_id(struct fake_gw_config *g)
{
	static const uint8_t id[] = { 2, 0, 0, 0, 'e', 'v', 'i', 'l', '.', 'o', 'r', 'g' };

	g->id_r = id;
	g->id_r_len = sizeof(id);
}

static void tweak_good_fqdn_id(struct fake_gw_config *g)
{
	static const uint8_t id[] = { 2, 0, 0, 0, 'v', 'p', 'n', '.', 'e', 'x', 'a', 'm', 'p',
				      'l', 'e', '.', 'n', 'e', 't' };

	g->id_r = id;
	g->id_r_len = sizeof(id);
}

static void test_signature_and_id_binding(void **state)
{
	struct ike_config cfg = client_cfg();
	struct harness *h;

	h = h_run(&cfg, f.gw_cert, tweak_bad_sig);
	assert_refused(h, "the gateway's signature does not verify with its certificate "
			  "CN=vpn.example.net");
	harness_free(h);

	h = h_run(&cfg, f.gw_cert, tweak_no_cert);
	assert_refused(h, "the gateway sent no X.509 certificate");
	harness_free(h);

	h = h_run(&cfg, f.gw_cert, tweak_fqdn_id);
	assert_refused(h, "gateway identity evil.org (type 2) is not in its certificate");
	harness_free(h);

	h = h_run(&cfg, f.gw_cert, tweak_good_fqdn_id);
	assert_int_equal(h->ev[0], IKE_EVENT_PHASE1_UP);
	harness_free(h);
}

static void test_config_checks(void **state)
{
	struct ike_config cfg = client_cfg();
	char err[200];

	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), 0);
	cfg.ca_file = NULL;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ca="));
	cfg = client_cfg();
	cfg.cert_file = NULL;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cert="));
	cfg = client_cfg();
	cfg.aggressive = true;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	cfg = client_cfg();
	cfg.remote_id = "dn:nonsense";
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "remote id"));
	cfg = client_cfg();
	cfg.key_file = f.gw_key;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "does not belong"));
	assert_null(ike_new(&cfg, &harness_ike_ops, NULL));
	cfg = client_cfg();
	cfg.ca_file = f.client_key;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	/* no PSK needed with certificates */
	cfg = client_cfg();
	assert_null(cfg.psk);
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures_through_quick_mode),
		cmocka_unit_test(test_offers_rsa_sig_only),
		cmocka_unit_test(test_remote_id_fqdn_ip_dn),
		cmocka_unit_test(test_wrong_remote_id),
		cmocka_unit_test(test_gateway_name_or_address),
		cmocka_unit_test(test_unknown_ca_and_expired),
		cmocka_unit_test(test_signature_and_id_binding),
		cmocka_unit_test(test_config_checks),
		cmocka_unit_test(test_signatures_p1_rekey),
	};

	/* IKE_DEBUG=1 shows the engine's debug log */
	if (getenv("IKE_DEBUG"))
		rv_log_set_debug("ike");
	return cmocka_run_group_tests(tests, setup, NULL);
}
