/*
 * Authentication: RFC 2759 9.2 MS-CHAPv2 vectors, RFC 1994 CHAP-MD5, the
 * MS-CHAPv2 exchange with the gateway's authenticator response checked,
 * Failure parsing (E=691 ...), and PAP as an opt-in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "ppp-harness.h"
#include "ppp/mschapv2.h"

/* https://www.rfc-editor.org/rfc/rfc2759#section-9.2 */
static const char v_user[] = "User";
static const char v_password[] = "clientPass";
static const uint8_t v_auth_challenge[16] = { 0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
					      0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28 };
static const uint8_t v_peer_challenge[16] = { 0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
					      0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E };
static const uint8_t v_challenge[8] = { 0xD0, 0x2E, 0x43, 0x86, 0xBC, 0xE9, 0x12, 0x26 };
static const uint8_t v_password_hash[16] = { 0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
					     0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE };
static const uint8_t v_nt_response[24] = { 0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E,
					   0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83, 0x54,
					   0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF };
static const char v_auth_response[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

static void hex_upper(const uint8_t *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02X", in[i]);
}

static void test_rfc2759_vectors(void **state)
{
	uint8_t hash[16], challenge[8], resp[24], digest[20];
	char s[43] = "S=";

	assert_int_equal(rv_crypto_init(), 0);
	assert_int_equal(mschapv2_nt_password_hash((const uint8_t *)v_password,
						   strlen(v_password), hash), 0);
	assert_memory_equal(hash, v_password_hash, 16);

	assert_int_equal(mschapv2_challenge_hash(v_peer_challenge, v_auth_challenge, v_user,
						 challenge), 0);
	assert_memory_equal(challenge, v_challenge, 8);

	assert_int_equal(mschapv2_nt_response(v_auth_challenge, v_peer_challenge, v_user,
					      (const uint8_t *)v_password, strlen(v_password), resp),
			 0);
	assert_memory_equal(resp, v_nt_response, 24);

	assert_int_equal(mschapv2_authenticator_response((const uint8_t *)v_password,
							 strlen(v_password), v_nt_response,
							 v_peer_challenge, v_auth_challenge, v_user,
							 digest), 0);
	hex_upper(digest, 20, s + 2);
	assert_string_equal(s, v_auth_response);
}

static void test_challenge_hash_strips_domain(void **state)
{
	uint8_t a[8], b[8];

	assert_int_equal(mschapv2_challenge_hash(v_peer_challenge, v_auth_challenge, "CORP\\User",
						 a), 0);
	assert_int_equal(mschapv2_challenge_hash(v_peer_challenge, v_auth_challenge, v_user, b), 0);
	assert_memory_equal(a, b, 8);
}

static void test_password_is_utf16le(void **state)
{
	/* "é" is U+00E9: UTF-16LE E9 00, so the hash equals MD4 of those two octets */
	uint8_t got[16], want[16];
	const uint8_t le[] = { 0xe9, 0x00 };

	assert_int_equal(mschapv2_nt_password_hash((const uint8_t *)"\xc3\xa9", 2, got), 0);
	assert_int_equal(rv_hash(RV_HASH_MD4, le, sizeof(le), want), 0);
	assert_memory_equal(got, want, 16);
}

/* LCP up with the given CHAP algorithm, then a 16-octet Challenge 00..0f with id 7. */
static struct h_ctl chap_challenge(struct harness *h, uint8_t alg)
{
	const uint8_t opts[] = { 3, 5, 0xc2, 0x23, alg };
	uint8_t chal[1 + 16 + 6] = { 16 };
	const struct ppp_event_info *start;

	for (int i = 0; i < 16; i++)
		chal[1 + i] = (uint8_t)i;
	memcpy(chal + 17, "ln-lns", 6);

	h_lcp_up(h, opts, sizeof(opts));
	start = h_event(h, PPP_EVENT_AUTH_START);
	assert_non_null(start);
	assert_int_equal(start->auth_method,
			 alg == 5 ? PPP_AUTH_CHAP_MD5 : PPP_AUTH_MSCHAPV2);
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 7, chal, sizeof(chal)), 0);
	return h_expect_ctl(h, 0xc223, 2);
}

