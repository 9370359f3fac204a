/* sim_mrml: the /slicer/system and /slicer/mrml endpoints: version,
 * quit (recorded only), node listing and properties, save (answers only),
 * load (.mrk.json parsed for real), reload and delete/clear (§4.1-4.3). */
#include "sim_routes.h"
#include "sim_markups.h"
#include "sim_props.h"
#include "sim_pyjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_MATCH "No nodes matched the filter criteria"
#define NEED_FILE "Required `url` or `localfile` query parameter is missing in `mrml` request"

/* ---- system ------------------------------------------------------------- */

void api_system(sim_call *c, sim_resp *r)
{
    if (strcmp(c->method, "DELETE") == 0) {
        /* real Slicer quits a second later; the stand-in only records it */
        c->ctx->quit_requests++;
        api_text(r, "application/json", "{\"success\": true}");
        return;
    }
    if (strcmp(c->path, "/system/version") != 0) {
        api_error(r, "cannot unpack non-iterable NoneType object");
        return;
    }
    const sim_settings *s = &c->ctx->set;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "applicationName", "Slicer");
    cJSON_AddStringToObject(o, "applicationDisplayName", "3D Slicer");
    cJSON_AddStringToObject(o, "applicationVersion", s->version);
    cJSON_AddStringToObject(o, "releaseType", "Stable");
    cJSON_AddStringToObject(o, "repositoryUrl", "https://github.com/Slicer/Slicer");
    cJSON_AddStringToObject(o, "repositoryBranch", "main");
    cJSON_AddStringToObject(o, "revision", "33241");
    cJSON_AddNumberToObject(o, "majorVersion", s->major);
    cJSON_AddNumberToObject(o, "minorVersion", s->minor);
    cJSON_AddStringToObject(o, "arch", "amd64");
    cJSON_AddStringToObject(o, "os", "linux");
    cJSON_AddFalseToObject(o, "isCustomMainApplication");
    cJSON_AddStringToObject(o, "mainApplicationName", "Slicer");
    cJSON_AddStringToObject(o, "mainApplicationRepositoryUrl", "https://github.com/Slicer/Slicer");
    cJSON_AddStringToObject(o, "mainApplicationRepositoryRevision",
                            "f1fbd5e6c9d8b8cf2c1a3f5e4b7a9d0c2e4f6a8b");
    cJSON_AddStringToObject(o, "mainApplicationRevision", "33241");
    cJSON_AddNumberToObject(o, "mainApplicationMajorVersion", s->major);
    cJSON_AddNumberToObject(o, "mainApplicationMinorVersion", s->minor);
    cJSON_AddNumberToObject(o, "mainApplicationPatchVersion", s->patch);
    api_json(r, o);
}

/* ---- mrml --------------------------------------------------------------- */

/* getNodesFilteredByQuery: id wins over class and name.  Returns the
 * count (out is caller-freed), -1 on OOM; *any tells whether id, class or
 * name was given. */
