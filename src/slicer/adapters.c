/* adapters: the built-in multi-call tools for nodes, volumes and slices
 * (markups live in adapters_markups.c). */
#include "slicer/adapters.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/adapters_labels.h"
#include "slicer/adapters_markups.h"
#include "slicer/adapters_segment.h"
#include "slicer/adapters_stats.h"
#include "slicer/adapters_voxels.h"
#include "slicer/props.h"

/* A node id is its class name plus a number or singleton tag
 * ("vtkMRMLScalarVolumeNode1", "vtkMRMLSliceNodeRed",
 * "vtkMRMLLayoutNodevtkMRMLLayoutNode"): every MRML class name ends in
 * "Node", so the class is the id up to the first "Node".  Returned as a
 * string item; the whole id if it does not look like one. */
static cJSON *class_of_id(const char *id)
{
    const char *n = strncmp(id, "vtkMRML", 7) == 0 ? strstr(id + 7, "Node") : NULL;
    cJSON *c = cJSON_CreateString(id);
    if (c && n)
        c->valuestring[n - id + 4] = '\0';
    return c;
}

static int selection_target(call_ctx *c, const char *path, buf *t)
{
    buf_init(t, 4096);
    int rc = buf_puts(t, path);
    static const char *const keys[] = { "class", "name", NULL };
    for (int i = 0; keys[i] && rc == 0; i++) {
        char *v = call_arg_string(c->args, keys[i]);
        if (v)
            rc = call_query_add(t, keys[i], v);
        free(v);
    }
    return rc;
}

/* list_nodes: /mrml/ids and /mrml/names share one selection and order. */
static int ad_node_list(call_ctx *c, err *e)
{
    buf tids, tnames;
    cJSON *ids = NULL, *names = NULL;
    err ce = { 0 };
    int rc = 0;
    if (selection_target(c, "/slicer/mrml/ids", &tids) != 0 ||
        selection_target(c, "/slicer/mrml/names", &tnames) != 0) {
        rc = call_fail(c, "class or name too long");
        goto out;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        cJSON_Delete(ids);
        cJSON_Delete(names);
        ids = names = NULL;
        if (call_slicer_json(c, "GET", tids.data, &ids, &ce) != 0 ||
            call_slicer_json(c, "GET", tnames.data, &names, &ce) != 0) {
            rc = call_fail(c, ce.msg);
            goto out;
        }
        if (cJSON_IsArray(ids) && cJSON_IsArray(names) &&
            cJSON_GetArraySize(ids) == cJSON_GetArraySize(names))
            break;
    }
    if (!cJSON_IsArray(ids) || !cJSON_IsArray(names) ||
        cJSON_GetArraySize(ids) != cJSON_GetArraySize(names)) {
        rc = call_fail(c, "the scene changed while listing nodes; try again");
        goto out;
    }
    cJSON *res = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(res, "nodes");
    int count = 0;
    /* Both lists walked in step: indexing a cJSON array is linear, and a
     * scene can hold thousands of nodes.  Ids and names move from Slicer's
     * lists into the nodes; constant keys are not copied. */
    cJSON *id, *nm, *next_id, *next_nm;
    for (id = ids->child, nm = names->child; id && nm; id = next_id, nm = next_nm) {
        next_id = id->next;
        next_nm = nm->next;
        if (!cJSON_IsString(id))
            continue;
        cJSON *n = cJSON_CreateObject();
        cJSON_AddItemToObjectCS(n, "id", cJSON_DetachItemViaPointer(ids, id));
        cJSON_AddItemToObjectCS(n, "name", cJSON_IsString(nm) ? cJSON_DetachItemViaPointer(names, nm)
                                                              : cJSON_CreateString(""));
        cJSON_AddItemToObjectCS(n, "class", class_of_id(id->valuestring));
        cJSON_AddItemToArray(arr, n);
        count++;
    }
    cJSON_AddNumberToObject(res, "count", count);
    rc = call_set_structured(c, res);
out:
    buf_free(&tids);
    buf_free(&tnames);
    call_spend(c->spent, ids);
    call_spend(c->spent, names);
    if (rc != 0)
        err_set(e, ERR_INTERNAL, "out of memory");
    return rc;
}

