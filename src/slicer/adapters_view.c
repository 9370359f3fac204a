/* adapters_view: get_view_state and the Red view's background volume.
 * Everything comes from GET /slicer/mrml/properties, which Slicer builds
 * from each node's PrintSelf text (SlicerRequestHandler.nodeProperties):
 * - vtkMRMLSliceCompositeNode::PrintSelf (Libs/MRML/Core/
 *   vtkMRMLSliceCompositeNode.cxx) prints BackgroundVolumeID,
 *   ForegroundVolumeID, LabelVolumeID (a missing one as "(none)", which
 *   the parser drops), ForegroundOpacity, LabelOpacity and LayoutName;
 * - vtkMRMLSliceNode::PrintSelf (vtkMRMLSliceNode.cxx) prints FieldOfView
 *   and Dimensions; its matrices arrive as rows of numbers the parser
 *   loses, so the orientation is not known from here;
 * - vtkMRMLLayoutNode::PrintSelf (vtkMRMLLayoutNode.cxx) prints
 *   ViewArrangement, a vtkMRMLLayoutNode::SlicerLayout value
 *   (vtkMRMLLayoutNode.h), named below. */
#include "slicer/adapters_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/props.h"

#define VIEW_MAX_VIEWS 64        /* slice views reported (Slicer has 3 to 12 in its layouts) */
#define VIEW_ORIENT_NOTE \
    "Orientation and offset are not reported: Slicer's properties lose the slice nodes' " \
    "slice-to-RAS matrix (rows of numbers have no key), and vtkMRMLSliceNode prints no " \
    "orientation name. get_slice_png with an orientation sets and reports one."

/* vtkMRMLLayoutNode::SlicerLayout, by value (vtkMRMLLayoutNode.h). */
static const struct { int value; const char *name; } layouts[] = {
    { 0, "Initial" }, { 1, "Default" }, { 2, "Conventional" }, { 3, "FourUp" },
    { 4, "OneUp3D" }, { 6, "OneUpRedSlice" }, { 7, "OneUpYellowSlice" },
    { 8, "OneUpGreenSlice" }, { 9, "Tabbed3D" }, { 10, "TabbedSlice" }, { 12, "Compare" },
    { 14, "None" }, { 15, "Dual3D" }, { 16, "ConventionalWidescreen" },
    { 19, "Triple3DEndoscopy" }, { 21, "ThreeOverThree" }, { 22, "FourOverFour" },
    { 23, "CompareGrid" }, { 27, "TwoOverTwo" }, { 29, "SideBySide" },
    { 30, "FourByThreeSlice" }, { 31, "FourByTwoSlice" }, { 32, "FiveByTwoSlice" },
    { 33, "ThreeByThreeSlice" }, { 34, "FourUpTable" }, { 35, "3DTable" },
    { 36, "ConventionalPlot" }, { 37, "FourUpPlot" }, { 38, "FourUpPlotTable" },
    { 39, "OneUpPlot" }, { 40, "ThreeOverThreePlot" }, { 41, "DicomBrowser" },
    { 42, "DualMonitorFourUp" }, { 98, "Maximized" }, { 99, "Custom" }, { 100, "User" },
};

static const char *layout_name(double v)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (layouts[i].value == v)
            return layouts[i].name;
    return NULL;
}

/* GET /slicer/mrml/properties?class=cls into *out.  An empty selection
 * (Slicer's 500 "No nodes matched") is an empty object.  0, or the
 * call_slicer_json error in e. */
static int props_of_class(call_ctx *c, const char *cls, cJSON **out, err *e)
{
    buf t;
    buf_init(&t, 256);
    int rc = buf_puts(&t, "/slicer/mrml/properties") | call_query_add(&t, "class", cls);
    if (rc != 0) {
        buf_free(&t);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    rc = call_slicer_json(c, "GET", t.data, out, e);
    buf_free(&t);
    if (rc != 0 && e->kind == ERR_NOT_FOUND) {
        *out = cJSON_CreateObject();
        return *out ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
    }
    return rc;
}

/* The gateway's own failure stays -1; Slicer's becomes the tool's error. */
static int fail_from(call_ctx *c, const err *ce, err *e)
{
    if (ce->kind == ERR_INTERNAL)
        return err_set(e, ERR_INTERNAL, "%s", ce->msg);
    return call_fail(c, ce->msg) == 0 ? 1 : -1;
}

int view_red_background(call_ctx *c, char **id, err *e)
{
    cJSON *comp = NULL;
    err ce = { 0 };
    *id = NULL;
    if (props_of_class(c, "vtkMRMLSliceCompositeNode", &comp, &ce) != 0)
        return fail_from(c, &ce, e);
    const cJSON *it, *red = NULL;
    cJSON_ArrayForEach(it, comp) {
        const char *ln = props_string(it, "LayoutName");
        if (ln && strcmp(ln, "Red") == 0)
            red = it;
    }
    const char *bg = props_string(red, "BackgroundVolumeID");
    int rc;
    if (!red)
        rc = call_fail(c, "node_id was not given and Slicer has no Red slice view to take "
                       "its volume from. Give node_id (see list_volumes).") == 0 ? 1 : -1;
    else if (!bg)
        rc = call_fail(c, "node_id was not given and the Red slice view shows no background "
                       "volume. Give node_id (see list_volumes), or load a volume.") == 0 ? 1 : -1;
    else
        rc = (*id = strdup(bg)) ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
    cJSON_Delete(comp);
    return rc;
}

/* {"id", "name"} of a layer's volume, or JSON null when the composite
 * node printed none.  Names already asked for in this call are taken
 * from the layers of the views before (seen), so each volume costs one
 * /mrml/names call however many views show it. */
static int layer_json(call_ctx *c, const cJSON *comp, const char *key, cJSON *view,
                      const char *as, const cJSON *seen, err *e)
{
    const char *id = props_string(comp, key);
    if (!id) {
        cJSON_AddNullToObject(view, as);
        return 0;
    }
    const char *known = NULL;
    const cJSON *v, *l;
    cJSON_ArrayForEach(v, seen)
        cJSON_ArrayForEach(l, v)
            if (cJSON_IsObject(l) && props_string(l, "id") && !strcmp(props_string(l, "id"), id))
                known = props_string(l, "name");
    char *name = known ? strdup(known) : props_node_name(c, id, NULL, e);
    if (!name && (known || e->kind == ERR_INTERNAL))
        return err_set(e, ERR_INTERNAL, "out of memory");
    cJSON *o = cJSON_AddObjectToObject(view, as);
    cJSON_AddStringToObject(o, "id", id);
    if (name)
        cJSON_AddStringToObject(o, "name", name);
    free(name);
    return 0;
}

static void add_numbers(cJSON *o, const char *as, const cJSON *props, const char *key, int n)
{
    double v[3];
    if (props_numbers(props, key, v, n) == 0)
        cJSON_AddItemToObject(o, as, cJSON_CreateDoubleArray(v, n));
}

static void add_number(cJSON *o, const char *as, const cJSON *props, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, key);
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
        cJSON_AddNumberToObject(o, as, v->valuedouble);
}

