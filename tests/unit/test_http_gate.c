/* Unit tests: http_gate, the core thread and its bounded FIFO queue.
 * Callers queue tickets and never wait; the core thread runs them one at
 * a time in arrival order; a full queue refuses at once; a waiter past
 * its deadline is refused by the idle loop's tick; a stop refuses the
 * waiters and lets the ticket in progress finish. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "transport/http_gate.h"
#include "util/mono.h"
#include "testlib.h"

/* What happened to each ticket, under g_mu. */
#define MAX_T 1024
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_ran[MAX_T], g_nran;               /* ticket numbers in run order */
static gate_result g_refused[MAX_T];           /* by ticket number */
static int g_hold, g_holding;                  /* the blocker's run waits while g_hold */
static atomic_int g_running;                   /* runs in progress at once */
static atomic_int g_overlap;                   /* ever more than one */

static void reset(void)
{
    pthread_mutex_lock(&g_mu);
    g_nran = 0;
    memset(g_refused, 0, sizeof g_refused);
    g_hold = g_holding = 0;
    pthread_mutex_unlock(&g_mu);
    atomic_store(&g_overlap, 0);
}

static void run_rec(gate_ticket *t)
{
    if (atomic_fetch_add(&g_running, 1) != 0)
        atomic_store(&g_overlap, 1);
    pthread_mutex_lock(&g_mu);
    g_ran[g_nran++] = (int)(long)t->ud;
    g_holding = 1;
    pthread_cond_broadcast(&g_cv);
    while (g_hold)
        pthread_cond_wait(&g_cv, &g_mu);
    g_holding = 0;
    pthread_mutex_unlock(&g_mu);
    atomic_fetch_sub(&g_running, 1);
}

static void refuse_rec(gate_ticket *t, gate_result why)
{
    pthread_mutex_lock(&g_mu);
    g_refused[(long)t->ud] = why;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

static void ticket(gate_ticket *t, long n)
{
    *t = (gate_ticket){ .ud = (void *)n, .run = run_rec, .refuse = refuse_rec };
}

/* Waits (under no lock) until pred holds. */
#define WAIT_FOR(pred) do { pthread_mutex_lock(&g_mu); while (!(pred)) pthread_cond_wait(&g_cv, &g_mu); \
                            pthread_mutex_unlock(&g_mu); } while (0)

