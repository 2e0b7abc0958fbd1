/*
 * IPsec under L2TP (RFC 3193): IKEv1 negotiates an ESP transport-mode SA
 * pair for UDP/1701, then every L2TP datagram travels as ESP, either raw
 * (IP protocol 50) or inside UDP/4500 when a NAT was detected or the
 * profile forces encapsulation. L2TP and PPP are unchanged: they still
 * hand this file UDP payloads.
 *
 * Fail closed: with [ipsec] enabled no plain UDP/1701 socket exists, and an
 * L2TP datagram without an outbound SA is dropped, never sent in clear.
 *
 * Real-peer quirks absorbed here: SoftEther starts a Quick Mode of its own
 * right after ours, so every inbound SA the gateway negotiated stays
 * accepted while we keep sending on ours; strongSwan without kernel ESP
 * deletes the SA it could not install, which ends the connection with a
 * reason rather than a silent hang.
 *
 * Rekey, make-before-break: a CHILD_UP that replaces an SA moves sending to
 * the new SA at once (SoftEther answers on the pair of whatever SA it last
 * received on); the old inbound SA stays until IKE deletes it after its
 * grace period. DPD learns of inbound ESP from the timer, not per packet.
 *
 * While the session is UP the data-plane thread seals and opens with these
 * SAs (session-fast.c): every change to them here, and every seal from the
 * main loop, happens under s->fast.lock.
 */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

#include "dataplane/dataplane.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "l2tp/l2tp.h"
#include "session-internal.h"
#include "util/log.h"

#define IKE_PORT 500
#define NATT_PORT 4500
#define NATT_KEEPALIVE_INTERVAL (20 * USEC_PER_SEC)
/* Sequence numbers left when we rekey rather than run out (RFC 4303 §3.3.3). */
#define ESP_SEQ_REKEY_MARGIN (1u << 28)

/* SAs ------------------------------------------------------------------ */

static enum esp_cipher esp_cipher_of(enum ike_esp_cipher c)
{
	switch (c) {
	case IKE_ESP_CIPHER_AES_CBC:
		return ESP_CIPHER_AES_CBC;
	case IKE_ESP_CIPHER_3DES_CBC:
		return ESP_CIPHER_3DES_CBC;
	case IKE_ESP_CIPHER_AES_GCM16:
		return ESP_CIPHER_AES_GCM16;
	}

	return ESP_CIPHER_AES_CBC;
}

static enum esp_integ esp_integ_of(enum ike_esp_integ i)
{
	switch (i) {
	case IKE_ESP_INTEG_NONE:
		return ESP_INTEG_NONE;
	case IKE_ESP_INTEG_HMAC_SHA1_96:
		return ESP_INTEG_HMAC_SHA1_96;
	case IKE_ESP_INTEG_HMAC_SHA256_128:
		return ESP_INTEG_HMAC_SHA256_128;
	}

	return ESP_INTEG_NONE;
}

/*
 * CBC suites are CPU-bound (3DES about 40 us a packet): their SAs get a
 * cipher context per crypto worker so the data plane can spread a batch.
 * AES-GCM costs less than a system call and a wake-up; it stays on one.
 */
static unsigned crypto_lanes(enum esp_cipher cipher)
{
	if (cipher == ESP_CIPHER_AES_GCM16)
		return 1;
	return 1 + dataplane_crypto_workers();
}

static struct esp_sa *new_sa(const struct ike_child_sa *c, bool inbound)
{
	struct esp_sa_params p = {
		.spi = inbound ? c->spi_in : c->spi_out,
		.cipher = esp_cipher_of(c->cipher),
		.enc_key = inbound ? c->enc_key_in : c->enc_key_out,
		.enc_key_len = c->enc_key_len,
		.integ = esp_integ_of(c->integ),
		.integ_key = inbound ? c->integ_key_in : c->integ_key_out,
		.integ_key_len = c->integ_key_len,
	};

	p.lanes = crypto_lanes(p.cipher);
	return inbound ? esp_sa_new_inbound(&p) : esp_sa_new_outbound(&p);
}

static void lock_sas(struct session *s)
{
	pthread_mutex_lock(&s->fast.lock);
}

