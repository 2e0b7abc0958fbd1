/*
 * The data plane's crypto stage (ops.seal/open over a batch, on a worker
 * pool's lanes), without root: socketpairs stand in for the TUN (one
 * packet per read, like a TUN without vnet header) and for the network
 * socket. Real ESP SAs with lanes do the crypto, so the checks are the
 * ones that matter: every packet sealed exactly once and sent in order
 * with consecutive sequence numbers; received packets opened in parallel
 * but delivered to decap in order, with their own results; a duplicate in
 * one batch accepted once; a packet whose seal fails dropped alone.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "dataplane/dataplane.h"

#define N_PKTS 24
#define LANES 2

static const uint8_t enc_key[24] = "dataplane-crypto-3des-k";
static const uint8_t integ_key[20] = "dataplane-crypto-sha";

struct fixture {
	int tun_pair[2];  /* [0] is the data plane's "TUN" */
	int net_pair[2];  /* [0] is the data plane's socket */
	struct net_tun tun;
	struct dataplane *dp;
	struct esp_sa *out, *in;           /* the data plane's SAs */
	struct esp_sa *peer_in, *peer_out; /* the other end's */
	uint64_t seal_lanes;               /* bit per lane that sealed */
	uint8_t refuse_seal_of;            /* packets starting with this byte fail to seal */
	int opened[N_PKTS + 4];
	size_t decap_len[N_PKTS + 4];
	uint8_t decap_first[N_PKTS + 4];
	size_t n_decap;
};

static struct esp_sa_params params(uint32_t spi)
{
	return (struct esp_sa_params){ .spi = spi, .cipher = ESP_CIPHER_3DES_CBC,
				       .enc_key = enc_key, .enc_key_len = 24,
				       .integ = ESP_INTEG_HMAC_SHA1_96, .integ_key = integ_key,
				       .integ_key_len = 20, .lanes = LANES };
}

static int op_encap(void *user_data, struct pkt *p)
{
	struct fixture *f = user_data;
	int r = esp_seal_prepare(f->out, p, ESP_NEXT_HEADER_UDP);

	return r < 0 ? r : dataplane_send_unsealed(f->dp, f->net_pair[0], p);
}

static int op_seal(void *user_data, unsigned lane, struct pkt *p)
{
	struct fixture *f = user_data;

	/* The first payload byte sits after SPI, sequence and the 8-byte 3DES IV. */
	if (p->len > 16 && p->data[16] == f->refuse_seal_of)
		return -EIO;
	__atomic_fetch_or(&f->seal_lanes, 1ull << lane, __ATOMIC_RELAXED);
	return esp_seal_crypt(f->out, lane, p);
}

static int op_open(void *user_data, unsigned lane, struct pkt *p)
{
	struct fixture *f = user_data;

	return esp_open_crypt(f->in, lane, p);
}

static void op_decap(void *user_data, struct pkt *p, int opened, usec_t now)
{
	struct fixture *f = user_data;
	uint8_t nh;
	size_t i = f->n_decap++;

	assert_true(i < N_PKTS + 4);
	f->opened[i] = opened ? opened : esp_open_finish(f->in, p, &nh);
	f->decap_len[i] = p->len;
	f->decap_first[i] = p->len ? p->data[0] : 0;
}

static unsigned op_lanes(void *user_data, bool seal)
{
	struct fixture *f = user_data;

	return esp_sa_lanes(seal ? f->out : f->in);
}

static const struct dataplane_ops ops = { .encap = op_encap, .decap = op_decap,
					  .seal = op_seal, .open = op_open, .lanes = op_lanes };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct esp_sa_params ab = params(0xab000001), ba = params(0xba000001);

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, f->tun_pair), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, f->net_pair), 0);
	for (int i = 0; i < 2; i++) {
		fcntl(f->tun_pair[i], F_SETFL, O_NONBLOCK);
		fcntl(f->net_pair[i], F_SETFL, O_NONBLOCK);
	}
	f->tun.fd = f->tun_pair[0];
	f->out = esp_sa_new_outbound(&ab);
	f->peer_in = esp_sa_new_inbound(&ab);
	f->in = esp_sa_new_inbound(&ba);
	f->peer_out = esp_sa_new_outbound(&ba);
	f->refuse_seal_of = 0xff;
	f->dp = dataplane_new(&(struct dataplane_config){ .tun = &f->tun,
							  .net_fd = f->net_pair[0],
							  .crypto_workers = LANES - 1 },
			      &ops, f);
	assert_non_null(f->dp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dataplane_free(f->dp);
	esp_sa_free(f->out);
	esp_sa_free(f->in);
	esp_sa_free(f->peer_in);
	esp_sa_free(f->peer_out);
	for (int i = 0; i < 2; i++) {
		close(f->tun_pair[i]);
		close(f->net_pair[i]);
	}
	free(f);
	return 0;
}

