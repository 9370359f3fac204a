/* metrics: the gateway's counters and histograms for GET /metrics
 * (issue 20), fed from several threads (the HTTP connection threads, the
 * core thread) and read by transport/http_metrics.c, which renders them.
 * It lives in slicer/ because the lowest layer that feeds it is here: the
 * REST client times each call to Slicer (backend.c); the core counts
 * calls and its refusals (mcp/), the HTTP transport its own refusals and
 * queue waits.  Every function takes NULL (metrics off) and then does
 * nothing, so a gateway without --metrics pays one test per event. */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct metrics metrics;

/* A tools/call's outcome, as its audit line names it (metrics_outcome_name). */
typedef enum {
    MET_OK,              /* Slicer answered and the result went back */
    MET_TOOL_ERROR,      /* a result with isError: Slicer or the adapter failed */
    MET_INVALID,         /* the request was malformed: no such tool, arguments off the schema */
    MET_REFUSED,         /* a policy, the guard or the token's scope said no */
    MET_CANCELLED,       /* the client cancelled or left */
    MET_INTERNAL_ERROR,
    MET_OUTCOMES
} metrics_outcome;

/* Why a request was turned away. */
typedef enum {
    MET_AUTH,            /* 401: no or a bad bearer token */
    MET_SCOPE,           /* 403 insufficient_scope */
    MET_GUARD,           /* a policy that is off, or the endpoint guard at call time */
    MET_LIMITS,          /* a limit of the HTTP transport: queue, sessions, streams, connections, body */
    MET_REASONS
} metrics_reason;

typedef enum {
    MET_SLICER_SECONDS,  /* one REST call to Slicer */
    MET_QUEUE_SECONDS,   /* an HTTP call's wait at the gate before the core ran it */
    MET_HISTOGRAMS
} metrics_histogram;

/* Upper bounds of the histogram buckets in seconds, 1 ms to 30 s; +Inf
 * comes after them. */
#define METRICS_BUCKETS 14
extern const double metrics_bounds[METRICS_BUCKETS];

/* The label value of calls whose tool name the catalogue did not know:
 * one value, so clients cannot add label values.  Not a valid tool name
 * (tools.d names are A-Z a-z 0-9 _ . -). */
#define METRICS_UNKNOWN_TOOL "(unknown)"
/* Distinct tool label values kept, the unknown one included; later new
 * names count as unknown. */
#define METRICS_MAX_TOOLS 4096

metrics *metrics_new(void);
void metrics_free(metrics *m);

/* One tools/call ended.  tool is the catalogue's name of the tool, or
 * NULL when the catalogue has none by the name the client sent. */
void metrics_call(metrics *m, const char *tool, metrics_outcome o);
void metrics_refusal(metrics *m, metrics_reason r);
void metrics_observe(metrics *m, metrics_histogram h, double seconds);

const char *metrics_outcome_name(metrics_outcome o);
const char *metrics_reason_name(metrics_reason r);

/* A consistent copy, taken under the registry's lock. */
typedef struct {
    uint64_t bucket[METRICS_BUCKETS + 1];   /* per bucket, not cumulative; the last is +Inf */
    uint64_t count;
    double sum;
} metrics_hist;

typedef struct {
    char *tool;
    uint64_t n[MET_OUTCOMES];
} metrics_tool;

typedef struct {
    metrics_tool *tools;            /* sorted by name */
    size_t ntools;
    uint64_t refusals[MET_REASONS];
    metrics_hist hist[MET_HISTOGRAMS];
} metrics_snapshot;

/* 0, or -1 when memory ran out (then *s is empty). */
int metrics_snapshot_take(metrics *m, metrics_snapshot *s);
void metrics_snapshot_free(metrics_snapshot *s);

#endif
