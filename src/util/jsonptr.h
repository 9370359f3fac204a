/* jsonptr: JSON Pointers (RFC 6901) into cJSON trees, built from keys and
 * followed.  The schema compiler names each subschema by its pointer and
 * resolves "$ref": "#/..." with it; the tools.d loader follows the pointer
 * in a schema error back to the node, for its line. */
#ifndef JSONPTR_H
#define JSONPTR_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A new string "base/a" or "base/a/b", the keys escaped (~ as ~0, / as
 * ~1); the caller frees it.  NULL when out of memory. */
char *jsonptr_join(const char *base, const char *a, const char *b);

/* The node the pointer p (its first len bytes; "" is doc itself) names
 * under doc, or NULL when it names none or is malformed: a token not led
 * by '/', a '~' not followed by 0 or 1, a token of 256 bytes or more, an
 * array index that is not 1-9 digits.  With deepest, *deepest gets the
 * last node reached on the way (doc at worst), found or not. */
const cJSON *jsonptr_get(const cJSON *doc, const char *p, size_t len, const cJSON **deepest);

#endif
