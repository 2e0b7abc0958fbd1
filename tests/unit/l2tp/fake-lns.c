/* The scripted LNS shared by the L2TP unit tests; see fake-lns.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake-lns.h"
#include "util/secret.h"

int fake_setup(void **state)
{
	struct fake_lns *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	*state = f;
	return 0;
}

int fake_teardown(void **state)
{
	struct fake_lns *f = *state;

	fake_stop(f);
	rv_secret_free((struct rv_secret *)f->cfg.secret);
	free(f);
	return 0;
}

static int fake_tx(void *user_data, const uint8_t *data, size_t len)
{
	struct fake_lns *f = user_data;
	struct l2tp_ctl_msg m;

	assert_true(f->n_sent < FAKE_MAX_SENT);
	assert_true(len <= sizeof(f->sent[0]));
	memcpy(f->sent[f->n_sent], data, len);
	f->sent_len[f->n_sent++] = len;

	/* Every control message the LAC sends must parse with our own codec. */
	assert_int_equal(l2tp_ctl_parse(data, len, NULL, &m), 0);
	if (m.type != L2TP_MSG_ZLB && m.ns == f->nr)
		f->nr = m.ns + 1;
	return 0;
}

static int fake_tx_pkt(void *user_data, struct pkt *p)
{
	struct fake_lns *f = user_data;

	assert_true(p->len <= sizeof(f->pkt));
	memcpy(f->pkt, p->data, p->len);
	f->pkt_len = p->len;
	f->n_pkts++;
	return 0;
}

static void fake_event(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info)
{
	struct fake_lns *f = user_data;

	assert_true(f->n_events < FAKE_MAX_EVENTS);
	f->events[f->n_events] = ev;
	f->infos[f->n_events++] = *info;
}

static void fake_ppp_rx(void *user_data, const uint8_t *frame, size_t len, uint64_t now)
{
	struct fake_lns *f = user_data;

	assert_true(len <= sizeof(f->ppp));
	memcpy(f->ppp, frame, len);
	f->ppp_len = len;
	f->n_ppp++;
}

static const struct l2tp_ops fake_ops = {
	.tx = fake_tx,
	.tx_pkt = fake_tx_pkt,
	.event = fake_event,
	.ppp_rx = fake_ppp_rx,
};

void fake_start(struct fake_lns *f, uint64_t now)
{
	const struct l2tp_ctl_msg *m;
	uint16_t tid;

	f->tunnel_id = 4;
	f->session_id = 77;
	f->l = l2tp_new(&f->cfg, &fake_ops, f);
	assert_non_null(f->l);
	assert_int_equal(l2tp_start(f->l, now), 0);
	m = fake_find(f, L2TP_MSG_SCCRQ);
	assert_non_null(m);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_TUNNEL_ID, &tid), 0);
	assert_int_not_equal(tid, 0);
	f->lac_tunnel_id = tid;
}

void fake_stop(struct fake_lns *f)
{
	l2tp_free(f->l);
	f->l = NULL;
}

const struct l2tp_ctl_msg *fake_sent(struct fake_lns *f, int i)
{
	size_t idx = i < 0 ? f->n_sent + (size_t)i : (size_t)i;

	assert_true(idx < f->n_sent);
	assert_int_equal(l2tp_ctl_parse(f->sent[idx], f->sent_len[idx], f->cfg.secret, &f->msg), 0);
	return &f->msg;
}

const struct l2tp_ctl_msg *fake_find(struct fake_lns *f, uint16_t type)
{
	for (size_t i = f->n_sent; i-- > 0;) {
		if (fake_sent(f, (int)i)->type == type)
			return &f->msg;
	}

	return NULL;
}

size_t fake_count(struct fake_lns *f, uint16_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_sent; i++)
		n += fake_sent(f, (int)i)->type == type;
	return n;
}

struct rv_writer *fake_begin(struct fake_lns *f, uint16_t type, uint16_t session_id)
{
	f->w = rv_writer_init(f->wbuf, sizeof(f->wbuf));
	l2tp_ctl_begin(&f->w, f->lac_tunnel_id, session_id, type);
	return &f->w;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

int fake_send(struct fake_lns *f, uint64_t now)
{
	size_t len = l2tp_ctl_finish(&f->w);

	assert_int_not_equal(len, 0);
	put_u16(f->wbuf + 8, f->ns);
	put_u16(f->wbuf + 10, f->nr);
	if (len > L2TP_CTL_HDR_LEN)
		f->ns++;
	return l2tp_rx(f->l, f->wbuf, len, now);
}

int fake_resend_last(struct fake_lns *f, uint64_t now)
{
	return l2tp_rx(f->l, f->wbuf, f->w.len, now);
}

struct rv_writer *fake_begin_sccrp(struct fake_lns *f)
{
	struct rv_writer *w = fake_begin(f, L2TP_MSG_SCCRP, 0);

	l2tp_avp_put_u16(w, true, L2TP_AVP_PROTOCOL_VERSION, 0x0100);
	l2tp_avp_put_u32(w, true, L2TP_AVP_FRAMING_CAPABILITIES, 3);
	l2tp_avp_put(w, true, L2TP_AVP_HOST_NAME, "ln-lns", 6);
	l2tp_avp_put_u16(w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, f->tunnel_id);
	return w;
}

struct rv_writer *fake_begin_icrp(struct fake_lns *f)
{
	struct rv_writer *w = fake_begin(f, L2TP_MSG_ICRP, f->lac_session_id);

	l2tp_avp_put_u16(w, true, L2TP_AVP_ASSIGNED_SESSION_ID, f->session_id);
	return w;
}

void fake_handshake(struct fake_lns *f, uint64_t now)
{
	const struct l2tp_ctl_msg *m;

	fake_start(f, now);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, now + 10), 0);
	m = fake_find(f, L2TP_MSG_ICRQ);
	assert_non_null(m);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_SESSION_ID, &f->lac_session_id), 0);
	fake_begin_icrp(f);
	assert_int_equal(fake_send(f, now + 20), 0);
	assert_true(l2tp_is_session_up(f->l));
	/* The LNS acks the ICCN. */
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, now + 30), 0);
	f->n_events = 0;
}

bool fake_has_event(const struct fake_lns *f, enum l2tp_event ev)
{
	for (size_t i = 0; i < f->n_events; i++) {
		if (f->events[i] == ev)
			return true;
	}

	return false;
}
