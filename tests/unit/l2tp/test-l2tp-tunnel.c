/*
 * The LAC against a scripted LNS: handshake, reliable delivery (time is
 * injected, nothing sleeps), tunnel authentication, the peer's StopCCN/CDN,
 * unknown mandatory AVPs, HELLO, and teardown.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/secret.h"
#include "fake-lns.h"

#define SEC 1000000ULL
#define MSEC 1000ULL
#define T0 (100 * SEC)

static void assert_zlb(struct fake_lns *f, int i, uint16_t nr)
{
	const struct l2tp_ctl_msg *m = fake_sent(f, i);

	assert_int_equal(m->type, L2TP_MSG_ZLB);
	assert_int_equal(m->tunnel_id, f->tunnel_id);
	assert_int_equal(m->nr, nr);
}

static void test_sccrq_contents(void **state)
{
	struct fake_lns *f = *state;
	const struct l2tp_ctl_msg *m;
	const uint8_t *p;
	size_t len;
	uint16_t v;
	uint32_t caps;

	f->cfg.hostname = "laptop";
	fake_start(f, T0);
	assert_int_equal(f->n_sent, 1);
	m = fake_sent(f, 0);
	assert_int_equal(m->type, L2TP_MSG_SCCRQ);
	assert_int_equal(m->tunnel_id, 0);
	assert_int_equal(m->ns, 0);
	assert_int_equal(m->nr, 0);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_PROTOCOL_VERSION, &v), 0);
	assert_int_equal(v, 0x0100);
	assert_true(l2tp_msg_avp(m, L2TP_AVP_PROTOCOL_VERSION)->is_mandatory);
	assert_int_equal(l2tp_msg_get_u32(m, L2TP_AVP_FRAMING_CAPABILITIES, &caps), 0);
	assert_int_equal(caps, 3);
	assert_int_equal(l2tp_msg_get_bytes(m, L2TP_AVP_HOST_NAME, &p, &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "laptop", 6);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_RECEIVE_WINDOW_SIZE, &v), 0);
	assert_int_equal(v, 8);
	/* No secret: never a Challenge (SoftEther would not answer). */
	assert_null(l2tp_msg_avp(m, L2TP_AVP_CHALLENGE));
	for (size_t i = 0; i < m->n_avps; i++)
		assert_false(m->avps[i].is_hidden);
	assert_int_equal(l2tp_next_deadline(f->l), T0 + SEC);
}

static void test_fresh_ids_per_connection(void **state)
{
	struct fake_lns *f = *state;
	struct fake_lns *g = calloc(1, sizeof(*g));

	fake_handshake(f, T0);
	fake_handshake(g, T0);
	assert_false(f->lac_tunnel_id == g->lac_tunnel_id && f->lac_session_id == g->lac_session_id);
	assert_int_not_equal(f->lac_session_id, 0);
	fake_stop(g);
	free(g);
}

static void test_handshake(void **state)
{
	struct fake_lns *f = *state;
	const struct l2tp_ctl_msg *m;
	uint32_t v;

	fake_start(f, T0);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0 + 50 * MSEC), 0);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_TUNNEL_UP);

	/* SCCCN carries the ack (Nr 1); ICRQ follows at once. */
	m = fake_sent(f, 1);
	assert_int_equal(m->type, L2TP_MSG_SCCCN);
	assert_int_equal(m->tunnel_id, 4);
	assert_int_equal(m->ns, 1);
	assert_int_equal(m->nr, 1);
	m = fake_sent(f, 2);
	assert_int_equal(m->type, L2TP_MSG_ICRQ);
	assert_int_equal(m->ns, 2);
	assert_int_equal(l2tp_msg_get_u16(m, L2TP_AVP_ASSIGNED_SESSION_ID, &f->lac_session_id), 0);
	assert_int_not_equal(f->lac_session_id, 0);
	assert_int_equal(l2tp_msg_get_u32(m, L2TP_AVP_CALL_SERIAL_NUMBER, &v), 0);
	assert_false(l2tp_is_session_up(f->l));

	fake_begin_icrp(f);
	assert_int_equal(fake_send(f, T0 + 60 * MSEC), 0);
	assert_int_equal(f->events[1], L2TP_EVENT_SESSION_UP);
	assert_true(l2tp_is_session_up(f->l));
	m = fake_sent(f, 3);
	assert_int_equal(m->type, L2TP_MSG_ICCN);
	assert_int_equal(m->session_id, 77);
	assert_int_equal(m->nr, 2);
	assert_int_equal(l2tp_msg_get_u32(m, L2TP_AVP_TX_CONNECT_SPEED, &v), 0);
	assert_int_equal(l2tp_msg_get_u32(m, L2TP_AVP_FRAMING_TYPE, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(f->n_sent, 4);

	/* The LNS acks everything: nothing left to retransmit. */
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, T0 + 70 * MSEC), 0);
	l2tp_tick(f->l, T0 + 30 * SEC);
	assert_int_equal(f->n_sent, 4);
}

