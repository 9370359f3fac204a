/* tools_meta: checks a tools.d document against the JSON Schema of the
 * format itself (schemas/tool.schema.json, embedded at build time: see
 * tool_schema.h) with the gateway's own validator, and words each
 * violation the way the rest of the loader does, at the YAML position of
 * the failing node.  Internal to the tools module. */
#ifndef TOOLS_META_H
#define TOOLS_META_H

#include "util/err.h"
#include "util/yamljson.h"

typedef struct tools_meta tools_meta;

/* Parses and compiles the embedded schema.  NULL with e filled if it does
 * not (a build error: tests/unit/test_tools.c makes sure it does). */
tools_meta *tools_meta_new(err *e);
/* NULL is fine. */
void        tools_meta_free(tools_meta *m);

/* One violation: line/col 1-based (0, 0 when the node has no position);
 * top is the top-level key the violation lies under ("inputSchema"), or
 * NULL for the document itself. */
typedef void (*tools_meta_fn)(void *ud, int line, int col, const char *top,
                              const char *msg);

/* Validates d's root; reports every violation (at most 100) through fn
 * and returns their number.  Messages, by rule:
 *   "missing required key 'method' in request"   (at the mapping)
 *   "unknown key 'metod' in request (did you mean 'method'?)"  (at the key)
 *   "'readOnlyHint' in annotations must be a boolean, not a string"
 *   "'method' in request must be one of GET, POST, PUT, DELETE (not 'PATCH')"
 *   "invalid name 'a b': use 1-64 characters of ..." (pattern, with the
 *      schema's patternErrorMessage)
 *   "'description' must be at least 1 character long" (other rules)
 * A mapping or sequence value that fails is pointed at by its key. */
int tools_meta_check(const tools_meta *m, const yj_doc *d, tools_meta_fn fn, void *ud);

/* Bytes of a user's string quoted in a message. */
#define TOOLS_SHOW_MAX 60

/* A user's string made safe to quote into out (TOOLS_SHOW_MAX + 8 bytes):
 * at most TOOLS_SHOW_MAX bytes, cut on a character boundary with "..."
 * added, control characters as '?'.  Returns out. */
const char *tools_show(const char *s, char *out);

#endif
