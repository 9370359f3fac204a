/* http_post: one POST to /mcp: picks the era, checks the era's headers
 * (2026-07-28) or session (handshake era), serves subscriptions/listen,
 * and hands the message to http_call. */
#include "transport/http_post.h"
#include "transport/http_call.h"
#include "transport/http_oauth.h"
#include "transport/http_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transport/http_access.h"
#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "util/jsonw.h"

/* The decoded value of a header, or NULL when absent; *bad is set when
 * it is present but its =?base64?...?= form is invalid. */
static char *header_value(struct MHD_Connection *c, const char *name, int *bad)
{
    const char *v = http_header(c, name);
    if (!v)
        return NULL;
    char *d = http_header_decode(v);
    if (!d)
        *bad = 1;
    return d;
}

/* Modern era (spec 2026-07-28 streamable-http "Standard Headers"): the
 * MCP-Protocol-Version, Mcp-Method and Mcp-Name headers must repeat what
 * the body says.  0 if they do, else -1 with msg filled. */
static int check_modern_headers(struct MHD_Connection *c, const char *method, const cJSON *params,
                                char *msg, size_t msz)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion");
    const char *name_key = !strcmp(method, "tools/call") || !strcmp(method, "prompts/get") ? "name"
                         : !strcmp(method, "resources/read") ? "uri" : NULL;
    const cJSON *name = name_key ? cJSON_GetObjectItemCaseSensitive(params, name_key) : NULL;
    struct { const char *header; const char *want; } need[] = {
        { "MCP-Protocol-Version", cJSON_IsString(pv) ? pv->valuestring : NULL },
        { "Mcp-Method", method },
        { "Mcp-Name", cJSON_IsString(name) ? name->valuestring : NULL },
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        if (!need[i].want)
            continue;   /* nothing in the body to compare with: the core judges the body */
        int bad = 0;
        char *got = header_value(c, need[i].header, &bad);
        int ok = got && strcmp(got, need[i].want) == 0;
        if (!ok)
            snprintf(msg, msz, "Header mismatch: %s header %s%.200s%s does not match the body's '%.200s'",
                     need[i].header, bad ? "has invalid base64" : got ? "'" : "is missing",
                     got ? got : "", got ? "'" : "", need[i].want);
        free(got);
        if (!ok)
            return -1;
    }
    return 0;
}

/* Whether the core would accept this _meta; if not, the core answers
 * (it checks _meta before it looks the method up). */
static int meta_is_valid(const cJSON *meta)
{
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion");
    const cJSON *ll = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/logLevel");
    return cJSON_IsString(pv) && strcmp(pv->valuestring, MCP_MODERN_VERSION) == 0 &&
           cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/clientCapabilities")) &&
           (!ll || (cJSON_IsString(ll) && log_level_parse(ll->valuestring) >= 0));
}

/* subscriptions/listen (spec 2026-07-28 basic/patterns/subscriptions):
 * the modern replacement for the GET stream, so the transport serves it
 * with the same machinery: an acknowledgement naming the subset agreed
 * (only toolsListChanged exists here), then tools/list_changed pushed
 * by the idle hook.  The stream holds a slot of the session table. */
static enum MHD_Result sub_listen(http_srv *S, struct MHD_Connection *c, const http_req *rq,
                                  const cJSON *id, const cJSON *params)
{
    const char *peer = rq->peer;
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(params, "notifications");
    if (!cJSON_IsObject(want))
        return http_respond_error(c, 400, id, RPC_INVALID_PARAMS,
                                  "Invalid params: subscriptions/listen needs params.notifications (an object)", NULL);
    int tools = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(want, "toolsListChanged"));
    const char *why;
    http_sess *s = http_sessions_add(S->sessions, NULL, rq->owner, &why);
    if (!s) {
        /* No Retry-After: a stream ends when its client leaves. */
        log_msg(LOG_WARNING, "http: %s refused a subscriptions/listen stream: %s", peer, why);
        metrics_refusal(S->o.metrics, MET_LIMITS);
        char msg[160];
        snprintf(msg, sizeof msg, "Server busy: %s; retry later", why);
        return http_respond_error(c, 503, id, RPC_INTERNAL_ERROR, msg, NULL);
    }
    cJSON *p = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(p, "_meta");
    cJSON_AddItemToObject(meta, "io.modelcontextprotocol/subscriptionId", rpc_id_dup(id));
    cJSON *agreed = cJSON_AddObjectToObject(p, "notifications");
    if (tools)
        cJSON_AddBoolToObject(agreed, "toolsListChanged", 1);
    char *ack = rpc_notification("notifications/subscriptions/acknowledged", p);
    enum MHD_Result r = http_stream(S, c, s, id, tools, ack);
    free(ack);
    return r;
}

