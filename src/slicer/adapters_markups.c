/* adapters_markups: place_markups and get_markups. */
#include "slicer/adapters_markups.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/markups_own.h"
#include "slicer/props.h"
#include "util/jsonw.h"

#define MARKUPS_SCHEMA "https://raw.githubusercontent.com/slicer/slicer/master/Modules/" \
                       "Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#"

/* Subclasses before their superclasses: a class= selection includes
 * subclasses (closed curves are curves), and markup_ids keeps each node
 * under the first kind that lists it. */
static const struct {
    const char *type;        /* our argument value */
    const char *mrk;         /* .mrk.json "type" */
    const char *cls;         /* MRML class */
    int min, max;            /* control points given as points */
} kinds[] = {
    { "point_list",   "Fiducial",    "vtkMRMLMarkupsFiducialNode",    1, 1000 },
    { "line",         "Line",        "vtkMRMLMarkupsLineNode",        2, 2 },
    { "angle",        "Angle",       "vtkMRMLMarkupsAngleNode",       3, 3 },
    { "roi",          "ROI",         "vtkMRMLMarkupsROINode",         0, 0 },
    { "closed_curve", "ClosedCurve", "vtkMRMLMarkupsClosedCurveNode", 3, 1000 },
    { "curve",        "Curve",       "vtkMRMLMarkupsCurveNode",       2, 1000 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])
enum { K_LINE = 1, K_ANGLE = 2, K_ROI = 3, K_CLOSED = 4, K_CURVE = 5 };
#define MARKUPS_PAGE 50   /* get_markups' default page, in nodes */

#define POLYLINE_NOTE "polyline_length_mm is the length of the straight segments " \
    "through the control points%s, computed by the gateway. Slicer draws the curve as a " \
    "spline through them, and its own length of that spline is not in its properties " \
    "(the curve's length measurement is off by default), so this is not Slicer's curve length."
#define ROI_NOTE "center_ras is the ROI's control point, which Slicer keeps at the box's " \
    "centre; size_mm is Slicer's Size, edge lengths along the ROI's own axes. Its " \
    "orientation is not in Slicer's properties (matrices are dropped)."

static int kind_of(const char *type)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(kinds[i].type, type) == 0)
            return (int)i;
    return -1;
}

static void add_point(cJSON *cps, int i, const char *label, const char *name, const double pos[3])
{
    cJSON *cp = cJSON_CreateObject();
    char idbuf[16], deflabel[80];
    snprintf(idbuf, sizeof idbuf, "%d", i);
    cJSON_AddStringToObject(cp, "id", idbuf);
    snprintf(deflabel, sizeof deflabel, "%.60s-%d", name ? name : "P", i);
    cJSON_AddStringToObject(cp, "label", label ? label : deflabel);
    cJSON_AddItemToObject(cp, "position", cJSON_CreateDoubleArray(pos, 3));
    cJSON_AddStringToObject(cp, "positionStatus", "defined");
    cJSON_AddItemToArray(cps, cp);
}

/* The markups JSON document (schema v1.0.3), in RAS.  An ROI is written
 * the way vtkMRMLMarkupsROIJsonStorageNode::WriteBasicProperties writes a
 * box ROI (roiType, center, orientation, size, insideOut) with the one
 * control point Slicer keeps at a placed box's centre
 * (vtkMRMLMarkupsROINode::UpdateControlPointsFromBoxROI), so Slicer reads
 * back a file of its own shape.  The orientation is written out: its
 * reader leaves a zero rotation when it is absent. */
