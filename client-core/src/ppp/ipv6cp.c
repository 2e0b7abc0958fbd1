/*
 * IPv6CP (RFC 5072): only the Interface-Identifier option (4.1). We start
 * with a random non-zero IID and adopt the one the gateway Naks back;
 * l2tpns forces <IPv4 address>:0 and drops traffic from any other source,
 * so net/ must use the negotiated IID. Compression is rejected. IPv6 is
 * optional: when IPv6CP fails or is Protocol-Rejected, IPv4 carries on.
 */
#include <errno.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ppp-internal.h"
#include "util/log.h"

#define IPV6CP_OPT_IID 1

static const uint8_t zero_iid[8];

static void random_iid(uint8_t iid[8], const uint8_t not_this[8])
{
	do
		rv_random_bytes(iid, 8);
	while (!memcmp(iid, zero_iid, 8) || !memcmp(iid, not_this, 8));
}

void ipv6cp_init(struct ppp *ppp)
{
	ppp->ipv6cp_st = (struct ipv6cp_state){ .send_iid = true };
	random_iid(ppp->ipv6cp_st.iid, zero_iid);
	ppp_fsm_init(&ppp->ipv6cp, &ipv6cp_class, ppp);
}

static void ipv6cp_add_opts(struct ppp_fsm *f, struct rv_writer *w)
{
	if (f->ppp->ipv6cp_st.send_iid)
		ppp_opt_put(w, IPV6CP_OPT_IID, f->ppp->ipv6cp_st.iid, 8);
}

static uint8_t ipv6cp_req_opts(struct ppp_fsm *f, struct rv_reader opts, struct rv_writer *reply)
{
	struct ipv6cp_state *st = &f->ppp->ipv6cp_st;
	uint8_t nak[10], suggest[8], peer_iid[8] = { 0 };
	size_t nak_len = 0;
	struct rv_reader val;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type != IPV6CP_OPT_IID || val.len != 8) {
			ppp_opt_put(reply, type, val.data, val.len);
			continue;
		}

		memcpy(peer_iid, val.data, 8);
		/* RFC 5072 4.1: zero, or the same as ours, gets a Nak with another one */
		if (!memcmp(peer_iid, zero_iid, 8) || !memcmp(peer_iid, st->iid, 8)) {
			random_iid(suggest, st->iid);
			nak[0] = IPV6CP_OPT_IID;
			nak[1] = 10;
			memcpy(nak + 2, suggest, 8);
			nak_len = 10;
		}
	}

	if (reply->len > 0 || reply->overflow)
		return PPP_CODE_CONF_REJ;

	if (nak_len) {
		rv_writer_bytes(reply, nak, nak_len);
		return PPP_CODE_CONF_NAK;
	}

	memcpy(st->peer_iid, peer_iid, 8);
	return PPP_CODE_CONF_ACK;
}

static int ipv6cp_nak_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct ipv6cp_state *st = &f->ppp->ipv6cp_st;
	struct rv_reader val;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type != IPV6CP_OPT_IID || val.len != 8 || !st->send_iid)
			continue;

		if (memcmp(val.data, zero_iid, 8) && memcmp(val.data, st->peer_iid, 8))
			memcpy(st->iid, val.data, 8);
		else
			random_iid(st->iid, st->peer_iid);
	}

	return 0;
}

static int ipv6cp_rej_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct rv_reader val;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type != IPV6CP_OPT_IID || !f->ppp->ipv6cp_st.send_iid)
			return -EBADMSG;
	}

	f->ppp->ipv6cp_st.send_iid = false;
	return 0;
}

static void ipv6cp_up(struct ppp_fsm *f, usec_t now)
{
	struct ppp *ppp = f->ppp;
	struct ipv6cp_state *st = &ppp->ipv6cp_st;
	struct ppp_ipv6cp_info info;

	memcpy(info.local_iid, st->iid, 8);
	memcpy(info.peer_iid, st->peer_iid, 8);
	if (st->is_announced && !memcmp(&info, &ppp->info.ipv6cp, sizeof(info)))
		return;

	st->is_announced = true;
	ppp->info.ipv6cp = info;
	ppp_emit(ppp, PPP_EVENT_IPV6CP_UP);
}

static void ipv6cp_down(struct ppp_fsm *f)
{
}

static void ipv6cp_finished(struct ppp_fsm *f, usec_t now)
{
	rv_log_debug("ppp", "IPv6CP gave up; continuing with IPv4 only");
}

static void ipv6cp_terminated(struct ppp_fsm *f, const uint8_t *text, size_t len)
{
	rv_log_debug("ppp", "gateway closed IPv6CP; continuing with IPv4 only");
}

const struct ppp_fsm_class ipv6cp_class = {
	.name = "IPv6CP",
	.proto = PPP_PROTO_IPV6CP,
	.add_opts = ipv6cp_add_opts,
	.req_opts = ipv6cp_req_opts,
	.nak_opts = ipv6cp_nak_opts,
	.rej_opts = ipv6cp_rej_opts,
	.up = ipv6cp_up,
	.down = ipv6cp_down,
	.finished = ipv6cp_finished,
	.terminated = ipv6cp_terminated,
};
