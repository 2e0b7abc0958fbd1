/*
 * roadvpnd's error message as the client library reads its tag
 * (libroadvpn-client/src/problem.c): any string, however malformed, is
 * either said in words or left alone; the sentence after the tag is a
 * suffix of the message, and the words are valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A D-Bus string: UTF-8 without NUL. */
	g_autofree char *message = g_strndup((const char *)data, size);
	g_autofree char *words = NULL;
	const char *sentence;

	if (!g_utf8_validate(message, -1, NULL))
		return 0;
	sentence = rvc_problem_strip(message);
	if (sentence < message || sentence > message + strlen(message))
		abort();
	words = rvc_problem_render(message);
	if (words && !g_utf8_validate(words, -1, NULL))
		abort();
	if (sentence == message && words)
		abort();
	return 0;
}
