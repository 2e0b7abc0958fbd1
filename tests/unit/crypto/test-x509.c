/*
 * crypto/x509: identity matching (DN both orders, FQDN, IP, email,
 * wildcards refused unless allowed), chain verification (unknown CA,
 * expired and not-yet-valid, key usage and EKU, intermediates), raw
 * PKCS#1 v1.5 signatures without a DigestInfo, and loading PEM, encrypted
 * PEM and PKCS#12 credentials. Certificates are made at test time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/rsa.h>

#include "crypto/x509.h"
#include "test-x509-pki.h"

#define GW_DN "/C=XX/O=roadvpn test/CN=vpn.example.net"
#define GW_SAN "DNS:vpn.example.net,IP:198.51.100.1,email:admin@example.net"

struct pki {
	X509 *ca, *gw;
	const char *ca_file;
};

static struct pki pki;

static X509 *make_ca(int key, const char *dn)
{
	struct tp_spec s = { .dn = dn, .ku = "critical,keyCertSign,cRLSign", .is_ca = true };

	return tp_cert(&s, tp_key(key), NULL, NULL);
}

static X509 *make_gw(const struct tp_spec *s)
{
	return tp_cert(s, tp_key(1), pki.ca, tp_key(0));
}

static struct tp_spec gw_spec(void)
{
	return (struct tp_spec){ .dn = GW_DN, .san = GW_SAN, .ku = "critical,digitalSignature",
				 .eku = "serverAuth,1.3.6.1.5.5.8.2.2" };
}

static int setup(void **state)
{
	struct tp_spec s = gw_spec();

	pki.ca = make_ca(0, "/C=XX/O=roadvpn test/CN=test CA");
	pki.gw = make_gw(&s);
	pki.ca_file = tp_write_certs("ca.pem", &pki.ca, 1);
	return 0;
}

static int teardown(void **state)
{
	X509_free(pki.ca);
	X509_free(pki.gw);
	return 0;
}

static struct rv_x509_cert *wrap(X509 *x)
{
	int len;
	unsigned char *der = tp_der(x, &len);
	struct rv_x509_cert *c = rv_x509_cert_from_der(der, (size_t)len);

	OPENSSL_free(der);
	assert_non_null(c);
	return c;
}

/* Verify x (signed by pki.ca) against pki.ca_file; returns the verdict, err filled. */
static enum rv_x509_verdict verify(X509 *x, char *err, size_t size)
{
	char e[200];
	struct rv_x509_store *s = rv_x509_store_load(pki.ca_file, e, sizeof(e));
	struct rv_x509_cert *c = wrap(x);
	enum rv_x509_verdict v;

	assert_non_null(s);
	v = rv_x509_verify(s, c, NULL, 0, 0, err, size);
	rv_x509_cert_free(c);
	rv_x509_store_free(s);
	return v;
}

static void test_dn_matches_both_orders_case_and_space(void **state)
{
	struct rv_x509_cert *c = wrap(pki.gw);

	assert_true(rv_x509_match_dn(c, "C=XX, O=roadvpn test, CN=vpn.example.net"));
	assert_true(rv_x509_match_dn(c, "CN=vpn.example.net,O=roadvpn test,C=XX"));
	assert_true(rv_x509_match_dn(c, "c=xx,  o=ROADVPN   Test, cn=VPN.example.net"));
	assert_true(rv_x509_match_dn(c, "/C=XX/O=roadvpn test/CN=vpn.example.net"));
	assert_false(rv_x509_match_dn(c, "C=XX, O=roadvpn test, CN=other.example.net"));
	assert_false(rv_x509_match_dn(c, "C=XX, CN=vpn.example.net"));      /* an RDN missing */
	assert_false(rv_x509_match_dn(c, "O=roadvpn test, C=XX, CN=vpn.example.net")); /* order */
	assert_false(rv_x509_match_dn(c, "C=XX, O=roadvpn test, CN=vpn.example.net, OU=x"));
	assert_false(rv_x509_dn_valid("not a dn"));
	assert_false(rv_x509_dn_valid("XYZZY=1"));
	assert_true(rv_x509_dn_valid("CN=a\\,b, O=x"));
	rv_x509_cert_free(c);
}

