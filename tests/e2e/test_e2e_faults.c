/* End-to-end: Slicer's faults, the full matrix, through slicer-sim's
 * fault injection (its control route sets and clears them) and through a
 * hand-written server for what the stand-in cannot say.  For every fault
 * and each kind of tool (a JSON tool, an image tool, an adapter making
 * several calls, the fault on its last call): the call returns isError
 * with a message naming what happened, within the time-out plus 10%
 * (--timeout-ms 1000) of what the call takes without the fault, the next
 * call works, and the audit log holds the
 * call with outcome tool_error and that reason.  test_e2e_admin.c's
 * slicer_faults covers a first, single-tool subset. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define TIMEOUT_MS 1000
#define BOUND_MS   (TIMEOUT_MS + TIMEOUT_MS / 10)

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }



/* POST /__sim/fault?spec=... (spec NULL: clear). */
static int sim_fault(const char *url, const char *route, const char *kind)
{
    char u[512], spec[256];
    if (route) {
        size_t o = 0;
        for (const char *p = route; *p && o < sizeof spec - 8; p++)
            o += (size_t)snprintf(spec + o, sizeof spec - o, (*p == '/' || *p == ':' || *p == '=') ? "%%%02X" : "%c",
                                  (unsigned char)*p);
        snprintf(spec + o, sizeof spec - o, "%%3D");
        o = strlen(spec);
        for (const char *p = kind; *p && o < sizeof spec - 4; p++)
            o += (size_t)snprintf(spec + o, sizeof spec - o, (*p == ':' || *p == '/' || *p == ' ') ? "%%%02X" : "%c",
                                  (unsigned char)*p);
        snprintf(u, sizeof u, "%s/__sim/fault?spec=%s", url, spec);
    } else {
        snprintf(u, sizeof u, "%s/__sim/fault?clear=1", url);
    }
    t_resp r;
    long st = t_http("POST", u, NULL, 0, 3000, &r);
    t_resp_free(&r);
    return st == 200 ? 0 : -1;
}

/* The last line of the audit log, parsed (caller frees). */
static cJSON *last_audit(const char *path)
{
    char *text = t_read_file(path, NULL);
    if (!text)
        return NULL;
    char *end = text + strlen(text);
    while (end > text && end[-1] == '\n')
        *--end = '\0';
    char *nl = strrchr(text, '\n');
    cJSON *j = cJSON_Parse(nl ? nl + 1 : text);
    free(text);
    return j;
}

static int audit_lines(const char *path)
{
    char *text = t_read_file(path, NULL);
    int n = 0;
    for (char *p = text; p && *p; p++)
        n += *p == '\n';
    free(text);
    return n;
}

typedef struct {
    const char *tool, *args;
    const char *route;           /* where faults go: the last REST call */
    const char *want_kind;       /* "json" or "image" for the per-type messages */
} tool_case;

typedef struct {
    const char *kind;            /* slicer-sim fault */
    const char *json_msg;        /* what the message must name, JSON answer */
    const char *image_msg;       /* ... for an image answer */
    int slow;                    /* hits the time-out */
} fault_case;

static const fault_case faults[] = {
    { "500:the scene is locked", "the scene is locked", "the scene is locked", 0 },
    { "hang", "timed out after", "timed out after", 1 },
    { "delay:3000", "timed out after", "timed out after", 1 },
    { "close", "without answering", "without answering", 0 },
    { "404", "empty answer (404)", "empty answer (404)", 0 },
    { "truncate", "cut short", "cut short", 0 },
    { "garbage", "not JSON", "png", 0 },
    { "content-type:image/png", NULL, NULL, 0 },          /* labels lie, body is fine: works */
    { "oversize:5000000", "larger than", "larger than", 0 },
};

