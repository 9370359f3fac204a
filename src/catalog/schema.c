/* schema: validates cJSON instances against a compiled schema (see
 * schema.h; schema_compile.c builds the tree).
 *
 * Validating allocates nothing: the instance path is kept as a stack of
 * (key, index) segments and only formatted when a violation is reported.
 * Every subschema applied costs one step of a per-call budget, and
 * instance depth and schema recursion are capped, so no schema and no
 * value can make a call run long or deep. */
#include "catalog/schema_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps on validation besides SCHEMA_MAX_DEPTH. */
#define SCHEMA_MAX_STEPS     1000000L  /* subschemas applied per validation, */
#define SCHEMA_STEPS_PER_VALUE 32L     /* or this many per value of the instance */
#define SCHEMA_MAX_ERRORS    100       /* violations reported per validation */
#define SCHEMA_MAX_RECURSION (4 * SCHEMA_MAX_DEPTH) /* nested applications */

typedef struct { const char *key; size_t idx; } seg;   /* key NULL: [idx] */

typedef struct {
    schema_err_fn fn;        /* NULL: count (and maybe capture) only */
    void *ud;
    int nerr, limit;         /* stop once nerr reaches limit */
    char *cap;               /* if set, receives the first "path: msg" */
    size_t capsz;
    long budget;             /* steps left, shared by all branches */
    long steps;              /* the budget it started with, for the message */
    int rdepth;
    int aborted;             /* a cap was hit: stop everything, see bail() */
    const cJSON *abort_at;   /* where, and what, for run() to report */
    char abort_path[256], abort_msg[128];
    int nseg;
    seg segs[SCHEMA_MAX_DEPTH + 2];
} vctx;

static int stopped(const vctx *c)
{
    return c->aborted || c->nerr >= c->limit;
}

static int is_ident(const char *k)
{
    if (!isalpha((unsigned char)*k) && *k != '_')
        return 0;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_')
            return 0;
    return 1;
}

/* Formats the path: "", "view", "points[2].r", "opts[\"x y\"]". */
static void path_text(const vctx *c, char *out, size_t sz)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < c->nseg && o + 8 < sz; i++) {
        const seg *g = &c->segs[i];
        if (!g->key) {
            o += (size_t)snprintf(out + o, sz - o, "[%zu]", g->idx);
        } else if (is_ident(g->key)) {
            o += (size_t)snprintf(out + o, sz - o, "%s%s", i ? "." : "", g->key);
        } else {
            out[o++] = '[';
            out[o++] = '"';
            for (const char *k = g->key; *k && o + 8 < sz; k++) {
                if (*k == '"' || *k == '\\')
                    out[o++] = '\\';
                if ((unsigned char)*k < 0x20)
                    o += (size_t)snprintf(out + o, sz - o, "\\u%04x", (unsigned)*k);
                else
                    out[o++] = *k;
            }
            out[o++] = '"';
            out[o++] = ']';
        }
    }
    if (o + 8 >= sz)
        strcpy(out + sz - 4, "...");
    else
        out[o] = '\0';
}

