/* sim_markups: .mrk.json parsing into vtkMRMLMarkups*Node. */
#include "sim_markups.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vtkSlicerMarkupsLogic::LoadMarkupsFromJson: the markup's "type" names
 * the class (vtkMRMLMarkups<type>Node) and its storage node
 * (AddNewJsonStorageNodeForMarkupsType: ROIs have their own); each class's
 * CreateDefaultDisplayNodes picks the display node; "letter" is its
 * DefaultNodeNamePrefix. */
static const struct {
    const char *type, *cls, *display, *storage, *letter;
    int max_points;                 /* 0 = unlimited */
} k_types[] = {
    { "Fiducial", "vtkMRMLMarkupsFiducialNode", "vtkMRMLMarkupsFiducialDisplayNode",
      "vtkMRMLMarkupsJsonStorageNode", "F", 0 },
    { "Line", "vtkMRMLMarkupsLineNode", "vtkMRMLMarkupsDisplayNode",
      "vtkMRMLMarkupsJsonStorageNode", "L", 2 },
    { "Angle", "vtkMRMLMarkupsAngleNode", "vtkMRMLMarkupsDisplayNode",
      "vtkMRMLMarkupsJsonStorageNode", "A", 3 },
    { "ROI", "vtkMRMLMarkupsROINode", "vtkMRMLMarkupsROIDisplayNode",
      "vtkMRMLMarkupsROIJsonStorageNode", "R", 0 },
    { "Curve", "vtkMRMLMarkupsCurveNode", "vtkMRMLMarkupsDisplayNode",
      "vtkMRMLMarkupsJsonStorageNode", "OC", 0 },
    { "ClosedCurve", "vtkMRMLMarkupsClosedCurveNode", "vtkMRMLMarkupsDisplayNode",
      "vtkMRMLMarkupsJsonStorageNode", "CC", 0 },
};
#define NTYPES ((int)(sizeof k_types / sizeof k_types[0]))
#define ROI_TYPE 3

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(SIM_MARKUPS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, SIM_MARKUPS_FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n > SIM_MARKUPS_FILE_MAX) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int get_vec(const cJSON *a, double *out, int n)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return -1;
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(e))
            return -1;
        out[i] = e->valuedouble;
    }
    return 0;
}

static int get_vec3(const cJSON *a, double out[3])
{
    return get_vec(a, out, 3);
}

/* Checks one markup; returns its type index or -1. */
static int check_markup(const cJSON *m)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
    if (!cJSON_IsString(type))
        return -1;
    int t = -1;
    for (int i = 0; i < NTYPES; i++)
        if (strcmp(type->valuestring, k_types[i].type) == 0)
            t = i;
    if (t < 0)
        return -1;
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(m, "coordinateSystem");
    if (cs && (!cJSON_IsString(cs) || (strcmp(cs->valuestring, "LPS") != 0 &&
                                       strcmp(cs->valuestring, "RAS") != 0)))
        return -1;
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(m, "controlPoints");
    if (cps && !cJSON_IsArray(cps))
        return -1;
    int np = cps ? cJSON_GetArraySize(cps) : 0;
    if (np > SIM_MARKUPS_MAX_POINTS || (k_types[t].max_points && np > k_types[t].max_points))
        return -1;
    const cJSON *cp;
    cJSON_ArrayForEach(cp, cps) {
        double p[3];
        if (!cJSON_IsObject(cp) || get_vec3(cJSON_GetObjectItemCaseSensitive(cp, "position"), p))
            return -1;
    }
    /* vtkMRMLMarkupsROIJsonStorageNode::UpdateMarkupsNodeFromJsonValue
     * fails on a center or orientation of the wrong shape */
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "center");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "orientation");
    double tmp[9];
    if (t == ROI_TYPE && ((c && get_vec3(c, tmp)) || (o && get_vec(o, tmp, 9))))
        return -1;
    return t;
}

/* vtkMRMLMarkupsROIJsonStorageNode::UpdateMarkupsNodeFromJsonValue: the
 * center and the first two rows of the orientation flip from LPS; an
 * absent orientation leaves a zero rotation, as Slicer's reader does.
 * The stand-in keeps only Box ROIs (roiType is not modelled).  A Box ROI
 * with a size ends with one control point at its centre
 * (vtkMRMLMarkupsROINode::UpdateControlPointsFromBoxROI), which keeps the
 * file's first point's id and label. */
static void roi_from_json(sim_node *n, const cJSON *m, int lps)
{
    memset(n->roi_orient, 0, sizeof n->roi_orient);
    memset(n->roi_center, 0, sizeof n->roi_center);
    memset(n->roi_size, 0, sizeof n->roi_size);
    get_vec3(cJSON_GetObjectItemCaseSensitive(m, "center"), n->roi_center);
    get_vec(cJSON_GetObjectItemCaseSensitive(m, "orientation"), n->roi_orient, 9);
    get_vec3(cJSON_GetObjectItemCaseSensitive(m, "size"), n->roi_size);
    if (lps) {
        n->roi_center[0] = -n->roi_center[0];
        n->roi_center[1] = -n->roi_center[1];
        for (int i = 0; i < 6; i++)
            n->roi_orient[i] = -n->roi_orient[i];
    }
    n->roi_inside_out = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "insideOut"));
    double s2 = 0;
    for (int i = 0; i < 3; i++)
        s2 += n->roi_size[i] * n->roi_size[i];
    if (s2 == 0)
        return;
    if (n->npts == 0) {
        sim_cpoint *p = calloc(1, sizeof *p);
        if (!p)
            return;
        n->pts = p;
        snprintf(p->id, sizeof p->id, "1");
        snprintf(p->label, sizeof p->label, "%.100s-1", n->name);
        p->selected = p->visible = 1;
    }
    n->npts = 1;
    memcpy(n->pts[0].pos, n->roi_center, sizeof n->roi_center);
}

