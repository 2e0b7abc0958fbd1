/*
 * The PPP client object: phases (RFC 1661 3.2: Establish, Authenticate,
 * Network, Terminate), the events session/ sees, timers and teardown.
 * LCP opens first; authentication runs only when the gateway asked for it
 * in its Configure-Request; then IPCP, and IPv6CP once IPCP is up (l2tpns
 * only runs IPv6CP after it has assigned the IPv4 address). IPCP_UP never
 * waits for IPv6CP, whose failure is not fatal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ppp-internal.h"
#include "util/log.h"

#define DEFAULT_MRU 1400
#define DEFAULT_ECHO_INTERVAL (10 * USEC_PER_SEC)
#define DEFAULT_ECHO_FAILURES 4
#define DEFAULT_RESTART_TIMER (3 * USEC_PER_SEC)
#define DEFAULT_MAX_CONFIGURE 10
#define DEFAULT_MAX_TERMINATE 2
#define DEFAULT_MAX_FAILURE 5
#define AUTH_METHODS (PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2)

const char *ppp_auth_method_name(enum ppp_auth_method m)
{
	switch (m) {
	case PPP_AUTH_NONE:
		return "none";
	case PPP_AUTH_PAP:
		return "PAP";
	case PPP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	}

	return "?";
}

static void config_defaults(struct ppp_config *c)
{
	c->auth_allowed &= AUTH_METHODS;
	if (!c->auth_allowed)
		c->auth_allowed = PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5;
	if (!c->mru)
		c->mru = DEFAULT_MRU;
	if (c->mru < PPP_MIN_MRU)
		c->mru = PPP_MIN_MRU;
	if (c->mru > PPP_DEFAULT_MTU)
		c->mru = PPP_DEFAULT_MTU;
	if (!c->echo_interval)
		c->echo_interval = DEFAULT_ECHO_INTERVAL;
	if (!c->echo_failures)
		c->echo_failures = DEFAULT_ECHO_FAILURES;
	if (!c->restart_timer)
		c->restart_timer = DEFAULT_RESTART_TIMER;
	if (!c->max_configure)
		c->max_configure = DEFAULT_MAX_CONFIGURE;
	if (!c->max_terminate)
		c->max_terminate = DEFAULT_MAX_TERMINATE;
	if (!c->max_failure)
		c->max_failure = DEFAULT_MAX_FAILURE;
}

/*
 * Create a PPP client. cfg is copied (user and password too); ops must
 * provide tx and event. Returns NULL on allocation failure or bad arguments.
 */
struct ppp *ppp_new(const struct ppp_config *cfg, const struct ppp_ops *ops, void *user_data)
{
	struct ppp *ppp;

	if (!cfg || !ops || !ops->tx || !ops->event)
		return NULL;

	ppp = calloc(1, sizeof(*ppp));
	if (!ppp)
		return NULL;

	ppp->cfg = *cfg;
	config_defaults(&ppp->cfg);
	ppp->user = strdup(cfg->user ? cfg->user : "");
	ppp->password = cfg->password ? rv_secret_dup(cfg->password) : rv_secret_new("", 0);
	if (!ppp->user || !ppp->password) {
		ppp_free(ppp);
		return NULL;
	}

	ppp->cfg.user = ppp->user;
	ppp->cfg.password = ppp->password;
	ppp->ops = *ops;
	ppp->user_data = user_data;
	ppp->auth.deadline = USEC_INFINITY;
	lcp_init(ppp);
	ipcp_init(ppp);
	ipv6cp_init(ppp);
	return ppp;
}

void ppp_free(struct ppp *ppp)
{
	if (!ppp)
		return;

	rv_secret_free(ppp->password);
	free(ppp->user);
	rv_wipe(&ppp->auth, sizeof(ppp->auth));
	free(ppp);
}

int ppp_start(struct ppp *ppp, usec_t now)
{
	if (ppp->phase != PPP_PHASE_DEAD || ppp->has_failed)
		return -EALREADY;

	ppp->phase = PPP_PHASE_ESTABLISH;
	ppp_fsm_open(&ppp->lcp, now);
	return 0;
}

void ppp_emit(struct ppp *ppp, enum ppp_event ev)
{
	ppp->ops.event(ppp->user_data, ev, &ppp->info);
}

/* The first fatal error wins; later ones are consequences. Never pass a secret in fmt's args. */
void ppp_fail(struct ppp *ppp, enum ppp_failure failure, uint32_t peer_code, const char *fmt, ...)
{
	va_list ap;

	if (ppp->has_failed)
		return;

	ppp->has_failed = true;
	ppp->phase = PPP_PHASE_DEAD;
	ppp->info.failure = failure;
	ppp->info.peer_code = peer_code;
	va_start(ap, fmt);
	vsnprintf(ppp->info.message, sizeof(ppp->info.message), fmt, ap);
	va_end(ap);
	rv_log_debug("ppp", "failed: %s", ppp->info.message);
	ppp_emit(ppp, PPP_EVENT_FAILED);
}

uint16_t ppp_peer_mru(const struct ppp *ppp)
{
	uint16_t mru = ppp->lcp_st.peer_mru;

	/* Bounded below by the LCP Nak, above so rejected-packet copies fit our buffers */
	if (mru < PPP_MIN_MRU)
		return PPP_MIN_MRU;
	return mru > PPP_DEFAULT_MTU ? PPP_DEFAULT_MTU : mru;
}

static bool is_running(const struct ppp *ppp)
{
	return !ppp->has_failed && !ppp->is_closing && ppp->phase != PPP_PHASE_DEAD;
}

