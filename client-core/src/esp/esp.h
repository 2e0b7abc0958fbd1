#pragma once
/*
 * ESP in transport mode (RFC 4303) with UDP encapsulation (RFC 3948), the
 * only header session/ includes from esp/. It knows nothing of IKE: the
 * child SA arrives as a neutral esp_sa_params (SPI, algorithm ids, keys).
 *
 * One esp_sa is one direction of one SA. Its cipher and MAC are keyed once
 * at creation; seal and open only set the IV per packet, never allocate,
 * never lock, and work in place on a struct pkt (headers pushed into the
 * headroom, trailer and ICV put into the tailroom). An SA is used by one
 * thread at a time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/pkt.h"

enum esp_cipher {
	ESP_CIPHER_AES_CBC,   /* RFC 3602; enc_key_len 16, 24 or 32 */
	ESP_CIPHER_3DES_CBC,  /* RFC 2451; enc_key_len 24 */
	ESP_CIPHER_AES_GCM16, /* RFC 4106, 16-byte ICV; enc_key_len 16/24/32 + 4-byte salt */
};

enum esp_integ {
	ESP_INTEG_NONE,            /* only with AES-GCM */
	ESP_INTEG_HMAC_MD5_96,     /* RFC 2403; 16-byte key */
	ESP_INTEG_HMAC_SHA1_96,    /* RFC 2404; 20-byte key */
	ESP_INTEG_HMAC_SHA256_128, /* RFC 4868; 32-byte key */
};

struct esp_sa_params {
	uint32_t spi; /* as on the wire, host order (outbound: chosen by the peer; inbound: ours) */
	enum esp_cipher cipher;
	const uint8_t *enc_key;
	size_t enc_key_len; /* incl. the 4-byte salt for GCM (RFC 4106 section 8.1) */
	enum esp_integ integ;
	const uint8_t *integ_key;
	size_t integ_key_len;
	/* Cipher and MAC contexts for parallel crypto (the *_crypt functions); 0 means 1. */
	unsigned lanes;
};

#define ESP_MAX_LANES 8

/* Anti-replay window (RFC 4303 section 3.4.3), in packets. */
#define ESP_REPLAY_WINDOW 1024
#define ESP_HDR_LEN 8 /* SPI + sequence number */
#define ESP_NEXT_HEADER_UDP 17
#define ESP_NEXT_HEADER_NONE 59 /* RFC 4303 section 2.6 dummy packet */

struct esp_sa;

/* Keys are copied into the cipher and MAC contexts. NULL on bad parameters or out of memory. */
struct esp_sa *esp_sa_new_outbound(const struct esp_sa_params *params);
struct esp_sa *esp_sa_new_inbound(const struct esp_sa_params *params);
/* NULL-safe; wipes keys, salt and IV material. */
void esp_sa_free(struct esp_sa *sa);

uint32_t esp_sa_spi(const struct esp_sa *sa);
/* Bytes seal adds at most to a payload of payload_len (header, IV, padding, trailer, ICV). */
size_t esp_sa_overhead(const struct esp_sa *sa, size_t payload_len);
/* What seal adds around a payload, for the exact MTU: fixed parts and the padding's alignment. */
struct esp_framing {
	size_t iv_len;
	size_t align;   /* payload + padding + 2 is a multiple of this */
	size_t icv_len;
};
void esp_sa_get_framing(const struct esp_sa *sa, struct esp_framing *ret);
/* Outbound: packets that can still be sealed before the SA must be replaced. */
uint32_t esp_sa_seq_left(const struct esp_sa *sa);

/*
 * Seal p->data (the transport payload: inner UDP header + L2TP) in place:
 * prepend SPI, sequence and IV, append padding, pad length, next header and
 * ICV, encrypt. On return p->data starts at the SPI.
 * 0; -ENOBUFS (headroom/tailroom too small; p unchanged); -EKEYEXPIRED
 * (sequence space used up: rekey; RFC 4303 3.3.3 forbids cycling); -EIO.
 */
int esp_seal(struct esp_sa *sa, struct pkt *p, uint8_t next_header);
/*
 * Open p->data, which starts at the SPI: bounds, anti-replay check,
 * integrity (ICV or GCM tag), anti-replay update, decrypt, padding check.
 * On 0 p->data is the transport payload and *ret_next_header its protocol
 * (ESP_NEXT_HEADER_NONE means a dummy packet to drop). -EBADMSG malformed
 * or not authentic; -EALREADY replayed or too old; -ENOKEY wrong SPI.
 * On failure p's contents are undefined but p->data/len are unchanged.
 */
int esp_open(struct esp_sa *sa, struct pkt *p, uint8_t *ret_next_header);

