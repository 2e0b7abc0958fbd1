/*
 * ESP with its crypto spread over lanes (esp_seal_prepare/crypt,
 * esp_open_crypt/finish) on real threads of a util/workpool: every suite
 * round-trips with packets sealed and opened on different lanes at once,
 * a lane's contexts are keyed like lane 0's (byte-identical GCM output),
 * the replay window moves only in finish and in order, and bad lanes or
 * packets are refused without touching the SA.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esp/esp-internal.h"
#include "util/workpool.h"

static const uint8_t enc_key[36] = {
	0x41, 0x52, 0x63, 0x74, 0x85, 0x96, 0xa7, 0xb8, 0xc9, 0xda, 0xeb, 0xfc,
	0x0d, 0x1e, 0x2f, 0x30, 0x41, 0x52, 0x63, 0x74, 0x85, 0x96, 0xa7, 0xb8,
	0xc9, 0xda, 0xeb, 0xfc, 0x0d, 0x1e, 0x2f, 0x30, 0x41, 0x52, 0x63, 0x74,
};
static const uint8_t integ_key[32] = {
	0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa,
	0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21,
};

#define SPI 0x5a5a0001u
#define LANES 3
#define BATCH 64

static const struct esp_sa_params suites[] = {
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 16, ESP_INTEG_HMAC_SHA1_96, integ_key, 20, LANES },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA256_128, integ_key, 32, LANES },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 24, ESP_INTEG_HMAC_MD5_96, integ_key, 16, LANES },
	{ SPI, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96, integ_key, 20, LANES },
	{ SPI, ESP_CIPHER_AES_GCM16, enc_key, 20, ESP_INTEG_NONE, NULL, 0, LANES },
	{ SPI, ESP_CIPHER_AES_GCM16, enc_key, 36, ESP_INTEG_NONE, NULL, 0, LANES },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

struct batch {
	struct esp_sa *sa;
	struct pkt_buf bufs[BATCH];
	struct pkt *pkts[BATCH];
	int results[BATCH];
	unsigned lane_of[BATCH];
};

static void fill(struct batch *b, size_t i, size_t len)
{
	struct pkt *p = pkt_buf_reset(&b->bufs[i]);
	uint8_t *d = pkt_put(p, len);

	for (size_t k = 0; k < len; k++)
		d[k] = (uint8_t)(i * 31 + k);
	b->pkts[i] = p;
}

static void seal_item(void *ctx, unsigned lane, size_t i)
{
	struct batch *b = ctx;

	b->lane_of[i] = lane;
	b->results[i] = esp_seal_crypt(b->sa, lane, b->pkts[i]);
}

static void open_item(void *ctx, unsigned lane, size_t i)
{
	struct batch *b = ctx;

	b->lane_of[i] = lane;
	b->results[i] = esp_open_crypt(b->sa, lane, b->pkts[i]);
}

/* Seal a batch: prepare in order, crypto on the pool's lanes. */
static void seal_batch(struct workpool *pool, struct esp_sa *out, struct batch *b)
{
	for (size_t i = 0; i < BATCH; i++) {
		fill(b, i, 1 + (i * 97) % 1400);
		assert_int_equal(esp_seal_prepare(out, b->pkts[i], ESP_NEXT_HEADER_UDP), 0);
	}
	b->sa = out;
	workpool_run(pool, LANES, seal_item, b, BATCH);
	for (size_t i = 0; i < BATCH; i++)
		assert_int_equal(b->results[i], 0);
}

static void test_round_trip_on_all_lanes(void **state)
{
	struct workpool *pool = workpool_new(LANES - 1, "rv-test");
	struct batch *b = calloc(1, sizeof(*b));

	assert_non_null(pool);
	for (size_t s = 0; s < N_SUITES; s++) {
		struct esp_sa *out = esp_sa_new_outbound(&suites[s]);
		struct esp_sa *in = esp_sa_new_inbound(&suites[s]);

		assert_non_null(out);
		assert_non_null(in);
		assert_int_equal(esp_sa_lanes(in), LANES);

		for (int round = 0; round < 4; round++) {
			seal_batch(pool, out, b);
			for (size_t i = 0; i < BATCH; i++)
				assert_int_equal(esp_packet_spi(b->pkts[i]->data, b->pkts[i]->len), SPI);

			b->sa = in;
			workpool_run(pool, LANES, open_item, b, BATCH);
			for (size_t i = 0; i < BATCH; i++) {
				uint8_t nh = 0;
				size_t len = 1 + (i * 97) % 1400;

				assert_int_equal(b->results[i], 0);
				assert_int_equal(esp_open_finish(in, b->pkts[i], &nh), 0);
				assert_int_equal(nh, ESP_NEXT_HEADER_UDP);
				assert_int_equal(b->pkts[i]->len, len);
				for (size_t k = 0; k < len; k++)
					assert_int_equal(b->pkts[i]->data[k], (uint8_t)(i * 31 + k));
			}
			/* Sequence numbers were given in order, whatever lane sealed them. */
			assert_int_equal(in->replay.top, (uint32_t)(round + 1) * BATCH);
		}

		esp_sa_free(out);
		esp_sa_free(in);
	}

	workpool_free(pool);
	free(b);
}

