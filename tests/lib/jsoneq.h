/* jsoneq: whether a tree printed by jsonw and parsed again by cJSON is the
 * tree it was printed from: every type, string and key the same, every
 * number the same double (bit for bit), except that -0 comes back as 0 and
 * NaN and the infinities as null, which jsonw writes for them.  Shared by
 * tests/unit/test_jsonw.c and tests/fuzz/fuzz_json.c, hence static
 * functions in a header. */
#ifndef JSONEQ_H
#define JSONEQ_H

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

static int jq_same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* a: the original; b: what came back. */
static int jq_same(const cJSON *a, const cJSON *b)
{
    if (!jq_same_text(a->string, b->string))
        return 0;
    if (cJSON_IsNumber(a)) {
        double d = a->valuedouble;
        if (!isfinite(d))
            return cJSON_IsNull(b);
        if (d == 0)
            d = 0.0;
        return cJSON_IsNumber(b) && memcmp(&d, &b->valuedouble, sizeof d) == 0;
    }
    if ((a->type & 0xFF) != (b->type & 0xFF) || !jq_same_text(a->valuestring, b->valuestring))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!jq_same(x, y))
            return 0;
    return !x && !y;
}

/* Whether the tree holds a number anywhere. */
static int jq_has_number(const cJSON *j)
{
    if (cJSON_IsNumber(j))
        return 1;
    for (const cJSON *c = j->child; c; c = c->next)
        if (jq_has_number(c))
            return 1;
    return 0;
}

#endif
