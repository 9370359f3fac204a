/* platform: the few things the gateway needs that POSIX does not give in
 * one portable way: the running executable's path, noticing that a
 * folder's files changed, handing freed memory back to the system, and
 * starting a helper thread on a CPU of its own.  Linux uses
 * /proc/self/exe, inotify, glibc's malloc_trim and CPU affinity; any
 * other system (and the POSIX-only build, make PLATFORM=posix, which
 * defines SLICER_MCP_POSIX_ONLY) resolves argv[0], polls the folders,
 * leaves the heap to its allocator and the thread to its scheduler. */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <pthread.h>

/* Absolute path of the running executable (caller frees), or NULL. */
char *platform_exe_path(const char *argv0);

typedef struct platform_watch platform_watch;

/* Watches the files directly in each folder (NULL-terminated list) for
 * creation, removal, renames and writes.  NULL when nothing can be
 * watched; *why then says why (static text). */
platform_watch *platform_watch_new(const char *const *dirs, const char **why);
/* Non-blocking: 1 if a watched folder changed since the last call.  The
 * polling fallback looks at most every PLATFORM_POLL_MS. */
int  platform_watch_changed(platform_watch *w);
/* "inotify" or "polling". */
const char *platform_watch_kind(const platform_watch *w);
void platform_watch_free(platform_watch *w);

#define PLATFORM_POLL_MS 250

/* Returns the heap's free pages to the system.  glibc keeps what a big
 * call freed (free chunks between live ones, and the arenas of other
 * threads), so resident memory stayed at the call's level; malloc_trim
 * releases every whole free page of every arena.  It walks the heap, so
 * call it after big replies only.  A no-op elsewhere. */
void platform_trim_heap(void);

/* pthread_create (same return) for work that runs while the calling
 * thread keeps busy: the new thread begins on one of the caller's CPUs
 * other than the one the caller is on, then may run on all of them.
 * Linux often puts a new thread on its creator's CPU, and on a two-vCPU
 * VM the idle CPU pulled it over only 1.4-3 ms later: the image encoder
 * began when the decoder beside it was done.  Started this way it runs
 * within 0.15-0.2 ms (tests/bench/bench_threads.c, in make bench).
 * Elsewhere, and when the caller may use one CPU only, a plain
 * pthread_create. */
int platform_thread_beside(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
