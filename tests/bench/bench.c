/* bench: slicer-mcp's performance figures against the physical limit
 * measured in the same run.  Never a timed test: tests/bench/run.sh
 * (make bench) builds and runs it and prints what it measures.
 *
 *   bench calls  BUILD [N]     per-call overhead: tools/call vs the same REST calls by libcurl
 *                              (BENCH_LATENCY_MS=MEAN[:JITTER]: against a Slicer that takes
 *                              that long per request, with the overhead in % of the call)
 *   bench cold   BUILD [N]     spawn to tools/list reply, shipped tools.d and 1,000 tools
 *   bench memory BUILD [N]     peak RSS idle and after N (100,000) calls
 *   bench images BUILD [N]     bytes and ms per slice, Slicer's PNG vs re-encoded;
 *                              decode + encode alone, in process
 *   bench peer   BUILD [N]     slicer-mcp / a peer on the official TypeScript SDK
 *                              (tests/sdk/peer_server.mjs, node from $BENCH_NODE):
 *                              call time, CPU, memory, slice bytes, cold start
 *   bench volume BUILD SIZE [N] get_volume_statistics MB/s and peak RSS; SIZE is N^3 or
 *                              IxJxK as slicer-sim --volume-size takes it
 *   bench segment BUILD SIZE [N]  segment_region GB/s of source streamed and
 *                              sample_voxels latency, with peak RSS, SIZE^3 volume
 *   bench fold   [SIZE]        in-process NRRD+statistics MB/s vs memory bandwidth
 *
 * Every figure is a median and p99 over many runs, with the ratio to the
 * limit (direct REST call, spawning /bin/true, loopback transfer, memcpy). */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"
#include "slicer/img.h"
#include "testlib.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "slicer/nrrd.h"
#include "slicer/volstats.h"
#include "util/buf.h"
#include "bench_time.h"

/* Sorts v; median and p99 (nearest rank). */
static void summary(double *v, int n, double *med, double *p99)
{
    qsort(v, (size_t)n, sizeof *v, cmpd);
    *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int k = (int)ceil(0.99 * n) - 1;
    *p99 = v[k < 0 ? 0 : k];
}

/* ---- child processes ----------------------------------------------------- */

typedef struct {
    pid_t pid;
    int in, out;            /* our ends: child's stdin, child's stdout */
    char *buf;              /* unread stdout bytes */
    size_t len, cap;
    size_t consumed;        /* bytes of the line last returned */
} proc;

static int spawn(proc *p, char *const argv[], const char *errfile)
{
    int a[2], b[2];
    memset(p, 0, sizeof *p);
    if (pipe(a) || pipe(b))
        return -1;
    p->pid = fork();
    if (p->pid == 0) {
        dup2(a[0], 0);
        dup2(b[1], 1);
        int e = open(errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (e >= 0)
            dup2(e, 2);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(a[0]);
    close(b[1]);
    p->in = a[1];
    p->out = b[0];
    p->cap = 1 << 20;
    p->buf = malloc(p->cap);
    return p->pid > 0 && p->buf ? 0 : -1;
}

static void proc_end(proc *p)
{
    if (p->in >= 0)
        close(p->in);
    if (p->pid > 0) {
        int st;
        for (int i = 0; i < 200 && waitpid(p->pid, &st, WNOHANG) == 0; i++)
            usleep(10000);
        if (waitpid(p->pid, &st, WNOHANG) == 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &st, 0);
        }
    }
    close(p->out);
    free(p->buf);
    p->pid = 0;
}

/* The next stdout line (NUL-terminated, valid until the next call), or
 * NULL after timeout_ms / EOF. */
static char *read_line(proc *p, int timeout_ms)
{
    if (p->consumed) {
        memmove(p->buf, p->buf + p->consumed, p->len - p->consumed);
        p->len -= p->consumed;
        p->consumed = 0;
    }
    for (;;) {
        char *nl = memchr(p->buf, '\n', p->len);
        if (nl) {
            *nl = '\0';
            p->consumed = (size_t)(nl - p->buf) + 1;
            return p->buf;
        }
        if (p->len + 65536 > p->cap) {
            p->cap *= 2;
            p->buf = realloc(p->buf, p->cap);
        }
        struct pollfd pf = { .fd = p->out, .events = POLLIN };
        if (poll(&pf, 1, timeout_ms) <= 0)
            return NULL;
        ssize_t n = read(p->out, p->buf + p->len, p->cap - p->len);
        if (n <= 0)
            return NULL;
        p->len += (size_t)n;
    }
}

static int write_all(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The response line with this id (notifications skipped). */
static char *await_id(proc *p, int id, int timeout_ms)
{
    char tag[32], tag2[32];
    snprintf(tag, sizeof tag, "\"id\":%d,", id);
    snprintf(tag2, sizeof tag2, "\"id\":%d}", id);
    for (;;) {
        char *l = read_line(p, timeout_ms);
        if (!l || strstr(l, tag) || strstr(l, tag2))
            return l;
    }
}

/* slicer-sim on a free port; returns the port. */
static const char *g_latency;   /* slicer-sim --latency-ms, or NULL */

static int sim_start(proc *p, const char *build, const char *volume_size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/slicer-sim", build);
    char *argv[8] = { path, "--port", "0", NULL };
    int k = 3;
    if (volume_size) {
        argv[k++] = "--volume-size";
        argv[k++] = (char *)volume_size;
    }
    if (g_latency) {
        argv[k++] = "--latency-ms";
        argv[k++] = (char *)g_latency;
    }
    argv[k] = NULL;
    if (spawn(p, argv, NULL) != 0)
        return -1;
    char *l = read_line(p, 600000);
    return l ? atoi(l) : -1;
}

static char g_tmp[256];
static int g_audit_off;     /* --audit-log off */

static int mcp_start(proc *p, const char *build, int port, const char *tools_dir)
{
    char path[512], url[64], audit[300];
    snprintf(path, sizeof path, "%s/slicer-mcp", build);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    snprintf(audit, sizeof audit, "%s/audit.jsonl", g_tmp);
    if (g_audit_off)
        snprintf(audit, sizeof audit, "off");
    /* --timeout-ms: a 2 GiB volume takes longer than the default 10 s
     * on a loaded machine; the other figures never come near either */
    char *argv[] = { path, "--slicer-url", url, "--tools-dir", (char *)tools_dir,
                     "--audit-log", audit, "--timeout-ms", "600000", NULL };
    return spawn(p, argv, NULL);
}

static const char init_lines[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

static int handshake(proc *p)
{
    return write_all(p->in, init_lines) == 0 && await_id(p, 1, 10000) ? 0 : -1;
}

/* One tools/call round trip in microseconds; -1 on failure. */
static double mcp_call(proc *p, int id, const char *tool, const char *args, char **line)
{
    char req[1024];
    snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"%s\",\"arguments\":%s}}\n", id, tool, args);
    double t0 = now_us();
    if (write_all(p->in, req) != 0)
        return -1;
    char *l = await_id(p, id, 600000);
    double t = now_us() - t0;
    if (line)
        *line = l;
    if (!l || strstr(l, "\"isError\":true"))
        return -1;
    return t;
}

static void rss_kb(pid_t pid, long *hwm, long *rss)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    *hwm = *rss = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmHWM:", 6))
            *hwm = atol(line + 6);
        if (!strncmp(line, "VmRSS:", 6))
            *rss = atol(line + 6);
    }
    if (f)
        fclose(f);
}

