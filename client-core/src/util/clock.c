/* Monotonic clock for the layers that own the event loop (session, daemon). */
#include <time.h>

#include "clock.h"

usec_t rv_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}
