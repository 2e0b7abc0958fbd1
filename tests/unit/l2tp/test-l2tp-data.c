/* L2TP data messages: every header variant on receive, in-place push on send. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/pkt.h"
#include "fake-lns.h"

#define SEC 1000000ULL
#define T0 (100 * SEC)

static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };

/* Build a data message to the LAC with the given flags and extra header fields. */
static size_t build(const struct fake_lns *f, uint8_t *buf, uint16_t flags, uint16_t offset,
		    uint16_t session_id)
{
	struct rv_writer w = rv_writer_init(buf, 256);

	rv_writer_u16(&w, flags | 2);
	if (flags & 0x4000)
		rv_writer_u16(&w, 0); /* Length, patched below */
	rv_writer_u16(&w, f->lac_tunnel_id);
	rv_writer_u16(&w, session_id);
	if (flags & 0x0800) {
		rv_writer_u16(&w, 9);
		rv_writer_u16(&w, 0);
	}
	if (flags & 0x0200) {
		rv_writer_u16(&w, offset);
		rv_writer_zeros(&w, offset);
	}
	rv_writer_bytes(&w, lcp, sizeof(lcp));
	if (flags & 0x4000)
		rv_writer_put_u16_at(&w, 2, (uint16_t)w.len);
	assert_true(rv_writer_ok(&w));
	return w.len;
}

static void test_rx_header_variants(void **state)
{
	struct fake_lns *f = *state;
	/* none, L, S, O, P (l2tpns LCP echo), and all of them */
	const uint16_t variants[] = { 0, 0x4000, 0x0800, 0x0200, 0x0100, 0x4b00 };
	uint8_t buf[256];

	fake_handshake(f, T0);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		size_t len = build(f, buf, variants[i], 3, f->lac_session_id);

		f->ppp_len = 0;
		assert_int_equal(l2tp_rx(f->l, buf, len, T0 + SEC), 0);
		assert_int_equal(f->ppp_len, sizeof(lcp));
		assert_memory_equal(f->ppp, lcp, sizeof(lcp));
	}

	assert_int_equal(f->n_ppp, 6);
}

static void test_rx_length_trims_padding(void **state)
{
	struct fake_lns *f = *state;
	uint8_t buf[256];
	size_t len;

	fake_handshake(f, T0);
	len = build(f, buf, 0x4000, 0, f->lac_session_id);
	memset(buf + len, 0xee, 4);
	assert_int_equal(l2tp_rx(f->l, buf, len + 4, T0), 0);
	assert_int_equal(f->ppp_len, sizeof(lcp));
}

static void test_rx_malformed(void **state)
{
	struct fake_lns *f = *state;
	uint8_t buf[256];
	size_t len;

	fake_handshake(f, T0);

	/* Length beyond the datagram, and shorter than the header itself. */
	len = build(f, buf, 0x4000, 0, f->lac_session_id);
	buf[3] = (uint8_t)(len + 1);
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -EBADMSG);
	buf[2] = 0xff;
	buf[3] = 0xff;
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -EBADMSG);
	buf[2] = 0;
	buf[3] = 3;
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -EBADMSG);

	/* Offset pointing past the end. */
	len = build(f, buf, 0x0200, 0, f->lac_session_id);
	buf[6] = 0x7f;
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -EBADMSG);

	/* Every truncation of a full header. */
	len = build(f, buf, 0x4b00, 2, f->lac_session_id);
	for (size_t n = 0; n < 14; n++)
		assert_int_equal(l2tp_rx(f->l, buf, n, T0), -EBADMSG);

	/* Wrong version. */
	len = build(f, buf, 0, 0, f->lac_session_id);
	buf[1] = 3;
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -EBADMSG);
	assert_int_equal(f->n_ppp, 0);
}

static void test_rx_not_ours(void **state)
{
	struct fake_lns *f = *state;
	uint8_t buf[256];
	size_t len;

	fake_start(f, T0);
	f->lac_session_id = 1;
	len = build(f, buf, 0, 0, 1);
	/* Before the session is up. */
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -ENOMSG);
	fake_stop(f);

	memset(f, 0, sizeof(*f));
	fake_handshake(f, T0);
	len = build(f, buf, 0, 0, (uint16_t)(f->lac_session_id + 1));
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -ENOMSG);
	len = build(f, buf, 0, 0, f->lac_session_id);
	buf[2] ^= 0x80;
	assert_int_equal(l2tp_rx(f->l, buf, len, T0), -ENOMSG);
	assert_int_equal(f->n_ppp, 0);
}

