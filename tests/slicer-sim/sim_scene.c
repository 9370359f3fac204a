/* sim_scene: MRML scene model, node classes and slice-view geometry. */
#include "sim_scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const sim_view_names[3] = { "Red", "Yellow", "Green" };

/* Each class with its superclasses (vtkMRMLNode is implied). */
static const struct {
    const char *cls;
    const char *isa[6];
} k_classes[] = {
    { "vtkMRMLScalarVolumeNode", { "vtkMRMLVolumeNode", "vtkMRMLDisplayableNode",
                                   "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLLabelMapVolumeNode", { "vtkMRMLScalarVolumeNode", "vtkMRMLVolumeNode",
                                     "vtkMRMLDisplayableNode", "vtkMRMLTransformableNode",
                                     "vtkMRMLStorableNode" } },
    { "vtkMRMLScalarVolumeDisplayNode", { "vtkMRMLVolumeDisplayNode", "vtkMRMLDisplayNode" } },
    { "vtkMRMLLabelMapVolumeDisplayNode", { "vtkMRMLVolumeDisplayNode", "vtkMRMLDisplayNode" } },
    { "vtkMRMLVolumeArchetypeStorageNode", { "vtkMRMLStorageNode" } },
    { "vtkMRMLMarkupsFiducialNode", { "vtkMRMLMarkupsNode", "vtkMRMLDisplayableNode",
                                      "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsLineNode", { "vtkMRMLMarkupsNode", "vtkMRMLDisplayableNode",
                                  "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsAngleNode", { "vtkMRMLMarkupsNode", "vtkMRMLDisplayableNode",
                                   "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsROINode", { "vtkMRMLMarkupsNode", "vtkMRMLDisplayableNode",
                                 "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsCurveNode", { "vtkMRMLMarkupsNode", "vtkMRMLDisplayableNode",
                                   "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsClosedCurveNode", { "vtkMRMLMarkupsCurveNode", "vtkMRMLMarkupsNode",
                                         "vtkMRMLDisplayableNode", "vtkMRMLTransformableNode",
                                         "vtkMRMLStorableNode" } },
    { "vtkMRMLMarkupsFiducialDisplayNode", { "vtkMRMLMarkupsDisplayNode", "vtkMRMLDisplayNode" } },
    { "vtkMRMLMarkupsROIDisplayNode", { "vtkMRMLMarkupsDisplayNode", "vtkMRMLDisplayNode" } },
    { "vtkMRMLMarkupsDisplayNode", { "vtkMRMLDisplayNode" } },
    { "vtkMRMLMarkupsJsonStorageNode", { "vtkMRMLMarkupsStorageNode", "vtkMRMLStorageNode" } },
    { "vtkMRMLMarkupsROIJsonStorageNode", { "vtkMRMLMarkupsJsonStorageNode",
                                            "vtkMRMLMarkupsStorageNode", "vtkMRMLStorageNode" } },
    { "vtkMRMLSliceNode", { "vtkMRMLAbstractViewNode" } },
    { "vtkMRMLViewNode", { "vtkMRMLAbstractViewNode" } },
    { "vtkMRMLCameraNode", { "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLLayoutNode", { "vtkMRMLAbstractLayoutNode" } },
    { "vtkMRMLColorTableNode", { "vtkMRMLColorNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLLinearTransformNode", { "vtkMRMLTransformNode", "vtkMRMLDisplayableNode",
                                      "vtkMRMLTransformableNode", "vtkMRMLStorableNode" } },
    { "vtkMRMLModelNode", { "vtkMRMLDisplayableNode", "vtkMRMLTransformableNode",
                            "vtkMRMLStorableNode" } },
    { "vtkMRMLModelDisplayNode", { "vtkMRMLDisplayNode" } },
    { "vtkMRMLSegmentationNode", { "vtkMRMLDisplayableNode", "vtkMRMLTransformableNode",
                                   "vtkMRMLStorableNode" } },
    { "vtkMRMLSegmentationDisplayNode", { "vtkMRMLDisplayNode" } },
    { "vtkMRMLSegmentationStorageNode", { "vtkMRMLStorageNode" } },
};

int sim_node_isa(const sim_node *n, const char *cls)
{
    if (strcmp(cls, "vtkMRMLNode") == 0 || strcmp(n->cls, cls) == 0)
        return 1;
    for (size_t i = 0; i < sizeof k_classes / sizeof k_classes[0]; i++) {
        if (strcmp(k_classes[i].cls, n->cls) != 0)
            continue;
        for (int j = 0; j < 6 && k_classes[i].isa[j]; j++)
            if (strcmp(k_classes[i].isa[j], cls) == 0)
                return 1;
    }
    return 0;
}

static void node_free(sim_node *n)
{
    if (!n)
        return;
    free(n->id);
    free(n->name);
    free(n->cls);
    free(n->display_id);
    free(n->storage_id);
    free(n->owner_id);
    free(n->file);
    if (n->vol) {
        sim_volume_free(n->vol);
        free(n->vol);
    }
    sim_segmentation_free(n->seg);
    free(n->pts);
    free(n);
}

void sim_segmentation_free(sim_segmentation *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nseg; i++) {
        free(s->segs[i].id);
        free(s->segs[i].name);
        free(s->segs[i].tags);
    }
    free(s->segs);
    if (s->vol) {
        sim_volume_free(s->vol);
        free(s->vol);
    }
    free(s);
}

void sim_scene_touch(sim_scene *sc, sim_node *n)
{
    sc->mtime += 17;
    if (n)
        n->mtime = sc->mtime;
}

sim_node *sim_scene_add_id(sim_scene *sc, const char *cls, const char *id,
                           const char *name, const char *singleton)
{
    if (sc->n >= SIM_SCENE_MAX_NODES)
        return NULL;
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 64;
        sim_node **np = realloc(sc->nodes, cap * sizeof *np);
        if (!np)
            return NULL;
        sc->nodes = np;
        sc->cap = cap;
    }
    sim_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->id = strdup(id);
    n->name = strdup(name ? name : "");
    n->cls = strdup(cls);
    if (!n->id || !n->name || !n->cls) {
        node_free(n);
        return NULL;
    }
    n->singleton = singleton;
    n->keep_on_clear = singleton != NULL;
    sc->nodes[sc->n++] = n;
    sim_scene_touch(sc, n);
    return n;
}

/* vtkMRMLScene::GenerateUniqueID: class name + next number. */
sim_node *sim_scene_add(sim_scene *sc, const char *cls, const char *name)
{
    int k;
    for (k = 0; k < sc->ncounters; k++)
        if (strcmp(sc->counters[k].cls, cls) == 0)
            break;
    if (k == sc->ncounters) {
        if (k >= (int)(sizeof sc->counters / sizeof sc->counters[0]))
            return NULL;
        snprintf(sc->counters[k].cls, sizeof sc->counters[k].cls, "%s", cls);
        sc->counters[k].last = 0;
        sc->ncounters++;
    }
    char id[128];
    do {
        snprintf(id, sizeof id, "%s%d", cls, ++sc->counters[k].last);
    } while (sim_scene_by_id(sc, id));
    /* vtkMRMLScene::AddNode names an unnamed node after its XML tag:
     * "VolumeDisplay", then "VolumeDisplay_1", ... */
    char tag[128], uniq[160];
    if (!name || !*name) {
        const char *t = strncmp(cls, "vtkMRML", 7) == 0 ? cls + 7 : cls;
        if (strcmp(t, "ScalarVolumeDisplayNode") == 0)
            t = "VolumeDisplayNode";
        snprintf(tag, sizeof tag, "%s", t);
        size_t tl = strlen(tag);
        if (tl > 4 && strcmp(tag + tl - 4, "Node") == 0)
            tag[tl - 4] = '\0';
        snprintf(uniq, sizeof uniq, "%s", tag);
        for (int i = 1; i < 100000; i++) {
            size_t j;
            for (j = 0; j < sc->n; j++)
                if (strcmp(sc->nodes[j]->name, uniq) == 0)
                    break;
            if (j == sc->n)
                break;
            snprintf(uniq, sizeof uniq, "%s_%d", tag, i);
        }
        name = uniq;
    }
    return sim_scene_add_id(sc, cls, id, name, NULL);
}

sim_node *sim_scene_by_id(const sim_scene *sc, const char *id)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->nodes[i]->id, id) == 0)
            return sc->nodes[i];
    return NULL;
}

void sim_scene_remove(sim_scene *sc, sim_node *n)
{
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->nodes[i] != n)
            continue;
        if (strcmp(sc->bg_id, n->id) == 0)
            sc->bg_id[0] = '\0';
        if (strcmp(sc->label_id, n->id) == 0)
            sc->label_id[0] = '\0';
        memmove(&sc->nodes[i], &sc->nodes[i + 1], (sc->n - i - 1) * sizeof *sc->nodes);
        sc->n--;
        node_free(n);
        sc->mtime += 17;
        return;
    }
}

void sim_scene_clear(sim_scene *sc)
{
    size_t w = 0;
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->nodes[i]->keep_on_clear)
            sc->nodes[w++] = sc->nodes[i];
        else
            node_free(sc->nodes[i]);
    }
    sc->n = w;
    sc->ncounters = 0;          /* IDs restart after File > Close Scene */
    sc->bg_id[0] = '\0';
    sc->label_id[0] = '\0';
    sc->mtime += 17;
    for (int v = 0; v < 3; v++)
        sim_view_fit(sc, &sc->views[v]);
}

