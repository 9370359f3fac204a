/* http_metrics: GET /metrics in the Prometheus text exposition format
 * (version 0.0.4), from slicer/metrics.h's registry and two gauges the
 * transport reads when asked (calls queued, sessions open).  Served on
 * the MCP endpoint's address behind its token, or on an address of its
 * own (--metrics HOST:PORT) by a second libmicrohttpd daemon. */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include "transport/http_internal.h"
#include "slicer/metrics.h"

#define HTTP_METRICS_PATH "/metrics"

/* The page for this snapshot and these gauges: malloc'd text, NULL when
 * memory ran out. */
char *http_metrics_render(const metrics_snapshot *s, unsigned queued, unsigned sessions);

/* Answers a request for /metrics that passed the access checks: GET or
 * HEAD (else 405), the page through the core's redaction. */
enum MHD_Result http_metrics_serve(http_srv *S, struct MHD_Connection *c, const char *method);

/* The listener of its own, when S->o.metrics_listen is set: its Host
 * allow-list is /mcp's, and it serves nothing but /metrics.  Binds
 * before returning (shown: the bound address); -1 with e. */
int  http_metrics_start(http_srv *S, char *shown, size_t shown_n, err *e);
void http_metrics_stop(http_srv *S);

#endif
