/* The fork-join pool: every item once, only allowed lanes, real concurrency, clean reuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util/workpool.h"

#define ITEMS 5000

struct tally {
	atomic_uint runs[ITEMS];
	atomic_uint per_lane[8];
};

static void count_item(void *ctx, unsigned lane, size_t item)
{
	struct tally *t = ctx;

	atomic_fetch_add(&t->runs[item], 1);
	atomic_fetch_add(&t->per_lane[lane < 8 ? lane : 7], 1);
}

static void test_every_item_runs_once(void **state)
{
	struct workpool *pool = workpool_new(3, "rv-test");
	struct tally *t = calloc(1, sizeof(*t));
	unsigned total = 0;

	assert_non_null(pool);
	assert_int_equal(workpool_lanes(pool), 4);
	workpool_run(pool, 4, count_item, t, ITEMS);
	for (size_t i = 0; i < ITEMS; i++)
		assert_int_equal(atomic_load(&t->runs[i]), 1);
	for (unsigned l = 0; l < 8; l++)
		total += atomic_load(&t->per_lane[l]);
	assert_int_equal(total, ITEMS);
	assert_int_equal(atomic_load(&t->per_lane[4]), 0);

	workpool_free(pool);
	free(t);
}

static void test_lanes_are_capped(void **state)
{
	struct workpool *pool = workpool_new(3, NULL);
	struct tally *t = calloc(1, sizeof(*t));

	assert_non_null(pool);
	/* Many runs, so that idle workers are awake when jobs are published. */
	for (int run = 0; run < 200; run++)
		workpool_run(pool, 2, count_item, t, 50);
	assert_int_equal(atomic_load(&t->per_lane[2]) + atomic_load(&t->per_lane[3]), 0);
	assert_int_equal(atomic_load(&t->per_lane[0]) + atomic_load(&t->per_lane[1]), 200 * 50);

	/* More lanes than the pool has: what it has. */
	workpool_run(pool, 9, count_item, t, ITEMS);
	assert_int_equal(atomic_load(&t->per_lane[4]), 0);
	workpool_free(pool);
	free(t);
}

static void test_without_pool_all_on_lane_zero(void **state)
{
	struct tally *t = calloc(1, sizeof(*t));

	workpool_run(NULL, 4, count_item, t, 100);
	assert_int_equal(atomic_load(&t->per_lane[0]), 100);
	assert_int_equal(workpool_lanes(NULL), 1);
	free(t);
}

struct meet {
	atomic_uint arrived;
	atomic_uint lanes_seen;
	atomic_bool met;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Both items wait for each other: only two lanes running at the same time get past. */
static void wait_for_partner(void *ctx, unsigned lane, size_t item)
{
	struct meet *m = ctx;
	uint64_t deadline = now_ms() + 10000;

	atomic_fetch_or(&m->lanes_seen, 1u << lane);
	atomic_fetch_add(&m->arrived, 1);
	while (atomic_load(&m->arrived) < 2 && now_ms() < deadline)
		;
	if (atomic_load(&m->arrived) >= 2)
		atomic_store(&m->met, true);
}

static void test_items_run_concurrently(void **state)
{
	struct workpool *pool = workpool_new(1, NULL);
	struct meet m = { 0 };

	assert_non_null(pool);
	workpool_run(pool, 2, wait_for_partner, &m, 2);
	assert_true(atomic_load(&m.met));
	assert_int_equal(atomic_load(&m.lanes_seen), 0x3);
	workpool_free(pool);
}

/* Jobs on the caller's stack, back to back: a worker must never see a stale one. */
static void run_small_jobs(struct workpool *pool, unsigned rounds)
{
	for (unsigned r = 0; r < rounds; r++) {
		struct tally t;

		memset(&t, 0, sizeof(t));
		workpool_run(pool, 2, count_item, &t, 1 + r % 7);
		for (size_t i = 0; i < 1 + r % 7; i++)
			assert_int_equal(atomic_load(&t.runs[i]), 1);
	}
}

static void test_back_to_back_jobs(void **state)
{
	struct workpool *pool = workpool_new(1, NULL);

	assert_non_null(pool);
	run_small_jobs(pool, 2000);
	workpool_free(pool);
}

static void test_default_workers_from_env(void **state)
{
	setenv("ROADVPN_CRYPTO_WORKERS", "0", 1);
	assert_int_equal(workpool_default_workers(), 0);
	setenv("ROADVPN_CRYPTO_WORKERS", "2", 1);
	assert_int_equal(workpool_default_workers(), 2);
	setenv("ROADVPN_CRYPTO_WORKERS", "99", 1);
	assert_int_equal(workpool_default_workers(), 7);
	unsetenv("ROADVPN_CRYPTO_WORKERS");
	assert_true(workpool_default_workers() <= 3);
	assert_null(workpool_new(8, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_item_runs_once),
		cmocka_unit_test(test_lanes_are_capped),
		cmocka_unit_test(test_without_pool_all_on_lane_zero),
		cmocka_unit_test(test_items_run_concurrently),
		cmocka_unit_test(test_back_to_back_jobs),
		cmocka_unit_test(test_default_workers_from_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
