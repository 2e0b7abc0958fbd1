/* roadvpn-gtk's parts that are not widgets: text for numbers, the rate sampler, the form checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rg-format.h"
#include "rg-hints.h"
#include "rg-settings.h"

static void expect_text(char *got, const char *want)
{
	if (strcmp(got, want))
		fail_msg("got '%s', want '%s'", got, want);
	g_free(got);
}

static void test_bytes(void **state)
{
	expect_text(rg_format_bytes(0), "0 B");
	expect_text(rg_format_bytes(999), "999 B");
	expect_text(rg_format_bytes(1000), "1.0 kB");
	expect_text(rg_format_bytes(1540), "1.5 kB");
	expect_text(rg_format_bytes(9949), "9.9 kB");
	expect_text(rg_format_bytes(12345), "12 kB");
	expect_text(rg_format_bytes(999499), "999 kB");
	expect_text(rg_format_bytes(999500), "1.0 MB");
	expect_text(rg_format_bytes(3400000), "3.4 MB");
	expect_text(rg_format_bytes(UINT64_C(5) * 1000 * 1000 * 1000 * 1000), "5.0 TB");
	expect_text(rg_format_bytes(UINT64_MAX), "18447 PB");
}

static void test_rate(void **state)
{
	expect_text(rg_format_rate(0), "0 B/s");
	expect_text(rg_format_rate(-5), "0 B/s");
	expect_text(rg_format_rate(0.0 / 0.0), "0 B/s");
	expect_text(rg_format_rate(1.0 / 0.0), "0 B/s");
	expect_text(rg_format_rate(512.4), "512 B/s");
	expect_text(rg_format_rate(125000), "125 kB/s");
	expect_text(rg_format_rate(1.26e6), "1.3 MB/s");
}

static void test_duration(void **state)
{
	expect_text(rg_format_duration(-3), "0 s");
	expect_text(rg_format_duration(45), "45 s");
	expect_text(rg_format_duration(192), "3 min 12 s");
	expect_text(rg_format_duration(2 * 3600 + 5 * 60 + 59), "2 h 05 min");
	expect_text(rg_format_duration(3 * 86400 + 4 * 3600), "3 d 04 h");
}

static void test_rates_window(void **state)
{
	struct rg_rates r;
	int64_t t = 1000000;

	rg_rates_reset(&r);
	rg_rates_add(&r, 100, 10, t);
	assert_null(rg_rates_latest(&r));
	/* 2000 bytes in and 500 out over half a second. */
	rg_rates_add(&r, 2100, 510, t + 500000);
	assert_int_equal(r.count, 1);
	assert_true(rg_rates_latest(&r)->in == 4000.0);
	assert_true(rg_rates_latest(&r)->out == 1000.0);
	/* The same instant again adds nothing and divides by nothing. */
	rg_rates_add(&r, 5000, 600, t + 500000);
	assert_int_equal(r.count, 1);
	/* More than a window: only the newest RG_RATE_WINDOW stay, oldest first. */
	for (int i = 1; i <= RG_RATE_WINDOW + 5; i++)
		rg_rates_add(&r, 2100 + (uint64_t)i * i, 510, t + 500000 + (int64_t)i * 1000000);
	assert_int_equal(r.count, RG_RATE_WINDOW);
	assert_true(rg_rates_get(&r, 0)->in == 2.0 * 6 - 1);
	assert_true(rg_rates_latest(&r)->in == 2.0 * (RG_RATE_WINDOW + 5) - 1);
	assert_true(rg_rates_peak(&r) == rg_rates_latest(&r)->in);
}

static void test_rates_counter_reset(void **state)
{
	struct rg_rates r;

	rg_rates_reset(&r);
	rg_rates_add(&r, 1000000, 1000000, 1000000);
	rg_rates_add(&r, 2000000, 1500000, 2000000);
	assert_int_equal(r.count, 1);
	/* A reconnect starts the counters over: no negative (or huge) rate. */
	rg_rates_add(&r, 100, 50, 3000000);
	assert_int_equal(r.count, 0);
	rg_rates_add(&r, 1100, 50, 4000000);
	assert_int_equal(r.count, 1);
	assert_true(rg_rates_latest(&r)->in == 1000.0);
	assert_true(rg_rates_peak(&r) == 1000.0);
	rg_rates_reset(&r);
	assert_true(rg_rates_peak(&r) == 1.0);
}

