/* test_sim_api: slicer-sim's endpoints against §4, §5 and the §9
 * checklist of slicer-webserver-api.md: routing, system, settings flags,
 * volumes, volume download and upload, slice/threeD/screenshot/timeimage,
 * gui, segmentations, sampledata, volumeSelection, tracking, grid
 * transforms, DICOMweb and exec.  The scene endpoints are in
 * test_sim_mrml.c. */
#include "testlib.h"
#include "sim_testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static t_sim *S;        /* default settings: exec off, full-size MRHead */

static void test_system_version(void)
{
    t_resp r;
    T_ASSERT(su_get(S, "/slicer/system/version", &r) == 200, "status");
    T_CHECK(strcmp(r.content_type, "application/json") == 0, "type %s", r.content_type);
    cJSON *j = cJSON_Parse(r.body);
    T_ASSERT(j != NULL, "json");
    static const char *const keys[] = { "applicationName", "applicationDisplayName",
        "applicationVersion", "releaseType", "repositoryUrl", "repositoryBranch", "revision",
        "majorVersion", "minorVersion", "arch", "os", "isCustomMainApplication",
        "mainApplicationName", "mainApplicationRepositoryUrl",
        "mainApplicationRepositoryRevision", "mainApplicationRevision",
        "mainApplicationMajorVersion", "mainApplicationMinorVersion",
        "mainApplicationPatchVersion" };
    const cJSON *c = j->child;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++, c = c ? c->next : NULL)
        T_CHECK(c && strcmp(c->string, keys[i]) == 0, "key %zu is %s", i, keys[i]);
    T_CHECK(c == NULL, "no extra keys");
    T_CHECK(cJSON_IsNumber(cJSON_GetObjectItem(j, "majorVersion")) &&
            cJSON_GetObjectItem(j, "minorVersion")->valueint == 8, "minor 8");
    T_CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "isCustomMainApplication")), "bool");
    T_CHECK(strcmp(cJSON_GetObjectItem(j, "applicationVersion")->valuestring, "5.8.1") == 0, "5.8.1");
    cJSON_Delete(j);
    t_resp_free(&r);
    static const char *const a[] = { "--version-string", "5.10.2", "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    j = su_get_json(s, "/slicer/system/version", NULL);
    T_CHECK(j && cJSON_GetObjectItem(j, "minorVersion")->valueint == 10 &&
            cJSON_GetObjectItem(j, "mainApplicationPatchVersion")->valueint == 2, "5.10.2 numbers");
    cJSON_Delete(j);
    t_sim_stop(s);
}

static void test_system_other_paths(void)
{
    SU_EXPECT_500(S, "GET", "/slicer/system", "Server error: cannot unpack non-iterable NoneType object");
    SU_EXPECT_500(S, "GET", "/slicer/system/version/",
               "Server error: cannot unpack non-iterable NoneType object");
}

static void test_delete_system_recorded(void)
{
    static const char *const a[] = { "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_call(s, "DELETE", "/slicer/system", NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": true}") == 0, "answer %s", r.body);
    t_resp_free(&r);
    T_CHECK(su_log_has(s, "\"method\":\"DELETE\",\"target\":\"/slicer/system\""), "logged");
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 200, "did not quit");
    t_resp_free(&r);
    cJSON *st = su_state(s);
    T_CHECK(st && cJSON_GetObjectItem(st, "quitRequests")->valueint == 1, "quit recorded");
    cJSON_Delete(st);
    t_sim_stop(s);
}

