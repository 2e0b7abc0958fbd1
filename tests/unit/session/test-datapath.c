/*
 * The session's one data path (session/datapath.c), without root:
 * socketpairs stand in for the TUN and for the ESP-in-UDP socket, real SAs
 * seal and open. The same datagrams go in while the main loop runs the
 * data path and while the data plane's thread does, and must come out the
 * same way: IP data of our L2TP session on the TUN, an IKE message (non-ESP
 * marker) and an L2TP control message as control for the main loop, a
 * NAT-T keepalive nowhere, ESP for an unknown SPI nowhere; an IP packet from
 * the TUN leaves as ESP on our outbound SA, framed for the gateway.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "esp/esp.h"
#include "ppp/ppp.h"
#include "session/core.h"
#include "session/datapath.h"
#include "session/sas.h"

#define SPI_IN 0x5100a001   /* the gateway sends on it */
#define SPI_OUT 0x5200b002  /* we send on it */

static const uint8_t enc_key[16] = "datapath-aes-key";
static const uint8_t integ_key[20] = "datapath-sha1-hmac-k";

/* Our ids and the gateway's: what our data messages carry, and what its carry. */
static const struct l2tp_data_framing ours = { .tunnel_id = 11, .session_id = 22,
					       .peer_tunnel_id = 33, .peer_session_id = 44 };
static const struct l2tp_data_framing gateways = { .tunnel_id = 33, .session_id = 44,
						   .peer_tunnel_id = 11, .peer_session_id = 22 };

static const uint8_t ip_packet[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
				       10, 0, 0, 2, 0x12, 0x34, 0x56, 0x78, 0, 8, 0, 0 };
static const uint8_t ike_message[28] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };

struct fixture {
	int tun_pair[2];   /* [0] is the data path's TUN */
	int net_pair[2];   /* [0] is its ESP-in-UDP socket */
	struct net_tun tun;
	struct session_core core;
	struct session_sas sas, gateway;
	struct session_datapath *d;
	unsigned n_ike, n_l2tp;
	size_t ike_len;
};

static struct esp_sa *sa(uint32_t spi, bool inbound)
{
	struct esp_sa_params p = { .spi = spi, .cipher = ESP_CIPHER_AES_CBC, .enc_key = enc_key,
				   .enc_key_len = 16, .integ = ESP_INTEG_HMAC_SHA1_96,
				   .integ_key = integ_key, .integ_key_len = 20, .lanes = 1 };
	struct esp_sa *r = inbound ? esp_sa_new_inbound(&p) : esp_sa_new_outbound(&p);

	assert_non_null(r);
	return r;
}

static void op_control(void *user_data, enum datapath_control kind, const uint8_t *data,
		       size_t len, usec_t now)
{
	struct fixture *f = user_data;

	switch (kind) {
	case DATAPATH_CONTROL_IKE:
		f->n_ike++;
		f->ike_len = len;
		assert_memory_equal(data, ike_message, sizeof(ike_message));
		return;
	case DATAPATH_CONTROL_L2TP:
		f->n_l2tp++;
		return;
	}
}

static int op_encap_slow(void *user_data, struct pkt *p)
{
	fail_msg("unsequenced data never takes the slow path");
	return -ENOTCONN;
}

static void op_ran(void *user_data)
{
}

static const struct datapath_ops ops = { .control = op_control, .encap_slow = op_encap_slow,
					 .ran = op_ran };

/* A non-blocking datagram socketpair: one end for the data path, one for the test. */
static void datagram_pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const struct datapath_link link = { .framing_ok = true, .framing = ours, .ipv4 = true };

	datagram_pair(f->tun_pair);
	datagram_pair(f->net_pair);
	f->tun.fd = f->tun_pair[0];
	session_sas_init(&f->sas);
	session_sas_init(&f->gateway);
	session_sas_add_inbound(&f->sas, sa(SPI_IN, true));
	session_sas_replace_outbound(&f->sas, sa(SPI_OUT, false));
	session_sas_add_inbound(&f->gateway, sa(SPI_OUT, true));
	session_sas_replace_outbound(&f->gateway, sa(SPI_IN, false));

	f->d = datapath_new(&f->core, &f->sas, &f->tun, &ops, f);
	assert_non_null(f->d);
	datapath_set_socket(f->d, f->net_pair[0], DATAPATH_SOCKET_ESP_UDP);
	datapath_tun_opened(f->d);
	datapath_set_link(f->d, &link);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	datapath_free(f->d);
	session_sas_destroy(&f->sas);
	session_sas_destroy(&f->gateway);
	for (int i = 0; i < 2; i++) {
		close(f->tun_pair[i]);
		close(f->net_pair[i]);
	}
	free(f);
	return 0;
}

/* The gateway: an L2TP datagram (already in p) sealed on the SA we open with, then sent. */
static void gateway_send_esp(struct fixture *f, struct pkt *p)
{
	assert_int_equal(session_sas_seal_prepare(&f->gateway, p), 0);
	assert_int_equal(session_sas_seal_crypt(&f->gateway, 0, p), 0);
	assert_int_equal(send(f->net_pair[1], p->data, p->len, 0), (ssize_t)p->len);
}