static cJSON *mrk_document(int k, const char *name, const cJSON *points,
                           const double center[3], const double size[3])
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "@schema", MARKUPS_SCHEMA);
    cJSON *arr = cJSON_AddArrayToObject(doc, "markups");
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, m);
    cJSON_AddStringToObject(m, "type", kinds[k].mrk);
    cJSON_AddStringToObject(m, "coordinateSystem", "RAS");
    cJSON_AddStringToObject(m, "coordinateUnits", "mm");
    if (name)
        cJSON_AddStringToObject(m, "name", name);
    if (k == K_ROI) {
        static const double axes[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        cJSON_AddStringToObject(m, "roiType", "Box");
        cJSON_AddItemToObject(m, "center", cJSON_CreateDoubleArray(center, 3));
        cJSON_AddItemToObject(m, "orientation", cJSON_CreateDoubleArray(axes, 9));
        cJSON_AddItemToObject(m, "size", cJSON_CreateDoubleArray(size, 3));
        cJSON_AddFalseToObject(m, "insideOut");
    }
    cJSON *cps = cJSON_AddArrayToObject(m, "controlPoints");
    if (k == K_ROI) {
        add_point(cps, 1, NULL, name, center);
        return doc;
    }
    int i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, points) {
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(p, "label");
        double pos[3] = {
            cJSON_GetObjectItemCaseSensitive(p, "r")->valuedouble,
            cJSON_GetObjectItemCaseSensitive(p, "a")->valuedouble,
            cJSON_GetObjectItemCaseSensitive(p, "s")->valuedouble,
        };
        add_point(cps, ++i, cJSON_IsString(label) ? label->valuestring : NULL, name, pos);
    }
    return doc;
}

/* The ROI's centre and size arguments; NULL when they are fine, else why. */
static const char *roi_args(const cJSON *args, double center[3], double size[3])
{
    const cJSON *jc = cJSON_GetObjectItemCaseSensitive(args, "center");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(args, "size_mm");
    if (!cJSON_IsObject(jc) || !cJSON_IsArray(js) || cJSON_GetArraySize(js) != 3 ||
        cJSON_GetObjectItemCaseSensitive(args, "points"))
        return "An roi needs center (r, a, s) and size_mm (three edge lengths in mm), and no points.";
    static const char *const ras[3] = { "r", "a", "s" };
    for (int i = 0; i < 3; i++) {
        center[i] = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(jc, ras[i]));
        size[i] = cJSON_GetNumberValue(cJSON_GetArrayItem(js, i));
    }
    return NULL;
}

int adapter_markups_place(call_ctx *c, err *e)
{
    (void)e;
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive(c->args, "type");
    const cJSON *jn = cJSON_GetObjectItemCaseSensitive(c->args, "name");
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(c->args, "points");
    int k = cJSON_IsString(jt) ? kind_of(jt->valuestring) : -1;
    const char *name = cJSON_IsString(jn) ? jn->valuestring : NULL;
    char msg[512];
    double center[3] = { 0, 0, 0 }, size[3] = { 0, 0, 0 };
    if (k < 0)
        return call_fail(c, "type must be point_list, line, angle, roi, curve or closed_curve");
    int np = cJSON_GetArraySize(pts);
    const char *why = k == K_ROI ? roi_args(c->args, center, size) : NULL;
    if (why)
        return call_fail(c, why);
    if (k != K_ROI && (np < kinds[k].min || np > kinds[k].max)) {
        if (kinds[k].min == kinds[k].max)
            snprintf(msg, sizeof msg, "A %s needs exactly %d points; %d given.", kinds[k].type,
                     kinds[k].min, np);
        else
            snprintf(msg, sizeof msg, "A %s needs %d to %d points; %d given.", kinds[k].type,
                     kinds[k].min, kinds[k].max, np);
        return call_fail(c, msg);
    }
    if (!c->spool)
        return call_fail(c, "the gateway has no markups spool folder configured");
    cJSON *doc = mrk_document(k, name, pts, center, size);
    char *text = jsonw_print(doc, NULL);
    cJSON_Delete(doc);
    spool_file f;
    err ce = { 0 };
    char file[SPOOL_MAX_PATH];
    if (!text || spool_write(c->spool, ".mrk.json", text, strlen(text), &f, &ce) != 0) {
        free(text);
        return call_fail(c, ce.msg[0] ? ce.msg : "out of memory");
    }
    free(text);
    snprintf(file, sizeof file, "%s", f.path);
    buf t;
    buf_init(&t, 4096);
    buf_puts(&t, "/slicer/mrml");
    call_query_add(&t, "localfile", f.path);
    /* No name= parameter: the file's own name wins
     * (vtkSlicerMarkupsLogic::LoadMarkupsFromJson), and Slicer keeps a
     * load's properties in its persistent recently-loaded-files list. */
    call_query_add(&t, "filetype", "MarkupsFile");
    backend_resp r;
    int rc = call_slicer(c, "POST", t.data, NULL, 0, &r, &ce);
    /* Slicer has read the file by the time it answers; keep no PHI lying around. */
    spool_remove(c->spool, &f);
    buf_free(&t);
    if (rc != 0)
        return call_fail(c, ce.msg);
    cJSON *j = cJSON_ParseWithLengthOpts(r.body.data ? r.body.data : "", r.body.len, NULL, 0);
    backend_resp_free(&r);
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(j, "loadedNodeIDs");
    const cJSON *id = cJSON_GetArrayItem(ids, 0);
    if (!cJSON_IsString(id)) {
        cJSON_Delete(j);
        return call_fail(c, "Slicer loaded the markups file but reported no node id");
    }
    /* Slicer's storage node keeps the file's path: what tells this
     * gateway's node from another that got the same id later. */
    markups_own_add(id->valuestring, file);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "node_id", id->valuestring);
    cJSON_AddStringToObject(res, "class", kinds[k].cls);
    cJSON_AddStringToObject(res, "type", kinds[k].type);
    if (name)
        cJSON_AddStringToObject(res, "name", name);
    if (k == K_ROI) {
        cJSON_AddItemToObject(res, "center_ras", cJSON_CreateDoubleArray(center, 3));
        cJSON_AddItemToObject(res, "size_mm", cJSON_CreateDoubleArray(size, 3));
    } else {
        cJSON_AddNumberToObject(res, "point_count", np);
    }
    cJSON_Delete(j);
    return call_set_structured(c, res);
}

