/*
 * bench-esp: per-packet cost of esp_seal()/esp_open() on 1400-byte payloads
 * next to the crypto alone (the same keyed contexts from crypto/keyed.h,
 * same lengths), so the ratio shows what the ESP framing adds. Not a test.
 *
 * Packets are processed in batches of BATCH; refilling the buffers between
 * batches is not timed. Each figure is the median of RUNS runs of about
 * run_seconds of timed work. Usage: bench-esp [seconds-per-run, default 0.3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-crypto.h"

#define PAYLOAD 1400
#define BATCH BENCH_BATCH

static struct pkt_buf bufs[BATCH];
static struct pkt_buf sealed[BATCH];
static double run_seconds = 0.3;

struct esp_ctx {
	struct esp_sa *out, *in;
	struct bench_raw raw;
};

static void esp_prepare_seal(void *c)
{
	for (int i = 0; i < BATCH; i++)
		bench_fill(&bufs[i], PAYLOAD);
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

static void raw_prepare_seal(void *c)
{
	struct esp_ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		bench_fill(&bufs[i], x->raw.total_len);
}

static void raw_seal_work(void *c)
{
	struct esp_ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		bench_raw_seal(&x->raw, bufs[i].pkt.data);
}

/* Authentic ciphertexts, made once; copied into the work buffers untimed. */
static void raw_make_sealed(struct esp_ctx *x)
{
	for (int i = 0; i < BATCH; i++) {
		bench_fill(&sealed[i], x->raw.total_len);
		bench_raw_seal(&x->raw, sealed[i].pkt.data);
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

	for (int i = 0; i < BATCH; i++)
		bench_raw_open(&x->raw, bufs[i].pkt.data);
}

static void bench_suite(const struct bench_suite *s)
{
	struct esp_ctx x = {
		.out = esp_sa_new_outbound(&s->prm),
		.in = esp_sa_new_inbound(&s->prm),
	};
	double esp_seal_ns, esp_open_ns, raw_seal_ns, raw_open_ns;

	if (!x.out || !x.in)
		abort();
	bench_raw_setup(&x.raw, &s->prm, PAYLOAD + esp_sa_overhead(x.out, PAYLOAD));
	raw_make_sealed(&x);

	esp_seal_ns = bench_measure(esp_prepare_seal, esp_seal_work, &x, run_seconds);
	raw_seal_ns = bench_measure(raw_prepare_seal, raw_seal_work, &x, run_seconds);
	esp_open_ns = bench_measure(esp_prepare_open, esp_open_work, &x, run_seconds);
	raw_open_ns = bench_measure(raw_prepare_open, raw_open_work, &x, run_seconds);

	printf("%-16s seal %9.1f ns (crypto %9.1f, x%.2f, %6.2f Gbit/s)  "
	       "open %9.1f ns (crypto %9.1f, x%.2f, %6.2f Gbit/s)\n",
	       s->name, esp_seal_ns, raw_seal_ns, esp_seal_ns / raw_seal_ns,
	       PAYLOAD * 8 / esp_seal_ns, esp_open_ns, raw_open_ns, esp_open_ns / raw_open_ns,
	       PAYLOAD * 8 / esp_open_ns);

	bench_raw_free(&x.raw);
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
	       "ns per packet (ratio = ESP / crypto only)\n", PAYLOAD, BATCH, BENCH_RUNS,
	       run_seconds);
	for (size_t i = 0; i < bench_n_suites; i++)
		bench_suite(&bench_suites[i]);
	return 0;
}
