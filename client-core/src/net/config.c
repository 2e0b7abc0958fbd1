/*
 * net_config_apply(): the host side of a connection once PPP is up, in the
 * order the kernel needs (link, addresses, gateway route, tunnel routes) and
 * then DNS; any failure undoes what was done, so a failed connect leaves
 * the host as it found it.
 */
#include <errno.h>
#include <stdlib.h>

#include "util/log.h"
#include "net-private.h"

struct net_state {
	struct net_rtnl *rtnl;
	struct net_dns *dns;
};

static char *config_check(const struct net_config *cfg)
{
	if (cfg->ifindex <= 0 || !cfg->ifname || !*cfg->ifname)
		return net_strdup_printf("no tunnel device to configure");
	if (cfg->mtu && cfg->mtu < 68)
		return net_strdup_printf("MTU %u of %s is below the IPv4 minimum of 68", cfg->mtu,
					 cfg->ifname);
	if (cfg->n_routes > NET_MAX_ROUTES || cfg->n_dns > NET_MAX_DNS)
		return net_strdup_printf("too many routes or DNS servers for %s", cfg->ifname);
	return NULL;
}

static void config_log(const struct net_config *cfg, const struct net_state *state)
{
	char local[INET_ADDRSTRLEN], peer[INET_ADDRSTRLEN];

	rv_log_info(NET_LOG, "%s configured: %s%s%s, MTU %u, %s, %zu route(s), DNS via %s",
		    cfg->ifname, net_ip4_str(cfg->local4, local), cfg->peer4 ? " peer " : "",
		    cfg->peer4 ? net_ip4_str(cfg->peer4, peer) : "", cfg->mtu,
		    cfg->default_route ? "full tunnel" : "split tunnel", cfg->n_routes,
		    net_dns_backend_name(state->dns));
}

struct net_state *net_config_apply(const struct net_config *cfg, char **ret_error)
{
	struct net_state *state;

	*ret_error = config_check(cfg);
	if (*ret_error)
		return NULL;

	state = calloc(1, sizeof(*state));
	if (!state) {
		*ret_error = net_strdup_printf("out of memory configuring %s", cfg->ifname);
		return NULL;
	}

	state->rtnl = net_rtnl_apply(cfg, ret_error);
	if (state->rtnl)
		state->dns = net_dns_apply(cfg, ret_error);
	if (!state->rtnl || !state->dns) {
		rv_log_debug(NET_LOG, "configuring %s failed, undoing", cfg->ifname);
		net_config_undo(state);
		return NULL;
	}

	config_log(cfg, state);
	return state;
}

void net_config_undo(struct net_state *state)
{
	if (!state)
		return;

	/* DNS first: its servers are reachable only while the routes exist. */
	net_dns_undo(state->dns);
	net_rtnl_undo(state->rtnl);
	free(state);
}

const char *net_state_dns_backend(const struct net_state *state)
{
	return net_dns_backend_name(state ? state->dns : NULL);
}

int net_config_add_ipv6(struct net_state *state, const uint8_t iid[8], char **ret_error)
{
	return net_rtnl_add_ipv6(state->rtnl, iid, ret_error);
}

int net_config_set_mtu(struct net_state *state, uint16_t mtu)
{
	return mtu < 68 ? -EINVAL : net_rtnl_set_mtu(state->rtnl, mtu);
}

bool net_config_pinned_gateway(const struct net_state *state, struct net_underlay *ret)
{
	return state && net_rtnl_pinned_gateway(state->rtnl, ret);
}

int net_config_follow_gateway(struct net_state *state)
{
	return state ? net_rtnl_follow_gateway(state->rtnl) : 0;
}
