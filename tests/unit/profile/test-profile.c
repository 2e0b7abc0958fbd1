/* Profile parsing and validation, including hostile and malformed files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "ppp/ppp.h"
#include "profile/profile.h"

static struct profile *load(const char *text, GError **error)
{
	return profile_load_data(text, strlen(text), error);
}

static void expect_invalid(const char *text, const char *needle)
{
	g_autoptr(GError) error = NULL;
	struct profile *p = load(text, &error);

	if (p)
		fail_msg("'%s' loaded", text);
	assert_non_null(error);
	if (!strstr(error->message, needle))
		fail_msg("error '%s' does not mention '%s'", error->message, needle);
}

static void test_full_profile(void **state)
{
	const char *text = "[connection]\nname=Office\ngateway=vpn.example.com\nreconnect=false\n"
			   "allowed-users=alice,bob\n"
			   "[ipsec]\nenabled=false\n"
			   "[l2tp]\nhostname=laptop\nsecret=tunnelsecret\n"
			   "[ppp]\nuser=alice\npassword=pw\nauth=mschapv2, pap\nmtu=1400\n"
			   "[ip]\ndefault-route=false\nroutes=10.0.0.0/8, 192.0.2.0/24,198.51.100.7\n"
			   "dns=true\nipv6=off\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) p = load(text, &error);
	g_auto(GStrv) missing = NULL;
	struct in_addr a;

	assert_null(error);
	assert_non_null(p);
	assert_string_equal(p->name, "Office");
	assert_string_equal(p->gateway, "vpn.example.com");
	assert_false(p->reconnect);
	assert_string_equal(p->allowed_users[1], "bob");
	assert_false(p->ipsec_enabled);
	assert_int_equal(rv_secret_len(p->l2tp_secret), 12);
	assert_int_equal(p->auth_methods, PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP);
	assert_int_equal(p->mtu, 1400);
	assert_false(p->default_route);
	assert_int_equal(p->n_routes, 3);
	inet_pton(AF_INET, "192.0.2.0", &a);
	assert_int_equal(p->routes[1].dst, a.s_addr);
	assert_int_equal(p->routes[1].prefix_len, 24);
	assert_int_equal(p->routes[2].prefix_len, 32);
	assert_int_equal(p->ipv6, PROFILE_IPV6_OFF);
	missing = profile_missing_secrets(p);
	assert_null(missing[0]);
}

static void test_defaults_are_safe(void **state)
{
	g_autoptr(RvProfile) p = load("[connection]\ngateway=192.0.2.1\n[ppp]\nuser=u\n", NULL);
	g_auto(GStrv) missing = NULL;

	assert_non_null(p);
	/* IPsec on, full tunnel, DNS on, PAP off unless named. */
	assert_true(p->ipsec_enabled);
	assert_string_equal(p->ipsec_auth, "psk");
	assert_string_equal(p->ipsec_mode, "main");
	assert_true(p->default_route);
	assert_true(p->dns);
	assert_true(p->reconnect);
	assert_true(p->nat_traversal);
	assert_false(p->force_encap);
	assert_int_equal(p->auth_methods & PPP_AUTH_PAP, 0);
	assert_int_not_equal(p->auth_methods & PPP_AUTH_MSCHAPV2, 0);
	missing = profile_missing_secrets(p);
	assert_string_equal(missing[0], "psk");
	assert_string_equal(missing[1], "password");
	assert_null(missing[2]);
}

static void test_secrets_supplied_later(void **state)
{
	g_autoptr(RvProfile) p =
		load("[connection]\ngateway=g\n[ipsec]\nenabled=false\n[ppp]\nuser=u\n", NULL);
	g_auto(GStrv) missing = NULL;
	size_t len;

	assert_non_null(p);
	assert_true(profile_set_secret(p, "password", "s3cret", NULL));
	assert_memory_equal(rv_secret_reveal(p->password, &len), "s3cret", 6);
	assert_false(profile_set_secret(p, "nonsense", "x", NULL));
	missing = profile_missing_secrets(p);
	assert_null(missing[0]);
}

static void test_allow_legacy(void **state)
{
	g_autoptr(RvProfile) off = load("[connection]\ngateway=g\n[ipsec]\npsk=k\n"
					"[ppp]\nuser=u\npassword=x\n", NULL);
	g_autoptr(RvProfile) on = load("[connection]\ngateway=g\n[ipsec]\npsk=k\n"
				       "allow-legacy=true\n[ppp]\nuser=u\npassword=x\n", NULL);

	assert_non_null(off);
	assert_false(off->allow_legacy);
	assert_non_null(on);
	assert_true(on->allow_legacy);
	expect_invalid("[connection]\ngateway=g\n[ipsec]\npsk=k\nallow-legacy=maybe\n"
		       "[ppp]\nuser=u\npassword=x\n", "allow-legacy");
}

/* [ip] kill-switch and allow-lan: off by default; allow-lan only with the kill switch. */
static void test_kill_switch(void **state)
{
	g_autoptr(RvProfile) off = load("[connection]\ngateway=g\n[ppp]\nuser=u\n", NULL);
	g_autoptr(RvProfile) on = load("[connection]\ngateway=g\n[ppp]\nuser=u\n"
				       "[ip]\nkill-switch=true\nallow-lan=true\n", NULL);

	assert_non_null(off);
	assert_false(off->kill_switch);
	assert_false(off->allow_lan);
	assert_non_null(on);
	assert_true(on->kill_switch);
	assert_true(on->allow_lan);
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nallow-lan=true\n",
		       "[ip] allow-lan");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nkill-switch=on\n",
		       "kill-switch");
}

static void test_pkcs12_needs_its_password(void **state)
{
	g_autoptr(RvProfile) p = load("[connection]\ngateway=g\n[ipsec]\nauth=cert\n"
				      "cert=/etc/roadvpn/me.p12\nca=/etc/roadvpn/ca.pem\n"
				      "allow-wildcard=true\n[ppp]\nuser=u\npassword=x\n",
				      NULL);
	g_auto(GStrv) missing = NULL;

	assert_non_null(p);
	assert_true(p->allow_wildcard);
	missing = profile_missing_secrets(p);
	/* No PSK with certificates, but the bundle's password. */
	assert_string_equal(missing[0], "key-password");
	assert_null(missing[1]);
	assert_true(profile_set_secret(p, "key-password", "test", NULL));
	g_strfreev(missing);
	missing = profile_missing_secrets(p);
	assert_null(missing[0]);
}

static void test_invalid_fields_are_named(void **state)
{
	expect_invalid("[ppp]\nuser=u\n", "[connection] gateway");
	expect_invalid("[connection]\ngateway=g\n", "[ppp] user");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\nauth=mschap\n", "unknown method 'mschap'");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\nmtu=99999\n", "[ppp] mtu");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\nmtu=-1\n", "[ppp] mtu");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\ndefault-rout=true\n",
		       "[ip] default-rout: unknown key");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[bogus]\nx=1\n", "[bogus]");
	expect_invalid("[connection]\ngateway=g\nreconnect=maybe\n[ppp]\nuser=u\n", "true or false");
	expect_invalid("[connection]\ngateway=g\n[ipsec]\nauth=xauth\n[ppp]\nuser=u\n", "[ipsec] auth");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nroutes=10.0.0.1/8\n", "host bits");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nroutes=10.0.0.0/33\n", "prefix");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nroutes=vpn.example\n", "not an IPv4");
	expect_invalid("[connection]\ngateway=g\ninterface=a/b\n[ppp]\nuser=u\n", "interface");
	expect_invalid("[connection]\ngateway=g\n[ipsec]\nforce-encap=true\nnat-traversal=false\n"
		       "[ppp]\nuser=u\n", "nat-traversal");
	expect_invalid("[ppp\nuser=u\n", "not a valid profile");
	expect_invalid("\x01\x02\xff\xfe", "not a valid profile");
}

static void test_error_never_contains_secret(void **state)
{
	g_autoptr(GError) error = NULL;
	struct profile *p = load("[connection]\ngateway=g\n[ppp]\nuser=u\npassword=TopSecret1\n"
				 "mtu=TopSecret2\n",
				 &error);

	assert_null(p);
	assert_null(strstr(error->message, "TopSecret1"));
}

static void test_missing_file(void **state)
{
	g_autoptr(GError) error = NULL;

	assert_null(profile_load_file("/nonexistent/roadvpn.conf", &error));
	assert_true(g_error_matches(error, PROFILE_ERROR, PROFILE_ERROR_IO));
}

static void test_too_many_routes(void **state)
{
	g_autoptr(GString) s = g_string_new("[connection]\ngateway=g\n[ppp]\nuser=u\n[ip]\nroutes=");

	for (int i = 0; i < PROFILE_MAX_ROUTES + 1; i++)
		g_string_append_printf(s, "%s10.%d.0.0/16", i ? "," : "", i);
	g_string_append(s, "\n");
	expect_invalid(s->str, "more than");
}

/* Hostile and careless files (issue 13): each of these passed or leaked before. */

static const char base[] = "[connection]\ngateway=vpn.example.com\n[ppp]\nuser=u\n";

static char *with(const char *extra)
{
	return g_strconcat(base, extra, NULL);
}

