/*
 * The batched data path between the TUN and the network socket (see
 * dataplane.h). The tunnel is bound by system calls, not by crypto
 * (research: ~1 us per call on the reference VM against ~0.5 us of
 * AES-GCM per packet), so everything here is about calls per packet:
 * recvmmsg/sendmmsg on the socket, and with IFF_VNET_HDR one TUN read per
 * TSO/USO super-packet and one TUN write per coalesced TCP window or
 * UDP burst.
 *
 * Buffers: DP_SLOTS packet buffers on the TUN side, enough for one 64 KiB
 * super-packet cut at a 1400-byte MSS; the encapsulated datagrams are
 * queued by pointer and sent before a slot is reused, so no packet is
 * copied on its way out except the one copy out of the super-packet.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include <time.h>

#include "dataplane-gso.h"
#include "dataplane-mss.h"
#include "dataplane.h"
#include "util/log.h"
#include "util/workpool.h"

#define DP_SLOTS 64
#define DP_RX_BATCH 32
#define DP_TUN_READS 16  /* super-packets per dataplane_tun_input() */
#define DP_GRO_BUFS 4     /* 64 KiB each, only with udp_offload */
#define DP_RX_STAGE 64    /* datagrams per crypto stage on receive */
/*
 * A crypto stage goes parallel only when its serial time would exceed
 * this: waking a worker costs microseconds, which a batch of a few
 * AES-GCM or small packets does not repay (3DES always does).
 */
#define DP_PARALLEL_MIN_NS 20000
_Static_assert(DP_RX_BATCH <= DP_RX_STAGE, "one recvmmsg batch is one crypto stage");
#define DP_LOG "dataplane"

enum dp_source {
	DP_SOURCE_TUN,
	DP_SOURCE_NET,
	DP_SOURCE_WAKE,
};

struct dataplane {
	const struct net_tun *tun;
	struct dataplane_ops ops;
	void *user_data;
	int net_fd;
	bool net_raw_esp;
	bool udp_offload;
	bool gso_broken;            /* the egress device said EIO: plain sendmmsg from now on */
	bool net_gro;               /* UDP_GRO is on for net_fd */
	bool net_pmtu;              /* net_fd queues ICMP errors (ops.path_mtu) */
	int proto_fd;               /* the last tx fd whose protocol was looked up */
	bool proto_fd_is_udp;
	struct net_gro_buf *gro_bufs;

	struct pkt_buf *slots;      /* TUN side */
	struct pkt_buf *rx_bufs;    /* socket side */
	uint8_t *tun_buf;           /* one vnet header + super-packet */
	struct dp_gro *gro;

	struct pkt *txq[DP_SLOTS];
	bool tx_unsealed[DP_SLOTS]; /* ops.seal still to run on txq[i] */
	size_t n_tx;
	int tx_fd;
	bool in_encap;
	bool in_decap;

	unsigned crypto_workers;
	struct workpool *pool;      /* made when a stage first goes parallel */
	uint64_t item_ns[2];        /* per stage (open, seal): running mean of one item's crypto */

	pthread_t thread;
	bool running;
	atomic_bool stop;
	int epfd, evfd;

	struct dataplane_stats stats;
};

/* Crypto stage ------------------------------------------------------------- */

struct dp_stage {
	struct dataplane *dp;
	struct pkt **pkts;
	int *results;
	bool seal;
};

