/*
 * The connection under construction: profile keys in the order the
 * readers set them, secrets kept apart, inline files and the notes that
 * become the report. Rendering writes the profile in docs/profile.md's
 * section order with GKeyFile escaping, so roadvpn's loader reads back
 * exactly the values set here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "import-private.h"

static const char *const section_order[] = { "connection", "ipsec", "l2tp", "ppp", "ip" };

const char *rvi_profile_section(const char *name)
{
	for (size_t i = 0; i < sizeof(section_order) / sizeof(section_order[0]); i++) {
		if (!strcmp(section_order[i], name))
			return section_order[i];
	}
	return NULL;
}

struct rvi_conn *rvi_conn_new(const char *name)
{
	struct rvi_conn *c = rvi_alloc(sizeof(*c));

	c->name = rvi_strdup(name);
	return c;
}

static void free_notes(struct rv_import_note *n, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(n[i].field);
		free(n[i].text);
	}
}

static void free_secrets(struct rv_import_secret *s, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(s[i].name);
		rvi_free_secret(s[i].value);
	}
}

static void free_files(struct rv_import_file *f, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(f[i].key);
		free(f[i].suggested_name);
		if (f[i].data)
			explicit_bzero(f[i].data, f[i].len);
		free(f[i].data);
	}
}

void rvi_conn_free(struct rvi_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_kv; i++) {
		free(c->kv[i].key);
		free(c->kv[i].value);
	}
	free_secrets(c->secrets, c->n_secrets);
	free_files(c->files, c->n_files);
	free_notes(c->notes, c->n_notes);
	free(c->name);
	free(c);
}

static int find_kv(const struct rvi_conn *c, const char *section, const char *key)
{
	for (size_t i = 0; i < c->n_kv; i++) {
		if (!strcmp(c->kv[i].section, section) && !strcmp(c->kv[i].key, key))
			return (int)i;
	}
	return -1;
}

void rvi_set(struct rvi_conn *c, const char *section, const char *key, const char *value)
{
	int i = find_kv(c, section, key);

	if (i >= 0) {
		free(c->kv[i].value);
		c->kv[i].value = rvi_strdup(value);
		return;
	}
	if (c->n_kv == RVI_MAX_KEYS)
		abort();   /* the readers set a fixed, small set of keys */
	c->kv[c->n_kv].section = section;
	c->kv[c->n_kv].key = rvi_strdup(key);
	c->kv[c->n_kv++].value = rvi_strdup(value);
}

const char *rvi_get(const struct rvi_conn *c, const char *section, const char *key)
{
	int i = find_kv(c, section, key);

	return i >= 0 ? c->kv[i].value : NULL;
}

void rvi_unset(struct rvi_conn *c, const char *section, const char *key)
{
	int i = find_kv(c, section, key);

	if (i < 0)
		return;
	free(c->kv[i].key);
	free(c->kv[i].value);
	memmove(&c->kv[i], &c->kv[i + 1], (c->n_kv - (size_t)i - 1) * sizeof(c->kv[0]));
	c->n_kv--;
}

static void add_note(struct rv_import_note *notes, size_t *n, enum rv_import_note_kind kind,
		     const char *field, char *text)
{
	if (*n == RVI_MAX_NOTES) {
		free(text);
		return;   /* a file with that many remarks has said enough */
	}
	notes[*n] = (struct rv_import_note){ kind, rvi_strdup(field ? field : ""), text };
	(*n)++;
}

void rvi_note(struct rvi_conn *c, enum rv_import_note_kind kind, const char *field,
	      const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	if (vasprintf(&text, _(fmt), ap) < 0)
		abort();
	va_end(ap);
	add_note(c->notes, &c->n_notes, kind, field, text);
}

void rvi_note_text(struct rvi_conn *c, enum rv_import_note_kind kind, const char *field,
		   const char *text)
{
	add_note(c->notes, &c->n_notes, kind, field, rvi_strdup(text));
}

void rvi_take(struct rvi_conn *c, const char *field, const char *section, const char *key,
	      const char *value)
{
	char *line = rvi_printf("[%s] %s=%s", section, key, value);

	rvi_set(c, section, key, value);
	/* The profile line itself: nothing to translate. */
	rvi_note_text(c, RV_NOTE_TAKEN, field, line);
	free(line);
}

