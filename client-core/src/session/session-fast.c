/*
 * The session's data path on a thread of its own while the session is UP
 * (dataplane/dataplane.c in threaded mode), so that the traffic of a
 * connection does not wait behind the main loop and one core encrypts
 * while the other runs the kernel's side of the tunnel.
 *
 * The thread owns the TUN and the socket that carries data (UDP/1701, or
 * the ESP socket: UDP/4500 or raw). It frames IP packets itself from a copy
 * of the L2TP ids and the PPP state (l2tp_get_data_framing(),
 * ppp_ip_is_open()), seals and opens ESP with the session's SAs, and hands
 * everything that is not IP data (L2TP control, LCP echo, IKE on UDP/4500)
 * to the main loop through a single-producer ring and an eventfd. The
 * l2tp, ppp and ike objects stay on the main loop, untouched by the thread.
 *
 * Shared state is behind s->fast.lock, taken once per batch by the thread
 * and by the main loop when it changes an SA or the framing, or seals a
 * control packet. Sequenced L2TP data (Ns is l2tp's state) keeps the data
 * path on the main loop, as does ROADVPN_DATAPLANE_THREAD=0.
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dataplane/dataplane.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "session-internal.h"
#include "util/log.h"

/* Control traffic is a few packets a second; a burst beyond this is dropped and retransmitted. */
#define PUNT_SLOTS 32

enum punt_kind {
	PUNT_L2TP,  /* an L2TP datagram, in clear */
	PUNT_IKE,   /* an IKE message from UDP/4500, non-ESP marker removed */
};

struct session_punt {
	enum punt_kind kind;
	usec_t now;
	size_t len;
	uint8_t data[PKT_MAX_DATA];
};

void session_fast_init(struct session *s)
{
	pthread_mutex_init(&s->fast.lock, NULL);
	s->fast.wake_fd = -1;
}

void session_fast_destroy(struct session *s)
{
	session_fast_stop(s);
	pthread_mutex_destroy(&s->fast.lock);
}

/* Thread side ------------------------------------------------------------ */

int session_fast_encap(struct session *s, struct pkt *p)
{
	struct session_fast *f = &s->fast;
	bool is_ipv6 = session_pkt_is_ipv6(p);
	int r;

	/* Not (yet) open for this IP version: dropped, as ppp_send_ip() would. */
	if (!f->framing_ok || !(is_ipv6 ? f->ipv6 : f->ipv4))
		return -ENOTCONN;

	r = ppp_ip_push(p, is_ipv6);
	if (!r)
		r = l2tp_data_push(&f->framing, p);
	if (r < 0)
		return r;
	if (!f->ipsec)
		return dataplane_send(s->dp, f->net_fd, p);

	/* The crypto waits for the batch's crypto stage (session_fast_seal). */
	r = session_ipsec_prepare_locked(s, p);
	return r < 0 ? r : dataplane_send_unsealed(s->dp, f->net_fd, p);
}

int session_fast_seal(void *user_data, unsigned lane, struct pkt *p)
{
	return session_ipsec_seal_crypt(user_data, lane, p);
}

/* ESP datagrams only: L2TP in clear, IKE and keepalives pass untouched to decap. */
int session_fast_open(void *user_data, unsigned lane, struct pkt *p)
{
	struct session *s = user_data;

	if (!s->fast.ipsec)
		return 0;
	if (s->esp_udp_encap && esp_udpencap_classify(p->data, p->len) != ESP_UDPENCAP_ESP)
		return 0;
	return session_ipsec_open_crypt(s, lane, p);
}

unsigned session_fast_lanes(void *user_data, bool seal)
{
	struct session *s = user_data;

	return s->fast.ipsec ? session_ipsec_lanes(s, seal) : 1;
}