static cJSON *num_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* Typed geometry of one volume from its properties; NULL if the
 * properties lack what a volume has. */
static cJSON *volume_geometry(const char *id, const cJSON *p)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(p, "ImageData");
    double dims[3], sp[3], org[3], dir[9];
    if (props_numbers(img, "Dimensions", dims, 3) != 0 || props_numbers(p, "Spacing", sp, 3) != 0 ||
        props_numbers(p, "Origin", org, 3) != 0 || props_matrix(p, "IJKToRASDirections", dir, 3, 3) != 0)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    const char *name = props_string(p, "Name"), *cls = props_string(p, "ClassName");
    cJSON_AddStringToObject(o, "name", name ? name : "");
    cJSON_AddStringToObject(o, "class", cls ? cls : "");
    cJSON_AddItemToObject(o, "dimensions", num_array(dims, 3));
    cJSON_AddItemToObject(o, "spacing_mm", num_array(sp, 3));
    cJSON_AddItemToObject(o, "origin_ras", num_array(org, 3));
    cJSON *d = cJSON_AddArrayToObject(o, "ijk_to_ras_directions");
    for (int r = 0; r < 3; r++)
        cJSON_AddItemToArray(d, num_array(dir + 3 * r, 3));
    /* Bounds of the voxel centres: origin + sum over axes of
     * direction column * spacing * (0 .. dims-1). */
    double size[3], lo[3], hi[3];
    for (int a = 0; a < 3; a++)
        lo[a] = hi[a] = org[a];
    for (int ax = 0; ax < 3; ax++) {
        size[ax] = dims[ax] * sp[ax];
        for (int r = 0; r < 3; r++) {
            double step = dir[3 * r + ax] * sp[ax] * (dims[ax] - 1);
            if (step < 0)
                lo[r] += step;
            else
                hi[r] += step;
        }
    }
    cJSON_AddItemToObject(o, "size_mm", num_array(size, 3));
    double b[6] = { lo[0], hi[0], lo[1], hi[1], lo[2], hi[2] };
    cJSON_AddItemToObject(o, "ras_bounds", num_array(b, 6));
    const char *st = props_string(img, "ScalarType");
    if (!st)
        st = props_string(p, "ScalarType");
    if (st)
        cJSON_AddStringToObject(o, "scalar_type", st);
    return o;
}

/* get_volume_info (node_id given) and list_volumes (no node_id). */
static int ad_volume_info(call_ctx *c, err *e)
{
    (void)e;
    buf t;
    buf_init(&t, 4096);
    char *id = call_arg_string(c->args, "node_id");
    buf_puts(&t, "/slicer/mrml/properties");
    call_query_add(&t, id ? "id" : "class", id ? id : "vtkMRMLVolumeNode");
    cJSON *props = NULL;
    err ce = { 0 };
    int rc;
    if (call_slicer_json(c, "GET", t.data, &props, &ce) != 0) {
        if (ce.kind == ERR_NOT_FOUND && id) {
            char msg[600];
            snprintf(msg, sizeof msg, "No node has id '%.200s'. Call list_volumes to see the "
                     "volume ids.", id);
            rc = call_fail(c, msg);
        } else if (ce.kind == ERR_NOT_FOUND) {
            cJSON *res = cJSON_CreateObject();
            cJSON_AddArrayToObject(res, "volumes");
            cJSON_AddNumberToObject(res, "count", 0);
            rc = call_set_structured(c, res);
        } else {
            rc = call_fail(c, ce.msg);
        }
        goto out;
    }
    cJSON *vols = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, props) {
        cJSON *g = it->string ? volume_geometry(it->string, it) : NULL;
        if (g)
            cJSON_AddItemToArray(vols, g);
    }
    if (id) {
        if (cJSON_GetArraySize(vols) != 1) {
            char msg[600];
            snprintf(msg, sizeof msg, "Node '%.200s' is not a volume with image data. Call "
                     "list_volumes to see the volume ids.", id);
            cJSON_Delete(vols);
            rc = call_fail(c, msg);
            goto out;
        }
        rc = call_set_structured(c, cJSON_DetachItemFromArray(vols, 0));
        cJSON_Delete(vols);
    } else {
        cJSON *res = cJSON_CreateObject();
        cJSON_AddNumberToObject(res, "count", cJSON_GetArraySize(vols));
        cJSON_AddItemToObject(res, "volumes", vols);
        rc = call_set_structured(c, res);
    }
