#pragma once
/*
 * `roadvpn diagnose`: a connection run step by step for a person who needs
 * to know why it fails. The steps are the ones a connection takes anyway;
 * the report is built from what a session records (its phases, its failure
 * record and its evidence, session.h), never by re-doing a protocol here.
 *
 * report.c: the report from an outcome (pure, no GLib: unit-tested alone).
 * run.c:    runs a session to "up" (or its failure) and stops it again,
 *           then builds the report; and the report as a GVariant for D-Bus.
 *
 * Step, status and cause ids are stable (the interface XML lists them in
 * its Contract annotations): front ends render them in the user's language.
 * Evidence is facts as key/value text; no value ever holds a secret.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/session.h"

enum diagnose_step {
	DIAGNOSE_STEP_RESOLVE,        /* "resolve": the gateway's name */
	DIAGNOSE_STEP_IKE_REACH,      /* "ike-reach": anything answers on UDP 500 */
	DIAGNOSE_STEP_IKE_PROPOSALS,  /* "ike-proposals": a phase 1 suite the gateway accepts */
	DIAGNOSE_STEP_NAT,            /* "nat": NAT in front of us or the gateway */
	DIAGNOSE_STEP_IKE_AUTH,       /* "ike-auth": pre-shared key, identity, certificate */
	DIAGNOSE_STEP_IPSEC_SA,       /* "ipsec-sa": Quick Mode, an ESP suite */
	DIAGNOSE_STEP_ESP,            /* "esp": ESP comes back */
	DIAGNOSE_STEP_L2TP,           /* "l2tp": the L2TP tunnel and call */
	DIAGNOSE_STEP_PPP_AUTH,       /* "ppp-auth": LCP and the authentication method */
	DIAGNOSE_STEP_NETWORK,        /* "network": IPCP's address, the TUN device */
	DIAGNOSE_STEP_MTU,            /* "mtu": the MTU of the whole stack, and whether it passes */
	DIAGNOSE_N_STEPS,
};

enum diagnose_status {
	DIAGNOSE_OK,                  /* "ok" */
	DIAGNOSE_FAILED,              /* "failed": the first one is the answer */
	DIAGNOSE_SKIPPED,             /* "skipped": not reached, or not used (plain L2TP) */
};

enum diagnose_cause {
	DIAGNOSE_CAUSE_NONE,              /* "none" */
	DIAGNOSE_CAUSE_RESOLVE_FAILED,    /* "resolve-failed" */
	DIAGNOSE_CAUSE_PORT_UNREACHABLE,  /* "port-unreachable": ICMP, nothing listens */
	DIAGNOSE_CAUSE_NO_ANSWER,         /* "no-answer": silence (firewall, wrong address) */
	DIAGNOSE_CAUSE_NO_PROPOSAL,       /* "no-proposal": no suite in common */
	DIAGNOSE_CAUSE_LEGACY_ONLY,       /* "legacy-only": only a legacy suite; allow-legacy */
	DIAGNOSE_CAUSE_WRONG_PSK,         /* "wrong-psk" */
	DIAGNOSE_CAUSE_IDENTITY,          /* "identity-rejected": local-id / remote-id */
	DIAGNOSE_CAUSE_CERTIFICATE,       /* "certificate" */
	DIAGNOSE_CAUSE_ESP_BLOCKED,       /* "esp-blocked": no ESP came back; try force-encap */
	DIAGNOSE_CAUSE_UDP4500_BLOCKED,   /* "udp4500-blocked": encapsulated ESP got nothing back */
	DIAGNOSE_CAUSE_SA_DELETED,        /* "sa-deleted": the gateway dropped the IPsec SA */
	DIAGNOSE_CAUSE_L2TP_NO_ANSWER,    /* "l2tp-no-answer" */
	DIAGNOSE_CAUSE_L2TP_REFUSED,      /* "l2tp-refused": the gateway closed the tunnel or call */
	DIAGNOSE_CAUSE_WRONG_PASSWORD,    /* "wrong-password" */
	DIAGNOSE_CAUSE_NO_AUTH_METHOD,    /* "no-auth-method": no PPP method in common */
	DIAGNOSE_CAUSE_PPP_NEGOTIATION,   /* "ppp-negotiation" */
	DIAGNOSE_CAUSE_MTU_BLACK_HOLE,    /* "mtu-black-hole": big packets lost, no ICMP says so */
	DIAGNOSE_CAUSE_OTHER,             /* "other": see the evidence's message */
	DIAGNOSE_N_CAUSES,
};

