/* The initiator wired to the scripted gateway for the unit tests; see harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "crypto/x509.h"
#include "harness.h"

#define HARNESS_PSK "l2tp-test-psk-0123456789"

static int harness_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct harness *h = user_data;
	struct harness_sent *s;

	assert_true(h->n_sent < HARNESS_MAX_SENT);
	if (len > sizeof(s->data))
		fail_msg("a %zu-byte datagram", len);
	s = &h->sent[h->n_sent++];
	memcpy(s->data, data, len);
	s->len = len;
	s->natt = natt;
	s->at = h->now;
	if (len > h->longest_sent)
		h->longest_sent = len;
	return 0;
}

static void harness_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct harness *h = user_data;

	assert_true(h->n_ev < HARNESS_MAX_EVENTS);
	assert_true(strnlen(info->message, sizeof(info->message)) < sizeof(info->message));
	h->ev[h->n_ev] = ev;
	h->info[h->n_ev++] = *info;
}

const struct ike_ops harness_ike_ops = { .tx = harness_tx, .event = harness_event };

struct harness *harness_new(void)
{
	struct harness *h = test_calloc(1, sizeof(*h));

	h->psk = rv_secret_new_str(HARNESS_PSK);
	assert_non_null(h->psk);
	return h;
}

void harness_free(struct harness *h)
{
	ike_free(h->ike);
	fake_gw_free(&h->gw);
	rv_secret_free(h->psk);
	rv_x509_cred_free(h->gw_cred);
	test_free(h);
}

struct ike_config harness_client_config(const struct harness *h)
{
	return (struct ike_config){
		.local_addr = inet_addr(HARNESS_CLIENT_ADDR),
		.remote_addr = inet_addr(HARNESS_GW_ADDR),
		.psk = h->psk,
	};
}

struct fake_gw_config harness_gw_config(void)
{
	return (struct fake_gw_config){
		.psk = HARNESS_PSK,
		.addr = inet_addr(HARNESS_GW_ADDR),
		.client_seen_addr = inet_addr(HARNESS_CLIENT_ADDR),
	};
}

struct ike_config harness_cert_client_config(const char *cert_file, const char *key_file,
					     const char *ca_file)
{
	return (struct ike_config){
		.local_addr = inet_addr(HARNESS_CLIENT_ADDR),
		.remote_addr = inet_addr(HARNESS_GW_ADDR),
		.auth_cert = true,
		.cert_file = cert_file,
		.key_file = key_file,
		.ca_file = ca_file,
		.remote_name = HARNESS_GW_ADDR,
	};
}

struct fake_gw_config harness_cert_gw_config(struct harness *h, const char *cert_file,
					     const char *key_file)
{
	char err[200];

	h->gw_cred = rv_x509_cred_load(cert_file, key_file, NULL, err, sizeof(err));
	if (!h->gw_cred)
		fail_msg("the gateway's certificate: %s", err);
	return (struct fake_gw_config){
		.addr = inet_addr(HARNESS_GW_ADDR),
		.client_seen_addr = inet_addr(HARNESS_CLIENT_ADDR),
		.natt_rfc = true,
		.cred = h->gw_cred,
	};
}

void harness_start(struct harness *h, const struct ike_config *cfg,
		   const struct fake_gw_config *g)
{
	fake_gw_init(&h->gw, g);
	h->now = h->t0 = 1000 * USEC_PER_SEC;
	h->ike = ike_new(cfg, &harness_ike_ops, h);
	assert_non_null(h->ike);
	assert_int_equal(ike_start(h->ike, h->now), 0);
}

void harness_up(struct harness *h, const struct ike_config *cfg, const struct fake_gw_config *g)
{
	harness_start(h, cfg, g);
	harness_pump(h);
	assert_true(harness_find_event(h, IKE_EVENT_CHILD_UP, 0) >= 0);
}

/* The gateway answers on the port the client last sent to: 4500 once it floated. */
static bool client_on_natt(const struct harness *h)
{
	return h->n_sent > 0 && h->sent[h->n_sent - 1].natt;
}

/* The client's new messages to the gateway, then its answers back; false when none moved. */
static bool harness_round(struct harness *h)
{
	bool moved = false;

	while (h->delivered < h->n_sent) {
		const struct harness_sent *s = &h->sent[h->delivered++];

		if (!h->gw_off)
			fake_gw_rx(&h->gw, s->data, s->len);
		moved = true;
	}
	for (size_t k = 0; k < h->gw.n_out; k++) {
		size_t i = h->reverse ? h->gw.n_out - 1 - k : k;

		h->last_rx = ike_rx(h->ike, h->gw.out[i].data, h->gw.out[i].len, client_on_natt(h),
				    h->now);
		moved = true;
	}
	h->gw.n_out = 0;
	return moved;
}

void harness_pump(struct harness *h)
{
	while (harness_round(h))
		;
}

void harness_rounds(struct harness *h, int rounds)
{
	for (int round = 0; round < rounds; round++)
		harness_round(h);
}

void harness_run_until(struct harness *h, usec_t until)
{
	for (;;) {
		usec_t d = ike_next_deadline(h->ike);

		if (d > until)
			break;
		h->now = d > h->now ? d : h->now;
		if (h->traffic)
			ike_note_inbound_activity(h->ike, h->now);
		ike_tick(h->ike, h->now);
		harness_pump(h);
	}
	h->now = until;
}

int harness_find_event(const struct harness *h, enum ike_event ev, size_t nth)
{
	for (size_t i = 0; i < h->n_ev; i++)
		if (h->ev[i] == ev && nth-- == 0)
			return (int)i;
	return -1;
}

size_t harness_count_events(const struct harness *h, enum ike_event ev)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_ev; i++)
		n += h->ev[i] == ev;
	return n;
}