/* CPU time (user + system) of every thread of pid, in microseconds, from
 * the scheduler's nanosecond counters (/proc/PID/task/TID/schedstat). */
static double proc_cpu_us(pid_t pid)
{
    char path[300];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    double ns = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", (int)pid, de->d_name);
        FILE *f = fopen(path, "r");
        unsigned long long run = 0;
        if (f && fscanf(f, "%llu", &run) == 1)
            ns += (double)run;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return ns / 1e3;
}

static double thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---- direct REST calls --------------------------------------------------- */

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += s * n;
    return s * n;
}

/* One GET like the gateway's backend makes it (fresh connection; bufsize
 * is libcurl's receive buffer, 0 for its default, as for the gateway's
 * JSON and image calls). */
static double direct_get(CURL *c, int port, const char *target, long bufsize, size_t *bytes,
                         double *ttfb_us)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, target);
    size_t got = 0;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
    if (bufsize)
        curl_easy_setopt(c, CURLOPT_BUFFERSIZE, bufsize);
    double t0 = now_us();
    CURLcode rc = curl_easy_perform(c);
    double t = now_us() - t0;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (ttfb_us) {
        curl_off_t st = 0;
        curl_easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T, &st);
        *ttfb_us = (double)st;
    }
    if (bytes)
        *bytes = got;
    return rc == CURLE_OK && status == 200 ? t : -1;
}

/* ---- calls --------------------------------------------------------------- */

static size_t keep(char *p, size_t s, size_t n, void *ud)
{
    return buf_append(ud, p, s * n) == 0 ? s * n : 0;
}

/* What cJSON alone costs on Slicer's answers to a tool's REST calls: each
 * fetched once, then parsed and freed n times, each time after a pause as
 * long as the stand-in's mean service time, as the gateway parses after
 * waiting for Slicer (caches cold).  Fills us[n]; -1 when a fetch failed. */
static int cjson_floor(CURL *c, int port, const char *const *rest, int n, double *us)
{
    buf body[3];
    int k = 0, rc = 0;
    for (; k < 3 && rest[k]; k++) {
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, rest[k]);
        buf_init(&body[k], 64u << 20);
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROXY, "");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &body[k]);
        if (curl_easy_perform(c) != CURLE_OK || !body[k].len)
            rc = -1;
    }
    double pause_ms = g_latency ? atof(g_latency) : 0;
    struct timespec ts = { (time_t)(pause_ms / 1e3), (long)(fmod(pause_ms, 1e3) * 1e6) };
    for (int i = 0; rc == 0 && i < n; i++) {
        nanosleep(&ts, NULL);
        double t0 = now_us();
        for (int j = 0; j < k; j++)
            cJSON_Delete(cJSON_ParseWithLength(body[j].data, body[j].len));
        us[i] = now_us() - t0;
    }
    for (int j = 0; j < k; j++)
        buf_free(&body[j]);
    return rc;
}

/* The gateway's own time inside each of the last n calls of tool, from
 * its audit log: latency_ms minus the ms of its REST calls, in us.
 * Returns how many it found. */
static int own_times(const char *tool, int n, double *out)
{
    char path[300];
    snprintf(path, sizeof path, "%s/audit.jsonl", g_tmp);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int k = 0;   /* a ring of the last n */
    while (getline(&line, &cap, f) > 0) {
        cJSON *rec = cJSON_Parse(line);
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "tool"));
        const cJSON *lat = cJSON_GetObjectItem(rec, "latency_ms"), *call;
        if (t && !strcmp(t, tool) && cJSON_IsNumber(lat)) {
            double v = lat->valuedouble;
            cJSON_ArrayForEach(call, cJSON_GetObjectItem(rec, "slicer_calls"))
                v -= cJSON_GetNumberValue(cJSON_GetObjectItem(call, "ms"));
            out[k % n] = v * 1000;
            k++;
        }
        cJSON_Delete(rec);
    }
    free(line);
    fclose(f);
    return k < n ? k : n;
}

/* One line to relay (fmt has a %d for the id) and its answer, in us. */
static double relay_call(proc *p, int id, const char *fmt)
{
    char req[700];
    snprintf(req, sizeof req, fmt, id);
    double t0 = now_us();
    if (write_all(p->in, req) != 0)
        return -1;
    char *l = await_id(p, id, 600000);
    double t = now_us() - t0;
    return l && strstr(l, "\"result\"") ? t : -1;
}

