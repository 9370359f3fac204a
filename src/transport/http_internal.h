/* http_internal: the types the HTTP transport's files share: the server
 * state and one request's state.  Types only.  The files, top down:
 * http_transport.c owns the daemon, the access checks, GET and DELETE;
 * http_post.c POST (both eras); http_call.c the calls into the core;
 * http_reply.c the responses and SSE streams they all queue. */
#ifndef HTTP_INTERNAL_H
#define HTTP_INTERNAL_H

#include <cjson/cJSON.h>
#include "transport/http_mhd.h"

#include "util/buf.h"
#include "transport/http_gate.h"
#include "transport/http_session.h"
#include "transport/http_opts.h"

typedef struct {
    mcp *m;
    http_opts o;                 /* with defaults filled in */
    char *token;                 /* NULL: no bearer token required */
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
} http_req;

#endif
