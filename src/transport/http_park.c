/* http_park: the registry of suspended connections. */
#include "transport/http_park.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "util/mono.h"

struct http_parking {
    pthread_mutex_t mu;          /* the list and every waiter's flags; taken
                                  * before libmicrohttpd's own locks */
    http_parked *head;
    long keepalive_ms;
    int stopped;
};

http_parking *http_parking_new(long keepalive_ms)
{
    http_parking *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return NULL;
    }
    p->keepalive_ms = keepalive_ms;
    return p;
}

void http_parking_free(http_parking *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void http_parked_init(http_parked *w, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    *w = (http_parked){ .c = c, .fd = ci ? ci->connect_fd : -1 };
}

int http_peer_gone(int fd)
{
    char b;
    return fd >= 0 && recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

int http_park(http_parking *p, http_parked *w)
{
    pthread_mutex_lock(&p->mu);
    int r;
    if (p->stopped) {
        r = -1;
    } else if (w->woken) {
        w->woken = 0;
        r = 0;
    } else {
        /* Suspended under the lock, so no wake can come between the flag
         * and the suspension: resuming a connection that is not
         * suspended is undefined in libmicrohttpd. */
        w->parked = 1;
        w->since_ms = mono_ms();
        w->prev = NULL;
        w->next = p->head;
        if (p->head)
            p->head->prev = w;
        p->head = w;
        MHD_suspend_connection(w->c);
        r = 1;
    }
    pthread_mutex_unlock(&p->mu);
    return r;
}

/* Under p->mu. */
static void resume(http_parking *p, http_parked *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        p->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    w->parked = 0;
    MHD_resume_connection(w->c);
}

void http_unpark(http_parking *p, http_parked *w)
{
    pthread_mutex_lock(&p->mu);
    if (w->parked)
        resume(p, w);
    else
        w->woken = 1;
    pthread_mutex_unlock(&p->mu);
}

void http_parking_sweep(http_parking *p)
{
    double now = mono_ms();
    pthread_mutex_lock(&p->mu);
    for (http_parked *w = p->head, *next; w; w = next) {
        next = w->next;
        if (now - w->since_ms >= p->keepalive_ms || http_peer_gone(w->fd))
            resume(p, w);
    }
    pthread_mutex_unlock(&p->mu);
}

void http_parking_stop(http_parking *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopped = 1;
    while (p->head)
        resume(p, p->head);
    pthread_mutex_unlock(&p->mu);
}
