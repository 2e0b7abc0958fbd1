/*
 * CHAP as the authenticated peer: CHAP-MD5 (RFC 1994 4.1, response =
 * MD5(id || secret || challenge)) and MS-CHAPv2 (RFC 2759 4-6: 49-octet
 * response, mutual authentication through "S=" in Success, "E=... M=..." in
 * Failure). The gateway's authenticator response is checked in constant
 * time; a missing or wrong one refuses the link.
 *
 * Real peers: l2tpns never sends CHAP Failure (it drops the call with a CDN,
 * which session/ maps to an auth failure); SoftEther sends
 * "E=691 R=0 C=... V=3". A retransmitted Challenge gets the same answer, so a
 * late Success still matches the response the gateway verified.
 *
 * A lost Success is never sent again by itself (the gateway has moved on to
 * the network phase); RFC 1994 4.2 has the authenticator answer a repeated
 * Response with it, so ours goes again every restart timer until the result
 * comes. SoftEther does not answer it (it drops a Response it has no
 * Challenge pending for) and goes on to IPCP: when the gateway's NCP packets
 * show it went on and one more Response brought nothing, the result is
 * lost for good and we fail at once, as a no-answer the session's
 * reconnect retries, rather than wait out the 30 s deadline (at 10 % loss
 * one connect in ten lost the Success).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "mschapv2.h"
#include "ppp-internal.h"
#include "util/log.h"

enum chap_code {
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

#define MSCHAPV2_RESPONSE_LEN 49

void chap_start(struct ppp *ppp, usec_t now)
{
	/* The gateway drives CHAP; we only bound how long it may take. */
	ppp->auth.deadline = now + ppp->cfg.restart_timer * ppp->cfg.max_configure;
	ppp->auth.resp_len = 0;
	ppp->auth.resends = 0;
	ppp->auth.peer_went_on = false;
}

_Static_assert(sizeof(((struct auth_state *)0)->resp_value) >= MSCHAPV2_RESPONSE_LEN,
	       "room for the longest Response value");

static int send_wire(struct ppp *ppp, uint8_t id, const uint8_t *value, size_t value_len)
{
	uint8_t buf[1 + 255 + 255];
	size_t user_len = strlen(ppp->user);
	int r;

	if (user_len > 255)
		user_len = 255;

	buf[0] = (uint8_t)value_len;
	memcpy(buf + 1, value, value_len);
	memcpy(buf + 1 + value_len, ppp->user, user_len);
	r = ppp_send_ctl(ppp, PPP_PROTO_CHAP, CHAP_RESPONSE, id, buf, 1 + value_len + user_len);
	rv_wipe(buf, sizeof(buf));
	return r;
}

/* Send a Response and keep it, to send again while no result comes. */
static int send_response(struct ppp *ppp, uint8_t id, const uint8_t *value, size_t value_len,
			 usec_t now)
{
	struct auth_state *a = &ppp->auth;

	memcpy(a->resp_value, value, value_len);
	a->resp_len = (uint8_t)value_len;
	a->resp_id = id;
	a->resend_at = now + ppp->cfg.restart_timer;
	return send_wire(ppp, id, value, value_len);
}

void chap_tick(struct ppp *ppp, usec_t now)
{
	struct auth_state *a = &ppp->auth;

	if (a->is_done || a->deadline == USEC_INFINITY)
		return;

	if (now >= a->deadline) {
		a->deadline = USEC_INFINITY;
		ppp_fail(ppp, PPP_FAILURE_AUTH_TIMEOUT, 0, "%s: no result from the gateway",
			 ppp_auth_method_name(ppp->lcp_st.auth));
		return;
	}

	if (!a->resp_len || now < a->resend_at)
		return;
	if (a->peer_went_on && a->resends > 0) {
		a->deadline = USEC_INFINITY;
		ppp_fail(ppp, PPP_FAILURE_AUTH_TIMEOUT, 0,
			 "%s: the gateway went on to IPCP, but its result never came (lost?)",
			 ppp_auth_method_name(ppp->lcp_st.auth));
		return;
	}
	a->resends++;
	rv_log_debug("ppp", "%s: no result yet, Response %u sent again",
		     ppp_auth_method_name(ppp->lcp_st.auth), a->resp_id);
	a->resend_at = now + ppp->cfg.restart_timer;
	(void)send_wire(ppp, a->resp_id, a->resp_value, a->resp_len);
}

