/* http_call: one message through the core.  The request queues the call
 * at the gate (a FIFO served by the one core thread) and parks its
 * connection; the core thread runs mcp_handle and wakes the connection at
 * the first notification or the reply, and libmicrohttpd calls the
 * handler again, which answers: a reply with no notification before it
 * goes out as plain JSON with the core's status; a call that sends
 * progress or log notifications gets a 200 SSE stream that carries each
 * notification as it happens, then the reply (real streaming, so a
 * client's time-out can be reset by progress).  Nothing blocks a
 * libmicrohttpd thread: the stream parks too when it has nothing to send.
 * The job is reference counted because the stream may outlive the
 * request or the reverse. */
#include "transport/http_call.h"
#include "transport/http_oauth.h"
#include "transport/http_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "util/mono.h"

#define HTTP_MAX_NOTES_BYTES (1u << 20)   /* notifications not yet sent to the client */

typedef struct {
    gate_ticket ticket;          /* its place at the gate; ud is the job */
    http_parked park;            /* its connection while it waits */
    http_srv *S;
    pthread_mutex_t mu;
    unsigned refs;               /* the gate or core thread, and the request or its stream */
    char *msg;                   /* the body, owned */
    size_t len;
    cJSON *id;                   /* the request's id, a copy (NULL: none) */
    int is_init;
    int may_stream;              /* the client accepts text/event-stream */
    char peer[64];
    int authed;                  /* an OAuth caller: claims apply */
    jwt_claims claims;
    mcp_session *core;
    int owns_core;               /* free core at the end (modern, or initialize not kept) */
    http_sess *sess;             /* legacy session, referenced; NULL otherwise */
    double t0;                   /* when it arrived */
    unsigned queued;             /* calls waiting ahead of it on arrival */
    buf notes;                   /* SSE events not yet handed to MHD */
    size_t sent;
    unsigned n_notes;
    mcp_reply rep;
    int done;                    /* the core thread has the reply */
    gate_result refused;         /* never ran: GATE_TIMEOUT or GATE_STOPPED */
    int abandoned;               /* the stream ended or the client left: cancel */
    char *tail;                  /* the reply as an SSE event */
    size_t tail_len, tail_off;
    double quiet_since;          /* when the stream last sent something */
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
    cJSON_Delete(j->id);
    free(j->msg);
    free(j->tail);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

static void on_send(void *ud, const char *json, size_t len)
{
    call_job *j = ud;
    pthread_mutex_lock(&j->mu);
    size_t mark = j->notes.len;
    int wake = 0;
    if (buf_puts(&j->notes, "event: message\ndata: ") != 0 || buf_append(&j->notes, json, len) != 0 ||
        buf_puts(&j->notes, "\n\n") != 0) {
        j->notes.len = mark;     /* the client reads too slowly: this one is dropped */
        if (j->notes.data)
            j->notes.data[mark] = '\0';
    } else {
        j->n_notes++;
        /* Only a reader that has sent everything parks: with bytes still
         * pending it is busy or woken already. */
        wake = mark == 0;
    }
    pthread_mutex_unlock(&j->mu);
    if (wake)
        http_unpark(j->S->parking, &j->park);
}

/* Cancelled when the client said so (legacy notifications/cancelled), its
 * stream ended, or it hung up (spec 2026-07-28: a disconnect is a cancel). */
static int on_cancelled(void *ud, const cJSON *id)
{
    call_job *j = ud;
    pthread_mutex_lock(&j->mu);
    int gone = j->abandoned;
    pthread_mutex_unlock(&j->mu);
    return gone || (j->sess && http_sess_cancelled(j->S->sessions, j->sess, id)) || http_peer_gone(j->park.fd);
}

/* The gate's run: on the core thread. */
static void run_job(gate_ticket *t)
{
    call_job *j = t->ud;
    http_srv *S = j->S;
    log_msg(j->queued ? LOG_INFO : LOG_DEBUG, "http: call from %s: %u queued ahead, waited %ld ms",
            j->peer, j->queued, (long)(mono_ms() - j->t0));
    mcp_caller caller = http_oauth_caller(&j->claims);
    mcp_io io = { .send = on_send, .cancelled = on_cancelled, .ud = j, .transport = "http", .peer = j->peer,
                  .caller = j->authed ? &caller : NULL };
    mcp_reply rep;
    double t0 = mono_ms();
    /* Timed here, not where the caller's thread wakes: a waiter's call
     * starts when the leaver hands it over. */
    metrics_observe(S->o.metrics, MET_QUEUE_SECONDS, (t0 - j->t0) / 1e3);
    mcp_handle(S->m, j->core, j->msg, j->len, &io, &rep);
    long took = (long)(mono_ms() - t0), mean = S->mean_call_ms;
    S->mean_call_ms = mean ? (mean * 7 + took) / 8 : took;   /* only the core thread writes */
    pthread_mutex_lock(&j->mu);
    j->rep = rep;
    j->done = 1;
    pthread_mutex_unlock(&j->mu);
    http_unpark(S->parking, &j->park);
    /* While the reply is written: the core's housekeeping, still on the
     * core thread, then the next call may start. */
    mcp_idle(S->m);
    job_release(j);
}

/* The gate's refuse: timed out in the queue, or the server stops. */
static void refuse_job(gate_ticket *t, gate_result why)
{
    call_job *j = t->ud;
    pthread_mutex_lock(&j->mu);
    j->refused = why;
    pthread_mutex_unlock(&j->mu);
    http_unpark(j->S->parking, &j->park);
    job_release(j);
}

/* Bytes for the SSE stream of a call under j->mu: pending notifications,
 * else the reply and the end (MHD_CONTENT_READER_END_OF_STREAM), else 0. */
static ssize_t job_bytes(call_job *j, char *dst, size_t max)
{
    if (j->sent < j->notes.len) {
        size_t n = j->notes.len - j->sent < max ? j->notes.len - j->sent : max;
        memcpy(dst, j->notes.data + j->sent, n);
        j->sent += n;
        if (j->sent == j->notes.len) {
            buf_reset(&j->notes);
            j->sent = 0;
        }
        return (ssize_t)n;
    }
    if (!j->done)
        return 0;
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
        return (ssize_t)n;
    }
    return MHD_CONTENT_READER_END_OF_STREAM;
}

