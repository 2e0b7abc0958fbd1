/*
 * The black-hole search (session/plpmtu.c) against a fake path: probes of
 * path size <= `limit` are answered at once (or not at all when the gateway
 * is silent), larger ones vanish; the clock is the test's. Sizes map to
 * inner sizes as AES-CBC with NAT-T does (16-byte blocks), so equal inner
 * sizes must never be probed twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "session/plpmtu.h"
#include "session/host.h"

struct fake {
	struct plpmtu pl;
	unsigned limit;        /* largest path size that passes */
	bool silent;           /* the gateway answers nothing */
	unsigned sent[64];
	unsigned n_sent;
	unsigned answer;       /* the size to answer on the next step; 0: none */
	unsigned found_lost, found_pass, n_found;
};

static unsigned fake_inner(void *user_data, unsigned size)
{
	struct session_mtu_stack st = { .path_mtu = size, .esp = true, .udp_encap = true,
					.esp_iv_len = 16, .esp_align = 16, .esp_icv_len = 12 };

	(void)user_data;
	return session_mtu_of_stack(&st);
}

static int fake_send(void *user_data, unsigned size)
{
	struct fake *f = user_data;

	assert_true(f->n_sent < 64);
	f->sent[f->n_sent++] = size;
	if (!f->silent && size <= f->limit)
		f->answer = size;
	return 0;
}

static void fake_found(void *user_data, unsigned lost, unsigned pass)
{
	struct fake *f = user_data;

	f->found_lost = lost;
	f->found_pass = pass;
	f->n_found++;
}

static const struct plpmtu_ops fake_ops = { fake_send, fake_inner, fake_found };

static const struct plpmtu_config cfg = {
	.max = 1500, .floor = 576, .timeout = USEC_PER_SEC, .tries = 2,
	.reprobe = 600 * USEC_PER_SEC,
};

/* Run the fake path until a search ends; answers come 10 ms after the probe. Returns the time. */
static usec_t run_search(struct fake *f, usec_t now, unsigned found_before)
{
	for (int i = 0; i < 200 && f->n_found == found_before; i++) {
		if (f->answer) {
			unsigned size = f->answer;

			f->answer = 0;
			now += 10 * USEC_PER_MSEC;
			plpmtu_answered(&f->pl, size, now);
			continue;
		}
		now = plpmtu_next_deadline(&f->pl);
		assert_true(now != USEC_INFINITY);
		plpmtu_tick(&f->pl, now);
	}
	assert_int_equal(f->n_found, found_before + 1);
	return now;
}

static void no_inner_twice(const struct fake *f)
{
	for (unsigned i = 0; i < f->n_sent; i++)
		for (unsigned j = 0; j < i; j++)
			assert_true(f->sent[i] == f->sent[j] ||
				    fake_inner(NULL, f->sent[i]) != fake_inner(NULL, f->sent[j]));
}

/* The router's 1300 link drops bigger packets silently: found exactly, to the ESP block. */
static void test_black_hole_1300(void **state)
{
	struct fake f = { .limit = 1300 };
	usec_t t;

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	assert_int_equal(f.sent[0], 1500);
	t = run_search(&f, 0, 0);
	assert_true(f.found_lost > 1300);
	assert_true(f.found_pass <= 1300);
	assert_int_equal(fake_inner(NULL, f.found_pass), fake_inner(NULL, 1300));
	assert_true(fake_inner(NULL, f.found_lost) > fake_inner(NULL, 1300));
	/* Full size twice, then floor and a handful of halvings: seconds, not minutes. */
	assert_int_equal(f.sent[1], 1500);
	assert_int_equal(f.sent[2], 576);
	assert_true(f.n_sent <= 14);
	assert_true(t < 15 * USEC_PER_SEC);
	no_inner_twice(&f);
}