/* ---- get_markups ---- */

static double dist(const double *a, const double *b)
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

/* Angle at vertex b between b->a and b->c, in degrees. */
static double angle_deg(const double *a, const double *b, const double *c)
{
    double u[3], v[3], dot = 0, nu = 0, nv = 0;
    for (int i = 0; i < 3; i++) {
        u[i] = a[i] - b[i];
        v[i] = c[i] - b[i];
        dot += u[i] * v[i];
        nu += u[i] * u[i];
        nv += v[i] * v[i];
    }
    if (nu == 0 || nv == 0)
        return 0;
    double cosv = dot / sqrt(nu * nv);
    cosv = cosv > 1 ? 1 : cosv < -1 ? -1 : cosv;
    return acos(cosv) * 180.0 / acos(-1.0);   /* M_PI is not POSIX */
}

/* Control points out of a markups node's properties
 * (vtkMRMLMarkupsNode::PrintSelf): ControlPoints -> ControlPoint[i] ->
 * Label, Position [r, a, s].  A label that looked numeric arrived as a
 * number and comes back as text; one the parser dropped ("7-2"), or a
 * boolean-looking one, is null: Slicer did not send it. */
static void collect_points(const cJSON *node, cJSON *out)
{
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(node, "ControlPoints");
    const cJSON *cp;
    cJSON_ArrayForEach(cp, cps) {
        double p[3];
        if (!cJSON_IsObject(cp) || props_numbers(cp, "Position", p, 3) != 0)
            continue;
        char tmp[40];
        const char *label = props_text(cp, "Label", tmp, sizeof tmp);
        cJSON *pt = cJSON_CreateObject();
        cJSON_AddItemToObject(pt, "label", label ? cJSON_CreateString(label) : cJSON_CreateNull());
        cJSON_AddItemToObject(pt, "position_ras", cJSON_CreateDoubleArray(p, 3));
        cJSON_AddItemToArray(out, pt);
    }
}

/* Sum of the straight segments through the points, back to the first
 * when closed. */