static int run_matrix_for(const tool_case *tc, int *cases)
{
    char audit[512];
    snprintf(audit, sizeof audit, "%s/audit-%s.jsonl", t_tmpdir(), tc->tool);
    e2e x;
    const char *mcp[] = { "--timeout-ms", "1000", "--max-response-bytes", "4000000", "--audit-log", audit, NULL };
    if (e2e_start(&x, NULL, mcp) != 0)
        return -1;
    /* The bounds are on top of what the call takes without a fault: the
     * time-out is about the REST call that fails, not the earlier calls of
     * a multi-call adapter (an image each, slow under a sanitizer). */
    long base = 0;
    for (int i = 0; i < 2; i++) {
        long b0 = t_now_ms();
        cJSON_Delete(t_mcp_call(x.mcp, tc->tool, tc->args, 10000));
        base = t_now_ms() - b0;
    }
    int before = audit_lines(audit);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        const fault_case *f = &faults[i];
        const char *want = !strcmp(tc->want_kind, "image") ? f->image_msg : f->json_msg;
        T_CHECK(sim_fault(t_sim_url(x.sim), tc->route, f->kind) == 0, "%s: fault set", f->kind);
        long t0 = t_now_ms();
        cJSON *r = t_mcp_call(x.mcp, tc->tool, tc->args, 10000);
        long took = t_now_ms() - t0;
        (*cases)++;
        if (want) {
            T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), want), "%s %s: isError naming '%s': %s",
                    tc->tool, f->kind, want, t_mcp_text(r));
            cJSON *a = last_audit(audit);
            const cJSON *out = get(a, "outcome"), *why = get(a, "reason");
            T_CHECK(cJSON_IsString(out) && !strcmp(out->valuestring, "tool_error") && cJSON_IsString(why) &&
                    strstr(why->valuestring, want) && !strcmp(get(a, "tool")->valuestring, tc->tool),
                    "%s %s: audit line with tool_error and the reason", tc->tool, f->kind);
            cJSON_Delete(a);
        } else {
            T_CHECK(r && !t_mcp_is_error(r), "%s %s: works: %s", tc->tool, f->kind, t_mcp_text(r));
        }
        long extra = t_mcp_bound(f->slow ? BOUND_MS : TIMEOUT_MS / 2), bound = base + extra;
        T_CHECK(took <= bound, "%s %s: answered in %ld ms (bound %ld: %ld without a fault + %ld)", tc->tool,
                f->kind, took, bound, base, extra);
        cJSON_Delete(r);
        T_CHECK(sim_fault(t_sim_url(x.sim), NULL, NULL) == 0, "cleared");
        r = t_mcp_call(x.mcp, tc->tool, tc->args, 10000);
        T_CHECK(r && !t_mcp_is_error(r), "%s after %s: the next call works: %s", tc->tool, f->kind, t_mcp_text(r));
        cJSON_Delete(r);
    }
    int n = audit_lines(audit) - before;
    T_CHECK(n == 2 * (int)(sizeof faults / sizeof faults[0]), "%s: one audit line per call (%d)", tc->tool, n);
    e2e_stop(&x);
    return 0;
}

static int fault_cases_run;

static void test_json_tool(void)
{
    static const tool_case tc = { "get_slicer_info", "{}", "/slicer/system", "json" };
    T_CHECK(run_matrix_for(&tc, &fault_cases_run) == 0, "start");
}

static void test_image_tool(void)
{
    static const tool_case tc = { "capture_screenshot", "{\"max_size\":128}", "/slicer/screenshot", "image" };
    T_CHECK(run_matrix_for(&tc, &fault_cases_run) == 0, "start");
}

/* get_slice_png with an orientation and an offset: two /slice calls and
 * the slice node's properties; the fault hits the properties, after the
 * image calls succeeded. */
static void test_adapter_last_call(void)
{
    static const tool_case tc = { "get_slice_png", "{\"view\":\"red\",\"orientation\":\"axial\",\"offset_mm\":5,\"max_size\":64}",
                                  "/slicer/mrml/properties", "json" };
    T_CHECK(run_matrix_for(&tc, &fault_cases_run) == 0, "start");
}

