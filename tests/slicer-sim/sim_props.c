/* sim_props: PrintSelf-shaped node properties. */
#include "sim_props.h"
#include "sim_pyjson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* C++ ostream's default output of a double (6 significant digits). */
static void ostream_num(double d, char *buf, size_t len)
{
    if (d == 0)
        d = 0;                      /* no "-0" */
    snprintf(buf, len, "%g", d);
}

/* A printed number read back the way Slicer's parser does. */
static cJSON *parsed_num(double d)
{
    char t[64];
    ostream_num(d, t, sizeof t);
    if (strchr(t, '.') || strchr(t, 'e'))
        return pyj_float(strtod(t, NULL));
    return cJSON_CreateNumber(strtod(t, NULL));
}

/* "(a, b, c)": all floats if any printed value has a '.', else ints. */
static cJSON *parsed_vec(const double *v, int n)
{
    char t[64];
    int fl = 0;
    for (int i = 0; i < n; i++) {
        ostream_num(v[i], t, sizeof t);
        fl |= strchr(t, '.') != NULL || strchr(t, 'e') != NULL;
    }
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++) {
        ostream_num(v[i], t, sizeof t);
        cJSON_AddItemToArray(a, fl ? pyj_float(strtod(t, NULL)) : cJSON_CreateNumber(strtod(t, NULL)));
    }
    return a;
}

static cJSON *parsed_ivec(const int *v, int n)
{
    double d[6];
    for (int i = 0; i < n && i < 6; i++)
        d[i] = v[i];
    return parsed_vec(d, n);
}

/* A vtkMatrix4x4 printed under a key: its vtkObject lines, then
 * "Elements:" with one tab-separated row per line; a row has no colon, so
 * it becomes a key of an empty group. */
static cJSON *matrix_group(const double *m, unsigned long mtime)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddFalseToObject(g, "Debug");
    cJSON_AddNumberToObject(g, "Modified Time", (double)mtime);
    cJSON_AddNumberToObject(g, "Reference Count", 1);
    cJSON *el = cJSON_AddObjectToObject(g, "Elements");
    for (int r = 0; r < 4; r++) {
        char row[160] = "", t[40];
        for (int c = 0; c < 4; c++) {
            ostream_num(m[r * 4 + c], t, sizeof t);
            strcat(row, t);
            if (c < 3)
                strcat(row, "\t");
        }
        cJSON_AddItemToObject(el, row, cJSON_CreateObject());
    }
    return g;
}

static void base_props(cJSON *o, const sim_node *n)
{
    cJSON_AddStringToObject(o, "ID", n->id);
    cJSON_AddStringToObject(o, "ClassName", n->cls);
    if (n->name[0])
        cJSON_AddStringToObject(o, "Name", n->name);
    cJSON_AddFalseToObject(o, "Debug");
    cJSON_AddNumberToObject(o, "MTime", (double)n->mtime);
    if (n->singleton)
        cJSON_AddStringToObject(o, "SingletonTag", n->singleton);
    cJSON_AddBoolToObject(o, "HideFromEditors", n->hide);
    cJSON_AddTrueToObject(o, "Selectable");
    cJSON_AddFalseToObject(o, "Selected");
    cJSON_AddFalseToObject(o, "UndoEnabled");
    if (n->storage_id)
        cJSON_AddStringToObject(o, "StorageNodeIDs[0]", n->storage_id);
    if (n->display_id)
        cJSON_AddStringToObject(o, "DisplayNodeIDs[0]", n->display_id);
}

static const char *scalar_name(sim_scalar s)
{
    switch (s) {
    case SIM_SHORT:  return "short";
    case SIM_UCHAR:  return "unsigned char";
    case SIM_FLOAT:  return "float";
    case SIM_DOUBLE: return "double";
    }
    return "short";
}

