/*
 * PAP (RFC 1334 2), only when the profile opts in: the password crosses
 * the link in clear (inside IPsec in production). Authenticate-Request is
 * retransmitted on the restart timer with a fresh identifier each time
 * (RFC 1334 2.2.1); Ack opens the network phase, Nak fails with the
 * gateway's message escaped. l2tpns never Naks: it drops the call instead.
 */
#include <errno.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ppp-internal.h"
#include "util/log.h"

enum pap_code {
	PAP_AUTH_REQ = 1,
	PAP_AUTH_ACK = 2,
	PAP_AUTH_NAK = 3,
};

static void send_request(struct ppp *ppp, usec_t now)
{
	uint8_t buf[2 + 255 + 255];
	size_t pw_len, user_len = strlen(ppp->user);
	const uint8_t *pw = rv_secret_reveal(ppp->password, &pw_len);

	if (user_len > 255 || pw_len > 255) {
		ppp_fail(ppp, PPP_FAILURE_AUTH_REJECTED, 0,
			 "PAP: user name or password longer than 255 octets");
		return;
	}

	buf[0] = (uint8_t)user_len;
	memcpy(buf + 1, ppp->user, user_len);
	buf[1 + user_len] = (uint8_t)pw_len;
	memcpy(buf + 2 + user_len, pw, pw_len);

	ppp->auth.tries++;
	ppp->auth.deadline = now + ppp->cfg.restart_timer;
	ppp->auth.has_response = true;
	ppp_send_ctl(ppp, PPP_PROTO_PAP, PAP_AUTH_REQ, ++ppp->auth.id, buf, 2 + user_len + pw_len);
	rv_wipe(buf, sizeof(buf));
}

void pap_start(struct ppp *ppp, usec_t now)
{
	ppp->auth.tries = 0;
	send_request(ppp, now);
}

void pap_tick(struct ppp *ppp, usec_t now)
{
	if (ppp->auth.is_done || ppp->auth.deadline == USEC_INFINITY || now < ppp->auth.deadline)
		return;

	if (ppp->auth.tries >= ppp->cfg.max_configure) {
		ppp->auth.deadline = USEC_INFINITY;
		ppp_fail(ppp, PPP_FAILURE_AUTH_TIMEOUT, 0, "PAP: no answer from the gateway");
		return;
	}

	send_request(ppp, now);
}

int pap_rx(struct ppp *ppp, const uint8_t *pkt, size_t len, usec_t now)
{
	struct rv_reader data, msg = { 0 };
	uint8_t code, id, msg_len = 0;
	int r;

	r = ppp_ctl_parse(pkt, len, &code, &id, &data);
	if (r < 0)
		return r;

	if (code != PAP_AUTH_ACK && code != PAP_AUTH_NAK)
		return code == PAP_AUTH_REQ ? 0 : -EBADMSG;

	/* Msg-Length and Message; some servers leave both out of an Ack */
	if (rv_reader_left(&data) > 0 &&
	    (!rv_reader_u8(&data, &msg_len) || !rv_reader_sub(&data, msg_len, &msg)))
		return -EBADMSG;

	if (!ppp->auth.has_response || ppp->auth.is_done)
		return 0;

	if (code == PAP_AUTH_ACK) {
		ppp_auth_succeeded(ppp, now);
		return 0;
	}

	ppp_auth_rejected(ppp, "PAP", msg.data, msg.len);
	return 0;
}