static void test_chap_md5_response(void **state)
{
	struct harness *h = h_new(NULL);
	/* MD5(0x07 || "alice-secret" || 00..0f), computed independently */
	const uint8_t want[16] = { 0x1d, 0xcb, 0x42, 0x74, 0x92, 0x3b, 0x5e, 0x0b,
				   0x10, 0x3a, 0x44, 0x7b, 0x4d, 0x19, 0x6e, 0x84 };
	struct h_ctl r = chap_challenge(h, 5);

	assert_int_equal(r.id, 7);
	assert_int_equal(r.len, 1 + 16 + 5);
	assert_int_equal(r.data[0], 16);
	assert_memory_equal(r.data + 1, want, 16);
	assert_memory_equal(r.data + 17, "alice", 5);

	assert_null(h_event(h, PPP_EVENT_AUTH_OK));
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, "Welcome", 7), 0);
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_OK)->auth_method, PPP_AUTH_CHAP_MD5);
	/* network phase: IPCP starts */
	h_expect_ctl(h, 0x8021, 1);
	h_free(h);
}

static void test_chap_md5_failure(void **state)
{
	struct harness *h = h_new(NULL);
	const struct ppp_event_info *f;

	chap_challenge(h, 5);
	assert_int_equal(h_rx_ctl(h, 0xc223, 4, 7, "bad\001", 4), -EPROTO);
	f = h_event(h, PPP_EVENT_FAILED);
	assert_non_null(f);
	assert_int_equal(f->failure, PPP_FAILURE_AUTH_REJECTED);
	assert_string_equal(f->message, "CHAP-MD5 rejected: \"bad\\x01\"");
	h_free(h);
}

/* The S= the gateway would send for the response r. */
static void gateway_success(const struct h_ctl *r, char out[43])
{
	uint8_t digest[20], chal[16];

	for (int i = 0; i < 16; i++)
		chal[i] = (uint8_t)i;
	assert_int_equal(mschapv2_authenticator_response((const uint8_t *)"alice-secret", 12,
							 r->data + 1 + 24, r->data + 1, chal,
							 "alice", digest), 0);
	memcpy(out, "S=", 2);
	hex_upper(digest, 20, out + 2);
}

static void test_mschapv2_exchange(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl r = chap_challenge(h, 0x81);
	uint8_t chal[16], nt[24];
	char ok[43 + 10];

	assert_int_equal(r.len, 1 + 49 + 5);
	assert_int_equal(r.data[0], 49);
	for (int i = 0; i < 16; i++)
		chal[i] = (uint8_t)i;
	/* reserved octets zero, flags zero, NT-Response right for the peer challenge sent */
	for (int i = 17; i < 25; i++)
		assert_int_equal(r.data[i], 0);
	assert_int_equal(r.data[49], 0);
	assert_int_equal(mschapv2_nt_response(chal, r.data + 1, "alice",
					      (const uint8_t *)"alice-secret", 12, nt), 0);
	assert_memory_equal(r.data + 25, nt, 24);
	assert_memory_equal(r.data + 50, "alice", 5);

	gateway_success(&r, ok);
	strcat(ok, " M=Hello");
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, ok, strlen(ok)), 0);
	assert_non_null(h_event(h, PPP_EVENT_AUTH_OK));
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_mschapv2_retransmitted_challenge_same_answer(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl r1 = chap_challenge(h, 0x81), r2;
	uint8_t first[49], chal[1 + 16] = { 16 };

	memcpy(first, r1.data + 1, 49);
	for (int i = 0; i < 16; i++)
		chal[1 + i] = (uint8_t)i;
	assert_int_equal(h_rx_ctl(h, 0xc223, 1, 7, chal, sizeof(chal)), 0);
	r2 = h_expect_ctl(h, 0xc223, 2);
	assert_memory_equal(r2.data + 1, first, 49);
	h_free(h);
}

