/*
 * LCP against scripted gateways that behave like l2tpns (MRRU and Endpoint
 * Discriminator to reject, CHAP-MD5) and SoftEther (EAP first, Magic-Number
 * rejected, echo replies with magic 0), the auth Nak loop, echo keepalive
 * with injected time, Terminate both ways, Protocol- and Code-Reject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ppp-harness.h"

#define LCP 0xc021

static void test_l2tpns_like_negotiation(void **state)
{
	struct harness *h = h_new(NULL);
	/* MRU 1462, CHAP/MD5, Magic, MRRU 1614, Endpoint Discriminator class 1 */
	const uint8_t req1[] = { 1, 4, 0x05, 0xb6, 3, 5, 0xc2, 0x23, 5, 5, 6, 0xde, 0xad, 0xbe, 0xef,
				 17, 4, 0x06, 0x4e, 19, 7, 1, 'l', 'n', '-', 'l' };
	const uint8_t rej[] = { 17, 4, 0x06, 0x4e, 19, 7, 1, 'l', 'n', '-', 'l' };
	struct h_ctl ours, c;
	const uint8_t *v;
	size_t len;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	ours = h_expect_ctl(h, LCP, 1);
	v = h_opt(&ours, 1, &len);
	assert_non_null(v);
	assert_int_equal(len, 2);
	assert_int_equal(v[0] << 8 | v[1], 1400);
	assert_non_null(h_opt(&ours, 5, &len));
	assert_int_equal(len, 4);
	/* no Auth-Protocol, no PFC/ACFC from us */
	assert_null(h_opt(&ours, 3, &len));
	assert_null(h_opt(&ours, 7, &len));

	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, req1, sizeof(req1)), 0);
	c = h_expect_ctl(h, LCP, 4);
	assert_int_equal(c.id, 1);
	assert_int_equal(c.len, sizeof(rej));
	assert_memory_equal(c.data, rej, sizeof(rej));

	assert_int_equal(h_rx_ctl(h, LCP, 1, 2, req1, 15), 0);
	c = h_expect_ctl(h, LCP, 2);
	assert_int_equal(c.id, 2);
	assert_memory_equal(c.data, req1, 15);
	assert_null(h_event(h, PPP_EVENT_LCP_UP));

	assert_int_equal(h_rx_ctl(h, LCP, 2, ours.id, ours.data, ours.len), 0);
	assert_int_equal(h_event(h, PPP_EVENT_LCP_UP)->mtu, 1400);
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_START)->auth_method, PPP_AUTH_CHAP_MD5);
	h_free(h);
}

static void test_peer_mru_limits_mtu(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x04, 0xb0 }; /* 1200 */

	h_lcp_up(h, opts, sizeof(opts));
	assert_int_equal(h_event(h, PPP_EVENT_LCP_UP)->mtu, 1200);
	h_free(h);
}

