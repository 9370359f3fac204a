/* sim_routes: handler choice, /slicer prefix routing, control routes and
 * fault injection. */
#include "sim_routes.h"
#include "sim_buf.h"
#include "sim_pyjson.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- answer helpers ----------------------------------------------------- */

void api_bytes(sim_resp *r, const char *ctype, unsigned char *body, size_t n)
{
    sim_resp_clear_body(r);
    r->action = SIM_SEND;
    r->status = 200;
    snprintf(r->ctype, sizeof r->ctype, "%s", ctype);
    r->body = body;
    r->len = body ? n : 0;
}

void api_text(sim_resp *r, const char *ctype, const char *text)
{
    char *t = strdup(text);
    api_bytes(r, ctype, (unsigned char *)t, t ? strlen(t) : 0);
}

void api_json(sim_resp *r, cJSON *v)
{
    char *s = v ? pyj_dumps(v) : NULL;
    cJSON_Delete(v);
    if (!s) {
        api_error(r, "out of memory");
        return;
    }
    api_bytes(r, "application/json", (unsigned char *)s, strlen(s));
}

void api_error(sim_resp *r, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddFalseToObject(o, "success");
    sim_buf b = {0};
    sim_buf_puts(&b, "Server error: ");
    sim_buf_puts(&b, msg);
    cJSON_AddStringToObject(o, "message", b.p ? (const char *)b.p : "Server error: ");
    sim_buf_free(&b);
    char *s = pyj_dumps(o);
    cJSON_Delete(o);
    sim_resp_clear_body(r);
    r->body = (unsigned char *)s;
    r->len = s ? strlen(s) : 0;
    r->action = SIM_SEND;
    r->status = 500;
    snprintf(r->ctype, sizeof r->ctype, "application/json");
}

char *api_qstrip(const sim_call *c, const char *key)
{
    const char *v = sim_query_get(&c->q, key);
    return v ? pyj_strip(v) : NULL;
}

sim_node *api_get_node(sim_call *c, const char *pattern, sim_resp *r)
{
    sim_node **nodes;
    int n = sim_scene_get_nodes(c->ctx->scene, pattern, &nodes);
    sim_node *found = n > 0 ? nodes[0] : NULL;
    if (n >= 0)
        free(nodes);
    if (!found)
        api_error(r, "could not find nodes in the scene by name or id '%s'", pattern);
    return found;
}

/* ---- the /slicer prefix table (SlicerRequestHandler.handleRequest) ------ */

typedef void (*api_fn)(sim_call *c, sim_resp *r);

static const struct {
    const char *prefix;
    api_fn fn;
} k_routes[] = {
    { "/exec", api_exec },                 /* only with exec enabled */
    { "/timeimage", api_timeimage },
    { "/system", api_system },
    { "/gui", api_gui },
    { "/screenshot", api_screenshot },
    { "/slice", api_slice },
    { "/threeDGraphics", api_threed_graphics },
    { "/threeD", api_threed },
    { "/mrml", api_mrml },
    { "/tracking", api_tracking },
    { "/sampledata", api_sampledata },
    { "/volumeSelection", api_volume_selection },
    { "/volumes", api_volumes },
    { "/volume", api_volume },
    { "/gridTransforms", api_grid_transforms },
    { "/gridTransform", api_grid_transform },
    { "/fiducials", api_fiducials },
    { "/fiducial", api_fiducial },
    { "/segmentations", api_segmentations },
    { "/segmentation", api_segmentation },
    { "/accessDICOMwebStudy", api_dicomweb_study },
};

