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
 * stateless (2026-07-28) get_volume_info calls, one at a time. */
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

typedef struct {
    int port, calls, bad;
    double *lat;          /* calls entries, microseconds */
    pthread_barrier_t *ready;
} client;

static void *run_client(void *arg)
{
    client *c = arg;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", c->port);
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    hs = curl_slist_append(hs, "Content-Type: application/json");
    hs = curl_slist_append(hs, "Accept: application/json, text/event-stream");
    hs = curl_slist_append(hs, "MCP-Protocol-Version: 2026-07-28");
    hs = curl_slist_append(hs, "Mcp-Method: tools/call");
    hs = curl_slist_append(hs, "Mcp-Name: get_volume_info");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, BODY);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
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

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_http BUILD LATENCY_MS CALLS CLIENTS...\n");
        return 2;
    }
    const char *build = argv[1], *latency = argv[2];
    int total = atoi(argv[3]);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char sim_path[512], mcp_path[512], line[64], url[64], portfile[] = "/tmp/bench_http.XXXXXX";
    snprintf(sim_path, sizeof sim_path, "%s/slicer-sim", build);
    snprintf(mcp_path, sizeof mcp_path, "%s/slicer-mcp", build);
    int pfd = mkstemp(portfile);
    if (pfd < 0)
        return 1;
    close(pfd);
    printf("HTTP: concurrent clients against slicer-sim --latency-ms %s; each client one keep-alive\n"
           "connection making stateless get_volume_info calls (one Slicer request each), %d calls\n"
           "per level after one untimed call each; the gateway with --http-queue-max 256 (the\n"
           "default 64 turns calls beyond it away with 503: that is the point of the limit)\n",
           latency, total);
    printf("  %7s %9s %7s %9s %9s %9s %9s %9s %8s %7s %7s\n", "clients", "calls/s", "vs 1", "p50 ms",
           "p99 ms", "max ms", "bound ms", "max/bnd", "ctxsw/c", "threads", "errors");
    double one_tput = 0, one_call_ms = 0;
    for (int a = 4; a < argc; a++) {
        int nc = atoi(argv[a]);
        if (nc < 1)
            continue;
        /* A fresh stand-in and gateway per level: no level inherits another's state. */
        char *sargv[] = { sim_path, "--port", "0", "--latency-ms", (char *)latency, NULL };
        pid_t sim = spawn_line(sargv, line, sizeof line);
        int sport = atoi(line);
        snprintf(url, sizeof url, "http://127.0.0.1:%d", sport);
        unlink(portfile);
        char *margv[] = { mcp_path, "--slicer-url", url, "--tools-dir", "tools.d", "--audit-log", "off",
                          "--http", "127.0.0.1:0", "--http-port-file", portfile,
                          "--http-queue-max", "256", "--http-max-connections", "512", NULL };
        pid_t mcp = fork();
        if (mcp == 0) {
            freopen("/dev/null", "w", stderr);
            execv(margv[0], margv);
            _exit(127);
        }
        int port = 0;
        for (int i = 0; i < 200 && !port; i++) {
            FILE *f = fopen(portfile, "r");
            if (f) {
                if (fscanf(f, "%d", &port) != 1)
                    port = 0;
                fclose(f);
            }
            if (!port)
                usleep(20000);
        }
        if (sport <= 0 || !port) {
            printf("  %7d could not start slicer-sim / slicer-mcp\n", nc);
            stop(mcp);
            stop(sim);
            continue;
        }
        int per = total / nc > 2 ? total / nc : 2;
        long cs0 = children_ctxsw();
        client *cs = calloc((size_t)nc, sizeof *cs);
        pthread_t *th = calloc((size_t)nc, sizeof *th);
        pthread_barrier_t ready;
        pthread_barrier_init(&ready, NULL, (unsigned)nc + 1);
        for (int i = 0; i < nc; i++) {
            cs[i] = (client){ .port = port, .calls = per, .ready = &ready };
            cs[i].lat = calloc((size_t)per, sizeof(double));
        }
        for (int i = 0; i < nc; i++)
            pthread_create(&th[i], NULL, run_client, &cs[i]);
        pthread_barrier_wait(&ready);
        t_threads *tw = t_threads_watch((int)mcp);   /* the gateway's threads */
        double t0 = now_us();
        for (int i = 0; i < nc; i++)
            pthread_join(th[i], NULL);
        double wall = now_us() - t0;
        int threads = t_threads_most(tw);
        pthread_barrier_destroy(&ready);
        stop(mcp);
        stop(sim);
        /* The children's whole lives, warm-up and start included: a
         * per-call figure that is fair across levels, not exact. */
        long ctx = children_ctxsw() - cs0;
        int n = nc * per, bad = 0, k = 0;
        double *all = malloc(sizeof(double) * (size_t)n);
        for (int i = 0; i < nc; i++) {
            bad += cs[i].bad;
            for (int j = 0; j < per; j++)
                all[k++] = cs[i].lat[j] / 1000;
            free(cs[i].lat);
        }
        qsort(all, (size_t)n, sizeof *all, cmpd);
        double tput = n / (wall / 1e6);
        double p50 = all[n / 2], p99 = all[(int)ceil(0.99 * n) - 1], mx = all[n - 1];
        if (nc == 1 || one_tput == 0) {
            one_tput = tput;
            one_call_ms = p50;
        }
        /* A FIFO queue of nc clients waits at most nc calls' time. */
        double bound = nc * one_call_ms;
        printf("  %7d %9.1f %7.3f %9.2f %9.2f %9.2f %9.2f %9.2f %8.1f %7d %7d\n", nc, tput, tput / one_tput,
               p50, p99, mx, bound, mx / bound, (double)ctx / n, threads, bad);
        free(all);
        free(cs);
        free(th);
    }
    unlink(portfile);
    printf("  (vs 1: throughput over one client's, target >= 0.95 at 128; bound: clients x the one-client\n"
           "   median call, target max/bnd <= 1.10; ctxsw/c: context switches of slicer-mcp and\n"
           "   slicer-sim per call, from their rusage; threads: the most slicer-mcp had while the\n"
           "   clients ran, from /proc/PID/task)\n");
    curl_global_cleanup();
    return 0;
}
