/*
 * libFuzzer target for the PPP client: ppp_rx() on a started object with
 * every method allowed and IPv6/DNS on, so LCP, PAP, CHAP/MS-CHAPv2, IPCP,
 * IPv6CP and the frame demux are all reachable. The input is a script of
 * operations, so the fuzzer can also get past what it cannot guess (our
 * random Magic-Number, IID and MS-CHAPv2 peer challenge):
 *   0 len16 frame   feed the frame to ppp_rx()
 *   1 secs8         advance time and ppp_tick()
 *   2 which8        Configure-Ack our last LCP/IPCP/IPv6CP request (which % 3)
 *   3               answer our last MS-CHAPv2 Response with a correct Success
 *   4               ppp_close()
 * tests/fuzz/ppp/gen-corpus.py writes the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/mschapv2.h"
#include "ppp/ppp.h"
#include "util/log.h"
#include "util/reader.h"
#include "util/secret.h"

struct last_req {
	uint8_t data[PKT_MAX_DATA];
	size_t len;
};

struct fuzz_ctx {
	struct ppp *ppp;
	usec_t now;
	struct last_req req[3];   /* LCP, IPCP, IPv6CP Configure-Request */
	struct last_req chap;     /* CHAP Response */
	uint8_t chap_challenge[16];
	bool is_dead;
};

static int proto_index(uint16_t proto)
{
	switch (proto) {
	case 0xc021:
		return 0;
	case 0x8021:
		return 1;
	case 0x8057:
		return 2;
	}
	return -1;
}

static int fuzz_tx(void *user_data, struct pkt *p)
{
	struct fuzz_ctx *c = user_data;
	uint16_t proto;
	int i;

	if (p->len < 8 || p->len > PKT_MAX_DATA)
		return 0;

	proto = (uint16_t)(p->data[2] << 8 | p->data[3]);
	i = proto_index(proto);
	if (i >= 0 && p->data[4] == 1) {
		memcpy(c->req[i].data, p->data, p->len);
		c->req[i].len = p->len;
	} else if (proto == 0xc223 && p->data[4] == 2) {
		memcpy(c->chap.data, p->data, p->len);
		c->chap.len = p->len;
	}
	return 0;
}

static void fuzz_event(void *user_data, enum ppp_event ev, const struct ppp_event_info *info)
{
	struct fuzz_ctx *c = user_data;

	if (ev == PPP_EVENT_FAILED || ev == PPP_EVENT_TERMINATED)
		c->is_dead = true;
	/* the message must always be a terminated string */
	if (strlen(info->message) >= sizeof(info->message))
		__builtin_trap();
}

static void fuzz_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len)
{
}

static void ack_last(struct fuzz_ctx *c, uint8_t which)
{
	struct last_req *r = &c->req[which % 3];
	uint8_t f[PKT_MAX_DATA];

	if (r->len < 8)
		return;
	memcpy(f, r->data, r->len);
	f[4] = 2;
	ppp_rx(c->ppp, f, r->len, c->now);
}

/* The Success a gateway that knows the password would send for our last Response. */
static void chap_success(struct fuzz_ctx *c)
{
	uint8_t f[8 + 42], digest[20];
	const uint8_t *resp = c->chap.data + 8;

	if (c->chap.len < 8 + 1 + 49 || resp[0] != 49)
		return;
	if (mschapv2_authenticator_response((const uint8_t *)"pw", 2, resp + 25, resp + 1,
					    c->chap_challenge, "alice", digest) < 0)
		return;

	memcpy(f, "\xff\x03\xc2\x23\x03", 5);
	f[5] = c->chap.data[5];
	f[6] = 0;
	f[7] = 4 + 42;
	memcpy(f + 8, "S=", 2);
	for (int i = 0; i < 20; i++) {
		f[10 + 2 * i] = (uint8_t)"0123456789ABCDEF"[digest[i] >> 4];
		f[11 + 2 * i] = (uint8_t)"0123456789ABCDEF"[digest[i] & 15];
	}
	ppp_rx(c->ppp, f, sizeof(f), c->now);
}

/* Remember the last 16-octet CHAP challenge we were given, for op 3. */
static void note_challenge(struct fuzz_ctx *c, const uint8_t *f, size_t len)
{
	size_t off = (len >= 2 && f[0] == 0xff && f[1] == 0x03) ? 2 : 0;

	if (len >= off + 4 + 5 + 16 && f[off] == 0xc2 && f[off + 1] == 0x23 && f[off + 2] == 1 &&
	    f[off + 6] == 16)
		memcpy(c->chap_challenge, f + off + 7, 16);
}

/* The data-plane thread's parser: IP is pulled from at most 4 header bytes; anything else is left be. */
static void check_ip_pull(const uint8_t *frame, size_t len)
{
	static uint8_t buf[65536];
	struct pkt p;
	int version;

	memcpy(buf, frame, len);
	pkt_init(&p, buf, len, 0);
	p.len = len;
	version = ppp_ip_pull(&p);
	if (version == 0 ? p.data != buf || p.len != len :
	    (version != 4 && version != 6) || p.data < buf + 1 || p.data > buf + 4 ||
	    p.data + p.len != buf + len)
		__builtin_trap();
}

static void run_op(struct fuzz_ctx *c, uint8_t op, struct rv_reader *r)
{
	const uint8_t *frame;
	uint16_t len;
	uint8_t arg;

	switch (op % 5) {
	case 0:
		if (!rv_reader_u16(r, &len) || !rv_reader_bytes(r, &frame, len)) {
			r->pos = r->len;
			return;
		}
		note_challenge(c, frame, len);
		check_ip_pull(frame, len);
		ppp_rx(c->ppp, frame, len, c->now);
		return;
	case 1:
		if (rv_reader_u8(r, &arg)) {
			c->now += (usec_t)arg * 1000000;
			ppp_tick(c->ppp, c->now);
		}
		return;
	case 2:
		if (rv_reader_u8(r, &arg))
			ack_last(c, arg);
		return;
	case 3:
		chap_success(c);
		return;
	case 4:
		ppp_close(c->ppp, c->now);
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ppp_ops ops = { .tx = fuzz_tx, .event = fuzz_event,
					    .ip_rx = fuzz_ip_rx };
	static struct fuzz_ctx c;
	struct rv_secret *pw = rv_secret_new("pw", 2);
	struct ppp_config cfg = {
		.user = "alice",
		.password = pw,
		.auth_allowed = PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2,
		.want_ipv6 = true,
		.want_dns = true,
	};
	struct rv_reader r = rv_reader_init(data, size);
	uint8_t op;

	/* FUZZ_PPP_DEBUG=1 shows the engine's debug log when replaying one input */
	if (getenv("FUZZ_PPP_DEBUG"))
		rv_log_set_debug("ppp");
	memset(&c, 0, sizeof(c));
	c.now = 1000000;
	c.ppp = ppp_new(&cfg, &ops, &c);
	if (!c.ppp)
		__builtin_trap();
	ppp_start(c.ppp, c.now);

	while (rv_reader_u8(&r, &op))
		run_op(&c, op, &r);

	/* whatever state it is in, the deadline must be sane and ticking must not crash */
	for (int i = 0; i < 8 && ppp_next_deadline(c.ppp) != USEC_INFINITY; i++) {
		usec_t d = ppp_next_deadline(c.ppp);

		if (d < c.now)
			__builtin_trap();
		c.now = d;
		ppp_tick(c.ppp, c.now);
	}

	ppp_free(c.ppp);
	rv_secret_free(pw);
	return 0;
}