static void unlock_sas(struct session *s)
{
	pthread_mutex_unlock(&s->fast.lock);
}

/* Keep every inbound SA the gateway may use; the oldest goes when full. Lock held. */
static void add_inbound(struct session *s, struct esp_sa *sa)
{
	if (s->n_esp_in == SESSION_MAX_INBOUND_SA) {
		esp_sa_free(s->esp_in[0]);
		memmove(s->esp_in, s->esp_in + 1, sizeof(s->esp_in[0]) * (SESSION_MAX_INBOUND_SA - 1));
		s->n_esp_in--;
	}

	s->esp_in[s->n_esp_in++] = sa;
}

static struct esp_sa *find_inbound(struct session *s, uint32_t spi)
{
	for (size_t i = 0; i < s->n_esp_in; i++) {
		if (esp_sa_spi(s->esp_in[i]) == spi)
			return s->esp_in[i];
	}

	return NULL;
}

/* Lock held. */
static void remove_inbound(struct session *s, uint32_t spi)
{
	for (size_t i = 0; i < s->n_esp_in; i++) {
		if (esp_sa_spi(s->esp_in[i]) != spi)
			continue;

		esp_sa_free(s->esp_in[i]);
		memmove(s->esp_in + i, s->esp_in + i + 1, sizeof(s->esp_in[0]) * (s->n_esp_in - i - 1));
		s->n_esp_in--;
		return;
	}
}

void session_ipsec_free_sas(struct session *s)
{
	lock_sas(s);
	for (size_t i = 0; i < s->n_esp_in; i++)
		esp_sa_free(s->esp_in[i]);
	s->n_esp_in = 0;
	esp_sa_free(s->esp_out);
	s->esp_out = NULL;
	esp_sa_free(s->esp_out_spare);
	s->esp_out_spare = NULL;
	unlock_sas(s);
}

/* Sending ------------------------------------------------------------- */

static int esp_fd(const struct session *s)
{
	return s->esp_udp_encap ? s->natt_fd : s->esp_raw_fd;
}

/* Frame one L2TP datagram (in p) for ESP: inner UDP 1701 -> 1701, ESP header and trailer. */
int session_ipsec_prepare_locked(struct session *s, struct pkt *p)
{
	int r;

	/* Fail closed: no SA, no packet. */
	if (!s->esp_out || esp_fd(s) < 0)
		return -ENOTCONN;

	r = esp_udp_push(p, ESP_L2TP_PORT, ESP_L2TP_PORT, NULL);
	if (!r)
		r = esp_seal_prepare(s->esp_out, p, ESP_NEXT_HEADER_UDP);
	if (r == -EKEYEXPIRED)
		rv_log_warning("session", "ESP sequence numbers used up; the SA needs a rekey");
	return r;
}

int session_ipsec_seal_crypt(struct session *s, unsigned lane, struct pkt *p)
{
	/* The SA that prepared p: it changes only between batches, under the lock. */
	return s->esp_out ? esp_seal_crypt(s->esp_out, lane, p) : -ENOTCONN;
}

int session_ipsec_seal_locked(struct session *s, struct pkt *p)
{
	int r = session_ipsec_prepare_locked(s, p);

	return r < 0 ? r : session_ipsec_seal_crypt(s, 0, p);
}

int session_ipsec_seal(struct session *s, struct pkt *p)
{
	int r;

	lock_sas(s);
	r = session_ipsec_seal_locked(s, p);
	unlock_sas(s);
	return r;
}

int session_ipsec_send(struct session *s, struct pkt *p)
{
	int r = session_ipsec_seal(s, p);

	if (r < 0)
		return r;
	return send(esp_fd(s), p->data, p->len, MSG_DONTWAIT) < 0 ? -errno : 0;
}

int session_ipsec_data_fd(const struct session *s)
{
	return esp_fd(s);
}

/* Receiving ------------------------------------------------------------ */

int session_ipsec_open_crypt(struct session *s, unsigned lane, struct pkt *p)
{
	struct esp_sa *sa = find_inbound(s, esp_packet_spi(p->data, p->len));

	return sa ? esp_open_crypt(sa, lane, p) : -ENOENT;
}

