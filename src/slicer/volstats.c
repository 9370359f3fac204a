/* volstats: streaming voxel statistics over a region, in fixed memory. */
#include "slicer/volstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double volstats_pct[VOLSTATS_NPCT] = { 1, 5, 25, 50, 75, 95, 99 };

#define NTAB      4              /* interleaved int16 count tables */
#define NBUCKET   (1u << 20)     /* double buckets: sign, exponent, 8 mantissa bits */
#define BSHIFT    44             /* 64 - 20 */

struct volstats {
    volstats_opts o;
    uint32_t *tab;               /* int16: NTAB x 65536 counts, indexed by the raw bit pattern */
    uint32_t *bucket;            /* double: NBUCKET counts */
    uint64_t count, non_finite;
    double dmin, dmax, shift, sum, sumsq;   /* double: sums of (x - shift) */
    int have_shift;
    /* the row (j, k) being folded and its voxel interval [lo, hi] */
    uint64_t row;
    long lo, hi;
    /* rows that can hold region voxels */
    long jlo, jhi, klo, khi;
    /* known before any voxel arrives */
    uint64_t region_voxels;
    long bmin[3], bmax[3];
};

/* ---- region -------------------------------------------------------------- */

static int sphere_has(const volstats *v, long i, long j, long k)
{
    const volstats_region *r = &v->o.region;
    double d2 = 0;
    for (int a = 0; a < 3; a++) {
        const double *m = v->o.ijk_to_ras[a];
        double x = m[0] * i + m[1] * j + m[2] * k + m[3] - r->center_ras[a];
        d2 += x * x;
    }
    return d2 <= r->radius_mm * r->radius_mm;
}

/* The voxels of row (j, k) in the region: [*lo, *hi], empty when lo > hi. */
static void row_interval(const volstats *v, long j, long k, long *lo, long *hi)
{
    long last = (long)v->o.dims[0] - 1;
    *lo = 0;
    *hi = -1;
    if (j < v->jlo || j > v->jhi || k < v->klo || k > v->khi)
        return;
    const volstats_region *r = &v->o.region;
    if (r->shape == VOLSTATS_WHOLE) {
        *hi = last;
        return;
    }
    if (r->shape == VOLSTATS_BOX) {
        *lo = r->ijk_min[0];
        *hi = r->ijk_max[0];
        return;
    }
    /* |p0 + i d - c|^2 <= r^2 is a quadratic in i: a i^2 + 2 b i + c0 <= 0. */
    double a = 0, b = 0, c0 = -r->radius_mm * r->radius_mm;
    for (int ax = 0; ax < 3; ax++) {
        const double *m = v->o.ijk_to_ras[ax];
        double p0 = m[1] * j + m[2] * k + m[3] - r->center_ras[ax], d = m[0];
        a += d * d;
        b += p0 * d;
        c0 += p0 * p0;
    }
    double l, h;
    if (a == 0) {
        if (c0 > 0)
            return;
        l = 0;
        h = (double)last;
    } else {
        double disc = b * b - a * c0;
        if (disc < 0)
            return;
        double s = sqrt(disc);
        l = ceil((-b - s) / a);
        h = floor((-b + s) / a);
        if (h < 0 || l > last)
            return;
        l = l < 0 ? 0 : l;
        h = h > last ? last : h;
    }
    long il = (long)l, ih = (long)h;
    /* Settle the ends with the very test a voxel-by-voxel scan uses, so
     * rounding in the roots never disagrees with it. */
    while (il <= ih && !sphere_has(v, il, j, k))
        il++;
    while (ih >= il && !sphere_has(v, ih, j, k))
        ih--;
    if (il > ih)
        return;
    while (il > 0 && sphere_has(v, il - 1, j, k))
        il--;
    while (ih < last && sphere_has(v, ih + 1, j, k))
        ih++;
    *lo = il;
    *hi = ih;
}

static int invert3(const double m[3][4], double inv[3][3])
{
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
               - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
               + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if (det == 0 || !isfinite(det))
        return -1;
    inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    return 0;
}

static long clampl(double x, long lo, long hi)
{
    return x < lo ? lo : x > hi ? hi : (long)x;
}

