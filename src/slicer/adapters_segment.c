/* adapters_segment: segment_region (see the header).  Memory: one bit per
 * voxel of the bound's box for the seeded mask, the flood fill's stack,
 * and one chunk of labels; nothing else grows with the volume. */
#include "slicer/adapters_segment.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slicer/labelnrrd.h"
#include "slicer/labelstat.h"
#include "slicer/props.h"
#include "slicer/segmask.h"
#include "slicer/volfetch.h"
#include "slicer/voxgrid.h"

#define SEG_CHUNK 65536          /* labels per write: one row at most (NRRD_MAX_AXIS) */

typedef enum { PASS_MASK, PASS_LABELS } seg_pass;

typedef struct {
    call_ctx *c;
    const char *node_id;
    seg_rule rule;
    int has_seed;
    double seed_ras[3];
    long seed[3];
    double seed_value;
    int label;
    seg_pass pass;
    /* grid, from the first pass's header */
    nrrd_header h;
    voxgrid g;
    int have_grid;
    long blo[3], bhi[3];        /* the bound's IJK box */
    segmask *mask;
    /* the labels pass: a spool file, locked while sf.fd is open, written
     * through a duplicate descriptor that the writer owns */
    spool_file sf;
    labelnrrd *out;
    unsigned char chunk[SEG_CHUNK];
    size_t nchunk;
    /* row span cache */
    long row, span0, span1;
    int span_ok;
    labelstat st;               /* the region */
} seg_run;

/* ---- arguments ----------------------------------------------------------- */

static const char *read_args(const cJSON *args, seg_run *s)
{
    const cJSON *lo = cJSON_GetObjectItemCaseSensitive(args, "lower");
    const cJSON *up = cJSON_GetObjectItemCaseSensitive(args, "upper");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(args, "seed_ras");
    const cJSON *bound = cJSON_GetObjectItemCaseSensitive(args, "bound");
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(args, "label_value");
    if (!cJSON_IsNumber(lo) && !cJSON_IsNumber(up))
        return "Give lower, upper or both: the intensity range of the region.";
    s->rule.lower = cJSON_IsNumber(lo) ? lo->valuedouble : -INFINITY;
    s->rule.upper = cJSON_IsNumber(up) ? up->valuedouble : INFINITY;
    if (s->rule.lower > s->rule.upper)
        return "lower is above upper.";
    s->label = cJSON_IsNumber(lab) ? (int)lab->valuedouble : 1;
    if (s->label < 1 || s->label > 255)
        return "label_value must be 1..255.";
    if (seed) {
        if (call_vec3(seed, s->seed_ras) != 0)
            return "seed_ras must be [R, A, S] in mm.";
        s->has_seed = 1;
    }
    if (!bound)
        return NULL;
    const cJSON *rad = cJSON_GetObjectItemCaseSensitive(bound, "radius_mm");
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(bound, "center_ras"), s->rule.center) == 0 &&
        cJSON_IsNumber(rad) && rad->valuedouble > 0) {
        s->rule.bound = SEG_BOUND_SPHERE;
        s->rule.radius = rad->valuedouble;
        return NULL;
    }
    if (call_vec3(cJSON_GetObjectItemCaseSensitive(bound, "min_ras"), s->rule.bmin) == 0 &&
        call_vec3(cJSON_GetObjectItemCaseSensitive(bound, "max_ras"), s->rule.bmax) == 0) {
        s->rule.bound = SEG_BOUND_BOX;
        for (int a = 0; a < 3; a++)
            if (s->rule.bmin[a] > s->rule.bmax[a])
                return "bound.min_ras must not exceed max_ras on any axis.";
        return NULL;
    }
    return "bound must be {center_ras, radius_mm} or {min_ras, max_ras}.";
}

/* ---- the passes ---------------------------------------------------------- */

