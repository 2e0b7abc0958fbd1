/*
 * IPCP (RFC 1332, RFC 1877 DNS) and IPv6CP (RFC 5072): Nak adoption as
 * l2tpns does it, DNS rejected, no address, options we reject, IPv6CP
 * Protocol-Rejected without harm, and IP data both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ppp-harness.h"

#define IPCP 0x8021
#define IPV6CP 0x8057

static uint32_t addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_ipcp_nak_adoption_with_dns(void **state)
{
	struct harness *h = h_new(NULL);
	const struct ppp_event_info *up;
	struct h_ctl req;
	size_t len;
	const uint8_t *v;

	h_to_network(h);
	req = h_expect_ctl(h, IPCP, 1);
	/* 0.0.0.0 for address and both DNS servers */
	v = h_opt(&req, 3, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\0\0\0\0", 4);
	assert_non_null(h_opt(&req, 129, &len));
	assert_non_null(h_opt(&req, 131, &len));
	h->next_tx--; /* let h_ipcp_up see the request again */

	h_ipcp_up(h);
	up = h_event(h, PPP_EVENT_IPCP_UP);
	assert_int_equal(up->ipcp.local_addr, addr("203.0.113.1"));
	assert_int_equal(up->ipcp.peer_addr, addr("203.0.113.254"));
	assert_int_equal(up->ipcp.dns[0], addr("203.0.113.253"));
	assert_int_equal(up->ipcp.dns[1], addr("203.0.113.252"));
	assert_int_equal(up->mtu, 1400);
	h_free(h);
}

static void test_ipcp_dns_rejected(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t rej[] = { 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0 };
	const uint8_t nak[] = { 3, 6, 10, 1, 2, 3 };
	struct h_ctl req;
	size_t len;

	h_to_network(h);
	req = h_expect_ctl(h, IPCP, 1);
	assert_int_equal(h_rx_ctl(h, IPCP, 4, req.id, rej, sizeof(rej)), 0);
	req = h_expect_ctl(h, IPCP, 1);
	assert_null(h_opt(&req, 129, &len));
	assert_null(h_opt(&req, 131, &len));
	assert_int_equal(h_rx_ctl(h, IPCP, 3, req.id, nak, sizeof(nak)), 0);
	req = h_expect_ctl(h, IPCP, 1);
	assert_int_equal(req.len, 6);
	assert_int_equal(h_rx_ctl(h, IPCP, 1, 1, NULL, 0), 0);
	h_expect_ctl(h, IPCP, 2);
	assert_int_equal(h_rx_ctl(h, IPCP, 2, req.id, req.data, req.len), 0);
	assert_int_equal(h_event(h, PPP_EVENT_IPCP_UP)->ipcp.local_addr, addr("10.1.2.3"));
	assert_int_equal(h_event(h, PPP_EVENT_IPCP_UP)->ipcp.dns[0], 0);
	assert_int_equal(h_event(h, PPP_EVENT_IPCP_UP)->ipcp.peer_addr, 0);
	h_free(h);
}

static void test_ipcp_reject_of_unsent_option_is_bad(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t rej[] = { 130, 6, 0, 0, 0, 0 };
	struct h_ctl req;

	h_to_network(h);
	req = h_expect_ctl(h, IPCP, 1);
	assert_int_equal(h_rx_ctl(h, IPCP, 4, req.id, rej, sizeof(rej)), -EBADMSG);
	assert_true(h_no_more_tx(h));
	h_free(h);
}

static void test_ipcp_no_address_fails(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl req;

	h_to_network(h);
	req = h_expect_ctl(h, IPCP, 1);
	assert_int_equal(h_rx_ctl(h, IPCP, 1, 1, NULL, 0), 0);
	h_expect_ctl(h, IPCP, 2);
	/* the gateway acks 0.0.0.0: we have no address */
	assert_int_equal(h_rx_ctl(h, IPCP, 2, req.id, req.data, req.len), -EPROTO);
	assert_null(h_event(h, PPP_EVENT_IPCP_UP));
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_IPCP);
	h_free(h);
}

static void test_ipcp_zero_nak_waits_then_gives_up(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t nak[] = { 3, 6, 0, 0, 0, 0 };
	struct harness *h;
	struct h_ctl req;

	cfg.max_configure = 4;
	h = h_new(&cfg);
	h_to_network(h);
	req = h_expect_ctl(h, IPCP, 1);
	for (int i = 0; i < 4; i++) {
		/* SoftEther before its DHCP lease: a Nak that teaches nothing is not answered at once */
		assert_int_equal(h_rx_ctl(h, IPCP, 3, req.id, nak, sizeof(nak)), 0);
		assert_true(h_no_more_tx(h));
		h_tick(h, 3 * USEC_PER_SEC);
		req = h_expect_ctl(h, IPCP, 1);
	}
	assert_int_equal(h_rx_ctl(h, IPCP, 3, req.id, nak, sizeof(nak)), -EPROTO);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_IPCP);
	h_free(h);
}

