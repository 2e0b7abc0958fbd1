/*
 * ISAKMP SA rekey, make-before-break. IKEv1 has no rekey exchange for
 * phase 1 (RFC 2409 §5 only sets lifetimes; RFC 2408 §4.7 leaves when to
 * renew to the implementation): a whole new Main Mode with the same
 * authentication runs beside the working SA, at 80-90 % of the negotiated
 * lifetime (jittered). It lives in an object of its own (`next`, its
 * datagrams told apart by the initiator cookie) whose I/O goes through ours.
 * Once it is up and no Quick Mode is in flight on the old SA, the two swap
 * their phase 1 state (cookies, SKEYID_d/a/e, IV, peer capabilities), so
 * Quick Mode, DPD and informational go on the new SA from then on; the ESP
 * children stay (they do not depend on the ISAKMP SA), and a Delete for the
 * old SA goes out protected with its own keys.
 *
 * A failed attempt is retried half-way to the hard expiry; only when the
 * old SA's lifetime has run out does the session fail, with the reason.
 *
 * Real-peer quirks absorbed: with NAT-T the new Main Mode starts on UDP
 * 4500 right away (RFC 3947 §4 lets the initiator do so) with NAT-D for
 * port 4500 (our 4500 socket may have another port when 4500 was taken: the
 * gateway then sees a NAT, which changes nothing once encapsulated); it carries no INITIAL-CONTACT (charon would take it as a
 * reboot and tear down the children). charon treats a second IKEv1 SA with
 * the same peer and identities as a reauthentication: it moves the children
 * over and deletes the old SA itself. That Delete, and any other message
 * for the old SA after the switch, no longer matches our cookies and is
 * ignored; a Delete of the old SA while the new one is still negotiating is
 * absorbed as long as the new one succeeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define NATT_PORT 4500

static usec_t soft_after(usec_t life)
{
	return life / 100 * (80 + rv_random_u32() % 11);
}

/* The first ISAKMP SA, or a new one after a switch, is up: plan the next rekey. */
void ike_p1rekey_up(struct ike *ike, usec_t now)
{
	usec_t life = (usec_t)ike->p1_life * USEC_PER_SEC;

	ike->p1rk.hard_at = now + life;
	ike->p1rk.soft_at = now + soft_after(life);
	rv_log_debug(IKE_LOG, "IKE SA: rekey in %u s (lifetime %u s)",
		     (unsigned int)((ike->p1rk.soft_at - now) / USEC_PER_SEC), ike->p1_life);
}

static int next_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct ike *ike = user_data;

	return ike->ops.tx(ike->user_data, data, len, natt);
}

static void next_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct ike *ike = user_data;

	switch (ev) {
	case IKE_EVENT_PHASE1_UP:
		ike->p1rk.is_next_up = true;
		break;
	case IKE_EVENT_FAILED:
		ike->p1rk.is_next_failed = true;
		ike->p1rk.failure = info->failure;
		snprintf(ike->p1rk.reason, sizeof(ike->p1rk.reason), "%s", info->message);
		break;
	case IKE_EVENT_FLOAT_TO_NATT:
	case IKE_EVENT_CHILD_UP:
	case IKE_EVENT_CHILD_DELETED:
	case IKE_EVENT_CLOSED:
		break;
	}
}

static const struct ike_ops next_ops = { .tx = next_tx, .event = next_event };

/* The credentials are ours, lent to next: take them back before freeing it. */
static void next_free(struct ike *next)
{
	if (!next)
		return;
	next->psk = NULL;
	next->local_id = NULL;
	next->cred = NULL;
	next->trust = NULL;
	next->remote_id = next->remote_name = NULL;
	ike_free(next);
}

/*
 * A second phase 1 object with our configuration and credentials. It stays
 * on the transport we use: on UDP 4500 when we floated (NAT-D for that
 * port), without NAT-T otherwise, so it never needs a socket we lack.
 */
static struct ike *next_new(struct ike *ike)
{
	struct ike *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->cfg = ike->cfg;
	n->ops = next_ops;
	n->user_data = ike;
	n->parent = ike;
	n->props = ike->props;
	n->timeout = ike->timeout;
	n->psk = ike->psk;
	n->local_id = ike->local_id;
	n->cred = ike->cred;
	n->trust = ike->trust;
	n->remote_id = ike->remote_id;
	n->remote_name = ike->remote_name;
	n->is_natt = ike->is_natt;
	n->cfg.no_natt = ike->cfg.no_natt || !ike->is_natt;
	if (ike->is_natt)
		n->cfg.local_port = n->cfg.remote_port = NATT_PORT;
	return n;
}

