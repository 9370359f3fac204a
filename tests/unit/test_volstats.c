/* test_volstats: statistics of the stand-in's phantom streamed through
 * the NRRD reader, checked against a brute-force computation (every
 * voxel's RAS from the phantom's own geometry, values sorted): the whole
 * volume, the lesion sphere, a sphere in normal brain, IJK boxes,
 * histograms, double volumes and the region errors. */

#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

#include "slicer/nrrd.h"
#include "testlib.h"
#include "slicer/volstats.h"

/* ---- brute force ---------------------------------------------------------- */

typedef struct {
    size_t n;
    double min, max, mean, std, pct[VOLSTATS_NPCT];
} ref_stats;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts vals; numpy.percentile's default (linear) method. */
static void ref_compute(double *vals, size_t n, ref_stats *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    if (n == 0)
        return;
    qsort(vals, n, sizeof *vals, cmp_double);
    long double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += vals[i];
    long double mean = s / n;
    for (size_t i = 0; i < n; i++)
        ss += (vals[i] - mean) * (vals[i] - mean);
    r->min = vals[0];
    r->max = vals[n - 1];
    r->mean = (double)mean;
    r->std = (double)sqrtl(ss / n);
    for (int p = 0; p < VOLSTATS_NPCT; p++) {
        double h = (double)(n - 1) * volstats_pct[p] / 100.0;
        size_t lo = (size_t)floor(h), hi = lo + 1 < n ? lo + 1 : lo;
        r->pct[p] = vals[lo] + (h - floor(h)) * (vals[hi] - vals[lo]);
    }
}

/* The phantom's voxels inside a region, by RAS computed from the
 * phantom's own geometry (not from the NRRD). */
static double *ref_region(const sim_volume *v, const volstats_region *reg, size_t *n)
{
    size_t total = (size_t)v->dims[0] * v->dims[1] * v->dims[2], k = 0;
    double *out = malloc(total * sizeof *out);
    size_t idx = 0;
    for (int kk = 0; kk < v->dims[2]; kk++)
        for (int j = 0; j < v->dims[1]; j++)
            for (int i = 0; i < v->dims[0]; i++, idx++) {
                int in = 1;
                if (reg->shape == VOLSTATS_BOX) {
                    long p[3] = { i, j, kk };
                    for (int a = 0; a < 3; a++)
                        in &= p[a] >= reg->ijk_min[a] && p[a] <= reg->ijk_max[a];
                } else if (reg->shape == VOLSTATS_SPHERE) {
                    double d2 = 0;
                    for (int r = 0; r < 3; r++) {
                        double x = v->dirs[0][r] * v->spacing[0] * i + v->dirs[1][r] * v->spacing[1] * j +
                                   v->dirs[2][r] * v->spacing[2] * kk + v->origin[r] - reg->center_ras[r];
                        d2 += x * x;
                    }
                    in = d2 <= reg->radius_mm * reg->radius_mm;
                }
                if (in)
                    out[k++] = sim_volume_value(v, idx);
            }
    *n = k;
    return out;
}

/* ---- through the stream ----------------------------------------------------- */

typedef struct {
    volstats_region reg;
    volstats *vs;
    uint64_t region_voxels;
    err e;
} run;

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    run *r = ud;
    volstats_opts o = { .type = h->type == NRRD_SHORT ? VOLSTATS_INT16 : VOLSTATS_DOUBLE,
                        .region = r->reg };
    memcpy(o.dims, h->sizes, sizeof o.dims);
    o.has_geometry = nrrd_ijk_to_ras(h, o.ijk_to_ras) == 0;
    r->vs = volstats_new(&o, e);
    if (!r->vs)
        return -1;
    long lo[3], hi[3];
    r->region_voxels = volstats_region_voxels(r->vs, lo, hi);
    return 0;
}

static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    (void)e;
    volstats_add(((run *)ud)->vs, raw, first, count);
    return 0;
}

