/*
 * Small pure helpers for the net module: address and route formatting and
 * the route plan of a connection.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net-private.h"

char *net_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

uint32_t net_prefix_mask(uint8_t prefix_len)
{
	if (prefix_len == 0)
		return 0;
	if (prefix_len >= 32)
		return 0xffffffffu;
	return htonl(~((1u << (32 - prefix_len)) - 1));
}

const char *net_ip4_str(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = { .s_addr = addr };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

const char *net_route4_str(const struct net_route4 *r, char buf[NET_ROUTE4_STRLEN])
{
	char ip[INET_ADDRSTRLEN];

	snprintf(buf, NET_ROUTE4_STRLEN, "%s/%u", net_ip4_str(r->dst, ip), r->prefix_len);
	return buf;
}

static bool route_listed(const struct net_route4 *list, size_t n, const struct net_route4 *r)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i].dst == r->dst && list[i].prefix_len == r->prefix_len)
			return true;
	}
	return false;
}

static int plan_add(struct net_route4 *out, size_t *n, size_t max, struct net_route4 r)
{
	if (r.prefix_len > 32)
		return -EINVAL;

	/* The kernel refuses 10.1.2.3/8; the user meant 10.0.0.0/8. */
	r.dst &= net_prefix_mask(r.prefix_len);
	if (route_listed(out, *n, &r))
		return 0;
	if (*n >= max)
		return -ENOSPC;

	out[(*n)++] = r;
	return 0;
}

int net_plan_routes(const struct net_config *cfg, struct net_route4 *out, size_t max)
{
	size_t n = 0;
	int r = 0;

	if (cfg->default_route) {
		r = plan_add(out, &n, max, (struct net_route4){ .dst = 0, .prefix_len = 1 });
		if (!r)
			r = plan_add(out, &n, max,
				     (struct net_route4){ .dst = htonl(0x80000000u), .prefix_len = 1 });
	}
	for (size_t i = 0; !r && i < cfg->n_routes && i < NET_MAX_ROUTES; i++)
		r = plan_add(out, &n, max, cfg->routes[i]);

	return r ? r : (int)n;
}

bool net_routes_cover(const struct net_route4 *routes, size_t n, uint32_t addr)
{
	for (size_t i = 0; i < n; i++) {
		if ((addr & net_prefix_mask(routes[i].prefix_len)) == routes[i].dst)
			return true;
	}
	return false;
}
