/*
 * roadvpn-gtk's keyring helpers against a real gnome-keyring-daemon in a
 * temporary home (run-with-keyring.sh starts it): store, look up, replace,
 * forget one kind or a whole profile, and never touch another schema's items.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rg-keyring.h"

struct wait {
	GMainLoop *loop;
	GAsyncResult *res;
};

static void done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct wait *w = user_data;

	w->res = g_object_ref(res);
	g_main_loop_quit(w->loop);
}

/* Run the main loop until the pending call finished; returns its result (unref it). */
static GAsyncResult *finish(struct wait *w)
{
	g_main_loop_run(w->loop);
	return g_steal_pointer(&w->res);
}

static struct wait *new_wait(void)
{
	struct wait *w = g_new0(struct wait, 1);

	w->loop = g_main_loop_new(NULL, FALSE);
	return w;
}

static void store(const char *profile, const char *kind, const char *secret)
{
	g_autofree struct wait *w = new_wait();
	g_autoptr(GAsyncResult) res = NULL;
	g_autoptr(GError) error = NULL;

	rg_keyring_store(profile, kind, secret, NULL, done, w);
	res = finish(w);
	if (!rg_keyring_store_finish(res, &error))
		fail_msg("store %s/%s: %s", profile, kind, error->message);
	g_main_loop_unref(w->loop);
}

static char *lookup(const char *profile, const char *kind)
{
	g_autofree struct wait *w = new_wait();
	g_autoptr(GAsyncResult) res = NULL;
	g_autoptr(GError) error = NULL;
	char *found;

	rg_keyring_lookup(profile, kind, NULL, done, w);
	res = finish(w);
	found = rg_keyring_lookup_finish(res, &error);
	if (error)
		fail_msg("lookup %s/%s: %s", profile, kind, error->message);
	g_main_loop_unref(w->loop);
	return found;
}

static void forget(const char *profile, const char *kind)
{
	g_autofree struct wait *w = new_wait();
	g_autoptr(GAsyncResult) res = NULL;
	g_autoptr(GError) error = NULL;

	rg_keyring_forget(profile, kind, NULL, done, w);
	res = finish(w);
	if (!rg_keyring_forget_finish(res, &error))
		fail_msg("forget %s/%s: %s", profile, kind ? kind : "*", error->message);
	g_main_loop_unref(w->loop);
}

static void expect_secret(const char *profile, const char *kind, const char *want)
{
	g_autoptr(RgSecret) got = lookup(profile, kind);

	if (g_strcmp0(got, want))
		fail_msg("%s/%s: got %s, want %s", profile, kind, got ? "a value" : "nothing",
			 want ? want : "nothing");
}

static void test_store_lookup_replace(void **state)
{
	expect_secret("office", "password", NULL);
	store("office", "password", "first secret");
	store("office", "psk", "group key");
	store("home", "password", "other");
	expect_secret("office", "password", "first secret");
	expect_secret("office", "psk", "group key");
	expect_secret("home", "password", "other");
	/* Storing again replaces: one item per profile and kind. */
	store("office", "password", "second secret");
	expect_secret("office", "password", "second secret");
}

static void test_forget(void **state)
{
	forget("office", "password");
	expect_secret("office", "password", NULL);
	expect_secret("office", "psk", "group key");
	/* Forgetting what is not there is fine. */
	forget("office", "password");
	forget("office", NULL);
	expect_secret("office", "psk", NULL);
	expect_secret("home", "password", "other");
	forget("home", NULL);
	expect_secret("home", "password", NULL);
}

/* An item of another schema with the same attributes is neither read nor removed. */
static void test_other_schema_untouched(void **state)
{
	static const SecretSchema other = {
		"org.example.Other", SECRET_SCHEMA_NONE,
		{ { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
		  { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
		  { NULL, 0 } },
	};
	g_autoptr(GError) error = NULL;
	char *found;

	assert_true(secret_password_store_sync(&other, SECRET_COLLECTION_DEFAULT, "other app",
					       "not ours", NULL, &error, "profile", "office",
					       "kind", "password", NULL));
	expect_secret("office", "password", NULL);
	forget("office", NULL);
	found = secret_password_lookup_sync(&other, NULL, &error, "profile", "office", "kind",
					    "password", NULL);
	assert_string_equal(found, "not ours");
	secret_password_free(found);
	assert_true(secret_password_clear_sync(&other, NULL, &error, "profile", "office", NULL));
}

static void test_label_and_wipe(void **state)
{
	g_autofree char *label = rg_keyring_label("office", "psk");
	char *s = g_strdup("wipe me");

	assert_string_equal(label, "roadvpn: psk for office");
	assert_string_equal(rg_keyring_schema()->name, RG_KEYRING_SCHEMA_NAME);
	rg_secret_free(s);
	rg_secret_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_lookup_replace),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_other_schema_untouched),
		cmocka_unit_test(test_label_and_wipe),
	};

	if (!g_getenv("RG_TEST_KEYRING")) {
		/* Never against a real user's keyring: only inside run-with-keyring.sh. */
		fprintf(stderr, "SKIP: run through run-with-keyring.sh\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