/*
 * The Success is lost: the same Response goes again every restart timer
 * (RFC 1994 4.2: the gateway answers it with Success again), and the late
 * Success is accepted; none goes after it.
 */
static void test_mschapv2_response_repeated_until_result(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl r1 = chap_challenge(h, 0x81), r2;
	uint8_t first[49];
	char ok[43];

	memcpy(first, r1.data + 1, 49);
	h_tick(h, 2900 * USEC_PER_MSEC);
	assert_true(h_no_more_tx(h));
	h_tick(h, 200 * USEC_PER_MSEC);
	r2 = h_expect_ctl(h, 0xc223, 2);
	assert_int_equal(r2.id, 7);
	assert_memory_equal(r2.data + 1, first, 49);
	h_tick(h, 3 * USEC_PER_SEC);
	r2 = h_expect_ctl(h, 0xc223, 2);
	assert_memory_equal(r2.data + 1, first, 49);

	gateway_success(&r1, ok);
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, ok, 42), 0);
	assert_non_null(h_event(h, PPP_EVENT_AUTH_OK));
	h_expect_ctl(h, 0x8021, 1);
	/* a restart timer on: IPCP's Configure-Request again, no CHAP Response */
	h_tick(h, 3 * USEC_PER_SEC);
	while (!h_no_more_tx(h))
		h_expect_ctl(h, 0x8021, 1);
	h_free(h);
}

static void test_chap_md5_response_repeated(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl r1 = chap_challenge(h, 5), r2;
	uint8_t first[16];

	memcpy(first, r1.data + 1, 16);
	h_tick(h, 3 * USEC_PER_SEC);
	r2 = h_expect_ctl(h, 0xc223, 2);
	assert_int_equal(r2.id, 7);
	assert_memory_equal(r2.data + 1, first, 16);
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, "Welcome", 7), 0);
	assert_non_null(h_event(h, PPP_EVENT_AUTH_OK));
	h_free(h);
}

/* No result at all by the deadline: a timeout, not a rejected password. */
static void test_chap_no_result_is_timeout(void **state)
{
	struct harness *h = h_new(NULL);
	const struct ppp_event_info *f;

	chap_challenge(h, 0x81);
	for (int i = 0; i < 10 && !h_event(h, PPP_EVENT_FAILED); i++)
		h_tick(h, 3 * USEC_PER_SEC);
	f = h_event(h, PPP_EVENT_FAILED);
	assert_non_null(f);
	assert_int_equal(f->failure, PPP_FAILURE_AUTH_TIMEOUT);
	assert_string_equal(f->message, "MS-CHAPv2: no result from the gateway");
	h_free(h);
}

/* SoftEther: its Success lost, it goes on to IPCP and ignores our Response: fail at once. */
static void test_chap_gateway_went_on_without_result(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t ipcp_req[] = { 3, 6, 203, 0, 113, 254 };
	const struct ppp_event_info *f;

	chap_challenge(h, 0x81);
	assert_int_equal(h_rx_ctl(h, 0x8021, 1, 1, ipcp_req, sizeof(ipcp_req)), 0);
	h_tick(h, 3 * USEC_PER_SEC);
	h_expect_ctl(h, 0xc223, 2);
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_tick(h, 3 * USEC_PER_SEC);
	f = h_event(h, PPP_EVENT_FAILED);
	assert_non_null(f);
	assert_int_equal(f->failure, PPP_FAILURE_AUTH_TIMEOUT);
	assert_string_equal(f->message, "MS-CHAPv2: the gateway went on to IPCP, but its result "
					"never came (lost?)");
	h_free(h);
}

