/* test_sim_props: slicer-sim's GET /slicer/mrml/properties against real
 * Slicer's output (tests/fixtures/slicer-properties-examples.json, a copy
 * of ../shared/slicer-properties-examples.json): for MRHead, the red slice
 * node and a markups line, the same keys in the same order and nesting
 * with the same JSON types (int, float, string, bool, object, array and
 * its length).  Pointer values (also inside keys such as "vtkObserver
 * (0x...)") and times may differ; so may other values, and the ones the
 * phantom is meant to share with MRHead are checked too.  Also numeric
 * node names and labels, which Slicer's parser turns into numbers or
 * drops. */
#include "sim_testutil.h"

#include "t_png.h"

#include <math.h>

#define FIXTURE "tests/fixtures/slicer-properties-examples.json"
#define SCHEMA "\"@schema\": \"https://raw.githubusercontent.com/slicer/slicer/master/Modules/" \
               "Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#\", "

typedef struct {
    char *p;
    size_t n, cap;
    int bad;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->bad = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static const char *ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    return s;
}

/* A JSON string token (s at the quote): its end; the raw text between the
 * quotes goes to out with every 0x<hex> run written as 0x?. */
static const char *str_token(const char *s, sbuf *out)
{
    s++;
    while (*s && *s != '"') {
        if (*s == '\\' && s[1]) {
            sb_put(out, s, 2);
            s += 2;
        } else if (s[0] == '0' && s[1] == 'x') {
            sb_put(out, "0x?", 3);
            s += 2;
            while ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))
                s++;
        } else {
            sb_put(out, s, 1);
            s++;
        }
    }
    return *s ? s + 1 : s;
}

/* The shape of the JSON value at s into out; returns the end, NULL on a
 * syntax error.  Objects keep key order; numbers are "i" or "f" as the
 * text has no or some '.', 'e', 'E' (Python's int and float). */
static const char *shape(const char *s, sbuf *out, int depth)
{
    s = ws(s);
    if (depth > 64)
        return NULL;
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        sb_put(out, s, 1);
        s = ws(s + 1);
        while (*s && *s != close) {
            if (close == '}') {
                sb_put(out, "\"", 1);
                s = str_token(s, out);
                sb_put(out, "\":", 2);
                s = ws(s);
                if (*s++ != ':')
                    return NULL;
            }
            s = shape(s, out, depth + 1);
            if (!s)
                return NULL;
            s = ws(s);
            if (*s == ',') {
                sb_put(out, ",", 1);
                s = ws(s + 1);
            }
        }
        if (*s != close)
            return NULL;
        sb_put(out, s, 1);
        return s + 1;
    }
    if (*s == '"') {
        sbuf dummy = { 0 };
        s = str_token(s, &dummy);
        free(dummy.p);
        sb_put(out, "s", 1);
        return s;
    }
    if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
        sb_put(out, "b", 1);
        return s + (*s == 't' ? 4 : 5);
    }
    if (strncmp(s, "null", 4) == 0) {
        sb_put(out, "n", 1);
        return s + 4;
    }
    const char *e = s;
    int fl = 0;
    while (*e && strchr("+-0123456789.eE", *e)) {
        fl |= *e == '.' || *e == 'e' || *e == 'E';
        e++;
    }
    if (e == s)
        return NULL;
    sb_put(out, fl ? "f" : "i", 1);
    return e;
}

/* The shape of member key of the top-level object in text (NULL if none). */
static char *member_shape(const char *text, const char *key)
{
    if (!text)
        return NULL;
    char pat[256];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *at = strstr(text, pat);
    if (!at)
        return NULL;
    sbuf out = { 0 };
    if (!shape(at + strlen(pat), &out, 0) || out.bad) {
        free(out.p);
        return NULL;
    }
    return out.p;
}

/* Checks that the sim's node id has the example's shape; prints where
 * the two first differ. */
static void same_shape(const char *example, const char *sim_body, const char *id)
{
    char *want = member_shape(example, id), *got = member_shape(sim_body, id);
    T_ASSERT(want && got, "%s: example %s, sim %s", id, want ? "ok" : "missing",
             got ? "ok" : "missing");
    size_t i = 0;
    while (want[i] && want[i] == got[i])
        i++;
    size_t from = i > 160 ? i - 160 : 0;
    T_CHECK(!want[i] && !got[i], "%s differs at %zu:\n  example ...%.240s\n  sim     ...%.240s",
            id, i, want + from, got + from);
    free(want);
    free(got);
}