/* Name from the file: "dir/F.mrk.json" -> "F". */
static void stem(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, len, "%s", b);
    char *dot = strstr(out, ".mrk.json");
    if (!dot)
        dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

static sim_node *add_markup(sim_scene *sc, const cJSON *m, int t, const char *name,
                            const char *path)
{
    /* the data node first, then its display and storage nodes */
    sim_node *n = sim_scene_add(sc, k_types[t].cls, name);
    sim_node *d = n ? sim_scene_add(sc, k_types[t].display, "") : NULL;
    sim_node *s = d ? sim_scene_add(sc, k_types[t].storage, "") : NULL;
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(m, "controlPoints");
    int np = cps ? cJSON_GetArraySize(cps) : 0;
    if (!d || !s || !n || (np && !(n->pts = calloc((size_t)np, sizeof *n->pts)))) {
        if (n) sim_scene_remove(sc, n);
        if (s) sim_scene_remove(sc, s);
        if (d) sim_scene_remove(sc, d);
        return NULL;
    }
    snprintf(n->mtype, sizeof n->mtype, "%s", k_types[t].type);
    n->display_id = strdup(d->id);
    n->storage_id = strdup(s->id);
    d->owner_id = strdup(n->id);
    s->owner_id = strdup(n->id);
    s->file = strdup(path);
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(m, "coordinateSystem");
    int lps = !cs || strcmp(cs->valuestring, "LPS") == 0;
    const cJSON *cp;
    cJSON_ArrayForEach(cp, cps) {
        sim_cpoint *p = &n->pts[n->npts];
        get_vec3(cJSON_GetObjectItemCaseSensitive(cp, "position"), p->pos);
        if (lps) {
            p->pos[0] = -p->pos[0];
            p->pos[1] = -p->pos[1];
        }
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(cp, "id");
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(cp, "label");
        if (cJSON_IsString(id))
            snprintf(p->id, sizeof p->id, "%s", id->valuestring);
        else
            snprintf(p->id, sizeof p->id, "%d", n->npts + 1);
        if (cJSON_IsString(label))
            snprintf(p->label, sizeof p->label, "%s", label->valuestring);
        else
            snprintf(p->label, sizeof p->label, "%.100s-%d", name, n->npts + 1);
        const cJSON *sel = cJSON_GetObjectItemCaseSensitive(cp, "selected");
        const cJSON *lock = cJSON_GetObjectItemCaseSensitive(cp, "locked");
        const cJSON *vis = cJSON_GetObjectItemCaseSensitive(cp, "visibility");
        p->selected = sel ? cJSON_IsTrue(sel) : 1;
        p->locked = lock ? cJSON_IsTrue(lock) : 0;
        p->visible = vis ? cJSON_IsTrue(vis) : 1;
        n->npts++;
    }
    if (t == ROI_TYPE)
        roi_from_json(n, m, lps);
    /* Slicer's defaults, as written in saved .mrk.json files */
    n->color[0] = 0.4; n->color[1] = 1.0; n->color[2] = 1.0;
    n->selcolor[0] = 1.0; n->selcolor[1] = 0.5000076295109483; n->selcolor[2] = 0.5000076295109483;
    n->glyph = 3.0;
    const cJSON *disp = cJSON_GetObjectItemCaseSensitive(m, "display");
    if (cJSON_IsObject(disp)) {
        double c[3];
        if (!get_vec3(cJSON_GetObjectItemCaseSensitive(disp, "color"), c))
            memcpy(n->color, c, sizeof c);
        if (!get_vec3(cJSON_GetObjectItemCaseSensitive(disp, "selectedColor"), c))
            memcpy(n->selcolor, c, sizeof c);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(disp, "glyphScale");
        if (cJSON_IsNumber(g))
            n->glyph = g->valuedouble;
    }
    return n;
}

sim_node *sim_markups_load(sim_scene *sc, const char *path, const char *name)
{
    char *text = read_file(path);
    if (!text)
        return NULL;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *schema = root ? cJSON_GetObjectItemCaseSensitive(root, "@schema") : NULL;
    const cJSON *ms = root ? cJSON_GetObjectItemCaseSensitive(root, "markups") : NULL;
    int ok = cJSON_IsObject(root) && cJSON_IsString(schema) &&
             strstr(schema->valuestring, "markups-schema-v1.0") &&
             cJSON_IsArray(ms) && cJSON_GetArraySize(ms) > 0;
    const cJSON *m;
    if (ok) {
        cJSON_ArrayForEach(m, ms)
            if (check_markup(m) < 0)
                ok = 0;
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    sim_node *first = NULL;
    int i = 0;
    cJSON_ArrayForEach(m, ms) {
        int t = check_markup(m);
        char nm[256];
        const cJSON *jn = cJSON_GetObjectItemCaseSensitive(m, "name");
        if (i == 0 && name)
            snprintf(nm, sizeof nm, "%s", name);
        else if (cJSON_IsString(jn) && jn->valuestring[0])
            snprintf(nm, sizeof nm, "%s", jn->valuestring);
        else if (i == 0)
            stem(path, nm, sizeof nm);
        else
            snprintf(nm, sizeof nm, "%s", k_types[t].letter);
        sim_node *n = add_markup(sc, m, t, nm, path);
        if (!first)
            first = n;
        i++;
    }
    cJSON_Delete(root);
    return first;
}