static void bench_calls(const char *build, int n)
{
    proc sim, mcp;
    int port = sim_start(&sim, build, NULL);
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("calls: could not start slicer-sim / slicer-mcp\n");
        return;
    }
    static const struct { const char *tool, *args, *rest[3]; } cases[] = {
        { "get_slicer_info", "{}", { "/slicer/system/version", NULL } },
        { "list_nodes", "{}", { "/slicer/mrml/ids", "/slicer/mrml/names", NULL } },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}",
          { "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1", NULL } },
    };
    CURL *c = curl_easy_init();
    double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n),
           *d = malloc(sizeof(double) * (size_t)n), *e = malloc(sizeof(double) * (size_t)n);
    int id = 100;
    /* The stdio hop itself: a line through /bin/cat and back. */
    proc cat;
    char *cargv[] = { "/bin/cat", NULL };
    if (spawn(&cat, cargv, NULL) == 0) {
        for (int i = 0; i < n; i++) {
            double t0 = now_us();
            write_all(cat.in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
            read_line(&cat, 5000);
            a[i] = now_us() - t0;
        }
        double m, p;
        summary(a, n, &m, &p);
        printf("stdio round trip through /bin/cat: median %.1f us, p99 %.1f us\n", m, p);
        proc_end(&cat);
    }
    /* The floor of any stdio gateway: relay (tests/bench/relay.c) makes
     * the same REST calls behind the same pipe hop and does nothing else. */
    proc relay;
    char rport[16], rpath[600];
    snprintf(rport, sizeof rport, "%d", port);
    snprintf(rpath, sizeof rpath, "%s/relay", g_tmp);
    char *rargv[] = { rpath, rport, NULL };
    int have_relay = g_latency && spawn(&relay, rargv, NULL) == 0;
    printf("audit log %s\n", g_audit_off ? "off" : "on (a file in /tmp)");
    printf("per-call overhead (%d calls each, after 100 warm-up; microseconds; overhead is the\n"
           "median of each call's time minus that of the direct calls made right after it; CPU is\n"
           "user + system time per call: slicer-mcp's threads, the bench's own for the direct calls)\n", n);
    if (g_latency)
        printf("slicer-sim --latency-ms %s: each Slicer request takes that long, one at a time.\n"
               "Share of the call at pNN (the same rank of each sorted list, over mcp pNN):\n"
               "  gateway = (mcp - relay) / mcp: what slicer-mcp itself adds (target <= 2%%)\n"
               "  hop     = (relay - rest) / mcp: the stdio pipe in and out of any second\n"
               "            process, measured with relay, which only makes the same REST calls\n",
               g_latency);
    printf("  %-16s %9s %9s %9s %9s %9s %6s %9s %9s", "tool", "mcp med", "mcp p99", "rest med",
           "rest p99", "overhead", "ratio", "mcp CPU", "rest CPU");
    printf(g_latency ? "  relay med  gw%%p50 gw%%p90 gw%%p99  hop%%p50 hop%%p90 hop%%p99\n" : "\n");
    double *own = malloc(sizeof(double) * (size_t)n);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int bad = 0;
        char rline[600];
        int rl = snprintf(rline, sizeof rline, "%%d");
        for (int r = 0; cases[k].rest[r]; r++)
            rl += snprintf(rline + rl, sizeof rline - (size_t)rl, " %s", cases[k].rest[r]);
        snprintf(rline + rl, sizeof rline - (size_t)rl, "\n");
        for (int i = 0; i < 100; i++) {
            mcp_call(&mcp, id++, cases[k].tool, cases[k].args, NULL);
            if (have_relay)
                relay_call(&relay, id++, rline);
        }
        double mcp_cpu = proc_cpu_us(mcp.pid), rest_cpu = 0;
        /* Interleave so drift in the machine affects all alike. */
        for (int i = 0; i < n; i++) {
            a[i] = mcp_call(&mcp, id++, cases[k].tool, cases[k].args, NULL);
            if (have_relay)
                e[i] = relay_call(&relay, id++, rline);
            double t = 0, c0 = thread_cpu_us();
            for (int r = 0; cases[k].rest[r]; r++) {
                double x = direct_get(c, port, cases[k].rest[r], 0, NULL, NULL);
                t = x < 0 || t < 0 ? -1 : t + x;
            }
            rest_cpu += thread_cpu_us() - c0;
            b[i] = t;
            bad += a[i] < 0 || b[i] < 0 || (have_relay && e[i] < 0);
        }
        mcp_cpu = (proc_cpu_us(mcp.pid) - mcp_cpu) / n;
        /* The overhead is the median of each call's difference from the
         * direct calls made right after it: drift in the machine's speed
         * (this VM's varies by a third between runs) cancels pair by pair. */
        for (int i = 0; i < n; i++)
            d[i] = a[i] - b[i];
        double am, ap, bm, bp, dm, dp, em, ep;
        summary(a, n, &am, &ap);
        summary(b, n, &bm, &bp);
        summary(d, n, &dm, &dp);
        printf("  %-16s %9.1f %9.1f %9.1f %9.1f %9.1f %6.2f %9.1f %9.1f", cases[k].tool, am, ap,
               bm, bp, dm, am / bm, mcp_cpu, rest_cpu / n);
        if (have_relay) {
            summary(e, n, &em, &ep);
            printf(" %10.1f", em);
            /* a, b and e are sorted now: the same rank of each. */
            static const double qs[3] = { 0.5, 0.9, 0.99 };
            for (int q = 0; q < 3; q++) {
                int r = (int)ceil(qs[q] * n) - 1;
                printf(" %6.2f", 100 * (a[r] - e[r]) / a[r]);
            }
            printf(" ");
            for (int q = 0; q < 3; q++) {
                int r = (int)ceil(qs[q] * n) - 1;
                printf(" %7.2f", 100 * (e[r] - b[r]) / a[r]);
            }
        }
        printf("%s\n", bad ? "  (some calls failed)" : "");
        /* Inside the gateway, where nothing else runs in between. */
        int m = g_latency && !g_audit_off ? own_times(cases[k].tool, n, own) : 0;
        if (m == n) {
            double om, op;
            summary(own, n, &om, &op);
            printf("  %-16s inside tools/call (audit latency_ms minus its REST calls): p50 %.1f us, "
                   "p90 %.1f, p99 %.1f; over mcp pNN:", "", om, own[(int)ceil(0.9 * n) - 1], op);
            static const double qs[3] = { 0.5, 0.9, 0.99 };
            for (int q = 0; q < 3; q++) {
                int r = (int)ceil(qs[q] * n) - 1;
                printf(" %.2f%%", 100 * own[r] / a[r]);
            }
            printf("\n");
            /* What no gateway built on cJSON can go below. */
            if (cjson_floor(c, port, cases[k].rest, n, own) == 0) {
                summary(own, n, &om, &op);
                printf("  %-16s cJSON alone (parse + free of Slicer's answers in this process, %s ms\n"
                       "  %-16s apart): p50 %.1f us, p90 %.1f, p99 %.1f; over mcp pNN:", "", g_latency, "", om,
                       own[(int)ceil(0.9 * n) - 1], op);
                for (int q = 0; q < 3; q++) {
                    int r = (int)ceil(qs[q] * n) - 1;
                    printf(" %.2f%%", 100 * own[r] / a[r]);
                }
                printf("\n");
            }
        }
    }
    free(own);
    if (have_relay)
        proc_end(&relay);
    free(e);
    free(a);
    free(b);
    free(d);
    curl_easy_cleanup(c);
    proc_end(&mcp);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- cold start ---------------------------------------------------------- */

