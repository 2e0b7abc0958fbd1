#pragma once
/* Hex helpers shared by the esp unit tests. */
#include <assert.h>
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decode hex, skipping spaces; returns the byte count. Aborts on a typo in a vector. */
static inline size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s))
			continue;
		v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		assert(v >= 0 && v < 16);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}

	assert(hi < 0);
	return n;
}