static void test_softether_like_negotiation(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t eap[] = { 3, 4, 0xc2, 0x27 };
	const uint8_t ms[] = { 3, 5, 0xc2, 0x23, 0x81 };
	struct h_ctl ours, c;
	size_t len;
	const uint8_t *v;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	ours = h_expect_ctl(h, LCP, 1);

	/* EAP first: Nak'ed with our preference */
	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, eap, sizeof(eap)), 0);
	c = h_expect_ctl(h, LCP, 3);
	assert_int_equal(c.len, sizeof(ms));
	assert_memory_equal(c.data, ms, sizeof(ms));

	/* SoftEther rejects our Magic-Number: the next request goes without it */
	v = h_opt(&ours, 5, &len);
	{
		uint8_t rej[6] = { 5, 6 };

		memcpy(rej + 2, v, 4);
		assert_int_equal(h_rx_ctl(h, LCP, 4, ours.id, rej, sizeof(rej)), 0);
	}
	ours = h_expect_ctl(h, LCP, 1);
	assert_null(h_opt(&ours, 5, &len));
	assert_non_null(h_opt(&ours, 1, &len));

	assert_int_equal(h_rx_ctl(h, LCP, 1, 2, ms, sizeof(ms)), 0);
	h_expect_ctl(h, LCP, 2);
	assert_int_equal(h_rx_ctl(h, LCP, 2, ours.id, ours.data, ours.len), 0);
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_START)->auth_method, PPP_AUTH_MSCHAPV2);
	assert_int_equal(h_event(h, PPP_EVENT_LCP_UP)->mtu, 1400);

	/* its Echo-Request: we answer with magic 0 now that it rejected ours, data echoed */
	assert_int_equal(h_rx_ctl(h, LCP, 9, 0x33, "\0\0\0\0abc", 7), 0);
	c = h_expect_ctl(h, LCP, 10);
	assert_int_equal(c.id, 0x33);
	assert_memory_equal(c.data, "\0\0\0\0abc", 7);

	/* and its Echo-Reply with magic 0 and text is fine */
	assert_int_equal(h_rx_ctl(h, LCP, 10, 1, "\0\0\0\0SoftEther", 13), 0);
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_auth_nak_loop_gives_up(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t md5[] = { 3, 5, 0xc2, 0x23, 0x05 };
	const uint8_t ms[] = { 3, 5, 0xc2, 0x23, 0x81 };
	const struct ppp_event_info *f;
	struct harness *h;
	int r = 0;

	cfg.auth_allowed = PPP_AUTH_MSCHAPV2;
	h = h_new(&cfg);
	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);

	/* l2tpns re-proposes CHAP-MD5 forever */
	for (int i = 0; i < 5; i++) {
		struct h_ctl c;

		assert_int_equal(h_rx_ctl(h, LCP, 1, (uint8_t)(10 + i), md5, sizeof(md5)), 0);
		c = h_expect_ctl(h, LCP, 3);
		assert_memory_equal(c.data, ms, sizeof(ms));
	}
	assert_null(h_event(h, PPP_EVENT_FAILED));
	r = h_rx_ctl(h, LCP, 1, 20, md5, sizeof(md5));
	assert_int_equal(r, -EPROTO);
	f = h_event(h, PPP_EVENT_FAILED);
	assert_non_null(f);
	assert_int_equal(f->failure, PPP_FAILURE_NO_AUTH_METHOD);
	assert_string_equal(f->message, "gateway wants CHAP-MD5; the profile allows MS-CHAPv2");
	h_free(h);
}

static void test_pap_refused_when_not_allowed(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t pap[] = { 3, 4, 0xc0, 0x23 };
	const uint8_t eap[] = { 3, 4, 0xc2, 0x27 };
	const uint8_t ms[] = { 3, 5, 0xc2, 0x23, 0x81 };
	const struct ppp_event_info *f;
	int r = 0;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);
	for (int i = 0; i < 6 && r == 0; i++) {
		r = h_rx_ctl(h, LCP, 1, (uint8_t)i, i % 2 ? pap : eap, 4);
		if (r == 0) {
			struct h_ctl c = h_expect_ctl(h, LCP, 3);

			/* PAP is never acked unless the profile allows it */
			assert_memory_equal(c.data, ms, sizeof(ms));
		}
	}
	assert_int_equal(r, -EPROTO);
	assert_null(h_event(h, PPP_EVENT_AUTH_START));
	f = h_event(h, PPP_EVENT_FAILED);
	assert_int_equal(f->failure, PPP_FAILURE_NO_AUTH_METHOD);
	assert_string_equal(f->message,
			    "gateway wants PAP, EAP; the profile allows MS-CHAPv2, CHAP-MD5");
	h_free(h);
}

static void test_accm_acked_unknown_rejected(void **state)
{
	struct harness *h = h_new(NULL);
	/* ACCM 0, PFC, ACFC, Quality-Protocol, Callback */
	const uint8_t req[] = { 2, 6, 0, 0, 0, 0, 7, 2, 8, 2, 4, 8, 0xc0, 0x25, 0, 0, 0, 10,
				13, 3, 6 };
	const uint8_t rej[] = { 4, 8, 0xc0, 0x25, 0, 0, 0, 10, 13, 3, 6 };
	struct h_ctl c;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_expect_ctl(h, LCP, 1);
	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, req, sizeof(req)), 0);
	c = h_expect_ctl(h, LCP, 4);
	assert_int_equal(c.len, sizeof(rej));
	assert_memory_equal(c.data, rej, sizeof(rej));
	assert_int_equal(h_rx_ctl(h, LCP, 1, 2, req, 10), 0);
	h_expect_ctl(h, LCP, 2);
	h_free(h);
}

