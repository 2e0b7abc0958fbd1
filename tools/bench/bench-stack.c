/*
 * Two tunnel ends back to back (see bench-stack.h). The scripted LNS plays
 * RFC 2661 SCCRP / ICRP / ZLB to each LAC with the other LAC's ids; the
 * scripted PPP peer plays LCP without authentication (RFC 1661) and IPCP
 * with a Configure-Nak that assigns the address (RFC 1332). After that, the
 * data path is roadvpn's own: ppp_send_ip, l2tp_send_ppp, esp_udp_push,
 * esp_seal on the way down; esp_open, esp_udp_pull, l2tp_rx, ppp_rx up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench-stack.h"
#include "l2tp/avp.h"
#include "l2tp/l2tp.h"
#include "ppp/ppp.h"

#define T_START (1000 * USEC_PER_SEC)
#define PPP_LCP 0xc021
#define PPP_IPCP 0x8021

static void capture(struct bench_capture *c, const uint8_t *data, size_t len)
{
	size_t i = c->n % BENCH_MAX_CAPTURE;

	if (len > BENCH_CAPTURE_LEN)
		len = BENCH_CAPTURE_LEN;
	memcpy(c->data[i], data, len);
	c->len[i] = len;
	c->n++;
}

/* L2TP ops ------------------------------------------------------------ */

static int lac_tx(void *user_data, const uint8_t *data, size_t len)
{
	struct bench_end *e = user_data;
	struct l2tp_ctl_msg m;

	capture(&e->ctl, data, len);
	/* The LNS acknowledges in order, as a real one does. */
	if (!l2tp_ctl_parse(data, len, NULL, &m) && m.type != L2TP_MSG_ZLB && m.ns == e->lns_nr)
		e->lns_nr = m.ns + 1;
	return 0;
}

/* What session_ipsec_seal() does: inner UDP 1701 -> 1701, then ESP (staged: its crypto later). */
static int lac_tx_pkt(void *user_data, struct pkt *p)
{
	struct bench_end *e = user_data;
	int r = esp_udp_push(p, ESP_L2TP_PORT, ESP_L2TP_PORT, NULL);

	if (!r)
		r = e->staged ? esp_seal_prepare(e->out, p, ESP_NEXT_HEADER_UDP) :
				esp_seal(e->out, p, ESP_NEXT_HEADER_UDP);
	if (r < 0)
		return r;
	return e->tx_esp(e, p);
}

static void lac_event(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info)
{
	struct bench_end *e = user_data;

	if (ev == L2TP_EVENT_FAILED)
		fprintf(stderr, "%s: L2TP failed: %s\n", e->name, info->message);
}

static void lac_ppp_rx(void *user_data, const uint8_t *frame, size_t len, usec_t now)
{
	struct bench_end *e = user_data;

	ppp_rx(e->ppp, frame, len, now);
}

static const struct l2tp_ops lac_ops = {
	.tx = lac_tx,
	.tx_pkt = lac_tx_pkt,
	.event = lac_event,
	.ppp_rx = lac_ppp_rx,
};

/* PPP ops ------------------------------------------------------------- */

static int ppp_tx(void *user_data, struct pkt *p)
{
	struct bench_end *e = user_data;

	if (e->ppp_up)
		return l2tp_send_ppp(e->l2tp, p);
	capture(&e->ppp_frames, p->data, p->len);
	return 0;
}

static void ppp_event(void *user_data, enum ppp_event ev, const struct ppp_event_info *info)
{
	struct bench_end *e = user_data;

	if (ev == PPP_EVENT_IPCP_UP) {
		e->ipcp_up = true;
		e->local_addr = info->ipcp.local_addr;
	}
	if (ev == PPP_EVENT_FAILED)
		fprintf(stderr, "%s: PPP failed: %s\n", e->name, info->message);
}

static void ppp_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len)
{
	struct bench_end *e = user_data;

	e->ip_rx(e, data, len);
}

static const struct ppp_ops ppp_ops = {
	.tx = ppp_tx,
	.event = ppp_event,
	.ip_rx = ppp_ip_rx,
};

/* Scripted LNS -------------------------------------------------------- */