static void volume_props(cJSON *o, const sim_node *n)
{
    const sim_volume *v = n->vol;
    cJSON_AddItemToObject(o, "Spacing", parsed_vec(v->spacing, 3));
    cJSON_AddItemToObject(o, "Origin", parsed_vec(v->origin, 3));
    cJSON_AddStringToObject(o, "VoxelVectorType", "undefined");
    cJSON *dirs = cJSON_AddObjectToObject(o, "IJKToRASDirections");
    for (int r = 0; r < 3; r++) {
        char row[128] = "", t[40];
        for (int a = 0; a < 3; a++) {
            ostream_num(v->dirs[a][r], t, sizeof t);
            strcat(row, t);
            if (a < 2)
                strcat(row, " ");
        }
        if (!cJSON_GetObjectItemCaseSensitive(dirs, row))
            cJSON_AddItemToObject(dirs, row, cJSON_CreateObject());
    }
    cJSON *img = cJSON_AddObjectToObject(o, "ImageData");
    double np = (double)v->dims[0] * v->dims[1] * v->dims[2];
    double nc = (double)(v->dims[0] > 1 ? v->dims[0] - 1 : 1) *
                (v->dims[1] > 1 ? v->dims[1] - 1 : 1) * (v->dims[2] > 1 ? v->dims[2] - 1 : 1);
    cJSON_AddFalseToObject(img, "Debug");
    cJSON_AddNumberToObject(img, "Number Of Points", np);
    cJSON_AddNumberToObject(img, "Number Of Cells", nc);
    cJSON_AddItemToObject(img, "Dimensions", parsed_ivec(v->dims, 3));
    int ext[6] = { 0, v->dims[0] - 1, 0, v->dims[1] - 1, 0, v->dims[2] - 1 };
    cJSON_AddItemToObject(img, "Extent", parsed_ivec(ext, 6));
    static const double one[3] = { 1, 1, 1 }, zero[3] = { 0, 0, 0 };
    cJSON_AddItemToObject(img, "Spacing", parsed_vec(one, 3));
    cJSON_AddItemToObject(img, "Origin", parsed_vec(zero, 3));
    cJSON_AddStringToObject(img, "ScalarType", scalar_name(v->scalar));
    cJSON_AddNumberToObject(img, "NumberOfScalarComponents", 1);
}

static void slice_props(cJSON *o, const sim_scene *sc, const sim_node *n)
{
    static const double colors[3][3] = {
        { 0.952941, 0.290196, 0.2 }, { 0.929412, 0.835294, 0.298039 }, { 0.431373, 0.690196, 0.294118 } };
    static const char *const labels[3] = { "R", "Y", "G" };
    const sim_view *v = &sc->views[n->view];
    cJSON_AddStringToObject(o, "LayoutName", sim_view_names[n->view]);
    cJSON_AddStringToObject(o, "LayoutLabel", labels[n->view]);
    cJSON_AddItemToObject(o, "LayoutColor", parsed_vec(colors[n->view], 3));
    cJSON_AddStringToObject(o, "Orientation", v->orient);
    cJSON_AddStringToObject(o, "OrientationReference", v->orient);
    cJSON_AddItemToObject(o, "FieldOfView", parsed_vec(v->fov, 3));
    int dims[3] = { v->dims[0], v->dims[1], 1 };
    cJSON_AddItemToObject(o, "Dimensions", parsed_ivec(dims, 3));
    static const double zero[3] = { 0, 0, 0 };
    cJSON_AddItemToObject(o, "XYZOrigin", parsed_vec(zero, 3));
    cJSON_AddItemToObject(o, "UVWDimensions", parsed_ivec(dims, 3));
    cJSON_AddItemToObject(o, "UVWExtents", parsed_vec(v->fov, 3));
    cJSON_AddItemToObject(o, "UVWOrigin", parsed_vec(zero, 3));
    cJSON_AddNumberToObject(o, "SliceResolutionMode", 1);
    cJSON_AddStringToObject(o, "Layout grid", "1x1");
    cJSON_AddNumberToObject(o, "Active slice", 0);
    cJSON_AddFalseToObject(o, "SliceVisible");
    cJSON_AddFalseToObject(o, "WidgetVisible");
    cJSON_AddFalseToObject(o, "UseLabelOutline");
    cJSON_AddStringToObject(o, "Jump mode", "Offset");
    cJSON_AddItemToObject(o, "SliceToRAS", matrix_group(v->s2r, n->mtime));
    /* XYToRAS = SliceToRAS * (pixel -> slice mm) */
    double xy[16];
    double sx = v->fov[0] / v->dims[0], sy = v->fov[1] / v->dims[1];
    for (int r = 0; r < 4; r++) {
        xy[r * 4 + 0] = v->s2r[r * 4 + 0] * sx;
        xy[r * 4 + 1] = v->s2r[r * 4 + 1] * sy;
        xy[r * 4 + 2] = v->s2r[r * 4 + 2];
        xy[r * 4 + 3] = v->s2r[r * 4 + 3] - v->s2r[r * 4 + 0] * v->fov[0] / 2 -
                        v->s2r[r * 4 + 1] * v->fov[1] / 2;
    }
    cJSON_AddItemToObject(o, "XYToRAS", matrix_group(xy, n->mtime));
    cJSON_AddStringToObject(o, "Slice spacing mode", "Automatic");
    static const double pss[3] = { 1, 1, 1 };
    cJSON_AddItemToObject(o, "Prescribed slice spacing", parsed_vec(pss, 3));
}

