/* mcp: JSON-RPC framing rules, era selection and the method table. */
#include "mcp/mcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/call.h"
#include "util/log.h"
#include "util/platform.h"
#include "mcp/mcp_internal.h"
#include "util/jsonw.h"
#include "util/utf8.h"

/* Replies from this size on trim the heap once freed; small ones do not
 * pay for a walk of the heap on every call. */
#define MCP_TRIM_AFTER ((size_t)256 * 1024)

static const char *const legacy_versions[] = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL
};

static const char default_instructions[] =
    "These tools look at and change the scene of a running 3D Slicer through its "
    "Web Server, one typed operation each: list nodes and volumes, read a node's "
    "properties and a volume's geometry, fetch slice, 3D and window images, move "
    "slice views, place and read markups, and set the layout. Arbitrary Python "
    "is not available unless an administrator enabled it. Coordinates are RAS "
    "millimetres. Call list_volumes or list_nodes first to learn node ids.";

mcp *mcp_new(const mcp_config *cfg, const toolset *tools, backend *b, err *e)
{
    mcp *m = calloc(1, sizeof *m);
    if (!m) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    if (!m->cfg.page_size)
        m->cfg.page_size = 100;
    if (!m->cfg.instructions)
        m->cfg.instructions = default_instructions;
    if (!m->cfg.server_version)
        m->cfg.server_version = "0.0.0";
    m->tools = tools;
    m->b = b;
    return m;
}

void mcp_free(mcp *m)
{
    free(m);
}

void mcp_set_tools(mcp *m, const toolset *tools) { m->tools = tools; }
void mcp_idle(mcp *m) { backend_idle(m->b); }

int mcp_policy_enabled(const mcp *m, const char *policy)
{
    for (const char *const *p = m->cfg.policies; p && *p; p++)
        if (strcmp(*p, policy) == 0)
            return 1;
    return 0;
}

mcp_session *mcp_session_new(mcp *m)
{
    mcp_session *s = calloc(1, sizeof *s);
    if (s) {
        s->m = m;
        s->log_level = -1;
    }
    return s;
}

void mcp_session_free(mcp_session *s) { free(s); }

const char *mcp_session_version(const mcp_session *s)
{
    return s->version[0] ? s->version : NULL;
}

/* ---- per-era handlers ---- */

static cJSON *server_info(const mcp *m)
{
    cJSON *si = cJSON_CreateObject();
    cJSON_AddStringToObject(si, "name", "slicer-mcp");
    cJSON_AddStringToObject(si, "title", "3D Slicer (safe typed tools)");
    cJSON_AddStringToObject(si, "version", m->cfg.server_version);
    return si;
}

static cJSON *capabilities(void)
{
    cJSON *caps = cJSON_CreateObject();
    cJSON *tools = cJSON_AddObjectToObject(caps, "tools");
    cJSON_AddBoolToObject(tools, "listChanged", 1);
    cJSON_AddObjectToObject(caps, "logging");
    return caps;
}

static int h_initialize(rpc_req *r, cJSON **res, rpc_error *er)
{
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(r->params, "protocolVersion");
    if (!cJSON_IsString(pv))
        return rpc_fail(er, RPC_INVALID_PARAMS, "initialize: params.protocolVersion must be a string");
    const char *chosen = MCP_LATEST_LEGACY;
    for (const char *const *v = legacy_versions; *v; v++)
        if (strcmp(*v, pv->valuestring) == 0)
            chosen = *v;
    mcp_session *s = r->s;
    snprintf(s->version, sizeof s->version, "%s", chosen);
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(r->params, "clientInfo");
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(ci, "name");
    /* Cut between characters: half a character would make every audit
     * line of the session invalid UTF-8. */
    const char *name = cJSON_IsString(cn) ? cn->valuestring : "";
    size_t nlen = utf8_prefix(name, strlen(name), sizeof s->client_name - 1);
    memcpy(s->client_name, name, nlen);
    s->client_name[nlen] = '\0';
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "protocolVersion", chosen);
    cJSON_AddItemToObject(o, "capabilities", capabilities());
    cJSON_AddItemToObject(o, "serverInfo", server_info(r->m));
    cJSON_AddStringToObject(o, "instructions", r->m->cfg.instructions);
    *res = o;
    r->is_initialize = 1;
    log_msg(LOG_INFO, "session initialized: protocol %s, client '%s'", chosen, s->client_name);
    return 0;
}

