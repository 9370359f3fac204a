/* test_sim_mrml: slicer-sim's scene endpoints against §4.3, §4.14-4.15
 * and §9: /mrml names/ids/properties/file, loading .mrk.json markups,
 * reload, delete and scene clear, query parsing, fiducials and the
 * /fiducial index and out-of-range quirks. */
#include "testlib.h"
#include "sim_testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static t_sim *S;        /* default settings, full-size MRHead */

static const char k_fid_json[] =
    "{\"@schema\": \"https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/"
    "Markups/Resources/Schema/markups-schema-v1.0.3.json#\", \"markups\": [{\"type\": \"Fiducial\", "
    "\"coordinateSystem\": \"LPS\", \"controlPoints\": [{\"id\": \"1\", \"label\": \"P-1\", "
    "\"position\": [-25.0, -10.0, 20.0]}, {\"id\": \"2\", \"label\": \"P-2\", \"position\": [1.5, 2.5, 3.5]}], "
    "\"display\": {\"selectedColor\": [0.0, 1.0, 0.0], \"glyphScale\": 2.5}}]}";

static void test_mrml_names_ids_zip(void)
{
    cJSON *names = su_get_json(S, "/slicer/mrml/names", NULL);
    cJSON *names2 = su_get_json(S, "/slicer/mrml", NULL);
    cJSON *ids = su_get_json(S, "/slicer/mrml/ids", NULL);
    T_ASSERT(cJSON_IsArray(names) && cJSON_IsArray(ids), "arrays");
    T_CHECK(cJSON_GetArraySize(names) == cJSON_GetArraySize(ids), "same length");
    T_CHECK(cJSON_Compare(names, names2, 1), "/mrml == /mrml/names");
    static const char *const singletons[] = { "vtkMRMLSelectionNodeSingleton",
        "vtkMRMLInteractionNodeSingleton", "vtkMRMLLayoutNodevtkMRMLLayoutNode",
        "vtkMRMLSliceNodeRed", "vtkMRMLSliceNodeYellow", "vtkMRMLSliceNodeGreen",
        "vtkMRMLViewNode1", "vtkMRMLCameraNode1", "vtkMRMLScalarVolumeNode1",
        "vtkMRMLScalarVolumeDisplayNode1", "vtkMRMLVolumeArchetypeStorageNode1",
        "vtkMRMLLabelMapVolumeNode1" };
    for (size_t i = 0; i < sizeof singletons / sizeof singletons[0]; i++)
        T_CHECK(su_array_has(ids, singletons[i]), "scene has %s", singletons[i]);
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, ids) {
        if (strcmp(e->valuestring, "vtkMRMLScalarVolumeNode1") == 0)
            T_CHECK(strcmp(cJSON_GetArrayItem(names, k)->valuestring, "MRHead") == 0, "zip");
        if (strcmp(e->valuestring, "vtkMRMLLabelMapVolumeNode1") == 0)
            T_CHECK(strcmp(cJSON_GetArrayItem(names, k)->valuestring, "MRHead-label") == 0, "zip");
        k++;
    }
    cJSON_Delete(names);
    cJSON_Delete(names2);
    cJSON_Delete(ids);
}

static void test_mrml_class_isa(void)
{
    cJSON *a = su_get_json(S, "/slicer/mrml/ids?class=vtkMRMLScalarVolumeNode", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 2 && su_array_has(a, "vtkMRMLLabelMapVolumeNode1"),
            "labelmap IsA scalar volume");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?class=vtkMRMLVolumeNode", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 2, "vtkMRMLVolumeNode");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?class=vtkMRMLLabelMapVolumeNode", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 1, "labelmap only");
    cJSON_Delete(a);
    long st;
    a = su_get_json(S, "/slicer/mrml/ids?class=vtkMRMLNoSuchNode", &st);
    T_CHECK(st == 200 && a && cJSON_GetArraySize(a) == 0, "unknown class -> []");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/names?class=vtkMRMLSliceNode&name=Yellow", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 1 && su_array_has(a, "Yellow"), "class + name");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?name=mrhead", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 0, "name is case-sensitive");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?id=vtkMRMLSliceNodeRed&class=vtkMRMLScalarVolumeNode", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 1 && su_array_has(a, "vtkMRMLSliceNodeRed"), "id wins");
    cJSON_Delete(a);
}

