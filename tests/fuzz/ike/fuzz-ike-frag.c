/*
 * libFuzzer target for IKEv1 fragment reassembly (ike/frag.c): a script of
 *   0 len16 bytes                     a raw datagram to ike_frag_rx_add()
 *   1 id16 num8 flags8 len16 bytes    a well-formed fragment with that header
 *   2 secs8                           advance time and ike_frag_rx_tick()
 * Every message that completes is walked as an ISAKMP message (header and
 * payload chain), as ike_rx() would. The set is freed at the end, so ASan
 * sees any fragment left behind. tests/fuzz/ike/gen-frag-corpus.py writes
 * the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike-internal.h"

static uint8_t dgram[70000];

static void consume(uint8_t *whole, size_t len)
{
	struct ike_msg m;
	size_t msg_len;
	int first = ike_msg_parse_header(whole, len, &m, &msg_len);

	if (first >= 0)
		ike_msg_parse_chain(&m, (uint8_t)first, whole + ISAKMP_HDR_LEN,
				    msg_len - ISAKMP_HDR_LEN);
	free(whole);
}

static void add(struct ike_frag_rx *fr, const uint8_t *d, size_t len, usec_t now)
{
	uint8_t *whole = NULL;
	size_t whole_len = 0;

	if (ike_frag_rx_add(fr, d, len, now, &whole, &whole_len) == 1)
		consume(whole, whole_len);
}

/* Header (first payload 132, Main Mode, M-ID 0) + fragment payload around data. */
static size_t wrap(uint16_t id, uint8_t num, uint8_t flags, const uint8_t *data, size_t len)
{
	size_t total = ISAKMP_HDR_LEN + IKE_FRAG_HDR_LEN + len;

	memset(dgram, 0x11, 16);
	dgram[16] = ISAKMP_PL_FRAG;
	dgram[17] = ISAKMP_VERSION;
	dgram[18] = ISAKMP_EXCH_MAIN;
	memset(dgram + 19, 0, 5);
	dgram[24] = (uint8_t)(total >> 24);
	dgram[25] = (uint8_t)(total >> 16);
	dgram[26] = (uint8_t)(total >> 8);
	dgram[27] = (uint8_t)total;
	dgram[28] = 0;
	dgram[29] = 0;
	dgram[30] = (uint8_t)((len + IKE_FRAG_HDR_LEN) >> 8);
	dgram[31] = (uint8_t)(len + IKE_FRAG_HDR_LEN);
	dgram[32] = (uint8_t)(id >> 8);
	dgram[33] = (uint8_t)id;
	dgram[34] = num;
	dgram[35] = flags;
	memcpy(dgram + 36, data, len);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rv_reader r = rv_reader_init(data, size);
	struct ike_frag_rx fr = { 0 };
	usec_t now = 1000 * USEC_PER_SEC;
	uint8_t op, num, flags, secs;
	uint16_t len, id;
	const uint8_t *p;

	while (rv_reader_u8(&r, &op)) {
		switch (op % 3) {
		case 0:
			if (!rv_reader_u16(&r, &len) || !rv_reader_bytes(&r, &p, len))
				goto out;
			add(&fr, p, len, now);
			break;
		case 1:
			if (!rv_reader_u16(&r, &id) || !rv_reader_u8(&r, &num) ||
			    !rv_reader_u8(&r, &flags) || !rv_reader_u16(&r, &len) ||
			    len > 0xffff - IKE_FRAG_HDR_LEN || !rv_reader_bytes(&r, &p, len))
				goto out;
			add(&fr, dgram, wrap(id, num, flags, p, len), now);
			break;
		case 2:
			if (!rv_reader_u8(&r, &secs))
				goto out;
			now += secs * USEC_PER_SEC;
			ike_frag_rx_tick(&fr, now);
			break;
		}
	}
out:
	ike_frag_rx_reset(&fr);
	return 0;
}
