#pragma once
/*
 * Private to client-core/src/net/ and its unit tests: the two halves that
 * net_config_apply() stacks (rtnl.c, dns.c) and the pure helpers they share.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"

#define NET_LOG "net"
/* "255.255.255.255/32" */
#define NET_ROUTE4_STRLEN (INET_ADDRSTRLEN + 3)

/* rtnl.c: link settings, addresses and routes, recorded for undo. */
struct net_rtnl;
struct net_rtnl *net_rtnl_apply(const struct net_config *cfg, char **ret_error);
void net_rtnl_undo(struct net_rtnl *rtnl);
int net_rtnl_add_ipv6(struct net_rtnl *rtnl, const uint8_t iid[8], char **ret_error);

/* dns.c: systemd-resolved or a managed resolv.conf, recorded for undo. */
struct net_dns;
struct net_dns *net_dns_apply(const struct net_config *cfg, char **ret_error);
void net_dns_undo(struct net_dns *dns);
const char *net_dns_backend_name(const struct net_dns *dns);

/*
 * The resolv.conf we write for `ifname`: our servers first, then (if
 * keep_servers) the original ones, then the original search/domain/options
 * lines. `orig` may be NULL. Returns malloc'd text or NULL (ENOMEM).
 */
char *net_resolv_conf_render(const char *orig, const char *ifname, const uint32_t *dns,
			     size_t n_dns, bool keep_servers);
/* The interface named in our header line, or false if `content` is not ours. */
bool net_resolv_conf_owner(const char *content, char *ifname, size_t ifname_size);

/* netutil.c */
char *net_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint32_t net_prefix_mask(uint8_t prefix_len);
const char *net_ip4_str(uint32_t addr, char buf[INET_ADDRSTRLEN]);
const char *net_route4_str(const struct net_route4 *r, char buf[NET_ROUTE4_STRLEN]);
/*
 * The IPv4 routes to put through the TUN, in order: 0.0.0.0/1 and
 * 128.0.0.0/1 for a full tunnel, then cfg->routes with host bits cleared and
 * duplicates dropped. Returns the count or -EINVAL (prefix length > 32).
 */
int net_plan_routes(const struct net_config *cfg, struct net_route4 *out, size_t max);
/* Whether one of the routes contains `addr` (network byte order). */
bool net_routes_cover(const struct net_route4 *routes, size_t n, uint32_t addr);
/* A libnl error code as the errno the kernel most likely returned. */
int net_nl_errno(int nlerr);
/* strerror() of net_nl_errno(), or libnl's text when there is no errno. */
const char *net_nl_strerror(int nlerr);
