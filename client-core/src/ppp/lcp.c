/*
 * LCP (RFC 1661 5-6) for a client: we request MRU and Magic-Number and
 * never ask the gateway to authenticate; the gateway's Auth-Protocol is
 * acked when the profile allows it and otherwise Nak'ed with our preferred
 * method (RFC 1661 6.2), until max-failure rounds say we cannot agree.
 * Keepalive with Echo-Request after an idle interval.
 *
 * Real peers: l2tpns requests MRRU (17) and Endpoint Discriminator (19),
 * which are Configure-Rejected like every option we do not know; SoftEther
 * proposes EAP, then MS-CHAPv2, then PAP, Configure-Rejects our Magic-Number
 * (we then drop it and echo with magic 0) and answers echoes with magic 0
 * and text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ppp-internal.h"
#include "util/log.h"

enum lcp_opt {
	LCP_OPT_MRU = 1,
	LCP_OPT_ACCM = 2,
	LCP_OPT_AUTH = 3,
	LCP_OPT_MAGIC = 5,
	LCP_OPT_PFC = 7,
	LCP_OPT_ACFC = 8,
};

/* The peer's Configure-Request, judged before anything is committed. */
struct lcp_peer_req {
	uint16_t mru;
	enum ppp_auth_method auth;
	unsigned int auth_seen;
	bool has_auth_nak;
};

static uint32_t new_magic(uint32_t not_this)
{
	uint32_t m;

	do
		m = rv_random_u32();
	while (m == 0 || m == not_this);
	return m;
}

void lcp_init(struct ppp *ppp)
{
	ppp->lcp_st = (struct lcp_state){
		.want_mru = ppp->cfg.mru,
		.send_mru = true,
		.magic = new_magic(0),
		.send_magic = true,
		.peer_mru = PPP_DEFAULT_MTU,
		.echo_deadline = USEC_INFINITY,
	};
	ppp_fsm_init(&ppp->lcp, &lcp_class, ppp);
}

static void lcp_add_opts(struct ppp_fsm *f, struct rv_writer *w)
{
	struct lcp_state *st = &f->ppp->lcp_st;
	uint8_t v[4];

	if (st->send_mru) {
		v[0] = (uint8_t)(st->want_mru >> 8);
		v[1] = (uint8_t)st->want_mru;
		ppp_opt_put(w, LCP_OPT_MRU, v, 2);
	}

	if (st->send_magic) {
		v[0] = (uint8_t)(st->magic >> 24);
		v[1] = (uint8_t)(st->magic >> 16);
		v[2] = (uint8_t)(st->magic >> 8);
		v[3] = (uint8_t)st->magic;
		ppp_opt_put(w, LCP_OPT_MAGIC, v, 4);
	}
}

/* Map an Auth-Protocol option value to a method, or to a PPP_AUTH_SEEN_* bit. */
static unsigned int auth_from_opt(struct rv_reader val)
{
	uint16_t proto;
	uint8_t alg;

	if (!rv_reader_u16(&val, &proto))
		return PPP_AUTH_SEEN_OTHER;

	switch (proto) {
	case PPP_PROTO_PAP:
		return PPP_AUTH_PAP;
	case PPP_PROTO_EAP:
		return PPP_AUTH_SEEN_EAP;
	case PPP_PROTO_CHAP:
		if (!rv_reader_u8(&val, &alg))
			return PPP_AUTH_SEEN_OTHER;
		if (alg == PPP_CHAP_ALG_MD5)
			return PPP_AUTH_CHAP_MD5;
		if (alg == PPP_CHAP_ALG_MSCHAPV2)
			return PPP_AUTH_MSCHAPV2;
		return alg == 0x80 ? PPP_AUTH_SEEN_MSCHAPV1 : PPP_AUTH_SEEN_OTHER;
	}

	return PPP_AUTH_SEEN_OTHER;
}

static void put_auth_opt(struct rv_writer *w, enum ppp_auth_method m)
{
	uint8_t v[3] = { PPP_PROTO_CHAP >> 8, PPP_PROTO_CHAP & 0xff, PPP_CHAP_ALG_MD5 };

	switch (m) {
	case PPP_AUTH_MSCHAPV2:
		v[2] = PPP_CHAP_ALG_MSCHAPV2;
		/* fall through */
	case PPP_AUTH_CHAP_MD5:
		ppp_opt_put(w, LCP_OPT_AUTH, v, 3);
		return;
	case PPP_AUTH_PAP:
		v[0] = PPP_PROTO_PAP >> 8;
		v[1] = PPP_PROTO_PAP & 0xff;
		ppp_opt_put(w, LCP_OPT_AUTH, v, 2);
		return;
	case PPP_AUTH_NONE:
		return;
	}
}