/* The labels pass starts the file once the grid is known. */
static int open_labels(seg_run *s, err *e)
{
    char head[1024];
    if (s->pass != PASS_LABELS)
        return 0;
    int n = labelnrrd_header(&s->h, head, sizeof head);
    if (n < 0)
        return err_set(e, ERR_INTERNAL, "labelmap file: no header for this grid");
    if (spool_write(s->c->spool, ".nrrd", head, (size_t)n, &s->sf, e) != 0)
        return -1;
    int fd = dup(s->sf.fd);
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "spool: dup: %s", strerror(errno));
    s->out = labelnrrd_open(fd, s->h.voxels, e);
    return s->out ? 0 : -1;
}

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    seg_run *s = ud;
    if (s->have_grid) {
        /* the second pass: the same volume, or nothing is consistent */
        if (memcmp(h->sizes, s->h.sizes, sizeof h->sizes) != 0 || h->type != s->h.type)
            return err_set(e, ERR_INVALID, "%s changed while it was being read; try again.",
                           s->node_id);
        s->row = -1;
        return open_labels(s, e);
    }
    s->h = *h;
    if (voxgrid_from_nrrd(h, &s->g, e) != 0)
        return -1;
    s->have_grid = 1;
    s->row = -1;
    if (!seg_bound_box(&s->g, &s->rule, s->blo, s->bhi))
        return err_set(e, ERR_INVALID, "The bound holds no voxel centre of %s.", s->node_id);
    if (s->has_seed) {
        double ijk[3];
        voxgrid_to_ijk(&s->g, s->seed_ras, ijk);
        if (voxgrid_nearest(&s->g, ijk, s->seed) != 0)
            return err_set(e, ERR_INVALID, "The seed RAS (%g, %g, %g) is outside %s "
                           "(continuous IJK %.1f, %.1f, %.1f).", s->seed_ras[0],
                           s->seed_ras[1], s->seed_ras[2], s->node_id, ijk[0], ijk[1], ijk[2]);
        long i0, i1;
        if (!seg_row_span(&s->g, &s->rule, s->seed[1], s->seed[2], &i0, &i1) ||
            s->seed[0] < i0 || s->seed[0] > i1)
            return err_set(e, ERR_INVALID, "The seed RAS (%g, %g, %g) is outside the bound.",
                           s->seed_ras[0], s->seed_ras[1], s->seed_ras[2]);
        s->mask = segmask_new(s->blo, s->bhi, e);
        return s->mask ? 0 : -1;
    }
    return open_labels(s, e);
}

static int flush(seg_run *s, err *e)
{
    int rc = labelnrrd_write(s->out, s->chunk, s->nchunk, e);
    s->nchunk = 0;
    return rc;
}

/* Voxels i0..i1 of row (j, k), the first at raw: only the bound's span of
 * the row is looked at; the labels pass writes the whole piece. */
static int row_piece(seg_run *s, const unsigned char *raw, long i0, long i1, long j, long k,
                     err *e)
{
    long row = j + k * (long)s->g.dims[1];
    if (row != s->row) {
        s->row = row;
        s->span_ok = seg_row_span(&s->g, &s->rule, j, k, &s->span0, &s->span1);
    }
    long a = s->span_ok && s->span0 > i0 ? s->span0 : i0;
    long b = s->span_ok && s->span1 < i1 ? s->span1 : i1;
    if (!s->span_ok)
        b = a - 1;
    size_t vs = s->h.voxel_size;
    if (s->pass == PASS_MASK) {
        for (long i = a; i <= b; i++) {
            double v = voxgrid_value(s->h.type, raw + (size_t)(i - i0) * vs);
            long idx[3] = { i, j, k };
            if (seg_in_range(&s->rule, v))
                segmask_set(s->mask, idx);
        }
        if (j == s->seed[1] && k == s->seed[2] && s->seed[0] >= i0 && s->seed[0] <= i1)
            s->seed_value = voxgrid_value(s->h.type, raw + (size_t)(s->seed[0] - i0) * vs);
        return 0;
    }
    size_t len = (size_t)(i1 - i0 + 1);
    if (s->nchunk + len > SEG_CHUNK && flush(s, e) != 0)
        return -1;
    unsigned char *out = s->chunk + s->nchunk;
    memset(out, 0, len);
    s->nchunk += len;
    for (long i = a; i <= b; i++) {
        double v = voxgrid_value(s->h.type, raw + (size_t)(i - i0) * vs);
        long idx[3] = { i, j, k };
        /* with a seed, the fill cleared the bits of the connected voxels */
        if (!seg_in_range(&s->rule, v) || (s->mask && segmask_get(s->mask, idx)))
            continue;
        out[i - i0] = (unsigned char)s->label;
        labelstat_voxel(&s->st, i, j, k);
        labelstat_value(&s->st, v);
    }
    return 0;
}

