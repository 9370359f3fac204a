/* End-to-end: ROIs and curves placed and read back, remove_markups
 * removing only what this gateway created, and pages for list_nodes and
 * list_volumes, all against slicer-sim with its request log as witness. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"


/* Places a markup; its node id into id (empty on failure). */
static void place(e2e *x, const char *args, char *id, size_t len)
{
    cJSON *r = t_mcp_call(x->mcp, "place_markups", args, 5000);
    T_CHECK(!t_mcp_is_error(r), "placed %s: %s", args, t_mcp_text(r));
    snprintf(id, len, "%s", e2e_str(e2e_structured(r), "node_id"));
    cJSON_Delete(r);
}

static cJSON *markup(e2e *x, const char *id)
{
    char args[200];
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", id);
    cJSON *r = t_mcp_call(x->mcp, "get_markups", args, 5000);
    T_CHECK(!t_mcp_is_error(r), "read %s: %s", id, t_mcp_text(r));
    return r;
}

static void test_roi(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char id[128];
    const double c[3] = { 25, 10, 20 }, size[3] = { 30, 20, 12.5 };
    place(&x, "{\"type\":\"roi\",\"name\":\"Box\",\"center\":{\"r\":25,\"a\":10,\"s\":20},"
              "\"size_mm\":[30,20,12.5]}", id, sizeof id);
    T_CHECK(!strncmp(id, "vtkMRMLMarkupsROINode", 21), "an ROI node: %s", id);
    T_CHECK(strstr(e2e_log_target(&x, "/slicer/mrml?localfile=", 0), "filetype=MarkupsFile"),
            "loaded as a markups file");
    cJSON *r = markup(&x, id);
    const cJSON *m = cJSON_GetArrayItem(e2e_get(e2e_structured(r), "markups"), 0);
    T_CHECK(!strcmp(e2e_str(m, "type"), "roi") && !strcmp(e2e_str(m, "name"), "Box"), "roi Box: %s", t_mcp_text(r));
    for (int i = 0; i < 3; i++) {
        T_CHECK(e2e_at(e2e_get(m, "center_ras"), i) == c[i], "centre %d: %g", i, e2e_at(e2e_get(m, "center_ras"), i));
        T_CHECK(e2e_at(e2e_get(m, "size_mm"), i) == size[i], "size %d: %g", i, e2e_at(e2e_get(m, "size_mm"), i));
    }
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "place_markups", "{\"type\":\"roi\",\"center\":{\"r\":0,\"a\":0,\"s\":0}}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "size_mm"), "an roi needs a size: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "place_markups", "{\"type\":\"roi\",\"center\":{\"r\":0,\"a\":0,\"s\":0},"
                   "\"size_mm\":[1,0,1]}", 5000);
    T_CHECK(e2e_get(r, "error") || t_mcp_is_error(r), "a zero edge is refused: %s", t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* Sum of the straight segments, written here from the points. */
static double path_length(const double (*p)[3], int n, int closed)
{
    double len = 0;
    for (int i = 1; i <= n; i++) {
        if (i == n && !closed)
            break;
        const double *a = p[i - 1], *b = p[i % n];
        len += sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                    (a[2] - b[2]) * (a[2] - b[2]));
    }
    return len;
}

