/* adapters_stats: get_volume_statistics over a streamed NRRD. */
#include "slicer/adapters_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/adapters_view.h"
#include "slicer/histplot.h"
#include "slicer/labelstat.h"
#include "slicer/nrrd.h"
#include "slicer/volfetch.h"
#include "slicer/volstats.h"
#include "slicer/voxgrid.h"

#define STATS_SHORT_NOTE \
    "Slicer's web server sends every volume that is not double as short (int16): if this " \
    "volume's own scalar type (get_volume_info: scalar_type) is float, unsigned or wider " \
    "than 16 bits, its values were truncated to integers, and values outside " \
    "-32768..32767 wrapped, before these statistics saw them."
#define STATS_DOUBLE_NOTE \
    "Double volume: min, max, mean and std are computed from every value; percentiles and " \
    "the histogram are approximate (each value placed within 0.4 % of itself)."

#define STATS_PLOT_BINS 64     /* bins of histogram_plot when bins is not given */

/* Everything the stream callbacks need. */
typedef struct {
    volstats_region region;
    const char *node_id;
    volstats *vs;
    nrrd_header h;
    voxgrid g;                  /* when has_grid */
    int has_grid;
} stats_run;

/* ---- arguments ----------------------------------------------------------- */

/* The region argument; 0, or -1 with msg (the schema has checked shape). */
static int read_region(const cJSON *args, volstats_region *r, const char **msg)
{
    const cJSON *jr = cJSON_GetObjectItemCaseSensitive(args, "region");
    memset(r, 0, sizeof *r);
    r->shape = VOLSTATS_WHOLE;
    if (!jr)
        return 0;
    double lo[3], hi[3];
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(jr, "ijk_min"), lo) == 0 &&
        call_vec3(cJSON_GetObjectItemCaseSensitive(jr, "ijk_max"), hi) == 0) {
        r->shape = VOLSTATS_BOX;
        for (int a = 0; a < 3; a++) {
            if (lo[a] != floor(lo[a]) || hi[a] != floor(hi[a]) || fabs(lo[a]) > 1e9 ||
                fabs(hi[a]) > 1e9) {
                *msg = "ijk_min and ijk_max must be whole voxel indices";
                return -1;
            }
            r->ijk_min[a] = (long)lo[a];
            r->ijk_max[a] = (long)hi[a];
        }
        return 0;
    }
    const cJSON *rad = cJSON_GetObjectItemCaseSensitive(jr, "radius_mm");
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(jr, "center_ras"), r->center_ras) == 0 &&
        cJSON_IsNumber(rad)) {
        r->shape = VOLSTATS_SPHERE;
        r->radius_mm = rad->valuedouble;
        return 0;
    }
    *msg = "region must be {ijk_min, ijk_max} or {center_ras, radius_mm}";
    return -1;
}

/* ---- stream callbacks ---------------------------------------------------- */

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    stats_run *s = ud;
    s->h = *h;
    volstats_opts o = { .type = h->type == NRRD_SHORT ? VOLSTATS_INT16 : VOLSTATS_DOUBLE,
                        .region = s->region };
    memcpy(o.dims, h->sizes, sizeof o.dims);
    s->has_grid = voxgrid_from_nrrd(h, &s->g, NULL) == 0;
    o.has_geometry = s->has_grid;
    memcpy(o.ijk_to_ras, s->g.m, sizeof s->g.m);
    s->vs = volstats_new(&o, e);
    if (!s->vs)
        return -1;
    long lo[3], hi[3];
    if (volstats_region_voxels(s->vs, lo, hi) > 0)
        return 0;
    /* Nothing to count: say where the volume is, and stop the transfer. */
    long vlo[3] = { 0, 0, 0 }, vhi[3];
    for (int a = 0; a < 3; a++)
        vhi[a] = (long)h->sizes[a] - 1;
    if (s->region.shape == VOLSTATS_SPHERE) {
        double b[6];
        voxgrid_ras_bounds(&s->g, vlo, vhi, b);
        return err_set(e, ERR_INVALID, "The sphere of radius %g mm around RAS (%g, %g, %g) "
                       "holds no voxel centre of %s, whose voxel centres span R %.1f..%.1f, "
                       "A %.1f..%.1f, S %.1f..%.1f.", s->region.radius_mm,
                       s->region.center_ras[0], s->region.center_ras[1],
                       s->region.center_ras[2], s->node_id, b[0], b[1], b[2], b[3], b[4], b[5]);
    }
    return err_set(e, ERR_INVALID, "The IJK box lies outside %s, whose voxel indices run "
                   "0..%ld, 0..%ld, 0..%ld.", s->node_id, vhi[0], vhi[1], vhi[2]);
}

