/* mcp_tools: tools/list (pagination, per-version fields) and tools/call
 * (validation, running the tool, progress, cancellation, log messages). */
#include "mcp/mcp_internal.h"

#include <math.h>
#include <nettle/base16.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/adapters.h"
#include "policy/jwt.h"
#include "slicer/call.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/mono.h"
#include "util/utf8.h"

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

/* Inside the policies (an outer limit no token widens), the caller's
 * token must grant the tool's scope. */
static int permitted(const rpc_req *r, const tool *t)
{
    const mcp_caller *c = r->io ? r->io->caller : NULL;
    return !c || jwt_scope_has(c->scope, t->scope);
}

/* The schemas go in by reference, not copied: the reply is printed before
 * mcp_handle returns, and a reload swaps the tools only between requests
 * (copying them was a tenth of a cold start's instructions). */
static cJSON *tool_entry(const rpc_req *r, const tool *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", t->name);
    if (t->title && version_at_least(r, "2025-06-18"))
        cJSON_AddStringToObject(o, "title", t->title);
    cJSON_AddStringToObject(o, "description", t->description);
    cJSON_AddItemToObject(o, "inputSchema", cJSON_CreateObjectReference(t->input_schema->child));
    if (t->output_schema && version_at_least(r, "2025-06-18"))
        cJSON_AddItemToObject(o, "outputSchema", cJSON_CreateObjectReference(t->output_schema->child));
    if (t->annotations && version_at_least(r, "2025-03-26"))
        cJSON_AddItemToObject(o, "annotations", cJSON_CreateObjectReference(t->annotations->child));
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
        if (!visible(r->m, t) || !permitted(r, t))
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

/* While Slicer works: cancellation and progress for the request. */
typedef struct {
    rpc_req *r;
    const cJSON *token;
    double start, last;
    double looked;          /* when the transport was last asked about a cancel */
    double reported;        /* last progress value sent: it must grow */
    size_t base, prev_now;  /* bytes of earlier REST calls of this tool call */
} tick_state;

#define PROGRESS_AFTER_MS 250.0
#define PROGRESS_EVERY_MS 250.0
/* Asking the transport costs a poll (stdio) or a recv (HTTP), and libcurl
 * ticks a dozen times in a sub-millisecond REST call: the first tick asks
 * (a cancel sent right behind the call), then once a millisecond. */
#define CANCEL_LOOK_MS 1.0

static void send_note(const rpc_req *r, const char *method, cJSON *params)
{
    if (!r->io || !r->io->send) {
        cJSON_Delete(params);
        return;
    }
    /* The one place a notification's strings are redacted. */
    redact_json(r->m->cfg.redact, params);
    char *s = rpc_notification(method, params);
    if (s)
        r->io->send(r->io->ud, s, strlen(s));
    free(s);
}

/* Progress is bytes when Slicer announced a length (Content-Length), so a
 * client can show a fraction; otherwise a count of ticks.  Either way the
 * value only grows, across all the REST calls of one tool call. */
static int on_tick(void *ud, size_t now, size_t total)
{
    tick_state *ts = ud;
    rpc_req *r = ts->r;
    double t = mono_ms();
    if (t - ts->looked >= CANCEL_LOOK_MS) {
        ts->looked = t;
        if (r->io && r->io->cancelled && r->io->cancelled(r->io->ud, r->id)) {
            r->cancelled = 1;
            return 1;
        }
    }
    if (now < ts->prev_now)         /* a new REST call started */
        ts->base += ts->prev_now;
    ts->prev_now = now;
    if (!ts->token || t - ts->start < PROGRESS_AFTER_MS || t - ts->last < PROGRESS_EVERY_MS)
        return 0;
    double value = total ? (double)(ts->base + now) : ts->reported + 1;
    if (value <= ts->reported)
        return 0;
    ts->last = t;
    ts->reported = value;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "progressToken", rpc_id_dup(ts->token));
    cJSON_AddNumberToObject(p, "progress", value);
    char msg[128];
    if (total) {
        cJSON_AddNumberToObject(p, "total", (double)(ts->base + total));
        snprintf(msg, sizeof msg, "Slicer: %zu of %zu bytes after %.1f s", now, total, (t - ts->start) / 1e3);
    } else {
        snprintf(msg, sizeof msg, "waiting for Slicer: %.1f s", (t - ts->start) / 1e3);
    }
    cJSON_AddStringToObject(p, "message", msg);
    send_note(r, "notifications/progress", p);
    return 0;
}

