/* mcp_tools: tools/list (pagination, per-version fields) and tools/call
 * (validation, running the tool, progress, cancellation, log messages). */
#include "mcp_tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "log.h"

/* Fields of Tool by protocol version: annotations arrived in 2025-03-26,
 * title and outputSchema/structuredContent in 2025-06-18. */
static int version_at_least(const rpc_req *r, const char *v)
{
    return r->modern || strcmp(r->s->version, v) >= 0;
}

static int visible(const mcp *m, const tool *t)
{
    return !t->policy || mcp_policy_enabled(m, t->policy);
}

static cJSON *tool_entry(const rpc_req *r, const tool *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", t->name);
    if (t->title && version_at_least(r, "2025-06-18"))
        cJSON_AddStringToObject(o, "title", t->title);
    cJSON_AddStringToObject(o, "description", t->description);
    cJSON_AddItemToObject(o, "inputSchema", cJSON_Duplicate(t->input_schema, 1));
    if (t->output_schema && version_at_least(r, "2025-06-18"))
        cJSON_AddItemToObject(o, "outputSchema", cJSON_Duplicate(t->output_schema, 1));
    if (t->annotations && version_at_least(r, "2025-03-26"))
        cJSON_AddItemToObject(o, "annotations", cJSON_Duplicate(t->annotations, 1));
    return o;
}

/* Cursors are "o<offset>" into the list of visible tools, sorted by name. */
int mcp_tools_list(rpc_req *r, cJSON **res, rpc_error *er)
{
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(r->params, "cursor");
    size_t start = 0;
    if (cur && !cJSON_IsNull(cur)) {
        char *end = NULL;
        if (!cJSON_IsString(cur))
            return rpc_fail(er, RPC_INVALID_PARAMS, "tools/list: cursor must be a string");
        if (cur->valuestring[0]) {
            unsigned long long v = cur->valuestring[0] == 'o' ? strtoull(cur->valuestring + 1, &end, 10) : 0;
            if (!end || end == cur->valuestring + 1 || *end || v > tools_count(r->m->tools))
                return rpc_fail(er, RPC_INVALID_PARAMS, "tools/list: invalid cursor '%.64s'",
                                cur->valuestring);
            start = (size_t)v;
        }
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "tools");
    size_t seen = 0, added = 0, n = tools_count(r->m->tools);
    for (size_t i = 0; i < n; i++) {
        const tool *t = tools_at(r->m->tools, i);
        if (!visible(r->m, t))
            continue;
        if (seen++ < start)
            continue;
        if (added == r->m->cfg.page_size) {
            char next[32];
            snprintf(next, sizeof next, "o%zu", start + added);
            cJSON_AddStringToObject(o, "nextCursor", next);
            break;
        }
        cJSON_AddItemToArray(arr, tool_entry(r, t));
        added++;
    }
    if (r->modern) {
        cJSON_AddNumberToObject(o, "ttlMs", MCP_LIST_TTL_MS);
        cJSON_AddStringToObject(o, "cacheScope", "public");
    }
    *res = o;
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* While Slicer works: cancellation and progress for the request. */
typedef struct {
    rpc_req *r;
    const cJSON *token;
    double start, last;
    int sent;
} tick_state;

#define PROGRESS_AFTER_MS 250.0
#define PROGRESS_EVERY_MS 250.0

static void send_note(const rpc_req *r, const char *method, cJSON *params)
{
    if (!r->io || !r->io->send) {
        cJSON_Delete(params);
        return;
    }
    char *s = rpc_notification(method, params);
    if (s)
        r->io->send(r->io->ud, s, strlen(s));
    free(s);
}

static int on_tick(void *ud, size_t now, size_t total)
{
    tick_state *ts = ud;
    rpc_req *r = ts->r;
    if (r->io && r->io->cancelled && r->io->cancelled(r->io->ud, r->id)) {
        r->cancelled = 1;
        return 1;
    }
    double t = now_ms();
    if (ts->token && t - ts->start >= PROGRESS_AFTER_MS && t - ts->last >= PROGRESS_EVERY_MS) {
        ts->last = t;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "progressToken", cJSON_Duplicate(ts->token, 0));
        cJSON_AddNumberToObject(p, "progress", ++ts->sent);
        char msg[128];
        if (total)
            snprintf(msg, sizeof msg, "Slicer: %zu of %zu bytes after %.1f s", now, total, (t - ts->start) / 1e3);
        else
            snprintf(msg, sizeof msg, "waiting for Slicer: %.1f s", (t - ts->start) / 1e3);
        cJSON_AddStringToObject(p, "message", msg);
        send_note(r, "notifications/progress", p);
    }
    return 0;
}

/* notifications/message when the client asked for this level. */
static void log_note(const rpc_req *r, log_level level, const char *tool_name, const char *text)
{
    if (r->log_level < 0 || (int)level < r->log_level)
        return;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "level", log_level_name(level));
    cJSON_AddStringToObject(p, "logger", "slicer-mcp");
    cJSON *d = cJSON_AddObjectToObject(p, "data");
    cJSON_AddStringToObject(d, "tool", tool_name);
    cJSON_AddStringToObject(d, "message", text);
    send_note(r, "notifications/message", p);
}

