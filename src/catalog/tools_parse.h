/* tools_parse: the checks on one tools.d document and the tool built from
 * it.  Internal to the tools module: tools.c walks the folder, orders the
 * problems and keeps the set; this half knows the file format. */
#ifndef TOOLS_PARSE_H
#define TOOLS_PARSE_H

#include <stddef.h>
#include "catalog/tool.h"
#include "catalog/tools_meta.h"
#include "util/yamljson.h"

/* Where one file's problems go.  line/col are 1-based; 0 means the
 * problem has no position inside the file. */
typedef struct {
    void (*add)(void *ud, int line, int col, const char *msg);
    void *ud;
} tools_sink;

/* Checks document d of file (the path shown in messages) against meta
 * (tool.schema.json, see tools_meta.h), then for everything the schema
 * cannot say, and builds its tool.  Returns the number of problems reported through sink.  *out
 * receives the tool, possibly incomplete when there were problems (name
 * is NULL if the name itself was bad); the caller frees it with
 * tools_tool_free.  *name_col gets the column of the 'name' key (the
 * line is out->line), for duplicate-name reports. */
int  tools_parse_doc(const tools_opts *o, const tools_meta *meta, const char *file,
                     const yj_doc *d, const tools_sink *sink, tool **out, int *name_col);
/* Frees a tool and everything it owns; NULL is fine. */
void tools_tool_free(tool *t);

/* Reads a whole regular file of at most cap bytes, NUL-terminated.
 * Returns the malloc'd text (caller frees) or NULL with why filled
 * ("No such file or directory", "larger than 1048576 bytes", ...). */
char *tools_read_file(const char *path, size_t cap, size_t *len,
                      char *why, size_t whylen);

#endif
