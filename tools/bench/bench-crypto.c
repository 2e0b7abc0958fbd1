/* The suites, crypto-only reference and timing loop shared by the benchmarks. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-crypto.h"

static const uint8_t enc_key[36] = "bench-crypto-encryption-key-0123456";
static const uint8_t integ_key[32] = "bench-crypto-integrity-key-0123";

const struct bench_suite bench_suites[] = {
	{ "aes128-gcm16", { 0x1001, ESP_CIPHER_AES_GCM16, enc_key, 20, ESP_INTEG_NONE, NULL, 0 } },
	{ "aes256-cbc-sha1", { 0x1002, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA1_96,
			       integ_key, 20 } },
	{ "3des-cbc-sha1", { 0x1003, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96,
			     integ_key, 20 } },
};

const size_t bench_n_suites = sizeof(bench_suites) / sizeof(bench_suites[0]);

static const uint8_t nonce[RV_GCM_NONCE_LEN] = "bench-nonce";
static const uint8_t iv[16] = "bench-iv-bench-";

void bench_raw_setup(struct bench_raw *r, const struct esp_sa_params *prm, size_t esp_len)
{
	enum rv_cipher_alg alg = prm->cipher == ESP_CIPHER_AES_GCM16 ? RV_CIPHER_AES_GCM :
				 prm->cipher == ESP_CIPHER_3DES_CBC ? RV_CIPHER_3DES_CBC :
								      RV_CIPHER_AES_CBC;
	size_t key_len = prm->enc_key_len - (alg == RV_CIPHER_AES_GCM ? 4 : 0);

	r->is_gcm = alg == RV_CIPHER_AES_GCM;
	r->iv_len = r->is_gcm ? 8 : rv_cipher_block_len(alg);
	r->icv_len = r->is_gcm ? 16 : 12;
	r->total_len = esp_len;
	r->body_len = esp_len - 8 - r->iv_len - r->icv_len;
	r->enc = rv_cipher_new(alg, prm->enc_key, key_len, true);
	r->dec = rv_cipher_new(alg, prm->enc_key, key_len, false);
	r->mac = r->is_gcm ? NULL : rv_mac_new(RV_HASH_SHA1, prm->integ_key, prm->integ_key_len);
	if (!r->enc || !r->dec || (!r->is_gcm && !r->mac))
		abort();
}

void bench_raw_free(struct bench_raw *r)
{
	rv_cipher_free(r->enc);
	rv_cipher_free(r->dec);
	rv_mac_free(r->mac);
}

void bench_raw_seal(struct bench_raw *r, uint8_t *d)
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

void bench_raw_open(struct bench_raw *r, uint8_t *d)
{
	uint8_t *body = d + 8 + r->iv_len;
	struct rv_iov iov = { d, 8 + r->iv_len + r->body_len };
	int ret;

	if (r->is_gcm) {
		ret = rv_cipher_gcm_open(r->dec, nonce, d, 8, body, r->body_len, body + r->body_len,
					 r->icv_len);
	} else {
		ret = rv_mac_verify_v(r->mac, &iov, 1, body + r->body_len, r->icv_len);
		ret = ret ? ret : rv_cipher_cbc(r->dec, iv, body, r->body_len);
	}
	if (ret < 0)
		abort();
}

void bench_fill(struct pkt_buf *b, size_t len)
{
	struct pkt *p = pkt_buf_reset(b);

	memset(pkt_put(p, len), 0x42, len);
}

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

double bench_measure(bench_step_fn prepare, bench_step_fn work, void *ctx, double run_seconds)
{
	double per_run[BENCH_RUNS];

	for (int r = 0; r < BENCH_RUNS; r++) {
		uint64_t timed = 0, packets = 0;

		while (timed < (uint64_t)(run_seconds * 1e9)) {
			uint64_t t0;

			prepare(ctx);
			t0 = now_ns();
			work(ctx);
			timed += now_ns() - t0;
			packets += BENCH_BATCH;
		}
		per_run[r] = (double)timed / (double)packets;
	}

	qsort(per_run, BENCH_RUNS, sizeof(per_run[0]), cmp_double);
	return per_run[BENCH_RUNS / 2];
}
