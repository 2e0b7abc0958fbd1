#pragma once
/*
 * Diffie-Hellman for IKE: the MODP groups of RFC 2409 §6 and RFC 3526 and
 * the NIST ECP groups of RFC 5903. One object holds one ephemeral key pair.
 * Values on the wire are fixed-length big-endian: a MODP public value is
 * padded to the prime's length, an ECP public value is x | y (RFC 5903 §7),
 * and the ECP shared secret is the x coordinate only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IANA IKE group numbers, so they go on the wire as they are. */
enum rv_dh_group {
	RV_DH_MODP1024 = 2,
	RV_DH_MODP1536 = 5,
	RV_DH_MODP2048 = 14,
	RV_DH_MODP3072 = 15,
	RV_DH_MODP4096 = 16,
	RV_DH_ECP256 = 19,
	RV_DH_ECP384 = 20,
};

#define RV_DH_MAX_LEN 512

struct rv_dh;

bool rv_dh_group_supported(unsigned int group);
/* Public value length on the wire (also the shared secret length for MODP). */
size_t rv_dh_public_len(enum rv_dh_group group);
size_t rv_dh_secret_len(enum rv_dh_group group);

/* Generate a fresh key pair; NULL on failure or an unknown group. */
struct rv_dh *rv_dh_new(enum rv_dh_group group);
void rv_dh_free(struct rv_dh *dh);
enum rv_dh_group rv_dh_group(const struct rv_dh *dh);

/* Our public value into out (rv_dh_public_len() bytes). 0 or -EIO. */
int rv_dh_public(const struct rv_dh *dh, uint8_t *out, size_t out_len);
/*
 * Shared secret with the peer's public value into out, which holds
 * rv_dh_secret_len() bytes. The peer's value is validated (range for MODP,
 * on-curve for ECP). 0, -EINVAL (bad peer value) or -EIO.
 */
int rv_dh_compute(const struct rv_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_len);
