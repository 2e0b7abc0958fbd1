#pragma once
/* Private to esp/ (and its tests): the SA layout shared by sa.c, seal.c and open.c. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keyed.h"
#include "esp.h"
#include "replay.h"

#define ESP_GCM_SALT_LEN 4
#define ESP_GCM_IV_LEN 8
#define ESP_MAX_IV_LEN 16
/* Random CBC IVs are drawn in bulk: one RNG call per this many bytes, not one per packet. */
#define ESP_IV_POOL_LEN 4096

struct esp_sa {
	uint32_t spi;
	bool is_outbound;
	bool is_aead;
	size_t iv_len;
	size_t align; /* payload + padding + trailer is a multiple of this */
	size_t icv_len;
	uint8_t salt[ESP_GCM_SALT_LEN];
	unsigned lanes;
	/* One keyed pair per lane, so that lanes seal or open different packets at once. */
	struct rv_cipher *cipher[ESP_MAX_LANES];
	struct rv_mac *mac[ESP_MAX_LANES];
	uint32_t seq; /* outbound: last sequence number sent */
	struct esp_replay replay; /* inbound */
	size_t iv_pool_pos;
	uint8_t iv_pool[ESP_IV_POOL_LEN];
};

/* Padding so that len + padding + 2 (pad length, next header) is a multiple of align. */
static inline size_t esp_pad_len(const struct esp_sa *sa, size_t len)
{
	return (sa->align - (len + 2) % sa->align) % sa->align;
}

static inline void esp_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