static const char *check(const char *section, const char *key, const char *value)
{
	const struct rg_setting *s = rg_settings_find(section, key);

	if (!s)
		fail_msg("no setting %s.%s", section, key);
	return rg_setting_validate(s, value);
}

static void test_settings_checks(void **state)
{
	assert_non_null(check("connection", "gateway", ""));
	assert_null(check("connection", "gateway", "vpn.example.com"));
	assert_null(check("connection", "gateway", "198.51.100.1"));
	assert_non_null(check("connection", "gateway", "198.51.100.300"));
	assert_non_null(check("connection", "gateway", "vpn..example.com"));
	assert_non_null(check("connection", "gateway", "vpn example"));
	assert_non_null(check("ppp", "user", ""));
	assert_null(check("ppp", "mtu", "1400"));
	assert_non_null(check("ppp", "mtu", "575"));
	assert_non_null(check("ppp", "mtu", "14x"));
	assert_null(check("ip", "routes", "10.0.0.0/8, 192.0.2.0/24,198.51.100.7"));
	assert_non_null(check("ip", "routes", "10.0.0.0/33"));
	assert_non_null(check("ip", "routes", "10.0.0.0/8,"));
	assert_null(check("ppp", "auth", "mschapv2,pap"));
	assert_non_null(check("ppp", "auth", ""));
	assert_non_null(check("ppp", "auth", "eap"));
	assert_null(check("ipsec", "auth", "cert"));
	assert_non_null(check("ipsec", "auth", "rsa"));
	assert_null(check("ipsec", "ike", "aes256-sha256-modp2048,3des-sha1-modp1024"));
	assert_non_null(check("ipsec", "ike", "aes256 sha1"));
	assert_non_null(check("connection", "interface", "a-very-long-ifname"));
	assert_null(check("debug", "log", "l2tp, ppp"));
	assert_non_null(check("debug", "log", "everything"));
	assert_null(rg_check_profile_name("office-2.vpn"));
	assert_non_null(rg_check_profile_name(".hidden"));
	assert_non_null(rg_check_profile_name("my office"));
	assert_non_null(rg_check_profile_name(""));
}

/*
 * The keys of docs/profile.md's table ("| section | key | default | meaning |"),
 * as "section.key"; a row may name several keys ("local-id, remote-id").
 */
static GHashTable *documented_keys(void)
{
	const char *src = g_getenv("ROADVPN_SOURCE_DIR");
	g_autofree char *path = NULL, *text = NULL;
	g_auto(GStrv) lines = NULL;
	GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (!src)
		fail_msg("ROADVPN_SOURCE_DIR is not set (meson test sets it)");
	path = g_build_filename(src, "docs", "profile.md", NULL);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		g_auto(GStrv) cells = g_str_has_prefix(*l, "| ") ? g_strsplit(*l + 2, " | ", 3) : NULL;
		g_auto(GStrv) names = NULL;

		if (!cells || g_strv_length(cells) < 3 || !strcmp(cells[0], "section") ||
		    g_str_has_prefix(cells[0], "---"))
			continue;
		names = g_strsplit(cells[1], ",", -1);
		for (char **k = names; *k; k++)
			g_hash_table_add(keys, g_strdup_printf("%s.%s", cells[0], g_strstrip(*k)));
	}
	return keys;
}

/*
 * Keys without a row of their own: the profile's name (the editor's name
 * field) and the ask/stored flags of the secrets, each the choice beside its
 * secret. A new key is not listed here: it needs a row, or a reason added to
 * this list.
 */
static bool covered_elsewhere(const char *section, const char *key)
{
	static const char *const not_rows[] = { "connection.name", NULL };
	g_autofree char *name = g_strdup_printf("%s.%s", section, key);
	size_t n;
	const struct rg_setting *all = rg_settings(&n);

	if (g_strv_contains(not_rows, name))
		return true;
	for (size_t i = 0; i < n; i++) {
		if (all[i].flags_key && !strcmp(all[i].section, section) &&
		    !strcmp(all[i].flags_key, key))
			return true;
	}
	return false;
}

