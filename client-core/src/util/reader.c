/* Bounded big-endian reader; see reader.h. */
#include <string.h>

#include "reader.h"

static bool has(const struct rv_reader *r, size_t n)
{
	return r->pos <= r->len && n <= r->len - r->pos;
}

bool rv_reader_u8(struct rv_reader *r, uint8_t *ret)
{
	if (!has(r, 1))
		return false;

	*ret = r->data[r->pos++];
	return true;
}

bool rv_reader_u16(struct rv_reader *r, uint16_t *ret)
{
	if (!has(r, 2))
		return false;

	*ret = (uint16_t)(r->data[r->pos] << 8 | r->data[r->pos + 1]);
	r->pos += 2;
	return true;
}

bool rv_reader_u32(struct rv_reader *r, uint32_t *ret)
{
	const uint8_t *p = r->data + r->pos;

	if (!has(r, 4))
		return false;

	*ret = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	r->pos += 4;
	return true;
}

bool rv_reader_copy(struct rv_reader *r, void *ret, size_t n)
{
	if (!has(r, n))
		return false;

	if (n)
		memcpy(ret, r->data + r->pos, n);
	r->pos += n;
	return true;
}

bool rv_reader_bytes(struct rv_reader *r, const uint8_t **ret, size_t n)
{
	if (!has(r, n))
		return false;

	*ret = r->data + r->pos;
	r->pos += n;
	return true;
}

bool rv_reader_skip(struct rv_reader *r, size_t n)
{
	if (!has(r, n))
		return false;

	r->pos += n;
	return true;
}

bool rv_reader_sub(struct rv_reader *r, size_t n, struct rv_reader *ret)
{
	if (!has(r, n))
		return false;

	*ret = rv_reader_init(r->data + r->pos, n);
	r->pos += n;
	return true;
}
