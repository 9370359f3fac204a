/* jsonw: compact JSON text from cJSON trees, as cJSON_PrintUnformatted
 * writes it (tests/unit/test_jsonw.c compares the two on every shape). */
#include "util/jsonw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef jsonw_out out;

static int grow(out *o, size_t n)
{
    if (o->failed)
        return -1;
    size_t cap = o->cap * 2;
    if (cap - o->len - 1 < n)
        cap = o->len + n + 1;
    char *p = realloc(o->p, cap);
    if (!p) {
        o->failed = 1;
        return -1;
    }
    o->p = p;
    o->cap = cap;
    return 0;
}

/* Room for n more bytes and the final NUL. */
static inline int reserve(out *o, size_t n)
{
    return n < o->cap - o->len ? 0 : grow(o, n);
}

static inline void put(out *o, const void *s, size_t n)
{
    if (reserve(o, n) == 0) {
        memcpy(o->p + o->len, s, n);
        o->len += n;
    }
}

static inline void put_char(out *o, char c)
{
    if (reserve(o, 1) == 0)
        o->p[o->len++] = c;
}

/* Punctuation, literals and numbers: text without quotes or backslashes,
 * the same in the quoted twin (jsonw_print_quoted). */
static inline void put_tok(out *o, const char *s, size_t n)
{
    put(o, s, n);
    if (o->twin)
        put(o->twin, s, n);
}

static inline void put_tok_char(out *o, char c)
{
    put_char(o, c);
    if (o->twin)
        put_char(o->twin, c);
}

