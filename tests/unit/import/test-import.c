/*
 * The converter (libroadvpn-client/import): one test per mapping rule,
 * the lossy ones with their messages, the errors that name a field,
 * hostile inputs, and export -> import round trips. Every profile text it
 * produces must load with roadvpn's own profile loader and its proposals
 * must parse with the IKE code: that is the oracle, not a string compare.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <plist/plist.h>

#include "ike/ike-internal.h"
#include "profile/profile.h"
#include "roadvpn-client/rv-import.h"

/* ---- helpers ---- */

static struct rv_import_result *import_ok(const char *text, const struct rv_import_options *o)
{
	struct rv_import_result *r = NULL;
	char *error = NULL;
	int err = rv_import_data(text, strlen(text), o, &r, &error);

	if (err < 0)
		fail_msg("import failed: %s", error);
	assert_non_null(r);
	assert_true(r->n_conns >= 1);
	return r;
}

/* The error line of a failing import; the caller frees it. */
static char *import_err(const void *data, size_t len)
{
	struct rv_import_result *r = NULL;
	char *error = NULL;

	assert_true(rv_import_data(data, len, NULL, &r, &error) < 0);
	assert_null(r);
	assert_non_null(error);
	return error;
}

static void assert_err(const char *text, const char *field)
{
	char *e = import_err(text, strlen(text));

	if (!strstr(e, field))
		fail_msg("error \"%s\" does not name \"%s\"", e, field);
	free(e);
}

static bool has_line(const char *text, const char *section, const char *line)
{
	const char *s = strstr(text, section);
	const char *next;
	size_t n = strlen(line);

	if (!s)
		return false;
	next = strstr(s + 1, "\n[");
	for (const char *p = s; (p = strstr(p, line)) && (!next || p < next); p++) {
		if (p[-1] == '\n' && (p[n] == '\n' || !p[n]))
			return true;
	}
	return false;
}

#define assert_line(text, section, line)                                             \
	do {                                                                           \
		if (!has_line(text, section, line))                                    \
			fail_msg("no \"%s\" in %s of:\n%s", line, section, text);      \
	} while (0)

static const char *secret(const struct rv_import_conn *c, const char *name)
{
	for (size_t i = 0; i < c->n_secrets; i++) {
		if (!strcmp(c->secrets[i].name, name))
			return c->secrets[i].value;
	}
	return NULL;
}

static bool has_note(const struct rv_import_note *notes, size_t n, enum rv_import_note_kind kind,
		     const char *field, const char *text)
{
	for (size_t i = 0; i < n; i++) {
		if (notes[i].kind == kind && (!field || !strcmp(notes[i].field, field)) &&
		    strstr(notes[i].text, text))
			return true;
	}
	return false;
}

#define assert_note(c, kind, field, text)                                              \
	do {                                                                             \
		if (!has_note((c)->notes, (c)->n_notes, kind, field, text))              \
			fail_msg("no note %s: \"%s\"", field ? field : "*", text);       \
	} while (0)

/* roadvpn's loader takes the text with the secrets merged; proposals parse. */
static struct profile *load_profile(const struct rv_import_conn *c)
{
	char *text = rv_import_text_with_secrets(c);
	g_autoptr(GError) error = NULL;
	struct profile *p = profile_load_data(text, strlen(text), &error);
	struct ike_config cfg = { 0 };
	struct ike_proposals ps;
	char err[256] = "";

	if (!p)
		fail_msg("profile does not load: %s\n%s", error->message, c->profile_text);
	cfg.ike_proposals = p->ike_proposals;
	cfg.esp_proposals = p->esp_proposals;
	cfg.pfs = p->pfs;
	if (ike_proposals_parse(&cfg, &ps, err, sizeof(err)) < 0)
		fail_msg("proposals do not parse: %s", err);
	explicit_bzero(text, strlen(text));
	free(text);
	return p;
}

static void no_secret_in_text(const struct rv_import_conn *c)
{
	for (size_t i = 0; i < c->n_secrets; i++)
		assert_null(strstr(c->profile_text, c->secrets[i].value));
	for (size_t i = 0; i < c->n_notes; i++) {
		for (size_t k = 0; k < c->n_secrets; k++)
			assert_null(strstr(c->notes[i].text, c->secrets[k].value));
	}
}

/* ---- NetworkManager-l2tp ---- */

/* What NetworkManager 1.42 writes for `nmcli connection add ... vpn-type l2tp` */
static const char nm_keyfile[] =
	"[connection]\nid=Office L2TP\nuuid=2b0b3a3c-5a57-4bb8-9df3-2b3c1d0b8d2e\ntype=vpn\n"
	"\n[vpn]\ngateway=vpn.example.com\nipsec-enabled=yes\nipsec-esp=aes256-sha1,aes128-sha1!\n"
	"ipsec-ike=aes256-sha1-modp2048,aes256-sha1-ecp384!\nipsec-psk-flags=0\n"
	"ipsec-remote-id=@vpn.example.com\nmru=1400\nmtu=1400\npassword-flags=0\n"
	"refuse-chap=yes\nrefuse-eap=yes\nrefuse-mschap=yes\nrefuse-pap=yes\n"
	"require-mppe=yes\nlcp-echo-failure=5\nlcp-echo-interval=30\nuser=alice\n"
	"service-type=org.freedesktop.NetworkManager.l2tp\n"
	"\n[vpn-secrets]\nipsec-psk=rvt-psk\npassword=alice-secret\n"
	"\n[ipv4]\nmethod=auto\nnever-default=true\nroute1=203.0.113.0/24\n"
	"route2=10.0.0.0/8,0.0.0.0,100\n\n[ipv6]\naddr-gen-mode=stable-privacy\nmethod=ignore\n";

