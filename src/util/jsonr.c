/* jsonr: JSON text to cJSON trees, as cJSON_ParseWithLengthOpts builds
 * them (see jsonr.h; tests/unit/test_jsonr.c and tests/fuzz/fuzz_jsonr.c
 * compare the two on every input they make). */
#include "util/jsonr.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    size_t depth;             /* open arrays and objects */
} rd;

static void skip_ws(rd *r)
{
    /* cJSON's white space: every byte up to the space, NUL included. */
    while (r->pos < r->len && r->p[r->pos] <= 32)
        r->pos++;
}

static cJSON *value(rd *r);

/* cJSON's parse_hex4: an invalid digit makes the whole escape 0. */
static unsigned hex4(const unsigned char *s)
{
    unsigned h = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return 0;
        h = h << 4 | d;
    }
    return h;
}

/* A \u escape (or a surrogate pair of them) at in, before the closing
 * quote at e, as UTF-8 at *out; the escape's length, or 0 if invalid. */
static size_t utf16_escape(const unsigned char *in, const unsigned char *e, unsigned char **out)
{
    if (e - in < 6)
        return 0;
    unsigned long cp = hex4(in + 2);
    size_t used = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (e - (in + 6) < 6 || in[6] != '\\' || in[7] != 'u')
            return 0;
        unsigned lo = hex4(in + 8);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + (((cp & 0x3FF) << 10) | (lo & 0x3FF));
        used = 12;
    }
    unsigned char *o = *out;
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | cp >> 6);
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | cp >> 12);
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | cp >> 18);
        *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *out = o;
    return used;
}

/* The string whose opening quote is at r->pos, in memory from
 * cJSON_malloc; r->pos then follows the closing quote. */
static char *string(rd *r)
{
    const unsigned char *s = r->p + r->pos + 1, *end = r->p + r->len, *q = s;
    while (q < end && *q != '"' && *q != '\\')
        q++;
    const unsigned char *e = q;     /* the closing quote: escapes skip a byte */
    while (e < end && *e != '"') {
        if (*e == '\\' && ++e == end)
            return NULL;
        e++;
    }
    if (e == end)
        return NULL;
    unsigned char *out = cJSON_malloc((size_t)(e - s) + 1), *o = out;
    if (!out)
        return NULL;
    memcpy(o, s, (size_t)(q - s));
    o += q - s;
    for (const unsigned char *in = q; in < e;) {
        if (*in != '\\') {
            *o++ = *in++;
            continue;
        }
        size_t used = 2;
        switch (in[1]) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case '"': case '\\': case '/': *o++ = in[1]; break;
        case 'u':
            if ((used = utf16_escape(in, e, &o)) != 0)
                break;
            /* fall through */
        default:
            cJSON_free(out);
            return NULL;
        }
        in += used;
    }
    *o = '\0';
    r->pos = (size_t)(e - r->p) + 1;
    return (char *)out;
}

static int number_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
}

/* cJSON hands every number byte that follows (digits, signs, 'e', '.')
 * to strtod and takes what it reads.  Plain numbers of up to 15 digits,
 * whole (ids, counts, sizes) or with a fraction (Slicer's spacings and
 * origins), are worked out without it: u and 10^f are exact doubles, so
 * u / 10^f is the correctly rounded value of the decimal, which is what
 * strtod returns (strtod took ~430 instructions a number). */
