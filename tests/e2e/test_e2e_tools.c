/* End-to-end: every shipped tool through the real slicer-mcp binary over
 * stdio against slicer-sim, asserting the results and, through the
 * stand-in's request log, exactly what reached "Slicer". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "e2e.h"
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { return cJSON_GetNumberValue(get(o, k)); }
static double at(const cJSON *arr, int i) { return cJSON_GetNumberValue(cJSON_GetArrayItem(arr, i)); }
static const char *str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(get(o, k));
    return s ? s : "";
}

static e2e X;

static void test_get_slicer_info(void)
{
    cJSON *r = t_mcp_call(X.mcp, "get_slicer_info", "{}", 5000);
    const cJSON *sc = e2e_structured(r);
    T_CHECK(!t_mcp_is_error(r), "ok: %s", t_mcp_text(r));
    T_CHECK(cJSON_IsString(get(sc, "applicationName")) && !strcmp(get(sc, "applicationName")->valuestring, "Slicer"), "applicationName");
    T_CHECK(num(sc, "majorVersion") == 5, "majorVersion");
    T_CHECK(strstr(t_mcp_text(r), "\"applicationVersion\""), "text rendering carries the JSON");
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/system/version") == 1, "one GET /slicer/system/version reached Slicer");
    cJSON_Delete(r);
}

static void test_list_nodes(void)
{
    cJSON *r = t_mcp_call(X.mcp, "list_nodes", "{}", 5000);
    const cJSON *nodes = get(e2e_structured(r), "nodes");
    int found_head = 0, found_red = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, nodes) {
        if (!strcmp(get(n, "id")->valuestring, "vtkMRMLScalarVolumeNode1"))
            found_head = !strcmp(get(n, "name")->valuestring, "MRHead") &&
                         !strcmp(get(n, "class")->valuestring, "vtkMRMLScalarVolumeNode");
        if (!strcmp(get(n, "id")->valuestring, "vtkMRMLSliceNodeRed"))
            found_red = !strcmp(get(n, "class")->valuestring, "vtkMRMLSliceNode");
    }
    T_CHECK(found_head && found_red, "MRHead and the red slice node with their classes");
    T_CHECK(num(e2e_structured(r), "count") == cJSON_GetArraySize(nodes) && cJSON_GetArraySize(nodes) > 10,
            "count matches and singletons are there (%d)", cJSON_GetArraySize(nodes));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "list_nodes", "{\"class\":\"vtkMRMLScalarVolumeNode\"}", 5000);
    nodes = get(e2e_structured(r), "nodes");
    T_CHECK(cJSON_GetArraySize(nodes) == 2, "IsA filter: the labelmap is a scalar volume too (%d)", cJSON_GetArraySize(nodes));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "list_nodes", "{\"name\":\"MRHead\"}", 5000);
    T_CHECK(cJSON_GetArraySize(get(e2e_structured(r), "nodes")) == 1, "name filter");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "list_nodes", "{\"name\":\"a&b=c d\"}", 5000);
    T_CHECK(!t_mcp_is_error(r) && cJSON_GetArraySize(get(e2e_structured(r), "nodes")) == 0, "no match is an empty list");
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/mrml/ids?name=a%26b%3Dc%20d") == 1,
            "an argument is percent-encoded and cannot add parameters: %s", e2e_log_target(&X, "/slicer/mrml/ids?name=a", 0));
    cJSON_Delete(r);
}

static void test_node_properties(void)
{
    cJSON *r = t_mcp_call(X.mcp, "get_node_properties", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    const cJSON *p = get(e2e_structured(r), "vtkMRMLScalarVolumeNode1");
    T_CHECK(p && !strcmp(get(p, "Name")->valuestring, "MRHead"), "properties of MRHead");
    cJSON_Delete(r);
    /* Ids carry any singleton tag: '.' and '-' included. */
    r = t_mcp_call(X.mcp, "get_node_properties",
                   "{\"node_id\":\"vtkMRMLColorTableNodeFileGenericAnatomyColors.txt\"}", 5000);
    T_CHECK(!t_mcp_is_error(r) && get(e2e_structured(r), "vtkMRMLColorTableNodeFileGenericAnatomyColors.txt"),
            "an id with a '.': %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_node_properties", "{\"node_id\":\"vtkMRMLPETProceduralColorNodePET-Heat\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "No node has id 'vtkMRMLPETProceduralColorNodePET-Heat'"),
            "an id with a '-' reaches Slicer: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode*\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "pattern"),
            "a volume id with a glob character is refused (Slicer's getNode would match it): %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_node_properties", "{\"node_id\":\"vtkMRMLScalarVolumeNode99\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "No node has id 'vtkMRMLScalarVolumeNode99'") &&
            !strstr(t_mcp_text(r), "Server error"), "unknown id is a clear tool error: %s", t_mcp_text(r));
    cJSON_Delete(r);
}