static double polyline_length(const cJSON *pts, int closed)
{
    double first[3] = { 0, 0, 0 }, prev[3] = { 0, 0, 0 }, p[3], len = 0;
    int i = 0;
    const cJSON *pt;
    cJSON_ArrayForEach(pt, pts) {
        if (props_numbers(pt, "position_ras", p, 3) != 0)
            continue;
        if (i++ == 0)
            memcpy(first, p, sizeof p);
        else
            len += dist(prev, p);
        memcpy(prev, p, sizeof p);
    }
    if (closed && i > 2)
        len += dist(prev, first);
    return len;
}

static void roi_fields(cJSON *m, const cJSON *props, const cJSON *pts)
{
    double center[3], size[3];
    const char *type = props_string(props, "ROIType");
    if (type && strcmp(type, "Box") == 0 && cJSON_GetArraySize(pts) == 1 &&
        props_numbers(cJSON_GetArrayItem(pts, 0), "position_ras", center, 3) == 0)
        cJSON_AddItemToObject(m, "center_ras", cJSON_CreateDoubleArray(center, 3));
    if (props_numbers(props, "Size", size, 3) == 0)
        cJSON_AddItemToObject(m, "size_mm", cJSON_CreateDoubleArray(size, 3));
    cJSON_AddStringToObject(m, "note", ROI_NOTE);
}

static cJSON *markup_entry(int k, const char *id, const char *name, const cJSON *props)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "id", id);
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddStringToObject(m, "type", kinds[k].type);
    cJSON *pts = cJSON_AddArrayToObject(m, "points");
    collect_points(props, pts);
    int n = cJSON_GetArraySize(pts);
    double p[3][3];
    for (int i = 0; i < n && i < 3; i++)
        props_numbers(cJSON_GetArrayItem(pts, i), "position_ras", p[i], 3);
    if (k == K_LINE && n == 2)
        cJSON_AddNumberToObject(m, "length_mm", dist(p[0], p[1]));
    if (k == K_ANGLE && n == 3)
        cJSON_AddNumberToObject(m, "angle_deg", angle_deg(p[0], p[1], p[2]));
    if (k == K_ROI)
        roi_fields(m, props, pts);
    if ((k == K_CURVE || k == K_CLOSED) && n >= 2) {
        char note[600];
        cJSON_AddNumberToObject(m, "polyline_length_mm", polyline_length(pts, k == K_CLOSED));
        snprintf(note, sizeof note, POLYLINE_NOTE, k == K_CLOSED ? " and back to the first" : "");
        cJSON_AddStringToObject(m, "note", note);
    }
    return m;
}

/* GET /slicer/mrml/<what>?<key>=<value>, parsed; 0, or -1 with e. */
static int mrml_get(call_ctx *c, const char *what, const char *key, const char *value,
                    cJSON **out, err *e)
{
    buf t;
    buf_init(&t, 4096);
    buf_printf(&t, "/slicer/mrml/%s", what);
    call_query_add(&t, key, value);
    int rc = call_slicer_json(c, "GET", t.data, out, e);
    buf_free(&t);
    return rc;
}

/* The entry of node id, read alone so that memory holds one node at a
 * time: NULL when it vanished or is not of kind k (k < 0: any of ours;
 * class= selections include subclasses, each node counts under its own
 * class).  -1 with e when Slicer failed. */
