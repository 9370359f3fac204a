/* fuzz_slicer_response: arbitrary bytes as Slicer's whole HTTP answer
 * (status line, headers, body) to a tools/call, end to end through the
 * core: backend_call (libcurl, the byte cap, the time-out), call.c's
 * judgement of status and body (Slicer's error JSON, the single-quoted
 * answer, PNG re-encoding, the adapters' JSON reading, the NRRD stream of
 * get_volume_statistics).  A loopback server on a thread of this process
 * answers every connection with the fuzzed bytes and closes, so a
 * multi-call adapter sees the same answer each time.  The first byte
 * picks the tool call; the reply must be a JSON-RPC result. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "mcp/mcp.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *answer;
static size_t answer_len;

/* Reads the request head and its Content-Length body (so closing does not
 * reset a connection holding unread bytes), waiting at most 200 ms. */
static void read_request(int fd)
{
    char buf[65536];
    size_t n = 0;
    long want = -1;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 200) <= 0)
            return;
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            return;
        n += (size_t)r;
        buf[n] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && want < 0) {
            char *cl = strstr(buf, "Content-Length:");
            want = (long)(end + 4 - buf) + (cl && cl < end ? atol(cl + 15) : 0);
        }
        if ((want >= 0 && (long)n >= want) || n == sizeof buf - 1)
            return;
    }
}

static void *serve(void *arg)
{
    int ls = *(int *)arg;
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        read_request(fd);
        pthread_mutex_lock(&lock);
        size_t off = 0;
        while (off < answer_len) {
            ssize_t w = send(fd, answer + off, answer_len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        pthread_mutex_unlock(&lock);
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    return NULL;
}

static const char *const calls[] = {
    "{\"name\":\"get_slicer_info\",\"arguments\":{}}",
    "{\"name\":\"list_nodes\",\"arguments\":{\"class\":\"vtkMRMLVolumeNode\"}}",
    "{\"name\":\"get_node_properties\",\"arguments\":{\"node_id\":\"vtkMRMLSliceNodeRed\"}}",
    "{\"name\":\"list_volumes\",\"arguments\":{}}",
    "{\"name\":\"get_volume_info\",\"arguments\":{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}}",
    "{\"name\":\"get_slice_png\",\"arguments\":{\"view\":\"red\",\"max_size\":32}}",
    "{\"name\":\"get_slice_png\",\"arguments\":{\"view\":\"green\",\"orientation\":\"axial\",\"position\":0.5}}",
    "{\"name\":\"set_slice_offset\",\"arguments\":{\"view\":\"yellow\",\"offset_mm\":0}}",
    "{\"name\":\"get_markups\",\"arguments\":{}}",
    "{\"name\":\"capture_3d_view\",\"arguments\":{\"max_size\":16}}",
    "{\"name\":\"capture_screenshot\",\"arguments\":{}}",
    "{\"name\":\"set_layout\",\"arguments\":{\"layout\":\"FourUp\"}}",
    "{\"name\":\"get_volume_statistics\",\"arguments\":{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}}",
    "{\"name\":\"place_markups\",\"arguments\":{\"type\":\"line\",\"points\":[{\"r\":1,\"a\":2,\"s\":3},{\"r\":4,\"a\":5,\"s\":6}]}}",
};

static int never_cancelled(void *ud, const cJSON *id)
{
    (void)ud;
    (void)id;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mcp *m;
    static mcp_session *s;
    static const mcp_io io = { .cancelled = never_cancelled, .transport = "stdio" };
    if (!m) {
        log_set_level(LOG_EMERGENCY);
        static int ls;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t alen = sizeof a;
        ls = socket(AF_INET, SOCK_STREAM, 0);
        if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 16) != 0 ||
            getsockname(ls, (struct sockaddr *)&a, &alen) != 0)
            abort();
        pthread_t th;
        pthread_create(&th, NULL, serve, &ls);
        static char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(a.sin_port));
        err e = { 0 };
        backend_opts bo = { .base_url = url, .connect_timeout_ms = 500, .timeout_ms = 500,
                            .max_response = 1u << 20 };
        backend *b = backend_new(&bo, &e);
        spool_opts so = { 0 };
        mcp_config cfg = { .server_version = "fuzz", .spool = spool_open(&so, &e) };
        if (!cfg.spool)
            abort();
        m = b ? mcp_new(&cfg, fuzz_tools(), b, &e) : NULL;
        if (!m)
            abort();
        s = mcp_session_new(m);
        static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}";
        mcp_reply r;
        mcp_handle(m, s, init, sizeof init - 1, &io, &r);
        mcp_reply_free(&r);
    }
    if (size < 1)
        return 0;
    pthread_mutex_lock(&lock);
    answer = data + 1;
    answer_len = size - 1;
    pthread_mutex_unlock(&lock);
    char line[1024];
    int n = snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":%s}",
                     calls[data[0] % (sizeof calls / sizeof calls[0])]);
    mcp_reply r;
    mcp_handle(m, s, line, (size_t)n, &io, &r);
    cJSON *j = r.json ? cJSON_Parse(r.json) : NULL;
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(res, "content")))
        abort();   /* whatever Slicer sends, the model gets a tool result */
    cJSON_Delete(j);
    mcp_reply_free(&r);
    mcp_idle(m);    /* as the transports do: the next input gets a handle made ahead */
    pthread_mutex_lock(&lock);
    answer = NULL;
    answer_len = 0;
    pthread_mutex_unlock(&lock);
    return 0;
}
