/* http_gate: a FIFO lock with a bounded queue and time-outs. */
#include "transport/http_gate.h"
#include "util/mono.h"

#include <errno.h>
#include <time.h>

/* One waiting caller; lives on that caller's stack while it waits.  Its
 * own condition variable means a hand-over wakes exactly this caller:
 * with one variable shared by all, every leave woke every waiter to find
 * out which one was meant (about 60 context switches per call at 32
 * clients, issue 19). */
struct gate_waiter {
    gate_waiter *prev, *next;
    pthread_cond_t cv;
    void *payload;              /* returned by the leave that grants */
    int granted;                /* leave handed the core to this waiter */
};

int http_gate_init(http_gate *g, unsigned queue_max)
{
    *g = (http_gate){ .queue_max = queue_max };
    return pthread_mutex_init(&g->mu, NULL) != 0 ? -1 : 0;
}

void http_gate_destroy(http_gate *g)
{
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

gate_result http_gate_enter(http_gate *g, long timeout_ms, unsigned *queued, void *payload,
                            int *handed)
{
    if (handed)
        *handed = 0;
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
    gate_waiter w = { .prev = g->tail, .payload = payload };
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int ok = pthread_cond_init(&w.cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) {
        pthread_mutex_unlock(&g->mu);
        return GATE_FULL;
    }
    if (g->tail)
        g->tail->next = &w;
    else
        g->head = &w;
    g->tail = &w;
    g->waiting++;
    /* Unused when timeout_ms < 0 (no limit). */
    struct timespec until = mono_deadline(CLOCK_MONOTONIC, timeout_ms >= 0 ? timeout_ms : 0);
    gate_result r = GATE_OK;
    while (!w.granted && !g->stopped) {
        int rc = timeout_ms >= 0 ? pthread_cond_timedwait(&w.cv, &g->mu, &until)
                                 : pthread_cond_wait(&w.cv, &g->mu);
        if (rc == ETIMEDOUT && !w.granted) {
            r = GATE_TIMEOUT;
            break;
        }
    }
    if (!w.granted) {
        unlink_waiter(g, &w);
        if (r == GATE_OK)
            r = GATE_STOPPED;
    } else if (handed) {
        *handed = 1;
    }
    pthread_mutex_unlock(&g->mu);
    pthread_cond_destroy(&w.cv);
    return r;
}

void *http_gate_leave(http_gate *g)
{
    void *payload = NULL;
    pthread_mutex_lock(&g->mu);
    gate_waiter *w = g->stopped ? NULL : g->head;
    if (w) {
        /* Hand over directly: busy stays set, so nobody can overtake. */
        unlink_waiter(g, w);
        w->granted = 1;
        payload = w->payload;
        pthread_cond_signal(&w->cv);
    } else {
        g->busy = 0;
    }
    pthread_mutex_unlock(&g->mu);
    return payload;
}

void http_gate_stop(http_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->stopped = 1;
    for (gate_waiter *w = g->head; w; w = w->next)
        pthread_cond_signal(&w->cv);
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
