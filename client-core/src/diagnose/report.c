/*
 * The diagnose report from what a connection attempt recorded: which step
 * failed and why, from the failure record (phase, reason) and the session's
 * evidence (what IKE heard, whether ESP came back, ...). The steps before
 * it passed, the ones after it were not reached.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>

#include "diagnose.h"
#include "ike/ike.h"

const char *diagnose_step_id(enum diagnose_step step)
{
	switch (step) {
	case DIAGNOSE_STEP_RESOLVE:
		return "resolve";
	case DIAGNOSE_STEP_IKE_REACH:
		return "ike-reach";
	case DIAGNOSE_STEP_IKE_PROPOSALS:
		return "ike-proposals";
	case DIAGNOSE_STEP_NAT:
		return "nat";
	case DIAGNOSE_STEP_IKE_AUTH:
		return "ike-auth";
	case DIAGNOSE_STEP_IPSEC_SA:
		return "ipsec-sa";
	case DIAGNOSE_STEP_ESP:
		return "esp";
	case DIAGNOSE_STEP_L2TP:
		return "l2tp";
	case DIAGNOSE_STEP_PPP_AUTH:
		return "ppp-auth";
	case DIAGNOSE_STEP_NETWORK:
		return "network";
	case DIAGNOSE_STEP_MTU:
		return "mtu";
	case DIAGNOSE_N_STEPS:
		break;
	}
	return "unknown";
}

const char *diagnose_status_id(enum diagnose_status status)
{
	switch (status) {
	case DIAGNOSE_OK:
		return "ok";
	case DIAGNOSE_FAILED:
		return "failed";
	case DIAGNOSE_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

const char *diagnose_cause_id(enum diagnose_cause cause)
{
	static const char *const ids[DIAGNOSE_N_CAUSES] = {
		[DIAGNOSE_CAUSE_NONE] = "none",
		[DIAGNOSE_CAUSE_RESOLVE_FAILED] = "resolve-failed",
		[DIAGNOSE_CAUSE_PORT_UNREACHABLE] = "port-unreachable",
		[DIAGNOSE_CAUSE_NO_ANSWER] = "no-answer",
		[DIAGNOSE_CAUSE_NO_PROPOSAL] = "no-proposal",
		[DIAGNOSE_CAUSE_LEGACY_ONLY] = "legacy-only",
		[DIAGNOSE_CAUSE_WRONG_PSK] = "wrong-psk",
		[DIAGNOSE_CAUSE_IDENTITY] = "identity-rejected",
		[DIAGNOSE_CAUSE_CERTIFICATE] = "certificate",
		[DIAGNOSE_CAUSE_ESP_BLOCKED] = "esp-blocked",
		[DIAGNOSE_CAUSE_UDP4500_BLOCKED] = "udp4500-blocked",
		[DIAGNOSE_CAUSE_SA_DELETED] = "sa-deleted",
		[DIAGNOSE_CAUSE_L2TP_NO_ANSWER] = "l2tp-no-answer",
		[DIAGNOSE_CAUSE_L2TP_REFUSED] = "l2tp-refused",
		[DIAGNOSE_CAUSE_WRONG_PASSWORD] = "wrong-password",
		[DIAGNOSE_CAUSE_NO_AUTH_METHOD] = "no-auth-method",
		[DIAGNOSE_CAUSE_PPP_NEGOTIATION] = "ppp-negotiation",
		[DIAGNOSE_CAUSE_MTU_BLACK_HOLE] = "mtu-black-hole",
		[DIAGNOSE_CAUSE_OTHER] = "other",
	};

	return (unsigned int)cause < DIAGNOSE_N_CAUSES ? ids[cause] : "unknown";
}

/* Where it failed -------------------------------------------------------- */

struct verdict {
	enum diagnose_step step;
	enum diagnose_cause cause;
};

static struct verdict at(enum diagnose_step step, enum diagnose_cause cause)
{
	return (struct verdict){ .step = step, .cause = cause };
}

/* Phase 1: silence is reachability, then what IKE said it failed on. */
static struct verdict main_mode_verdict(const struct diagnose_outcome *o)
{
	const struct session_evidence *ev = &o->evidence;

