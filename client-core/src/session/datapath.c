/*
 * The one data path of a session (see datapath.h): the data plane's ops,
 * the main loop's watches on the TUN and the data socket, and the move of
 * both to the data plane's thread at UP, so that the traffic of a
 * connection does not wait behind the main loop and one core encrypts
 * while the other runs the kernel's side of the tunnel.
 *
 * On the thread, shared state is behind two locks taken once per batch:
 * d->lock (the link view) and the SAs' own (sas.h). The main loop takes
 * them when it changes a view or an SA, or seals a control packet; it never
 * holds them across a call into l2tp, ppp or ike. On the main loop the ops
 * run without them: nothing else then touches either.
 *
 * Control traffic found by the thread goes to the main loop through a
 * single-producer ring and an eventfd; on the main loop it is handed to
 * ops.control at once. Sequenced L2TP data (Ns is l2tp's state) keeps the
 * data path on the main loop, as does ROADVPN_DATAPLANE_THREAD=0.
 */
#include <errno.h>
#include <glib-unix.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"
#include "dataplane/dataplane.h"
#include "datapath.h"
#include "esp/esp.h"
#include "ppp/ppp.h"
#include "sas.h"
#include "util/log.h"

/* Control traffic is a few packets a second; a burst beyond this is dropped and retransmitted. */
#define PUNT_SLOTS 32

struct punt {
	enum datapath_control kind;
	usec_t now;
	size_t len;
	uint8_t data[PKT_MAX_DATA];
};

struct session_datapath {
	struct session_core *core;
	struct session_sas *sas;       /* NULL: plain L2TP */
	const struct net_tun *tun;
	struct datapath_ops ops;
	void *user_data;
	struct dataplane *dp;

	int net_fd;
	enum datapath_socket kind;
	guint net_watch, tun_watch;
	bool saw_port_unreachable;

	/* The link view: written by the main loop, read by whoever runs the ops. */
	pthread_mutex_t lock;
	struct datapath_link link;

	/* The thread and its way back to the main loop. */
	bool running;
	struct punt *ring;
	atomic_size_t head, tail;
	bool punted;                   /* in this batch: wake the main loop at its end */
	int wake_fd;
	guint wake_watch;
	atomic_uint_fast64_t punt_drops;
	atomic_uint frag_needed_mtu;   /* from the thread: the next-hop MTU an ICMP gave */

	atomic_uint_fast64_t last_ppp_rx;  /* PPP data delivered, for the LCP echo */
	usec_t noted_ppp_rx;
	struct session_stats main_loop;    /* IP the main loop wrote while the thread ran */
};

static bool is_esp(const struct session_datapath *d)
{
	return d->sas && d->kind != DATAPATH_SOCKET_L2TP;
}

/* The IP version of the packet in p, from its first nibble. */
static bool pkt_is_ipv6(const struct pkt *p)
{
	return p->len > 0 && (p->data[0] >> 4) == 6;
}

/* Control: to the main loop ------------------------------------------------ */

static void punt(struct session_datapath *d, enum datapath_control kind, const uint8_t *data,
		 size_t len, usec_t now)
{
	size_t tail = atomic_load_explicit(&d->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&d->head, memory_order_acquire);
	struct punt *slot;

	if (tail - head == PUNT_SLOTS || len > sizeof(slot->data)) {
		atomic_fetch_add_explicit(&d->punt_drops, 1, memory_order_relaxed);
		return;
	}

	slot = &d->ring[tail % PUNT_SLOTS];
	slot->kind = kind;
	slot->now = now;
	slot->len = len;
	memcpy(slot->data, data, len);
	atomic_store_explicit(&d->tail, tail + 1, memory_order_release);
	d->punted = true;
}

/* Not IP data: the l2tp or ike object's, on the main loop. */
static void control(struct session_datapath *d, enum datapath_control kind, const uint8_t *data,
		    size_t len, usec_t now)
{
	if (d->running)
		punt(d, kind, data, len, now);
	else
		d->ops.control(d->user_data, kind, data, len, now);
}