static void slicer_handler(sim_ctx *ctx, const sim_req *req, const char *path,
                           const char *query, sim_resp *r)
{
    /* request = path [+ '?' + query], minus the leading "/slicer" */
    sim_buf rb = {0};
    sim_buf_puts(&rb, path + 7);
    if (query && *query) {
        sim_buf_putc(&rb, '?');
        sim_buf_puts(&rb, query);
    }
    sim_call c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.method = req->method;
    c.request = rb.p ? (const char *)rb.p : "";
    c.path = strdup(path + 7);
    c.body = req->body;
    c.body_len = req->body_len;
    if (!c.path || rb.failed || sim_query_parse(query ? query : "", &c.q) != 0) {
        api_error(r, "out of memory");
    } else {
        api_fn fn = NULL;
        for (size_t i = 0; i < sizeof k_routes / sizeof k_routes[0]; i++) {
            if (i == 0 && !ctx->set.exec)
                continue;
            if (strncmp(c.request, k_routes[i].prefix, strlen(k_routes[i].prefix)) == 0) {
                fn = k_routes[i].fn;
                break;
            }
        }
        if (fn) {
            fn(&c, r);
        } else {
            char *repr = pyj_bytes_repr((const unsigned char *)c.request, strlen(c.request));
            api_error(r, "unknown command \"%s\"", repr ? repr : "");
            free(repr);
        }
    }
    sim_query_free(&c.q);
    free(c.path);
    sim_buf_free(&rb);
}

/* ---- DICOMweb and static pages ------------------------------------------ */

static const char k_index_html[] =
    "<!DOCTYPE html>\n<html><head><title>3D Slicer Web Server</title></head>\n"
    "<body><h1>3D Slicer Web Server</h1><p>slicer-sim stand-in.</p></body></html>\n";

static void static_handler(const char *path, sim_resp *r)
{
    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
        api_text(r, "text/html", k_index_html);
    else
        r->action = SIM_BARE404;
}

static void dicom_handler(const char *path, sim_resp *r)
{
    if (strcmp(path, "/dicom/studies") == 0 || strcmp(path, "/dicom/studies/") == 0)
        api_text(r, "application/json", "[]");
    else
        r->action = SIM_BARE404;
}

/* os.path.split(path)[0].startswith("/slicer") */
static int slicer_confidence(const char *path)
{
    const char *last = strrchr(path, '/');
    if (!last)
        return 0;
    size_t hl = (size_t)(last - path);
    while (hl > 1 && path[hl - 1] == '/')
        hl--;
    if (hl == 0)
        hl = 1;
    return hl >= 7 && strncmp(path, "/slicer", 7) == 0;
}

/* ---- control routes (stand-in only) ------------------------------------- */

static cJSON *state_json(const sim_ctx *ctx)
{
    const sim_scene *sc = ctx->scene;
    cJSON *o = cJSON_CreateObject();
    cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
    for (size_t i = 0; i < sc->n; i++) {
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "id", sc->nodes[i]->id);
        cJSON_AddStringToObject(n, "name", sc->nodes[i]->name);
        cJSON_AddStringToObject(n, "class", sc->nodes[i]->cls);
        cJSON_AddItemToArray(nodes, n);
    }
    cJSON *views = cJSON_AddObjectToObject(o, "views");
    for (int v = 0; v < 3; v++) {
        const sim_view *sv = &sc->views[v];
        cJSON *j = cJSON_AddObjectToObject(views, sim_view_names[v]);
        cJSON_AddStringToObject(j, "orientation", sv->orient);
        cJSON_AddItemToObject(j, "offset", pyj_float(sim_view_offset(sv)));
        cJSON_AddItemToObject(j, "fieldOfView", pyj_float_array(sv->fov, 3));
        cJSON_AddItemToObject(j, "sliceToRAS", pyj_float_array(sv->s2r, 16));
        cJSON *d = cJSON_AddArrayToObject(j, "dimensions");
        cJSON_AddItemToArray(d, cJSON_CreateNumber(sv->dims[0]));
        cJSON_AddItemToArray(d, cJSON_CreateNumber(sv->dims[1]));
    }
    cJSON_AddStringToObject(o, "background", sc->bg_id);
    cJSON_AddNumberToObject(o, "layout", sc->layout);
    cJSON_AddStringToObject(o, "gui", sc->gui_full ? "full" : "viewers");
    char axis[2] = { sc->axis3d, 0 };
    cJSON_AddStringToObject(o, "lookFromAxis", axis);
    cJSON_AddNumberToObject(o, "quitRequests", (double)ctx->quit_requests);
    cJSON_AddNumberToObject(o, "sampledataRequests", (double)ctx->sampledata_requests);
    cJSON_AddNumberToObject(o, "downloadsRefused", (double)ctx->downloads_refused);
    cJSON *f = cJSON_AddArrayToObject(o, "faults");
    for (int i = 0; i < ctx->faults.n; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "route", ctx->faults.f[i].route);
        cJSON_AddStringToObject(j, "kind", sim_fault_name(ctx->faults.f[i].kind));
        cJSON_AddItemToArray(f, j);
    }
    if (ctx->exec_result)
        cJSON_AddStringToObject(o, "execResult", ctx->exec_result);
    cJSON_AddStringToObject(o, "version", ctx->set.version);
    return o;
}

