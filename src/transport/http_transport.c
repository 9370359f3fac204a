/* http_transport: the daemon, the checks every request passes first
 * (Host, Origin, path, token, method, size), GET streams, DELETE, and
 * the loop that runs the idle hook until a signal. */
#include "transport/http_transport.h"
#include "transport/http_internal.h"
#include "transport/http_oauth.h"

#include <arpa/inet.h>
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
#include "transport/http_call.h"
#include "transport/http_listen.h"
#include "transport/http_metrics.h"
#include "transport/http_post.h"
#include "transport/http_reply.h"
#include "transport/http_tls.h"
#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "util/mono.h"

#define HTTP_ENDPOINT          "/mcp"
/* No double quotes: it also goes into a quoted header parameter. */
#define HTTP_STATIC_TOKEN_HINT "this server uses a static bearer token, not OAuth: send the header " \
    "'Authorization: Bearer TOKEN' with the token from the server's --token-file " \
    "(mcp-remote: --header 'Authorization: Bearer TOKEN')"
#define HTTP_CONN_TIMEOUT_S    120     /* idle keep-alive connections are closed */
#define HTTP_STOP_GRACE_MS     1000    /* streams may finish this long after a stop signal */

static const char *const allow_methods[] = { "Allow", "GET, POST, DELETE", NULL };
static const char *const allow_post[] = { "Allow", "POST", NULL };

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
static http_sess *named_session(http_srv *S, struct MHD_Connection *c, const http_req *rq, enum MHD_Result *r)
{
    const char *sid = http_header(c, "Mcp-Session-Id");
    int foreign = 0;
    http_sess *s = sid ? http_sessions_get(S->sessions, sid, rq->owner, &foreign) : NULL;
    if (foreign)
        http_oauth_foreign_session(S->oauth, rq->peer, &rq->claims, sid);
    if (!sid)
        *r = http_respond_error(c, 400, NULL, RPC_INVALID_REQUEST,
                                "Bad Request: Mcp-Session-Id header is required", NULL);
    else if (!s)
        *r = http_respond_error(c, 404, NULL, -32001, "Session not found", NULL);
    return s;
}

static enum MHD_Result do_get(http_srv *S, struct MHD_Connection *c, const http_req *rq)
{
    const char *peer = rq->peer;
    enum MHD_Result r = MHD_NO;
    if (check_era(c, "uses POST only", &r) != 0)
        return r;
    if (!http_accepts(c, "text/event-stream"))
        return http_respond_error(c, 406, NULL, RPC_INVALID_REQUEST,
                                  "Not Acceptable: Accept must allow text/event-stream", NULL);
    http_sess *s = named_session(S, c, rq, &r);
    if (!s)
        return r;
    int open = http_sess_stream_open(S->sessions, s);
    if (open != 0) {
        http_sessions_put(S->sessions, s);
        if (open == -1)
            return http_respond_error(c, 409, NULL, RPC_INVALID_REQUEST,
                                      "Conflict: this session already has a GET stream open", NULL);
        log_msg(LOG_WARNING, "http: %s refused a GET stream: too many open streams "
                "(--http-max-streams)", peer);
        metrics_refusal(S->o.metrics, MET_LIMITS);
        return http_respond_error(c, 503, NULL, RPC_INTERNAL_ERROR,
                                  "Server busy: too many open streams (--http-max-streams); retry later",
                                  NULL);
    }
    return http_stream(S, c, s, NULL, 0, NULL);
}

static enum MHD_Result do_delete(http_srv *S, struct MHD_Connection *c, const http_req *rq)
{
    enum MHD_Result r = MHD_NO;
    if (check_era(c, "has no sessions", &r) != 0)
        return r;
    http_sess *s = named_session(S, c, rq, &r);
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

typedef struct {
    const char *first;
    int conflict;
} lengths;

static enum MHD_Result each_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    lengths *l = cls;
    if (strcasecmp(key, "Content-Length") != 0 || !value)
        return MHD_YES;
    if (!l->first)
        l->first = value;
    else if (strcmp(l->first, value) != 0)
        l->conflict = 1;
    return MHD_YES;
}

/* Two Content-Length headers that disagree frame the body two ways; a
 * proxy in front may read the other one (RFC 9112 section 6.3). */
