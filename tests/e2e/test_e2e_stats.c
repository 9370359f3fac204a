/* End-to-end: get_volume_statistics through the real slicer-mcp binary
 * against slicer-sim, checked against the phantom computed here by brute
 * force: the whole volume, the lesion sphere, a box, the labelmap (sent
 * as short), the errors, Slicer's faults and progress. */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

#include "e2e.h"
#include "slicer/histplot.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { return cJSON_GetNumberValue(get(o, k)); }

static sim_volume g_head;      /* the phantom slicer-sim serves by default */

#define NPCT 7
static const double pcts[NPCT] = { 1, 5, 25, 50, 75, 95, 99 };
static const char *const pct_keys[NPCT] = { "p1", "p5", "p25", "p50", "p75", "p95", "p99" };

typedef struct {
    size_t n;
    double min, max, mean, std, pct[NPCT];
    double *sorted;            /* owned */
} ref_stats;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Voxels of the phantom in a sphere (radius > 0) or box (radius 0, box
 * given) or everything (neither), from the phantom's own RAS geometry. */
static void reference(const double *center, double radius, const long *box, ref_stats *r)
{
    const sim_volume *v = &g_head;
    size_t total = (size_t)v->dims[0] * v->dims[1] * v->dims[2], idx = 0;
    memset(r, 0, sizeof *r);
    r->sorted = malloc(total * sizeof(double));
    for (int k = 0; k < v->dims[2]; k++)
        for (int j = 0; j < v->dims[1]; j++)
            for (int i = 0; i < v->dims[0]; i++, idx++) {
                int in = 1;
                if (radius > 0) {
                    double d2 = 0;
                    for (int a = 0; a < 3; a++) {
                        double x = v->dirs[0][a] * v->spacing[0] * i + v->dirs[1][a] * v->spacing[1] * j +
                                   v->dirs[2][a] * v->spacing[2] * k + v->origin[a] - center[a];
                        d2 += x * x;
                    }
                    in = d2 <= radius * radius;
                } else if (box) {
                    in = i >= box[0] && i <= box[3] && j >= box[1] && j <= box[4] && k >= box[2] && k <= box[5];
                }
                if (in)
                    r->sorted[r->n++] = sim_volume_value(v, idx);
            }
    qsort(r->sorted, r->n, sizeof(double), cmp_double);
    long double s = 0, ss = 0;
    for (size_t i = 0; i < r->n; i++)
        s += r->sorted[i];
    long double mean = s / r->n;
    for (size_t i = 0; i < r->n; i++)
        ss += (r->sorted[i] - mean) * (r->sorted[i] - mean);
    r->min = r->sorted[0];
    r->max = r->sorted[r->n - 1];
    r->mean = (double)mean;
    r->std = (double)sqrtl(ss / r->n);
    for (int p = 0; p < NPCT; p++) {
        double h = (double)(r->n - 1) * pcts[p] / 100.0;
        size_t lo = (size_t)floor(h), hi = lo + 1 < r->n ? lo + 1 : lo;
        r->pct[p] = r->sorted[lo] + (h - floor(h)) * (r->sorted[hi] - r->sorted[lo]);
    }
}

/* The gateway prints mean, std and percentiles as the doubles it
 * computed (no rounding to 7 digits, issue 17): they differ from these,
 * summed in long double, by rounding alone. */
static int close_exact(double got, double want)
{
    return fabs(got - want) <= 1e-12 * fabs(want) + 1e-12;
}

static void compare(const cJSON *s, const ref_stats *ref, const char *what)
{
    T_CHECK(num(s, "voxel_count") == (double)ref->n, "%s: voxel_count %g, want %zu", what,
            num(s, "voxel_count"), ref->n);
    T_CHECK(num(s, "min") == ref->min && num(s, "max") == ref->max, "%s: min %g max %g, want %g %g",
            what, num(s, "min"), num(s, "max"), ref->min, ref->max);
    T_CHECK(close_exact(num(s, "mean"), ref->mean), "%s: mean %.9g, want %.9g", what, num(s, "mean"), ref->mean);
    T_CHECK(close_exact(num(s, "std"), ref->std), "%s: std %.9g, want %.9g", what, num(s, "std"), ref->std);
    const cJSON *p = get(s, "percentiles");
    for (int i = 0; i < NPCT; i++)
        T_CHECK(close_exact(num(p, pct_keys[i]), ref->pct[i]), "%s: %s %.9g, want %.9g", what, pct_keys[i],
                num(p, pct_keys[i]), ref->pct[i]);
    T_CHECK(cJSON_IsTrue(get(s, "percentiles_exact")), "%s: exact", what);
    T_CHECK(!strcmp(cJSON_GetStringValue(get(s, "scalar_type")), "short"), "%s: short", what);
    T_CHECK(strstr(cJSON_GetStringValue(get(s, "note")), "int16") != NULL, "%s: the cast is noted", what);
}

