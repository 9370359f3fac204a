/* End-to-end: the reverse-proxy snippet the README points to
 * (src/app/nginx-slicer-mcp.conf) run by a real nginx in front of the real
 * slicer-mcp --http and slicer-sim.  nginx terminates TLS with a
 * certificate openssl makes now; libcurl checks it.  Through the proxy:
 * a tool call is answered, a progress notification arrives before the
 * result (Server-Sent Events are not buffered), and the gateway still
 * refuses a Host it does not allow.
 * Without nginx (Debian: nginx-light) the test says so and is skipped. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcpclient.h"
#include "testlib.h"

#define SNIPPET "src/app/nginx-slicer-mcp.conf"
#define META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
             "\"io.modelcontextprotocol/clientCapabilities\":{}"

static t_sim *g_sim;
static t_mcp *g_gw, *g_nginx;
static int g_port;              /* nginx's TLS port */
static char g_cert[512];

static int sh(const char *cmd) { return system(cmd) == 0 ? 0 : -1; }

/* A port nothing listens on now (nginx binds it a moment later). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* s with the one occurrence of from replaced by to; NULL (and a failed
 * check) when the snippet no longer holds from exactly once. */
static char *replace(char *s, const char *from, const char *to)
{
    char *at = s ? strstr(s, from) : NULL;
    if (!T_CHECK(at && !strstr(at + 1, from), "%s holds '%s' once", SNIPPET, from)) {
        free(s);
        return NULL;
    }
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    free(s);
    return out;
}

/* The snippet with this test's certificate, ports and host name, inside
 * a minimal nginx.conf that runs in the foreground as one process. */
static int write_conf(int gw_port, const char *key, char *conf, size_t conf_len)
{
    char to[600], *s = t_read_file(SNIPPET, NULL);
    snprintf(to, sizeof to, "listen 127.0.0.1:%d ssl;", g_port);
    s = replace(s, "listen 443 ssl;", to);
    s = replace(s, "server_name slicer-host.example.org;", "server_name localhost;");
    s = replace(s, "/etc/slicer-mcp/cert.pem", g_cert);
    s = replace(s, "/etc/slicer-mcp/key.pem", key);
    snprintf(to, sizeof to, "127.0.0.1:%d", gw_port);
    s = replace(s, "127.0.0.1:8765", to);
    if (!s)
        return -1;
    char path[600];
    snprintf(path, sizeof path, "%s/slicer-mcp.conf", t_tmpdir());
    int rc = t_write_file(path, s, strlen(s));
    free(s);
    const char *d = t_tmpdir();
    char main_conf[4096];
    int n = snprintf(main_conf, sizeof main_conf,
                     "daemon off;\nmaster_process off;\npid %s/nginx.pid;\nevents { worker_connections 64; }\n"
                     "http {\n  access_log off;\n  client_body_temp_path %s/ngx-body;\n"
                     "  proxy_temp_path %s/ngx-proxy;\n  fastcgi_temp_path %s/ngx-fastcgi;\n"
                     "  uwsgi_temp_path %s/ngx-uwsgi;\n  scgi_temp_path %s/ngx-scgi;\n  include %s;\n}\n",
                     d, d, d, d, d, d, path);
    snprintf(conf, conf_len, "%s/nginx.conf", d);
    return rc == 0 && t_write_file(conf, main_conf, (size_t)n) == 0 ? 0 : -1;
}

typedef struct {
    char *body;
    size_t len;
    int result_before_progress;  /* the result was in when progress first came */
    int progress_seen;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    size_t k = size * n;
    char *b = realloc(r->body, r->len + k + 1);
    if (!b)
        return 0;
    r->body = b;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    if (!r->progress_seen && strstr(r->body, "notifications/progress")) {
        r->progress_seen = 1;
        r->result_before_progress = strstr(r->body, "\"result\"") != NULL;
    }
    return k;
}

/* A 2026-07-28 tools/call through nginx, verifying its certificate;
 * host is the name the client uses (resolved to 127.0.0.1).  Returns
 * the HTTP status, -1 on a TLS or transport failure. */
static long call(const char *host, const char *tool, const char *args, const char *extra_meta, reply *r)
{
    char url[256], resolve[128], body[1024];
    snprintf(url, sizeof url, "https://%s:%d/mcp", host, g_port);
    snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", host, g_port);
    snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
             "\"arguments\":%s," META "%s}}}", tool, args, extra_meta);
    struct curl_slist *hd = t_mcp_headers("tools/call", tool);
    struct curl_slist *rs = curl_slist_append(NULL, resolve);
    CURL *h = curl_easy_init();
    memset(r, 0, sizeof *r);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_RESOLVE, rs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_CAINFO, g_cert);
    /* the certificate names localhost; another name is only for the Host check */
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, strcmp(host, "localhost") ? 0L : 2L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t_mcp_bound(15000));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    long status = -1;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_slist_free_all(rs);
    curl_easy_cleanup(h);
    return status;
}

static void test_tool_call(void)
{
    reply r;
    long st = call("localhost", "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", "", &r);
    T_CHECK(st == 200 && r.body && strstr(r.body, "\"structuredContent\"") && strstr(r.body, "\"spacing_mm\"") &&
            !strstr(r.body, "\"isError\":true"), "get_volume_info through nginx: %ld %.300s", st,
            r.body ? r.body : "");
    free(r.body);
    char *log = t_sim_log_text(g_sim);
    T_CHECK(t_count(log, "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1") >= 1,
            "Slicer saw the properties request");
    free(log);
}