/* MRHead's geometry as the stand-in defines it (the phantom), not as any
 * tool says: origin, spacing, directions and the RAS bounds of the voxel
 * centres b = {Rmin, Rmax, Amin, Amax, Smin, Smax}. */
static int phantom(sim_volume *v, double b[6])
{
    memset(v, 0, sizeof *v);
    if (sim_phantom_mrhead(v, 0) != 0)
        return -1;
    free(v->voxels);
    v->voxels = NULL;
    for (int r = 0; r < 3; r++) {
        b[2 * r] = b[2 * r + 1] = v->origin[r];
        for (int a = 0; a < 3; a++) {
            double step = v->dirs[a][r] * v->spacing[a] * (v->dims[a] - 1);
            b[2 * r + (step > 0)] += step;
        }
    }
    return 0;
}

static void test_volumes(void)
{
    sim_volume v;
    double b[6];
    T_ASSERT(phantom(&v, b) == 0, "phantom");
    int nrrd_before = e2e_log_count(&X, "GET", "/slicer/volume");
    cJSON *r = t_mcp_call(X.mcp, "list_volumes", "{}", 5000);
    const cJSON *sc = e2e_structured(r);
    T_CHECK(num(sc, "count") == 2 && cJSON_GetArraySize(get(sc, "volumes")) == 2, "two volumes");
    const cJSON *v0 = cJSON_GetArrayItem(get(sc, "volumes"), 0);
    T_CHECK(!strcmp(str(v0, "name"), "MRHead") && at(get(v0, "dimensions"), 2) == 130,
            "MRHead, 130 slices");
    /* Slicer prints 6 significant digits: -86.644897... arrives as -86.6449. */
    T_CHECK(fabs(at(get(v0, "origin_ras"), 0) - v.origin[0]) < 1e-4 &&
            at(get(v0, "origin_ras"), 0) != v.origin[0], "list_volumes: the origin to 6 digits (%.17g)",
            at(get(v0, "origin_ras"), 0));
    T_CHECK(!get(v0, "ijk_to_ras_directions") && !get(v0, "ras_bounds"), "no directions in list_volumes");
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/volume") == nrrd_before, "list_volumes reads no NRRD");
    cJSON_Delete(r);

    r = t_mcp_call(X.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    sc = e2e_structured(r);
    T_ASSERT(!t_mcp_is_error(r), "get_volume_info: %s", t_mcp_text(r));
    const cJSON *d = get(sc, "dimensions"), *s = get(sc, "spacing_mm");
    T_CHECK(at(d, 0) == 256 && at(d, 1) == 256 && at(d, 2) == 130, "dimensions 256x256x130");
    T_CHECK(at(s, 0) == 1 && at(s, 1) == 1 && fabs(at(s, 2) - v.spacing[2]) < 1e-12,
            "spacing 1x1x1.2999954 to full precision (%.17g)", at(s, 2));
    T_CHECK(fabs(at(get(sc, "size_mm"), 2) - 130 * v.spacing[2]) < 1e-9, "size in mm");
    const cJSON *dir = get(sc, "ijk_to_ras_directions"), *org = get(sc, "origin_ras");
    int dirs_ok = cJSON_GetArraySize(dir) == 3, org_ok = 1;
    for (int row = 0; row < 3; row++) {
        org_ok &= fabs(at(org, row) - v.origin[row]) < 1e-12;
        for (int col = 0; col < 3 && dirs_ok; col++)
            dirs_ok &= at(cJSON_GetArrayItem(dir, row), col) == v.dirs[col][row];
    }
    T_CHECK(dirs_ok, "MRHead directions from the NRRD header: K->R, I->-A, J->-S");
    T_CHECK(org_ok, "origin to full precision: %.17g %.17g %.17g", at(org, 0), at(org, 1), at(org, 2));
    const cJSON *jb = get(sc, "ras_bounds");
    int b_ok = cJSON_GetArraySize(jb) == 6;
    for (int i = 0; i < 6 && b_ok; i++)
        b_ok &= fabs(at(jb, i) - b[i]) < 1e-9;
    T_CHECK(b_ok, "RAS bounds of the voxel centres");
    T_CHECK(at(jb, 0) < SIM_LESION_R && at(jb, 1) > SIM_LESION_R && at(jb, 4) < SIM_LESION_S &&
            at(jb, 5) > SIM_LESION_S, "the lesion lies inside the RAS bounds");
    T_CHECK(!strcmp(str(sc, "scalar_type"), "short"), "scalar type from Point Data/Scalars: %s", str(sc, "scalar_type"));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLSliceNodeRed\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not a volume"), "not a volume: %s", t_mcp_text(r));
    cJSON_Delete(r);
}

/* The NRRD header is read once per MTime: a second call is answered from
 * the cache; an upload changes the node's MTime and the next call reads
 * the new header (whose geometry the answer then shows). */
static void test_volume_header_cache(void)
{
    const char *args = "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}";
    const char *target = "/slicer/volume?id=vtkMRMLScalarVolumeNode1";
    cJSON *r = t_mcp_call(X.mcp, "get_volume_info", args, 5000);
    int n0 = e2e_log_count(&X, "GET", target);
    cJSON_Delete(r);
    T_CHECK(n0 >= 1, "the header was read (%d)", n0);
    r = t_mcp_call(X.mcp, "get_volume_info", args, 5000);
    T_CHECK(e2e_log_count(&X, "GET", target) == n0, "MTime unchanged: no second NRRD request");
    T_CHECK(!strcmp(str(e2e_structured(r), "geometry_source"), "nrrd_header_cached"),
            "answered from the cache");
    cJSON_Delete(r);

    /* A 4x3x2 volume, axes I->A, J->-R, K->S in RAS, written in LPS. */
    static const char hdr[] =
        "NRRD0004\ntype: short\ndimension: 3\nspace: left-posterior-superior\nsizes: 4 3 2\n"
        "space directions: (0,-2.5,0) (0.75,0,0) (0,0,3.125)\nkinds: domain domain domain\n"
        "endian: little\nencoding: raw\nspace origin: (10.0625,-20.5,30.25)\n\n";
    char body[sizeof hdr + 48] = { 0 };
    memcpy(body, hdr, sizeof hdr - 1);
    char url[256];
    snprintf(url, sizeof url, "%s%s", t_sim_url(X.sim), target);
    t_resp up;
    T_CHECK(t_http("POST", url, body, sizeof hdr - 1 + 48, 5000, &up) == 200, "upload accepted");
    t_resp_free(&up);
    r = t_mcp_call(X.mcp, "get_volume_info", args, 5000);
    const cJSON *sc = e2e_structured(r);
    T_CHECK(e2e_log_count(&X, "GET", target) == n0 + 1, "MTime changed: the header is read again");
    const cJSON *d = get(sc, "dimensions"), *dir = get(sc, "ijk_to_ras_directions"), *o = get(sc, "origin_ras");
    T_CHECK(at(d, 0) == 4 && at(d, 1) == 3 && at(d, 2) == 2, "the new dimensions");
    /* LPS -> RAS negates the first two coordinates. */
    T_CHECK(at(cJSON_GetArrayItem(dir, 1), 0) == 1 && at(cJSON_GetArrayItem(dir, 0), 1) == -1 &&
            at(cJSON_GetArrayItem(dir, 2), 2) == 1, "the new directions, in RAS");
    T_CHECK(at(o, 0) == -10.0625 && at(o, 1) == 20.5 && at(o, 2) == 30.25, "the new origin, in RAS");
    T_CHECK(at(get(sc, "spacing_mm"), 0) == 2.5 && at(get(sc, "spacing_mm"), 1) == 0.75 &&
            at(get(sc, "spacing_mm"), 2) == 3.125, "the new spacing");
    cJSON_Delete(r);
}

/* Gray value at a RAS point of an axial image whose centre is (cr, ca). */
static int axial_pixel(const unsigned char *rgba, unsigned w, unsigned h, const cJSON *meta,
                       double cr, double ca, double r, double a)
{
    const cJSON *px = get(meta, "pixel_size_mm");
    /* Slicer's axial view shows the patient's right on the image's left. */
    double col = w / 2.0 + (cr - r) / at(px, 0);
    double row = h / 2.0 - (a - ca) / at(px, 1);
    if (col < 0 || row < 0 || col >= w || row >= h)
        return -1;
    return rgba[((size_t)row * w + (size_t)col) * 4];
}

static void test_slice_png(void)
{
    int before = e2e_log_count(&X, "GET", "/slicer/slice");
    char args[200];
    snprintf(args, sizeof args, "{\"view\":\"red\",\"orientation\":\"axial\",\"offset_mm\":%g}", SIM_LESION_S);
    cJSON *r = t_mcp_call(X.mcp, "get_slice_png", args, 10000);
    T_ASSERT(!t_mcp_is_error(r), "ok: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/slice") == before + 2, "two slice requests");
    T_CHECK(!strcmp(e2e_log_target(&X, "/slicer/slice", before), "/slicer/slice?view=red&orientation=axial"),
            "orientation first, alone: %s", e2e_log_target(&X, "/slicer/slice", before));
    T_CHECK(!strcmp(e2e_log_target(&X, "/slicer/slice", before + 1), "/slicer/slice?view=red&offset=20"),
            "then the offset: %s", e2e_log_target(&X, "/slicer/slice", before + 1));
    const cJSON *meta = e2e_structured(r);
    T_CHECK(num(meta, "offset_mm") == SIM_LESION_S, "the offset set is reported %g", num(meta, "offset_mm"));
    T_CHECK(!get(meta, "center_ras") && !get(meta, "normal_ras"), "no position Slicer did not report");
    unsigned w = 0, h = 0;
    unsigned char *px = NULL;
    size_t png_bytes = 0;
    T_ASSERT(e2e_image(r, &w, &h, &px, &png_bytes) == 0, "image decodes");
    T_CHECK(w == 512 && h == 512 && num(meta, "width") == 512, "512x512");
    T_CHECK(fabs(at(get(meta, "pixel_size_mm"), 0) - 0.5) < 1e-9, "pixel size 256 mm / 512");
    T_CHECK(png_bytes * 8 < (size_t)num(meta, "slicer_png_bytes"),
            "at least 8x smaller than Slicer's PNG (%zu vs %.0f)", png_bytes, num(meta, "slicer_png_bytes"));
    /* The orientation change centred the view on the volume
     * (FitSliceToBackground): the centre of the phantom's bounds. */
    sim_volume v;
    double b[6];
    T_ASSERT(phantom(&v, b) == 0, "phantom");
    double cr = (b[0] + b[1]) / 2, ca = (b[2] + b[3]) / 2;
    int lesion = axial_pixel(px, w, h, meta, cr, ca, SIM_LESION_R, SIM_LESION_A);
    int other = axial_pixel(px, w, h, meta, cr, ca, -SIM_LESION_R, SIM_LESION_A);
    T_CHECK(lesion > other + 40, "the lesion is brighter than the mirror point (%d vs %d)", lesion, other);
    T_CHECK(px[0] == 0 && px[1] == 0 && px[2] == 0 && px[3] == 255,
            "the corner, outside the head, is opaque black (%d %d %d %d)", px[0], px[1], px[2], px[3]);
    free(px);
    cJSON_Delete(r);

    /* A slice that misses the volume: Slicer sends it fully transparent;
     * the view, and so the model, sees black. */
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"red\",\"offset_mm\":900}", 10000);
    T_ASSERT(e2e_image(r, &w, &h, &px, &png_bytes) == 0, "image decodes");
    int black = 1;
    for (size_t i = 0; i < (size_t)w * h && black; i++)
        black = px[4 * i] == 0 && px[4 * i + 1] == 0 && px[4 * i + 2] == 0 && px[4 * i + 3] == 255;
    T_CHECK(black, "outside the volume: every pixel opaque black");
    T_CHECK(png_bytes < 4096, "and a small PNG (%zu bytes)", png_bytes);
    free(px);
    cJSON_Delete(r);

    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"red\",\"max_size\":128}", 10000);
    meta = e2e_structured(r);
    T_ASSERT(e2e_image(r, &w, &h, &px, NULL) == 0, "downscaled image decodes");
    T_CHECK(w == 128 && h == 128, "max_size bounds the image (%ux%u)", w, h);
    T_CHECK(fabs(at(get(meta, "pixel_size_mm"), 0) - 2.0) < 1e-9, "pixel size stays exact after scaling (%g)",
            at(get(meta, "pixel_size_mm"), 0));
    T_CHECK(!get(meta, "offset_mm") && strstr(str(meta, "note"), "did not move"),
            "no offset without moving, and why");
    free(px);
    cJSON_Delete(r);
}