static void test_nm_keyfile(void **state)
{
	struct rv_import_result *r = import_ok(nm_keyfile, NULL);
	struct rv_import_conn *c = &r->conns[0];
	struct profile *p;

	assert_int_equal(r->format, RV_FORMAT_NM_L2TP);
	assert_string_equal(c->name, "Office L2TP");
	assert_line(c->profile_text, "[connection]", "gateway=vpn.example.com");
	assert_line(c->profile_text, "[ipsec]", "enabled=true");
	assert_line(c->profile_text, "[ipsec]", "remote-id=fqdn:vpn.example.com");
	assert_line(c->profile_text, "[ipsec]", "ike=aes256-sha1-modp2048,aes256-sha1-ecp384");
	assert_line(c->profile_text, "[ipsec]", "esp=aes256-sha1,aes128-sha1");
	assert_line(c->profile_text, "[ppp]", "user=alice");
	assert_line(c->profile_text, "[ppp]", "auth=mschapv2");
	assert_line(c->profile_text, "[ppp]", "mtu=1400");
	assert_line(c->profile_text, "[ip]", "default-route=false");
	assert_line(c->profile_text, "[ip]", "routes=203.0.113.0/24,10.0.0.0/8");
	assert_line(c->profile_text, "[ip]", "ipv6=off");
	assert_string_equal(secret(c, "psk"), "rvt-psk");
	assert_string_equal(secret(c, "password"), "alice-secret");
	no_secret_in_text(c);
	assert_note(c, RV_NOTE_LEFT_OUT, "require-mppe",
		    "MPPE: not supported by roadvpn; the tunnel is protected by IPsec");
	assert_note(c, RV_NOTE_LEFT_OUT, "lcp-echo-*", "LCP echoes");
	assert_note(c, RV_NOTE_INFO, "route2", "next hop and metric left out");
	assert_null(c->missing[0]);
	p = load_profile(c);
	assert_true(p->ipsec_enabled);
	assert_false(p->default_route);
	assert_int_equal(p->n_routes, 2);
	profile_free(p);
	rv_import_result_free(r);
}

/*
 * `nmcli connection export` for an l2tp connection (the plugin's format;
 * network-manager-l2tp 1.20 writes "#org..." and [ip4], as here)
 */
