/*
 * roadvpn-bench-peer: two roadvpn data planes back to back, for
 * bench-tunnel.sh (issue 7, item 2). No gateway: the two ends are the real
 * LAC + PPP client objects put in the "up" state by bench-stack.c's
 * scripted peer, on fixed test keys, each end with its own TUN (rvb0) in
 * its own network namespace and a UDP/4500 socket carrying ESP-in-UDP
 * across the underlay. Each end runs dataplane/dataplane.c on a thread of
 * its own, exactly the code roadvpnd uses.
 *
 *   ns A: rvb0 203.0.113.1 <-> UDP 198.51.100.1:4500
 *   ns B: rvb0 203.0.113.2 <-> UDP 198.51.100.2:4500
 *
 * Usage: roadvpn-bench-peer [--offload | --tun-offload | --udp-offload]
 *                           [--suite gcm|cbc|3des] [--crypto-workers N] NS_A NS_B
 * --offload is both: TUN vnet header (TSO/USO, coalescing) and UDP GSO/GRO.
 * --crypto-workers N gives each end N crypto threads besides its data
 * plane thread (SAs with N + 1 lanes), as roadvpnd does for CBC suites.
 * Runs until SIGINT/SIGTERM, then prints the data planes' counters and the
 * process CPU time. Needs root (namespaces, TUN).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "bench-stack.h"
#include "net/net.h"
#include "dataplane/dataplane.h"

#define ESP_PORT 4500

struct end {
	struct bench_end stack;
	struct net_tun tun;
	int fd;
	struct dataplane *dp;
	const char *ns;
	uint32_t local4, peer4;
};

static const uint8_t enc_key[36] = "bench-peer-encryption-key-012345678";
static const uint8_t integ_key[32] = "bench-peer-integrity-key-0123456";

static int suite_params(const char *name, struct esp_sa_params *p)
{
	*p = (struct esp_sa_params){ .enc_key = enc_key, .integ_key = integ_key };
	if (!strcmp(name, "gcm")) {
		p->cipher = ESP_CIPHER_AES_GCM16;
		p->enc_key_len = 20;
	} else if (!strcmp(name, "cbc")) {
		p->cipher = ESP_CIPHER_AES_CBC;
		p->enc_key_len = 32;
		p->integ = ESP_INTEG_HMAC_SHA1_96;
		p->integ_key_len = 20;
	} else if (!strcmp(name, "3des")) {
		p->cipher = ESP_CIPHER_3DES_CBC;
		p->enc_key_len = 24;
		p->integ = ESP_INTEG_HMAC_SHA1_96;
		p->integ_key_len = 20;
	} else {
		return -1;
	}
	return 0;
}

/* Data plane <-> stack glue ------------------------------------------- */

static int dp_encap(void *user_data, struct pkt *p)
{
	struct end *e = user_data;

	return bench_encap(&e->stack, p);
}

static void dp_decap(void *user_data, struct pkt *p, int opened, usec_t now)
{
	struct end *e = user_data;

	(void)bench_decap_opened(&e->stack, p, opened, now);
}

/* The crypto stage, as roadvpnd runs it: sealed and opened by the data plane's lanes. */
static int dp_seal(void *user_data, unsigned lane, struct pkt *p)
{
	struct end *e = user_data;

	return bench_seal_crypt(&e->stack, lane, p);
}

static int dp_open(void *user_data, unsigned lane, struct pkt *p)
{
	struct end *e = user_data;

	return bench_open_crypt(&e->stack, lane, p);
}

static unsigned dp_lanes(void *user_data, bool seal)
{
	struct end *e = user_data;

	return esp_sa_lanes(seal ? e->stack.out : e->stack.in);
}

static int stack_tx_esp(struct bench_end *b, struct pkt *p)
{
	struct end *e = b->user;

	return dataplane_send_unsealed(e->dp, e->fd, p);
}

static void stack_ip_rx(struct bench_end *b, const uint8_t *data, size_t len)
{
	struct end *e = b->user;

	(void)dataplane_deliver(e->dp, data, len);
}

static const struct dataplane_ops dp_ops = { .encap = dp_encap, .decap = dp_decap,
					     .seal = dp_seal, .open = dp_open, .lanes = dp_lanes };

/* Set up one end inside its namespace ---------------------------------- */

