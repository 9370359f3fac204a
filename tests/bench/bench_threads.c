/* bench_threads: how long a helper thread takes to run its first
 * instruction when its creator stays busy (as the slice decoder does when
 * it starts the encoder), started by pthread_create and by
 * platform_thread_beside (src/util/platform.c).  Interleaved, after a
 * short sleep each, as a call follows a wait for Slicer.
 *
 *   bench_threads [N]     N starts of each (default 200) */
#include "util/platform.h"
#include "bench_time.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BUSY_US 3000.0      /* about a 512x512 slice's decoding */

static atomic_int started;
static double started_at;

static void *first(void *arg)
{
    (void)arg;
    started_at = now_us();
    atomic_store(&started, 1);
    return NULL;
}

/* Microseconds from the call to the thread's first instruction; the
 * creator spins meanwhile, at most BUSY_US. */
static double one(int beside)
{
    struct timespec pause = { 0, 5000000 };
    nanosleep(&pause, NULL);
    atomic_store(&started, 0);
    pthread_t t;
    double t0 = now_us();
    if ((beside ? platform_thread_beside(&t, first, NULL) : pthread_create(&t, NULL, first, NULL)) != 0)
        return -1;
    while (!atomic_load(&started) && now_us() - t0 < BUSY_US)
        ;
    pthread_join(t, NULL);
    return started_at - t0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 10)
        n = 10;
    double *v[2] = { malloc(sizeof(double) * (size_t)n), malloc(sizeof(double) * (size_t)n) };
    if (!v[0] || !v[1])
        return 1;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
            v[k][i] = one(k);
    printf("helper thread start, creator busy up to %.0f ms (%d starts each, interleaved;\n"
           "microseconds from the call to the thread's first instruction)\n", BUSY_US / 1e3, n);
    const char *name[2] = { "pthread_create", "platform_thread_beside" };
    for (int k = 0; k < 2; k++) {
        qsort(v[k], (size_t)n, sizeof(double), cmpd);
        printf("  %-24s p10 %7.0f  p50 %7.0f  p90 %7.0f  max %7.0f\n", name[k], v[k][n / 10],
               v[k][n / 2], v[k][n * 9 / 10], v[k][n - 1]);
    }
    free(v[0]);
    free(v[1]);
    return 0;
}
