/*
 * The profile as a key file: which groups and keys exist, which of them are
 * secrets, and the only ways between text and GKeyFile.
 *
 * GKeyFile alone is not enough for a file that holds secrets and comes from
 * a hand editor or a D-Bus caller: it keeps a key given twice and answers
 * with one copy (so deleting "the" psk left the other for everyone to read),
 * its parse errors quote the offending line (a password typed as
 * "password: Hunter2" went to every user as the reason), and it takes any
 * size. So the text is first scanned line by line with GKeyFile's own line
 * rules (a line is a comment, a [group] or key=value; CR before LF dropped;
 * spaces before a line and around '=' ignored) and refused, with the line
 * number, when it is too big, not UTF-8, repeats a group or a key, or holds
 * an unknown one. Only then does GKeyFile see it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "secret-file.h"

struct known_keys {
	const char *group;
	const char *keys[24];
};

static const struct known_keys known[] = {
	{ "connection", { "name", "gateway", "reconnect", "allowed-users", "interface", NULL } },
	{ "ipsec", { "enabled", "auth", "mode", "local-id", "psk", "psk-flags", "ike", "esp", "pfs",
		     "ca", "cert", "key", "key-password", "key-password-flags", "remote-id",
		     "allow-wildcard", "allow-legacy", "force-encap", "nat-traversal", "ike-lifetime",
		     "esp-lifetime", "dpd-delay", NULL } },
	{ "l2tp", { "hostname", "secret", NULL } },
	{ "ppp", { "user", "password", "password-flags", "auth", "mtu", "mru", NULL } },
	{ "ip", { "default-route", "routes", "dns", "ipv6", "kill-switch", "allow-lan", NULL } },
	{ "debug", { "log", NULL } },
};

#define SLOT(field) offsetof(struct profile, field)

const struct profile_secret_key profile_secret_keys[] = {
	{ "ipsec", "psk", "psk-flags", "psk", SLOT(psk), SLOT(psk_flag) },
	{ "ipsec", "key-password", "key-password-flags", "key-password", SLOT(key_password),
	  SLOT(key_password_flag) },
	{ "ppp", "password", "password-flags", "password", SLOT(password), SLOT(password_flag) },
	{ "l2tp", "secret", NULL, "l2tp-secret", SLOT(l2tp_secret), 0 },
};

const size_t profile_n_secret_keys = G_N_ELEMENTS(profile_secret_keys);

const struct profile_secret_key *profile_secret_at(const char *group, const char *key)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		if (!strcmp(profile_secret_keys[i].group, group) &&
		    !strcmp(profile_secret_keys[i].key, key))
			return &profile_secret_keys[i];
	}
	return NULL;
}

const struct profile_secret_key *profile_secret_named(const char *name)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		if (!strcmp(profile_secret_keys[i].name, name))
			return &profile_secret_keys[i];
	}
	return NULL;
}

static const struct known_keys *find_group(const char *group)
{
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		if (!strcmp(known[i].group, group))
			return &known[i];
	}
	return NULL;
}

static bool key_known(const char *group, const char *key)
{
	const struct known_keys *k = find_group(group);

	return k && g_strv_contains(k->keys, key);
}

static bool has_control(const char *v)
{
	for (; *v; v++) {
		if (g_ascii_iscntrl(*v) && *v != '\t')
			return true;
	}
	return false;
}

/* PROFILE_MAX_SIZE as a tag's parameter. */
#define PROFILE_SIZE_LIMIT "limit=65536"
G_STATIC_ASSERT(PROFILE_MAX_SIZE == 65536);

/* ---- scanning the text ---- */

struct scan {
	GHashTable *seen;      /* "group" and "group\nkey" -> first line number */
	char group[32];        /* the current group ("" before the first) */
	unsigned int line;
	unsigned int keys;
};

