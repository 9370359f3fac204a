/* soak: a long mixed run of the real gateway over stdio against
 * slicer-sim, with faults switched on and off at random through the
 * stand-in's control route.  Requests go out in pipelined groups; every
 * one must be answered with its own id.  The gateway's RSS is sampled
 * from /proc; at the end every tools/call must have its audit line and
 * every REST call the audit log records must be in the stand-in's
 * request log, and the other way round.
 * Then, when HTTP_CALLS > 0, the same mix over the Streamable HTTP
 * transport (slicer-mcp --http, the stateless 2026-07-28 era, one
 * keep-alive connection), against the same stand-in with its own audit log.
 *   soak [CALLS] [SEED] [HTTP_CALLS]     (BUILD_DIR names the build folder)
 * Prints a summary and exits non-zero if anything was lost. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcpclient.h"
#include "testlib.h"

#define GROUP 16

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

/* What one request is; weight = how often it is picked. */
static const struct {
    int weight;
    const char *method;
    const char *params;
    int is_call;
} mix[] = {
    { 10, "tools/call", "{\"name\":\"get_slicer_info\",\"arguments\":{}}", 1 },
    { 10, "tools/call", "{\"name\":\"list_nodes\",\"arguments\":{\"class\":\"vtkMRMLVolumeNode\"}}", 1 },
    { 8, "tools/call", "{\"name\":\"list_volumes\",\"arguments\":{}}", 1 },
    { 8, "tools/call", "{\"name\":\"get_volume_info\",\"arguments\":{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}}", 1 },
    { 6, "tools/call", "{\"name\":\"get_node_properties\",\"arguments\":{\"node_id\":\"vtkMRMLSliceNodeRed\"}}", 1 },
    { 4, "tools/call", "{\"name\":\"get_node_properties\",\"arguments\":{\"node_id\":\"vtkMRMLNoSuchNode9\"}}", 1 },
    { 5, "tools/call", "{\"name\":\"get_slice_png\",\"arguments\":{\"view\":\"red\",\"max_size\":64}}", 1 },
    { 3, "tools/call", "{\"name\":\"get_slice_png\",\"arguments\":{\"view\":\"yellow\",\"orientation\":\"coronal\",\"position\":0.4,\"max_size\":48}}", 1 },
    { 4, "tools/call", "{\"name\":\"set_slice_offset\",\"arguments\":{\"view\":\"green\",\"offset_mm\":3.5}}", 1 },
    { 3, "tools/call", "{\"name\":\"capture_3d_view\",\"arguments\":{\"look_from\":\"left\",\"max_size\":64}}", 1 },
    { 2, "tools/call", "{\"name\":\"capture_screenshot\",\"arguments\":{\"max_size\":64}}", 1 },
    { 4, "tools/call", "{\"name\":\"set_layout\",\"arguments\":{\"layout\":\"FourUp\"}}", 1 },
    { 4, "tools/call", "{\"name\":\"get_markups\",\"arguments\":{}}", 1 },
    { 2, "tools/call", "{\"name\":\"place_markups\",\"arguments\":{\"type\":\"line\",\"points\":[{\"r\":1,\"a\":2,\"s\":3},{\"r\":4,\"a\":5,\"s\":6}]}}", 1 },
    { 2, "tools/call", "{\"name\":\"get_volume_statistics\",\"arguments\":{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"bins\":8}}", 1 },
    { 4, "tools/call", "{\"name\":\"get_slice_png\",\"arguments\":{\"view\":\"teal\"}}", 1 },      /* refused: schema */
    { 2, "tools/call", "{\"name\":\"execute_python_code\",\"arguments\":{\"code\":\"1\"}}", 1 },   /* refused: policy */
    { 2, "tools/call", "{\"name\":\"no_such_tool\",\"arguments\":{}}", 1 },                      /* refused: unknown */
    { 8, "ping", NULL, 0 },
    { 3, "tools/list", "{}", 0 },
};

static const char *const fault_routes[] = { "*", "/slicer/system", "/slicer/mrml", "/slicer/mrml/properties",
                                            "/slicer/slice", "/slicer/threeD", "/slicer/gui", "/slicer/volume" };
