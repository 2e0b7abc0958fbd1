/* The user-facing failure line and the documented exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/phase.h"

static void test_failure_line_names_phase(void **state)
{
	struct session_failure f = {
		.phase = SESSION_PHASE_PPP_AUTH,
		.reason = SESSION_REASON_AUTH_FAILED,
		.peer_code = 691,
	};
	char line[320];

	strcpy(f.detail, "MS-CHAPv2 rejected (E=691): wrong user name or password");
	session_failure_message(&f, line, sizeof(line));
	assert_string_equal(line, "PPP: MS-CHAPv2 rejected (E=691): wrong user name or password");

	f.phase = SESSION_PHASE_L2TP_TUNNEL;
	f.detail[0] = '\0';
	f.reason = SESSION_REASON_NO_ANSWER;
	session_failure_message(&f, line, sizeof(line));
	assert_string_equal(line, "L2TP: no-answer");
}

static void test_exit_codes_are_distinct_per_cause(void **state)
{
	struct session_failure f = { .phase = SESSION_PHASE_L2TP_TUNNEL };

	f.reason = SESSION_REASON_NO_ANSWER;
	assert_int_equal(session_failure_exit_code(&f), 3);
	f.reason = SESSION_REASON_GATEWAY_REFUSED;   /* "gateway unreachable", as silence */
	assert_int_equal(session_failure_exit_code(&f), 3);
	assert_string_equal(session_reason_to_string(f.reason), "gateway-refused");
	f.reason = SESSION_REASON_AUTH_FAILED;
	assert_int_equal(session_failure_exit_code(&f), 4);
	f.reason = SESSION_REASON_TUNNEL_AUTH;
	assert_int_equal(session_failure_exit_code(&f), 4);
	f.reason = SESSION_REASON_PEER_CLOSED;
	assert_int_equal(session_failure_exit_code(&f), 5);
	f.phase = SESSION_PHASE_UP;
	assert_int_equal(session_failure_exit_code(&f), 9);
	f.reason = SESSION_REASON_PPP_NEGOTIATION;
	assert_int_equal(session_failure_exit_code(&f), 6);
	f.reason = SESSION_REASON_NETWORK_SETUP;
	assert_int_equal(session_failure_exit_code(&f), 7);
	f.reason = SESSION_REASON_PEER_DEAD;
	assert_int_equal(session_failure_exit_code(&f), 9);
	f.reason = SESSION_REASON_IPSEC_NEGOTIATION;
	assert_int_equal(session_failure_exit_code(&f), 8);
	f.reason = SESSION_REASON_NONE;
	assert_int_equal(session_failure_exit_code(&f), 0);
}

static void test_phase_names_are_stable(void **state)
{
	assert_string_equal(session_phase_to_string(SESSION_PHASE_L2TP_TUNNEL), "l2tp-tunnel");
	assert_string_equal(session_phase_to_string(SESSION_PHASE_PPP_AUTH), "ppp-auth");
	assert_string_equal(session_phase_to_string(SESSION_PHASE_UP), "up");
	assert_string_equal(session_phase_to_string(SESSION_PHASE_RECONNECT_WAIT),
			    "reconnect-wait");
	assert_string_equal(session_reason_to_string(SESSION_REASON_AUTH_FAILED), "auth-failed");
	for (int p = SESSION_PHASE_IDLE; p <= SESSION_PHASE_RECONNECT_WAIT; p++)
		assert_string_not_equal(session_phase_to_string(p), "unknown");
	for (int r = SESSION_REASON_NONE; r <= SESSION_REASON_INTERNAL; r++)
		assert_string_not_equal(session_reason_to_string(r), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failure_line_names_phase),
		cmocka_unit_test(test_exit_codes_are_distinct_per_cause),
		cmocka_unit_test(test_phase_names_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
