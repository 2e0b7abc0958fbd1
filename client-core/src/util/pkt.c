/* Packet buffer with headroom and tailroom; see pkt.h. */
#include <errno.h>

#include "pkt.h"

struct pkt *pkt_buf_reset(struct pkt_buf *b)
{
	pkt_init(&b->pkt, b->storage, sizeof(b->storage), PKT_HEADROOM);
	return &b->pkt;
}

void pkt_init(struct pkt *p, uint8_t *storage, size_t size, size_t headroom)
{
	if (headroom > size)
		headroom = size;

	p->start = storage;
	p->end = storage + size;
	p->data = storage + headroom;
	p->len = 0;
}

uint8_t *pkt_push(struct pkt *p, size_t n)
{
	if (n > pkt_headroom(p))
		return NULL;

	p->data -= n;
	p->len += n;
	return p->data;
}

uint8_t *pkt_pull(struct pkt *p, size_t n)
{
	if (n > p->len)
		return NULL;

	p->data += n;
	p->len -= n;
	return p->data;
}

uint8_t *pkt_put(struct pkt *p, size_t n)
{
	uint8_t *tail = p->data + p->len;

	if (n > pkt_tailroom(p))
		return NULL;

	p->len += n;
	return tail;
}

int pkt_trim(struct pkt *p, size_t n)
{
	if (n > p->len)
		return -EINVAL;

	p->len -= n;
	return 0;
}