void rvi_secret(struct rvi_conn *c, const char *field, const char *name, const char *value)
{
	for (size_t i = 0; i < c->n_secrets; i++) {
		if (!strcmp(c->secrets[i].name, name)) {
			rvi_free_secret(c->secrets[i].value);
			c->secrets[i].value = rvi_strdup(value);
			return;
		}
	}
	if (c->n_secrets == sizeof(c->secrets) / sizeof(c->secrets[0]))
		abort();
	c->secrets[c->n_secrets].name = rvi_strdup(name);
	c->secrets[c->n_secrets++].value = rvi_strdup(value);
	rvi_note(c, RV_NOTE_TAKEN, field, "secret \"%s\" (kept apart, not in the profile text)",
		 name);
}

void rvi_file(struct rvi_conn *c, const char *key, const char *suggested_name,
	      const unsigned char *data, size_t len, bool secret)
{
	struct rv_import_file *f;

	if (c->n_files == sizeof(c->files) / sizeof(c->files[0]))
		abort();
	f = &c->files[c->n_files++];
	f->key = rvi_strdup(key);
	f->suggested_name = rvi_strdup(suggested_name);
	f->data = rvi_alloc(len + 1);   /* NUL after it: text files read as strings */
	memcpy(f->data, data, len);
	f->len = len;
	f->secret = secret;
}

void rvi_missing(struct rvi_conn *c, const char *key)
{
	if (c->n_missing < sizeof(c->missing) / sizeof(c->missing[0]))
		c->missing[c->n_missing++] = key;
}

void rvi_keyfile_escape(struct rvi_buf *b, const char *value)
{
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '\n': rvi_buf_add(b, "\\n", 2); break;
		case '\t': rvi_buf_add(b, "\\t", 2); break;
		case '\r': rvi_buf_add(b, "\\r", 2); break;
		case '\\': rvi_buf_add(b, "\\\\", 2); break;
		case ' ':
			/* GKeyFile drops leading blanks: a leading space must be \s */
			rvi_buf_add(b, p == value ? "\\s" : " ", p == value ? 2 : 1);
			break;
		default:
			rvi_buf_add(b, p, 1);
		}
	}
}

/* Where a secret goes in the profile (docs/profile.md). */
static void secret_key(const char *name, const char **section, const char **key)
{
	*section = !strcmp(name, "password") ? "ppp" : !strcmp(name, "l2tp-secret") ? "l2tp" : "ipsec";
	*key = !strcmp(name, "l2tp-secret") ? "secret" : name;
}

static void render_secrets(const struct rvi_conn *c, const char *section, struct rvi_buf *b)
{
	for (size_t i = 0; i < c->n_secrets; i++) {
		const char *sec, *key;

		secret_key(c->secrets[i].name, &sec, &key);
		if (strcmp(sec, section))
			continue;
		rvi_buf_printf(b, "%s=", key);
		rvi_keyfile_escape(b, c->secrets[i].value);
		rvi_buf_add(b, "\n", 1);
	}
}

static bool section_has_secret(const struct rvi_conn *c, const char *section)
{
	for (size_t i = 0; i < c->n_secrets; i++) {
		const char *sec, *key;

		secret_key(c->secrets[i].name, &sec, &key);
		if (!strcmp(sec, section))
			return true;
	}
	return false;
}

char *rvi_conn_text(const struct rvi_conn *c, bool with_secrets)
{
	struct rvi_buf b = { 0 };

	for (size_t s = 0; s < sizeof(section_order) / sizeof(section_order[0]); s++) {
		const char *section = section_order[s];
		bool header = false;

		for (size_t i = 0; i < c->n_kv; i++) {
			if (strcmp(c->kv[i].section, section))
				continue;
			if (!header)
				rvi_buf_printf(&b, "%s[%s]\n", b.len ? "\n" : "", section);
			header = true;
			rvi_buf_printf(&b, "%s=", c->kv[i].key);
			rvi_keyfile_escape(&b, c->kv[i].value);
			rvi_buf_add(&b, "\n", 1);
		}
		if (with_secrets && section_has_secret(c, section)) {
			if (!header)
				rvi_buf_printf(&b, "%s[%s]\n", b.len ? "\n" : "", section);
			render_secrets(c, section, &b);
		}
	}
	return rvi_buf_steal(&b);
}

