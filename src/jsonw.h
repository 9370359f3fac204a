/* jsonw: cJSON trees to compact JSON text.
 *
 * Byte for byte what cJSON_PrintUnformatted (1.7.15) writes, so nothing
 * downstream can tell, but several times faster: cJSON formats every
 * number with sprintf("%1.15g") and reads it back with sscanf, and copies
 * strings a byte at a time through a buffer that starts at 256 bytes.  On
 * a JSON tool call that printing was the gateway's largest user-space
 * cost (tests/bench, callgrind). */
#ifndef JSONW_H
#define JSONW_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* A NUL-terminated string the caller frees, its length in *len when len
 * is not NULL; NULL for an invalid item (cJSON_Invalid, a raw item
 * without text) or when memory runs out. */
char *jsonw_print(const cJSON *item, size_t *len);

#endif