/* Whether the client asked (logging/setLevel) for notes of this level. */
static int note_wanted(const rpc_req *r, log_level level)
{
    return r->log_level >= 0 && (int)level >= r->log_level;
}

/* notifications/message when the client asked for this level. */
static void log_note(const rpc_req *r, log_level level, const char *tool_name, const char *text)
{
    if (!note_wanted(r, level))
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
        /* Unless redaction will edit it, structuredContent goes out as the
         * text its text block already holds rather than printed again. */
        cJSON *sc = !r->m->cfg.redact && c->structured_item
                    ? cJSON_CreateRaw(c->structured_item->valuestring) : NULL;
        if (sc)
            cJSON_Delete(c->structured);
        cJSON_AddItemToObject(o, "structuredContent", sc ? sc : c->structured);
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

/* Bytes of text and image data the client receives. */
static double content_bytes(const cJSON *res)
{
    double n = 0;
    const cJSON *blk;
    cJSON_ArrayForEach(blk, cJSON_GetObjectItemCaseSensitive(res, "content")) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(blk, "text");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(blk, "data");
        n += (double)strlen(cJSON_IsString(t) ? t->valuestring : cJSON_IsString(d) ? d->valuestring : "");
    }
    return n;
}

/* Milliseconds to the microsecond: what a clock read is worth. */
static double ms_rounded(double ms)
{
    return round(ms * 1e3) / 1e3;
}

/* An audit string that passes through redaction here, once. */
static cJSON *redacted(const redact *rd, const char *s)
{
    cJSON *v = cJSON_CreateString(s ? s : "");
    redact_json(rd, v);
    return v;
}

/* A REST target as it may be shown: its names decoded for the patterns
 * and encoded again (redact_target); *own is what to free. */
static const char *shown_target(const redact *rd, const char *target, char **own)
{
    int n = 0;
    *own = rd ? redact_target(rd, target, &n) : NULL;
    if (*own)
        return *own;
    return n < 0 ? "(withheld: out of memory)" : target;
}

/* Whether node holds a string or key longer than AUDIT_MAX_VALUE. */
static int has_long(const cJSON *node)
{
    for (const cJSON *it = node ? node->child : NULL; it; it = it->next)
        if ((it->string && strlen(it->string) > AUDIT_MAX_VALUE) ||
            (cJSON_IsString(it) && strlen(it->valuestring) > AUDIT_MAX_VALUE) || has_long(it))
            return 1;
    return 0;
}

/* "[N bytes, sha256 HEX]" for s when it is too long to record; NULL else. */
static char *digest_of(const char *s)
{
    size_t n = strlen(s);
    if (n <= AUDIT_MAX_VALUE)
        return NULL;
    struct sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];
    char hex[BASE16_ENCODE_LENGTH(SHA256_DIGEST_SIZE) + 1], *out = malloc(112);
    sha256_init(&ctx);
    sha256_update(&ctx, n, (const uint8_t *)s);
    sha256_digest(&ctx, sizeof md, md);
    base16_encode_update(hex, sizeof md, md);
    hex[sizeof hex - 1] = '\0';
    if (out)
        snprintf(out, 112, "[%zu bytes, sha256 %s]", n, hex);
    return out;
}

/* Long strings and keys of node become their digests (in place).  A
 * digest that cannot be made leaves "[withheld]": never the text. */
static void shorten(cJSON *node)
{
    static char withheld[] = "[withheld]";
    for (cJSON *it = node->child; it; it = it->next) {
        char *d;
        if (it->string && strlen(it->string) > AUDIT_MAX_VALUE) {
            d = digest_of(it->string);
            if (!(it->type & cJSON_StringIsConst))
                free(it->string);
            it->string = d ? d : withheld;
            it->type = d ? it->type & ~cJSON_StringIsConst : it->type | cJSON_StringIsConst;
        }
        if (cJSON_IsString(it) && strlen(it->valuestring) > AUDIT_MAX_VALUE) {
            d = digest_of(it->valuestring);
            free(it->valuestring);
            it->valuestring = d ? d : withheld;
            if (!d)
                it->type |= cJSON_IsReference;
        }
        shorten(it);
    }
}

/* What one audit line says, taken once: a line written again without its
 * arguments keeps the same time and numbers. */