static void control_handler(sim_ctx *ctx, const sim_req *req, const char *path,
                            const char *query, sim_resp *r)
{
    r->control = 1;
    sim_query q;
    if (sim_query_parse(query ? query : "", &q) != 0) {
        api_error(r, "out of memory");
        return;
    }
    if (strcmp(path, "/__sim/state") == 0) {
        api_json(r, state_json(ctx));
    } else if (strcmp(path, "/__sim/fault") == 0) {
        const char *clear = sim_query_get(&q, "clear");
        const char *spec = sim_query_get(&q, "spec");
        const char *route = sim_query_get(&q, "route");
        const char *kind = sim_query_get(&q, "kind");
        const char *arg = sim_query_get(&q, "arg");
        char err[512] = "";
        sim_fault f;
        int rc = 0;
        if (clear) {
            sim_faults_clear(&ctx->faults);
        } else if (spec) {
            rc = sim_fault_parse(spec, &f, err, sizeof err);
        } else if (route && kind) {
            char k[600];
            snprintf(k, sizeof k, "%s%s%s", kind, arg ? ":" : "", arg ? arg : "");
            rc = sim_fault_parse_kind(route, k, &f, err, sizeof err);
        } else {
            rc = -1;
            snprintf(err, sizeof err, "use ?route=R&kind=K[&arg=A], ?spec=R=K[:A] or ?clear=1");
        }
        if (rc == 0 && !clear && sim_faults_add(&ctx->faults, &f) != 0) {
            rc = -1;
            snprintf(err, sizeof err, "too many faults");
        }
        if (rc != 0) {
            api_error(r, "%s", err);
        } else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddTrueToObject(o, "success");
            cJSON_AddNumberToObject(o, "faults", ctx->faults.n);
            api_json(r, o);
        }
    } else if (strcmp(path, "/__sim/exec-result") == 0) {
        free(ctx->exec_result);
        ctx->exec_result = NULL;
        if (req->body_len) {
            ctx->exec_result = malloc(req->body_len + 1);
            if (ctx->exec_result) {
                memcpy(ctx->exec_result, req->body, req->body_len);
                ctx->exec_result[req->body_len] = '\0';
            }
        }
        api_text(r, "application/json", "{\"success\": true}");
    } else {
        r->action = SIM_BARE404;
    }
    sim_query_free(&q);
}

/* ---- faults --------------------------------------------------------------- */

