/* End-to-end: the Streamable HTTP transport of the real slicer-mcp
 * binary (--http 127.0.0.1:0) against slicer-sim: every status code,
 * Host/Origin/token checks, the legacy session lifecycle and GET stream,
 * the 2026-07-28 header rules, and 32 concurrent clients queued to a
 * single-threaded Slicer with no call lost or duplicated. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mcpclient.h"
#include "testlib.h"

#define MODERN_META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
                    "\"io.modelcontextprotocol/clientCapabilities\":{}}"
#define INIT_BODY "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":" \
                  "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define N_CLIENTS 32

static t_sim *g_sim;

/* ---- the gateway process ---- */

typedef struct {
    pid_t pid;
    int port;
    char err_path[512];
} gw;

static pid_t spawn(const char *listen, const char *const *extra, const char *port_file, const char *err_path)
{
    const char *argv[80];
    int a = 0;
    /* SLICER_MCP_WRAPPER="valgrind ..." runs the gateway under a tool
     * (tests/valgrind.sh), as mcpclient.c does; split on spaces. */
    const char *wrap = getenv("SLICER_MCP_WRAPPER");
    char *wcopy = wrap && *wrap ? strdup(wrap) : NULL;
    for (char *tok = wcopy ? strtok(wcopy, " ") : NULL; tok && a < 32; tok = strtok(NULL, " "))
        argv[a++] = tok;
    argv[a++] = t_bin("slicer-mcp");
    argv[a++] = "--http";
    argv[a++] = listen;
    argv[a++] = "--slicer-url";
    argv[a++] = g_sim ? t_sim_url(g_sim) : "http://127.0.0.1:9";
    argv[a++] = "--tools-dir";
    argv[a++] = "tools.d";
    argv[a++] = "--audit-log";
    argv[a++] = "off";
    argv[a++] = "--watch";
    argv[a++] = "false";
    argv[a++] = "--http-port-file";
    argv[a++] = port_file;
    for (int i = 0; extra && extra[i] && a < 78; i++)
        argv[a++] = extra[i];
    argv[a] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(err_path, "w", stderr);
        (void)f;
        char *args[80];
        for (int k = 0; k <= a; k++)
            args[k] = argv[k] ? strdup(argv[k]) : NULL;
        execvp(args[0], args);
        _exit(127);
    }
    free(wcopy);
    return pid;
}


/* Exit status after up to timeout_ms, or -1 (then it is killed). */
static int wait_exit(pid_t pid, long timeout_ms)
{
    for (long t = 0; t < timeout_ms; t += 20) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        t_sleep_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static gw *gw_start_at(const char *listen, const char *const *extra)
{
    static int seq;
    gw *g = calloc(1, sizeof *g);
    char port_file[512];
    seq++;
    snprintf(port_file, sizeof port_file, "%s/gw-%d.port", t_tmpdir(), seq);
    snprintf(g->err_path, sizeof g->err_path, "%s/gw-%d.stderr", t_tmpdir(), seq);
    g->pid = spawn(listen, extra, port_file, g->err_path);
    for (int i = 0; i < 500 && !g->port; i++) {
        char *s = t_read_file(port_file, NULL);
        if (s && *s)
            g->port = atoi(s);
        free(s);
        if (!g->port)
            t_sleep_ms(20);
    }
    if (!g->port) {
        printf("  slicer-mcp --http did not start; stderr in %s\n", g->err_path);
        kill(g->pid, SIGKILL);
        waitpid(g->pid, NULL, 0);
        free(g);
        return NULL;
    }
    return g;
}

static gw *gw_start(const char *const *extra) { return gw_start_at("127.0.0.1:0", extra); }

/* SIGTERM; returns the exit status (-1 if it had to be killed). */
static int gw_stop(gw *g)
{
    if (!g)
        return -1;
    kill(g->pid, SIGTERM);
    int rc = wait_exit(g->pid, 5000);
    free(g);
    return rc;
}

/* ---- HTTP with custom headers ---- */

typedef struct {
    long status;
    char *body;
    size_t len;
    char hdrs[8192];
    size_t hlen;
} hr;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    hr *r = ud;
    char *nb = realloc(r->body, r->len + sz * n + 1);
    if (!nb)
        return 0;
    r->body = nb;
    memcpy(r->body + r->len, p, sz * n);
    r->len += sz * n;
    r->body[r->len] = '\0';
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    hr *r = ud;
    size_t k = sz * n;
    if (r->hlen + k < sizeof r->hdrs) {
        memcpy(r->hdrs + r->hlen, p, k);
        r->hlen += k;
        r->hdrs[r->hlen] = '\0';
    }
    return k;
}

static int has_header(const char *const *h, const char *name)
{
    for (; h && *h; h++)
        if (strncasecmp(*h, name, strlen(name)) == 0 && (*h)[strlen(name)] == ':')
            return 1;
    return 0;
}

/* Sends method to 127.0.0.1:port path; a JSON body gets Content-Type and
 * Accept unless hdrs ("Name: value", NULL-terminated) set them. */
static long req(hr *r, const char *method, int port, const char *path, const char *body,
                const char *const *hdrs)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *sl = NULL;
    if (body && !has_header(hdrs, "Content-Type"))
        sl = curl_slist_append(sl, "Content-Type: application/json");
    if (!has_header(hdrs, "Accept"))
        sl = curl_slist_append(sl, "Accept: application/json, text/event-stream");
    if (!has_header(hdrs, "Expect"))
        sl = curl_slist_append(sl, "Expect:");
    for (const char *const *h = hdrs; h && *h; h++)
        sl = curl_slist_append(sl, *h);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    else
        r->status = -1;
    curl_slist_free_all(sl);
    curl_easy_cleanup(c);
    if (!r->body)
        r->body = calloc(1, 1);
    return r->status;
}

static void hr_free(hr *r) { free(r->body); r->body = NULL; }

/* A response header's value (trimmed) into out, or NULL. */
static const char *hget(const hr *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = r->hdrs; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t k = strcspn(v, "\r\n");
            snprintf(out, n, "%.*s", (int)k, v);
            return out;
        }
    }
    return NULL;
}

static cJSON *json_of(const hr *r) { return cJSON_Parse(r->body); }

static int err_code_of(const hr *r)
{
    cJSON *j = json_of(r);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"), "code");
    int code = cJSON_IsNumber(c) ? c->valueint : 0;
    cJSON_Delete(j);
    return code;
}

/* 1 if the body is a JSON-RPC error whose id is null. */
static int err_id_null(const hr *r)
{
    cJSON *j = json_of(r);
    int ok = cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "id")) &&
             cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "error"));
    cJSON_Delete(j);
    return ok;
}

static int id_is(const hr *r, int id)
{
    cJSON *j = json_of(r);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "id");
    int ok = cJSON_IsNumber(v) && v->valueint == id;
    cJSON_Delete(j);
    return ok;
}