typedef struct {
    const char *tool, *outcome, *reason;
    const cJSON *args;
    char when[40];
    double bytes_returned, latency_ms;
    int traced;             /* the backend's trace is this call's */
} audit_facts;

/* The audit line (with its newline); without the arguments when they are
 * too big. */
static char *audit_line(const rpc_req *r, const audit_facts *f, int with_args, size_t *len)
{
    const redact *rd = r->m->cfg.redact;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", f->when);
    cJSON_AddStringToObject(o, "transport", r->io && r->io->transport ? r->io->transport : "stdio");
    if (r->io && r->io->peer)
        cJSON_AddStringToObject(o, "peer", r->io->peer);
    const mcp_caller *who = r->io ? r->io->caller : NULL;
    if (who) {      /* through redaction: a site may treat user ids as PHI */
        cJSON_AddItemToObject(o, "sub", redacted(rd, who->sub));
        cJSON_AddItemToObject(o, "client_id", redacted(rd, who->client_id));
        cJSON_AddItemToObject(o, "jti", redacted(rd, who->jti));
    }
    /* A modern client names itself in every request: as long as a session's. */
    const char *client = r->client_name ? r->client_name : r->s->client_name;
    char cut[sizeof r->s->client_name];
    size_t clen = utf8_prefix(client, strlen(client), sizeof cut - 1);
    memcpy(cut, client, clen);
    cut[clen] = '\0';
    cJSON_AddItemToObject(o, "client", redacted(rd, cut));
    cJSON_AddStringToObject(o, "protocol", r->modern ? MCP_MODERN_VERSION : r->s->version);
    cJSON_AddItemToObject(o, "request_id", rpc_id_dup(r->id));
    char *tool_digest = digest_of(f->tool);     /* an unknown tool's name is the client's */
    cJSON_AddItemToObject(o, "tool", redacted(rd, tool_digest ? tool_digest : f->tool));
    free(tool_digest);
    cJSON *args;
    if (!with_args) {
        args = cJSON_CreateString("(omitted: too large)");
    } else if (f->args && (rd || has_long(f->args))) {
        args = cJSON_Duplicate(f->args, 1);
        if (args)
            shorten(args);
        redact_json(rd, args);
    } else if (cJSON_IsObject(f->args)) {      /* the request's own tree, not a copy */
        args = cJSON_CreateObjectReference(f->args->child);
    } else if (cJSON_IsArray(f->args)) {       /* a refused call's arguments can be anything */
        args = cJSON_CreateArrayReference(f->args->child);
    } else {
        args = f->args ? cJSON_Duplicate(f->args, 0) : cJSON_CreateNull();
    }
    cJSON_AddItemToObject(o, "arguments", args);
    cJSON_AddStringToObject(o, "outcome", f->outcome);
    if (f->reason)
        cJSON_AddItemToObject(o, "reason", redacted(rd, f->reason));
    cJSON *calls = cJSON_AddArrayToObject(o, "slicer_calls");
    size_t listed = f->traced ? backend_trace_count(r->m->b) : 0;
    size_t made = f->traced ? backend_calls_made(r->m->b) : 0;
    for (size_t i = 0; i < listed; i++) {
        const backend_trace *bt = backend_trace_at(r->m->b, i);
        cJSON *one = cJSON_CreateObject();
        cJSON_AddItemToArray(calls, one);
        cJSON_AddStringToObject(one, "method", bt->method);
        char *own;
        cJSON_AddStringToObject(one, "target", shown_target(rd, bt->target, &own));
        free(own);
        cJSON_AddNumberToObject(one, "status", bt->status);
        cJSON_AddNumberToObject(one, "bytes", (double)bt->bytes);
        cJSON_AddNumberToObject(one, "ms", ms_rounded(bt->ms));
        cJSON_AddNumberToObject(one, "first_byte_ms", ms_rounded(bt->first_byte_ms));
    }
    if (made > listed)   /* past BACKEND_MAX_TRACE: said, not hidden */
        cJSON_AddNumberToObject(o, "slicer_calls_unlisted", (double)(made - listed));
    cJSON_AddNumberToObject(o, "bytes_returned", f->bytes_returned);
    cJSON_AddNumberToObject(o, "latency_ms", f->latency_ms);
    char *s = jsonw_print(o, len), *nl = s ? realloc(s, *len + 2) : NULL;
    cJSON_Delete(o);
    if (!nl) {
        free(s);
        return NULL;
    }
    memcpy(nl + *len, "\n", 2);
    ++*len;
    return nl;
}

