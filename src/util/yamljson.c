/* yamljson: one YAML document (core schema) into cJSON, with a side table
 * of source positions, since cJSON nodes have no room for them. */
#include "util/yamljson.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/yamljson_scalar.h"


typedef struct {
    uintptr_t node;      /* the cJSON node, as a number: only ever compared */
    int line, col;       /* of the value */
    int kline, kcol;     /* of its key; 0 when not an object member */
} yj_mark;

struct yj_doc {
    cJSON   *root;
    yj_mark *marks;      /* sorted by node once parsing is done */
    size_t   nmarks, amarks;
};

typedef struct {
    yaml_parser_t parser;
    const char   *text;
    size_t        len;
    const char   *file;
    err          *e;
    yj_doc       *d;
    size_t        nodes;
} yj_parser;

/* One key of a mapping being read, for the duplicate check. */
typedef struct {
    const char *key;     /* borrowed from the cJSON member */
    size_t idx;          /* order in the mapping */
    int line, col;
} yj_key;

static cJSON *parse_node(yj_parser *p, yaml_event_t *ev, int depth, int kl, int kc);

/* ---- errors ---- */

__attribute__((format(printf, 5, 6)))
static void fail(yj_parser *p, err_kind kind, int line, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(p->e, kind, "%s:%d:%d: %s", p->file, line, col, msg);
}

static int mark_line(yaml_mark_t m) { return m.line < INT32_MAX ? (int)m.line + 1 : INT32_MAX; }
static int mark_col(yaml_mark_t m) { return m.column < INT32_MAX ? (int)m.column + 1 : INT32_MAX; }

/* libyaml's reader errors carry a byte offset, not a mark. */
static void offset_pos(const yj_parser *p, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off && i < p->len; i++) {
        unsigned char ch = (unsigned char)p->text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;   /* count characters, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

static void syntax_error(yj_parser *p)
{
    const yaml_parser_t *y = &p->parser;
    const char *problem = y->problem ? y->problem : "invalid YAML";
    int line, col;
    switch (y->error) {
    case YAML_MEMORY_ERROR:
        fail(p, ERR_INTERNAL, 1, 1, "out of memory");
        break;
    case YAML_READER_ERROR:
        offset_pos(p, y->problem_offset, &line, &col);
        if (y->problem_value != -1)
            fail(p, ERR_INVALID, line, col, "%s (#%X)", problem, (unsigned)y->problem_value);
        else
            fail(p, ERR_INVALID, line, col, "%s", problem);
        break;
    default:
        line = mark_line(y->problem_mark);
        col = mark_col(y->problem_mark);
        if (y->context)
            fail(p, ERR_INVALID, line, col, "%s (%s)", problem, y->context);
        else
            fail(p, ERR_INVALID, line, col, "%s", problem);
        break;
    }
}

static int next(yj_parser *p, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&p->parser, ev)) {
        syntax_error(p);
        return -1;
    }
    return 0;
}

/* ---- positions ---- */

static int add_mark(yj_parser *p, const cJSON *node, int line, int col, int kl, int kc)
{
    yj_doc *d = p->d;
    if (d->nmarks == d->amarks) {
        size_t n = d->amarks ? d->amarks * 2 : 64;
        yj_mark *m = realloc(d->marks, n * sizeof *m);
        if (!m) {
            fail(p, ERR_INTERNAL, line, col, "out of memory");
            return -1;
        }
        d->marks = m;
        d->amarks = n;
    }
    d->marks[d->nmarks++] = (yj_mark){ (uintptr_t)node, line, col, kl, kc };
    return 0;
}

static int cmp_mark(const void *a, const void *b)
{
    uintptr_t x = ((const yj_mark *)a)->node, y = ((const yj_mark *)b)->node;
    return x < y ? -1 : x > y;
}

static const yj_mark *find_mark(const yj_doc *d, const cJSON *node)
{
    if (!d || !node)
        return NULL;
    yj_mark key = { (uintptr_t)node, 0, 0, 0, 0 };
    return bsearch(&key, d->marks, d->nmarks, sizeof *d->marks, cmp_mark);
}

static cJSON *number_node(yj_parser *p, const char *s, size_t n, yj_scalar k,
                          int line, int col)
{
    double v;
    if (k == S_INT) {
        if (yj_int_value(s, n, &v) != 0) {
            fail(p, ERR_INVALID, line, col, "integer out of range (max magnitude 2^53)");
            return NULL;
        }
    } else {
        char tmp[128];
        if (n >= sizeof tmp) {
            fail(p, ERR_INVALID, line, col, "number too long");
            return NULL;
        }
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        v = strtod(tmp, NULL);   /* C locale: '.' is the decimal point */
        if (!isfinite(v)) {
            fail(p, ERR_INVALID, line, col, "number out of range");
            return NULL;
        }
    }
    cJSON *node = cJSON_CreateNumber(v);
    if (!node)
        fail(p, ERR_INTERNAL, line, col, "out of memory");
    return node;
}

static cJSON *scalar_node(yj_parser *p, const yaml_event_t *ev, int line, int col)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    yj_tag tag = yj_tag_kind(ev->data.scalar.tag);
    if (memchr(s, '\0', n)) {
        fail(p, ERR_INVALID, line, col, "a NUL character is not allowed in a value");
        return NULL;
    }
    if (tag == TAG_OTHER || tag == TAG_MAP || tag == TAG_SEQ) {
        char t[80];
        yj_tag_show(ev->data.scalar.tag, t, sizeof t);
        fail(p, ERR_INVALID, line, col, "tag '%s' is not allowed on a scalar "
             "(only !!str, !!null, !!bool, !!int, !!float)", t);
        return NULL;
    }
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    yj_scalar k = S_STR;
    if ((tag == TAG_NONE && plain) || tag == TAG_NULL || tag == TAG_BOOL ||
        tag == TAG_INT || tag == TAG_FLOAT)
        k = yj_classify(s, n);
    if (k == S_NONFINITE) {
        fail(p, ERR_INVALID, line, col, "'%.*s': infinite and NaN numbers are not allowed",
             (int)(n < 16 ? n : 16), s);
        return NULL;
    }
    int ok = tag == TAG_NONE || tag == TAG_BANG || tag == TAG_STR ||
             (tag == TAG_NULL && k == S_NULL) || (tag == TAG_BOOL && k == S_BOOL) ||
             (tag == TAG_INT && k == S_INT) ||
             (tag == TAG_FLOAT && (k == S_INT || k == S_FLOAT));
    if (!ok) {
        char t[80];
        yj_tag_show(ev->data.scalar.tag, t, sizeof t);
        fail(p, ERR_INVALID, line, col, "value does not match its tag '%s'", t);
        return NULL;
    }
    cJSON *node;
    switch (k) {
    case S_NULL:  node = cJSON_CreateNull(); break;
    case S_BOOL:  node = cJSON_CreateBool(s[0] == 't' || s[0] == 'T'); break;
    case S_INT:
    case S_FLOAT: return number_node(p, s, n, k, line, col);
    default:      node = cJSON_CreateString(s); break;         /* s is NUL-terminated */
    }
    if (!node)
        fail(p, ERR_INTERNAL, line, col, "out of memory");
    return node;
}

