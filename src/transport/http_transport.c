/* http_transport: the daemon, the checks every request passes first
 * (Host, Origin, path, token, method, size), GET streams, DELETE, and
 * the loop that runs the idle hook until a signal. */
#include "transport/http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "transport/http_access.h"
#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "util/jsonr.h"
#include "util/jsonw.h"

#define HTTP_ENDPOINT          "/mcp"
#define HTTP_KEEPALIVE_MS      15000   /* SSE comment on a quiet GET stream */
#define HTTP_STREAM_POLL_MS    500     /* how often a GET stream looks for shutdown */
#define HTTP_CONN_TIMEOUT_S    120     /* idle keep-alive connections are closed */
#define HTTP_STOP_GRACE_MS     1000    /* streams may finish this long after a stop signal */

static const char *const allow_methods[] = { "Allow", "GET, POST, DELETE", NULL };
static const char *const allow_post[] = { "Allow", "POST", NULL };

/* ---- response helpers (shared with http_post.c) ---- */

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
    http_srv *S;
    http_sess *s;
    buf out;            /* bytes formatted, not yet handed to MHD */
    size_t off;
    long quiet_ms;
    cJSON *listen_id;   /* subscriptions/listen: the request id; NULL for GET */
    int want_tools;     /* listen: the client asked for toolsListChanged */
    int finished;       /* listen: the closing result was formatted */
} stream_ctx;

/* A message queued for a listen stream, filtered and tagged with the
 * subscription id (spec 2026-07-28 basic/patterns/subscriptions): only
 * the types the client asked for, never log messages.  Returns 0 if
 * nothing is to be sent. */
static int listen_event(stream_ctx *st, const char *msg)
{
    cJSON *j = jsonr_parse(msg, strlen(msg) + 1, NULL);   /* as cJSON_Parse */
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
    return send;
}

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
        char *msg = http_sess_stream_next(st->S->sessions, st->s, HTTP_STREAM_POLL_MS, &done);
        if (msg) {
            if (st->listen_id ? listen_event(st, msg) : buf_printf(&st->out, "event: message\ndata: %s\n\n", msg) == 0)
                st->quiet_ms = 0;
            free(msg);
        } else if (done && st->listen_id) {
            /* A graceful end: the listen request's result (subscriptions.mdx). */
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
        } else if (done) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        } else if ((st->quiet_ms += HTTP_STREAM_POLL_MS) >= HTTP_KEEPALIVE_MS) {
            buf_puts(&st->out, ": keep-alive\n\n");
            st->quiet_ms = 0;
        }
    }
    size_t n = st->out.len - st->off < max ? st->out.len - st->off : max;
    memcpy(dst, st->out.data + st->off, n);
    st->off += n;
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
        *st = (stream_ctx){ .S = S, .s = s, .want_tools = want_tools,
                            .listen_id = listen_id ? cJSON_Duplicate(listen_id, 1) : NULL };
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

/* Era of a GET or DELETE from its version header (they carry no body):
 * 1 for 2026-07-28, which has neither (405); 0 for a handshake-era
 * version or none; -1 for one we do not support (400). */
static int header_era(struct MHD_Connection *c)
{
    const char *raw = http_header(c, "MCP-Protocol-Version");
    if (!raw)
        return 0;
    char *v = http_header_decode(raw);
    int era = !v ? -1 : strcmp(v, MCP_MODERN_VERSION) == 0 ? 1 : http_legacy_version(v) ? 0 : -1;
    free(v);
    return era;
}

/* 0 when a GET or DELETE may go on, else queues the 405 or 400. */
static int check_era(struct MHD_Connection *c, const char *what, enum MHD_Result *r)
{
    int era = header_era(c);
    if (era == 1) {
        char msg[160];
        snprintf(msg, sizeof msg, "Method Not Allowed: protocol version " MCP_MODERN_VERSION " %s", what);
        *r = http_respond_error(c, 405, NULL, RPC_INVALID_REQUEST, msg, allow_post);
    } else if (era < 0) {
        *r = http_respond_error(c, 400, NULL, RPC_INVALID_REQUEST, "Bad Request: unsupported MCP-Protocol-Version", NULL);
    }
    return era;
}

