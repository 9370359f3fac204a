/* http_gate: the one lock around the core, with a bounded queue.  Slicer
 * is single-threaded and the core (mcp_handle, sessions, the tool set) is
 * not thread-safe, so HTTP calls take turns through this gate: at most
 * one holder, at most queue_max waiters, each waiting at most a time-out.
 * Waiters are served in arrival order (a FIFO of the waiting threads'
 * own stack nodes), so no caller starves, and leave wakes only the one
 * waiter it hands the core to (each waits on its own condition variable). */
#ifndef HTTP_GATE_H
#define HTTP_GATE_H

#include <pthread.h>

typedef enum {
    GATE_OK = 0,
    GATE_FULL,       /* queue_max callers already wait: answer 503 */
    GATE_TIMEOUT,    /* waited longer than the time-out: answer 503 */
    GATE_STOPPED     /* the server is shutting down */
} gate_result;

typedef struct gate_waiter gate_waiter;

typedef struct {
    pthread_mutex_t mu;
    gate_waiter    *head, *tail;    /* waiting callers, oldest first */
    unsigned        waiting;        /* callers queued now */
    unsigned        queue_max;
    int             busy;           /* someone holds the core */
    int             stopped;
} http_gate;

int  http_gate_init(http_gate *g, unsigned queue_max);
void http_gate_destroy(http_gate *g);
/* Waits up to timeout_ms (< 0: no limit, and no queue limit: for the
 * server's own housekeeping) for the core.  *queued gets the number of
 * callers that were waiting on arrival, for the log.  GATE_OK means the
 * caller holds the core until it is left.  payload (may be NULL) travels
 * with a waiter: the leave that hands the core to it returns payload, and
 * *handed (may be NULL) is then 1 (the leaver runs it); 0 when the caller
 * got the core without waiting. */
gate_result http_gate_enter(http_gate *g, long timeout_ms, unsigned *queued, void *payload,
                            int *handed);
/* Hands the core to the oldest waiter, waking only that one, and returns
 * its payload (NULL if it had none or nobody waits).  The leaver takes
 * over the payload's work, so the next call can start before the
 * waiter's thread has even run. */
void *http_gate_leave(http_gate *g);
/* Wakes every waiter with GATE_STOPPED; later enters fail the same way. */
void http_gate_stop(http_gate *g);
unsigned http_gate_waiting(http_gate *g);
int http_gate_stopped(http_gate *g);

#endif