/* Anchors would let a small file expand into a huge tree ("billion
 * laughs") and make a tool's text depend on distant lines. */
static int no_anchor(yj_parser *p, const yaml_char_t *anchor, int line, int col)
{
    if (!anchor)
        return 0;
    fail(p, ERR_INVALID, line, col, "anchor '&%.64s': anchors and aliases are not "
         "allowed in tools.d files (each value is written out where it is used)",
         (const char *)anchor);
    return -1;
}

static int collection_tag(yj_parser *p, const yaml_char_t *t, yj_tag want, int line, int col)
{
    yj_tag k = yj_tag_kind(t);
    if (k == TAG_NONE || k == TAG_BANG || k == want)
        return 0;
    char s[80];
    yj_tag_show(t, s, sizeof s);
    fail(p, ERR_INVALID, line, col, "tag '%s' is not allowed here", s);
    return -1;
}

/* ---- collections ---- */

static cJSON *parse_seq(yj_parser *p, int depth)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) {
        fail(p, ERR_INTERNAL, 1, 1, "out of memory");
        return NULL;
    }
    for (;;) {
        yaml_event_t ev;
        if (next(p, &ev) != 0)
            break;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return arr;
        }
        cJSON *item = parse_node(p, &ev, depth, 0, 0);
        if (!item)
            break;
        cJSON_AddItemToArray(arr, item);
    }
    cJSON_Delete(arr);
    return NULL;
}