/* Slicer is slow on purpose, so the gateway sends progress as an SSE
 * event before the result; were the answer buffered, both would arrive
 * together at the end.  (The gateway also sends X-Accel-Buffering: no,
 * so nginx streams SSE even without the snippet's proxy_buffering off.) */
static void test_progress_streams(void)
{
    char u[200];
    t_resp tr;
    snprintf(u, sizeof u, "%s/__sim/fault?route=/slicer/system/version&kind=delay:1500", t_sim_url(g_sim));
    T_ASSERT(t_http("POST", u, NULL, 0, 3000, &tr) == 200, "set the delay");
    t_resp_free(&tr);
    reply r;
    long st = call("localhost", "get_slicer_info", "{}", ",\"progressToken\":3", &r);
    T_CHECK(st == 200 && r.progress_seen && !r.result_before_progress && r.body && strstr(r.body, "\"result\""),
            "progress first, then the result: %ld %.300s", st, r.body ? r.body : "");
    free(r.body);
    snprintf(u, sizeof u, "%s/__sim/fault?clear=1", t_sim_url(g_sim));
    t_http("POST", u, NULL, 0, 3000, &tr);
    t_resp_free(&tr);
}

/* The snippet passes the client's Host on, so the gateway's DNS-rebinding
 * check still works behind the proxy. */
static void test_host_checked(void)
{
    reply r;
    long st = call("evil.example", "get_slicer_info", "{}", "", &r);
    T_CHECK(st == 403, "Host evil.example through nginx: %ld %.200s", st, r.body ? r.body : "");
    free(r.body);
}

static int g_started;

static int start(void)
{
    char key[512], cmd[2048], pf[512], conf[600];
    snprintf(g_cert, sizeof g_cert, "%s/cert.pem", t_tmpdir());
    snprintf(key, sizeof key, "%s/key.pem", t_tmpdir());
    snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
             "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout '%s' -out '%s' >/dev/null 2>&1",
             key, g_cert);
    if (!T_CHECK(sh(cmd) == 0, "openssl made a certificate (is openssl installed?)"))
        return -1;
    g_sim = t_sim_start(NULL);
    snprintf(pf, sizeof pf, "%s/gw.port", t_tmpdir());
    const char *args[] = { "--http", "127.0.0.1:0", "--http-port-file", pf, "--slicer-url",
                           g_sim ? t_sim_url(g_sim) : "http://127.0.0.1:9", "--tools-dir", "tools.d",
                           "--audit-log", "off", "--watch", "false", NULL };
    g_gw = g_sim ? t_mcp_start(args) : NULL;
    int gw_port = 0;
    for (int i = 0; g_gw && i < 500 && !gw_port; i++) {
        char *s = t_read_file(pf, NULL);
        gw_port = s ? atoi(s) : 0;
        free(s);
        if (!gw_port)
            t_sleep_ms(20);
    }
    if (!T_CHECK(gw_port > 0, "slicer-sim and slicer-mcp --http started"))
        return -1;
    g_port = free_port();
    if (write_conf(gw_port, key, conf, sizeof conf) != 0)
        return -1;
    char errlog[600];
    snprintf(errlog, sizeof errlog, "%s/nginx-error.log", t_tmpdir());
    const char *nargs[] = { "-e", errlog, "-c", conf, NULL };
    /* nginx is not ours to run under valgrind (tests/valgrind.sh) */
    char *wrap = getenv("SLICER_MCP_WRAPPER") ? strdup(getenv("SLICER_MCP_WRAPPER")) : NULL;
    unsetenv("SLICER_MCP_WRAPPER");
    g_nginx = t_mcp_start_exe("nginx", nargs);
    if (wrap)
        setenv("SLICER_MCP_WRAPPER", wrap, 1);
    free(wrap);
    for (int i = 0; i < 250; i++) {
        t_resp tr;
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", g_port);
        /* plain HTTP to a TLS port: any answer, even 400, means it listens */
        long st = t_http("GET", url, NULL, 0, 1000, &tr);
        t_resp_free(&tr);
        if (st > 0)
            return 0;
        t_sleep_ms(20);
    }
    T_CHECK(0, "nginx did not start; see %s and %s", errlog, t_mcp_stderr_path(g_nginx));
    return -1;
}

static void test_start(void) { g_started = start() == 0; }

static void stop(t_mcp **m)
{
    if (!*m)
        return;
    kill(t_mcp_pid(*m), SIGTERM);
    t_mcp_wait(*m, 5000);
    t_mcp_free(*m);
    *m = NULL;
}

int main(void)
{
    /* nginx lives in /usr/sbin, which a user's PATH may lack */
    const char *path = getenv("PATH");
    char np[4096];
    snprintf(np, sizeof np, "%s:/usr/sbin", path ? path : "/usr/bin:/bin");
    setenv("PATH", np, 1);
    if (sh("command -v nginx >/dev/null 2>&1") != 0) {
        printf("SKIP proxy_nginx: nginx is not installed (Debian: apt-get install nginx-light), "
               "so %s was not tried\n", SNIPPET);
        return 0;
    }
    curl_global_init(CURL_GLOBAL_ALL);
    signal(SIGPIPE, SIG_IGN);
    t_run("proxy_nginx_start", test_start);
    if (g_started) {
        t_run("proxy_nginx_tool_call", test_tool_call);
        t_run("proxy_nginx_progress_streams", test_progress_streams);
        t_run("proxy_nginx_host_checked", test_host_checked);
    }
    stop(&g_nginx);
    stop(&g_gw);
    if (g_sim)
        t_sim_stop(g_sim);
    curl_global_cleanup();
    return t_done();
}
