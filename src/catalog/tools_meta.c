/* tools_meta: tools.d documents against the embedded tool.schema.json,
 * violations turned into "unknown key 'x' (did you mean 'y'?)"-style
 * messages at YAML positions. */
#include "catalog/tools_meta.h"
#include "catalog/tool_schema.h"
#include "catalog/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_MAX_SEGS   (SCHEMA_MAX_DEPTH + 2)
#define META_MAX_NODES  16      /* schema nodes applying at one location */
#define META_MAX_KEY    64      /* longer unknown keys get no suggestion */

struct tools_meta {
    cJSON  *doc;      /* the parsed schema; owned */
    schema *s;        /* compiled from doc */
};

const char *tools_show(const char *s, char *out)
{
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

tools_meta *tools_meta_new(err *e)
{
    tools_meta *m = calloc(1, sizeof *m);
    if (!m) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    m->doc = cJSON_ParseWithLength(tool_schema_json, tool_schema_json_len);
    if (!m->doc)
        err_set(e, ERR_INTERNAL, "the embedded tool.schema.json is not valid JSON");
    else if (!(m->s = schema_compile(m->doc, e)))
        err_prefix(e, "the embedded tool.schema.json");
    if (!m->s) {
        tools_meta_free(m);
        return NULL;
    }
    return m;
}

void tools_meta_free(tools_meta *m)
{
    if (!m)
        return;
    schema_free(m->s);
    cJSON_Delete(m->doc);
    free(m);
}

/* One step of an instance path: a key, or an index when key is NULL. */
typedef struct { char key[256]; int is_key; size_t idx; } mseg;

typedef struct {
    const tools_meta *m;
    const yj_doc *d;
    tools_meta_fn fn;
    void *ud;
} mctx;

/* Splits schema.h's path text ("request.query", "a[2]", "x[\"a b\"]")
 * into segments; returns how many, or -1 if it cannot be read back (a
 * path cut with "..."). */
static int split_path(const char *p, mseg *segs, int max)
{
    int n = 0;
    while (*p) {
        if (n == max)
            return -1;
        mseg *g = &segs[n++];
        size_t o = 0;
        g->is_key = 1;
        if (*p == '.')
            p++;
        if (p[0] == '[' && p[1] == '"') {
            for (p += 2; *p && *p != '"'; p++) {
                char ch = *p;
                if (ch == '\\' && p[1] == 'u') {
                    ch = (char)strtol((char[]){ p[2], p[3], p[4], p[5], 0 }, NULL, 16);
                    p += 5;
                } else if (ch == '\\' && p[1]) {
                    ch = *++p;
                }
                if (o + 1 < sizeof g->key)
                    g->key[o++] = ch;
            }
            if (strncmp(p, "\"]", 2) != 0)
                return -1;
            p += 2;
        } else if (*p == '[') {
            char *end;
            g->is_key = 0;
            g->idx = strtoul(p + 1, &end, 10);
            if (*end != ']')
                return -1;
            p = end + 1;
        } else {
            for (; *p && *p != '.' && *p != '['; p++)
                if (o + 1 < sizeof g->key)
                    g->key[o++] = *p;
        }
        g->key[o] = '\0';
    }
    return n;
}

/* The instance node the first n segments name, or NULL. */
static const cJSON *inst_at(const cJSON *root, const mseg *segs, int n)
{
    const cJSON *cur = root;
    for (int i = 0; i < n && cur; i++)
        cur = segs[i].is_key ? cJSON_GetObjectItemCaseSensitive(cur, segs[i].key)
                             : cJSON_GetArrayItem(cur, (int)segs[i].idx);
    return cur;
}

/* Adds schema node n and what it brings along ($ref target, allOf
 * members) to out; returns the new count. */
static size_t expand(const cJSON *doc, const cJSON *n, const cJSON **out, size_t k, int depth)
{
    if (!cJSON_IsObject(n) || k >= META_MAX_NODES || depth > 8)
        return k;
    out[k++] = n;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(n, "$ref");
    if (cJSON_IsString(ref) && strncmp(ref->valuestring, "#/", 2) == 0) {
        /* tool.schema.json's pointers are plain "#/$defs/NAME". */
        const cJSON *t = doc;
        char tok[128];
        for (const char *p = ref->valuestring + 1; t && *p == '/';) {
            size_t len = strcspn(p + 1, "/");
            snprintf(tok, sizeof tok, "%.*s", (int)len, p + 1);
            t = cJSON_GetObjectItemCaseSensitive(t, tok);
            p += 1 + len;
        }
        k = expand(doc, t, out, k, depth + 1);
    }
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(n, "allOf"))
        k = expand(doc, b, out, k, depth + 1);
    return k;
}