static void test_mrml_query_parsing(void)
{
    cJSON *all = su_get_json(S, "/slicer/mrml/ids", NULL);
    cJSON *a = su_get_json(S, "/slicer/mrml/ids?id=", NULL);
    T_CHECK(all && a && cJSON_Compare(all, a, 1), "?id= means no filter");
    cJSON_Delete(a);
    cJSON_Delete(all);
    a = su_get_json(S, "/slicer/mrml/ids?name=MR%48ead", NULL);
    T_CHECK(a && su_array_has(a, "vtkMRMLScalarVolumeNode1"), "percent-decoding");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?name=+MRHead+", NULL);
    T_CHECK(a && cJSON_GetArraySize(a) == 1, "'+' is a space, then stripped");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?id=vtkMRMLSliceNodeRed&id=vtkMRMLSliceNodeGreen", NULL);
    T_CHECK(a && su_array_has(a, "vtkMRMLSliceNodeRed") && cJSON_GetArraySize(a) == 1,
            "first value wins");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/ids?id&id=&id=vtkMRMLSliceNodeGreen", NULL);
    T_CHECK(a && su_array_has(a, "vtkMRMLSliceNodeGreen"), "blank values dropped");
    cJSON_Delete(a);
}

static void test_mrml_unknown_id(void)
{
    long st;
    cJSON *a = su_get_json(S, "/slicer/mrml/ids?id=nope", &st);
    T_CHECK(st == 200 && a && cJSON_GetArraySize(a) == 0, "ids -> []");
    cJSON_Delete(a);
    a = su_get_json(S, "/slicer/mrml/names?id=nope", &st);
    T_CHECK(st == 200 && a && cJSON_GetArraySize(a) == 0, "names -> []");
    cJSON_Delete(a);
    SU_EXPECT_500(S, "GET", "/slicer/mrml/properties?id=nope",
               "Server error: No nodes matched the filter criteria");
    SU_EXPECT_500(S, "PUT", "/slicer/mrml?id=nope", "Server error: No nodes matched the filter criteria");
    SU_EXPECT_500(S, "DELETE", "/slicer/mrml?id=nope", "Server error: No nodes matched the filter criteria");
    SU_EXPECT_500(S, "GET", "/slicer/mrml/xyz", "Server error: Invalid path: /mrml/xyz");
    SU_EXPECT_500(S, "GET", "/slicer/mrml/ids/", "Server error: Invalid path: /mrml/ids/");
}

static void test_properties_volume(void)
{
    cJSON *p = su_get_json(S, "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1", NULL);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "vtkMRMLScalarVolumeNode1");
    T_ASSERT(cJSON_IsObject(v), "keyed by id");
    const char *first[] = { "ID", "ClassName", "Name", "Debug", "MTime" };
    const cJSON *c = v->child;
    for (int i = 0; i < 5; i++, c = c ? c->next : NULL)
        T_CHECK(c && strcmp(c->string, first[i]) == 0, "key %d %s", i, first[i]);
    T_CHECK(strcmp(cJSON_GetObjectItem(v, "Name")->valuestring, "MRHead") == 0, "name");
    T_CHECK(strcmp(cJSON_GetObjectItem(v, "DisplayNodeIDs[0]")->valuestring,
                   "vtkMRMLScalarVolumeDisplayNode1") == 0, "display id");
    T_CHECK(strcmp(cJSON_GetObjectItem(v, "StorageNodeIDs[0]")->valuestring,
                   "vtkMRMLVolumeArchetypeStorageNode1") == 0, "storage id");
    const cJSON *sp = cJSON_GetObjectItem(v, "Spacing");
    T_CHECK(cJSON_GetArraySize(sp) == 3 && fabs(cJSON_GetArrayItem(sp, 2)->valuedouble - 1.3) < 1e-6,
            "spacing");
    /* the direction rows have no colon: Slicer's parser leaves "" */
    const cJSON *dirs = cJSON_GetObjectItem(v, "IJKToRASDirections");
    T_CHECK(cJSON_IsString(dirs) && !dirs->valuestring[0], "directions lost");
    const cJSON *img = cJSON_GetObjectItem(v, "ImageData");
    const cJSON *dims = cJSON_GetObjectItem(img, "Dimensions");
    T_CHECK(cJSON_GetArraySize(dims) == 3 && cJSON_GetArrayItem(dims, 0)->valueint == 256 &&
            cJSON_GetArrayItem(dims, 2)->valueint == 130, "dims");
    T_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(img, "Extent")) == 6, "extent");
    const cJSON *dt = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(img, "Point Data"),
                                                              "Scalars"), "Data type");
    T_CHECK(cJSON_IsString(dt) && strcmp(dt->valuestring, "short") == 0 &&
            !cJSON_GetObjectItem(img, "ScalarType"), "short, at Point Data/Scalars/Data type");
    T_CHECK(cJSON_GetObjectItem(v, "TransformNodeID") == NULL &&
            cJSON_GetObjectItem(v, "Description") == NULL, "(none) keys dropped");
    cJSON_Delete(p);
    t_resp r;
    su_get(S, "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1", &r);
    T_CHECK(strstr(r.body, "\"Spacing\": [1.0, 1.0, 1.3]") != NULL, "python floats: %.300s", r.body);
    t_resp_free(&r);
    p = su_get_json(S, "/slicer/mrml/properties?class=vtkMRMLScalarVolumeNode", NULL);
    T_CHECK(cJSON_GetArraySize(p) == 2, "class selection keyed by id");
    cJSON_Delete(p);
}