static void audit_emit(const rpc_req *r, audit_facts *f)
{
    log_timestamp(f->when, sizeof f->when);
    size_t len = 0;
    char *line = audit_line(r, f, 1, &len);
    if (line && len > AUDIT_MAX_LINE) {
        /* Keep the line whole and bounded: the arguments go, the facts stay. */
        free(line);
        line = audit_line(r, f, 0, &len);
    }
    err e = { 0 };
    if (!line)
        log_msg(LOG_ERROR, "audit: out of memory");
    else if (audit_write(r->m->cfg.audit, line, len, &e) != 0)
        log_msg(LOG_ERROR, "%s", e.msg);
    free(line);
}

/* One audit line (who asked what, what reached Slicer, what came back)
 * and the call counted under the same outcome, so the two agree.  t is
 * the catalogue's tool, NULL when it has none by that name. */
static void audit_call(const rpc_req *r, const tool *t, const char *tool_name, const cJSON *args,
                       metrics_outcome outcome, const char *reason, const cJSON *res, double t0)
{
    metrics_call(r->m->cfg.metrics, t ? t->name : NULL, outcome);
    if (!r->m->cfg.audit)
        return;
    audit_facts f = { .tool = tool_name, .outcome = metrics_outcome_name(outcome), .reason = reason, .args = args,
                      .bytes_returned = res ? content_bytes(res) : 0,
                      .latency_ms = ms_rounded(mono_ms() - t0), .traced = 1 };
    audit_emit(r, &f);
}

static void audit_turned_away(mcp *m, const mcp_io *io, const char *outcome, const char *reason)
{
    metrics_refusal(m->cfg.metrics, MET_AUTH);
    if (!m->cfg.audit)
        return;
    mcp_session none = { .m = m };
    rpc_req r = { .m = m, .s = &none, .io = io };
    audit_facts f = { .tool = "", .outcome = outcome, .reason = reason };
    audit_emit(&r, &f);
}

void mcp_audit_unauthorized(mcp *m, const mcp_io *io, const char *reason)
{
    audit_turned_away(m, io, "unauthorized", reason);
}

void mcp_audit_foreign_session(mcp *m, const mcp_io *io, const char *reason)
{
    audit_turned_away(m, io, "refused", reason);
}

/* A call turned away before anything reached Slicer: logged, audited,
 * counted, answered.  MET_INVALID for a malformed request, else
 * MET_REFUSED with why (MET_SCOPE or MET_GUARD). */
static int refuse(rpc_req *r, rpc_error *er, const tool *t, const char *tool_name, const cJSON *args,
                  double t0, metrics_outcome outcome, metrics_reason why, const char *msg)
{
    backend_trace_reset(r->m->b);
    log_msg(LOG_WARNING, "refused tools/call %s: %s", tool_name, msg);
    if (outcome == MET_REFUSED)
        metrics_refusal(r->m->cfg.metrics, why);
    audit_call(r, t, tool_name, args, outcome, msg, NULL, t0);
    return rpc_fail(er, RPC_INVALID_PARAMS, "%s", msg);
}

