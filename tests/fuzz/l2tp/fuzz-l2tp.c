/*
 * libFuzzer target for the L2TP LAC: l2tp_rx() on a freshly started object,
 * or on one brought to SESSION_UP by a scripted handshake.
 *
 * Input: one mode byte (bit 0: tunnel secret set, bit 1: handshake first),
 * then records of [flags u8][length u16][bytes]. Record flags: bit 0 writes
 * our tunnel id into the header, bit 1 our session id (so the fuzzer gets past
 * the id checks), bits 2-6 advance time by that many 250 ms steps, bit 7
 * calls l2tp_close() after the record. Every control message the LAC sends
 * must parse with its own codec.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "l2tp/l2tp-internal.h"
#include "util/reader.h"
#include "util/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct l2tp_ctl_msg out_msg;

static int fuzz_tx(void *user_data, const uint8_t *data, size_t len)
{
	if (l2tp_ctl_parse(data, len, NULL, &out_msg) < 0)
		abort();
	return 0;
}

static int fuzz_tx_pkt(void *user_data, struct pkt *p)
{
	return 0;
}

static void fuzz_event(void *user_data, enum l2tp_event ev, const struct l2tp_event_info *info)
{
	/* The message must be a terminated string. */
	if (strnlen(info->message, sizeof(info->message)) == sizeof(info->message))
		abort();
}

static void fuzz_ppp_rx(void *user_data, const uint8_t *frame, size_t len, usec_t now)
{
	/* Touch every byte so ASan checks the borrowed range. */
	if (memchr(frame, 0x7e, len) == frame + len)
		abort();
}

static const struct l2tp_ops fuzz_ops = {
	.tx = fuzz_tx,
	.tx_pkt = fuzz_tx_pkt,
	.event = fuzz_event,
	.ppp_rx = fuzz_ppp_rx,
};

static void feed(struct l2tp *l, struct rv_writer *w, uint16_t ns, uint16_t nr, usec_t now)
{
	size_t len = l2tp_ctl_finish(w);

	w->buf[8] = ns >> 8;
	w->buf[9] = ns & 0xff;
	w->buf[10] = nr >> 8;
	w->buf[11] = nr & 0xff;
	l2tp_rx(l, w->buf, len, now);
}

static void handshake(struct l2tp *l, usec_t now)
{
	uint8_t buf[256], resp[16], type = L2TP_MSG_SCCRP;
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, l->tunnel_id, 0, L2TP_MSG_SCCRP);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_PROTOCOL_VERSION, 0x0100);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_FRAMING_CAPABILITIES, 3);
	l2tp_avp_put(&w, true, L2TP_AVP_HOST_NAME, "lns", 3);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_TUNNEL_ID, 4);
	if (l->secret) {
		size_t slen;
		const uint8_t *s = rv_secret_reveal(l->secret, &slen);
		const struct rv_iov iov[] = { { &type, 1 }, { s, slen }, { l->challenge, 16 } };

		rv_hash_v(RV_HASH_MD5, iov, 3, resp);
		l2tp_avp_put(&w, true, L2TP_AVP_CHALLENGE_RESPONSE, resp, 16);
	}
	feed(l, &w, 0, 1, now);

	w = rv_writer_init(buf, sizeof(buf));
	l2tp_ctl_begin(&w, l->tunnel_id, l->session_id, L2TP_MSG_ICRP);
	l2tp_avp_put_u16(&w, true, L2TP_AVP_ASSIGNED_SESSION_ID, 77);
	feed(l, &w, 1, 3, now);
}

static void patch_ids(const struct l2tp *l, uint8_t *buf, size_t len, uint8_t flags)
{
	/* Control messages and data with L have the ids 2 bytes further in. */
	size_t at = buf[0] & 0xc0 ? 4 : 2;

	if ((flags & 1) && len >= at + 2) {
		buf[at] = l->tunnel_id >> 8;
		buf[at + 1] = l->tunnel_id & 0xff;
	}
	if ((flags & 2) && len >= at + 4) {
		buf[at + 2] = l->session_id >> 8;
		buf[at + 3] = l->session_id & 0xff;
	}
}

/* The data-plane thread's parser: a pulled frame lies inside the datagram; a refusal leaves it be. */
static void check_data_pull(const struct l2tp *l, uint8_t *buf, size_t n)
{
	struct l2tp_data_framing f;
	struct pkt p;

	if (!l2tp_get_data_framing(l, &f))
		return;

	pkt_init(&p, buf, n, 0);
	p.len = n;
	if (l2tp_data_pull(&f, &p) < 0) {
		if (p.data != buf || p.len != n)
			abort();
		return;
	}
	if (p.data < buf + 6 || p.data + p.len > buf + n || memchr(p.data, 0x7e, p.len) == p.data + p.len)
		abort();
}

static void run_records(struct l2tp *l, struct rv_reader *r, usec_t now)
{
	static uint8_t buf[4096];
	static struct pkt_buf pb;
	uint8_t flags;
	uint16_t len;

	while (rv_reader_u8(r, &flags) && rv_reader_u16(r, &len)) {
		size_t n = len < rv_reader_left(r) ? len : rv_reader_left(r);
		const uint8_t *src;

		rv_reader_bytes(r, &src, n);
		n = n < sizeof(buf) ? n : sizeof(buf);
		memcpy(buf, src, n);
		patch_ids(l, buf, n, flags);
		now += ((flags >> 2) & 0x1f) * 250 * USEC_PER_MSEC;
		l2tp_tick(l, now);
		check_data_pull(l, buf, n);
		l2tp_rx(l, buf, n, now);
		l2tp_tick(l, now);
		if (l2tp_is_session_up(l)) {
			struct pkt *p = pkt_buf_reset(&pb);

			memcpy(pkt_put(p, 4), "\xff\x03\xc0\x21", 4);
			l2tp_send_ppp(l, p);
		}
		if (flags & 0x80)
			l2tp_close(l, now);
	}

	/* Run the timers out: retransmissions, hello, close timeout. */
	for (int i = 0; i < 64 && l2tp_next_deadline(l) != USEC_INFINITY; i++)
		l2tp_tick(l, l2tp_next_deadline(l));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rv_reader r = rv_reader_init(data, size);
	struct rv_secret *secret = rv_secret_new_str("fuzz-secret");
	struct l2tp_config cfg = { .hello_interval = 30 * USEC_PER_SEC };
	usec_t now = 1000 * USEC_PER_SEC;
	struct l2tp *l;
	uint8_t mode = 0;

	rv_reader_u8(&r, &mode);
	if (mode & 1)
		cfg.secret = secret;

	l = l2tp_new(&cfg, &fuzz_ops, NULL);
	if (!l || l2tp_start(l, now) < 0)
		abort();
	if (mode & 2)
		handshake(l, now);

	run_records(l, &r, now);
	l2tp_free(l);
	rv_secret_free(secret);
	return 0;
}