static void write_ip(int fd, uint8_t first, size_t len)
{
	uint8_t buf[1500];

	memset(buf, (int)first, len);
	buf[0] = first;
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

/* One TUN batch through the seal stage; everything but packet 7 arrives, in order. */
static void seal_round(struct fixture *f, int round)
{
	uint8_t buf[2048];

	for (int i = 0; i < N_PKTS; i++)
		write_ip(f->tun_pair[1], (uint8_t)i, 200 + (size_t)i * 40);
	assert_int_equal(dataplane_tun_input(f->dp), N_PKTS);

	for (int i = 0; i < N_PKTS; i++) {
		struct pkt_buf b;
		struct pkt *p = pkt_buf_reset(&b);
		uint8_t nh;
		ssize_t n;

		if (i == 7) /* refused: its sequence number was used and is skipped */
			continue;
		n = read(f->net_pair[1], buf, sizeof(buf));
		assert_true(n > 0);
		memcpy(pkt_put(p, (size_t)n), buf, (size_t)n);
		assert_int_equal(esp_open(f->peer_in, p, &nh), 0);
		assert_int_equal(p->len, 200 + (size_t)i * 40);
		assert_int_equal(p->data[0], i);
		/* low byte of the sequence number */
		assert_int_equal(buf[7], (uint8_t)(round * N_PKTS + i + 1));
	}
	assert_int_equal(read(f->net_pair[1], buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
}

static void test_seal_stage_in_order(void **state)
{
	struct fixture *f = *state;
	struct dataplane_stats st;

	f->refuse_seal_of = 7;
	/* The first batch measures the crypto's cost; from then on 3DES goes parallel. */
	seal_round(f, 0);
	seal_round(f, 1);
	dataplane_get_stats(f->dp, &st);
	assert_int_equal(st.crypto_drops, 2);
	assert_true(st.parallel_batches >= 1);
	assert_int_equal(f->seal_lanes & ~((1ull << LANES) - 1), 0);
}

/* Seal n packets as the gateway would, into bufs; returns their lengths. */
static size_t peer_seal(struct fixture *f, uint8_t first, size_t len, uint8_t *out)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	memset(pkt_put(p, len), (int)first, len);
	assert_int_equal(esp_seal(f->peer_out, p, ESP_NEXT_HEADER_UDP), 0);
	memcpy(out, p->data, p->len);
	return p->len;
}

/* One received batch: a copy of packet 3 after packet 4, packet 5 tampered. */
static void open_round(struct fixture *f)
{
	uint8_t pkt[2048], dup[2048];
	size_t dup_len = 0;

	f->n_decap = 0;
	for (int i = 0; i < N_PKTS; i++) {
		size_t len = peer_seal(f, (uint8_t)i, 100 + (size_t)i * 50, pkt);

		if (i == 3) {
			memcpy(dup, pkt, len);
			dup_len = len;
		}
		if (i == 5)
			pkt[len - 1] ^= 1; /* tampered ICV */
		assert_int_equal(send(f->net_pair[1], pkt, len, 0), (ssize_t)len);
		if (i == 4)
			assert_int_equal(send(f->net_pair[1], dup, dup_len, 0), (ssize_t)dup_len);
	}

	assert_int_equal(dataplane_net_input(f->dp, 1), N_PKTS + 1);
	assert_int_equal(f->n_decap, N_PKTS + 1);
	for (size_t i = 0, want = 0; i < f->n_decap; i++) {
		if (i == 5) { /* the duplicate: authentic, caught by the replay window */
			assert_int_equal(f->opened[i], -EALREADY);
			continue;
		}
		if (want == 5) {
			assert_int_equal(f->opened[i], -EBADMSG);
			want++;
			continue;
		}
		assert_int_equal(f->opened[i], 0);
		assert_int_equal(f->decap_len[i], 100 + want * 50);
		assert_int_equal(f->decap_first[i], want);
		want++;
	}
}

static void test_open_stage_delivers_in_order(void **state)
{
	struct fixture *f = *state;
	struct dataplane_stats st;

	open_round(f);
	open_round(f);
	dataplane_get_stats(f->dp, &st);
	assert_true(st.parallel_batches >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seal_stage_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_stage_delivers_in_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
