/*
 * libFuzzer target for dataplane/dataplane-gso.c. The first byte holds
 * options (bit 0: dp_gro.udp_ok; bit 1: set each delivered packet's length
 * fields and checksums, so that coalescing, which checks them, is reached);
 * the rest is a script of operations:
 *   0 len16 packet        deliver it as dataplane.c does: dp_gro_candidate(),
 *                         dp_gro_add(), on false flush and add again (cut to
 *                         PKT_MAX_DATA, more than the PPP MRU lets through)
 *   1 vnet-hdr10 len16 packet
 *                         a packet read from the TUN: dp_gso_count() and
 *                         dp_gso_split() in batches, as dataplane.c does
 *   2                     flush
 * Every flush splits the super-packet back with dp_gso_split(), which must
 * give the packets that went in, byte for byte but for IPv4 ids (which the
 * split counts up from the first, as the kernel does) and header checksums.
 * tests/fuzz/dataplane/gen-corpus.c writes the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso-test-pkt.h"
#include "dataplane/dataplane-gso.h"

#define OPT_UDP_OK 0x01
#define OPT_FIX 0x02
#define MAX_SEGS 64      /* what dp_gro takes at most */
#define SPLIT_BATCH 8
#define SPLIT_MAX 256    /* segments split per op: a tiny gso_size makes 65535 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct orig {
	uint8_t data[PKT_MAX_DATA];
	size_t len;
};

static struct dp_gro gro;
static struct orig origs[MAX_SEGS];
static size_t n_origs;
static struct pkt_buf bufs[MAX_SEGS];

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Make the length fields and checksums right, where the headers are there to hold them. */
static void fix_packet(uint8_t *ip, size_t len)
{
	size_t ihl, l4_min;
	uint8_t proto;

	if (len < 20 || len > 65535)
		return;
	if (ip[0] >> 4 == 6) {
		if (len < 40)
			return;
		ihl = 40;
		proto = ip[6];
		put16(ip + 4, len - 40);
	} else {
		ihl = (size_t)(ip[0] & 0xf) * 4;
		proto = ip[9];
		if (ip[0] >> 4 != 4 || ihl < 20)
			return;
		put16(ip + 2, len);
	}
	l4_min = proto == 17 ? 8 : 20;
	if ((proto != 6 && proto != 17) || len < ihl + l4_min)
		return;
	if (proto == 17)
		put16(ip + ihl + 4, len - ihl);
	tpkt_fix_csums(ip, len);
}

/* A split segment is the packet that went in; IPv4 ids count up from the first one's. */
static void check_segment(const struct pkt *p, const struct orig *o, uint16_t head_id, size_t i)
{
	const uint8_t *got = p->data, *want = o->data;

	if (p->len != o->len)
		abort();
	if (want[0] >> 4 == 6) {
		if (memcmp(got, want, o->len))
			abort();
		return;
	}
	if (memcmp(got, want, 4) || memcmp(got + 6, want + 6, 4) ||
	    memcmp(got + 12, want + 12, o->len - 12))
		abort();
	if (get16(got + 4) != (uint16_t)(head_id + i) || !tpkt_ip4_csum_ok(got))
		abort();
}

/* The kernel's contract: the partial checksum is the pseudo-header sum over the whole L4 part. */
static void check_seal(const uint8_t *ip, size_t len, const struct dp_vnet_hdr *h)
{
	size_t field = (size_t)h->csum_start + h->csum_offset;

	if (len > 65535 || n_origs < 2 || h->gso_size != origs[0].len - h->hdr_len ||
	    !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || field + 2 > h->hdr_len ||
	    get16(ip + field) != tpkt_pseudo_sum(ip, len - h->csum_start))
		abort();
}

static void check_super(const uint8_t *ip, size_t len, const struct dp_vnet_hdr *h)
{
	struct pkt *out[MAX_SEGS];

	check_seal(ip, len, h);
	for (size_t i = 0; i < n_origs; i++)
		out[i] = pkt_buf_reset(&bufs[i]);
	if (dp_gso_count(h, ip, len) != n_origs ||
	    dp_gso_split(h, ip, len, 0, out, n_origs) != (int)n_origs)
		abort();
	for (size_t i = 0; i < n_origs; i++)
		check_segment(out[i], &origs[i], get16(origs[0].data + 4), i);
}

