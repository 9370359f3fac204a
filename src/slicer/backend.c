/* backend: REST calls to Slicer through libcurl, bounded in time and size.
 *
 * libcurl is loaded with dlopen on the first REST call, not linked: the
 * Debian build pulls in some thirty libraries (GnuTLS and p11-kit among
 * them, with costly constructors) whose loading alone takes about 6 ms,
 * most of a cold start that otherwise answers tools/list in about 1 ms.
 * The type-checking macros of curl.h cannot wrap calls through pointers,
 * so they are off here; every option below is set with its documented
 * argument type. */
#include "slicer/backend.h"

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/connahead.h"
#include "util/mono.h"

/* The libcurl entry points used here, resolved once. */
static struct {
    void *lib;
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *c);
    CURLcode (*easy_perform)(CURL *c);
    CURLcode (*easy_setopt)(CURL *c, CURLoption o, ...);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO i, ...);
    const char *(*easy_strerror)(CURLcode rc);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *m);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *numfds);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    const char *(*multi_strerror)(CURLMcode rc);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
} api;

/* dlsym's object pointer into a function pointer (POSIX guarantees the
 * representations match). */
#define RESOLVE(field, name) \
    do { void *sym_ = dlsym(api.lib, name); \
         if (!sym_) goto missing; \
         memcpy(&api.field, &sym_, sizeof sym_); } while (0)

static int load_curl(err *e)
{
    if (api.lib)
        return 0;
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)   /* macOS ships it in /usr/lib */
        lib = dlopen("libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return err_set(e, ERR_INTERNAL, "cannot load libcurl (Debian package libcurl4): %s",
                       dlerror());
    api.lib = lib;
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(multi_init, "curl_multi_init");
    RESOLVE(multi_cleanup, "curl_multi_cleanup");
    RESOLVE(multi_add_handle, "curl_multi_add_handle");
    RESOLVE(multi_remove_handle, "curl_multi_remove_handle");
    RESOLVE(multi_perform, "curl_multi_perform");
    RESOLVE(multi_poll, "curl_multi_poll");
    RESOLVE(multi_info_read, "curl_multi_info_read");
    RESOLVE(multi_strerror, "curl_multi_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set(e, ERR_INTERNAL, "libcurl: global init failed");
        goto fail;
    }
    return 0;
missing:
    err_set(e, ERR_INTERNAL, "libcurl.so.4 lacks a function slicer-mcp needs: %s", dlerror());
fail:
    dlclose(lib);
    memset(&api, 0, sizeof api);
    return -1;
}

/* Easy handles made ahead, and used ones not yet freed: backend_idle
 * does both between calls, off the path of the reply. */
#define BACKEND_SPARES 4

struct backend {
    CURLM *multi;               /* lives as long as the backend */
    CURL *curl;                 /* the transfer in progress */
    CURL *spare[BACKEND_SPARES];    /* fresh, with the options every call sets */
    CURL *spent[BACKEND_SPARES];    /* used once, to free */
    size_t nspare, nspent;
    size_t used;                /* handles taken since the last backend_idle */
    size_t want;                /* spares to keep: the most used between idles */
    struct curl_slist *headers;
    char *base;
    long connect_ms, total_ms;
    size_t max_response;
    metrics *metrics;
    backend_tick_fn tick;
    void *tick_ud;
    backend_trace *trace;       /* grows to BACKEND_MAX_TRACE */
    size_t ntrace, trace_cap, ncalls;
    connahead *conns;           /* each call's TCP connection */
};

#define TICK_MS 50

/* Per-call state for the curl callbacks. */
struct xfer {
    backend *b;
    backend_resp *r;
    int too_big;
    int cancelled;
    size_t cap;             /* bytes this answer may have */
    const char *kind;       /* what kind of answer, for the message */
    backend_sink_fn sink;   /* NULL: collect into r->body */
    void *sink_ud;
    int sink_failed;
};

