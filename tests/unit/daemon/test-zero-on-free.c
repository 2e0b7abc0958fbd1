/*
 * roadvpnd's plain-build allocator (client-core/src/daemon/zero-on-free.c):
 * a freed block holds no trace of what it held. CI builds with ASan, which
 * brings its own allocator (zero-on-free-asan.c), so meson compiles this
 * test and zero-on-free.c by themselves, without sanitizers, and runs it in
 * the unit suite; a second build without zero-on-free.c must fail it (the
 * test can tell).
 *
 * How a freed block is seen without a use after free: glibc's tcache hands
 * the block just freed back to the next malloc of that size, and only its
 * first 16 bytes hold the allocator's list pointers. So malloc, fill with a
 * pattern, free, malloc again: the same block, and past byte 16 it must be
 * zero. Plain C, no test framework: nothing here may bring an allocator.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE 256
#define HEADER 16   /* tcache next + key */

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		failures++;
	}
}

/* Past the allocator's header, is the block all zero? */
static int wiped(const unsigned char *p, size_t n)
{
	for (size_t i = HEADER; i < n; i++) {
		if (p[i])
			return 0;
	}
	return 1;
}

static unsigned char *filled(size_t n)
{
	unsigned char *p = malloc(n);

	if (!p) {
		fprintf(stderr, "FAIL: malloc\n");
		exit(1);
	}
	memset(p, 'S', n);
	return p;
}

static void test_free(void)
{
	unsigned char *p = filled(SIZE);
	unsigned char *q;

	free(p);
	q = malloc(SIZE);
	check(q == p, "malloc after free gives the same block (tcache): cannot check");
	check(q == p && wiped(q, SIZE), "free() left the secret in the freed block");
	free(q);
}

/* Growing moves the data; the block it leaves is wiped like any freed block. */
static void test_realloc_grow(void)
{
	unsigned char *p = filled(SIZE);
	unsigned char *r = realloc(p, 8 * SIZE);
	unsigned char *q;

	check(r && r[0] == 'S' && r[SIZE - 1] == 'S', "realloc lost the data");
	q = malloc(SIZE);
	check(q == p && wiped(q, SIZE), "realloc() left the secret in the old block");
	free(q);
	free(r);
}

static void test_realloc_edges(void)
{
	unsigned char *p = filled(SIZE);
	unsigned char *r = realloc(p, SIZE - 16);

	/* Shrunk by less than half: stays where it is, nothing copied or left behind. */
	check(r == p, "a small shrink moved the block");
	r = realloc(r, 8);
	check(r && r[0] == 'S' && r[7] == 'S', "a large shrink lost the data");
	check(realloc(r, 0) == NULL, "realloc(p, 0) did not free");
	p = realloc(NULL, 32);
	check(p != NULL, "realloc(NULL, n) did not allocate");
	free(p);
	free(NULL);
}

int main(void)
{
	test_free();
	test_realloc_grow();
	test_realloc_edges();
	if (!failures)
		printf("zero-on-free: freed blocks are wiped\n");
	return failures ? 1 : 0;
}