	if (o->failure.reason == SESSION_REASON_CONFIG)
		return at(DIAGNOSE_STEP_IKE_PROPOSALS, DIAGNOSE_CAUSE_OTHER);
	/* ICMP refused UDP/500 (refusal.c): the message says which unreachable it was. */
	if (o->failure.reason == SESSION_REASON_GATEWAY_REFUSED)
		return at(DIAGNOSE_STEP_IKE_REACH, ev->ike_port_unreachable ?
				   DIAGNOSE_CAUSE_PORT_UNREACHABLE : DIAGNOSE_CAUSE_OTHER);
	if (!ev->ike_rx)
		return at(DIAGNOSE_STEP_IKE_REACH, ev->ike_port_unreachable ?
				   DIAGNOSE_CAUSE_PORT_UNREACHABLE : DIAGNOSE_CAUSE_NO_ANSWER);

	switch ((enum ike_failure)ev->ike_failure) {
	case IKE_FAILURE_NO_PROPOSAL_CHOSEN:
		return at(DIAGNOSE_STEP_IKE_PROPOSALS, ev->legacy_only ? DIAGNOSE_CAUSE_LEGACY_ONLY :
							   DIAGNOSE_CAUSE_NO_PROPOSAL);
	case IKE_FAILURE_AUTH_FAILED:
		return at(DIAGNOSE_STEP_IKE_AUTH,
			  o->cert ? DIAGNOSE_CAUSE_CERTIFICATE : DIAGNOSE_CAUSE_WRONG_PSK);
	case IKE_FAILURE_INVALID_ID:
		return at(DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_IDENTITY);
	case IKE_FAILURE_CERT:
		return at(DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_CERTIFICATE);
	case IKE_FAILURE_TIMEOUT:
		return at(DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_NO_ANSWER);
	case IKE_FAILURE_NONE:
	case IKE_FAILURE_PEER_DELETED:
	case IKE_FAILURE_PEER_ERROR:
	case IKE_FAILURE_PROTOCOL:
	case IKE_FAILURE_INTERNAL:
	case IKE_FAILURE_DEAD_PEER:
		break;
	}
	/* No suite yet: the gateway did not get past our offer. */
	return at(ev->ike_suite[0] ? DIAGNOSE_STEP_IKE_AUTH : DIAGNOSE_STEP_IKE_PROPOSALS,
		  DIAGNOSE_CAUSE_OTHER);
}

static struct verdict quick_mode_verdict(const struct diagnose_outcome *o)
{
	/* Up, then deleted at once: nothing behind it takes L2TP (charon without kernel ESP). */
	if (o->evidence.child_up && o->evidence.sa_deleted)
		return at(DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_SA_DELETED);
	switch ((enum ike_failure)o->evidence.ike_failure) {
	case IKE_FAILURE_NO_PROPOSAL_CHOSEN:
		return at(DIAGNOSE_STEP_IPSEC_SA, DIAGNOSE_CAUSE_NO_PROPOSAL);
	case IKE_FAILURE_INVALID_ID:
		return at(DIAGNOSE_STEP_IPSEC_SA, DIAGNOSE_CAUSE_IDENTITY);
	case IKE_FAILURE_TIMEOUT:
		return at(DIAGNOSE_STEP_IPSEC_SA, DIAGNOSE_CAUSE_NO_ANSWER);
	case IKE_FAILURE_PEER_DELETED:
		return at(DIAGNOSE_STEP_IPSEC_SA, DIAGNOSE_CAUSE_SA_DELETED);
	case IKE_FAILURE_NONE:
	case IKE_FAILURE_AUTH_FAILED:
	case IKE_FAILURE_PEER_ERROR:
	case IKE_FAILURE_PROTOCOL:
	case IKE_FAILURE_INTERNAL:
	case IKE_FAILURE_CERT:
	case IKE_FAILURE_DEAD_PEER:
		break;
	}
	return at(DIAGNOSE_STEP_IPSEC_SA, o->evidence.sa_deleted ? DIAGNOSE_CAUSE_SA_DELETED :
								   DIAGNOSE_CAUSE_OTHER);
}