/* The schema nodes that apply at the instance location segs[0..n). */
static size_t schema_at(const cJSON *doc, const mseg *segs, int n, const cJSON **out)
{
    const cJSON *cur[META_MAX_NODES];
    size_t k = expand(doc, doc, cur, 0, 0);
    for (int i = 0; i < n; i++) {
        const cJSON *next[META_MAX_NODES];
        size_t nk = 0;
        for (size_t j = 0; j < k; j++) {
            const cJSON *sub;
            if (segs[i].is_key) {
                sub = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(cur[j], "properties"), segs[i].key);
                if (!sub)
                    sub = cJSON_GetObjectItemCaseSensitive(cur[j], "additionalProperties");
            } else {
                sub = cJSON_GetObjectItemCaseSensitive(cur[j], "items");
            }
            nk = expand(doc, sub, next, nk, 0);
        }
        memcpy(cur, next, nk * sizeof *cur);
        k = nk;
    }
    memcpy(out, cur, k * sizeof *cur);
    return k;
}

/* The first string member named key among nodes, or NULL. */
static const char *schema_str(const cJSON *const *nodes, size_t k, const char *key)
{
    for (size_t j = 0; j < k; j++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(nodes[j], key);
        if (cJSON_IsString(v))
            return v->valuestring;
    }
    return NULL;
}


static const char *yaml_type(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsBool(v))   return "a boolean";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsArray(v))  return "a sequence";
    if (cJSON_IsObject(v)) return "a mapping";
    return "null";
}

/* "string or null" (schema.h's wording) in YAML terms: "a string or null". */
static void yaml_types(const char *desc, char *out, size_t n)
{
    static const struct { const char *json, *yaml; } names[] = {
        { "object", "a mapping" }, { "array", "a sequence" }, { "string", "a string" },
        { "boolean", "a boolean" }, { "number", "a number" }, { "integer", "an integer" },
        { "null", "null" },
    };
    size_t o = 0;
    out[0] = '\0';
    while (*desc && o + 1 < n) {
        size_t len = strcspn(desc, " ,");
        const char *word = NULL;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].json) == len && strncmp(desc, names[i].json, len) == 0)
                word = names[i].yaml;
        o += (size_t)snprintf(out + o, n - o, "%s", word ? word : "");
        desc += len;
        size_t sep = strspn(desc, " ,");
        if (sep && o + 1 < n)
            o += (size_t)snprintf(out + o, n - o, "%.*s", (int)sep, desc);
        desc += sep;
        /* "or" between types is copied as a word */
        if (strncmp(desc, "or ", 3) == 0 && o + 1 < n) {
            o += (size_t)snprintf(out + o, n - o, "or ");
            desc += 3;
        }
    }
}

/* Levenshtein distance; (size_t)-1 for long strings. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[META_MAX_KEY + 1];
    if (na > META_MAX_KEY || nb > META_MAX_KEY)
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

/* The known key nearest to key within edit distance 2, or NULL. */
static const char *suggest(const cJSON *const *nodes, size_t k, const char *key)
{
    const char *hint = NULL;
    size_t best = 3;
    for (size_t j = 0; j < k; j++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(nodes[j], "properties")) {
            size_t dist = edit_distance(key, p->string);
            if (dist < best)
                best = dist, hint = p->string;
        }
    }
    return hint;
}

/* Position of node: its key for a member when want_key, else its value. */
static void where(const yj_doc *d, const cJSON *node, int want_key, int *line, int *col)
{
    *line = *col = 0;
    if (!node)
        return;
    if (!want_key || yj_key_pos(d, node, line, col) != 0)
        if (yj_pos(d, node, line, col) != 0)
            *line = *col = 0;
}