/* The session a GET or DELETE names; answers 400/404 itself when none. */
static http_sess *named_session(http_srv *S, struct MHD_Connection *c, enum MHD_Result *r)
{
    const char *sid = http_header(c, "Mcp-Session-Id");
    http_sess *s = sid ? http_sessions_get(S->sessions, sid) : NULL;
    if (!sid)
        *r = http_respond_error(c, 400, NULL, RPC_INVALID_REQUEST,
                                "Bad Request: Mcp-Session-Id header is required", NULL);
    else if (!s)
        *r = http_respond_error(c, 404, NULL, -32001, "Session not found", NULL);
    return s;
}

static enum MHD_Result do_get(http_srv *S, struct MHD_Connection *c)
{
    enum MHD_Result r = MHD_NO;
    if (check_era(c, "uses POST only", &r) != 0)
        return r;
    if (!http_accepts(c, "text/event-stream"))
        return http_respond_error(c, 406, NULL, RPC_INVALID_REQUEST,
                                  "Not Acceptable: Accept must allow text/event-stream", NULL);
    http_sess *s = named_session(S, c, &r);
    if (!s)
        return r;
    if (http_sess_stream_open(S->sessions, s) != 0) {
        http_sessions_put(S->sessions, s);
        return http_respond_error(c, 409, NULL, RPC_INVALID_REQUEST,
                                  "Conflict: this session already has a GET stream open", NULL);
    }
    return http_stream(S, c, s, NULL, 0, NULL);
}

static enum MHD_Result do_delete(http_srv *S, struct MHD_Connection *c)
{
    enum MHD_Result r = MHD_NO;
    if (check_era(c, "has no sessions", &r) != 0)
        return r;
    http_sess *s = named_session(S, c, &r);
    if (!s)
        return r;
    char id[HTTP_SESSION_ID_LEN + 1];
    snprintf(id, sizeof id, "%s", http_sess_id(s));
    http_sessions_put(S->sessions, s);
    if (http_sessions_end(S->sessions, id) != 0)
        return http_respond_error(c, 404, NULL, -32001, "Session not found", NULL);
    log_msg(LOG_INFO, "http: session %.8s... ended by DELETE", id);
    return http_respond(c, 200, NULL, NULL, 0, NULL);
}

/* ---- the first look at a request: who, where, how ---- */

