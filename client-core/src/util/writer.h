#pragma once
/*
 * Bounded writer. A write that does not fit sets `overflow` and writes
 * nothing; callers check rv_writer_ok() once at the end instead of after
 * every field. Lengths are back-patched with rv_writer_put_u16_at().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rv_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static inline struct rv_writer rv_writer_init(void *buf, size_t cap)
{
	return (struct rv_writer){ .buf = buf, .cap = cap };
}

static inline bool rv_writer_ok(const struct rv_writer *w)
{
	return !w->overflow;
}

void rv_writer_u8(struct rv_writer *w, uint8_t v);
void rv_writer_u16(struct rv_writer *w, uint16_t v);
void rv_writer_u32(struct rv_writer *w, uint32_t v);
void rv_writer_bytes(struct rv_writer *w, const void *data, size_t n);
void rv_writer_zeros(struct rv_writer *w, size_t n);
/* Overwrite a u16 already written at offset `at` (length fields). */
void rv_writer_put_u16_at(struct rv_writer *w, size_t at, uint16_t v);
