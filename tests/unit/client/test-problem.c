/*
 * roadvpnd's profile problems in the user's language (issue 20): the tag
 * profile/ puts before its English sentence (profile_invalid) read back by
 * the library (problem.c) into "<setting's label>: <problem>". Run once in
 * the C locale (the msgids) and, by run-in-locale.sh, under fr and zh_CN
 * with this build's catalogues, where no English word may be left.
 *
 *   test-client-problem [fr|zh_CN]
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "private.h"
#include "profile/profile.h"

static const char *lang = "C";

/* The message profile/ makes for a profile text. */
static char *daemon_says(const char *text)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RvProfile) p = profile_load_data(text, strlen(text), &error);

	assert_null(p);
	assert_true(g_error_matches(error, PROFILE_ERROR, PROFILE_ERROR_INVALID));
	return g_strdup(error->message);
}

#define BASE "[connection]\ngateway=vpn.example.com\n[ppp]\nuser=alice\n"

struct rendered {
	const char *profile;   /* appended to BASE */
	const char *c, *fr, *zh_CN;
};

static const struct rendered cases[] = {
	{ "mtu=9000\n", "MTU: expected a number from 576 to 1500",
	  "MTU\u00a0: un nombre de 576 à 1500 est attendu", "MTU：应为 576 到 1500 之间的数字" },
	{ "colour=red\n", "ppp.colour: unknown setting", "ppp.colour\u00a0: paramètre inconnu",
	  "ppp.colour：未知设置" },
	{ "auth=pap,mschap\n", "Methods: expected one of: mschapv2, chap, pap",
	  "Méthodes\u00a0: une valeur parmi mschapv2, chap, pap est attendue",
	  "方法：应为以下之一：mschapv2, chap, pap" },
};

static const char *want(const struct rendered *r)
{
	if (!strcmp(lang, "fr"))
		return r->fr;
	if (!strcmp(lang, "zh_CN"))
		return r->zh_CN;
	return r->c;
}

static void test_rendered(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strconcat(BASE, cases[i].profile, NULL);
		g_autofree char *said = daemon_says(text);
		g_autofree char *shown = rvc_problem_render(said);

		if (!shown || strcmp(shown, want(&cases[i])))
			fail_msg("%s: '%s' shown as '%s', want '%s'", lang, said, shown,
				 want(&cases[i]));
	}
}

/* What the daemon's tags say, whatever the language. */
static void test_tags(void **state)
{
	g_autofree char *range = daemon_says(BASE "mtu=12\n");
	g_autofree char *lan = daemon_says(BASE "[ip]\nallow-lan=true\n");
	g_autofree char *dup = daemon_says(BASE "mtu=1400\nmtu=1400\n");
	g_autofree char *syntax = daemon_says("[connection]\nthis is no key\n");
	g_autofree char *gw = daemon_says("[connection]\ngateway=bad..name\n[ppp]\nuser=a\n");
	g_autofree char *maybe = daemon_says("[connection]\ngateway=vpn.example.com\n"
					     "reconnect=maybe\n[ppp]\nuser=a\n");

	assert_true(g_str_has_prefix(range, "{problem=out-of-range setting=ppp.mtu min=576 "
					    "max=1500} [ppp] mtu: expected a number"));
	assert_true(g_str_has_prefix(lan, "{problem=requires setting=ip.allow-lan "
					  "requires=ip.kill-switch} "));
	assert_true(g_str_has_prefix(dup, "{problem=duplicate-key setting=ppp.mtu} "));
	assert_true(g_str_has_prefix(syntax, "{problem=syntax line=2} "));
	assert_true(g_str_has_prefix(gw, "{problem=bad-host setting=connection.gateway} "));
	/* The offending value is in the sentence, never in the tag. */
	assert_true(g_str_has_prefix(maybe, "{problem=bad-bool setting=connection.reconnect} "));
	assert_non_null(strstr(maybe, "'maybe'"));
	assert_null(g_strstr_len(maybe, strchr(maybe, '}') - maybe, "maybe"));
	assert_string_equal(rvc_problem_strip(range), strstr(range, "[ppp] mtu:"));
}

/* A value that looks like a tag is no tag: it is the sentence's, not the first thing. */
static void test_strip_and_refuse(void **state)
{
	assert_string_equal(rvc_problem_strip("plain sentence"), "plain sentence");
	assert_string_equal(rvc_problem_strip("{problem=missing setting=ppp.user} [ppp] user: x"),
			    "[ppp] user: x");
	assert_null(rvc_problem_render("plain sentence"));
	assert_null(rvc_problem_render("{problem=cosmic-rays setting=ppp.mtu} newer"));
	assert_null(rvc_problem_render("{problem=missing setting=ppp.user}no space"));
	assert_null(rvc_problem_render("{problem=missing"));
	/* No number where one is expected: the problem without its parameters. */
	if (!strcmp(lang, "C")) {
		g_autofree char *shown =
			rvc_problem_render("{problem=out-of-range setting=ppp.mtu min=x max=9} s");

		assert_string_equal(shown, "MTU: out of range");
	}
}

/* Every id the daemon may send has a text in the library, and the other way round. */
static void test_ids_match(void **state)
{
	size_t n = 0;

	for (; profile_problems[n]; n++) {
		assert_true(n < rvc_problems_count);
		assert_string_equal(profile_problems[n], rvc_problems[n].id);
	}
	assert_int_equal(n, rvc_problems_count);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rendered),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_strip_and_refuse),
		cmocka_unit_test(test_ids_match),
	};

	setlocale(LC_ALL, "");
	if (argc > 1)
		lang = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