static enum ppp_auth_method preferred_auth(unsigned int allowed)
{
	if (allowed & PPP_AUTH_MSCHAPV2)
		return PPP_AUTH_MSCHAPV2;
	if (allowed & PPP_AUTH_CHAP_MD5)
		return PPP_AUTH_CHAP_MD5;
	if (allowed & PPP_AUTH_PAP)
		return PPP_AUTH_PAP;
	return PPP_AUTH_NONE;
}

static void format_methods(char *buf, size_t size, unsigned int set)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ PPP_AUTH_MSCHAPV2, "MS-CHAPv2" }, { PPP_AUTH_CHAP_MD5, "CHAP-MD5" },
		{ PPP_AUTH_PAP, "PAP" },            { PPP_AUTH_SEEN_EAP, "EAP" },
		{ PPP_AUTH_SEEN_MSCHAPV1, "MS-CHAP" }, { PPP_AUTH_SEEN_OTHER, "unknown" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(set & names[i].bit) || len >= size)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					names[i].name);
	}

	if (!buf[0])
		snprintf(buf, size, "none");
}

static void fail_no_auth(struct ppp *ppp)
{
	char wanted[64], allowed[64];

	format_methods(wanted, sizeof(wanted), ppp->lcp_st.auth_seen);
	format_methods(allowed, sizeof(allowed), ppp->cfg.auth_allowed);
	ppp_fail(ppp, PPP_FAILURE_NO_AUTH_METHOD, 0,
		 "gateway wants %s; the profile allows %s", wanted, allowed);
}

static void judge_auth(struct ppp *ppp, struct rv_reader val, struct lcp_peer_req *req,
		       struct rv_writer *nak)
{
	unsigned int m = auth_from_opt(val);

	req->auth_seen |= m;
	if (m & ppp->cfg.auth_allowed & (PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2)) {
		req->auth = (enum ppp_auth_method)m;
		return;
	}

	req->has_auth_nak = true;
	if (preferred_auth(ppp->cfg.auth_allowed) == PPP_AUTH_NONE)
		fail_no_auth(ppp);
	put_auth_opt(nak, preferred_auth(ppp->cfg.auth_allowed));
}

static bool judge_magic(struct ppp *ppp, struct rv_reader val, struct rv_writer *nak)
{
	uint32_t magic;
	uint8_t v[4];

	rv_reader_u32(&val, &magic);
	/* RFC 1661 6.4: zero is not a magic number, and our own means a looped-back link */
	if (magic != 0 && !(ppp->lcp_st.send_magic && magic == ppp->lcp_st.magic))
		return true;

	magic = new_magic(ppp->lcp_st.magic);
	v[0] = (uint8_t)(magic >> 24);
	v[1] = (uint8_t)(magic >> 16);
	v[2] = (uint8_t)(magic >> 8);
	v[3] = (uint8_t)magic;
	ppp_opt_put(nak, LCP_OPT_MAGIC, v, 4);
	return false;
}

/* Returns false when the option must be Configure-Rejected. */
static bool judge_opt(struct ppp *ppp, uint8_t type, struct rv_reader val,
		      struct lcp_peer_req *req, struct rv_writer *nak)
{
	uint16_t mru;

	switch (type) {
	case LCP_OPT_MRU:
		if (val.len != 2)
			return false;
		rv_reader_u16(&val, &mru);
		req->mru = mru;
		if (mru < PPP_MIN_MRU) {
			uint8_t v[2] = { PPP_MIN_MRU >> 8, PPP_MIN_MRU & 0xff };

			ppp_opt_put(nak, LCP_OPT_MRU, v, 2);
		}
		return true;
	case LCP_OPT_ACCM:
		/* A sync link has no control characters to escape: any value is harmless */
		return val.len == 4;
	case LCP_OPT_AUTH:
		if (val.len < 2)
			return false;
		judge_auth(ppp, val, req, nak);
		return true;
	case LCP_OPT_MAGIC:
		if (val.len != 4)
			return false;
		judge_magic(ppp, val, nak);
		return true;
	case LCP_OPT_PFC:
	case LCP_OPT_ACFC:
		/* Permission for us to compress; we never do, and accept either form on rx */
		return val.len == 0;
	}

	return false;
}

