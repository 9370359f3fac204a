/* End-to-end: GET /metrics (issue 20 item 4) with the static token.  Off
 * by default (404); "--metrics on" puts it behind /mcp's token; a mixed
 * run (calls that succeed, fail in Slicer, break the schema, name no
 * tool, hit the guard or a policy that is off, a wrong token, a body past
 * the limit, a session) leaves counters equal to what the audit log of
 * that run says, counted by tests/lib/tmetrics.c from the lines alone;
 * "--metrics HOST:PORT" serves it on its own loopback address, with the
 * Host check and redaction, and refuses a non-loopback one. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mcpclient.h"
#include "testlib.h"
#include "thttp.h"
#include "tmetrics.h"

#define TOKEN "metrics-test-token-0123456789"

static t_sim *g_sim;
static char g_token_file[512];

typedef struct {
    t_gw t;
    char audit[512];
} gw;

/* The shipped tools and delete_node, whose DELETE without an id the
 * guard refuses at call time (clear_scene is off): the endpoint guard,
 * not a policy on the tool. */
static const char *tools_dir(void)
{
    static char dir[512];
    char cmd[2048];
    snprintf(dir, sizeof dir, "%s/metrics-tools", t_tmpdir());
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s && cp tools.d/*.yaml tests/fixtures/tools/guarded/*.yaml %s/",
             dir, dir, dir);
    return system(cmd) == 0 ? dir : NULL;
}

/* Starts the gateway with --http on a free port; 0 when it listens. */
static int gw_start(gw *g, const char *const *extra)
{
    static int seq;
    char pf[512];
    snprintf(pf, sizeof pf, "%s/metrics-gw-%d.port", t_tmpdir(), ++seq);
    snprintf(g->audit, sizeof g->audit, "%s/metrics-audit-%d.jsonl", t_tmpdir(), seq);
    const char *args[40] = { "--http", "127.0.0.1:0", "--http-port-file", pf, "--slicer-url", t_sim_url(g_sim),
                             "--watch", "false", "--audit-log", g->audit };
    int a = 10;
    for (int i = 0; extra && extra[i] && a < 39; i++)
        args[a++] = extra[i];
    return t_gw_start(&g->t, args, pf);
}

static void test_off_by_default(void)
{
    gw g;
    const char *extra[] = { "--token-file", g_token_file, NULL };
    T_ASSERT(gw_start(&g, extra) == 0, "start");
    char *out;
    int st = t_req(g.t.port, "GET", "/metrics", NULL, TOKEN, NULL, NULL, &out);
    T_CHECK(st == 404, "without --metrics, /metrics is not there: %d %s", st, out ? out : "");
    free(out);
    t_gw_stop(&g.t);
}

/* Documented names, each with its HELP and TYPE lines. */
static void check_families(const char *page)
{
    static const char *const fam[][2] = {
        { "slicer_mcp_tool_calls_total", "counter" }, { "slicer_mcp_refusals_total", "counter" },
        { "slicer_mcp_slicer_request_duration_seconds", "histogram" },
        { "slicer_mcp_queue_wait_seconds", "histogram" },
        { "slicer_mcp_queue_length", "gauge" }, { "slicer_mcp_sessions", "gauge" },
    };
    for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++) {
        char type[128], help[128];
        snprintf(type, sizeof type, "\n# TYPE %s %s\n", fam[i][0], fam[i][1]);
        snprintf(help, sizeof help, "\n# HELP %s ", fam[i][0]);
        T_CHECK(strstr(page, type) && (strstr(page, help) || !strncmp(page, help + 1, strlen(help) - 1)),
                "%s has HELP and TYPE %s", fam[i][0], fam[i][1]);
    }
}

