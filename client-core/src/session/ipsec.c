/*
 * IPsec under L2TP (RFC 3193): IKEv1 negotiates an ESP transport-mode SA
 * pair for UDP/1701, then every L2TP datagram travels as ESP, either raw
 * (IP protocol 50) or inside UDP/4500 when a NAT was detected or the
 * profile forces encapsulation. L2TP and PPP are unchanged: the data path
 * seals and opens their datagrams with the SAs kept here (sas.c).
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
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"
#include "dataplane/dataplane.h"
#include "datapath.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "ipsec.h"
#include "net/net.h"
#include "util/log.h"

#define IKE_PORT 500
#define NATT_PORT 4500
#define NATT_KEEPALIVE_INTERVAL (20 * USEC_PER_SEC)
/* Sequence numbers left when we rekey rather than run out (RFC 4303 §3.3.3). */
#define ESP_SEQ_REKEY_MARGIN (1u << 28)
#define IKE_RX_BATCH 32

void session_ipsec_init(struct session_ipsec *ip, struct session_core *core,
			struct session_suites *suites)
{
	*ip = (struct session_ipsec){ .core = core, .suites = suites, .ike_fd = -1, .natt_fd = -1,
				      .esp_raw_fd = -1 };
	session_sas_init(&ip->sas);
}

void session_ipsec_destroy(struct session_ipsec *ip)
{
	session_ipsec_reset(ip);
	session_sas_destroy(&ip->sas);
}

void session_ipsec_reset(struct session_ipsec *ip)
{
	g_clear_handle_id(&ip->ike_watch, g_source_remove);
	g_clear_handle_id(&ip->natt_watch, g_source_remove);
	if (ip->ike_fd >= 0)
		close(ip->ike_fd);
	if (ip->natt_fd >= 0)
		close(ip->natt_fd);
	if (ip->esp_raw_fd >= 0)
		close(ip->esp_raw_fd);
	ip->ike_fd = ip->natt_fd = ip->esp_raw_fd = -1;
	session_sas_free_all(&ip->sas);
	ike_free(ip->ike);
	ip->ike = NULL;
	g_clear_pointer(&ip->rx_bufs, g_free);
	ip->dp = NULL;
	ip->gateway4 = 0;
	ip->esp_udp_encap = ip->nat_keepalive = false;
	ip->next_keepalive = 0;
	ip->child_ready = ip->closing = ip->done = ip->failed = false;
	ip->saw_port_unreachable = false;
	session_refusal_reset(&ip->refusal);
	ip->sent_mark = 0;
}

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

/* Receiving IKE -------------------------------------------------------- */

/* One batch from UDP/500, or from UDP/4500 while ESP goes raw; the rest comes from the data path. */
static void read_ike(struct session_ipsec *ip, int fd, bool natt)
{
	struct pkt *pkts[IKE_RX_BATCH];
	usec_t now = session_now();
	int n;

	for (size_t i = 0; i < IKE_RX_BATCH; i++)
		pkts[i] = pkt_buf_reset(&ip->rx_bufs[i]);

	n = net_udp_recv_batch(fd, pkts, IKE_RX_BATCH);
	if (n == -ECONNREFUSED)
		ip->saw_port_unreachable = true;
	if (n > 0)
		ip->core->evidence.ike_rx += (unsigned int)n;
	if (n > 0 && !natt)
		session_refusal_note_answer(&ip->refusal);

	for (int i = 0; i < n && ip->ike; i++) {
		const struct pkt *p = pkts[i];

		if (!natt && p->len)
			ike_rx(ip->ike, p->data, p->len, false, now);
		else if (natt && esp_udpencap_classify(p->data, p->len) == ESP_UDPENCAP_IKE)
			session_ipsec_rx_natt(ip, p->data + ESP_NON_ESP_MARKER_LEN,
					      p->len - ESP_NON_ESP_MARKER_LEN, now);
	}
}

/* Fail phase 1 as refused once the ICMP errors so far decide it (refusal.c says when). */
static void check_refusal(struct session_ipsec *ip, usec_t now)
{
	char what[128];

	if (ip->failed || !session_refusal_decided(&ip->refusal, now))
		return;
	ip->failed = true;
	ip->core->evidence.ike_port_unreachable = ip->refusal.kind == NET_UNREACH_PORT;
	session_refusal_describe(&ip->refusal, IKE_PORT, what, sizeof(what));
	session_fail(ip->core, SESSION_REASON_GATEWAY_REFUSED, 0, "the gateway refused IKE: %s",
		     what);
}

