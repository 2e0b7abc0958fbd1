/*
 * From IPCP's answer to the host (see host.h): open the TUN device, then
 * hand the addresses, routes and DNS to net/, which records what it did so
 * the undo removes exactly that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core.h"
#include "host.h"
#include "util/log.h"

void session_host_init(struct session_host *h, struct session_core *core, bool configure_network)
{
	*h = (struct session_host){ .core = core, .configure_network = configure_network };
	h->tun.fd = -1;
}

int session_host_open_tun(struct session_host *h)
{
	const struct profile *p = h->core->profile;
	const char *hint = p->interface_name ? p->interface_name : "rvpn%d";
	const char *env = getenv("ROADVPN_TUN_OFFLOAD");
	int r = -EOPNOTSUPP;

	/* Kept across reconnects: applications bound to it see a pause, not a new device. */
	if (h->tun.fd >= 0)
		return 0;
	if (!env || strcmp(env, "0"))
		r = net_tun_open_offload(hint, &h->tun);
	if (r < 0)
		r = net_tun_open(hint, &h->tun);
	return r;
}

void session_host_close_tun(struct session_host *h)
{
	if (h->tun.fd >= 0)
		net_tun_close(&h->tun);
	h->tun.fd = -1;
}

/* The exact MTU ----------------------------------------------------------- */

#define OUTER_IPV4_HDR 20
#define OUTER_IPV6_HDR 40
#define UDP_HDR 8         /* NAT-T's outer one, and the L2TP datagram's own */
#define ESP_SPI_SEQ 8
#define ESP_TRAILER 2     /* pad length, next header */
#define L2TP_DATA_HDR 6   /* flags/version, tunnel id, session id */
/*
 * We never send L (length), but gateways do (SoftEther, xl2tpd): their
 * answers to a full-size packet are 2 bytes longer than it, so the MTU
 * leaves room for it; without, a reply across a block boundary black-holes.
 */
#define L2TP_PEER_LENGTH 2
#define L2TP_NS_NR 4
#define PPP_HDR 4         /* ff 03 and a two-octet protocol: we send neither ACFC nor PFC */
#define IPV4_MIN_MTU 68

/* What ESP may carry (payload + padding + trailer) once its fixed parts are out. */
static size_t esp_room(const struct session_mtu_stack *st, size_t room)
{
	size_t fixed = (st->udp_encap ? UDP_HDR : 0) + ESP_SPI_SEQ + st->esp_iv_len +
		       st->esp_icv_len;
	size_t align = st->esp_align ? st->esp_align : 4;

	if (room < fixed + ESP_TRAILER)
		return 0;
	room -= fixed;
	room -= room % align;
	return room - ESP_TRAILER;
}

uint16_t session_mtu_of_stack(const struct session_mtu_stack *st)
{
	size_t room = st->path_mtu ? st->path_mtu : 1500;
	size_t inner = UDP_HDR + L2TP_DATA_HDR + L2TP_PEER_LENGTH +
		       (st->l2tp_sequenced ? L2TP_NS_NR : 0) + PPP_HDR;
	size_t outer = st->outer_ipv6 ? OUTER_IPV6_HDR : OUTER_IPV4_HDR;

	room = room > outer ? room - outer : 0;
	if (st->esp)
		room = esp_room(st, room);
	room = room > inner ? room - inner : 0;
	if (room < IPV4_MIN_MTU)
		return IPV4_MIN_MTU;
	return room > UINT16_MAX ? UINT16_MAX : (uint16_t)room;
}

uint16_t session_host_measure_mtu(struct session_host *h, uint32_t gateway4,
				  struct session_mtu_stack *st)
{
	int r = net_path_mtu4(gateway4, &st->path_mtu);