static void test_mixed_run_matches_audit(void)
{
    const char *dir = tools_dir();
    T_ASSERT(dir, "tools folder");
    gw g;
    const char *extra[] = { "--token-file", g_token_file, "--metrics", "on", "--tools-dir", dir, "--schemas-dir", "schemas",
                            "--http-max-body", "2048", NULL };
    T_ASSERT(gw_start(&g, extra) == 0, "start");
    char *out;
    int st = t_req(g.t.port, "GET", "/metrics", NULL, NULL, NULL, NULL, &out);
    T_CHECK(st == 401, "behind the token: %d", st);
    free(out);
    st = t_req(g.t.port, "GET", "/metrics", NULL, "not-the-token", NULL, NULL, &out);
    T_CHECK(st == 401, "a wrong token: %d", st);
    free(out);
    st = t_mcp_post(g.t.port, "wrong", "tools/call", "get_slicer_info", "\"name\":\"get_slicer_info\"", &out);
    T_CHECK(st == 401, "a call with a wrong token: %d", st);
    free(out);

    /* What reaches the core: each passes the queue once. */
    static const struct { const char *tool, *args, *expect; } calls[] = {
        { "get_slicer_info", "{}", "\"result\"" },
        { "get_slicer_info", "{}", "\"result\"" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", "\"result\"" },
        { "get_volume_info", "{\"node_id\":5}", "Invalid arguments" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode99\"}", "\"isError\":true" },
        { "delete_node", "{}", "clear_scene" },
        { "execute_python_code", "{\"code\":\"1\"}", "--allow-exec" },
        { "no_such_tool", "{}", "Unknown tool" },
    };
    int queued = 0;
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char params[256];
        snprintf(params, sizeof params, "\"name\":\"%s\",\"arguments\":%s", calls[i].tool, calls[i].args);
        st = t_mcp_post(g.t.port, TOKEN, "tools/call", calls[i].tool, params, &out);
        T_CHECK(st && out && strstr(out, calls[i].expect), "%s %s: %d %s", calls[i].tool, calls[i].args, st,
                out ? out : "");
        queued++;
        free(out);
    }
    /* Past --http-max-body: a limits refusal, before the queue. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *params = malloc(sizeof big + 64);
    snprintf(params, sizeof big + 64, "\"name\":\"get_slicer_info\",\"pad\":\"%s\"", big);
    st = t_mcp_post(g.t.port, TOKEN, "tools/call", "get_slicer_info", params, &out);
    T_CHECK(st == 413, "a body past the limit: %d", st);
    free(params);
    free(out);
    /* A handshake-era session: the sessions gauge. */
    st = t_req(g.t.port, "POST", "/mcp", NULL, TOKEN, NULL,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
               "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"metrics-test\",\"version\":\"1\"}}}",
               &out);
    T_CHECK(st == 200 && out && strstr(out, "Mcp-Session-Id: "), "a session: %d", st);
    queued++;
    free(out);

    st = t_req(g.t.port, "GET", "/metrics", NULL, TOKEN, NULL, NULL, &out);
    const char *page = t_body(out);
    T_ASSERT(st == 200 && page, "the page with the token: %d %s", st, out ? out : "");
    T_CHECK(strstr(out, "Content-Type: text/plain; version=0.0.4"), "the exposition format's media type");
    char *audit = t_read_file(g.audit, NULL);
    T_ASSERT(audit, "the audit log");
    /* The run is as mixed as it says: every outcome class is in the log. */
    static const char *const outcomes[] = { "ok", "tool_error", "invalid", "refused", "unauthorized" };
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "\"outcome\":\"%s\"", outcomes[i]);
        T_CHECK(t_count(audit, needle) >= 1, "the audit log has an %s line", outcomes[i]);
    }
    char why[4096];
    int bad = t_metrics_match_audit(page, audit, "no_such_tool", why, sizeof why);
    T_CHECK(bad == 0, "counters match the audit log: %s\n%s", why, page);
    T_CHECK(t_metric(page, "slicer_mcp_tool_calls_total{tool=\"(unknown)\",outcome=\"invalid\"}") == 1 &&
            !strstr(page, "no_such_tool"), "the unknown name is one label value, not the client's");
    T_CHECK(t_metric(page, "slicer_mcp_refusals_total{reason=\"guard\"}") == 2 &&
            t_metric(page, "slicer_mcp_refusals_total{reason=\"auth\"}") == 3,
            "two guard refusals (guard, policy), three 401s");
    T_CHECK(t_metric(page, "slicer_mcp_refusals_total{reason=\"limits\"}") == 1, "one limits refusal (413)");
    T_CHECK(t_metric(page, "slicer_mcp_sessions") == 1 && t_metric(page, "slicer_mcp_queue_length") == 0,
            "one session, nothing queued");
    T_CHECK(t_metric(page, "slicer_mcp_queue_wait_seconds_count") == queued &&
            t_metric(page, "slicer_mcp_queue_wait_seconds_bucket{le=\"+Inf\"}") == queued,
            "%d requests through the queue", queued);
    check_families(page);
    free(audit);
    free(out);
    t_gw_stop(&g.t);
}

