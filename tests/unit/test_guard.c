/* Unit tests of the endpoint guard: every guarded class and its
 * spellings, judged the way Slicer routes. */
#include <stdlib.h>
#include <string.h>

#include "policy/guard.h"
#include "testlib.h"

#define SPOOL "/tmp/slicer-mcp-0-abc"

static const struct {
    const char *method, *target, *policy;   /* policy NULL = allowed */
} cases[] = {
    /* exec: Slicer tests the prefix "/exec" after "/slicer", first of all */
    { "POST",   "/slicer/exec", "exec" },
    { "GET",    "/slicer/exec?source=x%3D1", "exec" },
    { "GET",    "/slicer/exec?x", "exec" },
    { "PUT",    "/slicer/execute", "exec" },
    { "DELETE", "/slicer/exec/", "exec" },
    { "GET",    "/slicer/executeAnything?y=1", "exec" },
    /* spellings Slicer does not route to exec: unknown command there */
    { "GET",    "/slicer//exec", NULL },
    { "GET",    "/slicer/Exec", NULL },
    { "GET",    "/slicer/%65xec", NULL },
    { "GET",    "/slicer/slice?view=/exec", NULL },
    /* quitting Slicer: DELETE on any /system... path */
    { "DELETE", "/slicer/system", "quit_slicer" },
    { "DELETE", "/slicer/system/version", "quit_slicer" },
    { "DELETE", "/slicer/systemX", "quit_slicer" },
    { "GET",    "/slicer/system/version", NULL },
    /* clearing the scene: DELETE /mrml without a selection; parse_qs drops
     * empty values and pairs without '=' */
    { "DELETE", "/slicer/mrml", "clear_scene" },
    { "DELETE", "/slicer/mrml?id=", "clear_scene" },
    { "DELETE", "/slicer/mrml?id&class", "clear_scene" },
    { "DELETE", "/slicer/mrml?other=1", "clear_scene" },
    { "DELETE", "/slicer/mrml/names", "clear_scene" },
    { "DELETE", "/slicer/mrml?id=vtkMRMLScalarVolumeNode1", NULL },
    { "DELETE", "/slicer/mrml?%69d=x", NULL },
    { "DELETE", "/slicer/mrml?class=vtkMRMLScalarVolumeNode&id=a", NULL },
    /* a selection that is not one exact id removes every node it matches
     * (class defaults to vtkMRMLNode: getNodesFilteredByQuery in
     * Modules/Scripted/WebServer/WebServerLib/SlicerRequestHandler.py) */
    { "DELETE", "/slicer/mrml?class=vtkMRMLNode", "clear_scene" },
    { "DELETE", "/slicer/mrml?name=a+b", "clear_scene" },
    { "DELETE", "/slicer/mrml?id=&class=vtkMRMLNode", "clear_scene" },
    { "DELETE", "/slicer/mrml/ids?%63lass=vtkMRMLNode", "clear_scene" },
    /* PUT reloads the same selection from disk: no selection is all nodes */
    { "PUT",    "/slicer/mrml?class=vtkMRMLNode", "reload_from_disk" },
    { "PUT",    "/slicer/mrml", "reload_from_disk" },
    { "PUT",    "/slicer/mrml?name=MRHead", "reload_from_disk" },
    { "PUT",    "/slicer/mrml/file?class=vtkMRMLVolumeNode", "reload_from_disk" },
    { "PUT",    "/slicer/mrml?id=vtkMRMLScalarVolumeNode1", NULL },
    /* /volume without a body downloads */
    { "GET",    "/slicer/volume?id=MRHead", NULL },
    { "POST",   "/slicer/volume?id=MRHead", NULL },
    /* downloads from the network */
    { "GET",    "/slicer/sampledata?name=MRHead", "network_download" },
    { "POST",   "/slicer/mrml?url=http://x/y.nrrd&filetype=VolumeFile", "network_download" },
    { "POST",   "/slicer/mrml?url=https%3A%2F%2Fx%2Fy&filetype=VolumeFile", "network_download" },
    { "POST",   "/slicer/accessDICOMwebStudy", "network_download" },
    /* writing files on Slicer's host */
    { "GET",    "/slicer/mrml/file?localfile=/etc/x&id=a", "write_files" },
    { "DELETE", "/slicer/mrml/file?localfile=/etc/x&id=a", NULL },
    { "POST",   "/slicer/mrml/file?localfile=" SPOOL "/a.mrk.json&filetype=MarkupsFile", NULL },
    /* loading local files: only the gateway's own spool files */
    { "POST",   "/slicer/mrml?localfile=/etc/passwd&filetype=TextFile", "load_local_files" },
    { "POST",   "/slicer/mrml?url=file:///etc/passwd&filetype=TextFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.mrk.json&filetype=MarkupsFile", NULL },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "%2Fa.mrk.json&filetype=MarkupsFile", NULL },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/../etc/passwd&filetype=MarkupsFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/sub/a.mrk.json&filetype=MarkupsFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "x/a.mrk.json", "load_local_files" },
    { "POST",   "/slicer/mrml", "load_local_files" },
    /* spool files only as the types the adapters write: a markups file and
     * a labelmap .nrrd; a scene, a .py-like type or another volume is not */
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&filetype=VolumeFile&labelmap=true", NULL },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&filetype=VolumeFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&filetype=VolumeFile&labelmap=1", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.mrml&filetype=SceneFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.mrk.json&filetype=SceneFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&filetype=MarkupsFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.mrk.json&filetype=VolumeFile&labelmap=true", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&labelmap=true", "load_local_files" },
    /* segment_region's .seg.nrrd (vtkMRMLSegmentationStorageNode reads it):
     * SegmentationFile only for that suffix, no other file type gains it */
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.seg.nrrd&filetype=SegmentationFile", NULL },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "%2Fa.seg.nrrd&filetype=SegmentationFile", NULL },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.nrrd&filetype=SegmentationFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.seg.vtm&filetype=SegmentationFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.mrk.json&filetype=SegmentationFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.seg.nrrd.mrml&filetype=SegmentationFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/a.seg.nrrd&filetype=SceneFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=/etc/a.seg.nrrd&filetype=SegmentationFile", "load_local_files" },
    { "POST",   "/slicer/mrml?localfile=" SPOOL "/../a.seg.nrrd&filetype=SegmentationFile", "load_local_files" },
    /* static pages and DICOMweb are outside /slicer */
    { "GET",    "/", "static_pages" },
    { "GET",    "/slicer", "static_pages" },
    { "GET",    "/index.html", "static_pages" },
    { "GET",    "/dicom/studies", "dicomweb" },
    { "GET",    "http://127.0.0.1:2016/slicer/exec", "static_pages" },
    /* ordinary safe calls */
    { "GET",    "/slicer/slice?view=red&offset=3", NULL },
    { "GET",    "/slicer/mrml/properties?id=x", NULL },
    { "GET",    "/slicer/volumes", NULL },
    { "GET",    "/slicer/threeD?lookFromAxis=a", NULL },
};