/* initialize + notifications/initialized; the session id into sid. */
static int open_session(int port, char *sid, size_t n)
{
    hr r;
    req(&r, "POST", port, "/mcp", INIT_BODY, NULL);
    const char *got = r.status == 200 ? hget(&r, "Mcp-Session-Id", sid, n) : NULL;
    hr_free(&r);
    if (!got)
        return -1;
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", sid);
    const char *hs[] = { h, "MCP-Protocol-Version: 2025-11-25", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", hs);
    long st = r.status;
    hr_free(&r);
    return st == 202 ? 0 : -1;
}

static long session_call(int port, const char *sid, const char *body, hr *r)
{
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", sid);
    const char *hs[] = { h, "MCP-Protocol-Version: 2025-11-25", NULL };
    return req(r, "POST", port, "/mcp", body, hs);
}

/* ---- tests ---- */

static gw *g_gw;   /* a default gateway shared by the simple tests */

static void test_session_lifecycle(void)
{
    int port = g_gw->port;
    hr r;
    req(&r, "POST", port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 200, "initialize: %ld %s", r.status, r.body);
    char sid[64] = "", ct[128] = "";
    T_CHECK(hget(&r, "Mcp-Session-Id", sid, sizeof sid) && strlen(sid) == 32 &&
            strspn(sid, "0123456789abcdef") == 32, "session id '%s'", sid);
    T_CHECK(hget(&r, "Content-Type", ct, sizeof ct) && strstr(ct, "application/json"), "content type %s", ct);
    T_CHECK(strstr(r.body, "\"protocolVersion\":\"2025-11-25\"") != NULL, "%s", r.body);
    hr_free(&r);
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", sid);
    const char *hs[] = { h, "MCP-Protocol-Version: 2025-11-25", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", hs);
    T_CHECK(r.status == 202 &&
            r.len == 0, "initialized: %ld '%s'", r.status, r.body);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", hs);
    T_CHECK(r.status == 200 &&
            strstr(r.body, "get_volume_info") && id_is(&r, 2), "tools/list: %ld %.200s", r.status, r.body);
    hr_free(&r);
    /* A response from the client (we never send requests) is 202 too. */
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", hs);
    T_CHECK(r.status == 202, "response: %ld", r.status);
    hr_free(&r);
    const char *hv_absent[] = { h, NULL };   /* no version header: 2025-03-26 is assumed */
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}", hv_absent);
    T_CHECK(r.status == 200,
            "ping without version header: %ld", r.status);
    hr_free(&r);
    req(&r, "DELETE", port, "/mcp", NULL, hs);
    T_CHECK(r.status == 200, "DELETE: %ld", r.status);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", hs);
    T_CHECK(r.status == 404 &&
            id_is(&r, 4), "after DELETE: %ld %s", r.status, r.body);
    hr_free(&r);
    req(&r, "DELETE", port, "/mcp", NULL, hs);
    T_CHECK(r.status == 404, "DELETE again: %ld", r.status);
    hr_free(&r);
}

static void test_session_errors(void)
{
    int port = g_gw->port;
    hr r;
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}", NULL);
    T_CHECK(r.status == 400 &&
            id_is(&r, 5) && strstr(r.body, "Mcp-Session-Id"), "no session: %ld %s", r.status, r.body);
    hr_free(&r);
    const char *unknown[] = { "Mcp-Session-Id: 0123456789abcdef0123456789abcdef", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}", unknown);
    T_CHECK(r.status == 404,
            "unknown session: %ld", r.status);
    hr_free(&r);
    const char *junk[] = { "Mcp-Session-Id: x", NULL };
    req(&r, "DELETE", port, "/mcp", NULL, junk);
    T_CHECK(r.status == 404, "DELETE unknown: %ld", r.status);
    hr_free(&r);
    req(&r, "DELETE", port, "/mcp", NULL, NULL);
    T_CHECK(r.status == 400, "DELETE without id: %ld", r.status);
    hr_free(&r);
    char sid[64];
    T_ASSERT(open_session(port, sid, sizeof sid) == 0, "session");
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", sid);
    const char *badv[] = { h, "MCP-Protocol-Version: 1999-01-01", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}", badv);
    T_CHECK(r.status == 400 &&
            id_is(&r, 8), "unsupported version header: %ld %s", r.status, r.body);
    hr_free(&r);
    const char *oldv[] = { h, "MCP-Protocol-Version: 2025-06-18", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", oldv);
    T_CHECK(r.status == 200,
            "older supported version header: %ld", r.status);
    hr_free(&r);
    const char *badv_get[] = { h, "MCP-Protocol-Version: 1999-01-01", "Accept: text/event-stream", NULL };
    req(&r, "GET", port, "/mcp", NULL, badv_get);
    T_CHECK(r.status == 400, "GET with an unsupported version header: %ld", r.status);
    hr_free(&r);
    req(&r, "DELETE", port, "/mcp", NULL, badv);
    T_CHECK(r.status == 400, "DELETE with an unsupported version header: %ld", r.status);
    hr_free(&r);
    const char *del[] = { h, NULL };
    req(&r, "DELETE", port, "/mcp", NULL, del);
    T_CHECK(r.status == 200, "DELETE: %ld", r.status);
    hr_free(&r);
}

static void test_malformed(void)
{
    int port = g_gw->port;
    hr r;
    req(&r, "POST", port, "/mcp", "{not json", NULL);
    T_CHECK(r.status == 400 && err_code_of(&r) == -32700 && err_id_null(&r),
            "parse error: %ld %s", r.status, r.body);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "{\"id\":1,\"method\":\"ping\"}", NULL);
    T_CHECK(r.status == 400 && err_code_of(&r) == -32600,
            "no jsonrpc member: %ld %s", r.status, r.body);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", NULL);
    T_CHECK(r.status == 400,
            "null id: %ld %s", r.status, r.body);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "", NULL);
    T_CHECK(r.status == 400, "empty body: %ld", r.status);
    hr_free(&r);
    const char *text[] = { "Content-Type: text/plain", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, text);
    T_CHECK(r.status == 415, "text/plain: %ld", r.status);
    hr_free(&r);
    const char *html[] = { "Accept: text/html", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, html);
    T_CHECK(r.status == 406, "Accept text/html: %ld", r.status);
    hr_free(&r);
    const char *star[] = { "Accept: */*", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, star);
    T_CHECK(r.status == 200, "Accept */*: %ld", r.status);
    hr_free(&r);
    req(&r, "POST", port, "/mcp", "[]", NULL);
    T_CHECK(r.status == 400, "empty batch: %ld", r.status);
    hr_free(&r);
    /* Deeper than the JSON depth cap. */
    char deep[400];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 199);
    deep[399] = '\0';
    req(&r, "POST", port, "/mcp", deep, NULL);
    T_CHECK(r.status == 400, "deep nesting: %ld", r.status);
    hr_free(&r);
}