static const char list_lines[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n";

/* Microseconds from t0 (before p was spawned) to p's tools/list reply;
 * ends p.  -1 on failure. */
static double list_reply_us(proc *p, double t0)
{
    write_all(p->in, list_lines);
    char *l = await_id(p, 2, 10000);
    double t = now_us() - t0;
    int ok = l && strstr(l, "\"tools\":[");
    proc_end(p);
    return ok ? t : -1;
}

static double cold_once(const char *build, const char *tools_dir)
{
    proc p;
    double t0 = now_us();
    if (mcp_start(&p, build, 9, tools_dir) != 0)
        return -1;
    return list_reply_us(&p, t0);
}

static double true_once(void)
{
    double t0 = now_us();
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return now_us() - t0;
}

static int make_tools(const char *dir, int n)
{
    mkdir(dir, 0700);
    for (int i = 0; i < n; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/gen_%04d.yaml", dir, i);
        FILE *f = fopen(path, "w");
        if (!f)
            return -1;
        fprintf(f, "name: gen_tool_%04d\ntitle: Generated %d\ndescription: Generated tool %d for the "
                "cold-start benchmark; reads the Slicer version.\nannotations:\n  readOnlyHint: true\n"
                "inputSchema:\n  type: object\n  properties:\n    view:\n      type: string\n"
                "      enum: [red, yellow, green]\n    n:\n      type: integer\n      minimum: 0\n"
                "      maximum: %d\n  additionalProperties: false\nrequest:\n  method: GET\n"
                "  path: /slicer/system/version\nresult:\n  type: json\n", i, i, i, 100 + i);
        fclose(f);
    }
    return 0;
}

static void bench_cold(const char *build, int n)
{
    char gen[400];
    snprintf(gen, sizeof gen, "%s/tools1000", g_tmp);
    if (make_tools(gen, 1000) != 0) {
        printf("cold: cannot write %s\n", gen);
        return;
    }
    double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n),
           *c = malloc(sizeof(double) * (size_t)n);
    int bad = 0;
    for (int i = 0; i < 5; i++)
        cold_once(build, "tools.d");
    for (int i = 0; i < n; i++) {
        a[i] = cold_once(build, "tools.d");
        b[i] = cold_once(build, gen);
        c[i] = true_once();
        bad += a[i] < 0 || b[i] < 0;
    }
    double am, ap, bm, bp, cm, cp;
    summary(a, n, &am, &ap);
    summary(b, n, &bm, &bp);
    summary(c, n, &cm, &cp);
    printf("cold start, spawn to tools/list reply (%d runs; milliseconds)%s\n", n,
           bad ? "  (some runs failed)" : "");
    printf("  shipped tools.d     median %7.2f  p99 %7.2f  ratio to spawning /bin/true %6.1f\n",
           am / 1e3, ap / 1e3, am / cm);
    printf("  1,000 tool files    median %7.2f  p99 %7.2f  ratio to spawning /bin/true %6.1f\n",
           bm / 1e3, bp / 1e3, bm / cm);
    printf("  /bin/true           median %7.2f  p99 %7.2f\n", cm / 1e3, cp / 1e3);
    free(a);
    free(b);
    free(c);
}

/* ---- memory -------------------------------------------------------------- */

