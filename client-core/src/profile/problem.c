/*
 * The machine-readable tag of a profile error, or of roadvpnd's Failed (profile.h): which setting and
 * what is wrong, as ids a front end translates. The English sentence after
 * it stays for the log and for clients older than the tag.
 */
#include <string.h>

#include "profile.h"

/* The order of the interface XML's org.roadvpn.Contract.ProfileProblems. */
const char *const profile_problems[] = {
	"syntax",            /* not a [section], key=value or # comment; line= */
	"not-utf8",
	"control-character",
	"bad-escape",        /* a backslash escape GKeyFile does not know */
	"too-large",         /* a value, the text or the settings at once; limit= */
	"unknown-section",
	"unknown-key",
	"duplicate-section",
	"duplicate-key",
	"secret-as-written", /* a stored secret with a backslash, control or edge space */
	"missing",
	"bad-bool",
	"bad-choice",        /* not one of the setting's choices */
	"out-of-range",      /* min= max= */
	"bad-host",
	"ipv6-gateway",
	"bad-interface",
	"bad-route",
	"too-many",          /* limit= */
	"requires",          /* only with another setting on: requires=GROUP.KEY */
	"bad-proposal",
	"bad-value",
	"file-unreadable",
	"bad-certificate",
	"bad-name",          /* not a profile name */
	"name-fixed",        /* [connection] name is the file's name */
	"bad-setting-name",  /* not GROUP.KEY */
	/* Failed's: not the profile's fault, but a person still reads why. */
	"not-connected",     /* Disconnect of a profile that is not connected */
	"stopping",          /* roadvpnd stops while it works on the call */
	"read-failed",       /* the profile's file cannot be read */
	"write-failed",      /* the profile's file cannot be written */
	"remove-failed",     /* the profile's file cannot be removed */
	NULL,
};

/*
 * Names are echoed (in a message, in a tag) only when they are plain words:
 * a line, or a caller's key, may hold anything.
 */
bool profile_plain_name(const char *s, size_t n)
{
	if (n == 0 || n > 24)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	}
	return true;
}

static bool plain_word(const char *s)
{
	return s && profile_plain_name(s, strlen(s));
}

char *profile_problem_tag(const char *id, const char *group, const char *key, const char *params)
{
	GString *tag = g_string_new("{problem=");

	g_return_val_if_fail(g_strv_contains(profile_problems, id), g_string_free(tag, TRUE));
	g_string_append(tag, id);
	if (plain_word(group) && plain_word(key))
		g_string_append_printf(tag, " setting=%s.%s", group, key);
	else if (plain_word(group) && !key)
		g_string_append_printf(tag, " setting=%s", group);
	if (params && *params)
		g_string_append_printf(tag, " %s", params);
	g_string_append(tag, "} ");
	return g_string_free(tag, FALSE);
}

gboolean profile_invalid(GError **error, const char *id, const char *group, const char *key,
			 const char *params, const char *fmt, ...)
{
	g_autofree char *tag = profile_problem_tag(id, group, key, params);
	g_autofree char *english = NULL;
	va_list ap;

	va_start(ap, fmt);
	english = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "%s%s", tag ? tag : "", english);
	return FALSE;
}

/* Where the sentence begins: after a tag that profile_problem_tag() made. */
const char *profile_problem_sentence(const char *message)
{
	const char *end;

	if (!g_str_has_prefix(message, "{problem="))
		return message;
	end = strstr(message, "} ");
	return end ? end + 2 : message;
}

void profile_problem_prefix(GError *error, const char *prefix)
{
	const char *sentence = profile_problem_sentence(error->message);
	g_autofree char *tag = g_strndup(error->message, (gsize)(sentence - error->message));
	char *message = g_strconcat(tag, prefix, sentence, NULL);

	g_free(error->message);
	error->message = message;
}
