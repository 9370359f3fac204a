/* mono: the monotonic clock in milliseconds, for latencies and time-outs
 * (the wall clock can jump; this one cannot). */
#ifndef MONO_H
#define MONO_H

#include <time.h>

static inline double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif
