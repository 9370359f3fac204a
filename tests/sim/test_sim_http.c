/* test_sim_http: slicer-sim's wire framing against raw sockets: exact
 * header bytes and order, close after every answer, bare 404, silence for
 * HTTP/1.0 and unknown methods, Content-Length rules, OPTIONS, hostile
 * input, concurrency, the request log and clean shutdown. */
#include "testlib.h"
#include "sim_testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static t_sim *S;       /* exec on, small volume */
static t_sim *SC;      /* CORS on */

static const char *const k_args[] = { "--enable-exec", "--volume-size", "32", NULL };
static const char *const k_cors[] = { "--enable-cors", "--volume-size", "32", NULL };

static void test_exact_header_bytes(void)
{
    int closed;
    char *out = su_raw(S, "GET /slicer/system/version HTTP/1.1\r\nHost: x\r\n\r\n", 2000, &closed);
    T_ASSERT(out != NULL, "connect");
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
    T_CHECK(strncmp(out, head, sizeof head - 1) == 0, "header start: %.120s", out);
    char *cl = out + sizeof head - 1;
    long n = strtol(cl, &cl, 10);
    T_CHECK(strncmp(cl, "\r\nCache-Control: no-cache\r\n\r\n", 29) == 0, "header end: %.60s", cl);
    T_CHECK((long)strlen(cl + 29) == n, "body length %zu vs Content-Length %ld", strlen(cl + 29), n);
    T_CHECK(strncmp(cl + 29, "{\"applicationName\": \"Slicer\", ", 30) == 0, "python separators");
    T_CHECK(strstr(out, "Date:") == NULL && strstr(out, "Server:") == NULL &&
            strstr(out, "Connection:") == NULL, "no extra headers");
    T_CHECK(closed, "connection closed after the response");
    free(out);
}