/* The line number is a parameter of the tag only where no setting says where. */
static gboolean scan_error(GError **error, const struct scan *sc, const char *id, const char *key,
			   const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static gboolean scan_error(GError **error, const struct scan *sc, const char *id, const char *key,
			   const char *fmt, ...)
{
	g_autofree char *what = NULL, *line = g_strdup_printf("line=%u", sc->line);
	bool section = !strcmp(id, "unknown-section") || !strcmp(id, "duplicate-section");
	const char *group = *sc->group && (key || section) ? sc->group : NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return profile_invalid(error, id, group, key, group ? NULL : line,
			       "not a valid profile: line %u: %s", sc->line, what);
}


/* The first line number of name (a group, or "group\nkey"), or 0; then it is noted. */
static unsigned int seen_before(struct scan *sc, const char *name)
{
	unsigned int first = GPOINTER_TO_UINT(g_hash_table_lookup(sc->seen, name));

	if (!first)
		g_hash_table_insert(sc->seen, g_strdup(name), GUINT_TO_POINTER(sc->line));
	return first;
}

static gboolean scan_group(struct scan *sc, const char *s, const char *end, GError **error)
{
	const char *close = memchr(s, ']', (size_t)(end - s));
	size_t n;
	unsigned int first;

	if (!close || close[1 + strspn(close + 1, " \t")] != '\0')
		return scan_error(error, sc, "syntax", NULL, "a '[' line that is not a [section]");
	n = (size_t)(close - s - 1);
	if (!profile_plain_name(s + 1, n))
		return scan_error(error, sc, "syntax", NULL, "not a section name");
	memcpy(sc->group, s + 1, n);
	sc->group[n] = '\0';
	if (!find_group(sc->group))
		return scan_error(error, sc, "unknown-section", NULL, "[%s]: unknown section",
				  sc->group);
	first = seen_before(sc, sc->group);
	if (first)
		return scan_error(error, sc, "duplicate-section", NULL, "[%s] again (first on line %u): give each section once",
				  sc->group, first);
	return TRUE;
}

/* A stored secret is taken as written (docs/profile.md): nothing that needs escaping. */
static bool secret_value_ok(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' || g_ascii_iscntrl(v[i]))
			return false;
	}
	return true;
}

static gboolean scan_value(struct scan *sc, const char *key, const char *v, const char *end,
			   GError **error)
{
	size_t n;

	v += strspn(v, " \t");
	/* Before any trimming: GKeyFile keeps a CR or other control byte at the end. */
	for (const char *c = v; c < end; c++) {
		if (g_ascii_iscntrl(*c) && *c != '\t')
			return scan_error(error, sc, "control-character", key,
					  "[%s] %s: a control character in the value", sc->group,
					  key);
	}
	while (end > v && g_ascii_isspace(end[-1]))
		end--;
	n = (size_t)(end - v);
	if (!g_utf8_validate(v, (gssize)n, NULL))
		return scan_error(error, sc, "not-utf8", key, "[%s] %s: not valid UTF-8", sc->group,
				  key);
	if (n > PROFILE_MAX_VALUE)
		return scan_error(error, sc, "too-large", key,
				  "[%s] %s: the value is longer than %d bytes", sc->group, key,
				  PROFILE_MAX_VALUE);
	if (profile_secret_at(sc->group, key) && !secret_value_ok(v, n))
		return scan_error(error, sc, "secret-as-written", key,
				  "[%s] %s: a stored secret cannot hold a backslash or a control "
				  "character (it is taken as written; give it at connect time)",
				  sc->group, key);
	return TRUE;
}

static gboolean scan_key_value(struct scan *sc, const char *s, const char *end, GError **error)
{
	const char *eq = memchr(s, '=', (size_t)(end - s));
	const char *key_end = eq;
	g_autofree char *key = NULL, *full = NULL;
	unsigned int first;

	if (!eq || eq == s)
		return scan_error(error, sc, "syntax", NULL, "neither [section], key=value nor # comment");
	while (key_end > s && g_ascii_isspace(key_end[-1]))
		key_end--;
	if (!*sc->group)
		return scan_error(error, sc, "syntax", NULL, "a key before the first [section]");
	if (++sc->keys > PROFILE_MAX_KEYS)
		return scan_error(error, sc, "too-many", NULL, "more than %d keys",
				  PROFILE_MAX_KEYS);
	if (!profile_plain_name(s, (size_t)(key_end - s)))
		return scan_error(error, sc, "syntax", NULL, "[%s]: not a key name", sc->group);
	key = g_strndup(s, (size_t)(key_end - s));
	if (!key_known(sc->group, key))
		return scan_error(error, sc, "unknown-key", key, "[%s] %s: unknown key", sc->group,
				  key);
	full = g_strconcat(sc->group, "\n", key, NULL);
	first = seen_before(sc, full);
	if (first)
		return scan_error(error, sc, "duplicate-key", key, "[%s] %s again (first on line %u): give each key once",
				  sc->group, key, first);
	return scan_value(sc, key, eq + 1, end, error);
}

