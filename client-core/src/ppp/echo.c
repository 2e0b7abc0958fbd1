/*
 * Echo-Requests of a chosen size, for path MTU probes (session/plpmtu.c):
 * an LCP packet whose Information field (code to the last padding byte)
 * weighs `size` bytes crosses PPP, L2TP and ESP exactly as an IP packet of
 * `size` bytes does, and RFC 1661 5.8 has the gateway send the data back
 * (SoftEther and l2tpns do, at full length). Our MRU and the gateway's
 * bound the size: the TUN MTU the session probes for is never above them.
 * One probe is out at a time; the answer is matched by its Identifier,
 * which it shares with the keepalive's counter so the two never collide.
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"

#define ECHO_FIXED 8   /* code, id, length, magic */

int ppp_echo_sized(struct ppp *ppp, uint16_t size)
{
	struct lcp_state *st;
	uint8_t buf[PPP_CTL_MAX];
	size_t len;

	if (!ppp || ppp->has_failed)
		return -ENOTCONN;
	st = &ppp->lcp_st;
	if (!ppp_fsm_is_open(&ppp->lcp) || ppp->is_closing || st->is_echo_off)
		return -ENOTCONN;
	if (size < ECHO_FIXED || size > ppp_peer_mru(ppp) || size - 4u > sizeof(buf))
		return -EMSGSIZE;
	len = size - 4u;
	/* Magic-Number, then a pattern that no compression along the way shrinks much. */
	buf[0] = (uint8_t)(st->magic >> 24);
	buf[1] = (uint8_t)(st->magic >> 16);
	buf[2] = (uint8_t)(st->magic >> 8);
	buf[3] = (uint8_t)st->magic;
	for (size_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(i * 151u + (i >> 8));
	st->sized_id = ++st->echo_id;
	st->sized_len = size;
	return ppp_send_ctl(ppp, PPP_PROTO_LCP, PPP_CODE_ECHO_REQ, st->sized_id, buf, len);
}

void lcp_echo_reply(struct ppp *ppp, uint8_t id)
{
	struct lcp_state *st = &ppp->lcp_st;
	uint16_t size = st->sized_len;

	if (!size || id != st->sized_id)
		return;
	st->sized_len = 0;
	if (ppp->ops.echo_answered)
		ppp->ops.echo_answered(ppp->user_data, size);
}