static void stage_item(void *ctx, unsigned lane, size_t i)
{
	struct dp_stage *st = ctx;
	struct dataplane *dp = st->dp;

	st->results[i] = st->seal ? dp->ops.seal(dp->user_data, lane, st->pkts[i]) :
				    dp->ops.open(dp->user_data, lane, st->pkts[i]);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Lanes the keys allow and the workers could serve; 1 means the stage is never shared. */
static unsigned shareable_lanes(struct dataplane *dp, bool seal)
{
	unsigned lanes = dp->ops.lanes ? dp->ops.lanes(dp->user_data, seal) : 1;

	return dp->crypto_workers ? lanes : 1;
}

/* The pool, made the first time a stage is worth sharing; false if it cannot be. */
static bool have_pool(struct dataplane *dp)
{
	if (dp->pool)
		return true;

	dp->pool = workpool_new(dp->crypto_workers, "rv-crypto");
	if (dp->pool)
		return true;
	rv_log_warning(DP_LOG, "no crypto worker threads (%s): crypto stays on one thread",
		       strerror(errno));
	dp->crypto_workers = 0;
	return false;
}

static void run_stage(struct dataplane *dp, bool seal, struct pkt **pkts, int *results, size_t n)
{
	struct dp_stage st = { dp, pkts, results, seal };
	unsigned lanes = shareable_lanes(dp, seal);
	uint64_t start;

	/* Plain L2TP, AES-GCM, no workers: serial, and nothing to measure. */
	if (lanes <= 1 || n == 0) {
		workpool_run(NULL, 1, stage_item, &st, n);
		return;
	}

	/* Shared when the batch's crypto, by the measured cost per item, repays a wake-up. */
	if (n == 1 || dp->item_ns[seal] * n < DP_PARALLEL_MIN_NS || !have_pool(dp))
		lanes = 1;
	if (lanes > 1)
		dp->stats.parallel_batches++;

	start = mono_ns();
	workpool_run(lanes > 1 ? dp->pool : NULL, lanes, stage_item, &st, n);
	/* One lane's cost per item, as a running mean; keys or packet sizes may change. */
	dp->item_ns[seal] = (dp->item_ns[seal] * 7 + (mono_ns() - start) * lanes / n) / 8;
}

/* Sending ------------------------------------------------------------------ */

/* UDP GSO is for UDP sockets only, not the raw ESP one; looked up once per fd. */
static bool is_udp_socket(struct dataplane *dp, int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (fd != dp->proto_fd) {
		dp->proto_fd = fd;
		dp->proto_fd_is_udp = !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) &&
				      proto == IPPROTO_UDP;
	}
	return dp->proto_fd_is_udp;
}

static int send_some(struct dataplane *dp, struct pkt *const *pkts, size_t n)
{
	int r;

	dp->stats.net_sends++;
	if (!dp->udp_offload || dp->gso_broken || !is_udp_socket(dp, dp->tx_fd))
		return net_udp_send_batch(dp->tx_fd, pkts, n);

	r = net_udp_send_gso(dp->tx_fd, pkts, n);
	if (r == -EIO) {
		/* No checksum offload on the egress device: UDP GSO cannot work there. */
		rv_log_debug(DP_LOG, "UDP GSO refused (EIO); sending datagrams one by one");
		dp->gso_broken = true;
	}
	/* Datagrams above the path MTU: GSO refuses them, a plain send fragments them. */
	if (r == -EIO || r == -EINVAL || r == -EMSGSIZE)
		r = net_udp_send_batch(dp->tx_fd, pkts, n);
	return r;
}

/* ops.seal over the queued datagrams that need it, all at once; failures leave the queue. */
static void seal_queued(struct dataplane *dp)
{
	struct pkt *todo[DP_SLOTS];
	int results[DP_SLOTS];
	size_t n = 0, kept = 0, k = 0;

	for (size_t i = 0; i < dp->n_tx; i++) {
		if (dp->tx_unsealed[i])
			todo[n++] = dp->txq[i];
	}
	if (!n)
		return;

	run_stage(dp, true, todo, results, n);
	for (size_t i = 0; i < dp->n_tx; i++) {
		if (dp->tx_unsealed[i]) {
			dp->tx_unsealed[i] = false;
			if (results[k++] < 0) {
				dp->stats.crypto_drops++;
				continue;
			}
		}
		dp->txq[kept++] = dp->txq[i];
	}
	dp->n_tx = kept;
}

static void flush_tx(struct dataplane *dp)
{
	size_t sent = 0;

	seal_queued(dp);
	while (sent < dp->n_tx) {
		int r = send_some(dp, dp->txq + sent, dp->n_tx - sent);

		/* A full socket buffer drops the rest, as a router would. */
		if (r <= 0)
			break;
		sent += (size_t)r;
	}

	dp->stats.send_drops += dp->n_tx - sent;
	dp->n_tx = 0;
}

static int queue_tx(struct dataplane *dp, int fd, struct pkt *p, bool unsealed)
{
	/* Outside a TUN batch (control frames, LCP echo): at once, and the caller hears the error. */
	if (!dp->in_encap) {
		int r = unsealed && dp->ops.seal ? dp->ops.seal(dp->user_data, 0, p) : 0;

		if (r < 0)
			return r;
		flush_tx(dp);
		r = net_udp_send_batch(fd, &p, 1);
		return r < 0 ? r : r == 1 ? 0 : -EAGAIN;
	}

	if (dp->n_tx && dp->tx_fd != fd)
		flush_tx(dp);
	dp->tx_fd = fd;
	dp->tx_unsealed[dp->n_tx] = unsealed && dp->ops.seal;
	dp->txq[dp->n_tx++] = p;
	if (dp->n_tx == DP_SLOTS)
		flush_tx(dp);
	return 0;
}

