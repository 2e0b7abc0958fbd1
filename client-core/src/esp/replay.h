#pragma once
/*
 * Anti-replay window (RFC 4303 section 3.4.3) as an RFC 6479 ring of 64-bit
 * blocks. Verify and commit are split so the window only moves after the
 * packet has been authenticated; commit re-checks, so two copies of one
 * packet verified before either commits still yield one acceptance.
 */
#include <stdint.h>

#include "esp.h"

/* Power of two and more than ESP_REPLAY_WINDOW / 64 + 1, so live blocks never alias. */
#define ESP_REPLAY_BLOCKS 32

struct esp_replay {
	uint32_t top; /* highest authenticated sequence number; 0 before the first */
	uint64_t bitmap[ESP_REPLAY_BLOCKS];
};

void esp_replay_init(struct esp_replay *r);
/* 0 when seq may be new; -EALREADY when seen, too old, or 0. Changes nothing. */
int esp_replay_verify(const struct esp_replay *r, uint32_t seq);
/* Record an authenticated seq: 0, or -EALREADY if it was recorded meanwhile. */
int esp_replay_commit(struct esp_replay *r, uint32_t seq);
