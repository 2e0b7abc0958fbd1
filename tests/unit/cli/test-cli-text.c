/*
 * cli/text.c: what reaches a terminal is escaped (control and format
 * characters, invalid UTF-8), and the JSON writer's output parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static void expect_printable(const char *in, const char *out)
{
	g_autofree char *got = cli_printable(in);

	assert_string_equal(got, out);
}

static void test_printable(void **state)
{
	expect_printable("alice", "alice");
	expect_printable("caf\xc3\xa9", "caf\xc3\xa9");
	expect_printable("ev\x1b]0;pwned\x07il", "ev\\x1b]0;pwned\\x07il");
	expect_printable("a\x7f" "b", "a\\x7fb");
	expect_printable("csi\xc2\x9b" "1m", "csi\\x9b1m");        /* C1 CSI, U+009B */
	expect_printable("admin\xe2\x80\xae" "gpj.exe", "admin\\u202egpj.exe");
	expect_printable("bad\xff" "utf8", "bad\\xffutf8");
	expect_printable("back\\slash", "back\\\\slash");
	expect_printable("", "");
	expect_printable(NULL, "");
}

static void test_json(void **state)
{
	static const char *const dns[] = { "192.0.2.53", "q\"uote", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	struct cli_json j = { .out = out };
	RvcFailure f = { "l2tp-tunnel", "no-answer", "L2TP: no\nanswer" };

	cli_json_open(&j, NULL, '[');
	cli_json_open(&j, NULL, '{');
	cli_json_str(&j, "name", "of\x01" "fice");
	cli_json_strv(&j, "dns", dns);
	cli_json_int(&j, "connected-since", 1700000000);
	cli_json_bool(&j, "ipsec", true);
	cli_json_str_or_null(&j, "invalid", NULL);
	cli_json_failure(&j, &f, 3);
	cli_json_close(&j, '}');
	cli_json_close(&j, ']');
	assert_string_equal(out->str,
		"[{\"name\": \"of\\u0001fice\", \"dns\": [\"192.0.2.53\", \"q\\\"uote\"], "
		"\"connected-since\": 1700000000, \"ipsec\": true, \"invalid\": null, "
		"\"last-error\": {\"phase\": \"l2tp-tunnel\", \"reason\": \"no-answer\", "
		"\"message\": \"L2TP: no\\u000aanswer\"}, \"exit-code\": 3}]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