/* A whole path: one probe at full size, found as "nothing lost". */
static void test_whole_path(void **state)
{
	struct fake f = { .limit = 1500 };

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	(void)run_search(&f, 0, 0);
	assert_int_equal(f.n_sent, 1);
	assert_int_equal(f.found_lost, 0);
	assert_int_equal(f.found_pass, 1500);
}

/* A gateway that answers no echo at all: not a black hole, pass 0. */
static void test_silent_gateway(void **state)
{
	struct fake f = { .limit = 1500, .silent = true };

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	(void)run_search(&f, 0, 0);
	assert_int_equal(f.found_pass, 0);
	assert_int_equal(f.found_lost, 576);
	assert_int_equal(f.n_sent, 4);
}

/* One lost probe is not a black hole: the second try of the same size passes. */
static void test_one_loss_retried(void **state)
{
	struct fake f = { .limit = 1500 };

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	f.answer = 0;   /* the first probe is lost */
	plpmtu_tick(&f.pl, USEC_PER_SEC);
	assert_int_equal(f.n_sent, 2);
	assert_int_equal(f.sent[1], 1500);
	(void)run_search(&f, USEC_PER_SEC, 0);
	assert_int_equal(f.found_lost, 0);
	assert_int_equal(f.found_pass, 1500);
}

/* Ten minutes on, the search runs again from the top and notices the path grown back. */
static void test_reprobe_finds_larger_path(void **state)
{
	struct fake f = { .limit = 1300 };
	usec_t t;

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	t = run_search(&f, 0, 0);
	assert_int_equal(plpmtu_next_deadline(&f.pl), t + cfg.reprobe);
	plpmtu_tick(&f.pl, t + cfg.reprobe - 1);
	f.limit = 1500;
	f.n_sent = 0;
	(void)run_search(&f, t + cfg.reprobe - 1, 1);
	assert_int_equal(f.sent[0], 1500);
	assert_int_equal(f.found_lost, 0);
	assert_int_equal(f.found_pass, 1500);
}

/* A send error (above the gateway's MRU) counts as lost at once, without waiting. */
static int failing_send(void *user_data, unsigned size)
{
	struct fake *f = user_data;

	if (fake_inner(NULL, size) > fake_inner(NULL, 1400)) {
		f->sent[f->n_sent++] = size;
		return -90;
	}
	return fake_send(user_data, size);
}

static void test_send_error_is_lost(void **state)
{
	static const struct plpmtu_ops ops = { failing_send, fake_inner, fake_found };
	struct fake f = { .limit = 1500 };
	usec_t t;

	(void)state;
	plpmtu_init(&f.pl, &cfg, &ops, &f);
	plpmtu_start(&f.pl, 0);
	assert_int_equal(plpmtu_next_deadline(&f.pl), 0);
	t = run_search(&f, 0, 0);
	assert_int_equal(fake_inner(NULL, f.found_pass), fake_inner(NULL, 1400));
	assert_true(t < USEC_PER_SEC);
}

/* Stopped (the link goes down): no probe, no deadline. */
static void test_stop(void **state)
{
	struct fake f = { .limit = 1300 };

	(void)state;
	plpmtu_init(&f.pl, &cfg, &fake_ops, &f);
	plpmtu_start(&f.pl, 0);
	plpmtu_stop(&f.pl);
	assert_int_equal(plpmtu_next_deadline(&f.pl), USEC_INFINITY);
	plpmtu_tick(&f.pl, 10 * USEC_PER_SEC);
	plpmtu_answered(&f.pl, 1500, 10 * USEC_PER_SEC);
	assert_int_equal(f.n_sent, 1);
	assert_int_equal(f.n_found, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_black_hole_1300),
		cmocka_unit_test(test_whole_path),
		cmocka_unit_test(test_silent_gateway),
		cmocka_unit_test(test_one_loss_retried),
		cmocka_unit_test(test_reprobe_finds_larger_path),
		cmocka_unit_test(test_send_error_is_lost),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