static char *fixture(void)
{
    char *t = t_read_file(FIXTURE, NULL);
    if (!t)
        printf("  cannot read %s (run from the repository root)\n", FIXTURE);
    return t;
}

static char *props_body(const t_sim *s, const char *id)
{
    char path[300];
    snprintf(path, sizeof path, "/slicer/mrml/properties?id=%s", id);
    t_resp r;
    long st = su_get(s, path, &r);
    char *body = st == 200 ? r.body : NULL;
    if (st != 200)
        t_resp_free(&r);
    return body;
}

static const cJSON *path_item(const cJSON *o, const char *const *keys)
{
    for (; o && *keys; keys++)
        o = cJSON_GetObjectItemCaseSensitive(o, *keys);
    return o;
}

static void test_mrhead(void)
{
    static const char *const a[] = { NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    char *ex = fixture(), *body = props_body(s, "vtkMRMLScalarVolumeNode1");
    T_CHECK(ex && body, "bodies");
    if (ex && body) {
        same_shape(ex, body, "vtkMRMLScalarVolumeNode1");
        /* the phantom shares MRHead's geometry and scalar type; the
         * expected values are the examples file's */
        cJSON *j = cJSON_Parse(body), *e = cJSON_Parse(ex);
        static const char *const keys[][5] = {
            { "Name", NULL }, { "Spacing", NULL }, { "Origin", NULL },
            { "ImageData", "Dimensions", NULL }, { "ImageData", "Extent", NULL },
            { "ImageData", "Number Of Points", NULL }, { "ImageData", "Number Of Cells", NULL },
            { "ImageData", "Point Data", "Scalars", "Data type", NULL },
        };
        const cJSON *jn = cJSON_GetObjectItem(j, "vtkMRMLScalarVolumeNode1");
        const cJSON *en = cJSON_GetObjectItem(e, "vtkMRMLScalarVolumeNode1");
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            T_CHECK(cJSON_Compare(path_item(jn, keys[k]), path_item(en, keys[k]), 1),
                    "value of %s/%s", keys[k][0], keys[k][1] ? keys[k][1] : "");
        cJSON_Delete(j);
        cJSON_Delete(e);
    }
    free(ex);
    free(body);
    t_sim_stop(s);
}

static void test_slice_red(void)
{
    static const char *const a[] = { "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    char *ex = fixture(), *body = props_body(s, "vtkMRMLSliceNodeRed");
    T_CHECK(ex && body, "bodies");
    if (ex && body) {
        same_shape(ex, body, "vtkMRMLSliceNodeRed");
        /* never in real Slicer's answer: a slice orientation or matrix rows */
        T_CHECK(!strstr(body, "\"Orientation\"") && !strstr(body, "\\t"), "no Orientation, no rows");
    }
    free(ex);
    free(body);
    t_sim_stop(s);
}

static char *load_markups(const t_sim *s, const char *file, const char *json)
{
    char path[600], url[900];
    snprintf(path, sizeof path, "%s", su_write_tmp(file, json));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    t_resp r;
    long st = su_call(s, "POST", url, NULL, 0, &r);
    cJSON *j = st == 200 && r.body ? cJSON_Parse(r.body) : NULL;
    const cJSON *id = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "loadedNodeIDs"), 0);
    char *out = cJSON_IsString(id) ? strdup(id->valuestring) : NULL;
    cJSON_Delete(j);
    t_resp_free(&r);
    return out;
}

