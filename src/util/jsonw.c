/* jsonw: compact JSON text from cJSON trees (see jsonw.h for why it is
 * not cJSON_PrintUnformatted). */
#include "util/jsonw.h"
#include "util/buf.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t jsonw_number(double d, char out[JSONW_NUMBER_MAX])
{
    int n;
    if (!isfinite(d))
        n = snprintf(out, JSONW_NUMBER_MAX, "null");
    else if (d == 0)
        n = snprintf(out, JSONW_NUMBER_MAX, "0");
    else if (d == trunc(d) && fabs(d) < 1e16)
        n = snprintf(out, JSONW_NUMBER_MAX, "%.0f", d);   /* exact: every such double is an integer */
    else
        /* A subnormal has fewer bits, so fewer digits can do: from 1 up. */
        for (int p = fabs(d) < DBL_MIN ? 1 : 15;; p++) {
            /* From 1e16 up %g writes 15 or 16 digits with an exponent but
             * 17 without one (12345678901234568): one form, as Python's. */
            if (p == 17 && fabs(d) >= 1e16)
                n = snprintf(out, JSONW_NUMBER_MAX, "%.16e", d);
            else
                n = snprintf(out, JSONW_NUMBER_MAX, "%.*g", p, d);
            if (p == 17 || strtod(out, NULL) == d)
                break;
        }
    return (size_t)n;
}

/* As cJSON escapes: the short forms where JSON has one, \u00xx for the
 * other control bytes; everything else (UTF-8 included) as it is. */
static int put_string(buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (buf_append(b, "\"", 1) != 0)
        return -1;
    for (;;) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (buf_append(b, run, (size_t)(p - run)) != 0)
            return -1;
        if (!*p)
            return buf_append(b, "\"", 1);
        char e[6] = { '\\', (char)*p };
        size_t n = 2;
        switch (*p) {
        case '"': case '\\': break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            memcpy(e + 1, "u00", 3);
            e[4] = hex[*p >> 4];
            e[5] = hex[*p & 15];
            n = 6;
        }
        if (buf_append(b, e, n) != 0)
            return -1;
        p++;
    }
}

static int put_value(buf *b, const cJSON *it)
{
    char num[JSONW_NUMBER_MAX];
    switch (it->type & 0xFF) {
    case cJSON_NULL:   return buf_append(b, "null", 4);
    case cJSON_False:  return buf_append(b, "false", 5);
    case cJSON_True:   return buf_append(b, "true", 4);
    case cJSON_Number: return buf_append(b, num, jsonw_number(it->valuedouble, num));
    case cJSON_String: return put_string(b, it->valuestring);
    case cJSON_Raw:    return it->valuestring ? buf_puts(b, it->valuestring) : -1;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (it->type & 0xFF) == cJSON_Object;
        if (buf_append(b, obj ? "{" : "[", 1) != 0)
            return -1;
        for (const cJSON *c = it->child; c; c = c->next) {
            if ((obj && (put_string(b, c->string) != 0 || buf_append(b, ":", 1) != 0)) ||
                put_value(b, c) != 0 || (c->next && buf_append(b, ",", 1) != 0))
                return -1;
        }
        return buf_append(b, obj ? "}" : "]", 1);
    }
    default:
        return -1;
    }
}

char *jsonw_print(const cJSON *item, size_t *len)
{
    buf b;
    buf_init(&b, (size_t)-1 / 2);
    if (!item || put_value(&b, item) != 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, len);
}