static void bench_memory(const char *build, int n)
{
    proc sim, mcp;
    int port = sim_start(&sim, build, NULL);
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("memory: could not start\n");
        return;
    }
    long hwm0, rss0, hwm1, rss1, hwm2, rss2;
    rss_kb(mcp.pid, &hwm0, &rss0);
    int id = 10, bad = 0;
    double t0 = now_us();
    for (int i = 0; i < 1000; i++)
        bad += mcp_call(&mcp, id++, "get_slicer_info", "{}", NULL) < 0;
    rss_kb(mcp.pid, &hwm1, &rss1);
    for (int i = 1000; i < n; i++)
        bad += mcp_call(&mcp, id++, "get_slicer_info", "{}", NULL) < 0;
    double secs = (now_us() - t0) / 1e6;
    rss_kb(mcp.pid, &hwm2, &rss2);
    char path[64], stat[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)sim.pid);
    long sim_ticks = 0, mcp_ticks = 0;
    for (int w = 0; w < 2; w++) {
        snprintf(path, sizeof path, "/proc/%d/stat", (int)(w ? mcp.pid : sim.pid));
        FILE *f = fopen(path, "r");
        if (f && fgets(stat, sizeof stat, f)) {
            char *q = strrchr(stat, ')');
            unsigned long ut = 0, st = 0;
            if (q && sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
                *(w ? &mcp_ticks : &sim_ticks) = (long)(ut + st);
        }
        if (f)
            fclose(f);
    }
    double hz = (double)sysconf(_SC_CLK_TCK);
    printf("memory of slicer-mcp (get_slicer_info; kB)\n");
    printf("  idle after initialize     VmHWM %6ld  VmRSS %6ld\n", hwm0, rss0);
    printf("  after 1,000 calls         VmHWM %6ld  VmRSS %6ld\n", hwm1, rss1);
    printf("  after %d calls        VmHWM %6ld  VmRSS %6ld  (growth after warm-up %+ld kB)%s\n", n,
           hwm2, rss2, rss2 - rss1, bad ? "  (some calls failed)" : "");
    printf("  %d calls took %.1f s (%.0f calls/s); CPU: slicer-sim %.1f s, slicer-mcp %.1f s\n", n, secs,
           n / secs, sim_ticks / hz, mcp_ticks / hz);
    proc_end(&mcp);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- a peer-style server ------------------------------------------------ */

/* Bytes of the (last) image block of a tools/call result, decoded. */
static size_t image_bytes(const cJSON *res)
{
    size_t n = 0;
    const cJSON *blk;
    cJSON_ArrayForEach(blk, cJSON_GetObjectItem(res, "content"))
        if (cJSON_IsString(cJSON_GetObjectItem(blk, "data")))
            n = strlen(cJSON_GetObjectItem(blk, "data")->valuestring) / 4 * 3;
    return n;
}

/* tests/sdk/peer_server.mjs on Slicer's port: node from $BENCH_NODE. */
static int peer_start(proc *p, int port)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    char *argv[] = { (char *)getenv("BENCH_NODE"), "tests/sdk/peer_server.mjs", url, NULL };
    return argv[0] && *argv[0] ? spawn(p, argv, NULL) : -1;
}

static size_t slice_bytes(proc *p, int id)
{
    char *line = NULL;
    if (mcp_call(p, id, "get_slice_png", "{\"view\":\"red\"}", &line) < 0 || !line)
        return 0;
    cJSON *j = cJSON_Parse(line);
    size_t n = image_bytes(cJSON_GetObjectItem(j, "result"));
    cJSON_Delete(j);
    return n;
}

/* slicer-mcp (audit log on, as shipped) against the peer, on one
 * slicer-sim, calls interleaved; every figure as slicer-mcp / peer. */
static void bench_peer(const char *build, int n)
{
    proc sim, mcp, peer;
    int port = sim_start(&sim, build, NULL);
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("peer: could not start slicer-sim / slicer-mcp\n");
        return;
    }
    if (peer_start(&peer, port) != 0 || handshake(&peer) != 0) {
        printf("peer: skipped (no node in $BENCH_NODE, or tests/sdk has no SDK: run make test once)\n");
        proc_end(&mcp);
        kill(sim.pid, SIGTERM);
        proc_end(&sim);
        return;
    }
    static const char *const tools[][2] = {
        { "get_slicer_info", "{}" }, { "list_nodes", "{}" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
    };
    double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n);
    int id = 100, bad = 0;
    printf("slicer-mcp (audit log on) vs a peer-style server (tests/sdk/peer_server.mjs: the official\n"
           "TypeScript SDK over stdio, %s), one slicer-sim; ratio = slicer-mcp / peer\n", getenv("BENCH_NODE"));
    printf("  %-22s %12s %12s %7s\n", "figure", "slicer-mcp", "peer", "ratio");
    for (size_t k = 0; k < sizeof tools / sizeof tools[0]; k++) {
        for (int i = 0; i < 100; i++, id++) {
            mcp_call(&mcp, id, tools[k][0], tools[k][1], NULL);
            mcp_call(&peer, id, tools[k][0], tools[k][1], NULL);
        }
        double ca = proc_cpu_us(mcp.pid), cb = proc_cpu_us(peer.pid);
        for (int i = 0; i < n; i++, id++) {
            a[i] = mcp_call(&mcp, id, tools[k][0], tools[k][1], NULL);
            b[i] = mcp_call(&peer, id, tools[k][0], tools[k][1], NULL);
            bad += a[i] < 0 || b[i] < 0;
        }
        ca = (proc_cpu_us(mcp.pid) - ca) / n;
        cb = (proc_cpu_us(peer.pid) - cb) / n;
        double am, ap, bm, bp;
        summary(a, n, &am, &ap);
        summary(b, n, &bm, &bp);
        printf("  %-22s %9.1f us %9.1f us %7.2f   (p99 %.1f / %.1f us)\n", tools[k][0], am, bm, am / bm, ap, bp);
        printf("  %-22s %9.1f us %9.1f us %7.2f\n", "  CPU per call", ca, cb, ca / cb);
    }
    size_t ia = slice_bytes(&mcp, id++), ib = slice_bytes(&peer, id++);
    printf("  %-22s %10zu B %10zu B %7.3f\n", "slice image (red)", ia, ib, ib ? (double)ia / ib : 0);
    long ha, ra, hb, rb;
    rss_kb(mcp.pid, &ha, &ra);
    rss_kb(peer.pid, &hb, &rb);
    printf("  %-22s %9ld kB %9ld kB %7.3f\n", "memory (VmRSS)", ra, rb, rb > 0 ? (double)ra / rb : 0);
    proc_end(&mcp);
    proc_end(&peer);
    int m = n / 20 < 10 ? 10 : n / 20;
    for (int i = 0; i < m; i++) {
        double t0 = now_us();
        a[i] = mcp_start(&mcp, build, port, "tools.d") == 0 ? list_reply_us(&mcp, t0) : -1;
        t0 = now_us();
        b[i] = peer_start(&peer, port) == 0 ? list_reply_us(&peer, t0) : -1;
        bad += a[i] < 0 || b[i] < 0;
    }
    double am, ap, bm, bp;
    summary(a, m, &am, &ap);
    summary(b, m, &bm, &bp);
    printf("  %-22s %9.2f ms %9.2f ms %7.3f   (%d runs)\n", "cold start to tools/list", am / 1e3, bm / 1e3,
           am / bm, m);
    printf("%s", bad ? "  (some calls failed)\n" : "");
    free(a);
    free(b);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- images -------------------------------------------------------------- */

