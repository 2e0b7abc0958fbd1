/*
 * Writes the seed corpus for fuzz-dataplane-gso into the directory given
 * (the script format is in fuzz-dataplane-gso.c): runs of each family and
 * protocol that coalesce, runs that must not (two flows interleaved, a gap,
 * PSH in the middle, a larger packet), and super-packets to split. Not built
 * by default:
 *   ninja -C build tests/fuzz/dataplane/fuzz-dataplane-gso-gen-corpus
 *   build/tests/fuzz/dataplane/fuzz-dataplane-gso-gen-corpus tests/fuzz/corpus/fuzz-dataplane-gso
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gso-test-pkt.h"
#include "dataplane/dataplane-gso.h"

#define OPT_UDP_OK 0x01
#define OPT_FIX 0x02
#define TCP_ACK 0x10
#define TCP_PSH 0x08

static uint8_t seed[1 << 17];
static size_t seed_len;
static const char *outdir;

static void seed_start(uint8_t opts)
{
	seed[0] = opts;
	seed_len = 1;
}

static void put_bytes(const void *p, size_t len)
{
	if (seed_len + len > sizeof(seed))
		exit(1);
	memcpy(seed + seed_len, p, len);
	seed_len += len;
}

static void put_len16(size_t len)
{
	put_bytes((uint8_t[]){ (uint8_t)(len >> 8), (uint8_t)len }, 2);
}

/* op 0: deliver one packet of f */
static void deliver(const struct tpkt_flow *f, size_t idx, size_t off, size_t payload,
		    uint8_t flags)
{
	uint8_t p[2048];
	size_t len = tpkt_build(p, f, idx, off, payload, flags);

	put_bytes("\0", 1);
	put_len16(len);
	put_bytes(p, len);
}

static void flush(void)
{
	put_bytes("\2", 1);
}

static void seed_write(const char *name)
{
	char path[512];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	out = fopen(path, "wb");
	if (!out || fwrite(seed, 1, seed_len, out) != seed_len || fclose(out) != 0) {
		perror(path);
		exit(1);
	}
}

/* n packets of f, `size` bytes each but the last (`last`), PSH on the last */
static void run(const struct tpkt_flow *f, size_t n, size_t size, size_t last)
{
	for (size_t i = 0; i < n; i++)
		deliver(f, i, i * size, i + 1 < n ? size : last, i + 1 < n ? TCP_ACK : TCP_ACK | TCP_PSH);
}

static void coalescing_seeds(void)
{
	static const char *const names[2][2] = { { "tcp4", "udp4" }, { "tcp6", "udp6" } };

	for (int v6 = 0; v6 <= 1; v6++) {
		for (int udp = 0; udp <= 1; udp++) {
			struct tpkt_flow f = tpkt_flow_default(v6, udp ? 17 : 6), g = f;
			char name[64];

			seed_start(OPT_UDP_OK);
			run(&f, 5, 1200, 700);
			flush();
			snprintf(name, sizeof(name), "run-%s", names[v6][udp]);
			seed_write(name);

			/* two flows interleaved, a gap, a bigger one, PSH in the middle */
			seed_start(OPT_UDP_OK | OPT_FIX);
			g.sport++;
			deliver(&f, 0, 0, 1000, TCP_ACK);
			deliver(&g, 0, 0, 1000, TCP_ACK);
			deliver(&f, 1, 1000, 1000, TCP_ACK);
			deliver(&f, 2, 2001, 1000, TCP_ACK);
			deliver(&f, 3, 3000, 1100, TCP_ACK);
			deliver(&f, 4, 4100, 1100, TCP_ACK | TCP_PSH);
			deliver(&f, 5, 5200, 1100, TCP_ACK);
			flush();
			snprintf(name, sizeof(name), "mixed-%s", names[v6][udp]);
			seed_write(name);
		}
	}
}

/* op 1: what dp_gro_finish() made of a run, as a packet read from the TUN */
static void split_seed(bool v6, uint8_t proto, const char *name)
{
	static struct dp_gro g = { .udp_ok = true };
	struct tpkt_flow f = tpkt_flow_default(v6, proto);
	uint8_t p[2048];
	size_t len;

	for (size_t i = 0; i < 4; i++)
		dp_gro_add(&g, p, tpkt_build(p, &f, i, i * 1000, i < 3 ? 1000 : 300, TCP_ACK));
	len = dp_gro_finish(&g);
	seed_start(0);
	put_bytes("\1", 1);
	put_bytes(g.hdr, DP_VNET_HDR_LEN);
	put_len16(len);
	put_bytes(g.buf, len);
	seed_write(name);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	coalescing_seeds();
	split_seed(false, 6, "split-tso4");
	split_seed(true, 6, "split-tso6");
	split_seed(false, 17, "split-uso4");
	split_seed(true, 17, "split-uso6");
	return 0;
}
