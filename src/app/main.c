/* main: options, load tools.d, connect the core to stdio, run, clean up. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/audit.h"
#include "slicer/backend.h"
#include "app/catalog.h"
#include "transport/http_transport.h"
#include "mcp/jsonrpc.h"
#include "util/log.h"
#include "mcp/mcp.h"
#include "policy/redact.h"
#include "app/reload.h"
#include "app/settings.h"
#include "transport/stdio_transport.h"

#define SLICER_MCP_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_CONFIG = 2 };

/* What the transports' idle hooks need to run a reload between requests. */
typedef struct {
    mcp *m;
    reloader *rl;
    toolset *current;       /* owned; swapped on a good reload */
} serve_state;

/* Runs a due reload; returns the notification to send (caller frees):
 * tools/list_changed after a good one, an error log message after a bad
 * one, NULL when nothing happened. */
static char *reload_step(serve_state *st)
{
    if (!st->rl)
        return NULL;
    toolset *fresh = NULL;
    char *problems = NULL;
    reload_result r = reloader_poll(st->rl, &fresh, &problems);
    if (r == RELOAD_DONE) {
        mcp_set_tools(st->m, fresh);
        tools_free(st->current);
        st->current = fresh;
        return rpc_notification("notifications/tools/list_changed", NULL);
    }
    if (r == RELOAD_FAILED) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "level", "error");
        cJSON_AddStringToObject(p, "logger", "slicer-mcp");
        cJSON *d = cJSON_AddObjectToObject(p, "data");
        cJSON_AddStringToObject(d, "message", "tools.d reload failed; the previous tools stay in service");
        cJSON_AddStringToObject(d, "problems", problems ? problems : "");
        free(problems);
        return rpc_notification("notifications/message", p);
    }
    return NULL;
}

/* SIGTERM/SIGINT over stdio: finish the call in flight, then clean up
 * (flush the audit log, remove the spool folder) and exit 0. */
static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;   /* no SA_RESTART: the idle wait returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static int stdio_idle(void *ud, mcp_session *sess,
                      void (*send)(void *sud, const char *json, size_t len), void *sud)
{
    if (g_stop) {
        log_msg(LOG_NOTICE, "stopping on a signal");
        return 1;
    }
    char *note = reload_step(ud);
    /* Before initialize there is no session to tell. */
    if (note && mcp_session_version(sess))
        send(sud, note, strlen(note));
    free(note);
    return 0;
}

/* ---- HTTP transport (--http) ---- */
static char *http_idle(void *ud) { return reload_step(ud); }

static int fetch_url(void *ud, const char *url, long timeout_ms, buf *out, err *e)
{
    (void)ud;
    return backend_fetch_url(url, timeout_ms, out, e);
}

static int post_form(void *ud, const char *url, const char *form, const char *header, long timeout_ms, buf *out,
                     err *e)
{
    (void)ud;
    return backend_post_form(url, form, header, timeout_ms, out, e);
}

/* The access-token check: against the issuer's keys, or by introspection
 * with the gateway's client credentials.  NULL after saying why. */
static oauth *make_oauth(const settings *s)
{
    err e = { 0 };
    char *id = NULL, *secret = NULL;
    if (s->oauth_client_file && backend_load(&e) != 0) {   /* introspection runs on connection threads */
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
        return NULL;
    }
    if (s->oauth_client_file && introspect_load_client(s->oauth_client_file, &id, &secret, &e) != 0) {
        fprintf(stderr, "slicer-mcp: --oauth-client-file %s: %s\n", s->oauth_client_file, e.msg);
        return NULL;
    }
    oauth_cfg oc = { .issuer = s->oauth_issuer, .audience = s->oauth_audience, .jwks_uri = s->oauth_jwks_uri,
                     .fetch = fetch_url, .introspection_url = s->oauth_introspection_url, .client_id = id,
                     .client_secret = secret, .post = post_form };
    oauth *o = oauth_new(&oc, &e);
    if (secret)
        memset(secret, 0, strlen(secret));
    free(id);
    free(secret);
    if (!o) {
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
        return NULL;
    }
    /* Before any thread: the first fetch loads libcurl (backend.h). */
    oauth_prefetch(o);
    return o;
}

static int serve_http(const settings *s, mcp *m, serve_state *st, metrics *mx)
{
    http_opts ho = {
        .listen = s->http_listen,
        .token_file = s->token_file,
        .tls_cert = s->tls_cert,
        .tls_key = s->tls_key,
        .allow_hosts = s->allow_hosts[0] ? (const char *const *)(const void *)s->allow_hosts : NULL,
        .allow_origins = s->allow_origins[0] ? (const char *const *)(const void *)s->allow_origins : NULL,
        .port_file = s->http_port_file,
        .max_body = (size_t)s->http_max_body,
        .max_sessions = (unsigned)s->http_max_sessions,
        .max_connections = (unsigned)s->http_max_connections,
        .queue_max = (unsigned)s->http_queue_max,
        .queue_timeout_ms = s->http_queue_timeout_ms,
        .session_idle_ms = s->http_session_idle_ms,
        .max_per_ip = (unsigned)s->http_max_per_ip,
        .max_streams = (unsigned)s->http_max_streams,
        .request_timeout_ms = s->http_request_timeout_ms,
        .idle = st->rl ? http_idle : NULL,
        .idle_ud = st,
        .metrics = mx,
        .metrics_listen = s->metrics && strcmp(s->metrics, "on") ? s->metrics : NULL,
        .metrics_allow_remote = s->metrics_allow_remote,
    };
    err e = { 0 };
    if (s->oauth_issuer && !(ho.oauth = make_oauth(s)))
        return EXIT_CONFIG;
    int rc = http_run(m, &ho, &e) == 0 ? EXIT_OK : EXIT_CONFIG;
    if (rc != EXIT_OK)
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);   /* it could not start */
    oauth_free(ho.oauth);
    return rc;
}
/* ---- end of HTTP transport ---- */