static void test_ipcp_rejects_compression_and_nbns(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t req[] = { 3, 6, 203, 0, 113, 254, 2, 6, 0, 0x2d, 15, 1, 130, 6, 1, 2, 3, 4 };
	struct h_ctl c;

	h_to_network(h);
	h_expect_ctl(h, IPCP, 1);
	assert_int_equal(h_rx_ctl(h, IPCP, 1, 5, req, sizeof(req)), 0);
	c = h_expect_ctl(h, IPCP, 4);
	assert_int_equal(c.len, 12);
	assert_memory_equal(c.data, req + 6, 12);
	h_free(h);
}

static void test_ipv6cp_iid_adoption(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t nak[] = { 1, 10, 0xcb, 0x00, 0x71, 0x01, 0, 0, 0, 0 };
	const uint8_t peer[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 1 };
	const struct ppp_event_info *up;
	struct harness *h;
	struct h_ctl req;
	size_t len;
	const uint8_t *iid;

	cfg.want_ipv6 = true;
	h = h_new(&cfg);
	h_to_network(h);
	/* IPv6CP waits for IPCP */
	h_ipcp_up(h);
	req = h_expect_ctl(h, IPV6CP, 1);
	iid = h_opt(&req, 1, &len);
	assert_non_null(iid);
	assert_int_equal(len, 8);
	assert_memory_not_equal(iid, "\0\0\0\0\0\0\0\0", 8);

	/* l2tpns forces <IPv4>:0 */
	assert_int_equal(h_rx_ctl(h, IPV6CP, 3, req.id, nak, sizeof(nak)), 0);
	req = h_expect_ctl(h, IPV6CP, 1);
	assert_memory_equal(req.data, nak, sizeof(nak));
	assert_int_equal(h_rx_ctl(h, IPV6CP, 1, 3, peer, sizeof(peer)), 0);
	h_expect_ctl(h, IPV6CP, 2);
	assert_int_equal(h_rx_ctl(h, IPV6CP, 2, req.id, req.data, req.len), 0);
	up = h_event(h, PPP_EVENT_IPV6CP_UP);
	assert_non_null(up);
	assert_memory_equal(up->ipv6cp.local_iid, nak + 2, 8);
	assert_memory_equal(up->ipv6cp.peer_iid, peer + 2, 8);
	h_free(h);
}

