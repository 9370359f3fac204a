/* platform: executable path, folder watching, heap trimming and helper
 * threads, per system. */
#if defined(__linux__) && !defined(SLICER_MCP_POSIX_ONLY)
#define _GNU_SOURCE     /* CPU affinity: sched_getcpu, pthread_attr_setaffinity_np */
#define PLATFORM_AFFINITY 1
#endif
#include "util/platform.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mono.h"

#if defined(__linux__) && !defined(SLICER_MCP_POSIX_ONLY)
#define PLATFORM_INOTIFY 1
#include <sys/inotify.h>
#endif

#if defined(__GLIBC__) && !defined(SLICER_MCP_POSIX_ONLY)
#define PLATFORM_MALLOC_TRIM 1
#include <malloc.h>
#endif

#ifdef PLATFORM_AFFINITY
#include <sched.h>
#endif

#define WATCH_MAX_DIRS 4

void platform_trim_heap(void)
{
#ifdef PLATFORM_MALLOC_TRIM
    malloc_trim(0);
#endif
}

#ifdef PLATFORM_AFFINITY
typedef struct {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t all;      /* the creator's CPUs, given back once started */
} beside;

static void *beside_main(void *p)
{
    beside b = *(beside *)p;
    free(p);
    pthread_setaffinity_np(pthread_self(), sizeof b.all, &b.all);
    return b.fn(b.arg);
}

/* 0 when started on another CPU; -1 to start it the plain way. */
static int start_elsewhere(pthread_t *t, void *(*fn)(void *), void *arg)
{
    beside *b = malloc(sizeof *b);
    int cpu = sched_getcpu();
    if (!b || cpu < 0 || sched_getaffinity(0, sizeof b->all, &b->all) != 0 ||
        !CPU_ISSET(cpu, &b->all) || CPU_COUNT(&b->all) < 2) {
        free(b);
        return -1;
    }
    b->fn = fn;
    b->arg = arg;
    cpu_set_t others = b->all;
    CPU_CLR(cpu, &others);
    pthread_attr_t at;
    int ok = 0;
    if (pthread_attr_init(&at) == 0) {
        ok = pthread_attr_setaffinity_np(&at, sizeof others, &others) == 0 &&
             pthread_create(t, &at, beside_main, b) == 0;
        pthread_attr_destroy(&at);
    }
    if (!ok)
        free(b);
    return ok ? 0 : -1;
}
#endif

int platform_thread_beside(pthread_t *t, void *(*fn)(void *), void *arg)
{
#ifdef PLATFORM_AFFINITY
    if (start_elsewhere(t, fn, arg) == 0)
        return 0;
#endif
    return pthread_create(t, NULL, fn, arg);
}

/* argv[0] with a slash is a path from the current folder; without one,
 * the shell found it on $PATH. */
static char *resolve_argv0(const char *argv0)
{
    if (!argv0 || !*argv0)
        return NULL;
    if (strchr(argv0, '/'))
        return realpath(argv0, NULL);
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        char cand[PATH_MAX];
        if (n > 0 && n + strlen(argv0) + 2 <= sizeof cand) {
            memcpy(cand, path, n);
            cand[n] = '/';
            strcpy(cand + n + 1, argv0);
            if (access(cand, X_OK) == 0)
                return realpath(cand, NULL);
        }
        path = colon ? colon + 1 : NULL;
    }
    return NULL;
}

char *platform_exe_path(const char *argv0)
{
#ifdef PLATFORM_INOTIFY
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        return strdup(exe);
    }
#endif
    return resolve_argv0(argv0);
}

struct platform_watch {
    char *dirs[WATCH_MAX_DIRS + 1];
    int fd;                    /* inotify, or -1 when polling */
    uint64_t print;            /* polling: fingerprint of the folders */
    double last_look;          /* polling: ms */
};

/* FNV-1a over what a change to a folder's files alters: each entry's name,
 * inode, size and modification time.  The order of readdir does not
 * matter: entries are mixed in with a commutative sum. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static uint64_t fingerprint(char *const *dirs)
{
    uint64_t sum = 0;
    for (int i = 0; dirs[i]; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d) {
            sum += 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
            continue;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char p[PATH_MAX];
            struct stat st;
            if ((size_t)snprintf(p, sizeof p, "%s/%s", dirs[i], de->d_name) >= sizeof p || stat(p, &st) != 0)
                continue;
            uint64_t h = mix(14695981039346656037ULL, de->d_name, strlen(de->d_name));
            long long f[4] = { (long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtime, i };
            h = mix(h, f, sizeof f);
            sum += h;
        }
        closedir(d);
    }
    return sum;
}

platform_watch *platform_watch_new(const char *const *dirs, const char **why)
{
    platform_watch *w = calloc(1, sizeof *w);
    if (!w) {
        *why = "out of memory";
        return NULL;
    }
    w->fd = -1;
    for (int i = 0; dirs[i] && i < WATCH_MAX_DIRS; i++)
        if (!(w->dirs[i] = strdup(dirs[i]))) {
            platform_watch_free(w);
            *why = "out of memory";
            return NULL;
        }
#ifdef PLATFORM_INOTIFY
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE;
    for (int i = 0; w->fd >= 0 && w->dirs[i]; i++)
        if (inotify_add_watch(w->fd, w->dirs[i], mask) < 0) {
            *why = strerror(errno);
            platform_watch_free(w);
            return NULL;
        }
    if (w->fd >= 0)
        return w;
#endif
    w->print = fingerprint(w->dirs);
    w->last_look = mono_ms();
    return w;
}

int platform_watch_changed(platform_watch *w)
{
#ifdef PLATFORM_INOTIFY
    if (w->fd >= 0) {
        char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        int any = 0;
        while (read(w->fd, ev, sizeof ev) > 0)
            any = 1;
        return any;
    }
#endif
    double t = mono_ms();
    if (t - w->last_look < PLATFORM_POLL_MS)
        return 0;
    w->last_look = t;
    uint64_t now = fingerprint(w->dirs);
    int changed = now != w->print;
    w->print = now;
    return changed;
}

const char *platform_watch_kind(const platform_watch *w)
{
    return w->fd >= 0 ? "inotify" : "polling";
}

void platform_watch_free(platform_watch *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    for (int i = 0; w->dirs[i]; i++)
        free(w->dirs[i]);
    free(w);
}
