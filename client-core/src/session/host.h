#pragma once
/*
 * Private to session/: the host network state of a session: the TUN
 * device, and the addresses, routes and DNS that net/ applied (and
 * records, so that its undo removes exactly that, even after a crash).
 */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "ppp/ppp.h"

struct session_core;

/*
 * The negotiated stack under the TUN: what each layer adds to an inner IP
 * packet on its way to the gateway, and the underlay path MTU.
 */
struct session_mtu_stack {
	unsigned path_mtu;       /* the kernel's, to the gateway; 0: unknown (1500) */
	bool outer_ipv6;
	bool esp;                /* false: L2TP in clear over UDP/1701 */
	bool udp_encap;          /* ESP in UDP/4500 (NAT-T) rather than raw ESP */
	size_t esp_iv_len, esp_align, esp_icv_len;
	bool l2tp_sequenced;     /* data messages carry Ns/Nr */
};

/*
 * The largest inner IP packet that leaves as one outer packet of at most
 * path_mtu bytes: path MTU less the outer IP header, UDP encapsulation,
 * ESP header, IV, ICV, the pad-length/next-header pair with the payload
 * rounded down to the cipher's alignment, the inner UDP header, L2TP's
 * data header as the gateway sends it (with its length field) and PPP's
 * (ff 03 + protocol), so that answers of the same size fit too. Never
 * below 68 (IPv4's minimum).
 */
uint16_t session_mtu_of_stack(const struct session_mtu_stack *st);

struct session_host {
	struct session_core *core;
	bool configure_network;   /* false: NM configures the host itself */
	struct net_tun tun;
	struct net_state *net;
	uint16_t stack_mtu;       /* what the negotiated stack carries; 0: not known */
	struct session_mtu_stack stack; /* what stack_mtu was computed from */
	uint32_t gateway4;
	uint16_t tun_mtu;         /* as applied */
	uint16_t ceiling_mtu;     /* PPP's (min of both MRUs) and the profile's; 0: none */
	uint16_t probed_mtu;      /* the probes found a black hole above it; 0: none */
	unsigned probe_lost, probe_pass; /* the probes' last finding, logged */
	guint path_watch;         /* while configured: the path MTU checked again */
	struct net_config applied; /* what h->net holds (ifname borrowed from tun) */
	bool ipv6_applied;        /* fe80::ipv6_iid/64 is on the TUN */
	uint8_t ipv6_iid[8];
	char *kill_switch;        /* our nftables table while the kill switch holds */
	uint32_t kill_switch_gateway4; /* the gateway address it lets through */
};

/* What PPP gave us, and the gateway: the inputs of the host configuration. */
struct session_host_peer {
	const struct ppp_ipcp_info *ipcp;
	const struct ppp_ipv6cp_info *ipv6cp;
	bool has_ipv6;
	uint16_t mtu;
	uint32_t gateway4;
};


void session_host_init(struct session_host *h, struct session_core *core, bool configure_network);
/*
 * The exact MTU of this attempt from *st, its path_mtu asked of the kernel
 * for the route to gateway4 (logged). Returns it; kept for the TUN.
 */
uint16_t session_host_measure_mtu(struct session_host *h, uint32_t gateway4,
				  struct session_mtu_stack *st);
/*
 * The TUN device (with offloads unless ROADVPN_TUN_OFFLOAD=0); the one the
 * session already has after a reconnect. 0 or -errno.
 */
int session_host_open_tun(struct session_host *h);
void session_host_close_tun(struct session_host *h);
/*
 * Addresses, routes and DNS (when configure_network), into *cfg as
 * applied. After a reconnect, what is still applied stays when PPP gave
 * the same addresses and DNS (the MTU follows), else it is replaced on the
 * same device. False after session_fail().
 */
bool session_host_apply(struct session_host *h, const struct session_host_peer *peer,
			struct net_config *cfg);
/*
 * A router said "fragmentation needed" for our ESP (the data path's
 * report): the TUN's MTU follows the path MTU the kernel learnt now,
 * not at the next poll.
 */
void session_host_frag_needed(struct session_host *h, unsigned next_hop_mtu);
/* The TUN MTU a path of path_mtu bytes gives with this stack, within PPP's ceiling. */
uint16_t session_host_mtu_for_path(const struct session_host *h, unsigned path_mtu);
/*
 * The path MTU probes ended: `pass` bytes answered, `lost` bytes not (0:
 * the whole path passes). The TUN follows, down or back up, logged.
 */
void session_host_path_probed(struct session_host *h, unsigned lost, unsigned pass);
/* fe80::IID/64 once IPv6CP is up; a warning, not a failure, when it cannot be. */
void session_host_add_ipv6(struct session_host *h, const uint8_t iid[8]);
/*
 * [ip] kill-switch: from the first attempt on (and across reconnects) only
 * the tunnel and IKE/ESP to gateway4 leave; replaced when the gateway's
 * address changes. True without a kill switch; false after session_fail().
 */
bool session_host_kill_switch_hold(struct session_host *h, uint32_t gateway4);
/* The session is over (disconnected or failed for good): the table goes. */
void session_host_kill_switch_release(struct session_host *h);
/* Remove what session_host_apply() applied. Idempotent. */
void session_host_undo(struct session_host *h);
/* The gateway's /32 pin of a full tunnel, if any (for the network watch to leave out). */
bool session_host_pinned_gateway(const struct session_host *h, struct net_underlay *ret);
/* The network changed: move that pin to the underlay's path now, so IKE goes that way. */
void session_host_follow_gateway(struct session_host *h);
/* Whether the host configuration of an earlier attempt is still applied. */
bool session_host_holds_config(const struct session_host *h);
/*
 * Whether two configurations put the same addresses, peer, routes and DNS
 * on the TUN (the MTU may differ): then a reconnect keeps them as they are.
 */
bool session_host_same_config(const struct net_config *a, const struct net_config *b);
