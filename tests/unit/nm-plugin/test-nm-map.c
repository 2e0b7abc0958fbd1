/*
 * The vpn.data <-> profile table: every key both ways, defaults, secrets
 * and their flags, and bad values rejected with the field named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rv-nm-map.h"

/* One row per table key: a non-default vpn.data value and its profile form. */
static const struct {
	const char *nm_key, *nm_value, *group, *key, *profile_value;
} cases[] = {
	{ "gateway", "vpn.example.com", "connection", "gateway", "vpn.example.com" },
	{ "user", "alice", "ppp", "user", "alice" },
	{ "reconnect", "no", "connection", "reconnect", "false" },
	{ "ipsec-enabled", "no", "ipsec", "enabled", "false" },
	{ "machine-auth-type", "tls", "ipsec", "auth", "cert" },
	{ "machine-ca", "/etc/ssl/ca.pem", "ipsec", "ca", "/etc/ssl/ca.pem" },
	{ "machine-cert", "/etc/ssl/me.pem", "ipsec", "cert", "/etc/ssl/me.pem" },
	{ "machine-key", "/etc/ssl/me.key", "ipsec", "key", "/etc/ssl/me.key" },
	{ "ipsec-remote-id", "CN=vpn.example.com", "ipsec", "remote-id", "CN=vpn.example.com" },
	{ "ipsec-allow-wildcard", "yes", "ipsec", "allow-wildcard", "true" },
	{ "ipsec-local-id", "GroupVPN", "ipsec", "local-id", "GroupVPN" },
	{ "ipsec-mode", "aggressive", "ipsec", "mode", "aggressive" },
	{ "ipsec-ike", "aes256-sha256-modp2048,aes128-sha1-ecp256", "ipsec", "ike",
	  "aes256-sha256-modp2048,aes128-sha1-ecp256" },
	{ "ipsec-esp", "aes256-sha1", "ipsec", "esp", "aes256-sha1" },
	{ "ipsec-pfs-group", "modp2048", "ipsec", "pfs", "modp2048" },
	{ "ipsec-allow-legacy", "yes", "ipsec", "allow-legacy", "true" },
	{ "ipsec-nat-traversal", "no", "ipsec", "nat-traversal", "false" },
	{ "ipsec-forceencaps", "yes", "ipsec", "force-encap", "true" },
	{ "ipsec-ikelifetime", "3600", "ipsec", "ike-lifetime", "3600" },
	{ "ipsec-salifetime", "1800", "ipsec", "esp-lifetime", "1800" },
	{ "ipsec-dpd-delay", "15", "ipsec", "dpd-delay", "15" },
	{ "l2tp-hostname", "laptop", "l2tp", "hostname", "laptop" },
	{ "refuse-mschapv2", "yes", "ppp", "auth", "chap" },
	{ "refuse-chap", "yes", "ppp", "auth", "mschapv2" },
	{ "refuse-pap", "no", "ppp", "auth", "mschapv2,chap,pap" },
	{ "mtu", "1400", "ppp", "mtu", "1400" },
	{ "mru", "1380", "ppp", "mru", "1380" },
	{ "ipv6", "off", "ip", "ipv6", "off" },
	{ "password-flags", "1", "ppp", "password-flags", "ask" },
	{ "ipsec-psk-flags", "1", "ipsec", "psk-flags", "ask" },
	{ "l2tp-secret-flags", "0", NULL, NULL, NULL },
	{ "machine-certpass-flags", "0", NULL, NULL, NULL },
};

static GHashTable *base_data(void)
{
	GHashTable *d = rv_nm_table_new();

	g_hash_table_insert(d, g_strdup("gateway"), g_strdup("vpn.example.com"));
	g_hash_table_insert(d, g_strdup("user"), g_strdup("alice"));
	return d;
}

static void put(GHashTable *d, const char *k, const char *v)
{
	g_hash_table_insert(d, g_strdup(k), g_strdup(v));
}

static GKeyFile *keyfile_from(const char *text)
{
	GKeyFile *kf = g_key_file_new();

	g_key_file_set_list_separator(kf, ',');
	assert_true(g_key_file_load_from_data(kf, text, strlen(text), G_KEY_FILE_NONE, NULL));
	return kf;
}

static void test_table_is_covered(void **state)
{
	size_t n;
	const struct rv_nm_key *k = rv_nm_keys(&n);

	assert_int_equal(n, G_N_ELEMENTS(cases));
	for (size_t i = 0; i < n; i++) {
		gboolean found = FALSE;

		for (size_t j = 0; j < G_N_ELEMENTS(cases); j++)
			found |= !strcmp(cases[j].nm_key, k[i].nm_key);
		if (!found)
			fail_msg("no test case for vpn.data key %s", k[i].nm_key);
	}
}

