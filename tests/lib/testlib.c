/* testlib: harness, slicer-sim process control and HTTP helpers for tests. */
#include "testlib.h"

#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static int g_failed_tests, g_passed_tests, g_cur_failed;
static const char *g_cur_name = "?";

int t_check_(int ok, const char *file, int line, const char *expr,
             const char *fmt, ...)
{
    if (ok)
        return 1;
    g_cur_failed = 1;
    fprintf(stdout, "  %s:%d: check failed: %s: ", file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

void t_run(const char *name, void (*fn)(void))
{
    g_cur_name = name;
    g_cur_failed = 0;
    fn();
    if (g_cur_failed) {
        g_failed_tests++;
        printf("FAIL %s\n", g_cur_name);
    } else {
        g_passed_tests++;
        printf("PASS %s\n", g_cur_name);
    }
    fflush(stdout);
}

int t_done(void)
{
    return g_failed_tests ? 1 : 0;
}

const char *t_build_dir(void)
{
    const char *b = getenv("BUILD_DIR");
    return b && *b ? b : "build";
}

const char *t_bin(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", t_build_dir(), name);
    return path;
}

static char g_tmp[256];
static void rm_tmp(void)
{
    if (!g_tmp[0] || getenv("KEEP_TMP"))
        return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) { /* best effort */ }
}

const char *t_tmpdir(void)
{
    if (!g_tmp[0]) {
        snprintf(g_tmp, sizeof g_tmp, "/tmp/slicer-mcp-test-XXXXXX");
        if (!mkdtemp(g_tmp)) {
            perror("mkdtemp");
            abort();
        }
        atexit(rm_tmp);
    }
    return g_tmp;
}

int t_count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

char *t_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int t_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

const char *t_dir(const char *name, unsigned mode)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
    mkdir(path, 0700);
    chmod(path, (mode_t)mode);
    return path;
}

struct t_sim {
    pid_t pid;
    int port;
    char url[64];
    char log[512];
};

t_sim *t_sim_start(const char *const *extra_args)
{
    static int seq;
    t_sim *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->log, sizeof s->log, "%s/sim-%d.log", t_tmpdir(), ++seq);
    const char *argv[64];
    int a = 0;
    argv[a++] = t_bin("slicer-sim");
    argv[a++] = "--port";
    argv[a++] = "0";
    argv[a++] = "--log";
    argv[a++] = s->log;
    for (int i = 0; extra_args && extra_args[i] && a < 62; i++)
        argv[a++] = extra_args[i];
    argv[a] = NULL;
    int pfd[2];
    if (pipe(pfd) != 0) {
        free(s);
        return NULL;
    }
    s->pid = fork();
    if (s->pid == 0) {
        t_die_with_parent();
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        /* execv wants mutable strings; the child owns these copies. */
        char *args[64];
        for (int k = 0; k <= a; k++)
            args[k] = argv[k] ? strdup(argv[k]) : NULL;
        execv(args[0], args);
        perror("exec slicer-sim");
        _exit(127);
    }
    close(pfd[1]);
    char line[64];
    size_t n = 0;
    struct pollfd p = { .fd = pfd[0], .events = POLLIN };
    while (n < sizeof line - 1 && poll(&p, 1, 10000) > 0) {
        ssize_t r = read(pfd[0], line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(pfd[0]);
    s->port = atoi(line);
    if (s->port <= 0) {
        fprintf(stdout, "  slicer-sim did not print its port (got '%s')\n", line);
        t_sim_stop(s);
        return NULL;
    }
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    return s;
}

int t_sim_port(const t_sim *s) { return s->port; }
const char *t_sim_url(const t_sim *s) { return s->url; }
const char *t_sim_log(const t_sim *s) { return s->log; }
char *t_sim_log_text(const t_sim *s) { return t_read_file(s->log, NULL); }

void t_sim_stop(t_sim *s)
{
    if (!s)
        return;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int st;
        for (int i = 0; i < 200; i++) {
            if (waitpid(s->pid, &st, WNOHANG) == s->pid)
                goto reaped;
            struct timespec ts = { 0, 10 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
    }
reaped:
    free(s);
}

void t_die_with_parent(void)
{
#ifdef __linux__
    /* A test that returns early (a failed T_ASSERT) leaves its stand-in
     * and gateway running; they go when the test program does. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        _exit(127);
#endif
}

struct membuf { char *p; size_t n, cap; };

/* Grows by doubling: a realloc per 16 KiB piece made a 17 MB body
 * quadratic, past the time-out under AddressSanitizer. */
static size_t collect(char *data, size_t sz, size_t nm, void *ud)
{
    struct membuf *m = ud;
    size_t add = sz * nm;
    if (m->n + add + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->n + add + 1)
            cap *= 2;
        char *np = realloc(m->p, cap);
        if (!np)
            return 0;
        m->p = np;
        m->cap = cap;
    }
    memcpy(m->p + m->n, data, add);
    m->n += add;
    m->p[m->n] = '\0';
    return add;
}

long t_http(const char *method, const char *url, const char *body,
            size_t body_len, long timeout_ms, t_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    struct membuf m = { calloc(1, 1), 0, 1 };
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        char *ct = NULL;
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        if (ct)
            snprintf(resp->content_type, sizeof resp->content_type, "%s", ct);
    }
    curl_easy_cleanup(c);
    resp->status = status;
    resp->body = m.p;
    resp->len = m.n;
    return status;
}

void t_resp_free(t_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
}

struct curl_slist *t_mcp_headers(const char *method, const char *name)
{
    char m[160], n[160];
    snprintf(m, sizeof m, "Mcp-Method: %s", method);
    snprintf(n, sizeof n, "Mcp-Name: %s", name ? name : "");
    const char *const lines[] = { "Content-Type: application/json",
                                  "Accept: application/json, text/event-stream",
                                  "MCP-Protocol-Version: 2026-07-28", m, name ? n : NULL };
    struct curl_slist *sl = NULL;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0] && lines[i]; i++) {
        struct curl_slist *more = curl_slist_append(sl, lines[i]);
        if (!more) {
            curl_slist_free_all(sl);
            return NULL;
        }
        sl = more;
    }
    return sl;
}

