/* End-to-end: slicer-mcp --http as an OAuth 2.1 resource server (MCP
 * authorization) with a stand-in identity provider on loopback that
 * serves an OpenID configuration and a JWKS of keys made by openssl at
 * test time: the Protected Resource Metadata, 401 challenges for missing
 * and bad tokens (expired, another audience or issuer, alg none, HS256
 * keyed with the public key), scopes deciding what tools/list shows and
 * what tools/call runs (403 insufficient_scope), who-did-what in the
 * audit log, the key set fetched once for a flood of unknown kids, and
 * /metrics behind the same tokens, its counters equal to the audit log's
 * after all of that. */
#include <arpa/inet.h>
#include <dirent.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mcpclient.h"
#include "testlib.h"
#include "thttp.h"
#include "tjwt.h"
#include "tmetrics.h"

#define AUD "https://gw.example.test/mcp"
#define PRM_URL "https://gw.example.test/.well-known/oauth-protected-resource/mcp"

/* ---- the stand-in identity provider ---- */

static struct {
    int fd, port;
    char iss[64];
    char *jwks;               /* the key set it serves */
    volatile int down;        /* answer /jwks with 503 */
    volatile int stop;
    volatile int jwks_hits, config_hits;
    pthread_t th;
} idp;

static void idp_answer(int c)
{
    char req[4096];
    ssize_t n = recv(c, req, sizeof req - 1, 0);
    if (n <= 0)
        return;
    req[n] = '\0';
    char body[8192];
    int status = 200;
    if (!strncmp(req, "GET /realm/.well-known/openid-configuration ", 44)) {
        idp.config_hits++;
        snprintf(body, sizeof body, "{\"issuer\":\"%s\",\"jwks_uri\":\"http://127.0.0.1:%d/jwks\"}", idp.iss, idp.port);
    } else if (!strncmp(req, "GET /jwks ", 10)) {
        idp.jwks_hits++;
        status = idp.down ? 503 : 200;
        snprintf(body, sizeof body, "%s", idp.down ? "{}" : idp.jwks);
    } else {
        status = 404;
        strcpy(body, "{}");
    }
    char head[256];
    int hn = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n\r\n", status, strlen(body));
    send(c, head, (size_t)hn, MSG_NOSIGNAL);
    send(c, body, strlen(body), MSG_NOSIGNAL);
}

static void *idp_loop(void *ud)
{
    (void)ud;
    while (!idp.stop) {
        struct pollfd p = { .fd = idp.fd, .events = POLLIN };
        if (poll(&p, 1, 100) <= 0)
            continue;
        int c = accept(idp.fd, NULL, NULL);
        if (c >= 0) {
            idp_answer(c);
            close(c);
        }
    }
    return NULL;
}

static int idp_start(const char *jwks)
{
    idp.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (bind(idp.fd, (struct sockaddr *)&a, sizeof a) || listen(idp.fd, 16) ||
        getsockname(idp.fd, (struct sockaddr *)&a, &al))
        return -1;
    idp.port = ntohs(a.sin_port);
    snprintf(idp.iss, sizeof idp.iss, "http://127.0.0.1:%d/realm", idp.port);
    idp.jwks = strdup(jwks);
    return pthread_create(&idp.th, NULL, idp_loop, NULL);
}

/* ---- the gateway ---- */

static t_sim *g_sim;
static char g_audit[512];

typedef t_gw gw;

static int gw_start(gw *g, const char *const *extra)
{
    static int seq;
    char pf[512];
    snprintf(pf, sizeof pf, "%s/oauth-gw-%d.port", t_tmpdir(), ++seq);
    const char *args[32] = { "--http", "127.0.0.1:0", "--http-port-file", pf, "--slicer-url", t_sim_url(g_sim),
                             "--tools-dir", "tools.d", "--watch", "false", "--audit-log", g_audit,
                             "--oauth-issuer", idp.iss, "--oauth-audience", AUD };
    int a = 16;
    for (int i = 0; extra && extra[i] && a < 31; i++)
        args[a++] = extra[i];
    return t_gw_start(g, args, pf);
}

static void gw_stop(gw *g) { t_gw_stop(g); }

/* One HTTP/1.1 exchange: the answer's status, and its text (headers and
 * body) in *out, which the caller frees. */
static int http(const gw *g, const char *method, const char *path, const char *bearer,
                const char *extra_headers, const char *body, char **out)
{
    return t_req(g->port, method, path, NULL, bearer, extra_headers, body, out);
}