static void test_every_key_to_profile(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GHashTable) d = base_data();
		g_autoptr(GError) error = NULL;
		g_autoptr(GKeyFile) kf = NULL;
		g_autofree char *v = NULL;

		put(d, cases[i].nm_key, cases[i].nm_value);
		kf = rv_nm_data_to_keyfile(d, &error);
		if (!kf)
			fail_msg("%s=%s: %s", cases[i].nm_key, cases[i].nm_value, error->message);
		if (!cases[i].group)
			continue;
		v = g_key_file_get_string(kf, cases[i].group, cases[i].key, NULL);
		if (!v || strcmp(v, cases[i].profile_value))
			fail_msg("%s=%s gave [%s] %s=%s, expected %s", cases[i].nm_key,
				 cases[i].nm_value, cases[i].group, cases[i].key, v ? v : "(none)",
				 cases[i].profile_value);
	}
}

static void test_every_key_from_profile(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = NULL;
		g_autoptr(GKeyFile) kf = NULL;
		g_autoptr(GHashTable) d = NULL;
		g_autoptr(GError) error = NULL;
		const char *v;

		if (!cases[i].group)
			continue;
		text = g_strdup_printf("[connection]\ngateway=vpn.example.com\n[ppp]\nuser=alice\n"
				       "[%s]\n%s=%s\n", cases[i].group, cases[i].key,
				       cases[i].profile_value);
		kf = keyfile_from(text);
		d = rv_nm_keyfile_to_data(kf, NULL, &error);
		if (!d)
			fail_msg("[%s] %s=%s: %s", cases[i].group, cases[i].key,
				 cases[i].profile_value, error->message);
		v = g_hash_table_lookup(d, cases[i].nm_key);
		if (!v || strcmp(v, cases[i].nm_value))
			fail_msg("[%s] %s=%s gave %s=%s, expected %s", cases[i].group, cases[i].key,
				 cases[i].profile_value, cases[i].nm_key, v ? v : "(none)",
				 cases[i].nm_value);
	}
}

/* Absent keys mean the profile's defaults on both sides: nothing is written. */
static void test_defaults_write_nothing(void **state)
{
	g_autoptr(GHashTable) d = base_data();
	g_autoptr(GKeyFile) kf = rv_nm_data_to_keyfile(d, NULL);
	g_autoptr(GHashTable) back = NULL;
	g_auto(GStrv) groups = NULL;

	assert_non_null(kf);
	assert_false(g_key_file_has_key(kf, "ppp", "auth", NULL));
	assert_false(g_key_file_has_group(kf, "ipsec"));
	back = rv_nm_keyfile_to_data(kf, NULL, NULL);
	assert_non_null(back);
	assert_int_equal(g_hash_table_size(back), 2);
	groups = g_key_file_get_groups(kf, NULL);
	assert_int_equal(g_strv_length(groups), 2);
}

/* A PAP-only profile must keep PAP allowed and the others refused. */
static void test_refuse_round_trip(void **state)
{
	g_autoptr(GKeyFile) kf = keyfile_from("[connection]\ngateway=192.0.2.1\n"
					      "[ppp]\nuser=bob\nauth=pap\n");
	g_autoptr(GHashTable) d = rv_nm_keyfile_to_data(kf, NULL, NULL);
	g_autoptr(GKeyFile) again = NULL;
	g_autofree char *auth = NULL;

	assert_non_null(d);
	assert_string_equal(g_hash_table_lookup(d, "refuse-mschapv2"), "yes");
	assert_string_equal(g_hash_table_lookup(d, "refuse-chap"), "yes");
	assert_string_equal(g_hash_table_lookup(d, "refuse-pap"), "no");
	again = rv_nm_data_to_keyfile(d, NULL);
	auth = g_key_file_get_string(again, "ppp", "auth", NULL);
	assert_string_equal(auth, "pap");
}

static void expect_data_error(const char *key, const char *value, const char *needle)
{
	g_autoptr(GHashTable) d = base_data();
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) kf = NULL;

	if (value)
		put(d, key, value);
	else
		g_hash_table_remove(d, key);
	kf = rv_nm_data_to_keyfile(d, &error);
	if (kf)
		fail_msg("%s=%s was accepted", key, value ? value : "(absent)");
	if (!strstr(error->message, needle))
		fail_msg("error '%s' does not say '%s'", error->message, needle);
}

