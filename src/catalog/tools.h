/* tools: loading a tools.d folder into an immutable set of tools.
 *
 * A tools.d file is one YAML document describing one tool (see
 * tools.d/README.md and schemas/tool.schema.json):
 *
 *   name, title, description, annotations   as in MCP's Tool object
 *   inputSchema    JSON Schema object, or {$ref: FILE} naming a file in the
 *                  schemas folder (no '/' in FILE), inlined at load
 *   outputSchema   optional, same forms
 *   policy         optional: the gateway policy key the tool needs
 *                  ("exec", ...); such a tool is offered only when that
 *                  policy is enabled
 *   scope          optional: the OAuth scope a call needs (default by
 *                  readOnlyHint: slicer:read, else slicer:write)
 *   adapter        optional: a built-in C adapter doing the REST calls
 *   request        required unless adapter is set:
 *       method     GET | POST | PUT | DELETE
 *       path       /slicer/NAME[/NAME...] (letters only; never a query)
 *       query      map: Slicer parameter -> "{argument}" or a literal;
 *                  a "{argument}" value is replaced by the validated
 *                  argument, percent-encoded; an absent optional argument
 *                  drops the parameter
 *       body       optional "{argument}": that string argument is the body
 *   result
 *       type       json | image | text
 *       wrap       json only: put the reply under this key in
 *                  structuredContent (needed when Slicer answers an array)
 *       max_size_arg  image only: the integer argument that bounds the
 *                  longer side of the returned image
 *       not_found  message (may use {argument}) returned as a tool error
 *                  when Slicer reports an empty selection or unknown node
 *
 * Rules checked at load: the keys, types, enums and patterns of every
 * level come from schemas/tool.schema.json, compiled into the binary and
 * applied with the gateway's own validator (tools_meta.c), so an unknown
 * key is an error with a "did you mean" hint; then tools_parse.c checks
 * what a schema cannot express: both
 * schemas must have type: object and compile with schema_compile; a
 * $ref FILE matches [A-Za-z0-9_.-]+\.json (at most 1 MiB); every
 * "{argument}" (query, body, not_found) must be a property of
 * inputSchema, body's of type string, max_size_arg's of type integer;
 * query names match [A-Za-z_][A-Za-z0-9_]*, values are strings, literals
 * hold no braces, at most TOOLS_MAX_QUERY; a (method, path) the guard
 * protects needs the matching 'policy'.  Files starting with '.' are
 * ignored, as is everything not *.yaml / *.yml (README.md).
 *
 * Loading is all-or-nothing: every problem in every file is reported as
 * "FILE:LINE:COL: MESSAGE" through the report callback, and tools_load
 * returns NULL if there was any. */
#ifndef TOOLS_H
#define TOOLS_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "util/err.h"
#include "catalog/schema.h"

#define TOOLS_MAX_FILES   4096
#define TOOLS_MAX_QUERY   32

typedef enum { TOOL_RESULT_JSON, TOOL_RESULT_IMAGE, TOOL_RESULT_TEXT } tool_result_type;

typedef struct {
    char *param;      /* Slicer query parameter name */
    char *arg;        /* argument name, or NULL for a literal */
    char *literal;    /* literal value when arg is NULL */
} tool_query;

/* The default OAuth scopes, by the readOnlyHint annotation. */
#define TOOLS_SCOPE_READ  "slicer:read"
#define TOOLS_SCOPE_WRITE "slicer:write"

typedef struct {
    char  *name;
    char  *title;           /* may be NULL */
    char  *description;
    char  *file;            /* path as reported in messages */
    int    line;            /* line of the 'name' key */
    cJSON *annotations;     /* object or NULL */
    cJSON *input_schema;    /* object, $ref files inlined */
    cJSON *output_schema;   /* object or NULL */
    schema *input_validator;
    schema *output_validator;  /* NULL when no outputSchema */
    char  *policy;          /* NULL or policy key */
    char  *scope;           /* OAuth scope a call needs: 'scope', else TOOLS_SCOPE_READ
                               for readOnlyHint tools, TOOLS_SCOPE_WRITE for the rest */
    char  *adapter;         /* NULL or adapter name */
    char  *method;          /* NULL only when adapter is set and request omitted */
    char  *path;
    tool_query *query;
    size_t nquery;
    char  *body_arg;        /* NULL or argument name */
    tool_result_type result;
    char  *wrap;            /* NULL or key */
    char  *max_size_arg;    /* NULL or argument name */
    char  *not_found;       /* NULL or message template */
} tool;

/* Checks a (method, path) a tool would reach; returns NULL when allowed
 * for any tool, else the policy key the tool must declare. */
typedef const char *(*tools_guard_fn)(const char *method, const char *path);

typedef struct {
    const char *tools_dir;
    const char *schemas_dir;          /* for $ref files */
    const char *const *adapters;      /* NULL-terminated known adapter names */
    const char *const *policies;      /* NULL-terminated known policy keys */
    tools_guard_fn guard;             /* may be NULL */
    /* Every problem, in file order then line order.  line and col are
     * 1-based; line 0 means the problem has no position (an unreadable
     * file, the folder itself): print it as "FILE: MSG". */
    void (*report)(void *ud, const char *file, int line, int col, const char *msg);
    void *report_ud;
} tools_opts;

typedef struct toolset toolset;

/* Loads every *.yaml / *.yml file of opts->tools_dir (sorted by name).
 * *nproblems (may be NULL) gets the number of problems reported.
 * Returns NULL if any file had a problem (all reported) or the folder
 * cannot be read; an empty folder is a problem too ("no tools").  Tool
 * names must be unique, 1-64 chars of [A-Za-z0-9_.-]. */
toolset *tools_load(const tools_opts *opts, int *nproblems);
void     tools_free(toolset *ts);   /* NULL is fine */

/* NULL-safe; the set owns every tool and string.  tools_find is a
 * binary search (it runs on every tools/call). */
size_t      tools_count(const toolset *ts);
const tool *tools_at(const toolset *ts, size_t i);     /* sorted by name */
const tool *tools_find(const toolset *ts, const char *name);

#endif