	if (r < 0) {
		rv_log_warning("session", "no path MTU to the gateway (%s): assuming 1500",
			       strerror(-r));
		st->path_mtu = 0;
	}
	h->stack_mtu = session_mtu_of_stack(st);
	h->stack = *st;
	h->gateway4 = gateway4;
	rv_log_info("session", "MTU %u: path MTU %u less %s, L2TP%s and PPP", h->stack_mtu,
		    st->path_mtu ? st->path_mtu : 1500,
		    !st->esp ? "UDP" : st->udp_encap ? "ESP in UDP" : "raw ESP",
		    st->l2tp_sequenced ? " with Ns/Nr" : "");
	return h->stack_mtu;
}

static uint16_t min_nonzero(uint16_t a, uint16_t b)
{
	if (!a)
		return b;
	return b && b < a ? b : a;
}

static void fill_net_config(struct session_host *h, const struct session_host_peer *peer,
			    struct net_config *cfg)
{
	const struct profile *p = h->core->profile;

	h->ceiling_mtu = min_nonzero(peer->mtu, p->mtu);
	*cfg = (struct net_config){
		.ifindex = h->tun.ifindex,
		.ifname = h->tun.name,
		/* PPP's is min(the peer's MRU, ours), and ours is the stack's by default. */
		.mtu = min_nonzero(min_nonzero(h->ceiling_mtu, h->stack_mtu), h->probed_mtu),
		.local4 = peer->ipcp->local_addr,
		.peer4 = peer->ipcp->peer_addr,
		.has_ipv6 = peer->has_ipv6,
		.default_route = p->default_route,
		.gateway4 = peer->gateway4,
		.set_dns = p->dns,
	};
	if (!cfg->mtu)
		cfg->mtu = 1400;

	memcpy(cfg->local_iid, peer->ipv6cp->local_iid, sizeof(cfg->local_iid));
	for (size_t i = 0; i < p->n_routes && i < NET_MAX_ROUTES; i++) {
		cfg->routes[i].dst = p->routes[i].dst;
		cfg->routes[i].prefix_len = p->routes[i].prefix_len;
		cfg->n_routes++;
	}

	for (size_t i = 0; i < 2; i++) {
		if (p->dns && peer->ipcp->dns[i])
			cfg->dns[cfg->n_dns++] = peer->ipcp->dns[i];
	}
}

/*
 * The path MTU can fall while we are up (another route, an ICMP
 * fragmentation-needed the kernel learnt from our ESP/UDP packets): the
 * TUN follows it down, so the applications' TCP re-segments instead of
 * black-holing. Never up: a larger path is not proven by the kernel's word.
 * An ICMP on the ESP socket is acted on at once (the data path reports it,
 * session_host_frag_needed()); the kernel's own figure, what it learnt from
 * the ICMP, is the one used, through the same computation.
 */
#define PATH_CHECK_SECONDS 5

/* The one MTU setter: the kernel's path, the probes' finding and PPP's ceiling all come here. */
static bool set_tun_mtu(struct session_host *h, uint16_t mtu)
{
	if (!h->net || mtu == h->tun_mtu || net_config_set_mtu(h->net, mtu) < 0)
		return false;
	h->tun_mtu = mtu;
	return true;
}

uint16_t session_host_mtu_for_path(const struct session_host *h, unsigned path_mtu)
{
	struct session_mtu_stack st = h->stack;

	st.path_mtu = path_mtu;
	return min_nonzero(session_mtu_of_stack(&st), h->ceiling_mtu);
}

static void check_path(struct session_host *h)
{
	struct session_mtu_stack st = h->stack;
	uint16_t old = h->tun_mtu;
	uint16_t mtu;

	if (!h->net || net_path_mtu4(h->gateway4, &st.path_mtu) < 0 ||
	    st.path_mtu == h->stack.path_mtu)
		return;
	h->stack.path_mtu = st.path_mtu;
	mtu = min_nonzero(session_mtu_of_stack(&st), h->probed_mtu);
	if (mtu >= h->tun_mtu || !set_tun_mtu(h, mtu))
		return;
	rv_log_info("session", "path MTU to the gateway is now %u: %s MTU %u -> %u", st.path_mtu,
		    h->tun.name, old, mtu);
}

/*
 * The probes (pathprobe.c) found what passes: a black hole lowers the TUN
 * below what the kernel believes; a path found whole again lifts it back
 * to what the stack, PPP and the kernel's path allow (a probe answered at
 * full size is the proof the kernel's poll never has).
 */
