/* http_session: the session table, GET stream queues and cancel marks. */
#include "transport/http_session.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/log.h"
#include "util/mono.h"

struct http_sess {
    char id[HTTP_SESSION_ID_LEN + 1];
    char *owner;                        /* NULL: not bound to a person */
    mcp_session *core;
    unsigned refs;
    int ended;
    int stream_open;
    http_parked *waiter;        /* the stream's connection, if it watches */
    double last_used_ms;
    char *queue[HTTP_SESSION_QUEUE];    /* ring of messages for the stream */
    unsigned q_head, q_len;
    cJSON *cancels[HTTP_SESSION_CANCELS];
    unsigned c_next;
};

struct http_sessions {
    pthread_mutex_t mu;         /* taken before the parking's */
    http_parking *parking;      /* wakes the streams */
    http_sess **slot;           /* max entries; NULL = free */
    unsigned max;               /* max_sessions + max_streams */
    unsigned max_sessions, max_streams;
    long idle_ms;
    int stopped;
};

http_sessions *http_sessions_new(unsigned max_sessions, unsigned max_streams, long idle_ms,
                                 http_parking *parking)
{
    http_sessions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    /* A listen stream is a slot without a core: the slots of both kinds
     * add up, so streams never crowd out sessions. */
    t->max = max_sessions + max_streams;
    t->slot = calloc(t->max ? t->max : 1, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    t->max_sessions = max_sessions;
    t->max_streams = max_streams;
    t->idle_ms = idle_ms;
    t->parking = parking;
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

static void sess_free(http_sess *s)
{
    for (unsigned i = 0; i < s->q_len; i++)
        free(s->queue[(s->q_head + i) % HTTP_SESSION_QUEUE]);
    for (unsigned i = 0; i < HTTP_SESSION_CANCELS; i++)
        cJSON_Delete(s->cancels[i]);
    mcp_session_free(s->core);
    free(s->owner);
    free(s);
}

void http_sessions_free(http_sessions *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < t->max; i++)
        if (t->slot[i])
            sess_free(t->slot[i]);
    free(t->slot);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

/* Under t->mu. */
static void wake(http_sessions *t, http_sess *s)
{
    if (s->waiter)
        http_unpark(t->parking, s->waiter);
}

void http_sessions_stop(http_sessions *t)
{
    pthread_mutex_lock(&t->mu);
    t->stopped = 1;
    for (unsigned i = 0; i < t->max; i++)
        if (t->slot[i])
            wake(t, t->slot[i]);
    pthread_mutex_unlock(&t->mu);
}

unsigned http_sessions_count(http_sessions *t)
{
    pthread_mutex_lock(&t->mu);
    unsigned n = 0;
    for (unsigned i = 0; i < t->max; i++)
        n += t->slot[i] != NULL;
    pthread_mutex_unlock(&t->mu);
    return n;
}

unsigned http_sessions_streams(http_sessions *t)
{
    pthread_mutex_lock(&t->mu);
    unsigned n = 0;
    for (unsigned i = 0; i < t->max; i++)
        n += t->slot[i] && t->slot[i]->stream_open;
    pthread_mutex_unlock(&t->mu);
    return n;
}

/* 16 bytes from the kernel's CSPRNG as 32 lowercase hex digits: visible
 * ASCII as the spec requires, and unguessable. */
static int random_id(char out[HTTP_SESSION_ID_LEN + 1])
{
    unsigned char r[HTTP_SESSION_ID_LEN / 2];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof r; i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[HTTP_SESSION_ID_LEN] = '\0';
    return 0;
}

/* Removes slot i from the table (under t->mu); frees it if unused.  The
 * caller must not touch the session afterwards. */
static void end_slot(http_sessions *t, unsigned i)
{
    http_sess *s = t->slot[i];
    t->slot[i] = NULL;
    s->ended = 1;
    wake(t, s);
    if (s->refs == 0)
        sess_free(s);
}

/* Under t->mu: how many open streams, and how many sessions with a core;
 * *lru gets the least recently used session no one uses (-1: none). */
static void census(http_sessions *t, unsigned *streams, unsigned *sessions, int *lru)
{
    *streams = *sessions = 0;
    *lru = -1;
    for (unsigned i = 0; i < t->max; i++) {
        const http_sess *s = t->slot[i];
        if (!s)
            continue;
        *streams += s->stream_open != 0;
        if (!s->core)
            continue;
        (*sessions)++;
        if (s->refs == 0 && (*lru < 0 || s->last_used_ms < t->slot[*lru]->last_used_ms))
            *lru = (int)i;
    }
}

/* A free slot for a session (making room by ending the least recently
 * used one) or a listen stream, under t->mu; -1 with *why. */
static int make_room(http_sessions *t, int for_stream, const char **why)
{
    unsigned streams, sessions;
    int lru;
    census(t, &streams, &sessions, &lru);
    if (for_stream && streams >= t->max_streams) {
        *why = "too many open streams (--http-max-streams)";
        return -1;
    }
    if (!for_stream && sessions >= t->max_sessions) {
        if (lru < 0) {
            *why = "every session has a request or stream in progress (--http-max-sessions)";
            return -1;
        }
        log_msg(LOG_INFO, "http: session %.8s... ended to make room (least recently used of %u)",
                t->slot[lru]->id, sessions);
        end_slot(t, (unsigned)lru);
    }
    unsigned i = 0;
    while (i < t->max && t->slot[i])
        i++;
    if (i == t->max) {
        *why = "no free slot";   /* cannot happen: the quotas add up to max */
        return -1;
    }
    return (int)i;
}

http_sess *http_sessions_add(http_sessions *t, mcp_session *core, const char *owner, const char **why)
{
    http_sess *s = calloc(1, sizeof *s);
    *why = "out of memory";
    if (!s)
        return NULL;
    if (owner && !(s->owner = strdup(owner))) {
        free(s);
        return NULL;
    }
    if (random_id(s->id) != 0) {
        log_msg(LOG_ERROR, "getrandom failed: %s", strerror(errno));
        *why = "no random source";
        free(s->owner);
        free(s);
        return NULL;
    }
    s->core = core;
    s->refs = 1;
    s->stream_open = !core;
    s->last_used_ms = mono_ms();
    pthread_mutex_lock(&t->mu);
    int i = t->stopped ? -1 : make_room(t, !core, why);
    if (t->stopped)
        *why = "the server is stopping";
    if (i < 0) {
        pthread_mutex_unlock(&t->mu);
        free(s->owner);
        free(s);
        return NULL;
    }
    t->slot[i] = s;
    pthread_mutex_unlock(&t->mu);
    return s;
}

/* Index of the live session with this id, or -1; under t->mu. */
static int find(http_sessions *t, const char *id)
{
    if (!id || strlen(id) != HTTP_SESSION_ID_LEN)
        return -1;
    for (unsigned i = 0; i < t->max; i++)
        if (t->slot[i] && strcmp(t->slot[i]->id, id) == 0)
            return (int)i;
    return -1;
}

static int same_owner(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

http_sess *http_sessions_get(http_sessions *t, const char *id, const char *owner, int *foreign)
{
    pthread_mutex_lock(&t->mu);
    int i = t->stopped ? -1 : find(t, id);
    http_sess *s = i >= 0 ? t->slot[i] : NULL;
    if (s && !same_owner(s->owner, owner)) {
        s = NULL;                /* not touched either: its idle clock is its owner's */
        if (foreign)
            *foreign = 1;
    }
    if (s) {
        s->refs++;
        s->last_used_ms = mono_ms();
    }
    pthread_mutex_unlock(&t->mu);
    return s;
}

void http_sessions_put(http_sessions *t, http_sess *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&t->mu);
    s->last_used_ms = mono_ms();
    int last = --s->refs == 0 && s->ended;
    pthread_mutex_unlock(&t->mu);
    if (last)
        sess_free(s);
}

int http_sessions_end(http_sessions *t, const char *id)
{
    pthread_mutex_lock(&t->mu);
    int i = find(t, id);
    if (i >= 0)
        end_slot(t, (unsigned)i);
    pthread_mutex_unlock(&t->mu);
    return i >= 0 ? 0 : -1;
}

unsigned http_sessions_expire(http_sessions *t)
{
    unsigned n = 0;
    double now = mono_ms();
    pthread_mutex_lock(&t->mu);
    for (unsigned i = 0; i < t->max; i++) {
        http_sess *s = t->slot[i];
        if (s && s->refs == 0 && now - s->last_used_ms > t->idle_ms) {
            log_msg(LOG_INFO, "session %.8s... idle for %ld ms: ended", s->id, t->idle_ms);
            end_slot(t, i);
            n++;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return n;
}

void http_sessions_broadcast(http_sessions *t, const char *json)
{
    pthread_mutex_lock(&t->mu);
    for (unsigned i = 0; i < t->max; i++) {
        http_sess *s = t->slot[i];
        if (!s)
            continue;
        char *copy = strdup(json);
        if (!copy)
            break;
        if (s->q_len == HTTP_SESSION_QUEUE) {   /* full: drop the oldest */
            free(s->queue[s->q_head]);
            s->q_head = (s->q_head + 1) % HTTP_SESSION_QUEUE;
            s->q_len--;
        }
        s->queue[(s->q_head + s->q_len) % HTTP_SESSION_QUEUE] = copy;
        s->q_len++;
        wake(t, s);
    }
    pthread_mutex_unlock(&t->mu);
}

const char *http_sess_id(const http_sess *s) { return s->id; }
mcp_session *http_sess_core(http_sess *s) { return s->core; }

int http_sess_stream_open(http_sessions *t, http_sess *s)
{
    pthread_mutex_lock(&t->mu);
    unsigned streams, sessions;
    int lru, rc = s->stream_open ? -1 : 0;
    census(t, &streams, &sessions, &lru);
    if (rc == 0 && streams >= t->max_streams)
        rc = -2;
    if (rc == 0)
        s->stream_open = 1;
    pthread_mutex_unlock(&t->mu);
    return rc;
}

void http_sess_stream_watch(http_sessions *t, http_sess *s, http_parked *w)
{
    pthread_mutex_lock(&t->mu);
    s->waiter = w;
    pthread_mutex_unlock(&t->mu);
}

char *http_sess_stream_next(http_sessions *t, http_sess *s, int *done)
{
    char *msg = NULL;
    pthread_mutex_lock(&t->mu);
    if (s->q_len) {
        msg = s->queue[s->q_head];
        s->q_head = (s->q_head + 1) % HTTP_SESSION_QUEUE;
        s->q_len--;
    }
    *done = !msg && (s->ended || t->stopped);
    if (!s->ended)
        s->last_used_ms = mono_ms();
    pthread_mutex_unlock(&t->mu);
    return msg;
}

void http_sess_stream_close(http_sessions *t, http_sess *s)
{
    pthread_mutex_lock(&t->mu);
    s->stream_open = 0;
    s->waiter = NULL;
    pthread_mutex_unlock(&t->mu);
}

void http_sess_cancel_add(http_sessions *t, http_sess *s, const cJSON *id)
{
    cJSON *copy = cJSON_Duplicate(id, 1);
    if (!copy)
        return;
    pthread_mutex_lock(&t->mu);
    cJSON_Delete(s->cancels[s->c_next]);
    s->cancels[s->c_next] = copy;
    s->c_next = (s->c_next + 1) % HTTP_SESSION_CANCELS;
    pthread_mutex_unlock(&t->mu);
}

int http_sess_cancelled(http_sessions *t, http_sess *s, const cJSON *id)
{
    int yes = 0;
    pthread_mutex_lock(&t->mu);
    for (unsigned i = 0; i < HTTP_SESSION_CANCELS && !yes; i++)
        yes = s->cancels[i] && cJSON_Compare(s->cancels[i], id, 1);
    pthread_mutex_unlock(&t->mu);
    return yes;
}
