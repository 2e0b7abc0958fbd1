/*
 * The connection's phase machine over its parts (session-internal.h):
 * resolve -> [IKE Main Mode -> Quick Mode] -> L2TP tunnel -> L2TP call ->
 * PPP LCP -> PPP auth -> IPCP -> host network -> up, and the teardown in
 * reverse (undo network, LCP Terminate, CDN + StopCCN, IKE Delete). Layer
 * events only record what happened; the work runs from an idle callback
 * so no layer is ever re-entered or freed from inside its own callback.
 *
 * A lost connection that was up may reconnect (reconnect.c): the layers
 * are torn down as for a failure, but the TUN device and (for a while) its
 * addresses, routes and DNS stay; then, instead of finishing, the session
 * waits and starts again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "esp/esp.h"
#include "session-internal.h"
#include "util/log.h"

static void rearm_timer(struct session *s);

/* The data path ------------------------------------------------------ */

/* The one place that tells the data path what l2tp and ppp now allow. */
static void link_changed(struct session *s)
{
	struct datapath_link view;

	if (!s->dp)
		return;
	session_link_view(&s->link, s->core.phase == SESSION_PHASE_UP && s->host.tun.fd >= 0,
			  &view);
	datapath_set_link(s->dp, &view);
}

static void dp_control(void *user_data, enum datapath_control kind, const uint8_t *data,
		       size_t len, usec_t now)
{
	struct session *s = user_data;

	switch (kind) {
	case DATAPATH_CONTROL_L2TP:
		session_link_rx(&s->link, data, len, now);
		break;
	case DATAPATH_CONTROL_IKE:
		session_ipsec_rx_natt(&s->ipsec, data, len, now);
		break;
	}
	link_changed(s);
}

static int dp_encap_slow(void *user_data, struct pkt *p)
{
	struct session *s = user_data;

	return session_link_send_ip(&s->link, p);
}

static void dp_ran(void *user_data)
{
	struct session *s = user_data;

	rearm_timer(s);
}

static void dp_path_mtu(void *user_data, unsigned mtu)
{
	struct session *s = user_data;

	session_host_frag_needed(&s->host, mtu);
}

static int open_datapath(struct session *s)
{
	static const struct datapath_ops ops = {
		.control = dp_control,
		.encap_slow = dp_encap_slow,
		.ran = dp_ran,
		.path_mtu = dp_path_mtu,
	};
	struct session_sas *sas = s->core.profile->ipsec_enabled ? &s->ipsec.sas : NULL;

	s->dp = datapath_new(&s->core, sas, &s->host.tun, &ops, s);
	s->link.dp = s->dp;
	s->link.sas = sas;
	return s->dp ? 0 : -ENOMEM;
}

/* This attempt's data path, sockets and layers go; the TUN, the session and its counters stay. */
static void close_attempt(struct session *s)
{
	struct session_stats d;

	if (s->timer) {
		g_source_destroy(s->timer);
		g_clear_pointer(&s->timer, g_source_unref);
	}
	/* The data path first: it watches the TUN and the sockets the others close. */
	if (s->dp) {
		datapath_stop(s->dp);
		datapath_get_stats(s->dp, &d);
		s->stats.packets_in += d.packets_in;
		s->stats.bytes_in += d.bytes_in;
		s->stats.packets_out += d.packets_out;
		s->stats.bytes_out += d.bytes_out;
	}
	g_clear_pointer(&s->dp, datapath_free);
	session_watch_stop(&s->watch);
	session_pathprobe_stop(&s->pathprobe);
	session_ipsec_reset(&s->ipsec);
	session_link_reset(&s->link);
}

/* Up ------------------------------------------------------------------ */

/* The owner hears IPv6CP's interface identifiers (Connection.Ipv6Address). */
static void tell_ipv6_up(struct session *s)
{
	if (s->core.ops.ipv6_up)
		s->core.ops.ipv6_up(s->core.user_data, s->link.ipv6cp.local_iid,
				    s->link.ipv6cp.peer_iid);
}