backend *backend_new(const backend_opts *o, err *e)
{
    if (strncmp(o->base_url, "http://", 7) != 0 && strncmp(o->base_url, "https://", 8) != 0) {
        err_set(e, ERR_INVALID, "slicer url '%s': must start with http:// or https://", o->base_url);
        return NULL;
    }
    backend *b = calloc(1, sizeof *b);
    if (!b || !(b->base = strdup(o->base_url)) || !(b->conns = connahead_new())) {
        backend_free(b);
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    size_t n = strlen(b->base);
    while (n > 0 && b->base[n - 1] == '/')
        b->base[--n] = '\0';
    b->connect_ms = o->connect_timeout_ms;
    b->total_ms = o->timeout_ms;
    b->max_response = o->max_response;
    b->metrics = o->metrics;
    return b;
}

/* libcurl, the multi handle and the constant header list, on the first
 * call.  curl_easy_perform would make (and free) a multi handle of its own
 * for every transfer, with a socket pair for wake-ups, hash tables and a
 * DNS cache: about a fifth of the gateway's own time per JSON call. */
static int ready(backend *b, err *e)
{
    if (load_curl(e) != 0)
        return -1;
    if (!b->multi && !(b->multi = api.multi_init()))
        return err_set(e, ERR_INTERNAL, "out of memory");
    /* An empty Expect: stops curl from waiting for a 100 Continue that
     * Slicer's hand-written server never sends. */
    if (!b->headers && !(b->headers = api.slist_append(NULL, "Expect:")))
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

void backend_free(backend *b)
{
    if (!b)
        return;
    while (b->nspare)
        api.easy_cleanup(b->spare[--b->nspare]);
    while (b->nspent)
        api.easy_cleanup(b->spent[--b->nspent]);
    if (b->multi)
        api.multi_cleanup(b->multi);
    connahead_free(b->conns);    /* after curl, which may still close sockets through it */
    if (b->headers)
        api.slist_free_all(b->headers);
    free(b->base);
    free(b->trace);
    free(b);
}

void backend_set_tick(backend *b, backend_tick_fn fn, void *ud)
{
    b->tick = fn;
    b->tick_ud = ud;
}


static size_t on_data(char *p, size_t sz, size_t nm, void *ud)
{
    struct xfer *x = ud;
    size_t n = sz * nm;
    if (x->sink) {
        long status = 0;
        api.easy_getinfo(x->b->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status == 200) {
            curl_off_t total = 0;
            api.easy_getinfo(x->b->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &total);
            x->r->streamed += n;
            if (x->sink(x->sink_ud, p, n, total > 0 ? (size_t)total : 0) != 0) {
                x->sink_failed = 1;
                return 0;
            }
            return n;
        }
    }
    if (buf_append(&x->r->body, p, n) != 0) {
        x->too_big = 1;
        return 0;   /* makes curl fail with CURLE_WRITE_ERROR */
    }
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    (void)ultotal;
    (void)ulnow;
    struct xfer *x = ud;
    if (x->b->tick && x->b->tick(x->b->tick_ud, (size_t)dlnow, (size_t)dltotal)) {
        x->cancelled = 1;
        return 1;
    }
    return 0;
}

/* s into dst, cut to fit: snprintf's "%s" without its cost. */
static void copy_cut(char *dst, size_t cap, const char *s)
{
    size_t n = strnlen(s, cap - 1);
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* The first byte splits a call into Slicer's work and the transfer (for
 * a volume, what the gateway's statistics keep up with). */
static void record(backend *b, CURL *c, const char *method, const char *target,
                   long status, size_t bytes, double ms)
{
    metrics_observe(b->metrics, MET_SLICER_SECONDS, ms / 1e3);   /* every call, past the trace's cap too */
    b->ncalls++;
    if (b->ntrace == b->trace_cap) {
        size_t cap = b->trace_cap ? b->trace_cap * 2 : 16;
        backend_trace *more = cap <= BACKEND_MAX_TRACE ? realloc(b->trace, cap * sizeof *more) : NULL;
        if (!more)
            return;             /* listed no further; still counted */
        b->trace = more;
        b->trace_cap = cap;
    }
    backend_trace *t = &b->trace[b->ntrace++];
    copy_cut(t->method, sizeof t->method, method);
    copy_cut(t->target, sizeof t->target, target);
    t->status = status;
    t->bytes = bytes;
    t->ms = ms;
    curl_off_t us = 0;
    api.easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T, &us);
    t->first_byte_ms = (double)us / 1e3;
}

static void describe_failure(const backend *b, CURLcode rc, const struct xfer *x,
                             const char *errbuf, double ms, err *e)
{
    if (x->too_big)
        err_set(e, ERR_LIMIT, "response larger than the %zu-byte limit for %s", x->cap, x->kind);
    else if (x->cancelled)
        err_set(e, ERR_UPSTREAM, "cancelled by the client");
    else if (x->sink_failed)
        err_set(e, ERR_UPSTREAM, "the answer could not be processed");
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        err_set(e, ERR_UPSTREAM, "timed out after %.0f ms (Slicer is busy or not answering)", ms);
    else if (rc == CURLE_COULDNT_CONNECT)
        err_set(e, ERR_UPSTREAM, "connection refused: is Slicer running with its Web Server "
                "started on %s?", b->base);
    else if (rc == CURLE_GOT_NOTHING)
        err_set(e, ERR_UPSTREAM, "Slicer closed the connection without answering");
    else if (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR)
        err_set(e, ERR_UPSTREAM, "the response was cut short (%s)", errbuf[0] ? errbuf : api.easy_strerror(rc));
    else
        err_set(e, ERR_UPSTREAM, "%s", errbuf[0] ? errbuf : api.easy_strerror(rc));
}

/* What curl_easy_perform does, on the long-lived multi handle.  The
 * time-outs are the easy handle's own (CURLOPT_TIMEOUT_MS): curl_multi_poll
 * returns early when one of curl's timers is due.  The 50 ms wait bounds
 * the time between ticks, so a cancelled call stops that soon even when
 * Slicer sends nothing. */
static CURLcode transfer(backend *b, CURL *c, char *errbuf)
{
    CURLMcode mc = api.multi_add_handle(b->multi, c);
    int running = 1;
    while (mc == CURLM_OK) {
        mc = api.multi_perform(b->multi, &running);
        if (mc != CURLM_OK || !running)
            break;
        mc = api.multi_poll(b->multi, NULL, 0, TICK_MS, NULL);
    }
    CURLcode rc = CURLE_OK;
    if (mc != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        snprintf(errbuf, CURL_ERROR_SIZE, "libcurl: %s", api.multi_strerror(mc));
    } else {
        CURLMsg *msg;
        int left;
        rc = CURLE_GOT_NOTHING;
        while ((msg = api.multi_info_read(b->multi, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == c)
                rc = msg->data.result;
    }
    api.multi_remove_handle(b->multi, c);
    return rc;
}

/* A never-used easy handle with the options that are the same for every
 * call.  Never one reused with curl_easy_reset: libcurl 7.88 keeps the
 * previous response's header list across a reset, and an answer whose
 * first header line is an obs-fold continuation (" x") is then unfolded
 * into that freed header (a use-after-free found by
 * tests/fuzz/fuzz_slicer_response).  Connections are never reused anyway;
 * what is worth keeping lives in b->multi. */
static CURL *new_handle(backend *b)
{
    CURL *c = api.easy_init();
    if (!c)
        return NULL;
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_PROXY, "");
    api.easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, b->connect_ms);
    api.easy_setopt(c, CURLOPT_TIMEOUT_MS, b->total_ms);
    api.easy_setopt(c, CURLOPT_HTTPHEADER, b->headers);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    api.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    api.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    api.easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, connahead_open);
    api.easy_setopt(c, CURLOPT_OPENSOCKETDATA, b->conns);
    api.easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, connahead_sockopt);
    api.easy_setopt(c, CURLOPT_SOCKOPTDATA, b->conns);
    api.easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, connahead_close);
    api.easy_setopt(c, CURLOPT_CLOSESOCKETDATA, b->conns);
    return c;
}

