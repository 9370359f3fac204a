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
#include "slicer/adapters_view.h"
#include "slicer/adapters_voxels.h"
#include "slicer/markups_own.h"
#include "slicer/props.h"
#include "slicer/volgeom.h"
#include "util/jsonw.h"

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

#define NODES_PAGE   500   /* list_nodes' default page */
#define VOLUMES_PAGE 50    /* list_volumes' default page */

/* list_nodes: /mrml/ids and /mrml/names share one selection and order;
 * one page of them is kept. */
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
    call_page pg = call_page_args(c->args, NODES_PAGE);
    size_t count = 0, total = 0;
    /* Both lists walked in step: indexing a cJSON array is linear, and a
     * scene can hold thousands of nodes.  Ids and names move from Slicer's
     * lists into the nodes; constant keys are not copied.  The cursor
     * counts the string ids before the page. */
    cJSON *id, *nm, *next_id, *next_nm;
    for (id = ids->child, nm = names->child; id && nm; id = next_id, nm = next_nm) {
        next_id = id->next;
        next_nm = nm->next;
        if (!cJSON_IsString(id))
            continue;
        if (total++ < pg.start || count >= pg.limit)
            continue;
        cJSON *n = cJSON_CreateObject();
        cJSON_AddItemToObjectCS(n, "id", cJSON_DetachItemViaPointer(ids, id));
        cJSON_AddItemToObjectCS(n, "name", cJSON_IsString(nm) ? cJSON_DetachItemViaPointer(names, nm)
                                                              : cJSON_CreateString(""));
        cJSON_AddItemToObjectCS(n, "class", class_of_id(id->valuestring));
        cJSON_AddItemToArray(arr, n);
        count++;
    }
    cJSON_AddNumberToObject(res, "count", (double)count);
    call_page_result(res, total, pg.start + count);
    rc = call_set_structured(c, res);
out:
    buf_free(&tids);
    buf_free(&tnames);
    cJSON_Delete(ids);
    cJSON_Delete(names);
    if (rc != 0)
        err_set(e, ERR_INTERNAL, "out of memory");
    return rc;
}

static cJSON *num_array(const double *v, int n)
{
    return cJSON_CreateDoubleArray(v, n);
}

static double num_or_nan(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* What one properties call says of a volume: dimensions, spacing and
 * origin (6 significant digits) and the stamp that tells whether a cached
 * NRRD header still holds.  A missing MTime is NaN, never equal, so no
 * header is reused without one; the image data's own "Modified Time"
 * only adds to it (-1 when absent).  -1 if it is not a volume with image
 * data. */
static int volume_props(const cJSON *p, double sp[3], double org[3], volgeom_stamp *st)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(p, "ImageData");
    if (props_numbers(img, "Dimensions", st->dims, 3) != 0 ||
        props_numbers(p, "Spacing", sp, 3) != 0 || props_numbers(p, "Origin", org, 3) != 0)
        return -1;
    st->mtime = num_or_nan(p, "MTime");
    const cJSON *imt = cJSON_GetObjectItemCaseSensitive(img, "Modified Time");
    st->image_mtime = cJSON_IsNumber(imt) ? imt->valuedouble : -1;
    return 0;
}

/* The geometry fields of a volume entry: full precision from a NRRD
 * header, or the properties' rounded values without directions. */
static void add_geometry(cJSON *o, const double dims[3], const double sp[3],
                         const double org[3], const double dir[3][3])
{
    double size[3];
    for (int a = 0; a < 3; a++)
        size[a] = dims[a] * sp[a];
    cJSON_AddItemToObject(o, "dimensions", num_array(dims, 3));
    cJSON_AddItemToObject(o, "spacing_mm", num_array(sp, 3));
    cJSON_AddItemToObject(o, "origin_ras", num_array(org, 3));
    cJSON_AddItemToObject(o, "size_mm", num_array(size, 3));
    if (!dir)
        return;
    cJSON *d = cJSON_AddArrayToObject(o, "ijk_to_ras_directions");
    for (int r = 0; r < 3; r++)
        cJSON_AddItemToArray(d, num_array(dir[r], 3));
    /* Bounds of the voxel centres: origin + sum over axes of
     * direction column * spacing * (0 .. dims-1). */
    double lo[3], hi[3];
    for (int r = 0; r < 3; r++) {
        lo[r] = hi[r] = org[r];
        for (int ax = 0; ax < 3; ax++) {
            double step = dir[r][ax] * sp[ax] * (dims[ax] - 1);
            if (step < 0)
                lo[r] += step;
            else
                hi[r] += step;
        }
    }
    double b[6] = { lo[0], hi[0], lo[1], hi[1], lo[2], hi[2] };
    cJSON_AddItemToObject(o, "ras_bounds", num_array(b, 6));
}

