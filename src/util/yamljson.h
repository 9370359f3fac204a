/* yamljson: one YAML document (a tools.d file) into cJSON, remembering
 * where every node came from so errors can say file:line:column.
 *
 * Scalars follow the YAML 1.2 core schema: plain null/~/empty -> null,
 * true/false (also True/TRUE...) -> bool, decimal/0x/0o integers and
 * floats (.inf/.nan rejected) -> number, everything else and every quoted
 * scalar -> string.  Anchors/aliases, tags other than the core ones,
 * complex keys, duplicate keys and more than one document are errors.
 * Integers must fit a double exactly (|n| <= 2^53, else "integer out of
 * range").  Input is UTF-8 (a byte-order mark is skipped); a NUL inside a
 * value is an error.  An empty file, or one of only comments or "---",
 * is "empty document".
 * Bounds: input size YJ_MAX_BYTES, nesting YJ_MAX_DEPTH, YJ_MAX_NODES. */
#ifndef YAMLJSON_H
#define YAMLJSON_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "util/err.h"

#define YJ_MAX_BYTES (1u << 20)
#define YJ_MAX_DEPTH 64
#define YJ_MAX_NODES 100000

typedef struct yj_doc yj_doc;

/* Parses text (len bytes; need not be NUL-terminated).  filename is used
 * in messages only.  On error returns NULL with e = "FILE:LINE:COL: MSG"
 * (1-based line and column), e.g. "tools.d/x.yaml:3:7: duplicate key 'name'". */
yj_doc *yj_parse(const char *text, size_t len, const char *filename, err *e);
/* The root value (owned by doc; detach with cJSON_DetachItem... if kept). */
cJSON  *yj_root(const yj_doc *d);
/* 1-based position of a node's value; for an object member also of its
 * key (key_line/key_col may be NULL).  Returns -1 for unknown nodes. */
int     yj_pos(const yj_doc *d, const cJSON *node, int *line, int *col);
int     yj_key_pos(const yj_doc *d, const cJSON *member, int *line, int *col);
void    yj_free(yj_doc *d);

#endif
