/* jsonr: JSON text to cJSON trees.
 *
 * The tree cJSON_ParseWithLengthOpts (1.7.15) builds, item for item, and
 * the same inputs refused, so nothing downstream can tell, but about three
 * times faster: cJSON tries "null", "false" and "true" with strncmp before
 * looking at a value's first byte, walks every string twice, and copies
 * every number into a buffer for localeconv and strtod.  Parsing Slicer's
 * answers and the client's requests was the largest user-space cost left
 * in a JSON tool call (callgrind).  Items come from cJSON's allocator, so
 * cJSON_Delete frees them.  Like cJSON in the C locale (slicer-mcp never
 * calls setlocale), '.' is the decimal point. */
#ifndef JSONR_H
#define JSONR_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The value at the start of s[0..len) (white space and a UTF-8 byte-order
 * mark before it are skipped; what follows it is not looked at), or NULL
 * when there is none or memory runs out.  On success *end, if end is not
 * NULL, points just past the value. */
cJSON *jsonr_parse(const char *s, size_t len, const char **end);

#endif