/* One line, NUL-terminated at end, CR and LF already cut. */
static gboolean scan_line(struct scan *sc, const char *line, const char *end, GError **error)
{
	const char *s = line;

	while (s < end && g_ascii_isspace(*s))
		s++;
	if (s == end || *s == '#') {
		if (!g_utf8_validate(s, end - s, NULL))
			return scan_error(error, sc, "not-utf8", NULL, "not valid UTF-8");
		return TRUE;
	}
	if (*s == '[')
		return scan_group(sc, s, end, error);
	return scan_key_value(sc, s, end, error);
}

static gboolean scan_text(const char *data, gsize len, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct scan sc = { .seen = seen };
	g_autofree char *copy = NULL;
	char *line, *next;
	gboolean ok = TRUE;

	if (memchr(data, '\0', len)) {
		sc.line = 1;
		for (const char *p = data; *p; p++)
			sc.line += *p == '\n';
		return scan_error(error, &sc, "control-character", NULL, "a NUL byte");
	}

	copy = g_strndup(data, len);
	for (line = copy; ok && line; line = next) {
		char *end = strchr(line, '\n');

		next = end ? end + 1 : NULL;
		/* GKeyFile drops a CR before LF only: one at the very end stays (and is refused). */
		if (end && end > line && end[-1] == '\r')
			*end-- = '\0';
		if (!end)
			end = line + strlen(line);
		*end = '\0';
		sc.line++;
		ok = scan_line(&sc, line, end, error);
	}
	explicit_bzero(copy, len);
	return ok;
}

GKeyFile *profile_keyfile_parse(const char *data, gsize len, GKeyFileFlags flags, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	if (len > PROFILE_MAX_SIZE) {
		profile_invalid(error, "too-large", NULL, NULL, PROFILE_SIZE_LIMIT,
				"the profile is %" G_GSIZE_FORMAT " bytes, more than the limit of %d",
				len, PROFILE_MAX_SIZE);
		return NULL;
	}
	if (!scan_text(data, len, error))
		return NULL;

	g_key_file_set_list_separator(kf, ',');
	/* The scan accepts only what GKeyFile reads; its message would quote the line. */
	if (!g_key_file_load_from_data(kf, data, len, flags, NULL)) {
		profile_invalid(error, "syntax", NULL, NULL, NULL,
				"not a valid profile (not a key file)");
		return NULL;
	}
	return g_steal_pointer(&kf);
}

/* The whole file if it is within the size bound (the rest is never read). */
static char *read_bounded(const char *path, gsize *ret_len, GError **error)
{
	g_autofree char *data = g_malloc(PROFILE_MAX_SIZE + 1);
	/* One byte past the bound tells a file over it. */
	gssize len = rv_file_read_bounded(path, data, PROFILE_MAX_SIZE + 1);

	if (len < 0) {
		g_autofree char *tag = profile_problem_tag("read-failed", NULL, NULL, NULL);

		g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_IO, "%scannot read %s: %s", tag, path,
			    g_strerror((int)-len));
		return NULL;
	}
	if (len > PROFILE_MAX_SIZE) {
		explicit_bzero(data, (gsize)len);
		profile_invalid(error, "too-large", NULL, NULL, PROFILE_SIZE_LIMIT,
				"%s: the profile is bigger than the limit of %d bytes", path,
				PROFILE_MAX_SIZE);
		return NULL;
	}
	*ret_len = (gsize)len;
	return g_steal_pointer(&data);
}