#define VOLUME_ROUNDED_NOTE \
    "origin_ras and spacing_mm are Slicer's properties, rounded to 6 significant digits"

/* Directions and exact geometry for get_volume_info from the NRRD header
 * (cached per MTime); without it the entry keeps the rounded values and
 * says why.  -1 only when the gateway itself failed. */
static int add_header_geometry(call_ctx *c, cJSON *o, const char *id, const volgeom_stamp *st,
                               const double sp[3], const double org[3])
{
    volgeom g;
    int read_now = 0;
    err ge = { 0 };
    if (volgeom_get(c, id, st, &g, &read_now, &ge) == 0) {
        double dims[3] = { (double)g.sizes[0], (double)g.sizes[1], (double)g.sizes[2] };
        add_geometry(o, dims, g.spacing, g.origin, (const double (*)[3])g.dirs);
        cJSON_AddStringToObject(o, "geometry_source", read_now ? "nrrd_header" : "nrrd_header_cached");
        return 0;
    }
    if (ge.kind == ERR_INTERNAL)
        return -1;
    add_geometry(o, st->dims, sp, org, NULL);
    char note[900];
    if (strstr(ge.msg, "NoneType") || strstr(ge.msg, "as array"))
        snprintf(note, sizeof note, "No directions or RAS bounds: Slicer's GET /slicer/volume "
                 "sends only scalar volumes and labelmaps, the only source of a volume's "
                 "directions; " VOLUME_ROUNDED_NOTE ".");
    else
        snprintf(note, sizeof note, "No directions or RAS bounds: %.600s; " VOLUME_ROUNDED_NOTE
                 ".", ge.msg);
    cJSON_AddStringToObject(o, "geometry_source", "properties");
    cJSON_AddStringToObject(o, "note", note);
    return 0;
}

/* One volume: names through props_node_name (a numeric name arrives as
 * a number).  *o NULL when p is not a volume with image data; -1 with
 * msg when Slicer could not give a name. */
static int volume_entry(call_ctx *c, const char *id, const cJSON *p, int with_header,
                        cJSON **o, err *e)
{
    double sp[3], org[3];
    volgeom_stamp st;
    *o = NULL;
    if (volume_props(p, sp, org, &st) != 0)
        return 0;
    char *name = props_node_name(c, id, p, e);
    if (!name)
        return -1;
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "id", id);
    cJSON_AddStringToObject(v, "name", name);
    free(name);
    const char *cls = props_string(p, "ClassName"), *st_type = props_scalar_type(p);
    cJSON_AddStringToObject(v, "class", cls ? cls : "");
    if (st_type)
        cJSON_AddStringToObject(v, "scalar_type", st_type);
    if (!with_header)
        add_geometry(v, st.dims, sp, org, NULL);
    else if (add_header_geometry(c, v, id, &st, sp, org) != 0) {
        cJSON_Delete(v);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    *o = v;
    return 0;
}

/* get_volume_info (id given: properties, then the NRRD header unless
 * cached; via_red: id is the Red view's background, and the result says
 * so) and list_volumes (id NULL: properties only).  Takes id. */
