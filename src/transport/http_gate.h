/* http_gate: the core's one thread and the bounded FIFO queue in front of
 * it.  Slicer is single-threaded and the core (mcp_handle, sessions, the
 * tool set) is not thread-safe, so every HTTP call and the housekeeping
 * take turns: one long-lived core thread runs them one at a time, in
 * arrival order, at most queue_max waiting, each waiting at most its
 * time-out.  Nobody blocks to wait: a caller queues a ticket and learns
 * the outcome through the ticket's callbacks (the HTTP transport parks
 * the connection meanwhile, http_park.h), so no thread exists per
 * waiting request, and a hand-over wakes only the core thread. */
#ifndef HTTP_GATE_H
#define HTTP_GATE_H

#include <pthread.h>

typedef enum {
    GATE_OK = 0,
    GATE_FULL,       /* queue_max callers already wait: answer 503 */
    GATE_TIMEOUT,    /* waited longer than the time-out: answer 504 */
    GATE_STOPPED     /* the server is shutting down */
} gate_result;

typedef struct gate_ticket gate_ticket;

/* A place in the queue, owned by the caller until run or refuse is
 * called (exactly one of them, exactly once, after a GATE_OK enter). */
struct gate_ticket {
    gate_ticket *next;
    double deadline_ms;          /* mono_ms() at which it gives up; 0: never */
    void *ud;
    /* On the core thread, the only holder of the core. */
    void (*run)(gate_ticket *t);
    /* It will never run (GATE_TIMEOUT or GATE_STOPPED); on the thread
     * that noticed, without the gate's lock. */
    void (*refuse)(gate_ticket *t, gate_result why);
};

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t  work;        /* the core thread waits here for a ticket */
    pthread_cond_t  timer;       /* http_gate_tick waits here for a deadline */
    gate_ticket    *head, *tail; /* waiting, oldest first */
    unsigned        waiting;     /* calls only: housekeeping (no time-out) takes
                                  * no place a client could have */
    unsigned        queue_max;
    int             busy;        /* the core thread is running a ticket */
    int             stopped;
    double          timer_at;    /* when http_gate_tick looks next */
    pthread_t       core;
} http_gate;

/* Starts the core thread; -1 if it cannot. */
int  http_gate_start(http_gate *g, unsigned queue_max);
/* Queues t, whose run, refuse and ud the caller has set; timeout_ms < 0
 * means no time limit and no queue limit (the server's own
 * housekeeping).  *queued gets the number of callers that
 * were waiting on arrival.  GATE_OK: t will be run or refused; else
 * neither, and the caller answers itself. */
gate_result http_gate_enter(http_gate *g, gate_ticket *t, long timeout_ms, unsigned *queued);
/* For the idle loop: waits until mono_ms() reaches until_ms or the
 * oldest waiter's deadline, and refuses (GATE_TIMEOUT) every waiter
 * whose deadline has passed. */
void http_gate_tick(http_gate *g, double until_ms);
/* Refuses every waiter (GATE_STOPPED), lets the ticket in progress
 * finish and joins the core thread; later enters get GATE_STOPPED. */
void http_gate_stop(http_gate *g);
int  http_gate_stopped(http_gate *g);
/* Calls waiting now (the queue length /metrics shows). */
unsigned http_gate_waiting(http_gate *g);
void http_gate_destroy(http_gate *g);

#endif