static void test_cors_header_order(void)
{
    int closed;
    char *out = su_raw(SC, "GET /slicer/mrml/ids?class=vtkMRMLScalarVolumeNode HTTP/1.1\r\n\r\n",
                       2000, &closed);
    T_ASSERT(out != NULL, "connect");
    T_CHECK(strncmp(out, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
                         "Content-Type: application/json\r\nContent-Length: ", 96) == 0,
            "CORS line before Content-Type: %.100s", out);
    free(out);
    out = su_raw(S, "GET /slicer/mrml/ids HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && strstr(out, "Access-Control") == NULL, "no CORS header by default");
    free(out);
}

static void test_error_500_framing(void)
{
    int closed;
    char *out = su_raw(S, "GET /slicer/nope HTTP/1.1\r\n\r\n", 2000, &closed);
    T_ASSERT(out != NULL, "connect");
    const char *want = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                       "Content-Length: 75\r\nCache-Control: no-cache\r\n\r\n"
                       "{\"success\": false, \"message\": \"Server error: unknown command \\\"b'/nope'\\\"\"}";
    T_CHECK(strcmp(out, want) == 0, "got %s", out);
    T_CHECK(closed, "closed");
    free(out);
}

static void test_bare_404(void)
{
    int closed;
    char *out = su_raw(S, "GET /slicer/exec HTTP/1.1\r\n\r\n", 2000, &closed);
    T_ASSERT(out != NULL, "connect");
    T_CHECK(strcmp(out, "HTTP/1.1 404 Not Found\r\n\r\n") == 0, "got '%s'", out);
    T_CHECK(closed, "closed after bare 404");
    free(out);
    T_CHECK(su_log_has(S, "\"target\":\"/slicer/exec\",\"status\":404"), "404 logged");
}

static void test_http10_unanswered(void)
{
    int closed;
    long t0 = su_now_ms();
    char *out = su_raw(S, "GET /slicer/system/version HTTP/1.0\r\n\r\n", 300, &closed);
    T_ASSERT(out != NULL, "connect");
    T_CHECK(out[0] == '\0', "no answer to HTTP/1.0, got '%s'", out);
    T_CHECK(!closed, "socket stays open");
    T_CHECK(su_now_ms() - t0 >= 280, "waited out the timeout");
    free(out);
    T_CHECK(su_log_has(S, "\"method\":\"GET\",\"target\":\"/slicer/system/version\",\"status\":0"),
            "unanswered request logged with status 0");
}

static void test_head_patch_unanswered(void)
{
    static const char *const reqs[] = {
        "HEAD /slicer/system/version HTTP/1.1\r\n\r\n",
        "PATCH /slicer/mrml HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "get /slicer/system/version HTTP/1.1\r\n\r\n",
        "GET  /slicer/system/version HTTP/1.1\r\n\r\n",
        "GET /slicer/system/version HTTP/1.1 extra\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        int closed;
        char *out = su_raw(S, reqs[i], 250, &closed);
        T_CHECK(out && out[0] == '\0' && !closed, "request %zu answered or closed: '%s'", i,
                out ? out : "(null)");
        free(out);
    }
}

static void test_lowercase_content_length_drops_body(void)
{
    int closed;
    char *out = su_raw(S, "POST /slicer/exec HTTP/1.1\r\ncontent-length: 5\r\n\r\nx = 1", 2000, &closed);
    T_CHECK(out && strcmp(out, "HTTP/1.1 404 Not Found\r\n\r\n") == 0,
            "body dropped => exec without code => 404, got '%s'", out ? out : "");
    free(out);
    out = su_raw(S, "POST /slicer/exec HTTP/1.1\r\nContent-Length: 5\r\n\r\ny = 2", 2000, &closed);
    T_CHECK(out && strstr(out, "HTTP/1.1 200 OK\r\n") == out && strstr(out, "\r\n\r\n{}"),
            "Content-Length body executed: '%s'", out ? out : "");
    free(out);
    T_CHECK(su_log_has(S, "\"code\":\"y = 2\""), "code logged");
    T_CHECK(!su_log_has(S, "\"code\":\"x = 1\""), "dropped body not logged as code");
}

static void test_content_length_waits_for_body(void)
{
    /* a declared body that never fully arrives is never answered */
    int closed;
    char *out = su_raw(S, "POST /slicer/exec HTTP/1.1\r\nContent-Length: 50\r\n\r\nshort", 250, &closed);
    T_CHECK(out && out[0] == '\0' && !closed, "no answer while body incomplete");
    free(out);
}

static void test_options_bytes(void)
{
    int closed;
    char *out = su_raw(S, "OPTIONS /slicer/mrml HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && strcmp(out, "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n") == 0,
            "OPTIONS bytes: '%s'", out ? out : "");
    T_CHECK(closed, "closed after OPTIONS");
    free(out);
    out = su_raw(SC, "OPTIONS /slicer/mrml HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && strcmp(out, "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n"
                               "Access-Control-Allow-Origin: *\r\n"
                               "Access-Control-Allow-Methods: POST, GET, OPTIONS, DELETE, PUT\r\n"
                               "Access-Control-Allow-Headers: Accept\r\n"
                               "Access-Control-Max-Age: 86400\r\n") == 0,
            "OPTIONS with CORS: '%s'", out ? out : "");
    free(out);
}

