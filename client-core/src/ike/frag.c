/*
 * IKEv1 fragmentation, the Cisco/Microsoft scheme that strongSwan, Windows
 * and Cisco speak (there is no RFC for IKEv1; RFC 7383 is IKEv2's own and
 * is not this). Announced with the FRAGMENTATION vendor ID; a message that
 * does not fit one datagram goes as a train of messages, each an ISAKMP
 * header (cookies, the phase 1 exchange type, M-ID 0, no flags) and one
 * payload 132:
 *
 *   next payload 0 | reserved | payload length (2)
 *   fragment ID (2) | fragment number (1, from 1) | flags (1, 0x01 = LAST)
 *   a slice of the whole original message, its own header included
 *
 * Sending: the train is cut so that each datagram, IPv4 and UDP headers
 * (and the NAT-T marker) counted, fits cfg.fragment_size (charon's 1280 by
 * default); a retransmission resends the whole train with the same ID.
 *
 * Receiving: one fragment ID in flight; a fragment with another ID starts a
 * new set (the old one is dropped: the gateway moved on). At most
 * IKE_FRAG_MAX fragments and IKE_FRAG_TOTAL_MAX bytes are held; duplicates
 * are ignored, order does not matter, and the set is complete when every
 * number up to the one flagged LAST is present. A LAST that contradicts the
 * set (a second LAST elsewhere, or fragments beyond it) drops the set. An
 * incomplete set is dropped IKE_FRAG_TIMEOUT after its last new fragment.
 *
 * Real-peer quirks absorbed: racoon sets the encryption flag on fragment
 * messages that are not encrypted (ignored here); Windows fragments at
 * about 600 bytes, so 16 fragments are not enough.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_FRAG_FLAG_LAST 0x01
#define IKE_FRAG_TIMEOUT (10 * USEC_PER_SEC)
#define IPV4_UDP_OVERHEAD (20 + 8)
#define NON_ESP_MARKER_LEN 4

struct frag {
	uint16_t id;
	uint8_t num, flags;
	const uint8_t *data;
	size_t len;
};

void ike_frag_rx_reset(struct ike_frag_rx *fr)
{
	for (size_t i = 0; i < IKE_FRAG_MAX; i++) {
		if (fr->part[i]) {
			rv_wipe(fr->part[i], fr->part_len[i]);
			free(fr->part[i]);
		}
	}
	memset(fr, 0, sizeof(*fr));
}

/* The fragment payload of a message whose header says its first payload is 132. */
static int frag_parse(const uint8_t *msg, size_t len, struct frag *f)
{
	struct rv_reader r;
	uint8_t next, reserved;
	uint16_t plen;

	if (len < ISAKMP_HDR_LEN)
		return -EBADMSG;
	r = rv_reader_init(msg + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN);
	if (!rv_reader_u8(&r, &next) || !rv_reader_u8(&r, &reserved) ||
	    !rv_reader_u16(&r, &plen) || plen < IKE_FRAG_HDR_LEN ||
	    !rv_reader_u16(&r, &f->id) || !rv_reader_u8(&r, &f->num) ||
	    !rv_reader_u8(&r, &f->flags) ||
	    !rv_reader_bytes(&r, &f->data, plen - (size_t)IKE_FRAG_HDR_LEN))
		return -EBADMSG;
	f->len = plen - (size_t)IKE_FRAG_HDR_LEN;
	if (f->num == 0 || f->num > IKE_FRAG_MAX)
		return -EBADMSG;
	return 0;
}

/* A LAST flag fixes the count; it must agree with what the set already holds. */
static bool take_last(struct ike_frag_rx *fr, const struct frag *f)
{
	if (!(f->flags & IKE_FRAG_FLAG_LAST))
		return !fr->last || f->num <= fr->last;
	if (fr->last)
		return fr->last == f->num;
	for (size_t i = f->num; i < IKE_FRAG_MAX; i++)
		if (fr->part[i])
			return false;
	fr->last = f->num;
	return true;
}

static int store(struct ike_frag_rx *fr, const struct frag *f, usec_t now)
{
	uint8_t *copy;

	if (f->len > IKE_FRAG_TOTAL_MAX - fr->total)
		return -EMSGSIZE;
	copy = malloc(f->len ? f->len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, f->data, f->len);
	fr->part[f->num - 1] = copy;
	fr->part_len[f->num - 1] = (uint16_t)f->len;
	fr->total += f->len;
	fr->n++;
	fr->expires = now + IKE_FRAG_TIMEOUT;
	return 0;
}

