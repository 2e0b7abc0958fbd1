#pragma once
/*
 * Private to client-core/src/net/ and its unit tests: the two halves that
 * net_config_apply() stacks (rtnl.c, dns.c) and the pure helpers they share.
 */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
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
int net_rtnl_set_mtu(struct net_rtnl *rtnl, uint16_t mtu);

/* dns.c: systemd-resolved or a managed resolv.conf, recorded for undo. */
struct net_dns;
struct net_dns *net_dns_apply(const struct net_config *cfg, char **ret_error);
void net_dns_undo(struct net_dns *dns);
const char *net_dns_backend_name(const struct net_dns *dns);
/* The helper's state directory (net_dns_set_paths()' backup_dir): crash records live there. */
const char *net_state_dir(void);

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

/* netlink.c: one rtnetlink request at a time, on a socket of our own. */
#define NET_NL_MSG_MAX 8192	/* a link object with all its attributes fits */

struct net_nl_msg {
	union {
		struct nlmsghdr hdr;
		uint8_t buf[NET_NL_MSG_MAX];
	} u;
};

struct net_nl {
	int fd;
	uint32_t seq;
};

int net_nl_open(struct net_nl *nl);
void net_nl_close(struct net_nl *nl);
/* Start a request (NLM_F_REQUEST | flags); returns its family header of hdr_len bytes, zeroed. */
void *net_nl_msg_init(struct net_nl_msg *m, uint16_t type, uint16_t flags, size_t hdr_len);
/* Append an attribute (or open/close a nested one). */
void net_nl_put(struct net_nl_msg *m, uint16_t type, const void *data, size_t len);
struct rtattr *net_nl_nest_start(struct net_nl_msg *m, uint16_t type);
void net_nl_nest_end(struct net_nl_msg *m, struct rtattr *nest);
/*
 * Send m and wait for the kernel: with NLM_F_ACK in its flags until the ACK,
 * else until the reply. The first reply object is copied to `reply` if
 * given. 0, or the kernel's -errno (-ENOMSG: no reply came).
 */
int net_nl_transact(struct net_nl *nl, struct net_nl_msg *m, struct net_nl_msg *reply);
/*
 * The loop under net_nl_transact: send m, then hand each datagram from the
 * kernel to take() until it returns 1 (done: 0 is returned) or -errno.
 */
typedef int (*net_nl_take_fn)(void *ctx, const void *buf, size_t size, uint32_t seq);
int net_nl_exchange(struct net_nl *nl, struct net_nl_msg *m, net_nl_take_fn take, void *ctx);
/* An attribute of a reply whose family header is hdr_len bytes, or NULL. */
const struct rtattr *net_nl_attr(const struct net_nl_msg *reply, size_t hdr_len, uint16_t type);
/*
 * The parse step of net_nl_transact, for one datagram from the kernel (and
 * the fuzz target): 1 when the answer to seq is complete, 0 to read on, or
 * -errno (the kernel's error, -EBADMSG, -ENOMSG when no reply came).
 */
int net_nl_take_datagram(const void *buf, size_t size, uint32_t seq, bool want_ack,
			 struct net_nl_msg *reply, bool *got_reply);
/* rtnl.c: what a reply says. 0, or -EBADMSG when it is not that reply or too short. */
int net_rtnl_link_reply(const struct net_nl_msg *reply, unsigned int *ret_flags,
			unsigned int *ret_mtu);
/* The route's next hop (or 0) and device; -ENETUNREACH when it is not one unicast path. */
int net_rtnl_route_reply(const struct net_nl_msg *reply, uint32_t *ret_via, int *ret_ifindex);

/* underlay.c: choosing the underlay route from a dump of the main table, one datagram at a time. */
struct net_route_pick {
	uint32_t gateway4;
	int skip_ifindex;
	struct net_underlay pinned;
	bool found;
	uint8_t prefix_len;
	uint32_t priority;
	struct net_underlay best;
};
/* 1 when the dump answering seq is complete, 0 to read on, or -errno. */
int net_route_pick_datagram(struct net_route_pick *pick, const void *buf, size_t size,
			    uint32_t seq);
/* Whether one datagram from the watch socket may change how a gateway is reached. */
bool net_watch_datagram_matters(const void *buf, size_t size, int skip_ifindex);

/* rtnl.c: the pin (see net_config_pinned_gateway()) and moving it. */
bool net_rtnl_pinned_gateway(const struct net_rtnl *rtnl, struct net_underlay *ret);
int net_rtnl_follow_gateway(struct net_rtnl *rtnl);