out:
    call_spend(c->spent, props);
    free(id);
    buf_free(&t);
    return rc;
}

/* Slicer ignores offset=0 and scrollTo=0 (Python truthiness), so an exact
 * zero is sent as a value far below any voxel size. */
#define ZERO_OFFSET_MM   1e-4
#define ZERO_POSITION    1e-6

static void fmt_num(char *out, size_t n, double v)
{
    snprintf(out, n, "%.10g", v);
}

/* Sends the slice requests; *png gets the final image. */
static int slice_requests(call_ctx *c, const char *view, backend_resp *png, err *e)
{
    char *orient = call_arg_string(c->args, "orientation");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(c->args, "offset_mm");
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(c->args, "position");
    buf t;
    buf_init(&t, 1024);
    int rc = 0;
    /* Orientation first, alone: a change of orientation re-centres the
     * view and would overwrite an offset sent in the same request. */
    if (orient && (off || pos)) {
        buf_puts(&t, "/slicer/slice");
        call_query_add(&t, "view", view);
        call_query_add(&t, "orientation", orient);
        rc = call_slicer(c, "GET", t.data, NULL, 0, png, e);
        if (rc == 0)
            backend_resp_free(png);
        buf_reset(&t);
    }
    if (rc == 0) {
        char num[64];
        buf_puts(&t, "/slicer/slice");
        call_query_add(&t, "view", view);
        if (orient && !(off || pos))
            call_query_add(&t, "orientation", orient);
        if (cJSON_IsNumber(off)) {
            fmt_num(num, sizeof num, off->valuedouble == 0 ? ZERO_OFFSET_MM : off->valuedouble);
            call_query_add(&t, "offset", num);
        } else if (cJSON_IsNumber(pos)) {
            fmt_num(num, sizeof num, pos->valuedouble == 0 ? ZERO_POSITION : pos->valuedouble);
            call_query_add(&t, "scrollTo", num);
        }
        rc = call_slicer(c, "GET", t.data, NULL, 0, png, e);
    }
    buf_free(&t);
    free(orient);
    return rc;
}