static int volume_info_run(call_ctx *c, char *id, int via_red, err *e)
{
    buf t;
    buf_init(&t, 4096);
    buf_puts(&t, "/slicer/mrml/properties");
    call_query_add(&t, id ? "id" : "class", id ? id : "vtkMRMLVolumeNode");
    cJSON *props = NULL, *vols = NULL;
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
    vols = cJSON_CreateArray();
    /* list_volumes pages what the one properties call brought: volumes
     * before the page count only toward total. */
    call_page pg = id ? (call_page){ 0, (size_t)-1 } : call_page_args(c->args, VOLUMES_PAGE);
    size_t total = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, props) {
        cJSON *v = NULL;
        double sp[3], org[3];
        volgeom_stamp st;
        if (!it->string || volume_props(it, sp, org, &st) != 0)
            continue;
        if (total++ < pg.start || (size_t)cJSON_GetArraySize(vols) >= pg.limit)
            continue;
        if (volume_entry(c, it->string, it, id != NULL, &v, &ce) != 0) {
            rc = ce.kind == ERR_INTERNAL ? err_set(e, ERR_INTERNAL, "%s", ce.msg) : call_fail(c, ce.msg);
            goto out;
        }
        if (v)
            cJSON_AddItemToArray(vols, v);
    }
    if (id) {
        if (cJSON_GetArraySize(vols) != 1) {
            char msg[600];
            snprintf(msg, sizeof msg, "Node '%.200s' is not a volume with image data. Call "
                     "list_volumes to see the volume ids.", id);
            rc = call_fail(c, msg);
            goto out;
        }
        cJSON *v = cJSON_DetachItemFromArray(vols, 0);
        if (via_red) {
            char note[400];
            snprintf(note, sizeof note, VIEW_RED_NOTE_FMT, id);
            cJSON_AddStringToObject(v, "node_id_note", note);
        }
        rc = call_set_structured(c, v);
    } else {
        cJSON *res = cJSON_CreateObject();
        size_t n = (size_t)cJSON_GetArraySize(vols);
        cJSON_AddNumberToObject(res, "count", (double)n);
        call_page_result(res, total, pg.start + n);
        cJSON_AddItemToObject(res, "volumes", vols);
        vols = NULL;
        rc = call_set_structured(c, res);
    }
out:
    cJSON_Delete(vols);
    cJSON_Delete(props);
    free(id);
    buf_free(&t);
    return rc;
}

static int ad_volume_list(call_ctx *c, err *e)
{
    return volume_info_run(c, NULL, 0, e);
}

/* get_volume_info; without node_id, the Red view's background volume. */
static int ad_volume_info(call_ctx *c, err *e)
{
    char *id = call_arg_string(c->args, "node_id");
    if (id)
        return volume_info_run(c, id, 0, e);
    int rc = view_red_background(c, &id, e);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    return volume_info_run(c, id, 1, e);
}

/* Slicer ignores offset=0 and scrollTo=0 (Python truthiness), so an exact
 * zero is sent as a value far below any voxel size. */
#define ZERO_OFFSET_MM   1e-4
#define ZERO_POSITION    1e-6

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
        char num[JSONW_NUMBER_MAX];
        buf_puts(&t, "/slicer/slice");
        call_query_add(&t, "view", view);
        if (orient && !(off || pos))
            call_query_add(&t, "orientation", orient);
        if (cJSON_IsNumber(off)) {
            jsonw_number(off->valuedouble == 0 ? ZERO_OFFSET_MM : off->valuedouble, num);
            call_query_add(&t, "offset", num);
        } else if (cJSON_IsNumber(pos)) {
            jsonw_number(pos->valuedouble == 0 ? ZERO_POSITION : pos->valuedouble, num);
            call_query_add(&t, "scrollTo", num);
        }
        rc = call_slicer(c, "GET", t.data, NULL, 0, png, e);
    }
    buf_free(&t);
    free(orient);
    return rc;
}

/* Why a slice view's answer has no offset_mm: the properties of a slice
 * node keep FieldOfView and Dimensions but lose the slice matrix
 * (vtkMRMLSliceNode::PrintSelf prints it as rows without a colon), so
 * Slicer never says where a view is; the gateway knows an offset only
 * when it set one in this call. */
