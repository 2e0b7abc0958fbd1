#pragma once
/*
 * Bounded reader over wire bytes. Every read checks the remaining length
 * first and never moves past the end; a failed read leaves the reader
 * where it was and returns false. Parsers read only through this.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rv_reader {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

static inline struct rv_reader rv_reader_init(const void *data, size_t len)
{
	return (struct rv_reader){ .data = data, .len = len, .pos = 0 };
}

static inline size_t rv_reader_left(const struct rv_reader *r)
{
	return r->len - r->pos;
}

static inline const uint8_t *rv_reader_ptr(const struct rv_reader *r)
{
	return r->data + r->pos;
}

bool rv_reader_u8(struct rv_reader *r, uint8_t *ret);
bool rv_reader_u16(struct rv_reader *r, uint16_t *ret);
bool rv_reader_u32(struct rv_reader *r, uint32_t *ret);
bool rv_reader_copy(struct rv_reader *r, void *ret, size_t n);
/* Borrow n bytes in place: *ret points into the reader's buffer. */
bool rv_reader_bytes(struct rv_reader *r, const uint8_t **ret, size_t n);
bool rv_reader_skip(struct rv_reader *r, size_t n);
/* Split off the next n bytes as a reader of their own. */
bool rv_reader_sub(struct rv_reader *r, size_t n, struct rv_reader *ret);