int dataplane_send(struct dataplane *dp, int fd, struct pkt *p)
{
	return queue_tx(dp, fd, p, false);
}

int dataplane_send_unsealed(struct dataplane *dp, int fd, struct pkt *p)
{
	return queue_tx(dp, fd, p, true);
}

/* MSS clamping (dataplane-mss.c) ------------------------------------------------- */

/* The TUN's MTU now: asked for each SYN (one per connection), so it follows every change. */
static unsigned tun_mtu(const struct dataplane *dp)
{
	unsigned mtu = 0;

	if (dp->net_fd < 0 || net_if_mtu(dp->net_fd, dp->tun->name, &mtu) < 0)
		return 0;
	return mtu;
}

/* A SYN from the TUN: its MSS no larger than the TUN carries (a forwarded host's). */
static void clamp_out(const struct dataplane *dp, struct pkt *p)
{
	size_t at = dp_syn_mss_at(p->data, p->len);

	if (at)
		(void)dp_mss_clamp(p->data, p->len, at, tun_mtu(dp));
}

/* A SYN or SYN-ACK for the TUN: clamped in a copy (ip is the caller's), else ip itself. */
static const uint8_t *clamp_in(const struct dataplane *dp, const uint8_t *ip, size_t len,
			       uint8_t copy[DP_SYN_MAX])
{
	size_t at = dp_syn_mss_at(ip, len);

	if (!at || len > DP_SYN_MAX)
		return ip;
	memcpy(copy, ip, len);
	return dp_mss_clamp(copy, len, at, tun_mtu(dp)) ? copy : ip;
}

static void encap_one(struct dataplane *dp, struct pkt *p)
{
	size_t len = p->len;

	clamp_out(dp, p);

	if (dp->ops.encap(dp->user_data, p) < 0)
		return;
	dp->stats.packets_out++;
	dp->stats.bytes_out += len;
}

/* TUN input ------------------------------------------------------------------ */

static int tun_input_plain(struct dataplane *dp)
{
	struct pkt *pkts[DP_RX_BATCH];
	int n;

	for (size_t i = 0; i < DP_RX_BATCH; i++)
		pkts[i] = pkt_buf_reset(&dp->slots[i]);

	n = net_tun_read_batch(dp->tun, pkts, DP_RX_BATCH);
	dp->stats.tun_reads += n > 0 ? (uint64_t)n : 0;
	for (int i = 0; i < n; i++)
		encap_one(dp, pkts[i]);
	return n;
}

/*
 * Cut one super-packet into slots[*used..] and encapsulate the pieces; when
 * the slots run out (a small MSS), send what is queued and go on from slot 0.
 */
static void tun_input_super(struct dataplane *dp, size_t len, size_t *used)
{
	const uint8_t *ip = dp->tun_buf + DP_VNET_HDR_LEN;
	struct pkt *pkts[DP_SLOTS];
	struct dp_vnet_hdr h;
	size_t k, done = 0;

	dp_vnet_hdr_parse(dp->tun_buf, &h);
	k = dp_gso_count(&h, ip, len);
	while (done < k) {
		size_t room;
		int n;

		if (*used == DP_SLOTS || (done == 0 && *used + k > DP_SLOTS)) {
			flush_tx(dp);
			*used = 0;
		}
		room = DP_SLOTS - *used < k - done ? DP_SLOTS - *used : k - done;
		for (size_t i = 0; i < room; i++)
			pkts[i] = pkt_buf_reset(&dp->slots[*used + i]);

		n = dp_gso_split(&h, ip, len, done, pkts, room);
		if (n <= 0) {
			rv_log_debug(DP_LOG, "malformed packet from the TUN dropped");
			return;
		}
		for (int i = 0; i < n; i++)
			encap_one(dp, pkts[i]);
		*used += (size_t)n;
		done += (size_t)n;
	}
}

/* The 64 KiB buffers of a vnet-header TUN, made when the TUN first needs them. */
static int vnet_buffers(struct dataplane *dp)
{
	if (!dp->tun_buf)
		dp->tun_buf = malloc(DP_VNET_HDR_LEN + DP_SUPER_MAX);
	if (!dp->gro)
		dp->gro = calloc(1, sizeof(*dp->gro));
	if (!dp->tun_buf || !dp->gro)
		return -ENOMEM;
	/* UDP super-packets only to a TUN that took USO, i.e. a kernel that accepts them. */
	dp->gro->udp_ok = dp->tun->uso;
	return 0;
}

