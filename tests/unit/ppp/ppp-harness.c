/* Scripted-peer harness for the PPP unit tests; see ppp-harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ppp-harness.h"
#include "util/secret.h"

static int h_tx(void *user_data, struct pkt *p)
{
	struct harness *h = user_data;

	assert_true(h->n_tx < H_MAX_FRAMES);
	assert_true(p->len <= sizeof(h->tx[0].data));
	memcpy(h->tx[h->n_tx].data, p->data, p->len);
	h->tx[h->n_tx].len = p->len;
	h->n_tx++;
	return 0;
}

static void h_on_event(void *user_data, enum ppp_event ev, const struct ppp_event_info *info)
{
	struct harness *h = user_data;

	assert_true(h->n_events < H_MAX_EVENTS);
	h->events[h->n_events].ev = ev;
	h->events[h->n_events].info = *info;
	h->n_events++;
}

static void h_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len)
{
	struct harness *h = user_data;

	assert_true(len <= sizeof(h->ip));
	memcpy(h->ip, data, len);
	h->ip_len = len;
	h->ip_is_v6 = is_ipv6;
	h->n_ip++;
}

static void h_echo_answered(void *user_data, uint16_t size)
{
	struct harness *h = user_data;

	h->echo_answered = size;
	h->n_echo_answered++;
}

static const struct ppp_ops h_ops = {
	.tx = h_tx,
	.event = h_on_event,
	.ip_rx = h_ip_rx,
	.echo_answered = h_echo_answered,
};

struct ppp_config h_default_config(void)
{
	return (struct ppp_config){
		.user = "alice",
		.auth_allowed = PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5,
		.want_dns = true,
	};
}

struct harness *h_new(const struct ppp_config *cfg)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct ppp_config c = cfg ? *cfg : h_default_config();

	assert_non_null(h);
	h->password = rv_secret_new_str("alice-secret");
	c.password = h->password;
	h->now = 1000 * USEC_PER_SEC;
	h->ppp = ppp_new(&c, &h_ops, h);
	assert_non_null(h->ppp);
	return h;
}

void h_free(struct harness *h)
{
	ppp_free(h->ppp);
	rv_secret_free(h->password);
	free(h);
}

int h_rx_raw(struct harness *h, const void *frame, size_t len)
{
	return ppp_rx(h->ppp, frame, len, h->now);
}

int h_rx_ctl(struct harness *h, uint16_t proto, uint8_t code, uint8_t id, const void *data,
	     size_t len)
{
	uint8_t f[PKT_MAX_DATA];

	assert_true(len + 8 <= sizeof(f));
	f[0] = 0xff;
	f[1] = 0x03;
	f[2] = (uint8_t)(proto >> 8);
	f[3] = (uint8_t)proto;
	f[4] = code;
	f[5] = id;
	f[6] = (uint8_t)((len + 4) >> 8);
	f[7] = (uint8_t)(len + 4);
	if (len)
		memcpy(f + 8, data, len);
	return h_rx_raw(h, f, len + 8);
}

const struct h_frame *h_next_frame(struct harness *h)
{
	if (h->next_tx >= h->n_tx)
		return NULL;
	return &h->tx[h->next_tx++];
}

bool h_no_more_tx(struct harness *h)
{
	return h->next_tx >= h->n_tx;
}

struct h_ctl h_expect_ctl(struct harness *h, uint16_t proto, uint8_t code)
{
	const struct h_frame *f = h_next_frame(h);
	struct h_ctl c;
	size_t plen;

	assert_non_null(f);
	assert_true(f->len >= 8);
	/* we always send FF 03 and a two-octet protocol */
	assert_int_equal(f->data[0], 0xff);
	assert_int_equal(f->data[1], 0x03);
	c.proto = (uint16_t)(f->data[2] << 8 | f->data[3]);
	c.code = f->data[4];
	c.id = f->data[5];
	plen = (size_t)(f->data[6] << 8 | f->data[7]);
	assert_int_equal(c.proto, proto);
	assert_int_equal(c.code, code);
	assert_int_equal(plen + 4, f->len);
	c.data = f->data + 8;
	c.len = plen - 4;
	return c;
}

const struct ppp_event_info *h_event(struct harness *h, enum ppp_event ev)
{
	for (size_t i = h->n_events; i > 0; i--) {
		if (h->events[i - 1].ev == ev)
			return &h->events[i - 1].info;
	}
	return NULL;
}

void h_tick(struct harness *h, usec_t advance)
{
	h->now += advance;
	ppp_tick(h->ppp, h->now);
}

const uint8_t *h_opt(const struct h_ctl *c, uint8_t type, size_t *ret_len)
{
	size_t i = 0;

	while (i + 2 <= c->len) {
		uint8_t t = c->data[i], l = c->data[i + 1];

		assert_true(l >= 2 && i + l <= c->len);
		if (t == type) {
			*ret_len = l - 2u;
			return c->data + i + 2;
		}
		i += l;
	}
	return NULL;
}

void h_lcp_up(struct harness *h, const uint8_t *peer_opts, size_t len)
{
	struct h_ctl req, ack;

	assert_int_equal(ppp_start(h->ppp, h->now), 0);
	req = h_expect_ctl(h, 0xc021, 1);
	assert_int_equal(h_rx_ctl(h, 0xc021, 1, 0x41, peer_opts, len), 0);
	ack = h_expect_ctl(h, 0xc021, 2);
	assert_int_equal(ack.id, 0x41);
	assert_memory_equal(ack.data, peer_opts, len);
	assert_int_equal(h_rx_ctl(h, 0xc021, 2, req.id, req.data, req.len), 0);
	assert_non_null(h_event(h, PPP_EVENT_LCP_UP));
}

void h_to_network(struct harness *h)
{
	static const uint8_t opts[] = { 1, 4, 0x05, 0xb6, 3, 5, 0xc2, 0x23, 5, 5, 6, 1, 2, 3, 4 };
	uint8_t chal[1 + 16 + 6] = { 16 };

	memcpy(chal + 17, "ln-lns", 6);
	h_lcp_up(h, opts, sizeof(opts));
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 7, chal, sizeof(chal)), 0);
	h_expect_ctl(h, 0xc223, 2);
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, NULL, 0), 0);
	assert_non_null(h_event(h, PPP_EVENT_AUTH_OK));
}

void h_ipcp_up(struct harness *h)
{
	static const uint8_t nak[] = { 3, 6, 203, 0, 113, 1, 129, 6, 203, 0, 113, 253,
				       131, 6, 203, 0, 113, 252 };
	static const uint8_t peer[] = { 3, 6, 203, 0, 113, 254 };
	struct h_ctl req = h_expect_ctl(h, 0x8021, 1);

	assert_int_equal(h_rx_ctl(h, 0x8021, 3, req.id, nak, sizeof(nak)), 0);
	req = h_expect_ctl(h, 0x8021, 1);
	assert_int_equal(req.len, sizeof(nak));
	assert_memory_equal(req.data, nak, sizeof(nak));
	assert_int_equal(h_rx_ctl(h, 0x8021, 1, 9, peer, sizeof(peer)), 0);
	h_expect_ctl(h, 0x8021, 2);
	assert_int_equal(h_rx_ctl(h, 0x8021, 2, req.id, req.data, req.len), 0);
	assert_non_null(h_event(h, PPP_EVENT_IPCP_UP));
}