static void test_options_before_58_unanswered(void)
{
    static const char *const a[] = { "--version-string", "5.6.2", "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    int closed;
    char *out = su_raw(s, "OPTIONS /slicer/mrml HTTP/1.1\r\n\r\n", 250, &closed);
    T_CHECK(out && out[0] == '\0' && !closed, "5.6 ignores OPTIONS: '%s'", out ? out : "");
    free(out);
    t_sim_stop(s);
}

static void test_garbage_then_normal(void)
{
    static const char junk[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello?\r\n\r\n";
    char *out = NULL;
    int closed;
    t_raw(t_sim_port(S), junk, sizeof junk - 1, 0, 200, &out, &closed);
    free(out);
    t_raw(t_sim_port(S), "\0\0\0\0\r\n\r\n", 8, 1, 200, &out, &closed);
    free(out);
    t_resp r;
    T_CHECK(su_get(S, "/slicer/mrml/ids?class=vtkMRMLSliceNode", &r) == 200, "still serving");
    t_resp_free(&r);
}

static void test_huge_header_dropped(void)
{
    size_t n = (size_t)1200 * 1024;
    char *big = malloc(n + 64);
    T_ASSERT(big != NULL, "malloc");
    memcpy(big, "GET /slicer/system/version HTTP/1.1\r\nX-Long: ", 45);
    memset(big + 45, 'a', n - 45);
    char *out = NULL;
    int closed = 0;
    long got = t_raw(t_sim_port(S), big, n, 0, 3000, &out, &closed);
    T_CHECK(got == 0 && closed, "oversized header: connection dropped (got %ld, closed %d)", got, closed);
    free(out);
    free(big);
    t_resp r;
    T_CHECK(su_get(S, "/slicer/system/version", &r) == 200, "still serving after huge header");
    t_resp_free(&r);
}

static void test_half_closed(void)
{
    static const char part[] = "GET /slicer/system/ver";
    char *out = NULL;
    int closed;
    t_raw(t_sim_port(S), part, sizeof part - 1, 1, 500, &out, &closed);
    T_CHECK(out && out[0] == '\0' && closed, "half request + half close: closed without answer");
    free(out);
    static const char full[] = "GET /slicer/system/version HTTP/1.1\r\n\r\n";
    t_raw(t_sim_port(S), full, sizeof full - 1, 1, 2000, &out, &closed);
    T_CHECK(out && strncmp(out, "HTTP/1.1 200 OK", 15) == 0, "full request then half close answered");
    free(out);
}

/* Opens a connection and sends text without waiting; returns the fd. */
static int open_and_send(int port, const char *text)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (write(fd, text, strlen(text)) < 0) { /* checked by the caller's request */ }
    return fd;
}

static void test_stalled_connections_do_not_block(void)
{
    int fds[20];
    for (int i = 0; i < 20; i++)
        fds[i] = open_and_send(t_sim_port(S), i % 2 ? "GET /slicer/system/version HTTP/1.0\r\n\r\n"
                                                    : "GET /slicer/sys");
    long t0 = su_now_ms();
    t_resp r;
    long st = su_get(S, "/slicer/mrml/names?class=vtkMRMLSliceNode", &r);
    T_CHECK(st == 200 && su_now_ms() - t0 < 1000, "answered at once despite 20 stalled sockets");
    t_resp_free(&r);
    for (int i = 0; i < 20; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    T_CHECK(su_get(S, "/slicer/system/version", &r) == 200, "still serving");
    t_resp_free(&r);
}

static void test_request_log_lines(void)
{
    t_resp r;
    su_call(S, "POST", "/slicer/mrml/ids?name=Red", "abc", 3, &r);
    t_resp_free(&r);
    char *log = t_sim_log_text(S);
    T_ASSERT(log != NULL, "log readable");
    const char *line = strstr(log, "{\"method\":\"POST\",\"target\":\"/slicer/mrml/ids?name=Red\"");
    T_ASSERT(line != NULL, "POST logged: %s", log);
    /* POST /mrml loads a file: without localfile it is a 500 */
    T_CHECK(strstr(line, "\"status\":500") && strstr(line, "\"body_bytes\":3}"),
            "status and body bytes: %.200s", line);
    free(log);
    su_get(S, "/__sim/state", &r);
    t_resp_free(&r);
    T_CHECK(su_log_has(S, "\"target\":\"/__sim/state\",\"status\":200"), "control logged");
    T_CHECK(su_log_has(S, "\"control\":true"), "control flag");
}

static void test_log_bytes_match_response(void)
{
    t_resp r;
    long st = su_get(S, "/slicer/mrml/ids?class=vtkMRMLSliceNode", &r);
    T_ASSERT(st == 200, "status");
    char want[160];
    snprintf(want, sizeof want, "\"target\":\"/slicer/mrml/ids?class=vtkMRMLSliceNode\","
                                "\"status\":200,\"bytes\":%zu,\"body_bytes\":0}", r.len);
    T_CHECK(su_log_has(S, want), "log line %s", want);
    t_resp_free(&r);
}

/* A stand-in on a free port; *line gets what it printed first (its
 * port line), up to n - 1 bytes.  -1 when it could not be started. */
static pid_t start_port_sim(char *line, size_t n)
{
    int pfd[2];
    line[0] = '\0';
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        t_die_with_parent();
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        execl(t_bin("slicer-sim"), "slicer-sim", "--port", "0", "--volume-size", "16", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    ssize_t got = pid > 0 ? read(pfd[0], line, n - 1) : -1;
    if (got > 0)
        line[got] = '\0';
    close(pfd[0]);
    return pid;
}

/* SIGTERM, then up to 3 s for it to exit (SIGKILL after); 1 if it did. */
static int stops_on_sigterm(pid_t pid, int *st)
{
    kill(pid, SIGTERM);
    int done = 0;
    for (int i = 0; i < 300 && !done; i++) {
        done = waitpid(pid, st, WNOHANG) == pid;
        if (!done)
            usleep(10000);
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, st, 0);
    }
    return done;
}

static void test_sigterm_exits_cleanly(void)
{
    char buf[32];
    pid_t pid = start_port_sim(buf, sizeof buf);
    T_ASSERT(pid > 0, "fork");
    size_t n = strlen(buf);
    T_CHECK(n > 0 && atoi(buf) > 0 && buf[n - 1] == '\n', "port line '%s'", buf);
    /* a pending silent connection must not keep it alive */
    int fd = open_and_send(atoi(buf), "GET / HTTP/1.0\r\n\r\n");
    usleep(50000);
    int st = 0, done = stops_on_sigterm(pid, &st);
    if (fd >= 0)
        close(fd);
    T_CHECK(done && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0 on SIGTERM");
}

static void test_help_lists_flags(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --help", t_bin("slicer-sim"));
    FILE *p = popen(cmd, "r");
    T_ASSERT(p != NULL, "popen");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    int rc = pclose(p);
    T_CHECK(rc == 0, "--help exits 0");
    static const char *const flags[] = { "--port", "2016", "--log", "--disable-slicer-api",
        "--enable-exec", "--enable-cors", "--enable-dicomweb", "--enable-static",
        "--version-string", "--volume-size", "--view-size", "--fault", "--exec-result" };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        T_CHECK(strstr(buf, flags[i]) != NULL, "help mentions %s", flags[i]);
    snprintf(cmd, sizeof cmd, "%s --fault /x=bogus 2>/dev/null", t_bin("slicer-sim"));
    T_CHECK(system(cmd) != 0, "bad --fault refused");
}

/* Hostile parameters on every route: the server must answer each one
 * (or stay silent where Slicer would) and keep serving. */
static void test_hostile_parameters(void)
{
    static const char *const routes[] = { "/slicer/exec", "/slicer/timeimage", "/slicer/system",
        "/slicer/gui", "/slicer/screenshot", "/slicer/slice", "/slicer/threeDGraphics",
        "/slicer/threeD", "/slicer/mrml", "/slicer/mrml/properties", "/slicer/mrml/file",
        "/slicer/tracking", "/slicer/sampledata", "/slicer/volumeSelection", "/slicer/volumes",
        "/slicer/volume", "/slicer/gridTransforms", "/slicer/gridTransform", "/slicer/fiducials",
        "/slicer/fiducial", "/slicer/segmentations", "/slicer/segmentation",
        "/slicer/accessDICOMwebStudy", "/__sim/fault", "/__sim/state", "/dicom/studies" };
    static const char *const queries[] = {
        "", "?%", "?%zz=%", "?id=%00&name=%ff%fe", "?view=%E2%98%83&offset=1e308&scrollTo=-1e308",
        "?offset=nan&scrollTo=inf&orientation=%20", "?r=1e999&a=-&s=0x10&index=-1",
        "?m=1,2&p=,,&q=1,2,3,4,5", "?viewersLayout=&contents=%0a", "?localfile=/dev/null&filetype=MarkupsFile",
        "?id=*&class=*&name=*", "?cmd=previous&color=zzzzzz&lookFromAxis=%00",
        "?route=*&kind=delay:x", "?url=file://&filetype=VolumeFile", "?copySliceGeometryFrom=%",
    };
    static const char *const methods[] = { "GET", "POST", "PUT", "DELETE" };
    char req[2048];
    int answered = 0, total = 0;
    for (size_t r = 0; r < sizeof routes / sizeof routes[0]; r++) {
        for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
            const char *m = methods[(r + q) % 4];
            /* never clear the scene or the faults of the shared sim mid-test */
            if (strcmp(m, "DELETE") == 0 && strncmp(routes[r], "/slicer/mrml", 12) == 0)
                m = "GET";
            if (strstr(routes[r], "__sim/fault") && strstr(queries[q], "route=*"))
                continue;
            snprintf(req, sizeof req, "%s %s%s HTTP/1.1\r\nContent-Length: 4\r\n\r\nNRRD", m,
                     routes[r], queries[q]);
            int closed;
            char *out = su_raw(S, req, 3000, &closed);
            total++;
            answered += out && strncmp(out, "HTTP/1.1 ", 9) == 0 && closed;
            free(out);
        }
    }
    T_CHECK(answered == total, "%d of %d hostile requests answered and closed", answered, total);
    char *big = malloc(300000);
    T_ASSERT(big != NULL, "malloc");
    int n = snprintf(big, 300000, "GET /slicer/mrml/ids?name=");
    memset(big + n, 'A', 200000);
    snprintf(big + n + 200000, 300000 - (size_t)n - 200000, " HTTP/1.1\r\n\r\n");
    int closed;
    char *out = su_raw(S, big, 3000, &closed);
    T_CHECK(out && strncmp(out, "HTTP/1.1 200 OK", 15) == 0, "200 KB query answered");
    free(out);
    free(big);
    out = su_raw(S, "GET /slicer/\x01\x7f\xff HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && strstr(out, "unknown command \\\"b'/\\\\x01\\\\x7f\\\\xff'\\\"\""),
            "non-printables as \\xNN: %s", out ? out : "");
    free(out);
    t_resp rr;
    T_CHECK(su_get(S, "/slicer/system/version", &rr) == 200, "still serving");
    t_resp_free(&rr);
}

/* Without --port it uses Slicer's 2016: either it listens there or, if
 * the port is taken on this machine, it says it cannot; both name it. */
static void test_default_port_2016(void)
{
    int pfd[2];
    T_ASSERT(pipe(pfd) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 2);
        close(pfd[0]);
        close(pfd[1]);
        execl(t_bin("slicer-sim"), "slicer-sim", "--volume-size", "16", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    char buf[256] = "";
    ssize_t n = read(pfd[0], buf, sizeof buf - 1);
    close(pfd[0]);
    if (n > 0)
        buf[n] = '\0';
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    T_CHECK(strstr(buf, "127.0.0.1:2016") != NULL, "stderr names 127.0.0.1:2016: '%s'", buf);
}

/* SIGTERM as soon as the stand-in says it listens: it must exit however
 * late in its start the signal lands.  A signal between the loop's stop
 * check and its poll() once left it waiting forever (make test hung in
 * test_default_port_2016); 50 starts hit that window on this VM. */
static void test_sigterm_at_start(void)
{
    int hung = 0, started = 0;
    for (int i = 0; i < 50 && !hung; i++) {
        char line[32];
        pid_t pid = start_port_sim(line, sizeof line);
        T_ASSERT(pid > 0, "fork");
        started += line[0] != '\0';
        int st = 0;
        hung = !stops_on_sigterm(pid, &st);
    }
    T_CHECK(started >= 1, "the stand-in printed its port");
    T_CHECK(!hung, "a stand-in sent SIGTERM right after its port line was still running 3 s later "
            "(after %d starts)", started);
}

int main(void)
{
    S = t_sim_start(k_args);
    SC = t_sim_start(k_cors);
    if (!S || !SC) {
        printf("FAIL start slicer-sim\n");
        return 1;
    }
    t_run("exact_header_bytes", test_exact_header_bytes);
    t_run("cors_header_order", test_cors_header_order);
    t_run("error_500_framing", test_error_500_framing);
    t_run("bare_404", test_bare_404);
    t_run("http10_unanswered", test_http10_unanswered);
    t_run("head_patch_and_bad_request_lines_unanswered", test_head_patch_unanswered);
    t_run("lowercase_content_length_drops_body", test_lowercase_content_length_drops_body);
    t_run("content_length_waits_for_body", test_content_length_waits_for_body);
    t_run("options_bytes", test_options_bytes);
    t_run("options_before_5_8_unanswered", test_options_before_58_unanswered);
    t_run("garbage_then_normal", test_garbage_then_normal);
    t_run("huge_header_dropped", test_huge_header_dropped);
    t_run("half_closed", test_half_closed);
    t_run("stalled_connections_do_not_block", test_stalled_connections_do_not_block);
    t_run("hostile_parameters", test_hostile_parameters);
    t_run("request_log_lines", test_request_log_lines);
    t_run("sigterm_at_start_exits", test_sigterm_at_start);
    t_run("log_bytes_match_response", test_log_bytes_match_response);
    t_run("sigterm_exits_cleanly", test_sigterm_exits_cleanly);
    t_run("help_lists_flags", test_help_lists_flags);
    t_run("default_port_2016", test_default_port_2016);
    t_sim_stop(S);
    t_sim_stop(SC);
    return t_done();
}
