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
    int seg_out;                /* output: segmentation (a .seg.nrrd) */
    labelnrrd_segment seg;
    char seg_name[LABELNRRD_SEG_NAME_MAX + 1];
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

/* Slicer's own first segment colour: GenericAnatomyColors' "tissue"
 * (128, 174, 128), what vtkMRMLSegmentationDisplayNode::GenerateSegmentColor
 * gives the first segment made in the Segment Editor. */
static const unsigned char default_rgb[3] = { 0x80, 0xae, 0x80 };

static int hexdig(int ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* output, name and colour (the schema checked their shapes; this checks
 * again, as a tools.d edit may loosen it). */
static const char *read_output(const cJSON *args, seg_run *s)
{
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(args, "output");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(args, "name");
    const cJSON *col = cJSON_GetObjectItemCaseSensitive(args, "colour");
    if (out && (!cJSON_IsString(out) || (strcmp(out->valuestring, "labelmap") != 0 &&
                                         strcmp(out->valuestring, "segmentation") != 0)))
        return "output must be \"labelmap\" or \"segmentation\".";
    s->seg_out = out && strcmp(out->valuestring, "segmentation") == 0;
    if (!s->seg_out && (name || col))
        return "name and colour belong to output: \"segmentation\" (a segment has a name "
               "and a colour inside the file); a labelmap is named after the spool file and "
               "coloured by label_value. Add \"output\": \"segmentation\" or drop them.";
    if (!s->seg_out)
        return NULL;
    snprintf(s->seg_name, sizeof s->seg_name, "%s", LABELNRRD_SEG_ID);
    s->seg.name_auto = 1;
    if (name) {
        if (!cJSON_IsString(name) || !name->valuestring[0] ||
            strlen(name->valuestring) > LABELNRRD_SEG_NAME_MAX)
            return "name must be 1 to 128 bytes.";
        for (const unsigned char *p = (const unsigned char *)name->valuestring; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                return "name must not hold control characters (tab, newline, ...).";
        snprintf(s->seg_name, sizeof s->seg_name, "%s", name->valuestring);
        s->seg.name_auto = 0;
    }
    memcpy(s->seg.rgb, default_rgb, 3);
    if (col) {
        const char *h = cJSON_IsString(col) ? col->valuestring : "";
        if (strlen(h) != 7 || h[0] != '#')
            return "colour must be \"#RRGGBB\", for example \"#ff0000\".";
        for (int i = 0; i < 3; i++) {
            int a = hexdig(h[1 + 2 * i]), b = hexdig(h[2 + 2 * i]);
            if (a < 0 || b < 0)
                return "colour must be \"#RRGGBB\", for example \"#ff0000\".";
            s->seg.rgb[i] = (unsigned char)(a * 16 + b);
        }
    }
    s->seg.name = s->seg_name;
    return NULL;
}

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
    const char *bad = read_output(args, s);
    if (bad)
        return bad;
    s->seg.label = s->label;
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
    char head[4096];
    if (s->pass != PASS_LABELS)
        return 0;
    int n = s->seg_out ? labelnrrd_seg_header(&s->h, &s->seg, head, sizeof head)
                       : labelnrrd_header(&s->h, head, sizeof head);
    if (n < 0)
        return err_set(e, ERR_INTERNAL, "labelmap file: no header for this grid");
    /* the guard lets SegmentationFile load only a spool file ending .seg.nrrd */
    if (spool_write(s->c->spool, s->seg_out ? ".seg.nrrd" : ".nrrd", head, (size_t)n,
                    &s->sf, e) != 0)
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
    cJSON_AddStringToObject(o, "output", s->seg_out ? "segmentation" : "labelmap");
    if (s->seg_out) {
        char hex[8];
        snprintf(hex, sizeof hex, "#%02x%02x%02x", s->seg.rgb[0], s->seg.rgb[1], s->seg.rgb[2]);
        cJSON *sg = cJSON_AddObjectToObject(o, "segment");
        cJSON_AddStringToObject(sg, "id", LABELNRRD_SEG_ID);
        cJSON_AddStringToObject(sg, "name", s->seg.name);
        cJSON_AddStringToObject(sg, "colour", hex);
    }
    cJSON_AddStringToObject(o, "source_id", s->node_id);
    cJSON_AddNumberToObject(o, "label_value", s->label);
    labelstat_json(&s->st, &s->g, 0, o);
    cJSON_AddNumberToObject(o, "voxel_mm3", s->g.voxel_mm3);
    cJSON_AddNumberToObject(o, "bytes_read", (double)bytes);
    cJSON_AddNumberToObject(o, "passes", passes);
    return o;
}

/* ---- the call ------------------------------------------------------------ */

/* Loads the spooled labelmap or segmentation; the new node's id into id
 * (caller frees), or a tool failure (1) / -1 with e.
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
 * overwrite a node found by name or glob), so the node keeps that name.
 *
 * A segmentation goes with filetype=SegmentationFile and nothing else:
 * its segment's name and colour are inside the file (Segment0_Name,
 * Segment0_Color), which no settings list keeps.  qSlicerSegmentationsReader
 * ::load (Modules/Loadable/Segmentations) passes no name on to
 * vtkSlicerSegmentationsModuleLogic::LoadSegmentationFromFile, which names
 * the node GetUniqueNameByString(GetFileNameWithoutExtension(file)):
 * ".seg.nrrd" is the longest of vtkMRMLSegmentationStorageNode's read
 * extensions that matches, so the node is "slicer-mcp-<hex>" too. */
static int load_spooled(call_ctx *c, const char *path, int seg, char **id, err *e)
{
    buf t;
    buf_init(&t, 4096);
    int rc = buf_puts(&t, "/slicer/mrml");
    rc |= call_query_add(&t, "localfile", path);
    rc |= call_query_add(&t, "filetype", seg ? "SegmentationFile" : "VolumeFile");
    if (!seg)
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
        return call_fail(c, seg ? "Slicer loaded the segmentation file but reported no node id"
                              : "Slicer loaded the labelmap file but reported no node id") == 0
                   ? 1 : -1;
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
        snprintf(m, sizeof m, "No voxel of %s is in the range %g..%g%s; no %s was made.",
                 s->node_id, s->rule.lower, s->rule.upper,
                 s->rule.bound != SEG_BOUND_NONE ? " inside the bound" : "",
                 s->seg_out ? "segmentation" : "labelmap");
        return call_fail(c, m) == 0 ? 1 : -1;
    }
    return load_spooled(c, s->sf.path, s->seg_out, id, e);
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
