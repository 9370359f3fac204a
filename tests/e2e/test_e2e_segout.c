/* End-to-end: segment_region with output: segmentation through the real
 * slicer-mcp binary against slicer-sim.  The region goes to Slicer as a
 * one-segment .seg.nrrd (filetype=SegmentationFile) whose segment name
 * and colour live in the file's header, never in a query: every query
 * parameter of a load ends up in Slicer's on-disk recent-files list
 * (qSlicerMainWindow::onNewFileLoaded).  The phantom's lesion is found
 * with the same seed and threshold as test_e2e_voxels, and the region
 * must be the labelmap output's voxel for voxel. */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

#include <unistd.h>

#include "e2e.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { return cJSON_GetNumberValue(get(o, k)); }
static const char *str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(get(o, k));
    return s ? s : "";
}

static const double lesion[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };

/* As test_e2e_voxels: the lesion's dimmest voxel is above the skull's
 * brightest, so a seeded fill from its centre is the lesion. */
static double lesion_threshold(void)
{
    return ((I_LESION - 60 - 8) + (I_SKULL + 40 + 8)) / 2.0;
}

/* The decoded localfile of a logged load target (static buffer). */
static const char *localfile(const char *target)
{
    static char path[1024];
    path[0] = '\0';
    const char *lf = strstr(target, "localfile=");
    if (!lf)
        return path;
    lf += 10;
    for (size_t o = 0; *lf && *lf != '&' && o + 1 < sizeof path; lf++, path[o] = '\0')
        path[o++] = lf[0] == '%' && lf[1] == '2' && lf[2] == 'F' ? (lf += 2, '/') : *lf;
    return path;
}

