/* test_platform: platform_thread_beside runs its function like
 * pthread_create, leaves the thread the caller's CPUs, and (Linux, two
 * CPUs or more, not the POSIX-only build, which the Makefile tells this
 * file) begins it on a CPU other than the busy caller's. */
#define _GNU_SOURCE
#include "util/platform.h"
#include "testlib.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

typedef struct {
    int in;
#ifdef __linux__
    cpu_set_t mask;     /* the thread's CPUs, as it saw them */
    int mask_ok;
#endif
    atomic_int cpu;     /* the CPU it first ran fn on (Linux; else 0); -1 until then */
} job;

static void *record(void *arg)
{
    job *j = arg;
#ifdef __linux__
    atomic_store(&j->cpu, sched_getcpu());
    j->mask_ok = pthread_getaffinity_np(pthread_self(), sizeof j->mask, &j->mask) == 0;
#else
    atomic_store(&j->cpu, 0);
#endif
    return (void *)(long)(j->in * 2);
}

static void test_runs_like_pthread_create(void)
{
    job j = { .in = 21, .cpu = -1 };
    pthread_t t;
    T_ASSERT(platform_thread_beside(&t, record, &j) == 0, "thread started");
    void *ret = NULL;
    T_ASSERT(pthread_join(t, &ret) == 0, "joined");
    T_CHECK((long)ret == 42, "fn(arg)'s value comes back through join: %ld", (long)ret);
    T_CHECK(atomic_load(&j.cpu) >= 0, "fn ran");
}

#ifdef __linux__
/* Begun elsewhere, it must not stay confined: the encoder it carries
 * may later need the caller's CPU. */
static void test_keeps_the_callers_cpus(void)
{
    cpu_set_t mine;
    T_ASSERT(pthread_getaffinity_np(pthread_self(), sizeof mine, &mine) == 0, "own CPUs");
    job j = { .cpu = -1 };
    pthread_t t;
    T_ASSERT(platform_thread_beside(&t, record, &j) == 0, "thread started");
    pthread_join(t, NULL);
    T_ASSERT(j.mask_ok, "the thread read its CPUs");
    T_CHECK(CPU_EQUAL(&j.mask, &mine), "the thread may run on %d CPUs, the caller on %d",
            CPU_COUNT(&j.mask), CPU_COUNT(&mine));
}

#ifndef SLICER_MCP_POSIX_ONLY
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The caller stays busy on its CPU, as the image decoder does; a try
 * counts only if the caller never left that CPU meanwhile. */
static void test_begins_beside_a_busy_caller(void)
{
    cpu_set_t all, two;
    T_ASSERT(pthread_getaffinity_np(pthread_self(), sizeof all, &all) == 0, "own CPUs");
    CPU_ZERO(&two);
    for (int c = 0, n = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &all)) {
            CPU_SET(c, &two);
            n++;
        }
    T_ASSERT(pthread_setaffinity_np(pthread_self(), sizeof two, &two) == 0, "pinned to two CPUs");
    int tries = 0, elsewhere = 0;
    for (int i = 0; i < 50; i++) {
        int me = sched_getcpu();
        job j = { .cpu = -1 };
        pthread_t t;
        if (platform_thread_beside(&t, record, &j) != 0)
            break;
        int stayed = 1;
        for (double t0 = now_ms(); atomic_load(&j.cpu) < 0 && now_ms() - t0 < 100;)
            stayed &= sched_getcpu() == me;
        pthread_join(t, NULL);
        if (!stayed)
            continue;
        tries++;
        elsewhere += j.cpu != me;
    }
    pthread_setaffinity_np(pthread_self(), sizeof all, &all);
    T_ASSERT(tries >= 10, "only %d of 50 tries kept the caller on one CPU", tries);
    T_CHECK(elsewhere == tries, "began on the caller's own CPU in %d of %d tries",
            tries - elsewhere, tries);
}
#endif
#endif

int main(void)
{
    t_run("platform_thread_beside_runs_fn", test_runs_like_pthread_create);
#ifdef __linux__
    t_run("platform_thread_beside_keeps_callers_cpus", test_keeps_the_callers_cpus);
#endif
#if defined(__linux__) && !defined(SLICER_MCP_POSIX_ONLY)
    cpu_set_t all;
    if (pthread_getaffinity_np(pthread_self(), sizeof all, &all) == 0 && CPU_COUNT(&all) >= 2)
        t_run("platform_thread_beside_begins_on_another_cpu", test_begins_beside_a_busy_caller);
#endif
    return t_done();
}
