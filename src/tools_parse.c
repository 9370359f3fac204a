/* tools_parse: the tools.d file format: key tables per level, the rules
 * on names, schemas, requests and results, and the tool built from them. */
#include "tools_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOOLS_MAX_NAME        64
#define TOOLS_MAX_SCHEMA_FILE (1u << 20)
#define TOOLS_SHOW_MAX        60     /* bytes of a user's string quoted in a message */
#define TOOLS_MAX_ARG_NAME    63     /* "{arg}" names; the runtime's template cap */

typedef enum { KT_STRING, KT_BOOL, KT_MAPPING } key_type;

typedef struct {
    const char *key;
    key_type    type;
    int         required;
} key_spec;

/* Indexes into the tables below, so found[] reads by name. */
enum { K_NAME, K_TITLE, K_DESCRIPTION, K_ANNOTATIONS, K_INPUT, K_OUTPUT,
       K_POLICY, K_ADAPTER, K_REQUEST, K_RESULT, K_TOP_N };
static const key_spec top_keys[K_TOP_N] = {
    [K_NAME]        = { "name",         KT_STRING,  1 },
    [K_TITLE]       = { "title",        KT_STRING,  0 },
    [K_DESCRIPTION] = { "description",  KT_STRING,  1 },
    [K_ANNOTATIONS] = { "annotations",  KT_MAPPING, 0 },
    [K_INPUT]       = { "inputSchema",  KT_MAPPING, 1 },
    [K_OUTPUT]      = { "outputSchema", KT_MAPPING, 0 },
    [K_POLICY]      = { "policy",       KT_STRING,  0 },
    [K_ADAPTER]     = { "adapter",      KT_STRING,  0 },
    [K_REQUEST]     = { "request",      KT_MAPPING, 0 },  /* required unless adapter */
    [K_RESULT]      = { "result",       KT_MAPPING, 1 },
};

enum { A_TITLE, A_READONLY, A_DESTRUCTIVE, A_IDEMPOTENT, A_OPENWORLD, A_N };
static const key_spec annotation_keys[A_N] = {
    [A_TITLE]       = { "title",           KT_STRING, 0 },
    [A_READONLY]    = { "readOnlyHint",    KT_BOOL,   0 },
    [A_DESTRUCTIVE] = { "destructiveHint", KT_BOOL,   0 },
    [A_IDEMPOTENT]  = { "idempotentHint",  KT_BOOL,   0 },
    [A_OPENWORLD]   = { "openWorldHint",   KT_BOOL,   0 },
};

enum { R_METHOD, R_PATH, R_QUERY, R_BODY, R_N };
static const key_spec request_keys[R_N] = {
    [R_METHOD] = { "method", KT_STRING,  1 },
    [R_PATH]   = { "path",   KT_STRING,  1 },
    [R_QUERY]  = { "query",  KT_MAPPING, 0 },
    [R_BODY]   = { "body",   KT_STRING,  0 },
};

enum { S_TYPE, S_WRAP, S_MAXSIZE, S_NOTFOUND, S_N };
static const key_spec result_keys[S_N] = {
    [S_TYPE]     = { "type",         KT_STRING, 1 },
    [S_WRAP]     = { "wrap",         KT_STRING, 0 },
    [S_MAXSIZE]  = { "max_size_arg", KT_STRING, 0 },
    [S_NOTFOUND] = { "not_found",    KT_STRING, 0 },
};

static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", NULL };
static const struct { const char *name; tool_result_type type; } result_types[] = {
    { "json", TOOL_RESULT_JSON }, { "image", TOOL_RESULT_IMAGE }, { "text", TOOL_RESULT_TEXT },
};

/* State while checking one file. */
typedef struct {
    const tools_opts *o;
    const char       *file;
    const yj_doc     *d;
    const tools_sink *sink;
    tool             *t;
    int               problems;
    char              shown[4][TOOLS_SHOW_MAX + 8];   /* ring for show() */
    unsigned          nshown;
} tp;

/* ---- messages ---- */

__attribute__((format(printf, 4, 5)))
static void problem(tp *c, int line, int col, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problems++;
    c->sink->add(c->sink->ud, line, col, msg);
}

/* Where to point for node: its key for a member when want_key, else its
 * value.  Nodes made from a $ref file have no position: 0, 0. */