/* ... and on its first call, the image. */
static void test_adapter_first_call(void)
{
    static const tool_case tc = { "get_slice_png", "{\"view\":\"green\",\"max_size\":64}", "/slicer/slice", "image" };
    T_CHECK(run_matrix_for(&tc, &fault_cases_run) == 0, "start");
}

/* A slicer-sim on a given port (t_sim_start always picks a free one). */
static pid_t sim_on_port(int port, const char *log)
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", 1);
        dup2(devnull, 2);
        execl(t_bin("slicer-sim"), "slicer-sim", "--port", p, "--log", log, (char *)NULL);
        _exit(127);
    }
    /* Ready when it accepts connections. */
    for (int i = 0; i < 500; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        close(s);
        if (ok)
            return pid;
        t_sleep_ms(10);
    }
    return pid;
}

static void stop_pid(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static void test_refused_and_restart(void)
{
    char audit[512], log[512];
    snprintf(audit, sizeof audit, "%s/audit-restart.jsonl", t_tmpdir());
    snprintf(log, sizeof log, "%s/sim-restart.log", t_tmpdir());
    e2e x;
    const char *mcp[] = { "--timeout-ms", "1000", "--audit-log", audit, NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    int port = t_sim_port(x.sim);
    static const char *const tools[][2] = {
        { "get_slicer_info", "{}" }, { "capture_screenshot", "{\"max_size\":64}" },
        { "get_slice_png", "{\"view\":\"red\",\"orientation\":\"sagittal\",\"max_size\":64}" },
        { "list_nodes", "{\"class\":\"vtkMRMLVolumeNode\"}" },
    };
    for (int round = 0; round < 3; round++) {
        /* Slicer goes away: connection refused, fast, audited. */
        if (round == 0) {
            t_sim_stop(x.sim);
            x.sim = NULL;
        }
        for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
            long t0 = t_now_ms();
            cJSON *r = t_mcp_call(x.mcp, tools[i][0], tools[i][1], 5000);
            long took = t_now_ms() - t0;
            fault_cases_run++;
            T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "connection refused"), "round %d %s: %s", round,
                    tools[i][0], t_mcp_text(r));
            T_CHECK(took < t_mcp_bound(TIMEOUT_MS / 2), "refused in %ld ms", took);
            cJSON *a = last_audit(audit);
            T_CHECK(a && !strcmp(get(a, "outcome")->valuestring, "tool_error") &&
                    strstr(get(a, "reason")->valuestring, "connection refused"), "audited as tool_error");
            cJSON_Delete(a);
            cJSON_Delete(r);
        }
        /* A new Slicer on the same port: everything works again. */
        pid_t pid = sim_on_port(port, log);
        for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
            cJSON *r = t_mcp_call(x.mcp, tools[i][0], tools[i][1], 5000);
            T_CHECK(r && !t_mcp_is_error(r), "round %d after the restart, %s works: %s", round, tools[i][0],
                    t_mcp_text(r));
            cJSON_Delete(r);
        }
        stop_pid(pid);
    }
    e2e_stop(&x);
}

/* The single-quoted {'status': 'success'} where an image or a JSON object
 * with other keys is expected. */
