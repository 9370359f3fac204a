/* sim_nodeprops: Slicer's nodeProperties() text-to-JSON algorithm, ported
 * line for line from SlicerRequestHandler.py (Slicer 5.6 to main). */
#include "sim_nodeprops.h"
#include "sim_pyjson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Python str whitespace (str.isspace) over UTF-8 ------------------ */

/* Bytes of the whitespace character at s (n bytes left), 0 if none. */
static size_t ws_len(const unsigned char *s, size_t n)
{
    if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r') || (s[0] >= 0x1c && s[0] <= 0x1f))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
        return 2;
    if (n < 3)
        return 0;
    if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)                  /* U+1680 */
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)) /* U+2000-200A, 2028, 2029, 202F */
        return s[2] >= 0x80 ? 3 : 0;
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)                  /* U+205F */
        return 3;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)                  /* U+3000 */
        return 3;
    return 0;
}

/* str.lstrip(): bytes and characters of leading whitespace. */
static size_t lstrip_len(const char *s, size_t n, size_t *chars)
{
    size_t i = 0, c = 0, w;
    while (i < n && (w = ws_len((const unsigned char *)s + i, n - i)) > 0) {
        i += w;
        c++;
    }
    if (chars)
        *chars = c;
    return i;
}

/* str.strip(): [*b, *e) of s without whitespace around it. */
static void strip_span(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t i = lstrip_len(s, n, NULL), end = i, w;
    while (i < n) {
        w = ws_len((const unsigned char *)s + i, n - i);
        if (w) {
            i += w;
        } else {
            i++;
            end = i;
        }
    }
    *b = lstrip_len(s, n, NULL);
    *e = end > *b ? end : *b;
}

static char *dup_n(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* ---- stringToData ------------------------------------------------------ */

enum { ST_VALUE, ST_NONE, ST_RAISE, ST_OOM };

static int ieq(const char *s, const char *lit)
{
    for (; *s && *lit; s++, lit++) {
        int c = (unsigned char)*s;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != *lit)
            return 0;
    }
    return *s == *lit;
}

