/*
 * IPCP (RFC 1332) with the DNS options of RFC 1877. We request IP-Address
 * 0.0.0.0 and, when wanted, Primary/Secondary DNS 0.0.0.0, and adopt what
 * the gateway Naks back; a gateway that rejects the DNS options just gives
 * us none. The gateway's own IP-Address is acked and recorded; everything
 * else it requests (VJ compression, NBNS, ...) is Configure-Rejected.
 *
 * Real peers: l2tpns Naks address and both DNS in one packet; SoftEther may
 * take 1-4 s while it waits for its DHCP lease, so a Nak that still says
 * 0.0.0.0 is not answered at once but on the restart timer.
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"
#include "util/log.h"

enum ipcp_opt {
	IPCP_OPT_COMPRESSION = 2,
	IPCP_OPT_ADDRESS = 3,
	IPCP_OPT_DNS1 = 129,
	IPCP_OPT_DNS2 = 131,
};

void ipcp_init(struct ppp *ppp)
{
	ppp->ipcp_st = (struct ipcp_state){
		.send_addr = true,
		.send_dns = { ppp->cfg.want_dns, ppp->cfg.want_dns },
	};
	ppp_fsm_init(&ppp->ipcp, &ipcp_class, ppp);
}

/* Addresses are kept in network byte order: copy the four octets as they are. */
static void put_addr(struct rv_writer *w, uint8_t type, uint32_t addr)
{
	ppp_opt_put(w, type, &addr, 4);
}

static uint32_t get_addr(struct rv_reader val)
{
	uint32_t addr = 0;

	rv_reader_copy(&val, &addr, 4);
	return addr;
}

static void ipcp_add_opts(struct ppp_fsm *f, struct rv_writer *w)
{
	const struct ipcp_state *st = &f->ppp->ipcp_st;

	if (st->send_addr)
		put_addr(w, IPCP_OPT_ADDRESS, st->addr);
	if (st->send_dns[0])
		put_addr(w, IPCP_OPT_DNS1, st->dns[0]);
	if (st->send_dns[1])
		put_addr(w, IPCP_OPT_DNS2, st->dns[1]);
}

static uint8_t ipcp_req_opts(struct ppp_fsm *f, struct rv_reader opts, struct rv_writer *reply)
{
	struct rv_reader val;
	uint32_t peer_addr = 0;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type == IPCP_OPT_ADDRESS && val.len == 4)
			peer_addr = get_addr(val);
		else
			ppp_opt_put(reply, type, val.data, val.len);
	}

	if (reply->len > 0 || reply->overflow)
		return PPP_CODE_CONF_REJ;

	f->ppp->ipcp_st.peer_addr = peer_addr;
	return PPP_CODE_CONF_ACK;
}

/* Point at the field an option Nak'ed or Rejected refers to, if we sent it. */
static uint32_t *field_for(struct ipcp_state *st, uint8_t type, bool **ret_send)
{
	switch (type) {
	case IPCP_OPT_ADDRESS:
		*ret_send = &st->send_addr;
		return &st->addr;
	case IPCP_OPT_DNS1:
		*ret_send = &st->send_dns[0];
		return &st->dns[0];
	case IPCP_OPT_DNS2:
		*ret_send = &st->send_dns[1];
		return &st->dns[1];
	}

	return NULL;
}

static int ipcp_nak_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct ipcp_state *st = &f->ppp->ipcp_st;
	struct rv_reader val;
	bool is_changed = false;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		bool *send;
		uint32_t *field = field_for(st, type, &send);

		/* Options we did not ask for (e.g. NBNS suggestions) are not wanted */
		if (!field || !*send || val.len != 4)
			continue;
		is_changed |= *field != get_addr(val);
		*field = get_addr(val);
	}

	return is_changed ? 0 : PPP_FSM_WAIT;
}

static int ipcp_rej_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct ipcp_state *st = &f->ppp->ipcp_st;
	struct rv_reader walk = opts, val;
	uint8_t type;
	bool *send;

	while (ppp_opt_next(&walk, &type, &val) > 0) {
		if (!field_for(st, type, &send) || !*send)
			return -EBADMSG;
	}

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		*field_for(st, type, &send) = 0;
		*send = false;
		rv_log_debug("ppp", "IPCP: peer rejected option %u", type);
	}

	return 0;
}

static void ipcp_up(struct ppp_fsm *f, usec_t now)
{
	struct ppp *ppp = f->ppp;
	struct ipcp_state *st = &ppp->ipcp_st;
	struct ppp_ipcp_info info = {
		.local_addr = st->addr,
		.peer_addr = st->peer_addr,
		.dns = { st->dns[0], st->dns[1] },
	};

	if (st->addr == 0) {
		ppp_fail(ppp, PPP_FAILURE_IPCP, 0, "gateway did not assign an IPv4 address");
		return;
	}

	if (st->is_announced) {
		/* A renegotiation (e.g. after a lost Ack) that changed nothing is invisible */
		if (memcmp(&info, &ppp->info.ipcp, sizeof(info)) != 0)
			ppp_fail(ppp, PPP_FAILURE_IPCP, 0, "gateway changed the IPv4 settings");
		return;
	}

	st->is_announced = true;
	ppp->info.ipcp = info;
	ppp_emit(ppp, PPP_EVENT_IPCP_UP);
	if (!ppp->has_failed && !ppp->is_closing)
		ppp_ipcp_opened(ppp, now);
}

static void ipcp_down(struct ppp_fsm *f)
{
	/* IP stops until IPCP reopens; the session learns only if it fails */
}

static void ipcp_finished(struct ppp_fsm *f, usec_t now)
{
	if (f->ppp->is_closing)
		return;

	ppp_fail(f->ppp, PPP_FAILURE_IPCP, 0, "%s",
		 f->heard_peer ? "IPCP negotiation did not converge (no IPv4 address)"
			       : "no answer to IPCP Configure-Request");
}

static void ipcp_terminated(struct ppp_fsm *f, const uint8_t *text, size_t len)
{
	if (!f->ppp->is_closing)
		ppp_fail(f->ppp, PPP_FAILURE_IPCP, 0, "gateway closed IPCP");
}

const struct ppp_fsm_class ipcp_class = {
	.name = "IPCP",
	.proto = PPP_PROTO_IPCP,
	.add_opts = ipcp_add_opts,
	.req_opts = ipcp_req_opts,
	.nak_opts = ipcp_nak_opts,
	.rej_opts = ipcp_rej_opts,
	.up = ipcp_up,
	.down = ipcp_down,
	.finished = ipcp_finished,
	.terminated = ipcp_terminated,
};
