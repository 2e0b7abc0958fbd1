#pragma once
/*
 * Private to session/: the host network state of a session: the TUN
 * device, and the addresses, routes and DNS that net/ applied (and
 * records, so that its undo removes exactly that, even after a crash).
 */
#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"
#include "ppp/ppp.h"

struct session_core;

struct session_host {
	struct session_core *core;
	bool configure_network;   /* false: NM configures the host itself */
	struct net_tun tun;
	struct net_state *net;
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
/* The TUN device (with offloads unless ROADVPN_TUN_OFFLOAD=0). 0 or -errno. */
int session_host_open_tun(struct session_host *h);
void session_host_close_tun(struct session_host *h);
/*
 * Addresses, routes and DNS (when configure_network), into *cfg as
 * applied. False after session_fail().
 */
bool session_host_apply(struct session_host *h, const struct session_host_peer *peer,
			struct net_config *cfg);
/* fe80::IID/64 once IPv6CP is up; a warning, not a failure, when it cannot be. */
void session_host_add_ipv6(struct session_host *h, const uint8_t iid[8]);
/* Remove what session_host_apply() applied. Idempotent. */
void session_host_undo(struct session_host *h);