static void where(const tp *c, const cJSON *node, int want_key, int *line, int *col)
{
    *line = *col = 0;
    if (!want_key || yj_key_pos(c->d, node, line, col) != 0)
        if (yj_pos(c->d, node, line, col) != 0)
            *line = *col = 0;
}

#define PROBLEM_AT(c, node, want_key, ...) do { \
        int l_, c_; where((c), (node), (want_key), &l_, &c_); \
        problem((c), l_, c_, __VA_ARGS__); } while (0)

/* A user's string made safe to quote: at most TOOLS_SHOW_MAX bytes (cut
 * on a character boundary, "..." added), control characters as '?'.  The
 * result lives until four more calls. */
static const char *show(tp *c, const char *s)
{
    char *out = c->shown[c->nshown++ % 4];
    size_t i = 0, n = strlen(s);
    size_t lim = n > TOOLS_SHOW_MAX ? TOOLS_SHOW_MAX : n;
    while (lim > 0 && lim < n && ((unsigned char)s[lim] & 0xC0) == 0x80)
        lim--;
    for (; i < lim; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (lim < n)
        memcpy(out + i, "...", 3), i += 3;
    out[i] = '\0';
    return out;
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsBool(v))   return "a boolean";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsArray(v))  return "a sequence";
    if (cJSON_IsObject(v)) return "a mapping";
    return "null";
}

static const char *key_type_name(key_type t)
{
    return t == KT_STRING ? "a string" : t == KT_BOOL ? "a boolean" : "a mapping";
}

static int has_type(const cJSON *v, key_type t)
{
    return t == KT_STRING ? cJSON_IsString(v) : t == KT_BOOL ? cJSON_IsBool(v)
                                                             : cJSON_IsObject(v);
}

/* Levenshtein distance, or a large number for long strings (keys are short;
 * a long unknown key gets no suggestion). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[TOOLS_MAX_NAME + 1];
    if (na > TOOLS_MAX_NAME || nb > TOOLS_MAX_NAME)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* Checks the members of obj against tab (n entries): unknown keys (with a
 * "did you mean" hint within edit distance 2), wrong types, missing
 * required keys.  found[i] gets the member for tab[i] when present with
 * the right type, else NULL.  level names obj in messages ("" at top). */
static void check_keys(tp *c, const cJSON *obj, const key_spec *tab, size_t n,
                       const char *level, const cJSON **found)
{
    char in[48] = "";
    if (*level)
        snprintf(in, sizeof in, " in %s", level);
    for (size_t i = 0; i < n; i++)
        found[i] = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        size_t i = 0, best = 3, hint = n;
        while (i < n && strcmp(tab[i].key, m->string) != 0)
            i++;
        if (i == n) {
            for (size_t k = 0; k < n; k++) {
                size_t dist = edit_distance(m->string, tab[k].key);
                if (dist < best)
                    best = dist, hint = k;
            }
            if (hint < n)
                PROBLEM_AT(c, m, 1, "unknown key '%s'%s (did you mean '%s'?)",
                           show(c, m->string), in, tab[hint].key);
            else
                PROBLEM_AT(c, m, 1, "unknown key '%s'%s", show(c, m->string), in);
        } else if (!has_type(m, tab[i].type)) {
            /* A wrong sequence or mapping starts on the next line: point at the key. */
            PROBLEM_AT(c, m, cJSON_IsArray(m) || cJSON_IsObject(m),
                       "'%s'%s must be %s, not %s", tab[i].key, in,
                       key_type_name(tab[i].type), json_type_name(m));
        } else {
            found[i] = m;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (tab[i].required && !cJSON_GetObjectItemCaseSensitive(obj, tab[i].key))
            PROBLEM_AT(c, obj, 0, "missing required key '%s'%s", tab[i].key, in);
}

/* ---- small rules ---- */

static int all_chars(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || strchr(extra, *s)))
            return 0;
    return 1;
}

static int is_ident(const char *s)
{
    return *s && !(*s >= '0' && *s <= '9') && all_chars(s, "_");
}

/* ^/slicer(/[A-Za-z]+)+$: no query, dots, percent signs, braces or empty
 * segments, so no argument and no spelling can change the path. */
static int is_slicer_path(const char *p)
{
    if (strncmp(p, "/slicer/", 8) != 0)
        return 0;
    p += 7;
    while (*p == '/') {
        p++;
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            return 0;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            p++;
    }
    return *p == '\0';
}