static void markups_props(cJSON *o, const sim_node *n)
{
    cJSON_AddFalseToObject(o, "Locked");
    cJSON_AddStringToObject(o, "MarkupLabelFormat", "%N-%d");
    cJSON_AddNumberToObject(o, "Number of control points", n->npts);
    for (int i = 0; i < n->npts; i++) {
        const sim_cpoint *p = &n->pts[i];
        char key[48];
        snprintf(key, sizeof key, "ControlPoint %d", i);
        cJSON *g = cJSON_AddObjectToObject(o, key);
        if (p->id[0])
            cJSON_AddStringToObject(g, "ID", p->id);
        if (p->label[0])
            cJSON_AddStringToObject(g, "Label", p->label);
        cJSON_AddItemToObject(g, "Position", parsed_vec(p->pos, 3));
        static const double ident[9] = { -1, 0, 0, 0, -1, 0, 0, 0, 1 };
        cJSON_AddItemToObject(g, "Orientation", parsed_vec(ident, 9));
        cJSON_AddBoolToObject(g, "Selected", p->selected);
        cJSON_AddBoolToObject(g, "Locked", p->locked);
        cJSON_AddBoolToObject(g, "Visibility", p->visible);
        cJSON_AddStringToObject(g, "PositionStatus", "defined");
    }
}

static void display_props(cJSON *o, const sim_scene *sc, const sim_node *n)
{
    const sim_node *owner = n->owner_id ? sim_scene_by_id(sc, n->owner_id) : NULL;
    cJSON_AddTrueToObject(o, "Visibility");
    cJSON_AddNumberToObject(o, "Opacity", 1);
    if (strstr(n->cls, "VolumeDisplay")) {
        cJSON_AddStringToObject(o, "ColorNodeID", strstr(n->cls, "LabelMap")
                                ? "vtkMRMLColorTableNodeFileGenericAnatomyColors.txt"
                                : "vtkMRMLColorTableNodeGrey");
        if (owner && owner->vol && !strstr(n->cls, "LabelMap")) {
            cJSON_AddItemToObject(o, "Window", parsed_num(owner->vol->window));
            cJSON_AddItemToObject(o, "Level", parsed_num(owner->vol->level));
        }
    } else if (owner && owner->mtype[0]) {
        cJSON_AddItemToObject(o, "Color", parsed_vec(owner->color, 3));
        cJSON_AddItemToObject(o, "SelectedColor", parsed_vec(owner->selcolor, 3));
        cJSON_AddItemToObject(o, "GlyphScale", parsed_num(owner->glyph));
    }
}

cJSON *sim_props_node(const sim_scene *sc, const sim_node *n)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    base_props(o, n);
    if (n->vol)
        volume_props(o, n);
    else if (n->mtype[0])
        markups_props(o, n);
    else if (strcmp(n->cls, "vtkMRMLSliceNode") == 0)
        slice_props(o, sc, n);
    else if (strcmp(n->cls, "vtkMRMLLayoutNode") == 0) {
        cJSON_AddNumberToObject(o, "ViewArrangement", sc->layout);
        cJSON_AddNumberToObject(o, "GUIPanelVisibility", sc->gui_full);
        cJSON_AddNumberToObject(o, "BottomPanelVisibility", sc->gui_full);
    } else if (n->owner_id && strstr(n->cls, "Display"))
        display_props(o, sc, n);
    else if (n->file)
        cJSON_AddStringToObject(o, "FileName", n->file);
    else if (strcmp(n->cls, "vtkMRMLLinearTransformNode") == 0)
        cJSON_AddItemToObject(o, "MatrixTransformToParent", matrix_group(n->matrix, n->mtime));
    return o;
}
