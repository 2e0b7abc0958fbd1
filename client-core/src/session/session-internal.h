#pragma once
/* Private to session/: the session object and the seams between its files. */
#include <gio/gio.h>
#include <pthread.h>
#include <stdatomic.h>

#include "l2tp/l2tp.h"
#include "net/net.h"
#include "ppp/ppp.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/pkt.h"

struct dataplane;
struct esp_sa;
struct ike;
struct session_punt;

#define SESSION_BATCH 32
#define SESSION_MAX_INBOUND_SA 4

/*
 * The data path on its own thread while the session is UP (session-fast.c).
 * The thread owns the TUN and the data socket; the main loop keeps the l2tp,
 * ppp and ike objects and gets their packets through a one-way ring.
 */
struct session_fast {
	/*
	 * Held by the thread for each batch and by the main loop whenever it
	 * touches what the thread reads: the ESP SAs (session-ipsec.c) and the
	 * framing below. Never held across a call into l2tp, ppp or ike.
	 */
	pthread_mutex_t lock;
	bool running;
	/* Copied from l2tp and ppp by session_fast_refresh(). */
	bool framing_ok;
	struct l2tp_data_framing framing;
	bool ipv4, ipv6;
	/* Fixed while running. */
	bool ipsec;
	int net_fd;
	/* Thread -> main loop: packets that are not IP data (control, IKE). */
	struct session_punt *ring;
	atomic_size_t head, tail;
	bool punted;                 /* in this batch: wake the main loop at its end */
	int wake_fd;                 /* eventfd */
	guint wake_watch;
	atomic_uint_fast64_t punt_drops;
	atomic_uint_fast64_t last_ppp_rx;   /* for LCP echo: traffic proves the link */
	usec_t noted_ppp_rx;
};

struct session {
	const struct profile *profile;
	bool configure_network;
	struct session_ops ops;
	void *user_data;

	enum session_phase phase;
	struct session_failure failure;
	bool has_failure;

	GCancellable *cancel;
	uint32_t gateway4;
	char gateway_text[64];

	struct l2tp *l2tp;
	struct ppp *ppp;
	enum ppp_auth_method auth_method;
	struct ppp_ipcp_info ipcp;
	struct ppp_ipv6cp_info ipv6cp;
	bool has_ipv6;
	uint16_t mtu;

	/* What the idle callback still has to do. */
	guint advance_idle;
	bool want_ppp_start;
	bool want_netconfig;
	bool want_ipv6_config;
	bool want_teardown;
	bool stop_requested;
	bool ppp_closing, ppp_done;
	bool l2tp_closing, l2tp_done, l2tp_failed;
	bool finished;
	usec_t step_deadline;

	/* I/O (session-io.c). */
	int udp_fd;
	guint udp_watch;
	struct net_tun tun;
	guint tun_watch;
	GSource *timer;
	struct net_state *net;
	struct pkt_buf *rx_bufs;     /* SESSION_BATCH buffers for UDP reads */
	struct dataplane *dp;        /* TUN side, batching and offloads (dataplane.c) */
	bool saw_port_unreachable;  /* ICMP port unreachable from the gateway */

	/* IPsec (session-ipsec.c); all fds -1 in plain L2TP mode. */
	struct ike *ike;
	int ike_fd, natt_fd, esp_raw_fd;
	guint ike_watch, natt_watch, esp_raw_watch;
	struct esp_sa *esp_in[SESSION_MAX_INBOUND_SA];
	size_t n_esp_in;
	struct esp_sa *esp_out;        /* the SA we send on */
	struct esp_sa *esp_out_spare;  /* the gateway's own Quick Mode result */
	bool esp_udp_encap;
	bool nat_keepalive;
	usec_t next_keepalive;
	_Atomic usec_t last_esp_rx;    /* also written by the data-plane thread */
	bool want_l2tp_start;
	bool ike_closing, ike_done, ike_failed;

	struct session_fast fast;
	/* Packets the main loop moved itself; the data plane counts its own (session_get_stats). */
	struct session_stats stats;

	/* Reconnect (reconnect.c). */
	bool was_up;                 /* reached UP at least once */
	unsigned int reconnects;     /* attempts since the last UP */
	guint reconnect_source;      /* back-off timer in RECONNECT_WAIT */
};

usec_t session_now(void);
/* Mark `s` as session_current() until the end of the enclosing block. */
struct session *session_enter(struct session *s);
void session_leave(struct session **prev);
#define SESSION_SCOPE(s) \
	struct session *session_prev_ __attribute__((cleanup(session_leave))) = session_enter(s)
void session_enter_phase(struct session *s, enum session_phase phase);
void session_fail(struct session *s, enum session_reason reason, uint32_t peer_code,
		  const char *fmt, ...) G_GNUC_PRINTF(4, 5);