/* L2TP silent: through IPsec, whether ESP came back tells the path from the server. */
static struct verdict l2tp_silent_verdict(const struct diagnose_outcome *o)
{
	const struct session_evidence *ev = &o->evidence;

	if (!o->ipsec)
		return at(DIAGNOSE_STEP_L2TP, ev->l2tp_port_unreachable ?
				      DIAGNOSE_CAUSE_PORT_UNREACHABLE : DIAGNOSE_CAUSE_L2TP_NO_ANSWER);
	if (!ev->esp_in)
		return at(DIAGNOSE_STEP_ESP, ev->udp_encap ? DIAGNOSE_CAUSE_UDP4500_BLOCKED :
							     DIAGNOSE_CAUSE_ESP_BLOCKED);
	return at(DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_L2TP_NO_ANSWER);
}

static struct verdict l2tp_verdict(const struct diagnose_outcome *o)
{
	switch (o->failure.reason) {
	case SESSION_REASON_NO_ANSWER:
		return l2tp_silent_verdict(o);
	case SESSION_REASON_PEER_CLOSED:
	case SESSION_REASON_PROTOCOL:
		return at(DIAGNOSE_STEP_L2TP, o->evidence.sa_deleted ? DIAGNOSE_CAUSE_SA_DELETED :
								       DIAGNOSE_CAUSE_L2TP_REFUSED);
	case SESSION_REASON_AUTH_FAILED:
		return at(DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_WRONG_PASSWORD);
	case SESSION_REASON_NONE:
	case SESSION_REASON_RESOLVE_FAILED:
	case SESSION_REASON_TUNNEL_AUTH:
	case SESSION_REASON_NO_AUTH_METHOD:
	case SESSION_REASON_GATEWAY_AUTH_BAD:
	case SESSION_REASON_PPP_NEGOTIATION:
	case SESSION_REASON_NO_ADDRESS:
	case SESSION_REASON_PEER_DEAD:
	case SESSION_REASON_NETWORK_SETUP:
	case SESSION_REASON_IPSEC_NEGOTIATION:
	case SESSION_REASON_CONFIG:
	case SESSION_REASON_INTERNAL:
	case SESSION_REASON_GATEWAY_REFUSED:
		break;
	}
	return at(DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_OTHER);
}

static struct verdict ppp_verdict(const struct diagnose_outcome *o)
{
	switch (o->failure.reason) {
	case SESSION_REASON_AUTH_FAILED:
		return at(DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_WRONG_PASSWORD);
	case SESSION_REASON_NO_AUTH_METHOD:
		return at(DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_NO_AUTH_METHOD);
	case SESSION_REASON_PEER_CLOSED:
		/* A gateway that hangs up instead of sending a Failure (SoftEther, RRAS). */
		if (o->failure.phase == SESSION_PHASE_PPP_AUTH)
			return at(DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_WRONG_PASSWORD);
		break;
	case SESSION_REASON_NONE:
	case SESSION_REASON_RESOLVE_FAILED:
	case SESSION_REASON_NO_ANSWER:
	case SESSION_REASON_TUNNEL_AUTH:
	case SESSION_REASON_PROTOCOL:
	case SESSION_REASON_GATEWAY_AUTH_BAD:
	case SESSION_REASON_PPP_NEGOTIATION:
	case SESSION_REASON_NO_ADDRESS:
	case SESSION_REASON_PEER_DEAD:
	case SESSION_REASON_NETWORK_SETUP:
	case SESSION_REASON_IPSEC_NEGOTIATION:
	case SESSION_REASON_CONFIG:
	case SESSION_REASON_INTERNAL:
	case SESSION_REASON_GATEWAY_REFUSED:
		break;
	}
	return at(DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_PPP_NEGOTIATION);
}

