/* End-to-end: sample_voxels, segment_region and get_label_statistics
 * through the real slicer-mcp binary against slicer-sim, checked against
 * the phantom as defined in sim_phantom.c (its voxels, its lesion sphere
 * and ventricles), computed here without the gateway's code. */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

#include <unistd.h>

#include "e2e.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { return cJSON_GetNumberValue(get(o, k)); }
static double at(const cJSON *a, int i) { return cJSON_GetNumberValue(cJSON_GetArrayItem(a, i)); }

static sim_volume g_head;      /* the phantom slicer-sim serves by default */

static const double lesion[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };
/* The middle of the right lateral ventricle's body: in_ventricle() with
 * x = VENT_R, y = VENT_A, z = VENT_S - HEAD_S relative to the head. */
static const double ventricle[3] = { HEAD_R + VENT_R, HEAD_A + VENT_A, VENT_S };

/* RAS of voxel (i, j, k) of the phantom. */
static void voxel_ras(int i, int j, int k, double p[3])
{
    const sim_volume *v = &g_head;
    for (int a = 0; a < 3; a++)
        p[a] = v->origin[a] + v->dirs[0][a] * v->spacing[0] * i + v->dirs[1][a] * v->spacing[1] * j +
               v->dirs[2][a] * v->spacing[2] * k;
}

/* Continuous IJK of a RAS point in the phantom (its axes are orthogonal). */
static void ras_ijk(const double ras[3], double ijk[3])
{
    double p0[3];
    voxel_ras(0, 0, 0, p0);
    for (int a = 0; a < 3; a++) {
        ijk[a] = 0;
        for (int r = 0; r < 3; r++)
            ijk[a] += g_head.dirs[a][r] * (ras[r] - p0[r]) / g_head.spacing[a];
    }
}

/* ---- sample_voxels ------------------------------------------------------- */

