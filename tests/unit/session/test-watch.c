/*
 * The network watch's decisions (session/watch.c): the debounce (settle
 * after the last notification, never later than a bound after the first)
 * and the verdict on the path to the gateway before and after (another
 * device or next hop, our address gone, no route for now).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/watch.h"

static void test_settle(void **state)
{
	usec_t t0 = 100 * USEC_PER_SEC;

	/* one notification: settle after SESSION_WATCH_SETTLE */
	assert_int_equal(session_watch_settle_at(t0, t0), t0 + SESSION_WATCH_SETTLE);
	/* a burst keeps pushing it back ... */
	assert_int_equal(session_watch_settle_at(t0, t0 + 200 * USEC_PER_MSEC),
			 t0 + 500 * USEC_PER_MSEC);
	/* ... but never past SESSION_WATCH_SETTLE_MAX after the first */
	assert_int_equal(session_watch_settle_at(t0, t0 + 900 * USEC_PER_MSEC),
			 t0 + SESSION_WATCH_SETTLE_MAX);
	assert_true(SESSION_WATCH_SETTLE >= 100 * USEC_PER_MSEC);
	assert_true(SESSION_WATCH_SETTLE_MAX <= 2 * USEC_PER_SEC);
}

static void test_judge(void **state)
{
	const struct net_underlay eth = { .ifindex = 2, .via = 0x0101a8c0 };
	const struct net_underlay eth_other_hop = { .ifindex = 2, .via = 0x0201a8c0 };
	const struct net_underlay wlan = { .ifindex = 3, .via = 0x0100000a };
	char cause[200] = "";

	assert_int_equal(session_watch_judge(0, &eth, 0, &eth, true, cause, sizeof(cause)),
			 SESSION_WATCH_SAME);
	assert_string_equal(cause, "");
	assert_int_equal(session_watch_judge(0, &eth, 0, &wlan, true, cause, sizeof(cause)),
			 SESSION_WATCH_CHANGED);
	assert_non_null(strstr(cause, "the route to the gateway moved"));
	assert_int_equal(session_watch_judge(0, &eth, 0, &eth_other_hop, true, cause, sizeof(cause)),
			 SESSION_WATCH_CHANGED);
	/* the same route, but our address went (a new DHCP lease on the same network) */
	assert_int_equal(session_watch_judge(0, &eth, 0, &eth, false, cause, sizeof(cause)),
			 SESSION_WATCH_CHANGED);
	assert_non_null(strstr(cause, "our address on the underlay is gone"));
	/* nothing reaches the gateway for now: wait, whatever else */
	assert_int_equal(session_watch_judge(0, &eth, -ENETUNREACH, &eth, false, cause, sizeof(cause)),
			 SESSION_WATCH_NO_ROUTE);
	/* there was no route when the attempt started; there is one now */
	assert_int_equal(session_watch_judge(-ENETUNREACH, &eth, 0, &eth, true, cause, sizeof(cause)),
			 SESSION_WATCH_CHANGED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