static void test_dn_der_compare(void **state)
{
	struct rv_x509_cert *c = wrap(pki.gw), *ca = wrap(pki.ca);
	uint8_t der[256];
	size_t len;

	assert_int_equal(rv_x509_cert_subject_der(c, der, sizeof(der), &len), 0);
	assert_true(rv_x509_match_dn_der(c, der, len));
	assert_false(rv_x509_match_dn_der(c, der, len - 1));
	assert_false(rv_x509_match_dn_der(ca, der, len));
	assert_int_equal(rv_x509_cert_subject_der(c, der, 10, &len), -ENOSPC);
	rv_x509_cert_free(c);
	rv_x509_cert_free(ca);
}

static void test_fqdn_ip_email_in_san(void **state)
{
	struct rv_x509_cert *c = wrap(pki.gw);

	assert_true(rv_x509_match_dns(c, "vpn.example.net", 15, false));
	assert_true(rv_x509_match_dns(c, "VPN.Example.NET.", 16, false));
	assert_false(rv_x509_match_dns(c, "other.example.org", 17, false));
	assert_false(rv_x509_match_dns(c, "vpn.example.ne", 14, false));
	/* the CN is not a SAN: no fallback */
	assert_false(rv_x509_match_dns(c, "example.net", 11, true));
	assert_true(rv_x509_match_ipv4(c, inet_addr("198.51.100.1")));
	assert_false(rv_x509_match_ipv4(c, inet_addr("198.51.100.2")));
	assert_true(rv_x509_match_email(c, "Admin@example.net", 17));
	assert_false(rv_x509_match_email(c, "root@example.net", 16));
	rv_x509_cert_free(c);
}

static void test_wildcard_refused_unless_allowed(void **state)
{
	struct tp_spec s = gw_spec();
	X509 *x;
	struct rv_x509_cert *c;

	s.san = "DNS:*.example.net,DNS:*.net,DNS:v*.example.org";
	x = make_gw(&s);
	c = wrap(x);
	assert_false(rv_x509_match_dns(c, "vpn.example.net", 15, false));
	assert_true(rv_x509_match_dns(c, "vpn.example.net", 15, true));
	/* one label only, never the bare domain, never a partial label or a TLD wildcard */
	assert_false(rv_x509_match_dns(c, "a.vpn.example.net", 17, true));
	assert_false(rv_x509_match_dns(c, "example.net", 11, true));
	assert_false(rv_x509_match_dns(c, "example.com.net", 15, false));
	assert_false(rv_x509_match_dns(c, "vpn.example.org", 15, true));
	/* a literal "*.example.net" asked for is not a match either */
	assert_false(rv_x509_match_dns(c, "*.example.net", 13, false));
	rv_x509_cert_free(c);
	X509_free(x);
}

static void test_chain_ok_and_describe(void **state)
{
	struct rv_x509_cert *c = wrap(pki.gw);
	char err[200], text[200];

	assert_int_equal(verify(pki.gw, err, sizeof(err)), RV_X509_OK);
	rv_x509_cert_describe(c, text, sizeof(text));
	assert_string_equal(text, "CN=vpn.example.net, SAN DNS:vpn.example.net, IP:198.51.100.1, "
				  "email:admin@example.net");
	rv_x509_cert_subject_text(c, text, sizeof(text));
	assert_string_equal(text, "C=XX, O=roadvpn test, CN=vpn.example.net");
	/* cut, never overrun */
	rv_x509_cert_describe(c, text, 12);
	assert_string_equal(text, "CN=vpn.exam");
	assert_true(rv_x509_cert_is_rsa(c));
	rv_x509_cert_free(c);
}

static void test_unknown_ca(void **state)
{
	X509 *other = make_ca(2, "/C=XX/O=elsewhere/CN=other CA");
	struct tp_spec s = gw_spec();
	X509 *x = tp_cert(&s, tp_key(1), other, tp_key(2));
	char err[200];

	assert_int_equal(verify(x, err, sizeof(err)), RV_X509_UNKNOWN_CA);
	assert_non_null(strstr(err, "CN=vpn.example.net"));
	assert_non_null(strstr(err, "issued by C=XX, O=elsewhere, CN=other CA"));
	/* a self-signed gateway certificate is no better */
	assert_int_equal(verify(other, err, sizeof(err)), RV_X509_UNKNOWN_CA);
	X509_free(x);
	X509_free(other);
}