static void log_connected(struct session *s, const struct net_config *cfg)
{
	const struct ppp_ipcp_info *ipcp = &s->link.ipcp;
	char local[INET_ADDRSTRLEN], peer[INET_ADDRSTRLEN] = "-";
	char dns[2 * INET_ADDRSTRLEN + 2] = "-";
	struct session_up_info info = {
		.local4 = cfg->local4,
		.peer4 = cfg->peer4,
		.mtu = cfg->mtu,
		.auth_method = ppp_auth_method_name(s->link.auth_method),
		.gateway4 = s->gateway4,
	};

	inet_ntop(AF_INET, &cfg->local4, local, sizeof(local));
	if (cfg->peer4)
		inet_ntop(AF_INET, &cfg->peer4, peer, sizeof(peer));

	for (size_t i = 0; i < 2 && ipcp->dns[i]; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &ipcp->dns[i], a, sizeof(a));
		snprintf(dns + (i ? strlen(dns) : 0), sizeof(dns) - (i ? strlen(dns) : 0), "%s%s",
			 i ? "," : "", a);
		info.dns[i] = ipcp->dns[i];
	}

	snprintf(info.ifname, sizeof(info.ifname), "%s", s->host.tun.name);
	rv_log_info("session", "connected: %s local %s peer %s mtu %u dns %s (%s)",
		    s->host.tun.name, local, peer, cfg->mtu, dns, info.auth_method);
	if (s->core.ops.up)
		s->core.ops.up(s->core.user_data, &info);
	/* IPv6CP opened before up: the owner hears of it now (later: ipv6_up()). */
	if (s->link.has_ipv6)
		tell_ipv6_up(s);
}

/* The network watch leaves out what is ours: the TUN's routes and the gateway pin. */
static void watch_tun(struct session *s)
{
	struct net_underlay pin;

	session_watch_set_tun(&s->watch, s->host.tun.ifindex,
			      session_host_pinned_gateway(&s->host, &pin) ? &pin : NULL);
}

/* IPCP is up: the TUN, the host's addresses, routes and DNS, then UP and the data path's thread. */
static void bring_up(struct session *s)
{
	const struct session_host_peer peer = {
		.ipcp = &s->link.ipcp,
		.ipv6cp = &s->link.ipv6cp,
		.has_ipv6 = s->link.has_ipv6,
		.mtu = s->link.mtu,
		.gateway4 = s->gateway4,
	};
	struct net_config cfg;
	int r;

	session_enter_phase(&s->core, SESSION_PHASE_NETCONFIG);
	r = session_host_open_tun(&s->host);
	if (r < 0) {
		session_fail(&s->core, SESSION_REASON_NETWORK_SETUP, 0,
			     "cannot create a TUN device: %s", strerror(-r));
		return;
	}
	datapath_tun_opened(s->dp);
	if (!s->host.configure_network)
		net_ipv6_leave_to_caller(s->host.tun.name);

	if (!session_host_apply(&s->host, &peer, &cfg))
		return;
	watch_tun(s);

	session_enter_phase(&s->core, SESSION_PHASE_UP);
	link_changed(s);
	datapath_start(s->dp);
	log_connected(s, &cfg);
	/* Then whether full-size packets really pass: a path may drop them silently. */
	s->link.pathprobe = &s->pathprobe;
	session_pathprobe_start(&s->pathprobe, session_now());
}

/* Teardown ------------------------------------------------------------ */

static void finish(struct session *s)
{
	if (session_reconnect_wanted(&s->reconnect, &s->core)) {
		session_reconnect_later(s);
		return;
	}
	close_attempt(s);
	session_resume_stop(&s->resume);
	session_host_undo(&s->host);
	session_host_close_tun(&s->host);
	session_host_kill_switch_release(&s->host);
	s->core.finished = true;

	/* The caller reports the failure line: it knows where the user reads it. */
	session_enter_phase(&s->core,
			    s->core.has_failure ? SESSION_PHASE_FAILED : SESSION_PHASE_DISCONNECTED);

	if (s->core.ops.finished)
		s->core.ops.finished(s->core.user_data, s->core.has_failure ? &s->core.failure : NULL);
}

/*
 * Teardown in reverse order of setup: the host network first (so no
 * traffic is routed into a dying tunnel), then LCP Terminate, then
 * CDN + StopCCN, then IKE Delete, each step bounded in time. On the way to
 * a reconnect the host network stays (applications see a pause: their
 * packets wait in the TUN's queue) and front ends see reconnect-wait, not
 * disconnecting; a restart (network change) does not wait for goodbyes
 * that the old path may no longer carry.
 */
