/* sim_pyjson: Python-compatible JSON text, reprs and number parsing. */
#include "sim_pyjson.h"
#include "sim_buf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest repr that round-trips, laid out like CPython's float_repr:
 * fixed notation for exponents -4..15, else d.ddde+XX. */
void pyj_float_repr(double d, char *buf, size_t len)
{
    if (isnan(d)) { snprintf(buf, len, "NaN"); return; }
    if (isinf(d)) { snprintf(buf, len, d < 0 ? "-Infinity" : "Infinity"); return; }
    char tmp[48];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp = [-]D[.DDD]e[+-]XX */
    const char *p = tmp;
    int neg = 0;
    if (*p == '-') { neg = 1; p++; }
    char digits[24];
    int nd = 0;
    while (*p && *p != 'e') {
        if (isdigit((unsigned char)*p) && nd < 23)
            digits[nd++] = *p;
        p++;
    }
    digits[nd] = '\0';
    int exp10 = (*p == 'e') ? atoi(p + 1) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    sim_buf b = {0};
    if (neg)
        sim_buf_putc(&b, '-');
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                sim_buf_putc(&b, i < nd ? digits[i] : '0');
            sim_buf_putc(&b, '.');
            if (nd > exp10 + 1)
                sim_buf_puts(&b, digits + exp10 + 1);
            else
                sim_buf_putc(&b, '0');
        } else {
            sim_buf_puts(&b, "0.");
            for (int i = 0; i < -exp10 - 1; i++)
                sim_buf_putc(&b, '0');
            sim_buf_puts(&b, digits);
        }
    } else {
        sim_buf_putc(&b, digits[0]);
        if (nd > 1) {
            sim_buf_putc(&b, '.');
            sim_buf_puts(&b, digits + 1);
        }
        sim_buf_printf(&b, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    }
    snprintf(buf, len, "%s", b.p ? (const char *)b.p : "0.0");
    sim_buf_free(&b);
}

cJSON *pyj_float(double d)
{
    char r[48];
    pyj_float_repr(d, r, sizeof r);
    return cJSON_CreateRaw(r);
}

cJSON *pyj_float_array(const double *d, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, pyj_float(d[i]));
    return a;
}

/* Decodes one UTF-8 sequence; returns its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    int n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 :
            (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n)
        return 0;
    unsigned c = s[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* json.dumps string encoding with ensure_ascii=True. */
static void dump_string(sim_buf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    sim_buf_putc(b, '"');
    while (*s) {
        unsigned c = *s;
        if (c == '"') { sim_buf_puts(b, "\\\""); s++; continue; }
        if (c == '\\') { sim_buf_puts(b, "\\\\"); s++; continue; }
        if (c == '\n') { sim_buf_puts(b, "\\n"); s++; continue; }
        if (c == '\r') { sim_buf_puts(b, "\\r"); s++; continue; }
        if (c == '\t') { sim_buf_puts(b, "\\t"); s++; continue; }
        if (c == '\b') { sim_buf_puts(b, "\\b"); s++; continue; }
        if (c == '\f') { sim_buf_puts(b, "\\f"); s++; continue; }
        if (c >= 0x20 && c < 0x7F) { sim_buf_putc(b, (int)c); s++; continue; }
        unsigned cp;
        int n = utf8_decode(s, &cp);
        if (!n) { cp = c; n = 1; }   /* stray byte: latin-1, like surrogateescape would not */
        if (cp >= 0x10000) {
            cp -= 0x10000;
            sim_buf_printf(b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            sim_buf_printf(b, "\\u%04x", cp);
        }
        s += n;
    }
    sim_buf_putc(b, '"');
}

static void dump(sim_buf *b, const cJSON *v, int depth)
{
    if (depth > 64) { sim_buf_puts(b, "null"); return; }
    if (cJSON_IsRaw(v)) { sim_buf_puts(b, v->valuestring ? v->valuestring : "null"); return; }
    if (cJSON_IsNull(v)) { sim_buf_puts(b, "null"); return; }
    if (cJSON_IsTrue(v)) { sim_buf_puts(b, "true"); return; }
    if (cJSON_IsFalse(v)) { sim_buf_puts(b, "false"); return; }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9.0e15)
            sim_buf_printf(b, "%lld", (long long)d);
        else {
            char r[48];
            pyj_float_repr(d, r, sizeof r);
            sim_buf_puts(b, r);
        }
        return;
    }
    if (cJSON_IsString(v)) { dump_string(b, v->valuestring ? v->valuestring : ""); return; }
    int obj = cJSON_IsObject(v);
    sim_buf_putc(b, obj ? '{' : '[');
    int first = 1;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (!first)
            sim_buf_puts(b, ", ");
        first = 0;
        if (obj) {
            dump_string(b, c->string ? c->string : "");
            sim_buf_puts(b, ": ");
        }
        dump(b, c, depth + 1);
    }
    sim_buf_putc(b, obj ? '}' : ']');
}