static void test_paths_methods_sizes(void)
{
    int port = g_gw->port;
    hr r;
    req(&r, "POST", port, "/other", INIT_BODY, NULL);
    T_CHECK(r.status == 404 && err_id_null(&r), "unknown path: %ld", r.status);
    hr_free(&r);
    req(&r, "GET", port, "/", NULL, NULL);
    T_CHECK(r.status == 404, "GET /: %ld", r.status);
    hr_free(&r);
    char allow[64] = "";
    req(&r, "PUT", port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 405 && hget(&r, "Allow", allow, sizeof allow),
            "PUT: %ld", r.status);
    hr_free(&r);
    size_t big = (4u << 20) + 100;
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    memcpy(body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", 38);
    body[big - 1] = '}';
    body[big] = '\0';
    /* Sent without waiting, the body could still be going out when the
     * early 413 closes the connection, and the client would see a reset
     * instead of the answer: a client sending this much waits for 100. */
    const char *const expect[] = { "Expect: 100-continue", NULL };
    req(&r, "POST", port, "/mcp", body, expect);
    T_CHECK(r.status == 413, "4 MiB + 100 bytes: %ld", r.status);
    hr_free(&r);
    free(body);
    /* Headers past the cap: libmicrohttpd answers 431 (or 413 in older releases). */
    char *longh = malloc(40000);
    strcpy(longh, "X-Pad: ");
    memset(longh + 7, 'a', 39990);
    longh[39997] = '\0';
    const char *hs[] = { longh, NULL };
    long st = req(&r, "POST", port, "/mcp", INIT_BODY, hs);
    T_CHECK(st == 431 || st == 413 || st == 400, "huge header: %ld", st);
    hr_free(&r);
    free(longh);
}

static void test_host_origin(void)
{
    int port = g_gw->port;
    hr r;
    const char *evil_host[] = { "Host: evil.example.com", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, evil_host);
    T_CHECK(r.status == 403 && err_id_null(&r), "bad Host: %ld %s", r.status, r.body);
    hr_free(&r);
    const char *evil_origin[] = { "Origin: http://evil.example.com", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, evil_origin);
    T_CHECK(r.status == 403 && err_id_null(&r), "bad Origin: %ld", r.status);
    hr_free(&r);
    const char *null_origin[] = { "Origin: null", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, null_origin);
    T_CHECK(r.status == 403, "Origin null: %ld", r.status);
    hr_free(&r);
    const char *rebind[] = { "Host: localhost.evil.example.com:80", NULL };
    req(&r, "POST", port, "/mcp", INIT_BODY, rebind);
    T_CHECK(r.status == 403, "suffix trick: %ld", r.status);
    hr_free(&r);
    const char *good[][3] = {
        { "Host: localhost:1234", "Origin: http://localhost:5173", NULL },
        { "Host: [::1]:80", "Origin: https://127.0.0.1", NULL },
        { "Host: LOCALHOST", NULL, NULL },
    };
    for (int i = 0; i < 3; i++) {
        req(&r, "POST", port, "/mcp", INIT_BODY, good[i]);
        T_CHECK(r.status == 200, "%s: %ld", good[i][0], r.status);
        hr_free(&r);
    }
    /* GET and DELETE are checked too. */
    req(&r, "DELETE", port, "/mcp", NULL, evil_origin);
    T_CHECK(r.status == 403, "DELETE bad Origin: %ld", r.status);
    hr_free(&r);
}

static void test_allow_lists(void)
{
    const char *extra[] = { "--allow-host", "mcp.example", "--allow-origin", "https://app.example", NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    hr r;
    const char *ok[] = { "Host: mcp.example:8765", "Origin: https://app.example", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, ok);
    T_CHECK(r.status == 200, "allowed: %ld", r.status);
    hr_free(&r);
    const char *lh[] = { "Host: localhost", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, lh);
    T_CHECK(r.status == 403, "explicit list replaces loopback: %ld", r.status);
    hr_free(&r);
    const char *lo[] = { "Host: mcp.example", "Origin: http://localhost", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, lo);
    T_CHECK(r.status == 403, "origin not listed: %ld", r.status);
    hr_free(&r);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

static void test_token(void)
{
    /* Off loopback without a token: refuse to start, exit 2. */
    char pf[512], ef[512];
    snprintf(pf, sizeof pf, "%s/refuse.port", t_tmpdir());
    snprintf(ef, sizeof ef, "%s/refuse.stderr", t_tmpdir());
    pid_t pid = spawn("0.0.0.0:0", NULL, pf, ef);
    int rc = wait_exit(pid, 5000);
    char *err = t_read_file(ef, NULL);
    T_CHECK(rc == 2, "exit status %d", rc);
    T_CHECK(err && strstr(err, "--token-file") && strstr(err, "refusing"), "message: %s", err ? err : "");
    free(err);
    /* ... before it binds: on a port some other program holds, the refusal
     * is still about the token, not "cannot listen" (issue 17). */
    int held = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
    socklen_t sl = sizeof sa;
    T_ASSERT(held >= 0 && bind(held, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(held, 1) == 0 &&
             getsockname(held, (struct sockaddr *)&sa, &sl) == 0, "hold a port");
    char busy[32];
    snprintf(busy, sizeof busy, "0.0.0.0:%d", ntohs(sa.sin_port));
    rc = wait_exit(spawn(busy, NULL, pf, ef), 5000);
    close(held);
    err = t_read_file(ef, NULL);
    T_CHECK(rc == 2 && err && strstr(err, "refusing") && !strstr(err, "cannot listen"), "status %d: %s", rc,
            err ? err : "");
    free(err);
    /* With a token file it starts, and every request needs the token. */
    char tf[512];
    snprintf(tf, sizeof tf, "%s/token", t_tmpdir());
    t_write_file(tf, "s3cret-token-value\n", 19);
    chmod(tf, 0600);
    const char *extra[] = { "--token-file", tf, NULL };
    gw *g = gw_start_at("0.0.0.0:0", extra);
    T_ASSERT(g, "start with token");
    hr r;
    char www[512] = "";
    req(&r, "POST", g->port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 401 && hget(&r, "WWW-Authenticate", www, sizeof www) &&
            strncmp(www, "Bearer", 6) == 0 && err_id_null(&r), "no token: %ld '%s'", r.status, www);
    hr_free(&r);
    const char *wrong[] = { "Authorization: Bearer s3cret-token-valuX", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, wrong);
    T_CHECK(r.status == 401, "wrong token: %ld", r.status);
    /* ... saying plainly that there is no OAuth, here and wherever a
     * client looks for it next (issue 17: mcp-remote reported only
     * "Dynamic Client Registration rejected (HTTP 404)") */
    T_CHECK(r.body && strstr(r.body, "static bearer token") && strstr(r.body, "--header"), "401 body: %s",
            r.body ? r.body : "");
    T_CHECK(hget(&r, "WWW-Authenticate", www, sizeof www) && strstr(www, "static bearer token"), "challenge: %s", www);
    hr_free(&r);
    static const char *const oauth[] = { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
                                         "/.well-known/oauth-authorization-server", "/register", "/authorize", "/token" };
    for (size_t i = 0; i < sizeof oauth / sizeof oauth[0]; i++) {
        req(&r, i == 3 ? "POST" : "GET", g->port, oauth[i], i == 3 ? "{}" : NULL, wrong);
        T_CHECK(r.status == 404 && r.body && strstr(r.body, "static bearer token"), "%s: %ld %s", oauth[i], r.status,
                r.body ? r.body : "");
        hr_free(&r);
    }
    const char *shorter[] = { "Authorization: Bearer s3cret", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, shorter);
    T_CHECK(r.status == 401, "prefix of the token: %ld", r.status);
    hr_free(&r);
    const char *right[] = { "Authorization: Bearer s3cret-token-value", NULL };
    req(&r, "POST", g->port, "/mcp", INIT_BODY, right);
    T_CHECK(r.status == 200, "right token: %ld", r.status);
    hr_free(&r);
    T_CHECK(gw_stop(g) == 0, "clean stop");
    /* An unreadable token file is a configuration error. */
    snprintf(tf, sizeof tf, "%s/missing-token", t_tmpdir());
    pid = spawn("127.0.0.1:0", extra, pf, ef);
    rc = wait_exit(pid, 5000);
    T_CHECK(rc == 2, "missing token file: exit %d", rc);
}

/* ---- TLS (--tls-cert, --tls-key) ---- */

/* POSTs initialize with libcurl, verifying the server's certificate
 * against ca (NULL: the system's CAs).  The HTTP status, or -1 when the
 * TLS handshake or verification failed. */
static long tls_post(const char *url, const char *ca, hr *out)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    hd = curl_slist_append(hd, "Accept: application/json, text/event-stream");
    memset(out, 0, sizeof *out);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, INIT_BODY);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca)
        curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    long status = -1;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return status;
}

/* A real TLS client (libcurl with certificate and host-name checks)
 * against a certificate made now by openssl; plain HTTP on the same port
 * gets no MCP answer. */
static void test_tls(void)
{
    char cert[512], key[512], cmd[2048];
    snprintf(cert, sizeof cert, "%s/tls-cert.pem", t_tmpdir());
    snprintf(key, sizeof key, "%s/tls-key.pem", t_tmpdir());
    snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
             "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '%s' -out '%s' "
             ">/dev/null 2>&1", key, cert);
    T_ASSERT(system(cmd) == 0, "openssl made a certificate (is the openssl command installed?)");
    const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
    gw *g = gw_start_at("127.0.0.1:0", extra);
    T_ASSERT(g, "start with TLS");
    char url[128];
    hr out;
    snprintf(url, sizeof url, "https://localhost:%d/mcp", g->port);
    long st = tls_post(url, cert, &out);
    T_CHECK(st == 200 && out.body && strstr(out.body, "\"serverInfo\""), "initialize over TLS: %ld %.200s", st,
            out.body ? out.body : "");
    hr_free(&out);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/mcp", g->port);
    st = tls_post(url, cert, &out);
    T_CHECK(st == 200, "by address (in the certificate too): %ld", st);
    hr_free(&out);
    st = tls_post(url, "/dev/null", &out);
    T_CHECK(st == -1, "a client that does not trust the certificate refuses it: %ld", st);
    hr_free(&out);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", g->port);
    st = tls_post(url, NULL, &out);
    T_CHECK(st != 200 && !(out.body && strstr(out.body, "serverInfo")), "plain HTTP gets no MCP answer: %ld", st);
    hr_free(&out);
    char *log = t_read_file(g->err_path, NULL);
    T_CHECK(log && strstr(log, "listening on https://"), "says https");
    free(log);
    T_CHECK(gw_stop(g) == 0, "clean stop");
    /* one file without the other is a configuration error */
    char pf[512], ef[512];
    snprintf(pf, sizeof pf, "%s/tls1.port", t_tmpdir());
    snprintf(ef, sizeof ef, "%s/tls1.stderr", t_tmpdir());
    const char *half[] = { "--tls-cert", cert, NULL };
    T_CHECK(wait_exit(spawn("127.0.0.1:0", half, pf, ef), 5000) == 2, "--tls-cert alone: exit 2");
    const char *swapped[] = { "--tls-cert", key, "--tls-key", cert, NULL };
    T_CHECK(wait_exit(spawn("127.0.0.1:0", swapped, pf, ef), 5000) == 2, "key given as certificate: exit 2");
}

