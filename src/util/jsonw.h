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

/* jsonw_print, and in *quoted (its length in *qlen) that text as a JSON
 * string, quotes included: what jsonw_string would write for it.  Both
 * come from one pass, for a tool's structured result, which goes out as
 * structuredContent and again inside a text block.  NULL for both (and
 * nothing to free) on failure. */
char *jsonw_print_quoted(const cJSON *item, size_t *len, char **quoted, size_t *qlen);

/* Writing a text piece by piece, in jsonw_print's style, where building a
 * cJSON tree first would cost more than the text (the audit line):
 *   jsonw_out o;  jsonw_begin(&o, 512);
 *   jsonw_raw(&o, "{\"a\":", 5);  jsonw_number(&o, 1);  jsonw_raw(&o, "}", 1);
 *   char *s = jsonw_end(&o, &len);     NULL when memory ran out
 * The fields are the writer's; callers only pass the struct around. */
typedef struct jsonw_out {
    char *p;
    size_t len, cap;
    int failed;
    struct jsonw_out *twin;
} jsonw_out;

void  jsonw_begin(jsonw_out *o, size_t cap);
void  jsonw_raw(jsonw_out *o, const char *s, size_t n);   /* as it is */
void  jsonw_string(jsonw_out *o, const char *s);          /* quoted; NULL is "" */
void  jsonw_number(jsonw_out *o, double d);
void  jsonw_value(jsonw_out *o, const cJSON *item);       /* an invalid item fails the text */
/* The NUL-terminated text (caller frees) and its length; NULL (and
 * nothing to free) if anything failed. */
char *jsonw_end(jsonw_out *o, size_t *len);

#endif