static void teardown_step(struct session *s)
{
	usec_t now = session_now();
	bool reconnecting = session_reconnect_wanted(&s->reconnect, &s->core);
	bool peer_dead = s->reconnect.restart ||
			 (s->core.has_failure && s->core.failure.reason == SESSION_REASON_PEER_DEAD);
	enum session_phase phase = reconnecting ? SESSION_PHASE_RECONNECT_WAIT
						: SESSION_PHASE_DISCONNECTING;

	if (s->core.phase != phase && s->core.phase != SESSION_PHASE_FAILED)
		session_enter_phase(&s->core, phase);
	/* The goodbyes go through the l2tp, ppp and ike objects, on the main loop. */
	if (s->dp)
		datapath_stop(s->dp);
	if (!reconnecting)
		session_host_undo(&s->host);

	if (!session_link_teardown_step(&s->link, now, &s->step_deadline, peer_dead))
		return;
	if (session_ipsec_teardown_step(&s->ipsec, now, &s->step_deadline))
		finish(s);
}

/* The exact MTU ------------------------------------------------------- */

/* Before PPP asks for our MRU: the stack is negotiated down to L2TP's framing. */
static void measure_mtu(struct session *s)
{
	struct esp_framing esp;
	struct session_mtu_stack st = {
		.esp = s->link.sas && session_sas_outbound_framing(&s->ipsec.sas, &esp),
		.udp_encap = s->ipsec.esp_udp_encap,
		.l2tp_sequenced = session_link_data_sequenced(&s->link),
	};

	if (st.esp) {
		st.esp_iv_len = esp.iv_len;
		st.esp_align = esp.align;
		st.esp_icv_len = esp.icv_len;
	}
	s->link.stack_mru = session_host_measure_mtu(&s->host, s->gateway4, &st);
}

/* The phase machine --------------------------------------------------- */

/* IPv6CP opened after up: the link-local address on the TUN (when we configure it). */
static void ipv6_up(struct session *s)
{
	session_host_add_ipv6(&s->host, s->link.ipv6cp.local_iid);
	tell_ipv6_up(s);
}

static gboolean advance(gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	s->core.advance_idle = 0;
	if (s->core.finished)
		return G_SOURCE_REMOVE;

	if (s->core.want_teardown) {
		teardown_step(s);
		if (!s->core.finished) {
			link_changed(s);
			rearm_timer(s);
		}
		return G_SOURCE_REMOVE;
	}

	if (session_ipsec_take_child_ready(&s->ipsec) && session_link_start(&s->link) < 0)
		session_fail(&s->core, SESSION_REASON_INTERNAL, 0, "cannot start L2TP");
	if (session_link_wants_ppp(&s->link))
		measure_mtu(s);
	session_link_advance(&s->link);
	if (session_link_take_netconfig(&s->link))
		bring_up(s);
	if (session_link_take_ipv6(&s->link))
		ipv6_up(s);

	link_changed(s);
	rearm_timer(s);
	return G_SOURCE_REMOVE;
}

/* Timers ------------------------------------------------------------- */

static usec_t next_deadline(const struct session *s)
{
	usec_t d = session_link_next_deadline(&s->link);

	if (s->core.phase == SESSION_PHASE_UP)
		d = rv_usec_min(d, session_pathprobe_next_deadline(&s->pathprobe));

	if (s->core.want_teardown && s->step_deadline)
		d = rv_usec_min(d, s->step_deadline);
	return rv_usec_min(d, session_ipsec_next_deadline(&s->ipsec));
}

static void on_tick(struct session *s)
{
	usec_t now = session_now(), activity;

	/* PPP data the data path delivered itself: the LCP echo need not probe. */
	if (s->dp && datapath_take_ppp_activity(s->dp, &activity))
		session_link_note_activity(&s->link, activity);
	session_link_tick(&s->link, now);
	if (s->core.phase == SESSION_PHASE_UP)
		session_pathprobe_tick(&s->pathprobe, now);
	session_ipsec_tick(&s->ipsec, now);
	if (s->core.want_teardown && s->step_deadline && now >= s->step_deadline)
		session_schedule(&s->core);
	link_changed(s);
}

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

	on_tick(s);
	rearm_timer(s);
	return G_SOURCE_CONTINUE;
}