static int node_entry(call_ctx *c, const char *id, int k, cJSON **out, err *e)
{
    cJSON *props = NULL;
    *out = NULL;
    if (mrml_get(c, "properties", "id", id, &props, e) != 0)
        return e->kind == ERR_NOT_FOUND ? 0 : -1;
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(props, id);
    const char *cls = props_string(node, "ClassName");
    for (size_t i = 0; i < NKINDS && node && !*out; i++) {
        if ((k >= 0 && (size_t)k != i) || (cls && strcmp(cls, kinds[i].cls) != 0))
            continue;
        char *name = props_node_name(c, id, node, e);
        if (!name) {
            cJSON_Delete(props);
            return -1;
        }
        *out = markup_entry((int)i, id, name, node);
        free(name);
    }
    cJSON_Delete(props);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ids of every markup of our kinds in Slicer's order, kind by kind:
 * kinds_end[k] is one past the last of kind k.  An id an earlier kind
 * listed (a closed curve under curves) is skipped: seen holds them
 * sorted, so the check stays O(n log n).  NULL with e. */
static cJSON *markup_ids(call_ctx *c, size_t kinds_end[NKINDS], err *e)
{
    cJSON *all = cJSON_CreateArray();
    const char **seen = NULL;
    size_t nseen = 0, cap = 0;
    for (size_t k = 0; k < NKINDS && all; k++) {
        cJSON *ids = NULL;
        if (mrml_get(c, "ids", "class", kinds[k].cls, &ids, e) != 0) {
            cJSON_Delete(all);
            all = NULL;
            break;
        }
        size_t earlier = nseen;
        /* Slicer's answer is hostile input: only the strings of an
         * array are ids (fuzz_slicer_response found an object's members
         * passed on as ids with no string). */
        cJSON *id;
        while (cJSON_IsArray(ids) && (id = cJSON_DetachItemFromArray(ids, 0)) != NULL) {
            if (!cJSON_IsString(id) ||
                (earlier && bsearch(&id->valuestring, seen, earlier, sizeof *seen, cmp_str))) {
                cJSON_Delete(id);
                continue;
            }
            if (nseen == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                const char **ns = realloc(seen, ncap * sizeof *ns);
                if (!ns) {
                    cJSON_Delete(id);
                    cJSON_Delete(ids);
                    cJSON_Delete(all);
                    free(seen);
                    err_set(e, ERR_INTERNAL, "out of memory");
                    return NULL;
                }
                seen = ns;
                cap = ncap;
            }
            seen[nseen++] = id->valuestring;
            cJSON_AddItemToArray(all, id);
        }
        cJSON_Delete(ids);
        if (nseen > earlier)
            qsort(seen, nseen, sizeof *seen, cmp_str);
        kinds_end[k] = (size_t)cJSON_GetArraySize(all);
    }
    free(seen);
    return all;
}

/* One page of the markups (limit from cursor, an offset), reading only
 * that page's nodes: a scene of a thousand 1,000-point lists used to be
 * read whole, 219 MB in one answer. */
static int markups_page(call_ctx *c, cJSON *arr, cJSON *res, err *e)
{
    call_page pg = call_page_args(c->args, MARKUPS_PAGE);
    size_t end[NKINDS];
    cJSON *all = markup_ids(c, end, e);
    if (!all)
        return -1;
    size_t total = end[NKINDS - 1], i = pg.start, k = 0;
    /* walked, not indexed: cJSON_GetArrayItem is linear */
    const cJSON *it = pg.start < total ? cJSON_GetArrayItem(all, (int)pg.start) : NULL;
    for (; it && i - pg.start < pg.limit; i++, it = it->next) {
        while (i >= end[k])
            k++;
        cJSON *m;
        if (node_entry(c, it->valuestring, (int)k, &m, e) != 0) {
            cJSON_Delete(all);
            return -1;
        }
        if (m)
            cJSON_AddItemToArray(arr, m);
    }
    cJSON_Delete(all);
    call_page_result(res, total, i);
    return 0;
}

int adapter_markups_get(call_ctx *c, err *e)
{
    char *want = call_arg_string(c->args, "node_id");
    cJSON *res = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(res, "markups");
    err ce = { 0 };
    cJSON *one = NULL;
    int rc = want ? node_entry(c, want, -1, &one, &ce) : markups_page(c, arr, res, &ce);
    if (rc != 0) {
        cJSON_Delete(res);
        free(want);
        return ce.kind == ERR_INTERNAL ? err_set(e, ERR_INTERNAL, "%s", ce.msg) : call_fail(c, ce.msg);
    }
    if (want && !one) {
        char msg[600];
        snprintf(msg, sizeof msg, "No point list, line, angle, ROI or curve has id '%.200s'. Call "
                 "get_markups without node_id to see them all.", want);
        cJSON_Delete(res);
        free(want);
        return call_fail(c, msg);
    }
    if (one)
        cJSON_AddItemToArray(arr, one);
    free(want);
    cJSON_AddNumberToObject(res, "count", cJSON_GetArraySize(arr));
    return call_set_structured(c, res);
}
