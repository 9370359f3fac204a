/* http_internal: the types the HTTP transport's files share: the server
 * state and one request's state.  Types only.  The files, top down:
 * http_transport.c owns the daemon, the access checks, GET and DELETE;
 * http_post.c POST (both eras); http_call.c the calls into the core;
 * http_reply.c the responses and SSE streams they all queue; below them
 * http_gate.c (the core thread and its queue) and http_park.c (requests
 * and streams suspended while they wait). */
#ifndef HTTP_INTERNAL_H
#define HTTP_INTERNAL_H

#include <cjson/cJSON.h>
#include "transport/http_mhd.h"

#include "util/buf.h"
#include "transport/http_conns.h"
#include "transport/http_gate.h"
#include "transport/http_park.h"
#include "policy/jwt.h"
#include "transport/http_session.h"
#include "transport/http_opts.h"

#define HTTP_SSE_KEEPALIVE_MS 15000   /* an SSE comment after this long quiet */

/* http_oauth.c owns it; declared here so that file can include this one. */
typedef struct http_oauth http_oauth;

typedef struct {
    mcp *m;
    http_opts o;                 /* with defaults filled in */
    char *token;                 /* NULL: no bearer token required */
    http_oauth *oauth;           /* NULL: no OAuth access tokens (http_oauth.c) */
    http_gate gate;              /* the core thread, one call at a time */
    http_parking *parking;       /* connections suspended while they wait */
    http_sessions *sessions;
    http_conns *conns;           /* open connections: limits and deadlines */
    _Atomic long mean_call_ms;   /* moving average of a call's time in the core */
    gate_ticket idle;            /* the housekeeping's turn at the core */
    _Atomic int idle_queued;     /* idle is in the gate's queue or running */
    struct MHD_Daemon *metrics_d;   /* /metrics on its own address, or NULL */
} http_srv;

/* One request, from its first callback to MHD's "completed". */
typedef struct {
    buf body;
    int too_large;               /* the body passed max_body: 413 */
    char peer[64];               /* "ip:port" for the audit log */
    int authed;                  /* claims holds an accepted OAuth token's */
    int metrics;                 /* a request for /metrics that passed the checks */
    jwt_claims claims;
    char *owner;                 /* the token's subject, for session binding; NULL without OAuth */
    void *call;                  /* http_call.c's job while the request waits
                                  * for it (referenced), else NULL */
} http_req;

#endif
