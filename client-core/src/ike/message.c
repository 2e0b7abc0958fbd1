/*
 * ISAKMP message codec (RFC 2408 §3.1-3.3): the fixed header, the generic
 * payload chain walked into an index before anything acts on it, a builder
 * that chains "next payload" fields and back-patches lengths, and the data
 * attributes of §3.3. Also Notify (§3.14) and Delete (§3.15) bodies.
 *
 * Tolerated: bytes after the last payload (CBC padding, or peers that pad
 * cleartext), draft NAT-T payload codes 130/131 (folded into 20/21 here).
 */
#include <errno.h>
#include <string.h>

#include "ike-internal.h"

int ike_msg_parse_header(const uint8_t *data, size_t len, struct ike_msg *m, size_t *ret_len)
{
	struct rv_reader r = rv_reader_init(data, len);
	uint8_t next, version;
	uint32_t msg_len;

	memset(m, 0, sizeof(*m));
	if (!rv_reader_copy(&r, m->cky_i, 8) || !rv_reader_copy(&r, m->cky_r, 8) ||
	    !rv_reader_u8(&r, &next) || !rv_reader_u8(&r, &version) ||
	    !rv_reader_u8(&r, &m->exchange) || !rv_reader_u8(&r, &m->flags) ||
	    !rv_reader_u32(&r, &m->mid) || !rv_reader_u32(&r, &msg_len))
		return -EBADMSG;
	if ((version >> 4) != 1 || msg_len < ISAKMP_HDR_LEN || msg_len > len)
		return -EBADMSG;
	*ret_len = msg_len;
	return next;
}

static uint8_t fold_type(struct ike_msg *m, uint8_t type)
{
	if (type == ISAKMP_PL_NATD_DRAFT || type == ISAKMP_PL_NATOA_DRAFT) {
		m->has_draft_natt = true;
		return type == ISAKMP_PL_NATD_DRAFT ? ISAKMP_PL_NATD : ISAKMP_PL_NATOA;
	}
	return type;
}

/*
 * Every payload needs a 4-byte header and a length that fits; the chain
 * ends at "next payload" 0. A chain longer than IKE_MAX_PAYLOADS is refused,
 * which also bounds any loop a hostile message could build.
 */
int ike_msg_parse_chain(struct ike_msg *m, uint8_t first, const uint8_t *body, size_t len)
{
	struct rv_reader r = rv_reader_init(body, len);
	uint8_t type = first;

	m->n = 0;
	m->chain_end = body;
	while (type != ISAKMP_PL_NONE) {
		struct ike_payload *p;
		const uint8_t *start = rv_reader_ptr(&r);
		uint8_t next, reserved;
		uint16_t plen;

		if (m->n == IKE_MAX_PAYLOADS)
			return -EBADMSG;
		if (!rv_reader_u8(&r, &next) || !rv_reader_u8(&r, &reserved) ||
		    !rv_reader_u16(&r, &plen) || plen < 4)
			return -EBADMSG;
		p = &m->pl[m->n];
		p->type = fold_type(m, type);
		p->start = start;
		p->len = plen - 4u;
		if (!rv_reader_bytes(&r, &p->body, p->len))
			return -EBADMSG;
		m->n++;
		m->chain_end = rv_reader_ptr(&r);
		type = next;
	}
	return 0;
}

const struct ike_payload *ike_msg_find(const struct ike_msg *m, uint8_t type)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == type)
			return &m->pl[i];
	return NULL;
}

size_t ike_msg_count(const struct ike_msg *m, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n; i++)
		n += m->pl[i].type == type;
	return n;
}

/* Bit set of the payload types present (types >= 32 are not tracked). */
uint32_t ike_msg_present(const struct ike_msg *m)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type < 32)
			bits |= IKE_PL_BIT(m->pl[i].type);
	return bits;
}

void ike_build_header(struct ike_builder *b, uint8_t *buf, size_t cap, const uint8_t cky_i[8],
		      const uint8_t cky_r[8], uint8_t exchange, uint8_t flags, uint32_t mid)
{
	b->w = rv_writer_init(buf, cap);
	rv_writer_bytes(&b->w, cky_i, 8);
	rv_writer_bytes(&b->w, cky_r, 8);
	b->next_at = b->w.len;
	rv_writer_u8(&b->w, 0);
	rv_writer_u8(&b->w, ISAKMP_VERSION);
	rv_writer_u8(&b->w, exchange);
	rv_writer_u8(&b->w, flags);
	rv_writer_u32(&b->w, mid);
	rv_writer_u32(&b->w, 0);
}