/* A stateless (2026-07-28) request with the headers it needs. */
static int mcp_post(const gw *g, const char *bearer, const char *method, const char *name, const char *params,
                    char **out)
{
    return t_mcp_post(g->port, bearer, method, name, params, out);
}

static cJSON *body_json(const char *resp)
{
    const char *b = resp ? strstr(resp, "\r\n\r\n") : NULL;
    return b ? cJSON_Parse(b + 4) : NULL;
}

/* ---- tokens ---- */

static t_key *g_key;

static char *token_as(const char *sub, const char *kid, const char *alg, const char *iss, const char *aud,
                      long exp_in_s, const char *scope)
{
    char h[160], p[1024];
    snprintf(h, sizeof h, "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", alg, kid);
    snprintf(p, sizeof p, "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%ld,\"iat\":%ld,\"sub\":\"%s\","
             "\"client_id\":\"viewer-app\",\"jti\":\"jti-%ld\",\"scope\":\"%s\"}",
             iss, aud, (long)time(NULL) + exp_in_s, (long)time(NULL), sub, (long)exp_in_s, scope);
    return t_jwt(g_key, alg, h, p);
}

static char *token(const char *kid, const char *alg, const char *iss, const char *aud, long exp_in_s,
                   const char *scope)
{
    return token_as("dr-who", kid, alg, iss, aud, exp_in_s, scope);
}

static char *good(const char *scope) { return token("k1", "RS256", idp.iss, AUD, 3600, scope); }

/* ---- tests ---- */

static gw g_gw;

static void test_metadata(void)
{
    static const char *const paths[] = { "/.well-known/oauth-protected-resource",
                                         "/.well-known/oauth-protected-resource/mcp" };
    for (int i = 0; i < 2; i++) {
        char *out;
        int st = http(&g_gw, "GET", paths[i], NULL, NULL, NULL, &out);
        cJSON *j = body_json(out);
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "resource");
        const cJSON *as = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "authorization_servers"), 0);
        T_CHECK(st == 200 && cJSON_IsString(res) && !strcmp(res->valuestring, AUD) && cJSON_IsString(as) &&
                !strcmp(as->valuestring, idp.iss), "%s: %d %s", paths[i], st, out ? out : "");
        cJSON_Delete(j);
        free(out);
    }
}

static void test_no_token(void)
{
    char *out;
    int st = mcp_post(&g_gw, NULL, "tools/list", NULL, NULL, &out);
    T_CHECK(st == 401 && strstr(out, "WWW-Authenticate: Bearer resource_metadata=\"" PRM_URL "\""),
            "no token: %d %s", st, out ? out : "");
    free(out);
}

static void test_bad_tokens(void)
{
    char other_iss[80];
    snprintf(other_iss, sizeof other_iss, "http://127.0.0.1:%d/other", idp.port);
    struct { const char *what; char *tok; } cases[] = {
        { "expired", token("k1", "RS256", idp.iss, AUD, -3600, "slicer:read") },
        { "another audience", token("k1", "RS256", idp.iss, "https://other.example.test/mcp", 3600, "slicer:read") },
        { "another issuer", token("k1", "RS256", other_iss, AUD, 3600, "slicer:read") },
        { "alg none", token("k1", "none", idp.iss, AUD, 3600, "slicer:read") },
        { "HS256 keyed with the public key", token("k1", "HS256", idp.iss, AUD, 3600, "slicer:read") },
        { "not a JWT", strdup("opaque-token-123") },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out;
        int st = mcp_post(&g_gw, cases[i].tok, "tools/list", NULL, NULL, &out);
        T_CHECK(st == 401 && strstr(out, "error=\"invalid_token\"") && strstr(out, "resource_metadata=\"" PRM_URL),
                "%s: %d %s", cases[i].what, st, out ? out : "");
        free(out);
        free(cases[i].tok);
    }
}

/* The tool names of a tools/list answer, as one string "a,b,". */
static void names_of(const char *resp, char *out, size_t n)
{
    cJSON *j = body_json(resp);
    const cJSON *t;
    out[0] = '\0';
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "result"), "tools")) {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(t, "name");
        if (cJSON_IsString(nm) && strlen(out) + strlen(nm->valuestring) + 2 < n) {
            strcat(out, nm->valuestring);
            strcat(out, ",");
        }
    }
    cJSON_Delete(j);
}