static enum MHD_Result post_modern(http_srv *S, struct MHD_Connection *c, http_req *rq,
                                   const cJSON *root, const cJSON *id, const char *method,
                                   const cJSON *params)
{
    if (!cJSON_IsObject(root))
        return http_respond_error(c, 400, NULL, RPC_INVALID_REQUEST,
                                  "Invalid Request: protocol version " MCP_MODERN_VERSION " takes one message per POST", NULL);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
    if (!cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion"))
        return http_respond_error(c, 400, id, RPC_INVALID_PARAMS,
                                  "Invalid params: MCP-Protocol-Version " MCP_MODERN_VERSION " needs params._meta"
                                  "[\"io.modelcontextprotocol/protocolVersion\"] and clientCapabilities", NULL);
    char msg[600];
    if (method && check_modern_headers(c, method, params, msg, sizeof msg) != 0) {
        log_msg(LOG_INFO, "http: %s: %s", rq->peer, msg);
        return http_respond_error(c, 400, id, RPC_HEADER_MISMATCH, msg, NULL);
    }
    if (method && id && strcmp(method, "subscriptions/listen") == 0 && meta_is_valid(meta))
        return sub_listen(S, c, rq, id, params);
    mcp_session *core = mcp_session_new(S->m);   /* stateless: one per request */
    if (!core)
        return http_respond_error(c, 500, id, RPC_INTERNAL_ERROR, "out of memory", NULL);
    return http_call(S, c, rq, core, NULL, id, 0);
}

static enum MHD_Result post_legacy(http_srv *S, struct MHD_Connection *c, http_req *rq,
                                   const cJSON *root, const cJSON *id, const char *method,
                                   const cJSON *params)
{
    if (method && strcmp(method, "initialize") == 0 && cJSON_IsObject(root)) {
        mcp_session *core = mcp_session_new(S->m);
        if (!core)
            return http_respond_error(c, 500, id, RPC_INTERNAL_ERROR, "out of memory", NULL);
        return http_call(S, c, rq, core, NULL, id, 1);
    }
    const char *sid = http_header(c, "Mcp-Session-Id");
    if (!sid)
        return http_respond_error(c, 400, id, RPC_INVALID_REQUEST,
                                  "Bad Request: Mcp-Session-Id header is required (send initialize first, "
                                  "or use protocol version " MCP_MODERN_VERSION ")", NULL);
    int foreign = 0;
    http_sess *s = http_sessions_get(S->sessions, sid, rq->owner, &foreign);
    if (foreign)
        http_oauth_foreign_session(S->oauth, rq->peer, &rq->claims, sid);
    if (!s)
        return http_respond_error(c, 404, id, -32001, "Session not found: it ended or never existed; "
                                  "initialize a new one", NULL);
    if (http_sess_core(s) && !(!id && method && strcmp(method, "notifications/cancelled") == 0))
        return http_call(S, c, rq, http_sess_core(s), s, id, 0);   /* takes the reference */
    enum MHD_Result r;
    if (!http_sess_core(s)) {   /* a subscriptions/listen stream's slot, not a session */
        r = http_respond_error(c, 404, id, -32001, "Session not found", NULL);
    } else {
        /* Marked without the gate: the call it cancels may be holding it. */
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
        if (rid)
            http_sess_cancel_add(S->sessions, s, rid);
        r = http_respond(c, 202, NULL, NULL, 0, NULL);
    }
    http_sessions_put(S->sessions, s);
    return r;
}

enum MHD_Result http_post(http_srv *S, struct MHD_Connection *c, http_req *rq)
{
    if (rq->too_large) {
        char msg[96];
        snprintf(msg, sizeof msg, "Request body larger than %zu bytes", S->o.max_body);
        metrics_refusal(S->o.metrics, MET_LIMITS);
        return http_respond_error(c, 413, NULL, RPC_INVALID_REQUEST, msg, NULL);
    }
    const char *ct = http_header(c, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0)
        return http_respond_error(c, 415, NULL, RPC_INVALID_REQUEST,
                                  "Unsupported Media Type: Content-Type must be application/json", NULL);
    if (!http_accepts(c, "application/json") && !http_accepts(c, "text/event-stream"))
        return http_respond_error(c, 406, NULL, RPC_INVALID_REQUEST,
                                  "Not Acceptable: Accept must allow application/json and text/event-stream", NULL);
    rpc_error er = { 0 };
    cJSON *root = rpc_parse(rq->body.data ? rq->body.data : "", rq->body.len, S->o.max_body, MCP_MAX_DEPTH, &er);
    if (!root) {
        cJSON *rep = rpc_error_reply(NULL, &er);
        char *s = jsonw_print(rep, NULL);
        cJSON_Delete(rep);
        enum MHD_Result r = http_respond(c, 400, "application/json", s, s ? strlen(s) : 0, NULL);
        free(s);
        return r;
    }
    const cJSON *id = NULL, *params = NULL;
    const char *method = NULL;
    if (cJSON_IsObject(root) && rpc_parse_request(root, &id, &method, &params, &er) != 0) {
        cJSON *rep = rpc_error_reply(id, &er);
        char *s = jsonw_print(rep, NULL);
        cJSON_Delete(rep);
        enum MHD_Result r = http_respond(c, 400, "application/json", s, s ? strlen(s) : 0, NULL);
        free(s);
        cJSON_Delete(root);
        return r;
    }
    /* The era: modern when the body's _meta or the version header says so. */
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
    int bad = 0;
    char *hv = header_value(c, "MCP-Protocol-Version", &bad);
    int modern = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion") != NULL ||
                 (hv && strcmp(hv, MCP_MODERN_VERSION) == 0);
    enum MHD_Result r;
    if (modern) {
        r = post_modern(S, c, rq, root, id, method, params);
    } else if (bad || (hv && !http_legacy_version(hv))) {
        char msg[200];
        snprintf(msg, sizeof msg, "Bad Request: unsupported MCP-Protocol-Version '%.60s' (supported: "
                 MCP_MODERN_VERSION ", 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)", bad ? "(invalid)" : hv);
        r = http_respond_error(c, 400, id, RPC_INVALID_REQUEST, msg, NULL);
    } else {
        r = post_legacy(S, c, rq, root, id, method, params);
    }
    free(hv);
    cJSON_Delete(root);
    return r;
}
