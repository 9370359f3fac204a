/* rx_int: what the compiler (rx.c) and the matcher (rx_match.c) share:
 * the compiled program and its character classes. */
#ifndef RX_INT_H
#define RX_INT_H

#include "util/rx.h"

#include <stddef.h>

typedef struct { unsigned lo, hi; } rng;

typedef struct {
    rng *r;
    size_t n;
    int neg;
    unsigned char ascii[16];    /* membership of code points < 128, after neg */
} cls;

enum { I_CLASS, I_ANY, I_SPLIT, I_JMP, I_BOL, I_EOL, I_MATCH };

typedef struct {
    unsigned char op;
    unsigned x, y;              /* class index, or jump targets */
} insn;

struct rx {
    insn *prog;
    size_t n;
    cls *cls;
    size_t ncls;
};

static inline int rx_in_ranges(const cls *c, unsigned cp)
{
    for (size_t i = 0; i < c->n; i++)
        if (cp >= c->r[i].lo && cp <= c->r[i].hi)
            return 1;
    return 0;
}

/* The matcher asks this once per character: inline, ASCII from a bitmap. */
static inline int rx_in_class(const cls *c, unsigned cp)
{
    if (cp < 128)
        return c->ascii[cp >> 3] >> (cp & 7) & 1;
    return rx_in_ranges(c, cp) != c->neg;
}

#endif