/* Rows that can hold region voxels, the exact voxel count and bbox. */
static int region_setup(volstats *v, err *e)
{
    volstats_region *r = &v->o.region;
    long dim[3] = { (long)v->o.dims[0], (long)v->o.dims[1], (long)v->o.dims[2] };
    v->jlo = 0, v->jhi = dim[1] - 1, v->klo = 0, v->khi = dim[2] - 1;
    if (r->shape == VOLSTATS_BOX) {
        for (int a = 0; a < 3; a++) {
            if (r->ijk_min[a] > r->ijk_max[a])
                return err_set(e, ERR_INVALID, "ijk_min[%d] = %ld is greater than ijk_max[%d] = %ld",
                               a, r->ijk_min[a], a, r->ijk_max[a]);
            if (r->ijk_max[a] < 0 || r->ijk_min[a] >= dim[a]) {
                v->jlo = 1, v->jhi = 0;          /* misses the volume */
                return 0;
            }
            r->ijk_min[a] = r->ijk_min[a] < 0 ? 0 : r->ijk_min[a];
            r->ijk_max[a] = r->ijk_max[a] >= dim[a] ? dim[a] - 1 : r->ijk_max[a];
        }
        v->jlo = r->ijk_min[1], v->jhi = r->ijk_max[1];
        v->klo = r->ijk_min[2], v->khi = r->ijk_max[2];
        v->region_voxels = 1;
        for (int a = 0; a < 3; a++) {
            v->bmin[a] = r->ijk_min[a];
            v->bmax[a] = r->ijk_max[a];
            v->region_voxels *= (uint64_t)(r->ijk_max[a] - r->ijk_min[a] + 1);
        }
        return 0;
    }
    if (r->shape == VOLSTATS_WHOLE) {
        v->region_voxels = (uint64_t)dim[0] * (uint64_t)dim[1] * (uint64_t)dim[2];
        for (int a = 0; a < 3; a++) {
            v->bmin[a] = 0;
            v->bmax[a] = dim[a] - 1;
        }
        return 0;
    }
    double inv[3][3];
    if (!v->o.has_geometry)
        return err_set(e, ERR_INVALID, "a sphere needs the volume's geometry, and Slicer's "
                       "NRRD has no space directions");
    if (!(r->radius_mm > 0) || !isfinite(r->radius_mm))
        return err_set(e, ERR_INVALID, "radius_mm must be greater than 0");
    if (invert3(v->o.ijk_to_ras, inv) != 0)
        return err_set(e, ERR_INVALID, "the volume's IJK-to-RAS matrix is singular");
    /* Bounding box of the sphere in IJK: centre +- r * |row of the inverse|, plus a voxel. */
    double c[3], ext[3];
    for (int a = 0; a < 3; a++) {
        c[a] = 0;
        double n2 = 0;
        for (int q = 0; q < 3; q++) {
            c[a] += inv[a][q] * (r->center_ras[q] - v->o.ijk_to_ras[q][3]);
            n2 += inv[a][q] * inv[a][q];
        }
        ext[a] = r->radius_mm * sqrt(n2) + 1;
    }
    if (c[1] + ext[1] < 0 || c[1] - ext[1] > dim[1] - 1 || c[2] + ext[2] < 0 ||
        c[2] - ext[2] > dim[2] - 1) {
        v->jlo = 1, v->jhi = 0;
        return 0;
    }
    v->jlo = clampl(floor(c[1] - ext[1]), 0, dim[1] - 1);
    v->jhi = clampl(ceil(c[1] + ext[1]), 0, dim[1] - 1);
    v->klo = clampl(floor(c[2] - ext[2]), 0, dim[2] - 1);
    v->khi = clampl(ceil(c[2] + ext[2]), 0, dim[2] - 1);
    for (long k = v->klo; k <= v->khi; k++)
        for (long j = v->jlo; j <= v->jhi; j++) {
            long lo, hi;
            row_interval(v, j, k, &lo, &hi);
            if (lo > hi)
                continue;
            long p[3] = { lo, j, k }, q[3] = { hi, j, k };
            for (int a = 0; a < 3; a++) {
                if (v->region_voxels == 0 || p[a] < v->bmin[a])
                    v->bmin[a] = p[a];
                if (v->region_voxels == 0 || q[a] > v->bmax[a])
                    v->bmax[a] = q[a];
            }
            v->region_voxels += (uint64_t)(hi - lo + 1);
        }
    return 0;
}

/* ---- lifecycle ----------------------------------------------------------- */

volstats *volstats_new(const volstats_opts *o, err *e)
{
    volstats *v = calloc(1, sizeof *v);
    if (!v) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    v->o = *o;
    v->row = UINT64_MAX;
    v->dmin = INFINITY;
    v->dmax = -INFINITY;
    if (o->dims[0] == 0 || o->dims[1] == 0 || o->dims[2] == 0) {
        err_set(e, ERR_INVALID, "empty volume");
        volstats_free(v);
        return NULL;
    }
    if (region_setup(v, e) != 0) {
        volstats_free(v);
        return NULL;
    }
    if (o->type == VOLSTATS_INT16)
        v->tab = calloc((size_t)NTAB * 65536, sizeof *v->tab);
    else
        v->bucket = calloc(NBUCKET, sizeof *v->bucket);
    if (!v->tab && !v->bucket) {
        err_set(e, ERR_INTERNAL, "out of memory");
        volstats_free(v);
        return NULL;
    }
    return v;
}