static void test_bad_values_name_the_field(void **state)
{
	expect_data_error("gateway", NULL, "vpn.data gateway: missing");
	expect_data_error("user", NULL, "vpn.data user: missing");
	expect_data_error("gateway", "bad host!", "vpn.data gateway: 'bad host!' is not a host");
	expect_data_error("gateway", "-a.example.com", "vpn.data gateway:");
	expect_data_error("gateway", "1.2.3.999", "vpn.data gateway:");
	expect_data_error("user", "al\nice", "vpn.data user: has control characters");
	expect_data_error("user", "\xff\xfe", "vpn.data user: has control characters or is not UTF-8");
	expect_data_error("user", " ", "vpn.data user: has leading or trailing spaces");
	expect_data_error("reconnect", "maybe", "vpn.data reconnect: 'maybe' is not yes or no");
	expect_data_error("ipsec-enabled", "1", "vpn.data ipsec-enabled:");
	expect_data_error("machine-auth-type", "cert", "vpn.data machine-auth-type: 'cert' is not "
			  "one of psk, tls");
	expect_data_error("machine-ca", "ca.pem", "vpn.data machine-ca: 'ca.pem' is not an absolute");
	expect_data_error("ipsec-ike", "aes256 sha1", "vpn.data ipsec-ike: not a comma list");
	expect_data_error("ipsec-esp", "aes,,sha1", "vpn.data ipsec-esp:");
	expect_data_error("ipsec-ikelifetime", "3h", "vpn.data ipsec-ikelifetime: '3h' is not a "
			  "number from 60 to 86400");
	expect_data_error("ipsec-salifetime", "5", "vpn.data ipsec-salifetime:");
	expect_data_error("ipsec-dpd-delay", "-1", "vpn.data ipsec-dpd-delay:");
	expect_data_error("mtu", "70000", "vpn.data mtu: '70000' is not a number from 576 to 1500");
	expect_data_error("mru", "99999999999", "vpn.data mru:");
	expect_data_error("ipv6", "on", "vpn.data ipv6: 'on' is not one of auto, off");
	expect_data_error("ipsec-mode", "quick", "vpn.data ipsec-mode:");
	expect_data_error("password-flags", "8", "vpn.data password-flags: '8' is not secret flags");
	expect_data_error("refuse-pap", "sometimes", "vpn.data refuse-pap:");
	expect_data_error("ipsec-psk", "secret", "vpn.data ipsec-psk: unknown key");
	{
		g_autofree char *long_id = g_strnfill(256, 'x');

		expect_data_error("ipsec-remote-id", long_id, "longer than 255 bytes");
	}
}

static void test_all_methods_refused(void **state)
{
	g_autoptr(GHashTable) d = base_data();
	g_autoptr(GError) error = NULL;

	put(d, "refuse-mschapv2", "yes");
	put(d, "refuse-chap", "yes");
	assert_null(rv_nm_data_to_keyfile(d, &error));
	assert_non_null(strstr(error->message, "every PPP method is refused"));
}

static void expect_profile_error(const char *text, const char *needle)
{
	g_autoptr(GKeyFile) kf = keyfile_from(text);
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) d = rv_nm_keyfile_to_data(kf, NULL, &error);

	assert_null(d);
	if (!strstr(error->message, needle))
		fail_msg("error '%s' does not say '%s'", error->message, needle);
}

static void test_bad_profile_names_the_field(void **state)
{
	expect_profile_error("[connection]\ngateway=gw\n[ppp]\nuser=a\nmtu=9000\n",
			     "[ppp] mtu: '9000' is not a number from 576 to 1500");
	expect_profile_error("[connection]\ngateway=gw\n[ppp]\nuser=a\nauth=mschap\n",
			     "[ppp] auth: unknown method");
	expect_profile_error("[connection]\ngateway=gw\n[ipsec]\nauth=rsa\n[ppp]\nuser=a\n",
			     "[ipsec] auth: 'rsa' is not valid");
	expect_profile_error("[connection]\ngateway=gw\n[ipsec]\npsk-flags=never\n[ppp]\nuser=a\n",
			     "[ipsec] psk-flags:");
	expect_profile_error("[connection]\ngateway=gw\n[ipsec]\nenabled=perhaps\n[ppp]\nuser=a\n",
			     "[ipsec] enabled:");
	expect_profile_error("[ppp]\nuser=a\n", "vpn.data gateway: missing");
}

