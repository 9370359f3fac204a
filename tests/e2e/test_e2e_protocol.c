/* End-to-end: the MCP protocol of the real slicer-mcp binary over stdio:
 * both eras, every method, every error class, bounds and shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include "mcpclient.h"
#include "testlib.h"

#define MODERN_META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
                    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

/* The gateway is pointed at a closed port: protocol tests never need Slicer. */
static const char *const base_args[] = { "--slicer-url", "http://127.0.0.1:9", "--tools-dir",
                                         "tools.d", NULL };

static t_mcp *start(void) { return t_mcp_start(base_args); }

/* The tools the shipped tools.d offers without policies: every *.yaml
 * file but the exec tool, so adding a tool file needs no test edit. */
static int shipped_tools(void)
{
    DIR *d = opendir("tools.d");
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        n += l > 5 && !strcmp(de->d_name + l - 5, ".yaml") && strcmp(de->d_name, "execute_python_code.yaml");
    }
    if (d)
        closedir(d);
    return n;
}

static int err_code(const cJSON *r)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static const char *err_msg(const cJSON *r)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "error"), "message");
    return cJSON_IsString(m) ? m->valuestring : "";
}

static const cJSON *result(const cJSON *r) { return cJSON_GetObjectItemCaseSensitive(r, "result"); }
static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static void test_initialize_versions(void)
{
    static const char *const asked[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "1999-01-01", "2026-07-28" };
    static const char *const want[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2025-11-25", "2025-11-25" };
    for (int i = 0; i < 6; i++) {
        t_mcp *m = start();
        char p[200];
        snprintf(p, sizeof p, "{\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}", asked[i]);
        cJSON *r = t_mcp_request(m, "initialize", p, 3000);
        const cJSON *res = result(r);
        const cJSON *pv = get(res, "protocolVersion");
        T_CHECK(cJSON_IsString(pv) && strcmp(pv->valuestring, want[i]) == 0, "asked %s got %s", asked[i],
                cJSON_IsString(pv) ? pv->valuestring : "(none)");
        const cJSON *si = get(res, "serverInfo");
        T_CHECK(cJSON_IsString(get(si, "name")) && strcmp(get(si, "name")->valuestring, "slicer-mcp") == 0, "serverInfo.name");
        T_CHECK(cJSON_IsString(get(si, "title")) && cJSON_IsString(get(si, "version")), "title/version");
        const cJSON *caps = get(res, "capabilities");
        T_CHECK(cJSON_IsTrue(get(get(caps, "tools"), "listChanged")), "tools.listChanged");
        T_CHECK(cJSON_IsObject(get(caps, "logging")), "logging capability");
        T_CHECK(cJSON_IsString(get(res, "instructions")) && strstr(get(res, "instructions")->valuestring, "Slicer"), "instructions");
        cJSON_Delete(r);
        t_mcp_free(m);
    }
}

static void test_ping_before_and_after(void)
{
    t_mcp *m = start();
    cJSON *r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(cJSON_IsObject(result(r)) && result(r)->child == NULL, "ping before initialize gives {}");
    cJSON_Delete(r);
    T_CHECK(t_mcp_handshake(m, "2025-11-25") == 0, "handshake");
    r = t_mcp_request(m, "ping", "{}", 3000);
    T_CHECK(cJSON_IsObject(result(r)), "ping after initialize");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_request_before_initialize(void)
{
    t_mcp *m = start();
    cJSON *r = t_mcp_request(m, "tools/list", NULL, 3000);
    T_CHECK(err_code(r) == -32602 && strstr(err_msg(r), "initialize"), "got %d %s", err_code(r), err_msg(r));
    cJSON_Delete(r);
    t_mcp_free(m);
}

static int count_tools(const cJSON *r)
{
    return cJSON_GetArraySize(get(result(r), "tools"));
}

/* Every argument, nested ones too, says what it is for (a model reads
 * nothing else) and declares its type. */
static void described(const char *tool, const char *path, const cJSON *schema)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, get(schema, "properties")) {
        char here[256];
        snprintf(here, sizeof here, "%s%s%s", path, *path ? "." : "", p->string);
        const cJSON *d = get(p, "description");
        T_CHECK(cJSON_IsString(d) && strlen(d->valuestring) >= 10, "%s: argument %s has no description", tool, here);
        T_CHECK(cJSON_IsString(get(p, "type")), "%s: argument %s declares no type", tool, here);
        described(tool, here, p);
        described(tool, here, get(p, "items"));
        const cJSON *alt;
        cJSON_ArrayForEach(alt, get(p, "oneOf"))
            described(tool, here, alt);
    }
}

