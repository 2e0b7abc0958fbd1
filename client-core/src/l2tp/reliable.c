/*
 * RFC 2661 5.8 reliable delivery of control messages: Ns/Nr, the peer's
 * receive window (4 when its SCCRP has no RWS AVP, as with l2tpns; SoftEther
 * says 16), retransmission with exponential back-off capped at 8 s and a
 * give-up limit, a ZLB ack after a short delay when nothing can carry the
 * ack, and an immediate re-ack of duplicates (the peer lost our ack).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "util/log.h"
#include "l2tp-internal.h"

static inline bool seq_before(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

static struct l2tp_txq_entry *entry(struct l2tp_rel *rel, size_t i)
{
	return &rel->q[(rel->head + i) % L2TP_TXQ_LEN];
}

void l2tp_rel_init(struct l2tp_rel *rel)
{
	*rel = (struct l2tp_rel){ .peer_rws = L2TP_PEER_DEFAULT_RWS };
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void transmit(struct l2tp *l, struct l2tp_txq_entry *e, usec_t now)
{
	int err;

	/* RFC 2661 5.8: a retransmission carries the current Nr */
	put_u16(e->buf + 8, e->ns);
	put_u16(e->buf + 10, l->rel.nr);
	err = l->ops.tx(l->user_data, e->buf, e->len);
	rv_log_debug("l2tp", "tx %s ns=%u nr=%u try %u%s", l2tp_msg_type_name(e->type), e->ns,
		     l->rel.nr, e->tries + 1, err < 0 ? " (send failed)" : "");
	/* A failed send is retried by the timer like a lost one. */
	e->is_sent = true;
	e->tries++;
	e->deadline = now + e->timeout;
	l->rel.is_ack_pending = false;
}

static void flush_window(struct l2tp *l, usec_t now)
{
	struct l2tp_rel *rel = &l->rel;

	for (size_t i = 0; i < rel->count && i < rel->peer_rws; i++) {
		struct l2tp_txq_entry *e = entry(rel, i);

		if (!e->is_sent)
			transmit(l, e, now);
	}
}

int l2tp_rel_send(struct l2tp *l, const uint8_t *msg, size_t len, uint16_t type, usec_t now,
		  uint16_t *ret_ns)
{
	struct l2tp_rel *rel = &l->rel;
	struct l2tp_txq_entry *e;

	if (rel->count == L2TP_TXQ_LEN)
		return -ENOBUFS;
	if (len > sizeof(e->buf) || len < L2TP_CTL_HDR_LEN)
		return -EMSGSIZE;

	e = entry(rel, rel->count);
	*e = (struct l2tp_txq_entry){ .ns = rel->ns++, .type = type, .len = len,
				      .timeout = l->rtx_initial };
	memcpy(e->buf, msg, len);
	rel->count++;
	if (ret_ns)
		*ret_ns = e->ns;

	flush_window(l, now);
	return 0;
}

void l2tp_rel_send_zlb(struct l2tp *l)
{
	uint8_t buf[L2TP_CTL_HDR_LEN];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, l->peer_tunnel_id, 0, L2TP_MSG_ZLB);
	l2tp_ctl_finish(&w);
	put_u16(buf + 8, l->rel.ns);
	put_u16(buf + 10, l->rel.nr);
	rv_log_debug("l2tp", "tx ZLB ns=%u nr=%u", l->rel.ns, l->rel.nr);
	l->ops.tx(l->user_data, buf, sizeof(buf));
	l->rel.is_ack_pending = false;
}

static void process_ack(struct l2tp *l, uint16_t nr, usec_t now)
{
	struct l2tp_rel *rel = &l->rel;
	bool has_acked = false;

	/* Only what was sent can be acked; a bogus Nr from the future is ignored. */
	while (rel->count && entry(rel, 0)->is_sent && seq_before(entry(rel, 0)->ns, nr)) {
		rel->head = (rel->head + 1) % L2TP_TXQ_LEN;
		rel->count--;
		has_acked = true;
	}

	if (has_acked)
		flush_window(l, now);
}

enum l2tp_rel_verdict l2tp_rel_rx(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now)
{
	struct l2tp_rel *rel = &l->rel;

	process_ack(l, m->nr, now);
	if (m->type == L2TP_MSG_ZLB)
		return L2TP_REL_ACK_ONLY;

	if (m->ns == rel->nr) {
		rel->nr++;
		if (!rel->is_ack_pending) {
			rel->is_ack_pending = true;
			rel->ack_at = now + L2TP_ACK_DELAY;
		}
		return L2TP_REL_NEW;
	}

	/* RFC 2661 5.8: the peer missed our ack; tell it again where we are. */
	l2tp_rel_send_zlb(l);
	return seq_before(m->ns, rel->nr) ? L2TP_REL_DUPLICATE : L2TP_REL_OUT_OF_ORDER;
}

bool l2tp_rel_is_acked(const struct l2tp *l, uint16_t ns)
{
	const struct l2tp_rel *rel = &l->rel;

	for (size_t i = 0; i < rel->count; i++) {
		if (rel->q[(rel->head + i) % L2TP_TXQ_LEN].ns == ns)
			return false;
	}

	return true;
}

bool l2tp_rel_is_idle(const struct l2tp *l)
{
	return !l->rel.count;
}

int l2tp_rel_tick(struct l2tp *l, usec_t now, uint16_t *ret_type, unsigned int *ret_tries)
{
	struct l2tp_rel *rel = &l->rel;

	for (size_t i = 0; i < rel->count; i++) {
		struct l2tp_txq_entry *e = entry(rel, i);

		if (!e->is_sent || e->deadline > now)
			continue;

		if (e->tries > l->max_retransmits) {
			*ret_type = e->type;
			*ret_tries = e->tries;
			rel->count = 0;
			rel->is_ack_pending = false;
			return -ETIMEDOUT;
		}

		e->timeout = rv_usec_min(e->timeout * 2, L2TP_RTX_CAP);
		transmit(l, e, now);
	}

	if (rel->is_ack_pending && rel->ack_at <= now)
		l2tp_rel_send_zlb(l);

	return 0;
}

usec_t l2tp_rel_deadline(const struct l2tp *l)
{
	const struct l2tp_rel *rel = &l->rel;
	usec_t t = rel->is_ack_pending ? rel->ack_at : USEC_INFINITY;

	for (size_t i = 0; i < rel->count; i++) {
		const struct l2tp_txq_entry *e = &rel->q[(rel->head + i) % L2TP_TXQ_LEN];

		if (e->is_sent)
			t = rv_usec_min(t, e->deadline);
	}

	return t;
}