usec_t session_next_deadline(const struct session *s);
void session_schedule(struct session *s);
void session_on_timer(struct session *s);

/* session-io.c */
int session_io_init(struct session *s);
int session_io_open(struct session *s);
int session_tun_open(struct session *s);
void session_io_close(struct session *s);
void session_rearm_timer(struct session *s);
int session_l2tp_tx(void *user_data, const uint8_t *data, size_t len);
int session_l2tp_tx_pkt(void *user_data, struct pkt *p);
void session_l2tp_ppp_rx(void *user_data, const uint8_t *frame, size_t len, usec_t now);
int session_ppp_tx(void *user_data, struct pkt *p);
void session_ppp_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len);
/* Bracket a batch of received datagrams, so IP packets for the TUN are coalesced. */
void session_io_rx_begin(struct session *s);
void session_io_rx_end(struct session *s);

/* Main loop watches on the TUN and the UDP/1701 socket: off while the data plane thread runs. */
void session_io_watch_data(struct session *s, bool on);
/* Add the data plane's counters to s->stats before it goes away. */
void session_io_fold_stats(struct session *s);

/* The IP version of the packet in p, from its first nibble. */
static inline bool session_pkt_is_ipv6(const struct pkt *p)
{
	return p->len > 0 && (p->data[0] >> 4) == 6;
}

/* session-fast.c */
void session_fast_init(struct session *s);
void session_fast_destroy(struct session *s);
/* At UP: move the data path to its own thread (stays on the main loop when it cannot). */
void session_fast_start(struct session *s);
/* Join the thread and give the fds back to the main loop. Idempotent. */
void session_fast_stop(struct session *s);
/* Copy the framing from l2tp and ppp after they may have changed. */
void session_fast_refresh(struct session *s);
/* From the timer: tell PPP about data the thread received (LCP echo stays quiet). */
void session_fast_note_activity(struct session *s);
/* dataplane ops while the thread runs (the lock is held). */
int session_fast_encap(struct session *s, struct pkt *p);
void session_fast_decap(void *user_data, struct pkt *p, int opened, usec_t now);
void session_fast_batch(void *user_data, bool begin);
/* The data plane's crypto stage: any lane, for different packets at once (the lock is held). */
int session_fast_seal(void *user_data, unsigned lane, struct pkt *p);
int session_fast_open(void *user_data, unsigned lane, struct pkt *p);
unsigned session_fast_lanes(void *user_data, bool seal);

/* session-ipsec.c */
int session_ipsec_start(struct session *s);
/* The main loop's sealing (control traffic): takes s->fast.lock. */
int session_ipsec_seal(struct session *s, struct pkt *p);
/* Caller holds s->fast.lock: seal, and open an ESP packet down to its L2TP datagram. */
int session_ipsec_seal_locked(struct session *s, struct pkt *p);
int session_ipsec_open_locked(struct session *s, struct pkt *p, usec_t now);
/*
 * The same cut in two for the data plane's crypto stage: prepare (inner
 * UDP, ESP header, trailer) and finish (replay window, trailer, inner UDP)
 * in packet order; the crypto on a lane, for several packets at once.
 */
int session_ipsec_prepare_locked(struct session *s, struct pkt *p);
int session_ipsec_seal_crypt(struct session *s, unsigned lane, struct pkt *p);
int session_ipsec_open_crypt(struct session *s, unsigned lane, struct pkt *p);
int session_ipsec_open_finish_locked(struct session *s, struct pkt *p, int opened, usec_t now);
/* Lanes all current SAs of that direction have. */
unsigned session_ipsec_lanes(const struct session *s, bool seal);
/* Main loop watch on the ESP socket that carries data: off while the thread runs. */
void session_ipsec_watch_data(struct session *s, bool on);
int session_ipsec_send(struct session *s, struct pkt *p);
int session_ipsec_data_fd(const struct session *s);
usec_t session_ipsec_next_deadline(const struct session *s);
void session_ipsec_tick(struct session *s, usec_t now);
void session_ipsec_close_sockets(struct session *s);
void session_ipsec_free_sas(struct session *s);

/* session.c: resolve the gateway, then IKE or L2TP (start and every reconnect) */
void session_resolve(struct session *s);

/* reconnect.c */
void session_reconnect_note_phase(struct session *s, enum session_phase phase);
/* After a teardown: true when this failure is worth another attempt. */
bool session_reconnect_wanted(const struct session *s);
/* Enter RECONNECT_WAIT and retry from resolve after the back-off. */
void session_reconnect_schedule(struct session *s);
void session_reconnect_cancel(struct session *s);

/* session-net.c */
void session_netconfig_apply(struct session *s);
void session_netconfig_undo(struct session *s);
void session_netconfig_add_ipv6(struct session *s);
