/* End-to-end: the current image (issue 18).  get_view_state against
 * slicer-sim, checked against the stand-in's own /mrml/properties read
 * here directly; get_volume_info and get_volume_statistics without
 * node_id (the Red view's background, said in the result, and a clear
 * error when it has none); and the label layer: after segment_region the
 * Red slice shows the lesion in the labelmap colour, as many pixels as
 * the lesion's cross-section computed here from the phantom's definition. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../slicer-sim/sim_image.h"
#include "e2e.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(get(o, k)); }

/* The stand-in's answer to a properties query, read without the gateway. */
static cJSON *sim_props(e2e *x, const char *query)
{
    char url[512];
    snprintf(url, sizeof url, "%s/slicer/mrml/properties?%s", t_sim_url(x->sim), query);
    t_resp resp = { 0 };
    long st = t_http("GET", url, NULL, 0, 10000, &resp);
    cJSON *j = st == 200 ? cJSON_Parse(resp.body) : NULL;
    t_resp_free(&resp);
    return j;
}

static const cJSON *view_named(const cJSON *state, const char *name)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, get(state, "views"))
        if (str(v, "view") && !strcmp(str(v, "view"), name))
            return v;
    return NULL;
}

static void test_view_state(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    cJSON *r = e2e_call_ok(&x, "get_view_state", "{}");
    const cJSON *s = e2e_structured(r);
    T_ASSERT(s != NULL, "structured");
    static const char *const names[] = { "Red", "Yellow", "Green" };
    T_CHECK(cJSON_GetArraySize(get(s, "views")) == 3, "three slice views");
    for (int i = 0; i < 3; i++) {
        const cJSON *v = view_named(s, names[i]);
        T_ASSERT(v != NULL, "view %s", names[i]);
        /* the start-up scene shows MRHead in every view, nothing else */
        T_CHECK(!strcmp(str(get(v, "background"), "id"), "vtkMRMLScalarVolumeNode1") &&
                !strcmp(str(get(v, "background"), "name"), "MRHead"), "%s background", names[i]);
        T_CHECK(cJSON_IsNull(get(v, "foreground")) && cJSON_IsNull(get(v, "label")),
                "%s: no foreground, no label", names[i]);
        /* Slicer's default LayerOpacities: label 1, foreground 0 */
        T_CHECK(cJSON_GetNumberValue(get(v, "label_opacity")) == 1 &&
                cJSON_GetNumberValue(get(v, "foreground_opacity")) == 0, "opacities");
        /* the field of view is the slice node's, as the stand-in prints it */
        char q[128];
        snprintf(q, sizeof q, "id=vtkMRMLSliceNode%s", names[i]);
        cJSON *p = sim_props(&x, q);
        const cJSON *fov = get(cJSON_GetObjectItemCaseSensitive(p, q + 3), "FieldOfView");
        const cJSON *got = get(v, "field_of_view_mm");
        T_CHECK(fov && got && cJSON_GetArraySize(got) == 3, "%s has a field of view", names[i]);
        for (int a = 0; a < 3 && fov && got; a++)
            T_CHECK(cJSON_GetNumberValue(cJSON_GetArrayItem(got, a)) ==
                    cJSON_GetNumberValue(cJSON_GetArrayItem(fov, a)), "%s fov %d", names[i], a);
        T_CHECK(!strcmp(str(v, "slice_node_id"), q + 3), "slice node id");
        cJSON_Delete(p);
    }
    T_CHECK(e2e_log_count(&x, "GET", "/slicer/mrml/names?id=vtkMRMLScalarVolumeNode1") == 1,
            "one name lookup for the volume all three views show");
    /* Slicer's start-up layout: vtkMRMLLayoutNode::SlicerLayoutConventionalView = 2 */
    T_CHECK(cJSON_GetNumberValue(get(get(s, "layout"), "view_arrangement")) == 2 &&
            !strcmp(str(get(s, "layout"), "name"), "Conventional"), "layout Conventional");
    cJSON_Delete(r);
    /* SlicerLayoutFourUpView = 3 */
    cJSON_Delete(e2e_call_ok(&x, "set_layout", "{\"layout\":\"FourUp\"}"));
    r = e2e_call_ok(&x, "get_view_state", "{}");
    s = e2e_structured(r);
    T_CHECK(cJSON_GetNumberValue(get(get(s, "layout"), "view_arrangement")) == 3 &&
            !strcmp(str(get(s, "layout"), "name"), "FourUp"), "layout FourUp: %s", t_mcp_text(r));
    cJSON_Delete(r);
    T_CHECK(e2e_log_count(&x, "POST", "/") == 0 && e2e_log_count(&x, NULL, "/slicer/exec") == 0,
            "read-only, no exec");
    e2e_stop(&x);
}

