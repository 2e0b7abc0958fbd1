/*
 * When ICMP unreachables to UDP/500 decide that the gateway refuses IKE
 * (session/refusal.c): two refused datagrams at once, one followed by the
 * grace period of silence, never after the gateway answered; and the error
 * queue read that feeds it (net_socket_take_errors) on a real socket, with
 * the kernel's own port unreachable from loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "session/refusal.h"

#define S USEC_PER_SEC

static void test_two_refusals_decide(void **state)
{
	struct session_refusal r;

	session_refusal_reset(&r);
	assert_false(session_refusal_decided(&r, 100 * S));
	assert_true(session_refusal_deadline(&r) == USEC_INFINITY);
	session_refusal_note(&r, NET_UNREACH_PORT, 1, 100 * S);
	assert_false(session_refusal_decided(&r, 100 * S));      /* one ICMP is not proof */
	session_refusal_note(&r, NET_UNREACH_PORT, 1, 101 * S);  /* the retransmission's */
	assert_true(session_refusal_decided(&r, 101 * S));
	assert_int_equal(r.kind, NET_UNREACH_PORT);
}

static void test_one_refusal_then_silence(void **state)
{
	struct session_refusal r;

	session_refusal_reset(&r);
	session_refusal_note(&r, NET_UNREACH_PROHIBITED, 1, 10 * S);
	assert_true(session_refusal_deadline(&r) == 10 * S + SESSION_REFUSAL_GRACE);
	assert_false(session_refusal_decided(&r, 10 * S + SESSION_REFUSAL_GRACE - 1));
	assert_true(session_refusal_decided(&r, 10 * S + SESSION_REFUSAL_GRACE));
	/* Well before IKE's own 20 s, and within the few seconds users wait. */
	assert_true(SESSION_REFUSAL_GRACE <= 5 * S);
}

static void test_an_answer_overrules(void **state)
{
	struct session_refusal r;

	session_refusal_reset(&r);
	session_refusal_note(&r, NET_UNREACH_PORT, 1, 1 * S);
	session_refusal_note_answer(&r);              /* it speaks IKE: the ICMP was stale or forged */
	session_refusal_note(&r, NET_UNREACH_PORT, 5, 2 * S);
	assert_false(session_refusal_decided(&r, 60 * S));
	assert_true(session_refusal_deadline(&r) == USEC_INFINITY);
}

static void test_nothing_refused(void **state)
{
	struct session_refusal r;

	session_refusal_reset(&r);
	session_refusal_note(&r, NET_UNREACH_NONE, 3, 1 * S);  /* only fragmentation needed */
	session_refusal_note(&r, NET_UNREACH_PORT, 0, 1 * S);
	assert_false(session_refusal_decided(&r, 60 * S));
}

static void test_describe(void **state)
{
	struct session_refusal r = { .kind = NET_UNREACH_PORT, .count = 2 };
	char line[128];

	session_refusal_describe(&r, 500, line, sizeof(line));
	assert_string_equal(line, "UDP port 500 unreachable (ICMP)");
	r.kind = NET_UNREACH_PROHIBITED;
	session_refusal_describe(&r, 500, line, sizeof(line));
	assert_non_null(strstr(line, "administratively prohibited"));
	r.kind = NET_UNREACH_HOST;
	session_refusal_describe(&r, 500, line, sizeof(line));
	assert_non_null(strstr(line, "host or network unreachable"));
}

/* A UDP port on loopback nobody listens on (bound, then closed). */
static uint16_t closed_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void test_error_queue_port_unreachable(void **state)
{
	struct net_sock_errors errs;
	struct pollfd pfd = { .events = POLLIN };
	uint16_t port = closed_port();
	int fd;

	assert_int_equal(net_udp_open(htonl(INADDR_LOOPBACK), port, NULL, &fd), 0);
	assert_int_equal(net_socket_recverr(fd, true), 0);
	for (int i = 0; i < 2; i++)
		assert_true(send(fd, "x", 1, 0) == 1 || i > 0);
	pfd.fd = fd;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_true(pfd.revents & POLLERR);
	net_socket_take_errors(fd, &errs);
	assert_int_equal(errs.unreach, NET_UNREACH_PORT);
	assert_true(errs.n_unreach >= 1);
	assert_int_equal(errs.frag_mtu, 0);
	/* Drained: poll() no longer reports an error (beyond the pending sk_err, read once). */
	(void)recv(fd, &errs, sizeof(errs), MSG_DONTWAIT);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_refusals_decide),
		cmocka_unit_test(test_one_refusal_then_silence),
		cmocka_unit_test(test_an_answer_overrules),
		cmocka_unit_test(test_nothing_refused),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_error_queue_port_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
