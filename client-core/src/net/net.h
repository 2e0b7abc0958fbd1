#pragma once
/*
 * The host side of a connection: the TUN device, its addresses and routes
 * (rtnetlink), and DNS (systemd-resolved over D-Bus when
 * it runs, else a managed /etc/resolv.conf restored afterwards). Everything
 * applied is recorded so that net_config_undo() removes exactly that, on
 * disconnect, on failure and on SIGTERM.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

struct pkt;

struct net_tun {
	int fd;                  /* non-blocking, IFF_TUN | IFF_NO_PI */
	int ifindex;
	char name[IF_NAMESIZE];
	bool vnet_hdr;           /* IFF_VNET_HDR: reads and writes start with a virtio_net_hdr */
	unsigned int offloads;   /* TUN_F_* the kernel accepted (TUNSETOFFLOAD) */
	bool uso;                /* TUN_F_USO4/6 among them: writes may be UDP super-packets */
};

/* Create a TUN device; `name_hint` may hold "%d" ("rvpn%d"). 0 or -errno. */
int net_tun_open(const char *name_hint, struct net_tun *ret_tun);
/*
 * The same with IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO4/6, and USO4/6
 * on Linux >= 6.2): the kernel then hands over unsegmented TCP/UDP
 * super-packets with partial checksums, and accepts them on write. Offloads
 * the kernel refuses are dropped one group at a time; tun->offloads says
 * what is on, and tun->uso whether UDP super-packets may be written. Reads
 * and writes must go through a user of the virtio header
 * (dataplane/dataplane.c), never net_tun_read_batch()/net_tun_write().
 */
int net_tun_open_offload(const char *name_hint, struct net_tun *ret_tun);
/* Close the fd; the kernel deletes the non-persistent device. */
void net_tun_close(struct net_tun *tun);

/*
 * Read up to `n` IP packets, stopping early when the queue is empty. Each
 * pkts[i] must be empty with its data pointer after the headroom the layers
 * below need (pkt_buf_reset()); a packet is read at data, using the tailroom
 * minus PKT_TAILROOM (kept for trailers). Returns how many were read (0: the
 * queue was empty) or -errno when the first read fails.
 */
int net_tun_read_batch(const struct net_tun *tun, struct pkt **pkts, size_t n);
/* Write one IP packet into the TUN. 0 or -errno. */
int net_tun_write(const struct net_tun *tun, const uint8_t *data, size_t len);

/*
 * UDP underlay socket, non-blocking and close-on-exec, connected to
 * gateway4:port so that the kernel pins its source address and port for the
 * whole connection and filters datagrams from anyone else. *ret_local_port
 * is in/out: in, the preferred local port (0: ephemeral; e.g. 1701, which
 * some gateways expect, used only when it is free and we may bind it, else
 * ephemeral); out, the port actually bound. 0 or -errno.
 */
int net_udp_open(uint32_t gateway4, uint16_t port, uint16_t *ret_local_port, int *ret_fd);
/* The kernel's path MTU to gateway4 (route, device, learnt PMTU). 0 or -errno. */
int net_path_mtu4(uint32_t gateway4, unsigned *ret_mtu);
/*
 * Receive up to `n` datagrams (recvmmsg) into pkts, laid out as for
 * net_tun_read_batch(). A datagram too large for its buffer gets len 0 (skip
 * it). Returns how many were received (0: none queued) or -errno
 * (-ECONNREFUSED after an ICMP port unreachable from the gateway).
 */
int net_udp_recv_batch(int fd, struct pkt **pkts, size_t n);
/*
 * Send pkts[0..n) (each pkt's data/len) with sendmmsg. Returns how many
 * leading packets were sent (fewer than n when the socket buffer is full:
 * the caller drops or keeps the rest) or -errno when none could be sent.
 */
int net_udp_send_batch(int fd, struct pkt *const *pkts, size_t n);

/*
 * UDP segmentation offload (UDP_SEGMENT): like net_udp_send_batch(), but
 * each run of equal-length datagrams (the last of a run may be shorter)
 * leaves in one message that the kernel, or the NIC, cuts up. Returns how
 * many leading packets were sent, or -errno when none could be; -EIO means
 * the egress device cannot do it: use net_udp_send_batch() on this socket.
 */
int net_udp_send_gso(int fd, struct pkt *const *pkts, size_t n);
/*
 * UDP_GRO on receive (Linux >= 5.0): on, the socket must be read with
 * net_udp_recv_gro(), which says where each datagram ends. 0 or -errno.
 */
int net_udp_set_gro(int fd, bool on);