/* A non-square view (Slicer's views rarely are square): the image keeps
 * the view's shape, both pixel sizes come from the field of view over
 * the image's own pixels, and max_size bounds the longer side. */
static void test_slice_non_square(void)
{
    static const char *const sim_args[] = { "--view-size", "640x400", NULL };
    e2e y;
    T_ASSERT(e2e_start(&y, sim_args, NULL) == 0, "a stand-in with 640x400 views");
    cJSON *r = t_mcp_call(y.mcp, "get_slice_png", "{\"view\":\"red\",\"offset_mm\":20}", 10000);
    const cJSON *meta = e2e_structured(r);
    unsigned w = 0, h = 0;
    unsigned char *px = NULL;
    T_CHECK(e2e_image(r, &w, &h, &px, NULL) == 0 && w == 640 && h == 400, "640x400 (%ux%u)", w, h);
    const cJSON *fov = get(meta, "field_of_view_mm"), *ps = get(meta, "pixel_size_mm");
    T_CHECK(fabs(at(ps, 0) - at(fov, 0) / 640) < 1e-12 && fabs(at(ps, 1) - at(fov, 1) / 400) < 1e-12,
            "pixel size = field of view / pixels (%g, %g)", at(ps, 0), at(ps, 1));
    T_CHECK(fabs(at(ps, 0) - at(ps, 1)) < 1e-9, "square pixels");
    free(px);
    cJSON_Delete(r);
    r = t_mcp_call(y.mcp, "get_slice_png", "{\"view\":\"red\",\"max_size\":320}", 10000);
    meta = e2e_structured(r);
    T_CHECK(e2e_image(r, &w, &h, &px, NULL) == 0 && w == 320 && h == 200, "max_size: 320x200 (%ux%u)", w, h);
    fov = get(meta, "field_of_view_mm");
    ps = get(meta, "pixel_size_mm");
    T_CHECK(fabs(at(ps, 0) - at(fov, 0) / 320) < 1e-12 && fabs(at(ps, 1) - at(fov, 1) / 200) < 1e-12,
            "pixel size after scaling");
    free(px);
    cJSON_Delete(r);
    e2e_stop(&y);
}