int mcp_tools_call(rpc_req *r, cJSON **res, rpc_error *er)
{
    mcp *m = r->m;
    double t0 = mono_ms();
    char msg[1400];
    const cJSON *jname = cJSON_GetObjectItemCaseSensitive(r->params, "name");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(r->params, "arguments");
    if (!cJSON_IsString(jname))
        return refuse(r, er, NULL, "", args, t0, MET_INVALID, MET_REASONS, "tools/call: params.name must be a string");
    const char *name = jname->valuestring;
    const tool *t = tools_find(m->tools, name);
    if (!t) {
        snprintf(msg, sizeof msg, "Unknown tool: %.128s", name);
        return refuse(r, er, NULL, name, args, t0, MET_INVALID, MET_REASONS, msg);
    }
    if (!visible(m, t)) {
        /* The file's name only: where the gateway's files live is not the
         * client's business. */
        const char *slash = strrchr(t->file, '/');
        snprintf(msg, sizeof msg, "Unknown tool: %s (it is declared in %s but needs the gateway "
                 "policy '%s', which is off; an administrator enables it with --allow-%s)",
                 t->name, slash ? slash + 1 : t->file, t->policy, t->policy);
        return refuse(r, er, t, name, args, t0, MET_REFUSED, MET_GUARD, msg);
    }
    if (!permitted(r, t)) {
        snprintf(r->need_scope, sizeof ((mcp_reply *)0)->need_scope, "%s", t->scope);
        snprintf(msg, sizeof msg, "Forbidden: tool %s needs the OAuth scope '%s', which the access token "
                 "does not grant (insufficient_scope)", t->name, t->scope);
        return refuse(r, er, t, name, args, t0, MET_REFUSED, MET_SCOPE, msg);
    }
    cJSON *empty = NULL;
    if (!args || cJSON_IsNull(args))
        args = empty = cJSON_CreateObject();
    if (!cJSON_IsObject(args))
        return refuse(r, er, t, name, args, t0, MET_INVALID, MET_REASONS, "tools/call: params.arguments must be an object");

    err e = { 0 };
    if (schema_validate(t->input_validator, args, &e) != 0) {
        snprintf(msg, sizeof msg, "Invalid arguments for tool %s: %s", t->name, e.msg);
        backend_trace_reset(m->b);
        log_msg(LOG_INFO, "tools/call %s: %s", t->name, msg);
        log_note(r, LOG_WARNING, t->name, msg);
        *res = error_result(msg);
        audit_call(r, t, name, args, MET_INVALID, msg, *res, t0);
        cJSON_Delete(empty);
        return 0;
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params, "_meta");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(meta, "progressToken");
    if (token && !cJSON_IsString(token) && !cJSON_IsNumber(token))
        token = NULL;
    tick_state ts = { .r = r, .token = token, .start = t0, .last = t0, .looked = t0 - CANCEL_LOOK_MS };
    backend_set_tick(m->b, on_tick, &ts);
    backend_trace_reset(m->b);
    call_ctx c = { .b = m->b, .t = t, .args = args, .spool = m->cfg.spool,
                   .policy_enabled = policy_cb, .policy_ud = m };
    int rc = adapter_run(&c, &e);
    backend_set_tick(m->b, NULL, NULL);
    if (rc != 0) {
        call_ctx_clear(&c);
        audit_call(r, t, name, args, MET_INTERNAL_ERROR, e.msg, NULL, t0);
        cJSON_Delete(empty);
        return rpc_fail(er, RPC_INTERNAL_ERROR, "Internal error: %s", e.msg);
    }
    if (!c.is_error && t->output_validator && c.structured &&
        schema_validate(t->output_validator, c.structured, &e) != 0) {
        snprintf(msg, sizeof msg, "Slicer's answer does not match the outputSchema of %s: %s",
                 t->name, e.msg);
        call_fail(&c, msg);
    }
    const cJSON *first = cJSON_GetArrayItem(c.content, 0);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(first, "text");
    const char *err_text = c.is_error && cJSON_IsString(text) ? text->valuestring : NULL;
    metrics_outcome oc = r->cancelled ? MET_CANCELLED : c.denied ? MET_REFUSED : c.is_error ? MET_TOOL_ERROR : MET_OK;
    const char *outcome = metrics_outcome_name(oc);
    if (oc == MET_REFUSED)
        metrics_refusal(m->cfg.metrics, MET_GUARD);
    log_msg(LOG_INFO, "tools/call %s: %s (%zu REST call%s, %.1f ms)%s%s", t->name, outcome,
            backend_calls_made(m->b), backend_calls_made(m->b) == 1 ? "" : "s", mono_ms() - t0,
            err_text ? ": " : "", err_text ? err_text : "");
    for (size_t i = 0; note_wanted(r, LOG_DEBUG) && i < backend_trace_count(m->b); i++) {
        const backend_trace *bt = backend_trace_at(m->b, i);
        char line[400], *own;
        snprintf(line, sizeof line, "%s %s -> %ld (%zu bytes, %.1f ms)", bt->method,
                 shown_target(m->cfg.redact, bt->target, &own), bt->status, bt->bytes, bt->ms);
        free(own);
        log_note(r, LOG_DEBUG, t->name, line);
    }
    if (err_text)
        log_note(r, LOG_WARNING, t->name, err_text);
    char *reason = err_text ? strdup(err_text) : NULL;
    *res = call_result(r, &c);
    call_ctx_clear(&c);
    audit_call(r, t, name, args, oc, reason, *res, t0);
    free(reason);
    cJSON_Delete(empty);
    return 0;
}
