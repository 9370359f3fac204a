/* sim_http: raw sockets + poll() framing of Slicer's WebServer. */
#include "sim_http.h"
#include "sim_buf.h"
#include "sim_log.h"
#include "sim_pyjson.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum conn_state { C_READ, C_SILENT, C_WAIT, C_WRITE };

typedef struct {
    int fd;
    enum conn_state state;
    sim_buf in;
    unsigned char *out;          /* the head, then one chunk of a streamed body */
    size_t out_len, out_off;
    sim_body_src *src;           /* the streamed body, or NULL */
    size_t src_left;             /* its bytes not yet read */
    long due_ms;
    /* for the log line */
    char method[16];
    char *target;
    int status;
    size_t bytes, body_bytes;
    char *code;
    const char *fault;
    int control;
    int logged;
} conn;

static size_t stream_chunk = SIM_HTTP_CHUNK;
static long service_mean_us, service_jitter_us;
static unsigned long long service_rng = 0x9E3779B97F4A7C15ull;   /* fixed: runs repeat */

void sim_http_set_service_time(long mean_us, long jitter_us)
{
    service_mean_us = mean_us;
    service_jitter_us = jitter_us < mean_us ? jitter_us : mean_us;
}

void sim_http_set_chunk(size_t chunk)
{
    stream_chunk = chunk ? chunk : SIM_HTTP_CHUNK;
}

void sim_resp_clear_body(sim_resp *r)
{
    free(r->body);
    r->body = NULL;
    if (r->src)
        r->src->done(r->src);
    r->src = NULL;
    r->len = 0;
}

/* The whole loop stalls, as Slicer's event loop does while a Python
 * handler runs, and it keeps a CPU busy as the handler does.  A sleep
 * did neither, and its wake-up on a VM came late: direct calls to a
 * 2:0.2 ms stand-in took 3.4-3.9 ms at p99 and 6-8 ms at most; spinning,
 * 2.6-2.7 and 3.6-3.9 (tests/bench/README.md). */
static void serve_time(void)
{
    if (service_mean_us <= 0)
        return;
    long us = service_mean_us;
    if (service_jitter_us > 0) {
        service_rng ^= service_rng << 13;
        service_rng ^= service_rng >> 7;
        service_rng ^= service_rng << 17;
        us += (long)(service_rng % (unsigned long long)(2 * service_jitter_us + 1)) - service_jitter_us;
    }
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long until = (long long)t.tv_sec * 1000000000LL + t.tv_nsec + us * 1000LL;
    do
        clock_gettime(CLOCK_MONOTONIC, &t);
    while ((long long)t.tv_sec * 1000000000LL + t.tv_nsec < until);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int sim_http_listen(int port, int *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    *bound = ntohs(sa.sin_port);
    return fd;
}

static void conn_log(conn *c)
{
    if (c->logged)
        return;
    c->logged = 1;
    sim_log_entry e = {
        .method = c->method, .target = c->target, .status = c->status,
        .bytes = c->bytes, .body_bytes = c->body_bytes, .code = c->code,
        .fault = c->fault, .control = c->control,
    };
    sim_log_write(&e);
}

/* Logs a request that was dropped half-read, if it had any bytes. */
static void conn_close(conn *c)
{
    if (!c->logged && c->in.n > 0 && c->state == C_READ) {
        if (!c->target) {
            /* name what we can of the half-read request line */
            size_t ll = 0;
            while (ll < c->in.n && ll < 4096 && c->in.p[ll] != '\r' && c->in.p[ll] != '\n')
                ll++;
            const unsigned char *sp = memchr(c->in.p, ' ', ll);
            if (sp && (size_t)(sp - c->in.p) < sizeof c->method) {
                size_t ml = (size_t)(sp - c->in.p);
                memcpy(c->method, c->in.p, ml);
                c->method[ml] = '\0';
                const unsigned char *t = sp + 1;
                const unsigned char *sp2 = memchr(t, ' ', ll - ml - 1);
                size_t tl = sp2 ? (size_t)(sp2 - t) : ll - ml - 1;
                c->target = strndup((const char *)t, tl);
            }
        }
        conn_log(c);
    }
    close(c->fd);
    sim_buf_free(&c->in);
    free(c->out);
    if (c->src)
        c->src->done(c->src);
    free(c->target);
    free(c->code);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default:  return "OK";
    }
}

