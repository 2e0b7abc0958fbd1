/* Bounded big-endian writer; see writer.h. */
#include <string.h>

#include "writer.h"

static uint8_t *reserve(struct rv_writer *w, size_t n)
{
	uint8_t *p;

	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return NULL;
	}

	p = w->buf + w->len;
	w->len += n;
	return p;
}

void rv_writer_u8(struct rv_writer *w, uint8_t v)
{
	uint8_t *p = reserve(w, 1);

	if (p)
		p[0] = v;
}

void rv_writer_u16(struct rv_writer *w, uint16_t v)
{
	uint8_t *p = reserve(w, 2);

	if (!p)
		return;

	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void rv_writer_u32(struct rv_writer *w, uint32_t v)
{
	uint8_t *p = reserve(w, 4);

	if (!p)
		return;

	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

void rv_writer_bytes(struct rv_writer *w, const void *data, size_t n)
{
	uint8_t *p = reserve(w, n);

	if (p && n)
		memcpy(p, data, n);
}

void rv_writer_zeros(struct rv_writer *w, size_t n)
{
	uint8_t *p = reserve(w, n);

	if (p && n)
		memset(p, 0, n);
}

void rv_writer_put_u16_at(struct rv_writer *w, size_t at, uint16_t v)
{
	if (w->overflow || at > w->len || w->len - at < 2) {
		w->overflow = true;
		return;
	}

	w->buf[at] = v >> 8;
	w->buf[at + 1] = v & 0xff;
}