void volstats_free(volstats *v)
{
    if (!v)
        return;
    free(v->tab);
    free(v->bucket);
    free(v);
}

uint64_t volstats_region_voxels(const volstats *v, long bbox_min[3], long bbox_max[3])
{
    if (v->region_voxels)
        for (int a = 0; a < 3; a++) {
            bbox_min[a] = v->bmin[a];
            bbox_max[a] = v->bmax[a];
        }
    return v->region_voxels;
}

/* ---- folding ------------------------------------------------------------- */

/* The hot loop: one increment per voxel, spread over four tables so that
 * runs of one value do not wait on a single counter, and one increment per
 * four voxels when all four are equal (air and padding come in long runs). */
static void fold_short(volstats *v, const unsigned char *p, size_t n)
{
    uint32_t *t0 = v->tab, *t1 = t0 + 65536, *t2 = t1 + 65536, *t3 = t2 + 65536;
    size_t i = 0;
    for (; i + 4 <= n; i += 4, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (w == (w & 0xffff) * 0x0001000100010001ull) {
            t0[p[0] | (unsigned)p[1] << 8] += 4;
            continue;
        }
        t0[p[0] | (unsigned)p[1] << 8]++;
        t1[p[2] | (unsigned)p[3] << 8]++;
        t2[p[4] | (unsigned)p[5] << 8]++;
        t3[p[6] | (unsigned)p[7] << 8]++;
    }
    for (; i < n; i++, p += 2)
        t0[p[0] | (unsigned)p[1] << 8]++;
    v->count += n;
}

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t b;
    memcpy(&b, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    b = __builtin_bswap64(b);
#endif
    return b;
}

/* An order-preserving unsigned key of a double's bits, and back. */
static uint64_t dkey(uint64_t bits)
{
    return bits >> 63 ? ~bits : bits | (1ull << 63);
}

static double key_value(uint64_t key)
{
    uint64_t bits = key >> 63 ? key & ~(1ull << 63) : ~key;
    double x;
    memcpy(&x, &bits, 8);
    return x;
}

static void fold_double(volstats *v, const unsigned char *p, size_t n)
{
    double s = 0, ss = 0, lo = v->dmin, hi = v->dmax;
    uint64_t nf = 0;
    for (size_t i = 0; i < n; i++, p += 8) {
        uint64_t bits = load_le64(p);
        if (((bits >> 52) & 0x7ff) == 0x7ff) {
            nf++;
            continue;
        }
        double x;
        memcpy(&x, &bits, 8);
        if (!v->have_shift) {
            v->shift = x;
            v->have_shift = 1;
        }
        double d = x - v->shift;
        s += d;
        ss += d * d;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        v->bucket[dkey(bits) >> BSHIFT]++;
    }
    v->sum += s;
    v->sumsq += ss;
    v->dmin = lo;
    v->dmax = hi;
    v->non_finite += nf;
    v->count += n - nf;
}

static void fold(volstats *v, const unsigned char *p, size_t n)
{
    if (v->tab)
        fold_short(v, p, n);
    else
        fold_double(v, p, n);
}

void volstats_add(volstats *v, const unsigned char *raw, uint64_t first, size_t count)
{
    size_t vs = v->tab ? 2 : 8, ni = v->o.dims[0];
    if (v->o.region.shape == VOLSTATS_WHOLE) {
        fold(v, raw, count);
        return;
    }
    while (count > 0) {
        uint64_t row = first / ni;
        size_t i = (size_t)(first % ni), n = ni - i < count ? ni - i : count;
        if (row != v->row) {
            v->row = row;
            row_interval(v, (long)(row % v->o.dims[1]), (long)(row / v->o.dims[1]),
                         &v->lo, &v->hi);
        }
        long a = v->lo > (long)i ? v->lo : (long)i;
        long b = v->hi < (long)(i + n - 1) ? v->hi : (long)(i + n - 1);
        if (a <= b)
            fold(v, raw + (size_t)(a - (long)i) * vs, (size_t)(b - a + 1));
        raw += n * vs;
        first += n;
        count -= n;
    }
}

/* ---- results ------------------------------------------------------------- */

/* Count of the int16 value with ordered index x (value + 32768). */
static uint64_t count16(const volstats *v, unsigned x)
{
    unsigned raw = x ^ 0x8000u;
    return (uint64_t)v->tab[raw] + v->tab[65536 + raw] + v->tab[2 * 65536 + raw] +
           v->tab[3 * 65536 + raw];
}

static void bucket_range(unsigned b, double *lo, double *hi)
{
    *lo = key_value((uint64_t)b << BSHIFT);
    *hi = key_value((((uint64_t)b + 1) << BSHIFT) - 1);
}

static double clampd(double x, double lo, double hi)
{
    return !(x >= lo) ? lo : x > hi ? hi : x;
}