/* Every number token of a JSON text (strings skipped): its start and
 * length into tok, at most max; the count. */
static size_t number_tokens(const char *s, const char **tok, size_t *len, size_t max)
{
    size_t n = 0;
    for (const char *p = s; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            p += *p == '"';
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            const char *b = p;
            while (*p && strchr("+-.eE0123456789", *p))
                p++;
            if (n < max) {
                tok[n] = b;
                len[n++] = (size_t)(p - b);
            }
        } else {
            p++;
        }
    }
    return n;
}

/* Issue 17: numbers went out as 0.66666666666666663 (cJSON's 17-digit
 * fallback) and 122.6562 (rounded to 7 digits).  Every number in these
 * tools' text must be what Python's repr() writes for the double it reads
 * as (the shortest form that reads back exactly), and 256 mm over 384
 * pixels must print as repr(256 / 384) does. */
static void test_numbers_shortest(void)
{
    static const char *const sim_args[] = { "--view-size", "384x384", NULL };
    static const char *const calls[][2] = {
        { "get_slice_png", "{\"view\":\"red\"}" },
        { "get_slice_png", "{\"view\":\"yellow\",\"offset_mm\":-12.345678901234567}" },
        { "get_volume_statistics", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
        { "get_volume_statistics", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"region\":"
          "{\"center_ras\":[25,10,20],\"radius_mm\":8}}" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
        { "list_volumes", "{}" },
    };
    e2e y;
    T_ASSERT(e2e_start(&y, sim_args, NULL) == 0, "a stand-in with 384x384 views");
    int checked = 0, differ = 0;
    for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++) {
        cJSON *r = t_mcp_call(y.mcp, calls[c][0], calls[c][1], 20000);
        const char *text = NULL;
        const cJSON *blk;
        cJSON_ArrayForEach(blk, get(get(r, "result"), "content"))
            if (!strcmp(str(blk, "type"), "text"))
                text = str(blk, "text");
        T_CHECK(r && !t_mcp_is_error(r) && text, "%s works: %.300s", calls[c][0], text ? text : "");
        if (c == 0) {
            const cJSON *fov = get(e2e_structured(r), "field_of_view_mm");
            double px = at(fov, 0) / 384;
            char **want = t_py_numbers(&px, 1), needle[128] = "";
            T_ASSERT(want, "python3 runs");
            snprintf(needle, sizeof needle, "\"pixel_size_mm\":[%s,", want[0]);
            T_CHECK(at(fov, 0) == 256 && strstr(text, needle), "%s in %.300s", needle, text);
            T_CHECK(!strstr(text, "0.66666666666666663"), "not cJSON's 17 digits");
            t_py_free(want, 1);
        }
        const char *tok[512];
        size_t len[512];
        double v[512];
        size_t n = text ? number_tokens(text, tok, len, 512) : 0;
        for (size_t i = 0; i < n; i++)
            v[i] = strtod(tok[i], NULL);
        char **want = t_py_numbers(v, n);
        T_ASSERT(want, "python3 runs");
        for (size_t i = 0; i < n; i++, checked++)
            if ((strlen(want[i]) != len[i] || strncmp(want[i], tok[i], len[i])) && differ++ < 5)
                T_CHECK(0, "%s: %.*s, Python's repr %s", calls[c][0], (int)len[i], tok[i], want[i]);
        t_py_free(want, n);
        cJSON_Delete(r);
    }
    T_CHECK(differ == 0 && checked > 60, "%d of %d numbers not in the shortest form", differ, checked);
    e2e_stop(&y);
}

static void test_slice_quirks(void)
{
    cJSON *r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"yellow\",\"offset_mm\":0}", 10000);
    T_CHECK(!t_mcp_is_error(r), "offset 0: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/slice?view=yellow&offset=0.0001") == 1,
            "an offset of exactly 0 is sent as 0.0001 so Slicer does not ignore it");
    T_CHECK(num(e2e_structured(r), "offset_mm") == 0, "reported offset 0");
    cJSON_Delete(r);
    int before = e2e_log_count(&X, NULL, "/slicer/slice");
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"purple\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "must be one of"), "invalid view rejected by the schema");
    T_CHECK(e2e_log_count(&X, NULL, "/slicer/slice") == before, "nothing reached Slicer");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"green\",\"position\":0.5}", 10000);
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/slice?view=green&scrollTo=0.5") == 1, "position is scrollTo");
    T_CHECK(!get(e2e_structured(r), "offset_mm") &&
            strstr(str(e2e_structured(r), "note"), "position"),
            "no offset after position, and why");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"green\",\"position\":0.5,\"offset_mm\":3}", 10000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not both"), "offset and position together refused");
    cJSON_Delete(r);
}