/* 1 for the bytes a JSON string cannot hold as they are (NUL ends it). */
static const unsigned char escaped[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* cJSON's escapes: the short forms where JSON has one, \u00xx otherwise;
 * '/', DEL and bytes past 0x7f go out as they are.  Each run of plain
 * bytes is one copy, with room reserved for the escape after it, or at the
 * end for a closing quote.  With a twin, what o gets is written there
 * quoted once more: the same runs, and every escape with its backslash
 * (and a quote) escaped.  -1 when memory ran out. */
static inline int put_body(out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    out *t = o->twin;
    for (;;) {
        const unsigned char *run = p;
        while (!escaped[*p])
            p++;
        size_t n = (size_t)(p - run);
        if (reserve(o, n + 6) != 0 || (t && reserve(t, n + 9) != 0))
            return -1;
        memcpy(o->p + o->len, run, n);
        o->len += n;
        if (t) {
            memcpy(t->p + t->len, run, n);
            t->len += n;
        }
        if (!*p)
            return 0;
        char *w = o->p + o->len;
        w[0] = '\\';
        o->len += 2;
        switch (*p) {
        case '"':  w[1] = '"'; break;
        case '\\': w[1] = '\\'; break;
        case '\b': w[1] = 'b'; break;
        case '\f': w[1] = 'f'; break;
        case '\n': w[1] = 'n'; break;
        case '\r': w[1] = 'r'; break;
        case '\t': w[1] = 't'; break;
        default:
            memcpy(w + 1, "u00", 3);
            w[4] = hex[*p >> 4];
            w[5] = hex[*p & 15];
            o->len += 4;
        }
        if (t) {
            char *v = t->p + t->len;
            size_t k = 0;
            v[k++] = '\\';
            v[k++] = '\\';
            if (w[1] == '"' || w[1] == '\\')
                v[k++] = '\\';
            memcpy(v + k, w + 1, w[1] == 'u' ? 5 : 1);
            t->len += k + (w[1] == 'u' ? 5 : 1);
        }
        p++;
    }
}

/* The quotes a twin writes are \" (room for the closing ones was
 * reserved with the last run). */
static void put_string(out *o, const char *s)
{
    out *t = o->twin;
    if (reserve(o, 1) != 0 || (t && reserve(t, 2) != 0))
        return;
    o->p[o->len++] = '"';
    if (t) {
        t->p[t->len++] = '\\';
        t->p[t->len++] = '"';
    }
    if (put_body(o, s) != 0)
        return;
    o->p[o->len++] = '"';
    if (t) {
        t->p[t->len++] = '\\';
        t->p[t->len++] = '"';
    }
}

/* cJSON's test for "%1.15g read back is the same number". */
static int same_double(double a, double b)
{
    double max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= max * DBL_EPSILON;
}

/* Writes u's decimal digits; returns where they start in the buffer that
 * ends at end. */
static char *digits(char *end, unsigned long long u)
{
    do
        *--end = (char)('0' + u % 10);
    while (u /= 10);
    return end;
}

/* "%1.15g" without printf, for 1e-4 <= |d| < 1e15 (where %g writes no
 * exponent), when the 15 digits read back as d (exactly, or within
 * cJSON's tolerance); 0 otherwise.
 * m = |d| * 10^p rounded is a 15-digit candidate.  m and 10^p (p <= 22)
 * are exact doubles, so m / 10^p is the correctly rounded value of the
 * decimal, which is what strtod would return: equality means the
 * candidate reads back as d.  Only one 15-digit decimal can (their
 * spacing is wider than a double's rounding interval), and it is then the
 * nearest one to d, which is what printf writes. */
static int put_fixed15(out *o, double d)
{
    static const double pow10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    int e10 = (int)floor(log10(a));
    int p = 14 - e10;
    if (p < 0 || p > 22)
        return 0;
    double x = a * pow10[p], m = nearbyint(x);
    if (m < 1e14 || m >= 1e15)
        return 0;
    /* cJSON keeps the 15 digits when they read back within its tolerance
     * (m / 10^p is what strtod returns), as for computed numbers (an
     * origin plus a size) that are no 15-digit decimal.  m is then also
     * the rounding %g writes: the exact product is within 10^15 *
     * DBL_EPSILON (0.23) of m, and x (one rounding) within 1/16 of it. */
    if (!same_double(m / pow10[p], a))
        return 0;
    char nb[48], *end = nb + sizeof nb;
    char *q = digits(end, (unsigned long long)m);   /* 15 digits */
    /* Trailing zeros of the fraction go, as %g drops them. */
    int frac = p;
    while (frac > 0 && end[-1] == '0') {
        end--;
        frac--;
    }
    int ndig = (int)(end - q);
    char text[48];
    size_t n = 0;
    if (d < 0)
        text[n++] = '-';
    if (frac < ndig) {                          /* digits before the point */
        memcpy(text + n, q, (size_t)(ndig - frac));
        n += (size_t)(ndig - frac);
        if (frac) {
            text[n++] = '.';
            memcpy(text + n, q + ndig - frac, (size_t)frac);
            n += (size_t)frac;
        }
    } else {                                    /* 0.000ddd */
        text[n++] = '0';
        text[n++] = '.';
        memset(text + n, '0', (size_t)(frac - ndig));
        n += (size_t)(frac - ndig);
        memcpy(text + n, q, (size_t)ndig);
        n += (size_t)ndig;
    }
    put_tok(o, text, n);
    return 1;
}

/* cJSON writes "%1.15g", or "%1.17g" when that does not read back.  Whole
 * numbers under 1e15 (ids, counts, sizes) and decimals that 15 digits
 * hold exactly (what Slicer sends) are written here without printf. */
static void put_number(out *o, double d)
{
    char nb[32];
    int n;
    if (isnan(d) || isinf(d)) {
        put_tok(o, "null", 4);
        return;
    }
    if (fabs(d) < 1e15 && d == trunc(d) && !(d == 0 && signbit(d))) {
        long long v = (long long)d;
        char *q = digits(nb + sizeof nb, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
        if (v < 0)
            *--q = '-';
        put_tok(o, q, (size_t)(nb + sizeof nb - q));
        return;
    }
    if (put_fixed15(o, d))
        return;
    n = snprintf(nb, sizeof nb, "%1.15g", d);
    if (!same_double(strtod(nb, NULL), d))
        n = snprintf(nb, sizeof nb, "%1.17g", d);
    put_tok(o, nb, (size_t)n);
}

static int put_value(out *o, const cJSON *it)
{
    const cJSON *c;
    switch (it->type & 0xFF) {
    case cJSON_NULL:
        put_tok(o, "null", 4);
        break;
    case cJSON_False:
        put_tok(o, "false", 5);
        break;
    case cJSON_True:
        put_tok(o, "true", 4);
        break;
    case cJSON_Number:
        put_number(o, it->valuedouble);
        break;
    case cJSON_Raw:
        if (!it->valuestring)
            return -1;
        put(o, it->valuestring, strlen(it->valuestring));
        if (o->twin && put_body(o->twin, it->valuestring) != 0)
            return -1;
        break;
    case cJSON_String:
        put_string(o, it->valuestring);
        break;
    case cJSON_Array:
        put_tok_char(o, '[');
        for (c = it->child; c; c = c->next) {
            if (put_value(o, c) != 0)
                return -1;
            if (c->next)
                put_tok_char(o, ',');
        }
        put_tok_char(o, ']');
        break;
    case cJSON_Object:
        put_tok_char(o, '{');
        for (c = it->child; c; c = c->next) {
            put_string(o, c->string);
            put_tok_char(o, ':');
            if (put_value(o, c) != 0)
                return -1;
            if (c->next)
                put_tok_char(o, ',');
        }
        put_tok_char(o, '}');
        break;
    default:
        return -1;
    }
    return o->failed ? -1 : 0;
}

void jsonw_begin(jsonw_out *o, size_t cap)
{
    o->twin = NULL;
    o->len = 0;
    o->cap = cap ? cap : 1;
    o->p = malloc(o->cap);
    o->failed = o->p == NULL;
    if (o->failed)
        o->cap = 0;
}

void jsonw_raw(jsonw_out *o, const char *s, size_t n) { put(o, s, n); }
void jsonw_string(jsonw_out *o, const char *s) { put_string(o, s); }
void jsonw_number(jsonw_out *o, double d) { put_number(o, d); }

void jsonw_value(jsonw_out *o, const cJSON *item)
{
    if (!item || put_value(o, item) != 0)
        o->failed = 1;
}

char *jsonw_end(jsonw_out *o, size_t *len)
{
    if (o->failed || reserve(o, 0) != 0) {
        free(o->p);
        o->p = NULL;
        return NULL;
    }
    o->p[o->len] = '\0';
    if (len)
        *len = o->len;
    return o->p;
}

char *jsonw_print(const cJSON *item, size_t *len)
{
    if (!item)
        return NULL;
    out o;
    jsonw_begin(&o, 1024);
    jsonw_value(&o, item);
    return jsonw_end(&o, len);
}

char *jsonw_print_quoted(const cJSON *item, size_t *len, char **quoted, size_t *qlen)
{
    *quoted = NULL;
    if (!item)
        return NULL;
    out o, t;
    jsonw_begin(&o, 1024);
    jsonw_begin(&t, 1280);
    put_char(&t, '"');
    o.twin = &t;
    jsonw_value(&o, item);
    put_char(&t, '"');
    char *plain = jsonw_end(&o, len);
    *quoted = jsonw_end(&t, qlen);
    if (!plain || !*quoted) {
        free(plain);
        free(*quoted);
        *quoted = NULL;
        return NULL;
    }
    return plain;
}