static void test_duplicates_refused(void **state)
{
	g_autofree char *key = g_strconcat("[connection]\ngateway=g\n[ipsec]\npsk=A\npsk=B\n"
					   "[ppp]\nuser=u\n", NULL);
	g_autofree char *group = with("[ppp]\npassword=Hunter2\n");

	expect_invalid(key, "line 5: [ipsec] psk again (first on line 4)");
	expect_invalid(group, "line 5: [ppp] again (first on line 3)");
	expect_invalid("[connection]\ngateway=a\ngateway = b\n[ppp]\nuser=u\n",
		       "[connection] gateway again");
}

static void test_bad_line_not_echoed(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = with("password: Hunter2\n");

	assert_null(load(text, &error));
	assert_non_null(strstr(error->message, "line 5"));
	assert_null(strstr(error->message, "Hunter2"));
	g_clear_error(&error);
	assert_null(load("[connection]\ngateway=g\n[ppp]\nuser=u\nHunter2=x\n", &error));
	assert_non_null(strstr(error->message, "line 5"));
	g_clear_error(&error);
	assert_null(load("[connection]\ngateway=g\n[Hunter2 x]\n", &error));
	assert_null(strstr(error->message, "Hunter2"));
}

static void test_size_bounds(void **state)
{
	g_autoptr(GError) error = NULL;
	size_t big = 20u << 20;
	g_autofree char *huge = g_malloc(big);
	g_autofree char *filler = g_strnfill(PROFILE_MAX_VALUE + 1, 'x');
	g_autofree char *long_value = with("[l2tp]\nhostname=");
	g_autofree char *text = g_strconcat(long_value, filler, "\n", NULL);

	memset(huge, '#', big);
	assert_null(profile_load_data(huge, big, &error));
	assert_non_null(strstr(error->message, "more than the limit of 65536"));
	expect_invalid(text, "line 6: [l2tp] hostname: the value is longer than 4096 bytes");
}

static void test_field_checks(void **state)
{
	expect_invalid("[connection]\ngateway=vpn..example\n[ppp]\nuser=u\n", "[connection] gateway");
	expect_invalid("[connection]\ngateway=-vpn\n[ppp]\nuser=u\n", "[connection] gateway");
	expect_invalid("[connection]\ngateway=10.1.2\n[ppp]\nuser=u\n", "[connection] gateway");
	expect_invalid("[connection]\ngateway=vpn example\n[ppp]\nuser=u\n", "[connection] gateway");
	expect_invalid("[connection]\ngateway=2001:db8::1\n[ppp]\nuser=u\n", "IPv6");
	expect_invalid("[connection]\ngateway=g\ninterface=eth0:1\n[ppp]\nuser=u\n",
		       "[connection] interface");
	expect_invalid("[connection]\ngateway=g\ninterface=rv%s\n[ppp]\nuser=u\n",
		       "[connection] interface");
	expect_invalid("[connection]\ngateway=vpn\xff.example\n[ppp]\nuser=u\n",
		       "line 2: [connection] gateway: not valid UTF-8");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=\xc3\n", "[ppp] user: not valid UTF-8");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=a\\nb\n", "[ppp] user: a control");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=a\\qb\n", "[ppp] user: a backslash");
	expect_invalid("[connection]\ngateway=g\n[ppp]\nuser=u\x01\n", "[ppp] user: a control");

	g_autoptr(RvProfile) ok = load("[connection]\ngateway=vpn-1.example.com.\ninterface=rv%d\n"
				       "[ppp]\nuser=u\n", NULL);
	assert_non_null(ok);
	g_autoptr(RvProfile) ip = load("[connection]\ngateway=198.51.100.1\n[ppp]\nuser=u\n", NULL);
	assert_non_null(ip);
}

/* Stored secrets are taken as written: no escapes, so nothing changes them silently. */
static void test_secret_rule(void **state)
{
	g_autofree char *spaced = with("password =   se cret  \r\n");
	g_autoptr(RvProfile) p = load(spaced, NULL);
	size_t len;

	assert_non_null(p);
	assert_int_equal(rv_secret_len(p->password), 7);
	assert_memory_equal(rv_secret_reveal(p->password, &len), "se cret", 7);
	expect_invalid("[connection]\ngateway=g\n[ipsec]\npsk=a\\sb\n[ppp]\nuser=u\n",
		       "[ipsec] psk: a stored secret cannot hold a backslash");
	expect_invalid("[connection]\ngateway=g\n[ipsec]\npsk=a\tb\n[ppp]\nuser=u\n",
		       "[ipsec] psk: a stored secret");
}