static void report(vctx *c, const cJSON *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(vctx *c, const cJSON *at, const char *fmt, ...)
{
    if (c->fn || (c->cap && c->nerr == 0)) {
        char path[512], msg[900];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        path_text(c, path, sizeof path);
        if (c->fn)
            c->fn(c->ud, at, path, msg);
        if (c->cap && c->nerr == 0)
            snprintf(c->cap, c->capsz, "%s%s%s", path, *path ? ": " : "", msg);
    }
    c->nerr++;
}

/* A cap was hit: unlike a violation this is not something an anyOf or
 * oneOf branch may swallow, so validation stops and run() reports it. */
static void bail(vctx *c, const cJSON *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void bail(vctx *c, const cJSON *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->abort_msg, sizeof c->abort_msg, fmt, ap);
    va_end(ap);
    path_text(c, c->abort_path, sizeof c->abort_path);
    c->abort_at = at;
    c->aborted = 1;
}

static void v_node(vctx *c, const snode *s, const cJSON *x);

/* Applies s to x quietly; 1 when x passes.  cap (may be NULL) receives
 * the first violation.  Budget and depth stay shared with the caller. */
static int v_branch(vctx *c, const snode *s, const cJSON *x, char *cap,
                    size_t capsz)
{
    schema_err_fn fn = c->fn;
    int nerr = c->nerr, limit = c->limit;
    char *ocap = c->cap;
    size_t ocapsz = c->capsz;
    c->fn = NULL;
    c->nerr = 0;
    c->limit = 1;
    c->cap = cap;
    c->capsz = capsz;
    if (cap)
        cap[0] = '\0';
    v_node(c, s, x);
    int ok = c->nerr == 0 && !c->aborted;
    c->fn = fn;
    c->nerr = nerr;
    c->limit = limit;
    c->cap = ocap;
    c->capsz = ocapsz;
    return ok;
}

/* The instance's type bits; a whole finite number is also an integer. */
static unsigned inst_bits(const cJSON *x)
{
    switch (x->type & 0xFF) {
    case cJSON_NULL:   return T_NULL;
    case cJSON_False:
    case cJSON_True:   return T_BOOL;
    case cJSON_String: return T_STR;
    case cJSON_Array:  return T_ARR;
    case cJSON_Object: return T_OBJ;
    case cJSON_Number: {
        double d = x->valuedouble;
        int whole = isfinite(d) && (fabs(d) >= 9007199254740992.0
                                    || d == (double)(long long)d);
        return T_NUM | (whole ? T_INT : 0);
    }
    default:           return 0;
    }
}

static const char *bits_name(unsigned b)
{
    return b & T_INT ? "integer" : b & T_NUM ? "number" : b & T_NULL ? "null"
         : b & T_BOOL ? "boolean" : b & T_STR ? "string" : b & T_ARR ? "array"
         : b & T_OBJ ? "object" : "invalid value";
}

/* Shortest text that reads back as d ("500", "0.1", "1e+300"). */
static const char *num_text(double d, char *b, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, n, "%.*g", prec, d);
        if (strtod(b, NULL) == d)
            break;
    }
    return b;
}

static void v_number(vctx *c, const snode *s, const cJSON *x)
{
    double d = x->valuedouble;
    char b[32];
    if ((s->has_num & 1u << N_MIN) && !(d >= s->num[N_MIN]))
        report(c, x, "must be >= %s", num_text(s->num[N_MIN], b, sizeof b));
    if ((s->has_num & 1u << N_MAX) && !(d <= s->num[N_MAX]))
        report(c, x, "must be <= %s", num_text(s->num[N_MAX], b, sizeof b));
    if ((s->has_num & 1u << N_XMIN) && !(d > s->num[N_XMIN]))
        report(c, x, "must be > %s", num_text(s->num[N_XMIN], b, sizeof b));
    if ((s->has_num & 1u << N_XMAX) && !(d < s->num[N_XMAX]))
        report(c, x, "must be < %s", num_text(s->num[N_XMAX], b, sizeof b));
}

static void v_string(vctx *c, const snode *s, const cJSON *x)
{
    const char *str = x->valuestring ? x->valuestring : "";
    if (s->has_cnt & (1u << C_MINLEN | 1u << C_MAXLEN)) {
        size_t cp = 0;   /* code points: bytes that are not continuations */
        for (const unsigned char *p = (const unsigned char *)str; *p; p++)
            cp += (*p & 0xC0) != 0x80;
        double m = s->cnt[C_MINLEN], M = s->cnt[C_MAXLEN];
        if ((s->has_cnt & 1u << C_MINLEN) && (double)cp < m)
            report(c, x, "must be at least %.0f character%s long", m, m == 1 ? "" : "s");
        if ((s->has_cnt & 1u << C_MAXLEN) && (double)cp > M)
            report(c, x, "must be at most %.0f character%s long", M, M == 1 ? "" : "s");
    }
    if (s->re && rx_search(s->re, str, strlen(str)) != 1)
        report(c, x, "must match pattern %s", s->pattern);
}

