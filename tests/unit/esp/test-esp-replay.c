/*
 * Anti-replay window (RFC 4303 section 3.4.3, RFC 6479 layout) as tables of
 * (sequence number, expected result) rows fed in order to verify+commit,
 * the way esp_open uses them for authenticated packets.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "esp/replay.h"

#define W ESP_REPLAY_WINDOW
#define OK 0
#define DUP (-EALREADY)

struct row {
	uint32_t seq;
	int expect;
};

static void run_rows(const struct row *rows, size_t n)
{
	struct esp_replay r;

	esp_replay_init(&r);
	for (size_t i = 0; i < n; i++) {
		int v = esp_replay_verify(&r, rows[i].seq);

		if (v != rows[i].expect)
			fail_msg("row %zu: seq %u verify %d, expected %d", i, rows[i].seq, v,
				 rows[i].expect);
		if (v == 0)
			assert_int_equal(esp_replay_commit(&r, rows[i].seq), 0);
	}
}

#define RUN(rows) run_rows(rows, sizeof(rows) / sizeof(rows[0]))

static void test_basic_edges(void **state)
{
	static const struct row rows[] = {
		{ 0, DUP },           /* seq 0 is never sent */
		{ 1, OK },            /* first packet */
		{ 1, DUP },           /* immediate duplicate */
		{ 3, OK },            /* gap */
		{ 2, OK },            /* late, inside the window */
		{ 2, DUP },           /* in-window duplicate */
		{ 0, DUP },
		{ W + 2, OK },        /* top = W + 2: window is 3 .. W + 2 */
		{ 3, DUP },           /* leftmost, already seen */
		{ 4, OK },            /* leftmost unseen */
		{ 2, DUP },           /* just left of the window */
		{ W + 1, OK },
		{ W + 1, DUP },
	};

	RUN(rows);
}

static void test_window_slide_by_exactly_window(void **state)
{
	static const struct row rows[] = {
		{ 100, OK },
		{ 100 + W, OK },     /* slide by exactly W: 100 falls out */
		{ 100, DUP },        /* left of the window */
		{ 101, OK },         /* leftmost position, never seen */
		{ 101, DUP },
		{ 100 + W - 1, OK },
		{ 100 + 2 * W, OK }, /* again by W: bits of the old blocks must not survive */
		{ 100 + W, DUP },    /* top - W: left of the window */
		{ 101 + W, OK },     /* leftmost, unseen (its block was reused) */
		{ 100 + 2 * W - 1, OK },
		{ 100 + 2 * W - 1, DUP },
	};

	RUN(rows);
}

static void test_far_jump_clears_everything(void **state)
{
	static const struct row rows[] = {
		{ 1, OK }, { 2, OK }, { 64, OK }, { 65, OK }, { 130, OK },
		/* Far ahead: every block is reused, so old bits must be gone. */
		{ 1u << 30, OK },
		{ (1u << 30) - 1, OK },
		{ (1u << 30) - W + 1, OK },   /* leftmost */
		{ (1u << 30) - W, DUP },      /* just left */
		{ (1u << 30) + 64 * 32 + 65, OK },
		{ (1u << 30) + 64 * 32, OK }, /* same ring slot and bit as 1 << 30 */
		{ (1u << 30) + 64 * 32 + 65, DUP },
		{ UINT32_MAX, OK },           /* last sequence number */
		{ UINT32_MAX, DUP },
		{ UINT32_MAX - W + 1, OK },
		{ UINT32_MAX - W, DUP },
	};

	RUN(rows);
}

static void test_every_in_window_position(void **state)
{
	struct esp_replay r;
	uint32_t top = 5000;

	esp_replay_init(&r);
	assert_int_equal(esp_replay_commit(&r, top), 0);
	/* Fill the window backwards: all accepted once, all refused the second time. */
	for (uint32_t s = top - 1; s > top - W; s--)
		assert_int_equal(esp_replay_commit(&r, s), 0);
	for (uint32_t s = top; s > top - W; s--)
		assert_int_equal(esp_replay_verify(&r, s), DUP);
	assert_int_equal(esp_replay_verify(&r, top - W), DUP);
	assert_int_equal(esp_replay_verify(&r, top + 1), OK);
}

static void test_commit_rechecks(void **state)
{
	struct esp_replay r;

	/* Two copies verified before either commits: only one is accepted. */
	esp_replay_init(&r);
	assert_int_equal(esp_replay_verify(&r, 7), OK);
	assert_int_equal(esp_replay_verify(&r, 7), OK);
	assert_int_equal(esp_replay_commit(&r, 7), OK);
	assert_int_equal(esp_replay_commit(&r, 7), DUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_edges),
		cmocka_unit_test(test_window_slide_by_exactly_window),
		cmocka_unit_test(test_far_jump_clears_everything),
		cmocka_unit_test(test_every_in_window_position),
		cmocka_unit_test(test_commit_rechecks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
