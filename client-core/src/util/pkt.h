#pragma once
/*
 * Packet buffer with fixed headroom and tailroom, so every layer on the way
 * down prepends its header in place (PPP protocol field, L2TP data header,
 * later the inner UDP header and ESP header/IV) and ESP appends its trailer
 * and ICV, with no copy and no allocation per packet.
 */
#include <stddef.h>
#include <stdint.h>

/* PPP(4) + L2TP data(16) + UDP(8) + ESP hdr(8) + IV(16) + UDP encap(8), rounded up. */
#define PKT_HEADROOM 128
/* ESP padding(<=255 worst case is not used: we pad to the block only) + trailer + ICV(32). */
#define PKT_TAILROOM 64
#define PKT_MAX_DATA 2048
#define PKT_STORAGE (PKT_HEADROOM + PKT_MAX_DATA + PKT_TAILROOM)

struct pkt {
	uint8_t *data;  /* first byte of the current layer's view */
	size_t len;     /* bytes from data */
	uint8_t *start; /* start of storage */
	uint8_t *end;   /* one past the end of storage */
};

struct pkt_buf {
	struct pkt pkt;
	uint8_t storage[PKT_STORAGE];
};

/* Reset to an empty packet whose data begins after PKT_HEADROOM. */
struct pkt *pkt_buf_reset(struct pkt_buf *b);
/* Wrap foreign storage; `headroom` bytes are reserved before data. */
void pkt_init(struct pkt *p, uint8_t *storage, size_t size, size_t headroom);

static inline size_t pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->start);
}

static inline size_t pkt_tailroom(const struct pkt *p)
{
	return (size_t)(p->end - (p->data + p->len));
}

/* Prepend n bytes; returns the new data pointer or NULL (nothing changed). */
uint8_t *pkt_push(struct pkt *p, size_t n);
/* Strip n bytes from the front; returns the new data pointer or NULL. */
uint8_t *pkt_pull(struct pkt *p, size_t n);
/* Append n bytes; returns a pointer to them or NULL. */
uint8_t *pkt_put(struct pkt *p, size_t n);
/* Drop n bytes from the tail; returns 0 or -EINVAL. */
int pkt_trim(struct pkt *p, size_t n);
