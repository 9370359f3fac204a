/* adapters_markups: place_markups and get_markups. */
#include "slicer/adapters_markups.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/props.h"
#include "util/jsonw.h"

#define MARKUPS_SCHEMA "https://raw.githubusercontent.com/slicer/slicer/master/Modules/" \
                       "Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#"

static const struct {
    const char *type;        /* our argument value */
    const char *mrk;         /* .mrk.json "type" */
    const char *cls;         /* MRML class */
    int min, max;            /* control points */
} kinds[] = {
    { "point_list", "Fiducial", "vtkMRMLMarkupsFiducialNode", 1, 1000 },
    { "line",       "Line",     "vtkMRMLMarkupsLineNode",     2, 2 },
    { "angle",      "Angle",    "vtkMRMLMarkupsAngleNode",    3, 3 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])
#define MARKUPS_PAGE 50   /* get_markups' default page, in nodes */

static int kind_of(const char *type)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(kinds[i].type, type) == 0)
            return (int)i;
    return -1;
}

/* The markups JSON document (schema v1.0.3), in RAS. */
static cJSON *mrk_document(int k, const char *name, const cJSON *points)
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
    cJSON *cps = cJSON_AddArrayToObject(m, "controlPoints");
    int i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, points) {
        cJSON *cp = cJSON_CreateObject();
        char idbuf[16];
        snprintf(idbuf, sizeof idbuf, "%d", ++i);
        cJSON_AddStringToObject(cp, "id", idbuf);
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(p, "label");
        char deflabel[80];
        snprintf(deflabel, sizeof deflabel, "%.60s-%d", name ? name : "P", i);
        cJSON_AddStringToObject(cp, "label", cJSON_IsString(label) ? label->valuestring : deflabel);
        double pos[3] = {
            cJSON_GetObjectItemCaseSensitive(p, "r")->valuedouble,
            cJSON_GetObjectItemCaseSensitive(p, "a")->valuedouble,
            cJSON_GetObjectItemCaseSensitive(p, "s")->valuedouble,
        };
        cJSON_AddItemToObject(cp, "position", cJSON_CreateDoubleArray(pos, 3));
        cJSON_AddStringToObject(cp, "positionStatus", "defined");
        cJSON_AddItemToArray(cps, cp);
    }
    return doc;
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
    if (k < 0)
        return call_fail(c, "type must be point_list, line or angle");
    int np = cJSON_GetArraySize(pts);
    if (np < kinds[k].min || np > kinds[k].max) {
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
    cJSON *doc = mrk_document(k, name, pts);
    char *text = jsonw_print(doc, NULL);
    cJSON_Delete(doc);
    spool_file f;
    err ce = { 0 };
    if (!text || spool_write(c->spool, ".mrk.json", text, strlen(text), &f, &ce) != 0) {
        free(text);
        return call_fail(c, ce.msg[0] ? ce.msg : "out of memory");
    }
    free(text);
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
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "node_id", id->valuestring);
    cJSON_AddStringToObject(res, "class", kinds[k].cls);
    cJSON_AddStringToObject(res, "type", kinds[k].type);
    if (name)
        cJSON_AddStringToObject(res, "name", name);
    cJSON_AddNumberToObject(res, "point_count", np);
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
    if (k == 1 && n == 2)
        cJSON_AddNumberToObject(m, "length_mm", dist(p[0], p[1]));
    if (k == 2 && n == 3)
        cJSON_AddNumberToObject(m, "angle_deg", angle_deg(p[0], p[1], p[2]));
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

/* Ids of every markup of our kinds in Slicer's order, kind by kind:
 * kinds_end[k] is one past the last of kind k.  NULL with e. */
static cJSON *markup_ids(call_ctx *c, size_t kinds_end[NKINDS], err *e)
{
    cJSON *all = cJSON_CreateArray();
    for (size_t k = 0; k < NKINDS && all; k++) {
        cJSON *ids = NULL;
        if (mrml_get(c, "ids", "class", kinds[k].cls, &ids, e) != 0) {
            cJSON_Delete(all);
            return NULL;
        }
        /* Slicer's answer is hostile input: only the strings of an
         * array are ids (fuzz_slicer_response found an object's members
         * passed on as ids with no string). */
        cJSON *id;
        while (cJSON_IsArray(ids) && (id = cJSON_DetachItemFromArray(ids, 0)) != NULL) {
            if (cJSON_IsString(id))
                cJSON_AddItemToArray(all, id);
            else
                cJSON_Delete(id);
        }
        cJSON_Delete(ids);
        kinds_end[k] = (size_t)cJSON_GetArraySize(all);
    }
    return all;
}

/* One page of the markups (limit from cursor, an offset), reading only
 * that page's nodes: a scene of a thousand 1,000-point lists used to be
 * read whole, 219 MB in one answer. */
static int markups_page(call_ctx *c, cJSON *arr, cJSON *res, err *e)
{
    char *cur = call_arg_string(c->args, "cursor");
    const cJSON *jl = cJSON_GetObjectItemCaseSensitive(c->args, "limit");
    size_t start = cur ? strtoul(cur, NULL, 10) : 0;
    size_t limit = cJSON_IsNumber(jl) ? (size_t)jl->valuedouble : MARKUPS_PAGE;
    free(cur);
    size_t end[NKINDS];
    cJSON *all = markup_ids(c, end, e);
    if (!all)
        return -1;
    size_t total = end[NKINDS - 1], i = start, k = 0;
    for (; i < total && i - start < limit; i++) {
        while (i >= end[k])
            k++;
        cJSON *m;
        if (node_entry(c, cJSON_GetArrayItem(all, (int)i)->valuestring, (int)k, &m, e) != 0) {
            cJSON_Delete(all);
            return -1;
        }
        if (m)
            cJSON_AddItemToArray(arr, m);
    }
    cJSON_Delete(all);
    cJSON_AddNumberToObject(res, "total", (double)total);
    if (i < total) {
        char next[24];
        snprintf(next, sizeof next, "%zu", i);
        cJSON_AddStringToObject(res, "next_cursor", next);
    }
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
        snprintf(msg, sizeof msg, "No point list, line or angle has id '%.200s'. Call "
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