static void test_routing_prefixes(void)
{
    t_resp r;
    T_CHECK(su_get(S, "/slicer", &r) == 404 && r.len == 0, "/slicer alone -> static -> 404");
    t_resp_free(&r);
    SU_EXPECT_500(S, "GET", "/slicer/", "Server error: unknown command \"b'/'\"");
    SU_EXPECT_500(S, "GET", "/slicer/threed", "Server error: unknown command \"b'/threed'\"");
    SU_EXPECT_500(S, "GET", "/slicer/gridtransforms", "Server error: unknown command \"b'/gridtransforms'\"");
    SU_EXPECT_500(S, "GET", "/slicer/repl", "Server error: unknown command \"b'/repl'\"");
    SU_EXPECT_500(S, "GET", "/slicerXYZ/abc", "Server error: unknown command \"b'XYZ/abc'\"");
    SU_EXPECT_500(S, "GET", "/slicer/exec?source=x%3D1",
               "Server error: unknown command \"b'/exec?source=x%3D1'\"");
    SU_EXPECT_500(S, "GET", "/slicer/x?q=it's", "Server error: unknown command \"b\"/x?q=it's\"\"");
    SU_EXPECT_500(S, "GET", "/slicer/x?a='%22\"", "Server error: unknown command \"b'/x?a=\\'%22\"'\"");
    T_CHECK(su_get(S, "/index.html", &r) == 404, "static pages off");
    t_resp_free(&r);
    /* /slice catches anything that starts with it */
    T_CHECK(su_get(S, "/slicer/sliceXYZ", &r) == 200 && strcmp(r.content_type, "image/png") == 0,
            "/sliceXYZ is a slice");
    t_resp_free(&r);
    /* the method is ignored outside /mrml and /system */
    T_CHECK(su_call(S, "DELETE", "/slicer/volumes", NULL, 0, &r) == 200 && strstr(r.body, "MRHead"),
            "DELETE /volumes lists");
    t_resp_free(&r);
}

static void test_settings_flags(void)
{
    static const char *const off[] = { "--disable-slicer-api", "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(off);
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 404 && r.len == 0, "API off -> 404");
    t_resp_free(&r);
    t_sim_stop(s);
    static const char *const on[] = { "--enable-static", "--enable-dicomweb", "--volume-size", "16", NULL };
    s = t_sim_start(on);
    T_ASSERT(s != NULL, "start");
    T_CHECK(su_get(s, "/", &r) == 200 && strcmp(r.content_type, "text/html") == 0 &&
            strstr(r.body, "<html"), "static index");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer", &r) == 404, "/slicer is a missing static file");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/dicom/studies", &r) == 200 && strcmp(r.body, "[]") == 0, "DICOMweb []");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 200, "API still on");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_volumes_dict_by_name(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    su_get(s, "/slicer/sampledata?name=MRHead", &r);
    t_resp_free(&r);
    cJSON *v = su_get_json(s, "/slicer/volumes", NULL);
    T_CHECK(v && cJSON_GetArraySize(v) == 2, "two names for three volumes: %d", cJSON_GetArraySize(v));
    const cJSON *first = cJSON_GetArrayItem(v, 0);
    T_CHECK(first && strcmp(cJSON_GetObjectItem(first, "name")->valuestring, "MRHead") == 0 &&
            strcmp(cJSON_GetObjectItem(first, "id")->valuestring, "vtkMRMLScalarVolumeNode2") == 0,
            "later node wins, first position kept");
    cJSON_Delete(v);
    SU_EXPECT_500(s, "GET", "/slicer/sampledata", "Server error: sampledata name was not specified");
    SU_EXPECT_500(s, "GET", "/slicer/sampledata?name=Nope", "Server error: sampledata Nope was not found");
    T_CHECK(su_log_has(s, "/slicer/sampledata?name=MRHead"), "sampledata logged");
    t_sim_stop(s);
}

static void test_volume_get_nrrd(void)
{
    t_resp r;
    T_ASSERT(su_get(S, "/slicer/volume?id=MRHead", &r) == 200, "status");
    T_CHECK(strcmp(r.content_type, "application/octet-stream") == 0, "type");
    T_CHECK(strncmp(r.body, "NRRD0004\n", 9) == 0 && strstr(r.body, "sizes: 256 256 130\n") &&
            strstr(r.body, "space: left-posterior-superior\n"), "header");
    const char *end = strstr(r.body, "\n\n");
    T_CHECK(end && r.len - (size_t)(end + 2 - r.body) == (size_t)256 * 256 * 130 * 2, "raw shorts");
    t_resp_free(&r);
    T_CHECK(su_get(S, "/slicer/volume?id=vtkMRMLLabel*", &r) == 200 && strstr(r.body, "type: short"),
            "glob, uchar labelled short");
    t_resp_free(&r);
    T_CHECK(su_get(S, "/slicer/volume", &r) == 200, "default pattern");
    t_resp_free(&r);
    SU_EXPECT_500(S, "GET", "/slicer/volume?id=nope",
               "Server error: could not find nodes in the scene by name or id 'nope'");
    SU_EXPECT_500(S, "GET", "/slicer/volume?id=vtkMRMLSliceNodeRed",
               "Server error: cannot unpack non-iterable NoneType object");
}