/* Geometry of a slice view from its slice node's properties. */
static cJSON *slice_meta(call_ctx *c, const char *view, err *e)
{
    char target[128];
    char cap[16];
    snprintf(cap, sizeof cap, "%s", view);
    cap[0] = (char)(cap[0] - 'a' + 'A');
    snprintf(target, sizeof target, "/slicer/mrml/properties?id=vtkMRMLSliceNode%s", cap);
    cJSON *props = NULL;
    if (call_slicer_json(c, "GET", target, &props, e) != 0)
        return NULL;
    const cJSON *p = props->child;
    double fov[3], dims[3], m[16];
    if (!p || props_numbers(p, "FieldOfView", fov, 3) != 0 ||
        props_numbers(p, "Dimensions", dims, 3) != 0 || props_matrix(p, "SliceToRAS", m, 4, 4) != 0) {
        cJSON_Delete(props);
        err_set(e, ERR_UPSTREAM, "Slicer's properties of vtkMRMLSliceNode%s lack FieldOfView, "
                "Dimensions or SliceToRAS", cap);
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "view", view);
    const char *orient = props_string(p, "Orientation");
    if (!orient)
        orient = props_string(p, "OrientationString");
    char lower[32] = "";
    for (size_t i = 0; orient && orient[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)(orient[i] >= 'A' && orient[i] <= 'Z' ? orient[i] + 32 : orient[i]);
    if (lower[0])
        cJSON_AddStringToObject(o, "orientation", lower);
    /* The offset is the view centre along the slice normal (column 2). */
    double off = m[3] * m[2] + m[7] * m[6] + m[11] * m[10];
    cJSON_AddNumberToObject(o, "offset_mm", fabs(off) < 1e-3 ? 0.0 : off);
    cJSON_AddItemToObject(o, "field_of_view_mm", num_array(fov, 2));
    cJSON_AddItemToObject(o, "view_pixels", num_array(dims, 2));
    double normal[3] = { m[2], m[6], m[10] }, centre[3] = { m[3], m[7], m[11] };
    cJSON_AddItemToObject(o, "normal_ras", num_array(normal, 3));
    cJSON_AddItemToObject(o, "center_ras", num_array(centre, 3));
    cJSON_Delete(props);
    return o;
}

/* get_slice_png (result image) and set_slice_offset (result json). */
static int ad_slice_view(call_ctx *c, err *e)
{
    (void)e;
    char *view = call_arg_string(c->args, "view");
    const char *v = view ? view : "red";
    err ce = { 0 };
    backend_resp png;
    int rc;
    if (cJSON_GetObjectItemCaseSensitive(c->args, "offset_mm") &&
        cJSON_GetObjectItemCaseSensitive(c->args, "position")) {
        rc = call_fail(c, "Give offset_mm or position, not both.");
        free(view);
        return rc;
    }
    if (slice_requests(c, v, &png, &ce) != 0) {
        free(view);
        return call_fail(c, ce.msg);
    }
    cJSON *meta = slice_meta(c, v, &ce);
    if (!meta) {
        backend_resp_free(&png);
        free(view);
        return call_fail(c, ce.msg);
    }
    rc = 0;
    if (c->t->result == TOOL_RESULT_IMAGE) {
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(c->args, "max_size");
        unsigned max_side = cJSON_IsNumber(ms) && ms->valuedouble >= 1 ? (unsigned)ms->valuedouble : 0;
        double scale = 1;
        unsigned w = 0, h = 0;
        if (call_add_png(c, png.body.data, png.body.len, max_side, &scale, &w, &h, &ce) != 0) {
            cJSON_Delete(meta);
            backend_resp_free(&png);
            free(view);
            return call_fail(c, ce.msg);
        }
        double fov[2], px[2];
        const cJSON *jf = cJSON_GetObjectItemCaseSensitive(meta, "field_of_view_mm");
        fov[0] = cJSON_GetArrayItem(jf, 0)->valuedouble;
        fov[1] = cJSON_GetArrayItem(jf, 1)->valuedouble;
        px[0] = fov[0] / w;
        px[1] = fov[1] / h;
        cJSON_AddNumberToObject(meta, "width", w);
        cJSON_AddNumberToObject(meta, "height", h);
        cJSON_AddItemToObject(meta, "pixel_size_mm", num_array(px, 2));
        cJSON_AddNumberToObject(meta, "slicer_png_bytes", (double)png.body.len);
    }
    backend_resp_free(&png);
    free(view);
    rc = call_set_structured(c, meta);
    return rc;
}

/* The adapters, once: the loader's list of names and the dispatch table
 * both come from here. */
#define ADAPTERS(X)                           \
    X("node_list",     ad_node_list)          \
    X("volume_info",   ad_volume_info)        \
    X("slice_view",    ad_slice_view)         \
    X("markups_place", adapter_markups_place) \
    X("markups_get",   adapter_markups_get)   \
    X("volume_stats",  adapter_volume_stats)  \
    X("sample_voxels", adapter_sample_voxels) \
    X("segment_region", adapter_segment_region) \
    X("label_stats",   adapter_label_stats)

#define AS_ENTRY(name, fn) { name, fn },
#define AS_NAME(name, fn) name,

static const struct {
    const char *name;
    int (*fn)(call_ctx *c, err *e);
} table[] = { ADAPTERS(AS_ENTRY) };

const char *const adapter_names[] = { ADAPTERS(AS_NAME) NULL };

int adapter_run(call_ctx *c, err *e)
{
    if (call_ctx_start(c, e) != 0)
        return -1;
    const char *name = c->t->adapter;
    if (!name)
        return call_generic(c, e);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn(c, e);
    return err_set(e, ERR_INTERNAL, "unknown adapter '%s'", name);
}
