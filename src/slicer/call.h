/* call: running one validated tools/call against Slicer: the generic
 * mapping of tools.d (one REST call, arguments into percent-encoded query
 * parameters) and the helpers the built-in adapters share (guarded REST
 * calls, Slicer error decoding, image and JSON results).  It does not
 * know the adapters: adapter_run (adapters.h) picks the runner. */
#ifndef CALL_H
#define CALL_H

#include <cjson/cJSON.h>
#include "slicer/backend.h"
#include "slicer/imgreply.h"
#include "slicer/spool.h"
#include "util/buf.h"
#include "util/err.h"
#include "catalog/tools.h"

typedef struct {
    /* inputs (borrowed) */
    backend     *b;
    const tool  *t;
    const cJSON *args;            /* validated arguments object */
    spool       *spool;           /* files for Slicer to load; may be NULL */
    int (*policy_enabled)(const void *ud, const char *policy);
    const void  *policy_ud;
    /* outputs (owned by the ctx until call_ctx_clear) */
    cJSON *content;               /* array of content blocks */
    cJSON *structured;            /* object or NULL */
    cJSON *structured_item;       /* its JSON: the "text" item of a block in content */
    int    is_error;
    int    denied;                /* the guard refused a request */
} call_ctx;

/* Prepares c's outputs (an empty content array); -1 with e when out of
 * memory.  adapter_run calls it before it runs a tool. */
int  call_ctx_start(call_ctx *c, err *e);
/* Runs c->t by the generic mapping (one REST call).  The contract of
 * every tool runner, adapters included: tool-level failures (Slicer
 * down, 500, bad answer, refused by the guard) become is_error results
 * with a message a model can act on; -1 only when the gateway itself
 * failed (out of memory), with e.  The outputs must be started. */
int  call_generic(call_ctx *c, err *e);
void call_ctx_clear(call_ctx *c);

/* --- helpers for adapters --- */

/* Appends "&k=v" (or "?k=v" first) to target, percent-encoding k and v
 * (RFC 3986 unreserved characters stay). */
int  call_query_add(buf *target, const char *k, const char *v);
/* A scalar argument as Slicer expects it in a query ("12.5", "true");
 * NULL for absent or non-scalar.  Caller frees. */
char *call_arg_string(const cJSON *args, const char *name);
/* A page of a list: cursor (the offset, as text, where the previous page
 * stopped; 0 without) and limit (def without) from the arguments. */
typedef struct {
    size_t start, limit;
} call_page;
call_page call_page_args(const cJSON *args, size_t def);
/* Adds total and, when items remain after index next, next_cursor. */
void call_page_result(cJSON *res, size_t total, size_t next);
/* An array of three finite numbers (a RAS point, IJK indices) into v;
 * -1 (v untouched in part) for anything else, NULL included. */
int   call_vec3(const cJSON *a, double v[3]);

/* One REST call through the guard.  0 on a 200; -1 with e otherwise:
 * ERR_DENIED (guard), ERR_NOT_FOUND (Slicer said no such node),
 * ERR_UPSTREAM (Slicer failed; e carries Slicer's own message). */
int  call_slicer(call_ctx *c, const char *method, const char *target,
                 const void *body, size_t len, backend_resp *r, err *e);
/* call_slicer for a 200 body streamed into sink (backend_call_stream):
 * the same guard and error decoding; when the sink stopped the transfer
 * the error is "the answer could not be processed" and the sink knows why. */
int  call_slicer_stream(call_ctx *c, const char *method, const char *target,
                        backend_sink_fn sink, void *sink_ud, err *e);
/* call_slicer + parse a JSON answer (Slicer's single-quoted
 * {'status': 'success'} is accepted).  *out owned by the caller. */
int  call_slicer_json(call_ctx *c, const char *method, const char *target,
                      cJSON **out, err *e);

/* Result builders. */
int  call_add_text(call_ctx *c, const char *text);
/* Waits for an image job started with imgreply_start (Slicer's PNG
 * re-encoded losslessly, composited over black, downscaled so no side
 * exceeds its max_side and its base64 fits MCP clients' limit) and adds
 * it as image content, with a text block when the byte limit downscaled
 * it; *w,*h get the output size (may be NULL).  The job is finished
 * either way. */
int  call_add_png(call_ctx *c, imgreply *j, unsigned *w, unsigned *h, err *e);
/* Adds a PNG the gateway drew itself as image content, as it is: it is
 * already lossless and small (the 480x300 histogram plot would stay under
 * 600 kB of base64 even stored raw, below the clients' 1 MiB), so nothing
 * is decoded or re-encoded. */
int  call_add_drawn_png(call_ctx *c, const void *png, size_t len, err *e);
/* Sets structuredContent (takes ownership) and adds its JSON as text. */
int  call_set_structured(call_ctx *c, cJSON *obj);
/* Makes the result an error whose text is msg. */
int  call_fail(call_ctx *c, const char *msg);

#endif