static void bench_images(const char *build, int n)
{
    proc sim, mcp;
    int port = sim_start(&sim, build, NULL);
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("images: could not start\n");
        return;
    }
    static const struct { const char *label, *args; } cases[] = {
        { "red, full size", "{\"view\":\"red\"}" },
        { "red, max_size 256", "{\"view\":\"red\",\"max_size\":256}" },
    };
    CURL *c = curl_easy_init();
    double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n);
    int id = 10;
    printf("images: get_slice_png vs Slicer's own PNG (%d runs each)\n", n);
    if (g_latency)
        printf("slicer-sim --latency-ms %s: each Slicer request takes that long, one at a time\n", g_latency);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t before = 0, after = 0;
        int bad = 0;
        for (int i = 0; i < n; i++) {
            char *line = NULL;
            a[i] = mcp_call(&mcp, id++, "get_slice_png", cases[k].args, &line);
            if (i == 0 && line) {
                cJSON *j = cJSON_Parse(line);
                const cJSON *res = cJSON_GetObjectItem(j, "result");
                after = image_bytes(res);
                const cJSON *sb = cJSON_GetObjectItem(cJSON_GetObjectItem(res, "structuredContent"),
                                                      "slicer_png_bytes");
                before = cJSON_IsNumber(sb) ? (size_t)sb->valuedouble : 0;
                cJSON_Delete(j);
            }
            double t1 = direct_get(c, port, "/slicer/slice?view=red", 0, NULL, NULL);
            double t2 = direct_get(c, port, "/slicer/mrml/properties?id=vtkMRMLSliceNodeRed", 0, NULL, NULL);
            b[i] = t1 < 0 || t2 < 0 ? -1 : t1 + t2;
            bad += a[i] < 0 || b[i] < 0;
        }
        double am, ap, bm, bp;
        summary(a, n, &am, &ap);
        summary(b, n, &bm, &bp);
        printf("  %-18s Slicer PNG %8zu B, sent %8zu B (%.2fx smaller)\n", cases[k].label, before, after,
               after ? (double)before / after : 0);
        printf("  %-18s mcp median %6.2f ms p99 %6.2f | direct REST median %6.2f ms p99 %6.2f | ratio %.2f%s\n",
               "", am / 1e3, ap / 1e3, bm / 1e3, bp / 1e3, am / bm, bad ? " (failures)" : "");
    }
    /* The re-encoding alone, in this process, on the PNG Slicer sent. */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/slicer/slice?view=red", port);
    t_resp png;
    int bad = t_http("GET", url, NULL, 0, 10000, &png) != 200;
    for (int i = 0; i < n && !bad; i++) {
        img_rgba im = { 0 };
        void *out = NULL;
        size_t out_len = 0;
        img_format fmt;
        err e = { 0 };
        double t0 = now_us();
        bad = img_decode_png(png.body, png.len, &im, &e) != 0 ||
              img_encode_png(&im, &out, &out_len, &fmt, &e) != 0;
        a[i] = now_us() - t0;
        img_free(&im);
        free(out);
    }
    if (!bad) {
        double am, ap;
        summary(a, n, &am, &ap);
        printf("  %-18s decode + encode in-process: median %.2f ms p99 %.2f\n", "red, full size", am / 1e3, ap / 1e3);
    } else {
        printf("  decode + encode in-process: failed\n");
    }
    t_resp_free(&png);
    free(a);
    free(b);
    curl_easy_cleanup(c);
    proc_end(&mcp);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- volume statistics --------------------------------------------------- */

/* The gateway's own account of its streaming in the last tools/call, from
 * the audit log's last line: the sum over its GET /slicer/volume calls of
 * each call's ms less its ms to the first byte; -1 if unknown. */
static double last_call_stream_ms(void)
{
    char path[300], tail[8192];
    snprintf(path, sizeof path, "%s/audit.jsonl", g_tmp);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
    ssize_t n = pread(fd, tail, sizeof tail - 1, from);
    close(fd);
    if (n <= 1)
        return -1;
    tail[n - 1] = '\0';                  /* the last line's newline */
    char *line = strrchr(tail, '\n');
    cJSON *rec = cJSON_Parse(line ? line + 1 : tail);
    const cJSON *call;
    double v = -1;
    cJSON_ArrayForEach(call, cJSON_GetObjectItem(rec, "slicer_calls")) {
        const cJSON *ms = cJSON_GetObjectItem(call, "ms"), *first = cJSON_GetObjectItem(call, "first_byte_ms");
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(call, "target"));
        if (t && !strncmp(t, "/slicer/volume?", 15) && cJSON_IsNumber(ms) && cJSON_IsNumber(first))
            v = (v < 0 ? 0 : v) + ms->valuedouble - first->valuedouble;
    }
    cJSON_Delete(rec);
    return v;
}