/* A profile without a user (an imported .pbk) is taken; connecting it is not. */
static void test_profile_without_user(void **state)
{
	g_autoptr(GKeyFile) kf = keyfile_from("[connection]\ngateway=gw\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) d = rv_nm_keyfile_to_data(kf, NULL, &error);
	g_autoptr(GKeyFile) back = NULL;

	assert_non_null(d);
	assert_null(g_hash_table_lookup(d, "user"));
	back = rv_nm_data_to_keyfile(d, &error);
	assert_null(back);
	assert_string_equal(error->message, "vpn.data user: missing");
}

static void test_secrets(void **state)
{
	g_autoptr(GKeyFile) kf = keyfile_from("[connection]\ngateway=gw\n"
					      "[ipsec]\npsk=sekrit\npsk-flags=stored\n"
					      "[l2tp]\nsecret=tun\n[ppp]\nuser=a\npassword=pw\n");
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GHashTable) d = rv_nm_keyfile_to_data(kf, &secrets, NULL);
	g_auto(GStrv) needed = NULL;
	g_autoptr(GKeyFile) out = NULL;
	g_autofree char *text = NULL;

	assert_non_null(d);
	assert_string_equal(g_hash_table_lookup(secrets, "ipsec-psk"), "sekrit");
	assert_string_equal(g_hash_table_lookup(secrets, "password"), "pw");
	assert_string_equal(g_hash_table_lookup(secrets, "l2tp-secret"), "tun");
	assert_string_equal(g_hash_table_lookup(d, "ipsec-psk-flags"), "0");
	assert_string_equal(g_hash_table_lookup(d, "l2tp-secret-flags"), "0");
	needed = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(needed), 3);
	assert_string_equal(rv_nm_secret_option("ipsec-psk"), "psk");
	assert_string_equal(rv_nm_secret_option("password"), "password");
	assert_string_equal(rv_nm_secret_option("l2tp-secret"), "l2tp-secret");
	assert_null(rv_nm_secret_option("user"));

	/* The profile for roadvpnd never carries a secret. */
	out = rv_nm_data_to_keyfile(d, NULL);
	text = g_key_file_to_data(out, NULL, NULL);
	assert_null(strstr(text, "sekrit"));
	assert_non_null(strstr(text, "psk-flags=ask"));
}

static void test_needed_secrets(void **state)
{
	g_autoptr(GHashTable) d = base_data();
	g_auto(GStrv) a = NULL, b = NULL, c = NULL, e = NULL;

	a = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(a), 2);
	assert_string_equal(a[0], "password");
	assert_string_equal(a[1], "ipsec-psk");

	put(d, "machine-auth-type", "tls");
	b = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(b), 1);

	put(d, "machine-auth-type", "psk");
	put(d, "ipsec-enabled", "no");
	put(d, "password-flags", "4");
	c = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(c), 0);

	put(d, "machine-certpass-flags", "0");   /* not in PSK mode (and IPsec is off) */
	put(d, "l2tp-secret-flags", "1");
	e = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(e), 1);
	assert_string_equal(e[0], "l2tp-secret");
	assert_int_equal(rv_nm_secret_flags(d, "l2tp-secret"), RV_NM_FLAG_AGENT_OWNED);
	assert_int_equal(rv_nm_secret_flags(d, "ipsec-psk"), RV_NM_FLAG_NONE);
}

static void test_key_password(void **state)
{
	g_autoptr(GKeyFile) kf = keyfile_from("[connection]\ngateway=gw\n[ipsec]\nauth=cert\n"
					      "ca=/ca.pem\ncert=/me.pem\nkey=/me.key\n"
					      "key-password=kp\n[ppp]\nuser=a\n");
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GHashTable) d = rv_nm_keyfile_to_data(kf, &secrets, NULL);
	g_auto(GStrv) needed = NULL;

	assert_non_null(d);
	assert_string_equal(g_hash_table_lookup(secrets, "machine-certpass"), "kp");
	assert_string_equal(g_hash_table_lookup(d, "machine-certpass-flags"), "0");
	needed = rv_nm_needed_secrets(d);
	assert_int_equal(g_strv_length(needed), 2);
	assert_string_equal(needed[1], "machine-certpass");
	assert_string_equal(rv_nm_secret_option("machine-certpass"), "key-password");
}

static void test_hosts(void **state)
{
	const char *good[] = { "vpn.example.com", "192.0.2.1", "2001:db8::1", "gw", "a-b.c.",
			       "xn--bcher-kva.example" };
	const char *bad[] = { "", "a..b", "exa mple", "a_b.com", "300.1.1.1", "1.2.3",
			      "-x", "x-", "http://gw" };

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		if (!rv_nm_check_value("gateway", good[i], NULL))
			fail_msg("'%s' rejected", good[i]);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (rv_nm_check_value("gateway", bad[i], NULL))
			fail_msg("'%s' accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_covered),
		cmocka_unit_test(test_every_key_to_profile),
		cmocka_unit_test(test_every_key_from_profile),
		cmocka_unit_test(test_defaults_write_nothing),
		cmocka_unit_test(test_refuse_round_trip),
		cmocka_unit_test(test_bad_values_name_the_field),
		cmocka_unit_test(test_all_methods_refused),
		cmocka_unit_test(test_bad_profile_names_the_field),
		cmocka_unit_test(test_profile_without_user),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_needed_secrets),
		cmocka_unit_test(test_key_password),
		cmocka_unit_test(test_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
