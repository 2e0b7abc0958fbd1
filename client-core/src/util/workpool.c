/*
 * Fork-join pool (see workpool.h). One job at a time, published through
 * `job`; workers sleep on the `generation` futex between jobs and spin a
 * little first, because under load the next batch follows within
 * microseconds and a futex wake-up costs more than the crypto of a
 * packet.
 *
 * A job lives on the caller's stack, so the caller must not return while
 * a worker may still touch it: every worker holds `in_job` around its use
 * of the pointer, and the caller, once every item is complete, unpublishes
 * the job and waits for `in_job` to drop to zero (sequentially consistent
 * atomics: a worker that raises in_job after that wait began can only see
 * the unpublished, NULL job).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workpool.h"

/* Polls of `generation` before a worker sleeps: a few microseconds. */
#define WORKPOOL_SPIN 200
#define WORKPOOL_MAX_WORKERS 7
#define WORKPOOL_DEFAULT_MAX_WORKERS 3

struct workpool_job {
	workpool_fn fn;
	void *ctx;
	size_t n;
	unsigned lanes;
	atomic_size_t next;      /* next item to take */
	atomic_size_t completed; /* items finished */
};

struct workpool_thread {
	struct workpool *pool;
	unsigned lane;
	pthread_t thread;
};

struct workpool {
	unsigned workers;
	struct workpool_thread *threads;
	_Atomic(struct workpool_job *) job;
	atomic_uint generation; /* futex word: bumped for every job and for the stop */
	atomic_uint sleepers;
	atomic_size_t in_job;  /* workers that may hold a pointer to the job */
	atomic_bool stop;
};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * Until *word equals want. A lane we wait
 * for may have been preempted on this very CPU: yield after a short spin
 * so that it can finish.
 */
static void wait_counter(atomic_size_t *word, size_t want)
{
	for (unsigned spins = 0; atomic_load(word) != want; spins++) {
		if (spins < WORKPOOL_SPIN)
			cpu_relax();
		else
			sched_yield();
	}
}

static void futex_wait(atomic_uint *word, unsigned seen)
{
	(void)syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void futex_wake_all(atomic_uint *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void take_items(struct workpool_job *job, unsigned lane)
{
	size_t i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->n) {
		job->fn(job->ctx, lane, i);
		atomic_fetch_add(&job->completed, 1);
	}
}

/* Until the generation moves past `seen`: spin first, then sleep. */
static unsigned wait_generation(struct workpool *pool, unsigned seen)
{
	unsigned g;

	for (int i = 0; i < WORKPOOL_SPIN; i++) {
		g = atomic_load(&pool->generation);
		if (g != seen)
			return g;
		cpu_relax();
	}

	for (;;) {
		atomic_fetch_add(&pool->sleepers, 1);
		g = atomic_load(&pool->generation);
		if (g == seen)
			futex_wait(&pool->generation, seen);
		atomic_fetch_sub(&pool->sleepers, 1);
		g = atomic_load(&pool->generation);
		if (g != seen)
			return g;
	}
}

static void *worker_main(void *arg)
{
	struct workpool_thread *t = arg;
	struct workpool *pool = t->pool;
	/* The generation at creation, not now: this thread may start after a job or the stop. */
	unsigned seen = 0;

	for (;;) {
		struct workpool_job *job;

		seen = wait_generation(pool, seen);
		if (atomic_load(&pool->stop))
			return NULL;

		atomic_fetch_add(&pool->in_job, 1);
		job = atomic_load(&pool->job);
		if (job && t->lane < job->lanes)
			take_items(job, t->lane);
		atomic_fetch_sub(&pool->in_job, 1);
	}
}

static void stop_workers(struct workpool *pool, unsigned started)
{
	atomic_store(&pool->stop, true);
	atomic_fetch_add(&pool->generation, 1);
	futex_wake_all(&pool->generation);
	for (unsigned i = 0; i < started; i++)
		pthread_join(pool->threads[i].thread, NULL);
}

struct workpool *workpool_new(unsigned workers, const char *name)
{
	struct workpool *pool;

	if (workers > WORKPOOL_MAX_WORKERS) {
		errno = EINVAL;
		return NULL;
	}

	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->threads = calloc(workers ? workers : 1, sizeof(*pool->threads));
	if (!pool->threads) {
		free(pool);
		return NULL;
	}

	for (unsigned i = 0; i < workers; i++) {
		struct workpool_thread *t = &pool->threads[i];
		int r;

		t->pool = pool;
		t->lane = i + 1;
		r = pthread_create(&t->thread, NULL, worker_main, t);
		if (r) {
			stop_workers(pool, i);
			free(pool->threads);
			free(pool);
			errno = r;
			return NULL;
		}
		if (name)
			(void)pthread_setname_np(t->thread, name);
	}

	pool->workers = workers;
	return pool;
}

void workpool_free(struct workpool *pool)
{
	if (!pool)
		return;

	stop_workers(pool, pool->workers);
	free(pool->threads);
	free(pool);
}

unsigned workpool_lanes(const struct workpool *pool)
{
	return pool ? pool->workers + 1 : 1;
}

void workpool_run(struct workpool *pool, unsigned lanes, workpool_fn fn, void *ctx, size_t n)
{
	struct workpool_job job = { .fn = fn, .ctx = ctx, .n = n };

	if (lanes > workpool_lanes(pool))
		lanes = workpool_lanes(pool);
	/* Nobody to share with, or nothing to share: no atomics, no wake-up. */
	if (lanes <= 1 || n <= 1) {
		for (size_t i = 0; i < n; i++)
			fn(ctx, 0, i);
		return;
	}

	job.lanes = lanes;
	atomic_store(&pool->job, &job);
	atomic_fetch_add(&pool->generation, 1);
	if (atomic_load(&pool->sleepers))
		futex_wake_all(&pool->generation);

	take_items(&job, 0);
	/* The last items may still be in other lanes' hands: at most one each. */
	wait_counter(&job.completed, n);

	atomic_store(&pool->job, NULL);
	wait_counter(&pool->in_job, 0);
}

unsigned workpool_default_workers(void)
{
	const char *env = getenv("ROADVPN_CRYPTO_WORKERS");
	long cpus;

	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);

		if (!*end)
			return v > WORKPOOL_MAX_WORKERS ? WORKPOOL_MAX_WORKERS : (unsigned)v;
	}

	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus <= 1)
		return 0;
	return cpus - 1 > WORKPOOL_DEFAULT_MAX_WORKERS ? WORKPOOL_DEFAULT_MAX_WORKERS :
							   (unsigned)(cpus - 1);
}