static void bench_volume(const char *build, const char *size, int n)
{
    proc sim, mcp;
    double ts = now_us();
    int port = sim_start(&sim, build, size);
    double sim_s = (now_us() - ts) / 1e6;
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("volume: could not start\n");
        return;
    }
    long hwm0, rss0, hwm1, rss1;
    rss_kb(mcp.pid, &hwm0, &rss0);
    CURL *c = curl_easy_init();
    double *a = malloc(sizeof(double) * (size_t)n), *d = malloc(sizeof(double) * (size_t)n),
           *f = malloc(sizeof(double) * (size_t)n), *x = malloc(sizeof(double) * (size_t)n),
           *g = malloc(sizeof(double) * (size_t)n);
    size_t bytes = 0;
    int id = 10, bad = 0;
    for (int i = 0; i < n; i++) {
        double ttfb = 0;
        d[i] = direct_get(c, port, "/slicer/volume?id=vtkMRMLScalarVolumeNode1", 256L * 1024, &bytes, &ttfb);
        f[i] = ttfb;
        x[i] = d[i] - ttfb;     /* the transfer alone */
        a[i] = mcp_call(&mcp, id++, "get_volume_statistics", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", NULL);
        g[i] = g_audit_off ? -1 : last_call_stream_ms() * 1e3;
        bad += a[i] < 0 || d[i] < 0 || g[i] < 0;
    }
    rss_kb(mcp.pid, &hwm1, &rss1);
    double am, ap, dm, dp, fm, fp, xm, xp, gm, gp;
    summary(a, n, &am, &ap);
    summary(g, n, &gm, &gp);
    summary(d, n, &dm, &dp);
    summary(f, n, &fm, &fp);
    summary(x, n, &xm, &xp);
    double mb = bytes / 1e6;
    printf("volume statistics, %s%s shorts, %.1f MB NRRD (%d runs; sim built it in %.1f s)%s\n", size,
           strchr(size, 'x') ? "" : "^3", mb, n,
           sim_s, bad ? "  (failures)" : "");
    printf("  direct GET /slicer/volume  median %7.1f ms p99 %7.1f (first byte after %6.1f ms; the sim "
           "streams, Slicer would build the NRRD first)\n", dm / 1e3, dp / 1e3, fm / 1e3);
    printf("  loopback transfer alone    median %7.1f ms p99 %7.1f = %7.0f MB/s\n", xm / 1e3, xp / 1e3,
           mb / (xm / 1e6));
    printf("  get_volume_statistics      median %7.1f ms p99 %7.1f\n", am / 1e3, ap / 1e3);
    printf("    stream, first byte to last folded (the gateway's audit line: ms - first_byte_ms)\n"
           "                             median %7.1f ms p99 %7.1f = %7.0f MB/s (%.2f of loopback)\n",
           gm / 1e3, gp / 1e3, mb / (gm / 1e6), xm / gm);
    printf("  slicer-mcp peak RSS        idle VmHWM %ld kB, after the calls VmHWM %ld kB (VmRSS %ld kB)\n",
           hwm0, hwm1, rss1);
    free(a), free(d), free(f), free(x), free(g);
    curl_easy_cleanup(c);
    proc_end(&mcp);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- segment_region and sample_voxels -------------------------------- */

static double last_call_stream_ms(void);

/* A number of the result's structuredContent, -1 if absent. */
static double result_number(const char *line, const char *key)
{
    cJSON *j = line ? cJSON_Parse(line) : NULL;
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"),
                                                             "structuredContent"), key);
    double x = cJSON_IsNumber(v) ? v->valuedouble : -1;
    cJSON_Delete(j);
    return x;
}

/* Removes the labelmap a call made, so that the sim does not hold a
 * volume per run (DELETE /slicer/mrml?id=, straight to the sim). */
static void drop_new_labelmap(CURL *c, int port, const char *line)
{
    cJSON *j = line ? cJSON_Parse(line) : NULL;
    const cJSON *id = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"),
                                                              "structuredContent"), "node_id");
    if (cJSON_IsString(id)) {
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/slicer/mrml?id=%s", port, id->valuestring);
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
        curl_easy_setopt(c, CURLOPT_PROXY, "");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        size_t got = 0;
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
        curl_easy_perform(c);
    }
    cJSON_Delete(j);
}

static void bench_segment(const char *build, const char *size, int n)
{
    static const struct { const char *what, *tool, *args; int makes; } cases[] = {
        { "segment_region, seeded (2 passes)", "segment_region",
          "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700,\"seed_ras\":[25,10,20]}", 1 },
        { "segment_region, threshold only", "segment_region",
          "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700}", 1 },
        { "sample_voxels, 1 point (lesion)", "sample_voxels",
          "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"points\":[[25,10,20]]}", 0 },
        { "sample_voxels, 40 points", "sample_voxels", NULL, 0 },
    };
    char many[900];             /* mcp_call's request holds 1 KiB */
    size_t o = (size_t)snprintf(many, sizeof many, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"points\":[");
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(many + o, sizeof many - o, "%s[%d,%d,%d]", i ? "," : "", -60 + 3 * i,
                              -80 + 4 * i, -40 + 2 * i);
    snprintf(many + o, sizeof many - o, "]}");
    proc sim, mcp;
    int port = sim_start(&sim, build, size);
    if (port <= 0 || mcp_start(&mcp, build, port, "tools.d") != 0 || handshake(&mcp) != 0) {
        printf("segment: could not start\n");
        return;
    }
    CURL *c = curl_easy_init();
    long hwm0, rss0, hwm1, rss1;
    rss_kb(mcp.pid, &hwm0, &rss0);
    printf("segment_region and sample_voxels, %s^3 shorts (%d runs each)\n", size, n);
    double *t = malloc(sizeof(double) * (size_t)n), *g = malloc(sizeof(double) * (size_t)n);
    int id = 10;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double bytes = 0, count = 0;
        int bad = 0;
        for (int i = 0; i < n; i++) {
            char *line = NULL;
            char req[sizeof many];
            snprintf(req, sizeof req, "%s", cases[k].args ? cases[k].args : many);
            t[i] = mcp_call(&mcp, id++, cases[k].tool, req, &line);
            bad += t[i] < 0;
            g[i] = g_audit_off ? -1 : last_call_stream_ms() * 1e3;
            bytes = result_number(line, "bytes_read");
            count = result_number(line, "voxel_count");
            if (cases[k].makes)
                drop_new_labelmap(c, port, line);
        }
        double m, p, gm, gp;
        summary(t, n, &m, &p);
        summary(g, n, &gm, &gp);
        printf("  %-34s median %8.1f ms p99 %8.1f; %6.1f MB streamed in %7.1f ms after the first "
               "bytes = %5.2f GB/s%s", cases[k].what, m / 1e3, p / 1e3, bytes / 1e6, gm / 1e3,
               bytes / (gm * 1e3), bad ? "  (failures)" : "");
        if (count >= 0)
            printf("  (%.0f voxels)", count);
        printf("\n");
    }
    rss_kb(mcp.pid, &hwm1, &rss1);
    printf("  slicer-mcp peak RSS        idle VmHWM %ld kB, after the calls VmHWM %ld kB (VmRSS %ld kB)\n",
           hwm0, hwm1, rss1);
    free(t);
    free(g);
    curl_easy_cleanup(c);
    proc_end(&mcp);
    kill(sim.pid, SIGTERM);
    proc_end(&sim);
}