static void test_retransmit_backoff_and_give_up(void **state)
{
	struct fake_lns *f = *state;
	const uint64_t at[] = { 1, 3, 7, 15, 23 }; /* 1, 2, 4, 8, 8 s apart */

	fake_start(f, T0);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(l2tp_next_deadline(f->l), T0 + at[i] * SEC);
		l2tp_tick(f->l, T0 + at[i] * SEC - 1);
		assert_int_equal(f->n_sent, i + 1);
		l2tp_tick(f->l, T0 + at[i] * SEC);
		assert_int_equal(f->n_sent, i + 2);
		assert_int_equal(fake_sent(f, -1)->type, L2TP_MSG_SCCRQ);
		assert_int_equal(f->msg.ns, 0);
	}

	assert_int_equal(f->n_events, 0);
	l2tp_tick(f->l, T0 + 31 * SEC);
	assert_int_equal(f->n_sent, 6);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_FAILED);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_NO_ANSWER);
	assert_string_equal(f->infos[0].message, "no answer to SCCRQ after 6 tries");
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
}

static void test_window_from_sccrp(void **state)
{
	struct fake_lns *f = *state;
	struct rv_writer *w;

	fake_start(f, T0);
	w = fake_begin_sccrp(f);
	l2tp_avp_put_u16(w, true, L2TP_AVP_RECEIVE_WINDOW_SIZE, 1);
	assert_int_equal(fake_send(f, T0), 0);
	/* Window 1: the ICRQ waits until the SCCCN is acked. */
	assert_int_equal(f->n_sent, 2);
	assert_int_equal(fake_sent(f, -1)->type, L2TP_MSG_SCCCN);
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, T0 + 10 * MSEC), 0);
	assert_int_equal(f->n_sent, 3);
	assert_int_equal(fake_sent(f, -1)->type, L2TP_MSG_ICRQ);
}

static void test_duplicate_is_reacked(void **state)
{
	struct fake_lns *f = *state;

	fake_start(f, T0);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0), 0);
	assert_int_equal(f->n_sent, 3);

	/* Our SCCCN's ack got lost on the way: the LNS retransmits its SCCRP. */
	assert_int_equal(fake_resend_last(f, T0 + SEC), -EAGAIN);
	assert_int_equal(f->n_sent, 4);
	assert_zlb(f, -1, 1);
	assert_int_equal(fake_count(f, L2TP_MSG_SCCCN), 1);
	assert_int_equal(f->n_events, 1);
}

static void test_zlb_ack_delay_and_hello(void **state)
{
	struct fake_lns *f = *state;
	uint64_t t = T0 + SEC;
	size_t n;

	f->cfg.hello_interval = 30 * SEC;
	fake_handshake(f, T0);
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, t), 0);
	n = f->n_sent;

	/* A HELLO from the LNS: nothing to piggyback on, so a ZLB shortly after. */
	fake_begin(f, L2TP_MSG_HELLO, 0);
	assert_int_equal(fake_send(f, t), 0);
	assert_int_equal(f->n_sent, n);
	assert_true(l2tp_next_deadline(f->l) > t && l2tp_next_deadline(f->l) <= t + 500 * MSEC);
	l2tp_tick(f->l, l2tp_next_deadline(f->l));
	assert_int_equal(f->n_sent, n + 1);
	assert_zlb(f, -1, f->ns);

	/* WEN and SLI are acked and otherwise ignored (Meraki sends SLI). */
	fake_begin(f, L2TP_MSG_SLI, f->lac_session_id);
	l2tp_avp_put(&f->w, true, L2TP_AVP_ACCM, "\0\0\0\0\0\0\0\0\0\0", 10);
	assert_int_equal(fake_send(f, t), 0);
	l2tp_tick(f->l, t + SEC);
	assert_zlb(f, -1, f->ns);
	assert_int_equal(f->n_events, 0);

	/* 30 s after the last message from the LNS, we send a HELLO. */
	assert_int_equal(l2tp_next_deadline(f->l), t + 30 * SEC);
	l2tp_tick(f->l, t + 30 * SEC);
	assert_int_equal(fake_sent(f, -1)->type, L2TP_MSG_HELLO);
	/* It is retransmitted like any message until acked. */
	assert_int_equal(l2tp_next_deadline(f->l), t + 31 * SEC);
}