#define DIAGNOSE_MAX_EVIDENCE 6

struct diagnose_evidence {
	const char *key;              /* "address", "ike", "message", ... (static) */
	char value[256];
};

struct diagnose_step_result {
	enum diagnose_step step;
	enum diagnose_status status;
	enum diagnose_cause cause;
	struct diagnose_evidence evidence[DIAGNOSE_MAX_EVIDENCE];
	size_t n_evidence;
};

struct diagnose_report {
	struct diagnose_step_result steps[DIAGNOSE_N_STEPS];
};

/* What a diagnosing connection attempt ended with. */
struct diagnose_outcome {
	bool ipsec;                          /* [ipsec] enabled */
	bool cert;                           /* [ipsec] auth=cert */
	bool up;                             /* it came up (then stopped) */
	enum session_phase reached;          /* the furthest connecting phase entered */
	bool has_failure;
	struct session_failure failure;
	struct session_evidence evidence;
	uint16_t mtu;                        /* when up */
	char auth_method[16];                /* when up: "MS-CHAPv2", ... */
	unsigned path_limit_s;               /* when up: the path MTU search's bound, seconds */
	bool path_cut;                       /* the search ran out of that time */
};

void diagnose_build(const struct diagnose_outcome *o, struct diagnose_report *r);
/*
 * ESP was blocked with raw ESP: worth a second attempt with force-encap
 * (ESP in UDP 4500), which diagnose_note_encap_retry() then adds to the
 * esp step's evidence ("force-encap": "connects" or "fails", and that
 * attempt's message when it failed).
 */
bool diagnose_wants_encap_retry(const struct diagnose_report *r);
void diagnose_note_encap_retry(struct diagnose_report *r, const struct diagnose_outcome *retry);
/* The first failed step, or NULL when every step passed. */
const struct diagnose_step_result *diagnose_first_failure(const struct diagnose_report *r);

const char *diagnose_step_id(enum diagnose_step step);
const char *diagnose_status_id(enum diagnose_status status);
const char *diagnose_cause_id(enum diagnose_cause cause);

/* run.c: GLib from here on. ------------------------------------------------ */
#include <glib.h>

struct diagnose_run;
/*
 * The path MTU search's bound: a whole path answers its first probe at
 * once; a black hole costs three 1 s probes per lost size, so the exact
 * size may take longer, and then the report has what was known by then.
 */
#define DIAGNOSE_PATH_LIMIT_S 10
/* The report is borrowed for the call; the run may be freed from inside it. */
typedef void (*diagnose_done_fn)(const struct diagnose_report *r, void *user_data);

/*
 * Connect `p` (kept; the run frees it) once, without touching the host's
 * addresses, routes, DNS or firewall and without reconnecting; once up,
 * search the path MTU for black holes (at most DIAGNOSE_PATH_LIMIT_S), stop,
 * and report. The suites found are not remembered.
 */
struct diagnose_run *diagnose_run_start(struct profile *p, diagnose_done_fn done,
					void *user_data);
/* Stops a run still under way (no report follows). NULL-safe. */
void diagnose_run_free(struct diagnose_run *run);

/* The report for D-Bus, "a(sssa{ss})": (step, status, cause, evidence) in step order. */
GVariant *diagnose_report_to_variant(const struct diagnose_report *r);