static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    (void)e;
    stats_run *s = ud;
    volstats_add(s->vs, raw, first, count);
    return 0;
}

/* ---- the call ------------------------------------------------------------ */

static cJSON *num_array(const double *v, int n)
{
    return cJSON_CreateDoubleArray(v, n);
}

static cJSON *region_json(const stats_run *s, const long lo[3], const long hi[3])
{
    static const char *const shape[] = { "whole", "box", "sphere" };
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "shape", shape[s->region.shape]);
    double dl[3] = { (double)lo[0], (double)lo[1], (double)lo[2] };
    double dh[3] = { (double)hi[0], (double)hi[1], (double)hi[2] };
    cJSON_AddItemToObject(o, "ijk_min", num_array(dl, 3));
    cJSON_AddItemToObject(o, "ijk_max", num_array(dh, 3));
    if (s->has_grid) {
        double b[6];
        voxgrid_ras_bounds(&s->g, lo, hi, b);
        cJSON_AddItemToObject(o, "ras_bounds", num_array(b, 6));
    }
    if (s->region.shape == VOLSTATS_SPHERE) {
        cJSON_AddItemToObject(o, "center_ras", num_array(s->region.center_ras, 3));
        cJSON_AddNumberToObject(o, "radius_mm", s->region.radius_mm);
    }
    return o;
}

/* The histogram of bins bins, malloc'd into *edges and *counts; -1 when
 * there is none (no voxel, out of memory). */
static int histogram(const stats_run *s, int bins, double **edges, uint64_t **counts)
{
    *edges = malloc(((size_t)bins + 1) * sizeof **edges);
    *counts = malloc((size_t)bins * sizeof **counts);
    if (*edges && *counts && volstats_histogram(s->vs, bins, *edges, *counts) == 0)
        return 0;
    free(*edges);
    free(*counts);
    *edges = NULL;
    *counts = NULL;
    return -1;
}

