/* rx: an ERE parser and a Thompson NFA compiler (the matcher is
 * rx_match.c; see rx.h for why and for the dialect). */
#include "util/rx_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define RX_MAX_PATTERN 8192     /* bytes of a pattern: bounds the parser's recursion */

/* ---- character classes ---- */

static const rng alpha_ranges[] = {
    { 'A', 'Z' }, { 'a', 'z' }, { 0xAA, 0xAA }, { 0xB5, 0xB5 }, { 0xBA, 0xBA },
    { 0xC0, 0xD6 }, { 0xD8, 0xF6 }, { 0xF8, 0x2C1 },            /* Latin */
    { 0x370, 0x373 }, { 0x376, 0x377 }, { 0x37B, 0x37D }, { 0x37F, 0x37F },
    { 0x386, 0x386 }, { 0x388, 0x3FF },                           /* Greek */
    { 0x400, 0x481 }, { 0x48A, 0x52F },                           /* Cyrillic */
    { 0x531, 0x556 }, { 0x561, 0x587 },                           /* Armenian */
    { 0x5D0, 0x5EA }, { 0x620, 0x64A }, { 0x904, 0x939 },         /* Hebrew, Arabic, Devanagari */
    { 0x10A0, 0x10FF }, { 0x1E00, 0x1FFF },                       /* Georgian, Latin/Greek ext. */
    { 0x3041, 0x3096 }, { 0x30A1, 0x30FA }, { 0x4E00, 0x9FFF }, { 0xAC00, 0xD7A3 },
};
/* Latin Extended-A alternates capital, small (mostly): both are listed as
 * cased letters in both classes rather than guessed per code point. */
static const rng upper_ranges[] = {
    { 'A', 'Z' }, { 0xC0, 0xD6 }, { 0xD8, 0xDE }, { 0x100, 0x17F },
    { 0x391, 0x3A9 }, { 0x400, 0x42F },
};
static const rng lower_ranges[] = {
    { 'a', 'z' }, { 0xDF, 0xF6 }, { 0xF8, 0xFF }, { 0x100, 0x17F },
    { 0x3B1, 0x3C9 }, { 0x430, 0x45F },
};
static const rng digit_ranges[] = { { '0', '9' } };
static const rng space_ranges[] = { { '\t', '\r' }, { ' ', ' ' } };
static const rng blank_ranges[] = { { '\t', '\t' }, { ' ', ' ' } };
static const rng punct_ranges[] = { { '!', '/' }, { ':', '@' }, { '[', '`' }, { '{', '~' } };
static const rng xdigit_ranges[] = { { '0', '9' }, { 'A', 'F' }, { 'a', 'f' } };
static const rng cntrl_ranges[] = { { 0, 0x1F }, { 0x7F, 0x7F } };
static const rng print_ranges[] = { { ' ', '~' } };
static const rng graph_ranges[] = { { '!', '~' } };

#define N(a) (sizeof a / sizeof a[0])
static const struct { const char *name; const rng *r; size_t n; int with_alpha; } named[] = {
    { "alpha", alpha_ranges, N(alpha_ranges), 0 }, { "alnum", digit_ranges, N(digit_ranges), 1 },
    { "upper", upper_ranges, N(upper_ranges), 0 }, { "lower", lower_ranges, N(lower_ranges), 0 },
    { "digit", digit_ranges, N(digit_ranges), 0 }, { "space", space_ranges, N(space_ranges), 0 },
    { "blank", blank_ranges, N(blank_ranges), 0 }, { "punct", punct_ranges, N(punct_ranges), 0 },
    { "xdigit", xdigit_ranges, N(xdigit_ranges), 0 }, { "cntrl", cntrl_ranges, N(cntrl_ranges), 0 },
    { "print", print_ranges, N(print_ranges), 0 }, { "graph", graph_ranges, N(graph_ranges), 0 },
};

static int cls_add(cls *c, unsigned lo, unsigned hi)
{
    rng *r = realloc(c->r, (c->n + 1) * sizeof *r);
    if (!r)
        return -1;
    c->r = r;
    c->r[c->n++] = (rng){ lo, hi };
    return 0;
}