/* Requests with a body: /volume uploads whatever the method
 * (SlicerRequestHandler.py volume()); /volumes and /volumeSelection are
 * routed before it. */
static const struct {
    const char *method, *target, *policy;
} body_cases[] = {
    { "POST",   "/slicer/volume?id=MRHead", "overwrite_volumes" },
    { "GET",    "/slicer/volume?id=*", "overwrite_volumes" },
    { "PUT",    "/slicer/volumeX", "overwrite_volumes" },
    { "POST",   "/slicer/volumes", NULL },
    { "POST",   "/slicer/volumeSelection?cmd=next", NULL },
    { "POST",   "/slicer/exec", "exec" },
};

static void check_case(const char *method, const char *target, int body, const char *want)
{
    const char *why = NULL;
    const char *p = guard_check(method, target, body, SPOOL, &why);
    int ok = want ? (p && strcmp(p, want) == 0) : p == NULL;
    T_CHECK(ok, "%s %s: got %s, want %s", method, target, p ? p : "allowed",
            want ? want : "allowed");
    T_CHECK(!p || (why && *why), "%s %s: a reason", method, target);
}

static void test_table(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(cases[i].method, cases[i].target, 0, cases[i].policy);
    for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++)
        check_case(body_cases[i].method, body_cases[i].target, 1, body_cases[i].policy);
}