static int cmp_key(const void *a, const void *b)
{
    const yj_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Sorting finds duplicates in O(n log n); of all repeated keys the one
 * that comes first in the file is reported. */
static int check_duplicates(yj_parser *p, yj_key *keys, size_t n)
{
    if (n < 2)
        return 0;
    qsort(keys, n, sizeof *keys, cmp_key);
    const yj_key *dup = NULL;
    for (size_t i = 1; i < n; i++)
        if (strcmp(keys[i - 1].key, keys[i].key) == 0 && (!dup || keys[i].idx < dup->idx))
            dup = &keys[i];
    if (!dup)
        return 0;
    fail(p, ERR_INVALID, dup->line, dup->col, "duplicate key '%.64s'", dup->key);
    return -1;
}

static int add_key(yj_parser *p, yj_key **keys, size_t *n, size_t *alloc, yj_key k)
{
    if (*n == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 8;
        yj_key *nk = realloc(*keys, na * sizeof *nk);
        if (!nk) {
            fail(p, ERR_INTERNAL, k.line, k.col, "out of memory");
            return -1;
        }
        *keys = nk;
        *alloc = na;
    }
    (*keys)[(*n)++] = k;
    return 0;
}

/* Reads one key event of a mapping into a fresh string; NULL on error. */
static char *read_key(yj_parser *p, yaml_event_t *ev, int line, int col)
{
    if (ev->type == YAML_ALIAS_EVENT) {
        fail(p, ERR_INVALID, line, col, "alias '*%.64s': anchors and aliases are not "
             "allowed in tools.d files", (const char *)ev->data.alias.anchor);
        return NULL;
    }
    if (ev->type != YAML_SCALAR_EVENT) {
        fail(p, ERR_INVALID, line, col, "mapping keys must be plain strings, "
             "not sequences or mappings");
        return NULL;
    }
    yj_tag tag = yj_tag_kind(ev->data.scalar.tag);
    if (no_anchor(p, ev->data.scalar.anchor, line, col) != 0)
        return NULL;
    if (tag != TAG_NONE && tag != TAG_BANG && tag != TAG_STR) {
        fail(p, ERR_INVALID, line, col, "mapping keys must be strings");
        return NULL;
    }
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    if (memchr(s, '\0', n)) {
        fail(p, ERR_INVALID, line, col, "a NUL character is not allowed in a key");
        return NULL;
    }
    char *k = strdup(s);
    if (!k)
        fail(p, ERR_INTERNAL, line, col, "out of memory");
    return k;
}

static cJSON *parse_map(yj_parser *p, int depth)
{
    cJSON *obj = cJSON_CreateObject();
    yj_key *keys = NULL;
    size_t nkeys = 0, akeys = 0;
    if (!obj) {
        fail(p, ERR_INTERNAL, 1, 1, "out of memory");
        return NULL;
    }
    for (;;) {
        yaml_event_t kev, vev;
        if (next(p, &kev) != 0)
            break;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            int rc = check_duplicates(p, keys, nkeys);
            free(keys);
            if (rc == 0)
                return obj;
            cJSON_Delete(obj);
            return NULL;
        }
        int kl = mark_line(kev.start_mark), kc = mark_col(kev.start_mark);
        char *key = read_key(p, &kev, kl, kc);
        yaml_event_delete(&kev);
        if (!key)
            break;
        if (next(p, &vev) != 0) {
            free(key);
            break;
        }
        cJSON *val = parse_node(p, &vev, depth, kl, kc);
        if (!val) {
            free(key);
            break;
        }
        /* cJSON copies the key; val is owned by obj from here on. */
        int added = cJSON_AddItemToObject(obj, key, val);
        free(key);
        if (!added) {
            cJSON_Delete(val);
            fail(p, ERR_INTERNAL, kl, kc, "out of memory");
            break;
        }
        if (add_key(p, &keys, &nkeys, &akeys,
                    (yj_key){ val->string, nkeys, kl, kc }) != 0)
            break;
    }
    free(keys);
    cJSON_Delete(obj);
    return NULL;
}

/* Builds the node that ev starts; always deletes ev.  depth counts the
 * collections around it. */
