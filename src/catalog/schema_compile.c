/* schema_compile: turns a JSON Schema document into the keyword tree of
 * schema_int.h, checking every supported keyword, and frees it.
 *
 * Two passes: the first walks every subschema reachable through keywords
 * (and every $defs entry); the second resolves each $ref to a compiled
 * node, compiling its target if no keyword reached it.  Then a search for
 * cycles of $ref/allOf/anyOf/oneOf that never descend into the instance
 * refuses schemas that would loop forever. */
#include "catalog/schema_int.h"
#include "catalog/schema_regex.h"
#include "util/jsonptr.h"
#include "util/jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_MAX_NODES     4096      /* subschemas in one document */
#define SCHEMA_MAX_PATTERN   4096      /* bytes in one pattern */
#define SCHEMA_MAX_LISTED    400       /* bytes of enum/const text in a message */

static const char *const type_names[] = {
    "null", "boolean", "object", "array", "number", "string", "integer" };

typedef struct { schema *s; err *e; const cJSON *doc; } cctx;

/* Fails with "PTR/KW: what" (kw may be NULL; the root is "#"). */
static int cerr(cctx *c, const snode *n, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cerr(cctx *c, const snode *n, const char *kw, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (kw)
        return err_set(c->e, ERR_INVALID, "%s/%s: %s", n->ptr, kw, what);
    return err_set(c->e, ERR_INVALID, "%s: %s", *n->ptr ? n->ptr : "#", what);
}

static const char *json_type(const cJSON *v)
{
    switch (v->type & 0xFF) {
    case cJSON_NULL:   return "null";
    case cJSON_False:
    case cJSON_True:   return "boolean";
    case cJSON_Number: return "number";
    case cJSON_String: return "string";
    case cJSON_Array:  return "array";
    case cJSON_Object: return "object";
    default:           return "invalid value";
    }
}

/* 1 when v nests no deeper than left levels; recursion stops at left. */
static int depth_ok(const cJSON *v, int left)
{
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return 1;
    if (left <= 0)
        return 0;
    for (const cJSON *k = v->child; k; k = k->next)
        if (!depth_ok(k, left - 1))
            return 0;
    return 1;
}

static snode *compile(cctx *c, const cJSON *src, char *ptr, int depth);

/* Compiles v, found under keyword a (and key b) of n, as a subschema. */
static snode *sub(cctx *c, const snode *n, const cJSON *v, const char *a,
                  const char *b, int depth)
{
    return compile(c, v, jsonptr_join(n->ptr, a, b), depth + 1);
}

typedef struct kwdef kwdef;
typedef int (*kw_fn)(cctx *c, snode *n, const cJSON *v, const kwdef *k,
                     int depth);
struct kwdef { const char *name; kw_fn fn; int slot; };

static int kw_type(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    const cJSON *one = v, *end = NULL;
    if (cJSON_IsArray(v)) {
        if (!v->child)
            return cerr(c, n, k->name, "must not be an empty array");
        one = v->child;
    } else {
        end = v->next;   /* a single string: loop once */
    }
    char desc[128] = "";
    size_t cnt = 0;
    for (const cJSON *t = one; t && t != end; t = t->next, cnt++) {
        int bit = 0;
        for (int i = 0; cJSON_IsString(t) && i < 7; i++)
            if (strcmp(t->valuestring, type_names[i]) == 0)
                bit = 1 << i;
        if (!bit)
            return cerr(c, n, k->name, "must name types among null, boolean,"
                        " object, array, number, string, integer");
        if (n->types & bit)
            return cerr(c, n, k->name, "lists \"%s\" twice", t->valuestring);
        n->types |= bit;
        const char *sep = !cnt ? "" : (t->next && t->next != end) ? ", " : " or ";
        strcat(desc, sep);      /* fits: 7 names, 55 bytes at most */
        strcat(desc, t->valuestring);
    }
    if (n->types & T_NUM)
        n->types |= T_INT;      /* every integer is a number */
    n->type_desc = strdup(desc);
    return n->type_desc ? 0 : err_set(c->e, ERR_INTERNAL, "out of memory");
}

static int kw_num(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return cerr(c, n, k->name, "must be a number, not %s", json_type(v));
    n->num[k->slot] = v->valuedouble;
    n->has_num |= 1u << k->slot;
    return 0;
}

static int kw_count(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    double x = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (!(x >= 0 && x <= 9007199254740992.0) || x != (double)(long long)x)
        return cerr(c, n, k->name, "must be a non-negative integer");
    n->cnt[k->slot] = x;
    n->has_cnt |= 1u << k->slot;
    return 0;
}

static int kw_pattern(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    if (!cJSON_IsString(v))
        return cerr(c, n, k->name, "must be a string, not %s", json_type(v));
    if (strlen(v->valuestring) > SCHEMA_MAX_PATTERN)
        return cerr(c, n, k->name, "is longer than %d bytes", SCHEMA_MAX_PATTERN);
    char why[400];
    char *ere = schema_regex_prepare(v->valuestring, why, sizeof why);
    if (!ere)
        return strcmp(why, "out of memory") == 0 ? err_set(c->e, ERR_INTERNAL, "out of memory")
                                                 : cerr(c, n, k->name, "%s", why);
    /* rx, not regcomp: patterns run on text a client chose, and glibc's
     * matcher is quadratic on some of them; rx is linear whatever the
     * pattern (util/rx.h). */
    n->re = rx_compile(ere, why, sizeof why);
    free(ere);
    if (!n->re)
        return cerr(c, n, k->name, "invalid regular expression: %s", why);
    n->pattern = v->valuestring;
    return 0;
}

/* Returns "lead" followed by the values printed as JSON and joined by
 * ", ", cut with "..." past SCHEMA_MAX_LISTED; NULL when out of memory. */
static char *list_text(const char *lead, const cJSON *first, const cJSON *end)
{
    char *out = malloc(strlen(lead) + SCHEMA_MAX_LISTED + 8);
    if (!out)
        return NULL;
    size_t o = strlen(strcpy(out, lead));
    for (const cJSON *v = first; v && v != end; v = v->next) {
        char *t = jsonw_print(v, NULL);
        if (!t) {
            free(out);
            return NULL;
        }
        size_t tl = strlen(t);
        if (o + tl + 2 > strlen(lead) + SCHEMA_MAX_LISTED) {
            strcpy(out + o, v == first ? "..." : ", ...");
            free(t);
            break;
        }
        if (v != first)
            o += strlen(strcpy(out + o, ", "));
        o += strlen(strcpy(out + o, t));
        free(t);
    }
    return out;
}

static int kw_enum(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    if (!cJSON_IsArray(v) || !v->child)
        return cerr(c, n, k->name, "must be a non-empty array");
    if (!depth_ok(v, SCHEMA_MAX_DEPTH))
        return cerr(c, n, k->name, "nests deeper than %d levels", SCHEMA_MAX_DEPTH);
    n->enm = v;
    n->enum_msg = list_text("must be one of ", v->child, NULL);
    return n->enum_msg ? 0 : err_set(c->e, ERR_INTERNAL, "out of memory");
}

static int kw_const(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    if (!depth_ok(v, SCHEMA_MAX_DEPTH))
        return cerr(c, n, k->name, "nests deeper than %d levels", SCHEMA_MAX_DEPTH);
    n->cnst = v;
    n->const_msg = list_text("must equal ", v, v->next);
    return n->const_msg ? 0 : err_set(c->e, ERR_INTERNAL, "out of memory");
}

static int prop_cmp(const void *a, const void *b)
{
    return strcmp(((const sprop *)a)->name, ((const sprop *)b)->name);
}

static int kw_props(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    if (!cJSON_IsObject(v))
        return cerr(c, n, k->name, "must be an object, not %s", json_type(v));
    size_t cnt = 0;
    for (const cJSON *p = v->child; p; p = p->next)
        cnt++;
    if (cnt == 0)
        return 0;
    if (!(n->props = calloc(cnt, sizeof *n->props)))
        return err_set(c->e, ERR_INTERNAL, "out of memory");
    for (const cJSON *p = v->child; p; p = p->next) {
        const char *name = p->string ? p->string : "";
        snode *ps = sub(c, n, p, k->name, name, d);
        if (!ps)
            return -1;
        n->props[n->nprops++] = (sprop){ name, ps };
    }
    qsort(n->props, n->nprops, sizeof *n->props, prop_cmp);
    for (size_t i = 1; i < n->nprops; i++)
        if (strcmp(n->props[i - 1].name, n->props[i].name) == 0)
            return cerr(c, n, k->name, "names \"%s\" twice", n->props[i].name);
    return 0;
}

static int kw_required(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    size_t cnt = 0;
    for (const cJSON *r = cJSON_IsArray(v) ? v->child : NULL; r; r = r->next, cnt++)
        if (!cJSON_IsString(r))
            return cerr(c, n, k->name, "must be an array of strings");
    if (!cJSON_IsArray(v))
        return cerr(c, n, k->name, "must be an array of strings, not %s",
                    json_type(v));
    if (cnt && !(n->req = calloc(cnt, sizeof *n->req)))
        return err_set(c->e, ERR_INTERNAL, "out of memory");
    for (const cJSON *r = v->child; r; r = r->next)
        n->req[n->nreq++] = r->valuestring;
    return 0;
}

static int kw_sub(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    if (!cJSON_IsObject(v) && !cJSON_IsBool(v))
        return cerr(c, n, k->name, "must be a schema (object or boolean)%s",
                    cJSON_IsArray(v) && k->slot
                    ? "; tuple items (an array) are not supported" : "");
    snode *s = sub(c, n, v, k->name, NULL, d);
    *(k->slot ? &n->items : &n->addl) = s;
    return s ? 0 : -1;
}

static int kw_comp(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    size_t cnt = 0;
    for (const cJSON *b = cJSON_IsArray(v) ? v->child : NULL; b; b = b->next)
        cnt++;
    if (!cnt)
        return cerr(c, n, k->name, "must be a non-empty array of schemas");
    if (!(n->comp[k->slot] = calloc(cnt, sizeof(snode *))))
        return err_set(c->e, ERR_INTERNAL, "out of memory");
    char idx[24];
    for (const cJSON *b = v->child; b; b = b->next) {
        snprintf(idx, sizeof idx, "%zu", n->ncomp[k->slot]);
        snode *s = sub(c, n, b, k->name, idx, d);
        if (!s)
            return -1;
        n->comp[k->slot][n->ncomp[k->slot]++] = s;
    }
    return 0;
}

static int kw_defs(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    if (!cJSON_IsObject(v))
        return cerr(c, n, k->name, "must be an object, not %s", json_type(v));
    for (const cJSON *p = v->child; p; p = p->next)
        if (!sub(c, n, p, k->name, p->string ? p->string : "", d))
            return -1;
    return 0;
}

static int kw_ref(cctx *c, snode *n, const cJSON *v, const kwdef *k, int d)
{
    (void)d;
    if (!cJSON_IsString(v))
        return cerr(c, n, k->name, "must be a string, not %s", json_type(v));
    if (v->valuestring[0] != '#' || (v->valuestring[1] && v->valuestring[1] != '/'))
        return cerr(c, n, k->name, "\"%s\" is not a local reference; only \"#\""
                    " and JSON pointers \"#/...\" are supported", v->valuestring);
    n->ref_str = v->valuestring;
    return 0;
}

/* Sorted by name; at most 32 (snode.seen is a bit set over this table). */
static const kwdef keywords[] = {
    { "$defs", kw_defs, 0 },
    { "$ref", kw_ref, 0 },
    { "additionalProperties", kw_sub, 0 },
    { "allOf", kw_comp, K_ALL },
    { "anyOf", kw_comp, K_ANY },
    { "const", kw_const, 0 },
    { "enum", kw_enum, 0 },
    { "exclusiveMaximum", kw_num, N_XMAX },
    { "exclusiveMinimum", kw_num, N_XMIN },
    { "items", kw_sub, 1 },
    { "maxItems", kw_count, C_MAXITEMS },
    { "maxLength", kw_count, C_MAXLEN },
    { "maximum", kw_num, N_MAX },
    { "minItems", kw_count, C_MINITEMS },
    { "minLength", kw_count, C_MINLEN },
    { "minimum", kw_num, N_MIN },
    { "oneOf", kw_comp, K_ONE },
    { "pattern", kw_pattern, 0 },
    { "properties", kw_props, 0 },
    { "required", kw_required, 0 },
    { "type", kw_type, 0 },
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

static int kw_cmp(const void *key, const void *k)
{
    return strcmp(key, ((const kwdef *)k)->name);
}

/* Validation keywords of 2020-12 (and older drafts) this validator does
 * not implement.  Ignoring them, as the spec allows for unknown keywords,
 * would let an admin believe a rule is enforced when it is not, so they
 * are refused.  Sorted for bsearch.  Annotations (title, format, ...) and
 * keywords no draft defines stay ignored. */
static const char *const unsupported[] = {
    "$dynamicRef", "$recursiveRef", "additionalItems", "contains",
    "dependencies", "dependentRequired", "dependentSchemas", "else", "if",
    "maxContains", "maxProperties", "minContains", "minProperties",
    "multipleOf", "not", "patternProperties", "prefixItems",
    "propertyNames", "then", "unevaluatedItems", "unevaluatedProperties",
    "uniqueItems",
};
#define NUNSUPPORTED (sizeof unsupported / sizeof unsupported[0])

/* Annotation keywords: accepted and ignored.  Any other unknown keyword is
 * refused too, so a typo such as "maxLenght" cannot pass for a rule;
 * extensions go under "x-".  Sorted for bsearch. */
static const char *const annotations[] = {
    "$anchor", "$comment", "$id", "$schema", "$vocabulary", "contentEncoding",
    "contentMediaType", "contentSchema", "default", "definitions", "deprecated",
    "description", "errorMessage", "examples", "format", "markdownDescription",
    "patternErrorMessage", "readOnly", "title", "writeOnly",
};
#define NANNOTATIONS (sizeof annotations / sizeof annotations[0])

static int str_cmp(const void *key, const void *s)
{
    return strcmp(key, *(const char *const *)s);
}

/* Compiles src at JSON pointer ptr (taken over: freed with the schema even
 * on failure).  Returns the node, or NULL with c->e set. */
static snode *compile(cctx *c, const cJSON *src, char *ptr, int depth)
{
    schema *s = c->s;
    if (!ptr) {
        err_set(c->e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    if (s->nnodes == s->anodes) {
        size_t na = s->anodes ? s->anodes * 2 : 16;
        snode **nn = realloc(s->nodes, na * sizeof *nn);
        if (!nn) {
            free(ptr);
            err_set(c->e, ERR_INTERNAL, "out of memory");
            return NULL;
        }
        s->nodes = nn;
        s->anodes = na;
    }
    snode *n = calloc(1, sizeof *n);
    if (!n) {
        free(ptr);
        err_set(c->e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    s->nodes[s->nnodes++] = n;
    n->src = src;
    n->ptr = ptr;
    n->boolean = -1;
    if (s->nnodes > SCHEMA_MAX_NODES) {
        cerr(c, n, NULL, "the schema has more than %d subschemas", SCHEMA_MAX_NODES);
        return NULL;
    }
    if (depth > SCHEMA_MAX_DEPTH) {
        cerr(c, n, NULL, "subschemas nest deeper than %d levels", SCHEMA_MAX_DEPTH);
        return NULL;
    }
    if (cJSON_IsBool(src)) {
        n->boolean = cJSON_IsTrue(src) ? 1 : 0;
        return n;
    }
    if (!cJSON_IsObject(src)) {
        cerr(c, n, NULL, "a schema must be an object or a boolean, not %s",
             json_type(src));
        return NULL;
    }
    for (const cJSON *v = src->child; v; v = v->next) {
        const kwdef *k = v->string ? bsearch(v->string, keywords, NKEYWORDS,
                                             sizeof *k, kw_cmp) : NULL;
        if (!k && v->string && bsearch(v->string, unsupported, NUNSUPPORTED,
                                       sizeof *unsupported, str_cmp)) {
            cerr(c, n, v->string, "keyword '%s' is not supported by slicer-mcp's"
                 " validator; it would not be enforced", v->string);
            return NULL;
        }
        if (!k && v->string && strncmp(v->string, "x-", 2) != 0 &&
            !bsearch(v->string, annotations, NANNOTATIONS, sizeof *annotations, str_cmp)) {
            cerr(c, n, v->string, "unknown keyword '%s' (a typo? keywords slicer-mcp does not "
                 "know are refused; name extensions x-...)", v->string);
            return NULL;
        }
        if (!k)
            continue;   /* annotations and x- extensions are ignored */
        unsigned bit = 1u << (k - keywords);
        if (n->seen & bit) {
            cerr(c, n, k->name, "appears twice");
            return NULL;
        }
        n->seen |= bit;
        if (k->fn(c, n, v, k, depth) < 0)
            return NULL;
    }
    return n;
}

/* Refuses a cycle of $ref/allOf/anyOf/oneOf edges: each consumes no
 * instance depth, so validation would go round it forever. */
static int cycle_check(cctx *c, snode *n)
{
    static const char *const kw[3] = { "allOf", "anyOf", "oneOf" };
    if (n->mark == 2)
        return 0;
    n->mark = 1;
    if (n->ref && n->ref->mark == 1)
        return cerr(c, n, "$ref", "refers back to itself without descending"
                    " into a property or item, so it would never end");
    if (n->ref && cycle_check(c, n->ref) < 0)
        return -1;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < n->ncomp[k]; i++) {
            if (n->comp[k][i]->mark == 1)
                return cerr(c, n, kw[k], "refers back to itself without"
                            " descending into a property or item");
            if (cycle_check(c, n->comp[k][i]) < 0)
                return -1;
        }
    n->mark = 2;
    return 0;
}

schema *schema_compile(const cJSON *doc, err *e)
{
    schema *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    cctx c = { s, e, doc };
    if (!doc) {
        err_set(e, ERR_INVALID, "#: no schema");
        goto fail;
    }
    if (!(s->root = compile(&c, doc, strdup(""), 0)))
        goto fail;
    /* s->nodes grows while this runs: a target no keyword reached is
     * compiled here, and its own $refs are resolved later in the loop. */
    for (size_t i = 0; i < s->nnodes; i++) {
        snode *n = s->nodes[i];
        if (!n->ref_str)
            continue;
        const cJSON *t = jsonptr_get(doc, n->ref_str + 1, strlen(n->ref_str + 1), NULL);
        if (!t) {
            cerr(&c, n, "$ref", "\"%s\" does not resolve", n->ref_str);
            goto fail;
        }
        for (size_t j = 0; j < s->nnodes && !n->ref; j++)
            if (s->nodes[j]->src == t)
                n->ref = s->nodes[j];
        if (!n->ref && !(n->ref = compile(&c, t, strdup(n->ref_str + 1), 1)))
            goto fail;
    }
    for (size_t i = 0; i < s->nnodes; i++)
        if (cycle_check(&c, s->nodes[i]) < 0)
            goto fail;
    return s;
fail:
    schema_free(s);
    return NULL;
}

void schema_free(schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nnodes; i++) {
        snode *n = s->nodes[i];
        rx_free(n->re);
        for (int k = 0; k < 3; k++)
            free(n->comp[k]);
        free(n->ptr);
        free(n->type_desc);
        free(n->enum_msg);
        free(n->const_msg);
        free(n->props);
        free(n->req);
        free(n);
    }
    free(s->nodes);
    free(s);
}
