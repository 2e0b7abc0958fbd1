/*
 * What the app shows as text and numbers, kept apart from the widgets so
 * that it is unit-tested: byte counts, rates, durations, and the traffic
 * sampler behind the rate graph.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* "0 B", "512 B", "1.5 kB", "12 kB", "3.4 MB": decimal units, like GNOME's. */
char *rg_format_bytes(uint64_t bytes);
/* A rate in bytes per second, "1.5 kB/s"; negative or NaN reads as 0. */
char *rg_format_rate(double bytes_per_second);
/* "45 s", "3 min 12 s", "2 h 05 min", "3 d 04 h": two units at most. */
char *rg_format_duration(int64_t seconds);

/*
 * A fixed window of per-second rates computed from the helper's cumulative
 * counters. A counter that goes backwards (a reconnect started new ones)
 * starts the window over instead of showing a huge negative spike.
 */
#define RG_RATE_WINDOW 60

struct rg_rate_sample {
	double in, out;         /* bytes per second over the last interval */
};

struct rg_rates {
	struct rg_rate_sample samples[RG_RATE_WINDOW];
	unsigned int count;     /* valid samples, up to RG_RATE_WINDOW */
	unsigned int head;      /* index of the next sample to write */
	uint64_t last_in, last_out;
	int64_t last_usec;      /* 0: no previous counter reading */
};

void rg_rates_reset(struct rg_rates *r);
/* Feed cumulative counters read at monotonic time `now_usec`. */
void rg_rates_add(struct rg_rates *r, uint64_t bytes_in, uint64_t bytes_out, int64_t now_usec);
/* The i-th sample, 0 = oldest still kept; i < r->count. */
const struct rg_rate_sample *rg_rates_get(const struct rg_rates *r, unsigned int i);
/* The newest sample, or NULL before there are two readings. */
const struct rg_rate_sample *rg_rates_latest(const struct rg_rates *r);
/* The largest in or out rate in the window (the graph's scale), at least 1. */
double rg_rates_peak(const struct rg_rates *r);
