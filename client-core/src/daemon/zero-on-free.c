/*
 * roadvpnd wipes every heap block it frees. Secrets reach it as D-Bus
 * messages, GVariants and key files, which GLib copies and frees in places
 * we never see (message parsing, GKeyFile parsing, GString growth), so
 * wiping only our own copies left several in freed memory, readable in a
 * core or through /proc/PID/mem. Overriding free() and realloc() in the
 * executable covers every library it loads (GLib, GIO, OpenSSL): their
 * calls bind to these definitions first. malloc and calloc stay glibc's.
 *
 * The cost is one memset per free; the data path does not allocate per
 * packet (tests/unit/esp/test-esp-noalloc.c), so it is the control plane's.
 * Sanitizer builds have their own allocator and use the free-fill option of
 * ASan instead (meson picks zero-on-free-asan.c then).
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* glibc's own allocator entry points (exported since glibc 2.0). */
extern void __libc_free(void *p);
extern void *__libc_malloc(size_t n);

void free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	__libc_free(p);
}

/*
 * glibc's realloc frees the old block internally, bypassing free() above:
 * grow by copying, so the old block goes through the wipe. A block shrunk by
 * less than half stays where it is.
 */
void *realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return __libc_malloc(n);
	if (!n) {
		free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (n <= old && n >= old / 2)
		return p;
	q = __libc_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, n < old ? n : old);
	free(p);
	return q;
}
