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
    { "DELETE", "/slicer/mrml?name=a+b", NULL },
    /* downloads from the network */
    { "GET",    "/slicer/sampledata?name=MRHead", "network_download" },
    { "POST",   "/slicer/mrml?url=http://x/y.nrrd&filetype=VolumeFile", "network_download" },
    { "POST",   "/slicer/mrml?url=https%3A%2F%2Fx%2Fy&filetype=VolumeFile", "network_download" },
    { "POST",   "/slicer/accessDICOMwebStudy", "network_download" },
    /* writing files on Slicer's host */
    { "GET",    "/slicer/mrml/file?localfile=/etc/x&id=a", "write_files" },
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

static void test_table(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = NULL;
        const char *p = guard_check(cases[i].method, cases[i].target, SPOOL, &why);
        int ok = cases[i].policy ? (p && strcmp(p, cases[i].policy) == 0) : p == NULL;
        T_CHECK(ok, "%s %s: got %s, want %s", cases[i].method, cases[i].target, p ? p : "allowed",
                cases[i].policy ? cases[i].policy : "allowed");
        T_CHECK(!p || (why && *why), "%s %s: a reason", cases[i].method, cases[i].target);
    }
}

static void test_path_check_for_tools_d(void)
{
    T_CHECK(!strcmp(guard_check_path("GET", "/slicer/exec") ? guard_check_path("GET", "/slicer/exec") : "", "exec"), "exec path");
    T_CHECK(guard_check_path("POST", "/slicer/mrml") && !strcmp(guard_check_path("POST", "/slicer/mrml"), "load_local_files"),
            "a tools.d POST /mrml loads arbitrary files");
    T_CHECK(guard_check_path("DELETE", "/slicer/mrml") == NULL, "DELETE /mrml is judged per call");
    T_CHECK(guard_check_path("GET", "/slicer/mrml/file") && !strcmp(guard_check_path("GET", "/slicer/mrml/file"), "write_files"), "file");
    T_CHECK(guard_check_path("GET", "/slicer/volumes") == NULL, "volumes allowed");
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