static void test_key_password_is_a_secret(void **state)
{
	g_autofree char *text = with("[ipsec]\nauth=cert\ncert=/c.pem\nkey=/k.pem\nca=/ca.pem\n"
				     "key-password=Unlock1\nkey-password-flags=ask\n");
	g_autoptr(GKeyFile) kf = profile_keyfile_parse(text, strlen(text), G_KEY_FILE_NONE, NULL);
	g_auto(GStrv) stored = NULL;
	g_autofree char *pub = NULL;
	const struct profile_secret_key *k = profile_secret_named("key-password");

	assert_non_null(k);
	assert_ptr_equal(profile_secret_at("ipsec", "key-password"), k);
	assert_string_equal(k->flag_key, "key-password-flags");
	assert_non_null(kf);
	pub = profile_public_text(kf, &stored);
	assert_null(strstr(pub, "Unlock1"));
	assert_non_null(strstr(pub, "key-password-flags=ask"));
	assert_true(g_strv_contains((const char *const *)stored, "key-password"));

	/* Asked for at connect time, even for a PEM key, when its flag says so. */
	g_autofree char *asked = with("[ipsec]\nauth=cert\ncert=/c.pem\nkey=/k.pem\nca=/ca.pem\n"
				      "key-password-flags=ask\n");
	g_autoptr(RvProfile) p = NULL;
	g_auto(GStrv) missing = NULL;

	p = load(asked, NULL);
	assert_non_null(p);
	missing = profile_missing_secrets(p);
	assert_string_equal(missing[0], "key-password");
}

static void test_public_text_allow_list(void **state)
{
	const char *text = "# psk was Hunter0\n[connection]\ngateway=g\n[ipsec]\npsk=Hunter1\n"
			   "psk-flags=stored\n[l2tp]\nsecret=Hunter2\n[ppp]\nuser=u\n"
			   "# old password=Hunter3\npassword=Hunter4\n";
	g_autoptr(GKeyFile) kf = profile_keyfile_parse(text, strlen(text),
						       G_KEY_FILE_KEEP_COMMENTS, NULL);
	g_auto(GStrv) stored = NULL;
	g_autofree char *pub = NULL;

	assert_non_null(kf);
	pub = profile_public_text(kf, &stored);
	assert_null(strstr(pub, "Hunter"));
	assert_non_null(strstr(pub, "user=u"));
	assert_non_null(strstr(pub, "psk-flags=stored"));
	assert_int_equal(g_strv_length(stored), 3);
}

static void test_edits(void **state)
{
	g_autoptr(GKeyFile) kf = profile_keyfile_parse(base, strlen(base), G_KEY_FILE_NONE, NULL);
	static const char *const bad[][2] = {
		{ "ppp", "user " }, { "ppp", "us=er" }, { "pp]p", "user" }, { "ppp", "user\n" },
		{ "ppp", "nosuch" }, { "nosuch", "user" },
	};
	g_autofree char *v = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;

		assert_false(profile_keyfile_set(kf, bad[i][0], bad[i][1], "x", &error));
		assert_non_null(error);
		assert_null(strchr(error->message, '\n'));
	}
	assert_false(profile_keyfile_set(kf, "ppp", "password", "a\\b", NULL));
	assert_false(profile_keyfile_set(kf, "ppp", "password", " lead", NULL));
	assert_false(profile_keyfile_set(kf, "ppp", "user", "a\nb", NULL));
	assert_true(profile_keyfile_set(kf, "ppp", "password", "p=w#rd;x", NULL));
	v = g_key_file_get_value(kf, "ppp", "password", NULL);
	assert_string_equal(v, "p=w#rd;x");
	assert_true(profile_keyfile_set(kf, "ppp", "password", "", NULL));
	assert_false(g_key_file_has_key(kf, "ppp", "password", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_profile),
		cmocka_unit_test(test_defaults_are_safe),
		cmocka_unit_test(test_secrets_supplied_later),
		cmocka_unit_test(test_pkcs12_needs_its_password),
		cmocka_unit_test(test_allow_legacy),
		cmocka_unit_test(test_kill_switch),
		cmocka_unit_test(test_invalid_fields_are_named),
		cmocka_unit_test(test_error_never_contains_secret),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_too_many_routes),
		cmocka_unit_test(test_duplicates_refused),
		cmocka_unit_test(test_bad_line_not_echoed),
		cmocka_unit_test(test_size_bounds),
		cmocka_unit_test(test_field_checks),
		cmocka_unit_test(test_secret_rule),
		cmocka_unit_test(test_key_password_is_a_secret),
		cmocka_unit_test(test_public_text_allow_list),
		cmocka_unit_test(test_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
