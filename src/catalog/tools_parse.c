/* tools_parse: what a tools.d file means beyond its JSON Schema: the
 * document is first checked against the embedded tool.schema.json
 * (tools_meta.c: keys, types, enums, patterns, required keys), then here
 * for the rules a schema cannot express (argument references, $ref files,
 * schema compilation, adapters and policies, the guard), and the tool is
 * built from it. */
#include "catalog/tools_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/jsonptr.h"

#define TOOLS_MAX_SCHEMA_FILE (1u << 20)
#define TOOLS_MAX_ARG_NAME    63     /* "{arg}" names; the runtime's template cap */

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
    int               meta_failed;    /* the document failed tool.schema.json */
    int               bad_input, bad_output;  /* ... inside that schema */
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

/* tools_show into a ring of four buffers: the result lives until four
 * more calls, enough for one message. */
static const char *show(tp *c, const char *s)
{
    return tools_show(s, c->shown[c->nshown++ % 4]);
}

/* A value tool.schema.json should have refused reached the semantic
 * checks.  Only a schema that drifted from this file can get here; the
 * value is not used, and the file is refused. */
static void schema_missed(tp *c, const cJSON *node, const char *what)
{
    if (c->meta_failed)
        return;   /* already reported by the schema check */
    int line, col;
    where(c, node, 0, &line, &col);
    problem(c, line, col, "%s is not allowed (the gateway's check refused it)", what);
}

/* The member key of obj if it is a string, else NULL. */
static const cJSON *get_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v : NULL;
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
    /* tool.schema.json enforces the name; this keeps "../" out regardless. */
    if (n <= 5 || strcmp(file + n - 5, ".json") != 0 || !all_chars(file, "_.-")) {
        schema_missed(c, ref, "this $ref");
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
            schema_missed(c, ref, "this $ref");
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
            const cJSON *node = m;      /* the deepest node the pointer reaches */
            jsonptr_get(m, e.msg, (size_t)(colon ? colon - e.msg : 0), &node);
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
            schema_missed(c, m, "this query value");
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

/* The guard judges the parameters a call may send: an argument may be
 * empty at call time, but then the call is judged again without it. */
static void check_guard(tp *c, const cJSON *path)
{
    if (!c->o->guard || !c->t->method || !c->t->path)
        return;
    const char *params[TOOLS_MAX_QUERY + 1];
    size_t n = 0;
    for (size_t i = 0; i < c->t->nquery; i++)
        if (c->t->query[i].param && (c->t->query[i].arg ||
                                     (c->t->query[i].literal && *c->t->query[i].literal)))
            params[n++] = c->t->query[i].param;
    params[n] = NULL;
    const char *why = NULL;
    const char *policy = c->o->guard(c->t->method, c->t->path, params,
                                     c->t->body_arg != NULL, &why);
    if (policy && (!c->t->policy || strcmp(c->t->policy, policy) != 0))
        PROBLEM_AT(c, path, 0, "request path %s is guarded by policy '%s' (%s); a tool "
                   "reaching it must declare 'policy: %s'", c->t->path, policy,
                   why ? why : "", policy);
}

static void check_request(tp *c, const cJSON *req)
{
    const cJSON *method = get_str(req, "method"), *path = get_str(req, "path");
    const cJSON *query = cJSON_GetObjectItemCaseSensitive(req, "query");
    const cJSON *body = get_str(req, "body");
    /* Enum and pattern are tool.schema.json's; checked again here because
     * the runtime builds the URL from these two. */
    if (method && !in_list(methods, method->valuestring))
        schema_missed(c, method, "this method");
    else
        c->t->method = dup_str(c, method);
    if (path && !is_slicer_path(path->valuestring))
        schema_missed(c, path, "this path");
    else
        c->t->path = dup_str(c, path);
    if (cJSON_IsObject(query))
        check_query(c, query);
    if (body) {
        char arg[TOOLS_MAX_ARG_NAME + 1];
        if (!arg_ref(body->valuestring, arg, sizeof arg))
            PROBLEM_AT(c, body, 0, "body must be exactly \"{argument}\" naming a string argument");
        else if (c->t->input_schema && !arg_has_type(c, arg, "string"))
            PROBLEM_AT(c, body, 0, "body argument '%s' must be a property of inputSchema "
                       "with type: string", show(c, arg));
        else if (!(c->t->body_arg = strdup(arg)))
            problem(c, 0, 0, "out of memory");
    }
    check_guard(c, path);
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
    const cJSON *type = get_str(res, "type"), *wrap = get_str(res, "wrap");
    const cJSON *max_size = get_str(res, "max_size_arg");
    const cJSON *not_found = get_str(res, "not_found");
    size_t i = 0, ntypes = sizeof result_types / sizeof result_types[0];
    while (type && i < ntypes && strcmp(result_types[i].name, type->valuestring) != 0)
        i++;
    int known = type && i < ntypes;
    if (type && !known)
        schema_missed(c, type, "this result type");
    if (known)
        c->t->result = result_types[i].type;
    /* Which keys go with which type: a schema could say it only with
     * if/then, which the validator does not implement. */
    if (wrap && known && c->t->result != TOOL_RESULT_JSON)
        PROBLEM_AT(c, wrap, 1, "'wrap' is only allowed with result type json");
    else
        c->t->wrap = dup_str(c, wrap);
    if (max_size && known && c->t->result != TOOL_RESULT_IMAGE)
        PROBLEM_AT(c, max_size, 1, "'max_size_arg' is only allowed with result type image");
    else if (max_size && c->t->input_schema &&
             !arg_has_type(c, max_size->valuestring, "integer"))
        PROBLEM_AT(c, max_size, 0, "max_size_arg '%s' must be a property of inputSchema "
                   "with type: integer", show(c, max_size->valuestring));
    else
        c->t->max_size_arg = dup_str(c, max_size);
    if (not_found)
        check_template(c, not_found);
    c->t->not_found = dup_str(c, not_found);
}

/* ---- the tool ---- */

/* The rules beyond tool.schema.json.  Every member is read type-checked:
 * a document that failed the schema still gets these checks, so all its
 * problems are reported at once. */
static void check_top(tp *c, const cJSON *root)
{
    tool *t = c->t;
    const cJSON *name = get_str(root, "name"), *policy = get_str(root, "policy");
    const cJSON *adapter = get_str(root, "adapter");
    const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(root, "annotations");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "inputSchema");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(root, "outputSchema");
    const cJSON *request = cJSON_GetObjectItemCaseSensitive(root, "request");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result");
    if (name && !all_chars(name->valuestring, "_.-"))
        schema_missed(c, name, "this name");
    else
        t->name = dup_str(c, name);
    t->title = dup_str(c, get_str(root, "title"));
    t->description = dup_str(c, get_str(root, "description"));
    if (cJSON_IsObject(annotations) && !(t->annotations = cJSON_Duplicate(annotations, 1)))
        problem(c, 0, 0, "out of memory");
    const cJSON *scope = get_str(root, "scope");
    int read_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(annotations, "readOnlyHint"));
    if (!(t->scope = strdup(scope ? scope->valuestring : read_only ? TOOLS_SCOPE_READ : TOOLS_SCOPE_WRITE)))
        problem(c, 0, 0, "out of memory");
    char known[512];
    if (policy && !in_list(c->o->policies, policy->valuestring)) {
        list_text(c->o->policies, known, sizeof known);
        PROBLEM_AT(c, policy, 0, "unknown policy '%s' (known: %s)",
                   show(c, policy->valuestring), known);
    } else {
        t->policy = dup_str(c, policy);
    }
    if (adapter && !in_list(c->o->adapters, adapter->valuestring)) {
        list_text(c->o->adapters, known, sizeof known);
        PROBLEM_AT(c, adapter, 0, "unknown adapter '%s' (known: %s)",
                   show(c, adapter->valuestring), known);
    } else {
        t->adapter = dup_str(c, adapter);
    }
    /* A schema the meta-schema refused is not compiled: its problems are
     * reported already, and compiling would only repeat them. */
    if (cJSON_IsObject(input) && !c->bad_input)
        t->input_schema = load_schema(c, input, &t->input_validator);
    if (cJSON_IsObject(output) && !c->bad_output)
        t->output_schema = load_schema(c, output, &t->output_validator);
    if (cJSON_IsObject(request))
        check_request(c, request);
    if (cJSON_IsObject(result))
        check_result(c, result);
}