static int last_ctl(struct bench_end *e, uint16_t type, struct l2tp_ctl_msg *m)
{
	for (size_t k = e->ctl.n; k-- > 0 && e->ctl.n - k <= BENCH_MAX_CAPTURE;) {
		size_t i = k % BENCH_MAX_CAPTURE;

		if (!l2tp_ctl_parse(e->ctl.data[i], e->ctl.len[i], NULL, m) && m->type == type)
			return 0;
	}

	fprintf(stderr, "%s: the LAC did not send %s\n", e->name, l2tp_msg_type_name(type));
	return -1;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Send a control message to e's LAC; assigned_id goes in the Assigned Tunnel/Session ID AVP. */
static int lns_send(struct bench_end *e, uint16_t type, uint16_t session_id, uint16_t assigned_id)
{
	uint8_t buf[256];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	size_t len;

	l2tp_ctl_begin(&w, e->tunnel_id, session_id, type);
	if (type == L2TP_MSG_SCCRP) {
		l2tp_avp_put_u16(&w, true, L2TP_AVP_PROTOCOL_VERSION, 0x0100);
		l2tp_avp_put_u32(&w, true, L2TP_AVP_FRAMING_CAPABILITIES, 3);
		l2tp_avp_put(&w, true, L2TP_AVP_HOST_NAME, "bench-lns", 9);
		l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, assigned_id);
	} else if (type == L2TP_MSG_ICRP) {
		l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_SESSION_ID, assigned_id);
	}
	len = l2tp_ctl_finish(&w);
	if (!len)
		return -1;

	put_u16(buf + 8, e->lns_ns);
	put_u16(buf + 10, e->lns_nr);
	if (len > L2TP_CTL_HDR_LEN)
		e->lns_ns++;
	return l2tp_rx(e->l2tp, buf, len, T_START) < 0 ? -1 : 0;
}

static int learn_id(struct bench_end *e, uint16_t msg, uint16_t avp, uint16_t *ret)
{
	struct l2tp_ctl_msg m;

	if (last_ctl(e, msg, &m) < 0 || l2tp_msg_get_u16(&m, avp, ret) < 0)
		return -1;
	return 0;
}

static int l2tp_pair_up(struct bench_end *a, struct bench_end *b)
{
	static const struct l2tp_config cfg = { .hostname = "bench-lac" };
	struct bench_end *ends[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		ends[i]->l2tp = l2tp_new(&cfg, &lac_ops, ends[i]);
		if (!ends[i]->l2tp || l2tp_start(ends[i]->l2tp, T_START) < 0 ||
		    learn_id(ends[i], L2TP_MSG_SCCRQ, L2TP_AVP_ASSIGNED_TUNNEL_ID,
			     &ends[i]->tunnel_id) < 0)
			return -1;
	}

	/* Each LAC's peer tunnel is the other LAC's tunnel, and so for sessions. */
	for (int i = 0; i < 2; i++) {
		if (lns_send(ends[i], L2TP_MSG_SCCRP, 0, ends[!i]->tunnel_id) < 0 ||
		    learn_id(ends[i], L2TP_MSG_ICRQ, L2TP_AVP_ASSIGNED_SESSION_ID,
			     &ends[i]->session_id) < 0)
			return -1;
	}

	for (int i = 0; i < 2; i++) {
		if (lns_send(ends[i], L2TP_MSG_ICRP, ends[i]->session_id, ends[!i]->session_id) < 0 ||
		    lns_send(ends[i], L2TP_MSG_ZLB, 0, 0) < 0 || !l2tp_is_session_up(ends[i]->l2tp)) {
			fprintf(stderr, "%s: L2TP session not up\n", ends[i]->name);
			return -1;
		}
	}

	return 0;
}

/* Scripted PPP peer --------------------------------------------------- */

struct ppp_ctl {
	uint8_t code, id;
	const uint8_t *data;
	size_t len;
};

/* The newest frame the client sent with this protocol and code. */
static int last_ppp(struct bench_end *e, uint16_t proto, uint8_t code, struct ppp_ctl *c)
{
	for (size_t k = e->ppp_frames.n; k-- > 0 && e->ppp_frames.n - k <= BENCH_MAX_CAPTURE;) {
		const uint8_t *f = e->ppp_frames.data[k % BENCH_MAX_CAPTURE];
		size_t len = e->ppp_frames.len[k % BENCH_MAX_CAPTURE];

		if (len < 8 || f[2] != proto >> 8 || f[3] != (proto & 0xff) || f[4] != code)
			continue;
		*c = (struct ppp_ctl){ .code = f[4], .id = f[5], .data = f + 8, .len = len - 8 };
		return 0;
	}

	fprintf(stderr, "%s: PPP client did not send %04x code %u\n", e->name, proto, code);
	return -1;
}

static int peer_send(struct bench_end *e, uint16_t proto, uint8_t code, uint8_t id,
		     const uint8_t *data, size_t len)
{
	uint8_t f[BENCH_CAPTURE_LEN + 8] = { 0xff, 0x03, (uint8_t)(proto >> 8), (uint8_t)proto,
					     code, id, (uint8_t)((len + 4) >> 8),
					     (uint8_t)(len + 4) };

	memcpy(f + 8, data, len);
	return ppp_rx(e->ppp, f, len + 8, T_START) < 0 ? -1 : 0;
}