static void peer_of(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[INET6_ADDRSTRLEN] = "?", port[8] = "?";
    if (ci && ci->client_addr) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        getnameinfo(ci->client_addr, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    }
    snprintf(out, n, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
}

/* Returns 0 when the request may go on, else queues the refusal. */
static int precheck(http_srv *S, struct MHD_Connection *c, const char *url, const char *method,
                    http_req *rq, enum MHD_Result *r)
{
    const char *peer = rq->peer;
    const char *host = http_header(c, "Host"), *origin = http_header(c, "Origin");
    if (!http_host_allowed(host, S->o.allow_hosts) || !http_origin_allowed(origin, S->o.allow_origins)) {
        log_msg(LOG_WARNING, "http: %s refused: Host '%.100s', Origin '%.100s' not allowed (DNS rebinding "
                "protection; see --allow-host, --allow-origin)", peer, host ? host : "", origin ? origin : "");
        *r = http_respond_error(c, 403, NULL, RPC_INVALID_REQUEST, "Forbidden: Host or Origin not allowed", NULL);
        return -1;
    }
    if (S->oauth) {
        if (http_oauth_precheck(S->oauth, c, url, method, HTTP_ENDPOINT, peer, &rq->claims, r))
            return -1;
        rq->authed = 1;
    }
    if (strcmp(url, HTTP_ENDPOINT) != 0) {
        *r = http_respond_error(c, 404, NULL, RPC_INVALID_REQUEST, "Not Found: the MCP endpoint is " HTTP_ENDPOINT, NULL);
        return -1;
    }
    if (S->token && !http_bearer_ok(http_header(c, "Authorization"), S->token)) {
        static const char *const chal[] = { "WWW-Authenticate", "Bearer realm=\"slicer-mcp\"", NULL };
        log_msg(LOG_WARNING, "http: %s refused: missing or wrong bearer token", peer);
        *r = http_respond_error(c, 401, NULL, RPC_INVALID_REQUEST, "Unauthorized: a bearer token is required", chal);
        return -1;
    }
    if (strcmp(method, "POST") && strcmp(method, "GET") && strcmp(method, "DELETE")) {
        *r = http_respond_error(c, 405, NULL, RPC_INVALID_REQUEST, "Method Not Allowed", allow_methods);
        return -1;
    }
    const char *cl = http_header(c, "Content-Length");
    if (!strcmp(method, "POST") && cl && strtoull(cl, NULL, 10) > S->o.max_body) {
        char msg[96];
        snprintf(msg, sizeof msg, "Request body larger than %zu bytes", S->o.max_body);
        *r = http_respond_error(c, 413, NULL, RPC_INVALID_REQUEST, msg, NULL);
        return -1;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    http_srv *S = cls;
    http_req *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        buf_init(&rq->body, S->o.max_body);
        peer_of(c, rq->peer, sizeof rq->peer);
        *con_cls = rq;
        enum MHD_Result r;
        if (precheck(S, c, url, method, rq, &r) != 0)
            return r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_large && buf_append(&rq->body, upload, *upload_size) != 0)
            rq->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    log_msg(LOG_DEBUG, "http: %s %s from %s (%zu bytes)", method, url, rq->peer, rq->body.len);
    if (!strcmp(method, "POST"))
        return http_post(S, c, rq);
    if (!strcmp(method, "GET"))
        return do_get(S, c);
    return do_delete(S, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    http_req *rq = *con_cls;
    if (rq) {
        buf_free(&rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_msg(LOG_DEBUG, "libmicrohttpd: %s", msg);
}

/* ---- start-up and the idle loop ---- */

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

/* "HOST:PORT", "[V6]:PORT" or "PORT" to a bound listening socket. */
static int listen_on(const char *spec, int *loopback, char *shown, size_t shown_n, err *e)
{
    char host[256] = "127.0.0.1";
    const char *port = spec, *colon = strrchr(spec, ':');
    if (colon) {
        const char *h = spec;
        size_t hn = (size_t)(colon - spec);
        if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']') {
            h++;
            hn -= 2;
        }
        if (hn == 0 || hn >= sizeof host)
            return err_set(e, ERR_INVALID, "--http %s: expected HOST:PORT", spec);
        memcpy(host, h, hn);
        host[hn] = '\0';
        port = colon + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535)
        return err_set(e, ERR_INVALID, "--http %s: the port must be a number from 0 to 65535", spec);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *ai;
    int gr = getaddrinfo(host, port, &hints, &ai);
    if (gr != 0)
        return err_set(e, ERR_INVALID, "--http %s: %s", spec, gai_strerror(gr));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    *loopback = http_addr_is_loopback(ai->ai_addr);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        err_set(e, ERR_INTERNAL, "--http %s: cannot listen: %s", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    char num[INET6_ADDRSTRLEN], ps[8];
    getnameinfo((struct sockaddr *)&ss, sl, num, sizeof num, ps, sizeof ps, NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(shown, shown_n, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", num, ps);
    freeaddrinfo(ai);
    return fd;
}

static void fill_defaults(http_opts *o)
{
    if (!o->max_body) o->max_body = HTTP_DEFAULT_MAX_BODY;
    if (!o->max_sessions) o->max_sessions = HTTP_DEFAULT_MAX_SESSIONS;
    if (!o->max_connections) o->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
    if (!o->queue_max) o->queue_max = HTTP_DEFAULT_QUEUE_MAX;
    if (!o->queue_timeout_ms) o->queue_timeout_ms = HTTP_DEFAULT_QUEUE_TIMEOUT;
    if (!o->session_idle_ms) o->session_idle_ms = HTTP_DEFAULT_SESSION_IDLE;
}

static void idle_tick(http_srv *S)
{
    http_sessions_expire(S->sessions);
    if (!S->o.idle)
        return;
    unsigned queued;
    if (http_gate_enter(&S->gate, -1, &queued) != GATE_OK)
        return;
    char *note = S->o.idle(S->o.idle_ud);
    http_gate_leave(&S->gate);
    if (note) {
        log_msg(LOG_INFO, "http: pushing %.80s to %u session(s)", note, http_sessions_count(S->sessions));
        http_sessions_broadcast(S->sessions, note);
        free(note);
    }
}

int http_run(mcp *m, const http_opts *opts, err *e)
{
    if (http_mhd_load(e) != 0)
        return -1;
    http_srv S = { .m = m, .o = *opts };
    fill_defaults(&S.o);
    if (S.o.token_file) {
        const char *why = NULL;
        S.token = http_token_load(S.o.token_file, &why);
        if (!S.token)
            return err_set(e, ERR_INVALID, "--token-file %s: %s", S.o.token_file, why);
    }
    if (S.o.oauth && !(S.oauth = http_oauth_new(S.o.oauth, m, e))) {
        free(S.token);
        return -1;
    }
    int loopback = 0;
    char shown[INET6_ADDRSTRLEN + 16];
    int fd = listen_on(S.o.listen ? S.o.listen : "127.0.0.1:8765", &loopback, shown, sizeof shown, e);
    if (fd < 0) {
        free(S.token);
        http_oauth_free(S.oauth);
        return -1;
    }
    if (!loopback && !S.token && !S.oauth) {
        close(fd);
        return err_set(e, ERR_INVALID, "refusing to serve HTTP on %s without --token-file or --oauth-issuer: "
                       "that address is reachable from other machines, and anyone reaching it could drive Slicer", shown);
    }
    if (http_gate_init(&S.gate, S.o.queue_max) != 0) {
        close(fd);
        free(S.token);
        http_oauth_free(S.oauth);
        return err_set(e, ERR_INTERNAL, "cannot create the call queue");
    }
    pthread_mutex_init(&S.workers_mu, NULL);
    pthread_cond_init(&S.workers_cv, NULL);
    S.sessions = http_sessions_new(S.o.max_sessions, S.o.session_idle_ms);
    struct MHD_Daemon *d = !S.sessions ? NULL : MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, &S,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &S,   /* first, so every message goes through it */
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)S.o.max_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MAX_HEADER_BYTES,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &S,
        MHD_OPTION_END);
    int rc = 0;
    if (!d) {
        close(fd);
        rc = err_set(e, ERR_INTERNAL, "--http %s: %s", shown,
                     S.sessions ? "libmicrohttpd failed to start" : "out of memory");
    } else {
        struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        fprintf(stderr, "slicer-mcp: listening on http://%s" HTTP_ENDPOINT "\n", shown);
        fflush(stderr);
        if (S.o.port_file) {
            FILE *pf = fopen(S.o.port_file, "w");
            if (pf) {
                fprintf(pf, "%s\n", strrchr(shown, ':') + 1);
                fclose(pf);
            }
        }
        log_msg(LOG_INFO, "http: serving %s%s; Host allow-list %s; up to %u sessions, %u queued calls",
                loopback ? "loopback" : "a NON-LOOPBACK address",
                S.token ? " with a bearer token" : S.oauth ? " with OAuth access tokens" : "",
                S.o.allow_hosts ? "from --allow-host" : "localhost, 127.0.0.1, [::1]", S.o.max_sessions, S.o.queue_max);
        struct timespec tick = { 0, HTTP_IDLE_EVERY_MS * 1000000L };
        while (!stop_signal) {
            nanosleep(&tick, NULL);
            idle_tick(&S);
        }
        log_msg(LOG_INFO, "http: %s: stopping", strsignal(stop_signal));
        stop_signal = 0;
        http_sessions_stop(S.sessions);
        http_gate_stop(&S.gate);
        /* Let streams send their last event (a listen stream's closing
         * result) before the daemon shuts the sockets. */
        struct timespec step = { 0, 20 * 1000000L };
        for (int i = 0; i < HTTP_STOP_GRACE_MS / 20 && http_sessions_streams(S.sessions); i++)
            nanosleep(&step, NULL);
        MHD_stop_daemon(d);   /* joins the connection threads */
        pthread_mutex_lock(&S.workers_mu);   /* and calls whose client left */
        while (S.workers)
            pthread_cond_wait(&S.workers_cv, &S.workers_mu);
        pthread_mutex_unlock(&S.workers_mu);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    http_sessions_free(S.sessions);
    http_gate_destroy(&S.gate);
    pthread_cond_destroy(&S.workers_cv);
    pthread_mutex_destroy(&S.workers_mu);
    free(S.token);
    http_oauth_free(S.oauth);
    return rc;
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