void rvi_conn_publish(struct rvi_conn *c, struct rv_import_conn *out)
{
	*out = (struct rv_import_conn){ 0 };
	out->name = c->name;
	c->name = NULL;
	out->profile_text = rvi_conn_text(c, false);
	out->secrets = rvi_alloc(c->n_secrets * sizeof(*out->secrets));
	memcpy(out->secrets, c->secrets, c->n_secrets * sizeof(*out->secrets));
	out->n_secrets = c->n_secrets;
	c->n_secrets = 0;
	out->files = rvi_alloc(c->n_files * sizeof(*out->files));
	memcpy(out->files, c->files, c->n_files * sizeof(*out->files));
	out->n_files = c->n_files;
	c->n_files = 0;
	out->notes = rvi_alloc(c->n_notes * sizeof(*out->notes));
	memcpy(out->notes, c->notes, c->n_notes * sizeof(*out->notes));
	out->n_notes = c->n_notes;
	c->n_notes = 0;
	out->missing = rvi_alloc((c->n_missing + 1) * sizeof(char *));
	for (size_t i = 0; i < c->n_missing; i++)
		out->missing[i] = rvi_strdup(c->missing[i]);
	rvi_conn_free(c);
}

void rvi_result_add(struct rv_import_result *r, struct rvi_conn *c)
{
	struct rv_import_conn *conns = rvi_alloc((r->n_conns + 1) * sizeof(*conns));

	if (r->n_conns)
		memcpy(conns, r->conns, r->n_conns * sizeof(*conns));
	free(r->conns);
	r->conns = conns;
	rvi_conn_publish(c, &r->conns[r->n_conns++]);
}

void rvi_result_note(struct rv_import_result *r, enum rv_import_note_kind kind, const char *field,
		     const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	if (!r->notes)
		r->notes = rvi_alloc(RVI_MAX_NOTES * sizeof(*r->notes));
	va_start(ap, fmt);
	if (vasprintf(&text, _(fmt), ap) < 0)
		abort();
	va_end(ap);
	add_note(r->notes, &r->n_notes, kind, field, text);
}

static void conn_free_public(struct rv_import_conn *c)
{
	free(c->name);
	free(c->profile_text);
	free_secrets(c->secrets, c->n_secrets);
	free(c->secrets);
	free_files(c->files, c->n_files);
	free(c->files);
	free_notes(c->notes, c->n_notes);
	free(c->notes);
	for (char **m = c->missing; m && *m; m++)
		free(*m);
	free(c->missing);
}

void rv_import_result_free(struct rv_import_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_conns; i++)
		conn_free_public(&r->conns[i]);
	free(r->conns);
	free_notes(r->notes, r->n_notes);
	free(r->notes);
	free(r->format_detail);
	free(r);
}

void rv_import_notes_free(struct rv_import_note *notes, size_t n)
{
	free_notes(notes, n);
	free(notes);
}

/* Re-read our own text (it always parses) into a connection under construction. */
static int reload(const struct rv_import_conn *c, struct rvi_conn *tmp, char **error)
{
	struct rvi_ini *ini = NULL;
	int err = rvi_ini_parse(c->profile_text, strlen(c->profile_text), RVI_INI_KEYFILE, &ini,
				error);

	for (size_t s = 0; err >= 0 && s < ini->n_sec; s++) {
		const char *sec = rvi_profile_section(ini->sec[s].name);

		for (size_t k = 0; sec && k < ini->sec[s].n_kv && tmp->n_kv < RVI_MAX_KEYS; k++)
			rvi_set(tmp, sec, ini->sec[s].kv[k].key, ini->sec[s].kv[k].value);
	}
	rvi_ini_free(ini);
	return err;
}

static void clear_keys(struct rvi_conn *tmp)
{
	for (size_t i = 0; i < tmp->n_kv; i++) {
		free(tmp->kv[i].key);
		free(tmp->kv[i].value);
	}
}