static void test_default_volume(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    cJSON *r = e2e_call_ok(&x, "get_volume_info", "{}");
    const cJSON *s = e2e_structured(r);
    T_CHECK(s && !strcmp(str(s, "id"), "vtkMRMLScalarVolumeNode1") && str(s, "node_id_note") &&
            strstr(str(s, "node_id_note"), "Red slice view"), "info from the Red view: %s",
            t_mcp_text(r));
    cJSON_Delete(r);
    r = e2e_call_ok(&x, "get_volume_statistics", "{}");
    s = e2e_structured(r);
    T_CHECK(s && !strcmp(str(s, "node_id"), "vtkMRMLScalarVolumeNode1") &&
            strstr(str(s, "node_id_note"), "Red slice view") &&
            cJSON_GetNumberValue(get(s, "voxel_count")) == 256.0 * 256 * 130,
            "statistics of the Red view's volume: %s", t_mcp_text(r));
    cJSON_Delete(r);
    /* list_volumes still lists (it shared get_volume_info's adapter) */
    r = e2e_call_ok(&x, "list_volumes", "{}");
    T_CHECK(cJSON_GetNumberValue(get(e2e_structured(r), "count")) == 2, "two volumes listed");
    cJSON_Delete(r);

    /* remove the background: the Red view has none, and the tools say so */
    char url[256];
    snprintf(url, sizeof url, "%s/slicer/mrml?id=vtkMRMLScalarVolumeNode1", t_sim_url(x.sim));
    t_resp resp = { 0 };
    T_CHECK(t_http("DELETE", url, NULL, 0, 10000, &resp) == 200, "removed MRHead");
    t_resp_free(&resp);
    const char *tools[] = { "get_volume_info", "get_volume_statistics" };
    for (int i = 0; i < 2; i++) {
        r = t_mcp_call(x.mcp, tools[i], "{}", 60000);
        T_CHECK(r && t_mcp_is_error(r) && strstr(t_mcp_text(r), "Red slice view shows no background"),
                "%s: %s", tools[i], r ? t_mcp_text(r) : "no answer");
        cJSON_Delete(r);
    }
    r = e2e_call_ok(&x, "get_view_state", "{}");
    T_CHECK(cJSON_IsNull(get(view_named(e2e_structured(r), "Red"), "background")),
            "view state: no background");
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* Pixels of exactly the label colour. */
static long label_pixels(const unsigned char *px, unsigned w, unsigned h, const unsigned char c[3])
{
    long n = 0;
    for (size_t i = 0; i < (size_t)w * h; i++)
        n += px[4 * i] == c[0] && px[4 * i + 1] == c[1] && px[4 * i + 2] == c[2];
    return n;
}

static void test_label_layer(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    /* GenericAnatomyColors label 1 ("tissue"), Base/Logic/Resources/ColorFiles */
    static const unsigned char tissue[3] = { 128, 174, 128 };
    const char *slice = "{\"view\":\"red\",\"orientation\":\"axial\",\"offset_mm\":20}";
    unsigned w, h;
    unsigned char *px = NULL;
    cJSON *r = e2e_call_ok(&x, "get_slice_png", slice);
    T_ASSERT(e2e_image(r, &w, &h, &px, NULL) == 0, "slice image");
    T_CHECK(label_pixels(px, w, h, tissue) == 0, "no label colour before the segmentation");
    free(px);
    cJSON_Delete(r);

    /* 700 lies between the skull's brightest and the lesion's dimmest
     * voxel (sim_phantom.c); test_e2e_voxels checks the region itself */
    char args[256];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700,"
             "\"seed_ras\":[%g,%g,%g]}", SIM_LESION_R,
             SIM_LESION_A, SIM_LESION_S);
    r = e2e_call_ok(&x, "segment_region", args);
    char id[128];
    snprintf(id, sizeof id, "%s", str(e2e_structured(r), "node_id"));
    cJSON_Delete(r);

    /* loaded with show (the default), it is every view's label layer */
    r = e2e_call_ok(&x, "get_view_state", "{}");
    const cJSON *red = view_named(e2e_structured(r), "Red");
    T_CHECK(red && !strcmp(str(get(red, "label"), "id"), id) &&
            !strncmp(str(get(red, "label"), "name"), "slicer-mcp-", 11), "label layer %s: %s", id,
            t_mcp_text(r));
    cJSON_Delete(r);

    /* and the slice through the lesion's centre shows it: the disc of
     * radius SIM_LESION_RADIUS, in pixels of pixel_size_mm */
    r = e2e_call_ok(&x, "get_slice_png", slice);
    T_ASSERT(e2e_image(r, &w, &h, &px, NULL) == 0, "slice image");
    const cJSON *ps = get(e2e_structured(r), "pixel_size_mm");
    double pw = cJSON_GetNumberValue(cJSON_GetArrayItem(ps, 0));
    double ph = cJSON_GetNumberValue(cJSON_GetArrayItem(ps, 1));
    double want = M_PI * SIM_LESION_RADIUS * SIM_LESION_RADIUS / (pw * ph);
    long got = label_pixels(px, w, h, tissue);
    T_CHECK(fabs((double)got - want) <= 0.15 * want, "lesion disc %ld pixels, want about %.0f",
            got, want);
    free(px);
    cJSON_Delete(r);
    e2e_stop(&x);
}

int main(void)
{
    t_run("view_state_matches_slicer_nodes", test_view_state);
    t_run("view_default_volume_is_red_background", test_default_volume);
    t_run("view_label_layer_after_segment_region", test_label_layer);
    return t_done();
}