/* Encap ------------------------------------------------------------------- */

/* One L2TP datagram to the gateway within a batch: ESP's crypto waits for the batch's stage. */
static int send_l2tp_batched(struct session_datapath *d, struct pkt *p)
{
	int r;

	if (d->net_fd < 0)
		return -ENOTCONN;
	if (!is_esp(d))
		return dataplane_send(d->dp, d->net_fd, p);

	r = session_sas_seal_prepare(d->sas, p);
	return r < 0 ? r : dataplane_send_unsealed(d->dp, d->net_fd, p);
}

/* One IP packet from the TUN. */
static int dp_encap(void *user_data, struct pkt *p)
{
	struct session_datapath *d = user_data;
	bool is_ipv6 = pkt_is_ipv6(p);
	int r;

	if (!d->link.framing_ok)
		return d->running ? -ENOTCONN : d->ops.encap_slow(d->user_data, p);
	/* Not (yet) open for this IP version: dropped, as ppp_send_ip() would. */
	if (!(is_ipv6 ? d->link.ipv6 : d->link.ipv4))
		return -ENOTCONN;

	r = ppp_ip_push(p, is_ipv6);
	if (!r)
		r = l2tp_data_push(&d->link.framing, p);
	return r < 0 ? r : send_l2tp_batched(d, p);
}

static int dp_seal(void *user_data, unsigned lane, struct pkt *p)
{
	struct session_datapath *d = user_data;

	return session_sas_seal_crypt(d->sas, lane, p);
}

/* Decap ------------------------------------------------------------------- */

/* What a datagram on the ESP-in-UDP socket is (RFC 3948): the one place that asks. */
static enum esp_udpencap_kind classify(const struct session_datapath *d, const struct pkt *p)
{
	return d->kind == DATAPATH_SOCKET_ESP_UDP ? esp_udpencap_classify(p->data, p->len) :
						    ESP_UDPENCAP_ESP;
}

/* ESP datagrams only: IKE, keepalives and L2TP in clear pass untouched (0) to decap. */
static int dp_open(void *user_data, unsigned lane, struct pkt *p)
{
	struct session_datapath *d = user_data;

	if (!is_esp(d) || classify(d, p) != ESP_UDPENCAP_ESP)
		return 0;
	return session_sas_open_crypt(d->sas, lane, p);
}

static unsigned dp_lanes(void *user_data, bool seal)
{
	struct session_datapath *d = user_data;

	return is_esp(d) ? session_sas_lanes(d->sas, seal) : 1;
}

/* An L2TP datagram in clear: IP data goes to the TUN, anything else is control. */
static void l2tp_input(struct session_datapath *d, struct pkt *p, usec_t now)
{
	uint8_t *data = p->data;
	size_t len = p->len;
	int version;

	if (d->link.framing_ok && l2tp_data_pull(&d->link.framing, p) == 0) {
		version = ppp_ip_pull(p);
		if (version && (version == 6 ? d->link.ipv6 : d->link.ipv4)) {
			atomic_store_explicit(&d->last_ppp_rx, now, memory_order_relaxed);
			(void)dataplane_deliver(d->dp, p->data, p->len);
			return;
		}
	}

	control(d, DATAPATH_CONTROL_L2TP, data, len, now);
}

static void dp_decap(void *user_data, struct pkt *p, int opened, usec_t now)
{
	struct session_datapath *d = user_data;

	if (!is_esp(d)) {
		l2tp_input(d, p, now);
		return;
	}

	switch (opened ? ESP_UDPENCAP_ESP : classify(d, p)) {
	case ESP_UDPENCAP_IKE:
		control(d, DATAPATH_CONTROL_IKE, p->data + ESP_NON_ESP_MARKER_LEN,
			p->len - ESP_NON_ESP_MARKER_LEN, now);
		return;
	case ESP_UDPENCAP_ESP:
		if (session_sas_open_finish(d->sas, p, opened, now) == 0)
			l2tp_input(d, p, now);
		return;
	case ESP_UDPENCAP_KEEPALIVE:
	case ESP_UDPENCAP_INVALID:
		return;
	}
}

