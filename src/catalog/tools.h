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
 * hold no braces, at most TOOLS_MAX_QUERY; a request the guard protects
 * (by method, path, query names and body) needs the matching 'policy'.  Files starting with '.' are
 * ignored, as is everything not *.yaml / *.yml (README.md).
 *
 * Loading is all-or-nothing: every problem in every file is reported as
 * "FILE:LINE:COL: MESSAGE" through the report callback, and tools_load
 * returns NULL if there was any. */
#ifndef TOOLS_H
#define TOOLS_H

#include <stddef.h>
#include "catalog/tool.h"

#define TOOLS_MAX_FILES   4096

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
