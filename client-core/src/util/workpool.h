#pragma once
/*
 * A fork-join pool for CPU-bound work on the items of one batch (the ESP
 * crypto of a data plane's batch, dataplane/dataplane.c). The caller of
 * workpool_run() is lane 0 and starts at once; the pool's threads are lanes
 * 1..workers and join as soon as they wake. Items are taken one at a time
 * from a shared counter, so a worker that wakes late costs nothing but the
 * wake-up call, and unequal items balance themselves. Only CPU-bound items
 * long enough to dwarf a wake-up (3DES, AES-CBC+HMAC) are worth it.
 */
#include <stddef.h>

struct workpool;

/* One item: lane says which per-lane state (e.g. a cipher context) to use. */
typedef void (*workpool_fn)(void *ctx, unsigned lane, size_t item);

/* `workers` threads named `name` (<= 15 bytes); NULL with errno set on failure. */
struct workpool *workpool_new(unsigned workers, const char *name);
/* NULL-safe; joins the threads. No run may be in progress. */
void workpool_free(struct workpool *pool);
/* workers + 1 (the caller's lane). */
unsigned workpool_lanes(const struct workpool *pool);

/*
 * fn(ctx, lane, i) once for every i in [0, n), on lanes [0, lanes) (capped
 * at workpool_lanes()); returns when all are done. One caller at a time.
 * pool may be NULL: everything then runs on lane 0.
 */
void workpool_run(struct workpool *pool, unsigned lanes, workpool_fn fn, void *ctx, size_t n);

/* Worker threads to use for lanes wanted: ROADVPN_CRYPTO_WORKERS, else online CPUs - 1, capped. */
unsigned workpool_default_workers(void);