static void release_hold(void)
{
    pthread_mutex_lock(&g_mu);
    g_hold = 0;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

/* A started gate whose core thread is busy with ticket 0 (*hold) until
 * release_hold; 0 when it is. */
static int start_held(http_gate *g, unsigned queue_max, gate_ticket *hold)
{
    reset();
    if (http_gate_start(g, queue_max) != 0)
        return -1;
    unsigned q;
    g_hold = 1;
    ticket(hold, 0);
    if (http_gate_enter(g, hold, 60000, &q) != GATE_OK || q != 0)
        return -1;
    WAIT_FOR(g_holding);                        /* the core thread runs it */
    return 0;
}

static void test_fifo_full(void)
{
    http_gate g;
    gate_ticket t[5];
    unsigned q;
    T_ASSERT(start_held(&g, 2, &t[0]) == 0, "a free gate runs the first at once");
    ticket(&t[1], 1);
    ticket(&t[2], 2);
    T_CHECK(http_gate_enter(&g, &t[1], 60000, &q) == GATE_OK && q == 0, "first waiter");
    T_CHECK(http_gate_enter(&g, &t[2], 60000, &q) == GATE_OK && q == 1, "second waiter, one ahead");
    ticket(&t[3], 3);
    T_CHECK(http_gate_enter(&g, &t[3], 60000, &q) == GATE_FULL && q == 2, "third refused: queue full");
    ticket(&t[4], 4);
    T_CHECK(http_gate_enter(&g, &t[4], -1, &q) == GATE_OK && q == 2,
            "the housekeeping has no queue limit");
    release_hold();
    WAIT_FOR(g_nran == 4);
    T_CHECK(g_ran[0] == 0 && g_ran[1] == 1 && g_ran[2] == 2 && g_ran[3] == 4, "run in arrival order");
    T_CHECK(g_refused[3] == GATE_OK, "the refused one was never queued: no callback");
    http_gate_stop(&g);
    http_gate_destroy(&g);
}

/* The housekeeping waiting behind a long call takes no place from a
 * client: with --http-queue-max 1, a call still gets the one place (it
 * got 503 "1 calls are queued" when a slow Slicer let the idle ticket in
 * first, which test_e2e_http met under valgrind). */
static void test_housekeeping_takes_no_place(void)
{
    http_gate g;
    gate_ticket hold, idle, call, extra;
    unsigned q;
    T_ASSERT(start_held(&g, 1, &hold) == 0, "held");
    ticket(&idle, 1);
    ticket(&call, 2);
    ticket(&extra, 3);
    T_CHECK(http_gate_enter(&g, &idle, -1, &q) == GATE_OK && q == 0, "housekeeping queued");
    T_CHECK(http_gate_enter(&g, &call, 60000, &q) == GATE_OK && q == 0, "a call still finds its place");
    T_CHECK(http_gate_waiting(&g) == 1, "one call waiting: %u", http_gate_waiting(&g));
    T_CHECK(http_gate_enter(&g, &extra, 60000, &q) == GATE_FULL && q == 1, "the next call finds the queue full");
    release_hold();
    WAIT_FOR(g_nran == 3);
    T_CHECK(g_ran[1] == 1 && g_ran[2] == 2, "run in arrival order");
    T_CHECK(http_gate_waiting(&g) == 0, "none waiting after");
    http_gate_stop(&g);
    http_gate_destroy(&g);
}

static void test_timeout(void)
{
    http_gate g;
    gate_ticket hold, late, patient;
    unsigned q;
    T_ASSERT(start_held(&g, 8, &hold) == 0, "held");
    ticket(&late, 1);
    ticket(&patient, 2);
    T_ASSERT(http_gate_enter(&g, &late, 50, &q) == GATE_OK, "a waiter with 50 ms");
    T_ASSERT(http_gate_enter(&g, &patient, 60000, &q) == GATE_OK, "a waiter with a minute");
    /* The tick wakes for the deadline long before its own 60 s end. */
    http_gate_tick(&g, mono_ms() + 60000);
    T_CHECK(g_refused[1] == GATE_TIMEOUT, "the 50 ms waiter timed out: %d", (int)g_refused[1]);
    T_CHECK(g_refused[2] == GATE_OK, "the other still waits");
    release_hold();
    WAIT_FOR(g_nran == 2);
    T_CHECK(g_ran[1] == 2, "the timed-out one never ran; the next did");
    http_gate_stop(&g);
    http_gate_destroy(&g);
}

static void *stopper(void *arg)
{
    http_gate_stop(arg);
    return NULL;
}

static void test_stop(void)
{
    http_gate g;
    gate_ticket t[4];
    unsigned q;
    T_ASSERT(start_held(&g, 8, &t[0]) == 0, "held");
    for (long i = 1; i < 4; i++) {
        ticket(&t[i], i);
        T_ASSERT(http_gate_enter(&g, &t[i], 60000, &q) == GATE_OK, "enter %ld", i);
    }
    pthread_t th;
    pthread_create(&th, NULL, stopper, &g);
    WAIT_FOR(g_refused[1] && g_refused[2] && g_refused[3]);
    T_CHECK(g_refused[1] == GATE_STOPPED && g_refused[2] == GATE_STOPPED && g_refused[3] == GATE_STOPPED,
            "every waiter refused with GATE_STOPPED");
    release_hold();                             /* the one in progress finishes */
    pthread_join(th, NULL);
    T_CHECK(g_nran == 1 && g_ran[0] == 0, "only the one in progress ran: %d", g_nran);
    gate_ticket after;
    ticket(&after, 0);
    T_CHECK(http_gate_enter(&g, &after, 60000, &q) == GATE_STOPPED && http_gate_stopped(&g), "stopped");
    http_gate_destroy(&g);
}

/* Four threads queue 200 tickets each as fast as they can: every ticket
 * runs exactly once, never two at a time, each thread's in its order. */
#define THREADS 4
#define EACH 200
typedef struct {
    http_gate *g;
    int base;
    gate_ticket t[EACH];
    int refused;
} feeder;

static void *feed(void *arg)
{
    feeder *f = arg;
    for (int i = 0; i < EACH; i++) {
        unsigned q;
        ticket(&f->t[i], f->base + i);
        if (http_gate_enter(f->g, &f->t[i], 60000, &q) != GATE_OK)
            f->refused++;
    }
    return NULL;
}

static void test_many(void)
{
    reset();
    http_gate g;
    T_ASSERT(http_gate_start(&g, THREADS * EACH) == 0, "start");
    feeder f[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        f[i] = (feeder){ .g = &g, .base = i * EACH };
        pthread_create(&th[i], NULL, feed, &f[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    WAIT_FOR(g_nran == THREADS * EACH);
    int seen[THREADS * EACH] = { 0 }, last[THREADS] = { -1, -1, -1, -1 }, once = 1, ordered = 1;
    for (int k = 0; k < g_nran; k++) {
        int n = g_ran[k], who = n / EACH;
        once &= seen[n]++ == 0;
        ordered &= n % EACH > last[who];
        last[who] = n % EACH;
    }
    T_CHECK(f[0].refused + f[1].refused + f[2].refused + f[3].refused == 0, "none refused");
    T_CHECK(once, "every ticket ran exactly once");
    T_CHECK(ordered, "each caller's tickets ran in its order");
    T_CHECK(!atomic_load(&g_overlap), "never two at a time");
    http_gate_stop(&g);
    http_gate_destroy(&g);
}

int main(void)
{
    t_run("http_gate_fifo_and_full", test_fifo_full);
    t_run("http_gate_housekeeping_takes_no_place", test_housekeeping_takes_no_place);
    t_run("http_gate_timeout_by_tick", test_timeout);
    t_run("http_gate_stop_refuses_waiters", test_stop);
    t_run("http_gate_many_callers", test_many);
    return t_done();
}