static void test_set_slice_offset(void)
{
    cJSON *r = t_mcp_call(X.mcp, "set_slice_offset", "{\"view\":\"yellow\",\"orientation\":\"sagittal\",\"offset_mm\":-12.5}", 10000);
    const cJSON *sc = e2e_structured(r);
    T_CHECK(!t_mcp_is_error(r) && fabs(num(sc, "offset_mm") + 12.5) < 0.01, "moved to -12.5 (%g)", num(sc, "offset_mm"));
    T_CHECK(!strcmp(get(sc, "orientation")->valuestring, "sagittal"), "orientation");
    T_CHECK(!get(get(r, "result"), "content") || cJSON_GetArraySize(get(get(r, "result"), "content")) == 1,
            "no image in the answer");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "set_slice_offset", "{\"view\":\"yellow\",\"orientation\":\"coronal\"}", 10000);
    sc = e2e_structured(r);
    T_CHECK(!t_mcp_is_error(r) && !get(sc, "offset_mm") && strstr(str(sc, "note"), "re-centre"),
            "orientation alone: no offset, and why: %s", t_mcp_text(r));
    cJSON_Delete(r);
}

static void test_markups(void)
{
    cJSON *r = t_mcp_call(X.mcp, "place_markups", "{\"type\":\"line\",\"name\":\"Width\",\"points\":"
                          "[{\"r\":0,\"a\":0,\"s\":0,\"label\":\"from\"},{\"r\":30,\"a\":40,\"s\":0}]}", 5000);
    const cJSON *sc = e2e_structured(r);
    T_ASSERT(!t_mcp_is_error(r), "line placed: %s", t_mcp_text(r));
    char line_id[128];
    snprintf(line_id, sizeof line_id, "%s", get(sc, "node_id")->valuestring);
    T_CHECK(!strncmp(line_id, "vtkMRMLMarkupsLineNode", 22), "line id %s", line_id);
    T_CHECK(e2e_log_count(&X, "POST", "/slicer/mrml?localfile=") == 1, "loaded through POST /slicer/mrml?localfile=");
    T_CHECK(strstr(e2e_log_target(&X, "/slicer/mrml?localfile=", 0), "filetype=MarkupsFile"), "as a MarkupsFile");
    T_CHECK(!strstr(e2e_log_target(&X, "/slicer/mrml?localfile=", 0), "name="),
            "no name= (Slicer keeps load properties in its recent files): %s",
            e2e_log_target(&X, "/slicer/mrml?localfile=", 0));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "place_markups", "{\"type\":\"angle\",\"name\":\"Bend\",\"points\":"
                   "[{\"r\":10,\"a\":0,\"s\":5},{\"r\":0,\"a\":0,\"s\":5},{\"r\":0,\"a\":-7,\"s\":5}]}", 5000);
    T_CHECK(!t_mcp_is_error(r), "angle placed");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "place_markups", "{\"type\":\"point_list\",\"name\":\"Targets\",\"points\":"
                   "[{\"r\":1,\"a\":2,\"s\":3,\"label\":\"T1\"},{\"r\":-4,\"a\":5,\"s\":-6}]}", 5000);
    T_CHECK(!t_mcp_is_error(r), "points placed");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "place_markups", "{\"type\":\"line\",\"points\":[{\"r\":1,\"a\":2,\"s\":3}]}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "exactly 2"), "a line needs 2 points: %s", t_mcp_text(r));
    cJSON_Delete(r);

    r = t_mcp_call(X.mcp, "get_markups", "{}", 5000);
    sc = e2e_structured(r);
    T_CHECK(num(sc, "count") == 3, "three markups (%g)", num(sc, "count"));
    const cJSON *m;
    int seen = 0;
    cJSON_ArrayForEach(m, get(sc, "markups")) {
        const char *type = str(m, "type");
        if (!strcmp(type, "line")) {
            T_CHECK(fabs(num(m, "length_mm") - 50) < 1e-6, "length 50 mm (%g)", num(m, "length_mm"));
            T_CHECK(!strcmp(str(cJSON_GetArrayItem(get(m, "points"), 0), "label"), "from"), "label kept");
            seen |= 1;
        } else if (!strcmp(type, "angle")) {
            T_CHECK(fabs(num(m, "angle_deg") - 90) < 1e-6, "angle 90 degrees (%g)", num(m, "angle_deg"));
            seen |= 2;
        } else if (!strcmp(type, "point_list")) {
            const cJSON *p1 = get(cJSON_GetArrayItem(get(m, "points"), 1), "position_ras");
            T_CHECK(cJSON_GetArraySize(get(m, "points")) == 2 && at(p1, 0) == -4 && at(p1, 2) == -6, "points kept in RAS");
            seen |= 4;
        }
    }
    T_CHECK(seen == 7, "a line, an angle and a point list");
    cJSON_Delete(r);
    char args[200];
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", line_id);
    r = t_mcp_call(X.mcp, "get_markups", args, 5000);
    T_CHECK(num(e2e_structured(r), "count") == 1, "filter by node id");
    cJSON_Delete(r);

    /* Slicer's properties turn the name and label 7 into numbers and drop
     * 7-2 (int("7-2") raises): the name comes from /mrml/names, the label
     * 7 back as text, the label 7-2 as null. */
    r = t_mcp_call(X.mcp, "place_markups", "{\"type\":\"point_list\",\"name\":\"7-2\",\"points\":"
                   "[{\"r\":1,\"a\":2,\"s\":3,\"label\":\"7\"},{\"r\":4,\"a\":5,\"s\":6,\"label\":\"7-2\"}]}", 5000);
    T_ASSERT(!t_mcp_is_error(r), "placed: %s", t_mcp_text(r));
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", get(e2e_structured(r), "node_id")->valuestring);
    cJSON_Delete(r);
    int names_before = e2e_log_count(&X, "GET", "/slicer/mrml/names?id=");
    r = t_mcp_call(X.mcp, "get_markups", args, 5000);
    m = cJSON_GetArrayItem(get(e2e_structured(r), "markups"), 0);
    const cJSON *pts = get(m, "points");
    T_CHECK(m && !strcmp(str(m, "name"), "7-2"), "name 7-2: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/mrml/names?id=") == names_before + 1, "read from /mrml/names");
    T_CHECK(!strcmp(str(cJSON_GetArrayItem(pts, 0), "label"), "7"), "label 7 as text");
    T_CHECK(cJSON_IsNull(get(cJSON_GetArrayItem(pts, 1), "label")), "label 7-2, dropped by Slicer: null");
    T_CHECK(at(get(cJSON_GetArrayItem(pts, 1), "position_ras"), 2) == 6, "its position kept");
    cJSON_Delete(r);
}