int sim_fnmatch(const char *p, const char *s)
{
    for (; *p; p++, s++) {
        if (*p == '*') {
            while (p[1] == '*')
                p++;
            if (!p[1])
                return 1;
            for (const char *t = s; *t; t++)
                if (sim_fnmatch(p + 1, t))
                    return 1;
            return sim_fnmatch(p + 1, s + strlen(s));
        }
        if (!*s)
            return 0;
        if (*p == '?')
            continue;
        if (*p == '[') {
            const char *q = p + 1;
            int neg = *q == '!';
            if (neg)
                q++;
            const char *start = q;
            int hit = 0;
            while (*q && (*q != ']' || q == start)) {
                if (q[1] == '-' && q[2] && q[2] != ']') {
                    hit |= *s >= q[0] && *s <= q[2];
                    q += 3;
                } else {
                    hit |= *s == *q;
                    q++;
                }
            }
            if (*q != ']') {          /* no closing bracket: literal '[' */
                if (*s != '[')
                    return 0;
                continue;
            }
            if (hit == neg)
                return 0;
            p = q;
            continue;
        }
        if (*p != *s)
            return 0;
    }
    return *s == '\0';
}

int sim_scene_get_nodes(const sim_scene *sc, const char *pattern, sim_node ***out)
{
    sim_node **r = calloc(sc->n + 1, sizeof *r);
    if (!r)
        return -1;
    int k = 0;
    for (size_t i = 0; i < sc->n; i++) {
        sim_node *n = sc->nodes[i];
        if (!sim_fnmatch(pattern, n->name) && !sim_fnmatch(pattern, n->id))
            continue;
        int j;
        for (j = 0; j < k; j++)
            if (strcmp(r[j]->name, n->name) == 0)
                break;
        r[j] = n;                   /* dict: same key keeps its place */
        if (j == k)
            k++;
    }
    *out = r;
    return k;
}

