/* End-to-end: a hostile or broken client against the real binary over
 * stdio: garbage, a 100 MiB line, 100,000-deep nesting, invalid UTF-8 in
 * many places, numbers out of range, NUL escapes, requests before
 * initialize, duplicate ids, notifications with ids and requests without,
 * batches, cancellation of unknown and finished requests, and stdout
 * closed under it.  Every case must get a spec-conformant answer (or none,
 * for notifications), never a crash or a hang, and ping must work after.
 *
 * Duplicate ids: the spec says a client must not reuse an id within a
 * session.  Over stdio the gateway handles one request at a time and
 * answers in order, so a reused id cannot be mis-routed; it answers each
 * request normally and keeps no table of ids (nothing to bound). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

static const char *const closed_port[] = { "--slicer-url", "http://127.0.0.1:9", "--tools-dir",
                                           "tools.d", "--audit-log", "off", NULL };

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static int err_code(const cJSON *r)
{
    const cJSON *c = get(get(r, "error"), "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static const char *err_msg(const cJSON *r)
{
    const cJSON *m = get(get(r, "error"), "message");
    return cJSON_IsString(m) ? m->valuestring : "";
}



/* The gateway still answers ping, and nothing else is waiting in its
 * output (no stray answer to an earlier line). */
static int alive(t_mcp *m)
{
    cJSON *r = t_mcp_request(m, "ping", NULL, 5000);
    int ok = r && cJSON_IsObject(get(r, "result"));
    int stray = cJSON_GetArraySize(t_mcp_notes(m));
    cJSON_Delete(r);
    if (stray) {
        char *s = cJSON_PrintUnformatted(t_mcp_notes(m));
        printf("  stray output before the ping answer: %.300s\n", s);
        free(s);
    }
    while (cJSON_GetArraySize(t_mcp_notes(m)))
        cJSON_DeleteItemFromArray(t_mcp_notes(m), 0);
    return ok && !stray;
}

static t_mcp *start_ready(const char *version)
{
    t_mcp *m = t_mcp_start(closed_port);
    if (m && t_mcp_handshake(m, version) != 0) {
        t_mcp_free(m);
        return NULL;
    }
    return m;
}

/* Sends raw bytes plus a newline; expects one error reply with code (0 =
 * any error code) and a null id. */
static void expect_error(t_mcp *m, const char *what, const void *line, size_t len, int code)
{
    t_mcp_send_raw(m, line, len);
    t_mcp_send_raw(m, "\n", 1);
    cJSON *r = t_mcp_recv(m, 10000);
    T_CHECK(r && get(r, "error") && (code == 0 || err_code(r) == code),
            "%s: error %d (want %d): %s", what, err_code(r), code, err_msg(r));
    T_CHECK(r && cJSON_IsNull(get(r, "id")), "%s: id null", what);
    cJSON_Delete(r);
}