static void test_properties_slice_and_layout(void)
{
    cJSON *p = su_get_json(S, "/slicer/mrml/properties?id=vtkMRMLSliceNodeGreen", NULL);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "vtkMRMLSliceNodeGreen");
    T_ASSERT(cJSON_IsObject(v), "object");
    T_CHECK(!cJSON_GetObjectItem(v, "Orientation"), "slice nodes print no orientation");
    T_CHECK(strcmp(cJSON_GetObjectItem(v, "SingletonTag")->valuestring, "Green") == 0, "tag");
    const cJSON *d = cJSON_GetObjectItem(v, "Dimensions");
    T_CHECK(cJSON_GetArrayItem(d, 0)->valueint == 512 && cJSON_GetArrayItem(d, 1)->valueint == 512,
            "512x512");
    T_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(v, "FieldOfView")) == 3, "fov");
    /* vtkMatrix4x4 rows have no colon: only "Elements": "" is left */
    const cJSON *el = cJSON_GetObjectItem(cJSON_GetObjectItem(v, "SliceToRAS"), "Elements");
    T_CHECK(cJSON_IsString(el) && !el->valuestring[0], "SliceToRAS rows lost");
    cJSON_Delete(p);
    p = su_get_json(S, "/slicer/mrml/properties?id=vtkMRMLLayoutNodevtkMRMLLayoutNode", NULL);
    v = cJSON_GetObjectItem(p, "vtkMRMLLayoutNodevtkMRMLLayoutNode");
    T_CHECK(v && cJSON_GetObjectItem(v, "ViewArrangement"), "layout has ViewArrangement");
    cJSON_Delete(p);
}

static void test_mrml_file(void)
{
    SU_EXPECT_500(S, "GET", "/slicer/mrml/file?id=vtkMRMLScalarVolumeNode1",
               "Server error: Required `url` or `localfile` query parameter is missing in `mrml` request");
    SU_EXPECT_500(S, "GET", "/slicer/mrml/file?localfile=/tmp/x.nrrd&class=vtkMRMLScalarVolumeNode",
               "Server error: /mrml/file can only be used for a single node");
    SU_EXPECT_500(S, "GET", "/slicer/mrml/file?localfile=/tmp/x.nrrd&id=nope",
               "Server error: No nodes matched the filter criteria");
    SU_EXPECT_500(S, "GET", "/slicer/mrml/file?localfile=/tmp/x.zzz&id=vtkMRMLScalarVolumeNode1",
               "Server error: Failed to export vtkMRMLScalarVolumeNode1 - no known file format "
               "was found for filename /tmp/x.zzz");
    t_resp r;
    T_CHECK(su_get(S, "/slicer/mrml/file?localfile=/tmp/x.nrrd&id=vtkMRMLScalarVolumeNode1", &r) == 200 &&
            strcmp(r.body, "{\"success\": true}") == 0, "saved");
    t_resp_free(&r);
}