static cJSON *parse_node(yj_parser *p, yaml_event_t *ev, int depth, int kl, int kc)
{
    int line = mark_line(ev->start_mark), col = mark_col(ev->start_mark);
    cJSON *node = NULL;
    if (++p->nodes > YJ_MAX_NODES) {
        fail(p, ERR_LIMIT, line, col, "more than %d values in one file", YJ_MAX_NODES);
        goto out;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        fail(p, ERR_INVALID, line, col, "alias '*%.64s': anchors and aliases are not "
             "allowed in tools.d files (each value is written out where it is used)",
             (const char *)ev->data.alias.anchor);
        break;
    case YAML_SCALAR_EVENT:
        if (no_anchor(p, ev->data.scalar.anchor, line, col) == 0)
            node = scalar_node(p, ev, line, col);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *anchor = seq ? ev->data.sequence_start.anchor
                                        : ev->data.mapping_start.anchor;
        const yaml_char_t *tag = seq ? ev->data.sequence_start.tag
                                     : ev->data.mapping_start.tag;
        if (no_anchor(p, anchor, line, col) != 0 ||
            collection_tag(p, tag, seq ? TAG_SEQ : TAG_MAP, line, col) != 0)
            break;
        if (depth >= YJ_MAX_DEPTH) {
            fail(p, ERR_LIMIT, line, col, "nesting deeper than %d levels", YJ_MAX_DEPTH);
            break;
        }
        node = seq ? parse_seq(p, depth + 1) : parse_map(p, depth + 1);
        break;
    }
    default:
        fail(p, ERR_INVALID, line, col, "unexpected YAML structure");
        break;
    }
out:
    yaml_event_delete(ev);
    if (node && add_mark(p, node, line, col, kl, kc) != 0) {
        cJSON_Delete(node);
        node = NULL;
    }
    return node;
}

/* stream-start, document-start, one node, document-end, stream-end. */
static cJSON *parse_stream(yj_parser *p)
{
    yaml_event_t ev;
    if (next(p, &ev) != 0)
        return NULL;
    yaml_event_delete(&ev);   /* stream start */
    if (next(p, &ev) != 0)
        return NULL;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        fail(p, ERR_INVALID, 1, 1, "empty document");
        return NULL;
    }
    yaml_event_delete(&ev);   /* document start */
    if (next(p, &ev) != 0)
        return NULL;
    if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
        ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag) {
        yaml_event_delete(&ev);   /* only "---" or comments */
        fail(p, ERR_INVALID, 1, 1, "empty document");
        return NULL;
    }
    cJSON *root = parse_node(p, &ev, 0, 0, 0);
    if (!root)
        return NULL;
    if (next(p, &ev) != 0)      /* document end */
        goto fail;
    yaml_event_delete(&ev);
    if (next(p, &ev) != 0)
        goto fail;
    if (ev.type != YAML_STREAM_END_EVENT) {
        fail(p, ERR_INVALID, mark_line(ev.start_mark), mark_col(ev.start_mark),
             "only one YAML document is allowed per file");
        yaml_event_delete(&ev);
        goto fail;
    }
    yaml_event_delete(&ev);
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

yj_doc *yj_parse(const char *text, size_t len, const char *filename, err *e)
{
    yj_parser p = { .text = text, .len = len, .file = filename ? filename : "-", .e = e };
    if (len > YJ_MAX_BYTES) {
        fail(&p, ERR_LIMIT, 1, 1, "file larger than %u bytes", YJ_MAX_BYTES);
        return NULL;
    }
    p.d = calloc(1, sizeof *p.d);
    if (!p.d || !yaml_parser_initialize(&p.parser)) {
        free(p.d);
        fail(&p, ERR_INTERNAL, 1, 1, "out of memory");
        return NULL;
    }
    /* UTF-8 only.  With the encoding set, libyaml no longer skips a
     * byte-order mark, so do that here (it is not part of column 1). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        p.text += 3;
        p.len -= 3;
    }
    yaml_parser_set_input_string(&p.parser, (const unsigned char *)p.text, p.len);
    yaml_parser_set_encoding(&p.parser, YAML_UTF8_ENCODING);
    p.d->root = parse_stream(&p);
    yaml_parser_delete(&p.parser);
    if (!p.d->root) {
        yj_free(p.d);
        return NULL;
    }
    qsort(p.d->marks, p.d->nmarks, sizeof *p.d->marks, cmp_mark);
    return p.d;
}

cJSON *yj_root(const yj_doc *d)
{
    return d ? d->root : NULL;
}

int yj_pos(const yj_doc *d, const cJSON *node, int *line, int *col)
{
    const yj_mark *m = find_mark(d, node);
    if (!m)
        return -1;
    if (line)
        *line = m->line;
    if (col)
        *col = m->col;
    return 0;
}

int yj_key_pos(const yj_doc *d, const cJSON *member, int *line, int *col)
{
    const yj_mark *m = find_mark(d, member);
    if (!m || m->kline == 0)
        return -1;
    if (line)
        *line = m->kline;
    if (col)
        *col = m->kcol;
    return 0;
}

void yj_free(yj_doc *d)
{
    if (!d)
        return;
    cJSON_Delete(d->root);
    free(d->marks);
    free(d);
}