static void gateway_send_ip(struct fixture *f)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	memcpy(pkt_put(p, sizeof(ip_packet)), ip_packet, sizeof(ip_packet));
	assert_int_equal(ppp_ip_push(p, false), 0);
	assert_int_equal(l2tp_data_push(&gateways, p), 0);
	gateway_send_esp(f, p);
}

/* An L2TP control message (T and L bits): never the data path's to frame. */
static void gateway_send_l2tp_control(struct fixture *f)
{
	static const uint8_t zlb[12] = { 0xc8, 0x02, 0, 12, 0, 11, 0, 0, 0, 1, 0, 1 };
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	memcpy(pkt_put(p, sizeof(zlb)), zlb, sizeof(zlb));
	gateway_send_esp(f, p);
}

static void gateway_send_raw(struct fixture *f, const uint8_t *data, size_t len)
{
	assert_int_equal(send(f->net_pair[1], data, len, 0), (ssize_t)len);
}

static void gateway_send_ike_keepalive_stranger(struct fixture *f)
{
	uint8_t ike[4 + sizeof(ike_message)] = { 0 };
	struct session_sas stranger;
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	static const uint8_t keepalive = 0xff;

	memcpy(ike + 4, ike_message, sizeof(ike_message));
	gateway_send_raw(f, ike, sizeof(ike));
	gateway_send_raw(f, &keepalive, 1);

	session_sas_init(&stranger);
	session_sas_replace_outbound(&stranger, sa(0x7777, false));
	memcpy(pkt_put(p, 4), "lost", 4);
	assert_int_equal(session_sas_seal_prepare(&stranger, p), 0);
	assert_int_equal(session_sas_seal_crypt(&stranger, 0, p), 0);
	gateway_send_raw(f, p->data, p->len);
	session_sas_destroy(&stranger);
}

/* Run the main loop until `done` or a second has passed. */
static void iterate_until(bool (*done)(struct fixture *), struct fixture *f)
{
	gint64 end = g_get_monotonic_time() + G_USEC_PER_SEC;

	while (!done(f) && g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, FALSE);
}

static bool tun_readable(struct fixture *f)
{
	uint8_t b;

	return recv(f->tun_pair[1], &b, 1, MSG_PEEK) == 1;
}

static bool controls_arrived(struct fixture *f)
{
	return f->n_ike == 1 && f->n_l2tp == 1;
}

static void expect_inbound(struct fixture *f)
{
	uint8_t buf[256];
	struct session_stats st;

	f->n_ike = f->n_l2tp = 0;
	gateway_send_ike_keepalive_stranger(f);
	gateway_send_l2tp_control(f);
	gateway_send_ip(f);

	iterate_until(tun_readable, f);
	assert_int_equal(recv(f->tun_pair[1], buf, sizeof(buf), 0), sizeof(ip_packet));
	assert_memory_equal(buf, ip_packet, sizeof(ip_packet));
	iterate_until(controls_arrived, f);
	assert_int_equal(f->n_ike, 1);
	assert_int_equal(f->ike_len, sizeof(ike_message));
	assert_int_equal(f->n_l2tp, 1);
	/* Nothing else reached the TUN: not the keepalive, not the stranger's ESP. */
	assert_int_equal(recv(f->tun_pair[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_true(atomic_load(&f->sas.last_rx) > 0);
	datapath_get_stats(f->d, &st);
	assert_true(st.packets_in >= 1);
}

static bool net_readable(struct fixture *f)
{
	uint8_t b;

	return recv(f->net_pair[1], &b, 1, MSG_PEEK) == 1;
}

static void expect_outbound(struct fixture *f)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	ssize_t n;
	int opened;

	assert_int_equal(send(f->tun_pair[1], ip_packet, sizeof(ip_packet), 0), sizeof(ip_packet));
	iterate_until(net_readable, f);
	n = recv(f->net_pair[1], p->data, pkt_tailroom(p), 0);
	assert_true(n > 0);
	p->len = (size_t)n;
	assert_int_equal(esp_packet_spi(p->data, p->len), SPI_OUT);
	opened = session_sas_open_crypt(&f->gateway, 0, p);
	assert_int_equal(session_sas_open_finish(&f->gateway, p, opened, 1), 0);
	assert_int_equal(l2tp_data_pull(&gateways, p), 0);
	assert_int_equal(ppp_ip_pull(p), 4);
	assert_int_equal(p->len, sizeof(ip_packet));
	assert_memory_equal(p->data, ip_packet, sizeof(ip_packet));
}

static void test_main_loop(void **state)
{
	struct fixture *f = *state;

	expect_inbound(f);
	expect_outbound(f);
}

static void test_thread(void **state)
{
	struct fixture *f = *state;

	unsetenv("ROADVPN_DATAPLANE_THREAD");
	datapath_start(f->d);
	expect_inbound(f);
	expect_outbound(f);
	datapath_stop(f->d);
	/* And back on the main loop after the stop. */
	expect_inbound(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_main_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