/* Nothing changed: said once, then only in debug (a search runs every 10 minutes). */
static void log_probe_unchanged(const struct session_host *h, unsigned lost, unsigned pass)
{
	enum rv_log_level level = RV_LOG_INFO;

	if (lost == h->probe_lost && pass == h->probe_pass) {
		if (!rv_log_debug_enabled("session"))
			return;
		level = RV_LOG_DEBUG;
	}
	if (lost)
		rv_log(level, "session", "path MTU probe: %u-byte packets are lost, %u pass: %s MTU %u stays",
		       lost, pass, h->tun.name, h->tun_mtu);
	else
		rv_log(level, "session", "path MTU probe: %u-byte packets pass", pass);
}

void session_host_path_probed(struct session_host *h, unsigned lost, unsigned pass)
{
	unsigned full = h->stack.path_mtu ? h->stack.path_mtu : 1500;
	uint16_t old = h->tun_mtu;
	uint16_t mtu;

	h->probed_mtu = lost ? session_host_mtu_for_path(h, pass) : 0;
	mtu = min_nonzero(session_host_mtu_for_path(h, full), h->probed_mtu);
	if (lost && mtu < old && set_tun_mtu(h, mtu))
		rv_log_info("session", "path MTU black hole: %u-byte packets are lost, %u pass "
			    "(%u do not): %s MTU %u", full, pass, lost, h->tun.name, mtu);
	else if (mtu > old && set_tun_mtu(h, mtu))
		rv_log_info("session", "path MTU probe: %u-byte packets pass again: %s MTU %u -> %u",
			    pass, h->tun.name, old, mtu);
	else
		log_probe_unchanged(h, lost, pass);
	h->probe_lost = lost;
	h->probe_pass = pass;
}

/*
 * The poll stays for what sends no ICMP: a route or device MTU that falls
 * here (another interface, a link set smaller).
 */
static gboolean on_path_check(gpointer user_data)
{
	struct session_host *h = user_data;
	SESSION_SCOPE(h->core->owner);

	check_path(h);
	return G_SOURCE_CONTINUE;
}

void session_host_frag_needed(struct session_host *h, unsigned next_hop_mtu)
{
	rv_log_info("session", "ICMP fragmentation needed on the way to the gateway (next-hop MTU %u)",
		    next_hop_mtu);
	check_path(h);
}

static void watch_path(struct session_host *h, uint16_t mtu)
{
	h->tun_mtu = mtu;
	if (h->gateway4 && !h->path_watch)
		h->path_watch = g_timeout_add_seconds(PATH_CHECK_SECONDS, on_path_check, h);
}

bool session_host_same_config(const struct net_config *a, const struct net_config *b)
{
	if (a->ifindex != b->ifindex || a->local4 != b->local4 || a->peer4 != b->peer4 ||
	    a->default_route != b->default_route || a->gateway4 != b->gateway4 ||
	    a->n_routes != b->n_routes || a->set_dns != b->set_dns || a->n_dns != b->n_dns)
		return false;
	for (size_t i = 0; i < a->n_routes; i++) {
		if (a->routes[i].dst != b->routes[i].dst ||
		    a->routes[i].prefix_len != b->routes[i].prefix_len)
			return false;
	}
	return !memcmp(a->dns, b->dns, a->n_dns * sizeof(a->dns[0]));
}

bool session_host_pinned_gateway(const struct session_host *h, struct net_underlay *ret)
{
	return net_config_pinned_gateway(h->net, ret);
}

void session_host_follow_gateway(struct session_host *h)
{
	int r = net_config_follow_gateway(h->net);

	if (r < 0)
		rv_log_warning("session", "cannot move the gateway's route to the new network: %s",
			       strerror(-r));
}

bool session_host_holds_config(const struct session_host *h)
{
	return h->net != NULL;
}