static void test_line(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    /* the examples' line: LPS points, the second labelled "7" */
    char *id = load_markups(s, "L.mrk.json",
        "{" SCHEMA "\"markups\": [{\"type\": \"Line\", "
        "\"name\": \"L\", \"coordinateSystem\": \"LPS\", \"controlPoints\": ["
        "{\"id\": \"1\", \"label\": \"L-1\", \"position\": [-25, -10, 20]}, "
        "{\"id\": \"2\", \"label\": \"7\", \"position\": [-30.5, -12, 28]}]}]}");
    T_CHECK(id && strcmp(id, "vtkMRMLMarkupsLineNode1") == 0, "loaded %s", id ? id : "(none)");
    char *ex = fixture(), *body = id ? props_body(s, id) : NULL;
    T_CHECK(ex && body, "bodies");
    if (ex && body) {
        same_shape(ex, body, "vtkMRMLMarkupsLineNode1");
        /* |(25,10,20)-(30.5,12,28)| = sqrt(98.25) = 9.9121..., printed by
         * vtkMRMLMeasurementLength's "%-#4.4g%s" */
        T_CHECK(strstr(body, "\"Measurements\": {\"length\": \"9.912mm\"}") != NULL, "length");
        T_CHECK(strstr(body, "\"Position\": [30.5, 12.0, 28.0]") != NULL &&
                strstr(body, "\"Position\": [25, 10, 20]") != NULL, "positions in RAS");
    }
    free(ex);
    free(body);
    free(id);
    t_sim_stop(s);
}

static void test_numeric_names(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    static const char fmt[] = "{" SCHEMA "\"markups\": [{\"type\": \"Fiducial\", \"name\": \"%s\", "
        "\"coordinateSystem\": \"RAS\", \"controlPoints\": [{\"label\": \"%s\", \"position\": [1, 2, 3]}]}]}";
    char json[512];
    snprintf(json, sizeof json, fmt, "7", "42");
    char *a = load_markups(s, "seven.mrk.json", json);
    snprintf(json, sizeof json, fmt, "7-2", "7-2");
    char *b = load_markups(s, "dash.mrk.json", json);
    char *ba = a ? props_body(s, a) : NULL, *bb = b ? props_body(s, b) : NULL;
    if (!T_CHECK(ba && bb, "loaded, properties")) {
        free(ba);
        free(bb);
        free(a);
        free(b);
        t_sim_stop(s);
        return;
    }
    /* "Name: 7" is an int, "Label: 42" too */
    T_CHECK(strstr(ba, "\"Name\": 7,") != NULL, "numeric name: %.300s", ba);
    T_CHECK(strstr(ba, "\"Label\": 42,") != NULL, "numeric label");
    /* int("7-2") raises inside Slicer's loop: the keys are missing */
    T_CHECK(strstr(bb, "\"Name\"") == NULL, "7-2 name dropped");
    T_CHECK(strstr(bb, "\"Label\"") == NULL && strstr(bb, "\"ID\": 1,") != NULL,
            "7-2 label dropped, the point's other keys kept");
    /* /mrml/names still has the names */
    cJSON *names = su_get_json(s, "/slicer/mrml/names?class=vtkMRMLMarkupsFiducialNode", NULL);
    T_CHECK(names && su_array_has(names, "7") && su_array_has(names, "7-2"), "names");
    cJSON_Delete(names);
    free(ba);
    free(bb);
    free(a);
    free(b);
    t_sim_stop(s);
}

/* Every node of a scene with every class the stand-in has gives a
 * properties object (the PrintSelf text of each class parses). */
static void test_every_class(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    free(load_markups(s, "A.mrk.json", "{" SCHEMA "\"markups\": [{\"type\": \"Angle\", \"coordinateSystem\": "
                      "\"RAS\", \"controlPoints\": [{\"position\": [1, 0, 0]}, {\"position\": [0, 0, 0]}, "
                      "{\"position\": [0, 1, 0]}]}]}"));
    t_resp r;
    su_get(s, "/slicer/tracking?m=1,0,0,0,1,0,0,0,1&p=1,2,3", &r);
    t_resp_free(&r);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids", NULL);
    cJSON *all = su_get_json(s, "/slicer/mrml/properties", NULL);
    T_CHECK(ids && all, "ids and properties");
    const cJSON *id;
    int n = 0;
    cJSON_ArrayForEach(id, ids) {
        const cJSON *p = cJSON_GetObjectItem(all, id->valuestring);
        T_CHECK(cJSON_IsObject(p) && cJSON_GetArraySize(p) > 3, "%s", id->valuestring);
        n++;
    }
    T_CHECK(n == cJSON_GetArraySize(all) && n > 20, "%d nodes", n);
    /* Minimal angle of the right angle, "%3.1f%s" */
    const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(all, "vtkMRMLMarkupsAngleNode1"), "Measurements");
    const cJSON *deg = cJSON_GetObjectItem(m, "angle");
    T_CHECK(cJSON_IsString(deg) && strcmp(deg->valuestring, "90.0deg") == 0, "angle");
    /* the layout node prints no vtkMRMLNode part */
    const cJSON *lay = cJSON_GetObjectItem(all, "vtkMRMLLayoutNodevtkMRMLLayoutNode");
    T_CHECK(lay && !cJSON_GetObjectItem(lay, "ID") && cJSON_GetObjectItem(lay, "ViewArrangement"), "layout");
    /* composite nodes name the volume the slice views show */
    const cJSON *comp = cJSON_GetObjectItem(all, "vtkMRMLSliceCompositeNodeGreen");
    const cJSON *bg = cJSON_GetObjectItem(comp, "BackgroundVolumeID");
    const cJSON *ln = cJSON_GetObjectItem(comp, "LayoutName");
    T_CHECK(cJSON_IsString(bg) && strcmp(bg->valuestring, "vtkMRMLScalarVolumeNode1") == 0 &&
            cJSON_IsString(ln) && strcmp(ln->valuestring, "Green") == 0 &&
            !cJSON_GetObjectItem(comp, "LabelVolumeID"), "composite");
    cJSON_Delete(ids);
    cJSON_Delete(all);
    t_sim_stop(s);
}

