/*
 * Text that reaches the terminal or a JSON reader: names, gateways, user
 * names and messages come from profiles other people wrote, so they are
 * escaped before printing (no terminal escape sequence, no bidi override
 * gets through), and JSON is written with one small writer.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool unsafe(gunichar c)
{
	/* Controls (C0, DEL, C1) and format characters (bidi overrides, ...). */
	return g_unichar_iscntrl(c) || g_unichar_type(c) == G_UNICODE_FORMAT;
}

char *cli_printable(const char *s)
{
	GString *out = g_string_new(NULL);

	while (s && *s) {
		gunichar c = g_utf8_get_char_validated(s, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", (unsigned char)*s++);
			continue;
		}
		if (c == '\\')
			g_string_append(out, "\\\\");
		else if (unsafe(c) && c < 0x100)
			g_string_append_printf(out, "\\x%02x", c);
		else if (unsafe(c))
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_len(out, s, g_utf8_next_char(s) - s);
		s = g_utf8_next_char(s);
	}
	return g_string_free(out, FALSE);
}

/* JSON ------------------------------------------------------------------ */

static void sep(struct cli_json *j)
{
	if (j->count[j->depth]++)
		g_string_append(j->out, ", ");
}

static void key(struct cli_json *j, const char *k)
{
	sep(j);
	if (k)
		g_string_append_printf(j->out, "\"%s\": ", k);
}

static void quoted(GString *out, const char *v)
{
	g_string_append_c(out, '"');
	for (const char *p = v ? v : ""; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			g_string_append_printf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			g_string_append_printf(out, "\\u%04x", ch);
		else
			g_string_append_c(out, (char)ch);
	}
	g_string_append_c(out, '"');
}

void cli_json_open(struct cli_json *j, const char *k, char bracket)
{
	key(j, k);
	g_string_append_c(j->out, bracket);
	g_assert(j->depth + 1 < (int)G_N_ELEMENTS(j->count));
	j->count[++j->depth] = 0;
}

void cli_json_close(struct cli_json *j, char bracket)
{
	j->depth--;
	g_string_append_c(j->out, bracket);
}

void cli_json_str(struct cli_json *j, const char *k, const char *v)
{
	key(j, k);
	quoted(j->out, v);
}

void cli_json_str_or_null(struct cli_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		quoted(j->out, v);
	else
		g_string_append(j->out, "null");
}

void cli_json_strv(struct cli_json *j, const char *k, const char *const *v)
{
	cli_json_open(j, k, '[');
	for (size_t i = 0; v && v[i]; i++)
		cli_json_str(j, NULL, v[i]);
	cli_json_close(j, ']');
}

void cli_json_int(struct cli_json *j, const char *k, gint64 v)
{
	key(j, k);
	g_string_append_printf(j->out, "%" G_GINT64_FORMAT, v);
}

void cli_json_uint(struct cli_json *j, const char *k, guint64 v)
{
	key(j, k);
	g_string_append_printf(j->out, "%" G_GUINT64_FORMAT, v);
}

void cli_json_bool(struct cli_json *j, const char *k, bool v)
{
	key(j, k);
	g_string_append(j->out, v ? "true" : "false");
}

void cli_json_failure(struct cli_json *j, const RvcFailure *f, int exit_code)
{
	cli_json_open(j, "last-error", '{');
	cli_json_str(j, "phase", f->phase);
	cli_json_str(j, "reason", f->reason);
	cli_json_str(j, "message", f->message);
	cli_json_close(j, '}');
	cli_json_int(j, "exit-code", exit_code);
}
