/* adapters_voxels: sample_voxels over a streamed NRRD (see the header).
 * Every wanted voxel becomes a probe (voxel number, slot); the probes are
 * sorted by voxel number and met in order as the voxels stream past. */
#include "slicer/adapters_voxels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/labelstat.h"
#include "slicer/volfetch.h"
#include "slicer/voxgrid.h"

#define VOX_MAX_POINTS   1000       /* points, or samples along a line */
#define VOX_MAX_BOX      32768      /* voxels in a box: 32^3 */
#define VOX_REASON_LEN   160

typedef enum { MODE_POINTS, MODE_LINE, MODE_BOX } vox_mode;

typedef struct {
    uint64_t voxel;
    uint32_t slot;
} probe;

typedef struct {
    double ras[3];
    int inside;
    uint32_t slot;              /* first of 1 (nearest) or 8 (linear) slots */
    double w[8];                /* linear: weights of the 8 corner slots */
    char reason[VOX_REASON_LEN];
} vox_point;

typedef struct {
    vox_mode mode;
    int linear;
    const char *node_id;
    /* points and line */
    vox_point *pts;
    int npts;
    double from[3], to[3];
    /* box: given in RAS (center, size) or IJK */
    int box_ijk;
    double box_c[3], box_size[3];
    long lo[3], hi[3];
    /* the pass */
    nrrd_header h;
    voxgrid g;
    probe *probes;
    size_t nprobes, next;
    double *vals;               /* by slot */
    volfetch *f;
} vox_run;

/* ---- arguments ----------------------------------------------------------- */

/* Reads the one region argument; NULL, or the message for the model. */
static const char *read_args(const cJSON *args, vox_run *s)
{
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(args, "points");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(args, "line");
    const cJSON *box = cJSON_GetObjectItemCaseSensitive(args, "box");
    const cJSON *interp = cJSON_GetObjectItemCaseSensitive(args, "interpolation");
    if (!!pts + !!line + !!box != 1)
        return "Give exactly one of points, line or box.";
    s->linear = cJSON_IsString(interp) && strcmp(interp->valuestring, "linear") == 0;
    if (pts || line) {
        int n = pts ? cJSON_GetArraySize(pts) : 0;
        const cJSON *ns = line ? cJSON_GetObjectItemCaseSensitive(line, "samples") : NULL;
        if (line) {
            if (call_vec3(cJSON_GetObjectItemCaseSensitive(line, "from"), s->from) != 0 ||
                call_vec3(cJSON_GetObjectItemCaseSensitive(line, "to"), s->to) != 0)
                return "line needs from and to, each [R, A, S] in mm.";
            n = cJSON_IsNumber(ns) ? (int)ns->valuedouble : 0;
        }
        if (n < (line ? 2 : 1) || n > VOX_MAX_POINTS)
            return line ? "line.samples must be 2..1000." : "points must hold 1..1000 points.";
        s->mode = pts ? MODE_POINTS : MODE_LINE;
        s->pts = calloc((size_t)n, sizeof *s->pts);
        if (!s->pts)
            return "out of memory";
        s->npts = n;
        for (int i = 0; i < n; i++) {
            if (pts && call_vec3(cJSON_GetArrayItem(pts, i), s->pts[i].ras) != 0)
                return "Each point must be [R, A, S] in mm.";
            for (int a = 0; line && a < 3; a++)
                s->pts[i].ras[a] = s->from[a] + (s->to[a] - s->from[a]) * i / (n - 1);
        }
        return NULL;
    }
    s->mode = MODE_BOX;
    double lo[3], hi[3];
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(box, "ijk_min"), lo) == 0 &&
        call_vec3(cJSON_GetObjectItemCaseSensitive(box, "ijk_max"), hi) == 0) {
        s->box_ijk = 1;
        for (int a = 0; a < 3; a++) {
            if (lo[a] != floor(lo[a]) || hi[a] != floor(hi[a]) || lo[a] > hi[a] ||
                fabs(lo[a]) > 1e6 || fabs(hi[a]) > 1e6)
                return "box.ijk_min and ijk_max must be whole voxel indices, min <= max.";
            s->lo[a] = (long)lo[a];
            s->hi[a] = (long)hi[a];
        }
        return NULL;
    }
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(box, "center_ras"), s->box_c) != 0 ||
        call_vec3(cJSON_GetObjectItemCaseSensitive(box, "size_mm"), s->box_size) != 0)
        return "box must be {center_ras, size_mm} or {ijk_min, ijk_max}.";
    return NULL;
}

