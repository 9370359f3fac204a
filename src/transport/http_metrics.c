/* http_metrics: the exposition text and the /metrics listener. */
#include "transport/http_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/http_access.h"
#include "transport/http_listen.h"
#include "transport/http_reply.h"
#include "mcp/jsonrpc.h"
#include "util/buf.h"
#include "util/log.h"

#define METRICS_CTYPE   "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_MAX_PAGE (8u << 20)   /* 4,096 tools x 6 outcomes fit many times over */
#define METRICS_MAX_HEADERS (8u << 10)   /* a scrape's request line and headers */

static int family(buf *b, const char *name, const char *type, const char *help)
{
    return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the format wants it: backslash, double quote and line
 * feed escaped. */
static int label_value(buf *b, const char *v)
{
    int rc = 0;
    for (const char *p = v; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
        size_t plain = esc ? 0 : strcspn(p, "\\\"\n");
        rc |= esc ? buf_puts(b, esc) : buf_append(b, p, plain);
        p += plain ? plain - 1 : 0;
    }
    return rc;
}

static int histogram(buf *b, const char *name, const char *help, const metrics_hist *h)
{
    int rc = family(b, name, "histogram", help);
    uint64_t cum = 0;
    for (int i = 0; i <= METRICS_BUCKETS; i++) {
        cum += h->bucket[i];
        if (i < METRICS_BUCKETS)
            rc |= buf_printf(b, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name, metrics_bounds[i], cum);
        else
            rc |= buf_printf(b, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, cum);
    }
    return rc | buf_printf(b, "%s_sum %.17g\n%s_count %" PRIu64 "\n", name, h->sum, name, h->count);
}

char *http_metrics_render(const metrics_snapshot *s, unsigned queued, unsigned sessions)
{
    buf b;
    buf_init(&b, METRICS_MAX_PAGE);
    int rc = family(&b, "slicer_mcp_tool_calls_total", "counter",
                    "tools/call requests by tool and outcome, one per audit line; tool is the catalogue's "
                    "name, or " METRICS_UNKNOWN_TOOL " for a name it does not know");
    for (size_t i = 0; i < s->ntools; i++)
        for (int o = 0; o < MET_OUTCOMES; o++) {
            rc |= buf_puts(&b, "slicer_mcp_tool_calls_total{tool=\"");
            rc |= label_value(&b, s->tools[i].tool);
            rc |= buf_printf(&b, "\",outcome=\"%s\"} %" PRIu64 "\n", metrics_outcome_name((metrics_outcome)o),
                             s->tools[i].n[o]);
        }
    rc |= family(&b, "slicer_mcp_refusals_total", "counter",
                 "Requests turned away: auth (401), scope (403 insufficient_scope), guard (a policy that is "
                 "off, or the endpoint guard), limits (the HTTP transport's queue, session, stream, "
                 "connection and body limits)");
    for (int r = 0; r < MET_REASONS; r++)
        rc |= buf_printf(&b, "slicer_mcp_refusals_total{reason=\"%s\"} %" PRIu64 "\n",
                         metrics_reason_name((metrics_reason)r), s->refusals[r]);
    rc |= histogram(&b, "slicer_mcp_slicer_request_duration_seconds",
                    "Time of each REST call to Slicer's Web Server, to the last byte",
                    &s->hist[MET_SLICER_SECONDS]);
    rc |= histogram(&b, "slicer_mcp_queue_wait_seconds",
                    "Time an HTTP request waited for Slicer (the one-at-a-time gate) before it ran",
                    &s->hist[MET_QUEUE_SECONDS]);
    rc |= family(&b, "slicer_mcp_queue_length", "gauge", "HTTP requests waiting for Slicer now");
    rc |= buf_printf(&b, "slicer_mcp_queue_length %u\n", queued);
    rc |= family(&b, "slicer_mcp_sessions", "gauge",
                 "Open HTTP sessions: handshake-era sessions and subscriptions/listen streams");
    rc |= buf_printf(&b, "slicer_mcp_sessions %u\n", sessions);
    if (rc != 0) {
        buf_free(&b);
        return NULL;
    }
    size_t len;
    return buf_steal(&b, &len);
}

enum MHD_Result http_metrics_serve(http_srv *S, struct MHD_Connection *c, const char *method)
{
    static const char *const allow_get[] = { "Allow", "GET, HEAD", NULL };
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return http_respond_error(c, 405, NULL, RPC_INVALID_REQUEST, "Method Not Allowed", allow_get);
    metrics_snapshot s;
    char *page = NULL, *out = NULL;
    if (metrics_snapshot_take(S->o.metrics, &s) == 0) {
        page = http_metrics_render(&s, http_gate_waiting(&S->gate), http_sessions_count(S->sessions));
        metrics_snapshot_free(&s);
    }
    /* It leaves the process like a reply: the rules apply once, here. */
    if (page)
        out = mcp_redact_text(S->m, page);
    free(page);
    if (!out)
        return http_respond_error(c, 500, NULL, RPC_INTERNAL_ERROR, "out of memory", NULL);
    enum MHD_Result r = http_respond(c, 200, METRICS_CTYPE, out, strlen(out), NULL);
    free(out);
    return r;
}

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    http_srv *S = cls;
    if (!*con_cls) {             /* headers only: answer when the request is whole */
        *con_cls = S;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;        /* a GET has no body: whatever comes is dropped */
        return MHD_YES;
    }
    const char *host = http_header(c, "Host");
    if (!http_host_allowed(host, S->o.allow_hosts)) {
        log_msg(LOG_WARNING, "http: metrics request refused: Host '%.100s' not allowed (see --allow-host)",
                host ? host : "");
        return http_respond_error(c, 403, NULL, RPC_INVALID_REQUEST, "Forbidden: Host not allowed", NULL);
    }
    if (strcmp(url, HTTP_METRICS_PATH) != 0)
        return http_respond_error(c, 404, NULL, RPC_INVALID_REQUEST, "Not Found: this address serves "
                                  HTTP_METRICS_PATH " only", NULL);
    return http_metrics_serve(S, c, method);
}

int http_metrics_start(http_srv *S, char *shown, size_t shown_n, err *e)
{
    int loopback;
    int fd = http_listen_on("--metrics", S->o.metrics_listen,
                            S->o.metrics_allow_remote ? NULL : "metrics without authentication on an address "
                            "other machines reach: use a loopback address, --metrics on (behind /mcp's token), "
                            "or --metrics-allow-remote true", &loopback, shown, shown_n, e);
    if (fd < 0)
        return -1;
    /* One thread: a scrape is a lock and a page of text. */
    S->metrics_d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_metrics, S,
                                    MHD_OPTION_LISTEN_SOCKET, fd,
                                    MHD_OPTION_CONNECTION_LIMIT, (unsigned)8,
                                    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                                    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_MAX_HEADERS,
                                    MHD_OPTION_END);
    if (!S->metrics_d) {
        close(fd);
        return err_set(e, ERR_INTERNAL, "--metrics %s: libmicrohttpd failed to start", shown);
    }
    log_msg(LOG_INFO, "http: metrics at http://%s" HTTP_METRICS_PATH "%s", shown,
            loopback ? "" : " (a NON-LOOPBACK address, without authentication)");
    return 0;
}

void http_metrics_stop(http_srv *S)
{
    if (S->metrics_d)
        MHD_stop_daemon(S->metrics_d);
    S->metrics_d = NULL;
}
