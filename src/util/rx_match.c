/* rx_match: the right-to-left NFA simulation that finds the longest match
 * starting at every position in one pass (see rx.h for why). */
#include "util/rx_int.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/utf8.h"

#define RX_NONE UINT32_MAX

typedef struct {
    unsigned pc;
    uint32_t end;               /* where the match this thread would make ends */
} thr;

typedef struct {
    const rx *r;
    size_t n;                   /* text length: where $ holds */
    thr *cl, *nl;
    size_t ncl, nnl;
    unsigned *mark, *stack;
    unsigned gen;
} vm;

/* Adds pc and what its empty steps reach at text position pos, each NFA
 * state once per position: callers add threads by decreasing end, so the
 * first to reach a state holds the furthest end and the rest cannot do
 * better from there. */
static void add(vm *v, thr *list, size_t *nlist, unsigned pc0, uint32_t end, size_t pos)
{
    size_t sp = 0;
    v->stack[sp++] = pc0;
    while (sp) {
        unsigned pc = v->stack[--sp];
        if (v->mark[pc] == v->gen)
            continue;
        v->mark[pc] = v->gen;
        const insn *in = &v->r->prog[pc];
        switch (in->op) {
        case I_JMP:   v->stack[sp++] = in->x; break;
        case I_SPLIT: v->stack[sp++] = in->y; v->stack[sp++] = in->x; break;
        case I_BOL:   if (pos == 0) v->stack[sp++] = pc + 1; break;
        case I_EOL:   if (pos == v->n) v->stack[sp++] = pc + 1; break;
        default:      list[(*nlist)++] = (thr){ pc, end }; break;
        }
    }
}

/* Runs r over s right to left.  With lm, lm[i] gets the end of the longest
 * match starting at byte i (RX_NONE: none; lm covers 0..n); without it,
 * stops at the first match found.  1: some match, 0: none, -1: no memory. */
static int run(const rx *r, const unsigned char *s, size_t n, uint32_t **lm)
{
    if (n >= RX_NONE)
        return -1;
    vm v = { .r = r, .n = n };
    v.cl = malloc(r->n * sizeof *v.cl);
    v.nl = malloc(r->n * sizeof *v.nl);
    v.mark = calloc(r->n, sizeof *v.mark);
    /* A state is pushed at most once per pending pop, twice per SPLIT. */
    v.stack = malloc((2 * r->n + 1) * sizeof *v.stack);
    int found = 0, rc = 0;
    if (!v.cl || !v.nl || !v.mark || !v.stack) {
        rc = -1;
        goto out;
    }
    if (lm)
        *lm = NULL;
    size_t pos = n;
    v.gen = 1;
    add(&v, v.cl, &v.ncl, 0, (uint32_t)n, n);
    for (;;) {
        uint32_t best = RX_NONE;
        for (size_t i = 0; i < v.ncl; i++)
            if (r->prog[v.cl[i].pc].op == I_MATCH) {
                best = v.cl[i].end;
                break;
            }
        if (best != RX_NONE) {
            found = 1;
            if (!lm)
                break;
            if (!*lm) {     /* the first match met: nothing to its right started one */
                *lm = malloc((n + 1) * sizeof **lm);
                if (!*lm) {
                    rc = -1;
                    goto out;
                }
                for (size_t i = pos; i <= n; i++)
                    (*lm)[i] = RX_NONE;
            }
        }
        if (lm && *lm)
            (*lm)[pos] = best;
        if (pos == 0)
            break;
        unsigned cp;
        size_t len = utf8_decode_back(s, pos, &cp), q = pos - len;
        if (lm && *lm)
            for (size_t i = q + 1; i < pos; i++)
                (*lm)[i] = RX_NONE;
        v.gen++;
        v.nnl = 0;
        for (size_t i = 0; i < v.ncl; i++) {
            const insn *in = &r->prog[v.cl[i].pc];
            if (in->op == I_ANY || (in->op == I_CLASS && rx_in_class(&r->cls[in->x], cp)))
                add(&v, v.nl, &v.nnl, v.cl[i].pc + 1, v.cl[i].end, q);
        }
        add(&v, v.nl, &v.nnl, 0, (uint32_t)q, q);
        thr *t = v.cl;
        v.cl = v.nl;
        v.nl = t;
        v.ncl = v.nnl;
        pos = q;
    }
    rc = found;
out:
    free(v.cl);
    free(v.nl);
    free(v.mark);
    free(v.stack);
    return rc;
}

int rx_search(const rx *r, const char *s, size_t n)
{
    return run(r, (const unsigned char *)s, n, NULL);
}

long rx_matches(const rx *r, const char *s, size_t n, rx_each each, void *ud)
{
    uint32_t *lm = NULL;
    int rc = run(r, (const unsigned char *)s, n, &lm);
    if (rc <= 0)
        return rc;
    long count = 0;
    size_t i = 0;
    /* lm is RX_NONE inside characters, so stepping a byte keeps to them. */
    while (i <= n) {
        uint32_t e = lm[i];
        if (e != RX_NONE && e > i) {
            count++;
            if (each(ud, i, e) != 0)
                break;
            i = e;
        } else {
            i++;
        }
    }
    free(lm);
    return count;
}