static void test_garbage_lines(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    static const char *const lines[] = {
        "hello", "{", "}", "{{}}", "\"unterminated", "nul", "tru", "1 2", "{\"a\":}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",}", "[1,]", "\x1b[31mred\x1b[0m",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}}", "Content-Length: 42", "{'a': 1}",
        "GET / HTTP/1.1", "0x10", "NaN", "-", "{\"a\":1e}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        expect_error(m, lines[i], lines[i], strlen(lines[i]), -32700);
    /* Valid JSON that is no request: -32600. */
    static const char *const invalid[] = { "42", "\"ping\"", "null", "true", "{}", "[[]]" };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        expect_error(m, invalid[i], invalid[i], strlen(invalid[i]), -32600);
    /* Random bytes, newlines removed: each line answered, none crashes. */
    srand(7);
    for (int i = 0; i < 50; i++) {
        char buf[300];
        size_t n = 1 + (size_t)(rand() % 299);
        for (size_t k = 0; k < n; k++) {
            buf[k] = (char)(rand() % 256);
            if (buf[k] == '\n' || buf[k] == '\r' || buf[k] == ' ' || buf[k] == '\t')
                buf[k] = 'x';
        }
        expect_error(m, "random bytes", buf, n, 0);
    }
    T_CHECK(alive(m), "ping after garbage");
    t_mcp_free(m);
}

static void test_100mib_line(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    size_t chunk = 1u << 20;
    char *buf = malloc(chunk);
    T_ASSERT(buf, "malloc");
    memset(buf, 'a', chunk);
    buf[0] = '{';
    buf[1] = '"';
    long t0 = t_now_ms();
    int ok = 1;
    for (int i = 0; i < 100 && ok; i++) {
        ok = t_mcp_send_raw(m, buf, chunk) == 0;
        buf[0] = buf[1] = 'a';
    }
    free(buf);
    T_CHECK(ok, "100 MiB written");
    t_mcp_send_raw(m, "\n", 1);
    cJSON *r = t_mcp_recv(m, 10000);
    T_CHECK(err_code(r) == -32600 && cJSON_IsNull(get(r, "id")), "one -32600 for the line: %s", err_msg(r));
    cJSON_Delete(r);
    T_CHECK(alive(m), "ping after the 100 MiB line (%ld ms)", t_now_ms() - t0);
    t_mcp_free(m);
}

static void test_deep_nesting(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    size_t depth = 100000;
    char *s = malloc(2 * depth + 200);
    T_ASSERT(s, "malloc");
    /* 100,000 open brackets, then closed; as params and bare; objects too. */
    int n = sprintf(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":");
    memset(s + n, '[', depth);
    memset(s + n + depth, ']', depth);
    strcpy(s + n + 2 * depth, "}}");
    expect_error(m, "100000 deep in params", s, strlen(s), -32600);
    memset(s, '[', depth);
    expect_error(m, "100000 '[' unclosed", s, depth, -32600);
    for (size_t i = 0; i < depth / 5; i++)
        memcpy(s + 5 * i, "{\"a\":", 5);
    expect_error(m, "20000 objects deep", s, depth, -32600);
    free(s);
    T_CHECK(alive(m), "ping after deep nesting");
    t_mcp_free(m);
}

static void test_invalid_utf8(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    static const struct { const char *what; const char *line; } cases[] = {
        { "in the method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\xffng\"}" },
        { "in a key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"\xc3\":1}}" },
        { "in a string id", "{\"jsonrpc\":\"2.0\",\"id\":\"\xe2\x82\",\"method\":\"ping\"}" },
        { "in an argument", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
          "\"list_nodes\",\"arguments\":{\"name\":\"MR\xedHead\"}}}" },
        { "in a tool name", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
          "\"list_nodes\xc0\xaf\",\"arguments\":{}}}" },
        { "overlong NUL", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"\xc0\x80\"}}" },
        { "UTF-16 surrogate as UTF-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"\xed\xa0\x80\"}}" },
        { "past U+10FFFF", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"\xf4\x90\x80\x80\"}}" },
        { "5-byte form", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"\xf8\x88\x80\x80\x80\"}}" },
        { "outside strings", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"\xa0}" },
        { "truncated at the end", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\xe2\x82" },
        { "lone high surrogate escape", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"\\ud800\"}}" },
        { "lone low surrogate escape", "{\"jsonrpc\":\"2.0\",\"id\":\"\\udc00\",\"method\":\"ping\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(m, cases[i].what, cases[i].line, strlen(cases[i].line), -32700);
    /* A valid astral character round-trips intact. */
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"id\":\"\xf0\x9f\x98\x80-\\ud83d\\ude00\",\"method\":\"ping\"}");
    cJSON *r = t_mcp_recv(m, 5000);
    T_CHECK(r && cJSON_IsString(get(r, "id")) && !strcmp(get(r, "id")->valuestring, "\xf0\x9f\x98\x80-\xf0\x9f\x98\x80"),
            "valid 4-byte UTF-8 and a surrogate pair id echoed");
    cJSON_Delete(r);
    T_CHECK(alive(m), "ping after invalid UTF-8");
    t_mcp_free(m);
}

/* Regression for a fixed bug: "\u0000" inside a string was cut there by
 * cJSON, so the id "x\u0000y" was answered as "x" (a mis-routed answer)
 * and the tool name "get_slicer_info\u0000zzz" ran get_slicer_info. */
static void test_nul_escapes(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    static const char *const lines[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":\"x\\u0000y\",\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0000\",\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\\u0000zzz\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\\u0000x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{\"a\":\"raw\ttab\"}}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        expect_error(m, lines[i], lines[i], strlen(lines[i]), -32700);
    /* An escaped backslash before u0000 is ordinary text. */
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\\u0000\",\"method\":\"ping\"}");
    cJSON *r = t_mcp_recv(m, 5000);
    T_CHECK(r && cJSON_IsString(get(r, "id")) && !strcmp(get(r, "id")->valuestring, "a\\u0000"),
            "\"a\\\\u0000\" is a valid id, echoed exactly");
    cJSON_Delete(r);
    T_CHECK(alive(m), "ping after NUL escapes");
    t_mcp_free(m);
}

static void test_numbers_out_of_range(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    static const char *const bad_ids[] = { "1e400", "-1e400", "123456789012345678901234567890",
                                           "9007199254740993", "1.5", "true", "[1]", "{}" };
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        char line[200];
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"ping\"}", bad_ids[i]);
        expect_error(m, line, line, strlen(line), -32600);
    }
    /* -0 and 1e5 are integers: answered, the id echoed as a number equal to it. */
    /* Regression for a fixed bug: ids past 15 digits went back rounded
     * (9007199254740991 as 9.00719925474099e+15), a mis-routed answer. */
    static const struct { const char *id; double v; } ok_ids[] = {
        { "-0", 0 }, { "1e5", 100000 }, { "1e-400", 0 }, { "9007199254740991", 9007199254740991.0 },
        { "-9007199254740991", -9007199254740991.0 }, { "1234567890123456", 1234567890123456.0 },
        { "100000000000000001e-2", 1000000000000000.0 }, { "999999999999999", 999999999999999.0 },
        { "-123456789012345", -123456789012345.0 },
    };
    for (size_t i = 0; i < sizeof ok_ids / sizeof ok_ids[0]; i++) {
        char line[200];
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"ping\"}", ok_ids[i].id);
        t_mcp_send(m, line);
        cJSON *r = t_mcp_recv(m, 5000);
        T_CHECK(r && get(r, "result") && cJSON_IsNumber(get(r, "id")) && get(r, "id")->valuedouble == ok_ids[i].v,
                "id %s answered with an equal id (%.17g)", ok_ids[i].id, r ? cJSON_GetNumberValue(get(r, "id")) : -1.0);
        cJSON_Delete(r);
    }
    /* Out-of-range numbers in arguments are tool errors naming the field. */
    static const char *const args[] = {
        "{\"view\":\"red\",\"max_size\":1e400}", "{\"view\":\"red\",\"offset_mm\":-1e400}",
        "{\"view\":\"red\",\"max_size\":123456789012345678901234567890}",
        "{\"view\":\"red\",\"max_size\":64.5}", "{\"view\":\"red\",\"position\":1e-400,\"max_size\":1e308}",
    };
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        cJSON *r = t_mcp_call(m, "get_slice_png", args[i], 5000);
        T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "Invalid arguments"), "%s: %s", args[i], t_mcp_text(r));
        cJSON_Delete(r);
    }
    /* A cursor out of range is invalid params. */
    cJSON *r = t_mcp_request(m, "tools/list", "{\"cursor\":\"99999999999999999999999\"}", 5000);
    T_CHECK(err_code(r) == -32602, "huge cursor: %d", err_code(r));
    cJSON_Delete(r);
    r = t_mcp_request(m, "tools/list", "{\"cursor\":1e400}", 5000);
    T_CHECK(r && (err_code(r) == -32602 || err_code(r) == -32700 || get(r, "result")), "numeric cursor answered");
    cJSON_Delete(r);
    T_CHECK(alive(m), "ping after numbers");
    t_mcp_free(m);
}

