/* segmask: region rule, bit mask and flood fill (see segmask.h). */
#include "slicer/segmask.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The real interval [x0, x1] where a*x^2 + b*x + c <= 0 (a > 0); 0 when
 * empty. */
static int quad_interval(double a, double b, double c, double *x0, double *x1)
{
    double disc = b * b - 4 * a * c;
    if (disc < 0)
        return 0;
    double s = sqrt(disc);
    *x0 = (-b - s) / (2 * a);
    *x1 = (-b + s) / (2 * a);
    return 1;
}

int seg_row_span(const voxgrid *g, const seg_rule *r, long j, long k, long *i0, long *i1)
{
    /* Centres of the row: p(i) = base + i * d. */
    double base[3], d[3];
    for (int a = 0; a < 3; a++) {
        base[a] = g->m[a][1] * (double)j + g->m[a][2] * (double)k + g->m[a][3];
        d[a] = g->m[a][0];
    }
    double lo = 0, hi = (double)g->dims[0] - 1;
    if (r->bound == SEG_BOUND_SPHERE) {
        double q[3] = { base[0] - r->center[0], base[1] - r->center[1], base[2] - r->center[2] };
        double a2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        double b = 2 * (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]);
        double c = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] - r->radius * r->radius;
        double x0, x1;
        if (!quad_interval(a2, b, c, &x0, &x1))
            return 0;
        lo = fmax(lo, x0);
        hi = fmin(hi, x1);
    } else if (r->bound == SEG_BOUND_BOX) {
        for (int a = 0; a < 3; a++) {
            if (fabs(d[a]) < 1e-12) {
                if (base[a] < r->bmin[a] || base[a] > r->bmax[a])
                    return 0;
                continue;
            }
            double x0 = (r->bmin[a] - base[a]) / d[a], x1 = (r->bmax[a] - base[a]) / d[a];
            lo = fmax(lo, fmin(x0, x1));
            hi = fmin(hi, fmax(x0, x1));
        }
    }
    /* A centre exactly on the surface counts: allow for rounding. */
    *i0 = (long)ceil(lo - 1e-9);
    *i1 = (long)floor(hi + 1e-9);
    if (*i0 < 0)
        *i0 = 0;
    if (*i1 > (long)g->dims[0] - 1)
        *i1 = (long)g->dims[0] - 1;
    return *i0 <= *i1;
}

int seg_bound_box(const voxgrid *g, const seg_rule *r, long lo[3], long hi[3])
{
    int any = 0;
    for (long k = 0; k < (long)g->dims[2]; k++)
        for (long j = 0; j < (long)g->dims[1]; j++) {
            long i0, i1;
            if (!seg_row_span(g, r, j, k, &i0, &i1))
                continue;
            long a[3] = { i0, j, k }, b[3] = { i1, j, k };
            for (int x = 0; x < 3; x++) {
                lo[x] = any && lo[x] < a[x] ? lo[x] : a[x];
                hi[x] = any && hi[x] > b[x] ? hi[x] : b[x];
            }
            any = 1;
        }
    return any;
}

/* ---- mask ---------------------------------------------------------------- */

struct segmask {
    long lo[3];
    size_t n[3];                /* box size along I, J, K */
    unsigned char *bits;
};

segmask *segmask_new(const long lo[3], const long hi[3], err *e)
{
    segmask *m = calloc(1, sizeof *m);
    if (!m) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    size_t total = 1;
    for (int a = 0; a < 3; a++) {
        m->lo[a] = lo[a];
        m->n[a] = (size_t)(hi[a] - lo[a] + 1);
        total *= m->n[a];
    }
    m->bits = calloc(total / 8 + 1, 1);
    if (!m->bits) {
        free(m);
        err_set(e, ERR_INTERNAL, "out of memory: a mask of %zu voxels", total);
        return NULL;
    }
    return m;
}

void segmask_free(segmask *m)
{
    if (!m)
        return;
    free(m->bits);
    free(m);
}