usec_t chap_next_deadline(const struct ppp *ppp)
{
	const struct auth_state *a = &ppp->auth;

	/* The same guards as chap_tick(): a resend it would not do is no deadline
	 * (after ppp_close() stopped the wait, a past resend_at made the caller's
	 * loop spin until LCP had closed). */
	if (a->is_done || !a->resp_len || a->deadline == USEC_INFINITY)
		return a->deadline;
	return rv_usec_min(a->deadline, a->resend_at);
}

static int answer_md5(struct ppp *ppp, uint8_t id, const uint8_t *chal, size_t chal_len,
		      usec_t now)
{
	size_t pw_len;
	const uint8_t *pw = rv_secret_reveal(ppp->password, &pw_len);
	struct rv_iov iov[] = { { &id, 1 }, { pw, pw_len }, { chal, chal_len } };
	uint8_t digest[16];

	if (rv_hash_v(RV_HASH_MD5, iov, 3, digest) < 0)
		return -EIO;

	ppp->auth.has_response = true;
	ppp->auth.resp_id = id;
	return send_response(ppp, id, digest, sizeof(digest), now);
}

static int answer_mschapv2(struct ppp *ppp, uint8_t id, const uint8_t *chal, size_t chal_len,
			   usec_t now)
{
	struct auth_state *a = &ppp->auth;
	uint8_t value[MSCHAPV2_RESPONSE_LEN] = { 0 };
	size_t pw_len;
	const uint8_t *pw = rv_secret_reveal(ppp->password, &pw_len);
	int r;

	if (chal_len != MSCHAPV2_CHALLENGE_LEN)
		return -EBADMSG;

	/* Same challenge again (our answer was lost): same peer challenge, same answer */
	if (!(a->has_response && a->resp_id == id && rv_memeq(a->auth_challenge, chal, 16))) {
		if (rv_random_bytes(a->peer_challenge, 16) < 0)
			return -EIO;
		memcpy(a->auth_challenge, chal, 16);
		r = mschapv2_nt_response(a->auth_challenge, a->peer_challenge, ppp->user, pw, pw_len,
					 a->nt_response);
		if (r < 0)
			return r;
		a->has_response = true;
		a->resp_id = id;
	}

	/* RFC 2759 4: Peer-Challenge, 8 reserved zero octets, NT-Response, Flags 0 */
	memcpy(value, a->peer_challenge, 16);
	memcpy(value + 24, a->nt_response, 24);
	return send_response(ppp, id, value, sizeof(value), now);
}

static int rx_challenge(struct ppp *ppp, uint8_t id, struct rv_reader data, usec_t now)
{
	const uint8_t *chal;
	uint8_t chal_len;

	if (!rv_reader_u8(&data, &chal_len) || chal_len == 0 ||
	    !rv_reader_bytes(&data, &chal, chal_len))
		return -EBADMSG;

	/* The rest is the gateway's name; we answer with cfg->user whatever it says. */
	if (ppp->lcp_st.auth == PPP_AUTH_MSCHAPV2)
		return answer_mschapv2(ppp, id, chal, chal_len, now);
	return answer_md5(ppp, id, chal, chal_len, now);
}