void ppp_link_up(struct ppp *ppp, usec_t now)
{
	const struct lcp_state *st = &ppp->lcp_st;
	uint16_t ours = st->send_mru ? st->want_mru : ppp->cfg.mru;

	ppp->phase = PPP_PHASE_AUTHENTICATE;
	ppp->info.mtu = st->peer_mru < ours ? st->peer_mru : ours;
	ppp->info.auth_method = st->auth;
	lcp_echo_start(ppp, now);
	rv_log_debug("ppp", "LCP up: mtu %u, auth %s", ppp->info.mtu,
		     ppp_auth_method_name(st->auth));
	ppp_emit(ppp, PPP_EVENT_LCP_UP);
	if (!is_running(ppp))
		return;

	switch (st->auth) {
	case PPP_AUTH_NONE:
		ppp_auth_succeeded(ppp, now);
		return;
	case PPP_AUTH_PAP:
		ppp_emit(ppp, PPP_EVENT_AUTH_START);
		if (is_running(ppp))
			pap_start(ppp, now);
		return;
	case PPP_AUTH_CHAP_MD5:
	case PPP_AUTH_MSCHAPV2:
		ppp_emit(ppp, PPP_EVENT_AUTH_START);
		if (is_running(ppp))
			chap_start(ppp, now);
		return;
	}
}

void ppp_auth_succeeded(struct ppp *ppp, usec_t now)
{
	ppp->auth.is_done = true;
	ppp->auth.deadline = USEC_INFINITY;
	ppp->phase = PPP_PHASE_NETWORK;
	ppp_emit(ppp, PPP_EVENT_AUTH_OK);
	if (is_running(ppp))
		ppp_fsm_open(&ppp->ipcp, now);
}

/* PAP Nak, CHAP-MD5 Failure: the gateway's message, escaped, or a likely cause without one. */
void ppp_auth_rejected(struct ppp *ppp, const char *method, const uint8_t *msg, size_t len)
{
	char esc[96];

	rv_log_escape(esc, sizeof(esc), msg, len);
	ppp_fail(ppp, PPP_FAILURE_AUTH_REJECTED, 0, "%s rejected%s%s%s", method,
		 len ? ": \"" : " (wrong user name or password?)", len ? esc : "", len ? "\"" : "");
}

void ppp_ipcp_opened(struct ppp *ppp, usec_t now)
{
	if (ppp->cfg.want_ipv6 && ppp->ipv6cp.state == PPP_FSM_INITIAL)
		ppp_fsm_open(&ppp->ipv6cp, now);
}

void ppp_link_finished(struct ppp *ppp)
{
	if (ppp->phase == PPP_PHASE_DEAD)
		return;

	ppp->phase = PPP_PHASE_DEAD;
	rv_log_debug("ppp", "link terminated");
	ppp_emit(ppp, PPP_EVENT_TERMINATED);
}

/*
 * Clean close: NCPs are dropped silently, LCP sends Terminate-Request (RFC
 * 1661 3.7) and PPP_EVENT_TERMINATED follows the Ack or the last timeout.
 * Also valid after PPP_EVENT_FAILED, so a gateway we refused (bad
 * authenticator, no address) still hears a Terminate; when LCP is not open
 * TERMINATED is emitted at once.
 */
void ppp_close(struct ppp *ppp, usec_t now)
{
	if (!ppp || ppp->is_closing)
		return;

	ppp->is_closing = true;
	ppp->phase = PPP_PHASE_TERMINATE;
	ppp->auth.deadline = USEC_INFINITY;
	ppp->lcp_st.echo_deadline = USEC_INFINITY;
	ppp_fsm_stop(&ppp->ipv6cp);
	ppp_fsm_stop(&ppp->ipcp);

	switch (ppp->lcp.state) {
	case PPP_FSM_INITIAL:
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		ppp_link_finished(ppp);
		return;
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
	case PPP_FSM_OPENED:
		ppp_fsm_close(&ppp->lcp, now);
		return;
	}
}

void ppp_tick(struct ppp *ppp, usec_t now)
{
	struct ppp_fsm *fsms[] = { &ppp->lcp, &ppp->ipcp, &ppp->ipv6cp };

	/* ppp_fail() moves to Dead, which stops every timer below */
	for (size_t i = 0; i < sizeof(fsms) / sizeof(fsms[0]); i++) {
		if (ppp->phase == PPP_PHASE_DEAD)
			return;
		ppp_fsm_tick(fsms[i], now);
	}

	if (ppp->phase == PPP_PHASE_DEAD)
		return;

	if (ppp->lcp_st.auth == PPP_AUTH_PAP)
		pap_tick(ppp, now);
	else
		chap_tick(ppp, now);

	if (ppp->phase != PPP_PHASE_DEAD)
		lcp_echo_tick(ppp, now);
}

usec_t ppp_next_deadline(const struct ppp *ppp)
{
	usec_t d;

	if (ppp->phase == PPP_PHASE_DEAD)
		return USEC_INFINITY;

	d = rv_usec_min(ppp->lcp.deadline, ppp->ipcp.deadline);
	d = rv_usec_min(d, ppp->ipv6cp.deadline);
	d = rv_usec_min(d, ppp->lcp_st.auth == PPP_AUTH_PAP ? ppp->auth.deadline :
							     chap_next_deadline(ppp));
	return rv_usec_min(d, ppp->lcp_st.echo_deadline);
}

void ppp_probe(struct ppp *ppp, usec_t now, usec_t interval, unsigned int tries)
{
	if (ppp && is_running(ppp))
		lcp_echo_probe(ppp, now, interval, tries);
}

void ppp_note_rx_activity(struct ppp *ppp, usec_t now)
{
	if (ppp && is_running(ppp))
		lcp_note_rx(ppp, now);
}