/* Splits a run of voxels into pieces of rows. */
static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    seg_run *s = ud;
    uint64_t d0 = s->g.dims[0], d1 = s->g.dims[1];
    while (count > 0) {
        long i = (long)(first % d0), j = (long)(first / d0 % d1), k = (long)(first / d0 / d1);
        size_t len = (size_t)(d0 - (uint64_t)i) < count ? (size_t)(d0 - (uint64_t)i) : count;
        if (row_piece(s, raw, i, i + (long)len - 1, j, k, e) != 0)
            return -1;
        raw += len * s->h.voxel_size;
        first += len;
        count -= len;
    }
    return 0;
}

/* ---- result -------------------------------------------------------------- */

static cJSON *result_json(const seg_run *s, const char *id, const char *name, uint64_t bytes,
                          int passes)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "node_id", id);
    if (name)
        cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "source_id", s->node_id);
    cJSON_AddNumberToObject(o, "label_value", s->label);
    labelstat_json(&s->st, &s->g, 0, o);
    cJSON_AddNumberToObject(o, "voxel_mm3", s->g.voxel_mm3);
    cJSON_AddNumberToObject(o, "bytes_read", (double)bytes);
    cJSON_AddNumberToObject(o, "passes", passes);
    return o;
}

/* ---- the call ------------------------------------------------------------ */

/* Loads the spooled labelmap; the new node's id into id (caller frees),
 * or a tool failure (1) / -1 with e.
 *
 * No name= goes with the load, on purpose.  Every query parameter of
 * POST /mrml becomes a load property (loadIntoScene in
 * Modules/Scripted/WebServer/WebServerLib/SlicerRequestHandler.py ->
 * slicer.util.loadNodeFromFile in Base/Python/slicer/util.py ->
 * qSlicerIOManager::loadNodes -> qSlicerCoreIOManager::loadNodes in
 * Base/QTGUI and Base/QTCore), and qSlicerCoreIOManager emits
 * newFileLoaded with all of them; qSlicerMainWindow::onNewFileLoaded
 * (Base/QTApp/qSlicerMainWindow.cxx) writes them to the QSettings array
 * RecentlyLoadedFiles/RecentFiles on disk, where they outlive the scene,
 * the session and our redaction.  A model-chosen name may hold a
 * patient's name.  Without name=, qSlicerVolumesReader::load
 * (Modules/Loadable/Volumes) names the node after the file's
 * QFileInfo::baseName(): the spool's random "slicer-mcp-<hex>", which is
 * already in that list as the fileName and says nothing about anyone.
 * The Web Server has no exec-free rename (POST /volume would make or
 * overwrite a node found by name or glob), so the node keeps that name. */
static int load_labelmap(call_ctx *c, const char *path, char **id, err *e)
{
    buf t;
    buf_init(&t, 4096);
    int rc = buf_puts(&t, "/slicer/mrml");
    rc |= call_query_add(&t, "localfile", path);
    rc |= call_query_add(&t, "filetype", "VolumeFile");
    rc |= call_query_add(&t, "labelmap", "true");
    cJSON *j = NULL;
    err ce = { 0 };
    if (rc != 0) {
        buf_free(&t);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    rc = call_slicer_json(c, "POST", t.data, &j, &ce);
    buf_free(&t);
    const cJSON *nid = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "loadedNodeIDs"), 0);
    if (rc == 0 && cJSON_IsString(nid))
        *id = strdup(nid->valuestring);
    cJSON_Delete(j);
    if (rc != 0)
        return call_fail(c, ce.msg) == 0 ? 1 : -1;
    if (!*id)
        return call_fail(c, "Slicer loaded the labelmap file but reported no node id") == 0 ? 1 : -1;
    return 0;
}