/* Flush as dataplane.c does, then check what would have been written. */
static void flush(void)
{
	struct dp_vnet_hdr h;
	size_t len;

	if (!gro.len) {
		if (n_origs)
			abort();
		return;
	}
	len = dp_gro_finish(&gro);
	dp_vnet_hdr_parse(gro.hdr, &h);
	if (gro.len || !n_origs)
		abort();
	if (h.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		/* a single packet goes out untouched */
		if (n_origs != 1 || h.flags || len != origs[0].len || memcmp(gro.buf, origs[0].data, len))
			abort();
	} else {
		check_super(gro.buf, len, &h);
	}
	n_origs = 0;
}

static void remember(const uint8_t *ip, size_t len)
{
	if (n_origs == MAX_SEGS)
		abort();
	memcpy(origs[n_origs].data, ip, len);
	origs[n_origs++].len = len;
}

static void deliver(const uint8_t *ip, size_t len)
{
	if (!dp_gro_candidate(ip, len)) {
		/* never coalesced: it may not start or join anything either */
		if (dp_gro_add(&gro, ip, len))
			abort();
		flush();
		return;
	}
	if (!dp_gro_add(&gro, ip, len)) {
		flush();
		/* after a flush a candidate always starts a new super-packet */
		if (!dp_gro_add(&gro, ip, len))
			abort();
	}
	remember(ip, len);
}

/* Segments cut from a super-packet carry full, valid checksums. */
static void check_split_csums(struct pkt **out, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *ip = out[i]->data;

		if (!tpkt_l4_csum_ok(ip, out[i]->len) || (ip[0] >> 4 == 4 && !tpkt_ip4_csum_ok(ip)))
			abort();
	}
}

/* A packet read from the TUN, split in batches as dataplane.c does. */
static void split(const uint8_t *hdr, const uint8_t *ip, size_t len)
{
	struct dp_vnet_hdr h;
	size_t k, done = 0;

	dp_vnet_hdr_parse(hdr, &h);
	k = dp_gso_count(&h, ip, len);
	if (k > SPLIT_MAX)
		k = SPLIT_MAX;
	while (done < k) {
		struct pkt *out[SPLIT_BATCH];
		size_t room = k - done < SPLIT_BATCH ? k - done : SPLIT_BATCH;
		int n;

		for (size_t i = 0; i < room; i++)
			out[i] = pkt_buf_reset(&bufs[i]);
		n = dp_gso_split(&h, ip, len, done, out, room);
		if (n <= 0 || (size_t)n > room)
			return;
		/* ECN alone does not make a super-packet: a single one keeps what it had */
		if ((h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE)
			check_split_csums(out, n);
		done += (size_t)n;
	}
}

/* The next len16-prefixed packet (cut at the end of the input), NULL when there is none. */
static const uint8_t *take_packet(const uint8_t *data, size_t size, size_t *pos, size_t *len)
{
	const uint8_t *p;

	if (*pos + 2 > size)
		return NULL;
	*len = get16(data + *pos);
	*pos += 2;
	if (*len > size - *pos)
		*len = size - *pos;
	p = data + *pos;
	*pos += *len;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 1, len;
	const uint8_t *p;
	uint8_t opts;

	if (size < 1)
		return 0;
	opts = data[0];
	memset(&gro, 0, sizeof(gro));
	gro.udp_ok = opts & OPT_UDP_OK;
	n_origs = 0;

	while (pos < size) {
		uint8_t op = data[pos++] % 3;

		if (op == 2) {
			flush();
		} else if (op == 0 && (p = take_packet(data, size, &pos, &len))) {
			/* an exact copy, so ASan sees every read past its end */
			uint8_t *copy;

			len = len < PKT_MAX_DATA ? len : PKT_MAX_DATA;
			copy = malloc(len ? len : 1);
			if (!copy)
				abort();
			memcpy(copy, p, len);
			if (opts & OPT_FIX)
				fix_packet(copy, len);
			deliver(copy, len);
			free(copy);
		} else if (op == 1 && pos + DP_VNET_HDR_LEN <= size) {
			const uint8_t *hdr = data + pos;
			uint8_t *copy;

			pos += DP_VNET_HDR_LEN;
			if (!(p = take_packet(data, size, &pos, &len)))
				break;
			copy = malloc(len ? len : 1);
			if (!copy)
				abort();
			memcpy(copy, p, len);
			split(hdr, copy, len);
			free(copy);
		} else {
			break;
		}
	}
	flush();
	return 0;
}