static int vec_char(char c)      /* [0-9,\.\- ] */
{
    return (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-' || c == ' ';
}

static int num_char(char c)      /* [0-9\.\-] */
{
    return (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* int(t[0..n]) for text made of [0-9.-]: repr of the int, or NULL with
 * *st = ST_RAISE (ValueError) or ST_OOM. */
static cJSON *py_int(const char *t, size_t n, int *st)
{
    size_t i = 0;
    int neg = n > 0 && t[0] == '-';
    i = (size_t)neg;
    if (i == n)
        goto raise;
    for (size_t j = i; j < n; j++)
        if (!is_digit(t[j]))
            goto raise;
    if (n - i > SIM_NODEPROPS_MAX_INT_DIGITS)
        goto raise;
    while (i + 1 < n && t[i] == '0')
        i++;
    neg &= !(n - i == 1 && t[i] == '0');
    char *r = malloc(n - i + 2);
    if (!r) {
        *st = ST_OOM;
        return NULL;
    }
    size_t w = 0;
    if (neg)
        r[w++] = '-';
    memcpy(r + w, t + i, n - i);
    r[w + n - i] = '\0';
    cJSON *v = cJSON_CreateRaw(r);
    free(r);
    if (!v)
        *st = ST_OOM;
    return v;
raise:
    *st = ST_RAISE;
    return NULL;
}

/* float(t[0..n]) for text made of [0-9.-]: -?(D+(.D*)?|.D+), overflow to
 * inf as Python's float() does. */
static cJSON *py_float(const char *t, size_t n, int *st)
{
    size_t i = 0, d1 = 0, d2 = 0;
    if (i < n && t[i] == '-')
        i++;
    while (i < n && is_digit(t[i])) { i++; d1++; }
    if (i < n && t[i] == '.') {
        i++;
        while (i < n && is_digit(t[i])) { i++; d2++; }
    }
    if (i != n || d1 + d2 == 0) {
        *st = ST_RAISE;
        return NULL;
    }
    char *c = dup_n(t, n);
    if (!c) {
        *st = ST_OOM;
        return NULL;
    }
    double d = strtod(c, NULL);
    free(c);
    cJSON *v = pyj_float(d);
    if (!v)
        *st = ST_OOM;
    return v;
}

/* t.strip() for text made of [0-9,.- ]: only spaces to strip. */
static void strip_spaces(const char **t, size_t *n)
{
    while (*n && (*t)[*n - 1] == ' ')
        (*n)--;
    while (*n && (*t)[0] == ' ') {
        (*t)++;
        (*n)--;
    }
}

/* len(re.split(",[ ]*| +", t.strip())): at each position the comma
 * alternative is tried first, so " , " splits twice (an empty piece). */
static size_t split_count(const char *t, size_t n)
{
    strip_spaces(&t, &n);
    size_t c = 1;
    for (size_t i = 0; i < n; i++) {
        if (t[i] != ',' && t[i] != ' ')
            continue;
        c++;
        while (i + 1 < n && t[i + 1] == ' ')
            i++;
    }
    return c;
}

/* [int(v) or float(v) for v in re.split(",[ ]*| +", t.strip())] */
static cJSON *py_vector(const char *t, size_t n, int fl, int *st)
{
    strip_spaces(&t, &n);
    cJSON *a = cJSON_CreateArray();
    if (!a) {
        *st = ST_OOM;
        return NULL;
    }
    size_t start = 0, i = 0;
    for (;;) {
        size_t end = i, next;
        if (i == n) {
            next = n;
        } else if (t[i] == ',' || t[i] == ' ') {
            next = i + 1;
            while (next < n && t[next] == ' ')
                next++;
        } else {
            i++;
            continue;
        }
        cJSON *v = fl ? py_float(t + start, end - start, st) : py_int(t + start, end - start, st);
        if (!v) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, v);
        if (i == n)
            return a;
        start = i = next;
    }
}

/* stringToData(s): *st says whether a value came back, None (the key is
 * dropped) or an exception (the line is skipped). */
static cJSON *string_to_data(const char *s, size_t n, int *st)
{
    *st = ST_VALUE;
    if (ieq(s, "(none)")) {
        *st = ST_NONE;
        return NULL;
    }
    if (ieq(s, "true") || ieq(s, "on"))
        return cJSON_CreateTrue();
    if (ieq(s, "false") || ieq(s, "off"))
        return cJSON_CreateFalse();
    int fl = memchr(s, '.', n) != NULL;
    /* re.match("\(([0-9,\.\- ]+)\)") and the [..] form: anchored at the
     * start only; the class holds neither bracket, so the group ends at
     * the first character outside it */
    if (n > 0 && (s[0] == '(' || s[0] == '[')) {
        char close = s[0] == '(' ? ')' : ']';
        size_t j = 1;
        while (j < n && vec_char(s[j]))
            j++;
        if (j > 1 && j < n && s[j] == close)
            return py_vector(s + 1, j - 1, fl, st);
    }
    size_t j = 0;
    while (j < n && vec_char(s[j]))
        j++;
    if (n > 0 && j == n && split_count(s, n) > 1)
        return py_vector(s, n, fl, st);
    j = 0;
    while (j < n && num_char(s[j]))
        j++;
    if (n > 0 && j == n)
        return fl ? py_float(s, n, st) : py_int(s, n, st);
    cJSON *v = cJSON_CreateString(s);
    if (!v)
        *st = ST_OOM;
    return v;
}

/* ---- dicts: cJSON objects with an index on (dict id, key) ------------- */

/* Each dict made here carries a unique id in valueint (unused by cJSON
 * objects), so index entries of a dict that was replaced never match a
 * new one allocated at the same address. */
typedef struct {
    int dict;
    uint64_t h;
    const char *key;   /* the item's own ->string */
    cJSON *item;
} slot;

typedef struct {
    cJSON *root;
    int next_dict;
    slot *slots;
    size_t cap, used;
    char **keys;
    int *levels;
    size_t nkeys, nlevels, cap_stack;
    char *key;
    long prev;
} parser;

static uint64_t key_hash(int dict, const char *k)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)dict * 0x9E3779B97F4A7C15ull);
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

static slot *ix_find(parser *p, int dict, const char *k, uint64_t h)
{
    if (!p->cap)
        return NULL;
    for (size_t i = h & (p->cap - 1);; i = (i + 1) & (p->cap - 1)) {
        slot *s = &p->slots[i];
        if (!s->item)
            return s;
        if (s->dict == dict && s->h == h && strcmp(s->key, k) == 0)
            return s;
    }
}

static int ix_grow(parser *p)
{
    size_t cap = p->cap ? p->cap * 2 : 64;
    slot *ns = calloc(cap, sizeof *ns), *old = p->slots;
    if (!ns)
        return -1;
    size_t oldcap = p->cap;
    p->slots = ns;
    p->cap = cap;
    /* entries of dicts replaced by values point at freed items: move them
     * by hash alone, never comparing their keys */
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].item)
            continue;
        size_t j = old[i].h & (cap - 1);
        while (ns[j].item)
            j = (j + 1) & (cap - 1);
        ns[j] = old[i];
    }
    free(old);
    return 0;
}

/* The item under key k of dict d, or NULL. */
static slot *dict_get(parser *p, cJSON *d, const char *k)
{
    slot *s = ix_find(p, d->valueint, k, key_hash(d->valueint, k));
    return s && s->item ? s : NULL;
}

/* d[k] = v: a new key goes last, an existing one keeps its place. */
static int dict_set(parser *p, cJSON *d, const char *k, cJSON *v)
{
    slot *s = dict_get(p, d, k);
    if (s) {
        v->string = s->item->string;
        s->item->string = NULL;
        cJSON_ReplaceItemViaPointer(d, s->item, v);
        s->item = v;
        return 0;
    }
    if ((p->used + 1) * 2 > p->cap && ix_grow(p) < 0) {
        cJSON_Delete(v);
        return -1;
    }
    v->string = strdup(k);
    if (!v->string) {
        cJSON_Delete(v);
        return -1;
    }
    /* cJSON_AddItemToArray links v last without touching ->string */
    cJSON_AddItemToArray(d, v);
    uint64_t h = key_hash(d->valueint, k);
    slot *n = ix_find(p, d->valueint, k, h);
    n->dict = d->valueint;
    n->h = h;
    n->key = v->string;
    n->item = v;
    p->used++;
    return 0;
}

