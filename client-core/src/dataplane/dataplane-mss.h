#pragma once
/*
 * Private to the data plane: TCP MSS clamping (see dataplane-mss.c). Pure
 * functions over bytes; no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SYNs longer than this (data on the SYN: TCP Fast Open) go unclamped on the way in. */
#define DP_SYN_MAX 256

/*
 * Where the MSS option's value sits in ip when it is a TCP SYN (or SYN-ACK)
 * over IPv4 or IPv6 that carries one; 0 otherwise, and for anything
 * malformed. Reads nothing outside ip[0..len).
 */
size_t dp_syn_mss_at(const uint8_t *ip, size_t len);
/*
 * Lower the MSS at `at` (from dp_syn_mss_at()) to what a link of `mtu`
 * carries (mtu less 40 for IPv4, 60 for IPv6), updating the TCP checksum.
 * True when it changed; a smaller MSS, or an mtu too small to mean
 * anything, is left alone.
 */
bool dp_mss_clamp(uint8_t *ip, size_t len, size_t at, unsigned mtu);
