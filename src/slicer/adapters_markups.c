/* adapters_markups: place_markups and get_markups. */
#include "slicer/adapters_markups.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slicer/props.h"
#include "util/jsonr.h"
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

/* Writes text to a new file in the spool folder (0600, never replacing
 * an existing file); path gets its name. */
static int spool_write(const char *dir, const char *name, const char *text,
                       char *path, size_t pathsz, err *e)
{
    static unsigned seq;
    char safe[41];
    size_t n = 0;
    for (const char *p = name ? name : "markups"; *p && n < sizeof safe - 1; p++)
        safe[n++] = (char)((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                           (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ? *p : '_');
    safe[n] = '\0';
    snprintf(path, pathsz, "%s/%s-%ld-%u.mrk.json", dir, safe, (long)getpid(), ++seq);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "markups spool %s: %s", path, strerror(errno));
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w <= 0) {
            close(fd);
            unlink(path);
            return err_set(e, ERR_INTERNAL, "markups spool %s: %s", path, strerror(errno));
        }
        off += (size_t)w;
    }
    close(fd);
    return 0;
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
    if (!c->spool_dir)
        return call_fail(c, "the gateway has no markups spool folder configured");
    cJSON *doc = mrk_document(k, name, pts);
    char *text = jsonw_print(doc, NULL);
    cJSON_Delete(doc);
    char path[1024];
    err ce = { 0 };
    if (!text || spool_write(c->spool_dir, name, text, path, sizeof path, &ce) != 0) {
        free(text);
        return call_fail(c, ce.msg[0] ? ce.msg : "out of memory");
    }
    free(text);
    buf t;
    buf_init(&t, 4096);
    buf_puts(&t, "/slicer/mrml");
    call_query_add(&t, "localfile", path);
    call_query_add(&t, "filetype", "MarkupsFile");
    if (name)
        call_query_add(&t, "name", name);
    backend_resp r;
    int rc = call_slicer(c, "POST", t.data, NULL, 0, &r, &ce);
    /* Slicer has read the file by the time it answers; keep no PHI lying around. */
    unlink(path);
    buf_free(&t);
    if (rc != 0)
        return call_fail(c, ce.msg);
    cJSON *j = jsonr_parse(r.body.data ? r.body.data : "", r.body.len, NULL);
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

/* Control points out of a markups node's properties: in order, every
 * member whose key is "Position" (array or string) or starts with
 * "Position" followed by three numbers (PrintSelf's "Position = x, y, z"
 * line has no colon, so it becomes a key), with the nearest "Label". */
static void collect_points(const cJSON *node, cJSON *out, const char **label)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, node) {
        const char *k = it->string ? it->string : "";
        double p[3];
        if (strncmp(k, "Label", 5) == 0 && cJSON_IsString(it))
            *label = it->valuestring;
        else if (strncmp(k, "Label = ", 8) == 0)
            *label = k + 8;
        if (strcmp(k, "Position") == 0 && props_numbers(node, "Position", p, 3) == 0) {
            /* value form */
        } else if (strncmp(k, "Position", 8) == 0 && props_parse_numbers(k + 8, p, 3) == 0) {
            /* key form */
        } else {
            if (cJSON_IsObject(it))
                collect_points(it, out, label);
            continue;
        }
        cJSON *pt = cJSON_CreateObject();
        cJSON_AddStringToObject(pt, "label", *label ? *label : "");
        cJSON_AddItemToObject(pt, "position_ras", cJSON_CreateDoubleArray(p, 3));
        cJSON_AddItemToArray(out, pt);
        *label = NULL;
    }
}

static cJSON *markup_entry(int k, const char *id, const cJSON *props)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "id", id);
    const char *name = props_string(props, "Name");
    cJSON_AddStringToObject(m, "name", name ? name : "");
    cJSON_AddStringToObject(m, "type", kinds[k].type);
    cJSON *pts = cJSON_AddArrayToObject(m, "points");
    const char *label = NULL;
    collect_points(props, pts, &label);
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

int adapter_markups_get(call_ctx *c, err *e)
{
    (void)e;
    char *want = call_arg_string(c->args, "node_id");
    cJSON *res = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(res, "markups");
    for (size_t k = 0; k < NKINDS; k++) {
        buf t;
        buf_init(&t, 4096);
        buf_puts(&t, "/slicer/mrml/properties");
        call_query_add(&t, "class", kinds[k].cls);
        cJSON *props = NULL;
        err ce = { 0 };
        int rc = call_slicer_json(c, "GET", t.data, &props, &ce);
        buf_free(&t);
        if (rc != 0 && ce.kind == ERR_NOT_FOUND)
            continue;     /* Slicer's 500 for an empty selection: none of this kind */
        if (rc != 0) {
            cJSON_Delete(res);
            free(want);
            return call_fail(c, ce.msg);
        }
        const cJSON *it;
        cJSON_ArrayForEach(it, props) {
            const char *cls = props_string(it, "ClassName");
            /* class= matches subclasses too; report each node under its own kind. */
            if (!it->string || (cls && strcmp(cls, kinds[k].cls) != 0))
                continue;
            if (want && strcmp(want, it->string) != 0)
                continue;
            cJSON_AddItemToArray(arr, markup_entry((int)k, it->string, it));
        }
        cJSON_Delete(props);
    }
    if (want && cJSON_GetArraySize(arr) == 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "No point list, line or angle has id '%.200s'. Call "
                 "get_markups without node_id to see them all.", want);
        cJSON_Delete(res);
        free(want);
        return call_fail(c, msg);
    }
    free(want);
    cJSON_AddNumberToObject(res, "count", cJSON_GetArraySize(arr));
    return call_set_structured(c, res);
}
