/* sim_segfile: POST /mrml filetype=SegmentationFile, the way Slicer loads
 * a segmentation file: qSlicerSegmentationsReader::load
 * (Modules/Loadable/Segmentations) -> vtkSlicerSegmentationsModuleLogic::
 * LoadSegmentationFromFile (its Logic/) -> vtkMRMLStorageNode::ReadData ->
 * vtkMRMLSegmentationStorageNode::ReadDataInternal and
 * ReadBinaryLabelmapRepresentation (Libs/MRML/Core), with their user
 * messages; and GET /slicer/segmentations (SlicerRequestHandler.py).
 *
 * What the stand-in does not model: surface files (.seg.vtm, .stl, .obj)
 * and NIfTI, which Slicer reads and the stand-in refuses as unreadable; 4D
 * (several layers) .seg.nrrd files, of which it reads no layer; the ITK
 * reader's own messages before "Error reading image."; the Closed surface
 * representation a file's ContainedRepresentationNames asks for; the
 * segment colours a display node generates for a plain labelmap NRRD (the
 * segments keep vtkSegment's 0.5 grey); and vtkMRMLScene's memory of
 * names already handed out (a name is unique among the nodes present). */
#include "sim_routes.h"
#include "sim_nrrdfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MSGS 8
#define MAX_SEGMENTS 256

typedef struct {
    const char *type[MAX_MSGS];   /* "Error" or "Warning" */
    char text[MAX_MSGS][700];
    int n;
} msgs;

static void msg(msgs *m, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void msg(msgs *m, const char *type, const char *fmt, ...)
{
    if (m->n >= MAX_MSGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->text[m->n], sizeof m->text[0], fmt, ap);
    va_end(ap);
    m->type[m->n++] = type;
}

/* vtkMRMLMessageCollection::GetAllMessagesAsString: "- " bullets once
 * there are two messages, "Error: " or "Warning: ", one per line; each
 * reader message carries qSlicerCoreIOManager::loadNodes' prefix
 * "Loading <fileName> - " (Base/QTCore/qSlicerCoreIOManager.cxx). */
static void messages_string(const msgs *m, const char *path, char *why, size_t wn)
{
    size_t o = 0;
    why[0] = '\0';
    for (int i = 0; i < m->n && o < wn; i++) {
        int k = snprintf(why + o, wn - o, "%s%s: Loading %s - %s\n", m->n >= 2 ? "- " : "",
                         m->type[i], path, m->text[i]);
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

/* ---- names ------------------------------------------------------------------ */

/* vtkMRMLSegmentationStorageNode's read file types (InitializeSupportedRead
 * FileTypes) and, for GetSupportedFileExtension, its write types too. */
static const char *const read_exts[] = { ".seg.nrrd", ".seg.nhdr", ".seg.vtm", ".nrrd", ".vtm",
                                         ".nii.gz", ".hdr", ".nii", NULL };
static const char *const write_exts[] = { ".seg.nrrd", ".seg.nhdr", ".nrrd", ".nhdr", ".seg.vtm",
                                          ".vtm", NULL };

/* vtkMRMLStorageNode::GetSupportedFileExtension: the longest extension the
 * lower-cased name ends with (and is longer than); "" if none. */
static const char *supported_ext(const char *name, int with_write)
{
    const char *best = "";
    size_t n = strlen(name);
    for (int w = 0; w < 1 + with_write; w++)
        for (const char *const *e = w ? write_exts : read_exts; *e; e++) {
            size_t k = strlen(*e);
            if (n > k && strcasecmp(name + n - k, *e) == 0 && k > strlen(best))
                best = *e;
        }
    return best;
}

/* GetFileNameWithoutExtension: the file name, less the extension when its
 * own spelling ends with the lower-case extension. */
static void base_name(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *file = slash ? slash + 1 : path;
    const char *ext = supported_ext(file, 1);
    size_t fl = strlen(file), el = strlen(ext);
    if (el > 0 && strcmp(file + fl - el, ext) == 0)
        fl -= el;
    snprintf(out, n, "%.*s", (int)fl, file);
}

static int name_used(const sim_scene *sc, const char *name)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->nodes[i]->name, name) == 0)
            return 1;
    return 0;
}