static uint8_t lcp_req_opts(struct ppp_fsm *f, struct rv_reader opts, struct rv_writer *reply)
{
	struct ppp *ppp = f->ppp;
	struct lcp_peer_req req = { .mru = PPP_DEFAULT_MTU, .auth = PPP_AUTH_NONE };
	uint8_t nak_buf[PPP_CTL_MAX];
	struct rv_writer nak = rv_writer_init(nak_buf, sizeof(nak_buf));
	struct rv_reader val;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (!judge_opt(ppp, type, val, &req, &nak))
			ppp_opt_put(reply, type, val.data, val.len);
	}

	ppp->lcp_st.auth_seen |= req.auth_seen;
	if (reply->len > 0 || reply->overflow)
		return PPP_CODE_CONF_REJ;

	if (nak.len > 0) {
		if (req.has_auth_nak && ++ppp->lcp_st.auth_naks > ppp->cfg.max_failure)
			fail_no_auth(ppp);
		rv_writer_bytes(reply, nak_buf, nak.len);
		return PPP_CODE_CONF_NAK;
	}

	ppp->lcp_st.peer_mru = req.mru;
	ppp->lcp_st.auth = req.auth;
	return PPP_CODE_CONF_ACK;
}

static int lcp_nak_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct lcp_state *st = &f->ppp->lcp_st;
	struct rv_reader val;
	uint16_t mru;
	uint8_t type;

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type == LCP_OPT_MRU && val.len == 2 && st->send_mru) {
			rv_reader_u16(&val, &mru);
			if (mru >= PPP_MIN_MRU && mru <= PPP_DEFAULT_MTU)
				st->want_mru = mru;
			else
				st->send_mru = false;
		} else if (type == LCP_OPT_MAGIC && st->send_magic) {
			st->magic = new_magic(st->magic);
		}
	}

	return 0;
}

static int lcp_rej_opts(struct ppp_fsm *f, struct rv_reader opts)
{
	struct lcp_state *st = &f->ppp->lcp_st;
	struct rv_reader walk = opts, val;
	uint8_t type;

	/* RFC 1661 5.4: a Reject lists only options we sent; check all before dropping any */
	while (ppp_opt_next(&walk, &type, &val) > 0) {
		if (!(type == LCP_OPT_MRU && st->send_mru) && !(type == LCP_OPT_MAGIC && st->send_magic))
			return -EBADMSG;
	}

	while (ppp_opt_next(&opts, &type, &val) > 0) {
		if (type == LCP_OPT_MRU) {
			st->send_mru = false;
		} else {
			rv_log_debug("ppp", "LCP: peer rejected Magic-Number, continuing without");
			st->send_magic = false;
			st->magic = 0;
		}
	}

	return 0;
}

static void lcp_up(struct ppp_fsm *f, usec_t now)
{
	ppp_link_up(f->ppp, now);
}

static void lcp_down(struct ppp_fsm *f)
{
	f->ppp->lcp_st.echo_deadline = USEC_INFINITY;
	if (!f->ppp->is_closing)
		ppp_fail(f->ppp, PPP_FAILURE_LCP_NEGOTIATION, 0,
			 "gateway restarted LCP negotiation");
}

static void lcp_finished(struct ppp_fsm *f, usec_t now)
{
	if (f->ppp->is_closing) {
		ppp_link_finished(f->ppp);
		return;
	}

	ppp_fail(f->ppp, PPP_FAILURE_LCP_NEGOTIATION, 0, "%s",
		 f->heard_peer ? "LCP negotiation did not converge"
			       : "no answer to LCP Configure-Request");
}

static void lcp_terminated(struct ppp_fsm *f, const uint8_t *text, size_t len)
{
	char esc[96];

	f->ppp->lcp_st.echo_deadline = USEC_INFINITY;
	if (f->ppp->is_closing) {
		ppp_link_finished(f->ppp);
		return;
	}

	rv_log_escape(esc, sizeof(esc), text, len);
	ppp_fail(f->ppp, PPP_FAILURE_PEER_TERMINATE, 0, "gateway terminated the link%s%s%s",
		 len ? " (\"" : "", len ? esc : "", len ? "\")" : "");
}

static int rx_echo_req(struct ppp *ppp, uint8_t id, struct rv_reader data)
{
	uint8_t buf[PPP_CTL_MAX];
	uint32_t magic = ppp->lcp_st.magic;
	size_t len = data.len;

	/* RFC 1661 5.8: Magic-Number, then data we echo back */
	if (len < 4)
		return -EBADMSG;

	if (len > ppp_peer_mru(ppp) - 4u)
		len = ppp_peer_mru(ppp) - 4u;
	memcpy(buf, data.data, len);
	buf[0] = (uint8_t)(magic >> 24);
	buf[1] = (uint8_t)(magic >> 16);
	buf[2] = (uint8_t)(magic >> 8);
	buf[3] = (uint8_t)magic;
	ppp_send_ctl(ppp, PPP_PROTO_LCP, PPP_CODE_ECHO_REPLY, id, buf, len);
	return 0;
}