/* "{name}" -> name copied to out (1 returned); anything else 0. */
static int arg_ref(const char *s, char *out, size_t outlen)
{
    size_t n = strlen(s);
    if (n < 3 || s[0] != '{' || s[n - 1] != '}' || n - 2 >= outlen)
        return 0;
    if (memchr(s + 1, '{', n - 2) || memchr(s + 1, '}', n - 2))
        return 0;
    memcpy(out, s + 1, n - 2);
    out[n - 2] = '\0';
    return 1;
}

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* "a, b, c" or "none", for "(known: ...)" hints. */
static void list_text(const char *const *list, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (; list && *list && len + 1 < n; list++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", len ? ", " : "", *list);
    if (!out[0])
        snprintf(out, n, "none");
}

static char *dup_str(tp *c, const cJSON *v)
{
    if (!cJSON_IsString(v))
        return NULL;
    char *s = strdup(v->valuestring);
    if (!s)
        problem(c, 0, 0, "out of memory");
    return s;
}

/* The inputSchema property an argument names, or NULL. */
static const cJSON *arg_schema(const tp *c, const char *arg)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(c->t->input_schema, "properties");
    return cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, arg) : NULL;
}

static int arg_has_type(const tp *c, const char *arg, const char *type)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(arg_schema(c, arg), "type");
    return cJSON_IsString(t) && strcmp(t->valuestring, type) == 0;
}

/* ---- schemas ---- */

/* Reads and parses schemas_dir/file for the $ref member ref; NULL after
 * reporting at ref. */
static cJSON *load_ref(tp *c, const cJSON *ref, const char *key)
{
    const char *file = ref->valuestring;
    size_t n = strlen(file);
    if (n <= 5 || strcmp(file + n - 5, ".json") != 0 || !all_chars(file, "_.-")) {
        PROBLEM_AT(c, ref, 1, "%s $ref '%s' must name a file of the schemas folder "
                   "([A-Za-z0-9_.-]+.json)", key, show(c, file));
        return NULL;
    }
    if (!c->o->schemas_dir) {
        PROBLEM_AT(c, ref, 1, "%s $ref '%s': no schemas folder is configured", key,
                   show(c, file));
        return NULL;
    }
    char path[4096], why[256];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", c->o->schemas_dir, file);
    char *text = tools_read_file(path, TOOLS_MAX_SCHEMA_FILE, &len, why, sizeof why);
    if (!text) {
        PROBLEM_AT(c, ref, 1, "%s $ref: cannot read %s: %s", key, path, why);
        return NULL;
    }
    const char *end = NULL;
    /* len + 1: the NUL is part of the buffer, so trailing text is an error. */
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!doc) {
        int line = 1, col = 1;
        for (const char *p = text; end && p < end && p < text + len; p++)
            if (*p == '\n')
                line++, col = 1;
            else if (((unsigned char)*p & 0xC0) != 0x80)
                col++;
        PROBLEM_AT(c, ref, 1, "%s $ref: %s: invalid JSON at line %d, column %d",
                   key, path, line, col);
    }
    free(text);
    return doc;
}

/* The node a JSON pointer ("/properties/view/pattern") names under root,
 * or the deepest one it reaches. */
static const cJSON *resolve_pointer(const cJSON *root, const char *ptr, size_t len)
{
    const cJSON *cur = root;
    size_t i = 0;
    while (i < len && ptr[i] == '/' && cur) {
        char tok[256];
        size_t t = 0;
        for (i++; i < len && ptr[i] != '/' && t + 1 < sizeof tok; i++) {
            char ch = ptr[i];
            if (ch == '~' && i + 1 < len && (ptr[i + 1] == '0' || ptr[i + 1] == '1'))
                ch = ptr[++i] == '0' ? '~' : '/';
            tok[t++] = ch;
        }
        tok[t] = '\0';
        const cJSON *nx = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(tok))
                        : cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, tok)
                        : NULL;
        if (!nx)
            break;
        cur = nx;
    }
    return cur;
}

/* inputSchema / outputSchema: an object schema written inline, or exactly
 * {$ref: FILE}.  Returns the owned document and compiles it into *out,
 * or NULL after reporting. */
