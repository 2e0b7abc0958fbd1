/*
 * A refused IKE (the gateway, or a firewall before it, answers UDP/500 with
 * ICMP destination unreachable) fails phase 1 in about a second, not after
 * IKE's whole retransmission timeout (20 s) as "no answer".
 *
 * Why not at the first ICMP: ICMP is unauthenticated (anyone on the path
 * can forge one) and often transient (a gateway that reboots refuses until
 * its IKE daemon is up; a route flaps). So one refusal decides only when
 * the retransmission that follows one second later is refused too, or
 * nothing at all comes back for SESSION_REFUSAL_GRACE after it; and any
 * IKE message from the gateway ends the matter for this attempt (it speaks
 * IKE: a later ICMP is stale or forged, and IKE's own timers decide). An
 * attacker who can forge ICMP on the path can drop our packets as well:
 * failing in 1-3 s instead of 20 s gives it nothing new.
 *
 * Only UDP/500: IKE moves to UDP/4500 (NAT-T) only after the gateway
 * answered on UDP/500, and an answer ends the matter as above.
 */
#include <stdio.h>

#include "refusal.h"

void session_refusal_reset(struct session_refusal *r)
{
	*r = (struct session_refusal){ .kind = NET_UNREACH_NONE };
}

void session_refusal_note(struct session_refusal *r, enum net_unreach kind, unsigned n, usec_t now)
{
	if (!n || kind == NET_UNREACH_NONE || r->answered)
		return;
	if (!r->count)
		r->first_at = now;
	r->count += n;
	r->kind = kind;
}

void session_refusal_note_answer(struct session_refusal *r)
{
	r->answered = true;
}

usec_t session_refusal_deadline(const struct session_refusal *r)
{
	if (r->answered || !r->count)
		return USEC_INFINITY;
	return r->first_at + SESSION_REFUSAL_GRACE;
}

bool session_refusal_decided(const struct session_refusal *r, usec_t now)
{
	if (r->answered || !r->count)
		return false;
	return r->count >= SESSION_REFUSAL_COUNT || now >= session_refusal_deadline(r);
}

void session_refusal_describe(const struct session_refusal *r, unsigned port, char *out,
			      size_t size)
{
	switch (r->kind) {
	case NET_UNREACH_PORT:
		snprintf(out, size, "UDP port %u unreachable (ICMP)", port);
		return;
	case NET_UNREACH_PROHIBITED:
		snprintf(out, size, "UDP port %u administratively prohibited (ICMP; a firewall "
				    "rejects it)", port);
		return;
	case NET_UNREACH_HOST:
		snprintf(out, size, "UDP port %u: host or network unreachable (ICMP)", port);
		return;
	case NET_UNREACH_NONE:
		break;
	}
	snprintf(out, size, "UDP port %u", port);
}
