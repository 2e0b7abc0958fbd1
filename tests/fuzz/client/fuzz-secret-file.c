/*
 * The secret-file rule (libroadvpn-client/secret-file): any bytes give a
 * status, never a read past the input, and an accepted secret is within the
 * input, holds no NUL and no line break, and is at most RV_SECRET_FILE_MAX.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secret-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes, so that ASan sees any read past it. */
	char *copy = malloc(size ? size : 1);
	size_t len = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (rv_secret_file_parse(copy, size, &len) == RV_SECRET_FILE_OK) {
		if (len == 0 || len > size || len > RV_SECRET_FILE_MAX ||
		    memchr(copy, '\0', len) || memchr(copy, '\n', len) || memchr(copy, '\r', len))
			abort();
	}
	free(copy);
	return 0;
}
