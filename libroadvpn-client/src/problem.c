/*
 * roadvpnd's profile problems in the user's language. An InvalidProfile
 * or Failed error's message begins with a tag (the interface XML's
 * org.roadvpn.Contract.ProfileProblems):
 *   {problem=out-of-range setting=ppp.mtu min=576 max=1500} [ppp] mtu: ...
 * This file reads the tag and says "<setting's label>: <problem>" with the
 * settings table's translated label, so no English of roadvpnd's is left.
 */
#include <string.h>

#include "private.h"
#include "roadvpn-client/rvc-settings.h"

/* The longest tag read: ids and a few numbers, never a value. */
#define TAG_MAX 160

/* In the XML's order; with_params() words those that have parameters. */
const struct rvc_problem rvc_problems[] = {
	{ "syntax", N_("not a valid profile") },
	{ "not-utf8", N_("not valid UTF-8 text") },
	{ "control-character", N_("holds a control character") },
	{ "bad-escape", N_("holds a backslash escape that is not known") },
	{ "too-large", N_("too large") },
	{ "unknown-section", N_("unknown section") },
	{ "unknown-key", N_("unknown setting") },
	{ "duplicate-section", N_("the section is given twice") },
	{ "duplicate-key", N_("the setting is given twice") },
	{ "secret-as-written",
	  N_("a stored secret cannot begin or end with a space or hold a backslash or a control "
	     "character; give it when connecting") },
	{ "missing", N_("required, but not given") },
	{ "bad-bool", N_("expected true or false") },
	{ "bad-choice", N_("not one of the allowed values") },
	{ "out-of-range", N_("out of range") },
	{ "bad-host", N_("not a host name or an IPv4 address") },
	{ "ipv6-gateway", N_("an IPv6 address: only IPv4 gateways are supported") },
	{ "bad-interface", N_("not a valid interface name (under 16 characters, no “/”, “:” or spaces)") },
	{ "bad-route", N_("not an IPv4 network such as 10.0.0.0/8") },
	{ "too-many", N_("too many entries") },
	{ "requires", N_("needs another setting turned on") },
	{ "bad-proposal", N_("not a valid proposal list (e.g. aes256-sha256-modp2048)") },
	{ "bad-value", N_("not a valid value") },
	{ "file-unreadable", N_("the file cannot be read") },
	{ "bad-certificate", N_("the file is not a usable certificate or key") },
	{ "bad-name", N_("not a valid profile name (letters, digits, “.”, “_”, “-”)") },
	{ "name-fixed", N_("it is the profile’s file name; add a copy instead") },
	{ "bad-setting-name", N_("not a setting name such as ppp.user") },
	{ "not-connected", N_("This profile is not connected.") },
	{ "stopping", N_("roadvpnd is stopping. Try again in a moment.") },
	{ "read-failed", N_("roadvpnd cannot read the profile’s file.") },
	{ "write-failed", N_("roadvpnd cannot save the profile’s file.") },
	{ "remove-failed", N_("roadvpnd cannot remove the profile’s file.") },
};
const size_t rvc_problems_count = G_N_ELEMENTS(rvc_problems);

static const struct rvc_problem *problem_find(const char *id)
{
	for (size_t i = 0; id && i < G_N_ELEMENTS(rvc_problems); i++) {
		if (!strcmp(rvc_problems[i].id, id))
			return &rvc_problems[i];
	}
	return NULL;
}

/* Only digits: a parameter that is a number, else NULL. */
static const char *number(GHashTable *params, const char *name)
{
	const char *v = g_hash_table_lookup(params, name);

	return v && *v && strspn(v, "0123456789") == strlen(v) ? v : NULL;
}

char *rvc_setting_plain_label(const char *group, const char *key)
{
	const RvcSetting *s = rvc_setting_find(group, key);

	if (!s || !s->label)
		return g_strdup_printf("%s.%s", group, key);
	return rvc_setting_text_plain(s->label);
}

/* The setting "group.key" of a tag split in two; FALSE when it names none. */
static gboolean split_setting(const char *setting, char **group, char **key)
{
	const char *dot = setting ? strchr(setting, '.') : NULL;

	if (!dot)
		return FALSE;
	*group = g_strndup(setting, (gsize)(dot - setting));
	*key = g_strdup(dot + 1);
	return TRUE;
}

static char *choices_of(GHashTable *params)
{
	g_autofree char *group = NULL, *key = NULL;
	const RvcSetting *s;

	if (!split_setting(g_hash_table_lookup(params, "setting"), &group, &key))
		return NULL;
	s = rvc_setting_find(group, key);
	return s && s->choices ? g_strjoinv(", ", (char **)s->choices) : NULL;
}

