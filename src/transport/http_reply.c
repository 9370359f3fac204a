/* http_reply: queuing responses on a libmicrohttpd connection: a copied
 * body, a JSON-RPC error, and Server-Sent Events streams of a session
 * (the legacy GET stream and the 2026-07-28 subscriptions/listen). */
#include "transport/http_reply.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/jsonrpc.h"
#include "util/jsonw.h"
#include "util/mono.h"

/* ---- responses ---- */

enum MHD_Result http_respond(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const char *body, size_t len, const char *const *extra)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(size_t)body,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (ctype)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    for (const char *const *h = extra; h && h[0] && h[1]; h += 2)
        MHD_add_response_header(r, h[0], h[1]);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result http_respond_error(struct MHD_Connection *c, unsigned status, const cJSON *id,
                                   int code, const char *msg, const char *const *extra)
{
    rpc_error er = { .code = code };
    snprintf(er.msg, sizeof er.msg, "%s", msg);
    cJSON *rep = rpc_error_reply(id, &er);
    char *s = jsonw_print(rep, NULL);
    cJSON_Delete(rep);
    enum MHD_Result r = http_respond(c, status, "application/json", s, s ? strlen(s) : 0, extra);
    free(s);
    return r;
}

const char *http_header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

int http_accepts(struct MHD_Connection *c, const char *type)
{
    const char *a = http_header(c, "Accept");
    if (!a)
        return 1;
    size_t major = strcspn(type, "/");
    for (const char *p = a; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",;");
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == strlen(type) && strncasecmp(p, type, n) == 0) || (n == 3 && !strncmp(p, "*/*", 3)) ||
            (n == major + 2 && strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*'))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* ---- streams: the legacy GET stream and the modern subscriptions/listen ---- */

typedef struct {
    http_parked park;   /* the connection while nothing is queued */
    http_srv *S;
    http_sess *s;
    buf out;            /* bytes formatted, not yet handed to MHD */
    size_t off;
    double quiet_since; /* when the stream last sent something */
    cJSON *listen_id;   /* subscriptions/listen: the request id; NULL for GET */
    int want_tools;     /* listen: the client asked for toolsListChanged */
    int finished;       /* listen: the closing result was formatted */
} stream_ctx;

/* A message queued for a listen stream, filtered and tagged with the
 * subscription id (spec 2026-07-28 basic/patterns/subscriptions): only
 * the types the client asked for, never log messages. */
static void listen_event(stream_ctx *st, const char *msg)
{
    cJSON *j = cJSON_Parse(msg);
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(j, "method");
    int send = st->want_tools && cJSON_IsString(method) &&
               strcmp(method->valuestring, "notifications/tools/list_changed") == 0;
    if (send) {
        cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
        if (!params)
            params = cJSON_AddObjectToObject(j, "params");
        cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
        if (!meta)
            meta = cJSON_AddObjectToObject(params, "_meta");
        cJSON_AddItemToObject(meta, "io.modelcontextprotocol/subscriptionId", rpc_id_dup(st->listen_id));
        char *out = jsonw_print(j, NULL);
        if (out)
            buf_printf(&st->out, "event: message\ndata: %s\n\n", out);
        free(out);
    }
    cJSON_Delete(j);
}

/* The listen request's closing result (subscriptions.mdx): a graceful end. */
static void listen_result(stream_ctx *st)
{
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "resultType", "complete");
    cJSON *meta = cJSON_AddObjectToObject(res, "_meta");
    cJSON_AddItemToObject(meta, "io.modelcontextprotocol/subscriptionId", rpc_id_dup(st->listen_id));
    cJSON *rep = rpc_result_reply(st->listen_id, res);
    char *out = jsonw_print(rep, NULL);
    cJSON_Delete(rep);
    if (out)
        buf_printf(&st->out, "event: message\ndata: %s\n\n", out);
    free(out);
    st->finished = 1;
}

/* Never blocks: with nothing queued the connection parks until a message,
 * the session's end, the keep-alive sweep or the shutdown wakes it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *dst, size_t max)
{
    (void)pos;
    stream_ctx *st = cls;
    while (st->off == st->out.len) {
        buf_reset(&st->out);
        st->off = 0;
        if (st->finished)
            return MHD_CONTENT_READER_END_OF_STREAM;
        int done = 0;
        char *msg = http_sess_stream_next(st->S->sessions, st->s, &done);
        if (msg) {
            if (st->listen_id)
                listen_event(st, msg);
            else
                buf_printf(&st->out, "event: message\ndata: %s\n\n", msg);
            free(msg);
            continue;
        }
        if (!done && http_peer_gone(st->park.fd))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (!done && mono_ms() - st->quiet_since >= HTTP_SSE_KEEPALIVE_MS) {
            buf_puts(&st->out, ": keep-alive\n\n");
            continue;
        }
        if (!done) {
            int p = http_park(st->S->parking, &st->park);
            if (p > 0)
                return 0;
            if (p == 0)
                continue;
        }
        if (!st->listen_id)
            return MHD_CONTENT_READER_END_OF_STREAM;
        listen_result(st);
    }
    size_t n = st->out.len - st->off < max ? st->out.len - st->off : max;
    memcpy(dst, st->out.data + st->off, n);
    st->off += n;
    st->quiet_since = mono_ms();
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream_ctx *st = cls;
    http_sess_stream_close(st->S->sessions, st->s);
    if (st->listen_id)   /* a listen stream's session is its own: end it */
        http_sessions_end(st->S->sessions, http_sess_id(st->s));
    http_sessions_put(st->S->sessions, st->s);
    cJSON_Delete(st->listen_id);
    buf_free(&st->out);
    free(st);
}

enum MHD_Result http_stream(http_srv *S, struct MHD_Connection *c, http_sess *s, const cJSON *listen_id,
                            int want_tools, const char *first)
{
    stream_ctx *st = calloc(1, sizeof *st);
    struct MHD_Response *resp = NULL;
    if (st) {
        *st = (stream_ctx){ .S = S, .s = s, .want_tools = want_tools, .quiet_since = mono_ms(),
                            .listen_id = listen_id ? cJSON_Duplicate(listen_id, 1) : NULL };
        http_parked_init(&st->park, c);
        http_sess_stream_watch(S->sessions, s, &st->park);
        buf_init(&st->out, MCP_MAX_MESSAGE + 64);
        if (first)
            buf_printf(&st->out, "event: message\ndata: %s\n\n", first);
        else
            buf_puts(&st->out, ": stream open\n\n");   /* sends the headers at once */
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, st, stream_free);
    }
    if (!resp) {
        if (st) {
            stream_free(st);
        } else {
            http_sess_stream_close(S->sessions, s);
            http_sessions_put(S->sessions, s);
        }
        return MHD_NO;
    }
    return http_queue_sse(c, resp);
}

enum MHD_Result http_queue_sse(struct MHD_Connection *c, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    enum MHD_Result r = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return r;
}
