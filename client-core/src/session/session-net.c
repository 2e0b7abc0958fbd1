/*
 * From IPCP's answer to the host: open the TUN device, then hand the
 * addresses, routes and DNS to net/, which records what it did so the
 * undo removes exactly that.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session-internal.h"
#include "util/log.h"

static void fill_net_config(struct session *s, struct net_config *cfg)
{
	const struct profile *p = s->profile;

	*cfg = (struct net_config){
		.ifindex = s->tun.ifindex,
		.ifname = s->tun.name,
		.mtu = s->mtu ? s->mtu : 1400,
		.local4 = s->ipcp.local_addr,
		.peer4 = s->ipcp.peer_addr,
		.has_ipv6 = s->has_ipv6,
		.default_route = p->default_route,
		.gateway4 = s->gateway4,
		.set_dns = p->dns,
	};

	if (p->mtu && p->mtu < cfg->mtu)
		cfg->mtu = p->mtu;

	memcpy(cfg->local_iid, s->ipv6cp.local_iid, sizeof(cfg->local_iid));
	for (size_t i = 0; i < p->n_routes && i < NET_MAX_ROUTES; i++) {
		cfg->routes[i].dst = p->routes[i].dst;
		cfg->routes[i].prefix_len = p->routes[i].prefix_len;
		cfg->n_routes++;
	}

	for (size_t i = 0; i < 2; i++) {
		if (p->dns && s->ipcp.dns[i])
			cfg->dns[cfg->n_dns++] = s->ipcp.dns[i];
	}
}

static void log_connected(struct session *s, const struct net_config *cfg)
{
	char local[INET_ADDRSTRLEN], peer[INET_ADDRSTRLEN] = "-";
	char dns[2 * INET_ADDRSTRLEN + 2] = "-";
	struct session_up_info info = {
		.local4 = cfg->local4,
		.peer4 = cfg->peer4,
		.mtu = cfg->mtu,
		.auth_method = ppp_auth_method_name(s->auth_method),
		.gateway4 = s->gateway4,
	};

	inet_ntop(AF_INET, &cfg->local4, local, sizeof(local));
	if (cfg->peer4)
		inet_ntop(AF_INET, &cfg->peer4, peer, sizeof(peer));

	for (size_t i = 0; i < 2 && s->ipcp.dns[i]; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &s->ipcp.dns[i], a, sizeof(a));
		snprintf(dns + (i ? strlen(dns) : 0), sizeof(dns) - (i ? strlen(dns) : 0), "%s%s",
			 i ? "," : "", a);
		info.dns[i] = s->ipcp.dns[i];
	}

	snprintf(info.ifname, sizeof(info.ifname), "%s", s->tun.name);
	rv_log_info("session", "connected: %s local %s peer %s mtu %u dns %s (%s)", s->tun.name,
		    local, peer, cfg->mtu, dns, info.auth_method);
	if (s->ops.up)
		s->ops.up(s->user_data, &info);
}

void session_netconfig_apply(struct session *s)
{
	struct net_config cfg;
	char *error = NULL;
	int r;

	session_enter_phase(s, SESSION_PHASE_NETCONFIG);
	r = session_tun_open(s);
	if (r < 0) {
		session_fail(s, SESSION_REASON_NETWORK_SETUP, 0, "cannot create a TUN device: %s",
			     strerror(-r));
		return;
	}

	fill_net_config(s, &cfg);
	if (s->configure_network) {
		s->net = net_config_apply(&cfg, &error);
		if (!s->net) {
			session_fail(s, SESSION_REASON_NETWORK_SETUP, 0, "%s",
				     error ? error : "unknown error");
			free(error);
			return;
		}
	}

	session_enter_phase(s, SESSION_PHASE_UP);
	session_fast_start(s);
	log_connected(s, &cfg);
}

void session_netconfig_undo(struct session *s)
{
	if (!s->net)
		return;

	net_config_undo(s->net);
	s->net = NULL;
}

void session_netconfig_add_ipv6(struct session *s)
{
	char *error = NULL;

	if (!s->net)
		return;

	/* IPv4 keeps working without it: a warning, not a failure. */
	if (net_config_add_ipv6(s->net, s->ipv6cp.local_iid, &error) < 0) {
		rv_log_warning("session", "IPv6 not configured: %s", error ? error : "unknown error");
		free(error);
		return;
	}

	rv_log_info("session", "IPv6 link-local address configured on %s", s->tun.name);
}