/* What tools.d itself says, read from its files rather than from the
 * gateway: tools without a policy (*all), and of those the ones whose
 * annotations say readOnlyHint: true (*ro). */
static void shipped_tools(int *all, int *ro)
{
    *all = *ro = 0;
    DIR *d = opendir("tools.d");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
            continue;
        char path[512], line[512];
        snprintf(path, sizeof path, "tools.d/%s", de->d_name);
        FILE *f = fopen(path, "r");
        int policy = 0, readonly = 0;
        while (f && fgets(line, sizeof line, f)) {
            policy |= strncmp(line, "policy:", 7) == 0;
            readonly |= strstr(line, "readOnlyHint: true") != NULL;
        }
        if (f)
            fclose(f);
        if (!policy) {
            (*all)++;
            *ro += readonly;
        }
    }
    if (d)
        closedir(d);
}

static void test_scopes_decide_tools(void)
{
    char *read = good("openid slicer:read"), *both = good("slicer:read slicer:write"), *none = good("openid");
    char *out, names[4096];
    int st = mcp_post(&g_gw, read, "tools/list", NULL, NULL, &out);
    names_of(out, names, sizeof names);
    /* execute_python_code needs the exec policy, which is off (an outer
     * limit), so it is in neither count. */
    int all, ro;
    shipped_tools(&all, &ro);
    T_CHECK(st == 200 && t_count(names, ",") == ro && strstr(names, "get_slicer_info,") &&
            !strstr(names, "set_layout,"), "read scope lists the %d read-only tools: %s", ro, names);
    free(out);
    st = mcp_post(&g_gw, both, "tools/list", NULL, NULL, &out);
    names_of(out, names, sizeof names);
    T_CHECK(st == 200 && t_count(names, ",") == all && strstr(names, "set_layout,") &&
            !strstr(names, "execute_python_code,"), "read+write: %d tools, exec still off: %s", all, names);
    free(out);
    st = mcp_post(&g_gw, none, "tools/list", NULL, NULL, &out);
    names_of(out, names, sizeof names);
    T_CHECK(st == 200 && !names[0], "no slicer scope, no tools: %s", names);
    free(out);

    st = mcp_post(&g_gw, read, "tools/call", "get_slicer_info", "\"name\":\"get_slicer_info\",\"arguments\":{}", &out);
    T_CHECK(st == 200 && strstr(out, "\"result\""), "a read tool with the read scope: %d %s", st, out);
    free(out);
    st = mcp_post(&g_gw, read, "tools/call", "set_layout", "\"name\":\"set_layout\",\"arguments\":{\"layout\":\"FourUp\"}", &out);
    T_CHECK(st == 403 && strstr(out, "WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"slicer:write\"") &&
            strstr(out, "resource_metadata=\"" PRM_URL "\"") && strstr(out, "\"error\""),
            "a write tool with the read scope: %d %s", st, out);
    free(out);
    st = mcp_post(&g_gw, both, "tools/call", "execute_python_code",
                  "\"name\":\"execute_python_code\",\"arguments\":{\"code\":\"1\"}", &out);
    T_CHECK(st != 200 || strstr(out, "\"error\""), "no scope opens a tool of a disabled policy: %d %s", st, out);
    free(out);
    free(read);
    free(both);
    free(none);
}

static void test_audit_who(void)
{
    char *tok = good("slicer:read");
    char *out;
    mcp_post(&g_gw, tok, "tools/call", "get_slicer_info", "\"name\":\"get_slicer_info\",\"arguments\":{}", &out);
    free(out);
    mcp_post(&g_gw, tok, "tools/call", "set_layout", "\"name\":\"set_layout\",\"arguments\":{\"layout\":\"FourUp\"}", &out);
    free(out);
    free(tok);
    char *log = NULL;
    for (long t = 0; t < t_mcp_bound(2000) && !(log && strstr(log, "set_layout")); t += 20) {
        free(log);
        t_sleep_ms(20);
        log = t_read_file(g_audit, NULL);
    }
    T_CHECK(log && strstr(log, "\"sub\":\"dr-who\",\"client_id\":\"viewer-app\",\"jti\":\"jti-3600\""),
            "who is in the audit line: %s", log ? log : "(none)");
    const char *refused = log ? strstr(log, "\"tool\":\"set_layout\"") : NULL;
    T_CHECK(refused && strstr(refused, "\"outcome\":\"refused\"") && strstr(refused, "insufficient_scope"),
            "the refused call is audited: %s", refused ? refused : "(none)");
    /* test_bad_tokens ran before: each 401 has its line, with the class. */
    static const char *const classes[] = { "access token expired", "access token bad_audience",
                                           "access token bad_issuer", "access token bad_alg", "access token malformed",
                                           "no bearer access token" };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        T_CHECK(log && t_count(log, classes[i]) >= 1, "an unauthorized line for %s", classes[i]);
    T_CHECK(log && t_count(log, "\"outcome\":\"unauthorized\"") >= 7, "seven 401s audited");
    free(log);
}

