/*
 * bench-encap: per-packet cost of the whole client data path on one core,
 * beside the crypto alone in the same run (issue 7, item 1).
 *
 *   encap: 1400-byte IP packet -> ppp_send_ip -> l2tp_send_ppp -> inner UDP
 *          -> esp_seal  (what the TUN reader does before the socket send)
 *   decap: ESP packet -> esp_open -> UDP pull -> l2tp_rx -> ppp_rx -> IP
 *          (what the socket reader does before the TUN write)
 *
 * The two ends are real LAC + PPP client objects brought up by a scripted
 * peer (bench-stack.c). "crypto only" runs the same keyed cipher/MAC
 * contexts on the same number of bytes as the ESP packets the stack made.
 * No system calls are timed: see bench-tunnel.sh for those.
 *
 * Each figure is the median of RUNS runs of about run_seconds of timed work,
 * batches of BATCH; refilling buffers between batches is not timed.
 * Usage: bench-encap [seconds-per-run, default 0.3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-crypto.h"
#include "bench-stack.h"

#define IP_LEN 1400
#define BATCH BENCH_BATCH

struct ctx {
	struct bench_end a, b;
	struct bench_raw raw;
	size_t esp_len;       /* length of one sealed packet */
	uint64_t delivered;
};

static struct pkt_buf bufs[BATCH];
static struct pkt_buf sealed[BATCH];
static struct pkt *sent[BATCH];
static size_t n_sent;
static double run_seconds = 0.3;

/* An IPv4/UDP packet of IP_LEN bytes, 203.0.113.1 -> 203.0.113.2. */
static void fill_ip(struct pkt_buf *b)
{
	static const uint8_t hdr[28] = { 0x45, 0, IP_LEN >> 8, IP_LEN & 0xff, 0, 0, 0x40, 0,
					 64, 17, 0, 0, 203, 0, 113, 1, 203, 0, 113, 2,
					 0x13, 0x89, 0x13, 0x89, (IP_LEN - 20) >> 8,
					 (IP_LEN - 20) & 0xff, 0, 0 };
	struct pkt *p = pkt_buf_reset(b);
	uint8_t *d = pkt_put(p, IP_LEN);

	memcpy(d, hdr, sizeof(hdr));
	memset(d + sizeof(hdr), 0x42, IP_LEN - sizeof(hdr));
}

static int tx_esp(struct bench_end *e, struct pkt *p)
{
	sent[n_sent++ % BATCH] = p;
	return 0;
}

static void ip_rx(struct bench_end *e, const uint8_t *data, size_t len)
{
	struct ctx *x = e->user;

	x->delivered += len == IP_LEN;
}

/* The full path ------------------------------------------------------- */

static void prepare_encap(void *c)
{
	for (int i = 0; i < BATCH; i++)
		fill_ip(&bufs[i]);
}

static void work_encap(void *c)
{
	struct ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		if (bench_encap(&x->a, &bufs[i].pkt) < 0)
			abort();
}

/* Fresh sequence numbers for every batch: encap (untimed), then decap (timed). */
static void prepare_decap(void *c)
{
	struct ctx *x = c;

	prepare_encap(x);
	work_encap(x);
}

static void work_decap(void *c)
{
	struct ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		if (bench_decap(&x->b, &bufs[i].pkt, 0) < 0)
			abort();
}

/* Crypto only --------------------------------------------------------- */

static void prepare_raw_seal(void *c)
{
	struct ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		bench_fill(&bufs[i], x->raw.total_len);
}

static void work_raw_seal(void *c)
{
	struct ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		bench_raw_seal(&x->raw, bufs[i].pkt.data);
}

static void prepare_raw_open(void *c)
{
	for (int i = 0; i < BATCH; i++) {
		struct pkt *p = pkt_buf_reset(&bufs[i]);

		memcpy(pkt_put(p, sealed[i].pkt.len), sealed[i].pkt.data, sealed[i].pkt.len);
	}
}

static void work_raw_open(void *c)
{
	struct ctx *x = c;

	for (int i = 0; i < BATCH; i++)
		bench_raw_open(&x->raw, bufs[i].pkt.data);
}

/* The same bytes through the cipher as the ESP packets the stack produced. */
static void raw_setup(struct ctx *x, const struct esp_sa_params *prm)
{
	bench_raw_setup(&x->raw, prm, x->esp_len);
	for (int i = 0; i < BATCH; i++) {
		bench_fill(&sealed[i], x->raw.total_len);
		bench_raw_seal(&x->raw, sealed[i].pkt.data);
	}
}

/* Suites -------------------------------------------------------------- */

static int setup_pair(struct ctx *x, const struct bench_suite *s)
{
	struct esp_sa_params ab = s->prm, ba = s->prm;

	ab.spi = 0xbe000001;
	ba.spi = 0xbe000002;
	x->a = (struct bench_end){ .name = "a", .tx_esp = tx_esp, .ip_rx = ip_rx, .user = x };
	x->b = (struct bench_end){ .name = "b", .tx_esp = tx_esp, .ip_rx = ip_rx, .user = x };
	if (bench_pair_up(&x->a, &x->b, &ab, &ba) < 0)
		return -1;

	/* One packet through both ways checks the pair and gives the ESP length. */
	fill_ip(&bufs[0]);
	if (bench_encap(&x->a, &bufs[0].pkt) < 0)
		return -1;
	x->esp_len = bufs[0].pkt.len;
	if (bench_decap(&x->b, &bufs[0].pkt, 0) < 0 || x->delivered != 1) {
		fprintf(stderr, "%s: the packet did not come out at the other end\n", s->name);
		return -1;
	}
	return 0;
}

static int bench_suite(const struct bench_suite *s)
{
	struct ctx *x = calloc(1, sizeof(*x));
	double enc, dec, seal, open;

	if (!x || setup_pair(x, s) < 0)
		return -1;
	raw_setup(x, &s->prm);

	enc = bench_measure(prepare_encap, work_encap, x, run_seconds);
	seal = bench_measure(prepare_raw_seal, work_raw_seal, x, run_seconds);
	dec = bench_measure(prepare_decap, work_decap, x, run_seconds);
	open = bench_measure(prepare_raw_open, work_raw_open, x, run_seconds);

	printf("%-16s %5zu  encap %8.1f  seal %8.1f  x%.2f  | decap %8.1f  open %8.1f  x%.2f"
	       "  | both x%.2f  %6.2f Gbit/s/core\n",
	       s->name, x->esp_len, enc, seal, enc / seal, dec, open, dec / open,
	       (enc + dec) / (seal + open), IP_LEN * 8 / (enc + dec));

	bench_raw_free(&x->raw);
	bench_end_free(&x->a);
	bench_end_free(&x->b);
	free(x);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc > 1)
		run_seconds = atof(argv[1]);
	if (run_seconds <= 0)
		return 2;

	printf("bench-encap: %d-byte IP packets, PPP+L2TP+UDP+ESP, batches of %d, median of %d "
	       "runs of %.2f s;\nns per packet; ratio = full path / crypto only on the same bytes\n",
	       IP_LEN, BATCH, BENCH_RUNS, run_seconds);
	printf("%-16s %5s  %-30s | %-30s | %s\n", "suite", "esp-B", "encap (full, crypto, ratio)",
	       "decap (full, crypto, ratio)", "encap+decap");
	for (size_t i = 0; i < bench_n_suites; i++)
		ret |= bench_suite(&bench_suites[i]) < 0;
	return ret;
}