GKeyFile *profile_keyfile_load(const char *path, GError **error)
{
	gsize len = 0;
	g_autofree char *data = read_bounded(path, &len, error);
	GKeyFile *kf;

	if (!data)
		return NULL;
	kf = profile_keyfile_parse(data, len, G_KEY_FILE_KEEP_COMMENTS, error);
	explicit_bzero(data, len);
	return kf;
}

/*
 * Escapes (\\n, \\t, ...) in values that are not secrets are GKeyFile's;
 * what they make must still be one line of text.
 */
gboolean profile_keyfile_check_values(GKeyFile *kf, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (char **g = groups; *g; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);

		for (char **k = keys; k && *k; k++) {
			g_autoptr(GError) bad_escape = NULL;
			g_autofree char *v = NULL;

			if (profile_secret_at(*g, *k))
				continue;
			/* On an unknown escape GLib sets the error and still returns the text. */
			v = g_key_file_get_string(kf, *g, *k, &bad_escape);
			if (bad_escape)
				g_clear_pointer(&v, g_free);
			if (!v || has_control(v)) {
				return profile_invalid(
					error, v ? "control-character" : "bad-escape", *g, *k, NULL,
					"[%s] %s: %s", *g, *k,
					v ? "a control character in the value"
					  : "a backslash escape that GKeyFile does not know");
			}
		}
	}
	return TRUE;
}

/* ---- edits and the public text ---- */

static gboolean edit_error(GError **error, const char *id, const char *group, const char *key,
			   const char *what)
{
	g_autofree char *g = g_strescape(group, NULL), *k = g_strescape(key, NULL);
	/* An unknown section's keys mean nothing: the tag names the section. */
	bool section = !strcmp(id, "unknown-section");

	return profile_invalid(error, id, group, section ? NULL : key, NULL, "'%s.%s': %s", g, k,
			       what);
}

gboolean profile_keyfile_set(GKeyFile *kf, const char *group, const char *key, const char *value,
			     GError **error)
{
	size_t n = strlen(value);

	if (!find_group(group))
		return edit_error(error, "unknown-section", group, key, "unknown section (keys look like ppp.user)");
	if (!key_known(group, key))
		return edit_error(error, "unknown-key", group, key, "unknown key");
	if (n > PROFILE_MAX_VALUE)
		return edit_error(error, "too-large", group, key, "the value is too long");
	if (!n) {
		g_key_file_remove_key(kf, group, key, NULL);
		return TRUE;
	}
	if (!profile_secret_at(group, key)) {
		if (has_control(value))
			return edit_error(error, "control-character", group, key,
					  "a control character in the value");
		g_key_file_set_string(kf, group, key, value);
		return TRUE;
	}
	if (!secret_value_ok(value, n) || g_ascii_isspace(value[0]) ||
	    g_ascii_isspace(value[n - 1]))
		return edit_error(error, "secret-as-written", group, key,
				  "a stored secret cannot begin or end with a space or hold a "
				  "backslash or a control character; give it at connect time");
	/* As written: GKeyFile escapes do not apply to secrets. */
	g_key_file_set_value(kf, group, key, value);
	return TRUE;
}

char *profile_public_text(GKeyFile *kf, GStrv *ret_stored)
{
	g_autoptr(GStrvBuilder) stored = g_strv_builder_new();
	g_autoptr(GKeyFile) out = g_key_file_new();

	g_key_file_set_list_separator(out, ',');
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		for (const char *const *k = known[i].keys; *k; k++) {
			g_autofree char *v = NULL;

			if (profile_secret_at(known[i].group, *k))
				continue;
			v = g_key_file_get_value(kf, known[i].group, *k, NULL);
			if (v)
				g_key_file_set_value(out, known[i].group, *k, v);
		}
	}

	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		if (g_key_file_has_key(kf, profile_secret_keys[i].group, profile_secret_keys[i].key,
				       NULL))
			g_strv_builder_add(stored, profile_secret_keys[i].name);
	}
	*ret_stored = g_strv_builder_end(stored);
	return g_key_file_to_data(out, NULL, NULL);
}