/* Streams the volume's NRRD in pseudo-random chunks of 1..chunk bytes. */
static volstats *stream(const sim_volume *v, const volstats_region *reg, size_t chunk,
                        uint64_t *region_voxels)
{
    sim_bytes b;
    if (sim_nrrd_write(v, &b) != 0)
        return NULL;
    run r = { .reg = *reg };
    nrrd_stream *st = nrrd_stream_new(on_header, on_voxels, &r);
    unsigned seed = 12345;
    int rc = 0;
    for (size_t off = 0; off < b.n && rc == 0;) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 8) % chunk;
        n = n > b.n - off ? b.n - off : n;
        rc = nrrd_stream_feed(st, b.p + off, n, &r.e);
        off += n;
    }
    if (rc == 0)
        rc = nrrd_stream_finish(st, &r.e);
    T_CHECK(rc == 0, "stream: %s", r.e.msg);
    nrrd_stream_free(st);
    free(b.p);
    if (rc != 0) {
        volstats_free(r.vs);
        return NULL;
    }
    *region_voxels = r.region_voxels;
    return r.vs;
}

static void compare(const sim_volume *v, const volstats_region *reg, size_t chunk,
                    const char *what, ref_stats *out)
{
    size_t n;
    double *vals = ref_region(v, reg, &n);
    ref_stats ref;
    ref_compute(vals, n, &ref);
    free(vals);
    uint64_t rv = 0;
    volstats *vs = stream(v, reg, chunk, &rv);
    T_ASSERT(vs, "%s: stream", what);
    volstats_result r;
    volstats_get(vs, &r);
    T_CHECK(r.count == n && rv == n, "%s: count %llu (predicted %llu), want %zu", what,
            (unsigned long long)r.count, (unsigned long long)rv, n);
    T_CHECK(r.exact, "%s: exact", what);
    if (n > 0) {
        T_CHECK(r.min == ref.min && r.max == ref.max, "%s: min %g max %g, want %g %g", what,
                r.min, r.max, ref.min, ref.max);
        T_CHECK(fabs(r.mean - ref.mean) <= 1e-9 * fabs(ref.mean) + 1e-12, "%s: mean %.12g want %.12g",
                what, r.mean, ref.mean);
        T_CHECK(fabs(r.std - ref.std) <= 1e-9 * ref.std + 1e-12, "%s: std %.12g want %.12g", what,
                r.std, ref.std);
        for (int p = 0; p < VOLSTATS_NPCT; p++)
            T_CHECK(fabs(r.pct[p] - ref.pct[p]) < 1e-9, "%s: p%g %.10g want %.10g", what,
                    volstats_pct[p], r.pct[p], ref.pct[p]);
    }
    if (out)
        *out = ref;
    volstats_free(vs);
}

static sim_volume g_small, g_mid;   /* phantom at 64^3 and 128^3 */

static void test_whole_volume(void)
{
    volstats_region whole = { .shape = VOLSTATS_WHOLE };
    compare(&g_small, &whole, 70001, "whole 64^3", NULL);
    compare(&g_small, &whole, 3, "whole 64^3, tiny chunks", NULL);
}

static void test_lesion_vs_normal_brain(void)
{
    volstats_region lesion = { .shape = VOLSTATS_SPHERE,
                               .center_ras = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S },
                               .radius_mm = SIM_LESION_RADIUS };
    /* The mirror image in the left hemisphere: deep white matter. */
    volstats_region normal = lesion;
    normal.center_ras[0] = -SIM_LESION_R;
    ref_stats a, b;
    compare(&g_mid, &lesion, 16384, "lesion sphere", &a);
    compare(&g_mid, &normal, 16384, "normal brain sphere", &b);
    /* The grid is not symmetric about R = 0, so the counts differ by a voxel or so. */
    T_CHECK(a.n > 200 && b.n > a.n * 95 / 100 && b.n < a.n * 105 / 100, "voxels %zu and %zu", a.n, b.n);
    T_CHECK(a.mean > b.mean + 200, "lesion mean %g, normal brain mean %g", a.mean, b.mean);
    T_CHECK(a.pct[0] > b.pct[6], "lesion p1 %g above normal p99 %g", a.pct[0], b.pct[6]);
    /* Radius smaller than a voxel, centred on a voxel: that voxel alone. */
    volstats_region tiny = lesion;
    tiny.radius_mm = 0.01;
    compare(&g_mid, &tiny, 16384, "sphere of 0.01 mm", NULL);
    /* A sphere partly outside the volume. */
    volstats_region edge = { .shape = VOLSTATS_SPHERE, .center_ras = { 0, 133.9, 10 }, .radius_mm = 30 };
    compare(&g_mid, &edge, 16384, "sphere over the edge", NULL);
}

