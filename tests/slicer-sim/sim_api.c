/* sim_api: the remaining /slicer endpoints: fiducials, fiducial (index
 * bug, out-of-range success), segmentations, tracking, grid transforms,
 * accessDICOMwebStudy (always 500) and exec (records, never runs)
 * (§4.4, 4.13-4.17, 4.20). */
#include "sim_routes.h"
#include "sim_pyjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fiducials ------------------------------------------------------------ */

void api_fiducials(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < sc->n; i++) {
        const sim_node *n = sc->nodes[i];
        if (!sim_node_isa(n, "vtkMRMLMarkupsFiducialNode"))
            continue;
        if (!n->display_id || !sim_scene_by_id(sc, n->display_id)) {
            cJSON_Delete(o);
            api_error(r, "'NoneType' object has no attribute 'GetSelectedColor'");
            return;
        }
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", n->name);
        cJSON_AddItemToObject(f, "color", pyj_float_array(n->selcolor, 3));
        cJSON_AddItemToObject(f, "scale", pyj_float(n->glyph));
        cJSON *ms = cJSON_AddArrayToObject(f, "markups");
        for (int k = 0; k < n->npts; k++) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddStringToObject(m, "label", n->pts[k].label);
            cJSON_AddItemToObject(m, "position", pyj_float_array(n->pts[k].pos, 3));
            cJSON_AddItemToArray(ms, m);
        }
        cJSON_AddItemToObject(o, n->id, f);
    }
    api_json(r, o);
}

int api_float_arg(const char *s, double *out, sim_resp *r)
{
    if (pyj_parse_float(s, out) == 0)
        return 0;
    char *rep = pyj_str_repr(s);
    api_error(r, "could not convert string to float: %s", rep ? rep : "''");
    free(rep);
    return -1;
}

void api_fiducial(sim_call *c, sim_resp *r)
{
    char *id = api_qstrip(c, "id");
    char *index = api_qstrip(c, "index");
    char *ras[3] = { api_qstrip(c, "r"), api_qstrip(c, "a"), api_qstrip(c, "s") };
    sim_node *n = api_get_node(c, id ? id : "vtkMRMLMarkupsFiducialNode*", r);
    double p[3] = { 0, 0, 0 };
    int ok = n != NULL;
    for (int i = 0; ok && i < 3; i++)
        if (ras[i] && api_float_arg(ras[i], &p[i], r) != 0)
            ok = 0;
    if (ok && !sim_node_isa(n, "vtkMRMLMarkupsNode")) {
        api_error(r, "'MRMLCore.%s' object has no attribute 'SetNthControlPointPosition'", n->cls);
        ok = 0;
    }
    if (ok && index) {
        /* the handler passes index on as a str: the VTK wrapper refuses it */
        api_error(r, "SetNthControlPointPosition argument 1: an integer is required "
                     "(got type str)");
        ok = 0;
    }
    if (ok) {
        if (n->npts > 0) {          /* out of range only logs a VTK error */
            memcpy(n->pts[0].pos, p, sizeof p);
            sim_scene_touch(c->ctx->scene, n);
        }
        api_text(r, "application/json", "{\"success\": true}");
    }
    free(id);
    free(index);
    for (int i = 0; i < 3; i++)
        free(ras[i]);
}

/* ---- segmentation (segmentations: sim_segfile.c) ----------------------------- */

void api_segmentation(sim_call *c, sim_resp *r)
{
    char *id = api_qstrip(c, "segmentationID");
    if (!id) {
        api_error(r, "'segmentationID'");
        return;
    }
    if (api_get_node(c, id, r))
        api_text(r, "application/json", "{\"result\": \"not implemented yet\"}");
    free(id);
}

/* ---- tracking, grid transforms, DICOMweb study ------------------------------- */

static int float_list(const char *s, double *out, int max, sim_resp *r)
{
    int n = 0;
    char *copy = strdup(s);
    if (!copy)
        return -1;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        double d;
        if (api_float_arg(p, &d, r) != 0) {
            free(copy);
            return -1;
        }
        if (n < max)
            out[n] = d;
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    free(copy);
    return n;
}