/*
 * The same two operations cut into a serial and a parallel part, for a
 * data plane that spreads the crypto of a batch over several threads
 * (util/workpool.h). Sequence numbers, IVs and the replay window are
 * serial; the crypto runs on one of the SA's lanes (0 .. lanes-1), one
 * thread per lane at a time.
 *
 * esp_seal_prepare(): the sequence number, IV, header and trailer, in
 * sending order; p->data then starts at the SPI, still in clear. Errors as
 * esp_seal(). esp_seal_crypt(): encrypt and append the ICV of a prepared
 * packet; 0, -EINVAL (no such lane), -EIO. esp_seal() is the two on lane 0.
 */
int esp_seal_prepare(struct esp_sa *sa, struct pkt *p, uint8_t next_header);
int esp_seal_crypt(struct esp_sa *sa, unsigned lane, struct pkt *p);
/*
 * esp_open_crypt(): bounds, anti-replay pre-check, integrity and
 * decryption; changes nothing in the SA and leaves p->data/len as they
 * were, so packets of one SA may go through it on different lanes at once.
 * esp_open_finish(), after esp_open_crypt() returned 0, in arrival order:
 * anti-replay update (a copy that passed the pre-check next to its
 * original fails here with -EALREADY) and the trailer; on 0 p->data is the
 * transport payload. Errors as esp_open(), plus -EINVAL for no such lane.
 * esp_open() is the two on lane 0.
 */
int esp_open_crypt(struct esp_sa *sa, unsigned lane, struct pkt *p);
int esp_open_finish(struct esp_sa *sa, struct pkt *p, uint8_t *ret_next_header);
/* The lanes the SA was made with (>= 1). */
unsigned esp_sa_lanes(const struct esp_sa *sa);

/*
 * Batch forms. Seal stops at the first failure and returns how many were
 * sealed: pkts[0..ret) are ready, pkts[ret] failed with *ret_error (may be
 * NULL) and the rest are untouched. Open tries every packet in order (the
 * replay window sees them as a sequence, so a duplicate inside one batch is
 * caught), stores each result in ret_results[i] and the next header in
 * ret_next_headers[i], and returns how many opened.
 */
size_t esp_seal_batch(struct esp_sa *sa, struct pkt **pkts, size_t n, uint8_t next_header,
		      int *ret_error);
size_t esp_open_batch(struct esp_sa *sa, struct pkt **pkts, size_t n, uint8_t *ret_next_headers,
		      int *ret_results);

/* SPI of an ESP packet (host order), 0 when too short for an ESP header. */
uint32_t esp_packet_spi(const uint8_t *data, size_t len);

/* RFC 3948: what arrived on UDP port 4500. */
enum esp_udpencap_kind {
	ESP_UDPENCAP_INVALID,
	ESP_UDPENCAP_IKE,       /* non-ESP marker (4 zero bytes) then an IKE message */
	ESP_UDPENCAP_ESP,       /* non-zero SPI */
	ESP_UDPENCAP_KEEPALIVE, /* the single byte 0xFF (section 2.3) */
};

#define ESP_NON_ESP_MARKER_LEN 4

enum esp_udpencap_kind esp_udpencap_classify(const uint8_t *data, size_t len);
/* Write a NAT keepalive into buf; returns its length (1) or 0 if cap is 0. */
size_t esp_udpencap_keepalive(uint8_t *buf, size_t cap);

/*
 * Inner UDP header of the transport payload. With addresses the checksum is
 * computed over the pseudo-header (mandatory for IPv6). Without (IPv4 only)
 * it is zero, which RFC 768 allows and RFC 3948 3.1.2 suggests for
 * transport mode across NAT, where the pseudo-header addresses change on
 * the way anyway.
 */
struct esp_udp_addrs {
	bool is_ipv6;
	uint8_t src[16]; /* IPv4 in the first 4 bytes */
	uint8_t dst[16];
};

#define ESP_UDP_HDR_LEN 8
#define ESP_L2TP_PORT 1701

/* Prepend the UDP header to p->data; addrs NULL: IPv4, zero checksum. 0, -ENOBUFS, -EMSGSIZE. */
int esp_udp_push(struct pkt *p, uint16_t src_port, uint16_t dst_port,
		 const struct esp_udp_addrs *addrs);
/*
 * Strip the UDP header of a received transport payload after checking the
 * destination port and the length. The checksum is not verified: ESP has
 * authenticated the payload, and behind NAT the pseudo-header addresses
 * are the pre-NAT ones (RFC 3948 3.1.2). 0, -EBADMSG, -ENOMSG (other port).
 * ret_src_port may be NULL.
 */
int esp_udp_pull(struct pkt *p, uint16_t want_dst_port, uint16_t *ret_src_port);