/* On the thread, once per batch: the view and the SAs stay as they are until its end. */
static void dp_batch(void *user_data, bool begin)
{
	struct session_datapath *d = user_data;
	uint64_t one = 1;

	if (!d->running)
		return;

	if (begin) {
		pthread_mutex_lock(&d->lock);
		if (d->sas)
			session_sas_lock(d->sas);
		return;
	}

	if (d->sas)
		session_sas_unlock(d->sas);
	pthread_mutex_unlock(&d->lock);
	if (d->punted) {
		d->punted = false;
		(void)!write(d->wake_fd, &one, sizeof(one));
	}
}

/*
 * A router asked for smaller packets: the main loop lowers the TUN's MTU.
 * From the thread, through the wake-up (the lowest MTU since the last one).
 */
static void dp_path_mtu(void *user_data, unsigned mtu)
{
	struct session_datapath *d = user_data;
	unsigned old = atomic_load(&d->frag_needed_mtu);
	uint64_t one = 1;

	if (!d->ops.path_mtu)
		return;
	if (!d->running) {
		d->ops.path_mtu(d->user_data, mtu);
		return;
	}
	while ((!old || mtu < old) &&
	       !atomic_compare_exchange_weak(&d->frag_needed_mtu, &old, mtu))
		;
	(void)!write(d->wake_fd, &one, sizeof(one));
}

static void take_path_mtu(struct session_datapath *d)
{
	unsigned mtu = atomic_exchange(&d->frag_needed_mtu, 0);

	if (mtu && d->ops.path_mtu)
		d->ops.path_mtu(d->user_data, mtu);
}

/* Main loop -------------------------------------------------------------- */

static gboolean on_net_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session_datapath *d = user_data;
	SESSION_SCOPE(d->core->owner);

	if (cond & G_IO_ERR)
		dataplane_net_error(d->dp);
	if (dataplane_net_input(d->dp, session_now()) == -ECONNREFUSED)
		d->saw_port_unreachable = true;
	d->ops.ran(d->user_data);
	return G_SOURCE_CONTINUE;
}

static gboolean on_tun_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session_datapath *d = user_data;
	SESSION_SCOPE(d->core->owner);

	(void)dataplane_tun_input(d->dp);
	return G_SOURCE_CONTINUE;
}

static void watch(struct session_datapath *d, bool on)
{
	g_clear_handle_id(&d->tun_watch, g_source_remove);
	g_clear_handle_id(&d->net_watch, g_source_remove);
	if (!on || d->running)
		return;
	if (d->tun->fd >= 0)
		d->tun_watch = g_unix_fd_add(d->tun->fd, G_IO_IN, on_tun_readable, d);
	if (d->net_fd >= 0)
		d->net_watch = g_unix_fd_add(d->net_fd, G_IO_IN, on_net_readable, d);
}

void datapath_set_socket(struct session_datapath *d, int fd, enum datapath_socket kind)
{
	if (d->net_fd == fd && d->kind == kind)
		return;
	d->net_fd = fd;
	d->kind = kind;
	/* UDP GRO on UDP sockets, on the main loop as on the thread: the same input code reads both. */
	dataplane_set_net_fd(d->dp, fd, kind == DATAPATH_SOCKET_ESP_RAW);
	watch(d, true);
}

void datapath_tun_opened(struct session_datapath *d)
{
	watch(d, true);
}

void datapath_set_link(struct session_datapath *d, const struct datapath_link *link)
{
	pthread_mutex_lock(&d->lock);
	d->link = *link;
	pthread_mutex_unlock(&d->lock);
}

