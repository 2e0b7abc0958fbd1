#pragma once
/*
 * The data plane of one connection: TUN <-> (PPP, L2TP, ESP done by the
 * caller's encap/decap) <-> the network socket, batched both ways.
 *
 *   TUN read  -> ops->encap(ip)        -> dataplane_send() -> sendmmsg
 *   recvmmsg  -> ops->decap(datagram)  -> dataplane_deliver() -> TUN write
 *
 * With a TUN opened by net_tun_open_offload() the TUN side moves 64 KiB
 * super-packets: TSO/USO reads are cut into MSS-sized packets before encap,
 * and consecutive TCP segments or equal-sized UDP datagrams of one flow
 * (IPv4 and IPv6) are merged before the TUN write. TCP SYNs either way
 * have their MSS clamped to what the TUN's MTU carries (dataplane-mss.c).
 *
 * The caller may leave the costly part of each datagram (ESP crypto) to a
 * crypto stage (ops.seal, ops.open) that the data plane runs for a whole
 * batch at once, on several threads when the keys allow it.
 *
 * It runs either from the caller's event loop (dataplane_tun_input() /
 * dataplane_net_input() when the fds are readable) or on a thread of its
 * own (dataplane_start(): epoll over the TUN, the socket and an eventfd).
 * In the thread the ops run on that thread: whatever they touch must not be
 * used by another thread at the same time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "util/clock.h"
#include "util/pkt.h"

struct dataplane;

struct dataplane_ops {
	/* One IP packet from the TUN: frame it and hand the result to dataplane_send(). */
	int (*encap)(void *user_data, struct pkt *p);
	/*
	 * One datagram from the socket: IP packets found in it go to
	 * dataplane_deliver(). opened is what ops.open returned for it (0
	 * without ops.open). May be NULL when the caller receives itself and
	 * never calls dataplane_net_input() or dataplane_start().
	 */
	void (*decap)(void *user_data, struct pkt *p, int opened, usec_t now);
	/*
	 * Optional crypto stage, spread over `lanes` threads (this one and
	 * the workers of cfg.crypto_workers) when ops.lanes allows more than
	 * one. seal: each datagram queued by dataplane_send_unsealed(), just
	 * before its batch is sent; < 0 drops it. open: each datagram
	 * received, before decap sees the first of its batch. Called between
	 * the batch brackets, on any lane, for different packets at once:
	 * they must touch only the packet and the lane's own state.
	 */
	int (*seal)(void *user_data, unsigned lane, struct pkt *p);
	int (*open)(void *user_data, unsigned lane, struct pkt *p);
	/* Lanes the current keys have for seal (true) or open (false); NULL: 1. */
	unsigned (*lanes)(void *user_data, bool seal);
	/*
	 * Optional: called with true before and false after each batch of
	 * encap or decap calls (a TUN read, a socket receive), on the thread
	 * that runs them. A caller whose ops share state with another thread
	 * takes its lock here: once per batch, never per packet.
	 */
	void (*batch)(void *user_data, bool begin);
	/*
	 * Optional: a router on the way to the peer said "fragmentation
	 * needed" (ICMP) for a datagram of the socket; mtu is the next-hop
	 * MTU it gave. Set, the socket is watched for it (net_socket_watch_pmtu);
	 * the kernel has lowered its path MTU already. On the thread that runs
	 * the data plane, outside any batch.
	 */
	void (*path_mtu)(void *user_data, unsigned mtu);
};

struct dataplane_config {
	const struct net_tun *tun;   /* borrowed; may be opened later; its vnet_hdr decides framing */
	int net_fd;                  /* -1: set later with dataplane_set_net_fd() */
	bool net_raw_esp;            /* net_fd is a raw ESP socket: strip the IP header */
	bool udp_offload;            /* UDP_SEGMENT on send, UDP_GRO on receive (UDP sockets) */
	unsigned crypto_workers;     /* threads for the crypto stage, made when first needed */
};

struct dataplane_stats {
	uint64_t tun_reads, tun_writes;       /* system calls */
	uint64_t packets_out, bytes_out;      /* IP packets taken from the TUN and encapsulated */
	uint64_t packets_in, bytes_in;        /* IP packets delivered to the TUN */
	uint64_t send_drops, tun_write_errors;
	uint64_t net_sends, net_recvs;        /* sendmmsg / recvmmsg calls */
	uint64_t crypto_drops;                /* ops.seal failed */
	uint64_t parallel_batches;            /* crypto stages run on more than one lane */
};

struct dataplane *dataplane_new(const struct dataplane_config *cfg, const struct dataplane_ops *ops,
				void *user_data);
/* NULL-safe; stops the thread first. Does not close the fds. */
void dataplane_free(struct dataplane *dp);
/*
 * The socket to receive from (-1: none). A UDP socket gets UDP_GRO while it
 * is the data plane's (with udp_offload); replacing it turns GRO off again,
 * so that whoever reads it next gets one datagram per receive.
 */
void dataplane_set_net_fd(struct dataplane *dp, int fd, bool raw_esp);

/* Read and encapsulate one batch from the TUN. Returns packets read or -errno. */
int dataplane_tun_input(struct dataplane *dp);
/* Receive and decapsulate one batch from the socket. Returns datagrams or -errno. */
int dataplane_net_input(struct dataplane *dp, usec_t now);
/* The socket polled with an error (POLLERR): read its error queue (ops.path_mtu). */
void dataplane_net_error(struct dataplane *dp);

/*
 * Queue a datagram for fd (inside encap: sent with the batch; outside: at
 * once). p must stay valid until the batch ends. 0 or -errno.
 */
int dataplane_send(struct dataplane *dp, int fd, struct pkt *p);
/* The same for a datagram that ops.seal must finish before it goes out. */
int dataplane_send_unsealed(struct dataplane *dp, int fd, struct pkt *p);
/*
 * An IP packet for the TUN: between dataplane_rx_begin() and
 * dataplane_flush() (always inside decap) TCP and UDP are coalesced and
 * written with the batch, otherwise it is written at once. 0 or -errno.
 */
int dataplane_deliver(struct dataplane *dp, const uint8_t *ip, size_t len);
/*
 * One IP packet to the TUN at once, from any thread, even while the data
 * plane thread runs: no batch state, no coalescing, not counted. 0 or -errno.
 */
int dataplane_write_tun(const struct dataplane *dp, const uint8_t *ip, size_t len);
/* A caller that receives datagrams itself brackets each batch with these two. */
void dataplane_rx_begin(struct dataplane *dp);
/* Write out whatever is queued either way and end the batch. */
void dataplane_flush(struct dataplane *dp);

/*
 * Run on a thread of its own until dataplane_stop(). 0 or -errno. Until it
 * stops, only dataplane_get_stats() may be called from other threads; the
 * fds stay open and their readiness belongs to the thread.
 */
int dataplane_start(struct dataplane *dp);
void dataplane_stop(struct dataplane *dp);
bool dataplane_is_running(const struct dataplane *dp);
/* One line for the log: where it runs and which offloads are on. */
void dataplane_describe(const struct dataplane *dp, char *buf, size_t size);

/* Threads for the crypto stage of CBC suites (ROADVPN_CRYPTO_WORKERS, else CPUs - 1), read once. */
unsigned dataplane_crypto_workers(void);

/* A snapshot; safe to call while the thread runs (counters may be torn, never freed). */
void dataplane_get_stats(const struct dataplane *dp, struct dataplane_stats *ret);