static struct verdict failure_verdict(const struct diagnose_outcome *o)
{
	switch (o->failure.phase) {
	case SESSION_PHASE_IDLE:
	case SESSION_PHASE_RESOLVING:
		return at(DIAGNOSE_STEP_RESOLVE, o->failure.reason == SESSION_REASON_RESOLVE_FAILED ?
					 DIAGNOSE_CAUSE_RESOLVE_FAILED : DIAGNOSE_CAUSE_OTHER);
	case SESSION_PHASE_IKE_MAIN_MODE:
		return main_mode_verdict(o);
	case SESSION_PHASE_IKE_QUICK_MODE:
		return quick_mode_verdict(o);
	case SESSION_PHASE_L2TP_TUNNEL:
	case SESSION_PHASE_L2TP_CALL:
		return l2tp_verdict(o);
	case SESSION_PHASE_PPP_LCP:
	case SESSION_PHASE_PPP_AUTH:
		return ppp_verdict(o);
	case SESSION_PHASE_PPP_NETWORK:
	case SESSION_PHASE_NETCONFIG:
	case SESSION_PHASE_UP:
	case SESSION_PHASE_DISCONNECTING:
	case SESSION_PHASE_DISCONNECTED:
	case SESSION_PHASE_FAILED:
	case SESSION_PHASE_RECONNECT_WAIT:
		break;
	}
	return at(DIAGNOSE_STEP_NETWORK, DIAGNOSE_CAUSE_OTHER);
}

/* Evidence --------------------------------------------------------------- */

static void add(struct diagnose_step_result *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct diagnose_step_result *s, const char *key, const char *fmt, ...)
{
	struct diagnose_evidence *e;
	va_list ap;

	if (s->n_evidence >= DIAGNOSE_MAX_EVIDENCE)
		return;
	e = &s->evidence[s->n_evidence++];
	e->key = key;
	va_start(ap, fmt);
	vsnprintf(e->value, sizeof(e->value), fmt, ap);
	va_end(ap);
}

static const char *nat_id(const struct session_evidence *ev)
{
	if (ev->nat_local && ev->nat_remote)
		return "both";
	if (ev->nat_local)
		return "local";
	return ev->nat_remote ? "remote" : "none";
}

/* The facts a passed step can show. */
/* Up, the search found packets lost above a size that passes (or had, when cut short). */
static bool black_hole(const struct diagnose_outcome *o)
{
	return o->up && o->evidence.path_lost && o->evidence.path_pass;
}

/* What the path MTU search said when nothing was lost (pathprobe.c's evidence). */
static void add_path_probe(const struct diagnose_outcome *o, struct diagnose_step_result *s)
{
	const struct session_evidence *ev = &o->evidence;

	if (!ev->path_max)
		return;
	if (ev->path_done && ev->path_pass)
		add(s, "path-probe", "full-size packets pass (MTU %u)", (unsigned int)o->mtu);
	else if (ev->path_done)
		add(s, "path-probe", "the gateway answered no padded echo: not tested");
	else if (o->path_cut)
		add(s, "path-probe", "not finished within %u s", o->path_limit_s);
}

static void add_black_hole_evidence(const struct diagnose_outcome *o,
				    struct diagnose_step_result *s)
{
	const struct session_evidence *ev = &o->evidence;

	add(s, "message", "path MTU black hole: packets over %u bytes are lost; the TUN MTU will be %u",
	    ev->path_pass, (unsigned int)ev->path_tun_mtu);
	add(s, "mtu", "%u", (unsigned int)ev->path_tun_mtu);
	add(s, "lost", "%u", ev->path_lost);
	if (!ev->path_done && o->path_cut)
		add(s, "path-probe", "not finished within %u s", o->path_limit_s);
}

static void add_ok_evidence(const struct diagnose_outcome *o, struct diagnose_step_result *s)
{
	const struct session_evidence *ev = &o->evidence;
	char a[INET_ADDRSTRLEN];

	switch (s->step) {
	case DIAGNOSE_STEP_RESOLVE:
		if (ev->gateway4 && inet_ntop(AF_INET, &ev->gateway4, a, sizeof(a)))
			add(s, "address", "%s", a);
		return;
	case DIAGNOSE_STEP_IKE_REACH:
		add(s, "replies", "%u", ev->ike_rx);
		return;
	case DIAGNOSE_STEP_IKE_PROPOSALS:
		if (ev->ike_suite[0])
			add(s, "ike", "%s", ev->ike_suite);
		return;
	case DIAGNOSE_STEP_NAT:
		add(s, "nat", "%s", nat_id(ev));
		return;
	case DIAGNOSE_STEP_IKE_AUTH:
		add(s, "auth", "%s", o->cert ? "cert" : "psk");
		return;
	case DIAGNOSE_STEP_IPSEC_SA:
		if (ev->esp_suite[0])
			add(s, "esp", "%s", ev->esp_suite);
		return;
	case DIAGNOSE_STEP_ESP:
		add(s, "encapsulation", "%s", ev->udp_encap ? "udp-4500" : "esp");
		return;
	case DIAGNOSE_STEP_PPP_AUTH:
		if (o->auth_method[0])
			add(s, "method", "%s", o->auth_method);
		return;
	case DIAGNOSE_STEP_MTU:
		if (o->mtu)
			add(s, "mtu", "%u", (unsigned int)o->mtu);
		add_path_probe(o, s);
		return;
	case DIAGNOSE_STEP_L2TP:
	case DIAGNOSE_STEP_NETWORK:
	case DIAGNOSE_N_STEPS:
		return;
	}
}

