/* reload: loading tools.d again without a restart, on SIGHUP and (where
 * the folders can be watched: src/util/platform.h) shortly after a file in tools.d or schemas
 * changes.  The caller swaps the fresh set in between requests; a set
 * with any problem is never used: the old one keeps serving. */
#ifndef RELOAD_H
#define RELOAD_H

#include "catalog/tools.h"

typedef struct reloader reloader;

/* watch: also watch the folders (inotify, or polling).  Installs the SIGHUP
 * handler.  Never fails hard: without a watch it is SIGHUP only. */
reloader *reloader_new(const char *tools_dir, const char *schemas_dir, int watch);
void      reloader_free(reloader *r);

typedef enum { RELOAD_NONE, RELOAD_DONE, RELOAD_FAILED } reload_result;

/* Non-blocking.  RELOAD_DONE: *fresh is the new set (caller owns it).
 * RELOAD_FAILED: *problems is a malloc'd text of every problem, one per
 * line ("FILE:LINE:COL: message"), and the caller keeps its set. */
reload_result reloader_poll(reloader *r, toolset **fresh, char **problems);

#endif
