/*
 * Automatic phase 1 proposals: what `ike-scan` does for a user, inside the
 * connect. With no ike= in the profile the first MM1 carries the strongest
 * suites (proposal.c); a gateway that answers NO-PROPOSAL-CHOSEN gets single-
 * suite probes of the remaining candidates, each a Main Mode of its own
 * (fresh initiator cookie, so a late answer to an older offer is not ours).
 * Some gateways drop an SA payload they find too large without a word: when
 * the first offer meets IKE_PROBE_SPLIT_AFTER of silence, its suites go out
 * one by one instead, IKE_PROBE_WAIT each. All of it stays within the one
 * phase 1 timeout, so a gateway that is simply gone fails as before.
 *
 * A legacy suite the profile does not allow is probed only to be named: if
 * the gateway picks it, the connection fails saying so, before any key
 * exchange. Aggressive Mode (KE in the first message) and the rekey Main
 * Mode (the suite is known) never probe.
 */
#include <stdio.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_PROBE_SPLIT_AFTER (6 * USEC_PER_SEC)
#define IKE_PROBE_WAIT (3 * USEC_PER_SEC)

static bool is_probing(const struct ike *ike)
{
	return ike->props.is_auto_p1 && !ike->cfg.aggressive && !ike->parent;
}

void ike_probe_init(struct ike *ike, usec_t now)
{
	struct ike_p1_probe *pr = &ike->probe;

	*pr = (struct ike_p1_probe){ .started = now, .offer_sent = now };
	if (!is_probing(ike))
		return;
	for (size_t i = 0; i < ike->props.n_p1 && pr->n_seq < IKE_FIRST_OFFER; i++)
		pr->seq[pr->n_seq++] = ike->props.p1[i];
	pr->n_first = pr->next = pr->n_seq;
	for (size_t i = 0; i < ike->props.n_probe; i++)
		pr->seq[pr->n_seq++] = ike->props.probe[i];
}

static bool can_probe(const struct ike *ike)
{
	const struct ike_p1_probe *pr = &ike->probe;

	return is_probing(ike) && ike->state == IKE_STATE_MM_I1 && pr->next < pr->n_seq &&
	       pr->n_sent < IKE_MAX_P1_PROBES;
}

/* The next single suite, in a new Main Mode that keeps the phase 1 clock. */
static bool send_next(struct ike *ike, usec_t now, const char *why)
{
	struct ike_p1_probe *pr = &ike->probe;
	char name[48];

	if (!can_probe(ike))
		return false;
	ike->props.p1[0] = pr->seq[pr->next++];
	ike->props.n_p1 = 1;
	pr->n_sent++;
	pr->offer_sent = now;
	ike_p1_name(&ike->props.p1[0], name, sizeof(name));
	rv_log_info(IKE_LOG, "%s; probing with %s", why, name);
	if (ike_mm_send_offer(ike, now) < 0) {
		ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "cannot build MM1");
		return true;
	}
	ike->p1_retx.first_sent = pr->started;
	return true;
}

bool ike_probe_refused(struct ike *ike, usec_t now)
{
	struct ike_p1_probe *pr = &ike->probe;

	/* the whole first offer was refused: its suites need no probe of their own */
	if (pr->next < pr->n_first && ike->props.n_p1 > 1)
		pr->next = pr->n_first;
	return send_next(ike, now, "gateway refused the offer (NO-PROPOSAL-CHOSEN)");
}

static usec_t wait_for(const struct ike *ike)
{
	return ike->props.n_p1 > 1 ? IKE_PROBE_SPLIT_AFTER : IKE_PROBE_WAIT;
}

bool ike_probe_tick(struct ike *ike, usec_t now)
{
	struct ike_p1_probe *pr = &ike->probe;

	if (!can_probe(ike) || now < pr->offer_sent + wait_for(ike) ||
	    now >= pr->started + ike->timeout)
		return false;
	/* silence to a large offer: try its suites one by one first */
	if (ike->props.n_p1 > 1)
		pr->next = 0;
	return send_next(ike, now, "no answer to the offer");
}

usec_t ike_probe_deadline(const struct ike *ike)
{
	if (!can_probe(ike) || !ike->p1_retx.is_armed)
		return USEC_INFINITY;
	return ike->probe.offer_sent + wait_for(ike);
}

int ike_probe_check_choice(struct ike *ike, const struct ike_p1_proposal *p)
{
	char name[48];

	if (!ike->props.is_auto_p1 || ike->cfg.allow_legacy || !ike_p1_is_legacy(p))
		return 0;
	ike_p1_name(p, name, sizeof(name));
	ike->probe.refused_legacy = true;
	return ike_fail(ike, 1, IKE_FAILURE_NO_PROPOSAL_CHOSEN, 0,
			"the gateway only accepts %s; set allow-legacy=true to use it", name);
}

int ike_probe_fail(struct ike *ike, uint16_t notify)
{
	const struct ike_p1_probe *pr = &ike->probe;
	struct ike_proposals tried = { .n_p1 = pr->n_seq };
	char offer[200];

	if (!is_probing(ike)) {
		ike_p1_list(&ike->props, ike->props.n_p1, offer, sizeof(offer));
		return ike_fail(ike, 1, IKE_FAILURE_NO_PROPOSAL_CHOSEN, notify,
				"gateway rejected all proposals; offered %s", offer);
	}
	for (size_t i = 0; i < pr->n_seq; i++)
		tried.p1[i] = pr->seq[i];
	ike_p1_list(&tried, pr->n_seq, offer, sizeof(offer));
	return ike_fail(ike, 1, IKE_FAILURE_NO_PROPOSAL_CHOSEN, notify,
			"gateway rejected all proposals; tried %s", offer);
}

bool ike_refused_legacy(const struct ike *ike)
{
	return ike && ike->probe.refused_legacy;
}