static void test_segmentation_output(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char base[512], args[768];
    snprintf(base, sizeof base, "\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":%g,"
             "\"seed_ras\":[%g,%g,%g]", lesion_threshold(), lesion[0], lesion[1], lesion[2]);

    /* the labelmap output first, for the voxel count to match */
    snprintf(args, sizeof args, "{%s}", base);
    cJSON *lr = e2e_call_ok(&x, "segment_region", args);
    double lab_voxels = num(e2e_structured(lr), "voxel_count");
    T_CHECK(!strcmp(str(e2e_structured(lr), "output"), "labelmap"), "labelmap is the default");
    cJSON_Delete(lr);

    snprintf(args, sizeof args, "{%s,\"output\":\"segmentation\",\"name\":\"lesion\","
             "\"colour\":\"#ff0000\"}", base);
    cJSON *r = e2e_call_ok(&x, "segment_region", args);
    const cJSON *s = e2e_structured(r);
    T_ASSERT(s != NULL, "structured result");
    char id[128], name[128];
    snprintf(id, sizeof id, "%s", str(s, "node_id"));
    snprintf(name, sizeof name, "%s", str(s, "name"));
    T_CHECK(strncmp(id, "vtkMRMLSegmentationNode", 23) == 0, "a segmentation node: %s", id);
    T_CHECK(!strcmp(str(s, "output"), "segmentation"), "output reported");
    const cJSON *seg = get(s, "segment");
    T_CHECK(!strcmp(str(seg, "name"), "lesion") && !strcmp(str(seg, "colour"), "#ff0000") &&
            !strcmp(str(seg, "id"), "Segment_1"), "segment reported: %s %s %s", str(seg, "id"),
            str(seg, "name"), str(seg, "colour"));
    T_CHECK(num(s, "voxel_count") == lab_voxels && lab_voxels > 0,
            "same voxels as the labelmap output: %g vs %g", num(s, "voxel_count"), lab_voxels);

    /* the load: SegmentationFile, the spool file only, nothing of the
     * name or colour in any query the gateway sent */
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/mrml?localfile=") == 2, "two loads");
    const char *t = e2e_log_target(&x, "/slicer/mrml?localfile=", 1);
    T_CHECK(strstr(t, "filetype=SegmentationFile") && !strstr(t, "labelmap=") &&
            t_count(t, "&") == 1, "SegmentationFile and localfile only: %s", t);
    char *log = t_sim_log_text(x.sim);
    T_CHECK(log && !strstr(log, "lesion") && !strstr(log, "ff0000") && !strstr(log, "name="),
            "no name or colour in any request");
    free(log);
    char path[1024];
    snprintf(path, sizeof path, "%s", localfile(t));
    size_t pl = strlen(path);
    T_CHECK(pl > 9 && !strcmp(path + pl - 9, ".seg.nrrd") && access(path, F_OK) != 0,
            "spool file %s removed", path);
    /* LoadSegmentationFromFile names the node after the file less ".seg.nrrd" */
    const char *slash = strrchr(path, '/');
    T_CHECK(slash && strncmp(slash + 1, "slicer-mcp-", 11) == 0 &&
            strlen(name) == strlen(slash + 1) - 9 && !strncmp(name, slash + 1, strlen(name)),
            "named after the spool file: %s", name);

    /* Slicer's scene: /slicer/segmentations and the node's properties */
    char url[512];
    snprintf(url, sizeof url, "%s/slicer/segmentations", t_sim_url(x.sim));
    t_resp hr;
    T_CHECK(t_http("GET", url, NULL, 0, 5000, &hr) == 200, "GET /slicer/segmentations");
    cJSON *segs = hr.body ? cJSON_Parse(hr.body) : NULL;
    const cJSON *mine = get(segs, id);
    T_CHECK(mine && !strcmp(str(mine, "name"), name) &&
            cJSON_GetArraySize(get(mine, "segmentIDs")) == 1 &&
            !strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(get(mine, "segmentIDs"), 0)), "Segment_1"),
            "listed with its segment: %s", hr.body ? hr.body : "");
    cJSON_Delete(segs);
    t_resp_free(&hr);
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", id);
    cJSON *pr = e2e_call_ok(&x, "get_node_properties", args);
    const cJSON *ps = e2e_structured(pr);
    const cJSON *props = get(ps, id);      /* Slicer keys the properties by node id */
    const cJSON *sg1 = get(get(get(props, "Segmentation"), "Segments"), "Segment_1");
    const cJSON *col = get(sg1, "Color");
    T_CHECK(!strcmp(str(sg1, "Name"), "lesion"), "properties: segment name %s", str(sg1, "Name"));
    T_CHECK(cJSON_GetArraySize(col) == 3 && cJSON_GetNumberValue(cJSON_GetArrayItem(col, 0)) == 1 &&
            cJSON_GetNumberValue(cJSON_GetArrayItem(col, 1)) == 0 &&
            cJSON_GetNumberValue(cJSON_GetArrayItem(col, 2)) == 0, "properties: colour (1, 0, 0)");
    cJSON_Delete(pr);

    /* not a volume: list_volumes leaves it out, get_label_statistics says why */
    cJSON *lv = e2e_call_ok(&x, "list_volumes", "{}");
    char *lvt = cJSON_PrintUnformatted(e2e_structured(lv));
    T_CHECK(lvt && !strstr(lvt, id), "not in list_volumes");
    free(lvt);
    cJSON_Delete(lv);
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", id);
    e2e_expect_error(&x, "get_label_statistics", args, "output: \"labelmap\"");
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_segmentation_defaults_and_refusals(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char args[768];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":%g,"
             "\"bound\":{\"center_ras\":[%g,%g,%g],\"radius_mm\":4},\"output\":\"segmentation\"}",
             lesion_threshold(), lesion[0], lesion[1], lesion[2]);
    cJSON *r = e2e_call_ok(&x, "segment_region", args);
    const cJSON *seg = get(e2e_structured(r), "segment");
    T_CHECK(!strcmp(str(seg, "name"), "Segment_1") && !strcmp(str(seg, "colour"), "#80ae80"),
            "default name and colour: %s %s", str(seg, "name"), str(seg, "colour"));
    cJSON_Delete(r);
    /* a backslash travels escaped (teem's key/value escape) and reads back */
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":%g,"
             "\"bound\":{\"center_ras\":[%g,%g,%g],\"radius_mm\":4},\"output\":\"segmentation\","
             "\"name\":\"a\\\\b: c:=d\"}", lesion_threshold(), lesion[0], lesion[1], lesion[2]);
    r = e2e_call_ok(&x, "segment_region", args);
    char q[256];
    snprintf(q, sizeof q, "{\"node_id\":\"%s\"}", str(e2e_structured(r), "node_id"));
    cJSON *pr = e2e_call_ok(&x, "get_node_properties", q);
    const cJSON *props = get(e2e_structured(pr), str(e2e_structured(r), "node_id"));
    const cJSON *sg1 = get(get(get(props, "Segmentation"), "Segments"), "Segment_1");
    T_CHECK(!strcmp(str(sg1, "Name"), "a\\b: c:=d"), "name read back: %s", str(sg1, "Name"));
    cJSON_Delete(pr);
    cJSON_Delete(r);

    const char *src = "\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700";
    char a[512];
    snprintf(a, sizeof a, "{%s,\"name\":\"lesion\"}", src);
    e2e_expect_error(&x, "segment_region", a, "name and colour belong");
    snprintf(a, sizeof a, "{%s,\"output\":\"labelmap\",\"colour\":\"#ff0000\"}", src);
    e2e_expect_error(&x, "segment_region", a, "name and colour belong");
    snprintf(a, sizeof a, "{%s,\"output\":\"segmentation\",\"colour\":\"red\"}", src);
    e2e_expect_error(&x, "segment_region", a, "colour");
    snprintf(a, sizeof a, "{%s,\"output\":\"segmentation\",\"name\":\"a\\nb\"}", src);
    e2e_expect_error(&x, "segment_region", a, "name");
    snprintf(a, sizeof a, "{%s,\"output\":\"segmentation\",\"name\":\"a\\u0001b\"}", src);
    e2e_expect_error(&x, "segment_region", a, "control characters");
    snprintf(a, sizeof a, "{%s,\"output\":\"segmentation\",\"name\":\"%0129d\"}", src, 0);
    e2e_expect_error(&x, "segment_region", a, "name");
    snprintf(a, sizeof a, "{%s,\"output\":\"surface\"}", src);
    e2e_expect_error(&x, "segment_region", a, "output");
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/mrml") == 2, "only the good calls loaded a file");
    e2e_stop(&x);
}

int main(void)
{
    t_run("segout_lesion_as_named_segment", test_segmentation_output);
    t_run("segout_defaults_and_refusals", test_segmentation_defaults_and_refusals);
    return t_done();
}
