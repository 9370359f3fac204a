/* bench_http: the HTTP transport under 1, 8, 32 and 128 concurrent
 * clients against a stand-in with a realistic service time (slicer-sim
 * --latency-ms).  Slicer serves one request at a time, so the gateway
 * should keep it busy and pass its throughput through whatever the
 * number of clients: the figures are throughput relative to one client
 * and the largest wait against what a FIFO queue allows (the calls
 * queued ahead times the call time).  Never a timed test: make bench
 * prints what it measures.
 *
 *   bench_http BUILD LATENCY_MS CALLS CLIENTS...
 *
 * Each client is a thread with its own keep-alive connection making
 * stateless (2026-07-28) get_volume_info calls, one at a time.  Each
 * level runs twice, interleaved: through the gateway, and with the same
 * clients making that call's one REST request to the stand-in directly
 * (a new connection each, as Slicer closes every one).  The direct row is
 * the floor: the stand-in's own tail, which no gateway can take away. */
#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_time.h"
#include "testlib.h"

#define BODY "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":" \
    "\"get_volume_info\",\"arguments\":{\"node_id\":\"vtkMRMLScalarVolumeNode1\"},\"_meta\":{" \
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}"

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

/* The REST request get_volume_info makes for that node. */
#define DIRECT_TARGET "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1"

typedef struct {
    int port, calls, bad;
    int direct;           /* the stand-in's port, not the gateway's */
    double *lat;          /* calls entries, microseconds */
    pthread_barrier_t *ready;
} client;

static void *run_client(void *arg)
{
    client *c = arg;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, c->direct ? DIRECT_TARGET : "/mcp");
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    if (c->direct) {
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);     /* as the gateway: Slicer closes each */
    } else {
        hs = t_mcp_headers("tools/call", "get_volume_info");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, BODY);
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 120000L);
    /* One call each before the clock starts: the connections are open
     * and every client is queued from the first timed call on. */
    if (curl_easy_perform(h) != CURLE_OK)
        c->bad++;
    pthread_barrier_wait(c->ready);
    for (int i = 0; i < c->calls; i++) {
        double t0 = now_us();
        long status = 0;
        if (curl_easy_perform(h) != CURLE_OK ||
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
            c->bad++;
        c->lat[i] = now_us() - t0;
    }
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    return NULL;
}

/* Spawns argv with stdout to a pipe; returns the pid and the first line. */
static pid_t spawn_line(char *const argv[], char *line, size_t n)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    if (!f || !fgets(line, (int)n, f))
        line[0] = '\0';
    if (f)
        fclose(f);
    return pid;
}

static void stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