int session_ipsec_open_finish_locked(struct session *s, struct pkt *p, int opened, usec_t now)
{
	struct esp_sa *sa = find_inbound(s, esp_packet_spi(p->data, p->len));
	uint8_t nh = 0;
	int r = opened < 0 ? opened : sa ? esp_open_finish(sa, p, &nh) : -ENOENT;

	if (r == -ENOENT) {
		rv_log_debug("session", "ESP for an unknown SPI dropped");
		return r;
	}
	if (r < 0) {
		rv_log_debug("session", "ESP packet dropped: %s", strerror(-r));
		return r;
	}

	s->last_esp_rx = now;
	if (nh != ESP_NEXT_HEADER_UDP || esp_udp_pull(p, ESP_L2TP_PORT, NULL) < 0)
		return -EPROTO;
	return 0;
}

int session_ipsec_open_locked(struct session *s, struct pkt *p, usec_t now)
{
	return session_ipsec_open_finish_locked(s, p, session_ipsec_open_crypt(s, 0, p), now);
}

unsigned session_ipsec_lanes(const struct session *s, bool seal)
{
	unsigned lanes = ESP_MAX_LANES;

	if (seal)
		return s->esp_out ? esp_sa_lanes(s->esp_out) : 1;
	if (!s->n_esp_in)
		return 1;
	/* Any inbound SA may get any packet: the fewest lanes among them. */
	for (size_t i = 0; i < s->n_esp_in; i++) {
		if (esp_sa_lanes(s->esp_in[i]) < lanes)
			lanes = esp_sa_lanes(s->esp_in[i]);
	}
	return lanes;
}

static void esp_input(struct session *s, struct pkt *p, usec_t now)
{
	int r;

	lock_sas(s);
	r = session_ipsec_open_locked(s, p, now);
	unlock_sas(s);

	if (!r && s->l2tp)
		l2tp_rx(s->l2tp, p->data, p->len, now);
}

typedef int (*recv_batch_fn)(int fd, struct pkt **pkts, size_t n);
typedef void (*input_fn)(struct session *s, struct pkt *p, usec_t now);

/* One batch from a socket, each datagram through `input`. */
static void read_batch(struct session *s, int fd, recv_batch_fn recv, input_fn input)
{
	struct pkt *pkts[SESSION_BATCH];
	usec_t now = session_now();
	int n;

	for (size_t i = 0; i < SESSION_BATCH; i++)
		pkts[i] = pkt_buf_reset(&s->rx_bufs[i]);

	n = recv(fd, pkts, SESSION_BATCH);
	if (n == -ECONNREFUSED)
		s->saw_port_unreachable = true;

	session_io_rx_begin(s);
	for (int i = 0; i < n; i++) {
		if (pkts[i]->len)
			input(s, pkts[i], now);
	}
	session_io_rx_end(s);

	session_rearm_timer(s);
}

static gboolean on_raw_esp_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	read_batch(user_data, fd, net_esp_raw_recv_batch, esp_input);
	return G_SOURCE_CONTINUE;
}

static void natt_input(struct session *s, struct pkt *p, usec_t now)
{
	switch (esp_udpencap_classify(p->data, p->len)) {
	case ESP_UDPENCAP_IKE:
		if (s->ike)
			ike_rx(s->ike, p->data + ESP_NON_ESP_MARKER_LEN,
			       p->len - ESP_NON_ESP_MARKER_LEN, true, now);
		return;
	case ESP_UDPENCAP_ESP:
		esp_input(s, p, now);
		return;
	case ESP_UDPENCAP_KEEPALIVE:
	case ESP_UDPENCAP_INVALID:
		return;
	}
}

static gboolean on_natt_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	read_batch(user_data, fd, net_udp_recv_batch, natt_input);
	return G_SOURCE_CONTINUE;
}

static void ike_input(struct session *s, struct pkt *p, usec_t now)
{
	if (s->ike)
		ike_rx(s->ike, p->data, p->len, false, now);
}

static gboolean on_ike_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	read_batch(user_data, fd, net_udp_recv_batch, ike_input);
	return G_SOURCE_CONTINUE;
}

/* IKE transmit and sockets --------------------------------------------- */