/* All of 1..last present: the whole message, in a buffer the caller frees. */
static int assemble(struct ike_frag_rx *fr, uint8_t **ret, size_t *ret_len)
{
	size_t off = 0;
	uint8_t *buf = malloc(fr->total ? fr->total : 1);

	if (!buf) {
		ike_frag_rx_reset(fr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < fr->last; i++) {
		memcpy(buf + off, fr->part[i], fr->part_len[i]);
		off += fr->part_len[i];
	}
	rv_log_debug(IKE_LOG, "fragment ID %u: %u fragments reassembled into %zu bytes", fr->id,
		     fr->last, off);
	ike_frag_rx_reset(fr);
	*ret = buf;
	*ret_len = off;
	return 1;
}

static void start_set(struct ike_frag_rx *fr, uint16_t id)
{
	if (fr->is_active)
		rv_log_debug(IKE_LOG, "fragment ID %u replaces the incomplete set %u", id, fr->id);
	ike_frag_rx_reset(fr);
	fr->is_active = true;
	fr->id = id;
}

int ike_frag_rx_add(struct ike_frag_rx *fr, const uint8_t *msg, size_t len, usec_t now,
		    uint8_t **ret, size_t *ret_len)
{
	struct frag f;
	bool is_dup;
	int r;

	if (frag_parse(msg, len, &f) < 0)
		return -EBADMSG;
	if (!fr->is_active || f.id != fr->id)
		start_set(fr, f.id);
	if (!take_last(fr, &f)) {
		rv_log_debug(IKE_LOG, "fragment ID %u: LAST flag contradicts the set; dropped",
			     f.id);
		ike_frag_rx_reset(fr);
		return -EBADMSG;
	}
	is_dup = fr->part[f.num - 1] != NULL;
	if (!is_dup) {
		r = store(fr, &f, now);
		if (r < 0) {
			rv_log_debug(IKE_LOG, "fragment ID %u: over %u bytes; dropped", f.id,
				     IKE_FRAG_TOTAL_MAX);
			ike_frag_rx_reset(fr);
			return r == -ENOMEM ? r : -EBADMSG;
		}
	}
	if (fr->last && fr->n == fr->last)
		return assemble(fr, ret, ret_len);
	return is_dup ? -EAGAIN : 0;
}

void ike_frag_rx_tick(struct ike_frag_rx *fr, usec_t now)
{
	if (!fr->is_active || now < fr->expires)
		return;
	rv_log_debug(IKE_LOG, "fragment ID %u: %u fragments, incomplete; dropped", fr->id, fr->n);
	ike_frag_rx_reset(fr);
}

usec_t ike_frag_rx_deadline(const struct ike_frag_rx *fr)
{
	return fr->is_active ? fr->expires : USEC_INFINITY;
}

/* The largest ISAKMP message that fits one datagram of cfg.fragment_size. */
static size_t max_whole(const struct ike *ike)
{
	return ike->cfg.fragment_size - IPV4_UDP_OVERHEAD - (ike->is_natt ? NON_ESP_MARKER_LEN : 0);
}

bool ike_frag_wanted(const struct ike *ike, size_t len)
{
	return ike->peer_fragmentation && len > max_whole(ike);
}

static int send_one(struct ike *ike, const uint8_t *msg, uint16_t id, uint8_t num, bool last,
		    const uint8_t *data, size_t len)
{
	uint8_t buf[IKE_FRAG_DATAGRAM_MAX];
	uint8_t exch = ike->cfg.aggressive ? ISAKMP_EXCH_AGGRESSIVE : ISAKMP_EXCH_MAIN;
	struct ike_builder b;
	size_t start, out_len;
	int r;

	/* strongSwan's rule: M-ID 0 and the phase 1 exchange type, whatever the message */
	ike_build_header(&b, buf, sizeof(buf), msg, msg + 8, exch, 0, 0);
	start = ike_build_begin(&b, ISAKMP_PL_FRAG);
	rv_writer_u16(&b.w, id);
	rv_writer_u8(&b.w, num);
	rv_writer_u8(&b.w, last ? IKE_FRAG_FLAG_LAST : 0);
	rv_writer_bytes(&b.w, data, len);
	ike_build_end(&b, start);
	if (ike_build_finish(&b, &out_len) < 0)
		return -ENOSPC;
	r = ike->ops.tx(ike->user_data, buf, out_len, ike->is_natt);
	return r < 0 ? r : 0;
}

/* Send msg as a train of fragments with this ID (the same ID again on a retransmit). */
int ike_frag_tx(struct ike *ike, const uint8_t *msg, size_t len, uint16_t id)
{
	size_t chunk = max_whole(ike) - ISAKMP_HDR_LEN - IKE_FRAG_HDR_LEN;
	size_t count = (len + chunk - 1) / chunk, off = 0;
	int r = 0;

	if (len < ISAKMP_HDR_LEN || count > IKE_FRAG_MAX)
		return -EMSGSIZE;
	rv_log_debug(IKE_LOG, "sending %zu bytes as %zu fragments (ID %u)", len, count, id);
	for (size_t num = 1; num <= count && r == 0; num++) {
		size_t n = len - off < chunk ? len - off : chunk;

		r = send_one(ike, msg, id, (uint8_t)num, num == count, msg + off, n);
		off += n;
	}
	return r;
}