static void test_markups_load(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    char path[600], url[900];
    snprintf(path, sizeof path, "%s", su_write_tmp("P.mrk.json", k_fid_json));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    t_resp r;
    T_CHECK(su_call(s, "POST", url, NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": true, \"loadedNodeIDs\": [\"vtkMRMLMarkupsFiducialNode1\"]}") == 0,
            "loaded: %s", r.body);
    t_resp_free(&r);
    cJSON *f = su_get_json(s, "/slicer/fiducials", NULL);
    const cJSON *n = cJSON_GetObjectItem(f, "vtkMRMLMarkupsFiducialNode1");
    T_ASSERT(n != NULL, "listed by /fiducials");
    T_CHECK(strcmp(cJSON_GetObjectItem(n, "name")->valuestring, "P") == 0, "name from file");
    T_CHECK(cJSON_GetObjectItem(n, "scale")->valuedouble == 2.5, "glyph scale");
    T_CHECK(cJSON_GetArrayItem(cJSON_GetObjectItem(n, "color"), 1)->valuedouble == 1.0, "selected color");
    const cJSON *m0 = cJSON_GetArrayItem(cJSON_GetObjectItem(n, "markups"), 0);
    const cJSON *pos = cJSON_GetObjectItem(m0, "position");
    T_CHECK(strcmp(cJSON_GetObjectItem(m0, "label")->valuestring, "P-1") == 0, "label");
    T_CHECK(cJSON_GetArrayItem(pos, 0)->valuedouble == 25.0 &&
            cJSON_GetArrayItem(pos, 1)->valuedouble == 10.0 &&
            cJSON_GetArrayItem(pos, 2)->valuedouble == 20.0, "LPS -> RAS");
    cJSON_Delete(f);
    f = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLMarkupsFiducialNode1", NULL);
    const cJSON *p = cJSON_GetObjectItem(f, "vtkMRMLMarkupsFiducialNode1");
    const cJSON *count = cJSON_GetObjectItem(p, "NumberOfControlPoints");
    T_CHECK(cJSON_IsNumber(count) && count->valueint == 2, "point count");
    const cJSON *cp = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "ControlPoints"), "ControlPoint[1]");
    const cJSON *lab = cJSON_GetObjectItem(cp, "Label");
    T_CHECK(cJSON_IsString(lab) && strcmp(lab->valuestring, "P-2") == 0 &&
            cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "Position"), 0)->valuedouble == -1.5,
            "control point props");
    T_CHECK(strcmp(cJSON_GetObjectItem(p, "DisplayNodeIDs[0]")->valuestring,
                   "vtkMRMLMarkupsFiducialDisplayNode1") == 0, "display node");
    cJSON_Delete(f);
    /* a line, RAS, named by the query */
    static const char line[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": "
        "[{\"type\": \"Line\", \"coordinateSystem\": \"RAS\", \"controlPoints\": "
        "[{\"position\": [1, 2, 3]}, {\"position\": [4, 5, 6]}]}]}";
    snprintf(path, sizeof path, "%s", su_write_tmp("L.mrk.json", line));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile&name=Ruler", path);
    T_CHECK(su_call(s, "POST", url, NULL, 0, &r) == 200 && strstr(r.body, "vtkMRMLMarkupsLineNode1"),
            "line loaded: %s", r.body);
    t_resp_free(&r);
    cJSON *names = su_get_json(s, "/slicer/mrml/names?class=vtkMRMLMarkupsLineNode", NULL);
    T_CHECK(names && su_array_has(names, "Ruler"), "name= property");
    cJSON_Delete(names);
    t_sim_stop(s);
}