static int hex_nibble(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "S=<40 hex>" at the start of the Success message (RFC 2759 5) -> 20 bytes. */
static bool parse_auth_response(struct rv_reader msg, uint8_t ret[20])
{
	const uint8_t *p;

	if (!rv_reader_bytes(&msg, &p, 2 + 40) || p[0] != 'S' || p[1] != '=')
		return false;

	for (size_t i = 0; i < 20; i++) {
		int hi = hex_nibble(p[2 + 2 * i]), lo = hex_nibble(p[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return false;
		ret[i] = (uint8_t)(hi << 4 | lo);
	}

	return true;
}

static void verify_success(struct ppp *ppp, struct rv_reader msg, usec_t now)
{
	struct auth_state *a = &ppp->auth;
	uint8_t got[20], want[20];
	size_t pw_len;
	const uint8_t *pw = rv_secret_reveal(ppp->password, &pw_len);
	bool is_ok;

	is_ok = parse_auth_response(msg, got) &&
		mschapv2_authenticator_response(pw, pw_len, a->nt_response, a->peer_challenge,
						a->auth_challenge, ppp->user, want) == 0 &&
		rv_memeq(got, want, sizeof(want));
	rv_wipe(want, sizeof(want));

	if (!is_ok) {
		ppp_fail(ppp, PPP_FAILURE_AUTH_PEER_BAD, 0,
			 "MS-CHAPv2: the gateway's authenticator response is missing or wrong "
			 "(gateway does not know the password)");
		return;
	}

	ppp_auth_succeeded(ppp, now);
}

static int rx_success(struct ppp *ppp, struct rv_reader msg, usec_t now)
{
	/* A Success before any Response, or a repeat after we went on, changes nothing */
	if (!ppp->auth.has_response || ppp->auth.is_done)
		return 0;

	if (ppp->lcp_st.auth == PPP_AUTH_MSCHAPV2)
		verify_success(ppp, msg, now);
	else
		ppp_auth_succeeded(ppp, now);
	return 0;
}

/* Find "<key>=" at the start of a space-separated token; the M= value runs to the end. */
static bool ms_field(struct rv_reader msg, char key, struct rv_reader *ret_val)
{
	const uint8_t *p = msg.data;
	size_t len = msg.len;

	for (size_t i = 0; i + 1 < len; i++) {
		size_t end = i + 2;

		if ((i > 0 && p[i - 1] != ' ') || p[i] != key || p[i + 1] != '=')
			continue;

		while (key != 'M' && end < len && p[end] != ' ')
			end++;
		if (key == 'M')
			end = len;
		*ret_val = rv_reader_init(p + i + 2, end - i - 2);
		return true;
	}

	return false;
}

static bool parse_decimal(struct rv_reader v, uint32_t *ret)
{
	uint64_t n = 0;

	if (v.len == 0 || v.len > 10)
		return false;

	for (size_t i = 0; i < v.len; i++) {
		if (v.data[i] < '0' || v.data[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v.data[i] - '0');
	}

	if (n > UINT32_MAX)
		return false;
	*ret = (uint32_t)n;
	return true;
}

static const char *ms_error_text(uint32_t e)
{
	switch (e) {
	case 646:
		return "logon not permitted at this time";
	case 647:
		return "account disabled";
	case 648:
		return "password expired";
	case 649:
		return "no dial-in permission";
	case 691:
		return "wrong user name or password";
	case 709:
		return "password change failed";
	}

	return NULL;
}

static void fail_mschapv2(struct ppp *ppp, struct rv_reader msg)
{
	struct rv_reader v;
	uint32_t e = 0;
	char esc[96] = "";
	const char *text;

	if (!ms_field(msg, 'E', &v) || !parse_decimal(v, &e))
		e = 0;
	text = ms_error_text(e);

	if (!text && ms_field(msg, 'M', &v))
		rv_log_escape(esc, sizeof(esc), v.data, v.len);
	else if (!text)
		rv_log_escape(esc, sizeof(esc), msg.data, msg.len);

	if (text)
		ppp_fail(ppp, PPP_FAILURE_AUTH_REJECTED, e, "MS-CHAPv2 rejected (E=%u): %s", e, text);
	else if (e)
		ppp_fail(ppp, PPP_FAILURE_AUTH_REJECTED, e, "MS-CHAPv2 rejected (E=%u): \"%s\"", e,
			 esc);
	else
		ppp_fail(ppp, PPP_FAILURE_AUTH_REJECTED, 0, "MS-CHAPv2 rejected: \"%s\"", esc);
}

static int rx_failure(struct ppp *ppp, struct rv_reader msg)
{
	if (ppp->lcp_st.auth == PPP_AUTH_MSCHAPV2) {
		fail_mschapv2(ppp, msg);
		return 0;
	}

	ppp_auth_rejected(ppp, "CHAP-MD5", msg.data, msg.len);
	return 0;
}

int chap_rx(struct ppp *ppp, const uint8_t *pkt, size_t len, usec_t now)
{
	struct rv_reader data;
	uint8_t code, id;
	int r;

	r = ppp_ctl_parse(pkt, len, &code, &id, &data);
	if (r < 0)
		return r;

	switch (code) {
	case CHAP_CHALLENGE:
		return rx_challenge(ppp, id, data, now);
	case CHAP_RESPONSE:
		/* We never challenge the gateway. */
		return 0;
	case CHAP_SUCCESS:
		return rx_success(ppp, data, now);
	case CHAP_FAILURE:
		return rx_failure(ppp, data);
	}

	return -EBADMSG;
}
