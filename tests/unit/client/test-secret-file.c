/*
 * The secret-file rule that roadvpnd (--password-file, --psk-file) and
 * libroadvpn-client (rvc_secret_file_read) share: one line ending at the
 * very end is dropped, nothing else is trimmed, and files that cannot be a
 * secret are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "private.h"
#include "secret-file.h"

static char *write_temp(const char *data, size_t len)
{
	g_autoptr(GError) error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("rvc-secret-XXXXXX", &path, &error);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Read `len` bytes of file content through the library: the secret, or NULL + error. */
static char *read_back(const char *data, size_t len, GError **error)
{
	g_autofree char *path = write_temp(data, len);
	char *secret = rvc_secret_file_read(path, error);

	unlink(path);
	return secret;
}

static void expect_secret(const char *data, const char *secret)
{
	g_autoptr(GError) error = NULL;
	char *got = read_back(data, strlen(data), &error);

	if (!got)
		fail_msg("'%s': %s", data, error->message);
	assert_string_equal(got, secret);
	rvc_secret_free(got);
}

static void expect_refused(const char *data, size_t len, const char *why)
{
	g_autoptr(GError) error = NULL;
	char *got = read_back(data, len, &error);

	assert_null(got);
	assert_true(g_error_matches(error, RVC_ERROR, RVC_ERROR_BAD_SECRET_FILE));
	if (!strstr(error->message, why))
		fail_msg("'%s' does not say '%s'", error->message, why);
}

static void test_line_endings(void **state)
{
	expect_secret("hunter2", "hunter2");
	expect_secret("hunter2\n", "hunter2");
	expect_secret("hunter2\r\n", "hunter2");
	expect_secret("hunter2\r", "hunter2");
	/* Spaces belong to the secret. */
	expect_secret("  two words \n", "  two words ");
	expect_secret("\tx\t", "\tx\t");
	/* Only one line ending goes; what is left may not hold another. */
	expect_refused("hunter2\n\n", 9, "more than one line");
	expect_refused("hunter2\n\r", 9, "more than one line");
	expect_refused("a\nb", 3, "more than one line");
}

static void test_refused(void **state)
{
	expect_refused("", 0, "is empty");
	expect_refused("\n", 1, "is empty");
	expect_refused("\r\n", 2, "is empty");
	expect_refused("a\0b\n", 4, "NUL");
}

static void test_length(void **state)
{
	g_autofree char *max = g_strnfill(RV_SECRET_FILE_MAX, 'k');
	g_autofree char *max_crlf = g_strconcat(max, "\r\n", NULL);
	g_autofree char *over = g_strconcat(max, "k", NULL);
	g_autofree char *more = g_strconcat(max, "\r\nmore", NULL);
	g_autofree char *huge = g_strnfill(1 << 20, 'k');

	expect_secret(max, max);
	expect_secret(max_crlf, max);
	expect_refused(over, strlen(over), "longer than 4096");
	/* A line ending after the longest secret does not hide what follows it. */
	expect_refused(more, strlen(more), "longer than 4096");
	expect_refused(huge, strlen(huge), "longer than 4096");
}

static void test_unreadable(void **state)
{
	g_autoptr(GError) error = NULL;

	assert_null(rvc_secret_file_read("/nonexistent/secret", &error));
	assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
	assert_non_null(strstr(error->message, "/nonexistent/secret"));
}

/* A pipe delivers the secret in pieces (--password-file <(pass show vpn)). */
static void test_pipe(void **state)
{
	int fds[2];
	char buf[RV_SECRET_FILE_BUF];
	g_autofree char *path = NULL;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "pie", 3), 3);
	assert_int_equal(write(fds[1], "ces\n", 4), 4);
	close(fds[1]);
	path = g_strdup_printf("/proc/self/fd/%d", fds[0]);
	assert_int_equal(rv_secret_file_read(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pieces");
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