static void punt(struct session *s, enum punt_kind kind, const uint8_t *data, size_t len,
		 usec_t now)
{
	struct session_fast *f = &s->fast;
	size_t tail = atomic_load_explicit(&f->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&f->head, memory_order_acquire);
	struct session_punt *slot;

	if (tail - head == PUNT_SLOTS || len > sizeof(slot->data)) {
		atomic_fetch_add_explicit(&f->punt_drops, 1, memory_order_relaxed);
		return;
	}

	slot = &f->ring[tail % PUNT_SLOTS];
	slot->kind = kind;
	slot->now = now;
	slot->len = len;
	memcpy(slot->data, data, len);
	atomic_store_explicit(&f->tail, tail + 1, memory_order_release);
	f->punted = true;
}

/* An L2TP datagram in clear: IP data goes to the TUN, anything else to the main loop. */
static void l2tp_input(struct session *s, struct pkt *p, usec_t now)
{
	struct session_fast *f = &s->fast;
	uint8_t *data = p->data;
	size_t len = p->len;
	int version;

	if (f->framing_ok && l2tp_data_pull(&f->framing, p) == 0) {
		version = ppp_ip_pull(p);
		if (version && (version == 6 ? f->ipv6 : f->ipv4)) {
			atomic_store_explicit(&f->last_ppp_rx, now, memory_order_relaxed);
			(void)dataplane_deliver(s->dp, p->data, p->len);
			return;
		}
	}

	punt(s, PUNT_L2TP, data, len, now);
}

void session_fast_decap(void *user_data, struct pkt *p, int opened, usec_t now)
{
	struct session *s = user_data;

	if (!s->fast.ipsec) {
		l2tp_input(s, p, now);
		return;
	}

	if (s->esp_udp_encap) {
		switch (esp_udpencap_classify(p->data, p->len)) {
		case ESP_UDPENCAP_IKE:
			punt(s, PUNT_IKE, p->data + ESP_NON_ESP_MARKER_LEN,
			     p->len - ESP_NON_ESP_MARKER_LEN, now);
			return;
		case ESP_UDPENCAP_ESP:
			break;
		case ESP_UDPENCAP_KEEPALIVE:
		case ESP_UDPENCAP_INVALID:
			return;
		}
	}

	if (session_ipsec_open_finish_locked(s, p, opened, now) == 0)
		l2tp_input(s, p, now);
}

void session_fast_batch(void *user_data, bool begin)
{
	struct session *s = user_data;
	struct session_fast *f = &s->fast;
	uint64_t one = 1;

	/* On the main loop (before UP, after a stop) the lock is taken where it is needed. */
	if (!f->running)
		return;

	if (begin) {
		pthread_mutex_lock(&f->lock);
		return;
	}

	pthread_mutex_unlock(&f->lock);
	if (f->punted) {
		f->punted = false;
		(void)!write(f->wake_fd, &one, sizeof(one));
	}
}

/* Main loop side ---------------------------------------------------------- */

static void dispatch(struct session *s, const struct session_punt *slot)
{
	switch (slot->kind) {
	case PUNT_L2TP:
		if (s->l2tp)
			l2tp_rx(s->l2tp, slot->data, slot->len, slot->now);
		return;
	case PUNT_IKE:
		if (s->ike)
			ike_rx(s->ike, slot->data, slot->len, true, slot->now);
		return;
	}
}

/* Everything the thread handed over, in order; a slot is freed only after it was handled. */
static void drain(struct session *s)
{
	struct session_fast *f = &s->fast;
	size_t head = atomic_load_explicit(&f->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&f->tail, memory_order_acquire);

	for (; head != tail; head++) {
		dispatch(s, &f->ring[head % PUNT_SLOTS]);
		atomic_store_explicit(&f->head, head + 1, memory_order_release);
	}
}

static gboolean on_wake(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);
	uint64_t v;

	(void)!read(fd, &v, sizeof(v));
	drain(s);
	session_fast_refresh(s);
	session_rearm_timer(s);
	return G_SOURCE_CONTINUE;
}