long t_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void t_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

long t_raw(int port, const char *req, size_t len, int half_close,
           int timeout_ms, char **out, int *closed)
{
    *out = NULL;
    if (closed)
        *closed = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, req + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (half_close)
        shutdown(fd, SHUT_WR);
    struct membuf m = { calloc(1, 1), 0, 1 };
    long deadline = t_now_ms() + timeout_ms;
    for (;;) {
        long left = deadline - t_now_ms();
        if (left <= 0)
            break;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, (int)left) <= 0)
            break;
        char buf[65536];
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) {
            if (closed)
                *closed = 1;
            break;
        }
        collect(buf, 1, (size_t)r, &m);
    }
    close(fd);
    *out = m.p;
    return (long)m.n;
}

unsigned long long t_rand(unsigned long long *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

char **t_py_numbers(const double *v, size_t n)
{
    char in[4096];
    snprintf(in, sizeof in, "%s/py-numbers-%d.txt", t_tmpdir(), (int)getpid());
    FILE *f = fopen(in, "w");
    if (!f)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned long long bits;
        memcpy(&bits, &v[i], sizeof bits);
        fprintf(f, "%016llx\n", bits);
    }
    fclose(f);
    static const char py[] =
        "import math, struct, sys\n"
        "for line in open(sys.argv[1]):\n"
        "    d = struct.unpack('>d', bytes.fromhex(line.strip()))[0]\n"
        "    r = repr(d)\n"
        "    if not math.isfinite(d): r = 'null'\n"
        "    elif d == 0: r = '0'\n"
        "    elif r.endswith('.0'): r = r[:-2]\n"
        "    print(r)\n";
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "python3 -c \"%s\" '%s'", py, in);
    FILE *p = popen(cmd, "r");
    char **out = p ? calloc(n ? n : 1, sizeof *out) : NULL;
    char line[128];
    size_t got = 0;
    while (out && got < n && fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        out[got++] = strdup(line);
    }
    int rc = p ? pclose(p) : -1;
    unlink(in);
    if (rc != 0 || got != n) {
        t_py_free(out, got);
        return NULL;
    }
    return out;
}

void t_py_free(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

struct t_threads {
    int pid;
    atomic_int stop;
    int most;
    pthread_t th;
};

static void *count_threads(void *arg)
{
    t_threads *w = arg;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", w->pid);
    while (!atomic_load(&w->stop)) {
        DIR *d = opendir(dir);
        if (!d)
            break;
        int n = 0;
        for (struct dirent *e; (e = readdir(d));)
            n += e->d_name[0] != '.';
        closedir(d);
        if (n > w->most)
            w->most = n;
        t_sleep_ms(5);
    }
    return NULL;
}

t_threads *t_threads_watch(int pid)
{
    t_threads *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->pid = pid;
    if (pthread_create(&w->th, NULL, count_threads, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

int t_threads_most(t_threads *w)
{
    if (!w)
        return 0;
    atomic_store(&w->stop, 1);
    pthread_join(w->th, NULL);
    int most = w->most;
    free(w);
    return most;
}
