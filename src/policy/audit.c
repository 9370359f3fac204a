/* audit: durable JSON-lines appends. */
#include "policy/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/ownfile.h"
#include "util/mono.h"

struct audit {
    int fd;
    char *path;
    audit_sync sync;
    /* background mode: the syncer thread fsyncs while dirty */
    pthread_t syncer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int dirty, stop, running;
};

/* How long a written line may wait for its fsync in background mode: the
 * lines of calls in this window share one fsync (measured: one fsync per
 * call costs ~120 microseconds of every call even off the main thread). */
#define AUDIT_SYNC_WINDOW_MS 10

/* Group commit: one fsync covers every line written in the window. */
static void *syncer_main(void *arg)
{
    audit *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->dirty && !a->stop)
            pthread_cond_wait(&a->cv, &a->mu);
        if (!a->dirty && a->stop)
            break;
        if (!a->stop) {
            /* Let the window fill; a stop request cuts it short. */
            struct timespec until = mono_deadline(CLOCK_REALTIME, AUDIT_SYNC_WINDOW_MS);
            while (!a->stop && pthread_cond_timedwait(&a->cv, &a->mu, &until) == 0) {}
        }
        a->dirty = 0;
        pthread_mutex_unlock(&a->mu);
        fsync(a->fd);
        pthread_mutex_lock(&a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* mkdir -p for the folders above path, each 0700 when created. */
static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

audit *audit_open(const char *path, audit_sync sync, err *e)
{
    audit *a = calloc(1, sizeof *a);
    if (!a || !(a->path = strdup(path))) {
        free(a);
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    if (make_parents(path) != 0) {
        err_set(e, ERR_INVALID, "audit log %s: cannot create its folder: %s", path, strerror(errno));
        goto fail;
    }
    /* Records of who asked what: never written through a link another
     * user planted, nor into a file others own or can read. */
    a->fd = ownfile_open(path, O_WRONLY | O_APPEND | O_CREAT, e);
    if (a->fd < 0) {
        err_prefix(e, "audit log %s", path);
        goto fail;
    }
    a->sync = sync;
    if (sync == AUDIT_SYNC_BACKGROUND) {
        pthread_mutex_init(&a->mu, NULL);
        pthread_cond_init(&a->cv, NULL);
        /* Without the thread, fall back to fsync in line. */
        a->running = pthread_create(&a->syncer, NULL, syncer_main, a) == 0;
        if (!a->running)
            a->sync = AUDIT_SYNC_STRICT;
    }
    return a;
fail:
    free(a->path);
    free(a);
    return NULL;
}

void audit_close(audit *a)
{
    if (!a)
        return;
    if (a->running) {
        pthread_mutex_lock(&a->mu);
        a->stop = 1;
        pthread_cond_signal(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->syncer, NULL);
    }
    if (a->sync == AUDIT_SYNC_BACKGROUND) {
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
    }
    fsync(a->fd);
    close(a->fd);
    free(a->path);
    free(a);
}

const char *audit_path(const audit *a) { return a->path; }

int audit_write(audit *a, const char *line, size_t len, err *e)
{
    ssize_t w;
    do
        w = write(a->fd, line, len);
    while (w < 0 && errno == EINTR);
    int rc = 0;
    if (w != (ssize_t)len)
        rc = err_set(e, ERR_INTERNAL, "audit log %s: write failed: %s", a->path,
                     w < 0 ? strerror(errno) : "short write");
    else if (a->sync == AUDIT_SYNC_STRICT && fsync(a->fd) != 0)
        rc = err_set(e, ERR_INTERNAL, "audit log %s: fsync failed: %s", a->path, strerror(errno));
    else if (a->sync == AUDIT_SYNC_BACKGROUND) {
        /* Only the first line of a window wakes the syncer: waking it for
         * every line cost a thread switch per call. */
        pthread_mutex_lock(&a->mu);
        if (!a->dirty) {
            a->dirty = 1;
            pthread_cond_signal(&a->cv);
        }
        pthread_mutex_unlock(&a->mu);
    }
    return rc;
}