char *rv_import_text_with_secrets(const struct rv_import_conn *c)
{
	struct rvi_conn tmp = { 0 };
	char *text = NULL;

	if (reload(c, &tmp, NULL) >= 0) {
		/* borrowed: tmp is not freed with rvi_conn_free() */
		memcpy(tmp.secrets, c->secrets, c->n_secrets * sizeof(*c->secrets));
		tmp.n_secrets = c->n_secrets;
		text = rvi_conn_text(&tmp, true);
	}
	clear_keys(&tmp);
	return text;
}

static void drop_missing(struct rv_import_conn *c, const char *key)
{
	size_t n = 0;

	for (char **m = c->missing; m && *m; m++) {
		if (strcmp(*m, key))
			c->missing[n++] = *m;
		else
			free(*m);
	}
	if (c->missing)
		c->missing[n] = NULL;
}

int rv_import_set(struct rv_import_conn *c, const char *key, const char *value, char **error)
{
	const char *dot = strchr(key, '.');
	char *section = dot ? rvi_strndup(key, (size_t)(dot - key)) : NULL;
	const char *sec = section ? rvi_profile_section(section) : NULL;
	struct rvi_conn tmp = { 0 };
	int err = 0;

	free(section);
	if (!sec || !dot[1] || !rvi_text_valid(value, RV_IMPORT_MAX_LINE))
		return rvi_fail(error, EINVAL, "%s: not a profile key, or a value with control "
					       "characters", key);
	if ((err = reload(c, &tmp, error)) >= 0) {
		if (*value)
			rvi_set(&tmp, sec, dot + 1, value);
		else
			rvi_unset(&tmp, sec, dot + 1);
		free(c->profile_text);
		c->profile_text = rvi_conn_text(&tmp, false);
		drop_missing(c, key);
	}
	clear_keys(&tmp);
	return err;
}

char *rv_import_suggest_name(const struct rv_import_conn *c)
{
	const char *src = c->name && *c->name ? c->name : "imported";
	char *name = rvi_strndup(src, strnlen(src, 64));

	for (char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '-';
	}
	if (name[0] == '.')
		name[0] = '_';
	return name;
}

static const char *kind_word(enum rv_import_note_kind kind)
{
	switch (kind) {
	/* TRANSLATORS: the import report's first column; keep them short (8 columns) */
	case RV_NOTE_TAKEN:
		return _("took");
	case RV_NOTE_LEFT_OUT:
		return _("left out");
	case RV_NOTE_INFO:
		return _("note");
	}
	return _("note");
}

/* The report's first column, padded to 8 columns as the terminal shows them (UTF-8, CJK). */
static void add_column(struct rvi_buf *b, const char *word)
{
	mbstate_t st = { 0 };
	int cols = 0;
	size_t len = strlen(word);

	rvi_buf_printf(b, "  %s", word);
	for (const char *p = word; len;) {
		wchar_t wc;
		size_t used = mbrtowc(&wc, p, len, &st);
		int w;

		if (used == 0 || used > len)
			break;
		w = wcwidth(wc);
		cols += w > 0 ? w : 1;
		p += used;
		len -= used;
	}
	rvi_buf_printf(b, "%*s", cols < 8 ? 8 - cols + 1 : 1, "");
}

static void report_notes(struct rvi_buf *b, const struct rv_import_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		add_column(b, kind_word(notes[i].kind));
		/* TRANSLATORS: between a source field's name and what became of it */
		rvi_buf_printf(b, "%s%s%s\n", notes[i].field, *notes[i].field ? _(": ") : "",
			       notes[i].text);
	}
}

char *rv_import_report(const struct rv_import_result *r)
{
	struct rvi_buf b = { 0 };

	rvi_buf_printf(&b, _("format: %s%s%s%s\n"), rv_import_format_name(r->format),
		       r->format_detail ? " (" : "", r->format_detail ? r->format_detail : "",
		       r->format_detail ? ")" : "");
	report_notes(&b, r->notes, r->n_notes);
	for (size_t i = 0; i < r->n_conns; i++) {
		const struct rv_import_conn *c = &r->conns[i];

		rvi_buf_printf(&b, _("connection \"%s\":\n"), c->name ? c->name : "");
		report_notes(&b, c->notes, c->n_notes);
		for (char **m = c->missing; m && *m; m++) {
			add_column(&b, _("missing"));
			rvi_buf_printf(&b, _("%s: not in the file; give it before saving\n"), *m);
		}
	}
	return rvi_buf_steal(&b);
}