static void test_unknown_kid_one_fetch(void)
{
    int before = idp.jwks_hits;
    for (int i = 0; i < 20; i++) {
        char kid[32];
        snprintf(kid, sizeof kid, "rogue-%d", i);
        char *tok = token(kid, "RS256", idp.iss, AUD, 3600, "slicer:read");
        char *out;
        int st = mcp_post(&g_gw, tok, "tools/list", NULL, NULL, &out);
        T_CHECK(st == 401, "unknown kid %s: %d", kid, st);
        free(out);
        free(tok);
    }
    T_CHECK(idp.jwks_hits - before <= 1, "20 unknown kids fetched the key set %d times", idp.jwks_hits - before);
    char *tok = good("slicer:read"), *out;
    T_CHECK(mcp_post(&g_gw, tok, "tools/list", NULL, NULL, &out) == 200, "the known key still works");
    free(out);
    free(tok);
}

/* Last on g_gw, whose audit log then holds this whole run: 401s of every
 * kind, scope refusals, a policy refusal, and the calls below. */
static void test_metrics_match_audit(void)
{
    char *out, *both = good("slicer:read slicer:write"), *none = good("openid");
    int st = http(&g_gw, "GET", "/metrics", NULL, NULL, NULL, &out);
    T_CHECK(st == 401 && strstr(out, "resource_metadata=\"" PRM_URL "\""), "/metrics needs a token: %d", st);
    free(out);
    static const char *const calls[][2] = {
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
        { "get_volume_info", "{\"node_id\":7}" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode99\"}" },
        { "no_such_tool", "{}" },
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char params[200];
        snprintf(params, sizeof params, "\"name\":\"%s\",\"arguments\":%s", calls[i][0], calls[i][1]);
        mcp_post(&g_gw, both, "tools/call", calls[i][0], params, &out);
        free(out);
    }
    /* Any token for this resource reads it: a scraper needs no tool scope. */
    st = http(&g_gw, "GET", "/metrics", none, NULL, NULL, &out);
    const char *page = out ? strstr(out, "\r\n\r\n") : NULL;
    T_ASSERT(st == 200 && page, "/metrics with a token: %d %s", st, out ? out : "");
    char *log = t_read_file(g_audit, NULL), why[4096];
    T_CHECK(log && t_metrics_match_audit(page + 4, log, "no_such_tool", why, sizeof why) == 0,
            "counters match the audit log: %s\n%s", why, page);
    T_CHECK(t_metric(page + 4, "slicer_mcp_refusals_total{reason=\"scope\"}") >= 1 &&
            t_metric(page + 4, "slicer_mcp_refusals_total{reason=\"auth\"}") >= 27,
            "scope refusals and the 27 or more 401s of this run are there");
    free(log);
    free(out);
    free(both);
    free(none);
}

static void test_keys_kept_while_idp_down(void)
{
    idp.down = 1;
    char *tok = good("slicer:read"), *out;
    T_CHECK(mcp_post(&g_gw, tok, "tools/list", NULL, NULL, &out) == 200, "cached keys work while the JWKS is down");
    free(out);
    free(tok);
    idp.down = 0;
}

/* A handshake-era (2025-11-25) request in session sid ("" for none). */
static int legacy_post(const gw *g, const char *bearer, const char *sid, const char *body, char **out)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "MCP-Protocol-Version: 2025-11-25\r\n%s%s%s", sid[0] ? "Mcp-Session-Id: " : "", sid,
             sid[0] ? "\r\n" : "");
    return http(g, "POST", "/mcp", bearer, hdr, body, out);
}

/* MCP security best practices, "Session Hijacking": a session id that
 * leaked is of no use with another subject's token.  The gateway answers
 * as for an unknown session (404: the spec's key is "<user_id>:<session_id>",
 * so for anyone else it does not exist; a 403 would confirm that it does),
 * audits the attempt, and leaves the session to its owner. */