/* One timer per session, at the earliest deadline of its layers. */
static void rearm_timer(struct session *s)
{
	usec_t d;

	if (!s->timer) {
		s->timer = g_source_new(&timer_funcs, sizeof(GSource));
		g_source_set_callback(s->timer, on_timer, s, NULL);
		g_source_attach(s->timer, NULL);
	}

	d = next_deadline(s);
	g_source_set_ready_time(s->timer, d == USEC_INFINITY ? -1 : (gint64)d);
}

/* Start and reconnect -------------------------------------------------- */

/* Our address on the underlay, as the attempt's first socket got it; 0 if unknown. */
static uint32_t underlay_local4(const struct session *s)
{
	int fd = s->core.profile->ipsec_enabled ? s->ipsec.ike_fd : s->link.udp_fd;
	uint32_t local4 = 0;

	if (fd >= 0 && net_socket_local4(fd, &local4, NULL) < 0)
		local4 = 0;
	return local4;
}

static void watch_network(struct session *s, uint32_t local4)
{
	struct net_underlay pin;

	session_watch_start(&s->watch, s->last_gateway4, local4,
			    s->host.tun.fd >= 0 ? s->host.tun.ifindex : 0,
			    session_host_pinned_gateway(&s->host, &pin) ? &pin : NULL);
}

static gboolean on_backoff_done(gpointer user_data);

/* The path to the gateway is as it was: the pin may still have gone with an address. */
static void on_network_settled(struct session *s)
{
	session_host_follow_gateway(&s->host);
}

/* Waiting to reconnect, something says now is a good time (a new network, a wake-up). */
static void retry_now(struct session *s, const char *why)
{
	if (s->core.phase != SESSION_PHASE_RECONNECT_WAIT || !s->reconnect.source)
		return;
	rv_log_info("session", "retrying now: %s", why);
	s->reconnect.restart = true;
	session_reconnect_arm(&s->reconnect, on_backoff_done, s);
}

/*
 * The network under the tunnel changed (watch.c): the pin follows, then a
 * new attempt at once, or the back-off is cut short.
 */
static void on_network_changed(struct session *s, const char *cause)
{
	session_host_follow_gateway(&s->host);
	if (s->core.phase == SESSION_PHASE_RECONNECT_WAIT)
		retry_now(s, cause);
	else
		session_restart(s, cause);
}

/* The gateway's address is known: IKE, or L2TP in clear. */
static void start_attempt(struct session *s)
{
	int r;

	if (!session_host_kill_switch_hold(&s->host, s->gateway4))
		return;
	s->last_gateway4 = s->gateway4;
	/* Held from before a reconnect: the pin may still name a path that is gone. */
	session_host_follow_gateway(&s->host);
	r = open_datapath(s);

	if (r < 0) {
		session_fail(&s->core, SESSION_REASON_INTERNAL, 0, "out of memory");
		return;
	}

	if (s->core.profile->ipsec_enabled) {
		r = session_ipsec_start(&s->ipsec, s->dp, s->gateway4);
		if (r < 0)
			session_fail(&s->core, SESSION_REASON_INTERNAL, 0,
				     "cannot start IKE with %s: %s", s->core.gateway_text, strerror(-r));
		else
			watch_network(s, underlay_local4(s));
		rearm_timer(s);
		return;
	}

	r = session_link_open_udp(&s->link, s->gateway4);
	if (r < 0) {
		session_fail(&s->core, SESSION_REASON_INTERNAL, 0,
			     "cannot open a UDP socket to %s: %s", s->core.gateway_text, strerror(-r));
		return;
	}

	if (session_link_start(&s->link) < 0)
		session_fail(&s->core, SESSION_REASON_INTERNAL, 0, "cannot start L2TP");
	watch_network(s, underlay_local4(s));
	rearm_timer(s);
}

static void on_resolved(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);
	g_autoptr(GError) error = NULL;
	GList *addrs = g_resolver_lookup_by_name_finish(G_RESOLVER(source), res, &error);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;

	for (GList *l = addrs; l; l = l->next) {
		GInetAddress *a = l->data;

		if (g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4) {
			memcpy(&s->gateway4, g_inet_address_to_bytes(a), 4);
			break;
		}
	}
	g_resolver_free_addresses(addrs);

	/* The kill switch held since the last attempt lets no DNS out: the address it had. */
	if (!s->gateway4 && s->host.kill_switch_gateway4) {
		s->gateway4 = s->host.kill_switch_gateway4;
		rv_log_info("session", "cannot resolve '%s' behind the kill switch (%s): "
			    "using the address it had", s->core.profile->gateway,
			    error ? error->message : "no IPv4 address");
	}

	if (!s->gateway4) {
		session_fail(&s->core, SESSION_REASON_RESOLVE_FAILED, 0, "cannot resolve '%s': %s",
			     s->core.profile->gateway, error ? error->message : "no IPv4 address");
		return;
	}

	inet_ntop(AF_INET, &s->gateway4, s->core.gateway_text, sizeof(s->core.gateway_text));
	start_attempt(s);
}