/* stderr's lines pass the same rules as everything else that goes out. */
static char *redact_log_line(void *ud, const char *msg, int *failed)
{
    int n = 0;
    char *t = redact_text(ud, msg, &n);
    *failed = n < 0;
    return t;
}

static int serve(const settings *s, toolset **ts_inout)
{
    toolset *ts = *ts_inout;
    err e = { 0 };
    metrics *mx = s->metrics ? metrics_new() : NULL;
    if (s->metrics && !mx) {
        fprintf(stderr, "slicer-mcp: out of memory\n");
        return EXIT_CONFIG;
    }
    backend_opts bo = {
        .base_url = s->slicer_url,
        .connect_timeout_ms = s->connect_timeout_ms,
        .timeout_ms = s->timeout_ms,
        .max_response = (size_t)s->max_response_bytes,
        .metrics = mx,
    };
    backend *b = backend_new(&bo, &e);
    if (!b) {
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
        metrics_free(mx);
        return EXIT_CONFIG;
    }
    spool_opts so = { .dir = s->spool_dir, .group_read = s->spool_group_read };
    spool *sp = spool_open(&so, &e);
    if (!sp) {
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
        backend_free(b);
        metrics_free(mx);
        return EXIT_CONFIG;
    }
    audit *au = NULL;
    redact *rd = NULL;
    if (s->audit_log && !(au = audit_open(s->audit_log,
                                        s->audit_strict ? AUDIT_SYNC_STRICT : AUDIT_SYNC_BACKGROUND, &e)))
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
    else if (s->redact_file && !(rd = redact_load(s->redact_file, &e)))
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
    mcp_config cfg = {
        .server_version = SLICER_MCP_VERSION,
        .page_size = (unsigned)s->page_size,
        .policies = (const char *const *)(const void *)s->policies,
        .spool = sp,
        .audit = au,
        .redact = rd,
        .metrics = mx,
    };
    int configured = (!s->audit_log || au) && (!s->redact_file || rd);
    if (rd)
        log_set_filter(redact_log_line, rd);
    mcp *m = configured ? mcp_new(&cfg, ts, b, &e) : NULL;
    int rc = EXIT_CONFIG;
    if (m) {
        serve_state st = { .m = m, .rl = reloader_new(s->tools_dir, s->schemas_dir, s->watch),
                           .current = ts };
        size_t offered = catalog_offered(ts, s->policies), behind = tools_count(ts) - offered;
        log_msg(LOG_INFO, "serving %zu tool%s over %s (%zu more behind policies that are off); Slicer at %s; "
                "audit log %s; %zu redaction rule%s%s", offered, offered == 1 ? "" : "s",
                s->http_listen ? "HTTP" : "stdio", behind, s->slicer_url, au ? audit_path(au) : "OFF",
                redact_rule_count(rd), redact_rule_count(rd) == 1 ? "" : "s",
                mcp_policy_enabled(m, "exec") ? "; exec ENABLED" : "");
        if (s->http_listen) {
            rc = serve_http(s, m, &st, mx);
        } else {
            catch_stop_signals();
            rc = stdio_run(m, 0, 1, stdio_idle, &st) == 0 ? EXIT_OK : EXIT_CHECK_FAILED;
        }
        /* The set in service may be a reloaded one: hand it back for freeing. */
        *ts_inout = st.current;
        reloader_free(st.rl);
        mcp_free(m);
    } else if (configured) {
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
    }
    audit_close(au);
    log_set_filter(NULL, NULL);
    redact_free(rd);
    spool_close(sp);
    backend_free(b);
    metrics_free(mx);
    return rc;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    settings s;
    err e = { 0 };
    if (settings_parse(&s, argc, argv, &e) != 0) {
        fprintf(stderr, "slicer-mcp: %s\n", e.msg);
        settings_free(&s);
        return EXIT_CONFIG;
    }
    if (s.cmd == CMD_HELP || s.cmd == CMD_VERSION) {
        if (s.cmd == CMD_HELP)
            settings_usage(stdout);
        else
            printf("slicer-mcp %s\n", SLICER_MCP_VERSION);
        settings_free(&s);
        return EXIT_OK;
    }
    if (s.log_level)
        log_set_level((log_level)log_level_parse(s.log_level));
    int problems = 0;
    FILE *report = s.cmd == CMD_CHECK ? stdout : stderr;
    toolset *ts = catalog_load(s.tools_dir, s.schemas_dir, report, &problems);
    int rc;
    if (!ts) {
        fprintf(report, "%s: %d problem%s; %s\n", s.tools_dir, problems, problems == 1 ? "" : "s",
                s.cmd == CMD_SERVE ? "refusing to start" : "no tools loaded");
        rc = s.cmd == CMD_CHECK ? EXIT_CHECK_FAILED : EXIT_CONFIG;
    } else if (s.cmd == CMD_SERVE) {
        rc = serve(&s, &ts);
    } else {
        catalog_print(ts, s.policies, stdout);
        rc = EXIT_OK;
    }
    tools_free(ts);
    settings_free(&s);
    return rc;
}