static const cJSON *find_tool(const cJSON *r, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, get(result(r), "tools"))
        if (strcmp(get(t, "name")->valuestring, name) == 0)
            return t;
    return NULL;
}

static void test_tools_list(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    cJSON *r = t_mcp_request(m, "tools/list", "{}", 3000);
    T_CHECK(count_tools(r) == shipped_tools() && shipped_tools() >= 12, "%d tools without exec, got %d",
            shipped_tools(), count_tools(r));
    T_CHECK(find_tool(r, "execute_python_code") == NULL, "exec tool hidden");
    T_CHECK(get(result(r), "nextCursor") == NULL, "single page");
    const cJSON *prev = NULL, *t;
    cJSON_ArrayForEach(t, get(result(r), "tools")) {
        const char *n = get(t, "name")->valuestring;
        T_CHECK(strlen(n) <= 64 && strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(n), "name %s", n);
        T_CHECK(!prev || strcmp(get(prev, "name")->valuestring, n) < 0, "sorted at %s", n);
        T_CHECK(cJSON_IsObject(get(t, "inputSchema")) &&
                strcmp(get(get(t, "inputSchema"), "type")->valuestring, "object") == 0, "inputSchema of %s", n);
        T_CHECK(cJSON_IsFalse(get(get(t, "annotations"), "openWorldHint")), "openWorldHint false on %s", n);
        T_CHECK(cJSON_IsString(get(t, "title")) && cJSON_IsString(get(t, "description")), "title of %s", n);
        prev = t;
    }
    /* Clients validating with plain Ajv (draft-07) fail on a 2020-12
     * "$schema" they have no meta-schema for; MCP 2025-11-25 makes
     * 2020-12 the default dialect, so the shipped schemas name none. */
    cJSON_ArrayForEach(t, get(result(r), "tools")) {
        T_CHECK(!get(get(t, "outputSchema"), "$schema") && !get(get(t, "inputSchema"), "$schema"),
                "no $schema in %s's schemas", get(t, "name")->valuestring);
        described(get(t, "name")->valuestring, "", get(t, "inputSchema"));
    }
    const cJSON *lv = get(find_tool(r, "list_volumes"), "outputSchema");
    T_CHECK(cJSON_IsObject(get(get(lv, "$defs"), "volume")), "$defs preserved");
    T_CHECK(cJSON_IsTrue(get(get(find_tool(r, "get_slicer_info"), "annotations"), "readOnlyHint")), "readOnlyHint");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_tools_list_old_versions(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2024-11-05");
    cJSON *r = t_mcp_request(m, "tools/list", "{}", 3000);
    const cJSON *t = find_tool(r, "get_volume_info");
    T_CHECK(t && !get(t, "annotations") && !get(t, "title") && !get(t, "outputSchema"),
            "2024-11-05 gets no annotations, title or outputSchema");
    cJSON_Delete(r);
    t_mcp_free(m);
    m = start();
    t_mcp_handshake(m, "2025-03-26");
    r = t_mcp_request(m, "tools/list", "{}", 3000);
    t = find_tool(r, "get_volume_info");
    T_CHECK(t && get(t, "annotations") && !get(t, "title") && !get(t, "outputSchema"),
            "2025-03-26 gets annotations but not title/outputSchema");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_pagination(void)
{
    const char *const args[] = { "--slicer-url", "http://127.0.0.1:9", "--tools-dir", "tools.d",
                                 "--page-size", "5", NULL };
    t_mcp *m = t_mcp_start(args);
    t_mcp_handshake(m, "2025-11-25");
    int total = 0, pages = 0;
    char params[128] = "{}";
    for (;;) {
        cJSON *r = t_mcp_request(m, "tools/list", params, 3000);
        int n = count_tools(r);
        total += n;
        pages++;
        const cJSON *nc = get(result(r), "nextCursor");
        T_CHECK(n == (cJSON_IsString(nc) ? 5 : shipped_tools() - 5 * (pages - 1)), "page %d has %d tools", pages, n);
        if (!cJSON_IsString(nc)) {
            cJSON_Delete(r);
            break;
        }
        snprintf(params, sizeof params, "{\"cursor\":\"%s\"}", nc->valuestring);
        cJSON_Delete(r);
        if (pages > 10)
            break;
    }
    T_CHECK(total == shipped_tools() && pages == (shipped_tools() + 4) / 5, "%d tools in pages of 5, got %d in %d",
            shipped_tools(), total, pages);
    cJSON *r = t_mcp_request(m, "tools/list", "{\"cursor\":\"bogus\"}", 3000);
    T_CHECK(err_code(r) == -32602, "invalid cursor -32602, got %d", err_code(r));
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_jsonrpc_errors(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    static const struct { const char *line; int code; int id_null; } cases[] = {
        { "{bad json", -32700, 1 },
        { "[1,2", -32700, 1 },
        { "{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}", -32600, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":6}", -32600, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":[1]}", -32600, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, 1 },
        { "42", -32600, 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"prompts/list\"}", -32601, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}", -32602, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{}}", -32602, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":{\"name\":\"list_nodes\",\"arguments\":[]}}", -32602, 0 },
        { "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}", -32602, 0 },
        { "[]", -32600, 1 },
        { "[{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"ping\"}]", -32600, 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"ping\"} trailing", -32700, 1 },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"\xff\xfe\",\"method\":\"ping\"}", -32700, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_mcp_send(m, cases[i].line);
        cJSON *r = t_mcp_recv(m, 3000);
        T_CHECK(err_code(r) == cases[i].code, "case %zu (%s): code %d, want %d", i, cases[i].line,
                err_code(r), cases[i].code);
        const cJSON *id = get(r, "id");
        T_CHECK(cases[i].id_null ? cJSON_IsNull(id) : cJSON_IsNumber(id), "case %zu id", i);
        cJSON_Delete(r);
    }
    cJSON *r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(result(r) != NULL, "still serving after bad input");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_notifications_get_no_reply(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}");
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}");
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
    cJSON *r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(r && result(r), "the ping answer comes first");
    T_CHECK(cJSON_GetArraySize(t_mcp_notes(m)) == 0, "nothing answered the notifications");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_invalid_arguments_are_tool_errors(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    cJSON *r = t_mcp_call(m, "get_slice_png", "{\"view\":\"blue\"}", 3000);
    T_CHECK(t_mcp_is_error(r), "isError");
    T_CHECK(strstr(t_mcp_text(r), "view") && strstr(t_mcp_text(r), "red"), "names field and rule: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(m, "get_label_statistics", "{}", 3000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "node_id") && strstr(t_mcp_text(r), "required"),
            "missing required: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(m, "get_slice_png", "{\"view\":\"red\",\"max_size\":2.5}", 3000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "max_size") && strstr(t_mcp_text(r), "integer"),
            "type rule: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(m, "list_nodes", "{\"colour\":\"x\"}", 3000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "colour"), "unknown property: %s", t_mcp_text(r));
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_logging_set_level(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    cJSON *r = t_mcp_request(m, "logging/setLevel", "{\"level\":\"warning\"}", 3000);
    T_CHECK(cJSON_IsObject(result(r)), "setLevel ok");
    cJSON_Delete(r);
    /* Slicer is down: the tool error is also a warning log message. */
    r = t_mcp_call(m, "get_slicer_info", "{}", 5000);
    T_CHECK(t_mcp_is_error(r), "slicer down is a tool error");
    const cJSON *n = cJSON_GetArrayItem(t_mcp_notes(m), 0);
    T_CHECK(n && strcmp(get(n, "method")->valuestring, "notifications/message") == 0 &&
            strcmp(get(get(n, "params"), "level")->valuestring, "warning") == 0, "a warning notification came first");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_modern_era(void)
{
    t_mcp *m = start();
    cJSON *r = t_mcp_request(m, "server/discover", "{" MODERN_META "}", 3000);
    const cJSON *res = result(r);
    T_CHECK(res && strcmp(get(res, "resultType")->valuestring, "complete") == 0, "resultType");
    T_CHECK(cJSON_GetArraySize(get(res, "supportedVersions")) == 5 &&
            strcmp(cJSON_GetArrayItem(get(res, "supportedVersions"), 0)->valuestring, "2026-07-28") == 0, "versions");
    T_CHECK(cJSON_IsNumber(get(res, "ttlMs")) && cJSON_IsString(get(res, "cacheScope")), "caching hints");
    T_CHECK(cJSON_IsObject(get(get(res, "_meta"), "io.modelcontextprotocol/serverInfo")), "serverInfo in _meta");
    T_CHECK(cJSON_IsObject(get(get(res, "capabilities"), "tools")), "capabilities");
    cJSON_Delete(r);
    r = t_mcp_request(m, "tools/list", "{" MODERN_META "}", 3000);
    T_CHECK(count_tools(r) == shipped_tools() && cJSON_IsNumber(get(result(r), "ttlMs")) &&
            strcmp(get(result(r), "cacheScope")->valuestring, "public") == 0 &&
            strcmp(get(result(r), "resultType")->valuestring, "complete") == 0, "modern tools/list");
    cJSON_Delete(r);
    r = t_mcp_request(m, "server/discover", "{}", 3000);
    T_CHECK(err_code(r) == -32602, "missing _meta -> -32602, got %d", err_code(r));
    cJSON_Delete(r);
    r = t_mcp_request(m, "tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}", 3000);
    T_CHECK(err_code(r) == -32602 && strstr(err_msg(r), "clientCapabilities"), "missing capabilities -> -32602");
    cJSON_Delete(r);
    r = t_mcp_request(m, "tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2030-01-01\","
                      "\"io.modelcontextprotocol/clientCapabilities\":{}}}", 3000);
    T_CHECK(err_code(r) == -32022, "unsupported version -32022, got %d", err_code(r));
    const cJSON *d = get(get(r, "error"), "data");
    T_CHECK(cJSON_IsArray(get(d, "supported")) && strcmp(get(d, "requested")->valuestring, "2030-01-01") == 0, "data");
    cJSON_Delete(r);
    static const char *const removed[] = { "ping", "initialize", "logging/setLevel", "resources/list" };
    for (int i = 0; i < 4; i++) {
        r = t_mcp_request(m, removed[i], "{" MODERN_META "}", 3000);
        T_CHECK(err_code(r) == -32601, "%s on the modern path -> -32601, got %d", removed[i], err_code(r));
        cJSON_Delete(r);
    }
    r = t_mcp_request(m, "tools/call", "{\"name\":\"get_slicer_info\",\"arguments\":{}," MODERN_META "}", 5000);
    T_CHECK(t_mcp_is_error(r) && strcmp(get(result(r), "resultType")->valuestring, "complete") == 0,
            "modern tools/call carries resultType");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_batches(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-03-26");
    t_mcp_send(m, "[{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"ping\"},"
                  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},"
                  "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"nope\"}]");
    cJSON *r = t_mcp_recv(m, 3000);
    T_CHECK(cJSON_IsArray(r) && cJSON_GetArraySize(r) == 2, "two replies in a batch under 2025-03-26");
    T_CHECK(err_code(cJSON_GetArrayItem(r, 1)) == -32601, "second is method not found");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_bounds(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    /* 200 levels of nesting */
    char deep[1000];
    size_t n = 0;
    n += (size_t)sprintf(deep, "{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"ping\",\"params\":{\"x\":");
    for (int i = 0; i < 200; i++)
        deep[n++] = '[';
    for (int i = 0; i < 200; i++)
        deep[n++] = ']';
    strcpy(deep + n, "}}");
    t_mcp_send(m, deep);
    cJSON *r = t_mcp_recv(m, 3000);
    T_CHECK(err_code(r) == -32600 && strstr(err_msg(r), "nested"), "deep nesting refused: %d", err_code(r));
    cJSON_Delete(r);
    /* a 6 MiB line */
    size_t big = 6u << 20;
    char *line = malloc(big + 1);
    memset(line, 'a', big);
    line[0] = '"';
    line[big - 1] = '"';
    line[big] = '\n';
    t_mcp_send_raw(m, line, big + 1);
    free(line);
    r = t_mcp_recv(m, 5000);
    T_CHECK(err_code(r) == -32600, "over-long line refused: %d", err_code(r));
    cJSON_Delete(r);
    r = t_mcp_request(m, "ping", NULL, 3000);
    T_CHECK(result(r) != NULL, "serving after the long line");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static void test_exit_on_eof(void)
{
    t_mcp *m = start();
    t_mcp_handshake(m, "2025-11-25");
    int st = t_mcp_close(m, 2000);
    T_CHECK(st == 0, "exit status 0 on stdin EOF within 2 s, got %d", st);
    t_mcp_free(m);
}

static void test_help_version_and_bad_options(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --help > %s/help.txt", t_bin("slicer-mcp"), t_tmpdir());
    T_CHECK(system(cmd) == 0, "--help exits 0");
    snprintf(cmd, sizeof cmd, "%s/help.txt", t_tmpdir());
    char *help = t_read_file(cmd, NULL);
    T_CHECK(help && strstr(help, "--allow-exec") && strstr(help, "--slicer-url") && strstr(help, "check"), "usage text");
    free(help);
    snprintf(cmd, sizeof cmd, "%s --timeout-ms abc 2>/dev/null </dev/null", t_bin("slicer-mcp"));
    int st = system(cmd);
    T_CHECK(WEXITSTATUS(st) == 2, "bad option exits 2, got %d", WEXITSTATUS(st));
    snprintf(cmd, sizeof cmd, "%s --allow nonsense 2>/dev/null </dev/null", t_bin("slicer-mcp"));
    st = system(cmd);
    T_CHECK(WEXITSTATUS(st) == 2, "unknown policy exits 2");
}

static void test_bad_tools_dir_refuses_to_start(void)
{
    char dir[512], file[600], cmd[1400];
    snprintf(dir, sizeof dir, "%s/badtools", t_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    T_ASSERT(system(cmd) == 0, "mkdir");
    snprintf(file, sizeof file, "%s/x.yaml", dir);
    const char *y = "name: x\ndescription: d\ninputShema: {}\nresult: {type: json}\n";
    t_write_file(file, y, strlen(y));
    snprintf(cmd, sizeof cmd, "%s --tools-dir %s </dev/null 2>%s/bad.err", t_bin("slicer-mcp"), dir, t_tmpdir());
    int st = system(cmd);
    T_CHECK(WEXITSTATUS(st) == 2, "exit 2, got %d", WEXITSTATUS(st));
    snprintf(file, sizeof file, "%s/bad.err", t_tmpdir());
    char *err = t_read_file(file, NULL);
    T_CHECK(err && strstr(err, "x.yaml:3:1:") && strstr(err, "inputShema"), "file:line:col and key: %s", err ? err : "");
    free(err);
}

int main(void)
{
    t_run("initialize_versions", test_initialize_versions);
    t_run("ping_before_and_after_initialize", test_ping_before_and_after);
    t_run("request_before_initialize", test_request_before_initialize);
    t_run("tools_list", test_tools_list);
    t_run("tools_list_old_versions", test_tools_list_old_versions);
    t_run("tools_list_pagination", test_pagination);
    t_run("jsonrpc_error_classes", test_jsonrpc_errors);
    t_run("notifications_get_no_reply", test_notifications_get_no_reply);
    t_run("invalid_arguments_are_tool_errors", test_invalid_arguments_are_tool_errors);
    t_run("logging_set_level", test_logging_set_level);
    t_run("modern_era", test_modern_era);
    t_run("batches_only_in_2025_03_26", test_batches);
    t_run("bounds_depth_and_line_length", test_bounds);
    t_run("exit_on_stdin_eof", test_exit_on_eof);
    t_run("help_version_bad_options", test_help_version_and_bad_options);
    t_run("bad_tools_dir_refuses_to_start", test_bad_tools_dir_refuses_to_start);
    return t_done();
}
