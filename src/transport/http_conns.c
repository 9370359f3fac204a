/* http_conns: open connections, their per-address counts and deadlines. */
#include "transport/http_conns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mono.h"

typedef struct conn {
    struct conn *prev, *next;
    int fd;
    char host[INET6_ADDRSTRLEN];
    double since_ms;        /* when the clock started; < 0: stopped */
    int shut;               /* shut by the sweep, awaiting close */
    int reserved;           /* admitted, not yet started: counted already */
} conn;

/* An admitted connection that never starts (libmicrohttpd failed to set
 * it up) gives its place back after this long; a start follows the
 * admission within microseconds on the same thread. */
#define HTTP_CONNS_RESERVE_MS 2000

struct http_conns {
    pthread_mutex_t mu;     /* the list; held while a socket is shut, so a
                             * connection cannot close (and its descriptor
                             * be reused) under the sweep */
    conn *head;
    unsigned n, max, per_ip;
    long deadline_ms;
    metrics *metrics;
};

http_conns *http_conns_new(unsigned max, unsigned per_ip, long deadline_ms, metrics *m)
{
    http_conns *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->mu, NULL);
    t->max = max;
    t->per_ip = per_ip;
    t->deadline_ms = deadline_ms;
    t->metrics = m;
    return t;
}

void http_conns_free(http_conns *t)
{
    if (!t)
        return;
    while (t->head) {
        conn *c = t->head;
        t->head = c->next;
        free(c);
    }
    pthread_mutex_destroy(&t->mu);
    free(t);
}

/* The numeric host of an address ("127.0.0.1", "::1"), "?" if unknown. */
static void host_of(const struct sockaddr *a, char *out, size_t n)
{
    const void *bytes = !a ? NULL
                      : a->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)(const void *)a)->sin_addr
                      : a->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr
                      : NULL;
    if (!bytes || !inet_ntop(a->sa_family, bytes, out, (socklen_t)n))
        snprintf(out, n, "?");
}

/* Under t->mu. */
static void link_conn(http_conns *t, conn *c)
{
    c->prev = NULL;
    c->next = t->head;
    if (t->head)
        t->head->prev = c;
    t->head = c;
    t->n++;
}

static void unlink_conn(http_conns *t, conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        t->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    t->n--;
}

enum MHD_Result http_conns_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)len;
    http_conns *t = cls;
    char host[INET6_ADDRSTRLEN];
    host_of(addr, host, sizeof host);
    /* Counted and admitted under one lock: libmicrohttpd's polling
     * threads accept at the same time, and two of them must not both take
     * the last place. */
    conn *r = calloc(1, sizeof *r);
    pthread_mutex_lock(&t->mu);
    unsigned same = 0;
    for (const conn *c = t->head; c; c = c->next)
        same += strcmp(c->host, host) == 0;
    unsigned total = t->n;
    int admit = r && total < t->max && same < t->per_ip;
    if (admit) {
        *r = (conn){ .fd = -1, .reserved = 1, .since_ms = mono_ms() };
        snprintf(r->host, sizeof r->host, "%s", host);
        link_conn(t, r);
    }
    pthread_mutex_unlock(&t->mu);
    if (admit)
        return MHD_YES;
    free(r);
    if (total >= t->max || same >= t->per_ip)
        metrics_refusal(t->metrics, MET_LIMITS);
    if (total >= t->max) {
        log_msg(LOG_WARNING, "http: connection from %s refused: %u connections open, the limit "
                "(--http-max-connections)", host, total);
        return MHD_NO;
    }
    if (same >= t->per_ip) {
        log_msg(LOG_WARNING, "http: connection from %s refused: %u connections open from that "
                "address, the limit (--http-max-connections-per-ip)", host, same);
        return MHD_NO;
    }
    return MHD_NO;   /* out of memory */
}

void http_conns_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    http_conns *t = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fi = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char host[INET6_ADDRSTRLEN];
        host_of(ai ? ai->client_addr : NULL, host, sizeof host);
        pthread_mutex_lock(&t->mu);
        conn *c = t->head;   /* the place its admission reserved */
        while (c && !(c->reserved && strcmp(c->host, host) == 0))
            c = c->next;
        if (c) {
            c->reserved = 0;
            c->fd = fi ? fi->connect_fd : -1;
            c->since_ms = mono_ms();
        }
        pthread_mutex_unlock(&t->mu);
        *socket_context = c;   /* NULL: not watched; libmicrohttpd's own limits still hold */
        return;
    }
    conn *c = *socket_context;
    if (!c)
        return;
    pthread_mutex_lock(&t->mu);
    unlink_conn(t, c);
    pthread_mutex_unlock(&t->mu);
    free(c);
    *socket_context = NULL;
}

static conn *conn_of(struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static void set_clock(http_conns *t, struct MHD_Connection *mc, double since)
{
    conn *c = conn_of(mc);
    if (!c)
        return;
    pthread_mutex_lock(&t->mu);
    c->since_ms = since;
    pthread_mutex_unlock(&t->mu);
}

void http_conns_arrived(http_conns *t, struct MHD_Connection *mc)
{
    set_clock(t, mc, -1);
}

void http_conns_finished(http_conns *t, struct MHD_Connection *mc)
{
    set_clock(t, mc, mono_ms());
}

unsigned http_conns_sweep(http_conns *t)
{
    unsigned n = 0;
    double now = mono_ms();
    pthread_mutex_lock(&t->mu);
    for (conn *c = t->head, *next; c; c = next) {
        next = c->next;
        if (c->reserved && now - c->since_ms > HTTP_CONNS_RESERVE_MS) {
            unlink_conn(t, c);
            free(c);
            continue;
        }
        if (c->shut || c->since_ms < 0 || now - c->since_ms <= t->deadline_ms || c->fd < 0)
            continue;
        /* The connection's own thread sees end-of-file and closes it. */
        shutdown(c->fd, SHUT_RDWR);
        c->shut = 1;
        n++;
        metrics_refusal(t->metrics, MET_LIMITS);
        log_msg(LOG_WARNING, "http: connection from %s closed: no whole request within %ld ms "
                "(--http-request-timeout-ms)", c->host, t->deadline_ms);
    }
    pthread_mutex_unlock(&t->mu);
    return n;
}
