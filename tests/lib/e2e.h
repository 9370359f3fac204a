/* e2e: shared steps of the end-to-end tests: a slicer-sim plus a
 * slicer-mcp pointed at it and already initialized, and queries over the
 * stand-in's request log. */
#ifndef E2E_H
#define E2E_H

#include <cjson/cJSON.h>
#include "mcpclient.h"
#include "testlib.h"

typedef struct {
    t_sim *sim;
    t_mcp *mcp;
} e2e;

/* Starts slicer-sim (sim_args, may be NULL) and slicer-mcp with
 * --slicer-url, --tools-dir tools.d and mcp_args (may be NULL), then
 * initializes with protocol 2025-11-25.  0 on success. */
int  e2e_start(e2e *x, const char *const *sim_args, const char *const *mcp_args);
void e2e_stop(e2e *x);

/* tools/call that must succeed (a failed check otherwise); the answer,
 * or NULL, for the caller to free. */
cJSON *e2e_call_ok(e2e *x, const char *tool, const char *args);
/* tools/call that must answer isError with want in its text. */
void e2e_expect_error(e2e *x, const char *tool, const char *args, const char *want);

/* Number of request-log lines whose method matches (NULL = any) and whose
 * raw target starts with prefix. */
int  e2e_log_count(const e2e *x, const char *method, const char *prefix);
/* The raw target of the n-th (0-based) logged request starting with
 * prefix, or "" (static buffer). */
const char *e2e_log_target(const e2e *x, const char *prefix, int n);

/* Reading results: o[k]; a number (NaN when not one); a string ("" when
 * not one); the i-th number of an array. */
static inline const cJSON *e2e_get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}
static inline double e2e_num(const cJSON *o, const char *k)
{
    return cJSON_GetNumberValue(e2e_get(o, k));
}
static inline const char *e2e_str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(e2e_get(o, k));
    return s ? s : "";
}
static inline double e2e_at(const cJSON *arr, int i)
{
    return cJSON_GetNumberValue(cJSON_GetArrayItem(arr, i));
}

/* result.structuredContent of a tools/call response (borrowed). */
const cJSON *e2e_structured(const cJSON *resp);
/* Decodes the first image block of a response with libpng; fills w, h
 * and an RGBA buffer (caller frees).  0 on success. */
int  e2e_image(const cJSON *resp, unsigned *w, unsigned *h, unsigned char **rgba,
               size_t *png_bytes);

#endif