static cJSON *load_schema(tp *c, const cJSON *m, schema **out)
{
    const char *key = m->string;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(m, "$ref");
    cJSON *doc;
    *out = NULL;
    if (ref) {
        if (cJSON_GetArraySize(m) != 1) {
            PROBLEM_AT(c, m, 1, "%s: a $ref to a schema file must be the only key", key);
            return NULL;
        }
        if (!cJSON_IsString(ref)) {
            PROBLEM_AT(c, ref, 1, "%s $ref must be a string, not %s", key, json_type_name(ref));
            return NULL;
        }
        if (!(doc = load_ref(c, ref, key)))
            return NULL;
    } else if (!(doc = cJSON_Duplicate(m, 1))) {
        problem(c, 0, 0, "out of memory");
        return NULL;
    }
    /* Problems point at the $ref key, or into the inline schema. */
    char pre[128];
    if (ref)
        snprintf(pre, sizeof pre, "%s $ref '%s'", key, show(c, ref->valuestring));
    else
        snprintf(pre, sizeof pre, "%s", key);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
    if (!cJSON_IsObject(doc) || !cJSON_IsString(type) || strcmp(type->valuestring, "object") != 0) {
        const cJSON *t = ref ? NULL : cJSON_GetObjectItemCaseSensitive(m, "type");
        if (t)
            PROBLEM_AT(c, t, 0, "%s must have type: object", pre);
        else
            PROBLEM_AT(c, ref ? ref : m, 1, "%s must have type: object", pre);
        cJSON_Delete(doc);
        return NULL;
    }
    err e = { 0 };
    *out = schema_compile(doc, &e);
    if (!*out) {
        if (ref) {
            PROBLEM_AT(c, ref, 1, "%s: %s", pre, e.msg);
        } else if (e.msg[0] == '/') {
            /* "inputSchema/properties/x/pattern: ..." reads as one pointer. */
            const char *colon = strstr(e.msg, ": ");
            const cJSON *node = resolve_pointer(m, e.msg, (size_t)(colon ? colon - e.msg : 0));
            PROBLEM_AT(c, node, 1, "%s%s", pre, e.msg);
        } else {
            const char *msg = strncmp(e.msg, "#: ", 3) == 0 ? e.msg + 3 : e.msg;
            PROBLEM_AT(c, m, 1, "%s: %s", pre, msg);
        }
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* ---- request and result ---- */

static void check_query(tp *c, const cJSON *q)
{
    int n = cJSON_GetArraySize(q);
    if (n > TOOLS_MAX_QUERY) {
        PROBLEM_AT(c, q, 1, "too many query parameters (%d, max %d)", n, TOOLS_MAX_QUERY);
        return;
    }
    if (n == 0)
        return;
    c->t->query = calloc((size_t)n, sizeof *c->t->query);
    if (!c->t->query) {
        problem(c, 0, 0, "out of memory");
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, q) {
        const char *param = show(c, m->string);
        char arg[TOOLS_MAX_ARG_NAME + 1];
        if (!is_ident(m->string)) {
            PROBLEM_AT(c, m, 1, "invalid query parameter name '%s': use [A-Za-z_][A-Za-z0-9_]*",
                       param);
        } else if (!cJSON_IsString(m)) {
            PROBLEM_AT(c, m, 0, "query parameter '%s' must be a string, not %s (quote it)",
                       param, json_type_name(m));
        } else if (arg_ref(m->valuestring, arg, sizeof arg)) {
            if (c->t->input_schema && !arg_schema(c, arg))
                PROBLEM_AT(c, m, 0, "query parameter '%s' uses unknown argument '%s'",
                           param, show(c, arg));
        } else if (strpbrk(m->valuestring, "{}")) {
            PROBLEM_AT(c, m, 0, "query parameter '%s': a literal must not contain '{' or '}' "
                       "(an argument is exactly \"{name}\")", param);
        }
        tool_query *tq = &c->t->query[c->t->nquery++];
        tq->param = strdup(m->string);
        if (cJSON_IsString(m) && arg_ref(m->valuestring, arg, sizeof arg))
            tq->arg = strdup(arg);
        else
            tq->literal = strdup(cJSON_IsString(m) ? m->valuestring : "");
        if (!tq->param || !(tq->arg || tq->literal))
            problem(c, 0, 0, "out of memory");
    }
}

static void check_request(tp *c, const cJSON *req)
{
    const cJSON *k[R_N];
    check_keys(c, req, request_keys, R_N, "request", k);
    if (k[R_METHOD] && !in_list(methods, k[R_METHOD]->valuestring))
        PROBLEM_AT(c, k[R_METHOD], 0, "method must be one of GET, POST, PUT, DELETE (not '%s')",
                   show(c, k[R_METHOD]->valuestring));
    else
        c->t->method = dup_str(c, k[R_METHOD]);
    if (k[R_PATH] && !is_slicer_path(k[R_PATH]->valuestring))
        PROBLEM_AT(c, k[R_PATH], 0, "invalid request path '%s': it must be /slicer/NAME[/NAME...] "
                   "with letters only (arguments go in 'query')", show(c, k[R_PATH]->valuestring));
    else
        c->t->path = dup_str(c, k[R_PATH]);
    if (k[R_QUERY])
        check_query(c, k[R_QUERY]);
    if (k[R_BODY]) {
        char arg[TOOLS_MAX_ARG_NAME + 1];
        if (!arg_ref(k[R_BODY]->valuestring, arg, sizeof arg))
            PROBLEM_AT(c, k[R_BODY], 0, "body must be exactly \"{argument}\" naming a string argument");
        else if (c->t->input_schema && !arg_has_type(c, arg, "string"))
            PROBLEM_AT(c, k[R_BODY], 0, "body argument '%s' must be a property of inputSchema "
                       "with type: string", show(c, arg));
        else if (!(c->t->body_arg = strdup(arg)))
            problem(c, 0, 0, "out of memory");
    }
    const char *policy = c->o->guard && c->t->method && c->t->path
                       ? c->o->guard(c->t->method, c->t->path) : NULL;
    if (policy && (!c->t->policy || strcmp(c->t->policy, policy) != 0))
        PROBLEM_AT(c, k[R_PATH], 0, "request path %s is guarded by policy '%s'; a tool "
                   "reaching it must declare 'policy: %s'", c->t->path, policy, policy);
}

/* Every "{name}" in a not_found message must name an argument. */
static void check_template(tp *c, const cJSON *v)
{
    for (const char *p = strchr(v->valuestring, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        char arg[TOOLS_MAX_ARG_NAME + 1];
        size_t n = close ? (size_t)(close - p - 1) : 0;
        if (!close || n == 0 || n >= sizeof arg)
            continue;   /* printed as written */
        memcpy(arg, p + 1, n);
        arg[n] = '\0';
        if (c->t->input_schema && !arg_schema(c, arg)) {
            PROBLEM_AT(c, v, 0, "not_found uses unknown argument '%s'", show(c, arg));
            return;
        }
    }
}

static void check_result(tp *c, const cJSON *res)
{
    const cJSON *k[S_N];
    size_t i = 0, ntypes = sizeof result_types / sizeof result_types[0];
    check_keys(c, res, result_keys, S_N, "result", k);
    if (k[S_TYPE]) {
        while (i < ntypes && strcmp(result_types[i].name, k[S_TYPE]->valuestring) != 0)
            i++;
        if (i == ntypes)
            PROBLEM_AT(c, k[S_TYPE], 0, "result type must be one of json, image, text (not '%s')",
                       show(c, k[S_TYPE]->valuestring));
        else
            c->t->result = result_types[i].type;
    }
    int known = k[S_TYPE] && i < ntypes;
    if (k[S_WRAP] && known && c->t->result != TOOL_RESULT_JSON)
        PROBLEM_AT(c, k[S_WRAP], 1, "'wrap' is only allowed with result type json");
    else
        c->t->wrap = dup_str(c, k[S_WRAP]);
    if (k[S_MAXSIZE] && known && c->t->result != TOOL_RESULT_IMAGE)
        PROBLEM_AT(c, k[S_MAXSIZE], 1, "'max_size_arg' is only allowed with result type image");
    else if (k[S_MAXSIZE] && c->t->input_schema &&
             !arg_has_type(c, k[S_MAXSIZE]->valuestring, "integer"))
        PROBLEM_AT(c, k[S_MAXSIZE], 0, "max_size_arg '%s' must be a property of inputSchema "
                   "with type: integer", show(c, k[S_MAXSIZE]->valuestring));
    else
        c->t->max_size_arg = dup_str(c, k[S_MAXSIZE]);
    if (k[S_NOTFOUND])
        check_template(c, k[S_NOTFOUND]);
    c->t->not_found = dup_str(c, k[S_NOTFOUND]);
}

/* ---- the tool ---- */

static void check_top(tp *c, const cJSON *root, const cJSON **k)
{
    tool *t = c->t;
    if (k[K_NAME]) {
        const char *name = k[K_NAME]->valuestring;
        size_t n = strlen(name);
        if (n == 0 || n > TOOLS_MAX_NAME || !all_chars(name, "_.-"))
            PROBLEM_AT(c, k[K_NAME], 0, "invalid tool name '%s': use 1-64 characters of "
                       "A-Z a-z 0-9 _ . -", show(c, name));
        else
            t->name = dup_str(c, k[K_NAME]);
    }
    t->title = dup_str(c, k[K_TITLE]);
    if (k[K_DESCRIPTION] && !k[K_DESCRIPTION]->valuestring[0])
        PROBLEM_AT(c, k[K_DESCRIPTION], 0, "description must not be empty");
    else
        t->description = dup_str(c, k[K_DESCRIPTION]);
    if (k[K_ANNOTATIONS]) {
        const cJSON *a[A_N];
        check_keys(c, k[K_ANNOTATIONS], annotation_keys, A_N, "annotations", a);
        if (!(t->annotations = cJSON_Duplicate(k[K_ANNOTATIONS], 1)))
            problem(c, 0, 0, "out of memory");
    }
    char known[512];
    if (k[K_POLICY] && !in_list(c->o->policies, k[K_POLICY]->valuestring)) {
        list_text(c->o->policies, known, sizeof known);
        PROBLEM_AT(c, k[K_POLICY], 0, "unknown policy '%s' (known: %s)",
                   show(c, k[K_POLICY]->valuestring), known);
    } else {
        t->policy = dup_str(c, k[K_POLICY]);
    }
    if (k[K_ADAPTER] && !in_list(c->o->adapters, k[K_ADAPTER]->valuestring)) {
        list_text(c->o->adapters, known, sizeof known);
        PROBLEM_AT(c, k[K_ADAPTER], 0, "unknown adapter '%s' (known: %s)",
                   show(c, k[K_ADAPTER]->valuestring), known);
    } else {
        t->adapter = dup_str(c, k[K_ADAPTER]);
    }
    if (k[K_INPUT])
        t->input_schema = load_schema(c, k[K_INPUT], &t->input_validator);
    if (k[K_OUTPUT])
        t->output_schema = load_schema(c, k[K_OUTPUT], &t->output_validator);
    if (k[K_REQUEST])
        check_request(c, k[K_REQUEST]);
    else if (!cJSON_GetObjectItemCaseSensitive(root, "request") &&
             !cJSON_GetObjectItemCaseSensitive(root, "adapter"))
        PROBLEM_AT(c, root, 0, "missing required key 'request' (needed unless 'adapter' is set)");
    if (k[K_RESULT])
        check_result(c, k[K_RESULT]);
}

int tools_parse_doc(const tools_opts *o, const char *file, const yj_doc *d,
                    const tools_sink *sink, tool **out, int *name_col)
{
    tp c = { .o = o, .file = file, .d = d, .sink = sink };
    const cJSON *root = yj_root(d);
    *out = NULL;
    *name_col = 0;
    if (!(c.t = calloc(1, sizeof *c.t)) || !(c.t->file = strdup(file))) {
        free(c.t);
        problem(&c, 0, 0, "out of memory");
        return c.problems;
    }
    *out = c.t;
    if (!cJSON_IsObject(root)) {
        PROBLEM_AT(&c, root, 0, "a tool file must be a mapping (name: ..., description: ..., "
                   "inputSchema: ..., ...), not %s", json_type_name(root));
        return c.problems;
    }
    const cJSON *k[K_TOP_N];
    check_keys(&c, root, top_keys, K_TOP_N, "", k);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (name)
        yj_key_pos(d, name, &c.t->line, name_col);
    check_top(&c, root, k);
    return c.problems;
}

void tools_tool_free(tool *t)
{
    if (!t)
        return;
    schema_free(t->input_validator);
    schema_free(t->output_validator);
    cJSON_Delete(t->input_schema);
    cJSON_Delete(t->output_schema);
    cJSON_Delete(t->annotations);
    for (size_t i = 0; i < t->nquery; i++) {
        free(t->query[i].param);
        free(t->query[i].arg);
        free(t->query[i].literal);
    }
    free(t->query);
    free(t->name);
    free(t->title);
    free(t->description);
    free(t->file);
    free(t->policy);
    free(t->adapter);
    free(t->method);
    free(t->path);
    free(t->body_arg);
    free(t->wrap);
    free(t->max_size_arg);
    free(t->not_found);
    free(t);
}
