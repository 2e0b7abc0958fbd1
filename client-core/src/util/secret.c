/* Secrets that never print and are wiped on free; see secret.h. */
#include <stdlib.h>
#include <string.h>

#include "secret.h"

struct rv_secret {
	size_t len;
	uint8_t value[]; /* NUL-terminated for convenience, not counted in len */
};

struct rv_secret *rv_secret_new(const void *value, size_t len)
{
	struct rv_secret *s = malloc(sizeof(*s) + len + 1);

	if (!s)
		return NULL;

	s->len = len;
	if (len)
		memcpy(s->value, value, len);
	s->value[len] = 0;
	return s;
}

struct rv_secret *rv_secret_new_str(const char *value)
{
	return rv_secret_new(value, value ? strlen(value) : 0);
}

struct rv_secret *rv_secret_dup(const struct rv_secret *s)
{
	return s ? rv_secret_new(s->value, s->len) : NULL;
}

void rv_secret_free(struct rv_secret *s)
{
	if (!s)
		return;

	explicit_bzero(s->value, s->len);
	free(s);
}

const uint8_t *rv_secret_reveal(const struct rv_secret *s, size_t *ret_len)
{
	if (ret_len)
		*ret_len = s ? s->len : 0;
	return s ? s->value : (const uint8_t *)"";
}

size_t rv_secret_len(const struct rv_secret *s)
{
	return s ? s->len : 0;
}