static void apply_late_fault(const sim_fault *f, sim_resp *r)
{
    switch (f->kind) {
    case FAULT_DELAY:
        r->delay_ms = f->num;
        break;
    case FAULT_TRUNCATE:
        r->truncate = 1;
        break;
    case FAULT_CTYPE:
        snprintf(r->ctype, sizeof r->ctype, "%.127s", f->arg);
        break;
    case FAULT_GARBAGE: {
        if (r->action != SIM_SEND || !r->ctype[0])
            snprintf(r->ctype, sizeof r->ctype, "application/json");
        static const char junk[] = "\xff\xfe<html>garbage, not what the Content-Type says\x00\x01";
        unsigned char *b = malloc(sizeof junk - 1);
        if (b)
            memcpy(b, junk, sizeof junk - 1);
        char ct[128];
        snprintf(ct, sizeof ct, "%s", r->ctype);
        api_bytes(r, ct, b, sizeof junk - 1);
        break;
    }
    case FAULT_OVERSIZE: {
        /* the normal body, padded with JSON-neutral spaces (or NULs for
         * binary types) or cut to exactly num bytes */
        size_t n = (size_t)f->num;
        unsigned char *b = malloc(n ? n : 1);
        if (!b)
            break;
        int text = r->action == SIM_SEND && (strstr(r->ctype, "json") || strstr(r->ctype, "text"));
        size_t keep = r->action == SIM_SEND ? (r->len < n ? r->len : n) : 0;
        if (keep && r->src && r->src->read(r->src, b, keep) != 0)
            keep = 0;
        else if (keep && !r->src)
            memcpy(b, r->body, keep);
        memset(b + keep, text ? ' ' : 0, n - keep);
        char ct[128];
        snprintf(ct, sizeof ct, "%s", r->action == SIM_SEND ? r->ctype : "application/json");
        api_bytes(r, ct, b, n);
        break;
    }
    case FAULT_SQUOTE:
        api_text(r, "application/json", "{'status': 'success'}");
        break;
    default:
        break;
    }
}

/* ---- entry ---------------------------------------------------------------- */

void sim_routes_handle(void *ud, const sim_req *req, sim_resp *r)
{
    sim_ctx *ctx = ud;
    r->cors = ctx->set.cors;
    /* absolute-form targets: urlparse takes the path after the authority */
    const char *t = req->target;
    if (strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) {
        const char *s = strchr(strstr(t, "//") + 2, '/');
        t = s ? s : "/";
    }
    char *path = strdup(t);
    if (!path) {
        r->action = SIM_DROP;
        return;
    }
    char *hash = strchr(path, '#');
    if (hash)
        *hash = '\0';
    char *query = strchr(path, '?');
    if (query)
        *query++ = '\0';

    if (strncmp(path, "/__sim/", 7) == 0) {
        control_handler(ctx, req, path, query, r);
        free(path);
        return;
    }
    if (strcmp(req->method, "OPTIONS") == 0) {
        /* 5.8 added the pre-flight answer; older versions ignore OPTIONS */
        int v58 = ctx->set.major > 5 || (ctx->set.major == 5 && ctx->set.minor >= 8);
        r->action = v58 ? SIM_OPTIONS : SIM_SILENT;
        free(path);
        return;
    }
    const sim_fault *f = sim_faults_match(&ctx->faults, req->target);
    if (f) {
        r->fault = sim_fault_name(f->kind);
        switch (f->kind) {
        case FAULT_HANG:  r->action = SIM_SILENT; free(path); return;
        case FAULT_CLOSE: r->action = SIM_DROP; free(path); return;
        case FAULT_404:   r->action = SIM_BARE404; free(path); return;
        case FAULT_500:
            api_error(r, "%s", f->arg[0] ? f->arg : "injected fault");
            free(path);
            return;
        default:
            break;
        }
    }

    int slicer = ctx->set.slicer_api && slicer_confidence(path);
    int dicom = ctx->set.dicomweb && strncmp(path, "/dicom", 6) == 0;
    if (slicer)
        slicer_handler(ctx, req, path, query, r);
    else if (dicom)
        dicom_handler(path, r);
    else if (ctx->set.static_pages)
        static_handler(path, r);
    else
        r->action = SIM_BARE404;
    if (f)
        apply_late_fault(f, r);
    free(path);
}
