/*
 * Child SA lifetimes, make-before-break (RFC 2408 §4.7 leaves when to
 * rekey to the implementation; RFC 2409 §5.5 Quick Mode does it on the
 * ISAKMP SA in place). At a soft lifetime of 80-90 % of the negotiated one
 * (jittered so both ends do not race each other every time) a new Quick
 * Mode starts; its CHILD_UP tells the caller which SA it replaces, the
 * caller sends on the new one at once and keeps accepting the old one; a
 * grace period later (a quarter of the lifetime, 1-10 s) the old SA is
 * deleted.
 *
 * Real-peer quirks absorbed: SoftEther starts a Quick Mode of its own right
 * after each of ours; that early child is accepted but not adopted. A
 * gateway Quick Mode late in the current child's life (past half of it) is
 * the gateway's own rekey: that one is adopted like ours. SoftEther never
 * hard-expires an SA by time (it deletes idle ones), strongSwan does: the
 * soft lifetime keeps us ahead of either.
 */
#include <errno.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_REKEY_GRACE_MIN (1 * USEC_PER_SEC)
#define IKE_REKEY_GRACE_MAX (10 * USEC_PER_SEC)

static usec_t soft_after(usec_t life)
{
	return life / 100 * (80 + rv_random_u32() % 11);
}

static usec_t grace(usec_t life)
{
	usec_t g = life / 4;

	return g < IKE_REKEY_GRACE_MIN ? IKE_REKEY_GRACE_MIN :
	       g > IKE_REKEY_GRACE_MAX ? IKE_REKEY_GRACE_MAX : g;
}

static void retire(struct ike_rekey *rk, uint32_t spi_in, usec_t at)
{
	if (rk->n_retire == IKE_MAX_CHILDREN) {
		/* the oldest is overdue anyway: it goes with the next tick */
		rk->retire[0].at = 0;
		return;
	}
	rk->retire[rk->n_retire].spi_in = spi_in;
	rk->retire[rk->n_retire].at = at;
	rk->n_retire++;
}

/* The gateway's own Quick Mode late in the current child's life: its rekey. */
static bool is_peer_rekey(const struct ike_rekey *rk, usec_t now)
{
	return rk->current_spi_in && rk->current_life &&
	       now - rk->current_up >= rk->current_life / 2;
}

static void make_current(struct ike_rekey *rk, uint32_t spi_in, usec_t life, usec_t now)
{
	rk->current_spi_in = spi_in;
	rk->current_up = now;
	rk->current_life = life;
	rk->soft_at = life ? now + soft_after(life) : 0;
}

void ike_rekey_child_up(struct ike *ike, struct ike_event_info *info, usec_t now)
{
	struct ike_rekey *rk = &ike->rekey;
	struct ike_child_sa *c = &info->child;

	if (c->by_peer && !is_peer_rekey(rk, now))
		return;
	if (rk->current_spi_in) {
		c->replaces_spi_in = rk->current_spi_in;
		retire(rk, rk->current_spi_in, now + grace(rk->current_life));
	}
	make_current(rk, c->spi_in, (usec_t)c->lifetime_seconds * USEC_PER_SEC, now);
	if (rk->soft_at)
		rv_log_debug(IKE_LOG, "IPsec SA %08x: rekey in %u s (lifetime %u s)", c->spi_in,
			     (unsigned int)((rk->soft_at - now) / USEC_PER_SEC),
			     c->lifetime_seconds);
}

/* A child is gone: forget it; losing the current one makes the newest left current. */
void ike_rekey_child_gone(struct ike *ike, uint32_t spi_in)
{
	struct ike_rekey *rk = &ike->rekey;

	for (size_t i = 0; i < rk->n_retire; i++) {
		if (rk->retire[i].spi_in != spi_in)
			continue;
		rk->retire[i] = rk->retire[--rk->n_retire];
		break;
	}
	if (rk->current_spi_in != spi_in)
		return;
	rk->current_spi_in = 0;
	rk->soft_at = 0;
	if (ike->n_children) {
		usec_t now = rk->current_up;

		/* its age is unknown: count from when the one it stood in for came up */
		make_current(rk, ike->children[ike->n_children - 1].spi_in,
			     (usec_t)ike->cfg.esp_lifetime * USEC_PER_SEC, now);
	}
}

int ike_rekey_child(struct ike *ike, usec_t now)
{
	if (ike->state != IKE_STATE_ESTABLISHED || !ike->rekey.current_spi_in)
		return -ENOTCONN;
	if (ike_qm_pending(ike))
		return -EALREADY;
	ike->rekey.soft_at = 0;
	rv_log_debug(IKE_LOG, "rekeying IPsec SA %08x", ike->rekey.current_spi_in);
	return ike_qm_start(ike, now);
}

static void delete_retired(struct ike *ike, usec_t now)
{
	struct ike_rekey *rk = &ike->rekey;

	for (size_t i = 0; i < rk->n_retire && ike->state == IKE_STATE_ESTABLISHED;) {
		uint32_t spi_in = rk->retire[i].spi_in;

		if (now < rk->retire[i].at) {
			i++;
			continue;
		}
		/* ike_delete_child() drops the entry through ike_rekey_child_gone() */
		ike_delete_child(ike, spi_in, now);
		if (i < rk->n_retire && rk->retire[i].spi_in == spi_in)
			rk->retire[i] = rk->retire[--rk->n_retire];
	}
}

void ike_rekey_tick(struct ike *ike, usec_t now)
{
	struct ike_rekey *rk = &ike->rekey;

	if (ike->state != IKE_STATE_ESTABLISHED)
		return;
	delete_retired(ike, now);
	/* not while a new ISAKMP SA is negotiated: the gateway may delete the old one under it */
	if (rk->soft_at && now >= rk->soft_at && ike->state == IKE_STATE_ESTABLISHED &&
	    !ike->p1rk.next)
		ike_rekey_child(ike, now);
}

usec_t ike_rekey_deadline(const struct ike *ike)
{
	const struct ike_rekey *rk = &ike->rekey;
	usec_t d = USEC_INFINITY;

	if (ike->state != IKE_STATE_ESTABLISHED)
		return d;
	/* a pending Quick Mode keeps the soft deadline: ike_rekey_child() waits for it */
	if (rk->soft_at && !ike_qm_pending(ike) && !ike->p1rk.next)
		d = rk->soft_at;
	for (size_t i = 0; i < rk->n_retire; i++)
		d = rv_usec_min(d, rk->retire[i].at);
	return d;
}
