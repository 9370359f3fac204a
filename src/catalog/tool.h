/* tool: one tool as a tools.d file describes it, and the options of the
 * loader that builds it.  Types only, shared by the folder walk (tools.c),
 * the per-file checks (tools_parse.c) and everything that runs a tool, so
 * none of them needs another's header for the types.  The format itself
 * is described in tools.h. */
#ifndef TOOL_H
#define TOOL_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "catalog/schema.h"

#define TOOLS_MAX_QUERY   32

typedef enum { TOOL_RESULT_JSON, TOOL_RESULT_IMAGE, TOOL_RESULT_TEXT } tool_result_type;

typedef struct {
    char *param;      /* Slicer query parameter name */
    char *arg;        /* argument name, or NULL for a literal */
    char *literal;    /* literal value when arg is NULL */
} tool_query;

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

/* Checks a request a tool would send: method, path, the names of the
 * query parameters it may carry (NULL-terminated) and whether it has a
 * body.  Returns NULL when allowed for any tool, else the policy key the
 * tool must declare, with *why (static text) saying what it guards. */
typedef const char *(*tools_guard_fn)(const char *method, const char *path,
                                      const char *const *params, int has_body,
                                      const char **why);

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

#endif
