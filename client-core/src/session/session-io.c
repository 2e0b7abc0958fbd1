/*
 * The session's sockets, TUN device and single timer on the GLib main loop,
 * and the data path between them. The TUN side and the send queue are
 * dataplane/dataplane.c: reads and writes are batched (recvmmsg/sendmmsg,
 * TUN read until EAGAIN), the TUN carries TSO/USO super-packets split and
 * coalesced in userspace when the kernel allows a vnet header, and every
 * packet is built in place in a pkt buffer with headroom: TUN -> PPP ->
 * L2TP -> UDP costs no allocation.
 *
 * Once the session is UP the TUN and the data socket move to the data
 * plane's own thread (session-fast.c); the handlers here then serve only
 * the time before and after, and the main loop's own control traffic is
 * sent directly, never through the thread's batch.
 *
 * ROADVPN_TUN_OFFLOAD=0 in the environment opens a plain TUN (one packet
 * per system call), for comparison and as an escape hatch.
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/dataplane.h"
#include "l2tp/l2tp.h"
#include "session-internal.h"
#include "util/log.h"

#define L2TP_PORT 1701

/* Timer -------------------------------------------------------------- */

static gboolean timer_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
	g_source_set_ready_time(source, -1);
	return callback(user_data);
}

static GSourceFuncs timer_funcs = {
	.dispatch = timer_dispatch,
};

static gboolean on_timer(gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	session_on_timer(s);
	session_rearm_timer(s);
	return G_SOURCE_CONTINUE;
}

void session_rearm_timer(struct session *s)
{
	usec_t d;

	if (!s->timer) {
		s->timer = g_source_new(&timer_funcs, sizeof(GSource));
		g_source_set_callback(s->timer, on_timer, s, NULL);
		g_source_attach(s->timer, NULL);
	}

	d = session_next_deadline(s);
	g_source_set_ready_time(s->timer, d == USEC_INFINITY ? -1 : (gint64)d);
}

/* Underlay (UDP to the gateway's L2TP port) --------------------------- */

/* Where L2TP datagrams leave: the UDP/1701 socket, or the ESP socket. */
static int data_fd(const struct session *s)
{
	return s->ike ? session_ipsec_data_fd(s) : s->udp_fd;
}

/* Control messages are built by L2TP in its own buffer; ESP needs room around them. */
static int l2tp_tx_via_ipsec(struct session *s, const uint8_t *data, size_t len)
{
	struct pkt_buf buf;
	struct pkt *p = pkt_buf_reset(&buf);
	uint8_t *dst = pkt_put(p, len);

	if (!dst)
		return -EMSGSIZE;
	memcpy(dst, data, len);
	return session_ipsec_send(s, p);
}

int session_l2tp_tx(void *user_data, const uint8_t *data, size_t len)
{
	struct session *s = user_data;

	if (s->ike)
		return l2tp_tx_via_ipsec(s, data, len);

	if (send(s->udp_fd, data, len, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

int session_l2tp_tx_pkt(void *user_data, struct pkt *p)
{
	struct session *s = user_data;

	if (s->ike) {
		int r = session_ipsec_seal(s, p);

		if (r < 0)
			return r;
	}

	if (!s->dp)
		return -ENOMEM;
	/* The thread's send queue is its own: the main loop sends at once. */
	if (s->fast.running)
		return send(data_fd(s), p->data, p->len, MSG_DONTWAIT) < 0 ? -errno : 0;
	return dataplane_send(s->dp, data_fd(s), p);
}

void session_io_rx_begin(struct session *s)
{
	if (s->dp && !s->fast.running)
		dataplane_rx_begin(s->dp);
}

void session_io_rx_end(struct session *s)
{
	if (s->dp && !s->fast.running)
		dataplane_flush(s->dp);
}

static gboolean on_udp_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);
	struct pkt *pkts[SESSION_BATCH];
	usec_t now = session_now();
	int n;

	for (size_t i = 0; i < SESSION_BATCH; i++)
		pkts[i] = pkt_buf_reset(&s->rx_bufs[i]);

	n = net_udp_recv_batch(fd, pkts, SESSION_BATCH);
	if (n == -ECONNREFUSED)
		s->saw_port_unreachable = true;

	session_io_rx_begin(s);
	for (int i = 0; i < n && s->l2tp; i++) {
		if (pkts[i]->len)
			l2tp_rx(s->l2tp, pkts[i]->data, pkts[i]->len, now);
	}
	session_io_rx_end(s);

	session_rearm_timer(s);
	return G_SOURCE_CONTINUE;
}

/* Overlay (PPP <-> TUN) ---------------------------------------------- */

void session_l2tp_ppp_rx(void *user_data, const uint8_t *frame, size_t len, usec_t now)
{
	struct session *s = user_data;

	if (!s->ppp)
		return;

	ppp_note_rx_activity(s->ppp, now);
	ppp_rx(s->ppp, frame, len, now);
}

int session_ppp_tx(void *user_data, struct pkt *p)
{
	struct session *s = user_data;

	if (!s->l2tp)
		return -ENOTCONN;
	return l2tp_send_ppp(s->l2tp, p);
}

void session_ppp_ip_rx(void *user_data, bool is_ipv6, const uint8_t *data, size_t len)
{
	struct session *s = user_data;

	if (s->tun.fd < 0 || !s->dp || s->phase != SESSION_PHASE_UP)
		return;

	/* The data plane counts what it delivers itself. */
	if (!s->fast.running) {
		(void)dataplane_deliver(s->dp, data, len);
		return;
	}

	/* A rare IP packet that came through the main loop (the framing was changing). */
	if (dataplane_write_tun(s->dp, data, len) < 0)
		return;
	s->stats.packets_in++;
	s->stats.bytes_in += len;
}

/*
 * One IP packet from the TUN (the data plane calls this for each, then
 * sends the batch): on the thread with the copied framing, else through
 * the ppp and l2tp objects. The data plane counts it.
 */
static int dp_encap(void *user_data, struct pkt *p)
{
	struct session *s = user_data;

	if (s->fast.running)
		return session_fast_encap(s, p);
	if (!s->ppp)
		return -ENOTCONN;
	return ppp_send_ip(s->ppp, p, session_pkt_is_ipv6(p));
}

static gboolean on_tun_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	if (s->dp)
		(void)dataplane_tun_input(s->dp);
	return G_SOURCE_CONTINUE;
}