static void test_curves(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    static const double open[4][3] = { { 0, 0, 0 }, { 3, 4, 0 }, { 3, 4, 12 }, { 10.5, 4, 12 } };
    static const double closed[3][3] = { { 1, 1, 1 }, { 10, 1, 1 }, { 10, 13, 1 } };
    char args[600], oid[128], cid[128];
    int k = snprintf(args, sizeof args, "{\"type\":\"curve\",\"name\":\"Path\",\"points\":[");
    for (int i = 0; i < 4; i++)
        k += snprintf(args + k, sizeof args - k, "%s{\"r\":%g,\"a\":%g,\"s\":%g}", i ? "," : "",
                      open[i][0], open[i][1], open[i][2]);
    snprintf(args + k, sizeof args - k, "]}");
    place(&x, args, oid, sizeof oid);
    k = snprintf(args, sizeof args, "{\"type\":\"closed_curve\",\"name\":\"Loop\",\"points\":[");
    for (int i = 0; i < 3; i++)
        k += snprintf(args + k, sizeof args - k, "%s{\"r\":%g,\"a\":%g,\"s\":%g}", i ? "," : "",
                      closed[i][0], closed[i][1], closed[i][2]);
    snprintf(args + k, sizeof args - k, "]}");
    place(&x, args, cid, sizeof cid);
    T_CHECK(!strncmp(oid, "vtkMRMLMarkupsCurveNode", 23) &&
            !strncmp(cid, "vtkMRMLMarkupsClosedCurveNode", 29), "classes: %s %s", oid, cid);

    cJSON *r = markup(&x, oid);
    const cJSON *m = cJSON_GetArrayItem(e2e_get(e2e_structured(r), "markups"), 0);
    double want = path_length(open, 4, 0);
    T_CHECK(!strcmp(e2e_str(m, "type"), "curve") && fabs(e2e_num(m, "polyline_length_mm") - want) < 1e-9,
            "open curve: %g mm, want %g", e2e_num(m, "polyline_length_mm"), want);
    T_CHECK(!e2e_get(m, "length_mm") && strstr(e2e_str(m, "note"), "not Slicer's curve length"),
            "says plainly it is not Slicer's spline length: %s", e2e_str(m, "note"));
    cJSON_Delete(r);
    r = markup(&x, cid);
    m = cJSON_GetArrayItem(e2e_get(e2e_structured(r), "markups"), 0);
    want = path_length(closed, 3, 1);
    T_CHECK(!strcmp(e2e_str(m, "type"), "closed_curve") && fabs(e2e_num(m, "polyline_length_mm") - want) < 1e-9,
            "closed curve: %g mm, want %g", e2e_num(m, "polyline_length_mm"), want);
    cJSON_Delete(r);

    /* class=vtkMRMLMarkupsCurveNode selects closed curves too (IsA):
     * each node is listed once, under its own type. */
    r = t_mcp_call(x.mcp, "get_markups", "{}", 5000);
    const cJSON *sc = e2e_structured(r);
    int n_open = 0, n_closed = 0;
    cJSON_ArrayForEach(m, e2e_get(sc, "markups")) {
        n_open += !strcmp(e2e_str(m, "id"), oid) && !strcmp(e2e_str(m, "type"), "curve");
        n_closed += !strcmp(e2e_str(m, "id"), cid) && !strcmp(e2e_str(m, "type"), "closed_curve");
    }
    T_CHECK(e2e_num(sc, "total") == 2 && n_open == 1 && n_closed == 1, "each curve once: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "place_markups", "{\"type\":\"closed_curve\",\"points\":"
                   "[{\"r\":0,\"a\":0,\"s\":0},{\"r\":1,\"a\":0,\"s\":0}]}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "3 to 1000"), "a closed curve needs 3: %s",
            t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* Another client's markups file, loaded into the sim directly. */
static void load_direct(e2e *x, const char *name, char *id, size_t len)
{
    char path[512], url[1024];
    snprintf(path, sizeof path, "%s/%s.mrk.json", t_tmpdir(), name);
    const char *doc = "{\"@schema\":\"https://raw.githubusercontent.com/slicer/slicer/master/"
                      "Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#\","
                      "\"markups\":[{\"type\":\"Fiducial\",\"coordinateSystem\":\"RAS\","
                      "\"controlPoints\":[{\"position\":[1,2,3]}]}]}";
    T_ASSERT(t_write_file(path, doc, strlen(doc)) == 0, "write %s", path);
    snprintf(url, sizeof url, "%s/slicer/mrml?localfile=%s&filetype=MarkupsFile", t_sim_url(x->sim), path);
    t_resp resp;
    T_CHECK(t_http("POST", url, NULL, 0, 5000, &resp) == 200, "loaded directly: %s", resp.body);
    cJSON *j = cJSON_Parse(resp.body ? resp.body : "");
    snprintf(id, len, "%s", cJSON_GetStringValue(cJSON_GetArrayItem(e2e_get(j, "loadedNodeIDs"), 0)) ?: "");
    cJSON_Delete(j);
    t_resp_free(&resp);
}

static int count_class(e2e *x, const char *cls)
{
    char args[200];
    snprintf(args, sizeof args, "{\"class\":\"%s\"}", cls);
    cJSON *r = t_mcp_call(x->mcp, "list_nodes", args, 5000);
    int n = (int)e2e_num(e2e_structured(r), "total");
    cJSON_Delete(r);
    return n;
}

static cJSON *remove_node(e2e *x, const char *id)
{
    char args[200];
    snprintf(args, sizeof args, "{\"node_id\":\"%s\"}", id);
    return t_mcp_call(x->mcp, "remove_markups", args, 5000);
}

static void test_remove(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char roi[128], curve[128], other[128];
    place(&x, "{\"type\":\"roi\",\"center\":{\"r\":1,\"a\":2,\"s\":3},\"size_mm\":[4,5,6]}", roi, sizeof roi);
    place(&x, "{\"type\":\"curve\",\"points\":[{\"r\":0,\"a\":0,\"s\":0},{\"r\":1,\"a\":1,\"s\":1}]}",
          curve, sizeof curve);
    load_direct(&x, "theirs", other, sizeof other);
    T_CHECK(count_class(&x, "vtkMRMLMarkupsROINode") == 1, "the ROI is in the scene");

    cJSON *r = remove_node(&x, roi);
    T_CHECK(!t_mcp_is_error(r) && !strcmp(e2e_str(e2e_structured(r), "removed"), roi), "removed: %s",
            t_mcp_text(r));
    cJSON_Delete(r);
    char want[200];
    snprintf(want, sizeof want, "/slicer/mrml?id=%s", roi);
    T_CHECK(e2e_log_count(&x, "DELETE", want) == 1 && e2e_log_count(&x, "DELETE", "/slicer/mrml") == 1,
            "one DELETE with the exact id");
    T_CHECK(count_class(&x, "vtkMRMLMarkupsROINode") == 0, "gone from the scene");
    T_CHECK(count_class(&x, "vtkMRMLMarkupsCurveNode") == 1, "the curve stays");

    /* nodes the gateway did not create: refused before Slicer is asked */
    static const char *const not_ours[] = { "vtkMRMLScalarVolumeNode1", "vtkMRMLSliceNodeRed", NULL };
    for (int i = 0; not_ours[i]; i++) {
        r = remove_node(&x, not_ours[i]);
        T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not created by this gateway"),
                "%s refused: %s", not_ours[i], t_mcp_text(r));
        cJSON_Delete(r);
    }
    r = remove_node(&x, other);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not created by this gateway"),
            "another client's markups refused: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = remove_node(&x, roi);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not created by this gateway"),
            "removed once, then forgotten: %s", t_mcp_text(r));
    cJSON_Delete(r);
    T_CHECK(e2e_log_count(&x, "DELETE", "/") == 1, "no other DELETE reached Slicer (%d)",
            e2e_log_count(&x, "DELETE", "/"));
    T_CHECK(count_class(&x, "vtkMRMLMarkupsFiducialNode") == 1, "their markups stay");
    e2e_stop(&x);
}