static void cls_finish(cls *c)
{
    for (unsigned cp = 0; cp < 128; cp++)
        if (rx_in_ranges(c, cp) != c->neg)
            c->ascii[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

void rx_free(rx *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ncls; i++)
        free(r->cls[i].r);
    free(r->cls);
    free(r->prog);
    free(r);
}

/* ---- parser: pattern to a tree ---- */

enum { N_CLASS, N_ANY, N_CAT, N_ALT, N_REP, N_EMPTY, N_BOL, N_EOL };

typedef struct {
    int t;
    int min, max;               /* N_REP; max -1: no bound */
    unsigned cls;               /* N_CLASS */
    int a, b;                   /* children */
} node;

typedef struct {
    const unsigned char *p, *end;
    rx *r;
    node *nodes;
    size_t nn, cap;
    int depth;
    char *why;
    size_t why_len;
} parser;

static int fail(parser *ps, const char *msg)
{
    if (ps->why_len && !ps->why[0])
        snprintf(ps->why, ps->why_len, "%s", msg);
    return -1;
}

static int mk(parser *ps, int t, int a, int b)
{
    if (ps->nn == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        node *nd = realloc(ps->nodes, cap * sizeof *nd);
        if (!nd)
            return fail(ps, "out of memory");
        ps->nodes = nd;
        ps->cap = cap;
    }
    ps->nodes[ps->nn] = (node){ .t = t, .a = a, .b = b };
    return (int)ps->nn++;
}

static cls *new_cls(parser *ps)
{
    cls *c = realloc(ps->r->cls, (ps->r->ncls + 1) * sizeof *c);
    if (!c)
        return NULL;
    ps->r->cls = c;
    memset(&c[ps->r->ncls], 0, sizeof *c);
    return &c[ps->r->ncls++];
}

static int class_node(parser *ps, cls *c)
{
    cls_finish(c);
    int nd = mk(ps, N_CLASS, -1, -1);
    if (nd >= 0)
        ps->nodes[nd].cls = (unsigned)(c - ps->r->cls);
    return nd;
}

static unsigned next_cp(parser *ps)
{
    unsigned cp;
    ps->p += utf8_decode(ps->p, (size_t)(ps->end - ps->p), &cp);
    return cp;
}

/* After "[": the bracket expression up to its "]". */
static int parse_bracket(parser *ps)
{
    cls *c = new_cls(ps);
    if (!c)
        return fail(ps, "out of memory");
    if (ps->p < ps->end && *ps->p == '^') {
        c->neg = 1;
        ps->p++;
    }
    int first = 1;
    for (;;) {
        if (ps->p >= ps->end)
            return fail(ps, "unmatched [");
        if (*ps->p == ']' && !first) {
            ps->p++;
            break;
        }
        first = 0;
        if (*ps->p == '[' && ps->p + 1 < ps->end && (ps->p[1] == '=' || ps->p[1] == '.'))
            return fail(ps, "[= =] and [. .] are not supported");
        if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
            const unsigned char *s = ps->p + 2, *e = s;
            while (e + 1 < ps->end && !(e[0] == ':' && e[1] == ']'))
                e++;
            size_t k, len = (size_t)(e - s);
            for (k = 0; k < N(named); k++)
                if (strlen(named[k].name) == len && memcmp(named[k].name, s, len) == 0)
                    break;
            if (e + 1 >= ps->end || k == N(named))
                return fail(ps, "unknown character class");
            for (size_t i = 0; i < named[k].n; i++)
                if (cls_add(c, named[k].r[i].lo, named[k].r[i].hi) != 0)
                    return fail(ps, "out of memory");
            for (size_t i = 0; named[k].with_alpha && i < N(alpha_ranges); i++)
                if (cls_add(c, alpha_ranges[i].lo, alpha_ranges[i].hi) != 0)
                    return fail(ps, "out of memory");
            ps->p = e + 2;
            continue;
        }
        /* In a bracket a backslash is an ordinary character (POSIX). */
        unsigned lo = next_cp(ps), hi = lo;
        if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':')
                return fail(ps, "a character class cannot end a range");
            hi = next_cp(ps);
            if (hi < lo)
                return fail(ps, "invalid range end");
        }
        if (cls_add(c, lo, hi) != 0)
            return fail(ps, "out of memory");
    }
    return class_node(ps, c);
}