static void test_mschapv2_bad_authenticator_refused(void **state)
{
	struct harness *h = h_new(NULL);
	struct h_ctl r = chap_challenge(h, 0x81);
	char ok[43];

	gateway_success(&r, ok);
	ok[10] = ok[10] == '0' ? '1' : '0';
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, ok, 42), -EPROTO);
	assert_null(h_event(h, PPP_EVENT_AUTH_OK));
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_AUTH_PEER_BAD);
	/* nothing further goes out: no IPCP on a link we refused */
	assert_true(h_no_more_tx(h));
	assert_int_equal(ppp_next_deadline(h->ppp), USEC_INFINITY);

	/* the session still closes it cleanly: the gateway hears a Terminate-Request */
	ppp_close(h->ppp, h->now);
	r = h_expect_ctl(h, 0xc021, 5);
	assert_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_int_equal(h_rx_ctl(h, 0xc021, 6, r.id, NULL, 0), 0);
	assert_non_null(h_event(h, PPP_EVENT_TERMINATED));
	assert_int_equal(h_rx_ctl(h, 0xc021, 6, r.id, NULL, 0), -ENOMSG);
	h_free(h);
}

static void test_mschapv2_missing_authenticator_refused(void **state)
{
	struct harness *h = h_new(NULL);

	chap_challenge(h, 0x81);
	assert_int_equal(h_rx_ctl(h, 0xc223, 3, 7, "M=Welcome", 9), -EPROTO);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_AUTH_PEER_BAD);
	h_free(h);
}

static void expect_ms_failure(const char *msg, uint32_t code, const char *text)
{
	struct harness *h = h_new(NULL);
	const struct ppp_event_info *f;

	chap_challenge(h, 0x81);
	assert_int_equal(h_rx_ctl(h, 0xc223, 4, 7, msg, strlen(msg)), -EPROTO);
	f = h_event(h, PPP_EVENT_FAILED);
	assert_non_null(f);
	assert_int_equal(f->failure, PPP_FAILURE_AUTH_REJECTED);
	assert_int_equal(f->peer_code, code);
	assert_string_equal(f->message, text);
	h_free(h);
}

static void test_mschapv2_failure_parsing(void **state)
{
	expect_ms_failure("E=691 R=0 C=0123456789ABCDEF0123456789ABCDEF V=3", 691,
			  "MS-CHAPv2 rejected (E=691): wrong user name or password");
	expect_ms_failure("E=648 R=0 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Password expired",
			  648, "MS-CHAPv2 rejected (E=648): password expired");
	expect_ms_failure("E=649 R=0 V=3", 649, "MS-CHAPv2 rejected (E=649): no dial-in permission");
	expect_ms_failure("E=646 R=0 V=3", 646,
			  "MS-CHAPv2 rejected (E=646): logon not permitted at this time");
	expect_ms_failure("E=647 R=0 V=3", 647, "MS-CHAPv2 rejected (E=647): account disabled");
	expect_ms_failure("E=709 R=0 V=3", 709, "MS-CHAPv2 rejected (E=709): password change failed");
	expect_ms_failure("E=999 R=0 V=3 M=Go away now", 999,
			  "MS-CHAPv2 rejected (E=999): \"Go away now\"");
	expect_ms_failure("E=99999999999 junk", 0, "MS-CHAPv2 rejected: \"E=99999999999 junk\"");
	expect_ms_failure("", 0, "MS-CHAPv2 rejected: \"\"");
}

static void test_pap_opt_in(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 3, 4, 0xc0, 0x23 };
	struct harness *h;
	struct h_ctl r1, r2;

	cfg.auth_allowed = PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_START)->auth_method, PPP_AUTH_PAP);
	r1 = h_expect_ctl(h, 0xc023, 1);
	assert_int_equal(r1.len, 1 + 5 + 1 + 12);
	assert_memory_equal(r1.data, "\005alice\014alice-secret", 19);

	/* unanswered: retransmitted with a fresh identifier */
	h_tick(h, 3 * USEC_PER_SEC);
	r2 = h_expect_ctl(h, 0xc023, 1);
	assert_int_not_equal(r1.id, r2.id);

	assert_int_equal(h_rx_ctl(h, 0xc023, 2, r2.id, "\002OK", 3), 0);
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_OK)->auth_method, PPP_AUTH_PAP);
	h_free(h);
}