/* ---- slice views ---------------------------------------------------- */

static const struct {
    const char *name;
    double x[3], y[3], z[3];        /* SliceToRAS columns 0, 1, 2 */
} k_orient[] = {
    { "Axial",    { -1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
    { "Sagittal", { 0, -1, 0 }, { 0, 0, 1 }, { 1, 0, 0 } },
    { "Coronal",  { -1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 } },
};

int sim_view_set_orientation(sim_view *v, const char *name)
{
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(k_orient[i].name, name) != 0)
            continue;
        for (int r = 0; r < 3; r++) {
            v->s2r[r * 4 + 0] = k_orient[i].x[r];
            v->s2r[r * 4 + 1] = k_orient[i].y[r];
            v->s2r[r * 4 + 2] = k_orient[i].z[r];
        }
        v->s2r[12] = v->s2r[13] = v->s2r[14] = 0;
        v->s2r[15] = 1;
        snprintf(v->orient, sizeof v->orient, "%s", k_orient[i].name);
        return 0;
    }
    return -1;
}

double sim_view_offset(const sim_view *v)
{
    return v->s2r[2] * v->s2r[3] + v->s2r[6] * v->s2r[7] + v->s2r[10] * v->s2r[11];
}

void sim_view_set_offset(sim_view *v, double offset)
{
    double d = offset - sim_view_offset(v);
    for (int r = 0; r < 3; r++)
        v->s2r[r * 4 + 3] += d * v->s2r[r * 4 + 2];
}

