/* audit: the append-only record of every tools/call, allowed or refused.
 * One JSON object per line, written with a single write() on an O_APPEND
 * descriptor before the reply goes out, so a kill -9 loses at most the
 * call in flight and lines never interleave, even with several gateways
 * sharing one file.  The line then reaches the disk by fsync: in strict
 * mode before the reply (an OS crash loses at most the call in flight), in
 * background mode (the default) on a writer thread, one fsync for all the
 * lines of a 10 ms window, which keeps the ~150 microseconds an fsync
 * costs off every call (an OS crash or power loss may then also lose the
 * last 10 ms of lines; a kill -9 still loses nothing written).  The file
 * is created 0600, its folder 0700; an existing file is used only if it is
 * a regular file of the gateway's user with mode 0600, reached without a
 * symbolic link at its last step (util/ownfile.h). */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include "util/err.h"

#define AUDIT_MAX_LINE (1u << 20)   /* callers drop a longer record's arguments */
/* An argument (or key) longer than this is recorded as its length and
 * SHA-256, never as text: a client cannot fill the log, and redaction
 * never runs on it for the log. */
#define AUDIT_MAX_VALUE 1024u

typedef struct audit audit;

typedef enum { AUDIT_SYNC_BACKGROUND, AUDIT_SYNC_STRICT } audit_sync;

audit *audit_open(const char *path, audit_sync sync, err *e);
/* Flushes (fsync) what was written, stops the writer thread, closes. */
void   audit_close(audit *a);
const char *audit_path(const audit *a);
/* Appends one record: line is len bytes of JSON ending in '\n', written
 * with one write().  -1 with e when the write or fsync failed (the caller
 * logs it; the call itself is not failed). */
int    audit_write(audit *a, const char *line, size_t len, err *e);

#endif