/* Open / close ------------------------------------------------------- */

int session_io_init(struct session *s)
{
	static const struct dataplane_ops ops = {
		.encap = dp_encap,
		.decap = session_fast_decap,
		.batch = session_fast_batch,
		.seal = session_fast_seal,
		.open = session_fast_open,
		.lanes = session_fast_lanes,
	};
	/* UDP GSO on send (plain L2TP and ESP in UDP), and UDP GRO once the thread receives. */
	const struct dataplane_config cfg = { .tun = &s->tun, .net_fd = -1, .udp_offload = true,
					      .crypto_workers = dataplane_crypto_workers() };

	if (!s->rx_bufs)
		s->rx_bufs = g_new(struct pkt_buf, SESSION_BATCH);
	if (!s->dp)
		s->dp = dataplane_new(&cfg, &ops, s);
	return s->dp ? 0 : -ENOMEM;
}

int session_io_open(struct session *s)
{
	uint16_t local_port = 0;
	int r;

	r = net_udp_open(s->gateway4, L2TP_PORT, &local_port, &s->udp_fd);
	if (r < 0)
		return r;

	rv_log_debug("session", "L2TP underlay: local port %u -> %s:%u", local_port,
		     s->gateway_text, L2TP_PORT);
	s->udp_watch = g_unix_fd_add(s->udp_fd, G_IO_IN, on_udp_readable, s);
	return 0;
}

int session_tun_open(struct session *s)
{
	const char *hint = s->profile->interface_name ? s->profile->interface_name : "rvpn%d";
	const char *env = getenv("ROADVPN_TUN_OFFLOAD");
	int r = -EOPNOTSUPP;

	if (!env || strcmp(env, "0"))
		r = net_tun_open_offload(hint, &s->tun);
	if (r < 0)
		r = net_tun_open(hint, &s->tun);
	if (r < 0)
		return r;

	s->tun_watch = g_unix_fd_add(s->tun.fd, G_IO_IN, on_tun_readable, s);
	return 0;
}

void session_io_watch_data(struct session *s, bool on)
{
	g_clear_handle_id(&s->tun_watch, g_source_remove);
	if (on && s->tun.fd >= 0)
		s->tun_watch = g_unix_fd_add(s->tun.fd, G_IO_IN, on_tun_readable, s);

	if (s->udp_fd < 0)
		return;
	g_clear_handle_id(&s->udp_watch, g_source_remove);
	if (on)
		s->udp_watch = g_unix_fd_add(s->udp_fd, G_IO_IN, on_udp_readable, s);
}

void session_io_fold_stats(struct session *s)
{
	struct dataplane_stats d;

	if (!s->dp)
		return;
	dataplane_get_stats(s->dp, &d);
	s->stats.packets_in += d.packets_in;
	s->stats.bytes_in += d.bytes_in;
	s->stats.packets_out += d.packets_out;
	s->stats.bytes_out += d.bytes_out;
}

void session_io_close(struct session *s)
{
	session_fast_stop(s);
	session_io_fold_stats(s);

	g_clear_handle_id(&s->udp_watch, g_source_remove);
	g_clear_handle_id(&s->tun_watch, g_source_remove);

	if (s->timer) {
		g_source_destroy(s->timer);
		g_clear_pointer(&s->timer, g_source_unref);
	}

	if (s->udp_fd >= 0)
		close(s->udp_fd);
	s->udp_fd = -1;

	if (s->tun.fd >= 0)
		net_tun_close(&s->tun);
	s->tun.fd = -1;
	session_ipsec_close_sockets(s);

	g_clear_pointer(&s->rx_bufs, g_free);
	g_clear_pointer(&s->dp, dataplane_free);
}