/* Everything the thread handed over, in order; a slot is freed only after it was handled. */
static void drain(struct session_datapath *d)
{
	size_t head = atomic_load_explicit(&d->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&d->tail, memory_order_acquire);

	for (; head != tail; head++) {
		const struct punt *slot = &d->ring[head % PUNT_SLOTS];

		d->ops.control(d->user_data, slot->kind, slot->data, slot->len, slot->now);
		atomic_store_explicit(&d->head, head + 1, memory_order_release);
	}
}

static gboolean on_wake(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session_datapath *d = user_data;
	SESSION_SCOPE(d->core->owner);
	uint64_t v;

	(void)!read(fd, &v, sizeof(v));
	drain(d);
	take_path_mtu(d);
	d->ops.ran(d->user_data);
	return G_SOURCE_CONTINUE;
}

/* Main loop, from l2tp ---------------------------------------------------- */

/* Sealed and sent at once, outside any batch: the main loop's own control traffic. */
static int send_now(struct session_datapath *d, struct pkt *p)
{
	int r = 0;

	if (d->net_fd < 0)
		return -ENOTCONN;
	if (is_esp(d)) {
		session_sas_lock(d->sas);
		r = session_sas_seal_prepare(d->sas, p);
		if (!r)
			r = session_sas_seal_crypt(d->sas, 0, p);
		session_sas_unlock(d->sas);
	}
	if (r < 0)
		return r;
	return send(d->net_fd, p->data, p->len, MSG_DONTWAIT) < 0 ? -errno : 0;
}

int datapath_send_l2tp(struct session_datapath *d, struct pkt *p)
{
	/* The thread's send queue is its own; on the main loop, data joins the TUN batch. */
	return d->running ? send_now(d, p) : send_l2tp_batched(d, p);
}

/* Control messages are built by L2TP in its own buffer; ESP needs room around them. */
int datapath_send_l2tp_bytes(struct session_datapath *d, const uint8_t *data, size_t len)
{
	struct pkt_buf buf;
	struct pkt *p = pkt_buf_reset(&buf);
	uint8_t *dst = pkt_put(p, len);

	if (!dst)
		return -EMSGSIZE;
	memcpy(dst, data, len);
	return send_now(d, p);
}

void datapath_deliver_ip(struct session_datapath *d, const uint8_t *ip, size_t len)
{
	if (d->tun->fd < 0)
		return;

	/* The data plane counts what it delivers itself. */
	if (!d->running) {
		(void)dataplane_deliver(d->dp, ip, len);
		return;
	}

	/* A rare IP packet that came through the main loop (the framing was changing). */
	if (dataplane_write_tun(d->dp, ip, len) < 0)
		return;
	d->main_loop.packets_in++;
	d->main_loop.bytes_in += len;
}

/* The thread ------------------------------------------------------------- */

static bool thread_wanted(void)
{
	const char *env = getenv("ROADVPN_DATAPLANE_THREAD");

	return !env || strcmp(env, "0");
}

static void log_data_path(struct session_datapath *d, const char *why_not_threaded)
{
	char what[160], crypto[48] = "";
	unsigned lanes = is_esp(d) ? session_sas_lanes(d->sas, true) : 1;

	dataplane_describe(d->dp, what, sizeof(what));
	/* CBC suites: the crypto of a batch is spread over this many threads. */
	if (lanes > 1 && d->running)
		snprintf(crypto, sizeof(crypto), ", ESP crypto on %u threads", lanes);
	rv_log_info("session", "data path: %s%s%s%s%s", what, crypto, why_not_threaded ? " (" : "",
		    why_not_threaded ? why_not_threaded : "", why_not_threaded ? ")" : "");
}

static void release(struct session_datapath *d)
{
	g_clear_handle_id(&d->wake_watch, g_source_remove);
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	d->wake_fd = -1;
	g_clear_pointer(&d->ring, g_free);
	atomic_store(&d->head, 0);
	atomic_store(&d->tail, 0);
}

