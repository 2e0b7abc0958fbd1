/*
 * Dead Peer Detection as initiator (RFC 3706 §5): when the gateway
 * announced DPD and nothing came from it for the delay (default 30 s:
 * neither authenticated ESP, which the caller reports, nor an IKE message),
 * send R-U-THERE with a fresh sequence number every 5 s; an ACK naming any
 * sequence number of this probe run, or traffic, ends the run; five
 * unanswered ones mean the gateway is gone (IKE_FAILURE_DEAD_PEER).
 *
 * §5.5: the first sequence number is random (below 2^31, so it does not
 * wrap at once); the ACK must carry our cookies as its SPI. Its worry
 * metric too: ESP sent with nothing back for 5 s starts the probes early.
 */
#include <errno.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_DPD_DELAY (30 * USEC_PER_SEC)
#define IKE_DPD_RETRY (5 * USEC_PER_SEC)
#define IKE_DPD_TRIES 5
#define IKE_DPD_WORRY (5 * USEC_PER_SEC)

static usec_t dpd_delay(const struct ike *ike)
{
	return ike->cfg.dpd_delay ? ike->cfg.dpd_delay : IKE_DPD_DELAY;
}

static bool dpd_active(const struct ike *ike)
{
	/* not in a rekey's Main Mode object (p1rekey.c): DPD runs on the SA in use */
	return ike->peer_dpd && ike->is_p1_up && ike->state == IKE_STATE_ESTABLISHED &&
	       ike->dpd.last_rx && !ike->parent;
}

void ike_note_inbound_activity(struct ike *ike, usec_t now)
{
	if (!ike || now <= ike->dpd.last_rx)
		return;
	ike->dpd.last_rx = now;
	/* RFC 3706 §5.3: traffic from the peer is proof of liveliness */
	ike->dpd.is_probing = false;
}

void ike_note_outbound_activity(struct ike *ike, usec_t now)
{
	if (ike && ike->dpd.tx_at <= ike->dpd.last_rx)
		ike->dpd.tx_at = now;
}

/* When a quiet gateway gets probed: after the delay, or 5 s after we sent and heard nothing. */
static usec_t probe_at(const struct ike *ike)
{
	const struct ike_dpd *d = &ike->dpd;
	usec_t at = d->last_rx + dpd_delay(ike), worry;

	if (d->tx_at <= d->last_rx)
		return at;
	worry = d->last_rx + IKE_DPD_WORRY > d->tx_at ? d->last_rx + IKE_DPD_WORRY : d->tx_at;
	return rv_usec_min(at, worry);
}

static void send_r_u_there(struct ike *ike, uint32_t seq)
{
	uint8_t body[8 + 16 + 4];
	struct rv_writer w = rv_writer_init(body, sizeof(body));

	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&w, 16);
	rv_writer_u16(&w, ISAKMP_N_DPD_R_U_THERE);
	rv_writer_bytes(&w, ike->cky_i, 8);
	rv_writer_bytes(&w, ike->cky_r, 8);
	rv_writer_u32(&w, seq);
	rv_log_debug(IKE_LOG, "DPD: R-U-THERE %u (%u unanswered)", seq, ike->dpd.unanswered);
	/* a send error is one more unanswered probe */
	ike_info_send(ike, ISAKMP_PL_N, body, w.len);
}

static void start_probing(struct ike_dpd *d)
{
	if (!d->seq)
		d->seq = rv_random_u32() & 0x7fffffff;
	d->is_probing = true;
	d->unanswered = 0;
	d->first_seq = d->seq + 1;
}

void ike_dpd_tick(struct ike *ike, usec_t now)
{
	struct ike_dpd *d = &ike->dpd;

	if (!dpd_active(ike))
		return;
	if (!d->is_probing) {
		if (now < probe_at(ike))
			return;
		start_probing(d);
	} else if (now < d->next_at) {
		return;
	}
	if (d->unanswered >= IKE_DPD_TRIES) {
		ike_fail(ike, 1, IKE_FAILURE_DEAD_PEER, 0,
			 "gateway stopped answering (DPD): %u R-U-THERE unanswered, nothing "
			 "received for %u s",
			 d->unanswered, (unsigned int)((now - d->last_rx) / USEC_PER_SEC));
		return;
	}
	send_r_u_there(ike, ++d->seq);
	d->unanswered++;
	d->next_at = now + IKE_DPD_RETRY;
}

usec_t ike_dpd_deadline(const struct ike *ike)
{
	if (!dpd_active(ike))
		return USEC_INFINITY;
	return ike->dpd.is_probing ? ike->dpd.next_at : probe_at(ike);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void ike_dpd_ack(struct ike *ike, const struct ike_notify *n, usec_t now)
{
	struct ike_dpd *d = &ike->dpd;
	uint32_t seq;

	if (n->spi_len != 16 || n->data_len != 4 || memcmp(n->spi, ike->cky_i, 8) ||
	    memcmp(n->spi + 8, ike->cky_r, 8))
		return;
	seq = be32(n->data);
	/* unsigned distance: an ACK for any R-U-THERE of this run, wrap included */
	if (!d->is_probing || seq - d->first_seq >= d->unanswered) {
		rv_log_debug(IKE_LOG, "DPD: stray R-U-THERE-ACK %u ignored", seq);
		return;
	}
	rv_log_debug(IKE_LOG, "DPD: R-U-THERE-ACK %u", seq);
	d->is_probing = false;
	d->last_rx = now;
}