static void meta_problem(void *ud, int line, int col, const char *top, const char *msg)
{
    tp *c = ud;
    c->meta_failed = 1;
    if (top && strcmp(top, "inputSchema") == 0)
        c->bad_input = 1;
    if (top && strcmp(top, "outputSchema") == 0)
        c->bad_output = 1;
    problem(c, line, col, "%s", msg);
}

int tools_parse_doc(const tools_opts *o, const tools_meta *meta, const char *file,
                    const yj_doc *d, const tools_sink *sink, tool **out, int *name_col)
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
    tools_meta_check(meta, d, meta_problem, &c);
    if (!cJSON_IsObject(root))
        return c.problems;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (name)
        yj_key_pos(d, name, &c.t->line, name_col);
    check_top(&c, root);
    return c.problems;
}

/* The file is read through a capped buf, so a file that grows after the
 * size check still cannot pass the cap. */
char *tools_read_file(const char *path, size_t cap, size_t *len, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    buf b;
    buf_init(&b, cap);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a regular file");
    } else {
        for (;;) {
            char chunk[16384];
            ssize_t r = read(fd, chunk, sizeof chunk);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                snprintf(why, whylen, "%s", strerror(errno));
                break;
            }
            if (r == 0) {
                close(fd);
                return buf_steal(&b, len);   /* NUL-terminated, even when empty */
            }
            if (buf_append(&b, chunk, (size_t)r) != 0) {
                snprintf(why, whylen, b.len + (size_t)r > cap ? "larger than %zu bytes"
                                                               : "out of memory", cap);
                break;
            }
        }
    }
    if (fd >= 0)
        close(fd);
    buf_free(&b);
    return NULL;
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
    free(t->scope);
    free(t->adapter);
    free(t->method);
    free(t->path);
    free(t->body_arg);
    free(t->wrap);
    free(t->max_size_arg);
    free(t->not_found);
    free(t);
}
