/* ownfile: opening a file that only the gateway's user may read or write
 * (the audit log, the HTTP token): never through a symbolic link, never a
 * file another user owns or that others may read, never a FIFO or device
 * (opening one could block the start or feed it endless bytes). */
#ifndef OWNFILE_H
#define OWNFILE_H

#include "util/err.h"

/* open(path, flags | O_NOFOLLOW | O_CLOEXEC), creating it 0600 with
 * O_CREAT, then refuses (closing it) a file that is not regular, is not
 * owned by the effective user, or whose mode is not 0600 (0400 also when
 * flags is O_RDONLY).  The descriptor, or -1 with e saying why (the
 * caller puts the file's role and path in front). */
int ownfile_open(const char *path, int flags, err *e);

#endif