static int lcp_ext_code(struct ppp_fsm *f, uint8_t code, uint8_t id, struct rv_reader data,
			usec_t now)
{
	uint16_t proto;

	switch (code) {
	case PPP_CODE_PROTO_REJ:
		if (!rv_reader_u16(&data, &proto))
			return -EBADMSG;
		if (ppp_fsm_is_open(f))
			lcp_proto_rejected(f->ppp, proto);
		return 0;
	case PPP_CODE_ECHO_REQ:
		if (!ppp_fsm_is_open(f))
			return data.len < 4 ? -EBADMSG : 0;
		return rx_echo_req(f->ppp, id, data);
	case PPP_CODE_ECHO_REPLY:
		if (data.len < 4)
			return -EBADMSG;
		lcp_echo_reply(f->ppp, id);
		return 0;
	case PPP_CODE_DISCARD_REQ:
		/* SoftEther replies with magic 0 and text: any reply proves the peer alive */
		return data.len < 4 ? -EBADMSG : 0;
	}

	return -ENOMSG;
}

static void lcp_code_rejected(struct ppp_fsm *f, uint8_t code)
{
	if (code == PPP_CODE_ECHO_REQ) {
		rv_log_debug("ppp", "LCP: peer Code-Rejected Echo-Request, keepalive off");
		f->ppp->lcp_st.is_echo_off = true;
		f->ppp->lcp_st.echo_deadline = USEC_INFINITY;
	}
}

void lcp_proto_rejected(struct ppp *ppp, uint16_t proto)
{
	rv_log_debug("ppp", "peer Protocol-Rejected 0x%04x", proto);
	switch (proto) {
	case PPP_PROTO_IPCP:
	case PPP_PROTO_IPV4:
		if (ppp->phase == PPP_PHASE_NETWORK)
			ppp_fail(ppp, PPP_FAILURE_IPCP, 0, "gateway rejected IPCP");
		return;
	case PPP_PROTO_IPV6CP:
	case PPP_PROTO_IPV6:
		/* IPv6 is optional: IPv4 keeps working */
		ppp_fsm_stop(&ppp->ipv6cp);
		return;
	}
}

void lcp_echo_start(struct ppp *ppp, usec_t now)
{
	/* The peer answered: a probe is over, the keepalive goes on. */
	ppp->lcp_st.probe_interval = 0;
	ppp->lcp_st.probe_tries = 0;
	ppp->lcp_st.echo_pending = 0;
	ppp->lcp_st.echo_deadline = ppp->lcp_st.is_echo_off ? USEC_INFINITY
							     : now + ppp->cfg.echo_interval;
}

void lcp_note_rx(struct ppp *ppp, usec_t now)
{
	if (ppp->lcp_st.probe_tries && now < ppp->lcp_st.probe_since)
		return;
	if (ppp_fsm_is_open(&ppp->lcp) && !ppp->is_closing)
		lcp_echo_start(ppp, now);
}

void lcp_echo_probe(struct ppp *ppp, usec_t now, usec_t interval, unsigned int tries)
{
	struct lcp_state *st = &ppp->lcp_st;

	if (!ppp_fsm_is_open(&ppp->lcp) || ppp->is_closing || st->is_echo_off || !tries)
		return;
	st->probe_interval = interval;
	st->probe_tries = tries;
	st->probe_since = now;
	st->echo_pending = 0;
	st->echo_deadline = now;
}

void lcp_echo_tick(struct ppp *ppp, usec_t now)
{
	struct lcp_state *st = &ppp->lcp_st;
	unsigned int limit = st->probe_tries ? st->probe_tries : ppp->cfg.echo_failures;
	uint8_t magic[4];

	if (st->echo_deadline == USEC_INFINITY || now < st->echo_deadline)
		return;

	if (st->echo_pending >= limit) {
		st->echo_deadline = USEC_INFINITY;
		ppp_fail(ppp, PPP_FAILURE_ECHO_TIMEOUT, 0,
			 "gateway stopped answering (%u LCP echo requests unanswered)",
			 st->echo_pending);
		return;
	}

	magic[0] = (uint8_t)(st->magic >> 24);
	magic[1] = (uint8_t)(st->magic >> 16);
	magic[2] = (uint8_t)(st->magic >> 8);
	magic[3] = (uint8_t)st->magic;
	st->echo_pending++;
	st->echo_deadline = now + (st->probe_tries ? st->probe_interval : ppp->cfg.echo_interval);
	ppp_send_ctl(ppp, PPP_PROTO_LCP, PPP_CODE_ECHO_REQ, ++st->echo_id, magic, sizeof(magic));
}

const struct ppp_fsm_class lcp_class = {
	.name = "LCP",
	.proto = PPP_PROTO_LCP,
	.add_opts = lcp_add_opts,
	.req_opts = lcp_req_opts,
	.nak_opts = lcp_nak_opts,
	.rej_opts = lcp_rej_opts,
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.terminated = lcp_terminated,
	.ext_code = lcp_ext_code,
	.code_rejected = lcp_code_rejected,
};