/* A reconnect whose PPP gave what is applied: keep it all, the MTU may follow. True if kept. */
static bool keep_config(struct session_host *h, const struct net_config *cfg)
{
	if (!h->net)
		return false;
	if (!session_host_same_config(&h->applied, cfg)) {
		rv_log_info("session", "the new tunnel has other addresses or DNS: replacing them on %s",
			    h->tun.name);
		session_host_undo(h);
		return false;
	}
	set_tun_mtu(h, cfg->mtu);
	h->applied.mtu = h->tun_mtu;
	rv_log_info("session", "%s keeps its addresses, routes and DNS", h->tun.name);
	return true;
}

bool session_host_apply(struct session_host *h, const struct session_host_peer *peer,
			struct net_config *cfg)
{
	char *error = NULL;

	fill_net_config(h, peer, cfg);
	if (!h->configure_network)
		return true;
	if (keep_config(h, cfg)) {
		cfg->mtu = h->tun_mtu;
		return true;
	}

	h->net = net_config_apply(cfg, &error);
	if (h->net) {
		h->applied = *cfg;
		watch_path(h, cfg->mtu);
		return true;
	}

	session_fail(h->core, SESSION_REASON_NETWORK_SETUP, 0, "%s", error ? error : "unknown error");
	free(error);
	return false;
}

/* The kill switch ------------------------------------------------------- */

/* The TUN names this profile's devices get: its interface hint up to any %d. */
static char *tun_prefix(const struct profile *p)
{
	const char *hint = p->interface_name ? p->interface_name : "rvpn";

	return g_strndup(hint, strcspn(hint, "%"));
}

bool session_host_kill_switch_hold(struct session_host *h, uint32_t gateway4)
{
	static unsigned n_tables;
	const struct profile *p = h->core->profile;
	g_autofree char *prefix = NULL;
	char *error = NULL;
	int r;

	if (!p->kill_switch)
		return true;
	if (!h->kill_switch)
		h->kill_switch = net_killswitch_table_name(n_tables++);
	prefix = tun_prefix(p);
	r = net_killswitch_hold(h->kill_switch,
				&(struct net_killswitch_config){ .gateway4 = gateway4,
								 .ipsec = p->ipsec_enabled,
								 .allow_lan = p->allow_lan,
								 .tun_prefix = prefix },
				&error);
	if (r < 0) {
		session_fail(h->core, SESSION_REASON_NETWORK_SETUP, 0, "cannot set up the kill switch: %s",
			     error ? error : strerror(-r));
		g_free(error);
		return false;
	}
	h->kill_switch_gateway4 = gateway4;
	rv_log_info("session", "kill switch holds (nftables table inet %s%s)", h->kill_switch,
		    p->allow_lan ? ", local networks allowed" : "");
	return true;
}

void session_host_kill_switch_release(struct session_host *h)
{
	if (!h->kill_switch)
		return;
	if (net_killswitch_release(h->kill_switch) == 0)
		rv_log_info("session", "kill switch released");
	g_clear_pointer(&h->kill_switch, g_free);
	h->kill_switch_gateway4 = 0;
}

void session_host_undo(struct session_host *h)
{
	if (h->path_watch)
		g_source_remove(h->path_watch);
	h->path_watch = 0;
	h->ipv6_applied = false;
	if (!h->net)
		return;

	net_config_undo(h->net);
	h->net = NULL;
}

void session_host_add_ipv6(struct session_host *h, const uint8_t iid[8])
{
	char *error = NULL;

	if (!h->net)
		return;
	/* Kept from before a reconnect: the same interface id is already there. */
	if (h->ipv6_applied && !memcmp(h->ipv6_iid, iid, sizeof(h->ipv6_iid)))
		return;

	/* IPv4 keeps working without it: a warning, not a failure. */
	if (net_config_add_ipv6(h->net, iid, &error) < 0) {
		rv_log_warning("session", "IPv6 not configured: %s", error ? error : "unknown error");
		free(error);
		return;
	}

	h->ipv6_applied = true;
	memcpy(h->ipv6_iid, iid, sizeof(h->ipv6_iid));
	rv_log_info("session", "IPv6 link-local address configured on %s", h->tun.name);
}