static void plan_retry(struct ike *ike, usec_t now)
{
	struct ike_p1rekey *rk = &ike->p1rk;
	usec_t left = rk->hard_at > now ? rk->hard_at - now : 0;

	rk->soft_at = left / 2 > ike->timeout ? now + left / 2 : 0;
	rv_log_warning(IKE_LOG, "IKE SA rekey failed: %s; %s", rk->reason,
		       rk->soft_at ? "trying again later" : "no time left to try again");
}

static void start(struct ike *ike, usec_t now)
{
	struct ike_p1rekey *rk = &ike->p1rk;
	int r;

	rk->soft_at = 0;
	rk->is_next_up = rk->is_next_failed = false;
	rk->next = next_new(ike);
	r = rk->next ? ike_mm_start(rk->next, now) : -ENOMEM;
	if (r < 0 && !rk->is_next_failed) {
		rk->is_next_failed = true;
		rk->failure = IKE_FAILURE_INTERNAL;
		snprintf(rk->reason, sizeof(rk->reason), "cannot start Main Mode (%s)",
			 strerror(-r));
	}
	rv_log_info(IKE_LOG, "IKE SA %s: rekeying (new Main Mode%s)", ike->p1_desc,
		    ike->is_natt ? " on UDP 4500" : "");
}

static bool qm_in_flight(const struct ike *ike)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		if (ike->qm[i].state == IKE_QM_I_WAIT2 ||
		    ike->qm[i].state == IKE_QM_I_WAIT_CONNECTED ||
		    ike->qm[i].state == IKE_QM_R_WAIT3)
			return true;
	return false;
}

/* In place, byte by byte: no copy of a key is left behind in a temporary. */
static void memswap(void *a, void *b, size_t n)
{
	uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		uint8_t t = x[i];

		x[i] = y[i];
		y[i] = t;
	}
}

#define SWAP(f) memswap(&a->f, &b->f, sizeof(a->f))

/* Everything that belongs to one ISAKMP SA; Quick Modes, children, DPD and timers stay. */
static void swap_phase1(struct ike *a, struct ike *b)
{
	SWAP(cky_i);
	SWAP(cky_r);
	SWAP(p1);
	SWAP(p1_life);
	SWAP(p1_desc);
	SWAP(sa_i);
	SWAP(sa_i_len);
	SWAP(id_i);
	SWAP(id_i_len);
	SWAP(dh);
	SWAP(gxi);
	SWAP(gxr);
	SWAP(gx_len);
	SWAP(ni);
	SWAP(nr);
	SWAP(nr_len);
	SWAP(keys);
	SWAP(p1_iv);
	SWAP(rx_next_iv);
	SWAP(peer_natt_rfc);
	SWAP(peer_natt_draft);
	SWAP(peer_dpd);
	SWAP(peer_fragmentation);
	SWAP(frag_rx);
}

/* The new SA takes over; the old one (now in `next`) is deleted and dropped. */
static void switch_over(struct ike *ike, usec_t now)
{
	struct ike_p1rekey *rk = &ike->p1rk;
	struct ike *old = rk->next;
	bool was_deleted = rk->is_old_deleted;

	swap_phase1(ike, old);
	/* finished Quick Modes of the old SA only answered its retransmits */
	ike_qm_free_all(ike);
	if (!was_deleted)
		ike_info_send_delete_isakmp(old);
	rk->next = NULL;
	rk->is_next_up = rk->is_old_deleted = false;
	rk->switch_due = 0;
	rk->failure = IKE_FAILURE_NONE;
	rk->reason[0] = '\0';
	next_free(old);
	/* a child rekey lost with the old SA (it deleted it under us): again, on the new one */
	if (ike->rekey.current_spi_in && ike->rekey.current_life && !ike->rekey.soft_at)
		ike->rekey.soft_at = now;
	rv_log_info(IKE_LOG, "IKE SA rekeyed: %s%s; old SA %s", ike->p1_desc,
		    ike->is_natt ? " (NAT-T)" : "",
		    was_deleted ? "already deleted by the gateway" : "deleted");
	ike_p1rekey_up(ike, now);
}

