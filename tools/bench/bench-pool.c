/*
 * bench-pool: what the crypto worker pool buys (dataplane/dataplane.c's
 * crypto stage). Batches of 64 ESP packets of 1400-byte payload, sealed
 * (esp_seal_prepare in order, esp_seal_crypt on the lanes) and opened
 * (esp_open_crypt on the lanes, esp_open_finish in order) exactly as the
 * data plane does it, with 1, 2, ... lanes (the caller plus a util/workpool
 * of lanes - 1 threads). Wall-clock ns per packet, median of 5 runs, and
 * the speed-up over one lane. With N CPUs free the ideal is N x; the
 * figure below it is what the wake-ups, the serial parts and other load
 * cost.
 *
 * Usage: bench-pool [seconds per run] [max lanes]   (defaults 0.3, CPUs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-crypto.h"
#include "util/workpool.h"

#define PAYLOAD 1400
#define BATCH BENCH_BATCH

struct pool_ctx {
	struct esp_sa *out, *in;
	struct workpool *pool;
	unsigned lanes;
	struct pkt_buf bufs[BATCH];
	struct pkt_buf sealed[BATCH];
	struct pkt *pkts[BATCH];
};

static double run_seconds = 0.3;

static void seal_item(void *c, unsigned lane, size_t i)
{
	struct pool_ctx *x = c;

	if (esp_seal_crypt(x->out, lane, x->pkts[i]) < 0)
		abort();
}

static void open_item(void *c, unsigned lane, size_t i)
{
	struct pool_ctx *x = c;

	if (esp_open_crypt(x->in, lane, x->pkts[i]) < 0)
		abort();
}

static void prepare_seal(void *c)
{
	struct pool_ctx *x = c;

	for (size_t i = 0; i < BATCH; i++) {
		bench_fill(&x->bufs[i], PAYLOAD);
		x->pkts[i] = &x->bufs[i].pkt;
	}
}

static void work_seal(void *c)
{
	struct pool_ctx *x = c;

	for (size_t i = 0; i < BATCH; i++) {
		if (esp_seal_prepare(x->out, x->pkts[i], ESP_NEXT_HEADER_UDP) < 0)
			abort();
	}
	workpool_run(x->pool, x->lanes, seal_item, x, BATCH);
}

/* A fresh inbound SA's window would refuse the second run's copies: seal anew each time. */
static void prepare_open(void *c)
{
	struct pool_ctx *x = c;

	prepare_seal(x);
	work_seal(x);
	for (size_t i = 0; i < BATCH; i++) {
		struct pkt *p = pkt_buf_reset(&x->sealed[i]);

		memcpy(pkt_put(p, x->pkts[i]->len), x->pkts[i]->data, x->pkts[i]->len);
		x->pkts[i] = p;
	}
}

static void work_open(void *c)
{
	struct pool_ctx *x = c;
	uint8_t nh;

	workpool_run(x->pool, x->lanes, open_item, x, BATCH);
	for (size_t i = 0; i < BATCH; i++) {
		if (esp_open_finish(x->in, x->pkts[i], &nh) < 0)
			abort();
	}
}

static void bench_suite(const struct bench_suite *s, unsigned max_lanes)
{
	struct esp_sa_params prm = s->prm;
	struct pool_ctx *x = calloc(1, sizeof(*x));
	double seal1 = 0, open1 = 0;

	prm.lanes = max_lanes;
	x->out = esp_sa_new_outbound(&prm);
	x->in = esp_sa_new_inbound(&prm);
	if (!x || !x->out || !x->in)
		abort();

	for (unsigned lanes = 1; lanes <= max_lanes; lanes++) {
		double seal, open;

		x->lanes = lanes;
		x->pool = lanes > 1 ? workpool_new(lanes - 1, "bench-pool") : NULL;
		if (lanes > 1 && !x->pool)
			abort();
		seal = bench_measure(prepare_seal, work_seal, x, run_seconds);
		open = bench_measure(prepare_open, work_open, x, run_seconds);
		workpool_free(x->pool);
		if (lanes == 1) {
			seal1 = seal;
			open1 = open;
		}
		printf("%-16s %u lane%s  seal %9.1f ns (x%.2f, %6.2f Gbit/s)  "
		       "open %9.1f ns (x%.2f, %6.2f Gbit/s)\n",
		       s->name, lanes, lanes > 1 ? "s" : " ", seal, seal1 / seal,
		       PAYLOAD * 8 / seal, open, open1 / open, PAYLOAD * 8 / open);
	}

	esp_sa_free(x->out);
	esp_sa_free(x->in);
	free(x);
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned max_lanes = cpus > 1 ? (unsigned)cpus : 2;

	if (argc > 1)
		run_seconds = atof(argv[1]);
	if (argc > 2)
		max_lanes = (unsigned)atoi(argv[2]);
	if (run_seconds <= 0 || max_lanes < 1 || max_lanes > ESP_MAX_LANES)
		return 2;

	printf("bench-pool: %d-byte payload, batches of %d, median of %d runs of %.2f s, "
	       "wall-clock ns per packet, %ld CPUs online\n", PAYLOAD, BATCH, BENCH_RUNS,
	       run_seconds, cpus);
	for (size_t i = 0; i < bench_n_suites; i++)
		bench_suite(&bench_suites[i], max_lanes);
	return 0;
}