/* GetUniqueNameByString: base, then base_1, base_2, ... */
static void unique_name(const sim_scene *sc, const char *base, char *out, size_t n)
{
    snprintf(out, n, "%s", base);
    for (int i = 1; name_used(sc, out) && i < 100000; i++)
        snprintf(out, n, "%s_%d", base, i);
}

/* ---- the storage node's read -------------------------------------------------- */

static const char *seg_kv(const sim_nrrd_file *f, int i, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "Segment%d_%s", i, key);
    return sim_nrrd_kv(f, k);
}

/* vtkVariant(s).ToInt(): a leading integer, 0 otherwise. */
static int to_int(const char *s)
{
    return s ? (int)strtol(s, NULL, 10) : 0;
}

/* "a b c ..." read with std::stringstream >> into v[0..k): a failed read
 * writes 0 and stops (C++11); the rest keep their defaults. */
static void stream_doubles(const char *s, double *v, int k)
{
    for (int i = 0; i < k; i++) {
        char *end;
        double d = strtod(s, &end);
        if (end == s) {
            v[i] = 0;
            return;
        }
        v[i] = d;
        s = end;
    }
}

static void stream_ints(const char *s, int *v, int k)
{
    double d[6];
    for (int i = 0; i < k; i++)
        d[i] = v[i];
    stream_doubles(s, d, k);
    for (int i = 0; i < k; i++)
        v[i] = (int)d[i];
}

static int add_segment(sim_segmentation *sg, const char *id, const char *name)
{
    for (int i = 0; i < sg->nseg; i++)
        if (strcmp(sg->segs[i].id, id) == 0)
            return 0;        /* vtkSegmentation::AddSegment keeps the first */
    sim_segment *g = &sg->segs[sg->nseg];
    memset(g, 0, sizeof *g);
    g->id = strdup(id);
    g->name = strdup(name);
    g->tags = strdup("");
    if (!g->id || !g->name || !g->tags) {
        free(g->id);
        free(g->name);
        free(g->tags);
        return -1;
    }
    g->color[0] = g->color[1] = g->color[2] = 0.5;    /* SEGMENT_COLOR_INVALID */
    g->label = 1;
    g->name_auto = g->color_auto = 1;
    sg->nseg++;
    return 0;
}

/* A plain labelmap NRRD (no Segment0_ID): one segment per label present,
 * named and identified "Segment_<label>". */
static int plain_segments(sim_segmentation *sg, const int ext[6])
{
    const sim_volume *v = sg->vol;
    size_t nv = (size_t)v->dims[0] * v->dims[1] * v->dims[2];
    char seen[65536] = { 0 };
    for (size_t i = 0; i < nv; i++) {
        int l = v->scalar == SIM_UCHAR ? ((const unsigned char *)v->voxels)[i]
                                       : ((const short *)v->voxels)[i];
        if (l > 0)
            seen[l] = 1;
    }
    for (int l = 1; l < 65536 && sg->nseg < MAX_SEGMENTS; l++) {
        char id[32];
        if (!seen[l])
            continue;
        snprintf(id, sizeof id, "Segment_%d", l);
        if (add_segment(sg, id, id) != 0)
            return -1;
        sg->segs[sg->nseg - 1].label = l;
        memcpy(sg->segs[sg->nseg - 1].extent, ext, sizeof sg->segs[0].extent);
    }
    return 0;
}

static int empty_extent(const int e[6])
{
    return e[0] > e[1] || e[2] > e[3] || e[4] > e[5];
}

/* vtkMRMLSegmentationStorageNode::AddToExtent: an empty extent adds
 * nothing and is replaced by what is added; otherwise the union. */
static void add_to_extent(int e[6], const int add[6])
{
    if (empty_extent(add))
        return;
    if (empty_extent(e)) {
        memcpy(e, add, 6 * sizeof *e);
        return;
    }
    for (int a = 0; a < 3; a++) {
        if (add[2 * a] < e[2 * a])
            e[2 * a] = add[2 * a];
        if (add[2 * a + 1] > e[2 * a + 1])
            e[2 * a + 1] = add[2 * a + 1];
    }
}

/* ReadBinaryLabelmapRepresentation for a 3D file (one layer, layer 0):
 * segments counted by SegmentN_ID, those whose Layer is not 0 have no
 * labelmap in a 3D file and are left out ("Could not find segment").
 * 0 read, 1 not a labelmap this reader takes, -1 out of memory. */