static char *tiny_nrrd(const char *type, size_t *len)
{
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "NRRD0004\ntype: %s\ndimension: 3\nspace: left-posterior-superior\n"
                      "sizes: 4 3 2\nspace directions: (-1.0,0.0,0.0) (0.0,-1.0,0.0) (0.0,0.0,2.0)\n"
                      "kinds: domain domain domain\nendian: little\nencoding: raw\n"
                      "space origin: (10.0,20.0,30.0)\n\n", type);
    char *b = calloc(1, (size_t)hl + 48);
    memcpy(b, head, (size_t)hl);
    for (int i = 0; i < 24; i++)
        b[hl + 2 * i] = (char)i;
    *len = (size_t)hl + 48;
    return b;
}

static void test_volume_post(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    size_t n;
    char *nrrd = tiny_nrrd("short", &n);
    t_resp r;
    T_CHECK(su_call(s, "POST", "/slicer/volume?id=Tiny", nrrd, n, &r) == 200 &&
            strcmp(r.body, "{'status': 'success'}") == 0 &&
            strcmp(r.content_type, "application/json") == 0, "single-quoted success: %s", r.body);
    t_resp_free(&r);
    free(nrrd);
    T_CHECK(su_get(s, "/slicer/volume?id=Tiny", &r) == 200 && strstr(r.body, "sizes: 4 3 2"), "round trip");
    t_resp_free(&r);
    cJSON *st = su_state(s);
    const cJSON *bg = cJSON_GetObjectItem(st, "background");
    T_CHECK(bg && strcmp(bg->valuestring, "vtkMRMLScalarVolumeNode2") == 0, "new active volume");
    cJSON_Delete(st);
    nrrd = tiny_nrrd("short int", &n);
    T_CHECK(su_call(s, "POST", "/slicer/volume?id=Tiny", nrrd, n, &r) == 200, "5.8 alias accepted");
    t_resp_free(&r);
    free(nrrd);
    nrrd = tiny_nrrd("float", &n);
    char m[2048];
    T_CHECK(su_call(s, "POST", "/slicer/volume?id=Tiny", nrrd, n, &r) == 500 &&
            strcmp(su_message(r.body), "Server error: Can only read short volumes") == 0, "float refused");
    t_resp_free(&r);
    free(nrrd);
    T_CHECK(su_call(s, "POST", "/slicer/volume?id=X", "abcdefg", 7, &r) == 500 &&
            strcmp(su_message(r.body), "Server error: Cannot load non-nrrd file (magic is b'abcd')") == 0,
            "magic: %s", r.body);
    t_resp_free(&r);
    (void)m;
    t_sim_stop(s);
    static const char *const a[] = { "--version-string", "5.6.2", "--volume-size", "16", NULL };
    s = t_sim_start(a);
    T_ASSERT(s != NULL, "start 5.6");
    nrrd = tiny_nrrd("short int", &n);
    T_CHECK(su_call(s, "POST", "/slicer/volume?id=Tiny", nrrd, n, &r) == 500, "5.6 refuses alias");
    t_resp_free(&r);
    free(nrrd);
    t_sim_stop(s);
}

