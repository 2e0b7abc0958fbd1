/*
 * PPP frames over L2TP (RFC 1661 2 and 6.5-6.6, RFC 2661 5.4): no HDLC
 * flags, no FCS. On receive the Address/Control octets FF 03 are optional
 * (ACFC) and a one-octet protocol field is accepted (PFC) whether or not it
 * was negotiated, because LNSes differ; on send we always use FF 03 and two
 * octets. Protocols we do not run (CCP from pppd-based gateways, IPv6CP when
 * IPv6 is off, multilink...) get a Protocol-Reject (RFC 1661 5.7).
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"
#include "util/log.h"
#include "util/writer.h"

int ppp_ctl_parse(const uint8_t *pkt, size_t len, uint8_t *ret_code, uint8_t *ret_id,
		  struct rv_reader *ret_data)
{
	struct rv_reader r = rv_reader_init(pkt, len);
	uint16_t plen;
	uint8_t code, id;

	if (!rv_reader_u8(&r, &code) || !rv_reader_u8(&r, &id) || !rv_reader_u16(&r, &plen))
		return -EBADMSG;

	/* RFC 1661 5: a Length below 4 or beyond the frame is invalid; more octets are padding */
	if (plen < 4 || plen > len)
		return -EBADMSG;

	*ret_code = code;
	*ret_id = id;
	*ret_data = rv_reader_init(pkt + 4, plen - 4u);
	return 0;
}

/* Build FF 03 + protocol + code/id/length + data in a fresh packet and hand it to ops->tx. */
int ppp_send_ctl(struct ppp *ppp, uint16_t proto, uint8_t code, uint8_t id, const void *data,
		 size_t len)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	struct rv_writer w;
	uint8_t *h;

	if (len > PPP_CTL_MAX)
		return -EMSGSIZE;

	h = pkt_put(p, PPP_CTL_HDR + len);
	if (!h)
		return -EMSGSIZE;

	w = rv_writer_init(h, PPP_CTL_HDR + len);
	rv_writer_u8(&w, 0xff);
	rv_writer_u8(&w, 0x03);
	rv_writer_u16(&w, proto);
	rv_writer_u8(&w, code);
	rv_writer_u8(&w, id);
	rv_writer_u16(&w, (uint16_t)(len + 4));
	if (len)
		rv_writer_bytes(&w, data, len);
	return ppp->ops.tx(ppp->user_data, p);
}

int ppp_send_proto_reject(struct ppp *ppp, uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t buf[PPP_CTL_MAX];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	/* RFC 1661 5.7: truncate the rejected information to the peer's MRU */
	size_t max = ppp_peer_mru(ppp) - 6u;

	if (len > max)
		len = max;

	rv_writer_u16(&w, proto);
	rv_writer_bytes(&w, info, len);
	if (!rv_writer_ok(&w))
		return -EMSGSIZE;

	rv_log_debug("ppp", "Protocol-Reject 0x%04x", proto);
	return ppp_send_ctl(ppp, PPP_PROTO_LCP, PPP_CODE_PROTO_REJ, ++ppp->lcp.next_id, buf, w.len);
}

static int parse_frame(const uint8_t *frame, size_t len, uint16_t *ret_proto,
		       struct rv_reader *ret_payload)
{
	struct rv_reader r = rv_reader_init(frame, len);
	uint8_t hi, lo;

	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		rv_reader_skip(&r, 2);

	if (!rv_reader_u8(&r, &hi))
		return -EBADMSG;

	if (hi & 1) {
		*ret_proto = hi;
	} else {
		/* RFC 1661 2: the low octet of a protocol number is odd */
		if (!rv_reader_u8(&r, &lo) || !(lo & 1))
			return -EBADMSG;
		*ret_proto = (uint16_t)(hi << 8 | lo);
	}

	*ret_payload = rv_reader_init(rv_reader_ptr(&r), rv_reader_left(&r));
	return 0;
}

static int reject_protocol(struct ppp *ppp, uint16_t proto, struct rv_reader payload)
{
	/* RFC 1661 5.7: only sent in the Opened state; before that the frame is just dropped */
	if (ppp_fsm_is_open(&ppp->lcp))
		ppp_send_proto_reject(ppp, proto, payload.data, payload.len);
	return 0;
}

static int rx_ncp(struct ppp *ppp, struct ppp_fsm *f, struct rv_reader payload, usec_t now)
{
	/* RFC 1661 3.5: NCP packets before the Network phase are silently discarded */
	if (ppp->phase != PPP_PHASE_NETWORK) {
		/* ... but one while we await CHAP's result says the gateway sent it (chap.c) */
		if (ppp->phase == PPP_PHASE_AUTHENTICATE)
			ppp->auth.peer_went_on = true;
		return 0;
	}

	/* The gateway may start IPv6CP before we do (we wait for IPCP first). */
	if (f == &ppp->ipv6cp && f->state == PPP_FSM_INITIAL)
		ppp_fsm_open(f, now);

	return ppp_fsm_rx(f, payload.data, payload.len, now);
}