/* guard_check_path with its reason, or "allowed". */
static const char *path_policy(const char *method, const char *path, const char *const *params,
                               int body)
{
    const char *why = NULL;
    const char *p = guard_check_path(method, path, params, body, &why);
    T_CHECK(!p || (why && *why), "%s %s: a reason", method, path);
    return p ? p : "allowed";
}

static void test_path_check_for_tools_d(void)
{
    static const char *const none[] = { NULL }, *const id[] = { "id", NULL },
                             *const cls[] = { "class", NULL }, *const name_id[] = { "name", "id", NULL };
    T_CHECK(!strcmp(path_policy("GET", "/slicer/exec", NULL, 0), "exec"), "exec path");
    T_CHECK(!strcmp(path_policy("POST", "/slicer/mrml", id, 0), "load_local_files"),
            "a tools.d POST /mrml loads arbitrary files");
    T_CHECK(!strcmp(path_policy("GET", "/slicer/mrml/file", id, 0), "write_files"), "file");
    T_CHECK(!strcmp(path_policy("GET", "/slicer/volumes", NULL, 0), "allowed"), "volumes allowed");
    /* DELETE and PUT /mrml: only an id parameter makes one exact node */
    T_CHECK(!strcmp(path_policy("DELETE", "/slicer/mrml", id, 0), "allowed"), "delete by id");
    T_CHECK(!strcmp(path_policy("DELETE", "/slicer/mrml", name_id, 0), "allowed"), "id wins");
    T_CHECK(!strcmp(path_policy("DELETE", "/slicer/mrml", cls, 0), "clear_scene"), "delete by class");
    T_CHECK(!strcmp(path_policy("DELETE", "/slicer/mrml", none, 0), "clear_scene"), "clear");
    T_CHECK(!strcmp(path_policy("PUT", "/slicer/mrml", cls, 0), "reload_from_disk"), "reload by class");
    T_CHECK(!strcmp(path_policy("PUT", "/slicer/mrml", id, 0), "allowed"), "reload one node");
    /* /volume: a body uploads */
    T_CHECK(!strcmp(path_policy("POST", "/slicer/volume", id, 1), "overwrite_volumes"), "upload");
    T_CHECK(!strcmp(path_policy("GET", "/slicer/volume", id, 0), "allowed"), "download");
}

static void test_query_decoding(void)
{
    char *v = guard_query_value("a=1&id=&id=x%2By+z&id=second", "id");
    T_CHECK(v && !strcmp(v, "x+y z"), "empty values dropped, first non-empty wins, decoded: %s", v ? v : "(null)");
    free(v);
    v = guard_query_value("%69d=ok", "id");
    T_CHECK(v && !strcmp(v, "ok"), "keys are decoded too");
    free(v);
    v = guard_query_value("id=%zz%4", "id");
    T_CHECK(v && !strcmp(v, "%zz%4"), "invalid escapes stay literal");
    free(v);
    T_CHECK(guard_query_value("idx=1", "id") == NULL && guard_query_value("", "id") == NULL, "absent");
}

int main(void)
{
    t_run("guard_table", test_table);
    t_run("guard_path_check_for_tools_d", test_path_check_for_tools_d);
    t_run("guard_query_decoding", test_query_decoding);
    return t_done();
}