static void add_failed_evidence(const struct diagnose_outcome *o, struct diagnose_step_result *s)
{
	char line[320];

	if (s->cause == DIAGNOSE_CAUSE_MTU_BLACK_HOLE) {
		add_black_hole_evidence(o, s);
		return;
	}
	session_failure_message(&o->failure, line, sizeof(line));
	add(s, "message", "%s", line);
	if (o->failure.peer_code)
		add(s, "peer-code", "%u", (unsigned int)o->failure.peer_code);
	if (s->step == DIAGNOSE_STEP_ESP)
		add(s, "encapsulation", "%s", o->evidence.udp_encap ? "udp-4500" : "esp");
}

/* The report ------------------------------------------------------------- */

static bool ipsec_only(enum diagnose_step step)
{
	return step >= DIAGNOSE_STEP_IKE_REACH && step <= DIAGNOSE_STEP_ESP;
}

void diagnose_build(const struct diagnose_outcome *o, struct diagnose_report *r)
{
	struct verdict v = { .step = DIAGNOSE_N_STEPS, .cause = DIAGNOSE_CAUSE_NONE };

	*r = (struct diagnose_report){ 0 };
	if (o->has_failure)
		v = failure_verdict(o);
	else if (!o->up)
		v = at(DIAGNOSE_STEP_RESOLVE, DIAGNOSE_CAUSE_OTHER);
	else if (black_hole(o))
		v = at(DIAGNOSE_STEP_MTU, DIAGNOSE_CAUSE_MTU_BLACK_HOLE);

	for (unsigned int i = 0; i < DIAGNOSE_N_STEPS; i++) {
		struct diagnose_step_result *s = &r->steps[i];

		s->step = (enum diagnose_step)i;
		s->status = i < v.step ? DIAGNOSE_OK : i == v.step ? DIAGNOSE_FAILED :
								   DIAGNOSE_SKIPPED;
		if (!o->ipsec && ipsec_only(s->step))
			s->status = DIAGNOSE_SKIPPED;
		if (s->status == DIAGNOSE_OK)
			add_ok_evidence(o, s);
		if (s->status != DIAGNOSE_FAILED)
			continue;
		s->cause = v.cause;
		add_failed_evidence(o, s);
	}
}

bool diagnose_wants_encap_retry(const struct diagnose_report *r)
{
	const struct diagnose_step_result *f = diagnose_first_failure(r);

	return f && f->step == DIAGNOSE_STEP_ESP && f->cause == DIAGNOSE_CAUSE_ESP_BLOCKED;
}

void diagnose_note_encap_retry(struct diagnose_report *r, const struct diagnose_outcome *retry)
{
	struct diagnose_step_result *s = &r->steps[DIAGNOSE_STEP_ESP];
	char line[320];

	add(s, "force-encap", "%s", retry->up ? "connects" : "fails");
	if (retry->up || !retry->has_failure)
		return;
	session_failure_message(&retry->failure, line, sizeof(line));
	add(s, "force-encap-message", "%s", line);
}

const struct diagnose_step_result *diagnose_first_failure(const struct diagnose_report *r)
{
	for (unsigned int i = 0; i < DIAGNOSE_N_STEPS; i++) {
		if (r->steps[i].status == DIAGNOSE_FAILED)
			return &r->steps[i];
	}
	return NULL;
}
