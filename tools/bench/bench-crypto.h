#pragma once
/*
 * What bench-esp and bench-encap share: the suites they measure, the
 * "crypto only" reference (the same keyed cipher and MAC contexts from
 * crypto/keyed.h over the same bytes as one ESP packet), and the timing
 * loop (median ns per packet over BENCH_RUNS runs; refilling buffers between
 * batches is not timed).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keyed.h"
#include "esp/esp.h"
#include "util/pkt.h"

#define BENCH_BATCH 64
#define BENCH_RUNS 5

struct bench_suite {
	const char *name;
	struct esp_sa_params prm;
};

extern const struct bench_suite bench_suites[];
extern const size_t bench_n_suites;

/* Keyed contexts for the crypto-only path, mirroring what an SA holds. */
struct bench_raw {
	struct rv_cipher *enc, *dec;
	struct rv_mac *mac;
	bool is_gcm;
	size_t iv_len, body_len, icv_len;
	size_t total_len;      /* one ESP packet: header, IV, body, ICV */
};

/* Key the contexts for packets of esp_len bytes; aborts on failure (a benchmark). */
void bench_raw_setup(struct bench_raw *r, const struct esp_sa_params *prm, size_t esp_len);
void bench_raw_free(struct bench_raw *r);
/* Encrypt and authenticate one ESP-shaped packet in place, as esp_seal would. */
void bench_raw_seal(struct bench_raw *r, uint8_t *packet);
/* Verify and decrypt one packet made by bench_raw_seal. */
void bench_raw_open(struct bench_raw *r, uint8_t *packet);

/* An empty packet buffer filled with len bytes of 0x42. */
void bench_fill(struct pkt_buf *b, size_t len);

typedef void (*bench_step_fn)(void *ctx);
/* Median ns per packet of `work` (BENCH_BATCH packets per call); `prepare` is untimed. */
double bench_measure(bench_step_fn prepare, bench_step_fn work, void *ctx, double run_seconds);
