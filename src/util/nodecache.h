/* nodecache: freed small cJSON blocks kept per thread for the next ones.
 *
 * cJSON allocates every value, key and string separately; a tools/call
 * builds and frees hundreds (Slicer's answer, the result, the reply).
 * glibc's per-thread cache holds 7 blocks of a size, so most of them went
 * through malloc's slower bins, and a large allocation (libcurl's buffer,
 * a printed reply) then consolidated them all.  Installed through
 * cJSON_InitHooks, this keeps up to NODECACHE_MAX freed blocks per size
 * class (7 classes of 16 bytes, 24 to 120 usable bytes: nodes, keys and
 * short strings), so at most about 2 MB per thread.  Every block is an
 * ordinary malloc'd one, so plain free() and cJSON_free mix freely with
 * it.  Sanitizer builds leave it out: a cached block would hide a
 * use-after-free from AddressSanitizer. */
#ifndef NODECACHE_H
#define NODECACHE_H

#include <stddef.h>

#define NODECACHE_MAX 4096

/* Installs the hooks (once, before any cJSON use on other threads);
 * 1 if installed, 0 in a sanitizer build. */
int    nodecache_install(void);
/* Frees the calling thread's cached blocks (other threads' go when they
 * exit).  main calls it last, so that leak checkers see nothing held. */
void   nodecache_release(void);
/* Blocks cached by the calling thread (for tests). */
size_t nodecache_count(void);

#endif