/* ---- in-process fold ----------------------------------------------------- */

static int fold_header(void *ud, const nrrd_header *h, err *e)
{
    volstats_opts o = { .type = VOLSTATS_INT16, .region.shape = VOLSTATS_WHOLE };
    memcpy(o.dims, h->sizes, sizeof o.dims);
    *(volstats **)ud = volstats_new(&o, e);
    return *(volstats **)ud ? 0 : -1;
}

static int fold_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    (void)e;
    volstats_add(*(volstats **)ud, raw, first, count);
    return 0;
}

static void bench_fold(int size, int n)
{
    sim_volume v;
    sim_bytes b;
    if (sim_phantom_mrhead(&v, size) != 0 || sim_nrrd_write(&v, &b) != 0) {
        printf("fold: out of memory\n");
        return;
    }
    sim_volume_free(&v);
    unsigned char *dst = malloc(b.n);
    double *t = malloc(sizeof(double) * (size_t)n), *m = malloc(sizeof(double) * (size_t)n);
    static const size_t chunks[] = { 16384, 1 << 20 };
    memcpy(dst, b.p, b.n);     /* fault the pages in */
    printf("in-process NRRD + statistics, %d^3 phantom, %.1f MB (%d runs)\n", size, b.n / 1e6, n);
    for (int ci = 0; ci < 2; ci++) {
        for (int i = 0; i < n; i++) {
            volstats *vs = NULL;
            err e = { 0 };
            nrrd_stream *st = nrrd_stream_new(fold_header, fold_voxels, &vs);
            double t0 = now_us();
            for (size_t off = 0; off < b.n; off += chunks[ci])
                nrrd_stream_feed(st, b.p + off, b.n - off < chunks[ci] ? b.n - off : chunks[ci], &e);
            nrrd_stream_finish(st, &e);
            volstats_result r;
            volstats_get(vs, &r);
            t[i] = now_us() - t0;
            nrrd_stream_free(st);
            volstats_free(vs);
            t0 = now_us();
            memcpy(dst, b.p, b.n);
            m[i] = now_us() - t0;
        }
        double tm, tp, mm, mp;
        summary(t, n, &tm, &tp);
        summary(m, n, &mm, &mp);
        printf("  chunks of %7zu B: median %6.1f ms p99 %6.1f = %6.0f MB/s | memcpy median %6.1f ms = "
               "%6.0f MB/s | ratio %.2f\n", chunks[ci], tm / 1e3, tp / 1e3, b.n / tm, mm / 1e3, b.n / mm,
               mm / tm);
    }
    free(t), free(m), free(dst), free(b.p);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench calls|cold|memory|images|peer|volume|segment|fold BUILD [N|SIZE]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *tmp = getenv("BENCH_TMP");
    if (tmp)
        snprintf(g_tmp, sizeof g_tmp, "%s", tmp);
    else
        snprintf(g_tmp, sizeof g_tmp, "/tmp/slicer-mcp-bench-%d", (int)getpid());
    mkdir(g_tmp, 0700);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *cmd = argv[1], *build = argc > 2 ? argv[2] : "build";
    int n = argc > 3 ? atoi(argv[3]) : 0;
    g_audit_off = getenv("BENCH_AUDIT_OFF") != NULL;
    g_latency = getenv("BENCH_LATENCY_MS");
    if (!strcmp(cmd, "calls"))
        bench_calls(build, n ? n : 2000);
    else if (!strcmp(cmd, "cold"))
        bench_cold(build, n ? n : 50);
    else if (!strcmp(cmd, "memory"))
        bench_memory(build, n ? n : 100000);
    else if (!strcmp(cmd, "images"))
        bench_images(build, n ? n : 50);
    else if (!strcmp(cmd, "peer"))
        bench_peer(build, n ? n : 1000);
    else if (!strcmp(cmd, "volume"))
        bench_volume(build, argc > 3 ? argv[3] : "256", argc > 4 ? atoi(argv[4]) : 9);
    else if (!strcmp(cmd, "segment"))
        bench_segment(build, argc > 3 ? argv[3] : "256", argc > 4 ? atoi(argv[4]) : 5);
    else if (!strcmp(cmd, "fold"))
        bench_fold(argc > 2 ? atoi(argv[2]) : 256, argc > 3 ? atoi(argv[3]) : 9);
    else
        return 2;
    return 0;
}
