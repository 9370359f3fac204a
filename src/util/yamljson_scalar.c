/* yamljson_scalar: core-schema typing of YAML plain scalars and tags. */
#include "util/yamljson_scalar.h"

#include <stdio.h>
#include <string.h>

#define CORE_TAG "tag:yaml.org,2002:"


yj_tag yj_tag_kind(const yaml_char_t *t)
{
    static const struct { const char *name; yj_tag tag; } core[] = {
        { "str", TAG_STR }, { "null", TAG_NULL }, { "bool", TAG_BOOL },
        { "int", TAG_INT }, { "float", TAG_FLOAT }, { "map", TAG_MAP },
        { "seq", TAG_SEQ },
    };
    const char *s = (const char *)t;
    if (!s)
        return TAG_NONE;
    if (strcmp(s, "!") == 0)
        return TAG_BANG;
    if (strncmp(s, CORE_TAG, strlen(CORE_TAG)) != 0)
        return TAG_OTHER;
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
        if (strcmp(s + strlen(CORE_TAG), core[i].name) == 0)
            return core[i].tag;
    return TAG_OTHER;
}

void yj_tag_show(const yaml_char_t *t, char *out, size_t n)
{
    const char *s = (const char *)t;
    if (strncmp(s, CORE_TAG, strlen(CORE_TAG)) == 0)
        snprintf(out, n, "!!%.60s", s + strlen(CORE_TAG));
    else
        snprintf(out, n, "%.60s", s);
}


static int all_in(const char *s, size_t n, const char *set)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return 0;
    return 1;
}

static int one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return 1;
    return 0;
}

#define DIGITS "0123456789"

/* [-+]? ( "." [0-9]+ | [0-9]+ ( "." [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int is_float(const char *s, size_t n)
{
    size_t i = 0, a, b = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    for (a = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
    a = i - a;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
        b = i - f;
    }
    if (a == 0 && b == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
        if (i == e)
            return 0;
    }
    return i == n;
}

yj_scalar yj_classify(const char *s, size_t n)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
    static const char *const bools[] = { "true", "True", "TRUE", "false", "False",
                                         "FALSE", NULL };
    static const char *const nonfinite[] = {
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
        "-.INF", ".nan", ".NaN", ".NAN", NULL };
    if (one_of(s, n, nulls))
        return S_NULL;
    if (one_of(s, n, bools))
        return S_BOOL;
    size_t sign = n > 0 && (s[0] == '-' || s[0] == '+');
    if (all_in(s + sign, n - sign, DIGITS))
        return S_INT;
    if (n > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, n - 2, "01234567"))
        return S_INT;
    if (n > 2 && s[0] == '0' && s[1] == 'x' && all_in(s + 2, n - 2, DIGITS "abcdefABCDEF"))
        return S_INT;
    if (one_of(s, n, nonfinite))
        return S_NONFINITE;
    if (is_float(s, n))
        return S_FLOAT;
    return S_STR;
}

int yj_int_value(const char *s, size_t n, double *out)
{
    unsigned base = 10;
    int neg = 0;
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        base = s[1] == 'o' ? 8 : 16;
        i = 2;
    } else if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    unsigned long long v = 0;
    for (; i < n; i++) {
        char c = s[i];
        unsigned dgt = c <= '9' ? (unsigned)(c - '0')
                     : c <= 'F' ? (unsigned)(c - 'A' + 10) : (unsigned)(c - 'a' + 10);
        v = v * base + dgt;
        if (v > YJ_MAX_SAFE_INT)
            return -1;   /* checked every digit, so v never wraps */
    }
    *out = neg ? -(double)v : (double)v;
    return 0;
}