static long children_ctxsw(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

typedef struct {
    double tput, p50, p99, mx;
    long ctx;
    int threads, bad, n;
} level;

typedef struct {
    const char *sim_path, *mcp_path, *latency;
    char portfile[32];
    int total;
} setup;

/* One level: a fresh stand-in (and gateway, unless direct) and nc clients;
 * 0, or -1 when the processes did not start. */
static int run_level(setup *su, int nc, int direct, level *out)
{
    char line[64], url[64];
    char *sargv[] = { (char *)su->sim_path, "--port", "0", "--latency-ms", (char *)su->latency, NULL };
    pid_t sim = spawn_line(sargv, line, sizeof line);
    int sport = atoi(line), port = direct ? sport : 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sport);
    unlink(su->portfile);
    pid_t mcp = -1;
    if (!direct) {
        char *margv[] = { (char *)su->mcp_path, "--slicer-url", url, "--tools-dir", "tools.d", "--audit-log",
                          "off", "--http", "127.0.0.1:0", "--http-port-file", su->portfile,
                          "--http-queue-max", "256", "--http-max-connections", "512", NULL };
        mcp = fork();
        if (mcp == 0) {
            freopen("/dev/null", "w", stderr);
            execv(margv[0], margv);
            _exit(127);
        }
        for (int i = 0; i < 200 && !port; i++) {
            FILE *f = fopen(su->portfile, "r");
            if (f) {
                if (fscanf(f, "%d", &port) != 1)
                    port = 0;
                fclose(f);
            }
            if (!port)
                usleep(20000);
        }
    }
    if (sport <= 0 || !port) {
        stop(mcp);
        stop(sim);
        return -1;
    }
    int per = su->total / nc > 2 ? su->total / nc : 2;
    long cs0 = children_ctxsw();
    client *cs = calloc((size_t)nc, sizeof *cs);
    pthread_t *th = calloc((size_t)nc, sizeof *th);
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, (unsigned)nc + 1);
    for (int i = 0; i < nc; i++) {
        cs[i] = (client){ .port = port, .calls = per, .direct = direct, .ready = &ready };
        cs[i].lat = calloc((size_t)per, sizeof(double));
    }
    for (int i = 0; i < nc; i++)
        pthread_create(&th[i], NULL, run_client, &cs[i]);
    pthread_barrier_wait(&ready);
    t_threads *tw = direct ? NULL : t_threads_watch((int)mcp);   /* the gateway's threads */
    double t0 = now_us();
    for (int i = 0; i < nc; i++)
        pthread_join(th[i], NULL);
    double wall = now_us() - t0;
    out->threads = tw ? t_threads_most(tw) : 0;
    pthread_barrier_destroy(&ready);
    stop(mcp);
    stop(sim);
    /* The children's whole lives, warm-up and start included: a
     * per-call figure that is fair across levels, not exact. */
    out->ctx = children_ctxsw() - cs0;
    int n = nc * per, k = 0;
    out->bad = 0;
    double *all = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < nc; i++) {
        out->bad += cs[i].bad;
        for (int j = 0; j < per; j++)
            all[k++] = cs[i].lat[j] / 1000;
        free(cs[i].lat);
    }
    qsort(all, (size_t)n, sizeof *all, cmpd);
    out->n = n;
    out->tput = n / (wall / 1e6);
    out->p50 = all[n / 2];
    out->p99 = all[(int)ceil(0.99 * n) - 1];
    out->mx = all[n - 1];
    free(all);
    free(cs);
    free(th);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_http BUILD LATENCY_MS CALLS CLIENTS...\n");
        return 2;
    }
    const char *build = argv[1];
    char sim_path[512], mcp_path[512];
    snprintf(sim_path, sizeof sim_path, "%s/slicer-sim", build);
    snprintf(mcp_path, sizeof mcp_path, "%s/slicer-mcp", build);
    setup su = { .sim_path = sim_path, .mcp_path = mcp_path, .latency = argv[2], .total = atoi(argv[3]),
                 .portfile = "/tmp/bench_http.XXXXXX" };
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int pfd = mkstemp(su.portfile);
    if (pfd < 0)
        return 1;
    close(pfd);
    printf("HTTP: concurrent clients against slicer-sim --latency-ms %s; each client one keep-alive\n"
           "connection making stateless get_volume_info calls (one Slicer request each), %d calls\n"
           "per level after one untimed call each; the gateway with --http-queue-max 256 (the\n"
           "default 64 turns calls beyond it away with 503: that is the point of the limit).\n"
           "Each level also runs direct: the same clients making the same REST request to the\n"
           "stand-in (interleaved, a fresh stand-in each)\n", su.latency, su.total);
    printf("  %7s %-10s %9s %7s %9s %9s %9s %9s %9s %8s %7s %7s\n", "clients", "via", "calls/s", "vs 1",
           "p50 ms", "p99 ms", "max ms", "bound ms", "max/bnd", "ctxsw/c", "threads", "errors");
    double one_tput[2] = { 0, 0 }, one_call_ms[2] = { 0, 0 };
    for (int a = 4; a < argc; a++) {
        int nc = atoi(argv[a]);
        if (nc < 1)
            continue;
        for (int direct = 0; direct < 2; direct++) {
            const char *via = direct ? "direct" : "slicer-mcp";
            level lv;
            if (run_level(&su, nc, direct, &lv) != 0) {
                printf("  %7d %-10s could not start slicer-sim / slicer-mcp\n", nc, via);
                continue;
            }
            if (nc == 1 || one_tput[direct] == 0) {
                one_tput[direct] = lv.tput;
                one_call_ms[direct] = lv.p50;
            }
            /* A FIFO queue of nc clients waits at most nc calls' time. */
            double bound = nc * one_call_ms[direct];
            char threads[16] = "-";
            if (!direct)
                snprintf(threads, sizeof threads, "%d", lv.threads);
            printf("  %7d %-10s %9.1f %7.3f %9.2f %9.2f %9.2f %9.2f %9.2f %8.1f %7s %7d\n", nc, via, lv.tput,
                   lv.tput / one_tput[direct], lv.p50, lv.p99, lv.mx, bound, lv.mx / bound,
                   (double)lv.ctx / lv.n, threads, lv.bad);
        }
    }
    unlink(su.portfile);
    printf("  (vs 1: throughput over one client's, target >= 0.95 at 128; bound: clients x the one-client\n"
           "   median call of the same row kind, target max/bnd <= 1.10; direct: the stand-in alone,\n"
           "   the floor of max/bnd; ctxsw/c: context switches of slicer-mcp and slicer-sim per call,\n"
           "   from their rusage; threads: the most slicer-mcp had while the clients ran, from\n"
           "   /proc/PID/task)\n");
    curl_global_cleanup();
    return 0;
}