static void test_single_quote_elsewhere(void)
{
    char audit[512];
    snprintf(audit, sizeof audit, "%s/audit-sq.jsonl", t_tmpdir());
    e2e x;
    const char *mcp[] = { "--timeout-ms", "1000", "--audit-log", audit, NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    sim_fault(t_sim_url(x.sim), "/slicer/screenshot", "single-quote");
    cJSON *r = t_mcp_call(x.mcp, "capture_screenshot", "{}", 5000);
    fault_cases_run++;
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "png"), "image tool: %s", t_mcp_text(r));
    cJSON_Delete(r);
    sim_fault(t_sim_url(x.sim), "/slicer/mrml/properties", "single-quote");
    r = t_mcp_call(x.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    fault_cases_run++;
    T_CHECK(r && t_mcp_is_error(r), "adapter expecting node properties: %s", t_mcp_text(r));
    cJSON *a = last_audit(audit);
    T_CHECK(a && !strcmp(get(a, "outcome")->valuestring, "tool_error"), "audited");
    cJSON_Delete(a);
    cJSON_Delete(r);
    sim_fault(t_sim_url(x.sim), NULL, NULL);
    r = t_mcp_call(x.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    T_CHECK(r && !t_mcp_is_error(r), "works after");
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* A hand-written "Slicer" for answers slicer-sim cannot give: it answers
 * connection i with answers[i % n] and closes. */
static pid_t raw_server(const char *const *answers, int n, int *port)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 8) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0;; i++) {
            int fd = accept(ls, NULL, NULL);
            if (fd < 0)
                continue;
            char buf[8192];
            size_t got = 0;
            struct pollfd p = { .fd = fd, .events = POLLIN };
            while (got < sizeof buf - 1 && poll(&p, 1, 1000) > 0) {
                ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
                if (r <= 0)
                    break;
                got += (size_t)r;
                buf[got] = '\0';
                if (strstr(buf, "\r\n\r\n"))
                    break;
            }
            const char *ans = answers[i % n];
            ssize_t w = write(fd, ans, strlen(ans));
            (void)w;
            shutdown(fd, SHUT_WR);
            close(fd);
        }
    }
    close(ls);
    return pid;
}

#define OK_ANSWER "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 94\r\n\r\n" \
    "{\"applicationName\": \"Slicer\", \"applicationVersion\": \"5.8.1\", \"os\": \"Linux\", \"arch\": \"amd64\"}  "

/* Regression for a fixed bug (found by tests/fuzz/fuzz_slicer_response):
 * libcurl 7.88 kept the previous answer's header list across
 * curl_easy_reset, and an answer whose first header line is a folded
 * continuation was unfolded into that freed header: a use-after-free in
 * the gateway (caught here under make asan and tests/valgrind.sh).  The
 * backend now uses a fresh handle per call. */
static void test_folded_first_header(void)
{
    static const char *const answers[] = {
        OK_ANSWER,
        "HTTP/1.1 200 OK\r\n Folded: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        OK_ANSWER,
        "HTTP/1.1 200 OK\r\n\tmore\r\n continued\r\nContent-Length: 2\r\n\r\n{}",
    };
    int port = 0;
    pid_t srv = raw_server(answers, 4, &port);
    T_ASSERT(srv > 0, "server");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    const char *args[] = { "--slicer-url", url, "--tools-dir", "tools.d", "--audit-log", "off",
                           "--timeout-ms", "1000", NULL };
    t_mcp *m = t_mcp_start(args);
    T_CHECK(t_mcp_handshake(m, "2025-11-25") == 0, "handshake");
    for (int i = 0; i < 8; i++) {
        cJSON *r = t_mcp_call(m, "get_slicer_info", "{}", 5000);
        fault_cases_run += i % 2;
        T_CHECK(r && get(r, "result"), "call %d answered (%s)", i, t_mcp_text(r));
        if (i % 2 == 0)
            T_CHECK(!t_mcp_is_error(r), "call %d, a normal answer, works: %s", i, t_mcp_text(r));
        cJSON_Delete(r);
    }
    cJSON *r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(r && get(r, "result"), "alive");
    cJSON_Delete(r);
    int st = t_mcp_close(m, 5000);
    T_CHECK(st == 0, "clean exit (%d)", st);
    t_mcp_free(m);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
}

/* Other malformed answers: not HTTP at all, a redirect, an unknown status,
 * HTTP/1.0 without length, a header block that never ends. */