static int policy_cb(const void *ud, const char *policy)
{
    return mcp_policy_enabled(ud, policy);
}

static cJSON *call_result(const rpc_req *r, call_ctx *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "content", c->content);
    c->content = NULL;
    if (c->structured && version_at_least(r, "2025-06-18")) {
        cJSON_AddItemToObject(o, "structuredContent", c->structured);
        c->structured = NULL;
    }
    if (c->is_error)
        cJSON_AddBoolToObject(o, "isError", 1);
    return o;
}

static cJSON *error_result(const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *content = cJSON_AddArrayToObject(o, "content");
    cJSON *blk = cJSON_CreateObject();
    cJSON_AddStringToObject(blk, "type", "text");
    cJSON_AddStringToObject(blk, "text", msg);
    cJSON_AddItemToArray(content, blk);
    cJSON_AddBoolToObject(o, "isError", 1);
    return o;
}

int mcp_tools_call(rpc_req *r, cJSON **res, rpc_error *er)
{
    mcp *m = r->m;
    const cJSON *jname = cJSON_GetObjectItemCaseSensitive(r->params, "name");
    if (!cJSON_IsString(jname))
        return rpc_fail(er, RPC_INVALID_PARAMS, "tools/call: params.name must be a string");
    const tool *t = tools_find(m->tools, jname->valuestring);
    if (!t)
        return rpc_fail(er, RPC_INVALID_PARAMS, "Unknown tool: %.128s", jname->valuestring);
    if (!visible(m, t)) {
        log_msg(LOG_WARNING, "refused %s: policy '%s' is not enabled", t->name, t->policy);
        return rpc_fail(er, RPC_INVALID_PARAMS, "Unknown tool: %s (it is declared in %s but needs "
                        "the gateway policy '%s', which is off; an administrator enables it with "
                        "--allow-%s)", t->name, t->file, t->policy, t->policy);
    }
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(r->params, "arguments");
    cJSON *empty = NULL;
    if (!args || cJSON_IsNull(args))
        args = empty = cJSON_CreateObject();
    if (!cJSON_IsObject(args))
        return rpc_fail(er, RPC_INVALID_PARAMS, "tools/call: params.arguments must be an object");

    double t0 = now_ms();
    err e = { 0 };
    if (schema_validate(t->input_validator, args, &e) != 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "Invalid arguments for tool %s: %s", t->name, e.msg);
        log_msg(LOG_INFO, "tools/call %s: %s", t->name, msg);
        log_note(r, LOG_WARNING, t->name, msg);
        *res = error_result(msg);
        cJSON_Delete(empty);
        return 0;
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params, "_meta");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(meta, "progressToken");
    if (token && !cJSON_IsString(token) && !cJSON_IsNumber(token))
        token = NULL;
    tick_state ts = { .r = r, .token = token, .start = t0, .last = t0 };
    backend_set_tick(m->b, on_tick, &ts);
    backend_trace_reset(m->b);
    call_ctx c = { .b = m->b, .t = t, .args = args, .spool_dir = m->cfg.spool_dir,
                   .policy_enabled = policy_cb, .policy_ud = m };
    int rc = call_run(&c, &e);
    backend_set_tick(m->b, NULL, NULL);
    cJSON_Delete(empty);
    if (rc != 0) {
        call_ctx_clear(&c);
        return rpc_fail(er, RPC_INTERNAL_ERROR, "Internal error: %s", e.msg);
    }
    if (!c.is_error && t->output_validator && c.structured &&
        schema_validate(t->output_validator, c.structured, &e) != 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "Slicer's answer does not match the outputSchema of %s: %s",
                 t->name, e.msg);
        call_fail(&c, msg);
    }
    const cJSON *first = cJSON_GetArrayItem(c.content, 0);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(first, "text");
    log_msg(LOG_INFO, "tools/call %s: %s (%zu REST calls, %.1f ms)%s%s", t->name,
            r->cancelled ? "cancelled" : c.is_error ? "error" : "ok",
            backend_trace_count(m->b), now_ms() - t0,
            c.is_error ? ": " : "", c.is_error && cJSON_IsString(text) ? text->valuestring : "");
    for (size_t i = 0; i < backend_trace_count(m->b); i++) {
        const backend_trace *bt = backend_trace_at(m->b, i);
        char line[400];
        snprintf(line, sizeof line, "%s %s -> %ld (%zu bytes, %.1f ms)", bt->method,
                 bt->target, bt->status, bt->bytes, bt->ms);
        log_note(r, LOG_DEBUG, t->name, line);
    }
    if (c.is_error && cJSON_IsString(text))
        log_note(r, LOG_WARNING, t->name, text->valuestring);
    *res = call_result(r, &c);
    call_ctx_clear(&c);
    return 0;
}