static void on_violation(void *ud, const cJSON *at, const char *path, const char *msg)
{
    mctx *c = ud;
    const cJSON *root = yj_root(c->d);
    mseg segs[META_MAX_SEGS];
    int n = split_path(path, segs, META_MAX_SEGS);
    char out[2048], a[TOOLS_SHOW_MAX + 8], b[TOOLS_SHOW_MAX + 8];
    const cJSON *node = at;
    int want_key = at && (cJSON_IsArray(at) || cJSON_IsObject(at));
    if (n < 0) {
        /* Unreadable path: report the rule where it failed. */
        snprintf(out, sizeof out, "%s: %s", path, msg);
        n = 0;
        goto emit;
    }
    /* "'key' in request/query", "item 2 of inputSchema/required", "" for the file. */
    char level[512] = "", name[640] = "";
    for (int i = 0, o = 0; i < n - 1 && (size_t)o + 1 < sizeof level; i++)
        o += segs[i].is_key
           ? snprintf(level + o, sizeof level - (size_t)o, "%s%s", i ? "/" : "",
                      tools_show(segs[i].key, a))
           : snprintf(level + o, sizeof level - (size_t)o, "/%zu", segs[i].idx);
    if (n > 0 && segs[n - 1].is_key)
        snprintf(name, sizeof name, "'%s'%s%s", tools_show(segs[n - 1].key, a),
                 *level ? " in " : "", level);
    else if (n > 0)
        snprintf(name, sizeof name, "item %zu%s%s", segs[n - 1].idx,
                 *level ? " of " : "", level);
    const char *in = *level ? " in " : "";
    const cJSON *nodes[META_MAX_NODES];
    size_t k;

    if (strcmp(msg, "is required") == 0 && n > 0) {
        node = inst_at(root, segs, n - 1);
        want_key = 0;
        snprintf(out, sizeof out, "missing required key '%s'%s%s", tools_show(segs[n - 1].key, a),
                 in, level);
    } else if (strncmp(msg, "unknown property", 16) == 0 && at && at->string) {
        want_key = 1;
        k = schema_at(c->m->doc, segs, n - 1, nodes);
        const char *hint = suggest(nodes, k, at->string);
        snprintf(out, sizeof out, "unknown key '%s'%s%s%s%s%s", tools_show(at->string, a), in, level,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    } else if (strncmp(msg, "must be of type ", 16) == 0 && n == 0) {
        snprintf(out, sizeof out, "a tool file must be a mapping (name: ..., description: ..., "
                 "inputSchema: ..., ...), not %s", yaml_type(at));
    } else if (strncmp(msg, "must be of type ", 16) == 0 && at) {
        char want[128], desc[96];
        const char *end = strstr(msg + 16, ", not ");
        snprintf(desc, sizeof desc, "%.*s", (int)(end ? end - msg - 16 : 0), msg + 16);
        yaml_types(desc, want, sizeof want);
        /* YAML reads 10 and yes as a number and a boolean: say how to get text. */
        int quote = strcmp(want, "a string") == 0 && (cJSON_IsNumber(at) || cJSON_IsBool(at));
        snprintf(out, sizeof out, "%s must be %s, not %s%s", name, want, yaml_type(at),
                 quote ? " (quote it)" : "");
    } else if (strncmp(msg, "must match pattern ", 19) == 0 && cJSON_IsString(at)) {
        k = schema_at(c->m->doc, segs, n, nodes);
        const char *why = schema_str(nodes, k, "patternErrorMessage");
        snprintf(out, sizeof out, "invalid %s%s%s '%s': %s", n ? tools_show(segs[n - 1].key, b) : "",
                 in, level, tools_show(at->valuestring, a), why ? why : msg);
    } else if (strncmp(msg, "must be one of ", 15) == 0) {
        /* The schema's enums are plain words: drop the JSON quotes. */
        size_t o = (size_t)snprintf(out, sizeof out, "%s must be one of ", name);
        for (const char *p = msg + 15; *p && o + 1 < sizeof out; p++)
            if (*p != '"')
                out[o++] = *p;
        out[o] = '\0';
        if (cJSON_IsString(at))
            snprintf(out + o, sizeof out - o, " (not '%s')", tools_show(at->valuestring, a));
    } else if (strncmp(msg, "must match at least one of the anyOf", 36) == 0 &&
               (k = schema_at(c->m->doc, segs, n, nodes)) > 0 &&
               schema_str(nodes, k, "errorMessage")) {
        want_key = 0;
        snprintf(out, sizeof out, "%s", schema_str(nodes, k, "errorMessage"));
    } else if (strcmp(msg, "must be at least 1 character long") == 0) {
        snprintf(out, sizeof out, "%s must not be empty", name);
    } else {
        snprintf(out, sizeof out, "%s%s%s", name, *name ? " " : "", msg);
    }
emit:;
    int line, col;
    where(c->d, node ? node : root, want_key, &line, &col);
    c->fn(c->ud, line, col, n > 0 && segs[0].is_key ? segs[0].key : NULL, out);
}

int tools_meta_check(const tools_meta *m, const yj_doc *d, tools_meta_fn fn, void *ud)
{
    mctx c = { m, d, fn, ud };
    return schema_validate_all(m->s, yj_root(d), on_violation, &c);
}
