/*
 * L2TP data messages (RFC 2661 3.1, 5.4): the header is stripped on receive
 * with every optional field the RFC allows (L, S, O with its pad, P), and
 * pushed in place into the packet headroom on send, with Ns/Nr only when
 * the gateway asked for sequencing or the profile wants it.
 *
 * Quirks absorbed: l2tpns sends LCP echoes with the P bit set and no L or S;
 * data Nr is reserved and ignored (RFC 2661 3.1).
 */
#include <errno.h>
#include <stddef.h>

#include "util/log.h"
#include "l2tp-internal.h"

struct data_hdr {
	uint16_t flags;
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns;
};

static int parse_data_header(struct rv_reader *r, struct data_hdr *h)
{
	uint16_t length, nr, offset;

	if (!rv_reader_u16(r, &h->flags) || (h->flags & L2TP_HDR_VER_MASK) != L2TP_VERSION)
		return -EBADMSG;

	if (h->flags & L2TP_HDR_L) {
		if (!rv_reader_u16(r, &length) || length > r->len || length < r->pos)
			return -EBADMSG;
		r->len = length;
	}

	if (!rv_reader_u16(r, &h->tunnel_id) || !rv_reader_u16(r, &h->session_id))
		return -EBADMSG;

	if ((h->flags & L2TP_HDR_S) && (!rv_reader_u16(r, &h->ns) || !rv_reader_u16(r, &nr)))
		return -EBADMSG;

	/* RFC 2661 3.1: Offset Size counts the pad bytes after the field itself */
	if ((h->flags & L2TP_HDR_O) && (!rv_reader_u16(r, &offset) || !rv_reader_skip(r, offset)))
		return -EBADMSG;

	return 0;
}

int l2tp_data_rx(struct l2tp *l, const uint8_t *data, size_t len, usec_t now)
{
	struct rv_reader r = rv_reader_init(data, len);
	struct data_hdr h = { 0 };

	if (parse_data_header(&r, &h) < 0)
		return -EBADMSG;

	if (l->state != L2TP_STATE_SESSION_UP || h.tunnel_id != l->tunnel_id ||
	    h.session_id != l->session_id)
		return -ENOMSG;

	if (h.flags & L2TP_HDR_S)
		l->data_nr = h.ns + 1;

	if (l->ops.ppp_rx)
		l->ops.ppp_rx(l->user_data, rv_reader_ptr(&r), rv_reader_left(&r), now);
	return 0;
}

/* The header of a data message, written into the headroom of p. */
static int push_data_header(struct pkt *p, uint16_t peer_tunnel_id, uint16_t peer_session_id,
			    const uint16_t *ns_nr)
{
	size_t hlen = ns_nr ? 10 : 6;
	struct rv_writer w;
	uint8_t *h = pkt_push(p, hlen);

	if (!h)
		return -ENOBUFS;

	w = rv_writer_init(h, hlen);
	rv_writer_u16(&w, (ns_nr ? L2TP_HDR_S : 0) | L2TP_VERSION);
	rv_writer_u16(&w, peer_tunnel_id);
	rv_writer_u16(&w, peer_session_id);
	if (ns_nr) {
		rv_writer_u16(&w, ns_nr[0]);
		rv_writer_u16(&w, ns_nr[1]);
	}
	return 0;
}

/*
 * Send the PPP frame in p->data as a data message on our session. The header
 * goes into the headroom; p is handed to ops->tx_pkt as is.
 */
int l2tp_send_ppp(struct l2tp *l, struct pkt *p)
{
	uint16_t ns_nr[2];
	int r;

	if (l->state != L2TP_STATE_SESSION_UP)
		return -ENOTCONN;

	ns_nr[0] = l->data_ns;
	ns_nr[1] = l->data_nr;
	r = push_data_header(p, l->peer_tunnel_id, l->peer_session_id,
			     l->is_data_seq ? ns_nr : NULL);
	if (r < 0)
		return r;
	if (l->is_data_seq)
		l->data_ns++;

	return l->ops.tx_pkt(l->user_data, p);
}

bool l2tp_get_data_framing(const struct l2tp *l, struct l2tp_data_framing *ret)
{
	if (!l || l->state != L2TP_STATE_SESSION_UP || l->is_data_seq)
		return false;

	*ret = (struct l2tp_data_framing){
		.tunnel_id = l->tunnel_id,
		.session_id = l->session_id,
		.peer_tunnel_id = l->peer_tunnel_id,
		.peer_session_id = l->peer_session_id,
	};
	return true;
}

int l2tp_data_push(const struct l2tp_data_framing *f, struct pkt *p)
{
	return push_data_header(p, f->peer_tunnel_id, f->peer_session_id, NULL);
}

int l2tp_data_pull(const struct l2tp_data_framing *f, struct pkt *p)
{
	struct rv_reader r = rv_reader_init(p->data, p->len);
	struct data_hdr h = { 0 };

	/* Sequenced data goes to l2tp_rx(), which keeps Nr. */
	if (parse_data_header(&r, &h) < 0 || (h.flags & (L2TP_HDR_T | L2TP_HDR_S)) ||
	    h.tunnel_id != f->tunnel_id || h.session_id != f->session_id)
		return -ENOMSG;

	/* The L bit may say the message ends before the datagram does (r.pos <= r.len). */
	if (pkt_trim(p, p->len - r.len) < 0 || !pkt_pull(p, r.pos))
		return -ENOMSG;
	return 0;
}