/* One receive buffer for net_udp_recv_gro(): up to 64 KiB of equal-sized datagrams back to back. */
#define NET_GRO_BUF_SIZE 65536
struct net_gro_buf {
	uint8_t data[NET_GRO_BUF_SIZE];
	size_t len;        /* bytes received; 0: nothing or truncated */
	size_t seg_size;   /* each datagram's size (the last may be shorter) */
};
/* recvmmsg into up to n GRO buffers. Returns how many were filled, 0 or -errno. */
int net_udp_recv_gro(int fd, struct net_gro_buf *bufs, size_t n);

/*
 * Raw ESP socket (IP protocol 50) connected to the gateway, non-blocking.
 * Send ESP packets (starting at the SPI) with net_udp_send_batch(); the
 * kernel adds the IP header. 0 or -errno (-EPERM without CAP_NET_RAW).
 */
int net_esp_raw_open(uint32_t gateway4, int *ret_fd);
/* As net_udp_recv_batch(), with each packet's IPv4 header stripped (len 0 if not ESP). */
int net_esp_raw_recv_batch(int fd, struct pkt **pkts, size_t n);
/* Our address and port on a connected socket (network / host order); either may be NULL. */
int net_socket_local4(int fd, uint32_t *ret_addr, uint16_t *ret_port);

/*
 * Path MTU discovery on a connected ESP socket (UDP/4500 or raw), on or
 * off: DF on every packet (IP_PMTUDISC_WANT: a packet above a path MTU the
 * kernel has learnt is still fragmented here rather than refused) and ICMP
 * errors queued (IP_RECVERR), so that a "fragmentation needed" from a
 * router on the way is seen at once. Off purges the queue. 0 or -errno.
 */
int net_socket_watch_pmtu(int fd, bool on);
/*
 * Drain the error queue of a socket watched so (it must be drained: a
 * queued error keeps poll() reporting POLLERR). Returns the smallest
 * next-hop MTU of the ICMP "fragmentation needed" among them, 0 if none.
 */
unsigned net_socket_take_frag_needed(int fd);
/*
 * ICMP errors queued on any connected UDP socket (IP_RECVERR on, 0 or
 * -errno): the IKE socket watches for "destination unreachable" to tell a
 * refusal from silence, the ESP socket for fragmentation needed.
 */
int net_socket_recverr(int fd, bool on);
enum net_unreach {
	NET_UNREACH_NONE,
	NET_UNREACH_PORT,        /* port unreachable: the host is up, nothing listens */
	NET_UNREACH_HOST,        /* net/host/protocol unreachable, from a router or the host */
	NET_UNREACH_PROHIBITED,  /* administratively prohibited: a firewall rejects it */
};
struct net_sock_errors {
	unsigned frag_mtu;       /* smallest next-hop MTU of a fragmentation needed, 0 if none */
	enum net_unreach unreach; /* the last unreachable's kind */
	unsigned n_unreach;      /* how many unreachables (one per datagram refused) */
};
/* Drain the error queue (up to a bounded number of errors) into *errs. */
void net_socket_take_errors(int fd, struct net_sock_errors *errs);
/* A device's MTU now (SIOCGIFMTU through any socket fd). 0 or -errno. */
int net_if_mtu(int sock_fd, const char *ifname, unsigned *ret_mtu);

/*
 * Resolve a gateway name or dotted quad to an IPv4 address (network byte
 * order). Numeric input never touches the resolver; names go through
 * getaddrinfo(), which blocks: call it off the main loop. 0, -EINVAL (empty),
 * -ENOENT (no such name or no IPv4 address), -EAGAIN (temporary resolver
 * failure) or -EIO.
 */
int net_resolve_ipv4(const char *host, uint32_t *ret);

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
/*
 * Add fe80::IID/64 once IPv6CP opens, which real gateways do after IPCP;
 * recorded like the rest, so net_config_undo() removes it. 0 or -errno with
 * a malloc'd reason in *ret_error.
 */
int net_config_add_ipv6(struct net_state *state, const uint8_t iid[8], char **ret_error);
/*
 * A TUN device the caller configures (configure-network=false), before it
 * is up: no kernel link-local address, no default route from a Router
 * Advertisement. Best effort (IPv6 may be off).
 */
void net_ipv6_leave_to_caller(const char *ifname);
/* Undo everything net_config_apply() did; NULL-safe; frees state. */
void net_config_undo(struct net_state *state);

/* Names of the DNS back end in use ("systemd-resolved", "resolv.conf", "none"). */
const char *net_state_dns_backend(const struct net_state *state);

/*
 * Where the resolv.conf back end writes and keeps its crash backup
 * (resolv.conf.<ifname>.orig in backup_dir). NULL restores the default
 * (/etc/resolv.conf, /run/roadvpn). For tests and unusual systems.
 */
void net_dns_set_paths(const char *resolv_conf, const char *backup_dir);
/*
 * Use systemd-resolved when it runs (default true). Tests turn it off: the
 * system bus is shared across network namespaces and resolved would apply
 * our interface index to its own namespace's link.
 */
