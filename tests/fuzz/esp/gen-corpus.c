/*
 * Writes the seed corpus for fuzz-esp into the directory given: for each
 * test SA, sequences of valid sealed packets (in order, with a replay, out
 * of order) in the fuzz input format. Not built by default:
 *   ninja -C build tests/fuzz/esp/fuzz-esp-gen-corpus
 *   build/tests/fuzz/esp/fuzz-esp-gen-corpus tests/fuzz/corpus/fuzz-esp
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-esp.h"

static size_t append_packet(uint8_t *out, size_t pos, const struct pkt *p)
{
	out[pos++] = (uint8_t)(p->len >> 8);
	out[pos++] = (uint8_t)p->len;
	memcpy(out + pos, p->data, p->len);
	return pos + p->len;
}

static size_t make_seed(size_t suite, const size_t *lens, const int *order, size_t n,
			uint8_t *out)
{
	struct esp_sa *sa = esp_sa_new_outbound(&fuzz_esp_suites[suite]);
	struct pkt_buf bufs[4];
	size_t pos = 0;

	out[pos++] = (uint8_t)suite;
	for (size_t i = 0; i < n; i++) {
		struct pkt *p = pkt_buf_reset(&bufs[i]);

		memset(pkt_put(p, lens[i]), 'a' + (int)i, lens[i]);
		esp_udp_push(p, 1701, 1701, NULL);
		if (esp_seal(sa, p, ESP_NEXT_HEADER_UDP) < 0)
			exit(1);
	}
	for (size_t i = 0; i < n; i++)
		pos = append_packet(out, pos, &bufs[order[i]].pkt);

	esp_sa_free(sa);
	return pos;
}

int main(int argc, char **argv)
{
	static const size_t lens[] = { 12, 0, 60, 3 };
	static const int in_order[] = { 0, 1, 2, 3 }, replayed[] = { 1, 0, 1, 3 };
	static uint8_t out[4 * (PKT_STORAGE + 2) + 1];

	if (argc != 2)
		return 2;

	for (size_t s = 0; s < FUZZ_ESP_N_SUITES; s++) {
		for (int variant = 0; variant < 2; variant++) {
			char path[4096];
			size_t len = make_seed(s, lens, variant ? replayed : in_order, 4, out);
			FILE *f;

			snprintf(path, sizeof(path), "%s/seed-%zu-%d", argv[1], s, variant);
			f = fopen(path, "wb");
			if (!f || fwrite(out, 1, len, f) != len || fclose(f) != 0)
				return 1;
		}
	}

	return 0;
}