void session_fast_refresh(struct session *s)
{
	struct session_fast *f = &s->fast;

	pthread_mutex_lock(&f->lock);
	f->framing_ok = l2tp_get_data_framing(s->l2tp, &f->framing);
	f->ipv4 = ppp_ip_is_open(s->ppp, false);
	f->ipv6 = ppp_ip_is_open(s->ppp, true);
	pthread_mutex_unlock(&f->lock);
}

void session_fast_note_activity(struct session *s)
{
	struct session_fast *f = &s->fast;
	usec_t last = atomic_load_explicit(&f->last_ppp_rx, memory_order_relaxed);

	if (last > f->noted_ppp_rx && s->ppp) {
		f->noted_ppp_rx = last;
		ppp_note_rx_activity(s->ppp, last);
	}
}

static bool thread_wanted(void)
{
	const char *env = getenv("ROADVPN_DATAPLANE_THREAD");

	return !env || strcmp(env, "0");
}

static void log_data_path(struct session *s, const char *why_not_threaded)
{
	char what[160], crypto[48] = "";
	unsigned lanes = s->fast.ipsec ? session_ipsec_lanes(s, true) : 1;

	dataplane_describe(s->dp, what, sizeof(what));
	/* CBC suites: the crypto of a batch is spread over this many threads. */
	if (lanes > 1 && s->fast.running)
		snprintf(crypto, sizeof(crypto), ", ESP crypto on %u threads", lanes);
	rv_log_info("session", "data path: %s%s%s%s%s", what, crypto, why_not_threaded ? " (" : "",
		    why_not_threaded ? why_not_threaded : "", why_not_threaded ? ")" : "");
}

static void release(struct session_fast *f)
{
	g_clear_handle_id(&f->wake_watch, g_source_remove);
	if (f->wake_fd >= 0)
		close(f->wake_fd);
	f->wake_fd = -1;
	g_clear_pointer(&f->ring, g_free);
	atomic_store(&f->head, 0);
	atomic_store(&f->tail, 0);
}

static void watch_data(struct session *s, bool on)
{
	session_io_watch_data(s, on);
	if (s->ike)
		session_ipsec_watch_data(s, on);
}

void session_fast_start(struct session *s)
{
	struct session_fast *f = &s->fast;
	int fd = s->ike ? session_ipsec_data_fd(s) : s->udp_fd;
	int r;

	if (f->running || !s->dp || fd < 0 || s->tun.fd < 0)
		return;

	if (!thread_wanted()) {
		log_data_path(s, "ROADVPN_DATAPLANE_THREAD=0");
		return;
	}

	session_fast_refresh(s);
	if (!f->framing_ok) {
		log_data_path(s, "sequenced L2TP data");
		return;
	}

	f->ring = g_new(struct session_punt, PUNT_SLOTS);
	f->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (f->wake_fd < 0) {
		release(f);
		return;
	}

	f->ipsec = s->ike != NULL;
	f->net_fd = fd;
	f->noted_ppp_rx = 0;
	watch_data(s, false);
	dataplane_set_net_fd(s->dp, fd, s->ike && !s->esp_udp_encap);
	f->running = true;
	r = dataplane_start(s->dp);
	if (r < 0) {
		f->running = false;
		dataplane_set_net_fd(s->dp, -1, false);
		watch_data(s, true);
		release(f);
		rv_log_warning("session", "data path stays on the main loop: no thread (%s)",
			       strerror(-r));
		return;
	}

	f->wake_watch = g_unix_fd_add(f->wake_fd, G_IO_IN, on_wake, s);
	log_data_path(s, NULL);
}

void session_fast_stop(struct session *s)
{
	struct session_fast *f = &s->fast;
	uint64_t drops;

	if (!f->running)
		return;

	dataplane_stop(s->dp);
	dataplane_set_net_fd(s->dp, -1, false);
	f->running = false;

	/* What arrived before the stop (a CDN, a Terminate-Ack) still counts. */
	drain(s);
	release(f);
	watch_data(s, true);

	drops = atomic_exchange(&f->punt_drops, 0);
	if (drops)
		rv_log_debug("session", "%llu control packets dropped on a full ring",
			     (unsigned long long)drops);
}
