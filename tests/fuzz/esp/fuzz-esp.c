/*
 * libFuzzer target for esp_open(): an inbound SA keyed from fixed test keys
 * (shared with gen-corpus.c through fuzz-esp.h), chosen by the first input
 * byte; the rest is one or more packets, each prefixed by a u16 length, fed
 * in order to the same SA so the replay window sees sequences too.
 * Results must stay inside the documented set, and an opened packet (and
 * its inner UDP payload) must lie inside what was given. The SA has two
 * lanes and each packet goes through esp_open_crypt() on one of them, then
 * esp_open_finish(), as the data plane's crypto stage does; crypt must leave
 * the packet's bounds as they were, whatever it returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-esp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_opened(const struct pkt *p, const uint8_t *start, size_t len)
{
	if (p->data < start || p->data + p->len > start + len)
		abort();
	/* Touch every byte so ASan checks the range. */
	if (memchr(p->data, 0xff, p->len) == p->data + p->len)
		abort();
}

static void open_one(struct esp_sa *sa, const uint8_t *bytes, size_t len)
{
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	uint8_t *start;
	uint8_t nh;
	int r;

	if (len > PKT_MAX_DATA)
		return;
	start = pkt_put(p, len);
	memcpy(start, bytes, len);
	r = esp_open_crypt(sa, (unsigned)len & 1, p);
	if (p->data != start || p->len != len)
		abort();
	if (r == 0)
		r = esp_open_finish(sa, p, &nh);
	if (r == 0) {
		check_opened(p, start, len);
		/* The inner UDP parser sees only authenticated bytes; feed it what opened. */
		if (nh == ESP_NEXT_HEADER_UDP && esp_udp_pull(p, ESP_L2TP_PORT, NULL) == 0)
			check_opened(p, start, len);
	}
	else if (r != -EBADMSG && r != -EALREADY && r != -ENOKEY)
		abort();
	if (r != 0 && (p->data != start || p->len != len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esp_sa_params prm;
	struct esp_sa *sa;
	size_t pos = 1;

	if (size < 1)
		return 0;

	prm = fuzz_esp_suites[data[0] % FUZZ_ESP_N_SUITES];
	prm.lanes = 2;
	sa = esp_sa_new_inbound(&prm);
	if (!sa)
		abort();

	while (pos + 2 <= size) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		open_one(sa, data + pos, len);
		pos += len;
	}

	esp_sa_free(sa);
	return 0;
}