/* Ack the client's newest Configure-Request of `proto` (copying it, captures rotate). */
static int peer_ack(struct bench_end *e, uint16_t proto)
{
	struct ppp_ctl req;
	uint8_t copy[BENCH_CAPTURE_LEN];

	if (last_ppp(e, proto, 1, &req) < 0)
		return -1;
	memcpy(copy, req.data, req.len);
	return peer_send(e, proto, 2, req.id, copy, req.len);
}

static int ppp_up(struct bench_end *e, uint32_t addr, uint32_t peer_addr)
{
	static const uint8_t lcp_opts[] = { 1, 4, 0x05, 0xdc, 5, 6, 0x12, 0x34, 0x56, 0x78 };
	static const struct ppp_config cfg = { .user = "bench", .auth_allowed = PPP_AUTH_PAP };
	uint8_t nak[6] = { 3, 6 }, peer[6] = { 3, 6 };
	struct ppp_ctl req;

	memcpy(nak + 2, &addr, 4);
	memcpy(peer + 2, &peer_addr, 4);
	e->ppp = ppp_new(&cfg, &ppp_ops, e);
	if (!e->ppp || ppp_start(e->ppp, T_START) < 0)
		return -1;

	/* LCP without an Auth-Protocol option: no authentication phase. */
	if (peer_send(e, PPP_LCP, 1, 0x41, lcp_opts, sizeof(lcp_opts)) < 0 ||
	    peer_ack(e, PPP_LCP) < 0)
		return -1;

	/* IPCP: Nak the client's 0.0.0.0 with its address, then agree both ways. */
	if (last_ppp(e, PPP_IPCP, 1, &req) < 0 ||
	    peer_send(e, PPP_IPCP, 3, req.id, nak, sizeof(nak)) < 0 ||
	    peer_send(e, PPP_IPCP, 1, 0x42, peer, sizeof(peer)) < 0 || peer_ack(e, PPP_IPCP) < 0)
		return -1;

	if (!e->ipcp_up) {
		fprintf(stderr, "%s: IPCP not up\n", e->name);
		return -1;
	}
	e->ppp_up = true;
	return 0;
}

/* The pair ------------------------------------------------------------ */

int bench_pair_up(struct bench_end *a, struct bench_end *b, const struct esp_sa_params *ab,
		  const struct esp_sa_params *ba)
{
	uint32_t addr_a = htonl(0xcb007101), addr_b = htonl(0xcb007102);

	a->out = esp_sa_new_outbound(ab);
	b->in = esp_sa_new_inbound(ab);
	b->out = esp_sa_new_outbound(ba);
	a->in = esp_sa_new_inbound(ba);
	if (!a->out || !a->in || !b->out || !b->in) {
		fprintf(stderr, "cannot create the ESP SAs\n");
		return -1;
	}

	if (l2tp_pair_up(a, b) < 0 || ppp_up(a, addr_a, addr_b) < 0 || ppp_up(b, addr_b, addr_a) < 0)
		return -1;
	return 0;
}

void bench_end_free(struct bench_end *e)
{
	ppp_free(e->ppp);
	l2tp_free(e->l2tp);
	esp_sa_free(e->out);
	esp_sa_free(e->in);
	e->ppp = NULL;
	e->l2tp = NULL;
	e->out = e->in = NULL;
}

/* Data ---------------------------------------------------------------- */

static bool is_ipv6(const struct pkt *p)
{
	return p->len > 0 && (p->data[0] >> 4) == 6;
}

int bench_encap(struct bench_end *e, struct pkt *p)
{
	return ppp_send_ip(e->ppp, p, is_ipv6(p));
}

int bench_seal_crypt(struct bench_end *e, unsigned lane, struct pkt *p)
{
	return esp_seal_crypt(e->out, lane, p);
}

int bench_open_crypt(struct bench_end *e, unsigned lane, struct pkt *p)
{
	if (esp_packet_spi(p->data, p->len) != esp_sa_spi(e->in))
		return -ENOKEY;
	return esp_open_crypt(e->in, lane, p);
}

int bench_decap_opened(struct bench_end *e, struct pkt *p, int opened, usec_t now)
{
	uint8_t nh = 0;
	int r = opened;

	if (!r)
		r = esp_open_finish(e->in, p, &nh);
	if (!r && nh != ESP_NEXT_HEADER_UDP)
		r = -ENOMSG;
	if (!r)
		r = esp_udp_pull(p, ESP_L2TP_PORT, NULL);
	if (!r)
		r = l2tp_rx(e->l2tp, p->data, p->len, now);
	if (r < 0)
		e->dropped++;
	return r;
}

int bench_decap(struct bench_end *e, struct pkt *p, usec_t now)
{
	return bench_decap_opened(e, p, bench_open_crypt(e, 0, p), now);
}