static void test_looped_back_magic_naked(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl ours, c;
	uint8_t req[6] = { 5, 6 };
	size_t len;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	ours = h_expect_ctl(h, LCP, 1);
	memcpy(req + 2, h_opt(&ours, 5, &len), 4);
	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, req, sizeof(req)), 0);
	c = h_expect_ctl(h, LCP, 3);
	assert_int_equal(c.data[0], 5);
	assert_memory_not_equal(c.data + 2, req + 2, 4);
	h_free(h);
}

static void test_lcp_no_answer(void **state)
{
	struct ppp_config cfg = h_default_config();
	struct harness *h;

	cfg.max_configure = 3;
	h = h_new(&cfg);
	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	assert_int_equal(ppp_next_deadline(h->ppp), h->now + 3 * USEC_PER_SEC);
	for (int i = 0; i < 3; i++) {
		h_expect_ctl(h, LCP, 1);
		assert_null(h_event(h, PPP_EVENT_FAILED));
		h_tick(h, 3 * USEC_PER_SEC);
	}
	assert_true(h_no_more_tx(h));
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_LCP_NEGOTIATION);
	assert_string_equal(h_event(h, PPP_EVENT_FAILED)->message,
			    "no answer to LCP Configure-Request");
	assert_int_equal(ppp_next_deadline(h->ppp), USEC_INFINITY);
	h_free(h);
}

static void test_echo_timeout(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };
	uint8_t last_id = 0;
	struct harness *h;

	/* IPCP keeps retransmitting in the background; let it outlive the test */
	cfg.max_configure = 100;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	h_expect_ctl(h, 0x8021, 1); /* no auth: IPCP starts */

	/* traffic keeps the link quiet */
	h_tick(h, 9 * USEC_PER_SEC);
	ppp_note_rx_activity(h->ppp, h->now);
	for (int i = 0; i < 4; i++) {
		h_tick(h, 10 * USEC_PER_SEC);
		for (const struct h_frame *f; (f = h_next_frame(h));) {
			if (f->data[2] == 0xc0 && f->data[3] == 0x21) {
				assert_int_equal(f->data[4], 9);
				assert_int_not_equal(f->data[5], last_id);
				last_id = f->data[5];
			}
		}
		assert_null(h_event(h, PPP_EVENT_FAILED));
	}

	h_tick(h, 10 * USEC_PER_SEC);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_ECHO_TIMEOUT);
	h_free(h);
}

static void test_echo_answered_keeps_link(void **state)
{
	struct ppp_config cfg = h_default_config();
	struct harness *h;
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };

	cfg.max_configure = 100;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	for (int i = 0; i < 10; i++) {
		h_tick(h, 10 * USEC_PER_SEC);
		for (const struct h_frame *f; (f = h_next_frame(h));) {
			if (f->data[2] == 0xc0 && f->data[4] == 9)
				assert_int_equal(h_rx_ctl(h, LCP, 10, f->data[5], "\0\0\0\0", 4), 0);
		}
	}
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

/* Count the LCP Echo-Requests sent since the last call; answer them when asked. */
static int echo_requests(struct harness *h, bool answer)
{
	int n = 0;

	for (const struct h_frame *f; (f = h_next_frame(h));) {
		if (f->data[2] != 0xc0 || f->data[3] != 0x21 || f->data[4] != 9)
			continue;
		n++;
		if (answer)
			assert_int_equal(h_rx_ctl(h, LCP, 10, f->data[5], "\0\0\0\0", 4), 0);
	}
	return n;
}

/*
 * Path MTU probes: an echo whose Information field is exactly the size asked
 * (so its frame is an IP packet's of that size: ff 03 c0 21 + size), the
 * gateway's answer (data echoed, magic 0 as SoftEther sends) matched by
 * its Identifier, an old answer or a keepalive's not taken for it, and
 * nothing above the gateway's MRU.
 */