/* Corners of the volume's voxel-centre box projected on a slice axis. */
static void axis_range(const sim_volume *vol, const sim_view *v, int col,
                       double *lo, double *hi)
{
    double b[6];
    sim_volume_ras_bounds(vol, b);
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int c = 0; c < 8; c++) {
        double p[3] = { b[(c & 1) ? 1 : 0], b[(c & 2) ? 3 : 2], b[(c & 4) ? 5 : 4] };
        double d = p[0] * v->s2r[col] + p[1] * v->s2r[4 + col] + p[2] * v->s2r[8 + col];
        if (d < *lo) *lo = d;
        if (d > *hi) *hi = d;
    }
}

void sim_view_z_bounds(const sim_scene *sc, const sim_view *v, double *zmin, double *zmax)
{
    const sim_volume *vol = sim_scene_background(sc);
    if (!vol) {
        *zmin = *zmax = 0;
        return;
    }
    axis_range(vol, v, 2, zmin, zmax);
}

/* FitSliceToBackground: centre on the volume, FOV fitting the volume's
 * in-plane extent at the view's aspect ratio. */
void sim_view_fit(const sim_scene *sc, sim_view *v)
{
    const sim_volume *vol = sim_scene_background(sc);
    if (!vol)
        return;
    double lo[3], hi[3];
    for (int c = 0; c < 3; c++)
        axis_range(vol, v, c, &lo[c], &hi[c]);
    /* Slicer fits the full voxel extent: add one spacing along each axis */
    double w = hi[0] - lo[0] + 1.0, h = hi[1] - lo[1] + 1.0;
    double aspect = (double)v->dims[1] / v->dims[0];
    if (h / w > aspect)
        w = h / aspect;
    else
        h = w * aspect;
    v->fov[0] = w;
    v->fov[1] = h;
    v->fov[2] = 1.0;
    double ctr[3];
    for (int r = 0; r < 3; r++)
        ctr[r] = 0;
    for (int c = 0; c < 3; c++) {
        double m = (lo[c] + hi[c]) / 2;
        for (int r = 0; r < 3; r++)
            ctr[r] += m * v->s2r[r * 4 + c];
    }
    for (int r = 0; r < 3; r++)
        v->s2r[r * 4 + 3] = ctr[r];
}

/* ---- volumes ------------------------------------------------------------ */

const sim_volume *sim_scene_background(const sim_scene *sc)
{
    if (!sc->bg_id[0])
        return NULL;
    const sim_node *n = sim_scene_by_id(sc, sc->bg_id);
    return n ? n->vol : NULL;
}

void sim_scene_set_label(sim_scene *sc, const char *id)
{
    snprintf(sc->label_id, sizeof sc->label_id, "%s", id ? id : "");
    for (int v = 0; v < 3; v++)
        sim_view_fit(sc, &sc->views[v]);
}