size_t ike_build_begin(struct ike_builder *b, uint8_t type)
{
	size_t start = b->w.len;

	if (rv_writer_ok(&b->w) && b->next_at < b->w.len)
		b->w.buf[b->next_at] = type;
	b->next_at = start;
	rv_writer_u8(&b->w, 0);
	rv_writer_u8(&b->w, 0);
	rv_writer_u16(&b->w, 0);
	return start;
}

void ike_build_end(struct ike_builder *b, size_t start)
{
	size_t len = b->w.len - start;

	rv_writer_put_u16_at(&b->w, start + 2, len > 0xffff ? 0 : (uint16_t)len);
	if (len > 0xffff)
		b->w.overflow = true;
}

void ike_build_payload(struct ike_builder *b, uint8_t type, const void *body, size_t len)
{
	size_t start = ike_build_begin(b, type);

	rv_writer_bytes(&b->w, body, len);
	ike_build_end(b, start);
}

int ike_build_finish(struct ike_builder *b, size_t *ret_len)
{
	if (!rv_writer_ok(&b->w))
		return -ENOSPC;
	b->w.buf[24] = (uint8_t)(b->w.len >> 24);
	b->w.buf[25] = (uint8_t)(b->w.len >> 16);
	b->w.buf[26] = (uint8_t)(b->w.len >> 8);
	b->w.buf[27] = (uint8_t)b->w.len;
	*ret_len = b->w.len;
	return 0;
}

void ike_attr_basic(struct rv_writer *w, uint16_t type, uint16_t value)
{
	rv_writer_u16(w, 0x8000 | type);
	rv_writer_u16(w, value);
}

/* A value that fits 16 bits goes in the basic (TV) form, else TLV with 4 bytes. */
void ike_attr_u32(struct rv_writer *w, uint16_t type, uint32_t value)
{
	if (value <= 0xffff) {
		ike_attr_basic(w, type, (uint16_t)value);
		return;
	}
	rv_writer_u16(w, type);
	rv_writer_u16(w, 4);
	rv_writer_u32(w, value);
}

/* TLV values longer than 4 bytes are accepted only when their high bytes are zero. */
int ike_attr_next(struct rv_reader *r, uint16_t *ret_type, uint32_t *ret_value)
{
	uint16_t type, v16, len;
	uint32_t value = 0;
	uint8_t b;

	if (rv_reader_left(r) == 0)
		return 0;
	if (!rv_reader_u16(r, &type) || !rv_reader_u16(r, &v16))
		return -EBADMSG;
	if (type & 0x8000) {
		*ret_type = type & 0x7fff;
		*ret_value = v16;
		return 1;
	}
	len = v16;
	if (len > rv_reader_left(r))
		return -EBADMSG;
	for (uint16_t i = 0; i < len; i++) {
		if (!rv_reader_u8(r, &b) || (i + 4u < len && b))
			return -EBADMSG;
		value = value << 8 | b;
	}
	*ret_type = type;
	*ret_value = value;
	return 1;
}

int ike_notify_parse(const struct ike_payload *p, struct ike_notify *ret)
{
	struct rv_reader r = rv_reader_init(p->body, p->len);
	struct ike_notify n = { 0 };
	uint32_t doi;

	if (!rv_reader_u32(&r, &doi) || !rv_reader_u8(&r, &n.protocol) ||
	    !rv_reader_u8(&r, &n.spi_len) || !rv_reader_u16(&r, &n.type) ||
	    !rv_reader_bytes(&r, &n.spi, n.spi_len))
		return -EBADMSG;
	n.data_len = rv_reader_left(&r);
	n.data = rv_reader_ptr(&r);
	*ret = n;
	return 0;
}

int ike_delete_parse(const struct ike_payload *p, struct ike_delete *ret)
{
	struct rv_reader r = rv_reader_init(p->body, p->len);
	struct ike_delete d = { 0 };
	uint32_t doi;

	if (!rv_reader_u32(&r, &doi) || !rv_reader_u8(&r, &d.protocol) ||
	    !rv_reader_u8(&r, &d.spi_len) || !rv_reader_u16(&r, &d.count) || d.spi_len == 0 ||
	    !rv_reader_bytes(&r, &d.spis, (size_t)d.spi_len * d.count))
		return -EBADMSG;
	*ret = d;
	return 0;
}