static int conflicting_lengths(struct MHD_Connection *c)
{
    lengths l = { 0 };
    MHD_get_connection_values(c, MHD_HEADER_KIND, each_length, &l);
    return l.conflict;
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
    /* /metrics on this address passes the same token checks as /mcp. */
    int metrics_here = S->o.metrics && !S->o.metrics_listen && !strcmp(url, HTTP_METRICS_PATH);
    if (S->oauth) {
        if (http_oauth_precheck(S->oauth, c, url, method, metrics_here ? HTTP_METRICS_PATH : HTTP_ENDPOINT, peer,
                                &rq->claims, r))
            return -1;
        rq->authed = 1;
        rq->owner = http_oauth_owner(S->oauth, &rq->claims);
        if (!rq->owner) {
            *r = http_respond_error(c, 500, NULL, RPC_INTERNAL_ERROR, "out of memory", NULL);
            return -1;
        }
    } else if (!strncmp(url, "/.well-known/oauth", 18) || !strcmp(url, "/register") ||
               !strcmp(url, "/authorize") || !strcmp(url, "/token")) {
        /* A client given a wrong token (mcp-remote, the SDKs) goes looking
         * for OAuth after the 401: tell it, at every place it looks, that
         * there is none and what to send instead. */
        *r = http_respond_error(c, 404, NULL, RPC_INVALID_REQUEST, "Not Found: " HTTP_STATIC_TOKEN_HINT, NULL);
        return -1;
    }
    if (!metrics_here && strcmp(url, HTTP_ENDPOINT) != 0) {
        *r = http_respond_error(c, 404, NULL, RPC_INVALID_REQUEST, "Not Found: the MCP endpoint is " HTTP_ENDPOINT, NULL);
        return -1;
    }
    if (S->token && !http_bearer_ok(http_header(c, "Authorization"), S->token)) {
        static const char *const chal[] = { "WWW-Authenticate", "Bearer realm=\"slicer-mcp\", error=\"invalid_token\", "
                                            "error_description=\"" HTTP_STATIC_TOKEN_HINT "\"", NULL };
        log_msg(LOG_WARNING, "http: %s refused: missing or wrong bearer token", peer);
        mcp_io io = { .transport = "http", .peer = peer };
        mcp_audit_unauthorized(S->m, &io, "missing or wrong bearer token");
        *r = http_respond_error(c, 401, NULL, RPC_INVALID_REQUEST, "Unauthorized: missing or wrong token; "
                                HTTP_STATIC_TOKEN_HINT, chal);
        return -1;
    }
    if (metrics_here) {
        rq->metrics = 1;
        return 0;
    }
    if (strcmp(method, "POST") && strcmp(method, "GET") && strcmp(method, "DELETE")) {
        *r = http_respond_error(c, 405, NULL, RPC_INVALID_REQUEST, "Method Not Allowed", allow_methods);
        return -1;
    }
    const char *cl = http_header(c, "Content-Length");
    if (conflicting_lengths(c)) {
        log_msg(LOG_WARNING, "http: %s refused: conflicting Content-Length headers", peer);
        *r = http_respond_error(c, 400, NULL, RPC_INVALID_REQUEST,
                                "Bad Request: conflicting Content-Length headers", NULL);
        return -1;
    }
    if (!strcmp(method, "POST") && cl && strtoull(cl, NULL, 10) > S->o.max_body) {
        char msg[96];
        snprintf(msg, sizeof msg, "Request body larger than %zu bytes", S->o.max_body);
        metrics_refusal(S->o.metrics, MET_LIMITS);
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
    if (rq->call)                /* woken from the park of its call */
        return http_call_resume(S, c, rq);
    if (*upload_size) {
        if (!rq->too_large && buf_append(&rq->body, upload, *upload_size) != 0)
            rq->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    http_conns_arrived(S->conns, c);
    log_msg(LOG_DEBUG, "http: %s %s from %s (%zu bytes)", method, url, rq->peer, rq->body.len);
    if (rq->metrics)
        return http_metrics_serve(S, c, method);
    if (!strcmp(method, "POST"))
        return http_post(S, c, rq);
    if (!strcmp(method, "GET"))
        return do_get(S, c, rq);
    return do_delete(S, c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    http_srv *S = cls;
    http_conns_finished(S->conns, c);
    http_req *rq = *con_cls;
    if (rq) {
        http_call_release(rq);
        buf_free(&rq->body);
        free(rq->owner);
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
    /* Its limits are a backstop behind http_conns: a refusal is news. */
    log_msg(strstr(msg, "limit") ? LOG_WARNING : LOG_DEBUG, "libmicrohttpd: %s", msg);
}

/* ---- start-up and the idle loop ---- */

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static void fill_defaults(http_opts *o)
{
    if (!o->max_body) o->max_body = HTTP_DEFAULT_MAX_BODY;
    if (!o->max_sessions) o->max_sessions = HTTP_DEFAULT_MAX_SESSIONS;
    if (!o->max_connections) o->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
    if (!o->queue_max) o->queue_max = HTTP_DEFAULT_QUEUE_MAX;
    if (!o->queue_timeout_ms) o->queue_timeout_ms = HTTP_DEFAULT_QUEUE_TIMEOUT;
    if (!o->session_idle_ms) o->session_idle_ms = HTTP_DEFAULT_SESSION_IDLE;
    if (!o->max_per_ip) o->max_per_ip = o->max_connections / 2 ? o->max_connections / 2 : 1;
    if (!o->max_streams) o->max_streams = HTTP_DEFAULT_MAX_STREAMS;
    if (!o->request_timeout_ms) o->request_timeout_ms = HTTP_DEFAULT_REQUEST_TIMEOUT;
}

/* The gate's run for the housekeeping: the idle hook needs the core. */
static void idle_run(gate_ticket *t)
{
    http_srv *S = t->ud;
    char *note = S->o.idle(S->o.idle_ud);
    S->idle_queued = 0;
    if (note) {
        log_msg(LOG_INFO, "http: pushing %.80s to %u session(s)", note, http_sessions_count(S->sessions));
        http_sessions_broadcast(S->sessions, note);
        free(note);
    }
}

static void idle_refused(gate_ticket *t, gate_result why)
{
    (void)why;
    http_srv *S = t->ud;
    S->idle_queued = 0;
}

static void idle_tick(http_srv *S)
{
    http_conns_sweep(S->conns);
    http_sessions_expire(S->sessions);
    http_parking_sweep(S->parking);
    unsigned queued;
    /* One turn at a time: behind a long queue, ticks do not pile up. */
    if (S->o.idle && !S->idle_queued) {
        S->idle_queued = 1;
        if (http_gate_enter(&S->gate, &S->idle, -1, &queued) != GATE_OK)
            S->idle_queued = 0;
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
    http_tls tls;
    if (http_tls_load(S.o.tls_cert, S.o.tls_key, &tls, e) != 0 ||
        (tls.cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)) {
        if (tls.cert)
            err_set(e, ERR_INVALID, "--tls-cert: this libmicrohttpd was built without TLS (GnuTLS)");
        http_tls_free(&tls);
        free(S.token);
        http_oauth_free(S.oauth);
        return -1;
    }
    /* No TLS: the list is only its end. */
    struct MHD_OptionItem tls_opts[] = {
        { tls.cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, tls.key },
        { MHD_OPTION_HTTPS_MEM_CERT, 0, tls.cert },
        { MHD_OPTION_END, 0, NULL },
    };
    const char *scheme = tls.cert ? "https" : "http";
    int loopback = 0;
    char shown[INET6_ADDRSTRLEN + 16];
    int fd = http_listen_on("--http", S.o.listen ? S.o.listen : "127.0.0.1:8765",
                            S.token || S.oauth ? NULL : "HTTP without --token-file or --oauth-issuer: that address "
                            "is reachable from other machines, and anyone reaching it could drive Slicer",
                            &loopback, shown, sizeof shown, e);
    if (fd < 0) {
        http_tls_free(&tls);
        free(S.token);
        http_oauth_free(S.oauth);
        return -1;
    }
    if (http_gate_start(&S.gate, S.o.queue_max) != 0) {
        close(fd);
        http_tls_free(&tls);
        free(S.token);
        http_oauth_free(S.oauth);
        return err_set(e, ERR_INTERNAL, "cannot start the core thread");
    }
    S.idle = (gate_ticket){ .ud = &S, .run = idle_run, .refuse = idle_refused };
    S.parking = http_parking_new(HTTP_SSE_KEEPALIVE_MS);
    S.sessions = S.parking ? http_sessions_new(S.o.max_sessions, S.o.max_streams, S.o.session_idle_ms,
                                               S.parking) : NULL;
    S.conns = http_conns_new(S.o.max_connections, S.o.max_per_ip, S.o.request_timeout_ms, S.o.metrics);
    char mshown[INET6_ADDRSTRLEN + 16] = "";
    int mfail = S.sessions && S.conns && S.o.metrics && S.o.metrics_listen &&
                http_metrics_start(&S, mshown, sizeof mshown, e) != 0;
    /* A few polling threads serve every connection (waiting ones are
     * parked, http_park.h): no thread is started per connection or call.
     * libmicrohttpd checks its own limits before the accept policy, and
     * silently, so they sit above http_conns' (which counts exactly, under
     * one lock), allowing for what its threads are accepting at the same
     * moment: it splits the total among its threads, so each gets the
     * whole plus one; and it counts a connection against its address
     * before asking the policy, so each thread may hold one more there. */
    struct MHD_Daemon *d = !S.sessions || !S.conns || mfail ? NULL : MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
        (tls.cert ? MHD_USE_TLS : 0),
        0, http_conns_accept, S.conns, on_request, &S,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &S,   /* first, so every message goes through it */
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_POOL_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, ((unsigned)S.o.max_connections + 1) * HTTP_POOL_THREADS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)S.o.max_per_ip + HTTP_POOL_THREADS,
        MHD_OPTION_NOTIFY_CONNECTION, http_conns_notify, S.conns,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MAX_HEADER_BYTES,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &S,
        MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    int rc = 0;
    if (!d) {
        close(fd);
        http_gate_stop(&S.gate);
        rc = mfail ? -1 : err_set(e, ERR_INTERNAL, "--http %s: %s", shown,
                                  S.sessions && S.conns ? "libmicrohttpd failed to start" : "out of memory");
    } else {
        struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        fprintf(stderr, "slicer-mcp: listening on %s://%s" HTTP_ENDPOINT "\n", scheme, shown);
        fflush(stderr);
        if (S.o.port_file) {
            FILE *pf = fopen(S.o.port_file, "w");
            if (pf) {
                fprintf(pf, "%s\n", strrchr(shown, ':') + 1);
                if (mshown[0])
                    fprintf(pf, "%s\n", strrchr(mshown, ':') + 1);
                fclose(pf);
            }
        }
        log_msg(LOG_INFO, "http: serving %s%s%s; Host allow-list %s; up to %u sessions, %u streams, "
                "%u queued calls, %u connections (%u per address), %ld ms for a request to arrive",
                loopback ? "loopback" : "a NON-LOOPBACK address", S.token ? " with a bearer token" : S.oauth ? " with OAuth access tokens" : "",
                tls.cert ? " over TLS" : " in clear text",
                S.o.allow_hosts ? "from --allow-host" : "localhost, 127.0.0.1, [::1]", S.o.max_sessions,
                S.o.max_streams, S.o.queue_max, S.o.max_connections, S.o.max_per_ip,
                S.o.request_timeout_ms);
        /* Between ticks the loop waits on the gate, which wakes it when a
         * queued call's time-out is due. */
        double next = mono_ms() + HTTP_IDLE_EVERY_MS;
        while (!stop_signal) {
            http_gate_tick(&S.gate, next);
            if (mono_ms() >= next) {
                idle_tick(&S);
                next = mono_ms() + HTTP_IDLE_EVERY_MS;
            }
        }
        log_msg(LOG_INFO, "http: %s: stopping", strsignal(stop_signal));
        stop_signal = 0;
        http_sessions_stop(S.sessions);
        http_gate_stop(&S.gate);          /* after the call in progress, if any */
        http_parking_stop(S.parking);     /* the daemon must not stop with one suspended */
        /* Let streams send their last event (a listen stream's closing
         * result) before the daemon shuts the sockets. */
        struct timespec step = { 0, 20 * 1000000L };
        for (int i = 0; i < HTTP_STOP_GRACE_MS / 20 && http_sessions_streams(S.sessions); i++)
            nanosleep(&step, NULL);
        MHD_stop_daemon(d);   /* joins the polling threads */
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    http_metrics_stop(&S);   /* before what its page reads is freed */
    http_sessions_free(S.sessions);
    http_parking_free(S.parking);
    http_conns_free(S.conns);
    http_gate_destroy(&S.gate);
    http_tls_free(&tls);
    free(S.token);
    http_oauth_free(S.oauth);
    return rc;
}
