/*
 * bench-esp: per-packet cost of esp_seal()/esp_open() on 1400-byte payloads
 * next to the crypto alone (the same keyed contexts from crypto/keyed.h,
 * same lengths), so the ratio shows what the ESP framing adds. Not a test.
 *
 * Packets are processed in batches of BATCH; refilling the buffers between
 * batches is not timed. Each figure is the median of RUNS runs of about
 * RUN_NS of timed work. Usage: bench-esp [seconds-per-run, default 0.3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/keyed.h"
#include "esp/esp.h"

#define PAYLOAD 1400
#define BATCH 64
#define RUNS 5

struct suite {
	const char *name;
	struct esp_sa_params prm;
};

static const uint8_t enc_key[36] = "bench-esp-encryption-key-0123456789";
static const uint8_t integ_key[32] = "bench-esp-integrity-key-0123456";

static const struct suite suites[] = {
	{ "aes128-gcm16", { 0x1001, ESP_CIPHER_AES_GCM16, enc_key, 20, ESP_INTEG_NONE, NULL, 0 } },
	{ "aes256-cbc-sha1", { 0x1002, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA1_96,
			       integ_key, 20 } },
	{ "3des-cbc-sha1", { 0x1003, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96,
			     integ_key, 20 } },
};

/* Keyed contexts for the crypto-only path, mirroring what the SA holds. */
struct raw {
	struct rv_cipher *enc, *dec;
	struct rv_mac *mac;
	bool is_gcm;
	size_t iv_len, body_len, icv_len;
};

static struct pkt_buf bufs[BATCH];
static struct pkt_buf sealed[BATCH];
static double run_seconds = 0.3;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void fill(struct pkt_buf *b, size_t len)
{
	struct pkt *p = pkt_buf_reset(b);

	memset(pkt_put(p, len), 0x42, len);
}

typedef void (*prepare_fn)(void *ctx);
typedef void (*batch_fn)(void *ctx);

/* Median ns per packet of `work` over RUNS runs; `prepare` is not timed. */
static double measure(prepare_fn prepare, batch_fn work, void *ctx)
{
	double per_run[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t timed = 0, packets = 0;

		while (timed < (uint64_t)(run_seconds * 1e9)) {
			uint64_t t0;

			prepare(ctx);
			t0 = now_ns();
			work(ctx);
			timed += now_ns() - t0;
			packets += BATCH;
		}
		per_run[r] = (double)timed / (double)packets;
	}

	qsort(per_run, RUNS, sizeof(per_run[0]), cmp_double);
	return per_run[RUNS / 2];
}

struct esp_ctx {
	struct esp_sa *out, *in;
	struct raw raw;
};

static void esp_prepare_seal(void *c)
{
	for (int i = 0; i < BATCH; i++)
		fill(&bufs[i], PAYLOAD);
}

static void esp_seal_work(void *c)
{
	struct esp_ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		if (esp_seal(x->out, &bufs[i].pkt, ESP_NEXT_HEADER_UDP) < 0)
			abort();
}

/* Fresh sequence numbers for every batch: seal (untimed), then open (timed). */
static void esp_prepare_open(void *c)
{
	esp_prepare_seal(c);
	esp_seal_work(c);
}

static void esp_open_work(void *c)
{
	struct esp_ctx *x = c;
	uint8_t nh;

	for (int i = 0; i < BATCH; i++)
		if (esp_open(x->in, &bufs[i].pkt, &nh) < 0)
			abort();
}

static const uint8_t nonce[RV_GCM_NONCE_LEN] = "bench-nonce";
static const uint8_t iv[16] = "bench-iv-bench-";

static void raw_prepare_seal(void *c)
{
	struct esp_ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		fill(&bufs[i], 8 + x->raw.iv_len + x->raw.body_len + x->raw.icv_len);
}

static void raw_seal_one(struct raw *r, uint8_t *d)
{
	uint8_t *body = d + 8 + r->iv_len, *icv = body + r->body_len;
	struct rv_iov iov = { d, 8 + r->iv_len + r->body_len };
	int ret;

	if (r->is_gcm) {
		ret = rv_cipher_gcm_seal(r->enc, nonce, d, 8, body, r->body_len, icv, r->icv_len);
	} else {
		ret = rv_cipher_cbc(r->enc, iv, body, r->body_len);
		ret = ret ? ret : rv_mac_v(r->mac, &iov, 1, icv, r->icv_len);
	}
	if (ret < 0)
		abort();
}

static void raw_seal_work(void *c)
{
	struct esp_ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		raw_seal_one(&x->raw, bufs[i].pkt.data);
}

