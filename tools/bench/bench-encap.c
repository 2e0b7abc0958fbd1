/*
 * bench-encap: per-packet cost of the whole client data path on one core,
 * beside the crypto alone in the same run (issue 7, item 1).
 *
 *   encap: 1400-byte IP packet -> ppp_send_ip -> l2tp_send_ppp -> inner UDP
 *          -> esp_seal  (what the TUN reader does before the socket send)
 *   decap: ESP packet -> esp_open -> UDP pull -> l2tp_rx -> ppp_rx -> IP
 *          (what the socket reader does before the TUN write)
 *
 * The two ends are real LAC + PPP client objects brought up by a scripted
 * peer (bench-stack.c). "crypto only" runs the same keyed cipher/MAC
 * contexts on the same number of bytes as the ESP packets the stack made.
 * No system calls are timed: see bench-tunnel.sh for those.
 *
 * Each figure is the median of RUNS runs of about run_seconds of timed work,
 * batches of BATCH; refilling buffers between batches is not timed.
 * Usage: bench-encap [seconds-per-run, default 0.3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-stack.h"
#include "crypto/keyed.h"

#define IP_LEN 1400
#define BATCH 64
#define RUNS 5

struct suite {
	const char *name;
	struct esp_sa_params prm;
};

static const uint8_t enc_key[36] = "bench-encap-encryption-key-01234567";
static const uint8_t integ_key[32] = "bench-encap-integrity-key-012345";

static const struct suite suites[] = {
	{ "aes128-gcm16", { 0, ESP_CIPHER_AES_GCM16, enc_key, 20, ESP_INTEG_NONE, NULL, 0 } },
	{ "aes256-cbc-sha1", { 0, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA1_96,
			       integ_key, 20 } },
	{ "3des-cbc-sha1", { 0, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96,
			     integ_key, 20 } },
};

/* Keyed contexts for the crypto-only path, mirroring what an SA holds. */
struct raw {
	struct rv_cipher *enc, *dec;
	struct rv_mac *mac;
	bool is_gcm;
	size_t iv_len, body_len, icv_len, total_len;
};

struct ctx {
	struct bench_end a, b;
	struct raw raw;
	size_t esp_len;       /* length of one sealed packet */
	uint64_t delivered;
};

static struct pkt_buf bufs[BATCH];
static struct pkt_buf sealed[BATCH];
static struct pkt *sent[BATCH];
static size_t n_sent;
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

typedef void (*step_fn)(struct ctx *x);

/* Median ns per packet of `work` over RUNS runs; `prepare` is not timed. */
static double measure(step_fn prepare, step_fn work, struct ctx *x)
{
	double per_run[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t timed = 0, packets = 0;

		while (timed < (uint64_t)(run_seconds * 1e9)) {
			uint64_t t0;

			prepare(x);
			t0 = now_ns();
			work(x);
			timed += now_ns() - t0;
			packets += BATCH;
		}
		per_run[r] = (double)timed / (double)packets;
	}

	qsort(per_run, RUNS, sizeof(per_run[0]), cmp_double);
	return per_run[RUNS / 2];
}

/* An IPv4/UDP packet of IP_LEN bytes, 203.0.113.1 -> 203.0.113.2. */
static void fill_ip(struct pkt_buf *b)
{
	static const uint8_t hdr[28] = { 0x45, 0, IP_LEN >> 8, IP_LEN & 0xff, 0, 0, 0x40, 0,
					 64, 17, 0, 0, 203, 0, 113, 1, 203, 0, 113, 2,
					 0x13, 0x89, 0x13, 0x89, (IP_LEN - 20) >> 8,
					 (IP_LEN - 20) & 0xff, 0, 0 };
	struct pkt *p = pkt_buf_reset(b);
	uint8_t *d = pkt_put(p, IP_LEN);

	memcpy(d, hdr, sizeof(hdr));
	memset(d + sizeof(hdr), 0x42, IP_LEN - sizeof(hdr));
}

static int tx_esp(struct bench_end *e, struct pkt *p)
{
	sent[n_sent++ % BATCH] = p;
	return 0;
}

static void ip_rx(struct bench_end *e, const uint8_t *data, size_t len)
{
	struct ctx *x = e->user;

	x->delivered += len == IP_LEN;
}

/* The full path ------------------------------------------------------- */

static void prepare_encap(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++)
		fill_ip(&bufs[i]);
}

static void work_encap(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++)
		if (bench_encap(&x->a, &bufs[i].pkt) < 0)
			abort();
}

/* Fresh sequence numbers for every batch: encap (untimed), then decap (timed). */
static void prepare_decap(struct ctx *x)
{
	prepare_encap(x);
	work_encap(x);
}

static void work_decap(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++)
		if (bench_decap(&x->b, &bufs[i].pkt, 0) < 0)
			abort();
}

/* Crypto only --------------------------------------------------------- */

static const uint8_t nonce[RV_GCM_NONCE_LEN] = "bench-nonce";
static const uint8_t iv[16] = "bench-iv-bench-";

