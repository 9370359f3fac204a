/* spool: the folder where the gateway writes files for Slicer to load
 * (POST /slicer/mrml?localfile=...): markups .mrk.json today, any file a
 * tool hands Slicer by path tomorrow.  Slicer opens them by path, possibly
 * as another user, so the folder is checked once at start and every file
 * is created inside the opened folder, never through the path again.
 *
 * A file is named "slicer-mcp-" + 32 random hex digits + the caller's
 * suffix: nothing of the tool's arguments, nothing guessable.  While a
 * file exists its writer holds an flock on it, so a gateway starting later
 * can tell a dead gateway's leftovers (no lock) from a live one's. */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>

#include "util/err.h"

#define SPOOL_PREFIX     "slicer-mcp-"
#define SPOOL_RANDOM_HEX 32
#define SPOOL_MAX_PATH   1024

typedef struct spool spool;

typedef struct {
    const char *dir;     /* NULL: a new private folder under $TMPDIR (or /tmp),
                          * removed by spool_close */
    int group_read;      /* files 0640 instead of 0600, for a Slicer that
                          * reads them through a shared group */
} spool_opts;

/* Opens the spool folder.  A given dir must be absolute, reached through
 * no symbolic link, a folder owned by the gateway's user, not writable by
 * others, and group-writable only with the sticky bit; NULL with e naming
 * the path and the reason otherwise.  Then removes the leftover files of
 * gateways that died (ours by name and owner, no writer's lock held),
 * and logs how many. */
spool *spool_open(const spool_opts *o, err *e);

/* The folder's absolute path (what Slicer is told), or NULL for NULL. */
const char *spool_path(const spool *s);

/* Writes len bytes to a new file named as above with suffix (for example
 * ".mrk.json"); *path gets its absolute path.  The file stays locked
 * until spool_remove.  -1 with e on failure (nothing left behind). */
typedef struct {
    char path[SPOOL_MAX_PATH];
    int fd;              /* holds the lock; -1 when none */
} spool_file;

int spool_write(spool *s, const char *suffix, const void *data, size_t len,
                spool_file *f, err *e);

/* Unlinks the file and drops its lock; a no-op on a file not written. */
void spool_remove(spool *s, spool_file *f);

/* Closes the folder (removing it when it was a private one).  NULL is fine. */
void spool_close(spool *s);

#endif