static int open_natt(struct session *s)
{
	uint16_t port = NATT_PORT;
	int r;

	if (s->natt_fd >= 0)
		return 0;

	r = net_udp_open(s->gateway4, NATT_PORT, &port, &s->natt_fd);
	if (r < 0)
		return r;

	s->natt_watch = g_unix_fd_add(s->natt_fd, G_IO_IN, on_natt_readable, s);
	return 0;
}

static int ike_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct session *s = user_data;
	uint8_t buf[4096];

	if (!natt)
		return send(s->ike_fd, data, len, MSG_DONTWAIT) < 0 ? -errno : 0;

	if (open_natt(s) < 0 || len > sizeof(buf) - ESP_NON_ESP_MARKER_LEN)
		return -EIO;

	/* RFC 3948 2.2: IKE on port 4500 carries a zero non-ESP marker. */
	memset(buf, 0, ESP_NON_ESP_MARKER_LEN);
	memcpy(buf + ESP_NON_ESP_MARKER_LEN, data, len);
	return send(s->natt_fd, buf, len + ESP_NON_ESP_MARKER_LEN, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* IKE events ------------------------------------------------------------ */

static enum session_reason ike_failure_reason(enum ike_failure f)
{
	switch (f) {
	case IKE_FAILURE_NONE:
	case IKE_FAILURE_NO_PROPOSAL_CHOSEN:
	case IKE_FAILURE_INVALID_ID:
	case IKE_FAILURE_PEER_ERROR:
	case IKE_FAILURE_PROTOCOL:
		return SESSION_REASON_IPSEC_NEGOTIATION;
	case IKE_FAILURE_TIMEOUT:
		return SESSION_REASON_NO_ANSWER;
	case IKE_FAILURE_AUTH_FAILED:
	case IKE_FAILURE_CERT:
		return SESSION_REASON_AUTH_FAILED;
	case IKE_FAILURE_PEER_DELETED:
		return SESSION_REASON_PEER_CLOSED;
	case IKE_FAILURE_INTERNAL:
		return SESSION_REASON_INTERNAL;
	case IKE_FAILURE_DEAD_PEER:
		return SESSION_REASON_PEER_DEAD;
	}

	return SESSION_REASON_IPSEC_NEGOTIATION;
}

static int choose_data_path(struct session *s, const struct ike_child_sa *c)
{
	int r;

	s->esp_udp_encap = c->udp_encap;
	if (c->udp_encap)
		return open_natt(s);

	if (s->esp_raw_fd >= 0)
		return 0;

	r = net_esp_raw_open(s->gateway4, &s->esp_raw_fd);
	if (r < 0)
		return r;

	s->esp_raw_watch = g_unix_fd_add(s->esp_raw_fd, G_IO_IN, on_raw_esp_readable, s);
	return 0;
}

static void on_child_up(struct session *s, const struct ike_child_sa *c)
{
	struct esp_sa *in = new_sa(c, true), *out = new_sa(c, false);
	bool first = !s->esp_out;

	if (!in || !out) {
		esp_sa_free(in);
		esp_sa_free(out);
		session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot set up the ESP SA (%s)",
			     c->description);
		return;
	}

	lock_sas(s);
	add_inbound(s, in);
	unlock_sas(s);
	rv_log_info("session", "IPsec SA up: %s, %s%s", c->description,
		    c->udp_encap ? "ESP in UDP/4500" : "ESP (IP protocol 50)",
		    c->by_peer ? " (started by the gateway)" : "");

	/* A rekey: send on the new SA now; IKE deletes the old one after a grace period. */
	if (!first && c->replaces_spi_in) {
		rv_log_info("session", "IPsec SA rekeyed: now sending on SPI %08x (was %08x)",
			    c->spi_out, esp_sa_spi(s->esp_out));
		lock_sas(s);
		esp_sa_free(s->esp_out);
		s->esp_out = out;
		unlock_sas(s);
		return;
	}

	/* The gateway's own Quick Mode: accept its SA inbound, keep sending on ours. */
	if (!first) {
		lock_sas(s);
		esp_sa_free(s->esp_out_spare);
		s->esp_out_spare = out;
		unlock_sas(s);
		return;
	}

	lock_sas(s);
	s->esp_out = out;
	unlock_sas(s);
	if (choose_data_path(s, c) < 0) {
		session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot open the ESP socket: %s",
			     strerror(errno));
		return;
	}

	s->want_l2tp_start = true;
}

