/*
 * Bounds for property lists before libplist sees them. libplist (Debian's
 * 2.2.0) parses XML without recursion but frees and copies trees
 * recursively, and parses binary lists recursively following object
 * references, which may be shared: a small file can describe a tree of
 * great depth or size. These walks measure nesting (XML tags; binary
 * object references, counting every path) and refuse a file beyond
 * RV_IMPORT_MAX_DEPTH levels or RVI_PLIST_MAX_NODES nodes.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "import-private.h"
#include "plist-check.h"

static bool tag_is(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - p) > n && !memcmp(p, name, n) &&
	       (p[n] == '>' || p[n] == '/' || p[n] == ' ' || p[n] == '\t' || p[n] == '\r' ||
		p[n] == '\n');
}

/* Over-counts on purpose (tags inside comments count too): never under. */
int rvi_plist_check_xml(const char *d, size_t len, char **error)
{
	const char *end = d + len;
	int depth = 0, nodes = 0;

	for (const char *p = memchr(d, '<', len); p; p = memchr(p, '<', (size_t)(end - p))) {
		bool close = ++p < end && *p == '/';
		const char *gt;

		p += close;
		if (!tag_is(p, end, "dict") && !tag_is(p, end, "array"))
			continue;
		gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return rvi_fail(error, EBADMSG, "property list: unterminated tag");
		if (close)
			depth--;
		else if (gt[-1] != '/' && ++depth > RV_IMPORT_MAX_DEPTH)
			return rvi_fail(error, EFBIG, "property list: nested deeper than %d levels",
					RV_IMPORT_MAX_DEPTH);
		if (++nodes > RVI_PLIST_MAX_NODES)
			return rvi_fail(error, EFBIG, "property list: more than %d containers",
					RVI_PLIST_MAX_NODES);
	}
	return 0;
}

struct bplist {
	const uint8_t *d;
	size_t len;
	uint8_t offset_size, ref_size;
	uint64_t n_objects, offset_table;
};

static uint64_t be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Where object i starts, or 0 (never a valid place: the header is there). */
static size_t object_at(const struct bplist *b, uint64_t i)
{
	uint64_t at = b->offset_table + i * b->offset_size, off;

	if (i >= b->n_objects || at + b->offset_size > b->len)
		return 0;
	off = be(b->d + at, b->offset_size);
	return off >= 8 && off < b->offset_table ? (size_t)off : 0;
}

/* A container's element count and where its references start; false for a leaf. */
static bool container(const struct bplist *b, size_t at, uint64_t *count, size_t *refs)
{
	uint8_t m = b->d[at], kind = m >> 4;
	size_t p = at + 1;

	if (kind != 0xa && kind != 0xd)
		return false;
	*count = m & 0xf;
	if (*count == 0xf) {
		uint8_t im = p < b->len ? b->d[p] : 0;
		size_t n = (size_t)1 << (im & 0xf);

		if ((im >> 4) != 1 || n > 8 || p + 1 + n > b->len)
			*count = UINT64_MAX;
		else
			*count = be(b->d + p + 1, n), p += 1 + n;
	}
	if (kind == 0xd && *count != UINT64_MAX)
		*count *= 2;   /* keys then values */
	*refs = p;
	return true;
}

struct walk {
	uint64_t obj;
	int depth;
};

int rvi_plist_check_bin(const unsigned char *d, size_t len, char **error)
{
	struct bplist b = { d, len };
	struct walk stack[RVI_PLIST_MAX_NODES];
	size_t sp = 0, visits = 0;
	const uint8_t *t = d + len - 32;

	if (len < 8 + 32)
		return rvi_fail(error, EBADMSG, "binary property list: truncated");
	b.offset_size = t[6];
	b.ref_size = t[7];
	b.n_objects = be(t + 8, 8);
	b.offset_table = be(t + 24, 8);
	if (!b.offset_size || b.offset_size > 8 || !b.ref_size || b.ref_size > 8 ||
	    b.n_objects > len || b.offset_table >= len - 32)
		return rvi_fail(error, EBADMSG, "binary property list: bad trailer");
	stack[sp++] = (struct walk){ be(t + 16, 8), 1 };
	while (sp) {
		struct walk w = stack[--sp];
		size_t at = object_at(&b, w.obj), refs;
		uint64_t count;

		if (!at)
			return rvi_fail(error, EBADMSG, "binary property list: bad object reference");
		if (++visits > RVI_PLIST_MAX_NODES)
			return rvi_fail(error, EFBIG, "binary property list: more than %d objects "
						      "(counting shared ones each time)",
					RVI_PLIST_MAX_NODES);
		if (!container(&b, at, &count, &refs))
			continue;
		if (w.depth >= RV_IMPORT_MAX_DEPTH)
			return rvi_fail(error, EFBIG, "binary property list: nested deeper than %d "
						      "levels", RV_IMPORT_MAX_DEPTH);
		if (count > RVI_PLIST_MAX_NODES || refs + count * b.ref_size > b.offset_table)
			return rvi_fail(error, EBADMSG, "binary property list: container runs past "
							"its data");
		if (sp + count > RVI_PLIST_MAX_NODES)
			return rvi_fail(error, EFBIG, "binary property list: more than %d objects",
					RVI_PLIST_MAX_NODES);
		for (uint64_t i = 0; i < count; i++)
			stack[sp++] = (struct walk){ be(d + refs + i * b.ref_size, b.ref_size),
						     w.depth + 1 };
	}
	return 0;
}