/* ICMP errors queued on UDP/500 (IP_RECVERR): drained, so poll() stops reporting them. */
static void take_ike_errors(struct session_ipsec *ip, int fd, usec_t now)
{
	struct net_sock_errors errs;

	net_socket_take_errors(fd, &errs);
	if (errs.unreach == NET_UNREACH_PORT)
		ip->saw_port_unreachable = true;
	session_refusal_note(&ip->refusal, errs.unreach, errs.n_unreach, now);
	check_refusal(ip, now);
}

static gboolean on_ike_readable(gint fd, GIOCondition cond, gpointer user_data)
{
	struct session_ipsec *ip = user_data;
	bool natt = fd == ip->natt_fd;
	SESSION_SCOPE(ip->core->owner);

	if ((cond & G_IO_ERR) && !natt)
		take_ike_errors(ip, fd, session_now());
	read_ike(ip, fd, natt);
	session_schedule(ip->core);
	return G_SOURCE_CONTINUE;
}

void session_ipsec_rx_natt(struct session_ipsec *ip, const uint8_t *data, size_t len, usec_t now)
{
	if (ip->ike)
		ike_rx(ip->ike, data, len, true, now);
}

/* Sockets -------------------------------------------------------------- */

/* UDP/4500 carries IKE from the float on, and ESP too once the SA says so: the data path reads it. */
static int open_natt(struct session_ipsec *ip)
{
	uint16_t port = NATT_PORT;
	int r;

	if (ip->natt_fd >= 0)
		return 0;

	r = net_udp_open(ip->gateway4, NATT_PORT, &port, &ip->natt_fd);
	if (r < 0)
		return r;

	datapath_set_socket(ip->dp, ip->natt_fd, DATAPATH_SOCKET_ESP_UDP);
	return 0;
}