/* Bit number of box-relative indices. */
static size_t bitno(const segmask *m, size_t i, size_t j, size_t k)
{
    return i + m->n[0] * (j + m->n[1] * k);
}

static int rel(const segmask *m, const long idx[3], size_t out[3])
{
    for (int a = 0; a < 3; a++) {
        long x = idx[a] - m->lo[a];
        if (x < 0 || (size_t)x >= m->n[a])
            return -1;
        out[a] = (size_t)x;
    }
    return 0;
}

void segmask_set(segmask *m, const long idx[3])
{
    size_t r[3];
    if (rel(m, idx, r) == 0) {
        size_t b = bitno(m, r[0], r[1], r[2]);
        m->bits[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
}

static int test_bit(const segmask *m, size_t b)
{
    return m->bits[b >> 3] >> (b & 7) & 1;
}

int segmask_get(const segmask *m, const long idx[3])
{
    size_t r[3];
    return rel(m, idx, r) == 0 && test_bit(m, bitno(m, r[0], r[1], r[2]));
}

/* Pending runs are packed as i | j << 21 | k << 42 (box sizes stay below
 * 2^21: NRRD_MAX_AXIS is 65536). */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} fill_stack;

static int push(fill_stack *s, size_t i, size_t j, size_t k, err *e)
{
    if (s->n == s->cap) {
        if (s->cap >= SEGMASK_MAX_STACK)
            return err_set(e, ERR_LIMIT, "the connected region is too intricate to follow "
                           "(more than %u pending runs); give a sphere or box bound",
                           SEGMASK_MAX_STACK);
        size_t cap = s->cap ? s->cap * 2 : 1024;
        uint64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return err_set(e, ERR_INTERNAL, "out of memory");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (uint64_t)i | (uint64_t)j << 21 | (uint64_t)k << 42;
    return 0;
}

/* Pushes one entry per run of set bits of row (j, k) within il..ir. */
static int scan_row(const segmask *m, fill_stack *s, size_t il, size_t ir, size_t j, size_t k,
                    err *e)
{
    size_t row = bitno(m, 0, j, k);
    for (size_t x = il; x <= ir; x++) {
        if (!test_bit(m, row + x))
            continue;
        if (push(s, x, j, k, e) != 0)
            return -1;
        while (x < ir && test_bit(m, row + x + 1))
            x++;
    }
    return 0;
}

int64_t segmask_fill_clear(segmask *m, const long seed[3], err *e)
{
    size_t r[3];
    fill_stack s = { 0 };
    int64_t cleared = 0;
    if (rel(m, seed, r) != 0)
        return 0;
    if (push(&s, r[0], r[1], r[2], e) != 0)
        return -1;
    const uint64_t mask21 = (1u << 21) - 1;
    while (s.n > 0) {
        uint64_t t = s.v[--s.n];
        size_t i = t & mask21, j = t >> 21 & mask21, k = t >> 42 & mask21;
        size_t row = bitno(m, 0, j, k);
        if (!test_bit(m, row + i))
            continue;
        size_t il = i, ir = i;
        while (il > 0 && test_bit(m, row + il - 1))
            il--;
        while (ir + 1 < m->n[0] && test_bit(m, row + ir + 1))
            ir++;
        for (size_t x = il; x <= ir; x++)
            m->bits[(row + x) >> 3] &= (unsigned char)~(1u << ((row + x) & 7));
        cleared += (int64_t)(ir - il + 1);
        if ((j > 0 && scan_row(m, &s, il, ir, j - 1, k, e) != 0) ||
            (j + 1 < m->n[1] && scan_row(m, &s, il, ir, j + 1, k, e) != 0) ||
            (k > 0 && scan_row(m, &s, il, ir, j, k - 1, e) != 0) ||
            (k + 1 < m->n[2] && scan_row(m, &s, il, ir, j, k + 1, e) != 0)) {
            free(s.v);
            return -1;
        }
    }
    free(s.v);
    return cleared;
}