static cJSON *stats(e2e *x, const char *args)
{
    cJSON *r = t_mcp_call(x->mcp, "get_volume_statistics", args, 30000);
    T_CHECK(r && !t_mcp_is_error(r), "call %s: %s", args, r ? t_mcp_text(r) : "no answer");
    return r;
}

static void test_whole_volume(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    cJSON *r = stats(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"bins\":16}");
    const cJSON *s = e2e_structured(r);
    ref_stats ref;
    reference(NULL, 0, NULL, &ref);
    compare(s, &ref, "whole");
    const cJSON *dims = get(s, "dimensions");
    T_CHECK(cJSON_GetArrayItem(dims, 0)->valuedouble == 256 && cJSON_GetArrayItem(dims, 2)->valuedouble == 130,
            "dimensions");
    T_CHECK(num(s, "bytes_read") == 256.0 * 256 * 130 * 2, "bytes_read %g", num(s, "bytes_read"));
    const cJSON *reg = get(s, "region");
    T_CHECK(!strcmp(cJSON_GetStringValue(get(reg, "shape")), "whole"), "shape");
    const cJSON *rb = get(reg, "ras_bounds");
    T_CHECK(fabs(cJSON_GetArrayItem(rb, 0)->valuedouble - -86.6449) < 1e-3 &&
            fabs(cJSON_GetArrayItem(rb, 3)->valuedouble - 133.9286) < 1e-3, "RAS bounds from LPS");
    /* Histogram: 16 bins of the integers min..max. */
    const cJSON *h = get(s, "histogram"), *edges = get(h, "edges"), *counts = get(h, "counts");
    T_ASSERT(cJSON_GetArraySize(edges) == 17 && cJSON_GetArraySize(counts) == 16, "histogram size");
    double range = ref.max - ref.min + 1;
    size_t want[16] = { 0 };
    for (size_t i = 0; i < ref.n; i++)
        want[(size_t)((ref.sorted[i] - ref.min) * 16 / range)]++;
    for (int b = 0; b < 16; b++)
        T_CHECK(cJSON_GetArrayItem(counts, b)->valuedouble == (double)want[b], "bin %d: %g want %zu", b,
                cJSON_GetArrayItem(counts, b)->valuedouble, want[b]);
    free(ref.sorted);
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* histogram_plot: the PNG's bars stand as high as the phantom's own
 * histogram says, on the geometry histplot.h promises. */
static void test_histogram_plot(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    enum { BINS = 16 };
    cJSON *r = stats(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"bins\":16,\"histogram_plot\":true}");
    ref_stats ref;
    reference(NULL, 0, NULL, &ref);
    double range = ref.max - ref.min + 1;
    size_t want[BINS] = { 0 }, most = 0;
    for (size_t i = 0; i < ref.n; i++)
        want[(size_t)((ref.sorted[i] - ref.min) * BINS / range)]++;
    for (int b = 0; b < BINS; b++)
        most = want[b] > most ? want[b] : most;
    unsigned w, h;
    unsigned char *px = NULL;
    T_ASSERT(e2e_image(r, &w, &h, &px, NULL) == 0, "a PNG after the JSON: %s", t_mcp_text(r));
    T_CHECK(w == HISTPLOT_WIDTH && h == HISTPLOT_HEIGHT, "%ux%u", w, h);
    static const unsigned char bar[3] = { HISTPLOT_BAR_RGB };
    long base = HISTPLOT_HEIGHT - HISTPLOT_BOTTOM;          /* first row under the plot */
    for (int b = 0; b < BINS; b++) {
        long col = HISTPLOT_LEFT + (long)(2 * b + 1) * HISTPLOT_PLOT_W / (2 * BINS);
        long tall = 0;
        for (long y = base - 1; y >= 0; y--) {
            const unsigned char *p = px + 4 * ((size_t)y * w + (size_t)col);
            if (memcmp(p, bar, 3) != 0)
                break;
            tall++;
        }
        double expect = (double)want[b] / (double)most * HISTPLOT_PLOT_H;
        T_CHECK(fabs((double)tall - expect) <= 1, "bin %d: bar %ld px, phantom %zu voxels -> %.1f px",
                b, tall, want[b], expect);
    }
    /* the axis labels: dark text under the x axis and left of the y axis */
    long ink = 0;
    for (long y = base + 6; y < (long)h; y++)
        for (long xx = 0; xx < (long)w; xx++)
            ink += px[4 * ((size_t)y * w + (size_t)xx)] < 0x40;
    T_CHECK(ink > 100, "labels under the axis (%ld dark pixels)", ink);
    free(px);
    free(ref.sorted);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_lesion_sphere(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char args[300];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"center_ras\":"
             "[%g,%g,%g],\"radius_mm\":%g}}", SIM_LESION_R, SIM_LESION_A, SIM_LESION_S, SIM_LESION_RADIUS);
    cJSON *r = stats(&x, args);
    const cJSON *s = e2e_structured(r);
    double c[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };
    ref_stats lesion, normal;
    reference(c, SIM_LESION_RADIUS, NULL, &lesion);
    compare(s, &lesion, "lesion");
    const cJSON *reg = get(s, "region");
    T_CHECK(!strcmp(cJSON_GetStringValue(get(reg, "shape")), "sphere") && num(reg, "radius_mm") == 8, "sphere echoed");
    const cJSON *rb = get(reg, "ras_bounds");
    T_CHECK(cJSON_GetArrayItem(rb, 0)->valuedouble >= SIM_LESION_R - SIM_LESION_RADIUS - 1e-6 &&
            cJSON_GetArrayItem(rb, 1)->valuedouble <= SIM_LESION_R + SIM_LESION_RADIUS + 1e-6 &&
            cJSON_GetArrayItem(rb, 4)->valuedouble >= SIM_LESION_S - SIM_LESION_RADIUS - 1e-6,
            "RAS bounds within the sphere");
    /* The same sphere mirrored into normal white matter. */
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"center_ras\":"
             "[%g,%g,%g],\"radius_mm\":%g}}", -SIM_LESION_R, SIM_LESION_A, SIM_LESION_S, SIM_LESION_RADIUS);
    cJSON *r2 = stats(&x, args);
    c[0] = -SIM_LESION_R;
    reference(c, SIM_LESION_RADIUS, NULL, &normal);
    compare(e2e_structured(r2), &normal, "normal brain");
    T_CHECK(num(s, "mean") > num(e2e_structured(r2), "mean") + 200, "lesion mean %g vs normal brain %g",
            num(s, "mean"), num(e2e_structured(r2), "mean"));
    free(lesion.sorted);
    free(normal.sorted);
    cJSON_Delete(r);
    cJSON_Delete(r2);
    e2e_stop(&x);
}

