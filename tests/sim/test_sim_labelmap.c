/* test_sim_labelmap: slicer-sim loads labelmap NRRD files through POST
 * /slicer/mrml?filetype=VolumeFile&labelmap=true as Slicer does
 * (qSlicerVolumesReader: labelmap and show are QVariant booleans, the
 * name is name= or the file's baseName; util.loadNodeFromFile's error with
 * the storage node's user message), raw and gzip, and then serves the new
 * vtkMRMLLabelMapVolumeNode like any volume. */
#include "testlib.h"
#include "sim_testutil.h"

#include <math.h>
#include <zlib.h>

/* A 4 x 3 x 2 labelmap: label = (i + j + k) % 3, LPS, spacing 2, 1, 3. */
#define NI 4
#define NJ 3
#define NK 2

static const char *header(const char *type, const char *encoding)
{
    static char h[1024];
    snprintf(h, sizeof h, "NRRD0004\n# a comment\ntype: %s\ndimension: 3\n"
             "space: left-posterior-superior\nsizes: %d %d %d\n"
             "space directions: (-2,0,0) (0,-1,0) (0,0,3)\nkinds: domain domain domain\n"
             "endian: little\nencoding: %s\nspace origin: (10,20,30)\n\n", type, NI, NJ, NK,
             encoding);
    return h;
}

/* Writes header + data (gzip-compressed when gz) to name in the temp dir. */
static const char *write_nrrd(const char *name, const char *head, int gz)
{
    static char path[512];
    unsigned char data[NI * NJ * NK];
    for (int n = 0; n < NI * NJ * NK; n++)
        data[n] = (unsigned char)((n % NI + n / NI % NJ + n / (NI * NJ)) % 3);
    snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return path;
    fputs(head, f);
    if (!gz) {
        fwrite(data, 1, sizeof data, f);
    } else {
        unsigned char z[256];
        uLongf zn = sizeof z;
        z_stream s = { 0 };
        deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        s.next_in = data;
        s.avail_in = sizeof data;
        s.next_out = z;
        s.avail_out = (uInt)zn;
        deflate(&s, Z_FINISH);
        fwrite(z, 1, zn - s.avail_out, f);
        deflateEnd(&s);
    }
    fclose(f);
    return path;
}

static void check_served(t_sim *s, const char *id)
{
    char url[256];
    snprintf(url, sizeof url, "/slicer/volume?id=%s", id);
    t_resp r;
    T_ASSERT(su_get(s, url, &r) == 200, "GET /slicer/volume");
    const char *end = strstr(r.body, "\n\n");
    T_CHECK(strstr(r.body, "type: short\n") && strstr(r.body, "sizes: 4 3 2\n"),
            "served as short (Slicer casts labelmaps)");
    T_CHECK(strstr(r.body, "space origin: (10.0,20.0,30.0)") &&
            strstr(r.body, "space directions: (-2.0,0.0,0.0) (0.0,-1.0,0.0) (0.0,0.0,3.0)"),
            "the file's LPS geometry round-trips");
    T_ASSERT(end && r.len == (size_t)(end + 2 - r.body) + NI * NJ * NK * 2, "voxel bytes");
    const unsigned char *v = (const unsigned char *)end + 2;
    for (int n = 0; n < NI * NJ * NK; n++)
        T_CHECK(v[2 * n] == (n % NI + n / NI % NJ + n / (NI * NJ)) % 3 && v[2 * n + 1] == 0,
                "voxel %d", n);
    t_resp_free(&r);
}

