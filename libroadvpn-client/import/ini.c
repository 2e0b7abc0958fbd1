/*
 * A bounded INI reader for the three key-file dialects the converter meets:
 * NetworkManager keyfiles and roadvpn profiles (GKeyFile rules) and
 * Windows phonebooks. Every limit is checked before memory is used: file
 * size, line length, sections and keys; a NUL byte or UTF-16 text is
 * refused with a reason rather than half-read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-private.h"

struct line_reader {
	const char *p, *end;
	unsigned int no;
};

/* The next line without its end-of-line; false at the end of the data. */
static bool next_line(struct line_reader *r, const char **ret, size_t *ret_len)
{
	const char *nl;
	size_t len;

	if (r->p >= r->end)
		return false;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	len = nl ? (size_t)(nl - r->p) : (size_t)(r->end - r->p);
	*ret = r->p;
	r->p += len + (nl ? 1 : 0);
	if (len && (*ret)[len - 1] == '\r')
		len--;
	*ret_len = len;
	r->no++;
	return true;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* GKeyFile escapes; an unknown one is kept as written, like a plain text. */
static char *unescape(const char *s, size_t len)
{
	char *out = rvi_alloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 == len) {
			*o++ = s[i];
			continue;
		}
		switch (s[++i]) {
		case 's': *o++ = ' '; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case '\\': *o++ = '\\'; break;
		default:
			*o++ = '\\';
			*o++ = s[i];
		}
	}
	return out;
}

static int add_section(struct rvi_ini *ini, const char *name, size_t len, unsigned int line,
		       char **error)
{
	struct rvi_ini_section *s;

	if (ini->n_sec == RVI_INI_MAX_SECTIONS)
		return rvi_fail(error, EFBIG, "line %u: more than %d sections", line,
				RVI_INI_MAX_SECTIONS);
	if (!ini->sec)
		ini->sec = rvi_alloc(RVI_INI_MAX_SECTIONS * sizeof(*ini->sec));
	s = &ini->sec[ini->n_sec++];
	s->name = rvi_strndup(name, len);
	s->line = line;
	return 0;
}

static int add_kv(struct rvi_ini *ini, const char *line, size_t len, unsigned int no,
		  enum rvi_ini_flavor flavor, char **error)
{
	const char *eq = memchr(line, '=', len), *key = line, *val;
	size_t klen, vlen;
	struct rvi_ini_section *s;

	if (!eq)
		return rvi_fail(error, EBADMSG, "line %u: neither [section] nor key=value", no);
	if (!ini->n_sec)
		return rvi_fail(error, EBADMSG, "line %u: key=value before the first [section]",
				no);
	s = &ini->sec[ini->n_sec - 1];
	if (s->n_kv == RVI_INI_MAX_KEYS)
		return rvi_fail(error, EFBIG, "line %u: more than %d keys in [%s]", no,
				RVI_INI_MAX_KEYS, s->name);
	klen = (size_t)(eq - line);
	val = eq + 1;
	vlen = len - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);
	if (!klen)
		return rvi_fail(error, EBADMSG, "line %u: empty key", no);
	if (!s->kv)
		s->kv = rvi_alloc(RVI_INI_MAX_KEYS * sizeof(*s->kv));
	s->kv[s->n_kv].key = rvi_strndup(key, klen);
	s->kv[s->n_kv].value = flavor == RVI_INI_KEYFILE ? unescape(val, vlen)
							 : rvi_strndup(val, vlen);
	s->kv[s->n_kv++].line = no;
	return 0;
}

static bool is_comment(const char *line, size_t len, enum rvi_ini_flavor flavor)
{
	return len && (line[0] == '#' || (flavor == RVI_INI_PBK && line[0] == ';'));
}

static int parse_line(struct rvi_ini *ini, const char *line, size_t len, unsigned int no,
		      enum rvi_ini_flavor flavor, char **error)
{
	const char *close;

	if (len > RV_IMPORT_MAX_LINE)
		return rvi_fail(error, EFBIG, "line %u: longer than %d bytes", no,
				RV_IMPORT_MAX_LINE);
	trim(&line, &len);
	if (!len)
		return 0;
	if (is_comment(line, len, flavor)) {
		if (!ini->n_sec && !ini->leading_comment)
			ini->leading_comment = rvi_strndup(line + 1, len - 1);
		return 0;
	}
	if (line[0] != '[')
		return add_kv(ini, line, len, no, flavor, error);
	close = memchr(line, ']', len);
	if (!close || (size_t)(close - line) + 1 != len)
		return rvi_fail(error, EBADMSG, "line %u: unterminated [section]", no);
	return add_section(ini, line + 1, (size_t)(close - line) - 1, no, error);
}

static int check_encoding(const char *data, size_t len, char **error)
{
	if (len >= 2 && ((unsigned char)data[0] == 0xff || (unsigned char)data[0] == 0xfe) &&
	    ((unsigned char)data[1] == 0xfe || (unsigned char)data[1] == 0xff))
		return rvi_fail(error, EBADMSG, "UTF-16 text: save the file as UTF-8 first");
	if (memchr(data, '\0', len))
		return rvi_fail(error, EBADMSG, "not a text file (it holds a NUL byte)");
	if (len > RV_IMPORT_MAX_SIZE)
		return rvi_fail(error, EFBIG, "larger than %d bytes", RV_IMPORT_MAX_SIZE);
	return 0;
}

int rvi_ini_parse(const char *data, size_t len, enum rvi_ini_flavor flavor,
		  struct rvi_ini **ret, char **error)
{
	struct line_reader r = { data, data + len, 0 };
	struct rvi_ini *ini;
	const char *line;
	size_t llen;
	int err = check_encoding(data, len, error);

	if (err < 0)
		return err;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		r.p += 3;
	ini = rvi_alloc(sizeof(*ini));
	while (next_line(&r, &line, &llen)) {
		err = parse_line(ini, line, llen, r.no, flavor, error);
		if (err < 0) {
			rvi_ini_free(ini);
			return err;
		}
	}
	*ret = ini;
	return 0;
}

void rvi_ini_free(struct rvi_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->n_sec; i++) {
		for (size_t k = 0; k < ini->sec[i].n_kv; k++) {
			free(ini->sec[i].kv[k].key);
			rvi_free_secret(ini->sec[i].kv[k].value);
		}
		free(ini->sec[i].kv);
		free(ini->sec[i].name);
	}
	free(ini->sec);
	free(ini->leading_comment);
	free(ini);
}

const struct rvi_ini_section *rvi_ini_section(const struct rvi_ini *ini, const char *name)
{
	for (size_t i = 0; ini && i < ini->n_sec; i++) {
		if (!strcmp(ini->sec[i].name, name))
			return &ini->sec[i];
	}
	return NULL;
}

const char *rvi_ini_get(const struct rvi_ini_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n_kv; i++) {
		if (!strcmp(s->kv[i].key, key))
			return s->kv[i].value;
	}
	return NULL;
}

const char *rvi_ini_get_ci(const struct rvi_ini_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n_kv; i++) {
		if (!strcasecmp(s->kv[i].key, key))
			return s->kv[i].value;
	}
	return NULL;
}