static void test_before_initialize(void)
{
    e2e x = { 0 };
    x.sim = t_sim_start(NULL);
    T_ASSERT(x.sim, "sim");
    const char *args[] = { "--slicer-url", t_sim_url(x.sim), "--tools-dir", "tools.d", "--audit-log", "off", NULL };
    x.mcp = t_mcp_start(args);
    static const char *const methods[] = { "tools/list", "tools/call", "logging/setLevel", "resources/list" };
    static const char *const params[] = { "{}", "{\"name\":\"get_slicer_info\",\"arguments\":{}}", "{\"level\":\"debug\"}", NULL };
    for (int i = 0; i < 4; i++) {
        cJSON *r = t_mcp_request(x.mcp, methods[i], params[i], 5000);
        T_CHECK(err_code(r) == -32602 || err_code(r) == -32601, "%s before initialize: %d %s", methods[i],
                err_code(r), err_msg(r));
        cJSON_Delete(r);
    }
    T_CHECK(e2e_log_count(&x, NULL, "/slicer") == 0, "nothing reached Slicer before initialize");
    /* initialized before initialize, then initialize twice: both answered. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    T_CHECK(t_mcp_handshake(x.mcp, "2025-11-25") == 0, "initialize");
    T_CHECK(t_mcp_handshake(x.mcp, "2025-06-18") == 0, "a second initialize is answered");
    cJSON *r = t_mcp_call(x.mcp, "get_slicer_info", "{}", 5000);
    T_CHECK(r && !t_mcp_is_error(r), "works after initialize: %s", t_mcp_text(r));
    cJSON_Delete(r);
    T_CHECK(alive(x.mcp), "ping");
    e2e_stop(&x);
}

static void test_duplicate_ids(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/system=delay:300", NULL };
    const char *mcp[] = { "--audit-log", "off", NULL };
    T_ASSERT(e2e_start(&x, sim, mcp) == 0, "start");
    /* A slow call and a ping with the same id, pipelined; then the same id
     * again for list_volumes: three answers, in order, each the right kind. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\",\"arguments\":{}}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"list_volumes\",\"arguments\":{}}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":\"5\",\"method\":\"ping\"}");
    cJSON *a = t_mcp_recv(x.mcp, 5000), *b = t_mcp_recv(x.mcp, 5000), *c = t_mcp_recv(x.mcp, 5000),
          *d = t_mcp_recv(x.mcp, 5000);
    T_CHECK(a && !t_mcp_is_error(a) && strstr(t_mcp_text(a), "applicationVersion") && get(a, "id")->valueint == 5,
            "first: the slow call's answer: %s", t_mcp_text(a));
    T_CHECK(b && cJSON_IsObject(get(b, "result")) && !get(get(b, "result"), "content") && get(b, "id")->valueint == 5,
            "second: the ping's empty result");
    T_CHECK(c && !t_mcp_is_error(c) && strstr(t_mcp_text(c), "MRHead"), "third: list_volumes: %s", t_mcp_text(c));
    T_CHECK(d && cJSON_IsString(get(d, "id")), "the string id \"5\" is a different id, echoed as a string");
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(d);
    /* Many reuses cost nothing: 2000 pings with one id. */
    for (int i = 0; i < 2000; i++)
        t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":\"same\",\"method\":\"ping\"}");
    int n = 0;
    for (int i = 0; i < 2000; i++) {
        cJSON *r = t_mcp_recv(x.mcp, 5000);
        n += r && get(r, "result") != NULL;
        cJSON_Delete(r);
    }
    T_CHECK(n == 2000, "2000 answers to 2000 pings with the same id (%d)", n);
    T_CHECK(alive(x.mcp), "ping");
    e2e_stop(&x);
}

