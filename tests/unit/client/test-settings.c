/*
 * The library's settings table (rvc-settings.h) against roadvpnd's own
 * profile rules (client-core/src/profile): the front ends are made from the
 * table, roadvpnd judges what they send, so the two must agree on which
 * keys exist, which are secrets (and under which Connect name and flags
 * key), the defaults and the ranges. A test program may see both sides;
 * the front ends never do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <roadvpn-client/rvc-settings.h>

#include "profile/profile.h"

/* gateway and user (required) and one more key: does roadvpnd load it? */
static gboolean loads_with(const char *group, const char *key, const char *value)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *text = NULL;
	gsize len = 0;
	struct profile *p;

	g_key_file_set_string(kf, "connection", "gateway", "vpn.example.net");
	g_key_file_set_string(kf, "ppp", "user", "alice");
	g_key_file_set_value(kf, group, key, value);
	text = g_key_file_to_data(kf, &len, NULL);
	p = profile_load_data(text, len, NULL);
	if (p)
		profile_free(p);
	return p != NULL;
}

static void test_keys_and_secrets(void **state)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);

	assert_true(n > 30);
	for (gsize i = 0; i < n; i++) {
		const RvcSetting *s = &all[i];
		const struct profile_secret_key *sk = profile_secret_at(s->group, s->key);
		g_autoptr(GKeyFile) kf = g_key_file_new();
		g_autoptr(GError) error = NULL;

		if (!profile_keyfile_set(kf, s->group, s->key, "x", &error))
			fail_msg("[%s] %s: roadvpnd does not know it: %s", s->group, s->key,
				 error->message);
		assert_int_equal(s->type == RVC_SETTING_SECRET, sk != NULL);
		assert_int_equal(rvc_setting_is_secret(s->group, s->key), sk != NULL);
		if (!sk)
			continue;
		assert_string_equal(s->secret_kind, sk->name);
		assert_true(!g_strcmp0(s->flags_key, sk->flag_key));
	}
	for (size_t i = 0; i < profile_n_secret_keys; i++)
		assert_non_null(rvc_setting_find(profile_secret_keys[i].group,
						 profile_secret_keys[i].key));
}

/* Each default is a value roadvpnd takes, and of the row's type. */
static void test_defaults(void **state)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);

	for (gsize i = 0; i < n; i++) {
		const RvcSetting *s = &all[i];

		if (!s->default_value)
			continue;
		if (!loads_with(s->group, s->key, s->default_value))
			fail_msg("[%s] %s: roadvpnd refuses the default '%s'", s->group, s->key,
				 s->default_value);
		if (s->type == RVC_SETTING_BOOL)
			assert_true(!strcmp(s->default_value, "true") ||
				    !strcmp(s->default_value, "false"));
		if (s->type == RVC_SETTING_CHOICE || s->type == RVC_SETTING_FLAGS)
			assert_true(g_strv_contains(s->choices, s->default_value));
	}
}

/* The ranges are roadvpnd's: min and max load, one past them does not. */
static void test_ranges(void **state)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);

	for (gsize i = 0; i < n; i++) {
		const RvcSetting *s = &all[i];
		char v[4][16];

		if (s->type != RVC_SETTING_NUMBER)
			continue;
		assert_true(s->min < s->max);
		g_snprintf(v[0], sizeof(v[0]), "%d", s->min);
		g_snprintf(v[1], sizeof(v[1]), "%d", s->max);
		g_snprintf(v[2], sizeof(v[2]), "%d", s->min - 1);
		g_snprintf(v[3], sizeof(v[3]), "%d", s->max + 1);
		if (!loads_with(s->group, s->key, v[0]) || !loads_with(s->group, s->key, v[1]) ||
		    loads_with(s->group, s->key, v[2]) || loads_with(s->group, s->key, v[3]))
			fail_msg("[%s] %s: roadvpnd's range is not %d..%d", s->group, s->key, s->min,
				 s->max);
	}
}

/* Names the front ends look rows up by are unique; every row says what it is. */
static void test_names(void **state)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (gsize i = 0; i < n; i++) {
		const RvcSetting *s = &all[i];
		g_autofree char *key = g_strdup_printf("%s.%s", s->group, s->key);

		assert_true(g_hash_table_add(seen, g_steal_pointer(&key)));
		if (s->nm_key)
			assert_true(g_hash_table_add(seen, g_strconcat("nm:", s->nm_key, NULL)));
		if (s->option)
			assert_true(g_hash_table_add(seen, g_strconcat("opt:", s->option, NULL)));
		assert_non_null(s->help);
		assert_true(s->type == RVC_SETTING_FLAGS || s->label);
		if (s->flags_key) {
			const RvcSetting *f = rvc_setting_find(s->group, s->flags_key);

			assert_non_null(f);
			assert_int_equal(f->type, RVC_SETTING_FLAGS);
		}
		if (s->choice_labels)
			assert_int_equal(g_strv_length((char **)s->choices),
					 g_strv_length((char **)s->choice_labels));
	}
	assert_null(rvc_setting_find("connection", "name"));
	assert_null(rvc_setting_find("ppp", "nonsense"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_and_secrets),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
