/*
 * The save-time check (session_check_profile): the IPsec settings go
 * through the IKE layer's own parser and the certificate files are loaded,
 * and the error names the key. Before issue 13 each of these profiles was
 * stored and failed only at connect time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/session.h"
#include "test-x509-pki.h"

static const char *ca_file, *cert_file, *key_file, *p12_file, *other_key;

static int make_pki(void **state)
{
	struct tp_spec ca_spec = { .dn = "/C=XX/O=roadvpn test/CN=test CA", .is_ca = true };
	struct tp_spec cl_spec = { .dn = "/C=XX/O=roadvpn test/CN=client" };
	X509 *ca = tp_cert(&ca_spec, tp_key(0), NULL, NULL);
	X509 *cl = tp_cert(&cl_spec, tp_key(1), ca, tp_key(0));

	ca_file = g_strdup(tp_write_certs("ca.pem", &ca, 1));
	cert_file = g_strdup(tp_write_certs("client.pem", &cl, 1));
	key_file = g_strdup(tp_write_key("client.key", tp_key(1), NULL));
	other_key = g_strdup(tp_write_key("other.key", tp_key(2), NULL));
	p12_file = g_strdup(tp_write_p12("client.p12", cl, tp_key(1), ca, "Unlock1"));
	X509_free(ca);
	X509_free(cl);
	return 0;
}

/* NULL: the profile must pass; else the error must hold `needle`. */
static void check(const char *ipsec, const char *needle)
{
	g_autofree char *text = g_strdup_printf("[connection]\ngateway=vpn.example.net\n"
						"[ipsec]\n%s\n[ppp]\nuser=u\n", ipsec);
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) p = profile_load_data(text, strlen(text), &error);
	gboolean ok;

	if (!p)
		fail_msg("profile does not load: %s", error->message);
	ok = session_check_profile(p, &error);
	if (!needle && !ok)
		fail_msg("'%s' refused: %s", ipsec, error->message);
	if (needle && ok)
		fail_msg("'%s' accepted", ipsec);
	if (needle && !strstr(error->message, needle))
		fail_msg("'%s': error '%s' does not mention '%s'", ipsec, error->message, needle);
}

static void test_proposals(void **state)
{
	check("ike=aes256-sha256-modp2048,aes128-sha1-ecp256\nesp=aes128gcm16,aes256-sha1\n"
	      "pfs=modp2048", NULL);
	check("ike=garbage", "[ipsec] ike: ");
	check("esp=aes999-sha1", "[ipsec] esp: ");
	check("pfs=modp1", "[ipsec] pfs: ");
	check("local-id=ipv4:300.1.1.1", "[ipsec] local-id: ");
	check("enabled=false\nike=garbage", NULL);
}

static void test_cert_files(void **state)
{
	g_autofree char *good = g_strdup_printf("auth=cert\nca=%s\ncert=%s\nkey=%s", ca_file,
						cert_file, key_file);
	g_autofree char *no_ca = g_strdup_printf("auth=cert\nca=/nonexistent/ca.pem\ncert=%s\nkey=%s",
						 cert_file, key_file);
	g_autofree char *no_cert = g_strdup_printf("auth=cert\nca=%s\ncert=/nonexistent/c.pem\n"
						   "key=%s", ca_file, key_file);
	g_autofree char *wrong_key = g_strdup_printf("auth=cert\nca=%s\ncert=%s\nkey=%s", ca_file,
						     cert_file, other_key);
	g_autofree char *ca_not_pem = g_strdup_printf("auth=cert\nca=%s\ncert=%s\nkey=%s", key_file,
						      cert_file, key_file);
	g_autofree char *bad_rid = g_strdup_printf("%s\nremote-id=dn:no equals sign", good);
	g_autofree char *p12_asked = g_strdup_printf("auth=cert\nca=%s\ncert=%s", ca_file, p12_file);
	g_autofree char *p12_gone = g_strdup_printf("auth=cert\nca=%s\ncert=/nonexistent/c.p12",
						    ca_file);
	g_autofree char *p12_pw = g_strdup_printf("%s\nkey-password=Unlock1", p12_asked);
	g_autofree char *p12_bad_pw = g_strdup_printf("%s\nkey-password=wrong", p12_asked);

	check(good, NULL);
	check(no_ca, "[ipsec] ca: ");
	check(no_cert, "[ipsec] cert: ");
	check(wrong_key, "[ipsec] key: ");
	check(ca_not_pem, "[ipsec] ca: ");
	check(bad_rid, "[ipsec] remote-id: ");
	check(p12_asked, NULL);
	check(p12_gone, "[ipsec] cert: ");
	check(p12_pw, NULL);
	check(p12_bad_pw, "[ipsec] cert: ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proposals),
		cmocka_unit_test(test_cert_files),
	};

	return cmocka_run_group_tests(tests, make_pki, NULL);
}