static void raw_fill(struct pkt_buf *b, size_t len)
{
	struct pkt *p = pkt_buf_reset(b);

	memset(pkt_put(p, len), 0x42, len);
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

static void prepare_raw_seal(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++)
		raw_fill(&bufs[i], x->raw.total_len);
}

static void work_raw_seal(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++)
		raw_seal_one(&x->raw, bufs[i].pkt.data);
}

static void prepare_raw_open(struct ctx *x)
{
	for (int i = 0; i < BATCH; i++) {
		struct pkt *p = pkt_buf_reset(&bufs[i]);

		memcpy(pkt_put(p, sealed[i].pkt.len), sealed[i].pkt.data, sealed[i].pkt.len);
	}
}

static void work_raw_open(struct ctx *x)
{
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

/* The same bytes through the cipher as the ESP packets the stack produced. */
static void raw_setup(struct ctx *x, const struct esp_sa_params *prm)
{
	struct raw *r = &x->raw;
	enum rv_cipher_alg alg = prm->cipher == ESP_CIPHER_AES_GCM16 ? RV_CIPHER_AES_GCM :
				 prm->cipher == ESP_CIPHER_3DES_CBC ? RV_CIPHER_3DES_CBC :
								      RV_CIPHER_AES_CBC;
	size_t key_len = prm->enc_key_len - (alg == RV_CIPHER_AES_GCM ? 4 : 0);

	r->is_gcm = alg == RV_CIPHER_AES_GCM;
	r->iv_len = r->is_gcm ? 8 : rv_cipher_block_len(alg);
	r->icv_len = r->is_gcm ? 16 : 12;
	r->total_len = x->esp_len;
	r->body_len = x->esp_len - 8 - r->iv_len - r->icv_len;
	r->enc = rv_cipher_new(alg, prm->enc_key, key_len, true);
	r->dec = rv_cipher_new(alg, prm->enc_key, key_len, false);
	r->mac = r->is_gcm ? NULL : rv_mac_new(RV_HASH_SHA1, prm->integ_key, prm->integ_key_len);
	if (!r->enc || !r->dec || (!r->is_gcm && !r->mac))
		abort();

	for (int i = 0; i < BATCH; i++) {
		raw_fill(&sealed[i], r->total_len);
		raw_seal_one(r, sealed[i].pkt.data);
	}
}

/* Suites -------------------------------------------------------------- */

static int setup_pair(struct ctx *x, const struct suite *s)
{
	struct esp_sa_params ab = s->prm, ba = s->prm;

	ab.spi = 0xbe000001;
	ba.spi = 0xbe000002;
	x->a = (struct bench_end){ .name = "a", .tx_esp = tx_esp, .ip_rx = ip_rx, .user = x };
	x->b = (struct bench_end){ .name = "b", .tx_esp = tx_esp, .ip_rx = ip_rx, .user = x };
	if (bench_pair_up(&x->a, &x->b, &ab, &ba) < 0)
		return -1;

	/* One packet through both ways checks the pair and gives the ESP length. */
	fill_ip(&bufs[0]);
	if (bench_encap(&x->a, &bufs[0].pkt) < 0)
		return -1;
	x->esp_len = bufs[0].pkt.len;
	if (bench_decap(&x->b, &bufs[0].pkt, 0) < 0 || x->delivered != 1) {
		fprintf(stderr, "%s: the packet did not come out at the other end\n", s->name);
		return -1;
	}
	return 0;
}

static int bench_suite(const struct suite *s)
{
	struct ctx *x = calloc(1, sizeof(*x));
	double enc, dec, seal, open;

	if (!x || setup_pair(x, s) < 0)
		return -1;
	raw_setup(x, &s->prm);

	enc = measure(prepare_encap, work_encap, x);
	seal = measure(prepare_raw_seal, work_raw_seal, x);
	dec = measure(prepare_decap, work_decap, x);
	open = measure(prepare_raw_open, work_raw_open, x);

	printf("%-16s %5zu  encap %8.1f  seal %8.1f  x%.2f  | decap %8.1f  open %8.1f  x%.2f"
	       "  | both x%.2f  %6.2f Gbit/s/core\n",
	       s->name, x->esp_len, enc, seal, enc / seal, dec, open, dec / open,
	       (enc + dec) / (seal + open), IP_LEN * 8 / (enc + dec));

	rv_cipher_free(x->raw.enc);
	rv_cipher_free(x->raw.dec);
	rv_mac_free(x->raw.mac);
	bench_end_free(&x->a);
	bench_end_free(&x->b);
	free(x);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc > 1)
		run_seconds = atof(argv[1]);
	if (run_seconds <= 0)
		return 2;

	printf("bench-encap: %d-byte IP packets, PPP+L2TP+UDP+ESP, batches of %d, median of %d "
	       "runs of %.2f s;\nns per packet; ratio = full path / crypto only on the same bytes\n",
	       IP_LEN, BATCH, RUNS, run_seconds);
	printf("%-16s %5s  %-30s | %-30s | %s\n", "suite", "esp-B", "encap (full, crypto, ratio)",
	       "decap (full, crypto, ratio)", "encap+decap");
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		ret |= bench_suite(&suites[i]) < 0;
	return ret;
}