const sim_volume *sim_scene_label(const sim_scene *sc)
{
    const sim_node *n = sc->label_id[0] ? sim_scene_by_id(sc, sc->label_id) : NULL;
    return n ? n->vol : NULL;
}

void sim_scene_set_background(sim_scene *sc, const char *id)
{
    snprintf(sc->bg_id, sizeof sc->bg_id, "%s", id ? id : "");
    for (int v = 0; v < 3; v++)
        sim_view_fit(sc, &sc->views[v]);
}

sim_node *sim_scene_add_volume(sim_scene *sc, sim_volume *vol, const char *cls,
                               const char *name, const char *file)
{
    int label = strcmp(cls, "vtkMRMLLabelMapVolumeNode") == 0;
    sim_node *d = sim_scene_add(sc, label ? "vtkMRMLLabelMapVolumeDisplayNode"
                                          : "vtkMRMLScalarVolumeDisplayNode", "");
    sim_node *s = file ? sim_scene_add(sc, "vtkMRMLVolumeArchetypeStorageNode", "") : NULL;
    sim_node *n = sim_scene_add(sc, cls, name);
    if (!d || (file && !s) || !n) {
        if (n) sim_scene_remove(sc, n);
        if (s) sim_scene_remove(sc, s);
        if (d) sim_scene_remove(sc, d);
        sim_volume_free(vol);
        free(vol);
        return NULL;
    }
    /* Slicer adds the data node first; keep that order in the list */
    size_t last = sc->n - 1;
    sim_node *tmp = sc->nodes[last];
    memmove(&sc->nodes[last - (s ? 2 : 1) + 1], &sc->nodes[last - (s ? 2 : 1)],
            (s ? 2 : 1) * sizeof *sc->nodes);
    sc->nodes[last - (s ? 2 : 1)] = tmp;
    n->vol = vol;
    n->display_id = strdup(d->id);
    d->owner_id = strdup(n->id);
    if (s) {
        n->storage_id = strdup(s->id);
        s->owner_id = strdup(n->id);
        s->file = strdup(file);
    }
    return n;
}

sim_node *sim_scene_add_phantom(sim_scene *sc, const char *name)
{
    sim_volume *v = calloc(1, sizeof *v);
    if (!v || sim_phantom_mrhead_dims(v, sc->volume_dims) != 0) {
        free(v);
        return NULL;
    }
    char file[256];
    snprintf(file, sizeof file, "/tmp/Slicer/RemoteIO/%s.nrrd", name);
    return sim_scene_add_volume(sc, v, "vtkMRMLScalarVolumeNode", name, file);
}

/* ---- start-up scene ----------------------------------------------------- */

