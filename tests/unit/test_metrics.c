/* The metrics registry and its exposition text: label values escaped as
 * the text format says (backslash, double quote, line feed), buckets
 * cumulative with bounds inclusive ("le"), the unknown-tool label, the
 * cap on tool names, and exact counts from several threads at once.
 * Expected lines are written by hand from the format's description
 * (prometheus.io, "Exposition formats", text format 0.0.4). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/metrics.h"
#include "transport/http_metrics.h"
#include "testlib.h"

static char *page_of(metrics *m, unsigned queued, unsigned sessions)
{
    metrics_snapshot s;
    if (metrics_snapshot_take(m, &s) != 0)
        return NULL;
    char *p = http_metrics_render(&s, queued, sessions);
    metrics_snapshot_free(&s);
    return p;
}

static void test_escaping_and_labels(void)
{
    metrics *m = metrics_new();
    metrics_call(m, "a\"b\\c\nd", MET_OK);
    metrics_call(m, NULL, MET_INVALID);
    metrics_call(m, NULL, MET_INVALID);
    metrics_call(m, "get_slicer_info", MET_TOOL_ERROR);
    metrics_refusal(m, MET_SCOPE);
    char *p = page_of(m, 3, 2);
    T_ASSERT(p, "rendered");
    T_CHECK(strstr(p, "\nslicer_mcp_tool_calls_total{tool=\"a\\\"b\\\\c\\nd\",outcome=\"ok\"} 1\n"),
            "quote, backslash and line feed escaped: %s", p);
    T_CHECK(strstr(p, "\nslicer_mcp_tool_calls_total{tool=\"(unknown)\",outcome=\"invalid\"} 2\n"), "unknown: 2");
    T_CHECK(strstr(p, "\nslicer_mcp_tool_calls_total{tool=\"get_slicer_info\",outcome=\"tool_error\"} 1\n") &&
            strstr(p, "\nslicer_mcp_tool_calls_total{tool=\"get_slicer_info\",outcome=\"ok\"} 0\n"),
            "each outcome of a tool seen, zeros too");
    T_CHECK(strstr(p, "\nslicer_mcp_refusals_total{reason=\"scope\"} 1\n") &&
            strstr(p, "\nslicer_mcp_refusals_total{reason=\"auth\"} 0\n"), "refusals by reason");
    T_CHECK(strstr(p, "\nslicer_mcp_queue_length 3\n") && strstr(p, "\nslicer_mcp_sessions 2\n"), "gauges");
    /* Sorted by name: (unknown) < a"b... < get_slicer_info in byte order. */
    char *u = strstr(p, "tool=\"(unknown)\""), *a = strstr(p, "tool=\"a\\\""), *g = strstr(p, "tool=\"get_");
    T_CHECK(u && a && g && u < a && a < g, "tools in byte order");
    free(p);
    metrics_free(m);
}

static void test_buckets(void)
{
    metrics *m = metrics_new();
    const double v[] = { 0.001, 0.0011, 0.5, 30, 31, -1 };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        metrics_observe(m, MET_SLICER_SECONDS, v[i]);
    char *p = page_of(m, 0, 0);
    T_ASSERT(p, "rendered");
    /* -1 counts as 0: le=0.001 holds it and 0.001 itself. */
    static const char *const want[] = {
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"0.001\"} 2\n",
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"0.0025\"} 3\n",
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"0.25\"} 3\n",
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"0.5\"} 4\n",
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"30\"} 5\n",
        "slicer_mcp_slicer_request_duration_seconds_bucket{le=\"+Inf\"} 6\n",
        "slicer_mcp_slicer_request_duration_seconds_count 6\n",
        "slicer_mcp_queue_wait_seconds_bucket{le=\"+Inf\"} 0\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        T_CHECK(strstr(p, want[i]), "has %s", want[i]);
    double sum = -1;
    const char *s = strstr(p, "slicer_mcp_slicer_request_duration_seconds_sum ");
    if (s)
        sum = strtod(s + strlen("slicer_mcp_slicer_request_duration_seconds_sum "), NULL);
    T_CHECK(sum > 61.5020 && sum < 61.5022, "sum 0.001+0.0011+0.5+30+31+0 = 61.5021: %.17g", sum);
    free(p);
    metrics_free(m);
}

static void test_cap(void)
{
    metrics *m = metrics_new();
    char name[32];
    for (int i = 0; i < METRICS_MAX_TOOLS + 10; i++) {
        snprintf(name, sizeof name, "tool_%05d", i);
        metrics_call(m, name, MET_OK);
    }
    metrics_snapshot s;
    T_ASSERT(metrics_snapshot_take(m, &s) == 0, "snapshot");
    /* The cap holds METRICS_MAX_TOOLS names, (unknown) among them: the
     * names that find the table full go there. */
    size_t unknown_ok = 0;
    for (size_t i = 0; i < s.ntools; i++)
        if (!strcmp(s.tools[i].tool, METRICS_UNKNOWN_TOOL))
            unknown_ok = (size_t)s.tools[i].n[MET_OK];
    T_CHECK(s.ntools == METRICS_MAX_TOOLS && unknown_ok == 11, "%zu names, %zu counted as unknown", s.ntools,
            unknown_ok);
    metrics_snapshot_free(&s);
    metrics_free(m);
}

#define THREADS 4
#define EACH 20000

static void *hammer(void *ud)
{
    metrics *m = ud;
    for (int i = 0; i < EACH; i++) {
        metrics_call(m, i % 2 ? "a" : "b", MET_OK);
        metrics_refusal(m, MET_LIMITS);
        metrics_observe(m, MET_QUEUE_SECONDS, 0.002);
    }
    return NULL;
}

static void test_threads(void)
{
    metrics *m = metrics_new();
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, hammer, m);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    metrics_snapshot s;
    T_ASSERT(metrics_snapshot_take(m, &s) == 0, "snapshot");
    T_CHECK(s.ntools == 2 && s.tools[0].n[MET_OK] == THREADS * EACH / 2 && s.tools[1].n[MET_OK] == THREADS * EACH / 2,
            "calls from %d threads all counted", THREADS);
    T_CHECK(s.refusals[MET_LIMITS] == THREADS * EACH && s.hist[MET_QUEUE_SECONDS].count == THREADS * EACH &&
            s.hist[MET_QUEUE_SECONDS].bucket[1] == THREADS * EACH, "refusals and observations too");
    metrics_snapshot_free(&s);
    metrics_free(m);
}

int main(void)
{
    t_run("metrics_escaping_and_labels", test_escaping_and_labels);
    t_run("metrics_buckets", test_buckets);
    t_run("metrics_tool_cap", test_cap);
    t_run("metrics_threads", test_threads);
    return t_done();
}
