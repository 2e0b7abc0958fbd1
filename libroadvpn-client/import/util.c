/*
 * Small helpers of the converter: allocation (out of memory aborts, as in
 * GLib: a half-built profile is worse than a crash), error lines, a text
 * buffer and the value checks every format reader shares.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "import-private.h"

void *rvi_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

char *rvi_strndup(const char *s, size_t n)
{
	char *p = rvi_alloc(n + 1);

	memcpy(p, s, n);
	return p;
}

char *rvi_strdup(const char *s)
{
	return s ? rvi_strndup(s, strlen(s)) : NULL;
}

static char *vprintf_alloc(const char *fmt, va_list ap) RVI_PRINTF(1, 0);

static char *vprintf_alloc(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

char *rvi_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vprintf_alloc(fmt, ap);
	va_end(ap);
	return s;
}

void rvi_free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

int rvi_fail(char **error, int err, const char *fmt, ...)
{
	va_list ap;

	if (error && !*error) {
		va_start(ap, fmt);
		*error = vprintf_alloc(_(fmt), ap);
		va_end(ap);
	}
	return -err;
}

int rvi_fail_text(char **error, int err, const char *text)
{
	if (error && !*error)
		*error = rvi_strdup(text);
	return -err;
}

void rvi_buf_add(struct rvi_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = rvi_alloc(cap);
		if (b->p) {
			memcpy(p, b->p, b->len);
			explicit_bzero(b->p, b->cap);   /* may hold a secret */
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rvi_buf_printf(struct rvi_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vprintf_alloc(fmt, ap);
	va_end(ap);
	rvi_buf_add(b, s, strlen(s));
	rvi_free_secret(s);
}

char *rvi_buf_steal(struct rvi_buf *b)
{
	char *p = b->p ? b->p : rvi_strdup("");

	*b = (struct rvi_buf){ 0 };
	return p;
}

int rvi_parse_bool(const char *s)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

bool rvi_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
	unsigned long n = 0;

	if (!s || !*s || strlen(s) > 10)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n < min || n > max)
		return false;
	*ret = n;
	return true;
}

bool rvi_parse_lifetime(const char *s, unsigned long *ret)
{
	static const struct {
		char unit;
		unsigned long mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char num[16];
	size_t len = s ? strlen(s) : 0;
	unsigned long mult = 1, n;

	if (!len || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (num[len - 1] == units[i].unit) {
			mult = units[i].mult;
			num[--len] = '\0';
			break;
		}
	}
	if (!rvi_parse_uint(num, 0, 10 * 365 * 86400UL, &n))
		return false;
	*ret = n * mult;
	return true;
}

bool rvi_route_valid(const char *s)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix = 32;
	struct in_addr a;
	uint32_t mask;

	if (alen >= sizeof(addr))
		return false;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1)
		return false;
	if (slash && !rvi_parse_uint(slash + 1, 0, 32, &prefix))
		return false;
	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	return !(a.s_addr & ~mask);
}

bool rvi_text_valid(const char *s, size_t max)
{
	size_t n = 0;

	if (!s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (*p < 0x20 || *p == 0x7f || n >= max)
			return false;
	}
	return true;
}

bool rvi_host_valid(const char *s)
{
	if (!s || !*s || !rvi_text_valid(s, 253))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '/' || *p == ',' || *p == '\\')
			return false;
	}
	return true;
}

bool rvi_list_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		while (*p == ' ')
			p++;
		if (!strncmp(p, tok, n) && (p[n] == ',' || p[n] == ' ' || !p[n]))
			return true;
	}
	return false;
}

char *rvi_new_uuid(void)
{
	unsigned char u[16];

	if (RAND_bytes(u, sizeof(u)) != 1)
		abort();
	u[6] = (u[6] & 0x0f) | 0x40;   /* version 4, RFC 4122 variant */
	u[8] = (u[8] & 0x3f) | 0x80;
	return rvi_printf("%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
			  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			  u[12], u[13], u[14], u[15]);
}
