/* slicer-sim: a stand-in for the 3D Slicer Web Server (5.8-5.12) that
 * behaves like it on the wire, for slicer-mcp's tests.  main.c reads the
 * options, builds the scene and runs the server until SIGTERM/SIGINT. */
#include "sim_fault.h"
#include "sim_http.h"
#include "sim_log.h"
#include "sim_routes.h"
#include "sim_scene.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
/* The self-pipe: a signal that lands after the serve loop checked g_stop
 * and before it sleeps in poll() still wakes it (before, a SIGTERM sent
 * right after the listening line could leave it waiting forever). */
static int g_wake[2] = { -1, -1 };

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    int saved = errno;
    if (write(g_wake[1], "x", 1) < 0) {
        /* full or closed: the loop is awake or gone anyway */
    }
    errno = saved;
}

static void usage(FILE *f)
{
    fputs("usage: slicer-sim [options]\n"
          "  --port N               listen on 127.0.0.1:N (default 2016; 0 = free port,\n"
          "                         printed alone on stdout)\n"
          "  --log FILE             request log, one JSON line per request\n"
          "  --disable-slicer-api   no /slicer handler (every /slicer/... is a 404)\n"
          "  --enable-exec          turn on /slicer/exec (records code, runs nothing)\n"
          "  --enable-cors          Access-Control-* headers\n"
          "  --enable-dicomweb      /dicom/studies answers []\n"
          "  --enable-static        static pages (a built-in index page)\n"
          "  --version-string V     Slicer version reported and emulated (default 5.8.1)\n"
          "  --volume-size N|IxJxK  MRHead phantom as N^3 or IxJxK voxels (default\n"
          "                         256x256x130; at most 2^30 voxels, 2 GiB)\n"
          "  --stream-chunk BYTES   bytes of a streamed answer made per write (default\n"
          "                         1 MiB; tests use small ones)\n"
          "  --view-size WxH        slice view size in pixels (default 512x512)\n"
          "  --device-pixel-ratio R HiDPI factor 1..4 (default 1): the slice views'\n"
          "                         PNGs and Dimensions are R times --view-size\n"
          "  --view3d-size WxH      3D view size in pixels (default 800x600)\n"
          "  --fault ROUTE=KIND[:ARG]  inject a fault (repeatable); KIND is delay:MS,\n"
          "                         hang, close, 500[:MSG], truncate, content-type:T,\n"
          "                         garbage, oversize:BYTES, single-quote or 404\n"
          "  --exec-result JSON     body /slicer/exec answers instead of {}\n"
          "  --latency-ms MEAN[:JITTER]  each request keeps the server busy MEAN +-\n"
          "                         JITTER ms (uniform; fractions allowed), one request\n"
          "                         at a time, like Slicer's Python handlers\n"
          "  --help                 this text\n", f);
}

static int parse_size(const char *s, int *w, int *h)
{
    char x;
    return sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') &&
           *w > 0 && *h > 0 && *w <= 8192 && *h <= 8192 ? 0 : -1;
}