/* Lock held. True when the SA we send on was deleted and none is left. */
static bool delete_sa_pair(struct session *s, const struct ike_child_sa *c)
{
	remove_inbound(s, c->spi_in);

	if (s->esp_out_spare && esp_sa_spi(s->esp_out_spare) == c->spi_out) {
		esp_sa_free(s->esp_out_spare);
		s->esp_out_spare = NULL;
	}

	if (!s->esp_out || esp_sa_spi(s->esp_out) != c->spi_out)
		return false;

	esp_sa_free(s->esp_out);
	s->esp_out = s->esp_out_spare;
	s->esp_out_spare = NULL;
	return !s->esp_out;
}

static void on_child_deleted(struct session *s, const struct ike_child_sa *c)
{
	bool none_left;

	lock_sas(s);
	none_left = delete_sa_pair(s, c);
	unlock_sas(s);
	if (none_left)
		session_fail(s, SESSION_REASON_PEER_CLOSED, 0,
			     "the gateway deleted the IPsec SA (SPI %08x)", c->spi_out);
}

static void on_ike_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct session *s = user_data;

	switch (ev) {
	case IKE_EVENT_PHASE1_UP:
		rv_log_info("session", "IKE phase 1 up: %s", ike_phase1_description(s->ike));
		session_enter_phase(s, SESSION_PHASE_IKE_QUICK_MODE);
		return;
	case IKE_EVENT_FLOAT_TO_NATT:
		s->nat_keepalive = info->nat_local;
		s->next_keepalive = session_now() + NATT_KEEPALIVE_INTERVAL;
		rv_log_info("session", "NAT detected%s%s: switching to UDP/4500",
			    info->nat_local ? " in front of us" : "",
			    info->nat_remote ? " in front of the gateway" : "");
		if (open_natt(s) < 0)
			session_fail(s, SESSION_REASON_INTERNAL, 0, "cannot open UDP/4500");
		return;
	case IKE_EVENT_CHILD_UP:
		on_child_up(s, &info->child);
		break;
	case IKE_EVENT_CHILD_DELETED:
		rv_log_info("session", "%s", info->message);
		on_child_deleted(s, &info->child);
		return;
	case IKE_EVENT_FAILED:
		s->ike_failed = true;
		/* ICMP port unreachable: nothing there speaks IKE, the host itself is up. */
		session_fail(s, ike_failure_reason(info->failure), info->notify_type, "%s%s",
			     info->message,
			     info->failure == IKE_FAILURE_TIMEOUT && s->saw_port_unreachable ?
				     "; it answered ICMP port unreachable: no IKE service listens "
				     "there" :
				     "");
		return;
	case IKE_EVENT_CLOSED:
		s->ike_done = true;
		break;
	}

	session_schedule(s);
}

/* Start, timers, close ------------------------------------------------- */

static void fill_ike_config(struct session *s, struct ike_config *cfg, uint32_t local4,
			    uint16_t local_port)
{
	const struct profile *p = s->profile;

	*cfg = (struct ike_config){
		.local_addr = local4,
		.remote_addr = s->gateway4,
		.local_port = local_port,
		.remote_port = IKE_PORT,
		.psk = p->psk,
		.aggressive = p->ipsec_mode && !strcmp(p->ipsec_mode, "aggressive"),
		.local_id = p->local_id,
		.ike_proposals = p->ike_proposals,
		.esp_proposals = p->esp_proposals,
		.pfs = p->pfs,
		.force_encap = p->force_encap,
		.no_natt = !p->nat_traversal,
		.l2tp_local_port = ESP_L2TP_PORT,
		.auth_cert = p->ipsec_auth && !strcmp(p->ipsec_auth, "cert"),
		.cert_file = p->cert_file,
		.key_file = p->key_file,
		.ca_file = p->ca_file,
		.remote_id = p->remote_id,
		.remote_name = p->gateway,
		.key_password = p->key_password,
		.allow_wildcard = p->allow_wildcard,
		.ike_lifetime = p->ike_lifetime,
		.esp_lifetime = p->esp_lifetime,
		.dpd_delay = (usec_t)p->dpd_delay * USEC_PER_SEC,
	};
}