/* The SSE stream of a call that sent notifications: each as it comes,
 * then the reply, then the end.  Never blocks: with nothing to send it
 * parks the connection until the core thread or the keep-alive sweep
 * wakes it. */
static ssize_t job_read(void *cls, uint64_t pos, char *dst, size_t max)
{
    (void)pos;
    call_job *j = cls;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        ssize_t n = job_bytes(j, dst, max);
        double now = mono_ms();
        if (n == 0 && now - j->quiet_since >= HTTP_SSE_KEEPALIVE_MS && max >= 16) {
            /* A comment line keeps proxies and the connection time-out at bay. */
            memcpy(dst, ": keep-alive\n\n", 14);
            n = 14;
        }
        if (n > 0)
            j->quiet_since = now;
        pthread_mutex_unlock(&j->mu);
        if (n != 0)
            return n;
        if (http_peer_gone(j->park.fd))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        int p = http_park(j->S->parking, &j->park);
        if (p > 0)
            return 0;
        if (p < 0) {   /* shutting down: cancel the call */
            pthread_mutex_lock(&j->mu);
            j->abandoned = 1;
            pthread_mutex_unlock(&j->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
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
static enum MHD_Result plain_reply(http_srv *S, struct MHD_Connection *c, call_job *j, const char *owner)
{
    const cJSON *id = j->id;
    const char *sid = NULL;
    if (j->is_init && j->rep.is_initialize_result) {
        const char *why;
        http_sess *added = http_sessions_add(S->sessions, j->core, owner, &why);
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

/* Seconds until the calls queued ahead of a new one are likely done: each
 * takes the recent mean time in the core (at least 1 s, as the header
 * counts whole seconds). */
static void retry_after_s(const http_srv *S, unsigned queued, char *out, size_t n)
{
    long ms = (long)(queued + 1) * S->mean_call_ms;
    snprintf(out, n, "%ld", ms / 1000 + 1);
}

/* The answer when the gate turned the call away. */
static enum MHD_Result refusal(http_srv *S, struct MHD_Connection *c, const char *peer, const cJSON *id,
                               gate_result g, unsigned queued)
{
    char msg[160], secs[24];
    retry_after_s(S, queued, secs, sizeof secs);
    const char *const retry_after[] = { "Retry-After", secs, NULL };
    if (g != GATE_STOPPED)
        metrics_refusal(S->o.metrics, MET_LIMITS);
    if (g == GATE_FULL) {
        log_msg(LOG_WARNING, "http: %s refused: %u calls already queued for Slicer", peer, queued);
        snprintf(msg, sizeof msg, "Server busy: %u calls are queued for Slicer; retry later", queued);
        return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, msg, retry_after);
    }
    if (g == GATE_TIMEOUT) {
        log_msg(LOG_WARNING, "http: %s gave up after waiting %ld ms for Slicer", peer, S->o.queue_timeout_ms);
        snprintf(msg, sizeof msg, "Timed out after %ld ms waiting for Slicer; retry later", S->o.queue_timeout_ms);
        return http_respond_error(c, 504, id, RPC_INTERNAL_ERROR, msg, retry_after);
    }
    return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, "Server is shutting down", NULL);
}

enum MHD_Result http_call_resume(http_srv *S, struct MHD_Connection *c, http_req *rq)
{
    call_job *j = rq->call;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        gate_result refused = j->refused;
        int done = j->done, notes = j->n_notes != 0;
        pthread_mutex_unlock(&j->mu);
        if (refused || done || (j->may_stream && notes))
            break;
        int p = http_park(S->parking, &j->park);
        if (p > 0)
            return MHD_YES;   /* libmicrohttpd calls again once woken */
        if (p < 0)
            return refusal(S, c, j->peer, j->id, GATE_STOPPED, 0);
    }
    rq->call = NULL;          /* the request's reference moves to the answer */
    if (j->refused) {
        enum MHD_Result r = refusal(S, c, j->peer, j->id, j->refused, j->queued);
        job_release(j);
        return r;
    }
    pthread_mutex_lock(&j->mu);
    int stream = j->may_stream && j->n_notes && !(j->done && j->rep.http_status != 200);
    j->quiet_since = mono_ms();
    pthread_mutex_unlock(&j->mu);
    if (!stream) {
        enum MHD_Result r = plain_reply(S, c, j, rq->owner);
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

enum MHD_Result http_call(http_srv *S, struct MHD_Connection *c, http_req *rq, mcp_session *core,
                          http_sess *sess, const cJSON *id, int is_init)
{
    call_job *j = calloc(1, sizeof *j);
    cJSON *idc = id ? cJSON_Duplicate(id, 1) : NULL;
    if (!j || (id && !idc) || pthread_mutex_init(&j->mu, NULL) != 0) {
        free(j);
        cJSON_Delete(idc);
        if (!sess)
            mcp_session_free(core);
        http_sessions_put(S->sessions, sess);
        return http_respond_error(c, 500, id, RPC_INTERNAL_ERROR, "out of memory", NULL);
    }
    j->ticket = (gate_ticket){ .ud = j, .run = run_job, .refuse = refuse_job };
    http_parked_init(&j->park, c);
    j->S = S;
    j->refs = 2;
    j->id = idc;
    j->is_init = is_init;
    j->may_stream = !is_init && http_accepts(c, "text/event-stream");
    j->core = core;
    j->owns_core = !sess;
    j->sess = sess;
    j->t0 = mono_ms();
    buf_init(&j->notes, HTTP_MAX_NOTES_BYTES);
    j->msg = buf_steal(&rq->body, &j->len);
    snprintf(j->peer, sizeof j->peer, "%s", rq->peer);
    j->authed = rq->authed;
    j->claims = rq->claims;
    gate_result g = http_gate_enter(&S->gate, &j->ticket, S->o.queue_timeout_ms, &j->queued);
    if (g != GATE_OK) {
        j->refs = 1;             /* never queued: frees the core or puts the session back */
        enum MHD_Result r = refusal(S, c, rq->peer, id, g, j->queued);
        job_release(j);
        return r;
    }
    rq->call = j;
    return http_call_resume(S, c, rq);
}

void http_call_release(http_req *rq)
{
    if (rq->call)
        job_release(rq->call);
    rq->call = NULL;
}