static char *modern(int id, const char *method, const char *params)
{
    char *b = malloc(1024);
    snprintf(b, 1024, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{%s%s" MODERN_META "}}",
             id, method, params ? params : "", params ? "," : "");
    return b;
}

static void test_modern_headers(void)
{
    int port = g_gw->port;
    hr r;
    char *b = modern(10, "tools/list", NULL);
    const char *ok[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/list",
                         "Mcp-Session-Id: ignored-in-this-era", NULL };
    char sid[64];
    req(&r, "POST", port, "/mcp", b, ok);
    T_CHECK(r.status == 200 && strstr(r.body, "\"resultType\":\"complete\"") &&
            !hget(&r, "Mcp-Session-Id", sid, sizeof sid), "modern tools/list: %ld %.200s", r.status, r.body);
    hr_free(&r);
    const char *lower[] = { "mcp-protocol-version: 2026-07-28", "MCP-METHOD:   tools/list  ", NULL };
    req(&r, "POST", port, "/mcp", b, lower);
    T_CHECK(r.status == 200, "header names are case-insensitive: %ld", r.status);
    hr_free(&r);
    const char *cases[][3] = {
        { "MCP-Protocol-Version: 2026-07-28", NULL, NULL },                         /* no Mcp-Method */
        { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: prompts/list", NULL },   /* wrong method */
        { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: TOOLS/LIST", NULL },     /* values are case-sensitive */
        { "Mcp-Method: tools/list", NULL, NULL },                                   /* no version header */
        { "MCP-Protocol-Version: 2025-11-25", "Mcp-Method: tools/list", NULL },     /* version differs from _meta */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        req(&r, "POST", port, "/mcp", b, cases[i]);
        T_CHECK(r.status == 400 && err_code_of(&r) == -32020 && id_is(&r, 10),
                "case %zu: %ld %s", i, r.status, r.body);
        hr_free(&r);
    }
    free(b);
    b = modern(11, "tools/call", "\"name\":\"get_slicer_info\",\"arguments\":{}");
    const char *call_ok[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call",
                              "Mcp-Name: =?base64?Z2V0X3NsaWNlcl9pbmZv?=", NULL };
    req(&r, "POST", port, "/mcp", b, call_ok);
    T_CHECK(r.status == 200 && strstr(r.body, "\"result\""),
            "base64 Mcp-Name: %ld %.300s", r.status, r.body);
    hr_free(&r);
    const char *no_name[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", NULL };
    const char *wrong_name[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: list_nodes", NULL };
    const char *bad_b64[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: =?base64?%%%?=", NULL };
    const char *const *bad[] = { no_name, wrong_name, bad_b64 };
    for (int i = 0; i < 3; i++) {
        req(&r, "POST", port, "/mcp", b, bad[i]);
        T_CHECK(r.status == 400 && err_code_of(&r) == -32020 && id_is(&r, 11),
                "Mcp-Name case %d: %ld %s", i, r.status, r.body);
        hr_free(&r);
    }
    free(b);
    /* The version header says modern but _meta is missing: -32602, 400. */
    const char *disc[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: server/discover", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"server/discover\",\"params\":{}}", disc);
    T_CHECK(r.status == 400 &&
            err_code_of(&r) == -32602 && id_is(&r, 12), "missing _meta: %ld %s", r.status, r.body);
    hr_free(&r);
    b = modern(13, "ping", NULL);
    const char *ping[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: ping", NULL };
    req(&r, "POST", port, "/mcp", b, ping);
    T_CHECK(r.status == 404 && err_code_of(&r) == -32601 && id_is(&r, 13),
            "removed method: %ld %s", r.status, r.body);
    hr_free(&r);
    free(b);
    const char *mv[] = { "MCP-Protocol-Version: 2026-07-28", NULL };
    req(&r, "GET", port, "/mcp", NULL, mv);
    T_CHECK(r.status == 405, "modern GET: %ld", r.status);
    hr_free(&r);
    req(&r, "DELETE", port, "/mcp", NULL, mv);
    T_CHECK(r.status == 405, "modern DELETE: %ld", r.status);
    hr_free(&r);
}

/* A GET stream reader: collects bytes until it sees want or times out. */
typedef struct {
    int port;
    char sid[64];
    const char *want;
    hr r;
    int started;
} stream_arg;

static size_t on_stream(char *p, size_t sz, size_t n, void *ud)
{
    stream_arg *a = ud;
    on_body(p, sz, n, &a->r);
    a->started = 1;
    return strstr(a->r.body, a->want) ? 0 : sz * n;   /* 0 ends the transfer */
}

static void *stream_thread(void *ud)
{
    stream_arg *a = ud;
    CURL *c = curl_easy_init();
    char url[128], h[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", a->port);
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", a->sid);
    struct curl_slist *sl = curl_slist_append(NULL, h);
    sl = curl_slist_append(sl, "Accept: text/event-stream");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &a->r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 8000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->r.status);
    curl_slist_free_all(sl);
    curl_easy_cleanup(c);
    return NULL;
}

static void test_get_stream_list_changed(void)
{
    gw *g = gw_start(NULL);
    T_ASSERT(g, "start");
    stream_arg a = { .port = g->port, .want = "notifications/tools/list_changed" };
    T_ASSERT(open_session(g->port, a.sid, sizeof a.sid) == 0, "session");
    pthread_t th;
    pthread_create(&th, NULL, stream_thread, &a);
    for (int i = 0; i < 100 && !a.started; i++)
        t_sleep_ms(20);
    T_CHECK(a.started, "stream opened");
    hr r;
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", a.sid);
    const char *hs[] = { h, "Accept: text/event-stream", NULL };
    req(&r, "GET", g->port, "/mcp", NULL, hs);
    T_CHECK(r.status == 409, "second GET stream: %ld", r.status);
    hr_free(&r);
    const char *json_only[] = { h, "Accept: application/json", NULL };
    req(&r, "GET", g->port, "/mcp", NULL, json_only);
    T_CHECK(r.status == 406, "GET without SSE accept: %ld", r.status);
    hr_free(&r);
    const char *nosess[] = { "Accept: text/event-stream", NULL };
    req(&r, "GET", g->port, "/mcp", NULL, nosess);
    T_CHECK(r.status == 400, "GET without session: %ld", r.status);
    hr_free(&r);
    kill(g->pid, SIGHUP);   /* reloads tools.d: the idle hook returns tools/list_changed */
    pthread_join(th, NULL);
    char ct[64] = "";
    T_CHECK(a.r.status == 200 && hget(&a.r, "Content-Type", ct, sizeof ct) && strstr(ct, "text/event-stream"),
            "stream status %ld, type %s", a.r.status, ct);
    T_CHECK(a.r.body && strstr(a.r.body, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}"),
            "stream: %s", a.r.body ? a.r.body : "");
    hr_free(&a.r);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

static void test_sigterm_with_open_stream(void)
{
    gw *g = gw_start(NULL);
    T_ASSERT(g, "start");
    stream_arg a = { .port = g->port, .want = "never-sent" };
    T_ASSERT(open_session(g->port, a.sid, sizeof a.sid) == 0, "session");
    pthread_t th;
    pthread_create(&th, NULL, stream_thread, &a);
    for (int i = 0; i < 100 && !a.started; i++)
        t_sleep_ms(20);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = gw_stop(g);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(th, NULL);
    hr_free(&a.r);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    T_CHECK(rc == 0 && ms < t_mcp_bound(3000), "exit %d after %ld ms", rc, ms);
}

/* A 2026-07-28 subscriptions/listen stream: POST with a stream reply. */
typedef struct {
    int port;
    const char *filter;     /* params.notifications */
    const char *want;       /* stop reading once this text arrived */
    hr r;
    int started;
} listen_arg;

static size_t on_listen(char *p, size_t sz, size_t n, void *ud)
{
    listen_arg *a = ud;
    on_body(p, sz, n, &a->r);
    a->started = 1;
    return a->want && strstr(a->r.body, a->want) ? 0 : sz * n;
}

static void *listen_thread(void *ud)
{
    listen_arg *a = ud;
    CURL *c = curl_easy_init();
    char url[128], body[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", a->port);
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":\"sub-1\",\"method\":\"subscriptions/listen\","
             "\"params\":{\"notifications\":%s," MODERN_META "}}", a->filter);
    struct curl_slist *sl = t_mcp_headers("subscriptions/listen", NULL);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_listen);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &a->r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 6000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->r.status);
    curl_slist_free_all(sl);
    curl_easy_cleanup(c);
    return NULL;
}

static void test_subscriptions_listen(void)
{
    gw *g = gw_start(NULL);
    T_ASSERT(g, "start");
    listen_arg tools = { .port = g->port, .filter = "{\"toolsListChanged\":true,\"promptsListChanged\":true}",
                         .want = "notifications/tools/list_changed" };
    listen_arg prompts = { .port = g->port, .filter = "{\"promptsListChanged\":true}" };
    pthread_t t1, t2;
    pthread_create(&t1, NULL, listen_thread, &tools);
    pthread_create(&t2, NULL, listen_thread, &prompts);
    for (int i = 0; i < 100 && !(tools.started && prompts.started); i++)
        t_sleep_ms(20);
    kill(g->pid, SIGHUP);        /* a reload: tools/list_changed for listeners who asked */
    pthread_join(t1, NULL);
    t_sleep_ms(300);
    T_CHECK(gw_stop(g) == 0, "clean stop with a listen stream open");
    pthread_join(t2, NULL);
    const char *ack = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/subscriptions/acknowledged\","
                      "\"params\":{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":\"sub-1\"},";
    T_CHECK(tools.r.status == 200 && strncmp(tools.r.body, "event: message\n", 15) == 0 &&
            strncmp(tools.r.body + 15, ack, strlen(ack)) == 0, "ack first: %.300s", tools.r.body);
    T_CHECK(strstr(tools.r.body, "\"notifications\":{\"toolsListChanged\":true}}") != NULL,
            "only the supported subset is acknowledged: %.300s", tools.r.body);
    T_CHECK(strstr(tools.r.body, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\",\"params\":"
                   "{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":\"sub-1\"}}}") != NULL,
            "tagged list_changed: %s", tools.r.body);
    T_CHECK(prompts.r.status == 200 && strstr(prompts.r.body, "\"notifications\":{}") &&
            !strstr(prompts.r.body, "tools/list_changed"), "filter honoured: %s", prompts.r.body);
    T_CHECK(strstr(prompts.r.body, "\"id\":\"sub-1\",\"result\":{\"resultType\":\"complete\"") != NULL,
            "graceful end on shutdown: %s", prompts.r.body);
    hr_free(&tools.r);
    hr_free(&prompts.r);
}

static const char LIST_BODY[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

/* Issue 16: real clients never send DELETE, so a full table used to lock
 * everyone out for 30 minutes with "Retry-After: 1".  Now the least
 * recently used idle session makes room; only sessions in use (here: GET
 * streams) are kept, and that refusal promises no retry time. */
static void test_sessions_lru(void)
{
    const char *extra[] = { "--http-max-sessions", "2", NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    char s1[64], s2[64], s3[64];
    T_ASSERT(open_session(g->port, s1, sizeof s1) == 0 && open_session(g->port, s2, sizeof s2) == 0,
             "two sessions");
    hr r;
    T_CHECK(session_call(g->port, s1, LIST_BODY, &r) == 200, "s1 used last: %ld", r.status);
    hr_free(&r);
    T_CHECK(open_session(g->port, s3, sizeof s3) == 0, "a third client gets in");
    T_CHECK(session_call(g->port, s2, LIST_BODY, &r) == 404, "s2, the least recently used, ended: %ld",
            r.status);
    hr_free(&r);
    T_CHECK(session_call(g->port, s1, LIST_BODY, &r) == 200, "s1 kept: %ld", r.status);
    hr_free(&r);
    /* Ten more client runs that never end their session all get in. */
    int ok = 0;
    for (int i = 0; i < 10; i++) {
        char sid[64];
        ok += open_session(g->port, sid, sizeof sid) == 0;
    }
    T_CHECK(ok == 10, "ten more clients: %d got a session", ok);
    /* Both sessions with a GET stream: in use, so neither is ended. */
    stream_arg a[2] = { { .port = g->port, .want = "never sent" }, { .port = g->port, .want = "never sent" } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        T_CHECK(open_session(g->port, a[i].sid, sizeof a[i].sid) == 0, "session %d", i);
        pthread_create(&th[i], NULL, stream_thread, &a[i]);
    }
    for (int i = 0; i < 100 && !(a[0].started && a[1].started); i++)
        t_sleep_ms(20);
    char ra[16];
    req(&r, "POST", g->port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 503 && id_is(&r, 1) && !hget(&r, "Retry-After", ra, sizeof ra),
            "all in use: 503 without a made-up Retry-After: %ld %s", r.status, r.body);
    hr_free(&r);
    /* Modern requests need no session, so they still work. */
    char *b = modern(3, "tools/list", NULL);
    const char *mh[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/list", NULL };
    req(&r, "POST", g->port, "/mcp", b, mh);
    T_CHECK(r.status == 200, "modern while full: %ld", r.status);
    hr_free(&r);
    free(b);
    char *log = t_read_file(g->err_path, NULL);
    T_CHECK(log && strstr(log, "refused a session: every session has a request or stream in progress"),
            "the refusal is logged");
    free(log);
    T_CHECK(gw_stop(g) == 0, "clean stop");
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        hr_free(&a[i].r);
    }
}

static void test_session_idle_timeout(void)
{
    const char *extra[] = { "--http-session-idle-ms", "300", NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    char sid[64];
    T_ASSERT(open_session(g->port, sid, sizeof sid) == 0, "session");
    t_sleep_ms(900);
    hr r;
    session_call(g->port, sid, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}", &r);
    T_CHECK(r.status == 404,
            "expired session: %ld", r.status);
    hr_free(&r);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

static void test_progress_as_sse(void)
{
    int port = g_gw->port;
    hr r;
    t_resp tr;
    char u[160];
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:1500", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    char sid[64];
    T_ASSERT(open_session(port, sid, sizeof sid) == 0, "session");
    session_call(port, sid, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"get_slicer_info\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p1\"}}}", &r);
    char ct[64] = "";
    T_CHECK(r.status == 200 && hget(&r, "Content-Type", ct, sizeof ct) && strstr(ct, "text/event-stream"),
            "SSE answer: %ld %s", r.status, ct);
    const char *prog = strstr(r.body, "notifications/progress"), *res = strstr(r.body, "\"id\":5");
    T_CHECK(prog && res && prog < res, "progress before the response: %.400s", r.body);
    hr_free(&r);
    /* Without SSE in Accept the notifications are dropped: plain JSON. */
    char h[192];
    snprintf(h, sizeof h, "Mcp-Session-Id: %s", sid);
    const char *json_only[] = { h, "Accept: application/json", NULL };
    req(&r, "POST", port, "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":"
        "\"get_slicer_info\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p2\"}}}", json_only);
    T_CHECK(r.status == 200 && hget(&r, "Content-Type", ct, sizeof ct) && strstr(ct, "application/json") && id_is(&r, 6),
            "JSON answer: %ld %s", r.status, ct);
    hr_free(&r);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
}

/* Progress must reach the client while Slicer still works, not after. */
typedef struct {
    hr r;
    struct timespec t0;
    long first_progress_ms, reply_ms;
} live_arg;

static long since_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static size_t on_live(char *p, size_t sz, size_t n, void *ud)
{
    live_arg *a = ud;
    on_body(p, sz, n, &a->r);
    if (a->first_progress_ms < 0 && strstr(a->r.body, "notifications/progress"))
        a->first_progress_ms = since_ms(&a->t0);
    if (a->reply_ms < 0 && strstr(a->r.body, "\"result\""))
        a->reply_ms = since_ms(&a->t0);
    return sz * n;
}

static void test_progress_streams_live(void)
{
    int port = g_gw->port;
    t_resp tr;
    char u[160];
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:2500", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    live_arg a = { .first_progress_ms = -1, .reply_ms = -1 };
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":"
                       "\"get_slicer_info\",\"arguments\":{},\"_meta\":{\"progressToken\":7,"
                       "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                       "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", port);
    struct curl_slist *sl = t_mcp_headers("tools/call", "get_slicer_info");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_live);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &a.r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 8000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    clock_gettime(CLOCK_MONOTONIC, &a.t0);
    curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.r.status);
    curl_slist_free_all(sl);
    curl_easy_cleanup(c);
    T_CHECK(a.r.status == 200 && a.first_progress_ms >= 0 && a.reply_ms >= 2400 &&
            a.first_progress_ms < a.reply_ms - 700, "progress at %ld ms, reply at %ld ms: %.300s",
            a.first_progress_ms, a.reply_ms, a.r.body ? a.r.body : "");
    T_CHECK(a.r.body && strstr(a.r.body, "\"progressToken\":7") && strstr(a.r.body, "\"id\":9"), "%.300s", a.r.body);
    hr_free(&a.r);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
}

/* 32 clients at once, half legacy sessions, half modern: each answered,
 * and Slicer saw exactly 32 version requests. */
typedef struct {
    int port, i;
    long status;
    int ok;
} client_arg;

static void *client_thread(void *ud)
{
    client_arg *a = ud;
    hr r;
    if (a->i % 2) {
        char sid[64];
        if (open_session(a->port, sid, sizeof sid) != 0)
            return NULL;
        a->status = session_call(a->port, sid, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                                 "{\"name\":\"get_slicer_info\",\"arguments\":{}}}", &r);
    } else {
        char *b = modern(a->i, "tools/call", "\"name\":\"get_slicer_info\",\"arguments\":{}");
        const char *hs[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: get_slicer_info", NULL };
        a->status = req(&r, "POST", a->port, "/mcp", b, hs);
        free(b);
    }
    a->ok = a->status == 200 && strstr(r.body, "\"result\"") && !strstr(r.body, "\"isError\":true") &&
            strstr(r.body, "5.8.1");
    hr_free(&r);
    return NULL;
}

static int count_version_requests(void)
{
    char *log = t_sim_log_text(g_sim);
    int n = t_count(log, "\"target\":\"/slicer/system/version\"");
    free(log);
    return n;
}

/* Runs N_CLIENTS client_threads at once; returns how many were answered. */
static int run_clients(client_arg *a)
{
    pthread_t th[N_CLIENTS];
    for (int i = 0; i < N_CLIENTS; i++) {
        a[i] = (client_arg){ .port = g_gw->port, .i = i };
        pthread_create(&th[i], NULL, client_thread, &a[i]);
    }
    int answered = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        pthread_join(th[i], NULL);
        answered += a[i].ok;
    }
    return answered;
}

static void test_queue_32_clients(void)
{
    int before = count_version_requests();
    client_arg a[N_CLIENTS];
    int answered = run_clients(a);
    for (int i = 0; i < N_CLIENTS; i++)
        T_CHECK(a[i].ok, "client %d: status %ld", i, a[i].status);
    T_CHECK(answered == N_CLIENTS, "%d of %d answered", answered, N_CLIENTS);
    int seen = count_version_requests() - before;
    T_CHECK(seen == N_CLIENTS, "slicer-sim saw %d /slicer/system/version requests", seen);
}

/* The gateway's threads while 32 clients wait for a slow Slicer: a few
 * polling threads and the core thread serve them all (waiting requests
 * are parked, not given a thread each). */
static void test_threads_bounded(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)g_gw->pid);
    if (access(dir, F_OK) != 0)
        return;   /* no /proc here: nothing to count */
    t_resp tr;
    char u[160];
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:60", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    t_threads *w = t_threads_watch((int)g_gw->pid);
    client_arg a[N_CLIENTS];
    int answered = run_clients(a);
    int most = t_threads_most(w);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    T_CHECK(answered == N_CLIENTS, "%d of %d answered", answered, N_CLIENTS);
    /* A thread per connection would be 32 or more. */
    T_CHECK(most > 0 && most < N_CLIENTS / 2, "the gateway had at most %d threads", most);
}

typedef struct {
    int port;
    long delay_ms;
    hr r;
} slow_arg;

static void *slow_thread(void *ud)
{
    slow_arg *a = ud;
    t_sleep_ms(a->delay_ms);
    char *b = modern(1, "tools/call", "\"name\":\"get_slicer_info\",\"arguments\":{}");
    const char *hs[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: get_slicer_info", NULL };
    req(&a->r, "POST", a->port, "/mcp", b, hs);
    free(b);
    return NULL;
}

static void test_queue_full_and_timeout(void)
{
    /* All four times stretch together (SLICER_MCP_TIME_SCALE, 8 under
     * valgrind): the second must reach the queue while the first holds
     * Slicer, and the third while the second still waits there. */
    char qt[24];
    snprintf(qt, sizeof qt, "%ld", t_mcp_bound(500));
    const char *extra[] = { "--http-queue-max", "1", "--http-queue-timeout-ms", qt, NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    t_resp tr;
    char u[160];
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:%ld", t_sim_url(g_sim),
             t_mcp_bound(1500));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    slow_arg a[3] = { { g->port, 0, { 0 } }, { g->port, t_mcp_bound(150), { 0 } }, { g->port, t_mcp_bound(300), { 0 } } };
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, slow_thread, &a[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    char ra[16] = "";
    T_CHECK(a[0].r.status == 200, "first holds Slicer: %ld", a[0].r.status);
    T_CHECK(a[1].r.status == 504 && id_is(&a[1].r, 1), "second times out waiting: %ld %s", a[1].r.status, a[1].r.body);
    T_CHECK(a[2].r.status == 503 && hget(&a[2].r, "Retry-After", ra, sizeof ra), "third finds the queue full: %ld",
            a[2].r.status);
    for (int i = 0; i < 3; i++)
        hr_free(&a[i].r);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

static void test_cancel_legacy(void)
{
    gw *g = gw_start(NULL);
    T_ASSERT(g, "start");
    t_resp tr;
    char u[160];
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:3000", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    char sid[64];
    T_ASSERT(open_session(g->port, sid, sizeof sid) == 0, "session");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t child = fork();
    if (child == 0) {   /* the client that cancels, 400 ms in */
        t_sleep_ms(400);
        hr r;
        session_call(g->port, sid, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":77}}", &r);
        _exit(r.status == 202 ? 0 : 1);
    }
    hr r;
    session_call(g->port, sid, "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":"
                 "{\"name\":\"get_slicer_info\",\"arguments\":{}}}", &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int st;
    waitpid(child, &st, 0);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    T_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "cancel notification got 202");
    T_CHECK(r.status == 202 && r.len == 0 && ms < t_mcp_bound(2500), "cancelled call: %ld after %ld ms '%s'", r.status, ms, r.body);
    hr_free(&r);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

static void test_audit_peer(void)
{
    char al[512];
    snprintf(al, sizeof al, "%s/audit.jsonl", t_tmpdir());
    const char *extra[] = { "--audit-log", al, NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    char *b = modern(1, "tools/call", "\"name\":\"get_slicer_info\",\"arguments\":{}");
    const char *hs[] = { "MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: get_slicer_info", NULL };
    hr r;
    req(&r, "POST", g->port, "/mcp", b, hs);
    T_CHECK(r.status == 200, "call: %ld", r.status);
    hr_free(&r);
    free(b);
    T_CHECK(gw_stop(g) == 0, "clean stop");
    char *log = t_read_file(al, NULL);
    T_CHECK(log && strstr(log, "\"transport\":\"http\"") && strstr(log, "\"peer\":\"127.0.0.1:"),
            "audit: %s", log ? log : "(none)");
    free(log);
}

/* ---- denial of service before authentication (issue 16) ---- */

/* A TCP connection to 127.0.0.1:port from the loopback address src (all
 * of 127/8 is this host: a second "client machine" without leaving it);
 * reads time out after 200 ms.  -1 if it cannot connect. */
static int connect_from(const char *src, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
    inet_pton(AF_INET, src, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((unsigned short)port);
    struct timeval tv = { 0, 200000 };
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* 1 once the server has closed fd (end of file or reset), 0 while open. */
static int closed_by_server(int fd)
{
    char b[256];
    ssize_t n = recv(fd, b, sizeof b, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

#define SLOW_CONNS 24
static const char PARTIAL[] = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n";

/* Slowloris: connections that send part of a header and stop must not
 * starve an ordinary client, nor hold their slot past the deadline. */
static void test_slow_headers(void)
{
    const char *extra[] = { "--http-max-connections", "16", NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    int fds[SLOW_CONNS];
    for (int i = 0; i < SLOW_CONNS; i++) {
        fds[i] = connect_from("127.0.0.2", g->port);
        if (fds[i] >= 0 && send(fds[i], PARTIAL, sizeof PARTIAL - 1, MSG_NOSIGNAL) < 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
    t_sleep_ms(300);
    int refused = 0;
    for (int i = 0; i < SLOW_CONNS; i++)
        refused += fds[i] < 0 || closed_by_server(fds[i]);
    /* half of 16 per address: the other 16 are refused, and logged */
    T_CHECK(refused == SLOW_CONNS - 8, "%d of %d slow connections refused", refused, SLOW_CONNS);
    hr r;
    req(&r, "POST", g->port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 200, "an ordinary client from another address gets in: %ld", r.status);
    hr_free(&r);
    char *log = t_read_file(g->err_path, NULL);
    T_CHECK(t_count(log ? log : "", "connection from 127.0.0.2 refused") == refused,
            "one log line per refusal: %d", t_count(log ? log : "", "connection from 127.0.0.2 refused"));
    free(log);
    for (int i = 0; i < SLOW_CONNS; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    T_CHECK(gw_stop(g) == 0, "clean stop");

    /* One byte every 100 ms keeps a connection active, which used to
     * hold it for ever: now the whole request has a deadline. */
    const char *extra2[] = { "--http-request-timeout-ms", "1000", NULL };
    g = gw_start(extra2);
    T_ASSERT(g, "start");
    int fd = connect_from("127.0.0.2", g->port), shut = 0;
    T_ASSERT(fd >= 0, "connect");
    for (int i = 0; i < 50 && !shut; i++) {   /* at most 5 s plus the reads' 200 ms */
        shut = send(fd, PARTIAL + i % (sizeof PARTIAL - 1), 1, MSG_NOSIGNAL) < 0 || closed_by_server(fd);
        t_sleep_ms(100);
    }
    T_CHECK(shut, "a trickling header is cut off");
    close(fd);
    log = t_read_file(g->err_path, NULL);
    T_CHECK(log && strstr(log, "connection from 127.0.0.2 closed: no whole request within 1000 ms"),
            "and logged");
    free(log);
    /* An ordinary request is unaffected. */
    req(&r, "POST", g->port, "/mcp", INIT_BODY, NULL);
    T_CHECK(r.status == 200, "ordinary request: %ld", r.status);
    hr_free(&r);
    T_CHECK(gw_stop(g) == 0, "clean stop");
}

/* Listen streams have their own quota: they neither lock out sessions
 * nor pile up without bound. */
static void test_listen_quota(void)
{
    const char *extra[] = { "--http-max-sessions", "2", "--http-max-streams", "2", NULL };
    gw *g = gw_start(extra);
    T_ASSERT(g, "start");
    listen_arg a[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        a[i] = (listen_arg){ .port = g->port, .filter = "{\"toolsListChanged\":true}" };
        pthread_create(&th[i], NULL, listen_thread, &a[i]);
        for (int k = 0; k < 100 && !a[i].started && i < 2; k++)
            t_sleep_ms(20);
    }
    pthread_join(th[2], NULL);
    T_CHECK(a[2].r.status == 503, "a third stream is refused: %ld %s", a[2].r.status, a[2].r.body);
    char s1[64], s2[64];
    T_CHECK(open_session(g->port, s1, sizeof s1) == 0 && open_session(g->port, s2, sizeof s2) == 0,
            "both sessions still open while the streams are full");
    char *log = t_read_file(g->err_path, NULL);
    T_CHECK(log && strstr(log, "refused a subscriptions/listen stream: too many open streams"), "logged");
    free(log);
    T_CHECK(gw_stop(g) == 0, "clean stop");
    for (int i = 0; i < 3; i++) {
        if (i < 2)
            pthread_join(th[i], NULL);
        hr_free(&a[i].r);
    }
}

/* Two Content-Length headers that disagree: a proxy in front may frame
 * the body by the other one (request smuggling), so the request is
 * refused whole. */
static void test_conflicting_content_length(void)
{
    int fd = connect_from("127.0.0.1", g_gw->port);
    T_ASSERT(fd >= 0, "connect");
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Accept: application/json, text/event-stream\r\nContent-Length: %zu\r\n"
                     "Content-Length: 5\r\nConnection: close\r\n\r\n%s", strlen(INIT_BODY), INIT_BODY);
    T_ASSERT(send(fd, msg, (size_t)n, MSG_NOSIGNAL) == n, "send");
    char got[2048] = "";
    size_t len = 0;
    for (int i = 0; i < 25 && len < sizeof got - 1; i++) {   /* at most 5 s */
        ssize_t k = recv(fd, got + len, sizeof got - 1 - len, 0);
        if (k == 0)
            break;
        if (k > 0)
            len += (size_t)k;
    }
    got[len] = '\0';
    close(fd);
    T_CHECK(strncmp(got, "HTTP/1.1 400", 12) == 0 && strstr(got, "Content-Length"), "400: %.300s", got);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    signal(SIGPIPE, SIG_IGN);
    g_sim = t_sim_start(NULL);
    if (!g_sim) {
        printf("FAIL http_start_slicer_sim\n");
        return 1;
    }
    g_gw = gw_start(NULL);
    if (!g_gw) {
        printf("FAIL http_start_gateway\n");
        t_sim_stop(g_sim);
        return 1;
    }
    t_run("http_session_lifecycle", test_session_lifecycle);
    t_run("http_session_errors", test_session_errors);
    t_run("http_malformed_requests", test_malformed);
    t_run("http_paths_methods_sizes", test_paths_methods_sizes);
    t_run("http_host_origin_rejected", test_host_origin);
    t_run("http_allow_lists", test_allow_lists);
    t_run("http_token_required_off_loopback", test_token);
    t_run("http_tls", test_tls);
    t_run("http_modern_header_validation", test_modern_headers);
    t_run("http_get_stream_list_changed", test_get_stream_list_changed);
    t_run("http_sigterm_with_open_stream", test_sigterm_with_open_stream);
    t_run("http_subscriptions_listen", test_subscriptions_listen);
    t_run("http_sessions_lru", test_sessions_lru);
    t_run("http_session_idle_timeout", test_session_idle_timeout);
    t_run("http_progress_as_sse", test_progress_as_sse);
    t_run("http_progress_streams_live", test_progress_streams_live);
    t_run("http_queue_32_clients", test_queue_32_clients);
    t_run("http_threads_bounded", test_threads_bounded);
    t_run("http_queue_full_and_timeout", test_queue_full_and_timeout);
    t_run("http_cancel_legacy", test_cancel_legacy);
    t_run("http_audit_transport_peer", test_audit_peer);
    t_run("http_slow_headers", test_slow_headers);
    t_run("http_listen_quota", test_listen_quota);
    t_run("http_conflicting_content_length", test_conflicting_content_length);
    int rc = gw_stop(g_gw);
    if (rc != 0)
        printf("FAIL http_gateway_exit_status: %d\n", rc);
    t_sim_stop(g_sim);
    curl_global_cleanup();
    return t_done() || rc != 0;
}
