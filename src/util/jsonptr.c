/* jsonptr: JSON Pointers built and followed (see jsonptr.h). */
#include "util/jsonptr.h"

#include <stdlib.h>
#include <string.h>

#define JSONPTR_MAX_TOKEN 256

/* Appends one token to out (NULL: only counts), escaping ~ and /. */
static size_t put_token(char *out, const char *t)
{
    size_t o = 0;
    for (; *t; t++) {
        if (*t == '~' || *t == '/') {
            if (out) {
                out[o] = '~';
                out[o + 1] = *t == '~' ? '0' : '1';
            }
            o += 2;
        } else {
            if (out)
                out[o] = *t;
            o++;
        }
    }
    return o;
}

char *jsonptr_join(const char *base, const char *a, const char *b)
{
    size_t bl = strlen(base), n = bl + 1 + put_token(NULL, a) + 1;
    if (b)
        n += 1 + put_token(NULL, b);
    char *p = malloc(n);
    if (!p)
        return NULL;
    memcpy(p, base, bl);
    size_t o = bl;
    p[o++] = '/';
    o += put_token(p + o, a);
    if (b) {
        p[o++] = '/';
        o += put_token(p + o, b);
    }
    p[o] = '\0';
    return p;
}

const cJSON *jsonptr_get(const cJSON *doc, const char *p, size_t len, const cJSON **deepest)
{
    const cJSON *cur = doc;
    const char *end = p + len;
    char tok[JSONPTR_MAX_TOKEN];
    if (deepest)
        *deepest = doc;
    while (p < end) {
        size_t k = 0;
        if (*p++ != '/')
            return NULL;
        for (; p < end && *p != '/'; p++) {
            char ch = *p;
            if (ch == '~') {
                if (p + 1 >= end || (p[1] != '0' && p[1] != '1'))
                    return NULL;
                ch = *++p == '0' ? '~' : '/';
            }
            if (k + 1 >= sizeof tok)
                return NULL;
            tok[k++] = ch;
        }
        tok[k] = '\0';
        if (cJSON_IsObject(cur))
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
        else if (cJSON_IsArray(cur) && k > 0 && k < 10 && strspn(tok, "0123456789") == k)
            cur = cJSON_GetArrayItem(cur, atoi(tok));
        else
            cur = NULL;
        if (!cur)
            return NULL;
        if (deepest)
            *deepest = cur;
    }
    return cur;
}