/* One slice view's entry: its composite node's layers and opacities, and
 * its slice node's field of view (the slice node whose SingletonTag is
 * the composite node's LayoutName, as vtkMRMLSliceNode::GetLayoutName). */
static cJSON *view_json(call_ctx *c, const char *view, const cJSON *comp, const cJSON *slices,
                        const cJSON *seen, err *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    cJSON_AddStringToObject(o, "view", view);
    cJSON_AddStringToObject(o, "composite_node_id", comp->string);
    err ne = { 0 };
    if (layer_json(c, comp, "BackgroundVolumeID", o, "background", seen, &ne) != 0 ||
        layer_json(c, comp, "ForegroundVolumeID", o, "foreground", seen, &ne) != 0 ||
        layer_json(c, comp, "LabelVolumeID", o, "label", seen, &ne) != 0) {
        cJSON_Delete(o);
        err_set(e, ERR_INTERNAL, "%s", ne.msg);
        return NULL;
    }
    add_number(o, "foreground_opacity", comp, "ForegroundOpacity");
    add_number(o, "label_opacity", comp, "LabelOpacity");
    const cJSON *it;
    cJSON_ArrayForEach(it, slices) {
        const char *tag = props_string(it, "SingletonTag");
        if (!tag || strcmp(tag, view) != 0 || !it->string)
            continue;
        cJSON_AddStringToObject(o, "slice_node_id", it->string);
        add_numbers(o, "field_of_view_mm", it, "FieldOfView", 3);
        add_numbers(o, "dimensions_px", it, "Dimensions", 3);
        break;
    }
    return o;
}

int adapter_view_state(call_ctx *c, err *e)
{
    cJSON *comp = NULL, *slices = NULL, *layout = NULL, *res = NULL;
    err ce = { 0 };
    int rc = 0;
    if (props_of_class(c, "vtkMRMLSliceCompositeNode", &comp, &ce) != 0 ||
        props_of_class(c, "vtkMRMLSliceNode", &slices, &ce) != 0 ||
        props_of_class(c, "vtkMRMLLayoutNode", &layout, &ce) != 0) {
        rc = fail_from(c, &ce, e);
        goto out;
    }
    res = cJSON_CreateObject();
    cJSON *views = cJSON_AddArrayToObject(res, "views");
    const cJSON *it;
    int n = 0;
    cJSON_ArrayForEach(it, comp) {
        const char *view = props_string(it, "LayoutName");
        if (!view || !it->string || n >= VIEW_MAX_VIEWS)
            continue;
        cJSON *v = view_json(c, view, it, slices, views, e);
        if (!v) {
            rc = -1;
            goto out;
        }
        cJSON_AddItemToArray(views, v);
        n++;
    }
    cJSON *notes = cJSON_AddArrayToObject(res, "notes");
    const cJSON *ln = layout ? layout->child : NULL;
    const cJSON *va = cJSON_GetObjectItemCaseSensitive(ln, "ViewArrangement");
    if (cJSON_IsNumber(va)) {
        cJSON *lo = cJSON_AddObjectToObject(res, "layout");
        cJSON_AddNumberToObject(lo, "view_arrangement", va->valuedouble);
        const char *name = layout_name(va->valuedouble);
        if (name)
            cJSON_AddStringToObject(lo, "name", name);
    } else {
        cJSON_AddItemToArray(notes, cJSON_CreateString(
            "No layout: Slicer's properties hold no layout node with a ViewArrangement."));
    }
    if (n == 0)
        cJSON_AddItemToArray(notes, cJSON_CreateString(
            "No slice views: Slicer's properties hold no slice composite node with a LayoutName."));
    cJSON_AddItemToArray(notes, cJSON_CreateString(VIEW_ORIENT_NOTE));
    rc = call_set_structured(c, res);
    res = NULL;
    if (rc != 0)
        err_set(e, ERR_INTERNAL, "out of memory");
out:
    cJSON_Delete(res);
    cJSON_Delete(comp);
    cJSON_Delete(slices);
    cJSON_Delete(layout);
    return rc < 0 ? -1 : 0;
}