static int h_ping(rpc_req *r, cJSON **res, rpc_error *er)
{
    (void)r;
    (void)er;
    *res = cJSON_CreateObject();
    return 0;
}

static int h_set_level(rpc_req *r, cJSON **res, rpc_error *er)
{
    const cJSON *lv = cJSON_GetObjectItemCaseSensitive(r->params, "level");
    int l = cJSON_IsString(lv) ? log_level_parse(lv->valuestring) : -1;
    if (l < 0)
        return rpc_fail(er, RPC_INVALID_PARAMS, "logging/setLevel: level must be one of "
                        "debug, info, notice, warning, error, critical, alert, emergency");
    r->s->log_level = l;
    *res = cJSON_CreateObject();
    return 0;
}

static int h_discover(rpc_req *r, cJSON **res, rpc_error *er)
{
    (void)er;
    cJSON *o = cJSON_CreateObject();
    cJSON *sv = cJSON_AddArrayToObject(o, "supportedVersions");
    cJSON_AddItemToArray(sv, cJSON_CreateString(MCP_MODERN_VERSION));
    for (const char *const *v = legacy_versions; *v; v++)
        cJSON_AddItemToArray(sv, cJSON_CreateString(*v));
    cJSON_AddItemToObject(o, "capabilities", capabilities());
    cJSON_AddStringToObject(o, "instructions", r->m->cfg.instructions);
    cJSON_AddNumberToObject(o, "ttlMs", MCP_LIST_TTL_MS);
    cJSON_AddStringToObject(o, "cacheScope", "public");
    *res = o;
    return 0;
}

enum { ERA_LEGACY = 1, ERA_MODERN = 2 };

static const struct {
    const char *name;
    int eras;
    rpc_handler fn;
} methods[] = {
    { "initialize",       ERA_LEGACY,              h_initialize },
    { "ping",             ERA_LEGACY,              h_ping },
    { "logging/setLevel", ERA_LEGACY,              h_set_level },
    { "server/discover",  ERA_MODERN,              h_discover },
    { "tools/list",       ERA_LEGACY | ERA_MODERN, mcp_tools_list },
    { "tools/call",       ERA_LEGACY | ERA_MODERN, mcp_tools_call },
};

/* Modern-era checks of params._meta (spec 2026-07-28 basic/index). */
static int check_modern_meta(rpc_req *r, rpc_error *er)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params, "_meta");
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion");
    if (!cJSON_IsString(pv))
        return rpc_fail(er, RPC_INVALID_PARAMS, "params._meta[\"io.modelcontextprotocol/protocolVersion\"] "
                        "must be a string");
    if (strcmp(pv->valuestring, MCP_MODERN_VERSION) != 0) {
        rpc_fail(er, RPC_UNSUPPORTED_VERSION, "Unsupported protocol version");
        cJSON *d = cJSON_CreateObject();
        cJSON *sv = cJSON_AddArrayToObject(d, "supported");
        cJSON_AddItemToArray(sv, cJSON_CreateString(MCP_MODERN_VERSION));
        for (const char *const *v = legacy_versions; *v; v++)
            cJSON_AddItemToArray(sv, cJSON_CreateString(*v));
        cJSON_AddStringToObject(d, "requested", pv->valuestring);
        er->data = d;
        return -1;
    }
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/clientCapabilities");
    if (!cJSON_IsObject(caps))
        return rpc_fail(er, RPC_INVALID_PARAMS, "params._meta[\"io.modelcontextprotocol/clientCapabilities\"] "
                        "must be an object");
    const cJSON *ll = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/logLevel");
    if (ll) {
        int l = cJSON_IsString(ll) ? log_level_parse(ll->valuestring) : -1;
        if (l < 0)
            return rpc_fail(er, RPC_INVALID_PARAMS, "params._meta[\"io.modelcontextprotocol/logLevel\"] "
                            "is not a log level");
        r->log_level = l;
    }
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/clientInfo");
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(ci, "name");
    if (cJSON_IsString(cn))
        r->client_name = cn->valuestring;
    return 0;
}