int main(int argc, char **argv)
{
    sim_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.set.slicer_api = 1;
    snprintf(ctx.set.version, sizeof ctx.set.version, "5.8.1");
    int port = 2016, vol_dims[3] = { 0, 0, 0 }, vw = 512, vh = 512, w3 = 800, h3 = 600, bad = 0;
    double dpr = 1;
    const char *log_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char err[512];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(ctx.exec_result);
            return 0;
        } else if (strcmp(a, "--disable-slicer-api") == 0) {
            ctx.set.slicer_api = 0;
        } else if (strcmp(a, "--enable-exec") == 0) {
            ctx.set.exec = 1;
        } else if (strcmp(a, "--enable-cors") == 0) {
            ctx.set.cors = 1;
        } else if (strcmp(a, "--enable-dicomweb") == 0) {
            ctx.set.dicomweb = 1;
        } else if (strcmp(a, "--enable-static") == 0) {
            ctx.set.static_pages = 1;
        } else if (!v) {
            fprintf(stderr, "slicer-sim: %s: unknown option or missing value\n", a);
            bad = 1;
        } else if (i++, strcmp(a, "--port") == 0) {
            char *end;
            long p = strtol(v, &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, "slicer-sim: --port %s: not a port number\n", v);
                bad = 1;
            }
            port = (int)p;
        } else if (strcmp(a, "--log") == 0) {
            log_path = v;
        } else if (strcmp(a, "--version-string") == 0) {
            if (sscanf(v, "%d.%d.%d", &ctx.set.major, &ctx.set.minor, &ctx.set.patch) != 3 ||
                strlen(v) >= sizeof ctx.set.version) {
                fprintf(stderr, "slicer-sim: --version-string %s: want MAJOR.MINOR.PATCH\n", v);
                bad = 1;
            }
            snprintf(ctx.set.version, sizeof ctx.set.version, "%s", v);
        } else if (strcmp(a, "--volume-size") == 0) {
            char x1, x2, extra;
            int k = sscanf(v, "%d%c%d%c%d%c", &vol_dims[0], &x1, &vol_dims[1], &x2,
                           &vol_dims[2], &extra);
            if (k == 1)
                vol_dims[1] = vol_dims[2] = vol_dims[0];
            double nvox = (double)vol_dims[0] * vol_dims[1] * vol_dims[2];
            if (!(k == 1 || (k == 5 && x1 == 'x' && x2 == 'x')) || vol_dims[0] < 2 ||
                vol_dims[1] < 2 || vol_dims[2] < 2 || vol_dims[0] > 4096 || vol_dims[1] > 4096 ||
                vol_dims[2] > 4096 || nvox > 1073741824.0) {
                fprintf(stderr, "slicer-sim: --volume-size %s: want N or IxJxK, each 2..4096, "
                        "at most 2^30 voxels\n", v);
                bad = 1;
            }
        } else if (strcmp(a, "--stream-chunk") == 0) {
            char *end;
            long ch = strtol(v, &end, 10);
            if (*end || ch < 1 || ch > 64L * 1024 * 1024) {
                fprintf(stderr, "slicer-sim: --stream-chunk %s: want 1..67108864\n", v);
                bad = 1;
            }
            sim_http_set_chunk((size_t)ch);
        } else if (strcmp(a, "--view-size") == 0) {
            if (parse_size(v, &vw, &vh) != 0) {
                fprintf(stderr, "slicer-sim: --view-size %s: want WxH\n", v);
                bad = 1;
            }
        } else if (strcmp(a, "--device-pixel-ratio") == 0) {
            char *end = NULL;
            dpr = strtod(v, &end);
            if (end == v || *end || !(dpr >= 1 && dpr <= 4)) {
                fprintf(stderr, "slicer-sim: --device-pixel-ratio %s: want 1..4\n", v);
                bad = 1;
            }
        } else if (strcmp(a, "--view3d-size") == 0) {
            if (parse_size(v, &w3, &h3) != 0) {
                fprintf(stderr, "slicer-sim: --view3d-size %s: want WxH\n", v);
                bad = 1;
            }
        } else if (strcmp(a, "--fault") == 0) {
            sim_fault f;
            if (sim_fault_parse(v, &f, err, sizeof err) != 0 ||
                sim_faults_add(&ctx.faults, &f) != 0) {
                fprintf(stderr, "slicer-sim: --fault %s: %s\n", v, err);
                bad = 1;
            }
        } else if (strcmp(a, "--latency-ms") == 0) {
            double mean = -1, jit = 0;
            char extra;
            int n = sscanf(v, "%lf:%lf%c", &mean, &jit, &extra);
            if ((n != 1 && n != 2) || !(mean >= 0 && mean <= 60000) || !(jit >= 0 && jit <= mean)) {
                fprintf(stderr, "slicer-sim: --latency-ms %s: want MEAN[:JITTER] in ms, "
                        "0 <= JITTER <= MEAN <= 60000\n", v);
                bad = 1;
            } else {
                sim_http_set_service_time(lround(mean * 1000), lround(jit * 1000));
            }
        } else if (strcmp(a, "--exec-result") == 0) {
            free(ctx.exec_result);
            ctx.exec_result = strdup(v);
        } else {
            fprintf(stderr, "slicer-sim: %s: unknown option\n", a);
            bad = 1;
        }
    }
    if (ctx.set.major == 0)
        sscanf(ctx.set.version, "%d.%d.%d", &ctx.set.major, &ctx.set.minor, &ctx.set.patch);
    if (bad) {
        usage(stderr);
        free(ctx.exec_result);
        return 2;
    }

    if (pipe(g_wake) != 0 || fcntl(g_wake[1], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(g_wake[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(g_wake[1], F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "slicer-sim: pipe: %s\n", strerror(errno));
        free(ctx.exec_result);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;           /* no SA_RESTART: poll() wakes up */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (sim_log_open(log_path) != 0) {
        fprintf(stderr, "slicer-sim: --log %s: %s\n", log_path, strerror(errno));
        free(ctx.exec_result);
        return 1;
    }
    /* Slicer's slice views render in device pixels: a HiDPI screen
     * multiplies the slice node's Dimensions and the PNG's size */
    ctx.scene = sim_scene_new(vol_dims, (int)lround(vw * dpr), (int)lround(vh * dpr), w3, h3);
    if (ctx.scene)
        ctx.scene->screen_scale = dpr;
    if (!ctx.scene) {
        fprintf(stderr, "slicer-sim: out of memory building the scene\n");
        sim_log_close();
        free(ctx.exec_result);
        return 1;
    }
    int bound = 0;
    int lfd = sim_http_listen(port, &bound);
    if (lfd < 0) {
        fprintf(stderr, "slicer-sim: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        sim_scene_free(ctx.scene);
        sim_log_close();
        free(ctx.exec_result);
        return 1;
    }
    if (port == 0) {
        printf("%d\n", bound);
        fflush(stdout);
    } else {
        fprintf(stderr, "slicer-sim: listening on 127.0.0.1:%d\n", bound);
    }
    int rc = sim_http_run(lfd, g_wake[0], sim_routes_handle, &ctx, &g_stop);
    close(lfd);
    sim_scene_free(ctx.scene);
    sim_log_close();
    free(ctx.exec_result);
    return rc == 0 ? 0 : 1;
}
