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

/* clk's time ms milliseconds from now, normalised, for
 * pthread_cond_timedwait: clk is the condition variable's clock
 * (CLOCK_MONOTONIC where pthread_condattr_setclock chose it, else
 * CLOCK_REALTIME). */
static inline struct timespec mono_deadline(clockid_t clk, long ms)
{
    struct timespec t;
    clock_gettime(clk, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

#endif