static void resolve(struct session *s)
{
	g_autoptr(GResolver) resolver = g_resolver_get_default();

	session_enter_phase(&s->core, SESSION_PHASE_RESOLVING);
	g_resolver_lookup_by_name_async(resolver, s->core.profile->gateway, s->cancel, on_resolved, s);
}

static gboolean on_backoff_done(gpointer user_data)
{
	struct session *s = user_data;
	SESSION_SCOPE(s);

	s->reconnect.source = 0;
	rv_log_info("session", "reconnecting to %s (attempt %u)", s->core.profile->gateway,
		    s->reconnect.reconnects);
	/*
	 * While the tunnel's routes and DNS are held, a name lookup would go
	 * into the dead tunnel: the gateway's address is the one they were made for.
	 */
	if (s->gateway4) {
		session_enter_phase(&s->core, SESSION_PHASE_RESOLVING);
		rv_log_info("session", "using %s, the gateway's address before the loss",
			    s->core.gateway_text);
		start_attempt(s);
	} else {
		resolve(s);
	}
	return G_SOURCE_REMOVE;
}

/* What the host keeps while reconnecting: all of it for a while, then only the TUN device. */
static void hold_host(struct session *s, usec_t now)
{
	session_reconnect_note_loss(&s->reconnect, now);
	if (session_host_holds_config(&s->host) &&
	    session_reconnect_hold_expired(&s->reconnect, now)) {
		rv_log_warning("session", "not back within %u s: releasing %s's addresses, routes "
			       "and DNS until it is", (unsigned)(SESSION_RECONNECT_HOLD / USEC_PER_SEC),
			       s->host.tun.name);
		session_host_undo(&s->host);
	}
	if (s->host.tun.fd >= 0)
		rv_log_info("session", "keeping %s%s while reconnecting", s->host.tun.name,
			    session_host_holds_config(&s->host) ?
				    " and its addresses, routes and DNS" : "");
	if (!session_host_holds_config(&s->host))
		s->gateway4 = 0;
}

void session_reconnect_later(struct session *s)
{
	char why[320];

	if (s->reconnect.restart)
		rv_log_warning("session", "reconnecting now: %s", s->restart_cause);
	else {
		session_failure_message(&s->core.failure, why, sizeof(why));
		rv_log_warning("session", "connection lost: %s; reconnecting in %u s", why,
			       session_reconnect_next_delay(&s->reconnect));
	}
	/* Everything the attempt left behind goes, but what outlives it (TUN, counters, back-off). */
	close_attempt(s);
	session_core_reset(&s->core);
	s->step_deadline = 0;
	hold_host(s, session_now());
	session_enter_phase(&s->core, SESSION_PHASE_RECONNECT_WAIT);
	session_reconnect_arm(&s->reconnect, on_backoff_done, s);
	/* A network that changes meanwhile (one comes back, another appears) cuts the wait short. */
	if (s->last_gateway4)
		watch_network(s, 0);
}

/* Connecting past resolve, or up: there are layers on the old path to replace. */
static bool restartable(enum session_phase phase)
{
	switch (phase) {
	case SESSION_PHASE_IKE_MAIN_MODE:
	case SESSION_PHASE_IKE_QUICK_MODE:
	case SESSION_PHASE_L2TP_TUNNEL:
	case SESSION_PHASE_L2TP_CALL:
	case SESSION_PHASE_PPP_LCP:
	case SESSION_PHASE_PPP_AUTH:
	case SESSION_PHASE_PPP_NETWORK:
	case SESSION_PHASE_NETCONFIG:
	case SESSION_PHASE_UP:
		return true;
	case SESSION_PHASE_IDLE:
	case SESSION_PHASE_RESOLVING:
	case SESSION_PHASE_DISCONNECTING:
	case SESSION_PHASE_DISCONNECTED:
	case SESSION_PHASE_FAILED:
	case SESSION_PHASE_RECONNECT_WAIT:
		return false;
	}
	return false;
}

void session_restart(struct session *s, const char *cause)
{
	if (!restartable(s->core.phase) || s->core.stop_requested || s->core.want_teardown ||
	    !s->core.profile->reconnect)
		return;
	g_strlcpy(s->restart_cause, cause, sizeof(s->restart_cause));
	s->reconnect.restart = true;
	s->core.want_teardown = true;
	session_schedule(&s->core);
}

/* Resume ------------------------------------------------------------- */

/*
 * The machine woke up (resume.c): up, the gateway is checked at once (LCP
 * echoes; unanswered, the link fails as dead and reconnects) and the path
 * MTU searched again; waiting to reconnect, the wait is cut short.
 * Connecting, the layers' own retransmissions are short already.
 */
static void on_resumed(struct session *s, const char *how)
{
	rv_log_info("session", "resumed (%s)%s", how,
		    s->core.phase == SESSION_PHASE_UP ? ": checking the gateway at once" : "");
	if (s->core.phase == SESSION_PHASE_UP) {
		session_link_probe(&s->link, session_now());
		/* Awake on another network the same address may reach: its path may be narrower. */
		session_pathprobe_start(&s->pathprobe, session_now());
		rearm_timer(s);
	} else {
		retry_now(s, how);
	}
}

/* Public ------------------------------------------------------------- */

static void on_phase_entered(struct session *s, enum session_phase phase)
{
	session_reconnect_note_phase(&s->reconnect, phase);
}

void session_start(struct session *s)
{
	SESSION_SCOPE(s);

	s->cancel = g_cancellable_new();
	session_resume_start(&s->resume);
	resolve(s);
}

void session_stop(struct session *s)
{
	SESSION_SCOPE(s);

	if (s->core.finished || s->core.stop_requested)
		return;

	rv_log_info("session", "disconnecting");
	s->core.stop_requested = true;
	session_reconnect_cancel(&s->reconnect);
	g_cancellable_cancel(s->cancel);
	s->core.want_teardown = true;
	session_schedule(&s->core);
}

struct session *session_new(const struct session_config *cfg, const struct session_ops *ops,
			    void *user_data)
{
	struct session *s = g_new0(struct session, 1);

	s->core = (struct session_core){
		.profile = cfg->profile,
		.ops = *ops,
		.user_data = user_data,
		.owner = s,
		.advance = advance,
		.phase_entered = on_phase_entered,
		.phase = SESSION_PHASE_IDLE,
	};
	session_link_init(&s->link, &s->core);
	session_suites_init(&s->suites, cfg->suite_file);
	session_ipsec_init(&s->ipsec, &s->core, &s->suites);
	session_host_init(&s->host, &s->core, cfg->configure_network);
	session_pathprobe_init(&s->pathprobe, &s->link, &s->host, cfg->probe_path);
	session_watch_init(&s->watch, &s->core, on_network_changed, on_network_settled);
	session_resume_init(&s->resume, &s->core, on_resumed);
	return s;
}

void session_free(struct session *s)
{
	SESSION_SCOPE(s);

	if (!s)
		return;

	if (s->cancel)
		g_cancellable_cancel(s->cancel);
	g_clear_object(&s->cancel);
	if (s->core.advance_idle)
		g_source_remove(s->core.advance_idle);
	session_reconnect_cancel(&s->reconnect);
	session_resume_stop(&s->resume);
	session_host_undo(&s->host);
	close_attempt(s);
	session_host_close_tun(&s->host);
	session_host_kill_switch_release(&s->host);
	session_ipsec_destroy(&s->ipsec);
	session_suites_destroy(&s->suites);
	g_free(s);
}

enum session_phase session_get_phase(const struct session *s)
{
	return s->core.phase;
}

const struct session_failure *session_get_failure(const struct session *s)
{
	return s->core.has_failure ? &s->core.failure : NULL;
}

void session_get_stats(const struct session *s, struct session_stats *ret)
{
	struct session_stats d = { 0 };

	if (s->dp)
		datapath_get_stats(s->dp, &d);
	*ret = s->stats;
	ret->packets_in += d.packets_in;
	ret->bytes_in += d.bytes_in;
	ret->packets_out += d.packets_out;
	ret->bytes_out += d.bytes_out;
}