/* ---- probes -------------------------------------------------------------- */

static void add_probe(vox_run *s, const long idx[3], uint32_t slot)
{
    s->probes[s->nprobes].voxel = voxgrid_index(&s->g, idx);
    s->probes[s->nprobes++].slot = slot;
}

static void outside_reason(const vox_run *s, const double ijk[3], char *out)
{
    snprintf(out, VOX_REASON_LEN, "outside the volume: continuous IJK (%.1f, %.1f, %.1f), "
             "voxel indices run 0..%zu, 0..%zu, 0..%zu", ijk[0], ijk[1], ijk[2],
             s->g.dims[0] - 1, s->g.dims[1] - 1, s->g.dims[2] - 1);
}

/* A point's probes: its nearest voxel, or the 8 around it (clamped at the
 * edges, where the point is within half a voxel of the last centre). */
static void point_probes(vox_run *s, vox_point *p, uint32_t *slot)
{
    double ijk[3];
    long near[3];
    voxgrid_to_ijk(&s->g, p->ras, ijk);
    if (voxgrid_nearest(&s->g, ijk, near) != 0) {
        outside_reason(s, ijk, p->reason);
        return;
    }
    p->inside = 1;
    p->slot = *slot;
    if (!s->linear) {
        add_probe(s, near, (*slot)++);
        return;
    }
    long i0[3];
    double fr[3];
    for (int a = 0; a < 3; a++) {
        double x = fmin(fmax(ijk[a], 0), (double)s->g.dims[a] - 1);
        i0[a] = (long)floor(x);
        if (i0[a] > (long)s->g.dims[a] - 2)
            i0[a] = s->g.dims[a] >= 2 ? (long)s->g.dims[a] - 2 : 0;
        fr[a] = s->g.dims[a] >= 2 ? x - (double)i0[a] : 0;
    }
    for (int c = 0; c < 8; c++) {
        long idx[3];
        double w = 1;
        for (int a = 0; a < 3; a++) {
            int up = c >> a & 1;
            idx[a] = i0[a] + (up && s->g.dims[a] >= 2);
            w *= up ? fr[a] : 1 - fr[a];
        }
        p->w[c] = w;
        add_probe(s, idx, (*slot)++);
    }
}

/* The box in IJK: given, or the voxel centres inside the RAS box (the
 * nearest centre along an axis thinner than a voxel), clipped. */
