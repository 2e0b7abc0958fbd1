#pragma once
/*
 * Packetization-layer path MTU discovery (RFC 4821) over an echo the
 * gateway answers: the search only, pure (time is an argument, probes go
 * out through ops), so it is unit-tested with a fake clock and transport.
 *
 * Sizes are outer path sizes (what one packet to the gateway may weigh);
 * ops->inner() says what a probe of that size carries, so sizes that carry
 * the same (ESP rounds to its block) are never probed twice. A path that
 * drops big packets and says nothing (ICMP filtered: a black hole) is found
 * as "max unanswered, the floor answered"; the search then halves between
 * the largest size answered and the smallest lost, and starts again from
 * the top every cfg.reprobe to notice a larger path.
 */
#include <stdbool.h>

#include "util/clock.h"

struct plpmtu_ops {
	/* Send one probe of path size `size`. 0, or -errno: that size counts as lost. */
	int (*send)(void *user_data, unsigned size);
	/* What a probe of path size `size` carries (the TUN MTU it stands for). */
	unsigned (*inner)(void *user_data, unsigned size);
	/*
	 * A search ended: `pass` is what the largest answered probe weighed
	 * (the smallest size that carries as much), `lost` the smallest size
	 * unanswered (0 when max itself passed). pass is 0 when not even the
	 * floor was answered: the gateway is silent, not the path.
	 */
	void (*found)(void *user_data, unsigned lost, unsigned pass);
};

struct plpmtu_config {
	unsigned max;       /* the path MTU the stack was sized for */
	unsigned floor;     /* the smallest size worth probing */
	usec_t timeout;     /* a probe unanswered this long is lost */
	unsigned tries;     /* probes of one size before it counts as lost */
	usec_t reprobe;     /* after a search, search again from the top */
};

struct plpmtu {
	struct plpmtu_config cfg;
	const struct plpmtu_ops *ops;
	void *user_data;
	bool searching;
	unsigned good;      /* largest size answered; 0: none yet */
	unsigned bad;       /* smallest size lost; max + 1: none */
	unsigned size;      /* the probe out */
	unsigned sent;      /* probes of that size so far */
	usec_t deadline;    /* of the probe out, or of the next search; USEC_INFINITY */
};

void plpmtu_init(struct plpmtu *pl, const struct plpmtu_config *cfg,
		 const struct plpmtu_ops *ops, void *user_data);
/* Search now, from the top (after connecting, a reconnect, a path change). */
void plpmtu_start(struct plpmtu *pl, usec_t now);
/* Stop probing (the link is going down). */
void plpmtu_stop(struct plpmtu *pl);
/* The probe of `size` was answered. */
void plpmtu_answered(struct plpmtu *pl, unsigned size, usec_t now);
void plpmtu_tick(struct plpmtu *pl, usec_t now);
usec_t plpmtu_next_deadline(const struct plpmtu *pl);