static int ike_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct session_ipsec *ip = user_data;
	uint8_t buf[4096];

	if (!natt)
		return send(ip->ike_fd, data, len, MSG_DONTWAIT) < 0 ? -errno : 0;

	if (open_natt(ip) < 0 || len > sizeof(buf) - ESP_NON_ESP_MARKER_LEN)
		return -EIO;

	/* RFC 3948 2.2: IKE on port 4500 carries a zero non-ESP marker. */
	memset(buf, 0, ESP_NON_ESP_MARKER_LEN);
	memcpy(buf + ESP_NON_ESP_MARKER_LEN, data, len);
	return send(ip->natt_fd, buf, len + ESP_NON_ESP_MARKER_LEN, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* Where ESP goes: UDP/4500, or a raw socket (then UDP/4500, if open, still brings IKE). */
static int choose_data_path(struct session_ipsec *ip, const struct ike_child_sa *c)
{
	int r;

	ip->esp_udp_encap = c->udp_encap;
	if (c->udp_encap)
		return open_natt(ip);

	if (ip->esp_raw_fd < 0) {
		r = net_esp_raw_open(ip->gateway4, &ip->esp_raw_fd);
		if (r < 0)
			return r;
	}

	datapath_set_socket(ip->dp, ip->esp_raw_fd, DATAPATH_SOCKET_ESP_RAW);
	if (ip->natt_fd >= 0 && !ip->natt_watch)
		ip->natt_watch = g_unix_fd_add(ip->natt_fd, G_IO_IN, on_ike_readable, ip);
	return 0;
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

/* What the automatic proposals found goes first next time (suites.h). */
static void remember_suites(struct session_ipsec *ip, const struct ike_child_sa *c)
{
	const struct profile *p = ip->core->profile;

	if (!p->ike_proposals || !p->esp_proposals)
		session_suites_note(ip->suites, p->gateway, c->suite_ike, c->suite_esp);
}

static void note_child(struct session_evidence *ev, const struct ike_child_sa *c)
{
	ev->child_up = true;
	ev->udp_encap = c->udp_encap;
	snprintf(ev->esp_suite, sizeof(ev->esp_suite), "%s", c->description);
}

static void on_child_up(struct session_ipsec *ip, const struct ike_child_sa *c)
{
	struct esp_sa *in = new_sa(c, true), *out = new_sa(c, false);
	bool first = !session_sas_has_outbound(&ip->sas);

	if (!in || !out) {
		esp_sa_free(in);
		esp_sa_free(out);
		session_fail(ip->core, SESSION_REASON_INTERNAL, 0, "cannot set up the ESP SA (%s)",
			     c->description);
		return;
	}

	session_sas_add_inbound(&ip->sas, in);
	rv_log_info("session", "IPsec SA up: %s, %s%s", c->description,
		    c->udp_encap ? "ESP in UDP/4500" : "ESP (IP protocol 50)",
		    c->by_peer ? " (started by the gateway)" : "");

	/* A rekey: send on the new SA now; IKE deletes the old one after a grace period. */
	if (!first && c->replaces_spi_in) {
		rv_log_info("session", "IPsec SA rekeyed: now sending on SPI %08x (was %08x)",
			    c->spi_out, session_sas_outbound_spi(&ip->sas));
		session_sas_replace_outbound(&ip->sas, out);
		return;
	}

	/* The gateway's own Quick Mode: accept its SA inbound, keep sending on ours. */
	if (!first) {
		session_sas_set_spare(&ip->sas, out);
		return;
	}

	session_sas_replace_outbound(&ip->sas, out);
	remember_suites(ip, c);
	note_child(&ip->core->evidence, c);
	if (choose_data_path(ip, c) < 0) {
		session_fail(ip->core, SESSION_REASON_INTERNAL, 0, "cannot open the ESP socket: %s",
			     strerror(errno));
		return;
	}

	ip->child_ready = true;
}

static void on_child_deleted(struct session_ipsec *ip, const struct ike_child_sa *c)
{
	if (session_sas_delete_pair(&ip->sas, c->spi_in, c->spi_out)) {
		ip->core->evidence.sa_deleted = true;
		session_fail(ip->core, SESSION_REASON_PEER_CLOSED, 0,
			     "the gateway deleted the IPsec SA (SPI %08x)", c->spi_out);
	}
}

static void note_failure(struct session_evidence *ev, const struct ike *ike,
			 const struct ike_event_info *info, bool unreachable)
{
	ev->ike_failure = (int)info->failure;
	ev->ike_failure_phase = info->phase;
	ev->ike_port_unreachable = unreachable;
	ev->legacy_only = ike_refused_legacy(ike);
	/* The suite the gateway chose, also when phase 1 failed after its choice. */
	if (!ev->ike_suite[0] && ike && !ev->legacy_only)
		snprintf(ev->ike_suite, sizeof(ev->ike_suite), "%s", ike_phase1_description(ike));
}

static void on_ike_failed(struct session_ipsec *ip, const struct ike_event_info *info)
{
	bool unreachable = ip->saw_port_unreachable ||
			   (ip->dp && datapath_saw_port_unreachable(ip->dp));

	ip->failed = true;
	note_failure(&ip->core->evidence, ip->ike, info, unreachable);
	/* ICMP port unreachable: nothing there speaks IKE, the host itself is up. */
	session_fail(ip->core, ike_failure_reason(info->failure), info->notify_type, "%s%s",
		     info->message,
		     info->failure == IKE_FAILURE_TIMEOUT && unreachable ?
			     "; it answered ICMP port unreachable: no IKE service listens there" :
			     "");
}

static void on_ike_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct session_ipsec *ip = user_data;

	switch (ev) {
	case IKE_EVENT_PHASE1_UP:
		rv_log_info("session", "IKE phase 1 up: %s", ike_phase1_description(ip->ike));
		ip->core->evidence.phase1_up = true;
		snprintf(ip->core->evidence.ike_suite, sizeof(ip->core->evidence.ike_suite), "%s",
			 ike_phase1_description(ip->ike));
		session_enter_phase(ip->core, SESSION_PHASE_IKE_QUICK_MODE);
		return;
	case IKE_EVENT_FLOAT_TO_NATT:
		ip->nat_keepalive = info->nat_local;
		ip->core->evidence.nat_local = info->nat_local;
		ip->core->evidence.nat_remote = info->nat_remote;
		ip->next_keepalive = session_now() + NATT_KEEPALIVE_INTERVAL;
		rv_log_info("session", "NAT detected%s%s: switching to UDP/4500",
			    info->nat_local ? " in front of us" : "",
			    info->nat_remote ? " in front of the gateway" : "");
		if (open_natt(ip) < 0)
			session_fail(ip->core, SESSION_REASON_INTERNAL, 0, "cannot open UDP/4500");
		return;
	case IKE_EVENT_CHILD_UP:
		on_child_up(ip, &info->child);
		break;
	case IKE_EVENT_CHILD_DELETED:
		rv_log_info("session", "%s", info->message);
		on_child_deleted(ip, &info->child);
		return;
	case IKE_EVENT_FAILED:
		on_ike_failed(ip, info);
		return;
	case IKE_EVENT_CLOSED:
		ip->done = true;
		break;
	}

	session_schedule(ip->core);
}

/* Start, timers, close ------------------------------------------------- */

static void fill_ike_config(struct session_ipsec *ip, struct ike_config *cfg, uint32_t local4,
			    uint16_t local_port)
{
	const struct profile *p = ip->core->profile;

	*cfg = (struct ike_config){
		.local_addr = local4,
		.remote_addr = ip->gateway4,
		.local_port = local_port,
		.remote_port = IKE_PORT,
		.psk = p->psk,
		.aggressive = p->ipsec_mode && !strcmp(p->ipsec_mode, "aggressive"),
		.local_id = p->local_id,
		.ike_proposals = p->ike_proposals,
		.esp_proposals = p->esp_proposals,
		.pfs = p->pfs,
		.allow_legacy = p->allow_legacy,
		.preferred_ike = session_suites_ike(ip->suites, p->gateway),
		.preferred_esp = session_suites_esp(ip->suites, p->gateway),
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

int session_ipsec_start(struct session_ipsec *ip, struct session_datapath *dp, uint32_t gateway4)
{
	static const struct ike_ops ops = { .tx = ike_tx, .event = on_ike_event };
	struct ike_config cfg;
	uint16_t port = IKE_PORT;
	uint32_t local4 = 0;
	char err[160];
	int r;

	ip->dp = dp;
	ip->gateway4 = gateway4;
	if (!ip->rx_bufs)
		ip->rx_bufs = g_new(struct pkt_buf, IKE_RX_BATCH);

	/* Port 500 may belong to a system charon or pluto: then any port will do. */
	r = net_udp_open(gateway4, IKE_PORT, &port, &ip->ike_fd);
	if (!r)
		r = net_socket_local4(ip->ike_fd, &local4, &port);
	if (r < 0)
		return r;

	/* Best effort: without it a refusal is only told from silence after IKE's timeout. */
	if (net_socket_recverr(ip->ike_fd, true) < 0)
		rv_log_debug("session", "no IP_RECVERR on the IKE socket: %s", strerror(errno));
	ip->ike_watch = g_unix_fd_add(ip->ike_fd, G_IO_IN | G_IO_ERR, on_ike_readable, ip);
	fill_ike_config(ip, &cfg, local4, port);
	if (ike_check_config(&cfg, err, sizeof(err)) < 0) {
		session_fail(ip->core, SESSION_REASON_CONFIG, 0, "invalid IPsec settings: %s", err);
		return 0;
	}

	ip->ike = ike_new(&cfg, &ops, ip);
	if (!ip->ike)
		return -EINVAL;

	session_enter_phase(ip->core, SESSION_PHASE_IKE_MAIN_MODE);
	return ike_start(ip->ike, session_now());
}

bool session_ipsec_take_child_ready(struct session_ipsec *ip)
{
	bool ready = ip->child_ready;

	ip->child_ready = false;
	return ready;
}

usec_t session_ipsec_next_deadline(const struct session_ipsec *ip)
{
	usec_t d = ip->ike ? ike_next_deadline(ip->ike) : USEC_INFINITY;

	if (!ip->failed)
		d = rv_usec_min(d, session_refusal_deadline(&ip->refusal));

	if (ip->nat_keepalive && ip->natt_fd >= 0)
		d = rv_usec_min(d, ip->next_keepalive);
	return d;
}

void session_ipsec_tick(struct session_ipsec *ip, usec_t now)
{
	check_refusal(ip, now);
	if (ip->ike) {
		/* DPD: ESP that authenticated since the last tick proves the gateway alive */
		usec_t last_rx = atomic_load(&ip->sas.last_rx);

		if (last_rx)
			ike_note_inbound_activity(ip->ike, last_rx);
		if (session_sas_sent_since(&ip->sas, &ip->sent_mark))
			ike_note_outbound_activity(ip->ike, now);
		if (session_sas_seq_low(&ip->sas, ESP_SEQ_REKEY_MARGIN))
			ike_rekey_child(ip->ike, now);
		ike_tick(ip->ike, now);
	}

	if (ip->nat_keepalive && ip->natt_fd >= 0 && now >= ip->next_keepalive) {
		uint8_t ka[1];
		size_t len = esp_udpencap_keepalive(ka, sizeof(ka));

		/* RFC 3948 2.3: keep the NAT mapping alive; loss is harmless. */
		(void)send(ip->natt_fd, ka, len, MSG_DONTWAIT);
		ip->next_keepalive = now + NATT_KEEPALIVE_INTERVAL;
	}
}

bool session_ipsec_teardown_step(struct session_ipsec *ip, usec_t now, usec_t *deadline)
{
	if (ip->ike && !ip->done && !ip->closing) {
		ip->closing = true;
		*deadline = now + SESSION_TEARDOWN_STEP_TIMEOUT;
		ike_close(ip->ike, now);
		return false;
	}

	return !ip->ike || ip->done || now >= *deadline;
}