static int read_labelmap(const sim_nrrd_file *f, sim_segmentation *sg, msgs *m)
{
    if (sim_nrrd_kv(f, "Segmentation_Extent"))
        return 1;     /* the legacy format: left to the 4D reader, not built */
    char why[512];
    sg->vol = sim_nrrd_volume(f, why, sizeof why);
    if (!sg->vol) {
        msg(m, "Error", "Error reading image.");
        return 1;
    }
    int off[3] = { 0, 0, 0 }, file_ext[6], ext[6];
    for (int a = 0; a < 3; a++) {
        file_ext[2 * a] = 0;
        file_ext[2 * a + 1] = sg->vol->dims[a] - 1;
    }
    const char *offs = sim_nrrd_kv(f, "Segmentation_ReferenceImageExtentOffset");
    if (offs)
        stream_ints(offs, off, 3);
    int valid = !(file_ext[1] == 0 && file_ext[3] == 0 && file_ext[5] == 0);
    int nseg = 0;
    while (nseg < MAX_SEGMENTS && seg_kv(f, nseg, "ID"))
        nseg++;
    sg->segs = calloc(MAX_SEGMENTS, sizeof *sg->segs);
    if (!sg->segs)
        return -1;
    if (nseg == 0) {
        for (int i = 0; i < 6; i++)
            ext[i] = file_ext[i] + off[i / 2];
        return valid ? plain_segments(sg, ext) : 0;
    }
    /* the layer's extent: the union of its segments' Extent, or the whole
     * file when one lacks it (a warning), shifted by the offset */
    int layer_ext[6] = { 0, -1, 0, -1, 0, -1 }, whole = 0;
    for (int i = 0; i < nseg; i++) {
        const char *ly = seg_kv(f, i, "Layer");
        if ((ly ? to_int(ly) : i) != 0)
            continue;
        const char *e = seg_kv(f, i, "Extent");
        int se[6] = { 0, -1, 0, -1, 0, -1 };
        if (!e) {
            msg(m, "Warning", "Segment extent is missing for segment %d", i);
            whole = 1;
            break;
        }
        stream_ints(e, se, 6);
        add_to_extent(layer_ext, se);
    }
    if (whole || !valid)
        memcpy(layer_ext, valid ? file_ext : (int[6]){ 0, -1, 0, -1, 0, -1 }, sizeof layer_ext);
    for (int i = 0; i < 6; i++)
        layer_ext[i] += off[i / 2];
    if (empty_extent(layer_ext))
        memcpy(layer_ext, (int[6]){ 0, -1, 0, -1, 0, -1 }, sizeof layer_ext);
    for (int i = 0; i < nseg; i++) {
        const char *ly = seg_kv(f, i, "Layer");
        if ((ly ? to_int(ly) : i) != 0)
            continue;
        const char *id = seg_kv(f, i, "ID"), *name = seg_kv(f, i, "Name");
        if (!name)
            msg(m, "Warning", "Segment name is missing for segment %d", i);
        if (add_segment(sg, id, name ? name : id) != 0)
            return -1;
        sim_segment *g = &sg->segs[sg->nseg - 1];
        if (strcmp(g->id, id) != 0)
            continue;                   /* a repeated ID */
        const char *col = seg_kv(f, i, "Color");
        if (!col)
            col = seg_kv(f, i, "DefaultColor");
        if (col)
            stream_doubles(col, g->color, 3);
        const char *v;
        if ((v = seg_kv(f, i, "NameAutoGenerated")))
            g->name_auto = strcmp(v, "1") == 0;
        if ((v = seg_kv(f, i, "ColorAutoGenerated")))
            g->color_auto = strcmp(v, "1") == 0;
        if ((v = seg_kv(f, i, "LabelValue")))
            g->label = to_int(v);
        if ((v = seg_kv(f, i, "Tags"))) {
            char *t = strdup(v);
            if (!t)
                return -1;
            free(g->tags);
            g->tags = t;
        }
        memcpy(g->extent, layer_ext, sizeof g->extent);
    }
    return 0;
}

/* ReadDataInternal: the labelmap reader, then the poly data one (which
 * never reads what the stand-in can parse), then the failure messages of
 * ReadDataInternal and vtkMRMLStorageNode::ReadData.  0 or -1. */