static void v_array(vctx *c, const snode *s, const cJSON *x)
{
    size_t n = 0;
    for (const cJSON *k = x->child; k; k = k->next)
        n++;
    double m = s->cnt[C_MINITEMS], M = s->cnt[C_MAXITEMS];
    if ((s->has_cnt & 1u << C_MINITEMS) && (double)n < m)
        report(c, x, "must have at least %.0f item%s", m, m == 1 ? "" : "s");
    if ((s->has_cnt & 1u << C_MAXITEMS) && (double)n > M)
        report(c, x, "must have at most %.0f item%s", M, M == 1 ? "" : "s");
    if (!s->items || !x->child || stopped(c))
        return;
    if (c->nseg >= SCHEMA_MAX_DEPTH) {
        bail(c, x, "is nested more than %d levels deep", SCHEMA_MAX_DEPTH);
        return;
    }
    size_t i = 0;
    for (const cJSON *k = x->child; k && !stopped(c); k = k->next) {
        c->segs[c->nseg++] = (seg){ NULL, i++ };
        v_node(c, s->items, k);
        c->nseg--;
    }
}

static int prop_key_cmp(const void *key, const void *p)
{
    return strcmp(key, ((const sprop *)p)->name);
}

static void v_object(vctx *c, const snode *s, const cJSON *x)
{
    for (size_t i = 0; i < s->nreq && !stopped(c); i++)
        if (!cJSON_GetObjectItemCaseSensitive(x, s->req[i])) {
            c->segs[c->nseg++] = (seg){ s->req[i], 0 };
            report(c, NULL, "is required");
            c->nseg--;
        }
    if ((!s->nprops && !s->addl) || !x->child || stopped(c))
        return;
    if (c->nseg >= SCHEMA_MAX_DEPTH) {
        bail(c, x, "is nested more than %d levels deep", SCHEMA_MAX_DEPTH);
        return;
    }
    for (const cJSON *k = x->child; k && !stopped(c); k = k->next) {
        const char *name = k->string ? k->string : "";
        const sprop *p = s->nprops ? bsearch(name, s->props, s->nprops,
                                             sizeof *p, prop_key_cmp) : NULL;
        const snode *t = p ? p->s : s->addl;
        if (!t)
            continue;
        c->segs[c->nseg++] = (seg){ name, 0 };
        if (!p && t->boolean == 0)
            report(c, k, "unknown property (additionalProperties is false)");
        else
            v_node(c, t, k);
        c->nseg--;
    }
}

/* anyOf and oneOf: branches run quietly; a failure is one summary line
 * that quotes branch 0's first violation to show what was expected. */
static void v_choice(vctx *c, const snode *s, const cJSON *x)
{
    int want = c->fn || (c->cap && c->nerr == 0);
    char first[512];
    first[0] = '\0';
    if (s->ncomp[K_ANY]) {
        size_t i = 0;
        while (i < s->ncomp[K_ANY]
               && !v_branch(c, s->comp[K_ANY][i], x, want && !i ? first : NULL,
                            sizeof first)
               && !c->aborted)
            i++;
        if (i == s->ncomp[K_ANY])
            report(c, x, "must match at least one of the anyOf schemas"
                   " (branch 0: %s)", first);
    }
    if (s->ncomp[K_ONE] && !stopped(c)) {
        size_t hit[2], nhit = 0;
        for (size_t i = 0; i < s->ncomp[K_ONE] && nhit < 2 && !c->aborted; i++)
            if (v_branch(c, s->comp[K_ONE][i], x, want && !i ? first : NULL,
                         sizeof first))
                hit[nhit++] = i;
        if (c->aborted)
            return;
        if (nhit == 0)
            report(c, x, "must match exactly one of the oneOf schemas"
                   " (matched 0; branch 0: %s)", first);
        else if (nhit == 2)
            report(c, x, "must match exactly one of the oneOf schemas"
                   " (matched more: branches %zu and %zu)", hit[0], hit[1]);
    }
}