static void test_echo_sized(void **state)
{
	const uint8_t opts[] = { 1, 4, 0x05, 0x78 };   /* the gateway's MRU: 1400 */
	struct harness *h = h_new(NULL);
	const struct h_frame *f;
	uint8_t reply[1400];
	struct h_ctl c;

	(void)state;
	assert_int_equal(ppp_echo_sized(h->ppp, 1300), -ENOTCONN);
	h_lcp_up(h, opts, sizeof(opts));
	assert_int_equal(ppp_echo_sized(h->ppp, 1401), -EMSGSIZE);
	assert_int_equal(ppp_echo_sized(h->ppp, 1300), 0);
	do	/* what LCP sent on the way up first */
		f = h_next_frame(h);
	while (f && !(f->data[2] == 0xc0 && f->data[3] == 0x21 && f->data[4] == 9));
	assert_non_null(f);
	assert_int_equal(f->len, 4 + 1300);
	c = (struct h_ctl){ .code = f->data[4], .id = f->data[5] };
	assert_int_equal(c.code, 9);
	assert_int_equal((f->data[6] << 8) | f->data[7], 1300);

	/* A keepalive's answer (another id) is not the probe's. */
	assert_int_equal(h_rx_ctl(h, LCP, 10, (uint8_t)(c.id - 1), "\0\0\0\0", 4), 0);
	assert_int_equal(h->n_echo_answered, 0);
	memcpy(reply, f->data + 8, 1296);
	memset(reply, 0, 4);
	assert_int_equal(h_rx_ctl(h, LCP, 10, c.id, reply, 1296), 0);
	assert_int_equal(h->n_echo_answered, 1);
	assert_int_equal(h->echo_answered, 1300);
	/* Answered once: a duplicate is not a second answer. */
	assert_int_equal(h_rx_ctl(h, LCP, 10, c.id, reply, 1296), 0);
	assert_int_equal(h->n_echo_answered, 1);
	h_free(h);
}

/* After a resume: an echo at once, every 500 ms, dead after 4 unanswered (2 s), not 40 s. */
static void test_probe_dead_peer(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };
	struct harness *h;
	usec_t t0;

	cfg.max_configure = 100;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	h_tick(h, 3 * USEC_PER_SEC);
	(void)echo_requests(h, false);
	t0 = h->now;
	ppp_probe(h->ppp, h->now, 500 * USEC_PER_MSEC, 4);
	/* data from before the probe (a data path's late report) proves nothing */
	ppp_note_rx_activity(h->ppp, t0 - USEC_PER_SEC);
	assert_int_equal(ppp_next_deadline(h->ppp), t0);
	h_tick(h, 0);
	assert_int_equal(echo_requests(h, false), 1);
	for (int i = 0; i < 3; i++) {
		h_tick(h, 500 * USEC_PER_MSEC);
		assert_int_equal(echo_requests(h, false), 1);
		assert_null(h_event(h, PPP_EVENT_FAILED));
	}
	h_tick(h, 500 * USEC_PER_MSEC);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_ECHO_TIMEOUT);
	assert_true(h->now - t0 <= 2 * USEC_PER_SEC);
	h_free(h);
}

/* An answer ends the probe: the keepalive goes back to its interval, nothing fails. */
static void test_probe_answered(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };
	struct harness *h;

	cfg.max_configure = 100;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	ppp_probe(h->ppp, h->now, 500 * USEC_PER_MSEC, 4);
	h_tick(h, 0);
	assert_int_equal(echo_requests(h, true), 1);
	for (int i = 0; i < 8; i++) {
		h_tick(h, 500 * USEC_PER_MSEC);
		assert_int_equal(echo_requests(h, false), 0);
	}
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_peer_terminate(void **state)
{
	struct harness *h = h_new(NULL);

	h_to_network(h);
	h_next_frame(h); /* IPCP Configure-Request */
	assert_int_equal(h_rx_ctl(h, LCP, 5, 0x77, "bye", 3), -EPROTO);
	assert_int_equal(h_expect_ctl(h, LCP, 6).id, 0x77);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_PEER_TERMINATE);
	assert_string_equal(h_event(h, PPP_EVENT_FAILED)->message,
			    "gateway terminated the link (\"bye\")");
	assert_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_int_equal(h_rx_ctl(h, LCP, 1, 1, NULL, 0), -ENOMSG);

	/* closing a link the gateway already ended needs no packet */
	ppp_close(h->ppp, h->now);
	assert_non_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_true(h_no_more_tx(h));
	h_free(h);
}