static int is_modern(const cJSON *params)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
    return cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/protocolVersion") != NULL;
}

/* Dispatches one well-formed request; returns the result or fills er. */
static cJSON *dispatch(rpc_req *r, rpc_error *er)
{
    r->modern = is_modern(r->params);
    int era = r->modern ? ERA_MODERN : ERA_LEGACY;
    size_t i;
    for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, r->method) == 0)
            break;
    if (r->modern && check_modern_meta(r, er) != 0)
        return NULL;
    if (i == sizeof methods / sizeof methods[0] || !(methods[i].eras & era)) {
        if (!r->modern && i < sizeof methods / sizeof methods[0] && methods[i].eras == ERA_MODERN) {
            rpc_fail(er, RPC_INVALID_PARAMS, "%s needs params._meta with "
                     "io.modelcontextprotocol/protocolVersion \"%s\" and clientCapabilities",
                     r->method, MCP_MODERN_VERSION);
            return NULL;
        }
        rpc_fail(er, RPC_METHOD_NOT_FOUND, "Method not found: %s%s", r->method,
                 r->modern && i < sizeof methods / sizeof methods[0]
                     ? " (removed in protocol version " MCP_MODERN_VERSION ")" : "");
        return NULL;
    }
    if (!r->modern && !r->s->version[0] && strcmp(r->method, "initialize") != 0 &&
        strcmp(r->method, "ping") != 0) {
        rpc_fail(er, RPC_INVALID_PARAMS, "%s before initialize: send initialize first, or "
                 "use protocol version %s with params._meta "
                 "(io.modelcontextprotocol/protocolVersion and clientCapabilities)",
                 r->method, MCP_MODERN_VERSION);
        return NULL;
    }
    if (!r->modern)
        r->log_level = r->s->log_level;
    cJSON *res = NULL;
    if (methods[i].fn(r, &res, er) != 0)
        return NULL;
    if (r->modern && res) {
        cJSON_AddStringToObject(res, "resultType", "complete");
        cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "_meta");
        if (!meta)
            meta = cJSON_AddObjectToObject(res, "_meta");
        cJSON_AddItemToObject(meta, "io.modelcontextprotocol/serverInfo", server_info(r->m));
    }
    return res;
}

static void handle_one(mcp *m, mcp_session *s, cJSON *msg, const mcp_io *io,
                       mcp_reply *out, cJSON **reply, int *http_status, int *init)
{
    rpc_req r = { .m = m, .s = s, .io = io, .log_level = -1, .need_scope = out->need_scope };
    rpc_error er = { 0 };
    *reply = NULL;
    if (rpc_parse_request(msg, &r.id, &r.method, &r.params, &er) != 0) {
        *reply = rpc_error_reply(r.id, &er);
        *http_status = 400;
        return;
    }
    if (!r.method)      /* a response from the client: we send no requests */
        return;
    if (!r.id) {        /* notification: never answered */
        *http_status = 202;
        return;
    }
    cJSON *res = dispatch(&r, &er);
    if (r.cancelled) {  /* the client said it no longer wants an answer */
        cJSON_Delete(res);
        rpc_error_clear(&er);
        *http_status = 202;
        return;
    }
    if (res) {
        *reply = rpc_result_reply(r.id, res);
        *http_status = 200;
        *init = r.is_initialize;
    } else {
        /* MCP authorization, "Scope challenge handling": 403. */
        *http_status = out->need_scope[0] ? 403 : rpc_http_status(&er, r.modern);
        *reply = rpc_error_reply(r.id, &er);
    }
}

