/*
 * libFuzzer target for certificate payload handling. The first byte picks:
 *   bit 0 clear: the rest is one DER certificate for crypto/x509: parse,
 *                describe, every identity match, chain verification and a
 *                raw signature check; also as a DER name and a DN text
 *   bit 0 set:   an initiator with certificates is taken to MM_I3 by the
 *                scripted gateway of the unit tests (fake-gw.c, signing
 *                with its own certificate); the rest is "first payload
 *                type" + a payload chain that is sealed with the SA's keys
 *                as the gateway's MM6 (so IDir, CERT and SIG parsing and
 *                the checks of ike/cert.c are reached)
 * The throwaway PKI is made once per process (tests/unit/crypto/test-x509-pki.c).
 * tests/fuzz/ike/gen-cert-corpus.py writes the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "crypto/x509.h"
#include "gw-link.h"
#include "ike/ike-internal.h"
#include "pki.h"

static void fuzz_der(const uint8_t *data, size_t size)
{
	struct rv_x509_cert *c = rv_x509_cert_from_der(data, size);
	const struct rv_x509_cert *gw = rv_x509_cred_cert(pf.gw_cred);
	char text[256], err[200], *dn = malloc(size + 1);
	uint8_t sig[256] = { 0 }, hash[20] = { 0 };

	if (dn) {
		memcpy(dn, data, size);
		dn[size] = '\0';
		rv_x509_dn_valid(dn);
		rv_x509_match_dn(gw, dn);
		rv_x509_match_dns(gw, dn, strlen(dn), true);
		free(dn);
	}
	rv_x509_match_dn_der(gw, data, size);
	if (!c)
		return;
	rv_x509_cert_describe(c, text, sizeof(text));
	if (strnlen(text, sizeof(text)) >= sizeof(text))
		__builtin_trap();
	rv_x509_cert_subject_text(c, text, sizeof(text));
	rv_x509_match_dn(c, "C=XX, O=roadvpn test, CN=vpn.example.net");
	rv_x509_match_dns(c, "vpn.example.net", 15, true);
	rv_x509_match_ipv4(c, inet_addr("198.51.100.1"));
	rv_x509_match_email(c, "a@example.net", 13);
	rv_x509_verify(pf.store, c, &gw, 1, 0, err, sizeof(err));
	if (strnlen(err, sizeof(err)) >= sizeof(err))
		__builtin_trap();
	rv_x509_verify_raw(c, hash, sizeof(hash), sig, sizeof(sig));
	rv_x509_cert_free(c);
}

/* MM1..MM5 with the scripted gateway; its MM6 is not delivered. */
static bool to_mm_i3(struct ike *ike, struct gw_link *l, struct fake_gw *gw)
{
	for (int i = 0; i < 3 && gw_link_to_gw(l, gw); i++) {
		if (ike->state == IKE_STATE_MM_I3)
			break;
		gw_link_to_client(gw, ike, false, 0);
	}
	return ike->state == IKE_STATE_MM_I3 && ike->has_keys;
}

static void fuzz_mm6(const uint8_t *data, size_t size)
{
	struct ike_config cfg = {
		.local_addr = inet_addr("198.51.100.2"), .remote_addr = inet_addr("198.51.100.1"),
		.auth_cert = true, .cert_file = pf.client_cert, .key_file = pf.client_key,
		.ca_file = pf.ca, .remote_id = "vpn.example.net", .no_natt = true,
	};
	struct fake_gw_config g = { .addr = cfg.remote_addr, .client_seen_addr = cfg.local_addr,
				    .cred = pf.gw_cred };
	struct gw_link link = { .has_new = false };
	struct fake_gw gw;
	struct ike *ike = ike_new(&cfg, &gw_link_ops, &link);
	uint8_t buf[IKE_MSG_MAX + 64], iv[16];
	struct ike_builder b;
	size_t len;

	if (!ike)
		__builtin_trap();
	fake_gw_init(&gw, &g);
	ike_start(ike, 0);
	if (size >= 1 && size + 64 <= sizeof(buf) && to_mm_i3(ike, &link, &gw)) {
		ike_build_header(&b, buf, sizeof(buf), ike->cky_i, ike->cky_r, ISAKMP_EXCH_MAIN, 0,
				 0);
		b.w.buf[16] = data[0];
		rv_writer_bytes(&b.w, data + 1, size - 1);
		memcpy(iv, ike->p1_iv, sizeof(iv));
		if (ike_build_finish(&b, &len) == 0 &&
		    ike_encrypt(ike, buf, &len, sizeof(buf), iv) == 0)
			ike_rx(ike, buf, len, false, 0);
	}
	ike_free(ike);
	fake_gw_free(&gw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pf.store)
		fuzz_pki_make();
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_mm6(data + 1, size - 1);
	else
		fuzz_der(data + 1, size - 1);
	return 0;
}