static CURL *take_handle(backend *b)
{
    b->used++;
    return b->nspare ? b->spare[--b->nspare] : new_handle(b);
}

/* Freed at the next backend_idle, or now when that never comes soon
 * enough. */
static void retire(backend *b, CURL *c)
{
    b->curl = NULL;
    if (b->nspent < BACKEND_SPARES)
        b->spent[b->nspent++] = c;
    else
        api.easy_cleanup(c);
}

void backend_idle(backend *b)
{
    while (b->nspent)
        api.easy_cleanup(b->spent[--b->nspent]);
    connahead_idle(b->conns);
    if (!b->multi)      /* no call yet: libcurl is not even loaded */
        return;
    if (b->used > b->want)
        b->want = b->used < BACKEND_SPARES ? b->used : BACKEND_SPARES;
    b->used = 0;
    while (b->nspare < b->want && (b->spare[b->nspare] = new_handle(b)) != NULL)
        b->nspare++;
}

static int image_route(const char *target)
{
    static const char *const routes[] = { "/slicer/slice", "/slicer/threeD",
                                          "/slicer/screenshot", "/slicer/timeimage" };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strncmp(target, routes[i], strlen(routes[i])) == 0)
            return 1;
    return 0;
}

/* The cap of a collected answer by its kind: an image, or one to parse.
 * (A streamed answer is the sink's to bound: it knows the NRRD's size.) */