static int tun_input_vnet(struct dataplane *dp)
{
	size_t used = 0;
	int reads = 0;

	if (vnet_buffers(dp) < 0)
		return -ENOMEM;

	while (reads < DP_TUN_READS) {
		ssize_t r = read(dp->tun->fd, dp->tun_buf, DP_VNET_HDR_LEN + DP_SUPER_MAX);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || reads > 0))
			break;
		if (r < 0)
			return -errno;

		reads++;
		dp->stats.tun_reads++;
		if (r > DP_VNET_HDR_LEN)
			tun_input_super(dp, (size_t)r - DP_VNET_HDR_LEN, &used);
	}

	return reads;
}

static void batch(struct dataplane *dp, bool begin)
{
	if (dp->ops.batch)
		dp->ops.batch(dp->user_data, begin);
}

int dataplane_tun_input(struct dataplane *dp)
{
	int n;

	batch(dp, true);
	dp->in_encap = true;
	n = dp->tun->vnet_hdr ? tun_input_vnet(dp) : tun_input_plain(dp);
	dp->in_encap = false;
	flush_tx(dp);
	batch(dp, false);
	return n;
}

/* TUN output ------------------------------------------------------------------ */

/* A vnet header that asks nothing of the kernel: one ordinary packet. */
static const uint8_t no_offload[DP_VNET_HDR_LEN];