sim_scene *sim_scene_new(const int volume_dims[3], int view_w, int view_h, int w3d, int h3d)
{
    sim_scene *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    memcpy(sc->volume_dims, volume_dims, sizeof sc->volume_dims);
    sc->w3d = w3d;
    sc->h3d = h3d;
    sc->axis3d = 'a';
    sc->layout = 2;             /* Conventional */
    sc->gui_full = 1;
    static const struct {
        const char *cls, *id, *name, *singleton;
        int keep;
    } defaults[] = {
        { "vtkMRMLSelectionNode", "vtkMRMLSelectionNodeSingleton", "Selection", "Singleton", 1 },
        { "vtkMRMLInteractionNode", "vtkMRMLInteractionNodeSingleton", "Interaction", "Singleton", 1 },
        { "vtkMRMLColorTableNode", "vtkMRMLColorTableNodeGrey", "Grey", NULL, 1 },
        { "vtkMRMLColorTableNode", "vtkMRMLColorTableNodeLabels", "Labels", NULL, 1 },
        { "vtkMRMLColorTableNode", "vtkMRMLColorTableNodeRainbow", "Rainbow", NULL, 1 },
        { "vtkMRMLColorTableNode", "vtkMRMLColorTableNodeFileGenericAnatomyColors.txt",
          "GenericAnatomyColors", NULL, 1 },
        { "vtkMRMLLayoutNode", "vtkMRMLLayoutNodevtkMRMLLayoutNode", "Layout", "vtkMRMLLayoutNode", 1 },
        { "vtkMRMLSubjectHierarchyNode", "vtkMRMLSubjectHierarchyNode1", "SubjectHierarchy", NULL, 1 },
        { "vtkMRMLViewNode", "vtkMRMLViewNode1", "View1", "1", 1 },
        { "vtkMRMLSliceNode", "vtkMRMLSliceNodeRed", "Red", "Red", 1 },
        { "vtkMRMLSliceNode", "vtkMRMLSliceNodeYellow", "Yellow", "Yellow", 1 },
        { "vtkMRMLSliceNode", "vtkMRMLSliceNodeGreen", "Green", "Green", 1 },
        { "vtkMRMLSliceCompositeNode", "vtkMRMLSliceCompositeNodeRed", "SliceComposite", "Red", 1 },
        { "vtkMRMLSliceCompositeNode", "vtkMRMLSliceCompositeNodeYellow", "SliceComposite_1", "Yellow", 1 },
        { "vtkMRMLSliceCompositeNode", "vtkMRMLSliceCompositeNodeGreen", "SliceComposite_2", "Green", 1 },
        { "vtkMRMLCameraNode", "vtkMRMLCameraNode1", "Camera", "1", 1 },
        { "vtkMRMLCrosshairNode", "vtkMRMLCrosshairNodedefault", "Crosshair", "default", 1 },
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        sim_node *n = sim_scene_add_id(sc, defaults[i].cls, defaults[i].id,
                                       defaults[i].name, defaults[i].singleton);
        if (!n) {
            sim_scene_free(sc);
            return NULL;
        }
        n->keep_on_clear = defaults[i].keep;
        n->hide = strcmp(defaults[i].cls, "vtkMRMLSliceNode") != 0 &&
                  strcmp(defaults[i].cls, "vtkMRMLViewNode") != 0 &&
                  strcmp(defaults[i].cls, "vtkMRMLColorTableNode") != 0;
        if (strcmp(defaults[i].cls, "vtkMRMLSliceNode") == 0)
            n->view = (int)i - 9;
    }
    static const char *const orient[3] = { "Axial", "Sagittal", "Coronal" };
    for (int v = 0; v < 3; v++) {
        sc->views[v].dims[0] = view_w;
        sc->views[v].dims[1] = view_h;
        sc->views[v].fov[0] = 250;
        sc->views[v].fov[1] = 250.0 * view_h / view_w;
        sc->views[v].fov[2] = 1;
        sim_view_set_orientation(&sc->views[v], orient[v]);
    }
    sim_node *head = sim_scene_add_phantom(sc, "MRHead");
    sim_volume *lv = calloc(1, sizeof *lv);
    sim_node *lab = NULL;
    if (head && lv && sim_phantom_labels(lv) == 0) {
        lab = sim_scene_add_volume(sc, lv, "vtkMRMLLabelMapVolumeNode", "MRHead-label", NULL);
        lv = NULL;
    }
    free(lv);
    if (!head || !lab) {
        sim_scene_free(sc);
        return NULL;
    }
    free(head->storage_id);
    head->storage_id = NULL;
    sim_node *st = sim_scene_by_id(sc, "vtkMRMLVolumeArchetypeStorageNode1");
    if (st) {
        head->storage_id = strdup(st->id);
        free(st->file);
        st->file = strdup("/tmp/Slicer/RemoteIO/MR-head.nrrd");
    }
    sim_scene_set_background(sc, head->id);
    return sc;
}

void sim_scene_free(sim_scene *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n; i++)
        node_free(sc->nodes[i]);
    free(sc->nodes);
    free(sc);
}
