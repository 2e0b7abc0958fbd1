/*
 * From IPCP's answer to the host (see host.h): open the TUN device, then
 * hand the addresses, routes and DNS to net/, which records what it did so
 * the undo removes exactly that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static void fill_net_config(struct session_host *h, const struct session_host_peer *peer,
			    struct net_config *cfg)
{
	const struct profile *p = h->core->profile;

	*cfg = (struct net_config){
		.ifindex = h->tun.ifindex,
		.ifname = h->tun.name,
		.mtu = peer->mtu ? peer->mtu : 1400,
		.local4 = peer->ipcp->local_addr,
		.peer4 = peer->ipcp->peer_addr,
		.has_ipv6 = peer->has_ipv6,
		.default_route = p->default_route,
		.gateway4 = peer->gateway4,
		.set_dns = p->dns,
	};

	if (p->mtu && p->mtu < cfg->mtu)
		cfg->mtu = p->mtu;

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

bool session_host_apply(struct session_host *h, const struct session_host_peer *peer,
			struct net_config *cfg)
{
	char *error = NULL;

	fill_net_config(h, peer, cfg);
	if (!h->configure_network)
		return true;

	h->net = net_config_apply(cfg, &error);
	if (h->net)
		return true;

	session_fail(h->core, SESSION_REASON_NETWORK_SETUP, 0, "%s", error ? error : "unknown error");
	free(error);
	return false;
}

void session_host_undo(struct session_host *h)
{
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

	/* IPv4 keeps working without it: a warning, not a failure. */
	if (net_config_add_ipv6(h->net, iid, &error) < 0) {
		rv_log_warning("session", "IPv6 not configured: %s", error ? error : "unknown error");
		free(error);
		return;
	}

	rv_log_info("session", "IPv6 link-local address configured on %s", h->tun.name);
}