static void test_close_acked(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl t;
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	h_to_network(h);
	h_ipcp_up(h);
	ppp_close(h->ppp, h->now);
	t = h_expect_ctl(h, LCP, 5);
	assert_null(h_event(h, PPP_EVENT_TERMINATED));
	pkt_put(p, 20);
	assert_int_equal(ppp_send_ip(h->ppp, p, false), -ENOTCONN);
	assert_int_equal(h_rx_ctl(h, LCP, 6, t.id, NULL, 0), 0);
	assert_non_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_close_times_out(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };

	h_lcp_up(h, opts, sizeof(opts));
	h_next_frame(h);
	ppp_close(h->ppp, h->now);
	h_expect_ctl(h, LCP, 5);
	h_tick(h, 3 * USEC_PER_SEC);
	h_expect_ctl(h, LCP, 5);
	assert_null(h_event(h, PPP_EVENT_TERMINATED));
	h_tick(h, 3 * USEC_PER_SEC);
	assert_true(h_no_more_tx(h));
	assert_non_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_close_before_start(void **state)
{
	struct harness *h = h_new(NULL);

	ppp_close(h->ppp, h->now);
	assert_non_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_true(h_no_more_tx(h));
	h_free(h);
}

static void test_unknown_protocol_rejected(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };
	const uint8_t ccp[] = { 0xff, 0x03, 0x80, 0xfd, 1, 1, 0, 4 };
	struct h_ctl c;

	/* before LCP is open it is just dropped */
	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	h_next_frame(h);
	assert_int_equal(h_rx_raw(h, ccp, sizeof(ccp)), 0);
	assert_true(h_no_more_tx(h));
	h_free(h);

	h = h_new(NULL);
	h_lcp_up(h, opts, sizeof(opts));
	h_next_frame(h);
	assert_int_equal(h_rx_raw(h, ccp, sizeof(ccp)), 0);
	c = h_expect_ctl(h, LCP, 8);
	assert_int_equal(c.len, 2 + 4);
	assert_memory_equal(c.data, ccp + 2, 6);
	h_free(h);
}

static void test_unknown_code_rejected(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };
	struct h_ctl c;

	h_lcp_up(h, opts, sizeof(opts));
	h_next_frame(h);
	assert_int_equal(h_rx_ctl(h, LCP, 42, 3, "xy", 2), 0);
	c = h_expect_ctl(h, LCP, 7);
	assert_int_equal(c.len, 6);
	assert_memory_equal(c.data, "\x2a\x03\x00\x06xy", 6);
	h_free(h);
}

static void test_ipv6cp_rejected_when_unwanted(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t req[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct h_ctl c;

	h_to_network(h);
	h_next_frame(h);
	assert_int_equal(h_rx_ctl(h, 0x8057, 1, 1, req, sizeof(req)), 0);
	c = h_expect_ctl(h, LCP, 8);
	assert_int_equal(c.data[0] << 8 | c.data[1], 0x8057);
	h_free(h);
}

static void test_retransmitted_request_after_open(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };

	h_lcp_up(h, opts, sizeof(opts));
	h_next_frame(h);
	/* our Ack was lost: the same request again is answered, not renegotiated */
	assert_int_equal(h_rx_ctl(h, LCP, 1, 0x41, opts, sizeof(opts)), -EAGAIN);
	h_expect_ctl(h, LCP, 2);
	assert_true(h_no_more_tx(h));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l2tpns_like_negotiation),
		cmocka_unit_test(test_peer_mru_limits_mtu),
		cmocka_unit_test(test_softether_like_negotiation),
		cmocka_unit_test(test_auth_nak_loop_gives_up),
		cmocka_unit_test(test_pap_refused_when_not_allowed),
		cmocka_unit_test(test_accm_acked_unknown_rejected),
		cmocka_unit_test(test_looped_back_magic_naked),
		cmocka_unit_test(test_lcp_no_answer),
		cmocka_unit_test(test_echo_timeout),
		cmocka_unit_test(test_echo_answered_keeps_link),
		cmocka_unit_test(test_echo_sized),
		cmocka_unit_test(test_probe_dead_peer),
		cmocka_unit_test(test_probe_answered),
		cmocka_unit_test(test_peer_terminate),
		cmocka_unit_test(test_close_acked),
		cmocka_unit_test(test_close_times_out),
		cmocka_unit_test(test_close_before_start),
		cmocka_unit_test(test_unknown_protocol_rejected),
		cmocka_unit_test(test_unknown_code_rejected),
		cmocka_unit_test(test_ipv6cp_rejected_when_unwanted),
		cmocka_unit_test(test_retransmitted_request_after_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
