#pragma once
/*
 * The host side of a connection: the TUN device, its addresses and routes
 * (netlink through libnl-route-3), and DNS (systemd-resolved over D-Bus when
 * it runs, else a managed /etc/resolv.conf restored afterwards). Everything
 * applied is recorded so that net_config_undo() removes exactly that, on
 * disconnect, on failure and on SIGTERM.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

struct net_tun {
	int fd;                  /* non-blocking, IFF_TUN | IFF_NO_PI */
	int ifindex;
	char name[IF_NAMESIZE];
};

/* Create a TUN device; `name_hint` may hold "%d" ("rvpn%d"). 0 or -errno. */
int net_tun_open(const char *name_hint, struct net_tun *ret_tun);
/* Close the fd; the kernel deletes the non-persistent device. */
void net_tun_close(struct net_tun *tun);

struct net_route4 {
	uint32_t dst;            /* network byte order */
	uint8_t prefix_len;
};

#define NET_MAX_ROUTES 64
#define NET_MAX_DNS 4

struct net_config {
	int ifindex;
	const char *ifname;
	uint16_t mtu;
	uint32_t local4;         /* network byte order */
	uint32_t peer4;          /* network byte order; 0 = none (then /32 device route) */
	bool has_ipv6;
	uint8_t local_iid[8];    /* IPv6CP interface id: fe80::IID/64, no kernel-made LL */
	/* Full tunnel: 0.0.0.0/1 + 128.0.0.0/1 through the TUN, so the original default route stays. */
	bool default_route;
	struct net_route4 routes[NET_MAX_ROUTES];  /* split tunnel */
	size_t n_routes;
	/* The gateway's underlay address keeps its current path (a /32 host route copied from it). */
	uint32_t gateway4;       /* network byte order; 0 = none */
	uint32_t dns[NET_MAX_DNS];
	size_t n_dns;
	bool set_dns;
};

struct net_state;

/*
 * Apply addresses, MTU, link up, routes and DNS. On failure everything
 * already applied is undone, NULL is returned and *ret_error holds a
 * malloc'd one-line reason.
 */
struct net_state *net_config_apply(const struct net_config *cfg, char **ret_error);
/* Undo everything net_config_apply() did; NULL-safe; frees state. */
void net_config_undo(struct net_state *state);

/* Names of the DNS back end in use ("systemd-resolved", "resolv.conf", "none"). */
const char *net_state_dns_backend(const struct net_state *state);