static void send_frame(struct fake_lns *f, struct pkt_buf *b)
{
	struct pkt *p = pkt_buf_reset(b);

	memcpy(pkt_put(p, sizeof(lcp)), lcp, sizeof(lcp));
	assert_int_equal(l2tp_send_ppp(f->l, p), 0);
}

static void test_send_unsequenced(void **state)
{
	struct fake_lns *f = *state;
	static struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	const uint8_t hdr[] = { 0x00, 0x02, 0x00, 0x04, 0x00, 77 };

	f->cfg.receive_window = 4;
	fake_start(f, T0);
	memcpy(pkt_put(p, sizeof(lcp)), lcp, sizeof(lcp));
	assert_int_equal(l2tp_send_ppp(f->l, p), -ENOTCONN);
	fake_stop(f);

	memset(f, 0, sizeof(*f));
	fake_handshake(f, T0);
	send_frame(f, &b);
	assert_int_equal(f->n_pkts, 1);
	assert_int_equal(f->pkt_len, 6 + sizeof(lcp));
	assert_memory_equal(f->pkt, hdr, 6);
	assert_memory_equal(f->pkt + 6, lcp, sizeof(lcp));
	/* Pushed in place: the header sits right before the payload in the same buffer. */
	assert_ptr_equal(b.pkt.data, b.storage + PKT_HEADROOM - 6);

	/* No headroom left. */
	p = pkt_buf_reset(&b);
	pkt_init(p, b.storage, sizeof(b.storage), 4);
	assert_int_equal(l2tp_send_ppp(f->l, p), -ENOBUFS);
}

static void test_send_sequenced_when_required(void **state)
{
	struct fake_lns *f = *state;
	static struct pkt_buf b;
	const struct l2tp_ctl_msg *m;

	fake_start(f, T0);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0), 0);
	m = fake_find(f, L2TP_MSG_ICRQ);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_SESSION_ID, &f->lac_session_id), 0);
	l2tp_avp_put(fake_begin_icrp(f), true, L2TP_AVP_SEQUENCING_REQUIRED, "", 0);
	assert_int_equal(fake_send(f, T0), 0);
	assert_true(l2tp_is_session_up(f->l));

	send_frame(f, &b);
	assert_int_equal(f->pkt_len, 10 + sizeof(lcp));
	assert_memory_equal(f->pkt, ((const uint8_t[]){ 0x08, 0x02, 0, 4, 0, 77, 0, 0 }), 8);
	send_frame(f, &b);
	assert_memory_equal(f->pkt, ((const uint8_t[]){ 0x08, 0x02, 0, 4, 0, 77, 0, 1 }), 8);
}

static void test_send_sequenced_by_config(void **state)
{
	struct fake_lns *f = *state;
	static struct pkt_buf b;

	f->cfg.sequence_data = true;
	fake_handshake(f, T0);
	send_frame(f, &b);
	assert_int_equal(f->pkt_len, 10 + sizeof(lcp));
	assert_int_equal(f->pkt[0], 0x08);
}

/* The framing a data-plane thread copies: none before the session is up or with sequencing. */
static void test_framing_availability(void **state)
{
	struct fake_lns *f = *state;
	struct l2tp_data_framing fr;

	assert_false(l2tp_get_data_framing(NULL, &fr));
	fake_start(f, T0);
	assert_false(l2tp_get_data_framing(f->l, &fr));
	fake_stop(f);

	memset(f, 0, sizeof(*f));
	fake_handshake(f, T0);
	assert_true(l2tp_get_data_framing(f->l, &fr));
	assert_int_equal(fr.tunnel_id, f->lac_tunnel_id);
	assert_int_equal(fr.session_id, f->lac_session_id);
	assert_int_equal(fr.peer_tunnel_id, 4);
	assert_int_equal(fr.peer_session_id, 77);
	fake_stop(f);

	memset(f, 0, sizeof(*f));
	f->cfg.sequence_data = true;
	fake_handshake(f, T0);
	assert_false(l2tp_get_data_framing(f->l, &fr));
}