static int rx_ip(struct ppp *ppp, bool is_ipv6, struct rv_reader payload)
{
	const struct ppp_fsm *f = is_ipv6 ? &ppp->ipv6cp : &ppp->ipcp;

	if (ppp->phase != PPP_PHASE_NETWORK || !ppp_fsm_is_open(f))
		return 0;

	if (ppp->ops.ip_rx)
		ppp->ops.ip_rx(ppp->user_data, is_ipv6, payload.data, payload.len);
	return 0;
}

static int rx_auth(struct ppp *ppp, uint16_t proto, struct rv_reader payload, usec_t now)
{
	if (ppp->phase != PPP_PHASE_AUTHENTICATE && ppp->phase != PPP_PHASE_NETWORK)
		return 0;

	if (proto == PPP_PROTO_PAP)
		return ppp->lcp_st.auth == PPP_AUTH_PAP ? pap_rx(ppp, payload.data, payload.len, now)
							: 0;

	if (ppp->lcp_st.auth != PPP_AUTH_CHAP_MD5 && ppp->lcp_st.auth != PPP_AUTH_MSCHAPV2)
		return 0;
	return chap_rx(ppp, payload.data, payload.len, now);
}

static int demux(struct ppp *ppp, uint16_t proto, struct rv_reader payload, usec_t now)
{
	switch (proto) {
	case PPP_PROTO_LCP:
		return ppp_fsm_rx(&ppp->lcp, payload.data, payload.len, now);
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		return rx_auth(ppp, proto, payload, now);
	case PPP_PROTO_IPCP:
		return rx_ncp(ppp, &ppp->ipcp, payload, now);
	case PPP_PROTO_IPV4:
		return rx_ip(ppp, false, payload);
	case PPP_PROTO_IPV6CP:
		if (!ppp->cfg.want_ipv6)
			return reject_protocol(ppp, proto, payload);
		return rx_ncp(ppp, &ppp->ipv6cp, payload, now);
	case PPP_PROTO_IPV6:
		if (!ppp->cfg.want_ipv6)
			return reject_protocol(ppp, proto, payload);
		return rx_ip(ppp, true, payload);
	}

	return reject_protocol(ppp, proto, payload);
}

/*
 * One PPP frame from the link. Returns 0, -EBADMSG (malformed, dropped),
 * -EAGAIN (a retransmission, answered again), -ENOMSG (not started or
 * already finished) or -EPROTO (fatal: PPP_EVENT_FAILED was emitted).
 */
int ppp_rx(struct ppp *ppp, const uint8_t *frame, size_t len, usec_t now)
{
	struct rv_reader payload;
	bool had_failed;
	uint16_t proto;
	int r;

	/* After a failure only a ppp_close() brings it back, to hear the Terminate-Ack */
	if (!ppp || ppp->phase == PPP_PHASE_DEAD)
		return -ENOMSG;

	r = parse_frame(frame, len, &proto, &payload);
	if (r < 0)
		return r;

	had_failed = ppp->has_failed;
	lcp_note_rx(ppp, now);
	r = demux(ppp, proto, payload, now);
	if (ppp->has_failed && !had_failed)
		return -EPROTO;
	/* while closing after a failure, that old failure is no news */
	return r == -EPROTO ? 0 : r;
}

bool ppp_ip_is_open(const struct ppp *ppp, bool is_ipv6)
{
	if (!ppp || ppp->has_failed || ppp->phase != PPP_PHASE_NETWORK)
		return false;
	return ppp_fsm_is_open(is_ipv6 ? &ppp->ipv6cp : &ppp->ipcp);
}

int ppp_ip_push(struct pkt *p, bool is_ipv6)
{
	uint16_t proto = is_ipv6 ? PPP_PROTO_IPV6 : PPP_PROTO_IPV4;
	uint8_t *h = pkt_push(p, 4);

	if (!h)
		return -ENOSPC;

	h[0] = 0xff;
	h[1] = 0x03;
	h[2] = (uint8_t)(proto >> 8);
	h[3] = (uint8_t)proto;
	return 0;
}

int ppp_ip_pull(struct pkt *p)
{
	struct rv_reader payload;
	uint16_t proto;

	if (parse_frame(p->data, p->len, &proto, &payload) < 0)
		return 0;
	if (proto != PPP_PROTO_IPV4 && proto != PPP_PROTO_IPV6)
		return 0;

	pkt_pull(p, p->len - payload.len);
	return proto == PPP_PROTO_IPV6 ? 6 : 4;
}

/*
 * Send an IP packet to the peer: FF 03 and the protocol go into p's
 * headroom in place. Returns 0, -ENOTCONN before the NCP is open, -ENOSPC
 * without headroom, or the tx error.
 */
int ppp_send_ip(struct ppp *ppp, struct pkt *p, bool is_ipv6)
{
	int r;

	if (!ppp_ip_is_open(ppp, is_ipv6))
		return -ENOTCONN;

	r = ppp_ip_push(p, is_ipv6);
	if (r < 0)
		return r;
	return ppp->ops.tx(ppp->user_data, p);
}