/* The table covers each key roadvpnd reads, as docs/profile.md lists them, once. */
static void test_settings_complete(void **state)
{
	g_autoptr(GHashTable) documented = documented_keys();
	GHashTableIter it;
	gpointer name;
	size_t n, rows = 0;
	const struct rg_setting *all = rg_settings(&n);

	/* A broken parse (the table's layout changed) must not pass as "nothing to check". */
	assert_true(g_hash_table_size(documented) > 30);
	g_hash_table_iter_init(&it, documented);
	while (g_hash_table_iter_next(&it, &name, NULL)) {
		g_auto(GStrv) sk = g_strsplit(name, ".", 2);

		if (covered_elsewhere(sk[0], sk[1]))
			continue;
		if (!rg_settings_find(sk[0], sk[1]))
			fail_msg("docs/profile.md has %s, the editor's table (gui/rg-settings.c) does "
				 "not", (char *)name);
		rows++;
	}
	for (size_t i = 0; i < n; i++) {
		g_autofree char *key = g_strdup_printf("%s.%s", all[i].section, all[i].key);

		if (!g_hash_table_contains(documented, key))
			fail_msg("the editor has %s, docs/profile.md does not", key);
		assert_true(all[i].page < RG_PAGE_COUNT);
		if (all[i].default_value)
			assert_null(rg_setting_validate(&all[i], all[i].default_value));
	}
	/* Each key once: as many rows as documented keys, and each of those found. */
	assert_int_equal(n, rows);
}

/*
 * Every secret with a stored/ask flag in roadvpnd offers that choice, the
 * key's password too; only the key's password may be stored empty (a key
 * without one), the others need a value or "ask".
 */
static void test_secret_choices(void **state)
{
	const char *const secrets[][3] = { { "ipsec", "psk", "psk-flags" },
					   { "ppp", "password", "password-flags" },
					   { "ipsec", "key-password", "key-password-flags" } };

	for (size_t i = 0; i < G_N_ELEMENTS(secrets); i++) {
		const struct rg_setting *s = rg_settings_find(secrets[i][0], secrets[i][1]);

		assert_non_null(s);
		assert_int_equal(s->kind, RG_SETTING_SECRET);
		assert_string_equal(s->flags_key, secrets[i][2]);
		assert_int_equal(s->none_when_empty, !strcmp(secrets[i][1], "key-password"));
	}
	assert_string_equal(rg_settings_find("ipsec", "key-password")->only_when, "ipsec.auth=cert");
}

static void test_hints(void **state)
{
	const char *legacy_p1 = "IKE Main Mode: the gateway only accepts 3des-sha1-modp1024; set "
				"allow-legacy=true to use it";
	const char *legacy_p2 = "IKE Quick Mode: the gateway only accepts 3des-sha1 for ESP; set "
				"allow-legacy=true to use it";
	const struct rg_setting *legacy = rg_settings_find("ipsec", "allow-legacy");

	assert_non_null(strstr(rg_hint_for_failure("ppp-auth", "auth-failed", NULL), "password"));
	assert_non_null(
		strstr(rg_hint_for_failure("ike-main-mode", "auth-failed", NULL), "pre-shared"));
	assert_non_null(strstr(rg_hint_for_failure("l2tp-tunnel", "no-answer", NULL), "UDP"));
	assert_non_null(strstr(rg_hint_for_failure(NULL, "something-new", NULL), "log"));
	assert_non_null(rg_hint_for_failure(NULL, NULL, NULL));
	/* A legacy-only gateway: the hint names the editor's option by its label. */
	assert_non_null(legacy);
	assert_non_null(strstr(legacy->label, "(weak)"));
	for (int i = 0; i < 2; i++) {
		const char *hint = rg_hint_for_failure(i ? "ike-quick-mode" : "ike-main-mode",
						       "ipsec-negotiation-failed",
						       i ? legacy_p2 : legacy_p1);

		assert_non_null(strstr(hint, "Allow legacy suites (weak)"));
		assert_non_null(strstr(hint, "IPsec page"));
	}
	/* Any other refusal keeps the advice about proposals. */
	assert_null(strstr(rg_hint_for_failure("ike-main-mode", "ipsec-negotiation-failed",
					       "gateway rejected all proposals"), "legacy"));
	assert_null(strstr(rg_hint_for_failure("ike-main-mode", "ipsec-negotiation-failed", NULL),
			   "legacy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_rates_window),
		cmocka_unit_test(test_rates_counter_reset),
		cmocka_unit_test(test_settings_checks),
		cmocka_unit_test(test_settings_complete),
		cmocka_unit_test(test_secret_choices),
		cmocka_unit_test(test_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
