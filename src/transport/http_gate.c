/* http_gate: a FIFO lock with a bounded queue and time-outs. */
#include "transport/http_gate.h"

#include <errno.h>
#include <time.h>

/* One waiting caller; lives on that caller's stack while it waits. */
struct gate_waiter {
    gate_waiter *prev, *next;
    int granted;                /* leave handed the core to this waiter */
};

int http_gate_init(http_gate *g, unsigned queue_max)
{
    *g = (http_gate){ .queue_max = queue_max };
    if (pthread_mutex_init(&g->mu, NULL) != 0)
        return -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        pthread_mutex_destroy(&g->mu);
        return -1;
    }
    return 0;
}

void http_gate_destroy(http_gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

static void unlink_waiter(http_gate *g, gate_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        g->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        g->tail = w->prev;
    g->waiting--;
}

gate_result http_gate_enter(http_gate *g, long timeout_ms, unsigned *queued)
{
    pthread_mutex_lock(&g->mu);
    *queued = g->waiting;
    if (g->stopped) {
        pthread_mutex_unlock(&g->mu);
        return GATE_STOPPED;
    }
    if (!g->busy && !g->head) {
        g->busy = 1;
        pthread_mutex_unlock(&g->mu);
        return GATE_OK;
    }
    if (timeout_ms >= 0 && g->waiting >= g->queue_max) {
        pthread_mutex_unlock(&g->mu);
        return GATE_FULL;
    }
    gate_waiter w = { .prev = g->tail };
    if (g->tail)
        g->tail->next = &w;
    else
        g->head = &w;
    g->tail = &w;
    g->waiting++;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    if (timeout_ms >= 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    gate_result r = GATE_OK;
    while (!w.granted && !g->stopped) {
        int rc = timeout_ms >= 0 ? pthread_cond_timedwait(&g->cv, &g->mu, &until)
                                 : pthread_cond_wait(&g->cv, &g->mu);
        if (rc == ETIMEDOUT && !w.granted) {
            r = GATE_TIMEOUT;
            break;
        }
    }
    if (!w.granted) {
        unlink_waiter(g, &w);
        if (r == GATE_OK)
            r = GATE_STOPPED;
    }
    pthread_mutex_unlock(&g->mu);
    return r;
}

void http_gate_leave(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    gate_waiter *w = g->stopped ? NULL : g->head;
    if (w) {
        /* Hand over directly: busy stays set, so nobody can overtake. */
        unlink_waiter(g, w);
        w->granted = 1;
        pthread_cond_broadcast(&g->cv);
    } else {
        g->busy = 0;
    }
    pthread_mutex_unlock(&g->mu);
}

void http_gate_stop(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->stopped = 1;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
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