static int box_probes(vox_run *s, err *e)
{
    if (!s->box_ijk) {
        double mn[3] = { INFINITY, INFINITY, INFINITY }, mx[3] = { -INFINITY, -INFINITY, -INFINITY };
        double centre[3];
        voxgrid_to_ijk(&s->g, s->box_c, centre);
        for (int corner = 0; corner < 8; corner++) {
            double ras[3], ijk[3];
            for (int a = 0; a < 3; a++)
                ras[a] = s->box_c[a] + (corner >> a & 1 ? 0.5 : -0.5) * s->box_size[a];
            voxgrid_to_ijk(&s->g, ras, ijk);
            for (int a = 0; a < 3; a++) {
                mn[a] = fmin(mn[a], ijk[a]);
                mx[a] = fmax(mx[a], ijk[a]);
            }
        }
        for (int a = 0; a < 3; a++) {
            if (fabs(mn[a]) > 1e9 || fabs(mx[a]) > 1e9)
                return err_set(e, ERR_INVALID, "The box lies far outside %s.", s->node_id);
            s->lo[a] = (long)ceil(mn[a] - 1e-9);
            s->hi[a] = (long)floor(mx[a] + 1e-9);
            if (s->lo[a] > s->hi[a])
                s->lo[a] = s->hi[a] = (long)floor(centre[a] + 0.5);
        }
    }
    uint64_t n = 1;
    for (int a = 0; a < 3; a++) {
        s->lo[a] = s->lo[a] < 0 ? 0 : s->lo[a];
        if (s->hi[a] > (long)s->g.dims[a] - 1)
            s->hi[a] = (long)s->g.dims[a] - 1;
        if (s->lo[a] > s->hi[a]) {
            long vlo[3] = { 0, 0, 0 }, vhi[3];
            for (int b = 0; b < 3; b++)
                vhi[b] = (long)s->g.dims[b] - 1;
            double bb[6];
            voxgrid_ras_bounds(&s->g, vlo, vhi, bb);
            return err_set(e, ERR_INVALID, "The box holds no voxel of %s, whose voxel indices "
                           "run 0..%ld, 0..%ld, 0..%ld and whose voxel centres span R %.1f..%.1f, "
                           "A %.1f..%.1f, S %.1f..%.1f.", s->node_id, vhi[0], vhi[1], vhi[2],
                           bb[0], bb[1], bb[2], bb[3], bb[4], bb[5]);
        }
        n *= (uint64_t)(s->hi[a] - s->lo[a] + 1);
    }
    if (n > VOX_MAX_BOX)
        return err_set(e, ERR_INVALID, "The box holds %llu voxels (IJK %ld..%ld, %ld..%ld, "
                       "%ld..%ld); at most %d (32^3) can be sampled at once.",
                       (unsigned long long)n, s->lo[0], s->hi[0], s->lo[1], s->hi[1], s->lo[2],
                       s->hi[2], VOX_MAX_BOX);
    s->probes = malloc(n * sizeof *s->probes);
    s->vals = malloc(n * sizeof *s->vals);
    if (!s->probes || !s->vals)
        return err_set(e, ERR_INTERNAL, "out of memory");
    uint32_t slot = 0;
    long idx[3];
    for (idx[2] = s->lo[2]; idx[2] <= s->hi[2]; idx[2]++)
        for (idx[1] = s->lo[1]; idx[1] <= s->hi[1]; idx[1]++)
            for (idx[0] = s->lo[0]; idx[0] <= s->hi[0]; idx[0]++)
                add_probe(s, idx, slot++);
    return 0;
}

static int cmp_probe(const void *a, const void *b)
{
    const probe *x = a, *y = b;
    return x->voxel < y->voxel ? -1 : x->voxel > y->voxel;
}

/* ---- stream callbacks ---------------------------------------------------- */

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    vox_run *s = ud;
    s->h = *h;
    if (voxgrid_from_nrrd(h, &s->g, e) != 0)
        return -1;
    if (s->mode == MODE_BOX) {
        if (box_probes(s, e) != 0)
            return -1;
    } else {
        size_t per = s->linear ? 8 : 1;
        s->probes = malloc((size_t)s->npts * per * sizeof *s->probes);
        s->vals = malloc((size_t)s->npts * per * sizeof *s->vals);
        if (!s->probes || !s->vals)
            return err_set(e, ERR_INTERNAL, "out of memory");
        uint32_t slot = 0;
        for (int i = 0; i < s->npts; i++)
            point_probes(s, &s->pts[i], &slot);
    }
    qsort(s->probes, s->nprobes, sizeof *s->probes, cmp_probe);
    s->f->done = s->nprobes == 0;
    return 0;
}

static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    (void)e;
    vox_run *s = ud;
    uint64_t end = first + count;
    while (s->next < s->nprobes && s->probes[s->next].voxel < end) {
        const probe *p = &s->probes[s->next++];
        if (p->voxel >= first)
            s->vals[p->slot] = voxgrid_value(s->h.type, raw + (p->voxel - first) * s->h.voxel_size);
    }
    s->f->done = s->next == s->nprobes;
    return 0;
}

/* ---- result -------------------------------------------------------------- */

static double point_value(const vox_run *s, const vox_point *p)
{
    if (!s->linear)
        return s->vals[p->slot];
    double v = 0;
    for (int c = 0; c < 8; c++)
        v += p->w[c] * s->vals[p->slot + (uint32_t)c];
    return v;
}