static void test_nm_export_format(void **state)
{
	const char *f = "#org.freedesktop.NetworkManager.l2tp\n\n[connection]\nid=exp\n"
			"[vpn]\ngateway=192.0.2.1\nuser=bob\nipsec-enabled=true\n"
			"ipsec-psk=0scnZ0LXBzaw==\nrefuse-pap=true\nrefuse-eap=true\n"
			"ipsec-pfs=no\nipsec-ikelifetime=3h\nipsec-salifetime=60m\n"
			"ipsec-forceencaps=true\n[ip4]\nmethod=auto\n"
			"routes=10.1.0.0/16 via 192.0.2.254 metric 10;10.2.0.0/16\n"
			"ignore-auto-dns=true\n";
	struct rv_import_result *r = import_ok(f, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_string_equal(r->format_detail, "nmcli connection export");
	assert_line(c->profile_text, "[connection]", "gateway=192.0.2.1");
	assert_line(c->profile_text, "[ppp]", "auth=mschapv2,chap");
	assert_line(c->profile_text, "[ipsec]", "pfs=none");
	assert_line(c->profile_text, "[ipsec]", "ike-lifetime=10800");
	assert_line(c->profile_text, "[ipsec]", "esp-lifetime=3600");
	assert_line(c->profile_text, "[ipsec]", "force-encap=true");
	assert_line(c->profile_text, "[ip]", "routes=10.1.0.0/16,10.2.0.0/16");
	assert_line(c->profile_text, "[ip]", "dns=false");
	/* the legacy "0s" base64 PSK */
	assert_string_equal(secret(c, "psk"), "rvt-psk");
	assert_line(c->profile_text, "[ppp]", "password-flags=ask");
	assert_note(c, RV_NOTE_LEFT_OUT, "refuse-mschap, refuse-eap", "MS-CHAP (v1)");
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_nm_agent_secrets_ask(void **state)
{
	const char *f = "[connection]\nid=a\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
			"gateway=gw.example.net\nuser=u\nipsec-enabled=yes\nipsec-psk-flags=1\n"
			"password-flags=2\n";
	struct rv_import_result *r = import_ok(f, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_int_equal(c->n_secrets, 0);
	assert_line(c->profile_text, "[ipsec]", "psk-flags=ask");
	assert_line(c->profile_text, "[ppp]", "password-flags=ask");
	assert_note(c, RV_NOTE_INFO, "ipsec-psk-flags", "held by a secret agent");
	assert_note(c, RV_NOTE_LEFT_OUT, "refuse-*", "left at roadvpn's default mschapv2,chap");
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_nm_plain_l2tp(void **state)
{
	const char *f = "[connection]\nid=p\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
			"gateway=192.0.2.1\nuser=u\nrequire-mppe-128=yes\n";
	struct rv_import_result *r = import_ok(f, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_line(c->profile_text, "[ipsec]", "enabled=false");
	assert_note(c, RV_NOTE_LEFT_OUT, "require-mppe-128", "this tunnel is NOT encrypted");
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_nm_domain_certs_ids(void **state)
{
	const char *f = "[connection]\nid=c\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
			"gateway=192.0.2.1\nuser=alice\ndomain=CORP\nipsec-enabled=yes\n"
			"machine-auth-type=tls\nmachine-ca=/etc/ca.pem\nmachine-cert=/etc/me.p12\n"
			"machine-certpass-flags=1\nipsec-gateway-id=192.0.2.1\n"
			"ipsec-group-name=GroupVPN\nmtu=9000\nipsec-ipcomp=yes\nipsec-pfs=yes\n";
	struct rv_import_result *r = import_ok(f, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_line(c->profile_text, "[ppp]", "user=CORP\\\\alice");
	assert_line(c->profile_text, "[ipsec]", "auth=cert");
	assert_line(c->profile_text, "[ipsec]", "ca=/etc/ca.pem");
	assert_line(c->profile_text, "[ipsec]", "cert=/etc/me.p12");
	assert_line(c->profile_text, "[ipsec]", "remote-id=ipv4:192.0.2.1");
	assert_line(c->profile_text, "[ipsec]", "local-id=GroupVPN");
	assert_null(strstr(c->profile_text, "mtu="));
	assert_note(c, RV_NOTE_LEFT_OUT, "mtu", "outside roadvpn's 576..1500");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-ipcomp", "IPComp");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-pfs", "left at default");
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_nm_errors(void **state)
{
	assert_err("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
		   "gateway=g\nuser=u\nipsec-enabled=yes\nipsec-ikev2=yes\n", "ipsec-ikev2");
	assert_err("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
		   "gateway=g\nuser-auth-type=tls\n", "user-auth-type");
	assert_err("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.openvpn\n"
		   "remote=g\n", "service-type");
	assert_err("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
		   "user=u\n", "gateway");
	assert_err("[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\n"
		   "gateway=g\nuser=u\nrefuse-pap=yes\nrefuse-chap=yes\nrefuse-mschapv2=yes\n",
		   "refuse-*");
}

/* ---- proposals ---- */

static char *nm_with(const char *ike, const char *esp)
{
	char *s = NULL;

	assert_true(asprintf(&s, "[connection]\nid=x\n[vpn]\nservice-type=org.freedesktop."
				 "NetworkManager.l2tp\ngateway=g\nuser=u\nipsec-enabled=yes\n"
				 "ipsec-ike=%s\nipsec-esp=%s\n", ike, esp) > 0);
	return s;
}

static void test_proposals(void **state)
{
	char *f = nm_with("aes256-sha2;dh14,aes-sha1-prfsha1-modp1024,aes256-sha1-curve25519,"
			  "aes128-sha1",
			  "aes128gcm16-modp2048,aes192-sha1,aes256-md5,3des-sha1-modp2048");
	struct rv_import_result *r = import_ok(f, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_line(c->profile_text, "[ipsec]", "ike=aes256-sha256-modp2048,aes128-sha1-modp1024");
	assert_line(c->profile_text, "[ipsec]", "esp=aes128gcm16-modp2048,3des-sha1-modp2048");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-ike", "curve25519 (not supported by roadvpn)");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-ike", "\"aes128-sha1\": no DH group");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-esp", "aes192 (ESP: not supported by roadvpn)");
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-esp", "\"aes256-md5\": md5");
	assert_note(c, RV_NOTE_INFO, "ipsec-ike", "without a trailing '!'");
	profile_free(load_profile(c));
	rv_import_result_free(r);
	free(f);

	f = nm_with("blowfish-sha1-modp1024", "null-sha1");
	r = import_ok(f, NULL);
	c = &r->conns[0];
	assert_null(strstr(c->profile_text, "ike="));
	assert_null(strstr(c->profile_text, "esp="));
	assert_note(c, RV_NOTE_LEFT_OUT, "ipsec-ike", "left at roadvpn's default list");
	rv_import_result_free(r);
	free(f);
}

/* ---- Windows phonebook ---- */

static const char pbk[] =
	"\xef\xbb\xbf[Office VPN]\r\nEncoding=1\r\nPBVersion=8\r\nType=2\r\nVpnStrategy=3\r\n"
	"DataEncryption=256\r\nAuthRestrictions=544\r\nIpPrioritizeRemote=0\r\nIpSecFlags=1\r\n"
	"IpDnsAddress=0.0.0.0\r\nPreferredDevice=WAN Miniport (L2TP)\r\n\r\nNETCOMPONENTS=\r\n"
	"ms_msclient=1\r\n\r\nMEDIA=rastapi\r\nPort=VPN2-0\r\nDevice=WAN Miniport (L2TP)\r\n\r\n"
	"DEVICE=vpn\r\nPhoneNumber=vpn.example.com\r\n\r\n"
	"[Other IKEv2]\r\nType=2\r\nVpnStrategy=7\r\n\r\nDEVICE=vpn\r\nPhoneNumber=ikev2.example\r\n";

static void test_pbk(void **state)
{
	struct rv_import_result *r = import_ok(pbk, NULL);
	struct rv_import_conn *c = &r->conns[0];
	struct rv_import_options o = { .user = "alice" };
	struct profile *p;

	assert_int_equal(r->format, RV_FORMAT_PBK);
	assert_int_equal(r->n_conns, 1);
	assert_true(has_note(r->notes, r->n_notes, RV_NOTE_INFO, "Other IKEv2",
			     "VpnStrategy: 7 (IKEv2 only) is not L2TP"));
	assert_string_equal(c->name, "Office VPN");
	assert_line(c->profile_text, "[connection]", "gateway=vpn.example.com");
	assert_line(c->profile_text, "[ppp]", "auth=mschapv2,chap");
	assert_line(c->profile_text, "[ipsec]", "psk-flags=ask");
	assert_line(c->profile_text, "[ip]", "default-route=false");
	assert_string_equal(c->missing[0], "ppp.user");
	assert_note(c, RV_NOTE_INFO, "DataEncryption", "the tunnel is protected by IPsec");
	rv_import_result_free(r);

	r = import_ok(pbk, &o);
	assert_null(r->conns[0].missing[0]);
	p = load_profile(&r->conns[0]);
	assert_string_equal(p->user, "alice");
	profile_free(p);
	rv_import_result_free(r);
}

/* What the caller supplies afterwards: a user name, a saved file's path. */
static void test_set_and_name(void **state)
{
	struct rv_import_result *r = import_ok(pbk, NULL);
	struct rv_import_conn *c = &r->conns[0];
	char *name = rv_import_suggest_name(c), *e = NULL;
	struct profile *p;

	assert_string_equal(name, "Office-VPN");
	assert_string_equal(c->missing[0], "ppp.user");
	assert_int_equal(rv_import_set(c, "ppp.user", "carol", NULL), 0);
	assert_null(c->missing[0]);
	assert_int_equal(rv_import_set(c, "ipsec.psk-flags", "", NULL), 0);
	assert_null(strstr(c->profile_text, "psk-flags"));
	assert_true(rv_import_set(c, "nosuch.key", "x", &e) < 0);
	assert_non_null(strstr(e, "nosuch.key"));
	free(e);
	assert_true(rv_import_set(c, "ppp.user", "a\nb", NULL) < 0);
	p = load_profile(c);
	assert_string_equal(p->user, "carol");
	profile_free(p);
	free(name);
	rv_import_result_free(r);
}

static void test_pbk_errors(void **state)
{
	struct rv_import_options o = { .entry = "Other IKEv2" };
	struct rv_import_result *r = NULL;
	char *e = NULL;

	assert_true(rv_import_data(pbk, strlen(pbk), &o, &r, &e) < 0);
	assert_non_null(strstr(e, "[Other IKEv2] VpnStrategy: 7 (IKEv2 only) is not L2TP"));
	free(e);
	assert_err("[a]\nVpnStrategy=3\nAuthRestrictions=128\nPhoneNumber=g\n", "AuthRestrictions");
	assert_err("[a]\nVpnStrategy=1\nPhoneNumber=g\n", "VpnStrategy: 1 (PPTP only)");
	assert_err("[a]\nVpnStrategy=3\n", "PhoneNumber");
}

/* ---- PowerShell ---- */

static const char ps[] =
	"# from the helpdesk\r\n"
	"Add-VpnConnection -Name \"Office\" -ServerAddress 'vpn.example.com' -TunnelType L2tp `\r\n"
	"    -L2tpPsk 'it''s-psk' -AuthenticationMethod MSChapv2,Pap -EncryptionLevel Required "
	"-SplitTunneling -RememberCredential -Force -PassThru | Out-Null\r\n"
	"Set-VpnConnectionIPsecConfiguration -ConnectionName Office -AuthenticationTransformConstants "
	"SHA256128 -CipherTransformConstants AES256 -DHGroup Group14 -EncryptionMethod AES256 "
	"-IntegrityCheckMethod SHA256 -PfsGroup PFS24 -Force\r\n"
	"Add-VpnConnectionRoute -ConnectionName Office -DestinationPrefix 10.0.0.0/8\r\n"
	"Add-VpnConnectionRoute -ConnectionName Office -DestinationPrefix 192.0.2.0/24; Write-Host ok\r\n";

static void test_powershell(void **state)
{
	struct rv_import_options o = { .user = "alice" };
	struct rv_import_result *r = import_ok(ps, &o);
	struct rv_import_conn *c = &r->conns[0];

	assert_int_equal(r->format, RV_FORMAT_POWERSHELL);
	assert_string_equal(c->name, "Office");
	assert_line(c->profile_text, "[connection]", "gateway=vpn.example.com");
	assert_line(c->profile_text, "[ipsec]", "ike=aes256-sha256-modp2048");
	assert_line(c->profile_text, "[ipsec]", "esp=aes256-sha256");
	assert_line(c->profile_text, "[ppp]", "auth=mschapv2,pap");
	assert_line(c->profile_text, "[ip]", "default-route=false");
	assert_line(c->profile_text, "[ip]", "routes=10.0.0.0/8,192.0.2.0/24");
	assert_string_equal(secret(c, "psk"), "it's-psk");
	assert_note(c, RV_NOTE_LEFT_OUT, "-PfsGroup", "PFS group 24 unknown to roadvpn: left at "
						      "default");
	assert_true(has_note(r->notes, r->n_notes, RV_NOTE_INFO, "", "Write-Host: not a VPN"));
	no_secret_in_text(c);
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_powershell_errors(void **state)
{
	assert_err("Add-VpnConnection -Name a -ServerAddress g -TunnelType L2tp -L2tpPsk $psk\n",
		   "-L2tpPsk: a PowerShell variable");
	assert_err("Add-VpnConnection -Name a -ServerAddress g -TunnelType Ikev2\n",
		   "-TunnelType: Ikev2 is not L2TP");
	assert_err("Add-VpnConnection -Name a -ServerAddress g -AuthenticationMethod Eap\n",
		   "-AuthenticationMethod");
	assert_err("Add-VpnConnection -Name 'a -ServerAddress g\n", "unterminated");
}

/* Arrays as people write them: "a, b" and @('a', 'b'). */
static void test_powershell_arrays(void **state)
{
	const char *f = "Add-VpnConnection -Name a -ServerAddress g -AuthenticationMethod MSChapv2, Pap\n"
			"Add-VpnConnection -Name b -ServerAddress g -AuthenticationMethod @('Chap', "
			"'MSChapv2')\n";
	struct rv_import_result *r = import_ok(f, NULL);

	assert_int_equal(r->n_conns, 2);
	assert_line(r->conns[0].profile_text, "[ppp]", "auth=mschapv2,pap");
	assert_line(r->conns[1].profile_text, "[ppp]", "auth=chap,mschapv2");
	rv_import_result_free(r);
}

/* ---- Apple ---- */

static const char mobileconfig[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\"><dict>\n"
	"<key>PayloadContent</key><array><dict>\n"
	"<key>PayloadType</key><string>com.apple.vpn.managed</string>\n"
	"<key>PayloadUUID</key><string>9A1C5E3C-0E0A-4B1C-9A55-2C1D8E7F6A01</string>\n"
	"<key>UserDefinedName</key><string>Office (iPhone)</string>\n"
	"<key>VPNType</key><string>L2TP</string>\n"
	"<key>PPP</key><dict><key>CommRemoteAddress</key><string>vpn.example.com</string>\n"
	"<key>AuthName</key><string>alice</string><key>AuthPassword</key>"
	"<string>alice-secret</string>\n<key>CCPEnabled</key><integer>1</integer></dict>\n"
	"<key>IPSec</key><dict><key>AuthenticationMethod</key><string>SharedSecret</string>\n"
	"<key>SharedSecret</key><data>cnZ0LXBzaw==</data></dict>\n"
	"<key>IPv4</key><dict><key>OverridePrimary</key><integer>1</integer></dict>\n"
	"<key>DNS</key><dict/>\n"
	"</dict></array>\n"
	"<key>PayloadType</key><string>Configuration</string>\n"
	"<key>PayloadVersion</key><integer>1</integer>\n"
	"</dict></plist>\n";

static void check_apple(struct rv_import_result *r)
{
	struct rv_import_conn *c = &r->conns[0];

	assert_int_equal(r->format, RV_FORMAT_MOBILECONFIG);
	assert_string_equal(c->name, "Office (iPhone)");
	assert_line(c->profile_text, "[connection]", "gateway=vpn.example.com");
	assert_line(c->profile_text, "[ppp]", "user=alice");
	assert_line(c->profile_text, "[ip]", "default-route=true");
	assert_string_equal(secret(c, "psk"), "rvt-psk");
	assert_string_equal(secret(c, "password"), "alice-secret");
	assert_note(c, RV_NOTE_LEFT_OUT, "PPP CCP*", "MPPE: not supported by roadvpn");
	assert_note(c, RV_NOTE_LEFT_OUT, "DNS", "not supported");
	no_secret_in_text(c);
	profile_free(load_profile(c));
}

static void test_mobileconfig_xml_and_binary(void **state)
{
	struct rv_import_result *r = import_ok(mobileconfig, NULL);
	plist_t root = NULL;
	char *bin = NULL, *e = NULL;
	uint32_t len = 0;

	check_apple(r);
	assert_string_equal(r->format_detail, "XML property list, not signed");
	rv_import_result_free(r);

	plist_from_xml(mobileconfig, sizeof(mobileconfig) - 1, &root);
	plist_to_bin(root, &bin, &len);
	plist_free(root);
	r = NULL;
	assert_int_equal(rv_import_data(bin, len, NULL, &r, &e), 0);
	check_apple(r);
	assert_string_equal(r->format_detail, "binary property list, not signed");
	rv_import_result_free(r);
	free(bin);
}

/* A throw-away signer: EC key and self-signed certificate. */
static void make_signer(EVP_PKEY **key, X509 **cert)
{
	*key = EVP_EC_gen("P-256");
	*cert = X509_new();
	assert_non_null(*key);
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(*cert), "CN", MBSTRING_ASC,
				   (const unsigned char *)"Example IT Profiles", -1, -1, 0);
	X509_set_issuer_name(*cert, X509_get_subject_name(*cert));
	assert_true(X509_sign(*cert, *key, EVP_sha256()) > 0);
}

static unsigned char *sign(const char *content, EVP_PKEY *key, X509 *cert, size_t *len)
{
	BIO *in = BIO_new_mem_buf(content, (int)strlen(content)), *out = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = CMS_sign(cert, key, NULL, in, CMS_BINARY);
	unsigned char *p = NULL, *copy;
	long n;

	assert_non_null(cms);
	assert_int_equal(i2d_CMS_bio(out, cms), 1);
	n = BIO_get_mem_data(out, &p);
	copy = malloc((size_t)n);
	memcpy(copy, p, (size_t)n);
	*len = (size_t)n;
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return copy;
}

static void test_mobileconfig_signed(void **state)
{
	EVP_PKEY *key;
	X509 *cert;
	size_t len;
	unsigned char *der;
	struct rv_import_result *r = NULL;
	char *e = NULL, ca[] = "/tmp/test-import-ca-XXXXXX";
	int fd = mkstemp(ca);
	FILE *f = fdopen(fd, "w");
	struct rv_import_options trusted = { .trust_store = ca };

	make_signer(&key, &cert);
	der = sign(mobileconfig, key, cert, &len);
	PEM_write_X509(f, cert);
	fclose(f);

	assert_int_equal(rv_import_data(der, len, NULL, &r, &e), 0);
	check_apple(r);
	assert_string_equal(r->format_detail, "XML property list, CMS-signed");
	assert_true(has_note(r->notes, r->n_notes, RV_NOTE_INFO, "signature",
			     "signed by /CN=Example IT Profiles; that certificate is NOT trusted"));
	rv_import_result_free(r);

	assert_int_equal(rv_import_data(der, len, &trusted, &r, &e), 0);
	assert_true(has_note(r->notes, r->n_notes, RV_NOTE_INFO, "signature",
			     "chains to a trusted CA"));
	rv_import_result_free(r);

	/* one byte of the signed content changed: refused */
	{
		unsigned char *hit = memmem(der, len, "alice-secret", 12);

		assert_non_null(hit);
		hit[0] = 'A';
		e = import_err(der, len);
		assert_non_null(strstr(e, "CMS signature"));
		free(e);
	}
	unlink(ca);
	free(der);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void make_signer(EVP_PKEY **key, X509 **cert);

static void test_mobileconfig_cert_and_group(void **state)
{
	EVP_PKEY *key;
	X509 *ca;
	unsigned char *der = NULL;
	char b64[4096], *f = NULL;
	int n;
	const char *rest =
		"<plist><dict><key>PayloadContent</key><array>"
		"<dict><key>PayloadType</key><string>com.apple.security.pkcs12</string>"
		"<key>PayloadUUID</key><string>P12-UUID</string><key>Password</key>"
		"<string>p12-pass</string><key>PayloadContent</key><data>MIIBAAECAw==</data></dict>"
		"<dict><key>PayloadType</key><string>com.apple.vpn.managed</string>"
		"<key>UserDefinedName</key><string>Cert</string><key>VPNType</key><string>L2TP</string>"
		"<key>PPP</key><dict><key>CommRemoteAddress</key><string>gw.example</string>"
		"<key>AuthName</key><string>bob</string></dict><key>IPSec</key><dict>"
		"<key>AuthenticationMethod</key><string>Certificate</string>"
		"<key>PayloadCertificateUUID</key><string>P12-UUID</string></dict></dict>"
		"<dict><key>PayloadType</key><string>com.apple.vpn.managed</string>"
		"<key>UserDefinedName</key><string>Group</string><key>VPNType</key><string>L2TP</string>"
		"<key>PPP</key><dict><key>CommRemoteAddress</key><string>gw.example</string>"
		"<key>AuthName</key><string>bob</string></dict><key>IPSec</key><dict>"
		"<key>LocalIdentifier</key><string>GroupVPN</string><key>LocalIdentifierType</key>"
		"<string>KeyID</string></dict></dict>"
		"</array></dict></plist>";
	struct rv_import_result *r;
	struct rv_import_conn *cert, *group;

	/* a com.apple.security.root payload with a real DER certificate first */
	make_signer(&key, &ca);
	n = i2d_X509(ca, &der);
	assert_true(n > 0 && (size_t)n * 4 / 3 + 4 < sizeof(b64));
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	assert_true(asprintf(&f, "%.*s<dict><key>PayloadType</key><string>com.apple.security.root"
				 "</string><key>PayloadContent</key><data>%s</data></dict>%s",
			     (int)(strstr(rest, "<array>") + 7 - rest), rest, b64,
			     strstr(rest, "<array>") + 7) > 0);
	r = import_ok(f, NULL);
	cert = &r->conns[0];
	group = &r->conns[1];
	assert_int_equal(r->n_conns, 2);
	assert_line(cert->profile_text, "[ipsec]", "auth=cert");
	assert_int_equal(cert->n_files, 2);
	assert_string_equal(cert->files[0].key, "ipsec.ca");
	assert_string_equal(cert->files[0].suggested_name, "Cert-ca.pem");
	assert_false(cert->files[0].secret);
	assert_non_null(strstr((char *)cert->files[0].data, "-----BEGIN CERTIFICATE-----"));
	assert_string_equal(cert->files[1].key, "ipsec.cert");
	assert_string_equal(cert->files[1].suggested_name, "Cert.p12");
	assert_int_equal(cert->files[1].len, 7);
	assert_true(cert->files[1].secret);
	assert_string_equal(secret(cert, "key-password"), "p12-pass");
	assert_line(group->profile_text, "[ipsec]", "local-id=keyid:GroupVPN");
	assert_line(group->profile_text, "[ipsec]", "mode=aggressive");
	assert_line(group->profile_text, "[ipsec]", "psk-flags=ask");
	assert_line(group->profile_text, "[ppp]", "password-flags=ask");
	assert_note(group, RV_NOTE_INFO, "IPSec LocalIdentifier", "Aggressive Mode");
	profile_free(load_profile(group));
	rv_import_result_free(r);
	OPENSSL_free(der);
	X509_free(ca);
	EVP_PKEY_free(key);
	free(f);
}

static void test_mobileconfig_errors(void **state)
{
	const char *ikev2 = "<plist><dict><key>PayloadContent</key><array><dict>"
			    "<key>PayloadType</key><string>com.apple.vpn.managed</string>"
			    "<key>VPNType</key><string>IKEv2</string></dict></array></dict></plist>";
	const char *eap = "<plist><dict><key>PayloadContent</key><array><dict>"
			  "<key>PayloadType</key><string>com.apple.vpn.managed</string>"
			  "<key>VPNType</key><string>L2TP</string><key>PPP</key><dict>"
			  "<key>CommRemoteAddress</key><string>g</string><key>AuthProtocol</key>"
			  "<array><string>EAP</string></array></dict></dict></array></dict></plist>";

	assert_err(ikev2, "VPNType: \"IKEv2\" is not L2TP");
	assert_err(eap, "PPP AuthProtocol");
}

/* ---- hostile input ---- */

static void test_hostile(void **state)
{
	char *deep = malloc(64 * 14 + 200), *p = deep, *e;
	char *big = malloc(RV_IMPORT_MAX_LINE + 300);
	const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY a \"aaaaaaaa\">"
			     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><plist><dict>"
			     "<key>PayloadContent</key><string>&b;</string></dict></plist>";
	unsigned char cycle[] = "bplist00\xa1\x00"  /* object 0: array holding object 0 */
				"\x08"              /* offset table: object 0 at 8 */
				"\0\0\0\0\0\0\x01\x01"
				"\0\0\0\0\0\0\0\x01"
				"\0\0\0\0\0\0\0\0"
				"\0\0\0\0\0\0\0\x0a";

	p += sprintf(p, "<plist>");
	for (int i = 0; i < 64; i++)
		p += sprintf(p, "<array>");
	sprintf(p, "</plist>");
	e = import_err(deep, strlen(deep));
	assert_non_null(strstr(e, "nested deeper than"));
	free(e);

	e = import_err(laughs, strlen(laughs));
	free(e);   /* libplist refuses unknown entities; what matters is: no expansion, an error */

	e = import_err(cycle, sizeof(cycle) - 1);
	assert_non_null(strstr(e, "binary property list"));
	free(e);

	e = import_err(cycle, 20);   /* truncated */
	free(e);

	memset(big, 'a', RV_IMPORT_MAX_LINE + 200);
	memcpy(big, "[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\ngateway=", 63);
	big[RV_IMPORT_MAX_LINE + 200] = '\0';
	e = import_err(big, strlen(big));
	assert_non_null(strstr(e, "line 3: longer than 4096 bytes"));
	free(e);

	{
		char many[2048] = "[connection]\ngateway=g\n[ipsec]\n";

		for (int i = 0; i < 60; i++)
			sprintf(many + strlen(many), "k%d=v\n", i);
		assert_err(many, "more than 40 keys");
	}

	e = import_err("[connection]\ngateway=a\0b", 25);
	free(e);
	free(deep);
	free(big);
}

static void test_huge_refused(void **state)
{
	size_t n = RV_IMPORT_MAX_SIZE + 1;
	char *huge = malloc(n), *e;

	memset(huge, 'A', n);
	e = import_err(huge, n);
	assert_non_null(strstr(e, "larger than"));
	free(e);
	free(huge);
}

/* ---- round trips ---- */

static const char original[] =
	"[connection]\nname=RoundTrip\ngateway=vpn.example.com\n"
	"[ipsec]\nenabled=true\nremote-id=fqdn:vpn.example.com\n"
	"ike=aes256-sha256-modp2048,aes128-sha1-ecp256\nesp=aes128gcm16,aes256-sha1\npfs=none\n"
	"ike-lifetime=3600\nesp-lifetime=1800\nforce-encap=true\npsk=rt-psk\n"
	"[ppp]\nuser=alice\npassword=rt-password\nauth=mschapv2,pap\nmtu=1380\nmru=1380\n"
	"[ip]\ndefault-route=false\nroutes=10.0.0.0/8,192.0.2.0/24\ndns=false\nipv6=off\n";

/*
 * original -> export in fmt_name -> import: what every format holds comes
 * back the same (name, gateway, user, default route); *ret keeps the result.
 */
static struct profile *round_trip(const char *fmt_name, enum rv_import_format want,
				  struct rv_import_result **ret)
{
	enum rv_export_format fmt;
	struct rv_import_note *notes = NULL;
	size_t n_notes = 0, len = 0;
	char *out = NULL, *e = NULL;
	struct rv_import_options o = { .user = "alice" };
	struct profile *p;

	assert_int_equal(rv_export_format_from_name(fmt_name, &fmt), 0);
	if (rv_export(original, strlen(original), NULL, 0, fmt, &out, &len, &notes, &n_notes, &e) < 0)
		fail_msg("export %s: %s", fmt_name, e);
	if (rv_import_data(out, len, &o, ret, &e) < 0)
		fail_msg("import of the %s export: %s\n%s", fmt_name, e, out);
	rv_import_notes_free(notes, n_notes);
	free(out);
	assert_int_equal((*ret)->format, want);
	p = load_profile(&(*ret)->conns[0]);
	assert_string_equal(p->name, "RoundTrip");
	assert_string_equal(p->gateway, "vpn.example.com");
	assert_string_equal(p->user, "alice");
	assert_false(p->default_route);
	return p;
}

static void test_round_trip_nm(void **state)
{
	struct rv_import_result *r;
	struct profile *p = round_trip("nm-l2tp", RV_FORMAT_NM_L2TP, &r);
	struct rv_import_conn *c = &r->conns[0];

	assert_string_equal(p->remote_id, "fqdn:vpn.example.com");
	assert_string_equal(p->ike_proposals, "aes256-sha256-modp2048,aes128-sha1-ecp256");
	assert_string_equal(p->esp_proposals, "aes128gcm16,aes256-sha1");
	assert_string_equal(p->pfs, "none");
	assert_int_equal(p->ike_lifetime, 3600);
	assert_int_equal(p->esp_lifetime, 1800);
	assert_true(p->force_encap);
	assert_int_equal(p->mtu, 1380);
	assert_int_equal(p->mru, 1380);
	assert_int_equal(p->n_routes, 2);
	assert_false(p->dns);
	assert_int_equal(p->ipv6, PROFILE_IPV6_OFF);
	assert_string_equal(secret(c, "psk"), "rt-psk");
	assert_string_equal(secret(c, "password"), "rt-password");
	assert_line(c->profile_text, "[ppp]", "auth=mschapv2,pap");
	profile_free(p);
	rv_import_result_free(r);
}

static void test_round_trip_mobileconfig(void **state)
{
	struct rv_import_result *r;
	struct profile *p = round_trip("mobileconfig", RV_FORMAT_MOBILECONFIG, &r);

	assert_string_equal(secret(&r->conns[0], "psk"), "rt-psk");
	assert_string_equal(secret(&r->conns[0], "password"), "rt-password");
	profile_free(p);
	rv_import_result_free(r);
}

static void test_round_trip_pbk(void **state)
{
	struct rv_import_result *r;
	struct profile *p = round_trip("pbk", RV_FORMAT_PBK, &r);

	assert_line(r->conns[0].profile_text, "[ppp]", "auth=mschapv2,pap");
	assert_line(r->conns[0].profile_text, "[ipsec]", "psk-flags=ask");
	profile_free(p);
	rv_import_result_free(r);
}

static void test_export_notes(void **state)
{
	struct rv_import_note *notes = NULL;
	size_t n = 0, len = 0;
	char *out = NULL, *e = NULL;
	const char plain[] = "[connection]\ngateway=g\n[ipsec]\nenabled=false\n[ppp]\nuser=u\n";

	assert_int_equal(rv_export(original, strlen(original), NULL, 0, RV_EXPORT_PBK, &out, &len,
				   &notes, &n, &e), 0);
	assert_true(has_note(notes, n, RV_NOTE_LEFT_OUT, "psk", "cannot hold the pre-shared key"));
	assert_true(has_note(notes, n, RV_NOTE_LEFT_OUT, "routes", "Add-VpnConnectionRoute"));
	assert_null(strstr(out, "rt-psk"));
	rv_import_notes_free(notes, n);
	free(out);
	assert_true(rv_export(plain, strlen(plain), NULL, 0, RV_EXPORT_MOBILECONFIG, &out, &len,
			      NULL, NULL, &e) < 0);
	assert_non_null(strstr(e, "[ipsec] enabled=false"));
	free(e);
}

static void test_roadvpn_passthrough(void **state)
{
	struct rv_import_result *r = import_ok(original, NULL);
	struct rv_import_conn *c = &r->conns[0];

	assert_int_equal(r->format, RV_FORMAT_ROADVPN);
	assert_null(strstr(c->profile_text, "rt-psk"));
	assert_string_equal(secret(c, "psk"), "rt-psk");
	profile_free(load_profile(c));
	rv_import_result_free(r);
}

static void test_report(void **state)
{
	struct rv_import_result *r = import_ok(nm_keyfile, NULL);
	char *rep = rv_import_report(r);

	assert_non_null(strstr(rep, "format: NetworkManager-l2tp connection (NetworkManager keyfile)"));
	assert_non_null(strstr(rep, "left out require-mppe: MPPE: not supported by roadvpn"));
	assert_non_null(strstr(rep, "took     gateway: [connection] gateway=vpn.example.com"));
	assert_null(strstr(rep, "rvt-psk"));
	assert_null(strstr(rep, "alice-secret"));
	free(rep);
	rv_import_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nm_keyfile),
		cmocka_unit_test(test_nm_export_format),
		cmocka_unit_test(test_nm_agent_secrets_ask),
		cmocka_unit_test(test_nm_plain_l2tp),
		cmocka_unit_test(test_nm_domain_certs_ids),
		cmocka_unit_test(test_nm_errors),
		cmocka_unit_test(test_proposals),
		cmocka_unit_test(test_pbk),
		cmocka_unit_test(test_set_and_name),
		cmocka_unit_test(test_pbk_errors),
		cmocka_unit_test(test_powershell),
		cmocka_unit_test(test_powershell_errors),
		cmocka_unit_test(test_powershell_arrays),
		cmocka_unit_test(test_mobileconfig_xml_and_binary),
		cmocka_unit_test(test_mobileconfig_signed),
		cmocka_unit_test(test_mobileconfig_cert_and_group),
		cmocka_unit_test(test_mobileconfig_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_huge_refused),
		cmocka_unit_test(test_round_trip_nm),
		cmocka_unit_test(test_round_trip_mobileconfig),
		cmocka_unit_test(test_round_trip_pbk),
		cmocka_unit_test(test_export_notes),
		cmocka_unit_test(test_roadvpn_passthrough),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