static char *requires_label(GHashTable *params)
{
	g_autofree char *group = NULL, *key = NULL;

	if (!split_setting(g_hash_table_lookup(params, "requires"), &group, &key))
		return NULL;
	return rvc_setting_plain_label(group, key);
}

/* The problem with its parameters, for the ids that have them; NULL otherwise. */
static char *with_params(const char *id, GHashTable *params)
{
	const char *line = number(params, "line"), *limit = number(params, "limit");
	const char *min = number(params, "min"), *max = number(params, "max");
	g_autofree char *choices = NULL, *other = NULL;

	if (!strcmp(id, "syntax") && line)
		/* TRANSLATORS: %s is a line number */
		return g_strdup_printf(rvc_gettext(N_("line %s is not a [section], a key=value "
						      "line or a # comment")), line);
	if (!strcmp(id, "too-large") && limit)
		/* TRANSLATORS: %s is a number of bytes */
		return g_strdup_printf(rvc_gettext(N_("larger than the limit of %s bytes")), limit);
	if (!strcmp(id, "too-many") && limit)
		/* TRANSLATORS: %s is the largest number allowed */
		return g_strdup_printf(rvc_gettext(N_("more than %s entries")), limit);
	if (!strcmp(id, "out-of-range") && min && max)
		/* TRANSLATORS: the two %s are the smallest and the largest number allowed */
		return g_strdup_printf(rvc_gettext(N_("expected a number from %s to %s")), min, max);
	if (!strcmp(id, "bad-choice") && (choices = choices_of(params)))
		/* TRANSLATORS: %s is the list of allowed values, e.g. "psk, cert" */
		return g_strdup_printf(rvc_gettext(N_("expected one of: %s")), choices);
	if (!strcmp(id, "requires") && (other = requires_label(params)))
		/* TRANSLATORS: %s is the label of another setting */
		return g_strdup_printf(rvc_gettext(N_("only possible with “%s” on")), other);
	return NULL;
}

static char *problem_text(const struct rvc_problem *p, GHashTable *params)
{
	char *text = with_params(p->id, params);

	return text ? text : g_strdup(rvc_gettext(p->text));
}

/* A tag's names and values are ids, numbers and group.key: nothing else is read. */
static gboolean tag_word(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-_") == strlen(s);
}

/* "{name=value ...} " at the start of message: its pairs, and where the sentence begins. */
static GHashTable *parse_tag(const char *message, const char **rest)
{
	const char *end = g_str_has_prefix(message, "{problem=")
				  ? memchr(message, '}', strnlen(message, TAG_MAX))
				  : NULL;
	g_autofree char *inner = NULL;
	g_auto(GStrv) pairs = NULL;
	GHashTable *params;

	if (!end || end[1] != ' ')
		return NULL;
	inner = g_strndup(message + 1, (gsize)(end - message - 1));
	pairs = g_strsplit(inner, " ", 16);
	params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (char **p = pairs; *p; p++) {
		char *eq = strchr(*p, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (tag_word(*p) && tag_word(eq + 1))
			g_hash_table_insert(params, g_strdup(*p), g_strdup(eq + 1));
	}
	*rest = end + 2;
	return params;
}

const char *rvc_problem_strip(const char *message)
{
	const char *rest = message;
	g_autoptr(GHashTable) params = parse_tag(message, &rest);

	return rest;
}

char *rvc_problem_render(const char *message)
{
	const char *rest = message;
	g_autoptr(GHashTable) params = parse_tag(message, &rest);
	g_autofree char *group = NULL, *key = NULL, *what = NULL, *label = NULL;
	const char *setting;
	const struct rvc_problem *p;

	if (!params || !(p = problem_find(g_hash_table_lookup(params, "problem"))))
		return NULL;
	what = problem_text(p, params);
	setting = g_hash_table_lookup(params, "setting");
	if (split_setting(setting, &group, &key))
		label = rvc_setting_plain_label(group, key);
	else if (setting)
		/* TRANSLATORS: %s is a section of the profile, e.g. "ppp" */
		label = g_strdup_printf(rvc_gettext(N_("section [%s]")), setting);
	if (!label)
		return g_steal_pointer(&what);
	/* TRANSLATORS: a setting's label, then what is wrong with it */
	return g_strdup_printf(rvc_gettext(N_("%s: %s")), label, what);
}