void datapath_start(struct session_datapath *d)
{
	int r;

	if (d->running || d->net_fd < 0 || d->tun->fd < 0)
		return;

	if (!thread_wanted()) {
		log_data_path(d, "ROADVPN_DATAPLANE_THREAD=0");
		return;
	}
	if (!d->link.framing_ok) {
		log_data_path(d, "sequenced L2TP data");
		return;
	}

	d->ring = g_new(struct punt, PUNT_SLOTS);
	d->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->wake_fd < 0) {
		release(d);
		return;
	}

	d->noted_ppp_rx = 0;
	d->running = true;
	watch(d, false);
	r = dataplane_start(d->dp);
	if (r < 0) {
		d->running = false;
		watch(d, true);
		release(d);
		rv_log_warning("session", "data path stays on the main loop: no thread (%s)",
			       strerror(-r));
		return;
	}

	d->wake_watch = g_unix_fd_add(d->wake_fd, G_IO_IN, on_wake, d);
	log_data_path(d, NULL);
}

void datapath_stop(struct session_datapath *d)
{
	uint64_t drops;

	if (!d->running)
		return;

	dataplane_stop(d->dp);
	d->running = false;

	/* What arrived before the stop (a CDN, a Terminate-Ack) still counts. */
	drain(d);
	take_path_mtu(d);
	release(d);
	watch(d, true);

	drops = atomic_exchange(&d->punt_drops, 0);
	if (drops)
		rv_log_debug("session", "%llu control packets dropped on a full ring",
			     (unsigned long long)drops);
}

/* Life cycle and counters --------------------------------------------------- */

struct session_datapath *datapath_new(struct session_core *core, struct session_sas *sas,
				      const struct net_tun *tun, const struct datapath_ops *ops,
				      void *user_data)
{
	static const struct dataplane_ops dp_ops = {
		.encap = dp_encap,
		.decap = dp_decap,
		.batch = dp_batch,
		.seal = dp_seal,
		.open = dp_open,
		.lanes = dp_lanes,
		.path_mtu = dp_path_mtu,
	};
	/* UDP GSO on send (plain L2TP and ESP in UDP), UDP GRO on receive. */
	const struct dataplane_config cfg = { .tun = tun, .net_fd = -1, .udp_offload = true,
					      .crypto_workers = dataplane_crypto_workers() };
	struct session_datapath *d = g_new0(struct session_datapath, 1);

	*d = (struct session_datapath){ .core = core, .sas = sas, .tun = tun, .ops = *ops,
					.user_data = user_data, .net_fd = -1, .wake_fd = -1 };
	pthread_mutex_init(&d->lock, NULL);
	d->dp = dataplane_new(&cfg, &dp_ops, d);
	if (!d->dp) {
		datapath_free(d);
		return NULL;
	}
	return d;
}

void datapath_free(struct session_datapath *d)
{
	if (!d)
		return;
	datapath_stop(d);
	g_clear_handle_id(&d->tun_watch, g_source_remove);
	g_clear_handle_id(&d->net_watch, g_source_remove);
	dataplane_free(d->dp);
	pthread_mutex_destroy(&d->lock);
	g_free(d);
}

bool datapath_take_ppp_activity(struct session_datapath *d, usec_t *ret)
{
	usec_t last = atomic_load_explicit(&d->last_ppp_rx, memory_order_relaxed);

	if (last <= d->noted_ppp_rx)
		return false;
	d->noted_ppp_rx = last;
	*ret = last;
	return true;
}

bool datapath_saw_port_unreachable(const struct session_datapath *d)
{
	return d->saw_port_unreachable;
}

void datapath_get_stats(const struct session_datapath *d, struct session_stats *ret)
{
	struct dataplane_stats s;

	dataplane_get_stats(d->dp, &s);
	*ret = d->main_loop;
	ret->packets_in += s.packets_in;
	ret->bytes_in += s.bytes_in;
	ret->packets_out += s.packets_out;
	ret->bytes_out += s.bytes_out;
}
