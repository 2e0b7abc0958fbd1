#pragma once
/* Time is an argument in protocol code: only session/ and daemon/ read the clock. */
#include <stdint.h>

typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t)UINT64_MAX)
#define USEC_PER_MSEC ((usec_t)1000ULL)
#define USEC_PER_SEC ((usec_t)1000000ULL)

usec_t rv_now_usec(void);

static inline usec_t rv_usec_min(usec_t a, usec_t b)
{
	return a < b ? a : b;
}
