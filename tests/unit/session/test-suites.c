/*
 * The remembered IPsec suites (session/suites.c): kept in memory without a
 * file, written to and read back from one with it (mode 0600), tied to the
 * gateway they worked with, and anything odd in the file ignored.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "session/suites.h"

static void test_memory_only(void **state)
{
	struct session_suites ss;

	session_suites_init(&ss, NULL);
	assert_null(session_suites_ike(&ss, "gw"));
	session_suites_note(&ss, "gw", "3des-sha1-modp1024", "aes256-sha1");
	assert_string_equal(session_suites_ike(&ss, "gw"), "3des-sha1-modp1024");
	assert_string_equal(session_suites_esp(&ss, "gw"), "aes256-sha1");
	/* another gateway: nothing remembered for it */
	assert_null(session_suites_ike(&ss, "other"));
	assert_null(session_suites_esp(&ss, NULL));
	/* nothing that is not proposal syntax */
	session_suites_note(&ss, "gw", "aes128-sha1-modp2048\n[x]", "aes128gcm16");
	assert_string_equal(session_suites_ike(&ss, "gw"), "3des-sha1-modp1024");
	session_suites_destroy(&ss);
}

static void test_file(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("rv-suites-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "suites", "office", NULL);
	g_autofree char *parent = g_path_get_dirname(path);
	struct session_suites ss;
	struct stat st;

	assert_non_null(dir);
	session_suites_init(&ss, path);
	assert_null(session_suites_ike(&ss, "vpn.example.net"));
	session_suites_note(&ss, "vpn.example.net", "aes128-sha1-modp2048", "aes128gcm16");
	session_suites_destroy(&ss);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	session_suites_init(&ss, path);
	assert_string_equal(session_suites_ike(&ss, "vpn.example.net"), "aes128-sha1-modp2048");
	assert_string_equal(session_suites_esp(&ss, "vpn.example.net"), "aes128gcm16");
	assert_null(session_suites_ike(&ss, "vpn2.example.net"));
	session_suites_destroy(&ss);

	/* a damaged value is dropped, the other kept */
	assert_true(g_file_set_contents(path, "[suites]\ngateway=g\nike=AES;rm\nesp=aes256-sha1\n",
					-1, NULL));
	session_suites_init(&ss, path);
	assert_null(session_suites_ike(&ss, "g"));
	assert_string_equal(session_suites_esp(&ss, "g"), "aes256-sha1");
	session_suites_destroy(&ss);

	g_unlink(path);
	g_rmdir(parent);
	g_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_only),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