static void answer_cap(const backend *b, const char *target, struct xfer *x)
{
    size_t cap = image_route(target) ? BACKEND_MAX_IMAGE : BACKEND_MAX_JSON;
    x->cap = cap < b->max_response ? cap : b->max_response;
    x->kind = image_route(target) ? "an image" : "a JSON answer";
}

static int perform(backend *b, const char *method, const char *target,
                   const void *body, size_t body_len, backend_sink_fn sink,
                   void *sink_ud, backend_resp *r, err *e)
{
    memset(r, 0, sizeof *r);
    struct xfer x = { .b = b, .r = r, .sink = sink, .sink_ud = sink_ud };
    answer_cap(b, target, &x);
    buf_init(&r->body, x.cap);
    if (ready(b, e) != 0)
        return -1;
    size_t blen = strlen(b->base), tlen = strlen(target);
    char *url = malloc(blen + tlen + 1);
    if (!url)
        return err_set(e, ERR_INTERNAL, "out of memory");
    memcpy(url, b->base, blen);
    memcpy(url + blen, target, tlen + 1);

    CURL *c = take_handle(b);
    if (!c) {
        free(url);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    b->curl = c;
    char errbuf[CURL_ERROR_SIZE] = "";
    api.easy_setopt(c, CURLOPT_URL, url);
    api.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &x);
    api.easy_setopt(c, CURLOPT_XFERINFODATA, &x);
    if (!sink)
        api.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x.cap);
    /* One receive per 256 KiB, not per 16 KiB: a 1 MB slice PNG took about
     * 80 receives and 500 polls with curl's default. */
    api.easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
    api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "GET") != 0 || body_len > 0) {
        api.easy_setopt(c, CURLOPT_POST, 1L);
        api.easy_setopt(c, CURLOPT_POSTFIELDS, body_len ? (const char *)body : "");
        api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    double t0 = mono_ms();
    CURLcode rc = transfer(b, c, errbuf);
    double ms = mono_ms() - t0;
    free(url);
    if (rc != CURLE_OK) {
        if (rc == CURLE_FILESIZE_EXCEEDED)
            x.too_big = 1;
        record(b, c, method, target, 0, r->body.len + r->streamed, ms);
        describe_failure(b, rc, &x, errbuf, ms, e);
        err_prefix(e, "slicer: %s %s", method, target);
        backend_resp_free(r);
        retire(b, c);
        return -1;
    }
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL;
    api.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    copy_cut(r->content_type, sizeof r->content_type, ct ? ct : "");
    record(b, c, method, target, r->status, r->body.len + r->streamed, ms);
    retire(b, c);
    return 0;
}