int session_ipsec_start(struct session *s)
{
	static const struct ike_ops ops = { .tx = ike_tx, .event = on_ike_event };
	struct ike_config cfg;
	uint16_t port = IKE_PORT;
	uint32_t local4 = 0;
	char err[160];
	int r;

	/* Port 500 may belong to a system charon or pluto: then any port will do. */
	r = net_udp_open(s->gateway4, IKE_PORT, &port, &s->ike_fd);
	if (!r)
		r = net_socket_local4(s->ike_fd, &local4, &port);
	if (r < 0)
		return r;

	s->ike_watch = g_unix_fd_add(s->ike_fd, G_IO_IN, on_ike_readable, s);
	fill_ike_config(s, &cfg, local4, port);
	if (ike_check_config(&cfg, err, sizeof(err)) < 0) {
		session_fail(s, SESSION_REASON_CONFIG, 0, "invalid IPsec settings: %s", err);
		return 0;
	}

	s->ike = ike_new(&cfg, &ops, s);
	if (!s->ike)
		return -EINVAL;

	session_enter_phase(s, SESSION_PHASE_IKE_MAIN_MODE);
	return ike_start(s->ike, session_now());
}

usec_t session_ipsec_next_deadline(const struct session *s)
{
	usec_t d = s->ike ? ike_next_deadline(s->ike) : USEC_INFINITY;

	if (s->nat_keepalive && s->natt_fd >= 0)
		d = rv_usec_min(d, s->next_keepalive);
	return d;
}

void session_ipsec_tick(struct session *s, usec_t now)
{
	if (s->ike) {
		/* DPD: ESP that authenticated since the last tick proves the gateway alive */
		usec_t last_rx = s->last_esp_rx;
		bool seq_low;

		if (last_rx)
			ike_note_inbound_activity(s->ike, last_rx);
		lock_sas(s);
		seq_low = s->esp_out && esp_sa_seq_left(s->esp_out) < ESP_SEQ_REKEY_MARGIN;
		unlock_sas(s);
		if (seq_low)
			ike_rekey_child(s->ike, now);
		ike_tick(s->ike, now);
	}

	if (s->nat_keepalive && s->natt_fd >= 0 && now >= s->next_keepalive) {
		uint8_t ka[1];
		size_t len = esp_udpencap_keepalive(ka, sizeof(ka));

		/* RFC 3948 2.3: keep the NAT mapping alive; loss is harmless. */
		(void)send(s->natt_fd, ka, len, MSG_DONTWAIT);
		s->next_keepalive = now + NATT_KEEPALIVE_INTERVAL;
	}
}

void session_ipsec_watch_data(struct session *s, bool on)
{
	if (s->esp_udp_encap && s->natt_fd >= 0) {
		g_clear_handle_id(&s->natt_watch, g_source_remove);
		if (on)
			s->natt_watch = g_unix_fd_add(s->natt_fd, G_IO_IN, on_natt_readable, s);
		return;
	}

	if (s->esp_raw_fd >= 0) {
		g_clear_handle_id(&s->esp_raw_watch, g_source_remove);
		if (on)
			s->esp_raw_watch = g_unix_fd_add(s->esp_raw_fd, G_IO_IN, on_raw_esp_readable, s);
	}
}

void session_ipsec_close_sockets(struct session *s)
{
	g_clear_handle_id(&s->ike_watch, g_source_remove);
	g_clear_handle_id(&s->natt_watch, g_source_remove);
	g_clear_handle_id(&s->esp_raw_watch, g_source_remove);

	if (s->ike_fd >= 0)
		close(s->ike_fd);
	if (s->natt_fd >= 0)
		close(s->natt_fd);
	if (s->esp_raw_fd >= 0)
		close(s->esp_raw_fd);
	s->ike_fd = s->natt_fd = s->esp_raw_fd = -1;
	session_ipsec_free_sas(s);
}