static void sccrp_with_response(struct fake_lns *f, bool is_right)
{
	const struct l2tp_ctl_msg *m = fake_find(f, L2TP_MSG_SCCRQ);
	const uint8_t *challenge;
	size_t len;
	uint8_t type = 2, digest[16];
	const char *secret = is_right ? "ln-tunnel-secret" : "wrong-secret";

	assert_int_equal(l2tp_msg_get_bytes(m, L2TP_AVP_CHALLENGE, &challenge, &len), 0);
	assert_int_equal(len, 16);
	const struct rv_iov iov[] = { { &type, 1 }, { secret, strlen(secret) }, { challenge, len } };
	assert_int_equal(rv_hash_v(RV_HASH_MD5, iov, 3, digest), 0);
	l2tp_avp_put(fake_begin_sccrp(f), true, L2TP_AVP_CHALLENGE_RESPONSE, digest, 16);
}

static void test_tunnel_auth_ok(void **state)
{
	struct fake_lns *f = *state;
	static const uint8_t lns_challenge[] = "0123456789";
	uint8_t type = 3, expect[16];
	const uint8_t *resp;
	size_t len;

	f->cfg.secret = rv_secret_new_str("ln-tunnel-secret");
	fake_start(f, T0);
	sccrp_with_response(f, true);
	l2tp_avp_put(&f->w, true, L2TP_AVP_CHALLENGE, lns_challenge, 10);
	assert_int_equal(fake_send(f, T0), 0);
	assert_int_equal(f->events[0], L2TP_EVENT_TUNNEL_UP);

	/* We answer the LNS's challenge with MD5(3 || secret || challenge). */
	const struct rv_iov iov[] = { { &type, 1 }, { "ln-tunnel-secret", 16 }, { lns_challenge, 10 } };
	assert_int_equal(rv_hash_v(RV_HASH_MD5, iov, 3, expect), 0);
	assert_non_null(fake_find(f, L2TP_MSG_SCCCN));
	assert_int_equal(l2tp_msg_get_bytes(&f->msg, L2TP_AVP_CHALLENGE_RESPONSE, &resp, &len), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(resp, expect, 16);
}

static void test_tunnel_auth_wrong(void **state)
{
	struct fake_lns *f = *state;
	const uint8_t *rc;
	size_t len;

	f->cfg.secret = rv_secret_new_str("ln-tunnel-secret");
	fake_start(f, T0);
	sccrp_with_response(f, false);
	assert_int_equal(fake_send(f, T0), -EPROTO);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_FAILED);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_TUNNEL_AUTH);
	assert_non_null(strstr(f->infos[0].message, "wrong Challenge Response"));
	assert_null(fake_find(f, L2TP_MSG_SCCCN));
	assert_non_null(fake_find(f, L2TP_MSG_STOPCCN));
	assert_int_equal(f->msg.tunnel_id, 4);
	assert_int_equal(l2tp_msg_get_bytes(&f->msg, L2TP_AVP_RESULT_CODE, &rc, &len), 0);
	assert_int_equal(rc[1], 4);
}

static void test_tunnel_auth_missing(void **state)
{
	struct fake_lns *f = *state;

	f->cfg.secret = rv_secret_new_str("ln-tunnel-secret");
	fake_start(f, T0);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0), -EPROTO);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_TUNNEL_AUTH);
}

static void test_challenge_without_secret(void **state)
{
	struct fake_lns *f = *state;

	fake_start(f, T0);
	l2tp_avp_put(fake_begin_sccrp(f), true, L2TP_AVP_CHALLENGE, "abcd", 4);
	assert_int_equal(fake_send(f, T0), -EPROTO);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_TUNNEL_AUTH);
}