static void test_box_and_labelmap(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    cJSON *r = stats(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"ijk_min\":[100,-20,60],"
                         "\"ijk_max\":[140,30,500]}}");
    long box[6] = { 100, 0, 60, 140, 30, 129 };
    ref_stats ref;
    reference(NULL, 0, box, &ref);
    const cJSON *s = e2e_structured(r);
    compare(s, &ref, "box");
    const cJSON *reg = get(s, "region");
    T_CHECK(cJSON_GetArrayItem(get(reg, "ijk_min"), 1)->valuedouble == 0 &&
            cJSON_GetArrayItem(get(reg, "ijk_max"), 2)->valuedouble == 129, "box clipped to the volume");
    free(ref.sorted);
    cJSON_Delete(r);
    /* The labelmap is unsigned char in Slicer, sent as short. */
    r = stats(&x, "{\"node_id\":\"vtkMRMLLabelMapVolumeNode1\",\"bins\":3}");
    s = e2e_structured(r);
    T_CHECK(!strcmp(cJSON_GetStringValue(get(s, "scalar_type")), "short") &&
            strstr(cJSON_GetStringValue(get(s, "note")), "short"), "labelmap as short, noted");
    T_CHECK(num(s, "min") == 0 && num(s, "max") == 2, "labels 0..2");
    sim_volume lab;
    T_ASSERT(sim_phantom_labels(&lab) == 0, "labels");
    size_t n = (size_t)lab.dims[0] * lab.dims[1] * lab.dims[2], ones = 0;
    for (size_t i = 0; i < n; i++)
        ones += sim_volume_value(&lab, i) == 1;
    T_CHECK(cJSON_GetArrayItem(get(get(s, "histogram"), "counts"), 1)->valuedouble == (double)ones,
            "lesion label voxels %zu", ones);
    sim_volume_free(&lab);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void expect_error(e2e *x, const char *args, const char *want)
{
    cJSON *r = t_mcp_call(x->mcp, "get_volume_statistics", args, 30000);
    T_CHECK(r && t_mcp_is_error(r) && strstr(t_mcp_text(r), want), "%s: want error '%s', got '%s'", args,
            want, r ? t_mcp_text(r) : "no answer");
    cJSON_Delete(r);
}

static void test_errors(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode9\"}", "No volume has id 'vtkMRMLScalarVolumeNode9'");
    expect_error(&x, "{\"node_id\":\"vtkMRMLSliceNodeRed\"}", "is not a scalar volume");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"center_ras\":[500,0,0],"
                     "\"radius_mm\":5}}", "holds no voxel centre");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"ijk_min\":[300,0,0],"
                     "\"ijk_max\":[400,10,10]}}", "outside");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"ijk_min\":[5,0,0],"
                     "\"ijk_max\":[4,10,10]}}", "greater than");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"center_ras\":[0,0,0],"
                     "\"radius_mm\":-1}}", "Invalid arguments");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"center_ras\":[0,0,0],"
                     "\"radius_mm\":1,\"ijk_min\":[0,0,0]}}", "Invalid arguments");
    expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"bins\":0}", "Invalid arguments");
    expect_error(&x, "{\"node_id\":\"MRHead*\"}", "Invalid arguments");
    /* {} is valid: the Red view's volume (test_e2e_view) */
    /* The gateway is still fine afterwards. */
    cJSON *r = stats(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":{\"ijk_min\":[0,0,0],"
                         "\"ijk_max\":[0,0,0]}}");
    T_CHECK(num(e2e_structured(r), "voxel_count") == 1, "one voxel");
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_slicer_faults(void)
{
    static const struct { const char *fault, *want; } cases[] = {
        { "/slicer/volume=truncate", "cut short" },
        { "/slicer/volume=garbage", "not an NRRD file" },
        { "/slicer/volume=500:kaboom", "kaboom" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        e2e x;
        const char *sim[] = { "--fault", cases[i].fault, NULL };
        T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
        expect_error(&x, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", cases[i].want);
        e2e_stop(&x);
    }
}

static void test_progress_and_listing(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/volume=delay:700", NULL };
    T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
    cJSON *r = t_mcp_request(x.mcp, "tools/call", "{\"name\":\"get_volume_statistics\",\"arguments\":"
                             "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"},\"_meta\":{\"progressToken\":7}}", 30000);
    T_CHECK(r && !t_mcp_is_error(r), "the call completes");
    int progress = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, t_mcp_notes(x.mcp))
        if (!strcmp(cJSON_GetStringValue(get(n, "method")), "notifications/progress") &&
            num(get(n, "params"), "progressToken") == 7)
            progress++;
    T_CHECK(progress >= 1, "progress notifications (%d)", progress);
    cJSON_Delete(r);
    r = t_mcp_request(x.mcp, "tools/list", "{}", 5000);
    const cJSON *t, *found = NULL;
    cJSON_ArrayForEach(t, get(get(r, "result"), "tools"))
        if (!strcmp(cJSON_GetStringValue(get(t, "name")), "get_volume_statistics"))
            found = t;
    T_CHECK(found && get(found, "outputSchema") && cJSON_IsTrue(get(get(found, "annotations"), "readOnlyHint")),
            "listed with outputSchema, read-only");
    cJSON_Delete(r);
    e2e_stop(&x);
}

int main(void)
{
    if (sim_phantom_mrhead(&g_head, 0) != 0) {
        printf("FAIL phantom: out of memory\n");
        return 1;
    }
    t_run("stats_whole_volume_matches_phantom", test_whole_volume);
    t_run("stats_histogram_plot_matches_phantom", test_histogram_plot);
    t_run("stats_lesion_sphere_matches_and_is_bright", test_lesion_sphere);
    t_run("stats_box_and_labelmap", test_box_and_labelmap);
    t_run("stats_errors", test_errors);
    t_run("stats_slicer_faults", test_slicer_faults);
    t_run("stats_progress_and_listing", test_progress_and_listing);
    sim_volume_free(&g_head);
    return t_done();
}
