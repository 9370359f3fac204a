/* End-to-end: every shipped tool through the real slicer-mcp binary over
 * stdio against slicer-sim, asserting the results and, through the
 * stand-in's request log, exactly what reached "Slicer". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "e2e.h"
#include "../slicer-sim/sim_image.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { return cJSON_GetNumberValue(get(o, k)); }
static double at(const cJSON *arr, int i) { return cJSON_GetNumberValue(cJSON_GetArrayItem(arr, i)); }

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
    r = t_mcp_call(X.mcp, "get_node_properties", "{\"node_id\":\"vtkMRMLScalarVolumeNode99\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "No node has id 'vtkMRMLScalarVolumeNode99'") &&
            !strstr(t_mcp_text(r), "Server error"), "unknown id is a clear tool error: %s", t_mcp_text(r));
    cJSON_Delete(r);
}

static void test_volumes(void)
{
    cJSON *r = t_mcp_call(X.mcp, "list_volumes", "{}", 5000);
    const cJSON *sc = e2e_structured(r);
    T_CHECK(num(sc, "count") == 2 && cJSON_GetArraySize(get(sc, "volumes")) == 2, "two volumes");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    sc = e2e_structured(r);
    const cJSON *d = get(sc, "dimensions"), *s = get(sc, "spacing_mm");
    T_CHECK(at(d, 0) == 256 && at(d, 1) == 256 && at(d, 2) == 130, "dimensions 256x256x130");
    T_CHECK(at(s, 0) == 1 && at(s, 1) == 1 && fabs(at(s, 2) - 1.3) < 1e-3, "spacing 1x1x1.3");
    T_CHECK(fabs(at(get(sc, "size_mm"), 2) - 169) < 0.1, "size in mm");
    const cJSON *dir = get(sc, "ijk_to_ras_directions");
    T_CHECK(at(cJSON_GetArrayItem(dir, 0), 2) == 1 && at(cJSON_GetArrayItem(dir, 1), 0) == -1 &&
            at(cJSON_GetArrayItem(dir, 2), 1) == -1, "MRHead directions: K->R, I->-A, J->-S");
    const cJSON *b = get(sc, "ras_bounds");
    T_CHECK(at(b, 0) < SIM_LESION_R && at(b, 1) > SIM_LESION_R && at(b, 4) < SIM_LESION_S && at(b, 5) > SIM_LESION_S,
            "the lesion lies inside the RAS bounds");
    T_CHECK(!strcmp(get(sc, "scalar_type")->valuestring, "short"), "scalar type");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLSliceNodeRed\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not a volume"), "not a volume: %s", t_mcp_text(r));
    cJSON_Delete(r);
}

/* Gray value at a RAS point of an axial image described by meta. */
static int axial_pixel(const unsigned char *rgba, unsigned w, unsigned h, const cJSON *meta,
                       double r, double a)
{
    const cJSON *c = get(meta, "center_ras"), *px = get(meta, "pixel_size_mm");
    /* Slicer's axial view shows the patient's right on the image's left. */
    double col = w / 2.0 + (at(c, 0) - r) / at(px, 0);
    double row = h / 2.0 - (a - at(c, 1)) / at(px, 1);
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
    T_CHECK(fabs(num(meta, "offset_mm") - SIM_LESION_S) < 0.01, "offset reported %g", num(meta, "offset_mm"));
    unsigned w = 0, h = 0;
    unsigned char *px = NULL;
    size_t png_bytes = 0;
    T_ASSERT(e2e_image(r, &w, &h, &px, &png_bytes) == 0, "image decodes");
    T_CHECK(w == 512 && h == 512 && num(meta, "width") == 512, "512x512");
    T_CHECK(fabs(at(get(meta, "pixel_size_mm"), 0) - 0.5) < 1e-9, "pixel size 256 mm / 512");
    T_CHECK(png_bytes * 8 < (size_t)num(meta, "slicer_png_bytes"),
            "at least 8x smaller than Slicer's PNG (%zu vs %.0f)", png_bytes, num(meta, "slicer_png_bytes"));
    int lesion = axial_pixel(px, w, h, meta, SIM_LESION_R, SIM_LESION_A);
    int other = axial_pixel(px, w, h, meta, -SIM_LESION_R, SIM_LESION_A);
    T_CHECK(lesion > other + 40, "the lesion is brighter than the mirror point (%d vs %d)", lesion, other);
    free(px);
    cJSON_Delete(r);

    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"red\",\"max_size\":128}", 10000);
    meta = e2e_structured(r);
    T_ASSERT(e2e_image(r, &w, &h, &px, NULL) == 0, "downscaled image decodes");
    T_CHECK(w == 128 && h == 128, "max_size bounds the image (%ux%u)", w, h);
    T_CHECK(fabs(at(get(meta, "pixel_size_mm"), 0) - 2.0) < 1e-9, "pixel size stays exact after scaling (%g)",
            at(get(meta, "pixel_size_mm"), 0));
    free(px);
    cJSON_Delete(r);
}

static void test_slice_quirks(void)
{
    cJSON *r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"yellow\",\"offset_mm\":0}", 10000);
    T_CHECK(!t_mcp_is_error(r), "offset 0: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/slice?view=yellow&offset=0.0001") == 1,
            "an offset of exactly 0 is sent as 0.0001 so Slicer does not ignore it");
    T_CHECK(fabs(num(e2e_structured(r), "offset_mm")) < 0.001, "reported offset 0");
    cJSON_Delete(r);
    int before = e2e_log_count(&X, NULL, "/slicer/slice");
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"purple\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "must be one of"), "invalid view rejected by the schema");
    T_CHECK(e2e_log_count(&X, NULL, "/slicer/slice") == before, "nothing reached Slicer");
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "get_slice_png", "{\"view\":\"green\",\"position\":0.5}", 10000);
    T_CHECK(e2e_log_count(&X, "GET", "/slicer/slice?view=green&scrollTo=0.5") == 1, "position is scrollTo");
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
        const char *type = get(m, "type")->valuestring;
        if (!strcmp(type, "line")) {
            T_CHECK(fabs(num(m, "length_mm") - 50) < 1e-6, "length 50 mm (%g)", num(m, "length_mm"));
            T_CHECK(!strcmp(get(cJSON_GetArrayItem(get(m, "points"), 0), "label")->valuestring, "from"), "label kept");
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
            cJSON *parsed = cJSON_Parse(cJSON_GetStringValue(get(blk, "text")));
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
    t_run("tool_set_slice_offset", test_set_slice_offset);
    t_run("tool_place_and_get_markups", test_markups);
    t_run("tool_get_markups_pages", test_markups_pages);
    t_run("tool_capture_3d_view_and_screenshot", test_images_3d_and_screenshot);
    t_run("tool_set_layout", test_set_layout);
    t_run("structured_content_matches_text", test_structured_matches_text);
    t_run("no_exec_without_the_flag", test_no_exec_reached);
    e2e_stop(&X);
    return t_done();
}