/* Turns the handler's answer into the exact bytes Slicer would write: a
 * streamed body goes out after the head, one chunk per write wake-up,
 * with the same Content-Length (Slicer builds the whole body first). */
static void frame(conn *c, sim_resp *r)
{
    sim_buf b = {0};
    size_t body = 0;
    if (r->action == SIM_SEND && r->len == 0)
        r->action = SIM_BARE404;          /* Slicer: empty body => 404 */
    switch (r->action) {
    case SIM_SEND:
        sim_buf_printf(&b, "HTTP/1.1 %d %s\r\n", r->status, reason(r->status));
        if (r->cors)
            sim_buf_puts(&b, "Access-Control-Allow-Origin: *\r\n");
        sim_buf_printf(&b, "Content-Type: %s\r\n", r->ctype);
        sim_buf_printf(&b, "Content-Length: %zu\r\n", r->len);
        sim_buf_puts(&b, "Cache-Control: no-cache\r\n\r\n");
        body = r->truncate ? r->len / 2 : r->len;
        if (r->src) {
            c->src = r->src;
            c->src_left = body;
            r->src = NULL;
        } else {
            sim_buf_add(&b, r->body, body);
        }
        c->status = r->status;
        break;
    case SIM_BARE404:
        sim_buf_puts(&b, "HTTP/1.1 404 Not Found\r\n\r\n");
        c->status = 404;
        break;
    case SIM_OPTIONS:
        sim_buf_puts(&b, "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n");
        if (r->cors)
            sim_buf_puts(&b, "Access-Control-Allow-Origin: *\r\n"
                             "Access-Control-Allow-Methods: POST, GET, OPTIONS, DELETE, PUT\r\n"
                             "Access-Control-Allow-Headers: Accept\r\n"
                             "Access-Control-Max-Age: 86400\r\n");
        c->status = 204;
        break;
    default:
        break;
    }
    c->bytes = body;
    if (b.failed) {
        /* past SIM_BUF_MAX: close unanswered rather than send a
         * Content-Length with no body behind it */
        sim_buf_free(&b);
        c->status = 0;
        c->src_left = 0;
    }
    c->out = sim_buf_take(&b, &c->out_len);
    c->out_off = 0;
}

/* Applies Slicer's request-line rules; 0 if the request goes to the
 * handler, -1 if Slicer would stay silent. */
static int parse_request_line(conn *c, size_t head_end, char **method,
                              char **target, char **version)
{
    const unsigned char *p = c->in.p;
    const unsigned char *eol = memchr(p, '\r', head_end + 2);
    size_t ll = eol ? (size_t)(eol - p) : head_end;
    if (memchr(p, '\0', ll))
        return -1;
    char *line = malloc(ll + 1);
    if (!line)
        return -1;
    memcpy(line, p, ll);
    line[ll] = '\0';
    char *s1 = strchr(line, ' ');
    char *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;
    if (!s1 || !s2 || strchr(s2 + 1, ' ')) {
        /* Python's 3-way unpacking raises; nothing is answered */
        if (s1 && (size_t)(s1 - line) < sizeof c->method) {
            memcpy(c->method, line, (size_t)(s1 - line));
            c->method[s1 - line] = '\0';
        }
        c->target = strdup(s1 ? s1 + 1 : line);
        free(line);
        return -1;
    }
    *s1 = *s2 = '\0';
    snprintf(c->method, sizeof c->method, "%s", line);
    c->target = strdup(s1 + 1);
    *method = line;
    *target = s1 + 1;
    *version = s2 + 1;
    return 0;
}