/* The passes, the file and the load; 0 with *id and the figures, 1 when
 * the tool failed (c says why), -1 with e. */
static int run(call_ctx *c, seg_run *s, char **id,
               uint64_t *bytes, int *passes, err *e)
{
    volfetch f = { .on_header = on_header, .on_voxels = on_voxels, .ud = s };
    int rc;
    if (s->has_seed) {
        s->pass = PASS_MASK;
        if ((rc = volfetch_run(c, s->node_id, &f, e)) != 0)
            return rc;
        *bytes += f.bytes;
        (*passes)++;
        if (!segmask_get(s->mask, s->seed)) {
            char m[600];
            snprintf(m, sizeof m, "The seed voxel's intensity is %g, outside the range %g..%g: "
                     "no region grows from it. Sample around the seed (sample_voxels) to "
                     "choose the range.", s->seed_value, s->rule.lower, s->rule.upper);
            return call_fail(c, m) == 0 ? 1 : -1;
        }
        err fe = { 0 };
        if (segmask_fill_clear(s->mask, s->seed, &fe) < 0) {
            if (fe.kind == ERR_INTERNAL)
                return err_set(e, ERR_INTERNAL, "%s", fe.msg);
            return call_fail(c, fe.msg) == 0 ? 1 : -1;
        }
    }
    s->pass = PASS_LABELS;
    rc = volfetch_run(c, s->node_id, &f, e);
    *bytes += f.bytes;
    (*passes)++;
    if (s->nchunk > 0 && rc == 0 && flush(s, e) != 0)
        rc = -1;
    labelnrrd *out = s->out;
    s->out = NULL;
    if (labelnrrd_close(out, rc == 0 ? e : NULL) != 0 && rc == 0)
        rc = -1;
    if (rc != 0)
        return rc;
    if (s->st.count == 0) {
        char m[600];
        snprintf(m, sizeof m, "No voxel of %s is in the range %g..%g%s; no labelmap was made.",
                 s->node_id, s->rule.lower, s->rule.upper,
                 s->rule.bound != SEG_BOUND_NONE ? " inside the bound" : "");
        return call_fail(c, m) == 0 ? 1 : -1;
    }
    return load_labelmap(c, s->sf.path, id, e);
}

int adapter_segment_region(call_ctx *c, err *e)
{
    seg_run *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, ERR_INTERNAL, "out of memory");
    s->c = c;
    s->sf.fd = -1;
    const cJSON *jid = cJSON_GetObjectItemCaseSensitive(c->args, "node_id");
    const char *msg = !cJSON_IsString(jid) ? "node_id is required" : read_args(c->args, s);
    if (!msg && !c->spool)
        msg = "the gateway has no spool folder configured";
    int rc;
    if (msg) {
        rc = call_fail(c, msg);
    } else {
        s->node_id = jid->valuestring;
        char *id = NULL, *name = NULL;
        uint64_t bytes = 0;
        int passes = 0;
        rc = run(c, s, &id, &bytes, &passes, e);
        if (rc == 0) {
            /* the name Slicer gave it, as Slicer reports it */
            err ne = { 0 };
            name = props_node_name(c, id, NULL, &ne);
            if (!name && ne.kind == ERR_INTERNAL)
                rc = err_set(e, ERR_INTERNAL, "%s", ne.msg);
        }
        if (rc == 0) {
            cJSON *res = result_json(s, id, name, bytes, passes);
            rc = res ? call_set_structured(c, res) : -1;
            if (rc != 0)
                err_set(e, ERR_INTERNAL, "out of memory");
        }
        free(name);
        free(id);
    }
    /* Slicer has read the file by the time it answers; keep no PHI lying around. */
    labelnrrd_close(s->out, NULL);
    spool_remove(c->spool, &s->sf);
    segmask_free(s->mask);
    free(s);
    return rc < 0 ? -1 : 0;
}
