/* backend: the only file that talks to libcurl; one REST call to the
 * Slicer Web Server at a time.
 *
 * Slicer closes every connection after one response and answers nothing
 * at all to some requests, so every call has a connect and a total
 * time-out, never reuses a connection, never sends "Expect: 100-continue"
 * (Slicer would never answer it), ignores proxies (PHI must not detour)
 * and caps the bytes it accepts. */
#ifndef BACKEND_H
#define BACKEND_H

#include <stddef.h>
#include "util/buf.h"
#include "slicer/metrics.h"
#include "util/err.h"

/* REST calls one tool call's audit line lists; the count goes on past it.
 * A get_markups or list_volumes page makes one call per node, so this is
 * well above the largest page. */
#define BACKEND_MAX_TRACE 4096

/* Caps per kind of collected answer, each also at most
 * backend_opts.max_response: such an answer is held whole in memory (and
 * parsed, for JSON), so only what is streamed through a sink (NRRD voxels,
 * bounded by the sink from the header) may be larger.  Real properties of
 * one node are kilobytes; a 4K screenshot PNG is tens of megabytes. */
#define BACKEND_MAX_JSON  (32u << 20)   /* /mrml, /system, ...: parsed answers */
#define BACKEND_MAX_IMAGE (64u << 20)   /* /slice, /threeD, /screenshot, /timeimage */

typedef struct backend backend;

typedef struct {
    const char *base_url;       /* e.g. "http://127.0.0.1:2016" (no trailing /) */
    long connect_timeout_ms;
    long timeout_ms;            /* total, per REST call */
    size_t max_response;        /* bytes */
    metrics *metrics;           /* each call's time goes here (borrowed); NULL: none */
} backend_opts;

typedef struct {
    long   status;              /* HTTP status; 0 when nothing came back */
    char   content_type[128];   /* "" when absent */
    buf    body;                /* capped per kind (BACKEND_MAX_JSON, _IMAGE) */
    size_t streamed;            /* bytes handed to a sink */
} backend_resp;

/* One REST call as the audit log records it. */
typedef struct {
    char   method[8];
    char   target[256];         /* truncated for the record only */
    long   status;
    size_t bytes;
    double ms;
    double first_byte_ms;       /* to the answer's first byte; 0 if none came */
} backend_trace;

/* Called while a transfer runs (about every 50 ms and as data arrives):
 * now/total are body bytes (total 0 if unknown).  Returning non-zero
 * aborts the call as cancelled. */
typedef int (*backend_tick_fn)(void *ud, size_t now, size_t total);

backend *backend_new(const backend_opts *o, err *e);
void     backend_free(backend *b);
void     backend_set_tick(backend *b, backend_tick_fn fn, void *ud);

/* Sends method target (origin-form, e.g. "/slicer/slice?view=red") with
 * an optional body.  0 when an HTTP response arrived (any status: the
 * caller judges it; r->body is owned by r, free with backend_resp_free);
 * -1 with e ("slicer: GET /slicer/x: timed out after 5000 ms", ERR_UPSTREAM,
 * ERR_LIMIT for an oversized body, ERR_DENIED... never) otherwise. */
int  backend_call(backend *b, const char *method, const char *target,
                  const void *body, size_t body_len, backend_resp *r, err *e);
void backend_resp_free(backend_resp *r);

/* Receives a 200 answer's body as it arrives (the total from
 * Content-Length, 0 if unknown); returns 0 to go on, non-zero to abort
 * the call (the error is then the sink's business). */
typedef int (*backend_sink_fn)(void *ud, const void *data, size_t n, size_t total);

/* backend_call, but a 200 body streams into sink instead of r->body, so
 * memory does not grow with the answer (non-200 bodies are still
 * collected in r->body, capped, for the error message).  The byte cap
 * does not apply to streamed bodies; the time-out does. */
int  backend_call_stream(backend *b, const char *method, const char *target,
                         backend_sink_fn sink, void *sink_ud, backend_resp *r, err *e);

/* Between calls, off the reply's path: frees the easy handles used since
 * the last time and makes ready as many fresh ones as the most any call
 * has needed so far, at most 4 (without it, each call makes and frees
 * its own); closes the connections the last call used and opens the
 * next call's (without it, each REST call connects and closes on the
 * way to the reply). */
void backend_idle(backend *b);
/* The calls made since the last reset: backend_trace_count of them are
 * kept (at most BACKEND_MAX_TRACE), backend_calls_made counts them all. */
void backend_trace_reset(backend *b);
size_t backend_trace_count(const backend *b);
size_t backend_calls_made(const backend *b);
const backend_trace *backend_trace_at(const backend *b, size_t i);

/* GETs an http(s) url into out, which the caller has set up with
 * buf_init (its cap is the size limit), within timeout_ms: no proxy, no
 * redirects.  -1 with e on any failure, an answer over the cap
 * (ERR_LIMIT) or a status other than 200.  Independent of any backend;
 * the first call loads libcurl, so the first one must not race a first
 * REST call (app/ makes it at start-up). */
int backend_fetch_url(const char *url, long timeout_ms, buf *out, err *e);

/* Loads libcurl now: for a caller whose first fetch may come from any
 * thread (loading is not thread-safe).  0, or -1 with e. */
int backend_load(err *e);

/* The same as a POST of form (application/x-www-form-urlencoded, already
 * encoded) with one more header line (NULL: none), e.g. the
 * "Authorization: Basic ..." of a token introspection request. */
int backend_post_form(const char *url, const char *form, const char *header, long timeout_ms, buf *out, err *e);

#endif
