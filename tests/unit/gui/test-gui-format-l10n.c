/*
 * Numbers, sizes, rates and durations in the user's locale (issue 20): run
 * by run-in-locale.sh under LANG=fr_FR.UTF-8 and LANG=zh_CN.UTF-8 with this
 * build's catalogues. French: decimal comma, "ko"/"Mo", "j" for days;
 * Chinese: decimal point, "/秒", "分"/"秒". The C locale's text is
 * test-gui-format's.
 *
 *   test-gui-format-l10n fr|zh_CN
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gi18n-lib.h>

#include "rg-format.h"

static const char *lang;

static void expect_text(char *got, const char *want)
{
	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", lang, got, want);
	g_free(got);
}

static void test_french(void **state)
{
	if (strcmp(lang, "fr"))
		skip();
	expect_text(rg_format_bytes(0), "0 o");
	expect_text(rg_format_bytes(1540), "1,5 ko");
	expect_text(rg_format_bytes(12345), "12 ko");
	expect_text(rg_format_bytes(3400000), "3,4 Mo");
	expect_text(rg_format_rate(1.26e6), "1,3 Mo/s");
	expect_text(rg_format_duration(192), "3 min 12 s");
	expect_text(rg_format_duration(3 * 86400 + 4 * 3600), "3 j 04 h");
}

static void test_chinese(void **state)
{
	if (strcmp(lang, "zh_CN"))
		skip();
	expect_text(rg_format_bytes(1540), "1.5 kB");
	expect_text(rg_format_rate(125000), "125 kB/秒");
	expect_text(rg_format_duration(45), "45 秒");
	expect_text(rg_format_duration(192), "3 分 12 秒");
	expect_text(rg_format_duration(2 * 3600 + 5 * 60), "2 小时 05 分");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_french),
		cmocka_unit_test(test_chinese),
	};

	if (argc != 2 || !getenv("ROADVPN_LOCALEDIR")) {
		fprintf(stderr, "usage: ROADVPN_LOCALEDIR=DIR %s fr|zh_CN\n", argv[0]);
		return 2;
	}
	lang = argv[1];
	/* As roadvpn-gtk's main() does; a locale that is not there is a failure, not English. */
	if (!setlocale(LC_ALL, "")) {
		fprintf(stderr, "%s: the locale in LANG is not available\n", lang);
		return 1;
	}
	bindtextdomain(GETTEXT_PACKAGE, getenv("ROADVPN_LOCALEDIR"));
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	return cmocka_run_group_tests_name(lang, tests, NULL, NULL);
}
