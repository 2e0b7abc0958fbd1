/*
 * Anti-replay window, RFC 4303 section 3.4.3 with the bitmap layout of
 * RFC 6479: the window slides by clearing whole blocks instead of shifting
 * a long bit string, so a jump of any size costs at most ESP_REPLAY_BLOCKS
 * stores. Sequence number 0 is never sent (the first packet is 1), so it is
 * refused like a replay.
 */
#include <errno.h>
#include <string.h>

#include "replay.h"

#define BLOCK_BITS 64u
#define BLOCK_MASK (ESP_REPLAY_BLOCKS - 1u)

_Static_assert((ESP_REPLAY_BLOCKS & BLOCK_MASK) == 0, "blocks must be a power of two");
_Static_assert(ESP_REPLAY_BLOCKS > ESP_REPLAY_WINDOW / BLOCK_BITS + 1, "window aliases");

static size_t block_of(uint32_t seq)
{
	return (seq / BLOCK_BITS) & BLOCK_MASK;
}

static uint64_t bit_of(uint32_t seq)
{
	return UINT64_C(1) << (seq % BLOCK_BITS);
}

void esp_replay_init(struct esp_replay *r)
{
	memset(r, 0, sizeof(*r));
}

int esp_replay_verify(const struct esp_replay *r, uint32_t seq)
{
	if (seq == 0)
		return -EALREADY;
	if (seq > r->top)
		return 0;
	/* The window holds top - WINDOW + 1 .. top. */
	if (r->top - seq >= ESP_REPLAY_WINDOW)
		return -EALREADY;

	return (r->bitmap[block_of(seq)] & bit_of(seq)) ? -EALREADY : 0;
}

/* Move top to seq, clearing the blocks that enter the window. */
static void advance(struct esp_replay *r, uint32_t seq)
{
	uint32_t from = r->top / BLOCK_BITS;
	uint32_t steps = seq / BLOCK_BITS - from;

	if (steps > ESP_REPLAY_BLOCKS)
		steps = ESP_REPLAY_BLOCKS;
	for (uint32_t i = 1; i <= steps; i++)
		r->bitmap[(from + i) & BLOCK_MASK] = 0;

	r->top = seq;
}

int esp_replay_commit(struct esp_replay *r, uint32_t seq)
{
	int ret = esp_replay_verify(r, seq);

	if (ret < 0)
		return ret;

	if (seq > r->top)
		advance(r, seq);
	r->bitmap[block_of(seq)] |= bit_of(seq);
	return 0;
}
