/* platform: the few things the gateway needs that POSIX does not give in
 * one portable way: the running executable's path, noticing that a
 * folder's files changed, and handing freed memory back to the system.
 * Linux uses /proc/self/exe, inotify and glibc's malloc_trim; any other
 * system (and the POSIX-only build, make PLATFORM=posix, which defines
 * SLICER_MCP_POSIX_ONLY) resolves argv[0], polls the folders and leaves
 * the heap to its allocator. */
#ifndef PLATFORM_H
#define PLATFORM_H

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

#endif