static void test_markups_load_errors(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    char path[600], url[900];
    snprintf(path, sizeof path, "%s", su_write_tmp("F.mrk.json", k_fid_json));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s", path);
    SU_EXPECT_500(s, "POST", url, "Server error: 'filetype'");
    SU_EXPECT_500(s, "POST", "/slicer/mrml?filetype=MarkupsFile",
               "Server error: Required `url` or `localfile` query parameter is missing in `mrml` request");
    snprintf(path, sizeof path, "%s", su_write_tmp("bad.mrk.json", "{\"markups\": 3}"));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    char want[900];
    snprintf(want, sizeof want, "Server error: Failed to load node from file: %s", path);
    SU_EXPECT_500(s, "POST", url, want);
    SU_EXPECT_500(s, "POST", "/slicer/mrml?localfile=/nonexistent/x.mrk.json&filetype=MarkupsFile",
               "Server error: Failed to load node from file: /nonexistent/x.mrk.json");
    SU_EXPECT_500(s, "POST", "/slicer/mrml?url=http://example.com/a.mrk.json&filetype=MarkupsFile",
               "Server error: Failed to load node from file: http://example.com/a.mrk.json");
    cJSON *st = su_state(s);
    T_CHECK(st && cJSON_GetObjectItem(st, "downloadsRefused")->valueint == 1, "download recorded");
    cJSON_Delete(st);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLMarkupsNode", NULL);
    T_CHECK(ids && cJSON_GetArraySize(ids) == 0, "nothing added by failures");
    cJSON_Delete(ids);
    t_sim_stop(s);
}

/* POSTs doc, written to a file named name, as a MarkupsFile. */
static long post_markups(t_sim *s, const char *name, const char *doc, t_resp *r)
{
    char path[600], url[900];
    snprintf(path, sizeof path, "%s", su_write_tmp(name, doc));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    return su_call(s, "POST", url, NULL, 0, r);
}

static void test_markups_multi_and_angle(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    static const char two[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": ["
        "{\"type\": \"Angle\", \"name\": \"Ang\", \"coordinateSystem\": \"RAS\", \"controlPoints\": ["
        "{\"position\": [1, 0, 0]}, {\"position\": [0, 0, 0]}, {\"position\": [0, 1, 0]}]}, "
        "{\"type\": \"Fiducial\", \"name\": \"Pts\", \"controlPoints\": [{\"position\": [1, 2, 3]}]}]}";
    t_resp r;
    T_CHECK(post_markups(s, "two.mrk.json", two, &r) == 200 &&
            strcmp(r.body, "{\"success\": true, \"loadedNodeIDs\": [\"vtkMRMLMarkupsAngleNode1\"]}") == 0,
            "at most one id: %s", r.body);
    t_resp_free(&r);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLMarkupsNode", NULL);
    T_CHECK(ids && cJSON_GetArraySize(ids) == 2 && su_array_has(ids, "vtkMRMLMarkupsFiducialNode1"),
            "both markups added");
    cJSON_Delete(ids);
    ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLMarkupsDisplayNode", NULL);
    T_CHECK(ids && su_array_has(ids, "vtkMRMLMarkupsDisplayNode1") &&
            su_array_has(ids, "vtkMRMLMarkupsFiducialDisplayNode1"), "display nodes by class");
    cJSON_Delete(ids);
    cJSON *f = su_get_json(s, "/slicer/fiducials", NULL);
    const cJSON *pos = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(f, "vtkMRMLMarkupsFiducialNode1"), "markups"), 0), "position");
    T_CHECK(pos && cJSON_GetArrayItem(pos, 0)->valuedouble == -1 &&
            cJSON_GetArrayItem(pos, 2)->valuedouble == 3, "default coordinate system is LPS");
    T_CHECK(cJSON_GetObjectItem(f, "vtkMRMLMarkupsAngleNode1") == NULL, "angles are not point lists");
    cJSON_Delete(f);
    /* a line with three points is not a valid line */
    static const char bad[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": ["
        "{\"type\": \"Line\", \"controlPoints\": [{\"position\": [1, 0, 0]}, {\"position\": [0, 0, 0]}, "
        "{\"position\": [0, 1, 0]}]}]}";
    T_CHECK(post_markups(s, "bad3.mrk.json", bad, &r) == 500, "3-point line refused");
    t_resp_free(&r);
    t_sim_stop(s);
}

/* ROIs and curves as vtkMRMLMarkupsROIJsonStorageNode and
 * vtkMRMLMarkupsJsonStorageNode read them, seen through the properties:
 * an LPS center flips to RAS, a placed box keeps one control point at its
 * centre, Size is printed as a vector, matrices are lost, and a curve's
 * length measurement (off by default) is undefined. */