char *pyj_dumps(const cJSON *v)
{
    sim_buf b = {0};
    dump(&b, v, 0);
    if (b.failed) {
        sim_buf_free(&b);
        return NULL;
    }
    return (char *)sim_buf_take(&b, NULL);
}

/* Python picks ' unless the text has ' and no ". */
static char *repr_common(const unsigned char *s, size_t n, int is_bytes)
{
    int has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    sim_buf b = {0};
    if (is_bytes)
        sim_buf_putc(&b, 'b');
    sim_buf_putc(&b, q);
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c == (unsigned char)q || c == '\\') { sim_buf_putc(&b, '\\'); sim_buf_putc(&b, (int)c); }
        else if (c == '\n') sim_buf_puts(&b, "\\n");
        else if (c == '\r') sim_buf_puts(&b, "\\r");
        else if (c == '\t') sim_buf_puts(&b, "\\t");
        else if (c < 0x20 || c == 0x7F || (is_bytes && c >= 0x80))
            sim_buf_printf(&b, "\\x%02x", c);
        else
            sim_buf_putc(&b, (int)c);
    }
    sim_buf_putc(&b, q);
    return (char *)sim_buf_take(&b, NULL);
}

char *pyj_bytes_repr(const unsigned char *s, size_t n)
{
    return repr_common(s, n, 1);
}

char *pyj_str_repr(const char *s)
{
    return repr_common((const unsigned char *)s, strlen(s), 0);
}

static int py_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

char *pyj_strip(const char *s)
{
    while (*s && py_space((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && py_space((unsigned char)s[n - 1]))
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* Copies s without whitespace around it and without '_' between digits
 * (Python accepts 1_000); NULL if the text is unusable. */
static char *number_text(const char *s)
{
    char *t = pyj_strip(s);
    if (!t)
        return NULL;
    size_t w = 0;
    for (size_t r = 0; t[r]; r++) {
        if (t[r] == '_') {
            if (r == 0 || !isdigit((unsigned char)t[r - 1]) || !isdigit((unsigned char)t[r + 1])) {
                free(t);
                return NULL;
            }
            continue;
        }
        t[w++] = t[r];
    }
    t[w] = '\0';
    return t;
}

int pyj_parse_float(const char *s, double *out)
{
    char *t = number_text(s);
    if (!t)
        return -1;
    int bad = !*t || strchr(t, 'x') || strchr(t, 'X') || strchr(t, 'p') || strchr(t, 'P');
    char *end = NULL;
    errno = 0;
    double d = bad ? 0 : strtod(t, &end);
    if (!bad && (end == t || *end))
        bad = 1;
    free(t);
    if (bad || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

int pyj_parse_int(const char *s, long long *out)
{
    char *t = number_text(s);
    if (!t)
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = *t ? strtoll(t, &end, 10) : 0;
    int bad = !*t || end == t || *end || errno;
    free(t);
    if (bad)
        return -1;
    *out = v;
    return 0;
}