/* Slicer numbers ids afresh after the scene is closed: the id the
 * gateway got can later name a node someone else loaded.  The storage
 * file tells them apart. */
static void test_remove_reused_id(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    char mine[128], theirs[128], url[600];
    place(&x, "{\"type\":\"point_list\",\"points\":[{\"r\":0,\"a\":0,\"s\":0}]}", mine, sizeof mine);
    snprintf(url, sizeof url, "%s/slicer/mrml", t_sim_url(x.sim));
    t_resp resp;
    T_CHECK(t_http("DELETE", url, NULL, 0, 5000, &resp) == 200, "the user closes the scene");
    t_resp_free(&resp);
    load_direct(&x, "later", theirs, sizeof theirs);
    T_ASSERT(!strcmp(mine, theirs), "the id came back: %s %s", mine, theirs);
    cJSON *r = remove_node(&x, mine);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "not the markups node this gateway created"),
            "refused: %s", t_mcp_text(r));
    cJSON_Delete(r);
    T_CHECK(e2e_log_count(&x, "DELETE", "/slicer/mrml?") == 0, "no DELETE by id reached Slicer");
    T_CHECK(count_class(&x, "vtkMRMLMarkupsFiducialNode") == 1, "their node stays");
    e2e_stop(&x);
}

/* Pages the tool's list (key) with limit; the ids in order into ids
 * (comma-separated), the number of pages into *pages. */