void api_tracking(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    double m[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, p[3] = { 0, 0, 0 }, q[4];
    const char *ms = sim_query_get(&c->q, "m"), *ps = sim_query_get(&c->q, "p");
    const char *qs = sim_query_get(&c->q, "q");
    int nm = ms ? float_list(ms, m, 9, r) : 9;
    int np = nm >= 0 && ps ? float_list(ps, p, 3, r) : 3;
    int nq = nm >= 0 && np >= 0 && qs ? float_list(qs, q, 4, r) : 4;
    if (nm < 0 || np < 0 || nq < 0)
        return;
    if (nm < 9 || np < 3 || nq < 4) {
        api_error(r, "list index out of range");
        return;
    }
    if (qs) {   /* W, X, Y, Z quaternion overrides the rotation */
        double w = q[0], x = q[1], y = q[2], z = q[3];
        double rm[9] = { 1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                         2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                         2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y) };
        memcpy(m, rm, sizeof m);
    }
    sim_node *t = NULL;
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->nodes[i]->name, "tracker") == 0 &&
            strcmp(sc->nodes[i]->cls, "vtkMRMLLinearTransformNode") == 0)
            t = sc->nodes[i];
    if (!t) {
        t = sim_scene_add(sc, "vtkMRMLLinearTransformNode", "tracker");
        sim_node *d = sim_scene_add(sc, "vtkMRMLModelDisplayNode", "");
        sim_node *model = sim_scene_add(sc, "vtkMRMLModelNode", "trackingDevice");
        if (!t || !d || !model) {
            api_error(r, "out of memory");
            return;
        }
        model->display_id = strdup(d->id);
        d->owner_id = strdup(model->id);
    }
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            t->matrix[i * 4 + j] = m[i * 3 + j];
        t->matrix[i * 4 + 3] = p[i];
    }
    t->matrix[12] = t->matrix[13] = t->matrix[14] = 0;
    t->matrix[15] = 1;
    sim_scene_touch(sc, t);
    api_text(r, "text/plain", "Set matrix");
}

void api_grid_transforms(sim_call *c, sim_resp *r)
{
    api_name_id_list(c, r, "vtkMRMLGridTransformNode*", NULL);
}

void api_grid_transform(sim_call *c, sim_resp *r)
{
    if (c->body_len > 0) {
        api_error(r, "POST griddtransform is not implemented");
        return;
    }
    char *id = api_qstrip(c, "id");
    sim_node *n = api_get_node(c, id ? id : "vtkMRMLGridTransformNode*", r);
    free(id);
    if (n)   /* the stand-in never holds grid transforms */
        api_error(r, "'NoneType' object has no attribute 'GetDisplacementGrid'");
}

void api_dicomweb_study(sim_call *c, sim_resp *r)
{
    cJSON *j = NULL;
    if (c->body_len) {
        char *t = malloc(c->body_len + 1);
        if (t) {
            memcpy(t, c->body, c->body_len);
            t[c->body_len] = '\0';
            j = cJSON_Parse(t);
            free(t);
        }
    }
    if (!j)
        api_error(r, "Expecting value: line 1 column 1 (char 0)");
    else
        api_error(r, "tuple indices must be integers or slices, not str");
    cJSON_Delete(j);
}

/* ---- exec ----------------------------------------------------------------------- */

void api_exec(sim_call *c, sim_resp *r)
{
    char *code = NULL;
    if (c->body_len > 0) {
        code = malloc(c->body_len + 1);
        if (code) {
            memcpy(code, c->body, c->body_len);
            code[c->body_len] = '\0';
        }
    } else {
        const char *src = sim_query_get(&c->q, "source");
        if (src)
            code = sim_unquote(src, 0);   /* parse_qs, then unquote again */
    }
    if (!code || !*code) {
        free(code);
        r->action = SIM_BARE404;
        return;
    }
    r->code = code;                       /* recorded in the log; never run */
    const char *res = c->ctx->exec_result ? c->ctx->exec_result : "{}";
    api_text(r, "application/json", res);
}

