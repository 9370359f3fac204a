/* jsondiff: whether jsonr_parse reads a text exactly as cJSON does: both
 * refuse it, or both build the same tree (every type, number, string, key
 * and link) and stop at the same byte.  Shared by tests/unit/test_jsonr.c
 * and tests/fuzz/fuzz_jsonr.c, hence static functions in a header. */
#ifndef JSONDIFF_H
#define JSONDIFF_H

#include <stdio.h>
#include <string.h>

#include "util/jsonr.h"

static int jd_same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int jd_same(const cJSON *a, const cJSON *b)
{
    if (a->type != b->type || a->valueint != b->valueint ||
        memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble) != 0 ||
        !jd_same_text(a->valuestring, b->valuestring) || !jd_same_text(a->string, b->string))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next) {
        if (!jd_same(x, y))
            return 0;
        /* cJSON_AddItemToArray finds the last child through child->prev. */
        if ((x->next ? x->next->prev != x : a->child->prev != x))
            return 0;
    }
    return !x && !y;
}

/* 0 when jsonr and cJSON agree on s[0..n); else 1 with why filled. */
static int jsondiff(const char *s, size_t n, char *why, size_t whylen)
{
    const char *e1 = NULL, *e2 = NULL;
    cJSON *ours = jsonr_parse(s, n, &e1);
    cJSON *ref = cJSON_ParseWithLengthOpts(s, n, &e2, 0);
    int bad = 0;
    if (!ours != !ref)
        bad = snprintf(why, whylen, "jsonr %s, cJSON %s", ours ? "parses" : "refuses",
                       ref ? "parses" : "refuses");
    else if (ours && !jd_same(ours, ref))
        bad = snprintf(why, whylen, "the trees differ");
    else if (ours && e1 != e2)
        bad = snprintf(why, whylen, "jsonr stops at byte %td, cJSON at %td", e1 - s, e2 - s);
    cJSON_Delete(ours);
    cJSON_Delete(ref);
    return bad != 0;
}

#endif
