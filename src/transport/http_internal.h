/* http_internal: what the HTTP transport's files share: the server state,
 * one request's state, and the helpers that queue responses.
 * http_transport.c owns the daemon, the access checks, GET and DELETE;
 * http_post.c owns POST (both eras) and the calls into the core. */
#ifndef HTTP_INTERNAL_H
#define HTTP_INTERNAL_H

#include <cjson/cJSON.h>
#include "transport/http_mhd.h"

#include "util/buf.h"
#include "transport/http_gate.h"
#include "transport/http_oauth.h"
#include "transport/http_session.h"
#include "transport/http_transport.h"

typedef struct {
    mcp *m;
    http_opts o;                 /* with defaults filled in */
    char *token;                 /* NULL: no bearer token required */
    http_oauth *oauth;           /* NULL: no OAuth access tokens (http_oauth.c) */
    http_gate gate;              /* the core, one caller at a time */
    http_sessions *sessions;
    pthread_mutex_t workers_mu;  /* http_call's worker threads still running */
    pthread_cond_t  workers_cv;
    unsigned        workers;
} http_srv;

/* One request, from its first callback to MHD's "completed". */
typedef struct {
    buf body;
    int too_large;               /* the body passed max_body: 413 */
    char peer[64];               /* "ip:port" for the audit log */
    int authed;                  /* claims holds an accepted OAuth token's */
    jwt_claims claims;
} http_req;

/* Queues a response with a copy of body (may be NULL) and the given
 * Content-Type (NULL: none); extra is NULL or "Name", "value", ... NULL. */
enum MHD_Result http_respond(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const char *body, size_t len, const char *const *extra);
/* A JSON-RPC error reply (id may be NULL: null) with this HTTP status. */
enum MHD_Result http_respond_error(struct MHD_Connection *c, unsigned status, const cJSON *id,
                                   int code, const char *msg, const char *const *extra);
/* A request header, or NULL.  MHD compares header names caselessly. */
const char *http_header(struct MHD_Connection *c, const char *name);
/* Whether the Accept header (absent: yes) admits this media type. */
int http_accepts(struct MHD_Connection *c, const char *type);
/* Queues resp as a 200 text/event-stream (no caching, no proxy
 * buffering) and releases the caller's reference to it. */
enum MHD_Result http_queue_sse(struct MHD_Connection *c, struct MHD_Response *resp);

/* Queues an SSE response that streams session s's queued messages until
 * it ends; takes over the caller's reference to s and the stream flag
 * (http_sess_stream_open).  With listen_id it is a 2026-07-28
 * subscriptions/listen stream: first is the acknowledgement, messages
 * are filtered (want_tools) and tagged, and the session ends with it. */
enum MHD_Result http_stream(http_srv *S, struct MHD_Connection *c, http_sess *s, const cJSON *listen_id,
                            int want_tools, const char *first);

/* Runs rq's body through the core with session core (http_call.c):
 * waits its turn at the gate (503/504 when it cannot), then answers with
 * JSON, 202, or a live SSE stream when the call sends notifications.
 * Takes over core when sess is NULL (freed unless is_init keeps it as a
 * new session) and the caller's reference to sess. */
enum MHD_Result http_call(http_srv *S, struct MHD_Connection *c, http_req *rq, mcp_session *core,
                          http_sess *sess, const cJSON *id, int is_init);

/* Handles a POST whose body is complete (http_post.c). */
enum MHD_Result http_post(http_srv *S, struct MHD_Connection *c, http_req *rq);

#endif