static void test_expired_and_not_yet_valid(void **state)
{
	struct tp_spec s = gw_spec();
	X509 *x;
	char err[200];

	s.from_days = -60, s.to_days = -30;
	x = make_gw(&s);
	assert_int_equal(verify(x, err, sizeof(err)), RV_X509_EXPIRED);
	assert_non_null(strstr(err, "certificate CN=vpn.example.net"));
	assert_non_null(strstr(err, "expired on 20"));
	X509_free(x);

	s.from_days = 10, s.to_days = 40;
	x = make_gw(&s);
	assert_int_equal(verify(x, err, sizeof(err)), RV_X509_NOT_YET_VALID);
	assert_non_null(strstr(err, "is not valid before 20"));
	X509_free(x);
}

static void test_verify_at_a_given_time(void **state)
{
	char e[200];
	struct rv_x509_store *s = rv_x509_store_load(pki.ca_file, e, sizeof(e));
	struct rv_x509_cert *c = wrap(pki.gw);
	int64_t now = (int64_t)time(NULL);

	assert_int_equal(rv_x509_verify(s, c, NULL, 0, now + 60 * 86400, e, sizeof(e)),
			 RV_X509_EXPIRED);
	assert_int_equal(rv_x509_verify(s, c, NULL, 0, now - 10 * 86400, e, sizeof(e)),
			 RV_X509_NOT_YET_VALID);
	assert_int_equal(rv_x509_verify(s, c, NULL, 0, now + 86400, e, sizeof(e)), RV_X509_OK);
	rv_x509_cert_free(c);
	rv_x509_store_free(s);
}

static void test_key_usage_and_eku(void **state)
{
	static const struct {
		const char *ku, *eku;
		enum rv_x509_verdict want;
	} cases[] = {
		{ "critical,keyEncipherment", "serverAuth", RV_X509_BAD_USAGE },
		{ "critical,digitalSignature", "clientAuth", RV_X509_BAD_USAGE },
		{ "critical,digitalSignature", "clientAuth,emailProtection", RV_X509_BAD_USAGE },
		{ "critical,digitalSignature", "1.3.6.1.5.5.8.2.2", RV_X509_OK },  /* ikeIntermediate */
		{ "critical,digitalSignature", "ipsecIKE", RV_X509_OK },
		{ "critical,nonRepudiation", "serverAuth", RV_X509_OK },
		{ NULL, NULL, RV_X509_OK },                                      /* no restriction */
		{ NULL, "clientAuth,serverAuth", RV_X509_OK },
	};
	char err[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_spec s = gw_spec();
		X509 *x;

		s.ku = cases[i].ku;
		s.eku = cases[i].eku;
		x = make_gw(&s);
		assert_int_equal(verify(x, err, sizeof(err)), cases[i].want);
		if (cases[i].want == RV_X509_BAD_USAGE)
			assert_non_null(strstr(err, "CN=vpn.example.net"));
		X509_free(x);
	}
}

static void test_intermediate_from_the_peer(void **state)
{
	struct tp_spec is = { .dn = "/C=XX/O=roadvpn test/CN=sub CA",
			      .ku = "critical,keyCertSign", .is_ca = true };
	X509 *sub = tp_cert(&is, tp_key(3), pki.ca, tp_key(0));
	struct tp_spec s = gw_spec();
	X509 *leaf = tp_cert(&s, tp_key(1), sub, tp_key(3));
	struct rv_x509_store *st = rv_x509_store_load(pki.ca_file, NULL, 0);
	struct rv_x509_cert *c = wrap(leaf), *mid = wrap(sub);
	const struct rv_x509_cert *chain[] = { mid };
	char err[200];

	assert_int_equal(rv_x509_verify(st, c, chain, 1, 0, err, sizeof(err)), RV_X509_OK);
	assert_int_equal(rv_x509_verify(st, c, NULL, 0, 0, err, sizeof(err)), RV_X509_UNKNOWN_CA);
	/* a leaf is no CA: a certificate "issued" by the gateway's is refused */
	{
		X509 *fake = tp_cert(&s, tp_key(2), pki.gw, tp_key(1));
		struct rv_x509_cert *f = wrap(fake), *gw = wrap(pki.gw);
		const struct rv_x509_cert *ch2[] = { gw };

		assert_int_not_equal(rv_x509_verify(st, f, ch2, 1, 0, err, sizeof(err)), RV_X509_OK);
		rv_x509_cert_free(f);
		rv_x509_cert_free(gw);
		X509_free(fake);
	}
	rv_x509_cert_free(c);
	rv_x509_cert_free(mid);
	rv_x509_store_free(st);
	X509_free(leaf);
	X509_free(sub);
}