static int select_nodes(sim_call *c, sim_node ***out, int *any)
{
    sim_scene *sc = c->ctx->scene;
    char *id = api_qstrip(c, "id"), *cls = api_qstrip(c, "class"), *name = api_qstrip(c, "name");
    *any = id || cls || name;
    sim_node **r = calloc(sc->n + 1, sizeof *r);
    int k = 0;
    if (r && id) {
        sim_node *n = sim_scene_by_id(sc, id);
        if (n)
            r[k++] = n;
    } else if (r) {
        for (size_t i = 0; i < sc->n; i++) {
            sim_node *n = sc->nodes[i];
            if (!sim_node_isa(n, cls ? cls : "vtkMRMLNode"))
                continue;
            if (name && strcmp(n->name, name) != 0)
                continue;
            r[k++] = n;
        }
    }
    free(id);
    free(cls);
    free(name);
    *out = r;
    return r ? k : -1;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The local path named by localfile= or url=file://; NULL if neither. */
static char *file_param(sim_call *c, int *is_url)
{
    const char *url = sim_query_get(&c->q, "url");
    const char *lf = sim_query_get(&c->q, "localfile");
    *is_url = url != NULL;
    if (url)
        return strdup(strncmp(url, "file://", 7) == 0 ? url + 7 : url);
    return lf ? strdup(lf) : NULL;
}

static void mrml_file(sim_call *c, sim_resp *r)
{
    int is_url;
    char *file = file_param(c, &is_url);
    if (!file) {
        api_error(r, NEED_FILE);
        return;
    }
    sim_node **nodes;
    int any, n = select_nodes(c, &nodes, &any);
    if (n == 0)
        api_error(r, NO_MATCH);
    else if (n > 1)
        api_error(r, "/mrml/file can only be used for a single node");
    else if (n > 0) {
        static const char *const exts[] = {
            ".nrrd", ".nhdr", ".nii", ".nii.gz", ".mha", ".mhd", ".hdr", ".vtk", ".vtp",
            ".stl", ".obj", ".ply", ".mrk.json", ".json", ".fcsv", ".seg.nrrd", ".h5",
            ".tfm", ".txt", ".csv", ".tsv", ".mrml", ".mrb", ".png", ".jpg", ".tif",
        };
        int known = sim_query_get(&c->q, "fileFormat") != NULL;
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
            known |= has_suffix(file, exts[i]);
        if (!known)
            api_error(r, "Failed to export %s - no known file format was found for filename %s",
                      nodes[0]->id, file);
        else
            api_text(r, "application/json", "{\"success\": true}");  /* nothing written */
    } else {
        api_error(r, "out of memory");
    }
    free(nodes);
    free(file);
}

static void mrml_load(sim_call *c, sim_resp *r)
{
    const char *url = sim_query_get(&c->q, "url");
    if (url && strncmp(url, "slicer://", 9) == 0) {
        api_text(r, "application/json", "{\"status\": \"success\"}");
        return;
    }
    int is_url;
    char *file = file_param(c, &is_url);
    if (!file) {
        api_error(r, NEED_FILE);
        return;
    }
    const char *ft = sim_query_get(&c->q, "filetype");
    if (!ft) {
        api_error(r, "'filetype'");
        free(file);
        return;
    }
    sim_node *n = NULL;
    char why[1024] = "";
    if (is_url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)) {
        c->ctx->downloads_refused++;       /* recorded, never downloaded */
    } else if (strcmp(ft, "MarkupsFile") == 0) {
        n = sim_markups_load(c->ctx->scene, file, sim_query_get(&c->q, "name"));
    } else if (strcmp(ft, "VolumeFile") == 0) {
        n = api_load_volume_file(c, file, why, sizeof why);
    } else if (strcmp(ft, "SegmentationFile") == 0) {
        n = api_load_segmentation_file(c, file, why, sizeof why);
    }
    if (!n) {
        /* slicer.util.loadNodeFromFile: the user messages follow on new lines */
        api_error(r, "Failed to load node from file: %s%s%s", file, why[0] ? "\n" : "", why);
    } else {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddTrueToObject(o, "success");
        cJSON *ids = cJSON_AddArrayToObject(o, "loadedNodeIDs");
        cJSON_AddItemToArray(ids, cJSON_CreateString(n->id));
        api_json(r, o);
    }
    free(file);
}

void api_mrml(sim_call *c, sim_resp *r)
{
    if (strcmp(c->method, "POST") == 0) {
        mrml_load(c, r);
        return;
    }
    sim_node **nodes = NULL;
    int any = 0, n;
    if (strcmp(c->method, "DELETE") == 0) {
        n = select_nodes(c, &nodes, &any);
        if (!any) {
            sim_scene_clear(c->ctx->scene);
            api_text(r, "application/json", "{\"success\": true}");
        } else if (n <= 0) {
            api_error(r, NO_MATCH);
        } else {
            for (int i = 0; i < n; i++)
                sim_scene_remove(c->ctx->scene, nodes[i]);
            api_text(r, "application/json", "{\"success\": true}");
        }
        free(nodes);
        return;
    }
    if (strcmp(c->method, "PUT") == 0) {
        n = select_nodes(c, &nodes, &any);
        if (n <= 0) {
            api_error(r, NO_MATCH);
        } else {
            cJSON *o = cJSON_CreateObject(), *ids = cJSON_CreateArray();
            for (int i = 0; i < n; i++)
                if (nodes[i]->storage_id)
                    cJSON_AddItemToArray(ids, cJSON_CreateString(nodes[i]->id));
            cJSON_AddBoolToObject(o, "success", cJSON_GetArraySize(ids) > 0);
            if (cJSON_GetArraySize(ids) > 0)
                cJSON_AddItemToObject(o, "reloadedNodeIDs", ids);
            else
                cJSON_Delete(ids);
            api_json(r, o);
        }
        free(nodes);
        return;
    }
    const char *p = c->path;
    int names = strcmp(p, "/mrml") == 0 || strcmp(p, "/mrml/names") == 0;
    int ids = strcmp(p, "/mrml/ids") == 0, props = strcmp(p, "/mrml/properties") == 0;
    if (strcmp(p, "/mrml/file") == 0) {
        mrml_file(c, r);
        return;
    }
    if (!names && !ids && !props) {
        api_error(r, "Invalid path: %s", p);
        return;
    }
    n = select_nodes(c, &nodes, &any);
    if (n < 0) {
        api_error(r, "out of memory");
        return;
    }
    if (props && n == 0) {
        api_error(r, NO_MATCH);
        free(nodes);
        return;
    }
    cJSON *o = props ? cJSON_CreateObject() : cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        if (props)
            cJSON_AddItemToObject(o, nodes[i]->id, sim_props_node(c->ctx->scene, nodes[i]));
        else
            cJSON_AddItemToArray(o, cJSON_CreateString(names ? nodes[i]->name : nodes[i]->id));
    }
    free(nodes);
    api_json(r, o);
}