static cJSON *new_dict(parser *p)
{
    cJSON *d = cJSON_CreateObject();
    if (d)
        d->valueint = ++p->next_dict;
    return d;
}

/* ---- the line loop ----------------------------------------------------- */

enum { LINE_OK, LINE_RAISED, LINE_OOM };

static int set_key(parser *p, const char *s, size_t n)
{
    char *k = dup_n(s, n);
    if (!k)
        return -1;
    free(p->key);
    p->key = k;
    return 0;
}

static int handle_line(parser *p, const char *line, size_t n)
{
    size_t chars, ws = lstrip_len(line, n, &chars);
    if (ws == n)
        return LINE_OK;                         /* line.lstrip() == "" */
    long cur = (long)chars;
    if (cur == 0)
        return LINE_OK;                         /* the "vtkMRMLxxx (0x...)" line */
    if (cur < 2)
        cur = 2;
    if (cur > p->prev) {
        if (p->nkeys == p->cap_stack) {
            size_t cap = p->cap_stack ? p->cap_stack * 2 : 16;
            char **nk = realloc(p->keys, cap * sizeof *nk);
            if (!nk)
                return LINE_OOM;
            p->keys = nk;
            /* levels never holds more than keys + 2 */
            int *nl = realloc(p->levels, (cap + 2) * sizeof *nl);
            if (!nl)
                return LINE_OOM;
            p->levels = nl;
            p->cap_stack = cap;
        }
        char *k = strdup(p->key);
        if (!k)
            return LINE_OOM;
        p->keys[p->nkeys++] = k;
        p->levels[p->nlevels++] = (int)cur;
        p->prev = cur;
    } else if (cur < p->prev) {
        /* while currentIndentLevel != indentLevels[-1]: pop both; an empty
         * list raises IndexError with the pops done so far kept */
        for (;;) {
            if (p->nlevels == 0)
                return LINE_RAISED;
            if (p->levels[p->nlevels - 1] == cur)
                break;
            p->nlevels--;
            if (p->nkeys == 0)
                return LINE_RAISED;
            free(p->keys[--p->nkeys]);
        }
        p->prev = cur;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon) {
        size_t b, e;
        strip_span(line, n, &b, &e);
        return set_key(p, line + b, e - b) < 0 ? LINE_OOM : LINE_OK;
    }
    size_t kn = (size_t)(colon - line), kb = lstrip_len(line, kn, NULL);
    if (set_key(p, line + kb, kn - kb) < 0)
        return LINE_OOM;
    const char *val = colon + 1;
    size_t vn = n - kn - 1, vb = lstrip_len(val, vn, NULL);
    cJSON *obj = p->root;
    for (size_t i = 0; i < p->nkeys; i++) {
        slot *s = dict_get(p, obj, p->keys[i]);
        if (!s || !cJSON_IsObject(s->item)) {
            /* a missing group, or a value that turns out to be a group */
            cJSON *d = new_dict(p);
            if (!d || dict_set(p, obj, p->keys[i], d) < 0)
                return LINE_OOM;
            s = dict_get(p, obj, p->keys[i]);
        }
        obj = s->item;
    }
    char *value = dup_n(val + vb, vn - vb);
    if (!value)
        return LINE_OOM;
    int st;
    cJSON *v = string_to_data(value, vn - vb, &st);
    free(value);
    if (st == ST_OOM)
        return LINE_OOM;
    if (st == ST_RAISE)
        return LINE_RAISED;
    if (st == ST_NONE)
        return LINE_OK;
    return dict_set(p, obj, p->key, v) < 0 ? LINE_OOM : LINE_OK;
}

cJSON *sim_nodeprops_parse(const char *text, size_t len)
{
    parser p = { 0 };
    p.prev = 2;                                 /* level 0 is the object pointer */
    p.key = strdup("");
    p.levels = malloc(2 * sizeof *p.levels);
    p.root = new_dict(&p);
    int ok = p.key && p.levels && p.root;
    if (ok) {
        p.levels[0] = 0;
        p.levels[1] = 2;
        p.nlevels = 2;
    }
    size_t start = 0;
    while (ok && start <= len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (handle_line(&p, text + start, end - start) == LINE_OOM)
            ok = 0;
        start = end + 1;
    }
    for (size_t i = 0; i < p.nkeys; i++)
        free(p.keys[i]);
    free(p.keys);
    free(p.levels);
    free(p.key);
    free(p.slots);
    if (!ok) {
        cJSON_Delete(p.root);
        return NULL;
    }
    return p.root;
}
