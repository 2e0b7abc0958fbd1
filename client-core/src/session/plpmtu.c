/*
 * The search of plpmtu.h: one probe out at a time, binary search between
 * the largest size answered and the smallest lost (RFC 4821 7.5), sizes
 * that carry the same as a known one decided without a probe.
 */
#include "plpmtu.h"

void plpmtu_init(struct plpmtu *pl, const struct plpmtu_config *cfg,
		 const struct plpmtu_ops *ops, void *user_data)
{
	*pl = (struct plpmtu){ .cfg = *cfg, .ops = ops, .user_data = user_data,
			       .deadline = USEC_INFINITY };
	if (!pl->cfg.tries)
		pl->cfg.tries = 1;
	if (pl->cfg.floor > pl->cfg.max)
		pl->cfg.floor = pl->cfg.max;
}

static unsigned inner(const struct plpmtu *pl, unsigned size)
{
	return pl->ops->inner(pl->user_data, size);
}

static void send_probe(struct plpmtu *pl, unsigned size, usec_t now);

/*
 * What the largest answered probe really weighed: the smallest size that
 * carries as much (the sizes above it in its block were never sent).
 */
static unsigned weight(const struct plpmtu *pl, unsigned size)
{
	while (size > pl->cfg.floor && inner(pl, size - 1) == inner(pl, size))
		size--;
	return size;
}

static void finish(struct plpmtu *pl, usec_t now)
{
	unsigned lost = pl->bad > pl->cfg.max ? 0 : pl->bad;

	if (lost && pl->good)
		pl->good = weight(pl, pl->good);
	pl->searching = false;
	pl->deadline = pl->cfg.reprobe ? now + pl->cfg.reprobe : USEC_INFINITY;
	pl->ops->found(pl->user_data, lost, pl->good);
}

/* The next size worth a probe, or 0 when good and bad are next to each other. */
static unsigned next_size(struct plpmtu *pl)
{
	if (pl->good >= pl->cfg.max)
		return 0;
	if (pl->bad > pl->cfg.max)
		return pl->cfg.max;
	if (!pl->good)
		return pl->bad > pl->cfg.floor ? pl->cfg.floor : 0;
	while (pl->bad - pl->good > 1) {
		unsigned mid = pl->good + (pl->bad - pl->good) / 2;

		if (inner(pl, mid) == inner(pl, pl->good))
			pl->good = mid;
		else if (inner(pl, mid) == inner(pl, pl->bad))
			pl->bad = mid;
		else
			return mid;
	}
	return 0;
}

static void advance(struct plpmtu *pl, usec_t now)
{
	unsigned size = next_size(pl);

	if (!size)
		finish(pl, now);
	else
		send_probe(pl, size, now);
}

/* Sizes above what is answered: lost, and so is any size above. */
static void lost(struct plpmtu *pl, usec_t now)
{
	pl->bad = pl->size;
	advance(pl, now);
}

static void send_probe(struct plpmtu *pl, unsigned size, usec_t now)
{
	if (size != pl->size)
		pl->sent = 0;
	pl->size = size;
	pl->sent++;
	pl->deadline = now + pl->cfg.timeout;
	if (pl->ops->send(pl->user_data, size) < 0) {
		pl->sent = pl->cfg.tries;
		pl->deadline = now;
	}
}

void plpmtu_start(struct plpmtu *pl, usec_t now)
{
	if (!pl->ops || !pl->cfg.max)
		return;
	pl->searching = true;
	pl->good = 0;
	pl->bad = pl->cfg.max + 1;
	pl->size = 0;
	send_probe(pl, pl->cfg.max, now);
}

void plpmtu_stop(struct plpmtu *pl)
{
	pl->searching = false;
	pl->deadline = USEC_INFINITY;
}

void plpmtu_answered(struct plpmtu *pl, unsigned size, usec_t now)
{
	/* A late answer still proves its size; one above a lost size does not reopen it. */
	if (!pl->searching || size <= pl->good || size >= pl->bad)
		return;
	pl->good = size;
	if (size == pl->size)
		advance(pl, now);
}

void plpmtu_tick(struct plpmtu *pl, usec_t now)
{
	if (pl->deadline == USEC_INFINITY || now < pl->deadline)
		return;
	if (!pl->searching) {
		plpmtu_start(pl, now);
		return;
	}
	if (pl->sent < pl->cfg.tries)
		send_probe(pl, pl->size, now);
	else
		lost(pl, now);
}

usec_t plpmtu_next_deadline(const struct plpmtu *pl)
{
	return pl->deadline;
}