static struct rv_x509_cred *load_gw_cred(void)
{
	const char *cert = tp_write_certs("gw.pem", &pki.gw, 1);
	const char *key = tp_write_key("gw.key", tp_key(1), NULL);
	char err[200];
	struct rv_x509_cred *cred = rv_x509_cred_load(cert, key, NULL, err, sizeof(err));

	assert_non_null(cred);
	return cred;
}

/* IKEv1: PKCS#1 v1.5 type 1 over the hash as it is, no DigestInfo. */
static void test_raw_signature(void **state)
{
	struct rv_x509_cred *cred = load_gw_cred();
	struct rv_x509_cert *c = wrap(pki.gw);
	uint8_t hash[20], sig[512], back[512];
	size_t sig_len, back_len = sizeof(back);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(tp_key(1), NULL);

	for (size_t i = 0; i < sizeof(hash); i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(rv_x509_cred_sig_len(cred), 256);
	assert_int_equal(rv_x509_sign_raw(cred, hash, sizeof(hash), sig, sizeof(sig), &sig_len), 0);
	assert_int_equal(sig_len, 256);
	assert_int_equal(rv_x509_verify_raw(c, hash, sizeof(hash), sig, sig_len), 0);
	/* recovering with the public key gives back exactly the 20 bytes */
	assert_int_equal(EVP_PKEY_verify_recover_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_PKEY_verify_recover(ctx, back, &back_len, sig, sig_len), 1);
	assert_int_equal(back_len, sizeof(hash));
	assert_memory_equal(back, hash, sizeof(hash));
	sig[100] ^= 1;
	assert_int_equal(rv_x509_verify_raw(c, hash, sizeof(hash), sig, sig_len), -EBADMSG);
	sig[100] ^= 1;
	hash[0] ^= 1;
	assert_int_equal(rv_x509_verify_raw(c, hash, sizeof(hash), sig, sig_len), -EBADMSG);
	assert_int_equal(rv_x509_verify_raw(c, hash, sizeof(hash), sig, 10), -EBADMSG);
	EVP_PKEY_CTX_free(ctx);
	rv_x509_cert_free(c);
	rv_x509_cred_free(cred);
}

static void test_cred_pem_chain_and_mismatch(void **state)
{
	X509 *both[] = { pki.gw, pki.ca };
	const char *cert = tp_write_certs("gw-chain.pem", both, 2);
	const char *key = tp_write_key("gw2.key", tp_key(1), NULL);
	const char *other = tp_write_key("other.key", tp_key(2), NULL);
	char err[200];
	struct rv_x509_cred *cred = rv_x509_cred_load(cert, key, NULL, err, sizeof(err));

	assert_non_null(cred);
	assert_int_equal(rv_x509_cred_chain_len(cred), 1);
	assert_true(rv_x509_match_dns(rv_x509_cred_cert(cred), "vpn.example.net", 15, false));
	rv_x509_cred_free(cred);

	assert_null(rv_x509_cred_load(cert, other, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "does not belong"));
	assert_null(rv_x509_cred_load(cert, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "private key file is needed"));
	assert_null(rv_x509_cred_load("/nonexistent/x.pem", key, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
	assert_null(rv_x509_cred_load(key, key, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "neither PEM nor PKCS#12"));
}

static void test_cred_encrypted_key_and_pkcs12(void **state)
{
	const char *cert = tp_write_certs("gw3.pem", &pki.gw, 1);
	const char *key = tp_write_key("gw3.key", tp_key(1), "s3cret-pass");
	const char *p12 = tp_write_p12("gw.p12", pki.gw, tp_key(1), pki.ca, "p12-pass");
	struct rv_secret *right = rv_secret_new_str("s3cret-pass");
	struct rv_secret *wrong = rv_secret_new_str("nope");
	struct rv_secret *p12pw = rv_secret_new_str("p12-pass");
	char err[200];
	struct rv_x509_cred *cred;

	cred = rv_x509_cred_load(cert, key, right, err, sizeof(err));
	assert_non_null(cred);
	rv_x509_cred_free(cred);
	assert_null(rv_x509_cred_load(cert, key, wrong, err, sizeof(err)));
	assert_non_null(strstr(err, "password is wrong"));
	assert_null(strstr(err, "nope"));
	assert_null(rv_x509_cred_load(cert, key, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "a password is needed"));

	cred = rv_x509_cred_load(p12, NULL, p12pw, err, sizeof(err));
	assert_non_null(cred);
	assert_int_equal(rv_x509_cred_chain_len(cred), 1);
	assert_true(rv_x509_match_ipv4(rv_x509_cred_cert(cred), inet_addr("198.51.100.1")));
	rv_x509_cred_free(cred);
	assert_null(rv_x509_cred_load(p12, NULL, wrong, err, sizeof(err)));
	assert_non_null(strstr(err, "PKCS#12"));
	assert_null(strstr(err, "nope"));
	rv_secret_free(right);
	rv_secret_free(wrong);
	rv_secret_free(p12pw);
}

static void test_store_load_and_ca_names(void **state)
{
	X509 *two[] = { pki.ca, pki.gw };
	const char *f = tp_write_certs("two.pem", two, 2);
	const char *key = tp_write_key("k.pem", tp_key(0), NULL);
	struct rv_x509_store *s = rv_x509_store_load(f, NULL, 0);
	struct rv_x509_cert *ca = wrap(pki.ca);
	uint8_t der[256];
	size_t len;
	char err[200];

	assert_non_null(s);
	assert_int_equal(rv_x509_store_count(s), 2);
	assert_int_equal(rv_x509_store_ca_name_der(s, 0, der, sizeof(der), &len), 0);
	assert_true(rv_x509_match_dn_der(ca, der, len));
	assert_int_equal(rv_x509_store_ca_name_der(s, 2, der, sizeof(der), &len), -ENOENT);
	rv_x509_store_free(s);
	assert_null(rv_x509_store_load(key, err, sizeof(err)));
	assert_non_null(strstr(err, "no PEM certificate"));
	assert_null(rv_x509_store_load("/nonexistent/ca.pem", err, sizeof(err)));
	rv_x509_cert_free(ca);
}

static void test_der_parse_refuses_junk(void **state)
{
	int len;
	unsigned char *der = tp_der(pki.gw, &len);
	uint8_t buf[4096];

	memcpy(buf, der, (size_t)len);
	buf[len] = 0;
	assert_null(rv_x509_cert_from_der(buf, (size_t)len + 1));   /* trailing byte */
	assert_null(rv_x509_cert_from_der(buf, (size_t)len - 1));   /* truncated */
	assert_null(rv_x509_cert_from_der(buf, 0));
	OPENSSL_free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dn_matches_both_orders_case_and_space),
		cmocka_unit_test(test_dn_der_compare),
		cmocka_unit_test(test_fqdn_ip_email_in_san),
		cmocka_unit_test(test_wildcard_refused_unless_allowed),
		cmocka_unit_test(test_chain_ok_and_describe),
		cmocka_unit_test(test_unknown_ca),
		cmocka_unit_test(test_expired_and_not_yet_valid),
		cmocka_unit_test(test_verify_at_a_given_time),
		cmocka_unit_test(test_key_usage_and_eku),
		cmocka_unit_test(test_intermediate_from_the_peer),
		cmocka_unit_test(test_raw_signature),
		cmocka_unit_test(test_cred_pem_chain_and_mismatch),
		cmocka_unit_test(test_cred_encrypted_key_and_pkcs12),
		cmocka_unit_test(test_store_load_and_ca_names),
		cmocka_unit_test(test_der_parse_refuses_junk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