static cJSON *number(rd *r)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                    1e11, 1e12, 1e13, 1e14, 1e15 };
    const unsigned char *s = r->p + r->pos;
    size_t avail = r->len - r->pos, n = 0;
    while (n < avail && number_byte(s[n]))
        n++;
    size_t neg = s[0] == '-', k = neg, digits = 0, frac = 0;
    unsigned long long u = 0;
    while (k < n && digits < 15 && s[k] >= '0' && s[k] <= '9') {
        u = u * 10 + (unsigned)(s[k++] - '0');
        digits++;
    }
    if (digits && k + 1 < n && s[k] == '.' && s[k + 1] >= '0' && s[k + 1] <= '9') {
        size_t point = k++;
        while (k < n && digits < 15 && s[k] >= '0' && s[k] <= '9') {
            u = u * 10 + (unsigned)(s[k++] - '0');
            digits++;
        }
        frac = k - point - 1;
    }
    double d;
    size_t used;
    if (k == n && digits) {
        d = (double)u / pow10[frac];
        d = neg ? -d : d;
        used = n;
    } else {
        char small[64], *text = n < sizeof small ? small : malloc(n + 1), *after;
        if (!text)
            return NULL;
        memcpy(text, s, n);
        text[n] = '\0';
        d = strtod(text, &after);
        used = (size_t)(after - text);
        if (text != small)
            free(text);
        if (used == 0)
            return NULL;
    }
    r->pos += used;
    return cJSON_CreateNumber(d);
}

/* Appends v to the children of c (last is the current last child). */
static void append(cJSON *c, cJSON **last, cJSON *v)
{
    if (*last) {
        (*last)->next = v;
        v->prev = *last;
    } else {
        c->child = v;
    }
    *last = v;
}

/* An array or object whose bracket is at r->pos. */
static cJSON *container(rd *r, int object)
{
    if (r->depth >= CJSON_NESTING_LIMIT)
        return NULL;
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray(), *last = NULL;
    if (!c)
        return NULL;
    r->depth++;
    r->pos++;
    skip_ws(r);
    const unsigned char close = object ? '}' : ']';
    if (r->pos < r->len && r->p[r->pos] == close)
        goto done;
    for (;;) {
        skip_ws(r);
        char *key = NULL;
        if (object) {
            if (r->pos >= r->len || r->p[r->pos] != '"' || !(key = string(r)))
                goto fail;
            skip_ws(r);
            if (r->pos >= r->len || r->p[r->pos] != ':') {
                cJSON_free(key);
                goto fail;
            }
            r->pos++;
            skip_ws(r);
        }
        cJSON *v = value(r);
        if (!v) {
            cJSON_free(key);
            goto fail;
        }
        v->string = key;
        append(c, &last, v);
        skip_ws(r);
        if (r->pos < r->len && r->p[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->p[r->pos] == close)
            break;
        goto fail;
    }
done:
    if (c->child)
        c->child->prev = last;
    r->pos++;
    r->depth--;
    return c;
fail:
    cJSON_Delete(c);
    return NULL;
}

static cJSON *literal(rd *r, const char *word, size_t n, int type)
{
    if (r->len - r->pos < n || memcmp(r->p + r->pos, word, n) != 0)
        return NULL;
    cJSON *v = cJSON_CreateNull();
    if (v) {
        v->type = type;
        v->valueint = type == cJSON_True;
        r->pos += n;
    }
    return v;
}

static cJSON *value(rd *r)
{
    if (r->pos >= r->len)
        return NULL;
    unsigned char c = r->p[r->pos];
    switch (c) {
    case 'n': return literal(r, "null", 4, cJSON_NULL);
    case 'f': return literal(r, "false", 5, cJSON_False);
    case 't': return literal(r, "true", 4, cJSON_True);
    case '[': return container(r, 0);
    case '{': return container(r, 1);
    case '"': {
        char *s = string(r);
        cJSON *v = s ? cJSON_CreateNull() : NULL;
        if (!v) {
            cJSON_free(s);
            return NULL;
        }
        v->type = cJSON_String;
        v->valuestring = s;
        return v;
    }
    default:
        return c == '-' || (c >= '0' && c <= '9') ? number(r) : NULL;
    }
}

cJSON *jsonr_parse(const char *s, size_t len, const char **end)
{
    if (!s || len == 0)
        return NULL;
    rd r = { (const unsigned char *)s, len, 0, 0 };
    /* cJSON skips a byte-order mark only when something follows it. */
    if (len >= 5 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        r.pos = 3;
    skip_ws(&r);
    cJSON *v = value(&r);
    if (v && end)
        *end = s + r.pos;
    return v;
}