static const char *offset_unknown(const cJSON *args)
{
    if (cJSON_GetObjectItemCaseSensitive(args, "position"))
        return "offset_mm is left out: Slicer maps position 0..1 onto the background "
               "volume's extent along the slice normal and does not report the offset it "
               "chose. Pass offset_mm to know where the slice is.";
    if (cJSON_GetObjectItemCaseSensitive(args, "orientation"))
        return "offset_mm is left out: a change of orientation makes Slicer re-centre the "
               "view on its background volume, and Slicer does not report where a slice "
               "view is. Pass offset_mm with the orientation to know where the slice is.";
    return "offset_mm is left out: this call did not move the view, and Slicer does not "
           "report where a slice view is. Pass offset_mm to place it.";
}

/* What the gateway knows of a slice view after this call: the view, the
 * orientation and offset it set, and the field of view and view size
 * from the slice node's properties. */
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
    double fov[3], dims[3];
    if (!p || props_numbers(p, "FieldOfView", fov, 3) != 0 ||
        props_numbers(p, "Dimensions", dims, 3) != 0 || !(dims[0] >= 1 && dims[1] >= 1)) {
        cJSON_Delete(props);
        err_set(e, ERR_UPSTREAM, "Slicer's properties of vtkMRMLSliceNode%s lack FieldOfView "
                "or Dimensions", cap);
        return NULL;
    }
    cJSON_Delete(props);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "view", view);
    char *orient = call_arg_string(c->args, "orientation");
    if (orient)
        cJSON_AddStringToObject(o, "orientation", orient);
    free(orient);
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(c->args, "offset_mm");
    if (cJSON_IsNumber(off))
        cJSON_AddNumberToObject(o, "offset_mm", off->valuedouble);
    cJSON_AddItemToObject(o, "field_of_view_mm", num_array(fov, 2));
    cJSON_AddItemToObject(o, "view_pixels", num_array(dims, 2));
    double px[2] = { fov[0] / dims[0], fov[1] / dims[1] };
    cJSON_AddItemToObject(o, "pixel_size_mm", num_array(px, 2));
    if (!cJSON_IsNumber(off))
        cJSON_AddStringToObject(o, "note", offset_unknown(c->args));
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
    /* The image is re-encoded while Slicer answers the properties. */
    int image = c->t->result == TOOL_RESULT_IMAGE;
    imgreply job;
    if (image) {
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(c->args, "max_size");
        unsigned max_side = cJSON_IsNumber(ms) && ms->valuedouble >= 1 ? (unsigned)ms->valuedouble : 0;
        imgreply_start(&job, png.body.data, png.body.len, max_side);
    }
    cJSON *meta = slice_meta(c, v, &ce);
    if (!meta) {
        if (image) {
            err je;
            if (imgreply_join(&job, &je) == 0)
                free(job.b64);
        }
        backend_resp_free(&png);
        free(view);
        return call_fail(c, ce.msg);
    }
    if (image) {
        unsigned w = 0, h = 0;
        if (call_add_png(c, &job, &w, &h, &ce) != 0) {
            cJSON_Delete(meta);
            backend_resp_free(&png);
            free(view);
            return call_fail(c, ce.msg);
        }
        /* The image spans the field of view whatever its pixel count (a
         * HiDPI screen doubles Slicer's, max_size shrinks it). */
        const cJSON *jf = cJSON_GetObjectItemCaseSensitive(meta, "field_of_view_mm");
        double px[2] = { cJSON_GetArrayItem(jf, 0)->valuedouble / w,
                         cJSON_GetArrayItem(jf, 1)->valuedouble / h };
        cJSON_ReplaceItemInObjectCaseSensitive(meta, "pixel_size_mm", num_array(px, 2));
        cJSON_AddNumberToObject(meta, "width", w);
        cJSON_AddNumberToObject(meta, "height", h);
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
    X("volume_list",   ad_volume_list)        \
    X("slice_view",    ad_slice_view)         \
    X("markups_place", adapter_markups_place) \
    X("markups_get",   adapter_markups_get)   \
    X("markups_remove", adapter_markups_remove) \
    X("volume_stats",  adapter_volume_stats)  \
    X("sample_voxels", adapter_sample_voxels) \
    X("segment_region", adapter_segment_region) \
    X("label_stats",   adapter_label_stats)   \
    X("view_state",    adapter_view_state)

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