static void test_notification_shapes(void)
{
    e2e x;
    const char *mcp[] = { "--audit-log", "off", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    /* A notification method with an id is a request: answered. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"notifications/initialized\"}");
    cJSON *r = t_mcp_recv(x.mcp, 5000);
    T_CHECK(r && cJSON_IsNumber(get(r, "id")) && get(r, "id")->valueint == 9 && (get(r, "error") || get(r, "result")),
            "notifications/initialized with id 9 answered: %s", err_msg(r));
    cJSON_Delete(r);
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}");
    r = t_mcp_recv(x.mcp, 5000);
    T_CHECK(r && cJSON_IsNumber(get(r, "id")) && get(r, "id")->valueint == 10, "cancelled with an id answered");
    cJSON_Delete(r);
    /* A request method without an id is a notification: no answer, and a
     * tools/call notification does not run. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2024-11-05\"}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"set_layout\",\"arguments\":{\"layout\":\"FourUp\"}}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"nope/nope\",\"params\":{}}");
    /* Client responses to requests we never sent: ignored. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":78,\"error\":{\"code\":1,\"message\":\"x\"}}");
    T_CHECK(alive(x.mcp), "nothing answered the notifications; ping works");
    T_CHECK(e2e_log_count(&x, NULL, "/slicer/gui") == 0, "the tools/call notification did not run");
    e2e_stop(&x);
}

static void test_batches(void)
{
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    static const char one[] = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]";
    expect_error(m, "batch under 2025-11-25", one, sizeof one - 1, -32600);
    t_mcp_free(m);
    m = start_ready("2025-03-26");
    T_ASSERT(m, "start 2025-03-26");
    expect_error(m, "empty batch", "[]", 2, -32600);
    /* Garbage members each get their own -32600; valid ones their answer. */
    t_mcp_send(m, "[1,\"x\",null,[],{},[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}],"
                  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}]");
    cJSON *r = t_mcp_recv(m, 5000);
    int errors = 0, results = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, r) {
        errors += err_code(it) == -32600;
        results += get(it, "result") != NULL && get(it, "id")->valueint == 2;
    }
    T_CHECK(cJSON_IsArray(r) && errors == 6 && results == 1 && cJSON_GetArraySize(r) == 7,
            "6 invalid members, 1 ping, no answer to the notification (%d, %d)", errors, results);
    cJSON_Delete(r);
    /* Only notifications: no reply at all. */
    t_mcp_send(m, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}]");
    /* A large batch. */
    size_t cap = 5000 * 50 + 10, n = 0;
    char *big = malloc(cap);
    big[n++] = '[';
    for (int i = 0; i < 5000; i++)
        n += (size_t)sprintf(big + n, "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}", i ? "," : "", i);
    big[n++] = ']';
    big[n] = '\0';
    t_mcp_send(m, big);
    free(big);
    r = t_mcp_recv(m, 10000);
    T_CHECK(cJSON_IsArray(r) && cJSON_GetArraySize(r) == 5000, "5000 answers to a batch of 5000 pings (%d)",
            cJSON_GetArraySize(r));
    cJSON_Delete(r);
    T_CHECK(alive(m), "ping after batches (and no answer to the all-notification batch)");
    t_mcp_free(m);
}

