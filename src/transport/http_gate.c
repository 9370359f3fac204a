/* http_gate: the core thread and its FIFO queue with time-outs. */
#include "transport/http_gate.h"
#include "util/mono.h"

#include <time.h>

/* A cond var on the monotonic clock, so waits survive wall-clock jumps. */
static int cond_init_mono(pthread_cond_t *cv)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
    return rc;
}

/* One ticket at a time, oldest first; after a stop, the one in progress
 * is the last. */
static void *core_main(void *arg)
{
    http_gate *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->head && !g->stopped)
            pthread_cond_wait(&g->work, &g->mu);
        gate_ticket *t = g->stopped ? NULL : g->head;
        if (!t)
            break;
        g->head = t->next;
        if (!g->head)
            g->tail = NULL;
        if (t->deadline_ms)
            g->waiting--;
        g->busy = 1;
        pthread_mutex_unlock(&g->mu);
        t->run(t);
        pthread_mutex_lock(&g->mu);
        g->busy = 0;
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int http_gate_start(http_gate *g, unsigned queue_max)
{
    *g = (http_gate){ .queue_max = queue_max };
    if (pthread_mutex_init(&g->mu, NULL) != 0)
        return -1;
    if (cond_init_mono(&g->work) != 0)
        goto no_work;
    if (cond_init_mono(&g->timer) != 0)
        goto no_timer;
    if (pthread_create(&g->core, NULL, core_main, g) != 0)
        goto no_thread;
    return 0;
no_thread:
    pthread_cond_destroy(&g->timer);
no_timer:
    pthread_cond_destroy(&g->work);
no_work:
    pthread_mutex_destroy(&g->mu);
    return -1;
}

gate_result http_gate_enter(http_gate *g, gate_ticket *t, long timeout_ms, unsigned *queued)
{
    pthread_mutex_lock(&g->mu);
    *queued = g->waiting;
    gate_result r = g->stopped ? GATE_STOPPED
                  : timeout_ms >= 0 && g->waiting >= g->queue_max ? GATE_FULL : GATE_OK;
    if (r == GATE_OK) {
        t->next = NULL;
        t->deadline_ms = timeout_ms >= 0 ? mono_ms() + (double)timeout_ms : 0;
        if (g->tail)
            g->tail->next = t;
        else
            g->head = t;
        g->tail = t;
        if (t->deadline_ms)          /* a call; the housekeeping has none */
            g->waiting++;
        if (!g->busy && g->head == t)
            pthread_cond_signal(&g->work);
        /* Deadlines grow along the queue, so only a new head can be due
         * before the idle loop next looks. */
        if (g->head == t && t->deadline_ms && t->deadline_ms < g->timer_at)
            pthread_cond_signal(&g->timer);
    }
    pthread_mutex_unlock(&g->mu);
    return r;
}

void http_gate_tick(http_gate *g, double until_ms)
{
    gate_ticket *expired = NULL, **end = &expired;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        double now = mono_ms();
        /* Waiting housekeeping (no deadline) never times out; calls queued
         * behind it keep their own deadlines. */
        gate_ticket **pp = &g->head, *prev = NULL;
        while (*pp) {
            gate_ticket *t = *pp;
            if (t->deadline_ms && t->deadline_ms <= now) {
                *pp = t->next;
                if (g->tail == t)
                    g->tail = prev;
                g->waiting--;
                t->next = NULL;
                *end = t;
                end = &t->next;
            } else {
                prev = t;
                pp = &t->next;
            }
        }
        double next = until_ms;
        for (gate_ticket *t = g->head; t; t = t->next)
            if (t->deadline_ms) {
                if (t->deadline_ms < next)
                    next = t->deadline_ms;
                break;   /* the first with a deadline is the earliest */
            }
        if (expired || next <= now || g->stopped)
            break;
        g->timer_at = next;
        struct timespec until = mono_deadline(CLOCK_MONOTONIC, (long)(next - now) + 1);
        pthread_cond_timedwait(&g->timer, &g->mu, &until);
    }
    g->timer_at = 0;
    pthread_mutex_unlock(&g->mu);
    while (expired) {
        gate_ticket *t = expired;
        expired = t->next;
        t->refuse(t, GATE_TIMEOUT);
    }
}

void http_gate_stop(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    int first = !g->stopped;
    g->stopped = 1;
    gate_ticket *left = g->head;
    g->head = g->tail = NULL;
    g->waiting = 0;
    pthread_cond_broadcast(&g->work);
    pthread_cond_broadcast(&g->timer);
    pthread_mutex_unlock(&g->mu);
    while (left) {
        gate_ticket *t = left;
        left = t->next;
        t->refuse(t, GATE_STOPPED);
    }
    if (first)
        pthread_join(g->core, NULL);
}

unsigned http_gate_waiting(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    unsigned n = g->waiting;
    pthread_mutex_unlock(&g->mu);
    return n;
}

int http_gate_stopped(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    int stopped = g->stopped;
    pthread_mutex_unlock(&g->mu);
    return stopped;
}

void http_gate_destroy(http_gate *g)
{
    pthread_cond_destroy(&g->timer);
    pthread_cond_destroy(&g->work);
    pthread_mutex_destroy(&g->mu);
}