static void test_images_3d_and_screenshot(void)
{
    cJSON *r = t_mcp_call(X.mcp, "capture_3d_view", "{\"look_from\":\"anterior\",\"max_size\":300}", 10000);
    unsigned w = 0, h = 0;
    unsigned char *px = NULL;
    T_CHECK(e2e_image(r, &w, &h, &px, NULL) == 0 && w == 300 && h == 225, "3D view decodes, 800x600 -> %ux%u", w, h);
    free(px);
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/threeD?lookFromAxis=anterior") == 1, "lookFromAxis sent");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "capture_screenshot", "{}", 10000);
    px = NULL;
    T_CHECK(e2e_image(r, &w, &h, &px, NULL) == 0 && w > 0, "screenshot decodes (%ux%u)", w, h);
    free(px);
    cJSON_Delete(r);
}

static void test_set_layout(void)
{
    cJSON *r = t_mcp_call(X.mcp, "set_layout", "{\"layout\":\"FourUp\"}", 5000);
    T_CHECK(!t_mcp_is_error(r) && cJSON_IsTrue(get(e2e_structured(r), "success")), "layout set");
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/gui?viewersLayout=FourUp") == 1, "GET /slicer/gui?viewersLayout=FourUp");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "set_layout", "{\"layout\":\"FiveUp\"}", 5000);
    T_CHECK(t_mcp_is_error(r), "unknown layout refused by the schema");
    cJSON_Delete(r);
}