static const char *const fault_kinds[] = { "500:soak", "hang", "delay:400", "delay:20", "close", "404", "truncate",
                                           "garbage", "oversize:3000000", "single-quote", "content-type:text/html" };

static int set_fault(const char *base, int r, int k)
{
    char url[512], spec[200];
    size_t o = 0;
    for (const char *p = fault_routes[r]; *p; p++)
        o += (size_t)snprintf(spec + o, sizeof spec - o, *p == '/' || *p == '*' ? "%%%02X" : "%c", (unsigned char)*p);
    o += (size_t)snprintf(spec + o, sizeof spec - o, "%%3D");
    for (const char *p = fault_kinds[k]; *p; p++)
        o += (size_t)snprintf(spec + o, sizeof spec - o, *p == ':' || *p == '/' ? "%%%02X" : "%c", (unsigned char)*p);
    if (r < 0)
        snprintf(url, sizeof url, "%s/__sim/fault?clear=1", base);
    else
        snprintf(url, sizeof url, "%s/__sim/fault?spec=%s", base, spec);
    t_resp resp;
    long st = t_http("POST", url, NULL, 0, 3000, &resp);
    t_resp_free(&resp);
    return st == 200 ? 0 : -1;
}

static int clear_faults(const char *base)
{
    char url[512];
    snprintf(url, sizeof url, "%s/__sim/fault?clear=1", base);
    t_resp resp;
    long st = t_http("POST", url, NULL, 0, 3000, &resp);
    t_resp_free(&resp);
    return st == 200 ? 0 : -1;
}

/* ---- the HTTP phase ---- */

struct body { char *p; size_t n; };

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    struct body *b = ud;
    char *np = realloc(b->p, b->n + sz * nm + 1);
    if (!np)
        return 0;
    b->p = np;
    memcpy(b->p + b->n, p, sz * nm);
    b->n += sz * nm;
    b->p[b->n] = '\0';
    return sz * nm;
}

#define MODERN_META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
                    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

/* One modern-era POST; the parsed JSON-RPC answer (from a JSON body or the
 * last SSE data line) or NULL. */
static cJSON *http_call(CURL *c, const char *url, long id, const char *method, const char *params, long *status)
{
    char body[1400], mh[96];
    if (params && strcmp(params, "{}") != 0)
        snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"%s\",\"params\":%.*s," MODERN_META "}}",
                 id, method, (int)strlen(params) - 1, params);
    else
        snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"%s\",\"params\":{" MODERN_META "}}",
                 id, method);
    snprintf(mh, sizeof mh, "Mcp-Method: %s", method);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: application/json, text/event-stream");
    h = curl_slist_append(h, "MCP-Protocol-Version: 2026-07-28");
    h = curl_slist_append(h, mh);
    h = curl_slist_append(h, "Expect:");
    cJSON *pj = params ? cJSON_Parse(params) : NULL;
    const cJSON *name = get(pj, "name");
    if (cJSON_IsString(name)) {
        char nh[160];
        snprintf(nh, sizeof nh, "Mcp-Name: %s", name->valuestring);
        h = curl_slist_append(h, nh);
    }
    cJSON_Delete(pj);
    struct body b = { NULL, 0 };
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    *status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(h);
    cJSON *j = NULL;
    if (b.p) {
        char *data = NULL;
        for (char *q = strstr(b.p, "data: "); q; q = strstr(q + 1, "data: "))
            data = q + 6;
        j = cJSON_Parse(data ? data : b.p);
    }
    free(b.p);
    return j;
}