void net_dns_set_use_resolved(bool use);
/*
 * At daemon start-up: put back a resolv.conf left behind by a crashed
 * instance (only while it still holds what we wrote), then drop the stale
 * backups. Best effort; returns how many files were restored.
 */
int net_dns_restore_stale(void);

/*
 * Crash recovery, for a helper restarted after its predecessor died: remove
 * a TUN device left behind (by name), and the gateway /32 route that
 * net_config_apply() pins for a full tunnel (RTPROT_STATIC in the main
 * table, which does not go away with the device). 0 when something was
 * removed, -errno otherwise (-ENODEV, -ESRCH: nothing was there).
 */
int net_stale_link_delete(const char *ifname);
int net_stale_gateway_route_delete(uint32_t gateway4);

/*
 * Crash records in dir (the helper's state directory, also the DNS backup
 * directory): while a connection's host configuration is applied, a record
 * of what to undo should its helper die. net_stale_cleanup() replays the
 * records of dead helpers (device, gateway route), then restores a stale
 * resolv.conf (net_dns_restore_stale()). Returns how many items it cleaned.
 */
void net_stale_record(const char *dir, const char *ifname, uint32_t gateway4, bool full_tunnel);
void net_stale_forget(const char *dir, const char *ifname);
int net_stale_cleanup(const char *dir);

/*
 * The underlay (underlay.c): how the gateway is reached when the tunnel's
 * routes are left out, for noticing that the network under a tunnel
 * changed (another interface or next hop, our address gone).
 */
struct net_underlay {
	int ifindex;             /* the device the gateway is reached through */
	uint32_t via;            /* next hop, network byte order; 0: on the link */
};
/*
 * The main table's route to gateway4 (longest prefix, then lowest metric),
 * ignoring routes through skip_ifindex (the TUN) and the /32 in *pinned
 * (the one net_config_apply() pinned; NULL or ifindex 0: none). 0,
 * -ENETUNREACH when there is none, or -errno.
 */
int net_underlay_route4(uint32_t gateway4, int skip_ifindex, const struct net_underlay *pinned,
			struct net_underlay *ret);
/* Whether addr is still one of this host's addresses (true when it cannot tell). */
bool net_address_is_local4(uint32_t addr);
/* An rtnetlink socket (non-blocking) that hears of links, IPv4 addresses and routes. */
int net_watch_open(int *ret_fd);
/*
 * Read what is queued on it: 1 when a notification may change how a gateway
 * is reached (anything but skip_ifindex's own objects; the kernel dropping
 * notifications counts), 0 when none does, or -errno.
 */
int net_watch_read(int fd, int skip_ifindex);
/*
 * The gateway's /32 that net_config_apply() pinned (full tunnel), into *ret;
 * false when there is none.
 */
bool net_config_pinned_gateway(const struct net_state *state, struct net_underlay *ret);
/*
 * Move that pin to the path the underlay takes now (net_underlay_route4()
 * without the TUN and the old pin), or put it back on the same path when
 * the kernel removed it (with the device's last address): 1 moved or put
 * back, 0 nothing to do (no pin, no route, or there as it is), -errno.
 */
int net_config_follow_gateway(struct net_state *state);

/* A new MTU for the configured TUN (a lower path MTU); 0 or -errno. */
int net_config_set_mtu(struct net_state *state, uint16_t mtu);

/*
 * The kill switch: an nftables table of ours (inet family, output and
 * forward hooks, policy drop) that lets out only loopback, the TUN devices
 * (tun_prefix*), DHCP, and IKE/NAT-T/ESP (ipsec) or L2TP (in clear) to the
 * gateway; with allow_lan also the private, link-local and multicast
 * networks. Named by net_killswitch_table_name(), with a crash record in
 * the state directory (net_dns_set_paths()' backup_dir) while it exists,
 * so a dead helper's table is removed (net_killswitch_cleanup_stale(), also
 * run by net_stale_cleanup()) and nft runs only when a record says a table
 * may be left. Through the nft binary (killswitch.c says why).
 */
struct net_killswitch_config {
	uint32_t gateway4;
	bool ipsec;
	bool allow_lan;
	const char *tun_prefix;
};

/* roadvpn_<our pid>_<n>; g_free() it. */
char *net_killswitch_table_name(unsigned n);
/* Install, or atomically replace, the table. 0 or -errno with *ret_error (g_free()). */
int net_killswitch_hold(const char *table, const struct net_killswitch_config *cfg,
			char **ret_error);
/* Remove it (a warning when it cannot be). 0 or -errno. */
int net_killswitch_release(const char *table);
/* Remove the recorded tables of helpers that are gone (this namespace's). How many. */
int net_killswitch_cleanup_stale(void);