/* After next had a datagram or a tick: switch over, or count a failure. */
static void settle(struct ike *ike, usec_t now)
{
	struct ike_p1rekey *rk = &ike->p1rk;

	if (rk->is_next_failed) {
		next_free(rk->next);
		rk->next = NULL;
		rk->is_next_failed = rk->is_next_up = false;
		if (rk->is_old_deleted) {
			ike_fail(ike, 1, IKE_FAILURE_PEER_DELETED, 0,
				 "gateway deleted the IKE SA and its rekey failed: %s", rk->reason);
			return;
		}
		plan_retry(ike, now);
		return;
	}
	if (!rk->is_next_up)
		return;
	if (!qm_in_flight(ike))
		switch_over(ike, now);
	else if (!rk->switch_due)
		rk->switch_due = now;  /* when the Quick Mode ends (ike_p1rekey_deadline) */
}

int ike_p1rekey_rx(struct ike *ike, const uint8_t *data, size_t len, bool natt, usec_t now)
{
	struct ike *next = ike->p1rk.next;
	int r;

	if (!next || len < 8 || memcmp(data, next->cky_i, 8))
		return -ENOMSG;
	r = ike_rx(next, data, len, natt, now);
	settle(ike, now);
	/* a failed rekey is not fatal to us */
	return r == -EPROTO ? 0 : r;
}

static void expire(struct ike *ike)
{
	struct ike_p1rekey *rk = &ike->p1rk;

	if (!rk->reason[0])
		snprintf(rk->reason, sizeof(rk->reason), "%s",
			 rk->next ? "the new Main Mode did not finish in time" :
				    "no rekey was possible");
	ike_fail(ike, 1, rk->failure ? rk->failure : IKE_FAILURE_TIMEOUT, 0,
		 "the IKE SA expired after %u s and could not be renewed: %s", ike->p1_life,
		 rk->reason);
}

void ike_p1rekey_tick(struct ike *ike, usec_t now)
{
	struct ike_p1rekey *rk = &ike->p1rk;

	if (ike->state != IKE_STATE_ESTABLISHED || ike->parent)
		return;
	if (rk->next) {
		ike_tick(rk->next, now);
		settle(ike, now);
	} else if (rk->soft_at && now >= rk->soft_at) {
		start(ike, now);
		settle(ike, now);
	}
	if (ike->state == IKE_STATE_ESTABLISHED && rk->hard_at && now >= rk->hard_at)
		expire(ike);
}

usec_t ike_p1rekey_deadline(const struct ike *ike)
{
	const struct ike_p1rekey *rk = &ike->p1rk;
	usec_t d = USEC_INFINITY;

	if (ike->state != IKE_STATE_ESTABLISHED || ike->parent)
		return d;
	if (rk->is_next_up && !qm_in_flight(ike))
		d = rk->switch_due;
	else if (rk->next)
		d = ike_next_deadline(rk->next);
	else if (rk->soft_at)
		d = rk->soft_at;
	/* an up SA waiting for a Quick Mode to finish: the Quick Mode's deadlines drive us */
	return rv_usec_min(d, rk->hard_at ? rk->hard_at : USEC_INFINITY);
}

bool ike_p1rekey_old_deleted(struct ike *ike)
{
	struct ike_p1rekey *rk = &ike->p1rk;

	if (!rk->next || rk->is_next_failed)
		return false;
	rv_log_info(IKE_LOG, "gateway deleted the old IKE SA while its rekey is under way");
	rk->is_old_deleted = true;
	/* nothing can go on the old SA any more; a Quick Mode in flight there is lost */
	ike_qm_free_all(ike);
	return true;
}

void ike_p1rekey_close(struct ike *ike)
{
	struct ike_p1rekey *rk = &ike->p1rk;

	if (rk->next && rk->is_next_up)
		ike_info_send_delete_isakmp(rk->next);
	ike_p1rekey_free(ike);
}

void ike_p1rekey_free(struct ike *ike)
{
	next_free(ike->p1rk.next);
	ike->p1rk.next = NULL;
	ike->p1rk.soft_at = ike->p1rk.hard_at = 0;
}