/* structuredContent is sent as the text of a content block rather than
 * printed twice; the two must still say the same thing. */
static void test_structured_matches_text(void)
{
    static const char *calls[][2] = {
        { "get_slicer_info", "{}" },
        { "list_nodes", "{}" },
        { "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
        { "get_node_properties", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}" },
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        cJSON *r = t_mcp_call(X.mcp, calls[i][0], calls[i][1], 5000);
        const cJSON *sc = e2e_structured(r), *blk;
        int same = 0;
        cJSON_ArrayForEach(blk, get(get(r, "result"), "content")) {
            cJSON *parsed = cJSON_Parse(str(blk, "text"));
            same |= parsed && cJSON_Compare(parsed, sc, 1);
            cJSON_Delete(parsed);
        }
        T_CHECK(cJSON_IsObject(sc) && cJSON_GetArraySize(sc) > 0 && same,
                "%s: structuredContent is an object equal to a text block's JSON", calls[i][0]);
        cJSON_Delete(r);
    }
}

static void test_no_exec_reached(void)
{
    cJSON *r = t_mcp_call(X.mcp, "execute_python_code", "{\"code\":\"import os\"}", 5000);
    const cJSON *e = get(r, "error");
    T_CHECK(e && num(e, "code") == -32602 && strstr(get(e, "message")->valuestring, "--allow-exec"),
            "refused with how to enable it");
    cJSON_Delete(r);
    T_CHECK(e2e_log_count(&X, NULL, "/slicer/exec") == 0, "nothing ever reached /slicer/exec");
}

/* Issue 16: get_markups read every markup in one answer (219 MB for
 * 1,100 lists of 1,000 points).  Now it pages, reading only the page's
 * nodes, each by id. */
static void test_markups_pages(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    for (int i = 0; i < 5; i++) {
        char args[200];
        snprintf(args, sizeof args, "{\"type\":\"point_list\",\"name\":\"P%d\",\"points\":"
                 "[{\"r\":%d,\"a\":0,\"s\":0}]}", i, i);
        cJSON *r = t_mcp_call(x.mcp, "place_markups", args, 5000);
        T_CHECK(!t_mcp_is_error(r), "placed %d: %s", i, t_mcp_text(r));
        cJSON_Delete(r);
    }
    cJSON *r = t_mcp_call(x.mcp, "place_markups", "{\"type\":\"line\",\"name\":\"L\",\"points\":"
                          "[{\"r\":0,\"a\":0,\"s\":0},{\"r\":3,\"a\":4,\"s\":0}]}", 5000);
    cJSON_Delete(r);
    char names[16] = "", cursor[32] = "";
    int pages = 0;
    do {
        char args[120];
        snprintf(args, sizeof args, *cursor ? "{\"limit\":2,\"cursor\":\"%s\"}" : "{\"limit\":2}", cursor);
        r = t_mcp_call(x.mcp, "get_markups", args, 5000);
        const cJSON *sc = e2e_structured(r);
        T_CHECK(sc && num(sc, "total") == 6 && num(sc, "count") == 2,
                "page %d: %s", pages, t_mcp_text(r));
        const cJSON *m;
        cJSON_ArrayForEach(m, get(sc, "markups"))
            strncat(names, get(m, "name")->valuestring, sizeof names - strlen(names) - 1);
        const cJSON *next = get(sc, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", cJSON_IsString(next) ? next->valuestring : "");
        cJSON_Delete(r);
    } while (*cursor && ++pages < 10);
    T_CHECK(pages == 2 && strcmp(names, "P0P1P2P3P4L") == 0, "three pages in scene order: %d, %s",
            pages + 1, names);
    T_CHECK(e2e_log_count(&x, "GET", "/slicer/mrml/properties?class=") == 0 &&
            e2e_log_count(&x, "GET", "/slicer/mrml/properties?id=") == 6,
            "each node read alone, once: %d", e2e_log_count(&x, "GET", "/slicer/mrml/properties?id="));
    e2e_stop(&x);
}

int main(void)
{
    if (e2e_start(&X, NULL, NULL) != 0) {
        printf("FAIL e2e_setup: could not start slicer-sim and slicer-mcp\n");
        return 1;
    }
    t_run("tool_get_slicer_info", test_get_slicer_info);
    t_run("tool_list_nodes", test_list_nodes);
    t_run("tool_get_node_properties", test_node_properties);
    t_run("tool_list_volumes_get_volume_info", test_volumes);
    t_run("tool_get_slice_png", test_slice_png);
    t_run("tool_get_slice_png_quirks", test_slice_quirks);
    t_run("tool_get_slice_png_non_square", test_slice_non_square);
    t_run("numbers_shortest_form", test_numbers_shortest);
    t_run("tool_set_slice_offset", test_set_slice_offset);
    t_run("tool_place_and_get_markups", test_markups);
    t_run("tool_get_markups_pages", test_markups_pages);
    t_run("tool_capture_3d_view_and_screenshot", test_images_3d_and_screenshot);
    t_run("tool_set_layout", test_set_layout);
    t_run("structured_content_matches_text", test_structured_matches_text);
    t_run("no_exec_without_the_flag", test_no_exec_reached);
    t_run("tool_get_volume_info_header_cache", test_volume_header_cache);
    e2e_stop(&X);
    return t_done();
}