static void test_sample_points(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char args[512];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"points\":"
             "[[%.17g,%.17g,%.17g],[%.17g,%.17g,%.17g],[500,0,0]]}", lesion[0], lesion[1], lesion[2],
             ventricle[0], ventricle[1], ventricle[2]);
    cJSON *r = e2e_call_ok(&x, "sample_voxels", args);
    const cJSON *s = e2e_structured(r), *vals = get(s, "values");
    T_ASSERT(cJSON_GetArraySize(vals) == 3, "three values");
    double want_lesion = sim_volume_sample(&g_head, lesion);
    double want_vent = sim_volume_sample(&g_head, ventricle);
    T_CHECK(at(vals, 0) == want_lesion, "lesion centre %g, phantom %g", at(vals, 0), want_lesion);
    T_CHECK(at(vals, 1) == want_vent, "ventricle %g, phantom %g", at(vals, 1), want_vent);
    /* and they are what the phantom says those tissues are */
    T_CHECK(fabs(want_lesion - I_LESION) <= 8 && fabs(want_vent - I_VENT) <= 8, "lesion %g, ventricle %g",
            want_lesion, want_vent);
    T_CHECK(cJSON_IsNull(cJSON_GetArrayItem(vals, 2)), "outside: null");
    const cJSON *out = cJSON_GetArrayItem(get(s, "outside"), 0);
    T_CHECK(num(out, "index") == 2 && strstr(cJSON_GetStringValue(get(out, "reason")), "outside the volume"),
            "the reason");
    /* the geometry is the NRRD's: voxel (0,0,0) at MRHead's RAS origin */
    const cJSON *m = get(s, "ijk_to_ras");
    T_CHECK(fabs(at(cJSON_GetArrayItem(m, 0), 3) - MRHEAD_ORIGIN_R) < 1e-3 &&
            fabs(at(cJSON_GetArrayItem(m, 1), 3) - MRHEAD_ORIGIN_A) < 1e-3, "origin in RAS");
    T_CHECK(num(s, "bytes_read") < 256.0 * 256 * 130 * 2, "the transfer stopped after the last voxel "
            "needed (%g bytes)", num(s, "bytes_read"));
    cJSON_Delete(r);

    /* trilinear, between voxel centres */
    double p[3] = { lesion[0] + 0.37, lesion[1] - 0.21, lesion[2] + 0.55 }, ijk[3];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"interpolation\":\"linear\","
             "\"points\":[[%.17g,%.17g,%.17g]]}", p[0], p[1], p[2]);
    r = e2e_call_ok(&x, "sample_voxels", args);
    ras_ijk(p, ijk);
    double want = sim_volume_trilinear(&g_head, ijk);
    double got = at(get(e2e_structured(r), "values"), 0);
    T_CHECK(fabs(got - want) <= 1e-6 * fabs(want), "linear %g, phantom %g", got, want);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_sample_line_and_box(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    /* a profile across the lesion along R */
    cJSON *r = e2e_call_ok(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"line\":"
                       "{\"from\":[0,10,20],\"to\":[40,10,20],\"samples\":41}}");
    const cJSON *s = e2e_structured(r), *vals = get(s, "values");
    T_ASSERT(cJSON_GetArraySize(vals) == 41, "41 samples");
    T_CHECK(num(s, "length_mm") == 40 && num(s, "step_mm") == 1, "length and step");
    for (int i = 0; i <= 40; i++) {
        double q[3] = { i, 10, 20 };
        T_CHECK(at(vals, i) == sim_volume_sample(&g_head, q), "sample %d: %g, phantom %g", i, at(vals, i),
                sim_volume_sample(&g_head, q));
    }
    cJSON_Delete(r);

    /* an IJK box: every voxel, I fastest */
    r = e2e_call_ok(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"box\":"
                "{\"ijk_min\":[120,95,85],\"ijk_max\":[123,97,86]}}");
    s = e2e_structured(r);
    vals = get(s, "values");
    T_ASSERT(cJSON_GetArraySize(vals) == 4 * 3 * 2, "24 values");
    int n = 0;
    for (int k = 85; k <= 86; k++)
        for (int j = 95; j <= 97; j++)
            for (int i = 120; i <= 123; i++, n++) {
                double want = sim_volume_value(&g_head, (size_t)i + 256 * ((size_t)j + 256 * (size_t)k));
                T_CHECK(at(vals, n) == want, "voxel %d,%d,%d: %g, phantom %g", i, j, k, at(vals, n), want);
            }
    cJSON_Delete(r);
    e2e_expect_error(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"box\":"
                 "{\"ijk_min\":[0,0,0],\"ijk_max\":[40,40,40]}}", "at most 32768");
    e2e_expect_error(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"box\":"
                 "{\"center_ras\":[900,0,0],\"size_mm\":[4,4,4]}}", "holds no voxel");
    e2e_expect_error(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", "exactly one");
    e2e_expect_error(&x, "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode9\",\"points\":[[0,0,0]]}",
                 "No volume has id");
    e2e_stop(&x);
}

/* ---- segment_region and get_label_statistics ----------------------------- */

/* The phantom's voxels whose centre lies within radius of c (strictly, as
 * in_lesion() has it, or inclusive); their count and mean RAS. */
static size_t sphere_voxels(const double c[3], double radius, int strict, double mean[3])
{
    size_t n = 0;
    double sum[3] = { 0, 0, 0 };
    for (int k = 0; k < g_head.dims[2]; k++)
        for (int j = 0; j < g_head.dims[1]; j++)
            for (int i = 0; i < g_head.dims[0]; i++) {
                double p[3];
                voxel_ras(i, j, k, p);
                double d2 = sq(p[0] - c[0]) + sq(p[1] - c[1]) + sq(p[2] - c[2]);
                if (strict ? d2 < sq(radius) : d2 <= sq(radius)) {
                    n++;
                    for (int a = 0; a < 3; a++)
                        sum[a] += p[a];
                }
            }
    for (int a = 0; a < 3 && mean; a++)
        mean[a] = sum[a] / (double)n;
    return n;
}

static double voxel_mm3(void)
{
    return g_head.spacing[0] * g_head.spacing[1] * g_head.spacing[2];
}

/* The threshold that separates the lesion from everything around it:
 * the lesion's dimmest voxel (its rim, I_LESION - 60, minus the noise)
 * is above the brightest tissue, the skull (I_SKULL + 40, plus noise). */
static double lesion_threshold(void)
{
    return ((I_LESION - 60 - 8) + (I_SKULL + 40 + 8)) / 2.0;
}

static void test_segment_lesion(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    double mean[3];
    size_t want = sphere_voxels(lesion, SIM_LESION_RADIUS, 1, mean);
    double want_mm3 = (double)want * voxel_mm3();
    char args[512];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\","
             "\"lower\":%g,\"seed_ras\":[%g,%g,%g]}", lesion_threshold(), lesion[0], lesion[1], lesion[2]);
    cJSON *r = e2e_call_ok(&x, "segment_region", args);
    const cJSON *s = e2e_structured(r);
    T_ASSERT(s != NULL, "structured result");
    double got_mm3 = num(s, "volume_mm3");
    T_CHECK(fabs(got_mm3 - want_mm3) <= 0.03 * want_mm3, "volume %g mm3, voxelised sphere %g mm3",
            got_mm3, want_mm3);
    T_CHECK(fabs(num(s, "volume_ml") - got_mm3 / 1000) < 1e-6, "mL");
    const cJSON *c = get(s, "centroid_ras");
    double dist = sqrt(sq(at(c, 0) - lesion[0]) + sq(at(c, 1) - lesion[1]) + sq(at(c, 2) - lesion[2]));
    T_CHECK(dist <= 0.5, "centroid %g mm from the lesion centre", dist);
    T_CHECK(num(get(s, "intensity"), "min") >= lesion_threshold(), "intensity inside");
    char id[128];
    snprintf(id, sizeof id, "%s", cJSON_GetStringValue(get(s, "node_id")));
    T_CHECK(strncmp(id, "vtkMRMLLabelMapVolumeNode", 25) == 0, "a new labelmap: %s", id);

    /* in Slicer's scene, loaded from a spool file that is gone, never via POST /volume */
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/mrml?localfile=") == 1, "one load");
    const char *t = e2e_log_target(&x, "/slicer/mrml?localfile=", 0);
    T_CHECK(strstr(t, "filetype=VolumeFile") && strstr(t, "labelmap=true") && strstr(t, ".nrrd"),
            "loaded as a labelmap VolumeFile: %s", t);
    char path[1024] = "";
    const char *lf = strstr(t, "localfile=") + 10;
    for (size_t o = 0; *lf && *lf != '&' && o + 1 < sizeof path; lf++)
        path[o++] = lf[0] == '%' && lf[1] == '2' && lf[2] == 'F' ? (lf += 2, '/') : *lf;
    T_CHECK(path[0] == '/' && access(path, F_OK) != 0, "spool file %s removed", path);
    /* Regression (PHI in Slicer's settings): every query parameter of the
     * load lands in Slicer's on-disk recent-files list, so no name= goes
     * with it; Slicer names the node after the file's base name. */
    T_CHECK(!strstr(t, "name="), "no name= in the load: %s", t);
    char base[256];
    snprintf(base, sizeof base, "%s", strrchr(path, '/') + 1);
    base[strcspn(base, ".")] = '\0';
    T_CHECK(strncmp(base, "slicer-mcp-", 11) == 0 && !strcmp(cJSON_GetStringValue(get(s, "name")), base),
            "named after the spool file: %s vs %s", cJSON_GetStringValue(get(s, "name")), base);
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/volume") == 0, "never POST /slicer/volume");
    cJSON *lv = e2e_call_ok(&x, "list_volumes", "{}");
    const cJSON *v, *found = NULL;
    cJSON_ArrayForEach(v, get(e2e_structured(lv), "volumes"))
        if (!strcmp(cJSON_GetStringValue(get(v, "id")), id))
            found = v;
    T_CHECK(found && !strcmp(cJSON_GetStringValue(get(found, "name")), base) &&
            !strcmp(cJSON_GetStringValue(get(found, "class")), "vtkMRMLLabelMapVolumeNode"),
            "list_volumes shows it");
    cJSON_Delete(lv);

    /* get_label_statistics on it: the same region */
    snprintf(args, sizeof args, "{\"node_id\":\"%s\",\"source_id\":\"vtkMRMLScalarVolumeNode1\"}", id);
    cJSON *ls = e2e_call_ok(&x, "get_label_statistics", args);
    const cJSON *l = cJSON_GetArrayItem(get(e2e_structured(ls), "labels"), 0);
    T_CHECK(num(e2e_structured(ls), "label_count") == 1 && num(l, "label") == 1, "one label, 1");
    T_CHECK(num(l, "voxel_count") == num(s, "voxel_count") && num(l, "volume_mm3") == got_mm3,
            "same volume: %g vs %g", num(l, "volume_mm3"), got_mm3);
    const cJSON *lc = get(l, "centroid_ras");
    for (int a = 0; a < 3; a++)
        T_CHECK(fabs(at(lc, a) - at(c, a)) < 1e-4, "same centroid");
    T_CHECK(num(get(l, "intensity"), "mean") == num(get(s, "intensity"), "mean"), "same mean");
    cJSON_Delete(ls);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_segment_bound_and_errors(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    /* a sphere bound well inside the lesion: exactly the voxels within 5 mm */
    char args[512];
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":%g,"
             "\"bound\":{\"center_ras\":[%g,%g,%g],\"radius_mm\":5}}", lesion_threshold(), lesion[0],
             lesion[1], lesion[2]);
    cJSON *r = e2e_call_ok(&x, "segment_region", args);
    size_t want = sphere_voxels(lesion, 5, 0, NULL);
    T_CHECK(num(e2e_structured(r), "voxel_count") == (double)want, "core %g voxels, want %zu",
            num(e2e_structured(r), "voxel_count"), want);
    T_CHECK(num(e2e_structured(r), "passes") == 1, "no seed: one pass");
    cJSON_Delete(r);
    snprintf(args, sizeof args, "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":%g,"
             "\"seed_ras\":[%g,%g,%g]}", lesion_threshold(), ventricle[0], ventricle[1], ventricle[2]);
    e2e_expect_error(&x, "segment_region", args, "outside the range");
    e2e_expect_error(&x, "segment_region", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}",
                 "lower, upper or both");
    e2e_expect_error(&x, "segment_region", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\","
                 "\"lower\":30000}", "No voxel");
    /* a name for a labelmap is refused: as name= of the load it would reach
     * Slicer's settings (a segment's name goes inside a .seg.nrrd instead) */
    e2e_expect_error(&x, "segment_region", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"name\":\"Jane Doe\","
                 "\"lower\":700}", "name");
    /* the labelmap phantom is on a 4 mm grid */
    e2e_expect_error(&x, "get_label_statistics", "{\"node_id\":\"vtkMRMLLabelMapVolumeNode1\","
                 "\"source_id\":\"vtkMRMLScalarVolumeNode1\"}", "not on the same voxel grid");
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/mrml") == 1, "only the good call loaded a file");
    e2e_stop(&x);
}

int main(void)
{
    if (sim_phantom_mrhead(&g_head, 0) != 0) {
        printf("FAIL phantom: out of memory\n");
        return 1;
    }
    t_run("voxels_sample_points_match_phantom", test_sample_points);
    t_run("voxels_sample_line_and_box", test_sample_line_and_box);
    t_run("voxels_segment_lesion_and_measure", test_segment_lesion);
    t_run("voxels_segment_bound_and_errors", test_segment_bound_and_errors);
    sim_volume_free(&g_head);
    return t_done();
}