static int literal(parser *ps, unsigned cp)
{
    cls *c = new_cls(ps);
    if (!c || cls_add(c, cp, cp) != 0)
        return fail(ps, "out of memory");
    return class_node(ps, c);
}

static int parse_alt(parser *ps);

static int parse_atom(parser *ps)
{
    unsigned char ch = *ps->p;
    switch (ch) {
    case '(': {
        if (++ps->depth > RX_MAX_DEPTH)
            return fail(ps, "groups nested too deeply");
        ps->p++;
        int nd = parse_alt(ps);
        if (nd < 0)
            return -1;
        if (ps->p >= ps->end || *ps->p != ')')
            return fail(ps, "Unmatched ( or \\(");
        ps->p++;
        ps->depth--;
        return nd;
    }
    case '.':
        ps->p++;
        return mk(ps, N_ANY, -1, -1);
    case '[':
        ps->p++;
        return parse_bracket(ps);
    case '^':
        ps->p++;
        return mk(ps, N_BOL, -1, -1);
    case '$':
        ps->p++;
        return mk(ps, N_EOL, -1, -1);
    case '*': case '+': case '?':
        return fail(ps, "a repetition operator with nothing to repeat");
    case '{':
        if (ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9')
            return fail(ps, "a repetition operator with nothing to repeat");
        ps->p++;
        return literal(ps, '{');
    case '\\': {
        ps->p++;
        if (ps->p >= ps->end)
            return fail(ps, "trailing backslash");
        unsigned char e = *ps->p;
        if (e >= '0' && e <= '9')
            return fail(ps, "back-references (\\1 ...) are not supported: no matcher runs them in "
                            "time linear in the text");
        if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
            return fail(ps, "GNU escapes (\\w \\s \\b \\< ...) are not supported: write a bracket "
                            "expression such as [[:alnum:]_]");
        return literal(ps, next_cp(ps));
    }
    default:
        return literal(ps, next_cp(ps));
    }
}

/* "{m}", "{m,}" or "{m,n}" at ps->p; 0 with *min, *max or -1. */
static int parse_bound(parser *ps, int *min, int *max)
{
    const unsigned char *p = ps->p + 1;
    long m = 0, n;
    while (p < ps->end && *p >= '0' && *p <= '9' && m <= RX_MAX_REPEAT)
        m = m * 10 + (*p++ - '0');
    n = m;
    if (p < ps->end && *p == ',') {
        p++;
        n = -1;
        if (p < ps->end && *p >= '0' && *p <= '9')
            for (n = 0; p < ps->end && *p >= '0' && *p <= '9' && n <= RX_MAX_REPEAT; p++)
                n = n * 10 + (*p - '0');
    }
    if (p >= ps->end || *p != '}')
        return fail(ps, "invalid {m,n} bound");
    if (m > RX_MAX_REPEAT || n > RX_MAX_REPEAT)
        return fail(ps, "a {m,n} bound over 255");
    if (n >= 0 && n < m)
        return fail(ps, "a {m,n} bound with n < m");
    ps->p = p + 1;
    *min = (int)m;
    *max = (int)n;
    return 0;
}

static int parse_rep(parser *ps)
{
    int nd = parse_atom(ps);
    while (nd >= 0 && ps->p < ps->end) {
        int min, max;
        unsigned char ch = *ps->p;
        if (ch == '*' || ch == '+' || ch == '?') {
            min = ch == '+';
            max = ch == '?' ? 1 : -1;
            ps->p++;
        } else if (ch == '{' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9') {
            if (parse_bound(ps, &min, &max) != 0)
                return -1;
        } else {
            break;
        }
        int t = ps->nodes[nd].t;
        if (t == N_BOL || t == N_EOL)
            return fail(ps, "a repetition of ^ or $");
        int rep = mk(ps, N_REP, nd, -1);
        if (rep < 0)
            return -1;
        ps->nodes[rep].min = min;
        ps->nodes[rep].max = max;
        nd = rep;
    }
    return nd;
}

static int parse_cat(parser *ps)
{
    int nd = -1;
    while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
        int x = parse_rep(ps);
        if (x < 0)
            return -1;
        nd = nd < 0 ? x : mk(ps, N_CAT, nd, x);
        if (nd < 0)
            return -1;
    }
    return nd < 0 ? mk(ps, N_EMPTY, -1, -1) : nd;
}