/* Authentic ciphertexts, made once; copied into the work buffers untimed. */
static void raw_make_sealed(struct esp_ctx *x)
{
	for (int i = 0; i < BATCH; i++) {
		fill(&sealed[i], 8 + x->raw.iv_len + x->raw.body_len + x->raw.icv_len);
		raw_seal_one(&x->raw, sealed[i].pkt.data);
	}
}

static void raw_prepare_open(void *c)
{
	for (int i = 0; i < BATCH; i++) {
		struct pkt *p = pkt_buf_reset(&bufs[i]);

		memcpy(pkt_put(p, sealed[i].pkt.len), sealed[i].pkt.data, sealed[i].pkt.len);
	}
}

static void raw_open_work(void *c)
{
	struct esp_ctx *x = c;
	struct raw *r = &x->raw;

	for (int i = 0; i < BATCH; i++) {
		uint8_t *d = bufs[i].pkt.data, *body = d + 8 + r->iv_len;
		struct rv_iov iov = { d, 8 + r->iv_len + r->body_len };
		int ret;

		if (r->is_gcm) {
			ret = rv_cipher_gcm_open(r->dec, nonce, d, 8, body, r->body_len,
						 body + r->body_len, r->icv_len);
		} else {
			ret = rv_mac_verify_v(r->mac, &iov, 1, body + r->body_len, r->icv_len);
			ret = ret ? ret : rv_cipher_cbc(r->dec, iv, body, r->body_len);
		}
		if (ret < 0)
			abort();
	}
}

static void raw_setup(struct raw *r, const struct esp_sa_params *prm, size_t overhead)
{
	enum rv_cipher_alg alg = prm->cipher == ESP_CIPHER_AES_GCM16 ? RV_CIPHER_AES_GCM :
				 prm->cipher == ESP_CIPHER_3DES_CBC ? RV_CIPHER_3DES_CBC :
								      RV_CIPHER_AES_CBC;
	size_t key_len = prm->enc_key_len - (alg == RV_CIPHER_AES_GCM ? 4 : 0);

	r->is_gcm = alg == RV_CIPHER_AES_GCM;
	r->iv_len = r->is_gcm ? 8 : rv_cipher_block_len(alg);
	r->icv_len = r->is_gcm ? 16 : 12;
	r->body_len = PAYLOAD + overhead - 8 - r->iv_len - r->icv_len;
	r->enc = rv_cipher_new(alg, prm->enc_key, key_len, true);
	r->dec = rv_cipher_new(alg, prm->enc_key, key_len, false);
	r->mac = r->is_gcm ? NULL : rv_mac_new(RV_HASH_SHA1, prm->integ_key, prm->integ_key_len);
	if (!r->enc || !r->dec || (!r->is_gcm && !r->mac))
		abort();
}

static void bench_suite(const struct suite *s)
{
	struct esp_ctx x = {
		.out = esp_sa_new_outbound(&s->prm),
		.in = esp_sa_new_inbound(&s->prm),
	};
	double esp_seal_ns, esp_open_ns, raw_seal_ns, raw_open_ns;

	if (!x.out || !x.in)
		abort();
	raw_setup(&x.raw, &s->prm, esp_sa_overhead(x.out, PAYLOAD));
	raw_make_sealed(&x);

	esp_seal_ns = measure(esp_prepare_seal, esp_seal_work, &x);
	raw_seal_ns = measure(raw_prepare_seal, raw_seal_work, &x);
	esp_open_ns = measure(esp_prepare_open, esp_open_work, &x);
	raw_open_ns = measure(raw_prepare_open, raw_open_work, &x);

	printf("%-16s seal %9.1f ns (crypto %9.1f, x%.2f, %6.2f Gbit/s)  "
	       "open %9.1f ns (crypto %9.1f, x%.2f, %6.2f Gbit/s)\n",
	       s->name, esp_seal_ns, raw_seal_ns, esp_seal_ns / raw_seal_ns,
	       PAYLOAD * 8 / esp_seal_ns, esp_open_ns, raw_open_ns, esp_open_ns / raw_open_ns,
	       PAYLOAD * 8 / esp_open_ns);

	rv_cipher_free(x.raw.enc);
	rv_cipher_free(x.raw.dec);
	rv_mac_free(x.raw.mac);
	esp_sa_free(x.out);
	esp_sa_free(x.in);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		run_seconds = atof(argv[1]);
	if (run_seconds <= 0)
		return 2;

	printf("bench-esp: %d-byte payload, batches of %d, median of %d runs of %.2f s, "
	       "ns per packet (ratio = ESP / crypto only)\n", PAYLOAD, BATCH, RUNS, run_seconds);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		bench_suite(&suites[i]);
	return 0;
}