static void send_result(struct fake_lns *f, uint16_t type, uint16_t session_id,
			const void *rc, size_t rc_len)
{
	fake_begin(f, type, session_id);
	l2tp_avp_put(&f->w, true, L2TP_AVP_RESULT_CODE, rc, rc_len);
	if (type == L2TP_MSG_CDN)
		l2tp_avp_put_u16(&f->w, true, L2TP_AVP_ASSIGNED_SESSION_ID, f->session_id);
	else
		l2tp_avp_put_u16(&f->w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, f->tunnel_id);
}

static void test_peer_stopccn(void **state)
{
	struct fake_lns *f = *state;
	size_t n;

	fake_handshake(f, T0);
	n = f->n_sent;
	send_result(f, L2TP_MSG_STOPCCN, 0, "\0\2\0\6ID in use", 13);
	assert_int_equal(fake_send(f, T0 + SEC), -EPROTO);
	/* Acked at once, not after the ack delay. */
	assert_int_equal(f->n_sent, n + 1);
	assert_zlb(f, -1, f->ns);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_FAILED);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_PEER_STOPCCN);
	assert_int_equal(f->infos[0].result_code, 2);
	assert_int_equal(f->infos[0].error_code, 6);
	assert_int_equal(f->infos[0].peer_tunnel_id, 4);
	assert_string_equal(f->infos[0].message,
			    "gateway closed the tunnel: general error (result 2, error 6 'ID in use')");
	assert_false(l2tp_is_session_up(f->l));

	/* Its retransmission is re-acked; close afterwards just ends. */
	assert_int_equal(fake_resend_last(f, T0 + 2 * SEC), -EAGAIN);
	assert_zlb(f, -1, f->ns);
	l2tp_close(f->l, T0 + 3 * SEC);
	assert_int_equal(f->events[1], L2TP_EVENT_CLOSED);
	assert_int_equal(f->n_events, 2);
}

static void test_peer_stopccn_short_result_and_escaping(void **state)
{
	struct fake_lns *f = *state;

	fake_handshake(f, T0);
	send_result(f, L2TP_MSG_STOPCCN, 0, "\0\1", 2);
	assert_int_equal(fake_send(f, T0 + SEC), -EPROTO);
	assert_string_equal(f->infos[0].message, "gateway closed the tunnel: general request to "
						 "clear the control connection (result 1)");
	fake_stop(f);

	memset(f, 0, sizeof(*f));
	fake_handshake(f, T0);
	send_result(f, L2TP_MSG_STOPCCN, 0, "\0\2\0\10bad\n\x01", 9);
	assert_int_equal(fake_send(f, T0 + SEC), -EPROTO);
	assert_string_equal(f->infos[0].message,
			    "gateway closed the tunnel: general error (result 2, error 8 "
			    "'bad\\x0a\\x01')");
}

static void test_stopccn_instead_of_sccrp(void **state)
{
	struct fake_lns *f = *state;

	fake_start(f, T0);
	send_result(f, L2TP_MSG_STOPCCN, 0, "\0\5", 2);
	assert_int_equal(fake_send(f, T0 + 10 * MSEC), -EPROTO);
	/* The ack goes to the tunnel id the StopCCN told us. */
	assert_zlb(f, -1, 1);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_PEER_STOPCCN);
	assert_string_equal(f->infos[0].message, "gateway closed the tunnel: protocol version "
						 "not supported (result 5)");
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
}

static void test_peer_cdn_then_close(void **state)
{
	struct fake_lns *f = *state;
	const struct l2tp_ctl_msg *m;

	fake_handshake(f, T0);
	send_result(f, L2TP_MSG_CDN, f->lac_session_id, "\0\3", 2);
	assert_int_equal(fake_send(f, T0 + SEC), -EPROTO);
	assert_zlb(f, -1, f->ns);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_PEER_CDN);
	assert_int_equal(f->infos[0].peer_session_id, 77);
	assert_string_equal(f->infos[0].message,
			    "gateway disconnected the call: administrative reasons (result 3)");

	/* The session layer closes: only a StopCCN is left to send. */
	l2tp_close(f->l, T0 + 2 * SEC);
	m = fake_sent(f, -1);
	assert_int_equal(m->type, L2TP_MSG_STOPCCN);
	assert_int_equal(fake_count(f, L2TP_MSG_CDN), 0);
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, T0 + 2 * SEC + 10 * MSEC), 0);
	assert_int_equal(f->n_events, 2);
	assert_int_equal(f->events[1], L2TP_EVENT_CLOSED);
}