/* l2tp_data_push() writes exactly what l2tp_send_ppp() sends. */
static void test_framing_push_matches_send(void **state)
{
	struct fake_lns *f = *state;
	static struct pkt_buf b;
	struct l2tp_data_framing fr;
	struct pkt *p;

	fake_handshake(f, T0);
	assert_true(l2tp_get_data_framing(f->l, &fr));
	send_frame(f, &b);

	p = pkt_buf_reset(&b);
	memcpy(pkt_put(p, sizeof(lcp)), lcp, sizeof(lcp));
	assert_int_equal(l2tp_data_push(&fr, p), 0);
	assert_int_equal(p->len, f->pkt_len);
	assert_memory_equal(p->data, f->pkt, p->len);

	pkt_init(p, b.storage, sizeof(b.storage), 5);
	assert_int_equal(l2tp_data_push(&fr, p), -ENOBUFS);
}

/* Every header variant l2tp_rx() takes as data, except sequenced ones, is pulled to the PPP frame. */
static void test_framing_pull(void **state)
{
	struct fake_lns *f = *state;
	const uint16_t plain[] = { 0, 0x4000, 0x0200, 0x0100, 0x4300 };
	struct l2tp_data_framing fr;
	uint8_t buf[256];
	struct pkt p;
	size_t len;

	fake_handshake(f, T0);
	assert_true(l2tp_get_data_framing(f->l, &fr));
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		len = build(f, buf, plain[i], 3, f->lac_session_id);
		/* Padding after a Length-bounded message is trimmed off. */
		memset(buf + len, 0xee, 4);
		pkt_init(&p, buf, sizeof(buf), 0);
		p.len = len + ((plain[i] & 0x4000) ? 4 : 0);
		assert_int_equal(l2tp_data_pull(&fr, &p), 0);
		assert_int_equal(p.len, sizeof(lcp));
		assert_memory_equal(p.data, lcp, sizeof(lcp));
	}
}

/* Anything else is left untouched for l2tp_rx(). */
static void test_framing_pull_refuses(void **state)
{
	struct fake_lns *f = *state;
	struct l2tp_data_framing fr;
	uint8_t buf[256];
	struct pkt p;
	size_t len;

	fake_handshake(f, T0);
	assert_true(l2tp_get_data_framing(f->l, &fr));

	/* sequenced, another session, a control message, a wrong version, every truncation */
	len = build(f, buf, 0x0800, 0, f->lac_session_id);
	pkt_init(&p, buf, sizeof(buf), 0);
	p.len = len;
	assert_int_equal(l2tp_data_pull(&fr, &p), -ENOMSG);
	assert_ptr_equal(p.data, buf);
	assert_int_equal(p.len, len);

	len = build(f, buf, 0, 0, (uint16_t)(f->lac_session_id + 1));
	p.len = len;
	assert_int_equal(l2tp_data_pull(&fr, &p), -ENOMSG);

	len = build(f, buf, 0x4000, 0, f->lac_session_id);
	buf[0] |= 0x80;
	p.len = len;
	assert_int_equal(l2tp_data_pull(&fr, &p), -ENOMSG);

	len = build(f, buf, 0, 0, f->lac_session_id);
	buf[1] = 3;
	p.len = len;
	assert_int_equal(l2tp_data_pull(&fr, &p), -ENOMSG);

	len = build(f, buf, 0x4200, 2, f->lac_session_id);
	for (size_t n = 0; n < 12; n++) {
		p.len = n;
		assert_int_equal(l2tp_data_pull(&fr, &p), -ENOMSG);
		assert_ptr_equal(p.data, buf);
		assert_int_equal(p.len, n);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rx_header_variants),
		T(test_rx_length_trims_padding),
		T(test_rx_malformed),
		T(test_rx_not_ours),
		T(test_send_unsequenced),
		T(test_send_sequenced_when_required),
		T(test_send_sequenced_by_config),
		T(test_framing_availability),
		T(test_framing_push_matches_send),
		T(test_framing_pull),
		T(test_framing_pull_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