static void test_cancel_unknown_and_finished(void)
{
    e2e x;
    const char *mcp[] = { "--audit-log", "off", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    /* Unknown ids, bad shapes: no answer, no effect. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":12345}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"nope\"}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{\"a\":1e400}}}");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}");
    T_CHECK(alive(x.mcp), "cancels of unknown ids: no answer, ping works");
    /* Cancel after completion: the answer already went out; nothing more. */
    cJSON *r = t_mcp_request(x.mcp, "tools/call", "{\"name\":\"get_slicer_info\",\"arguments\":{}}", 5000);
    T_CHECK(r && !t_mcp_is_error(r), "the call completes");
    int id = get(r, "id")->valueint;
    cJSON_Delete(r);
    char line[200];
    snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":%d}}", id);
    t_mcp_send(x.mcp, line);
    T_CHECK(alive(x.mcp), "cancel after completion: no second answer, ping works");
    /* The next call with the same id as the cancelled one is not affected. */
    snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"list_volumes\",\"arguments\":{}}}", id);
    t_mcp_send(x.mcp, line);
    r = t_mcp_recv(x.mcp, 5000);
    T_CHECK(r && !t_mcp_is_error(r) && get(r, "id")->valueint == id, "a reused id after a late cancel still runs");
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_stdout_closed(void)
{
    /* Idle: close our end of its stdout, then send a request. */
    t_mcp *m = start_ready("2025-11-25");
    T_ASSERT(m, "start");
    t_mcp_close_stdout(m);
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    long t0 = t_now_ms();
    int st = -2;
    /* It must exit on its own (EPIPE, SIGPIPE ignored) without stdin closing. */
    while (t_now_ms() - t0 < 5000) {
        if (kill(t_mcp_pid(m), 0) != 0)
            break;
        int status;
        if (waitpid(t_mcp_pid(m), &status, WNOHANG) == t_mcp_pid(m)) {
            st = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        t_sleep_ms(10);
    }
    T_CHECK(st == 0 || st == 1, "exits by itself with a status, not a signal (status %d, %ld ms)", st,
            t_now_ms() - t0);
    if (st < 0)
        t_mcp_kill(m);
    t_mcp_free(m);
}

static void test_stdout_closed_during_call(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/system=delay:500", NULL };
    const char *mcp[] = { "--audit-log", "off", NULL };
    T_ASSERT(e2e_start(&x, sim, mcp) == 0, "start");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\","
                      "\"arguments\":{},\"_meta\":{\"progressToken\":1}}}");
    t_sleep_ms(100);
    t_mcp_close_stdout(x.mcp);
    long t0 = t_now_ms();
    int st = -2;
    while (t_now_ms() - t0 < 5000) {
        int status;
        if (waitpid(t_mcp_pid(x.mcp), &status, WNOHANG) == t_mcp_pid(x.mcp)) {
            st = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        t_sleep_ms(10);
    }
    T_CHECK(st == 0 || st == 1, "exits after the call it could not answer (status %d)", st);
    if (st < 0)
        t_mcp_kill(x.mcp);
    e2e_stop(&x);
}

/* Regression for a fixed bug (found by tests/fuzz/fuzz_tools_doc): a
 * tools.d pattern with stacked or nested repetitions made glibc's regcomp
 * copy the expression exponentially often (gigabytes, minutes) while
 * loading.  Such a file is now a quick, named load error. */
static void test_hostile_tools_file(void)
{
    char dir[512], file[600], cmd[1600], out[600];
    snprintf(dir, sizeof dir, "%s/regex-bomb", t_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    T_ASSERT(system(cmd) == 0, "mkdir");
    static const char *const pats[] = { "a++++++++++++++++++++++++++++++++", "((a{100}){100}){100}",
                                        "(((((x+)+)+)+)+){1000}", "$a*+++*++" };
    for (int i = 0; i < 4; i++) {
        snprintf(file, sizeof file, "%s/bomb%d.yaml", dir, i);
        char y[600];
        snprintf(y, sizeof y, "name: bomb%d\ndescription: d\ninputSchema:\n  type: object\n  properties:\n"
                 "    q: {type: string, pattern: \"%s\"}\nrequest: {method: GET, path: /slicer/system/version}\n"
                 "result: {type: json}\n", i, pats[i]);
        t_write_file(file, y, strlen(y));
    }
    snprintf(out, sizeof out, "%s/bomb.out", t_tmpdir());
    snprintf(cmd, sizeof cmd, "timeout 30 %s check %s >%s 2>&1", t_bin("slicer-mcp"), dir, out);
    long t0 = t_now_ms();
    int st = system(cmd);
    long took = t_now_ms() - t0;
    T_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "check fails with status 1 (got %d)", WEXITSTATUS(st));
    T_CHECK(took < 5000, "quickly (%ld ms)", took);
    char *text = t_read_file(out, NULL);
    int n = t_count(text, "too complex") + t_count(text, "stacked repetition");
    T_CHECK(n == 4, "each file refused as too complex or stacked, with its position: %s", text ? text : "");
    free(text);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    t_run("garbage_lines", test_garbage_lines);
    t_run("line_of_100_mib", test_100mib_line);
    t_run("nesting_100000_deep", test_deep_nesting);
    t_run("invalid_utf8_everywhere", test_invalid_utf8);
    t_run("nul_escapes_refused", test_nul_escapes);
    t_run("numbers_out_of_range", test_numbers_out_of_range);
    t_run("requests_before_initialize", test_before_initialize);
    t_run("duplicate_ids", test_duplicate_ids);
    t_run("notification_and_request_shapes", test_notification_shapes);
    t_run("batches", test_batches);
    t_run("cancel_unknown_and_finished", test_cancel_unknown_and_finished);
    t_run("stdout_closed", test_stdout_closed);
    t_run("stdout_closed_during_call", test_stdout_closed_during_call);
    t_run("hostile_tools_file", test_hostile_tools_file);
    return t_done();
}