static void test_boxes(void)
{
    volstats_region box = { .shape = VOLSTATS_BOX, .ijk_min = { 10, 20, 30 }, .ijk_max = { 40, 35, 31 } };
    compare(&g_small, &box, 999, "box", NULL);
    volstats_region clipped = { .shape = VOLSTATS_BOX, .ijk_min = { -5, 60, -100 }, .ijk_max = { 2, 1000, 5 } };
    volstats_region in_volume = { .shape = VOLSTATS_BOX, .ijk_min = { 0, 60, 0 }, .ijk_max = { 2, 63, 5 } };
    ref_stats a;
    compare(&g_small, &in_volume, 999, "box inside", &a);
    uint64_t rv;
    volstats *vs = stream(&g_small, &clipped, 999, &rv);
    T_ASSERT(vs, "clipped");
    volstats_result r;
    volstats_get(vs, &r);
    long lo[3], hi[3];
    volstats_region_voxels(vs, lo, hi);
    T_CHECK(r.count == a.n && r.min == a.min && r.max == a.max && fabs(r.mean - a.mean) < 1e-9,
            "clipped box counts %llu, want %zu", (unsigned long long)r.count, a.n);
    T_CHECK(lo[0] == 0 && lo[1] == 60 && lo[2] == 0 && hi[0] == 2 && hi[1] == 63 && hi[2] == 5,
            "clipped bbox %ld %ld %ld .. %ld %ld %ld", lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
    volstats_free(vs);
    volstats_region single = { .shape = VOLSTATS_BOX, .ijk_min = { 32, 32, 32 }, .ijk_max = { 32, 32, 32 } };
    compare(&g_small, &single, 5, "one voxel", NULL);
}

static void test_region_errors(void)
{
    err e = { 0 };
    volstats_opts o = { .type = VOLSTATS_INT16, .dims = { 10, 10, 10 } };
    o.region = (volstats_region){ .shape = VOLSTATS_BOX, .ijk_min = { 5, 0, 0 }, .ijk_max = { 4, 9, 9 } };
    T_CHECK(!volstats_new(&o, &e) && e.kind == ERR_INVALID && strstr(e.msg, "ijk_min[0]"), "%s", e.msg);
    o.region = (volstats_region){ .shape = VOLSTATS_BOX, .ijk_min = { 10, 0, 0 }, .ijk_max = { 20, 9, 9 } };
    volstats *v = volstats_new(&o, &e);
    long lo[3], hi[3];
    T_CHECK(v && volstats_region_voxels(v, lo, hi) == 0, "box outside: 0 voxels");
    volstats_free(v);
    o.region = (volstats_region){ .shape = VOLSTATS_SPHERE, .radius_mm = 3 };
    T_CHECK(!volstats_new(&o, &e) && strstr(e.msg, "geometry"), "no geometry: %s", e.msg);
    o.has_geometry = 1;
    o.ijk_to_ras[0][0] = o.ijk_to_ras[1][1] = o.ijk_to_ras[2][2] = 1;
    o.region.radius_mm = 0;
    T_CHECK(!volstats_new(&o, &e) && strstr(e.msg, "radius"), "radius 0: %s", e.msg);
    o.region.radius_mm = 2;
    o.region.center_ras[0] = -50;
    v = volstats_new(&o, &e);
    T_CHECK(v && volstats_region_voxels(v, lo, hi) == 0, "sphere outside: 0 voxels");
    volstats_result r;
    volstats_get(v, &r);
    double edges[3];
    uint64_t counts[2];
    T_CHECK(r.count == 0 && isnan(r.mean) && volstats_histogram(v, 2, edges, counts) == -1, "empty");
    volstats_free(v);
    o.region.center_ras[0] = 0;
    o.ijk_to_ras[2][2] = 0;
    T_CHECK(!volstats_new(&o, &e) && strstr(e.msg, "singular"), "singular: %s", e.msg);
    volstats_free(NULL);
}

static void test_histogram_and_extremes(void)
{
    /* int16 extremes and a known histogram. */
    volstats_opts o = { .type = VOLSTATS_INT16, .dims = { 7, 1, 1 } };
    err e = { 0 };
    volstats *v = volstats_new(&o, &e);
    T_ASSERT(v, "%s", e.msg);
    static const int16_t vals[7] = { -32768, 32767, 0, -1, 1, 100, -32768 };
    unsigned char raw[14];
    for (int i = 0; i < 7; i++) {
        raw[2 * i] = (unsigned char)((uint16_t)vals[i] & 0xff);
        raw[2 * i + 1] = (unsigned char)((uint16_t)vals[i] >> 8);
    }
    volstats_add(v, raw, 0, 3);
    volstats_add(v, raw + 6, 3, 4);
    volstats_result r;
    volstats_get(v, &r);
    T_CHECK(r.count == 7 && r.min == -32768 && r.max == 32767 && r.pct[3] == 0, "extremes");
    T_CHECK(fabs(r.mean - (-32768.0 * 2 + 32767 + 100) / 7) < 1e-9, "mean %g", r.mean);
    double edges[5];
    uint64_t counts[4];
    T_ASSERT(volstats_histogram(v, 4, edges, counts) == 0, "histogram");
    T_CHECK(edges[0] == -32768 && edges[4] == 32768 && edges[2] == 0, "edges %g %g %g", edges[0],
            edges[2], edges[4]);
    T_CHECK(counts[0] == 2 && counts[1] == 1 && counts[2] == 3 && counts[3] == 1, "counts %llu %llu %llu %llu",
            (unsigned long long)counts[0], (unsigned long long)counts[1], (unsigned long long)counts[2],
            (unsigned long long)counts[3]);
    T_CHECK(volstats_histogram(v, 0, edges, counts) == -1 &&
            volstats_histogram(v, VOLSTATS_MAX_BINS + 1, edges, counts) == -1, "bins bounds");
    volstats_free(v);

    /* The phantom's histogram against brute force. */
    uint64_t rv;
    volstats_region whole = { .shape = VOLSTATS_WHOLE };
    v = stream(&g_small, &whole, 4096, &rv);
    T_ASSERT(v, "stream");
    volstats_get(v, &r);
    enum { B = 37 };
    double ed[B + 1];
    uint64_t ct[B], want[B] = { 0 }, sum = 0;
    T_ASSERT(volstats_histogram(v, B, ed, ct) == 0, "phantom histogram");
    size_t n = (size_t)g_small.dims[0] * g_small.dims[1] * g_small.dims[2];
    for (size_t i = 0; i < n; i++) {
        double x = sim_volume_value(&g_small, i);
        int b = 0;
        while (b < B - 1 && x >= ed[b + 1])
            b++;
        want[b]++;
    }
    int same = 1;
    for (int b = 0; b < B; b++) {
        same &= ct[b] == want[b];
        sum += ct[b];
    }
    T_CHECK(same && sum == n, "histogram matches brute force");
    volstats_free(v);
}

static void test_double_volume(void)
{
    /* The phantom as double with a fractional ramp, a NaN and an inf. */
    sim_volume d = g_small;
    size_t n = (size_t)d.dims[0] * d.dims[1] * d.dims[2];
    d.scalar = SIM_DOUBLE;
    d.voxels = malloc(n * sizeof(double));
    T_ASSERT(d.voxels, "oom");
    double *x = d.voxels;
    for (size_t i = 0; i < n; i++)
        x[i] = sim_volume_value(&g_small, i) * 0.37 - 12.5 + (double)(i % 1000) * 1e-3;
    x[5] = NAN;
    x[6] = INFINITY;
    volstats_region whole = { .shape = VOLSTATS_WHOLE };
    uint64_t rv;
    volstats *v = stream(&d, &whole, 9000, &rv);
    T_ASSERT(v, "stream");
    volstats_result r;
    volstats_get(v, &r);
    double *vals = malloc(n * sizeof *vals);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            vals[k++] = x[i];
    ref_stats ref;
    ref_compute(vals, k, &ref);
    T_CHECK(r.count == k && r.non_finite == 2 && !r.exact, "count %llu non-finite %llu",
            (unsigned long long)r.count, (unsigned long long)r.non_finite);
    T_CHECK(r.min == ref.min && r.max == ref.max, "min/max exact");
    T_CHECK(fabs(r.mean - ref.mean) < 1e-9 * fabs(ref.mean) + 1e-9 &&
            fabs(r.std - ref.std) < 1e-9 * ref.std, "mean %.12g/%.12g std %.12g/%.12g", r.mean,
            ref.mean, r.std, ref.std);
    for (int p = 0; p < VOLSTATS_NPCT; p++) {
        double h = (double)(k - 1) * volstats_pct[p] / 100.0;
        double a = fabs(vals[(size_t)floor(h)]), b = fabs(vals[(size_t)ceil(h)]);
        double bound = VOLSTATS_DOUBLE_REL_ERROR * (a > b ? a : b) + 1e-300;
        T_CHECK(fabs(r.pct[p] - ref.pct[p]) <= bound, "p%g %.10g want %.10g (bound %g)",
                volstats_pct[p], r.pct[p], ref.pct[p], bound);
    }
    enum { B = 10 };
    double ed[B + 1];
    uint64_t ct[B], sum = 0;
    T_ASSERT(volstats_histogram(v, B, ed, ct) == 0, "histogram");
    for (int b = 0; b < B; b++)
        sum += ct[b];
    T_CHECK(sum == k && ed[0] == ref.min && ed[B] == ref.max, "double histogram sums to %llu",
            (unsigned long long)sum);
    free(vals);
    volstats_free(v);
    /* A sphere over a double volume. */
    volstats_region lesion = { .shape = VOLSTATS_SPHERE,
                               .center_ras = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S }, .radius_mm = 20 };
    v = stream(&d, &lesion, 9000, &rv);
    T_ASSERT(v, "sphere");
    volstats_get(v, &r);
    vals = ref_region(&d, &lesion, &k);
    ref_compute(vals, k, &ref);
    T_CHECK(r.count == k && rv == k && fabs(r.mean - ref.mean) < 1e-9 * fabs(ref.mean), "double sphere");
    free(vals);
    volstats_free(v);
    free(d.voxels);
}

int main(void)
{
    if (sim_phantom_mrhead(&g_small, 64) != 0 || sim_phantom_mrhead(&g_mid, 128) != 0) {
        printf("FAIL phantom: out of memory\n");
        return 1;
    }
    t_run("volstats_whole_volume", test_whole_volume);
    t_run("volstats_lesion_brighter_than_normal_brain", test_lesion_vs_normal_brain);
    t_run("volstats_ijk_boxes", test_boxes);
    t_run("volstats_region_errors", test_region_errors);
    t_run("volstats_histogram_and_extremes", test_histogram_and_extremes);
    t_run("volstats_double_volume", test_double_volume);
    sim_volume_free(&g_small);
    sim_volume_free(&g_mid);
    return t_done();
}