static void v_keywords(vctx *c, const snode *s, const cJSON *x)
{
    unsigned bits = inst_bits(x);
    if ((bits & T_NUM) && !isfinite(x->valuedouble)
        && (s->has_num || (s->types & T_NUM))) {
        report(c, x, "must be a finite number");
        return;
    }
    if (s->types && !(s->types & bits)) {
        /* Alone: the other keywords would only repeat the mismatch. */
        report(c, x, "must be of type %s, not %s", s->type_desc, bits_name(bits));
        return;
    }
    if (s->enm) {
        const cJSON *v = s->enm->child;
        while (v && !cJSON_Compare(x, v, 1))
            v = v->next;
        if (!v)
            report(c, x, "%s", s->enum_msg);
    }
    if (s->cnst && !cJSON_Compare(x, s->cnst, 1))
        report(c, x, "%s", s->const_msg);
    if (bits & T_NUM)
        v_number(c, s, x);
    else if (bits & T_STR)
        v_string(c, s, x);
    else if (bits & T_ARR)
        v_array(c, s, x);
    else if (bits & T_OBJ)
        v_object(c, s, x);
    if (s->ref)
        v_node(c, s->ref, x);
    for (size_t i = 0; i < s->ncomp[K_ALL] && !stopped(c); i++)
        v_node(c, s->comp[K_ALL][i], x);
    if (stopped(c))
        return;
    if (s->ncomp[K_ANY] || s->ncomp[K_ONE])
        v_choice(c, s, x);
}

static void v_node(vctx *c, const snode *s, const cJSON *x)
{
    if (stopped(c))
        return;
    if (--c->budget < 0) {
        bail(c, NULL, "schema too complex (more than %ld validation steps)", c->steps);
        c->abort_path[0] = '\0';   /* the whole value, not where it ran out */
        return;
    }
    if (s->boolean >= 0) {
        if (s->boolean == 0)
            report(c, x, "is not allowed (the schema here is false)");
        return;
    }
    if (c->rdepth >= SCHEMA_MAX_RECURSION) {
        bail(c, x, "needs schema recursion deeper than %d levels",
             SCHEMA_MAX_RECURSION);
        return;
    }
    c->rdepth++;
    v_keywords(c, s, x);
    c->rdepth--;
}

/* Values in x, counted no deeper than validation goes (it stops past
 * SCHEMA_MAX_DEPTH): linear in the instance. */
static long count_values(const cJSON *x, int depth)
{
    long n = 1;
    if (depth <= SCHEMA_MAX_DEPTH)
        for (const cJSON *k = x->child; k; k = k->next)
            n += count_values(k, depth + 1);
    return n;
}

/* Runs a validation set up in c; reports an exhausted budget last.  The
 * budget grows with the instance, so a large but ordinary value (a scene
 * of 300 markups of 1,000 points) is never "too complex", while a schema
 * whose combinators multiply the work is still cut short. */
static int run(vctx *c, const schema *s, const cJSON *inst)
{
    c->nerr = 0;
    long values = inst ? count_values(inst, 0) : 1;
    c->steps = values > SCHEMA_MAX_STEPS / SCHEMA_STEPS_PER_VALUE
             ? values * SCHEMA_STEPS_PER_VALUE : SCHEMA_MAX_STEPS;
    c->budget = c->steps;
    c->rdepth = c->aborted = c->nseg = 0;
    if (!s)
        report(c, inst, "cannot be checked: no schema");
    else if (!inst)
        report(c, NULL, "is missing");
    else
        v_node(c, s->root, inst);
    if (c->aborted) {
        /* The message was formatted when the cap was hit; hand it on. */
        const char *p = c->abort_path;
        if (c->fn)
            c->fn(c->ud, c->abort_at ? c->abort_at : inst, p, c->abort_msg);
        if (c->cap && c->nerr == 0)
            snprintf(c->cap, c->capsz, "%s%s%s", p, *p ? ": " : "", c->abort_msg);
        c->nerr++;
    }
    return c->nerr;
}

int schema_validate_all(const schema *s, const cJSON *inst, schema_err_fn fn,
                        void *ud)
{
    vctx c;
    c.fn = fn;
    c.ud = ud;
    c.limit = SCHEMA_MAX_ERRORS;
    c.cap = NULL;
    c.capsz = 0;
    return run(&c, s, inst);
}

int schema_validate(const schema *s, const cJSON *inst, err *e)
{
    char first[sizeof e->msg];
    vctx c;
    c.fn = NULL;
    c.ud = NULL;
    c.limit = 1;
    c.cap = first;
    c.capsz = sizeof first;
    first[0] = '\0';
    if (run(&c, s, inst) == 0)
        return 0;
    return err_set(e, ERR_INVALID, "%s", first);
}