static cJSON *geometry_json(const vox_run *s)
{
    cJSON *m = cJSON_CreateArray();
    for (int r = 0; r < 3; r++) {
        double row[4];
        for (int c = 0; c < 4; c++)
            row[c] = s->g.m[r][c];
        cJSON_AddItemToArray(m, cJSON_CreateDoubleArray(row, 4));
    }
    return m;
}

static cJSON *result_json(const vox_run *s, uint64_t bytes)
{
    static const char *const modes[] = { "points", "line", "box" };
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "node_id", s->node_id);
    cJSON_AddStringToObject(o, "mode", modes[s->mode]);
    cJSON_AddStringToObject(o, "scalar_type", s->h.type == NRRD_SHORT ? "short" : "double");
    cJSON_AddItemToObject(o, "ijk_to_ras", geometry_json(s));
    if (s->mode == MODE_BOX) {
        double lo[3], hi[3], dims[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = (double)s->lo[a];
            hi[a] = (double)s->hi[a];
            dims[a] = hi[a] - lo[a] + 1;
        }
        cJSON_AddItemToObject(o, "ijk_min", cJSON_CreateDoubleArray(lo, 3));
        cJSON_AddItemToObject(o, "ijk_max", cJSON_CreateDoubleArray(hi, 3));
        cJSON_AddItemToObject(o, "dimensions", cJSON_CreateDoubleArray(dims, 3));
        cJSON_AddStringToObject(o, "order", "I fastest, then J, then K");
        cJSON *v = cJSON_AddArrayToObject(o, "values");
        for (size_t i = 0; i < s->nprobes; i++)
            cJSON_AddItemToArray(v, cJSON_CreateNumber(s->vals[i]));
    } else {
        cJSON_AddStringToObject(o, "interpolation", s->linear ? "linear" : "nearest");
        if (s->mode == MODE_LINE) {
            double len = sqrt(pow(s->to[0] - s->from[0], 2) + pow(s->to[1] - s->from[1], 2) +
                              pow(s->to[2] - s->from[2], 2));
            cJSON_AddNumberToObject(o, "length_mm", len);
            cJSON_AddNumberToObject(o, "step_mm", len / (s->npts - 1));
        }
        cJSON *v = cJSON_AddArrayToObject(o, "values");
        cJSON *out = NULL;
        for (int i = 0; i < s->npts; i++) {
            const vox_point *p = &s->pts[i];
            if (p->inside) {
                cJSON_AddItemToArray(v, cJSON_CreateNumber(point_value(s, p)));
                continue;
            }
            cJSON_AddItemToArray(v, cJSON_CreateNull());
            if (!out)
                out = cJSON_AddArrayToObject(o, "outside");
            cJSON *x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "index", i);
            cJSON_AddStringToObject(x, "reason", p->reason);
            cJSON_AddItemToArray(out, x);
        }
    }
    cJSON_AddNumberToObject(o, "bytes_read", (double)bytes);
    return o;
}

int adapter_sample_voxels(call_ctx *c, err *e)
{
    vox_run s = { 0 };
    volfetch f = { .on_header = on_header, .on_voxels = on_voxels, .ud = &s };
    s.f = &f;
    const cJSON *jid = cJSON_GetObjectItemCaseSensitive(c->args, "node_id");
    if (!cJSON_IsString(jid))
        return call_fail(c, "node_id is required");
    s.node_id = jid->valuestring;
    const char *msg = read_args(c->args, &s);
    int rc;
    if (msg) {
        rc = call_fail(c, msg);
    } else {
        rc = volfetch_run(c, s.node_id, &f, e);
        if (rc == 0) {
            cJSON *res = result_json(&s, f.bytes);
            rc = res ? call_set_structured(c, res) : -1;
            if (rc != 0)
                err_set(e, ERR_INTERNAL, "out of memory");
        }
    }
    free(s.pts);
    free(s.probes);
    free(s.vals);
    return rc < 0 ? -1 : 0;
}