/* Finds the body length the way WebServer.py does: the case-sensitive
 * text "Content-Length:", its value up to the next CRLF.  Returns 0 with
 * *len (0 if the header is absent), or -1 if Python's int() would raise. */
static int content_length(const unsigned char *p, size_t head_len, size_t *len)
{
    static const char tag[] = "Content-Length:";
    *len = 0;
    for (size_t i = 0; i + sizeof tag - 1 <= head_len; i++) {
        if (memcmp(p + i, tag, sizeof tag - 1) != 0)
            continue;
        size_t v = i + sizeof tag - 1, e = v;
        while (e + 1 < head_len + 2 && !(p[e] == '\r' && p[e + 1] == '\n'))
            e++;
        char num[64];
        size_t nl = e - v < sizeof num - 1 ? e - v : sizeof num - 1;
        memcpy(num, p + v, nl);
        num[nl] = '\0';
        long long n;
        if (pyj_parse_int(num, &n) != 0 || n < 0)
            return -1;
        *len = (size_t)n;
        return 0;
    }
    return 0;
}

static void go_silent(conn *c, const char *why)
{
    c->state = C_SILENT;
    c->status = 0;
    c->fault = why;
    conn_log(c);
}

/* Called after every read: handles the request once it is complete. */
static void try_handle(conn *c, sim_handler_fn fn, void *ud)
{
    const unsigned char *p = c->in.p;
    size_t head_end = 0;
    int found = 0;
    for (size_t i = 0; i + 4 <= c->in.n; i++) {
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n') {
            head_end = i;
            found = 1;
            break;
        }
    }
    if (!found) {
        if (c->in.n > SIM_HTTP_HEADER_MAX)
            conn_close(c);
        return;
    }
    size_t blen;
    if (content_length(p, head_end + 2, &blen) != 0) {
        go_silent(c, "bad-content-length");
        return;
    }
    if (blen > SIM_HTTP_BODY_MAX) {
        conn_close(c);
        return;
    }
    if (c->in.n < head_end + 4 + blen)
        return;                         /* wait for the rest of the body */
    c->body_bytes = blen;
    char *line = NULL, *method = NULL, *target = NULL, *version = NULL;
    if (parse_request_line(c, head_end, &method, &target, &version) != 0) {
        go_silent(c, NULL);
        return;
    }
    line = method;
    static const char *const ok[] = { "GET", "POST", "PUT", "DELETE", "OPTIONS" };
    int allowed = 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        allowed |= strcmp(method, ok[i]) == 0;
    if (strcmp(version, "HTTP/1.1") != 0 || !allowed) {
        free(line);
        go_silent(c, NULL);
        return;
    }
    sim_req req = { method, target, blen ? p + head_end + 4 : NULL, blen };
    sim_resp r;
    memset(&r, 0, sizeof r);
    fn(ud, &req, &r);
    if (!r.control)
        serve_time();
    free(line);
    c->code = r.code;
    c->fault = r.fault;
    c->control = r.control;
    if (r.action == SIM_SILENT) {
        sim_resp_clear_body(&r);
        go_silent(c, r.fault);
        return;
    }
    if (r.action == SIM_DROP) {
        sim_resp_clear_body(&r);
        c->status = 0;
        conn_log(c);
        conn_close(c);
        return;
    }
    frame(c, &r);
    sim_resp_clear_body(&r);
    sim_buf_free(&c->in);
    if (r.delay_ms > 0) {
        c->state = C_WAIT;
        c->due_ms = now_ms() + r.delay_ms;
    } else {
        c->state = C_WRITE;
    }
}

static void on_readable(conn *c, sim_handler_fn fn, void *ud)
{
    unsigned char buf[65536];
    ssize_t r = read(c->fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r <= 0) {
        conn_close(c);
        return;
    }
    if (c->state != C_READ)
        return;                         /* silent: discard */
    if (sim_buf_add(&c->in, buf, (size_t)r) != 0) {
        conn_close(c);
        return;
    }
    try_handle(c, fn, ud);
}