static int parse_alt(parser *ps)
{
    int nd = parse_cat(ps);
    while (nd >= 0 && ps->p < ps->end && *ps->p == '|') {
        ps->p++;
        int x = parse_cat(ps);
        nd = x < 0 ? -1 : mk(ps, N_ALT, nd, x);
    }
    return nd;
}

/* ---- compiler: tree to NFA steps, concatenations reversed ---- */

static int put(parser *ps, int op, unsigned x, unsigned y)
{
    if (ps->r->n >= RX_MAX_PROG)
        return fail(ps, "the pattern is too large (more than 4096 NFA steps once its "
                        "repetitions are expanded)");
    ps->r->prog[ps->r->n++] = (insn){ (unsigned char)op, x, y };
    return 0;
}

/* The program runs right to left over the text, so a concatenation's
 * parts come last first; alternation and repetition keep their shape. */
static int emit(parser *ps, int i)
{
    const node *nd = &ps->nodes[i];
    rx *r = ps->r;
    switch (nd->t) {
    case N_CLASS: return put(ps, I_CLASS, nd->cls, 0);
    case N_ANY:   return put(ps, I_ANY, 0, 0);
    case N_BOL:   return put(ps, I_BOL, 0, 0);
    case N_EOL:   return put(ps, I_EOL, 0, 0);
    case N_EMPTY: return 0;
    case N_CAT:   return emit(ps, nd->b) != 0 ? -1 : emit(ps, nd->a);
    case N_ALT: {
        size_t split = r->n;
        if (put(ps, I_SPLIT, 0, 0) != 0)
            return -1;
        r->prog[split].x = (unsigned)r->n;
        if (emit(ps, nd->a) != 0)
            return -1;
        size_t jmp = r->n;
        if (put(ps, I_JMP, 0, 0) != 0)
            return -1;
        r->prog[split].y = (unsigned)r->n;
        if (emit(ps, nd->b) != 0)
            return -1;
        r->prog[jmp].x = (unsigned)r->n;
        return 0;
    }
    default: {  /* N_REP: min copies, then a loop or (max - min) optional copies */
        int a = nd->a, min = nd->min, max = nd->max;
        for (int k = 0; k < min; k++)
            if (emit(ps, a) != 0)
                return -1;
        for (int k = min; max < 0 ? k == min : k < max; k++) {
            size_t split = r->n;
            if (put(ps, I_SPLIT, 0, 0) != 0)
                return -1;
            r->prog[split].x = (unsigned)r->n;
            if (emit(ps, a) != 0 || (max < 0 && put(ps, I_JMP, (unsigned)split, 0) != 0))
                return -1;
            r->prog[split].y = (unsigned)r->n;
        }
        return 0;
    }
    }
}

rx *rx_compile(const char *pattern, char *why, size_t why_len)
{
    if (why_len)
        why[0] = '\0';
    rx *r = calloc(1, sizeof *r);
    parser ps = { .p = (const unsigned char *)pattern, .r = r, .why = why, .why_len = why_len };
    size_t plen = strlen(pattern);
    ps.end = ps.p + plen;
    if (!r || !(r->prog = malloc((RX_MAX_PROG + 1) * sizeof *r->prog))) {
        fail(&ps, "out of memory");
        rx_free(r);
        return NULL;
    }
    int root = plen > RX_MAX_PATTERN ? fail(&ps, "the pattern is longer than 8192 bytes") : parse_alt(&ps);
    if (root >= 0 && ps.p < ps.end)
        root = fail(&ps, "unmatched )");
    if (root < 0 || emit(&ps, root) != 0 || put(&ps, I_MATCH, 0, 0) != 0) {
        free(ps.nodes);
        rx_free(r);
        return NULL;
    }
    free(ps.nodes);
    return r;
}