/* One write to the TUN, behind hdr when not NULL. 0 or -errno; touches no state. */
static int tun_write_raw(const struct net_tun *tun, const uint8_t *hdr, const uint8_t *ip,
			 size_t len)
{
	struct iovec iov[2] = { { (void *)hdr, DP_VNET_HDR_LEN }, { (void *)ip, len } };
	ssize_t r;

	do {
		r = hdr ? writev(tun->fd, iov, 2) : write(tun->fd, ip, len);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int tun_write(struct dataplane *dp, const uint8_t *hdr, const uint8_t *ip, size_t len)
{
	int r = tun_write_raw(dp->tun, hdr, ip, len);

	dp->stats.tun_writes++;
	if (r < 0)
		dp->stats.tun_write_errors++;
	return r;
}

static void flush_gro(struct dataplane *dp)
{
	size_t len;

	if (!dp->gro || !dp->gro->len)
		return;
	len = dp_gro_finish(dp->gro);
	(void)tun_write(dp, dp->gro->hdr, dp->gro->buf, len);
}

int dataplane_deliver(struct dataplane *dp, const uint8_t *ip, size_t len)
{
	uint8_t syn[DP_SYN_MAX];

	ip = clamp_in(dp, ip, len, syn);
	dp->stats.packets_in++;
	dp->stats.bytes_in += len;
	if (!dp->tun->vnet_hdr)
		return tun_write(dp, NULL, ip, len);
	if (vnet_buffers(dp) < 0)
		return -ENOMEM;

	/* Coalesce only inside a batch, which ends with a flush. */
	if (dp->in_decap && dp_gro_candidate(ip, len)) {
		if (dp_gro_add(dp->gro, ip, len))
			return 0;
		flush_gro(dp);
		dp_gro_add(dp->gro, ip, len);
		return 0;
	}

	flush_gro(dp);
	return tun_write(dp, no_offload, ip, len);
}

int dataplane_write_tun(const struct dataplane *dp, const uint8_t *ip, size_t len)
{
	return tun_write_raw(dp->tun, dp->tun->vnet_hdr ? no_offload : NULL, ip, len);
}

void dataplane_rx_begin(struct dataplane *dp)
{
	dp->in_decap = true;
}

void dataplane_flush(struct dataplane *dp)
{
	dp->in_decap = false;
	flush_tx(dp);
	flush_gro(dp);
}

/* Socket input ------------------------------------------------------------------ */

/* The crypto stage for n datagrams at once, then decap for each in order. */
static void decap_batch(struct dataplane *dp, struct pkt **pkts, size_t n, usec_t now)
{
	int opened[DP_RX_STAGE] = { 0 };

	if (dp->ops.open)
		run_stage(dp, false, pkts, opened, n);
	for (size_t i = 0; i < n; i++)
		dp->ops.decap(dp->user_data, pkts[i], opened[i], now);
}

/* Each GRO buffer holds datagrams of seg_size back to back; open each in place. */
static int net_input_gro(struct dataplane *dp, usec_t now)
{
	int n = net_udp_recv_gro(dp->net_fd, dp->gro_bufs, DP_GRO_BUFS);
	struct pkt views[DP_RX_STAGE];
	struct pkt *ptrs[DP_RX_STAGE];
	size_t k = 0;

	dp->stats.net_recvs++;
	batch(dp, true);
	dataplane_rx_begin(dp);
	for (int i = 0; i < n; i++) {
		struct net_gro_buf *b = &dp->gro_bufs[i];

		for (size_t off = 0; off < b->len; off += b->seg_size) {
			size_t len = b->len - off < b->seg_size ? b->len - off : b->seg_size;

			pkt_init(&views[k], b->data + off, len, 0);
			views[k].len = len;
			ptrs[k] = &views[k];
			if (++k == DP_RX_STAGE) {
				decap_batch(dp, ptrs, k, now);
				k = 0;
			}
		}
	}
	decap_batch(dp, ptrs, k, now);

	dataplane_flush(dp);
	batch(dp, false);
	/* An ICMP error the receive reported (sk_err) left its details queued. */
	if (n < 0)
		dataplane_net_error(dp);
	return n;
}

void dataplane_net_error(struct dataplane *dp)
{
	unsigned mtu;

	if (!dp->net_pmtu)
		return;
	mtu = net_socket_take_frag_needed(dp->net_fd);
	if (mtu)
		dp->ops.path_mtu(dp->user_data, mtu);
}

int dataplane_net_input(struct dataplane *dp, usec_t now)
{
	struct pkt *pkts[DP_RX_BATCH];
	size_t nonempty = 0;
	int n;

	if (dp->net_gro)
		return net_input_gro(dp, now);

	for (size_t i = 0; i < DP_RX_BATCH; i++)
		pkts[i] = pkt_buf_reset(&dp->rx_bufs[i]);

	dp->stats.net_recvs++;
	batch(dp, true);
	dataplane_rx_begin(dp);
	n = dp->net_raw_esp ? net_esp_raw_recv_batch(dp->net_fd, pkts, DP_RX_BATCH) :
			      net_udp_recv_batch(dp->net_fd, pkts, DP_RX_BATCH);
	for (int i = 0; i < n; i++) {
		if (pkts[i]->len)
			pkts[nonempty++] = pkts[i];
	}
	decap_batch(dp, pkts, nonempty, now);

	dataplane_flush(dp);
	batch(dp, false);
	if (n < 0)
		dataplane_net_error(dp);
	return n;
}

/* Thread ------------------------------------------------------------------------ */

static void dispatch(struct dataplane *dp, enum dp_source src, uint32_t events)
{
	uint64_t v;

	switch (src) {
	case DP_SOURCE_TUN:
		(void)dataplane_tun_input(dp);
		return;
	case DP_SOURCE_NET:
		if (events & EPOLLERR)
			dataplane_net_error(dp);
		(void)dataplane_net_input(dp, rv_now_usec());
		return;
	case DP_SOURCE_WAKE:
		(void)!read(dp->evfd, &v, sizeof(v));
		return;
	}
}

static void *dp_thread(void *arg)
{
	struct dataplane *dp = arg;
	struct epoll_event ev[4];

	while (!atomic_load(&dp->stop)) {
		int n = epoll_wait(dp->epfd, ev, 4, -1);

		for (int i = 0; i < n && !atomic_load(&dp->stop); i++)
			dispatch(dp, (enum dp_source)ev[i].data.u32, ev[i].events);
	}

	return NULL;
}

static int epoll_add(int epfd, int fd, enum dp_source src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = src };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void close_thread_fds(struct dataplane *dp)
{
	if (dp->epfd >= 0)
		close(dp->epfd);
	if (dp->evfd >= 0)
		close(dp->evfd);
	dp->epfd = dp->evfd = -1;
}

int dataplane_start(struct dataplane *dp)
{
	int r;

	if (dp->running || dp->net_fd < 0)
		return -EINVAL;

	dp->epfd = epoll_create1(EPOLL_CLOEXEC);
	dp->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r = dp->epfd < 0 || dp->evfd < 0 ? -errno : 0;
	if (!r)
		r = epoll_add(dp->epfd, dp->tun->fd, DP_SOURCE_TUN);
	if (!r)
		r = epoll_add(dp->epfd, dp->net_fd, DP_SOURCE_NET);
	if (!r)
		r = epoll_add(dp->epfd, dp->evfd, DP_SOURCE_WAKE);
	if (!r)
		r = -pthread_create(&dp->thread, NULL, dp_thread, dp);
	if (r < 0) {
		close_thread_fds(dp);
		return r;
	}

	/* So that top -H, perf and the tests can tell it apart. */
	(void)pthread_setname_np(dp->thread, "rv-dataplane");

	dp->running = true;
	return 0;
}

void dataplane_stop(struct dataplane *dp)
{
	uint64_t one = 1;

	if (!dp || !dp->running)
		return;

	atomic_store(&dp->stop, true);
	(void)!write(dp->evfd, &one, sizeof(one));
	pthread_join(dp->thread, NULL);
	dp->running = false;
	atomic_store(&dp->stop, false);
	close_thread_fds(dp);
}

/* Life cycle --------------------------------------------------------------------- */

struct dataplane *dataplane_new(const struct dataplane_config *cfg, const struct dataplane_ops *ops,
				void *user_data)
{
	struct dataplane *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return NULL;

	*dp = (struct dataplane){ .tun = cfg->tun, .ops = *ops, .user_data = user_data,
				  .net_fd = -1, .udp_offload = cfg->udp_offload, .proto_fd = -1,
				  .crypto_workers = cfg->crypto_workers,
				  .tx_fd = -1, .epfd = -1, .evfd = -1 };
	dp->slots = calloc(DP_SLOTS, sizeof(*dp->slots));
	dp->rx_bufs = calloc(DP_RX_BATCH, sizeof(*dp->rx_bufs));
	if (!dp->slots || !dp->rx_bufs) {
		dataplane_free(dp);
		return NULL;
	}

	if (cfg->net_fd >= 0)
		dataplane_set_net_fd(dp, cfg->net_fd, cfg->net_raw_esp);
	return dp;
}

void dataplane_free(struct dataplane *dp)
{
	if (!dp)
		return;

	dataplane_stop(dp);
	workpool_free(dp->pool);
	free(dp->slots);
	free(dp->rx_bufs);
	free(dp->tun_buf);
	free(dp->gro);
	free(dp->gro_bufs);
	free(dp);
}

void dataplane_set_net_fd(struct dataplane *dp, int fd, bool raw_esp)
{
	if (dp->net_gro && dp->net_fd != fd)
		(void)net_udp_set_gro(dp->net_fd, false);
	/* whoever reads the old socket next does not drain an error queue */
	if (dp->net_pmtu && dp->net_fd != fd)
		(void)net_socket_watch_pmtu(dp->net_fd, false);

	dp->net_fd = fd;
	dp->net_raw_esp = raw_esp;
	dp->net_gro = false;
	dp->net_pmtu = dp->ops.path_mtu && fd >= 0 && net_socket_watch_pmtu(fd, true) == 0;
	if (!dp->udp_offload || raw_esp || fd < 0)
		return;

	/* GRO buffers only when the kernel will fill them: 256 KiB is not idle memory to waste. */
	if (!dp->gro_bufs)
		dp->gro_bufs = malloc(DP_GRO_BUFS * sizeof(*dp->gro_bufs));
	dp->net_gro = dp->gro_bufs && net_udp_set_gro(fd, true) == 0;
}

bool dataplane_is_running(const struct dataplane *dp)
{
	return dp && dp->running;
}

void dataplane_describe(const struct dataplane *dp, char *buf, size_t size)
{
	snprintf(buf, size, "%s, TUN %s, UDP %s", dp->running ? "own thread" : "main loop",
		 dp->tun->vnet_hdr ? "with offloads (TSO/USO, coalescing)" : "one packet per call",
		 dp->net_gro ? "GSO and GRO" : dp->udp_offload ? "GSO" : "plain");
}

void dataplane_get_stats(const struct dataplane *dp, struct dataplane_stats *ret)
{
	*ret = dp->stats;
}

static pthread_once_t crypto_workers_once = PTHREAD_ONCE_INIT;
static unsigned crypto_workers;

static void read_crypto_workers(void)
{
	crypto_workers = workpool_default_workers();
}

unsigned dataplane_crypto_workers(void)
{
	pthread_once(&crypto_workers_once, read_crypto_workers);
	return crypto_workers;
}
