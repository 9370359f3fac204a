/* http_call: one message through the core.  The caller's thread queues
 * the call at the gate (a FIFO), and the one core thread runs mcp_handle
 * -- at once when the gate was free, else as soon as the call before it
 * has finished, without waiting for the caller's thread to wake -- while
 * the caller waits
 * for the first notification or the reply: a reply with no notification
 * before it goes out as plain JSON with the core's status; a call that
 * sends progress or log notifications gets a 200 SSE stream that carries
 * each notification as it happens, then the reply (real streaming, so a
 * client's time-out can be reset by progress).  The job is reference
 * counted because the stream may outlive the request or the reverse. */
#include "transport/http_call.h"
#include "transport/http_oauth.h"
#include "transport/http_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "util/mono.h"

#define HTTP_MAX_NOTES_BYTES (1u << 20)   /* notifications not yet sent to the client */
#define HTTP_CALL_POLL_MS    500          /* how often a waiting stream checks for shutdown */
#define HTTP_CALL_KEEPALIVE_MS 15000      /* SSE comment while a call is quiet */


typedef struct {
    http_srv *S;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned refs;               /* the core thread, and the request or its stream */
    char *msg;                   /* the body, owned */
    size_t len;
    char peer[64];
    int authed;                  /* an OAuth caller: claims apply */
    jwt_claims claims;
    mcp_session *core;
    int owns_core;               /* free core at the end (modern, or initialize not kept) */
    http_sess *sess;             /* legacy session, referenced; NULL otherwise */
    int fd;                      /* the client's socket, for hang-up checks */
    buf notes;                   /* SSE events not yet handed to MHD */
    size_t sent;
    unsigned n_notes;
    mcp_reply rep;
    int done;                    /* the core thread has the reply */
    int abandoned;               /* the stream ended or the client left: cancel */
    char *tail;                  /* the reply as an SSE event */
    size_t tail_len, tail_off;
    long quiet_ms;               /* time the stream has waited without sending */
    double queued_at;            /* mono_ms() when it reached the gate */
} call_job;