/* LCP up with PAP as the one method: the harness, and our first Authenticate-Request in *r. */
static struct harness *pap_requested(struct h_ctl *r)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 3, 4, 0xc0, 0x23 };
	struct harness *h;

	cfg.auth_allowed = PPP_AUTH_PAP;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	*r = h_expect_ctl(h, 0xc023, 1);
	return h;
}

static void test_pap_nak(void **state)
{
	struct h_ctl r;
	struct harness *h = pap_requested(&r);

	assert_int_equal(h_rx_ctl(h, 0xc023, 3, r.id, "\006Denied", 7), -EPROTO);
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_AUTH_REJECTED);
	assert_string_equal(h_event(h, PPP_EVENT_FAILED)->message, "PAP rejected: \"Denied\"");
	h_free(h);
}

static void test_pap_nak_malformed(void **state)
{
	struct h_ctl r;
	struct harness *h = pap_requested(&r);

	/* Msg-Length runs past the packet */
	assert_int_equal(h_rx_ctl(h, 0xc023, 3, r.id, "\050Denied", 7), -EBADMSG);
	assert_null(h_event(h, PPP_EVENT_FAILED));
	h_free(h);
}

static void test_pap_gives_up_without_answer(void **state)
{
	struct ppp_config cfg = h_default_config();
	const uint8_t opts[] = { 3, 4, 0xc0, 0x23 };
	struct harness *h;

	cfg.auth_allowed = PPP_AUTH_PAP;
	cfg.max_configure = 3;
	h = h_new(&cfg);
	h_lcp_up(h, opts, sizeof(opts));
	for (int i = 0; i < 3; i++) {
		h_expect_ctl(h, 0xc023, 1);
		h_tick(h, 3 * USEC_PER_SEC);
	}
	/* silence is not a wrong password: the session retries it */
	assert_int_equal(h_event(h, PPP_EVENT_FAILED)->failure, PPP_FAILURE_AUTH_TIMEOUT);
	h_free(h);
}

static void test_no_auth_requested(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t opts[] = { 1, 4, 0x05, 0xdc };

	h_lcp_up(h, opts, sizeof(opts));
	assert_null(h_event(h, PPP_EVENT_AUTH_START));
	assert_int_equal(h_event(h, PPP_EVENT_AUTH_OK)->auth_method, PPP_AUTH_NONE);
	h_expect_ctl(h, 0x8021, 1);
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2759_vectors),
		cmocka_unit_test(test_challenge_hash_strips_domain),
		cmocka_unit_test(test_password_is_utf16le),
		cmocka_unit_test(test_chap_md5_response),
		cmocka_unit_test(test_chap_md5_failure),
		cmocka_unit_test(test_mschapv2_exchange),
		cmocka_unit_test(test_mschapv2_retransmitted_challenge_same_answer),
		cmocka_unit_test(test_mschapv2_response_repeated_until_result),
		cmocka_unit_test(test_chap_md5_response_repeated),
		cmocka_unit_test(test_chap_no_result_is_timeout),
		cmocka_unit_test(test_chap_gateway_went_on_without_result),
		cmocka_unit_test(test_mschapv2_bad_authenticator_refused),
		cmocka_unit_test(test_mschapv2_missing_authenticator_refused),
		cmocka_unit_test(test_mschapv2_failure_parsing),
		cmocka_unit_test(test_pap_opt_in),
		cmocka_unit_test(test_pap_nak),
		cmocka_unit_test(test_pap_nak_malformed),
		cmocka_unit_test(test_pap_gives_up_without_answer),
		cmocka_unit_test(test_no_auth_requested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
