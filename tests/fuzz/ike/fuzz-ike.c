/*
 * libFuzzer target for the IKEv1 initiator: ike_rx() on a started object.
 * The first byte picks where the fuzzed messages land:
 *   bit 0 clear: right after MM1 (MM2-shaped input reaches SA, VID and
 *                notify parsing, then MM3/MM4 and the DH with random keys)
 *   bit 0 set:   after the scripted gateway of the unit tests (fake-gw.c)
 *                took the SA up to CHILD_UP (bit 1: through a fake NAT,
 *                bit 2: the gateway also starts its own Quick Mode)
 * then a script of operations:
 *   0 len16 msg        ike_rx(msg); the cookies are patched to ours when
 *                      msg is long enough, so the fuzzer gets past them
 *   1 secs8            advance time and ike_tick()
 *   2 exch8 mid32 len16 chain
 *                      a protected message: the chain is sealed with the
 *                      SA's keys and IV, HASH(1) filled in when the chain
 *                      starts with a HASH payload, so Quick Mode and
 *                      informational parsing are reachable
 *   3                  ike_close()
 * tests/fuzz/ike/gen-corpus.py writes the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "gw-link.h"
#include "ike/ike-internal.h"
#include "util/log.h"

struct fuzz_ctx {
	struct ike *ike;
	struct fake_gw gw;
	usec_t now;
	struct gw_link link;
};

/* Let the scripted gateway take the SA up (bounded: it may also fail). */
static void bring_up(struct fuzz_ctx *c, bool nat, bool own_qm)
{
	struct fake_gw_config g = {
		.psk = "fuzz-psk", .addr = inet_addr("198.51.100.1"),
		.client_seen_addr = inet_addr("198.51.100.2"), .natt_rfc = true,
		.fake_natd = nat, .own_qm = own_qm,
	};

	fake_gw_init(&c->gw, &g);
	for (int i = 0; i < 12 && gw_link_to_gw(&c->link, &c->gw); i++)
		gw_link_to_client(&c->gw, c->ike, nat, c->now);
}

/* The IV the engine will use for this message (ike_sa.c rx_iv). */
static void engine_iv(struct ike *ike, uint8_t exch, uint32_t mid, uint8_t *iv)
{
	struct ike_qm *qm = exch == ISAKMP_EXCH_QUICK ? ike_qm_find(ike, mid) : NULL;

	if (exch == ISAKMP_EXCH_MAIN || exch == ISAKMP_EXCH_AGGRESSIVE)
		memcpy(iv, ike->p1_iv, 16);
	else if (qm)
		memcpy(iv, qm->iv, 16);
	else
		ike_iv_phase2(&ike->keys, ike_p1_hash(ike), ike->p1_iv, mid, iv);
}

static void send_protected(struct fuzz_ctx *c, uint8_t exch, uint32_t mid, uint8_t first,
			   const uint8_t *chain, size_t len)
{
	struct ike *ike = c->ike;
	uint8_t buf[4096], iv[16];
	struct ike_builder b;
	size_t out_len;

	if (!ike->has_keys || len + 64 > sizeof(buf))
		return;
	ike_build_header(&b, buf, sizeof(buf), ike->cky_i, ike->cky_r, exch, 0, mid);
	b.w.buf[16] = first;
	rv_writer_bytes(&b.w, chain, len);
	if (ike_build_finish(&b, &out_len) < 0)
		return;
	/* a leading HASH payload of the right size gets the right HASH(1) */
	if (first == ISAKMP_PL_HASH && len >= 4 + ike->keys.prf_len &&
	    (size_t)(chain[2] << 8 | chain[3]) == 4 + ike->keys.prf_len)
		ike_hash_mid(ike, mid, NULL, 0, buf + 32 + ike->keys.prf_len,
			     out_len - 32 - ike->keys.prf_len, buf + 32);
	engine_iv(ike, exch, mid, iv);
	if (ike_encrypt(ike, buf, &out_len, sizeof(buf), iv) < 0)
		return;
	ike_rx(ike, buf, out_len, ike->is_natt, c->now);
}

static void op_rx(struct fuzz_ctx *c, struct rv_reader *r)
{
	uint8_t msg[IKE_MSG_MAX * 2];
	const uint8_t *p;
	uint16_t len;

	if (!rv_reader_u16(r, &len) || !rv_reader_bytes(r, &p, len) || len > sizeof(msg)) {
		r->pos = r->len;
		return;
	}
	memcpy(msg, p, len);
	if (len >= 16) {
		memcpy(msg, c->ike->cky_i, 8);
		if (c->ike->state != IKE_STATE_MM_I1)
			memcpy(msg + 8, c->ike->cky_r, 8);
	}
	ike_rx(c->ike, msg, len, false, c->now);
}

static void op_protected(struct fuzz_ctx *c, struct rv_reader *r)
{
	const uint8_t *chain;
	uint8_t exch, first;
	uint32_t mid;
	uint16_t len;

	if (!rv_reader_u8(r, &exch) || !rv_reader_u32(r, &mid) || !rv_reader_u8(r, &first) ||
	    !rv_reader_u16(r, &len) || !rv_reader_bytes(r, &chain, len)) {
		r->pos = r->len;
		return;
	}
	send_protected(c, exch, mid, first, chain, len);
}

static void run_op(struct fuzz_ctx *c, uint8_t op, struct rv_reader *r)
{
	uint8_t arg;

	switch (op % 4) {
	case 0:
		op_rx(c, r);
		return;
	case 1:
		if (rv_reader_u8(r, &arg)) {
			c->now += (usec_t)arg * USEC_PER_SEC;
			ike_tick(c->ike, c->now);
		}
		return;
	case 2:
		op_protected(c, r);
		return;
	case 3:
		ike_close(c->ike, c->now);
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_ctx c;
	struct rv_secret *psk = rv_secret_new_str("fuzz-psk");
	struct ike_config cfg = {
		.local_addr = inet_addr("198.51.100.2"),
		.remote_addr = inet_addr("198.51.100.1"),
		.psk = psk,
	};
	struct rv_reader r = rv_reader_init(data, size);
	uint8_t mode = 0, op;

	/* FUZZ_IKE_DEBUG=1 shows the engine's debug log when replaying one input */
	if (getenv("FUZZ_IKE_DEBUG"))
		rv_log_set_debug("ike");
	memset(&c, 0, sizeof(c));
	c.now = 1000 * USEC_PER_SEC;
	c.ike = ike_new(&cfg, &gw_link_ops, &c.link);
	if (!c.ike)
		__builtin_trap();
	ike_start(c.ike, c.now);
	rv_reader_u8(&r, &mode);
	if (mode & 1)
		bring_up(&c, mode & 2, mode & 4);

	while (rv_reader_u8(&r, &op))
		run_op(&c, op, &r);

	/* whatever state it is in, the deadline must be sane and ticking must not crash */
	for (int i = 0; i < 8 && ike_next_deadline(c.ike) != USEC_INFINITY; i++) {
		usec_t d = ike_next_deadline(c.ike);

		if (d < c.now)
			__builtin_trap();
		c.now = d;
		ike_tick(c.ike, c.now);
	}

	ike_free(c.ike);
	fake_gw_free(&c.gw);
	rv_secret_free(psk);
	return 0;
}