static void test_session_bound_to_subject(void)
{
    char *owner = token_as("dr-who", "k1", "RS256", idp.iss, AUD, 3600, "slicer:read");
    char *owner2 = token_as("dr-who", "k1", "RS256", idp.iss, AUD, 1800, "slicer:read");   /* a fresh token */
    char *other = token_as("mallory", "k1", "RS256", idp.iss, AUD, 3600, "slicer:read slicer:write");
    char *out;
    int st = legacy_post(&g_gw, owner, "", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                         "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                         "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", &out);
    char sid[64] = "";
    const char *h = out ? strstr(out, "Mcp-Session-Id: ") : NULL;
    if (h)
        sscanf(h + 16, "%63[0-9a-f]", sid);
    T_ASSERT(st == 200 && sid[0], "initialize as dr-who: %d %s", st, out ? out : "");
    free(out);
    static const char call[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                               "{\"name\":\"get_slicer_info\",\"arguments\":{}}}";
    st = legacy_post(&g_gw, other, sid, call, &out);
    T_CHECK(st == 404 && !strstr(out, "\"result\""), "another subject's call in the session: %d %s", st, out);
    free(out);
    char hdr[128];
    snprintf(hdr, sizeof hdr, "Mcp-Session-Id: %s\r\n", sid);
    st = http(&g_gw, "GET", "/mcp", other, hdr, NULL, &out);
    T_CHECK(st == 404, "another subject's GET stream: %d %s", st, out ? out : "");
    free(out);
    st = http(&g_gw, "DELETE", "/mcp", other, hdr, NULL, &out);
    T_CHECK(st == 404, "another subject's DELETE: %d %s", st, out ? out : "");
    free(out);
    st = legacy_post(&g_gw, owner2, sid, call, &out);
    T_CHECK(st == 200 && strstr(out, "\"result\""), "the owner, with a new token, still has the session: %d %s", st,
            out ? out : "");
    free(out);
    st = http(&g_gw, "DELETE", "/mcp", owner, hdr, NULL, &out);
    T_CHECK(st == 200, "the owner ends it: %d", st);
    free(out);
    char *log = NULL;
    for (long t = 0; t < t_mcp_bound(2000) && t_count(log ? log : "", "session_owner") < 3; t += 20) {
        free(log);
        t_sleep_ms(20);
        log = t_read_file(g_audit, NULL);
    }
    T_CHECK(log && t_count(log, "\"sub\":\"mallory\"") == 3 && t_count(log, "session_owner") == 3,
            "the three attempts are audited with the intruder's subject: %s", log ? log : "(none)");
    T_CHECK(log && !strstr(log, "\"sub\":\"mallory\",\"client_id\":\"viewer-app\",\"jti\":\"jti-3600\","
                            "\"tool\":\"get_slicer_info\""), "no call ran as mallory");
    free(log);
    free(owner);
    free(owner2);
    free(other);
}

static void test_idp_down_at_start(void)
{
    idp.down = 1;
    gw g;
    T_ASSERT(gw_start(&g, NULL) == 0, "start");
    char *tok = good("slicer:read"), *out;
    int st = mcp_post(&g, tok, "tools/list", NULL, NULL, &out);
    T_CHECK(st == 401, "no keys yet: %d %s", st, out ? out : "");
    free(out);
    free(tok);
    gw_stop(&g);
    idp.down = 0;
}

/* A site that treats user ids as sensitive covers them with a rule. */
static void test_audit_redacts_user_ids(void)
{
    char rules[512], audit[512];
    snprintf(rules, sizeof rules, "%s/user-ids.yaml", t_tmpdir());
    snprintf(audit, sizeof audit, "%s/oauth-audit-redacted.jsonl", t_tmpdir());
    static const char text[] = "rules:\n  - name: user-ids\n    pattern: \"dr-[a-z]+\"\n";
    t_write_file(rules, text, sizeof text - 1);
    const char *extra[] = { "--redact", rules, "--audit-log", audit, NULL };
    gw g;
    T_ASSERT(gw_start(&g, extra) == 0, "start");
    char *tok = good("slicer:read"), *out;
    int st = mcp_post(&g, tok, "tools/call", "get_slicer_info", "\"name\":\"get_slicer_info\",\"arguments\":{}", &out);
    T_CHECK(st == 200, "call: %d", st);
    free(out);
    free(tok);
    gw_stop(&g);
    char *log = t_read_file(audit, NULL);
    T_CHECK(log && strstr(log, "\"sub\":\"[REDACTED:user-ids]\",\"client_id\":\"viewer-app\"") &&
            !strstr(log, "dr-who"), "the subject is redacted: %s", log ? log : "(none)");
    free(log);
}

static void test_exclusive_with_token_file(void)
{
    char tf[512];
    snprintf(tf, sizeof tf, "%s/token", t_tmpdir());
    t_write_file(tf, "secret-token-1234\n", 18);
    const char *extra[] = { "--token-file", tf, NULL };
    gw g;
    T_CHECK(gw_start(&g, extra) != 0, "refused to start");
    T_CHECK(t_mcp_wait(g.proc, t_mcp_bound(5000)) == 2, "exit status 2 (configuration)");
    char *err = t_read_file(t_mcp_stderr_path(g.proc), NULL);
    T_CHECK(err && strstr(err, "exclusive"), "says why: %s", err ? err : "");
    free(err);
    t_mcp_free(g.proc);
}

/* Introspection's options: each refused combination says why, at start. */
static void test_introspection_options(void)
{
    char cf[512];
    snprintf(cf, sizeof cf, "%s/introspection-client", t_tmpdir());
    t_write_file(cf, "gw\nsecret\n", 10);
    static const struct { const char *a[5]; const char *why; } cases[] = {
        { { "--oauth-introspection-url", "http://127.0.0.1:1/introspect", NULL }, "go together" },
        { { "--oauth-client-file", "(cf)", NULL }, "go together" },
        { { "--oauth-introspection-url", "http://127.0.0.1:1/introspect", "--oauth-client-file", "(cf)", NULL },
          "exclusive" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *extra[8];
        size_t n = 0;
        for (; cases[i].a[n]; n++)
            extra[n] = strcmp(cases[i].a[n], "(cf)") ? cases[i].a[n] : cf;
        if (i == 2) {   /* with a key set URL as well */
            extra[n++] = "--oauth-jwks-uri";
            extra[n++] = "http://127.0.0.1:1/jwks";
        }
        extra[n] = NULL;
        gw g;
        T_CHECK(gw_start(&g, extra) != 0, "case %zu refused to start", i);
        T_CHECK(t_mcp_wait(g.proc, t_mcp_bound(5000)) == 2, "case %zu: exit status 2", i);
        char *err = t_read_file(t_mcp_stderr_path(g.proc), NULL);
        T_CHECK(err && strstr(err, cases[i].why), "case %zu says why: %s", i, err ? err : "");
        free(err);
        t_mcp_free(g.proc);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    g_key = t_key_new("RSA", "k1");
    char *jwk = g_key ? t_key_jwk(g_key, "RS256") : NULL;
    const char *one[] = { jwk };
    char *jwks = jwk ? t_jwks(one, 1) : NULL;
    g_sim = t_sim_start(NULL);
    snprintf(g_audit, sizeof g_audit, "%s/oauth-audit.jsonl", t_tmpdir());
    const char *with_metrics[] = { "--metrics", "on", NULL };
    if (!jwks || !g_sim || idp_start(jwks) != 0 || gw_start(&g_gw, with_metrics) != 0) {
        printf("FAIL oauth_setup\n");
        return 1;
    }
    t_run("oauth_protected_resource_metadata", test_metadata);
    t_run("oauth_401_without_token", test_no_token);
    t_run("oauth_401_bad_tokens", test_bad_tokens);
    t_run("oauth_scopes_decide_tools", test_scopes_decide_tools);
    t_run("oauth_audit_who", test_audit_who);
    t_run("oauth_unknown_kid_one_fetch", test_unknown_kid_one_fetch);
    t_run("oauth_keys_kept_while_idp_down", test_keys_kept_while_idp_down);
    t_run("oauth_session_bound_to_subject", test_session_bound_to_subject);
    t_run("oauth_metrics_match_audit", test_metrics_match_audit);
    gw_stop(&g_gw);
    t_run("oauth_idp_down_at_start", test_idp_down_at_start);
    t_run("oauth_audit_redacts_user_ids", test_audit_redacts_user_ids);
    t_run("oauth_exclusive_with_token_file", test_exclusive_with_token_file);
    t_run("oauth_introspection_options", test_introspection_options);
    idp.stop = 1;
    pthread_join(idp.th, NULL);
    close(idp.fd);
    t_sim_stop(g_sim);
    free(idp.jwks);
    free(jwks);
    free(jwk);
    t_key_free(g_key);
    return t_done();
}