static void test_cdn_for_unknown_session(void **state)
{
	struct fake_lns *f = *state;
	size_t n;

	fake_handshake(f, T0);
	n = f->n_sent;
	send_result(f, L2TP_MSG_CDN, (uint16_t)(f->lac_session_id + 1), "\0\3", 2);
	assert_int_equal(fake_send(f, T0 + SEC), 0);
	assert_int_equal(f->n_sent, n + 1);
	assert_zlb(f, -1, f->ns);
	assert_int_equal(f->n_events, 0);
	assert_true(l2tp_is_session_up(f->l));
}

static void test_unknown_tunnel_id(void **state)
{
	struct fake_lns *f = *state;
	size_t n;

	fake_handshake(f, T0);
	n = f->n_sent;
	/* l2tpns retransmitting a CDN to the previous connection's ids. */
	send_result(f, L2TP_MSG_CDN, f->lac_session_id, "\0\3", 2);
	f->wbuf[4] ^= 0x55;
	assert_int_equal(fake_send(f, T0 + SEC), -ENOMSG);
	f->wbuf[4] = 0;
	f->wbuf[5] = 0;
	assert_int_equal(fake_resend_last(f, T0 + SEC), -ENOMSG);
	l2tp_tick(f->l, T0 + 2 * SEC);
	assert_int_equal(f->n_sent, n);
	assert_int_equal(f->n_events, 0);
	assert_true(l2tp_is_session_up(f->l));
}

static void test_unknown_mandatory_avp_in_icrp(void **state)
{
	struct fake_lns *f = *state;
	const uint8_t *rc;
	size_t len;

	fake_start(f, T0);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0), 0);
	assert_non_null(fake_find(f, L2TP_MSG_ICRQ));
	l2tp_msg_get_u16(&f->msg, L2TP_AVP_ASSIGNED_SESSION_ID, &f->lac_session_id);

	fake_begin_icrp(f);
	l2tp_avp_put(&f->w, false, 120, "optional", 8); /* skipped */
	rv_writer_bytes(&f->w, (const uint8_t[]){ 0x00, 0x08, 0x01, 0x37, 0x00, 0x0e, 0, 1 }, 8);
	rv_writer_bytes(&f->w, (const uint8_t[]){ 0x80, 0x07, 0x00, 0x00, 0x00, 0x64, 9 }, 7);
	assert_int_equal(fake_send(f, T0), -EPROTO);
	assert_int_equal(f->events[1], L2TP_EVENT_FAILED);
	assert_int_equal(f->infos[1].failure, L2TP_FAILURE_PROTOCOL);
	assert_string_equal(f->infos[1].message,
			    "ICRP carries an unknown mandatory AVP (vendor 0, type 100)");
	assert_non_null(fake_find(f, L2TP_MSG_CDN));
	assert_int_equal(l2tp_msg_get_bytes(&f->msg, L2TP_AVP_RESULT_CODE, &rc, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(rc, "\0\2\0\10", 4);
	assert_false(l2tp_is_session_up(f->l));
}

static void test_unknown_mandatory_vendor_avp_in_sccrp(void **state)
{
	struct fake_lns *f = *state;
	const uint8_t *rc;
	size_t len;

	fake_start(f, T0);
	fake_begin_sccrp(f);
	/* Vendor 311 attribute 10 is not our Receive Window Size. */
	rv_writer_bytes(&f->w, (const uint8_t[]){ 0x80, 0x08, 0x01, 0x37, 0x00, 0x0a, 0, 1 }, 8);
	assert_int_equal(fake_send(f, T0), -EPROTO);
	assert_int_equal(f->infos[0].failure, L2TP_FAILURE_PROTOCOL);
	assert_non_null(fake_find(f, L2TP_MSG_STOPCCN));
	assert_int_equal(f->msg.tunnel_id, 4);
	assert_int_equal(l2tp_msg_get_bytes(&f->msg, L2TP_AVP_RESULT_CODE, &rc, &len), 0);
	assert_memory_equal(rc, "\0\2\0\10", 4);
	assert_null(fake_find(f, L2TP_MSG_SCCCN));
}

static void test_close_clean(void **state)
{
	struct fake_lns *f = *state;
	const struct l2tp_ctl_msg *m;
	const uint8_t *rc;
	size_t len;

	fake_handshake(f, T0);
	l2tp_close(f->l, T0 + SEC);
	assert_false(l2tp_is_session_up(f->l));
	m = fake_sent(f, -2);
	assert_int_equal(m->type, L2TP_MSG_CDN);
	assert_int_equal(m->session_id, 77);
	assert_int_equal(l2tp_msg_get_bytes(m, L2TP_AVP_RESULT_CODE, &rc, &len), 0);
	assert_int_equal(rc[1], 3);
	m = fake_sent(f, -1);
	assert_int_equal(m->type, L2TP_MSG_STOPCCN);
	assert_int_equal(l2tp_msg_get_bytes(m, L2TP_AVP_RESULT_CODE, &rc, &len), 0);
	assert_int_equal(rc[1], 1);
	assert_int_equal(f->n_events, 0);

	/* SoftEther answers with its own CDN (acking only our CDN): acked, nothing else. */
	f->nr--;
	send_result(f, L2TP_MSG_CDN, f->lac_session_id, "\0\3", 2);
	assert_int_equal(fake_send(f, T0 + SEC + 5 * MSEC), 0);
	assert_int_equal(f->n_events, 0);
	f->nr++;
	fake_begin(f, L2TP_MSG_ZLB, 0);
	assert_int_equal(fake_send(f, T0 + SEC + 10 * MSEC), 0);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_CLOSED);
	l2tp_close(f->l, T0 + 2 * SEC);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
}