/* A lane other than 0 makes exactly lane 0's bytes (GCM is deterministic). */
static void test_lanes_keyed_alike(void **state)
{
	struct esp_sa_params one = suites[4];
	struct esp_sa *laned = esp_sa_new_outbound(&suites[4]);
	struct esp_sa *single;
	struct pkt_buf a, c;
	struct pkt *pa, *pc;

	one.lanes = 0;
	single = esp_sa_new_outbound(&one);
	assert_non_null(laned);
	assert_non_null(single);
	assert_int_equal(esp_sa_lanes(single), 1);

	for (unsigned lane = 0; lane < LANES; lane++) {
		pa = pkt_buf_reset(&a);
		pc = pkt_buf_reset(&c);
		memset(pkt_put(pa, 300), 0x3c, 300);
		memset(pkt_put(pc, 300), 0x3c, 300);
		assert_int_equal(esp_seal_prepare(laned, pa, ESP_NEXT_HEADER_UDP), 0);
		assert_int_equal(esp_seal_crypt(laned, lane, pa), 0);
		assert_int_equal(esp_seal(single, pc, ESP_NEXT_HEADER_UDP), 0);
		assert_int_equal(pa->len, pc->len);
		assert_memory_equal(pa->data, pc->data, pa->len);
	}

	esp_sa_free(laned);
	esp_sa_free(single);
}

static void test_replay_moves_only_in_finish(void **state)
{
	struct esp_sa *out = esp_sa_new_outbound(&suites[0]);
	struct esp_sa *in = esp_sa_new_inbound(&suites[0]);
	struct pkt_buf a, copy, later;
	struct pkt *pa, *pcopy, *plater;
	uint8_t nh;

	assert_non_null(out);
	assert_non_null(in);
	pa = pkt_buf_reset(&a);
	memset(pkt_put(pa, 100), 0x11, 100);
	assert_int_equal(esp_seal(out, pa, ESP_NEXT_HEADER_UDP), 0);
	pcopy = pkt_buf_reset(&copy);
	memcpy(pkt_put(pcopy, pa->len), pa->data, pa->len);
	plater = pkt_buf_reset(&later);
	memset(pkt_put(plater, 100), 0x22, 100);
	assert_int_equal(esp_seal(out, plater, ESP_NEXT_HEADER_UDP), 0);

	/* A copy in the same batch passes the pre-check on another lane... */
	assert_int_equal(esp_open_crypt(in, 1, pa), 0);
	assert_int_equal(esp_open_crypt(in, 2, pcopy), 0);
	assert_int_equal(in->replay.top, 0);
	/* ...and is caught when the window moves, in order. */
	assert_int_equal(esp_open_finish(in, pa, &nh), 0);
	assert_int_equal(esp_open_finish(in, pcopy, &nh), -EALREADY);
	assert_int_equal(in->replay.top, 1);

	/* Tampered: refused in crypt, window untouched, the genuine packet still opens. */
	plater->data[plater->len - 1] ^= 0x80;
	assert_int_equal(esp_open_crypt(in, 1, plater), -EBADMSG);
	assert_int_equal(in->replay.top, 1);
	plater->data[plater->len - 1] ^= 0x80;
	assert_int_equal(esp_open_crypt(in, 1, plater), 0);
	assert_int_equal(esp_open_finish(in, plater, &nh), 0);
	assert_int_equal(in->replay.top, 2);

	esp_sa_free(out);
	esp_sa_free(in);
}

static void test_bad_lanes(void **state)
{
	struct esp_sa_params too_many = suites[0];
	struct esp_sa *out = esp_sa_new_outbound(&suites[0]);
	struct esp_sa *in = esp_sa_new_inbound(&suites[0]);
	struct pkt_buf a;
	struct pkt *p = pkt_buf_reset(&a);
	size_t len;

	too_many.lanes = ESP_MAX_LANES + 1;
	assert_null(esp_sa_new_outbound(&too_many));
	too_many.lanes = ESP_MAX_LANES;
	esp_sa_free(esp_sa_new_inbound(&too_many));

	memset(pkt_put(p, 64), 0x5a, 64);
	assert_int_equal(esp_seal_prepare(out, p, ESP_NEXT_HEADER_UDP), 0);
	len = p->len;
	assert_int_equal(esp_seal_crypt(out, LANES, p), -EINVAL);
	assert_int_equal(p->len, len);
	assert_int_equal(esp_seal_crypt(in, 0, p), -EINVAL);
	assert_int_equal(esp_seal_crypt(out, 0, p), 0);
	assert_int_equal(esp_open_crypt(in, LANES, p), -EINVAL);
	assert_int_equal(esp_open_crypt(out, 0, p), -EINVAL);
	assert_int_equal(esp_open_crypt(in, LANES - 1, p), 0);

	esp_sa_free(out);
	esp_sa_free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_on_all_lanes),
		cmocka_unit_test(test_lanes_keyed_alike),
		cmocka_unit_test(test_replay_moves_only_in_finish),
		cmocka_unit_test(test_bad_lanes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
