/*
 * daemon/wipe.c: secrets leave a received Connect call's options for
 * struct rv_secret and the strings in the message are wiped in place. That
 * relies on GVariant handing out children that share the parent's storage;
 * these tests hold GLib to it for the forms a message body can take (built
 * from a D-Bus blob as GDBus does, tree form, serialised form).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/wipe.h"
#include "profile/profile.h"

#define PW "pw-4d1f09e2b7"
#define PSK "psk-8a03c5e61d"

static size_t key_index(const char *name)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		if (!strcmp(profile_secret_keys[i].name, name))
			return i;
	}
	fail_msg("no secret named %s", name);
	return 0;
}

static GVariant *tree_options(void)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "password", g_variant_new_string(PW));
	g_variant_builder_add(&b, "{sv}", "psk", g_variant_new_string(PSK));
	g_variant_builder_add(&b, "{sv}", "configure-network", g_variant_new_boolean(FALSE));
	return g_variant_ref_sink(g_variant_builder_end(&b));
}

/* The same value in serialised form, over a buffer of our own. */
static GVariant *serialised(GVariant *v, guint8 **ret_buf)
{
	gsize size = g_variant_get_size(v);

	*ret_buf = g_malloc(size);
	g_variant_store(v, *ret_buf);
	return g_variant_ref_sink(g_variant_new_from_data(g_variant_get_type(v), *ret_buf, size,
							  TRUE, NULL, NULL));
}

/* Whether the bytes of `v` (serialised from what its strings hold now) contain s. */
static bool holds(GVariant *v, const char *s)
{
	return memmem(g_variant_get_data(v), g_variant_get_size(v), s, strlen(s)) != NULL;
}

static void check_taken(struct rv_secret **taken)
{
	size_t len;
	const uint8_t *pw = rv_secret_reveal(taken[key_index("password")], &len);

	assert_int_equal(len, strlen(PW));
	assert_memory_equal(pw, PW, len);
	pw = rv_secret_reveal(taken[key_index("psk")], &len);
	assert_memory_equal(pw, PSK, len);
	assert_null(taken[key_index("l2tp-secret")]);
}

static void test_take_tree(void **state)
{
	g_autoptr(GVariant) options = tree_options();
	struct rv_secret **taken = rv_wipe_take_secrets(options);
	gboolean net = TRUE;

	check_taken(taken);
	assert_false(holds(options, PW));
	assert_false(holds(options, PSK));
	assert_true(g_variant_lookup(options, "configure-network", "b", &net));
	assert_false(net);
	rv_wipe_free_taken(taken);
}

static void test_take_serialised(void **state)
{
	g_autoptr(GVariant) tree = tree_options();
	g_autofree guint8 *buf = NULL;
	g_autoptr(GVariant) options = serialised(tree, &buf);
	struct rv_secret **taken = rv_wipe_take_secrets(options);

	check_taken(taken);
	assert_null(memmem(buf, g_variant_get_size(options), PW, strlen(PW)));
	assert_null(memmem(buf, g_variant_get_size(options), PSK, strlen(PSK)));
	rv_wipe_free_taken(taken);
}

/* A Connect call as it arrives: a D-Bus blob parsed by GDBus. */
static void test_take_from_message(void **state)
{
	g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call(
		"org.roadvpn.Helper1", "/org/roadvpn/Helper1", "org.roadvpn.Helper1.Manager",
		"Connect");
	g_autoptr(GDBusMessage) received = NULL;
	g_autoptr(GVariant) options = NULL;
	g_autofree guchar *blob = NULL;
	struct rv_secret **taken;
	gsize size;

	g_dbus_message_set_serial(call, 1);
	g_dbus_message_set_body(call, g_variant_new("(s@a{sv})", "office", tree_options()));
	blob = g_dbus_message_to_blob(call, &size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
	assert_non_null(blob);
	received = g_dbus_message_new_from_blob(blob, size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
	assert_non_null(received);
	options = g_variant_get_child_value(g_dbus_message_get_body(received), 1);

	taken = rv_wipe_take_secrets(options);
	check_taken(taken);
	assert_false(holds(g_dbus_message_get_body(received), PW));
	assert_false(holds(g_dbus_message_get_body(received), PSK));
	rv_wipe_free_taken(taken);
}

static void test_wipe_strings(void **state)
{
	GVariantBuilder b;
	g_autoptr(GVariant) settings = NULL;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
	g_variant_builder_add(&b, "{ss}", "ppp.password", PW);
	g_variant_builder_add(&b, "{ss}", "ipsec.psk", PSK);
	settings = g_variant_ref_sink(g_variant_builder_end(&b));
	rv_wipe_strings(settings);
	assert_false(holds(settings, PW));
	assert_false(holds(settings, PSK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take_tree),
		cmocka_unit_test(test_take_serialised),
		cmocka_unit_test(test_take_from_message),
		cmocka_unit_test(test_wipe_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