static void test_slice_png_and_size_ignored(void)
{
    t_resp r;
    int w = 0, h = 0;
    T_ASSERT(su_get(S, "/slicer/slice?view=green&size=100", &r) == 200, "status");
    T_CHECK(strcmp(r.content_type, "image/png") == 0 && su_png_size(r.body, r.len, &w, &h) &&
            w == 512 && h == 512, "512x512 despite size=100 (%dx%d)", w, h);
    t_resp_free(&r);
    static const char *const a[] = { "--view-size", "320x200", "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    T_CHECK(su_get(s, "/slicer/slice?view=yellow", &r) == 200 && su_png_size(r.body, r.len, &w, &h) &&
            w == 320 && h == 200, "view size %dx%d", w, h);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_slice_offset_quirks(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(strcmp(su_orientation(s, "Red"), "Axial") == 0 && strcmp(su_orientation(s, "Yellow"), "Sagittal") == 0 &&
            strcmp(su_orientation(s, "Green"), "Coronal") == 0, "initial orientations");
    su_get(s, "/slicer/slice?view=red&offset=12.5", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") - 12.5) < 1e-9, "absolute offset: %g", su_offset(s, "Red"));
    su_get(s, "/slicer/slice?view=red&offset=12.5", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") - 12.5) < 1e-9, "not relative");
    su_get(s, "/slicer/slice?view=red&offset=0", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") - 12.5) < 1e-9, "offset=0 ignored");
    su_get(s, "/slicer/slice?view=red&offset=abc", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") - 12.5) < 1e-9, "unparseable ignored");
    su_get(s, "/slicer/slice?view=purple&offset=-7", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") + 7) < 1e-9, "invalid view -> red");
    su_get(s, "/slicer/slice?view=RED&scrollTo=0", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Red") + 7) < 1e-9, "scrollTo=0 ignored");
    cJSON *p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLScalarVolumeNode1", NULL);
    cJSON_Delete(p);
    su_get(s, "/slicer/slice?view=red&scrollTo=1", &r);
    t_resp_free(&r);
    double top = su_offset(s, "Red");
    su_get(s, "/slicer/slice?view=red&scrollTo=0.5", &r);
    t_resp_free(&r);
    double mid = su_offset(s, "Red");
    su_get(s, "/slicer/slice?view=red&scrollTo=0.25", &r);
    t_resp_free(&r);
    double q = su_offset(s, "Red");
    T_CHECK(top > mid && mid > q && fabs((top - mid) - 2 * (mid - q)) < 1e-6,
            "scrollTo linear in bounds: %g %g %g", top, mid, q);
    /* orientation change re-centres after offset in the same request */
    su_get(s, "/slicer/slice?view=yellow&offset=33&orientation=AXIAL", &r);
    t_resp_free(&r);
    T_CHECK(strcmp(su_orientation(s, "Yellow"), "Axial") == 0, "yellow now axial");
    T_CHECK(fabs(su_offset(s, "Yellow") - 33) > 1e-6, "offset overwritten by the fit");
    su_get(s, "/slicer/slice?view=yellow&offset=33&orientation=axial", &r);
    t_resp_free(&r);
    T_CHECK(fabs(su_offset(s, "Yellow") - 33) < 1e-9, "same orientation: offset kept");
    su_get(s, "/slicer/slice?view=yellow&offset=40&orientation=foo", &r);
    t_resp_free(&r);
    T_CHECK(strcmp(su_orientation(s, "Yellow"), "Axial") == 0 && fabs(su_offset(s, "Yellow") - 40) > 1e-6,
            "unknown orientation still refits");
    su_get(s, "/slicer/slice?view=red&copySliceGeometryFrom=green", &r);
    t_resp_free(&r);
    T_CHECK(strcmp(su_orientation(s, "Red"), "Coronal") == 0, "geometry copied");
    SU_EXPECT_500(s, "GET", "/slicer/slice?copySliceGeometryFrom=blue",
               "Server error: 'NoneType' object has no attribute 'sliceLogic'");
    t_sim_stop(s);
}

static void test_threed_screenshot_timeimage(void)
{
    t_resp r;
    int w, h;
    T_CHECK(su_get(S, "/slicer/threeD?lookFromAxis=Left", &r) == 200 && su_png_size(r.body, r.len, &w, &h) &&
            w == 800 && h == 600, "3D PNG 800x600");
    t_resp_free(&r);
    cJSON *st = su_state(S);
    T_CHECK(strcmp(cJSON_GetObjectItem(st, "lookFromAxis")->valuestring, "l") == 0, "first letter used");
    cJSON_Delete(st);
    su_get(S, "/slicer/threeD?lookFromAxis=xyz", &r);
    t_resp_free(&r);
    st = su_state(S);
    T_CHECK(strcmp(cJSON_GetObjectItem(st, "lookFromAxis")->valuestring, "l") == 0, "unknown ignored");
    cJSON_Delete(st);
    T_CHECK(su_get(S, "/slicer/screenshot", &r) == 200 && su_png_size(r.body, r.len, &w, &h), "screenshot PNG");
    t_resp_free(&r);
    T_CHECK(su_get(S, "/slicer/timeimage?color=ff0000", &r) == 200 && su_png_size(r.body, r.len, &w, &h) &&
            w == 128 && h == 32, "timeimage 128x32");
    t_resp_free(&r);
    SU_EXPECT_500(S, "GET", "/slicer/threeDGraphics?format=glTF", "Server error: format gltf not supported");
    T_CHECK(su_get(S, "/slicer/threeDGraphics", &r) == 200 && strstr(r.body, "\"asset\""), "glTF");
    t_resp_free(&r);
}

static void test_gui_layouts(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/gui?viewersLayout=FOURUP", &r) == 200 &&
            strcmp(r.body, "{\"success\": true}") == 0, "layout set");
    t_resp_free(&r);
    cJSON *p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLLayoutNodevtkMRMLLayoutNode", NULL);
    T_CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "vtkMRMLLayoutNodevtkMRMLLayoutNode"),
                                "ViewArrangement")->valueint == 3, "FourUp = 3");
    cJSON_Delete(p);
    static const char *const names[] = { "3DTable", "CompareGrid", "Compare", "ConventionalPlot",
        "Conventional", "ConventionalWidescreen", "Custom", "Default", "DicomBrowser", "Dual3D",
        "DualMonitorFourUp", "FiveByTwoSlice", "FourByThreeSlice", "FourByTwoSlice", "FourOverFour",
        "FourUpPlotTable", "FourUpPlot", "FourUpTable", "FourUp", "Maximized", "OneUp3D",
        "OneUpGreenSlice", "OneUpPlot", "OneUpRedSlice", "OneUpYellowSlice", "SideBySide",
        "Tabbed3D", "TabbedSlice", "ThreeByThreeSlice", "ThreeOverThreePlot", "ThreeOverThree",
        "Triple3DEndoscopy", "TwoOverTwo", "Initial", "Final", "User" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/slicer/gui?viewersLayout=%s", names[i]);
        T_CHECK(su_call(s, "PUT", path, NULL, 0, &r) == 200, "layout %s", names[i]);
        t_resp_free(&r);
    }
    SU_EXPECT_500(s, "GET", "/slicer/gui?viewersLayout=NoSuchThing", "Server error: Unknown layout name: nosuchthing");
    SU_EXPECT_500(s, "GET", "/slicer/gui?contents=half", "Server error: contents must be 'viewers' or 'full'");
    T_CHECK(su_get(s, "/slicer/gui?contents=viewers", &r) == 200, "viewers");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/gui?contents=%20&viewersLayout=+", &r) == 200, "blank after strip: no-op");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_segmentations_and_grids(void)
{
    t_resp r;
    T_CHECK(su_get(S, "/slicer/segmentations", &r) == 200 && strcmp(r.body, "{}") == 0, "{}");
    t_resp_free(&r);
    SU_EXPECT_500(S, "GET", "/slicer/segmentation?segmentationID=seg",
               "Server error: could not find nodes in the scene by name or id 'seg'");
    T_CHECK(su_get(S, "/slicer/gridTransforms", &r) == 200 && strcmp(r.body, "[]") == 0, "[]");
    t_resp_free(&r);
    SU_EXPECT_500(S, "GET", "/slicer/gridTransform",
               "Server error: could not find nodes in the scene by name or id 'vtkMRMLGridTransformNode*'");
    T_CHECK(su_call(S, "POST", "/slicer/gridTransform", "x", 1, &r) == 500 &&
            strcmp(su_message(r.body), "Server error: POST griddtransform is not implemented") == 0, "POST");
    t_resp_free(&r);
    T_CHECK(su_call(S, "POST", "/slicer/accessDICOMwebStudy", "{\"studyUID\": \"1\"}", 17, &r) == 500,
            "accessDICOMwebStudy always 500");
    t_resp_free(&r);
}

static void test_volume_selection_cycles(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/volumeSelection", &r) == 200 && strcmp(r.body, "Volume selected") == 0 &&
            strcmp(r.content_type, "text/plain") == 0, "answer");
    t_resp_free(&r);
    cJSON *st = su_state(s);
    T_CHECK(strcmp(cJSON_GetObjectItem(st, "background")->valuestring, "vtkMRMLLabelMapVolumeNode1") == 0, "next");
    cJSON_Delete(st);
    su_get(s, "/slicer/volumeSelection?cmd=next", &r);
    t_resp_free(&r);
    st = su_state(s);
    T_CHECK(strcmp(cJSON_GetObjectItem(st, "background")->valuestring, "vtkMRMLScalarVolumeNode1") == 0, "wraps");
    cJSON_Delete(st);
    su_get(s, "/slicer/volumeSelection?cmd=PREVIOUS", &r);
    t_resp_free(&r);
    st = su_state(s);
    T_CHECK(strcmp(cJSON_GetObjectItem(st, "background")->valuestring, "vtkMRMLLabelMapVolumeNode1") == 0, "previous");
    cJSON_Delete(st);
    t_sim_stop(s);
}

static void test_tracking(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/tracking?p=1,2,3&m=1,0,0,0,1,0,0,0,1", &r) == 200 &&
            strcmp(r.body, "Set matrix") == 0, "Set matrix");
    t_resp_free(&r);
    cJSON *n = su_get_json(s, "/slicer/mrml/names", NULL);
    T_CHECK(su_array_has(n, "tracker") && su_array_has(n, "trackingDevice"), "nodes created once");
    cJSON_Delete(n);
    SU_EXPECT_500(s, "GET", "/slicer/tracking?p=1,x,3", "Server error: could not convert string to float: 'x'");
    t_sim_stop(s);
}

static void test_exec_enabled(void)
{
    static const char *const a[] = { "--enable-exec", "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_call(s, "POST", "/slicer/exec", "v = 1\n__execResult = {'a': v}", 29, &r) == 200 &&
            strcmp(r.body, "{}") == 0 && strcmp(r.content_type, "application/json") == 0, "{}");
    t_resp_free(&r);
    T_CHECK(su_log_has(s, "\"code\":\"v = 1\\n__execResult = {'a': v}\""), "code in log");
    T_CHECK(su_get(s, "/slicer/exec?source=a%2Bb%2541", &r) == 200, "GET source");
    t_resp_free(&r);
    T_CHECK(su_log_has(s, "\"code\":\"a+bA\""), "source decoded twice");
    T_CHECK(su_get(s, "/slicer/exec", &r) == 404 && r.len == 0, "no code -> 404");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/executeAnything?source=x", &r) == 200, "prefix /exec");
    t_resp_free(&r);
    T_CHECK(su_call(s, "POST", "/__sim/exec-result", "{\"volumeNodeID\": \"vtkMRMLScalarVolumeNode1\"}",
                    44, &r) == 200, "set result");
    t_resp_free(&r);
    T_CHECK(su_call(s, "POST", "/slicer/exec", "x", 1, &r) == 200 &&
            strcmp(r.body, "{\"volumeNodeID\": \"vtkMRMLScalarVolumeNode1\"}") == 0, "canned result: %s", r.body);
    t_resp_free(&r);
    t_sim_stop(s);
    static const char *const b[] = { "--enable-exec", "--exec-result", "2", "--volume-size", "16", NULL };
    s = t_sim_start(b);
    T_ASSERT(s != NULL, "start");
    T_CHECK(su_call(s, "POST", "/slicer/exec", "__execResult = 2", 16, &r) == 200 && strcmp(r.body, "2") == 0,
            "--exec-result");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_exec_disabled_unknown_command(void)
{
    SU_EXPECT_500(S, "POST", "/slicer/exec", "Server error: unknown command \"b'/exec'\"");
    T_CHECK(!su_log_has(S, "\"code\""), "no code recorded when exec is off");
}

int main(void)
{
    S = t_sim_start(NULL);
    if (!S) {
        printf("FAIL start slicer-sim\n");
        return 1;
    }
    t_run("system_version", test_system_version);
    t_run("system_other_paths_500", test_system_other_paths);
    t_run("delete_system_recorded_not_quit", test_delete_system_recorded);
    t_run("routing_prefixes_and_unknown_command", test_routing_prefixes);
    t_run("settings_flags", test_settings_flags);
    t_run("volumes_dict_by_name_and_sampledata", test_volumes_dict_by_name);
    t_run("volume_get_nrrd", test_volume_get_nrrd);
    t_run("volume_post", test_volume_post);
    t_run("slice_png_size_ignored", test_slice_png_and_size_ignored);
    t_run("slice_offset_quirks", test_slice_offset_quirks);
    t_run("threed_screenshot_timeimage", test_threed_screenshot_timeimage);
    t_run("gui_layouts", test_gui_layouts);
    t_run("segmentations_and_grids", test_segmentations_and_grids);
    t_run("volume_selection_cycles", test_volume_selection_cycles);
    t_run("tracking", test_tracking);
    t_run("exec_enabled", test_exec_enabled);
    t_run("exec_disabled_unknown_command", test_exec_disabled_unknown_command);
    t_sim_stop(S);
    return t_done();
}
