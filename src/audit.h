/* audit: the append-only record of every tools/call, allowed or refused.
 * One JSON object per line, written with a single write() on an O_APPEND
 * descriptor and fsync'd before the reply goes out, so a crash or kill -9
 * loses at most the call in flight and lines never interleave, even with
 * several gateways sharing one file.  The file is created 0600 and its
 * folder 0700. */
#ifndef AUDIT_H
#define AUDIT_H

#include <cjson/cJSON.h>
#include "err.h"

#define AUDIT_MAX_LINE (1u << 20)   /* longer records drop their arguments */

typedef struct audit audit;

audit *audit_open(const char *path, err *e);
void   audit_close(audit *a);
const char *audit_path(const audit *a);
/* Appends record as one line.  -1 with e when the write or fsync failed
 * (the caller logs it; the call itself is not failed). */
int    audit_write(audit *a, const cJSON *record, err *e);

#endif