/* The base64 data of an image or audio block: no text, and a pattern
 * could match inside it and break the picture. */
static int media_data(const cJSON *parent, const cJSON *member)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(parent, "type");
    return member->string && !strcmp(member->string, "data") && cJSON_IsString(type) &&
           (!strcmp(type->valuestring, "image") || !strcmp(type->valuestring, "audio"));
}

void mcp_handle(mcp *m, mcp_session *s, const char *msg, size_t len,
                const mcp_io *io, mcp_reply *out)
{
    memset(out, 0, sizeof *out);
    rpc_error er = { 0 };
    cJSON *root = rpc_parse(msg, len, MCP_MAX_MESSAGE, MCP_MAX_DEPTH, &er);
    cJSON *reply = NULL;
    if (!root) {
        reply = rpc_error_reply(NULL, &er);
        out->http_status = 400;
    } else if (cJSON_IsArray(root)) {
        /* Batches exist only in protocol 2025-03-26. */
        if (!s->version[0] || strcmp(s->version, "2025-03-26") != 0 || cJSON_GetArraySize(root) == 0) {
            rpc_fail(&er, RPC_INVALID_REQUEST, cJSON_GetArraySize(root) == 0
                     ? "empty batch" : "batch arrays are only allowed in protocol version 2025-03-26");
            reply = rpc_error_reply(NULL, &er);
            out->http_status = 400;
        } else {
            reply = cJSON_CreateArray();
            cJSON *item;
            cJSON_ArrayForEach(item, root) {
                cJSON *one = NULL;
                int st = 200, init = 0;
                handle_one(m, s, item, io, out, &one, &st, &init);
                if (one)
                    cJSON_AddItemToArray(reply, one);
            }
            out->http_status = cJSON_GetArraySize(reply) ? 200 : 202;
            out->need_scope[0] = '\0';   /* each refusal is in its item */
            if (!cJSON_GetArraySize(reply)) {
                cJSON_Delete(reply);
                reply = NULL;
            }
        }
    } else {
        handle_one(m, s, root, io, out, &reply, &out->http_status, &out->is_initialize_result);
    }
    if (reply) {
        /* The one place a reply's strings are redacted, whatever put them
         * there: results, errors, their keys. */
        redact_json_except(m->cfg.redact, reply, media_data);
        out->json = jsonw_print(reply, &out->json_len);
        cJSON_Delete(reply);
    }
    cJSON_Delete(root);
}

char *mcp_redact_text(const mcp *m, const char *text)
{
    int n = 0;
    char *t = m->cfg.redact ? redact_text(m->cfg.redact, text, &n) : NULL;
    return t ? t : n < 0 ? NULL : strdup(text);
}

void mcp_reply_free(mcp_reply *r)
{
    if (r) {
        free(r->json);
        r->json = NULL;
        /* A big reply came from big trees, now freed: give their pages
         * back (resident memory stayed at 23-47 MB after a 5.5 MB
         * get_markups page, 13 MB before; now 13 MB again). */
        if (r->json_len >= MCP_TRIM_AFTER)
            platform_trim_heap();
        r->json_len = 0;
    }
}

/* Whether needle occurs in the first len bytes of s (memmem is a GNU extension). */
static int contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
            return 1;
    return 0;
}

int mcp_is_cancel_for(const char *line, size_t len, const cJSON *id)
{
    if (!id || len > 65536 || !contains(line, len, "notifications/cancelled"))
        return 0;
    cJSON *j = cJSON_ParseWithLengthOpts(line, len, NULL, 0);
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(j, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
    int yes = cJSON_IsString(method) && strcmp(method->valuestring, "notifications/cancelled") == 0 &&
              rid && cJSON_Compare(rid, id, 1);
    cJSON_Delete(j);
    return yes;
}