static void test_markups_roi_and_curves(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    static const char doc[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": ["
        "{\"type\": \"ROI\", \"name\": \"Box\", \"roiType\": \"Box\", \"center\": [-25, -10, 20], "
        "\"orientation\": [-1, 0, 0, 0, -1, 0, 0, 0, 1], \"size\": [30, 20, 12.5]}, "
        "{\"type\": \"ClosedCurve\", \"name\": \"Loop\", \"coordinateSystem\": \"RAS\", \"controlPoints\": ["
        "{\"position\": [0, 0, 0]}, {\"position\": [3, 0, 0]}, {\"position\": [3, 4, 0]}]}]}";
    t_resp r;
    T_CHECK(post_markups(s, "roi.mrk.json", doc, &r) == 200 && strstr(r.body, "vtkMRMLMarkupsROINode1"),
            "ROI loaded: %s", r.body);
    t_resp_free(&r);
    cJSON *p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLMarkupsROINode1", NULL);
    const cJSON *roi = cJSON_GetObjectItem(p, "vtkMRMLMarkupsROINode1");
    const cJSON *size = cJSON_GetObjectItem(roi, "Size");
    const cJSON *pos = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(roi, "ControlPoints"),
                                                               "ControlPoint[0]"), "Position");
    T_CHECK(size && cJSON_GetArrayItem(size, 2)->valuedouble == 12.5 &&
            !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(roi, "ROIType")), "Box"), "Size and ROIType");
    T_CHECK(pos && cJSON_GetArrayItem(pos, 0)->valuedouble == 25 && cJSON_GetArrayItem(pos, 1)->valuedouble == 10 &&
            cJSON_GetArrayItem(pos, 2)->valuedouble == 20, "one control point at the RAS centre");
    T_CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(roi, "ObjectToNodeMatrix"),
                                                             "Elements")), ""), "the matrix rows are lost");
    T_CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(roi, "Node references"),
                    "storage [storageNodeRef]")), "vtkMRMLMarkupsROIJsonStorageNode1"), "ROI storage node");
    cJSON_Delete(p);
    p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLMarkupsClosedCurveNode1", NULL);
    const cJSON *cc = cJSON_GetObjectItem(p, "vtkMRMLMarkupsClosedCurveNode1");
    const cJSON *ms = cJSON_GetObjectItem(cc, "Measurements");
    T_CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(ms, "length")), "(undefined)") &&
            !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(ms, "area")), "(undefined)") &&
            !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cc, "CurveType")), "spline") &&
            cJSON_GetObjectItem(cc, "RequiredNumberOfControlPoints")->valuedouble == 1e6,
            "curve measurements off, spline");
    cJSON_Delete(p);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLMarkupsCurveNode", NULL);
    T_CHECK(ids && su_array_has(ids, "vtkMRMLMarkupsClosedCurveNode1"), "a closed curve IsA curve");
    cJSON_Delete(ids);
    static const char bad[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": ["
        "{\"type\": \"ROI\", \"center\": [1, 2]}]}";
    T_CHECK(post_markups(s, "badroi.mrk.json", bad, &r) == 500, "a 2-number center refused");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_fiducial_quirks(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    SU_EXPECT_500(s, "GET", "/slicer/fiducial?r=1",
               "Server error: could not find nodes in the scene by name or id 'vtkMRMLMarkupsFiducialNode*'");
    char path[600], url[900];
    snprintf(path, sizeof path, "%s", su_write_tmp("Q.mrk.json", k_fid_json));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    t_resp r;
    su_call(s, "POST", url, NULL, 0, &r);
    t_resp_free(&r);
    T_CHECK(su_call(s, "PUT", "/slicer/fiducial?r=7&a=8&s=9", NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": true}") == 0, "moved point 0: %s", r.body);
    t_resp_free(&r);
    cJSON *f = su_get_json(s, "/slicer/fiducials", NULL);
    const cJSON *pos = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(f, "vtkMRMLMarkupsFiducialNode1"), "markups"), 0), "position");
    T_CHECK(cJSON_GetArrayItem(pos, 0)->valuedouble == 7 && cJSON_GetArrayItem(pos, 2)->valuedouble == 9,
            "new position");
    cJSON_Delete(f);
    char m[2048];
    T_CHECK(su_call_msg(s, "GET", "/slicer/fiducial?index=1&r=1", m, sizeof m) == 500, "index as str -> 500");
    SU_EXPECT_500(s, "GET", "/slicer/fiducial?r=abc", "Server error: could not convert string to float: 'abc'");
    SU_EXPECT_500(s, "GET", "/slicer/fiducial?id=nope",
               "Server error: could not find nodes in the scene by name or id 'nope'");
    /* out of range: an empty list still answers success */
    static const char empty[] = "{\"@schema\": \"x/markups-schema-v1.0.3.json#\", \"markups\": "
        "[{\"type\": \"Fiducial\", \"coordinateSystem\": \"LPS\", \"controlPoints\": []}]}";
    snprintf(path, sizeof path, "%s", su_write_tmp("E.mrk.json", empty));
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=MarkupsFile", path);
    su_call(s, "POST", url, NULL, 0, &r);
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/fiducial?id=E&r=1", &r) == 200 && strstr(r.body, "true"),
            "out-of-range point -> 200 success");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_mrml_put_delete_clear(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_call(s, "PUT", "/slicer/mrml?class=vtkMRMLScalarVolumeNode", NULL, 0, &r) == 200 &&
            strstr(r.body, "\"reloadedNodeIDs\": [\"vtkMRMLScalarVolumeNode1\"]"), "reload: %s", r.body);
    t_resp_free(&r);
    T_CHECK(su_call(s, "PUT", "/slicer/mrml?id=vtkMRMLSliceNodeRed", NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": false}") == 0, "nothing reloadable: %s", r.body);
    t_resp_free(&r);
    T_CHECK(su_call(s, "DELETE", "/slicer/mrml?id=vtkMRMLLabelMapVolumeNode1", NULL, 0, &r) == 200, "delete");
    t_resp_free(&r);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLVolumeNode", NULL);
    T_CHECK(ids && cJSON_GetArraySize(ids) == 1, "label removed");
    cJSON_Delete(ids);
    /* ?id= is dropped by parse_qs: this clears the whole scene */
    T_CHECK(su_call(s, "DELETE", "/slicer/mrml?id=", NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": true}") == 0, "clear");
    t_resp_free(&r);
    ids = su_get_json(s, "/slicer/mrml/ids", NULL);
    T_CHECK(ids && !su_array_has(ids, "vtkMRMLScalarVolumeNode1") &&
            su_array_has(ids, "vtkMRMLSliceNodeRed") && su_array_has(ids, "vtkMRMLLayoutNodevtkMRMLLayoutNode"),
            "singletons kept, data gone");
    cJSON_Delete(ids);
    cJSON *v = su_get_json(s, "/slicer/volumes", NULL);
    T_CHECK(v && cJSON_GetArraySize(v) == 0, "/volumes [] on empty scene");
    cJSON_Delete(v);
    SU_EXPECT_500(s, "GET", "/slicer/volumeSelection",
               "Server error: local variable 'nodes' referenced before assignment");
    T_CHECK(su_get(s, "/slicer/slice", &r) == 200, "slice without a volume still a PNG");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/sampledata?name=MRHead", &r) == 200 &&
            strcmp(r.body, "Sample data MRHead loaded") == 0 &&
            strcmp(r.content_type, "text/plain") == 0, "sampledata");
    t_resp_free(&r);
    ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLScalarVolumeNode", NULL);
    T_CHECK(ids && su_array_has(ids, "vtkMRMLScalarVolumeNode1"), "MRHead is vtkMRMLScalarVolumeNode1 again");
    cJSON_Delete(ids);
    t_sim_stop(s);
}

int main(void)
{
    S = t_sim_start(NULL);
    if (!S) {
        printf("FAIL start slicer-sim\n");
        return 1;
    }
    t_run("mrml_names_ids_zip", test_mrml_names_ids_zip);
    t_run("mrml_class_isa", test_mrml_class_isa);
    t_run("mrml_query_parsing", test_mrml_query_parsing);
    t_run("mrml_unknown_id_and_invalid_path", test_mrml_unknown_id);
    t_run("properties_volume", test_properties_volume);
    t_run("properties_slice_and_layout", test_properties_slice_and_layout);
    t_run("mrml_file", test_mrml_file);
    t_run("markups_load", test_markups_load);
    t_run("markups_load_errors", test_markups_load_errors);
    t_run("markups_multi_and_angle", test_markups_multi_and_angle);
    t_run("markups_roi_and_curves", test_markups_roi_and_curves);
    t_run("fiducial_quirks", test_fiducial_quirks);
    t_run("mrml_put_delete_clear", test_mrml_put_delete_clear);
    t_sim_stop(S);
    return t_done();
}
