/* stdio_transport: line framing over file descriptors. */
#include "transport/stdio_transport.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"

typedef struct {
    mcp *m;
    mcp_session *s;
    int in, out;
    buf inbuf;          /* bytes read; those before head are handled */
    size_t head;        /* start of the first unhandled line */
    size_t scanned;     /* read-ahead already checked for a cancellation */
    int cancel_seen;    /* the request in flight was cancelled */
    int eof;
    int out_broken;
    int discarding;     /* inside an over-long line: drop until newline */
} stdio_t;

/* The message and its newline in one writev: a large reply is not copied
 * to append the newline.  (iovec wants non-const bases; nothing writes
 * through them.) */
static void send_line(void *ud, const char *json, size_t len)
{
    stdio_t *st = ud;
    if (st->out_broken)
        return;
    struct iovec v[2] = { { (void *)(uintptr_t)json, len }, { (void *)(uintptr_t)"\n", 1 } };
    struct iovec *at = v;
    int left = 2;
    while (left > 0) {
        ssize_t w = writev(st->out, at, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st->out_broken = 1;
            log_msg(LOG_ERROR, "stdout closed: %s", w < 0 ? strerror(errno) : "short write");
            return;
        }
        size_t done = (size_t)w;
        while (left > 0 && done >= at->iov_len) {
            done -= at->iov_len;
            at++;
            left--;
        }
        if (left > 0) {
            at->iov_base = (char *)at->iov_base + done;
            at->iov_len -= done;
        }
    }
}

static void too_long(stdio_t *st)
{
    static const char msg[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                              "\"message\":\"Invalid Request: line longer than the message limit\"}}";
    log_msg(LOG_WARNING, "dropping a line longer than %u bytes", MCP_MAX_MESSAGE);
    send_line(st, msg, sizeof msg - 1);
}

/* Drops the handled lines before head. */
static void compact(stdio_t *st)
{
    if (!st->head)
        return;
    memmove(st->inbuf.data, st->inbuf.data + st->head, st->inbuf.len - st->head);
    st->inbuf.len -= st->head;
    st->inbuf.data[st->inbuf.len] = '\0';
    st->scanned = st->scanned > st->head ? st->scanned - st->head : 0;
    st->head = 0;
}

/* Reads what is available (waiting up to timeout_ms); 0 on progress or
 * time-out, -1 at EOF or error. */
static int fill(stdio_t *st, int timeout_ms)
{
    compact(st);
    struct pollfd p = { .fd = st->in, .events = POLLIN };
    int pr = poll(&p, 1, timeout_ms);
    if (pr <= 0)
        return pr < 0 && errno != EINTR ? -1 : 0;
    char chunk[65536];
    ssize_t r = read(st->in, chunk, sizeof chunk);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (r <= 0) {
        st->eof = 1;
        return -1;
    }
    size_t start = 0;
    if (st->discarding) {
        char *nl = memchr(chunk, '\n', (size_t)r);
        if (!nl)
            return 0;
        st->discarding = 0;
        start = (size_t)(nl - chunk) + 1;
    }
    if (buf_append(&st->inbuf, chunk + start, (size_t)r - start) != 0) {
        /* The pending line outgrew the cap: answer once, drop the rest. */
        char *nl = memchr(chunk + start, '\n', (size_t)r - start);
        buf_reset(&st->inbuf);
        st->scanned = 0;
        too_long(st);
        if (nl)
            buf_append(&st->inbuf, nl + 1, (size_t)(chunk + r - nl - 1));
        else
            st->discarding = 1;
    }
    return 0;
}

/* Read-ahead during a call: is the in-flight request cancelled?  Each
 * line is looked at once (scanned remembers where the last look ended),
 * so a long backlog of pipelined requests costs linear time. */
static int cancelled(void *ud, const cJSON *id)
{
    stdio_t *st = ud;
    if (st->cancel_seen)
        return 1;
    if (!st->eof && st->inbuf.len - st->head < st->inbuf.cap / 2)
        fill(st, 0);
    if (st->scanned < st->head)
        st->scanned = st->head;
    while (st->scanned < st->inbuf.len) {
        const char *p = st->inbuf.data + st->scanned;
        const char *nl = memchr(p, '\n', st->inbuf.len - st->scanned);
        if (!nl)
            break;
        st->scanned += (size_t)(nl - p) + 1;
        if (mcp_is_cancel_for(p, (size_t)(nl - p), id)) {
            st->cancel_seen = 1;
            return 1;
        }
    }
    return 0;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Handles every complete line in the buffer, then drops them at once. */
static void drain(stdio_t *st)
{
    mcp_io io = { .send = send_line, .cancelled = cancelled, .ud = st, .transport = "stdio" };
    char *nl;
    while (!st->out_broken && st->head < st->inbuf.len &&
           (nl = memchr(st->inbuf.data + st->head, '\n', st->inbuf.len - st->head)) != NULL) {
        size_t n = (size_t)(nl - (st->inbuf.data + st->head));
        /* A copy: read-ahead during the call may move the buffer. */
        char *line = malloc(n + 1);
        if (!line)
            break;
        memcpy(line, st->inbuf.data + st->head, n);
        line[n] = '\0';
        st->head += n + 1;
        st->cancel_seen = 0;
        if (!blank(line, n)) {
            mcp_reply rep;
            mcp_handle(st->m, st->s, line, n, &io, &rep);
            if (rep.json)
                send_line(st, rep.json, strlen(rep.json));
            mcp_reply_free(&rep);
        }
        free(line);
    }
    compact(st);
}

int stdio_run(mcp *m, int in_fd, int out_fd, stdio_idle_fn idle, void *idle_ud)
{
    stdio_t st = { .m = m, .in = in_fd, .out = out_fd };
    /* Room for one whole chunk past the limit, so a line is judged by its own
     * length (the core rejects one over MCP_MAX_MESSAGE), not by where a
     * read happened to end. */
    buf_init(&st.inbuf, MCP_MAX_MESSAGE + 65536 + 1);
    st.s = mcp_session_new(m);
    if (!st.s)
        return -1;
    while (!st.out_broken) {
        drain(&st);
        mcp_idle(m);
        if (idle && idle(idle_ud, st.s, send_line, &st))
            break;
        if (st.eof)
            break;
        fill(&st, 500);
    }
    /* A last line without a newline still counts at EOF. */
    if (st.eof && st.inbuf.len && !st.out_broken && !st.discarding) {
        buf_append(&st.inbuf, "\n", 1);
        drain(&st);
    }
    int rc = st.out_broken ? -1 : 0;
    buf_free(&st.inbuf);
    mcp_session_free(st.s);
    return rc;
}