static int enter_ns(const char *ns)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int open_end(struct end *e, bool offload, bool udp_offload, unsigned workers, int home_ns)
{
	uint16_t port = ESP_PORT;
	int r = enter_ns(e->ns);

	if (r < 0) {
		fprintf(stderr, "netns %s: %s\n", e->ns, strerror(-r));
		return r;
	}

	r = offload ? net_tun_open_offload("rvb0", &e->tun) : net_tun_open("rvb0", &e->tun);
	if (!r)
		r = net_udp_open(e->peer4, ESP_PORT, &port, &e->fd);
	if (setns(home_ns, CLONE_NEWNET) < 0 && !r)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "%s: TUN or UDP socket: %s\n", e->ns, strerror(-r));
		return r;
	}
	if (port != ESP_PORT)
		fprintf(stderr, "%s: port %u was busy, using %u\n", e->ns, ESP_PORT, port);

	fprintf(stderr, "%s: TUN %s offloads 0x%x\n", e->ns, e->tun.name, e->tun.offloads);
	e->dp = dataplane_new(&(struct dataplane_config){ .tun = &e->tun, .net_fd = e->fd,
							   .udp_offload = udp_offload,
							   .crypto_workers = workers },
			      &dp_ops, e);
	return e->dp ? 0 : -ENOMEM;
}

static void print_stats(const struct end *e)
{
	struct dataplane_stats s;

	dataplane_get_stats(e->dp, &s);
	fprintf(stderr,
		"%s: out %llu pkts %llu B (%llu TUN reads), in %llu pkts %llu B (%llu TUN writes), "
		"%llu sends, %llu recvs, send drops %llu, stack drops %llu, TUN write errors %llu, "
		"parallel crypto batches %llu\n",
		e->ns, (unsigned long long)s.packets_out, (unsigned long long)s.bytes_out,
		(unsigned long long)s.tun_reads, (unsigned long long)s.packets_in,
		(unsigned long long)s.bytes_in, (unsigned long long)s.tun_writes,
		(unsigned long long)s.net_sends, (unsigned long long)s.net_recvs,
		(unsigned long long)s.send_drops, (unsigned long long)e->stack.dropped,
		(unsigned long long)s.tun_write_errors, (unsigned long long)s.parallel_batches);
}

static int wait_for_signal(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return sigwait(&set, &sig);
}

static int run(struct end ends[2], bool offload, bool udp_offload, const char *suite,
	       unsigned workers)
{
	struct esp_sa_params ab, ba;
	struct rusage ru;
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (home < 0 || suite_params(suite, &ab) < 0)
		return 2;
	ab.lanes = workers + 1;
	ba = ab;
	ab.spi = 0xbe000001;
	ba.spi = 0xbe000002;
	if (bench_pair_up(&ends[0].stack, &ends[1].stack, &ab, &ba) < 0)
		return 1;

	for (int i = 0; i < 2; i++) {
		if (open_end(&ends[i], offload, udp_offload, workers, home) < 0)
			return 1;
	}
	for (int i = 0; i < 2; i++) {
		if (dataplane_start(ends[i].dp) < 0)
			return 1;
	}

	printf("ready\n");
	fflush(stdout);
	wait_for_signal();

	for (int i = 0; i < 2; i++) {
		dataplane_stop(ends[i].dp);
		print_stats(&ends[i]);
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "cpu user %ld.%06ld s, system %ld.%06ld s\n", (long)ru.ru_utime.tv_sec,
		(long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
	close(home);
	return 0;
}

int main(int argc, char **argv)
{
	static struct end ends[2];
	const char *suite = "gcm";
	bool offload = false, udp_offload = false;
	unsigned workers = 0;
	sigset_t set;
	int i = 1, r;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--offload"))
			offload = udp_offload = true;
		else if (!strcmp(argv[i], "--tun-offload"))
			offload = true;
		else if (!strcmp(argv[i], "--udp-offload"))
			udp_offload = true;
		else if (!strcmp(argv[i], "--suite") && i + 1 < argc)
			suite = argv[++i];
		else if (!strcmp(argv[i], "--crypto-workers") && i + 1 < argc)
			workers = (unsigned)atoi(argv[++i]);
		else
			break;
	}
	if (argc - i != 2 || workers >= ESP_MAX_LANES) {
		fprintf(stderr, "usage: %s [--offload|--tun-offload|--udp-offload] "
			"[--suite gcm|cbc|3des] [--crypto-workers N] NS_A NS_B\n", argv[0]);
		return 2;
	}

	/* Signals go to sigwait() in the main thread, never to a data plane thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	for (int k = 0; k < 2; k++) {
		ends[k].ns = argv[i + k];
		ends[k].fd = -1;
		ends[k].local4 = htonl(0xc6336401 + (uint32_t)k);  /* 198.51.100.1 / .2 */
		ends[k].peer4 = htonl(0xc6336402 - (uint32_t)k);
		ends[k].stack = (struct bench_end){ .name = ends[k].ns, .tx_esp = stack_tx_esp,
						    .ip_rx = stack_ip_rx, .user = &ends[k],
						    .staged = true };
	}

	r = run(ends, offload, udp_offload, suite, workers);
	for (int k = 0; k < 2; k++) {
		dataplane_free(ends[k].dp);
		net_tun_close(&ends[k].tun);
		if (ends[k].fd >= 0)
			close(ends[k].fd);
		bench_end_free(&ends[k].stack);
	}
	return r;
}