static pid_t http_gateway(const char *sim_url, const char *audit, int *port)
{
    char port_file[600];
    snprintf(port_file, sizeof port_file, "%s/soak-http.port", t_tmpdir());
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen("/dev/null", "w", stderr);
        (void)f;
        execl(t_bin("slicer-mcp"), "slicer-mcp", "--http", "127.0.0.1:0", "--http-port-file", port_file,
              "--slicer-url", sim_url, "--tools-dir", "tools.d", "--audit-log", audit, "--watch", "false",
              "--timeout-ms", "250", "--max-response-bytes", "2000000", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    *port = 0;
    for (int i = 0; i < 500 && !*port; i++) {
        char *s = t_read_file(port_file, NULL);
        *port = s ? atoi(s) : 0;
        free(s);
        if (!*port)
            usleep(20000);
    }
    return pid;
}

int main(int argc, char **argv)
{
    long total = argc > 1 ? atol(argv[1]) : 100000;
    unsigned seed = argc > 2 ? (unsigned)atol(argv[2]) : 12345u;
    long http_total = argc > 3 ? atol(argv[3]) : 0;
    srand(seed);
    signal(SIGPIPE, SIG_IGN);
    const char *sim_args[] = { "--volume-size", "48", "--view-size", "256x256", "--view3d-size", "320x240", NULL };
    t_sim *sim = t_sim_start(sim_args);
    if (!sim)
        return 2;
    char audit[512];
    snprintf(audit, sizeof audit, "%s/soak-audit.jsonl", t_tmpdir());
    const char *args[] = { "--slicer-url", t_sim_url(sim), "--tools-dir", "tools.d", "--audit-log", audit,
                           "--timeout-ms", "250", "--max-response-bytes", "2000000", "--log-level", "error", NULL };
    t_mcp *m = t_mcp_start(args);
    if (!m || t_mcp_handshake(m, "2025-11-25") != 0) {
        fprintf(stderr, "soak: the gateway did not start\n");
        return 2;
    }
    int pid = t_mcp_pid(m);
    int wsum = 0;
    for (size_t i = 0; i < sizeof mix / sizeof mix[0]; i++)
        wsum += mix[i].weight;

    long sent = 0, answered = 0, lost = 0, wrong_id = 0, calls = 0, tool_errors = 0, rpc_errors = 0;
    long fault_toggles = 0, faulted_calls = 0;
    long rss0 = rss_kib(pid), rss_max = rss0, rss_min = rss0;
    double t0 = now_s();
    int fault_on = 0;
    long samples = 0;
    printf("soak: %ld requests, seed %u, gateway pid %d, RSS at start %ld KiB\n", total, seed, pid, rss0);
    fflush(stdout);
    while (sent < total) {
        /* About every 200 requests, switch faults: on a random route and
         * kind, or off again. */
        if (rand() % 200 < GROUP) {
            if (fault_on || rand() % 3 == 0) {
                clear_faults(t_sim_url(sim));
                fault_on = 0;
            } else {
                set_fault(t_sim_url(sim), rand() % (int)(sizeof fault_routes / sizeof fault_routes[0]),
                          rand() % (int)(sizeof fault_kinds / sizeof fault_kinds[0]));
                fault_on = 1;
            }
            fault_toggles++;
        }
        long ids[GROUP];
        int kinds[GROUP], n = 0;
        for (; n < GROUP && sent < total; n++, sent++) {
            int pick = rand() % wsum, k = 0;
            while (pick >= mix[k].weight)
                pick -= mix[k++].weight;
            ids[n] = 1000000 + sent;
            kinds[n] = k;
            char line[1024];
            snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"%s\"%s%s}", ids[n], mix[k].method,
                     mix[k].params ? ",\"params\":" : "", mix[k].params ? mix[k].params : "");
            if (t_mcp_send(m, line) != 0) {
                fprintf(stderr, "soak: the gateway stopped reading at request %ld\n", sent);
                lost += total - sent;
                goto out;
            }
            calls += mix[k].is_call;
            faulted_calls += mix[k].is_call && fault_on;
        }
        for (int i = 0; i < n; i++) {
            cJSON *r = t_mcp_recv(m, 20000);
            if (!r) {
                lost += n - i;
                fprintf(stderr, "soak: no answer for request %ld\n", ids[i]);
                break;
            }
            const cJSON *id = get(r, "id");
            if (!cJSON_IsNumber(id) || (long)id->valuedouble != ids[i])
                wrong_id++;
            else
                answered++;
            if (get(r, "error"))
                rpc_errors++;
            else if (mix[kinds[i]].is_call && t_mcp_is_error(r))
                tool_errors++;
            cJSON_Delete(r);
        }
        if (sent % 2000 < GROUP) {
            long rss = rss_kib(pid);
            rss_max = rss > rss_max ? rss : rss_max;
            rss_min = rss < rss_min ? rss : rss_min;
            samples++;
            if (sent % 10000 < GROUP) {
                printf("soak: %6ld sent, %6ld answered, RSS %ld KiB, %.0f s\n", sent, answered, rss, now_s() - t0);
                fflush(stdout);
            }
        }
    }
out:;
    long rss_end = rss_kib(pid);
    double secs = now_s() - t0;
    clear_faults(t_sim_url(sim));
    int st = t_mcp_close(m, 10000);
    t_mcp_free(m);
    /* HTTP phase: the same mix (ping is not in the stateless era: tools/list
     * instead), faults switched the same way. */
    char audit_http[512];
    snprintf(audit_http, sizeof audit_http, "%s/soak-audit-http.jsonl", t_tmpdir());
    long h_sent = 0, h_answered = 0, h_lost = 0, h_calls = 0, h_toggles = 0, h_faulted = 0, h_status[6] = { 0 };
    long h_rss0 = 0, h_rss_end = 0, h_rss_max = 0;
    double h_secs = 0;
    int h_st = 0;
    if (http_total > 0) {
        int port = 0;
        pid_t hp = http_gateway(t_sim_url(sim), audit_http, &port);
        if (!port) {
            fprintf(stderr, "soak: slicer-mcp --http did not start\n");
            h_lost = http_total;
        } else {
            char url[64];
            snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", port);
            CURL *c = curl_easy_init();
            double h0 = now_s();
            fault_on = 0;
            for (; h_sent < http_total; h_sent++) {
                if (rand() % 200 == 0) {
                    if (fault_on || rand() % 3 == 0) {
                        clear_faults(t_sim_url(sim));
                        fault_on = 0;
                    } else {
                        set_fault(t_sim_url(sim), rand() % (int)(sizeof fault_routes / sizeof fault_routes[0]),
                                  rand() % (int)(sizeof fault_kinds / sizeof fault_kinds[0]));
                        fault_on = 1;
                    }
                    h_toggles++;
                }
                int pick = rand() % wsum, k = 0;
                while (pick >= mix[k].weight)
                    pick -= mix[k++].weight;
                const char *method = strcmp(mix[k].method, "ping") ? mix[k].method : "tools/list";
                long id = 5000000 + h_sent, hst = 0;
                cJSON *r = http_call(c, url, id, method, mix[k].params, &hst);
                h_calls += mix[k].is_call;
                h_faulted += mix[k].is_call && fault_on;
                const cJSON *rid = get(r, "id");
                if (cJSON_IsNumber(rid) && (long)rid->valuedouble == id)
                    h_answered++;
                else
                    h_lost++;
                h_status[hst == 200 ? 0 : hst == 400 ? 1 : hst == 404 ? 2 : hst == 503 ? 3 : hst == 504 ? 4 : 5]++;
                cJSON_Delete(r);
                if (h_sent % 1000 == 0) {
                    long rss = rss_kib(hp);
                    if (!h_rss0)
                        h_rss0 = rss;
                    h_rss_max = rss > h_rss_max ? rss : h_rss_max;
                    if (h_sent % 10000 == 0) {
                        printf("soak: HTTP %6ld sent, %6ld answered, RSS %ld KiB, %.0f s\n", h_sent + 1, h_answered, rss,
                               now_s() - h0);
                        fflush(stdout);
                    }
                }
            }
            h_secs = now_s() - h0;
            h_rss_end = rss_kib(hp);
            curl_easy_cleanup(c);
            clear_faults(t_sim_url(sim));
        }
        kill(hp, SIGTERM);
        int wst = 0;
        waitpid(hp, &wst, 0);
        h_st = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
    }

    /* Every connection the gateways opened is closed now; give the stand-in
     * a moment to log the last dropped one. */
    usleep(300000);

    /* Audit: one line per tools/call; collect the REST calls it names. */
    long audit_lines = 0, audit_bad = 0, audit_rest = 0, outcomes[5] = { 0 }, h_audit_lines = 0;
    static const char *const names[] = { "ok", "tool_error", "refused", "cancelled", "internal_error" };
    char *text = NULL;
    for (int file = 0; file < 2; file++) {
    free(text);
    text = t_read_file(file ? audit_http : audit, NULL);
    for (char *l = text ? strtok(text, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        if (file)
            h_audit_lines++;
        else
            audit_lines++;
        cJSON *j = cJSON_Parse(l);
        const cJSON *oc = get(j, "outcome");
        if (!j || !cJSON_IsString(oc))
            audit_bad++;
        for (int i = 0; i < 5 && oc; i++)
            outcomes[i] += cJSON_IsString(oc) && !strcmp(oc->valuestring, names[i]);
        audit_rest += cJSON_GetArraySize(get(j, "slicer_calls"));
        cJSON_Delete(j);
    }
    }
    free(text);
    /* The stand-in's log: every request but the control routes. */
    text = t_sim_log_text(sim);
    long sim_lines = 0, sim_control = 0;
    for (char *l = text ? strtok(text, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        if (strstr(l, "\"control\":true"))
            sim_control++;
        else
            sim_lines++;
    }
    free(text);
    t_sim_stop(sim);

    long lost_audit = calls - audit_lines, lost_rest = audit_rest - sim_lines;
    printf("soak: requests %ld (tools/call %ld), answered %ld, lost %ld, wrong id %ld\n", total, calls, answered, lost,
           wrong_id);
    printf("soak: duration %.1f s (%.0f requests/s); fault switches %ld; tools/calls made under a fault %ld\n", secs,
           total / secs, fault_toggles, faulted_calls);
    printf("soak: tool errors %ld, JSON-RPC errors %ld; audit outcomes ok %ld, tool_error %ld, refused %ld, "
           "cancelled %ld, internal_error %ld\n", tool_errors, rpc_errors, outcomes[0], outcomes[1], outcomes[2],
           outcomes[3], outcomes[4]);
    printf("soak: audit lines %ld for %ld tools/calls (lost %ld, unreadable %ld)\n", audit_lines, calls, lost_audit,
           audit_bad);
    printf("soak: REST calls in the audit log %ld, in slicer-sim's log %ld (difference %ld; %ld control requests)\n",
           audit_rest, sim_lines, lost_rest, sim_control);
    printf("soak: RSS KiB start %ld, end %ld, min %ld, max %ld (%ld samples)\n", rss0, rss_end, rss_min, rss_max,
           samples);
    printf("soak: gateway exit status %d\n", st);
    if (http_total > 0) {
        printf("soak: HTTP: requests %ld (tools/call %ld), answered %ld, lost %ld, %.1f s (%.0f requests/s), "
               "fault switches %ld, tools/calls under a fault %ld\n", h_sent, h_calls, h_answered, h_lost, h_secs,
               h_secs > 0 ? h_sent / h_secs : 0.0, h_toggles, h_faulted);
        printf("soak: HTTP: status 200 %ld, 400 %ld, 404 %ld, 503 %ld, 504 %ld, other %ld\n", h_status[0],
               h_status[1], h_status[2], h_status[3], h_status[4], h_status[5]);
        printf("soak: HTTP: audit lines %ld for %ld tools/calls (lost %ld); RSS KiB start %ld, end %ld, max %ld; "
               "exit status %d after SIGTERM\n", h_audit_lines, h_calls, h_calls - h_audit_lines, h_rss0, h_rss_end,
               h_rss_max, h_st);
    }
    int ok = lost == 0 && wrong_id == 0 && lost_audit == 0 && audit_bad == 0 && lost_rest == 0 && st == 0 &&
             answered == total && h_lost == 0 && h_calls == h_audit_lines && h_st == 0;
    printf("soak: %s\n", ok ? "PASS nothing lost" : "FAIL");
    return ok ? 0 : 1;
}