static void test_ipv6cp_zero_peer_iid_naked(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t zero[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct harness *h;
	struct h_ctl c;

	cfg.want_ipv6 = true;
	h = h_new(&cfg);
	h_to_network(h);
	h_ipcp_up(h);
	h_expect_ctl(h, IPV6CP, 1);
	assert_int_equal(h_rx_ctl(h, IPV6CP, 1, 3, zero, sizeof(zero)), 0);
	c = h_expect_ctl(h, IPV6CP, 3);
	assert_int_equal(c.len, 10);
	assert_memory_not_equal(c.data + 2, zero + 2, 8);
	h_free(h);
}

static void test_ipv6cp_protocol_reject_not_fatal(void **state)
{
	struct ppp_config cfg = h_default_config();
	struct harness *h;
	struct h_ctl req;
	uint8_t pr[2 + 64] = { 0x80, 0x57 };
	const uint8_t ip4[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0, 0, 20 };

	cfg.want_ipv6 = true;
	h = h_new(&cfg);
	h_to_network(h);
	h_ipcp_up(h);
	req = h_expect_ctl(h, IPV6CP, 1);
	memcpy(pr + 2, req.data - 4, req.len + 4);
	assert_int_equal(h_rx_ctl(h, 0xc021, 8, 9, pr, 2 + req.len + 4), 0);
	assert_null(h_event(h, PPP_EVENT_FAILED));
	/* no more IPv6CP retransmissions */
	h_tick(h, 3 * USEC_PER_SEC);
	assert_true(h_no_more_tx(h));
	assert_null(h_event(h, PPP_EVENT_IPV6CP_UP));
	/* IPv4 still flows */
	assert_int_equal(h_rx_raw(h, ip4, sizeof(ip4)), 0);
	assert_int_equal(h->n_ip, 1);
	h_free(h);
}

static void test_ip_data_both_ways(void **state)
{
	struct harness *h = h_new(NULL);
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	const uint8_t pfc[] = { 0x21, 0x45, 0, 0, 20 };   /* no FF 03, one-octet protocol */
	const uint8_t v6[] = { 0xff, 0x03, 0x00, 0x57, 0x60 };
	const struct h_frame *f;

	h_to_network(h);
	/* before IPCP is open nothing flows */
	memcpy(pkt_put(p, 3), "abc", 3);
	assert_int_equal(ppp_send_ip(h->ppp, p, false), -ENOTCONN);
	assert_int_equal(h_rx_raw(h, pfc, sizeof(pfc)), 0);
	assert_int_equal(h->n_ip, 0);
	h_ipcp_up(h);

	assert_int_equal(ppp_send_ip(h->ppp, p, false), 0);
	f = h_next_frame(h);
	assert_non_null(f);
	assert_int_equal(f->len, 7);
	assert_memory_equal(f->data, "\xff\x03\x00\x21" "abc", 7);

	assert_int_equal(h_rx_raw(h, pfc, sizeof(pfc)), 0);
	assert_int_equal(h->n_ip, 1);
	assert_false(h->ip_is_v6);
	assert_int_equal(h->ip_len, 4);
	assert_memory_equal(h->ip, pfc + 1, 4);

	/* IPv6 off: the frame is Protocol-Rejected, not delivered */
	assert_int_equal(h_rx_raw(h, v6, sizeof(v6)), 0);
	assert_int_equal(h->n_ip, 1);
	h_expect_ctl(h, 0xc021, 8);
	h_free(h);
}

/* What a data-plane thread copies: whether IP may flow, and the pure push/pull of the framing. */
static void test_ip_framing_for_threads(void **state)
{
	struct harness *h = h_new(NULL);
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	const struct h_frame *f;
	struct {
		const char *frame;
		size_t len;
		int version;  /* 0: left for ppp_rx() */
		size_t header;
	} cases[] = {
		{ "\xff\x03\x00\x21" "abc", 7, 4, 4 },
		{ "\x21" "abc", 4, 4, 1 },                 /* PFC, no FF 03 */
		{ "\xff\x03\x21" "abc", 6, 4, 3 },
		{ "\xff\x03\x00\x57" "abc", 7, 6, 4 },
		{ "\x57" "abc", 4, 6, 1 },
		{ "\xff\x03\xc0\x21\x09\x01\x00\x04", 8, 0, 0 },  /* LCP */
		{ "\x80\x21\x01", 3, 0, 0 },             /* IPCP */
		{ "\x00\x20" "abc", 5, 0, 0 },            /* even low octet: malformed */
		{ "\xff\x03", 2, 0, 0 },
		{ "", 0, 0, 0 },
	};

	assert_false(ppp_ip_is_open(NULL, false));
	h_to_network(h);
	assert_false(ppp_ip_is_open(h->ppp, false));
	h_ipcp_up(h);
	assert_true(ppp_ip_is_open(h->ppp, false));
	assert_false(ppp_ip_is_open(h->ppp, true));

	/* push == what ppp_send_ip() sends */
	memcpy(pkt_put(p, 3), "abc", 3);
	assert_int_equal(ppp_send_ip(h->ppp, p, false), 0);
	f = h_next_frame(h);
	p = pkt_buf_reset(&b);
	memcpy(pkt_put(p, 3), "abc", 3);
	assert_int_equal(ppp_ip_push(p, false), 0);
	assert_int_equal(p->len, f->len);
	assert_memory_equal(p->data, f->data, f->len);
	p = pkt_buf_reset(&b);
	assert_int_equal(ppp_ip_push(p, true), 0);
	assert_memory_equal(p->data, "\xff\x03\x00\x57", 4);
	pkt_init(p, b.storage, sizeof(b.storage), 3);
	assert_int_equal(ppp_ip_push(p, false), -ENOSPC);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[16];
		struct pkt q;

		memcpy(buf, cases[i].frame, cases[i].len);
		pkt_init(&q, buf, sizeof(buf), 0);
		q.len = cases[i].len;
		assert_int_equal(ppp_ip_pull(&q), cases[i].version);
		assert_ptr_equal(q.data, buf + cases[i].header);
		assert_int_equal(q.len, cases[i].len - cases[i].header);
	}
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipcp_nak_adoption_with_dns),
		cmocka_unit_test(test_ipcp_dns_rejected),
		cmocka_unit_test(test_ipcp_reject_of_unsent_option_is_bad),
		cmocka_unit_test(test_ipcp_no_address_fails),
		cmocka_unit_test(test_ipcp_zero_nak_waits_then_gives_up),
		cmocka_unit_test(test_ipcp_rejects_compression_and_nbns),
		cmocka_unit_test(test_ipv6cp_iid_adoption),
		cmocka_unit_test(test_ipv6cp_zero_peer_iid_naked),
		cmocka_unit_test(test_ipv6cp_protocol_reject_not_fatal),
		cmocka_unit_test(test_ip_data_both_ways),
		cmocka_unit_test(test_ip_framing_for_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