static int read_data(const char *path, sim_node *st, sim_node *n, sim_segmentation *sg, msgs *m)
{
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        msg(m, "Error", "Segmentation file '%s' is not found while trying to read node (%s).",
            path, st->id);
    } else {
        fclose(probe);
        sim_nrrd_file f;
        char detail[512];
        int rc = 1;
        if (sim_nrrd_open(path, &f, detail, sizeof detail) == 0)
            rc = read_labelmap(&f, sg, m);
        sim_nrrd_close(&f);
        if (rc <= 0)
            return rc;
        msg(m, "Error", "ReadPolyDataRepresentation: Failed to read file %s", path);
        msg(m, "Error", "File '%s' could not be read neither as labelmap nor polydata while "
            "trying to read node (%s).", path, st->id);
    }
    msg(m, "Error", "Failed to read node %s (%s) from filename='%s'", n->name, n->id, path);
    return -1;
}

sim_node *api_load_segmentation_file(sim_call *c, const char *path, char *why, size_t wn)
{
    sim_scene *sc = c->ctx->scene;
    msgs m = { .n = 0 };
    why[0] = '\0';
    if (!*supported_ext(path, 0)) {
        msg(&m, "Error", "Segmentation storage node unable to load segmentation file. "
            "Unsupported file type.");
        messages_string(&m, path, why, wn);
        return NULL;
    }
    char base[512], name[600], sname[700];
    base_name(path, base, sizeof base);
    unique_name(sc, base, name, sizeof name);
    snprintf(sname, sizeof sname, "%s_Storage", name);
    /* the storage node goes into the scene first, then the segmentation */
    sim_node *st = sim_scene_add(sc, "vtkMRMLSegmentationStorageNode", sname);
    sim_node *n = st ? sim_scene_add(sc, "vtkMRMLSegmentationNode", name) : NULL;
    sim_segmentation *sg = calloc(1, sizeof *sg);
    if (!st || !n || !sg || !(st->file = strdup(path)) || !(n->storage_id = strdup(st->id))) {
        if (n) sim_scene_remove(sc, n);
        if (st) sim_scene_remove(sc, st);
        free(sg);
        snprintf(why, wn, "out of memory");
        return NULL;
    }
    int rc = read_data(path, st, n, sg, &m);
    if (rc != 0) {
        /* LoadSegmentationFromFile removes the segmentation node only: the
         * storage node it added stays in the scene */
        sim_segmentation_free(sg);
        if (rc < 0 && m.n == 0)
            msg(&m, "Error", "out of memory");
        msg(&m, "Error", "Error reading %s", path);
        sim_scene_remove(sc, n);
        messages_string(&m, path, why, wn);
        return NULL;
    }
    n->seg = sg;
    /* ReadDataInternal: CreateDefaultDisplayNodes once the read succeeded */
    sim_node *d = sim_scene_add(sc, "vtkMRMLSegmentationDisplayNode", "");
    if (d && (n->display_id = strdup(d->id)) && (d->owner_id = strdup(n->id)))
        return n;
    sim_scene_remove(sc, n);
    if (d)
        sim_scene_remove(sc, d);
    snprintf(why, wn, "out of memory");
    return NULL;
}

/* GET /slicer/segmentations: getNodesByClass order, json.dumps of
 * {id: {"name", "segmentIDs"}}. */
void api_segmentations(sim_call *c, sim_resp *r)
{
    const sim_scene *sc = c->ctx->scene;
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < sc->n; i++) {
        const sim_node *n = sc->nodes[i];
        if (!sim_node_isa(n, "vtkMRMLSegmentationNode"))
            continue;
        cJSON *e = cJSON_CreateObject(), *ids = cJSON_CreateArray();
        cJSON_AddStringToObject(e, "name", n->name);
        for (int k = 0; n->seg && k < n->seg->nseg; k++)
            cJSON_AddItemToArray(ids, cJSON_CreateString(n->seg->segs[k].id));
        cJSON_AddItemToObject(e, "segmentIDs", ids);
        cJSON_AddItemToObject(o, n->id, e);
    }
    if (!o) {
        api_error(r, "out of memory");
        return;
    }
    api_json(r, o);
}
