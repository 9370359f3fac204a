/* test_sim_stream: slicer-sim's streamed GET /slicer/volume.  The NRRD is
 * made a chunk at a time from the poll loop (so volumes past the old
 * 768 MiB buffer cap work); these tests use tiny chunks, which exercise
 * the same path as a 2 GiB volume in milliseconds (make bench runs the
 * big sizes): chunk edges that split values, the Content-Length, other
 * requests answered while a stream stalls, and a volume replaced while
 * its old bytes are still streaming. */
#define _GNU_SOURCE             /* memmem */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"
#include "testlib.h"
#include "sim_testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define VOLUME_GET "GET /slicer/volume?id=vtkMRMLScalarVolumeNode1 HTTP/1.1\r\n\r\n"

/* The voxels as the NRRD body must carry them: int16 little-endian, I
 * fastest, straight from the phantom's array (not through the sim's
 * NRRD code). */
static unsigned char *expected_body(const int dims[3], size_t *n)
{
    sim_volume v;
    if (sim_phantom_mrhead_dims(&v, dims) != 0)
        return NULL;
    size_t nvox = (size_t)dims[0] * dims[1] * dims[2];
    unsigned char *b = malloc(nvox * 2);
    const int16_t *p = v.voxels;
    for (size_t i = 0; b && i < nvox; i++) {
        uint16_t u = (uint16_t)p[i];
        b[2 * i] = (unsigned char)(u & 0xff);
        b[2 * i + 1] = (unsigned char)(u >> 8);
    }
    sim_volume_free(&v);
    *n = nvox * 2;
    return b;
}

/* Checks a whole raw answer: 200, Content-Length equal to the bytes after
 * the head, an NRRD with these sizes and exactly the expected voxels. */
static void check_answer(const char *a, long n, const int dims[3], const char *what)
{
    char sizes[64];
    snprintf(sizes, sizeof sizes, "\nsizes: %d %d %d\n", dims[0], dims[1], dims[2]);
    const char *end = n > 0 ? memmem(a, (size_t)n, "\r\n\r\n", 4) : NULL;
    T_ASSERT(end && strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s: 200 with a head", what);
    const char *cl = strstr(a, "Content-Length: ");
    size_t body = (size_t)(n - (end + 4 - a));
    T_CHECK(cl && cl < end && strtoull(cl + 16, NULL, 10) == body,
            "%s: Content-Length is the %zu bytes sent", what, body);
    const char *nrrd = end + 4;
    const char *blank = memmem(nrrd, body, "\n\n", 2);
    T_ASSERT(blank && strncmp(nrrd, "NRRD0004\n", 9) == 0, "%s: NRRD header", what);
    T_CHECK(memmem(nrrd, (size_t)(blank - nrrd) + 1, sizes, strlen(sizes)) != NULL,
            "%s: %s", what, sizes + 1);
    size_t want_n = 0;
    unsigned char *want = expected_body(dims, &want_n);
    size_t got_n = body - (size_t)(blank + 2 - nrrd);
    T_CHECK(want && got_n == want_n && memcmp(blank + 2, want, want_n) == 0,
            "%s: %zu voxel bytes equal the phantom's (%zu sent)", what, want_n, got_n);
    free(want);
}

/* A chunk of 7 bytes splits a short in every other chunk and the header
 * across chunks. */
static void test_small_chunks_same_bytes(void)
{
    static const char *const args[] = { "--volume-size", "16x20x30", "--stream-chunk", "7", NULL };
    static const int dims[3] = { 16, 20, 30 };
    t_sim *s = t_sim_start(args);
    T_ASSERT(s, "sim");
    char *a = NULL;
    int closed = 0;
    long n = t_raw(t_sim_port(s), VOLUME_GET, strlen(VOLUME_GET), 0, 10000, &a, &closed);
    T_CHECK(closed, "closed after the body");
    check_answer(a, n, dims, "chunk 7");
    free(a);
    t_sim_stop(s);
}

static int connect_send(int port, const char *req)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Everything until the peer closes (10 s without a byte: give up). */
static long read_to_close(int fd, char **out)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (!b || poll(&p, 1, 10000) != 1)
            break;
        if (n == cap) {
            char *nb = realloc(b, cap * 2 + 1);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    if (b)
        b[n] = '\0';
    *out = b;
    return b ? (long)n : -1;
}

/* 8 MiB is more than loopback's socket buffers hold, so a client that
 * does not read stalls the stream part-way; meanwhile the one loop must
 * answer others, and a POST that replaces the volume must neither free
 * nor change the bytes still to go out. */
static void test_stalled_stream_and_replaced_volume(void)
{
    static const char *const args[] = { "--volume-size", "256x256x64", "--stream-chunk", "4096",
                                        NULL };
    static const int dims[3] = { 256, 256, 64 };
    t_sim *s = t_sim_start(args);
    T_ASSERT(s, "sim");
    int fd = connect_send(t_sim_port(s), VOLUME_GET);
    T_ASSERT(fd >= 0, "connect");
    t_sleep_ms(200);                /* the stream fills the socket buffers */
    t_resp r;
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 200, "answered while the stream stalls");
    t_resp_free(&r);

    static const char head[] =
        "NRRD0004\ntype: short\ndimension: 3\nspace: left-posterior-superior\n"
        "sizes: 2 2 2\nspace directions: (1,0,0) (0,1,0) (0,0,1)\n"
        "kinds: domain domain domain\nendian: little\nencoding: raw\nspace origin: (0,0,0)\n\n";
    char post[sizeof head - 1 + 16];
    memcpy(post, head, sizeof head - 1);
    memset(post + sizeof head - 1, 1, 16);
    long st = su_call(s, "POST", "/slicer/volume?id=vtkMRMLScalarVolumeNode1", post, sizeof post,
                      &r);
    T_CHECK(st == 200 && r.body && strstr(r.body, "success"), "volume replaced mid-stream (%ld)", st);
    t_resp_free(&r);

    char *a = NULL;
    long n = read_to_close(fd, &a);
    close(fd);
    check_answer(a, n, dims, "stalled stream");
    free(a);

    static const int small[3] = { 2, 2, 2 };
    char *b = NULL;
    int closed = 0;
    n = t_raw(t_sim_port(s), VOLUME_GET, strlen(VOLUME_GET), 0, 10000, &b, &closed);
    const char *sz = b ? strstr(b, "\nsizes: ") : NULL;
    T_CHECK(sz && strncmp(sz, "\nsizes: 2 2 2\n", 14) == 0 && n > 16 &&
            memcmp(b + n - 16, "\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1", 16) == 0,
            "the next GET sends the new %dx%dx%d volume", small[0], small[1], small[2]);
    free(b);
    t_sim_stop(s);
}

int main(void)
{
    t_run("small_chunks_same_bytes", test_small_chunks_same_bytes);
    t_run("stalled_stream_and_replaced_volume", test_stalled_stream_and_replaced_volume);
    return t_done();
}