/* The next chunk of the streamed body into c->out; 0, or -1 to cut. */
static int refill(conn *c)
{
    size_t n = c->src_left < stream_chunk ? c->src_left : stream_chunk;
    if (c->out_len < stream_chunk) {
        /* the first chunk: the head's buffer is too small for it */
        free(c->out);
        c->out = malloc(stream_chunk);
        c->out_len = 0;
        if (!c->out)
            return -1;
    }
    if (c->src->read(c->src, c->out, n) != 0)
        return -1;
    c->src_left -= n;
    c->out_len = n;
    c->out_off = 0;
    return 0;
}

/* Writes what the socket takes; a streamed body gets one chunk per
 * wake-up, so the one loop goes on reading and answering the other
 * connections while a big answer drains. */
static void on_writable(conn *c)
{
    /* Log before the last byte leaves: a client holding its answer can
     * then always find the line (it need not wait for the close). */
    conn_log(c);
    if (c->out_off == c->out_len && c->src_left > 0 && refill(c) != 0) {
        conn_close(c);
        return;
    }
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (w <= 0) {
            conn_close(c);
            return;
        }
        c->out_off += (size_t)w;
    }
    if (c->src_left > 0)
        return;
    conn_close(c);
}

int sim_http_run(int lfd, int wake_fd, sim_handler_fn fn, void *ud, volatile sig_atomic_t *stop)
{
    conn *cs = calloc(SIM_HTTP_MAX_CONNS, sizeof *cs);
    struct pollfd *pf = calloc(SIM_HTTP_MAX_CONNS + 2, sizeof *pf);
    int *idx = calloc(SIM_HTTP_MAX_CONNS + 2, sizeof *idx);
    if (!cs || !pf || !idx) {
        free(cs); free(pf); free(idx);
        return -1;
    }
    for (int i = 0; i < SIM_HTTP_MAX_CONNS; i++)
        cs[i].fd = -1;
    int rc = 0, nconn = 0;
    while (!*stop) {
        int n = 0, timeout = -1;
        long now = now_ms();
        pf[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
        idx[n++] = -2;
        if (nconn < SIM_HTTP_MAX_CONNS) {
            pf[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
            idx[n++] = -1;
        }
        for (int i = 0; i < SIM_HTTP_MAX_CONNS; i++) {
            conn *c = &cs[i];
            if (c->fd < 0)
                continue;
            if (c->state == C_WAIT) {
                if (c->due_ms <= now) {
                    c->state = C_WRITE;
                } else {
                    long left = c->due_ms - now;
                    if (timeout < 0 || left < timeout)
                        timeout = (int)left;
                    continue;
                }
            }
            pf[n] = (struct pollfd){ .fd = c->fd,
                                     .events = c->state == C_WRITE ? POLLOUT : POLLIN };
            idx[n++] = i;
        }
        int pr = poll(pf, (nfds_t)n, timeout);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        for (int k = 0; k < n && !*stop; k++) {
            if (!pf[k].revents || idx[k] == -2)     /* the wake-up: *stop is set */
                continue;
            if (idx[k] < 0) {
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0)
                    continue;
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                for (int i = 0; i < SIM_HTTP_MAX_CONNS; i++) {
                    if (cs[i].fd < 0) {
                        memset(&cs[i], 0, sizeof cs[i]);
                        cs[i].fd = fd;
                        cs[i].state = C_READ;
                        fd = -1;
                        break;
                    }
                }
                if (fd >= 0)
                    close(fd);
                continue;
            }
            conn *c = &cs[idx[k]];
            if (c->fd < 0)
                continue;
            if (c->state == C_WRITE)
                on_writable(c);
            else
                on_readable(c, fn, ud);
        }
        nconn = 0;
        for (int i = 0; i < SIM_HTTP_MAX_CONNS; i++)
            nconn += cs[i].fd >= 0;
    }
    for (int i = 0; i < SIM_HTTP_MAX_CONNS; i++)
        if (cs[i].fd >= 0)
            conn_close(&cs[i]);
    free(cs);
    free(pf);
    free(idx);
    return rc;
}