static double page_through(e2e *x, const char *tool, const char *key, int limit, char *ids,
                           size_t len, int *pages)
{
    char cursor[32] = "", args[200];
    double total = -1;
    *ids = '\0';
    *pages = 0;
    do {
        snprintf(args, sizeof args, *cursor ? "{\"limit\":%d,\"cursor\":\"%s\"}" : "{\"limit\":%d}",
                 limit, cursor);
        cJSON *r = t_mcp_call(x->mcp, tool, args, 5000);
        const cJSON *sc = e2e_structured(r), *it;
        T_CHECK(sc && cJSON_GetArraySize(e2e_get(sc, key)) <= limit &&
                e2e_num(sc, "count") == cJSON_GetArraySize(e2e_get(sc, key)), "%s page: %s", tool, t_mcp_text(r));
        total = e2e_num(sc, "total");
        cJSON_ArrayForEach(it, e2e_get(sc, key)) {
            strncat(ids, e2e_str(it, "id"), len - strlen(ids) - 1);
            strncat(ids, ",", len - strlen(ids) - 1);
        }
        snprintf(cursor, sizeof cursor, "%s", e2e_str(sc, "next_cursor"));
        cJSON_Delete(r);
    } while (*cursor && ++*pages < 100);
    ++*pages;
    return total;
}

static void test_list_pages(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    static char whole[8192], paged[8192];
    int pages;
    double total = page_through(&x, "list_nodes", "nodes", 5000, whole, sizeof whole, &pages);
    T_CHECK(pages == 1 && total == t_count(whole, ","), "one page holds the scene: %g nodes", total);
    double total7 = page_through(&x, "list_nodes", "nodes", 7, paged, sizeof paged, &pages);
    T_CHECK(total7 == total && pages == ((int)total + 6) / 7 && !strcmp(whole, paged),
            "pages of 7: %d pages, the same nodes in the same order", pages);
    total = page_through(&x, "list_volumes", "volumes", 1, paged, sizeof paged, &pages);
    T_CHECK(total == 2 && pages == 2 && !strcmp(paged, "vtkMRMLScalarVolumeNode1,vtkMRMLLabelMapVolumeNode1,"),
            "volumes one per page: %s", paged);
    T_CHECK(e2e_log_count(&x, "GET", "/slicer/mrml/properties?class=vtkMRMLVolumeNode") == 2,
            "one properties call per page");
    cJSON *r = t_mcp_call(x.mcp, "list_volumes", "{\"cursor\":\"2\"}", 5000);
    T_CHECK(e2e_num(e2e_structured(r), "count") == 0 && e2e_num(e2e_structured(r), "total") == 2 &&
            !e2e_get(e2e_structured(r), "next_cursor"), "past the end: empty, no cursor: %s", t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

int main(void)
{
    t_run("markups_roi_round_trip", test_roi);
    t_run("markups_curves_polyline_length", test_curves);
    t_run("remove_markups_own_nodes_only", test_remove);
    t_run("remove_markups_reused_id_refused", test_remove_reused_id);
    t_run("list_nodes_and_list_volumes_pages", test_list_pages);
    return t_done();
}