int backend_call(backend *b, const char *method, const char *target,
                 const void *body, size_t body_len, backend_resp *r, err *e)
{
    return perform(b, method, target, body, body_len, NULL, NULL, r, e);
}

int backend_call_stream(backend *b, const char *method, const char *target,
                        backend_sink_fn sink, void *sink_ud, backend_resp *r, err *e)
{
    return perform(b, method, target, NULL, 0, sink, sink_ud, r, e);
}

void backend_resp_free(backend_resp *r)
{
    if (r)
        buf_free(&r->body);
}

void backend_trace_reset(backend *b) { b->ntrace = b->ncalls = 0; }
size_t backend_trace_count(const backend *b) { return b->ntrace; }
size_t backend_calls_made(const backend *b) { return b->ncalls; }
const backend_trace *backend_trace_at(const backend *b, size_t i)
{
    return i < b->ntrace ? &b->trace[i] : NULL;
}

/* ---- one-off GETs for other parts (the OAuth key set) ---- */

static size_t on_fetch_data(char *p, size_t sz, size_t nm, void *ud)
{
    return buf_append(ud, p, sz * nm) == 0 ? sz * nm : 0;
}

/* A GET, or with form a POST of that urlencoded body; header, when
 * given, is one more request header line. */
static int fetch(const char *url, const char *form, const char *header, long timeout_ms, buf *out, err *e)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return err_set(e, ERR_INVALID, "%s: must start with http:// or https://", url);
    if (load_curl(e) != 0)
        return -1;
    CURL *c = api.easy_init();
    struct curl_slist *hl = NULL;
    if (c && header && !(hl = api.slist_append(NULL, header))) {
        api.easy_cleanup(c);
        c = NULL;
    }
    if (!c)
        return err_set(e, ERR_INTERNAL, "out of memory");
    char errbuf[CURL_ERROR_SIZE] = "";
    if (form) {
        api.easy_setopt(c, CURLOPT_POSTFIELDS, form);
        api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(form));
    }
    if (hl)
        api.easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    api.easy_setopt(c, CURLOPT_URL, url);
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_PROXY, "");
    api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    api.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    api.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    api.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)out->cap);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_fetch_data);
    api.easy_setopt(c, CURLOPT_WRITEDATA, out);
    CURLcode rc = api.easy_perform(c);
    long status = 0;
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    api.easy_cleanup(c);
    api.slist_free_all(hl);
    if (rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_WRITE_ERROR)
        return err_set(e, ERR_LIMIT, "%s: answer larger than %zu bytes", url, out->cap);
    if (rc != CURLE_OK)
        return err_set(e, ERR_UPSTREAM, "%s: %s", url, errbuf[0] ? errbuf : api.easy_strerror(rc));
    if (status != 200)
        return err_set(e, ERR_UPSTREAM, "%s: HTTP status %ld", url, status);
    return 0;
}

int backend_load(err *e)
{
    return load_curl(e);
}

int backend_fetch_url(const char *url, long timeout_ms, buf *out, err *e)
{
    return fetch(url, NULL, NULL, timeout_ms, out, e);
}

int backend_post_form(const char *url, const char *form, const char *header, long timeout_ms, buf *out, err *e)
{
    return fetch(url, form, header, timeout_ms, out, e);
}