static void test_own_address(void)
{
    char rules[512];
    snprintf(rules, sizeof rules, "%s/metrics-rules.yaml", t_tmpdir());
    static const char yaml[] = "rules:\n  - name: gauge-name\n    pattern: \"queue_length\"\n";
    t_write_file(rules, yaml, strlen(yaml));
    gw g;
    const char *extra[] = { "--metrics", "127.0.0.1:0", "--redact", rules, NULL };
    T_ASSERT(gw_start(&g, extra) == 0 && g.t.metrics_port > 0, "start; the port file's second line: %d",
             g.t.metrics_port);
    char *out;
    int st = t_req(g.t.metrics_port, "GET", "/metrics", NULL, NULL, NULL, NULL, &out);
    const char *page = t_body(out);
    T_CHECK(st == 200 && page && strstr(page, "# TYPE slicer_mcp_sessions gauge"),
            "served without a token on its own loopback address: %d", st);
    T_CHECK(page && strstr(page, "slicer_mcp_[REDACTED:gauge-name]") && !strstr(page, "queue_length"),
            "the page went through the redaction rules: %s", page ? page : "");
    free(out);
    st = t_req(g.t.metrics_port, "GET", "/mcp", NULL, NULL, NULL, NULL, &out);
    T_CHECK(st == 404, "nothing else there: %d", st);
    free(out);
    st = t_req(g.t.metrics_port, "GET", "/metrics", "rebound.example.org", NULL, NULL, NULL, &out);
    T_CHECK(st == 403, "the Host allow-list applies (DNS rebinding): %d", st);
    free(out);
    st = t_req(g.t.port, "GET", "/metrics", NULL, NULL, NULL, NULL, &out);
    T_CHECK(st == 404, "not on the MCP address then: %d", st);
    free(out);
    t_gw_stop(&g.t);
}

static void expect_refused(const char *const *extra, const char *say)
{
    gw g;
    T_CHECK(gw_start(&g, extra) != 0, "refused to start");
    T_CHECK(t_mcp_wait(g.t.proc, t_mcp_bound(5000)) == 2, "exit status 2 (configuration)");
    char *err = t_read_file(t_mcp_stderr_path(g.t.proc), NULL);
    T_CHECK(err && strstr(err, say), "says why: %s", err ? err : "");
    free(err);
    t_mcp_free(g.t.proc);
}

static void test_refusals_at_start(void)
{
    const char *remote[] = { "--metrics", "0.0.0.0:0", NULL };
    expect_refused(remote, "--metrics-allow-remote true");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(g_token_file, sizeof g_token_file, "%s/token", t_tmpdir());
    t_write_file(g_token_file, TOKEN "\n", strlen(TOKEN) + 1);
    chmod(g_token_file, 0600);
    g_sim = t_sim_start(NULL);
    if (!g_sim) {
        printf("FAIL metrics_setup\n");
        return 1;
    }
    t_run("metrics_off_by_default", test_off_by_default);
    t_run("metrics_mixed_run_matches_audit", test_mixed_run_matches_audit);
    t_run("metrics_own_address", test_own_address);
    t_run("metrics_refusals_at_start", test_refusals_at_start);
    t_sim_stop(g_sim);
    return t_done();
}