static unsigned char *png_rgba(const t_resp *r, int *w, int *h)
{
    return t_png_rgba(r->body, r->len, w, h, NULL);
}

/* A non-square HiDPI view: the PNG and the slice node's Dimensions are in
 * device pixels; a slice that misses the volume is fully transparent. */
static void test_views_hidpi(void)
{
    static const char *const a[] = { "--volume-size", "16", "--view-size", "320x200",
                                      "--device-pixel-ratio", "2", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    cJSON *p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLSliceNodeYellow", NULL);
    const cJSON *n = cJSON_GetObjectItem(p, "vtkMRMLSliceNodeYellow");
    const cJSON *d = cJSON_GetObjectItem(n, "Dimensions"), *f = cJSON_GetObjectItem(n, "FieldOfView");
    T_CHECK(cJSON_GetArraySize(d) == 3 && cJSON_GetArrayItem(d, 0)->valueint == 640 &&
            cJSON_GetArrayItem(d, 1)->valueint == 400, "Dimensions in device pixels");
    T_CHECK(cJSON_GetArraySize(f) == 3 &&
            fabs(cJSON_GetArrayItem(f, 1)->valuedouble / cJSON_GetArrayItem(f, 0)->valuedouble - 400.0 / 640) < 1e-3,
            "FieldOfView has the view's aspect");
    const cJSON *sf = cJSON_GetObjectItem(n, "ScreenScaleFactor");
    T_CHECK(cJSON_IsNumber(sf) && sf->valueint == 2, "ScreenScaleFactor 2");
    cJSON_Delete(p);
    t_resp r;
    int w = 0, h = 0;
    T_CHECK(su_get(s, "/slicer/slice?view=yellow", &r) == 200, "slice");
    unsigned char *px = png_rgba(&r, &w, &h);
    t_resp_free(&r);
    T_CHECK(px && w == 640 && h == 400, "PNG %dx%d", w, h);
    int opaque = 0;
    for (size_t i = 0; px && i < (size_t)w * (size_t)h; i++)
        opaque += px[i * 4 + 3] == 255;
    /* the fitted head fills part of the view: some pixels in, some out */
    T_CHECK(opaque > 0 && opaque < w * h, "%d of %d pixels inside the volume", opaque, w * h);
    free(px);
    /* 1000 mm to the right of the head: nothing of the volume */
    T_CHECK(su_get(s, "/slicer/slice?view=yellow&offset=1000", &r) == 200, "slice off the volume");
    px = png_rgba(&r, &w, &h);
    t_resp_free(&r);
    opaque = 0;
    for (size_t i = 0; px && i < (size_t)w * (size_t)h; i++)
        opaque += px[i * 4 + 3] != 0;
    T_CHECK(px && opaque == 0, "fully transparent: %d pixels with alpha", opaque);
    free(px);
    t_sim_stop(s);
}

int main(void)
{
    t_run("sim_props mrhead", test_mrhead);
    t_run("sim_props slice_red", test_slice_red);
    t_run("sim_props line", test_line);
    t_run("sim_props numeric_names", test_numeric_names);
    t_run("sim_props every_class", test_every_class);
    t_run("sim_props views_hidpi", test_views_hidpi);
    return t_done();
}