static void test_malformed_answers(void)
{
    static const char *const answers[] = {
        "garbage\r\n\r\n",
        "HTTP/1.1 302 Found\r\nLocation: http://example.com/slicer/system/version\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 799 Whatever\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999999999999999999999\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"message\": [\"not\", \"string\"]}",
        "HTTP/1.1 200 OK\r\nX: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    int n = (int)(sizeof answers / sizeof answers[0]);
    int port = 0;
    pid_t srv = raw_server(answers, n, &port);
    T_ASSERT(srv > 0, "server");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    const char *args[] = { "--slicer-url", url, "--tools-dir", "tools.d", "--audit-log", "off",
                           "--timeout-ms", "1000", NULL };
    t_mcp *m = t_mcp_start(args);
    T_CHECK(t_mcp_handshake(m, "2025-11-25") == 0, "handshake");
    for (int i = 0; i < n; i++) {
        long t0 = t_now_ms();
        cJSON *r = t_mcp_call(m, "get_slicer_info", "{}", 5000);
        long took = t_now_ms() - t0;
        fault_cases_run++;
        if (i == 3)   /* HTTP/1.0, read to the close: a valid answer */
            T_CHECK(r && !t_mcp_is_error(r), "answer %d: works: %s", i, t_mcp_text(r));
        else
            T_CHECK(r && t_mcp_is_error(r) && t_mcp_text(r)[0], "answer %d: isError with a message: %s", i,
                    t_mcp_text(r));
        T_CHECK(took <= t_mcp_bound(BOUND_MS), "answer %d: within %ld ms (%ld)", i, t_mcp_bound(BOUND_MS), took);
        cJSON_Delete(r);
    }
    cJSON *r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(r && get(r, "result"), "alive");
    cJSON_Delete(r);
    t_mcp_free(m);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
}

/* PHI must not detour: with the proxy variables libcurl honours pointing
 * where nothing listens, every REST call still goes straight to Slicer:
 * the first (a handle made during the call) and the later ones (handles
 * the gateway makes ready between calls). */
static void test_proxy_ignored(void)
{
    e2e x = { .sim = t_sim_start(NULL) };
    T_ASSERT(x.sim, "slicer-sim");
    static const char *const vars[] = { "http_proxy", "ALL_PROXY", "all_proxy" };
    for (size_t i = 0; i < 3; i++)      /* port 9: refused, as in test_slicer_down */
        setenv(vars[i], "http://127.0.0.1:9", 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    const char *args[] = { "--slicer-url", t_sim_url(x.sim), "--tools-dir", "tools.d",
                           "--audit-log", "off", NULL };
    x.mcp = t_mcp_start(args);
    for (size_t i = 0; i < 3; i++)
        unsetenv(vars[i]);
    T_CHECK(x.mcp && t_mcp_handshake(x.mcp, "2025-11-25") == 0, "handshake");
    int before = e2e_log_count(&x, "GET", "/slicer/");
    for (int i = 0; i < 6 && x.mcp; i++) {
        const char *tool = i % 2 ? "list_nodes" : "get_slicer_info";
        cJSON *r = t_mcp_call(x.mcp, tool, "{}", 5000);
        T_CHECK(r && !t_mcp_is_error(r), "%s, call %d, straight to Slicer: %s", tool, i, t_mcp_text(r));
        cJSON_Delete(r);
    }
    int n = e2e_log_count(&x, "GET", "/slicer/") - before;
    T_CHECK(n == 9, "Slicer got all 9 REST calls (%d)", n);
    e2e_stop(&x);
}

static void test_report(void)
{
    printf("  fault cases tried: %d\n", fault_cases_run);
    T_CHECK(fault_cases_run > 0, "cases ran");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    t_run("faults_json_tool", test_json_tool);
    t_run("faults_image_tool", test_image_tool);
    t_run("faults_adapter_last_call", test_adapter_last_call);
    t_run("faults_adapter_first_call", test_adapter_first_call);
    t_run("faults_refused_and_restart", test_refused_and_restart);
    t_run("faults_single_quote_elsewhere", test_single_quote_elsewhere);
    t_run("faults_folded_first_header", test_folded_first_header);
    t_run("faults_malformed_answers", test_malformed_answers);
    t_run("faults_proxy_ignored", test_proxy_ignored);
    t_run("faults_count", test_report);
    return t_done();
}