static void test_close_answered_by_stopccn(void **state)
{
	struct fake_lns *f = *state;

	fake_handshake(f, T0);
	l2tp_close(f->l, T0 + SEC);
	send_result(f, L2TP_MSG_STOPCCN, 0, "\0\1", 2);
	assert_int_equal(fake_send(f, T0 + SEC + 5 * MSEC), 0);
	assert_zlb(f, -1, f->ns);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_CLOSED);
}

static void test_close_times_out(void **state)
{
	struct fake_lns *f = *state;
	uint64_t t = T0 + SEC;

	fake_handshake(f, T0);
	l2tp_close(f->l, t);
	while (f->n_events == 0 && l2tp_next_deadline(f->l) != UINT64_MAX) {
		uint64_t d = l2tp_next_deadline(f->l);

		assert_true(d <= t + 4 * SEC);
		l2tp_tick(f->l, d);
	}

	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_CLOSED);
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
}

static void test_close_before_tunnel_up(void **state)
{
	struct fake_lns *f = *state;

	fake_start(f, T0);
	l2tp_close(f->l, T0 + 10 * MSEC);
	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->n_events, 1);
	assert_int_equal(f->events[0], L2TP_EVENT_CLOSED);
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
	fake_begin_sccrp(f);
	assert_int_equal(fake_send(f, T0 + 20 * MSEC), 0);
	assert_int_equal(f->n_events, 1);
}

static void test_rx_before_start(void **state)
{
	struct fake_lns *f = *state;
	static const struct l2tp_ops ops = { 0 };
	const uint8_t zlb[] = { 0xc8, 0x02, 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0 };

	f->l = l2tp_new(&f->cfg, &ops, NULL);
	assert_int_equal(l2tp_rx(f->l, zlb, sizeof(zlb), T0), -ENOMSG);
	assert_int_equal(l2tp_rx(f->l, zlb, 1, T0), -EBADMSG);
	assert_int_equal(l2tp_next_deadline(f->l), UINT64_MAX);
	l2tp_free(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sccrq_contents),
		T(test_fresh_ids_per_connection),
		T(test_handshake),
		T(test_retransmit_backoff_and_give_up),
		T(test_window_from_sccrp),
		T(test_duplicate_is_reacked),
		T(test_zlb_ack_delay_and_hello),
		T(test_tunnel_auth_ok),
		T(test_tunnel_auth_wrong),
		T(test_tunnel_auth_missing),
		T(test_challenge_without_secret),
		T(test_peer_stopccn),
		T(test_peer_stopccn_short_result_and_escaping),
		T(test_stopccn_instead_of_sccrp),
		T(test_peer_cdn_then_close),
		T(test_cdn_for_unknown_session),
		T(test_unknown_tunnel_id),
		T(test_unknown_mandatory_avp_in_icrp),
		T(test_unknown_mandatory_vendor_avp_in_sccrp),
		T(test_close_clean),
		T(test_close_answered_by_stopccn),
		T(test_close_times_out),
		T(test_close_before_tunnel_up),
		T(test_rx_before_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