static void job_release(call_job *j)
{
    pthread_mutex_lock(&j->mu);
    int last = --j->refs == 0;
    pthread_mutex_unlock(&j->mu);
    if (!last)
        return;
    if (j->owns_core)
        mcp_session_free(j->core);
    http_sessions_put(j->S->sessions, j->sess);
    mcp_reply_free(&j->rep);
    buf_free(&j->notes);
    free(j->msg);
    free(j->tail);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

static void on_send(void *ud, const char *json, size_t len)
{
    call_job *j = ud;
    pthread_mutex_lock(&j->mu);
    size_t mark = j->notes.len;
    if (buf_puts(&j->notes, "event: message\ndata: ") != 0 || buf_append(&j->notes, json, len) != 0 ||
        buf_puts(&j->notes, "\n\n") != 0) {
        j->notes.len = mark;     /* the client reads too slowly: this one is dropped */
        if (j->notes.data)
            j->notes.data[mark] = '\0';
    } else {
        j->n_notes++;
        pthread_cond_broadcast(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
}

/* Cancelled when the client said so (legacy notifications/cancelled), its
 * stream ended, or it hung up: a peek that reads end-of-file means the
 * peer closed its side (spec 2026-07-28: a disconnect is a cancel). */
static int on_cancelled(void *ud, const cJSON *id)
{
    call_job *j = ud;
    pthread_mutex_lock(&j->mu);
    int gone = j->abandoned;
    pthread_mutex_unlock(&j->mu);
    if (gone || (j->sess && http_sess_cancelled(j->S->sessions, j->sess, id)))
        return 1;
    char b;
    return j->fd >= 0 && recv(j->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void run_job(call_job *j)
{
    http_srv *S = j->S;
    mcp_caller caller = http_oauth_caller(&j->claims);
    mcp_io io = { .send = on_send, .cancelled = on_cancelled, .ud = j, .transport = "http", .peer = j->peer,
                  .caller = j->authed ? &caller : NULL };
    mcp_reply rep;
    double t0 = mono_ms();
    /* Timed here, not where the caller's thread wakes: a waiter's call
     * starts when the leaver hands it over. */
    metrics_observe(S->o.metrics, MET_QUEUE_SECONDS, (t0 - j->queued_at) / 1e3);
    mcp_handle(S->m, j->core, j->msg, j->len, &io, &rep);
    long took = (long)(mono_ms() - t0), mean = S->mean_call_ms;
    S->mean_call_ms = mean ? (mean * 7 + took) / 8 : took;   /* only the gate holder writes */
    pthread_mutex_lock(&j->mu);
    j->rep = rep;
    j->done = 1;
    pthread_mutex_unlock(&j->mu);
    /* After the unlock, so the woken caller does not block on j->mu at
     * once; j lives on, this thread holds a reference. */
    pthread_cond_broadcast(&j->cv);
    /* While the reply is written: the core's housekeeping, still inside
     * the gate, then the next call may start. */
    mcp_idle(S->m);
    job_release(j);
}

/* One long-lived thread runs the calls: starting a thread per call cost a
 * thread start and its first scheduling on every call.  When it leaves
 * the gate to the next waiter it runs that waiter's call itself at once,
 * so Slicer is not idle while the waiter's thread wakes up. */
static void *core_thread(void *arg)
{
    http_srv *S = arg;
    for (;;) {
        pthread_mutex_lock(&S->core_mu);
        while (!S->core_job && !S->core_stop)
            pthread_cond_wait(&S->core_cv, &S->core_mu);
        call_job *j = S->core_job;
        S->core_job = NULL;
        pthread_mutex_unlock(&S->core_mu);
        if (!j)
            break;
        while (j) {
            run_job(j);
            j = http_gate_leave(&S->gate);
        }
    }
    return NULL;
}

void http_call_post(http_srv *S, void *job)
{
    pthread_mutex_lock(&S->core_mu);
    S->core_job = job;   /* empty: the core thread is idle while anyone else holds the gate */
    pthread_cond_signal(&S->core_cv);
    pthread_mutex_unlock(&S->core_mu);
}

int http_call_start(http_srv *S)
{
    S->core_job = NULL;
    S->core_stop = 0;
    if (pthread_mutex_init(&S->core_mu, NULL) != 0)
        return -1;
    if (pthread_cond_init(&S->core_cv, NULL) != 0) {
        pthread_mutex_destroy(&S->core_mu);
        return -1;
    }
    if (pthread_create(&S->core, NULL, core_thread, S) != 0) {
        pthread_cond_destroy(&S->core_cv);
        pthread_mutex_destroy(&S->core_mu);
        return -1;
    }
    return 0;
}

void http_call_stop(http_srv *S)
{
    pthread_mutex_lock(&S->core_mu);
    S->core_stop = 1;
    pthread_cond_signal(&S->core_cv);
    pthread_mutex_unlock(&S->core_mu);
    pthread_join(S->core, NULL);
    pthread_cond_destroy(&S->core_cv);
    pthread_mutex_destroy(&S->core_mu);
}

/* The SSE stream of a call that sent notifications: each as it comes,
 * then the reply, then the end. */
static ssize_t job_read(void *cls, uint64_t pos, char *dst, size_t max)
{
    (void)pos;
    call_job *j = cls;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        if (j->sent < j->notes.len) {
            size_t n = j->notes.len - j->sent < max ? j->notes.len - j->sent : max;
            memcpy(dst, j->notes.data + j->sent, n);
            j->sent += n;
            j->quiet_ms = 0;
            if (j->sent == j->notes.len) {
                buf_reset(&j->notes);
                j->sent = 0;
            }
            pthread_mutex_unlock(&j->mu);
            return (ssize_t)n;
        }
        if (j->done) {
            if (!j->tail && j->rep.json) {
                buf t;
                buf_init(&t, strlen(j->rep.json) + 64);
                buf_printf(&t, "event: message\ndata: %s\n\n", j->rep.json);
                j->tail = buf_steal(&t, &j->tail_len);
            }
            if (j->tail_off < j->tail_len) {
                size_t n = j->tail_len - j->tail_off < max ? j->tail_len - j->tail_off : max;
                memcpy(dst, j->tail + j->tail_off, n);
                j->tail_off += n;
                pthread_mutex_unlock(&j->mu);
                return (ssize_t)n;
            }
            pthread_mutex_unlock(&j->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (http_gate_stopped(&j->S->gate)) {   /* shutting down: cancel the call */
            j->abandoned = 1;
            pthread_mutex_unlock(&j->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if ((j->quiet_ms += HTTP_CALL_POLL_MS) >= HTTP_CALL_KEEPALIVE_MS && max >= 16) {
            /* A comment line keeps proxies and the connection time-out at bay. */
            j->quiet_ms = 0;
            memcpy(dst, ": keep-alive\n\n", 14);
            pthread_mutex_unlock(&j->mu);
            return 14;
        }
        struct timespec until = mono_deadline(CLOCK_MONOTONIC, HTTP_CALL_POLL_MS);
        pthread_cond_timedwait(&j->cv, &j->mu, &until);
    }
}

static void job_stream_free(void *cls)
{
    call_job *j = cls;
    pthread_mutex_lock(&j->mu);
    j->abandoned = 1;
    pthread_mutex_unlock(&j->mu);
    job_release(j);
}

/* The reply of a finished call with no notification before it. */
static enum MHD_Result plain_reply(http_srv *S, struct MHD_Connection *c, call_job *j, const cJSON *id,
                                   int is_init)
{
    const char *sid = NULL;
    if (is_init && j->rep.is_initialize_result) {
        const char *why;
        http_sess *added = http_sessions_add(S->sessions, j->core, &why);
        if (!added) {
            /* No Retry-After: when a session frees is up to its clients. */
            log_msg(LOG_WARNING, "http: %s refused a session: %s", j->peer, why);
            metrics_refusal(S->o.metrics, MET_LIMITS);
            char msg[160];
            snprintf(msg, sizeof msg, "Server busy: %s; retry later", why);
            return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, msg, NULL);
        }
        j->owns_core = 0;            /* the table has it now */
        j->sess = added;             /* released with the job */
        sid = http_sess_id(added);
        log_msg(LOG_INFO, "http: session %.8s... opened for %s (%u open)", sid, j->peer,
                http_sessions_count(S->sessions));
    }
    char chal[600];
    const char *hdrs[] = { "Mcp-Session-Id", sid, NULL };
    const char *const *extra = sid ? hdrs : NULL;
    if (j->rep.need_scope[0] && S->oauth) {
        http_oauth_scope_challenge(S->oauth, j->rep.need_scope, chal, sizeof chal);
        hdrs[0] = "WWW-Authenticate";
        hdrs[1] = chal;
        extra = hdrs;
    }
    if (!j->rep.json)
        return http_respond(c, 202, NULL, NULL, 0, extra);
    return http_respond(c, j->rep.http_status ? (unsigned)j->rep.http_status : 200, "application/json",
                        j->rep.json, strlen(j->rep.json), extra);
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Seconds until the calls queued ahead of a new one are likely done: each
 * takes the recent mean time in the core (at least 1 s, as the header
 * counts whole seconds). */
static void retry_after_s(const http_srv *S, unsigned queued, char *out, size_t n)
{
    long ms = (long)(queued + 1) * S->mean_call_ms;
    snprintf(out, n, "%ld", ms / 1000 + 1);
}

enum MHD_Result http_call(http_srv *S, struct MHD_Connection *c, http_req *rq, mcp_session *core,
                          http_sess *sess, const cJSON *id, int is_init)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    call_job *j = calloc(1, sizeof *j);
    if (!j) {
        if (!sess)
            mcp_session_free(core);
        http_sessions_put(S->sessions, sess);
        return http_respond_error(c, 500, id, RPC_INTERNAL_ERROR, "out of memory", NULL);
    }
    *j = (call_job){ .S = S, .refs = 2, .core = core, .owns_core = !sess, .sess = sess, .fd = -1,
                     .queued_at = mono_ms() };
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    buf_init(&j->notes, HTTP_MAX_NOTES_BYTES);
    j->msg = buf_steal(&rq->body, &j->len);
    snprintf(j->peer, sizeof j->peer, "%s", rq->peer);
    j->authed = rq->authed;
    j->claims = rq->claims;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci)
        j->fd = ci->connect_fd;

    unsigned queued;
    int handed;
    gate_result g = http_gate_enter(&S->gate, S->o.queue_timeout_ms, &queued, j, &handed);
    if (g != GATE_OK) {
        j->refs = 1;             /* never ran: frees the core or puts the session back */
        job_release(j);
        char msg[160], secs[24];
        retry_after_s(S, queued, secs, sizeof secs);
        const char *const retry_after[] = { "Retry-After", secs, NULL };
        if (g != GATE_STOPPED)
            metrics_refusal(S->o.metrics, MET_LIMITS);
        if (g == GATE_FULL) {
            log_msg(LOG_WARNING, "http: %s refused: %u calls already queued for Slicer", rq->peer, queued);
            snprintf(msg, sizeof msg, "Server busy: %u calls are queued for Slicer; retry later", queued);
            return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, msg, retry_after);
        }
        if (g == GATE_TIMEOUT) {
            log_msg(LOG_WARNING, "http: %s gave up after waiting %ld ms for Slicer", rq->peer, S->o.queue_timeout_ms);
            snprintf(msg, sizeof msg, "Timed out after %ld ms waiting for Slicer; retry later", S->o.queue_timeout_ms);
            return http_respond_error(c, 504, id, RPC_INTERNAL_ERROR, msg, retry_after);
        }
        return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, "Server is shutting down", NULL);
    }
    log_msg(queued ? LOG_INFO : LOG_DEBUG, "http: call from %s: %u queued ahead, waited %ld ms",
            rq->peer, queued, elapsed_ms(&t0));
    if (!handed)                 /* the gate was free: the core thread is idle */
        http_call_post(S, j);

    /* Wait for the reply, or for the first notification if it may stream. */
    int may_stream = !is_init && http_accepts(c, "text/event-stream");
    pthread_mutex_lock(&j->mu);
    while (!j->done && !(may_stream && j->n_notes))
        pthread_cond_wait(&j->cv, &j->mu);
    int stream = may_stream && j->n_notes && !(j->done && j->rep.http_status != 200);
    pthread_mutex_unlock(&j->mu);
    if (!stream) {
        enum MHD_Result r = plain_reply(S, c, j, id, is_init);
        job_release(j);
        return r;
    }
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, job_read, j,
                                                                  job_stream_free);
    if (!resp) {
        job_stream_free(j);
        return MHD_NO;
    }
    return http_queue_sse(c, resp);
}