/* The values of the order statistics ranks[0..n-1] (ascending, 0-based):
 * exact for int16; for double, placed within their bucket by rank. */
static void select_ranks(const volstats *v, const uint64_t *ranks, int n, double *out)
{
    uint64_t cum = 0;
    int q = 0;
    if (v->tab) {
        for (unsigned x = 0; x < 65536 && q < n; x++) {
            cum += count16(v, x);
            while (q < n && ranks[q] < cum)
                out[q++] = (double)x - 32768.0;
        }
        return;
    }
    for (unsigned b = 0; b < NBUCKET && q < n; b++) {
        uint64_t c = v->bucket[b];
        if (!c)
            continue;
        double lo, hi;
        bucket_range(b, &lo, &hi);
        while (q < n && ranks[q] < cum + c) {
            double f = ((double)(ranks[q] - cum) + 0.5) / (double)c;
            out[q++] = clampd(lo + f * (hi - lo), v->dmin, v->dmax);
        }
        cum += c;
    }
}

void volstats_get(const volstats *v, volstats_result *r)
{
    memset(r, 0, sizeof *r);
    r->count = v->count;
    r->non_finite = v->non_finite;
    r->exact = v->tab != NULL;
    r->min = r->max = r->mean = r->std = NAN;
    for (int i = 0; i < VOLSTATS_NPCT; i++)
        r->pct[i] = NAN;
    if (v->count == 0)
        return;
    if (v->tab) {
        int64_t sum = 0;
        int first = -1, last = -1;
        for (unsigned x = 0; x < 65536; x++) {
            uint64_t c = count16(v, x);
            if (!c)
                continue;
            if (first < 0)
                first = (int)x;
            last = (int)x;
            sum += (int64_t)c * ((int64_t)x - 32768);
        }
        r->min = first - 32768.0;
        r->max = last - 32768.0;
        r->mean = (double)sum / (double)v->count;
        double ss = 0;
        for (unsigned x = (unsigned)first; x <= (unsigned)last; x++) {
            uint64_t c = count16(v, x);
            double d = (double)x - 32768.0 - r->mean;
            ss += (double)c * d * d;
        }
        r->std = sqrt(ss / (double)v->count);
    } else {
        double m = v->sum / (double)v->count;
        double var = v->sumsq / (double)v->count - m * m;
        r->min = v->dmin;
        r->max = v->dmax;
        r->mean = clampd(v->shift + m, v->dmin, v->dmax);
        r->std = sqrt(var > 0 ? var : 0);
    }
    /* numpy's linear method: h = (n - 1) p / 100, between ranks floor(h) and floor(h) + 1. */
    uint64_t ranks[2 * VOLSTATS_NPCT];
    double h[VOLSTATS_NPCT], val[2 * VOLSTATS_NPCT];
    for (int i = 0; i < VOLSTATS_NPCT; i++) {
        h[i] = (double)(v->count - 1) * volstats_pct[i] / 100.0;
        uint64_t lo = (uint64_t)floor(h[i]);
        ranks[2 * i] = lo;
        ranks[2 * i + 1] = lo + 1 < v->count ? lo + 1 : lo;
    }
    select_ranks(v, ranks, 2 * VOLSTATS_NPCT, val);
    for (int i = 0; i < VOLSTATS_NPCT; i++) {
        double f = h[i] - floor(h[i]);
        r->pct[i] = val[2 * i] + f * (val[2 * i + 1] - val[2 * i]);
    }
}

int volstats_histogram(const volstats *v, int bins, double *edges, uint64_t *counts)
{
    if (bins < 1 || bins > VOLSTATS_MAX_BINS || v->count == 0)
        return -1;
    volstats_result r;
    volstats_get(v, &r);
    memset(counts, 0, (size_t)bins * sizeof *counts);
    if (v->tab) {
        int64_t lo = (int64_t)r.min, range = (int64_t)r.max - lo + 1;
        for (int b = 0; b <= bins; b++)
            edges[b] = (double)lo + (double)range * b / bins;
        for (int64_t x = lo; x <= (int64_t)r.max; x++)
            counts[(x - lo) * bins / range] += count16(v, (unsigned)(x + 32768));
        return 0;
    }
    double range = r.max - r.min;
    for (int b = 0; b <= bins; b++)
        edges[b] = b == bins ? r.max : r.min + range * b / bins;
    for (unsigned b = 0; b < NBUCKET; b++) {
        if (!v->bucket[b])
            continue;
        double lo, hi;
        bucket_range(b, &lo, &hi);
        double mid = clampd(lo + (hi - lo) / 2, r.min, r.max);
        int k = range > 0 ? (int)((mid - r.min) / range * bins) : 0;
        counts[k >= bins ? bins - 1 : k < 0 ? 0 : k] += v->bucket[b];
    }
    return 0;
}