static cJSON *result_json(const stats_run *s, int bins, const double *edges,
                          const uint64_t *counts, uint64_t bytes)
{
    volstats_result r;
    volstats_get(s->vs, &r);
    long lo[3] = { 0 }, hi[3] = { 0 };
    volstats_region_voxels(s->vs, lo, hi);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "node_id", s->node_id);
    cJSON_AddStringToObject(o, "scalar_type", s->h.type == NRRD_SHORT ? "short" : "double");
    double dims[3] = { (double)s->h.sizes[0], (double)s->h.sizes[1], (double)s->h.sizes[2] };
    cJSON_AddItemToObject(o, "dimensions", num_array(dims, 3));
    cJSON_AddItemToObject(o, "region", region_json(s, lo, hi));
    cJSON_AddNumberToObject(o, "voxel_count", (double)r.count);
    if (s->h.type == NRRD_DOUBLE)
        cJSON_AddNumberToObject(o, "non_finite_count", (double)r.non_finite);
    if (r.count > 0) {
        cJSON_AddNumberToObject(o, "min", r.min);
        cJSON_AddNumberToObject(o, "max", r.max);
        cJSON_AddNumberToObject(o, "mean", r.mean);
        cJSON_AddNumberToObject(o, "std", r.std);
        cJSON *p = cJSON_AddObjectToObject(o, "percentiles");
        for (int i = 0; i < VOLSTATS_NPCT; i++) {
            char k[24];
            snprintf(k, sizeof k, "p%d", (int)volstats_pct[i]);
            cJSON_AddNumberToObject(p, k, r.pct[i]);
        }
    }
    cJSON_AddBoolToObject(o, "percentiles_exact", r.exact);
    if (edges && counts) {
        cJSON *hj = cJSON_AddObjectToObject(o, "histogram");
        cJSON *je = cJSON_AddArrayToObject(hj, "edges");
        cJSON *jc = cJSON_AddArrayToObject(hj, "counts");
        for (int b = 0; b <= bins; b++)
            cJSON_AddItemToArray(je, cJSON_CreateNumber(edges[b]));
        for (int b = 0; b < bins; b++)
            cJSON_AddItemToArray(jc, cJSON_CreateNumber((double)counts[b]));
    }
    cJSON_AddNumberToObject(o, "bytes_read", (double)bytes);
    cJSON_AddStringToObject(o, "note", s->h.type == NRRD_SHORT ? STATS_SHORT_NOTE
                                                               : STATS_DOUBLE_NOTE);
    return o;
}

/* The histogram as a PNG after the JSON; a region without voxels has no
 * histogram, and the text says so instead. */
static int add_plot(call_ctx *c, int bins, const double *edges, const uint64_t *counts, err *e)
{
    if ((!edges || !counts) && call_add_text(c, "No histogram plot: the region holds no voxel.") != 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (!edges || !counts)
        return 0;
    void *png = NULL;
    size_t len = 0;
    int rc = histplot_png(edges, counts, bins, &png, &len, e);
    if (rc == 0)
        rc = call_add_drawn_png(c, png, len, e);
    free(png);
    return rc;
}

int adapter_volume_stats(call_ctx *c, err *e)
{
    stats_run s = { 0 };
    const char *msg = NULL;
    const cJSON *jb = cJSON_GetObjectItemCaseSensitive(c->args, "bins");
    int plot = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->args, "histogram_plot"));
    int bins = cJSON_IsNumber(jb) ? (int)jb->valuedouble : plot ? STATS_PLOT_BINS : 0;
    if (plot && bins > HISTPLOT_PLOT_W)
        return call_fail(c, "histogram_plot draws at most 400 bins; give fewer bins");
    if (bins < 0 || bins > VOLSTATS_MAX_BINS)
        return call_fail(c, "bins must be 1..1000");
    if (read_region(c->args, &s.region, &msg) != 0)
        return call_fail(c, msg);
    char *id = call_arg_string(c->args, "node_id");
    int via_red = !id, rc = 0;
    if (via_red && (rc = view_red_background(c, &id, e)) != 0)
        return rc < 0 ? -1 : 0;
    s.node_id = id;

    volfetch f = { .on_header = on_header, .on_voxels = on_voxels, .ud = &s };
    rc = volfetch_run(c, s.node_id, &f, e);
    double *edges = NULL;
    uint64_t *counts = NULL;
    if (rc == 0 && bins > 0)
        histogram(&s, bins, &edges, &counts);
    if (rc == 0) {
        cJSON *res = result_json(&s, bins, edges, counts, f.bytes);
        if (res && via_red) {
            char note[400];
            snprintf(note, sizeof note, VIEW_RED_NOTE_FMT, id);
            cJSON_AddStringToObject(res, "node_id_note", note);
        }
        rc = res ? call_set_structured(c, res) : -1;
        if (rc != 0)
            err_set(e, ERR_INTERNAL, "out of memory");
    }
    if (rc == 0 && plot)
        rc = add_plot(c, bins, edges, counts, e);
    free(edges);
    free(counts);
    volstats_free(s.vs);
    free(id);
    return rc < 0 ? -1 : 0;
}