static void test_load_raw_and_gzip(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    char url[900];
    t_resp r;
    const char *path = write_nrrd("seg.raw.nrrd", header("unsigned char", "raw"), 0);
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=VolumeFile&labelmap=true", path);
    T_CHECK(su_call(s, "POST", url, NULL, 0, &r) == 200 &&
            strcmp(r.body, "{\"success\": true, \"loadedNodeIDs\": [\"vtkMRMLLabelMapVolumeNode2\"]}") == 0,
            "raw loaded: %s", r.body);
    t_resp_free(&r);
    check_served(s, "vtkMRMLLabelMapVolumeNode2");
    path = write_nrrd("seg2.nrrd", header("uchar", "gzip"), 1);
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=VolumeFile&labelmap=true&name=Lesion",
             path);
    T_CHECK(su_call(s, "POST", url, NULL, 0, &r) == 200 && strstr(r.body, "vtkMRMLLabelMapVolumeNode3"),
            "gzip loaded: %s", r.body);
    t_resp_free(&r);
    check_served(s, "vtkMRMLLabelMapVolumeNode3");
    /* listed: /volumes by name (baseName "seg" of seg.raw.nrrd, and name=), properties */
    T_CHECK(su_get(s, "/slicer/volumes", &r) == 200 &&
            strstr(r.body, "{\"name\": \"seg\", \"id\": \"vtkMRMLLabelMapVolumeNode2\"}") &&
            strstr(r.body, "{\"name\": \"Lesion\", \"id\": \"vtkMRMLLabelMapVolumeNode3\"}"),
            "/volumes: %s", r.body);
    t_resp_free(&r);
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLLabelMapVolumeNode", NULL);
    T_CHECK(su_array_has(ids, "vtkMRMLLabelMapVolumeNode3"), "a vtkMRMLLabelMapVolumeNode");
    cJSON_Delete(ids);
    cJSON *p = su_get_json(s, "/slicer/mrml/properties?id=vtkMRMLLabelMapVolumeNode3", NULL);
    T_CHECK(p && cJSON_GetObjectItem(p, "vtkMRMLLabelMapVolumeNode3"), "in /mrml/properties");
    cJSON_Delete(p);
    /* without labelmap (or labelmap=false) it is a scalar volume */
    snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=VolumeFile&labelmap=false", path);
    T_CHECK(su_call(s, "POST", url, NULL, 0, &r) == 200 && strstr(r.body, "vtkMRMLScalarVolumeNode2"),
            "labelmap=false: a scalar volume: %s", r.body);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_load_errors(void)
{
    t_sim *s = su_fresh();
    T_ASSERT(s != NULL, "start");
    static const struct { const char *file, *head; int gz; } bad[] = {
        { "float.nrrd", NULL, 0 },
        { "short.nrrd", NULL, 0 },          /* too few bytes for shorts */
        { "notgz.nrrd", NULL, 0 },          /* says gzip, is raw */
        { "junk.nrrd", "hello\n\n", 0 },
    };
    const char *heads[] = { header("float", "raw"), header("short", "raw"), header("uchar", "gzip"), NULL };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char hcopy[1024];
        snprintf(hcopy, sizeof hcopy, "%s", heads[i] ? heads[i] : bad[i].head);
        const char *path = write_nrrd(bad[i].file, hcopy, bad[i].gz);
        char url[900], want[900], msg[2048];
        snprintf(url, sizeof url, "/slicer/mrml?localfile=%s&filetype=VolumeFile&labelmap=true", path);
        snprintf(want, sizeof want, "Server error: Failed to load node from file: %s\nError: Cannot read "
                 "'%s' file as a volume of type 'LabelMapVolume'. Details: ", path, path);
        long st = su_call_msg(s, "POST", url, msg, sizeof msg);
        T_CHECK(st == 500 && strncmp(msg, want, strlen(want)) == 0, "%s: %ld '%s'", bad[i].file, st, msg);
    }
    cJSON *ids = su_get_json(s, "/slicer/mrml/ids?class=vtkMRMLLabelMapVolumeNode", NULL);
    T_CHECK(cJSON_GetArraySize(ids) == 1, "nothing added");
    cJSON_Delete(ids);
    t_sim_stop(s);
}

int main(void)
{
    t_run("labelmap_load_raw_and_gzip", test_load_raw_and_gzip);
    t_run("labelmap_load_errors", test_load_errors);
    return t_done();
}
