/* sim_volumes: the volume endpoints: /volumes (getNodes dicts keyed by
 * name), /volume download (NRRD) and upload (Slicer's header checks and
 * single-quoted answer), /sampledata (never downloads) and
 * /volumeSelection (with its unbound-local bug) (§4.11, 4.12, 4.18, 4.19). */
#include "sim_routes.h"
#include "sim_pyjson.h"
#include "sim_nrrdfile.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE_UNPACK "cannot unpack non-iterable NoneType object"

/* ---- volumes and volume ---------------------------------------------------- */

/* getNodes(a) then dict.update(getNodes(b)): keyed by name. */
int api_merged_nodes(sim_scene *sc, const char *a, const char *b, sim_node ***out)
{
    sim_node **x, **y;
    int nx = sim_scene_get_nodes(sc, a, &x);
    int ny = b ? sim_scene_get_nodes(sc, b, &y) : 0;
    if (nx < 0 || ny < 0) {
        if (nx >= 0) free(x);
        if (ny >= 0 && b) free(y);
        return -1;
    }
    sim_node **r = calloc((size_t)(nx + ny) + 1, sizeof *r);
    int k = 0;
    for (int i = 0; r && i < nx + ny; i++) {
        sim_node *n = i < nx ? x[i] : y[i - nx];
        int j;
        for (j = 0; j < k; j++)
            if (strcmp(r[j]->name, n->name) == 0)
                break;
        r[j] = n;
        if (j == k)
            k++;
    }
    free(x);
    if (b)
        free(y);
    *out = r;
    return r ? k : -1;
}

void api_name_id_list(sim_call *c, sim_resp *r, const char *a, const char *b)
{
    sim_node **nodes;
    int n = api_merged_nodes(c->ctx->scene, a, b, &nodes);
    if (n < 0) {
        api_error(r, "out of memory");
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", nodes[i]->name);
        cJSON_AddStringToObject(o, "id", nodes[i]->id);
        cJSON_AddItemToArray(arr, o);
    }
    free(nodes);
    api_json(r, arr);
}

void api_volumes(sim_call *c, sim_resp *r)
{
    api_name_id_list(c, r, "vtkMRMLScalarVolumeNode*", "vtkMRMLLabelMapVolumeNode*");
}

/* The value of "key: value" in an NRRD header (Slicer takes the text two
 * characters after the first colon); NULL if absent. */
static const char *nrrd_field(char *const *keys, char *const *vals, int n, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            v = vals[i];             /* later lines overwrite, like the dict */
    return v;
}

static void volume_post(sim_call *c, sim_resp *r, const char *id)
{
    const unsigned char *b = c->body;
    size_t n = c->body_len;
    if (n < 4 || memcmp(b, "NRRD", 4) != 0) {
        char *rep = pyj_bytes_repr(b, n < 4 ? n : 4);
        api_error(r, "Cannot load non-nrrd file (magic is %s)", rep ? rep : "");
        free(rep);
        return;
    }
    const unsigned char *end = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (b[i] == '\n' && b[i + 1] == '\n') {
            end = b + i;
            break;
        }
    size_t hl = end ? (size_t)(end - b) : n - 1;   /* find() == -1 cuts the last byte */
    char *head = malloc(hl + 1);
    if (!head) {
        api_error(r, "out of memory");
        return;
    }
    memcpy(head, b, hl);
    head[hl] = '\0';
    char *keys[64], *vals[64];
    int nf = 0;
    for (char *line = head, *next; line && nf < 64; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        keys[nf] = line;
        vals[nf] = colon[1] ? colon + 2 : colon + 1;
        nf++;
    }
    static const char *const req[] = { "type", "dimension", "endian", "encoding", "space" };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (!nrrd_field(keys, vals, nf, req[i])) {
            api_error(r, "b'%s'", req[i]);      /* KeyError(b'type') */
            free(head);
            return;
        }
    }
    const char *type = nrrd_field(keys, vals, nf, "type");
    int v58 = c->ctx->set.major > 5 || (c->ctx->set.major == 5 && c->ctx->set.minor >= 8);
    static const char *const shorts[] = { "short", "short int", "signed short",
                                          "signed short int", "int16", "int16_t" };
    int ok = 0;
    for (size_t i = 0; i < (v58 ? 6u : 1u); i++)
        ok |= strcmp(type, shorts[i]) == 0;
    const char *msg = NULL;
    if (!ok) msg = "Can only read short volumes";
    else if (strcmp(nrrd_field(keys, vals, nf, "dimension"), "3")) msg = "Can only read 3D, 1 component volumes";
    else if (strcmp(nrrd_field(keys, vals, nf, "endian"), "little")) msg = "Can only read little endian";
    else if (strcmp(nrrd_field(keys, vals, nf, "encoding"), "raw")) msg = "Can only read raw encoding";
    else if (strcmp(nrrd_field(keys, vals, nf, "space"), "left-posterior-superior")) msg = "Can only read space in LPS";
    const char *sizes = msg ? NULL : nrrd_field(keys, vals, nf, "sizes");
    const char *dirs = msg ? NULL : nrrd_field(keys, vals, nf, "space directions");
    const char *orig = msg ? NULL : nrrd_field(keys, vals, nf, "space origin");
    if (!msg && (!sizes || !dirs || !orig)) {
        api_error(r, "b'%s'", !sizes ? "sizes" : !dirs ? "space directions" : "space origin");
        free(head);
        return;
    }
    int dims[3];
    double o[3], d[3][3];
    if (!msg && (sscanf(sizes, "%d %d %d", &dims[0], &dims[1], &dims[2]) != 3 ||
                 dims[0] <= 0 || dims[1] <= 0 || dims[2] <= 0 ||
                 (double)dims[0] * dims[1] * dims[2] > 1e9))
        msg = "invalid literal for int() with base 10";
    if (!msg && sscanf(orig, " (%lf,%lf,%lf)", &o[0], &o[1], &o[2]) != 3)
        msg = "could not convert string to float";
    if (!msg && sscanf(dirs, " (%lf,%lf,%lf) (%lf,%lf,%lf) (%lf,%lf,%lf)",
                       &d[0][0], &d[0][1], &d[0][2], &d[1][0], &d[1][1], &d[1][2],
                       &d[2][0], &d[2][1], &d[2][2]) != 9)
        msg = "could not convert string to float";
    free(head);
    if (msg) {
        api_error(r, "%s", msg);
        return;
    }
    size_t data = end ? n - hl - 2 : n - 1, want = (size_t)dims[0] * dims[1] * dims[2];
    if (data % 2) {
        api_error(r, "buffer size must be a multiple of element size");
        return;
    }
    if (data / 2 != want || !end) {
        api_error(r, "cannot reshape array of size %zu into shape (%d,%d,%d)", data / 2,
                  dims[2], dims[1], dims[0]);
        return;
    }
    sim_volume *v = calloc(1, sizeof *v);
    short *vox = malloc(want * 2 + 1);
    if (!v || !vox) {
        free(v);
        free(vox);
        api_error(r, "out of memory");
        return;
    }
    memcpy(vox, end + 2, want * 2);
    for (int a = 0; a < 3; a++) {
        v->dims[a] = dims[a];
        double len = sqrt(d[a][0] * d[a][0] + d[a][1] * d[a][1] + d[a][2] * d[a][2]);
        v->spacing[a] = len > 0 ? len : 1;
        v->dirs[a][0] = len > 0 ? -d[a][0] / len : (a == 0);
        v->dirs[a][1] = len > 0 ? -d[a][1] / len : (a == 1);
        v->dirs[a][2] = len > 0 ? d[a][2] / len : (a == 2);
    }
    v->origin[0] = -o[0];
    v->origin[1] = -o[1];
    v->origin[2] = o[2];
    v->scalar = SIM_SHORT;
    v->voxels = vox;
    v->window = 400;
    v->level = 200;
    sim_scene *sc = c->ctx->scene;
    sim_node **found;
    int nfound = sim_scene_get_nodes(sc, id, &found);
    sim_node *node = nfound > 0 ? found[0] : NULL;
    if (nfound >= 0)
        free(found);
    if (node && node->vol) {
        v->window = node->vol->window;
        v->level = node->vol->level;
        sim_volume_free(node->vol);
        free(node->vol);
        node->vol = v;
        sim_scene_touch(sc, node);
    } else {
        node = sim_scene_add_volume(sc, v, "vtkMRMLScalarVolumeNode", id, NULL);
        if (!node) {
            api_error(r, "out of memory");
            return;
        }
    }
    sim_scene_set_background(sc, node->id);
    api_text(r, "application/json", "{'status': 'success'}");
}

/* GET /slicer/volume's NRRD, made as the socket takes it from a pinned
 * volume, so a 2 GiB volume never needs a second 2 GiB buffer.  Real
 * Slicer builds the whole file in memory first (getNRRD(): tobytes() of
 * the array, then the header prepended, WebServerLib/SlicerRequestHandler.py);
 * the bytes and the Content-Length sent are the same. */
typedef struct {
    sim_body_src src;
    const sim_volume *vol;          /* pinned */
    char head[SIM_NRRD_HEAD_MAX];
    size_t head_len, pos;           /* pos: bytes read so far */
} nrrd_src;

static int nrrd_src_read(sim_body_src *base, unsigned char *dst, size_t n)
{
    nrrd_src *s = (nrrd_src *)base;
    size_t vb = sim_nrrd_value_bytes(s->vol);
    while (n > 0) {
        size_t k;
        if (s->pos < s->head_len) {
            k = s->head_len - s->pos < n ? s->head_len - s->pos : n;
            memcpy(dst, s->head + s->pos, k);
        } else {
            size_t off = s->pos - s->head_len, first = off / vb, skip = off % vb;
            if (skip || n < vb) {
                /* a chunk edge splits this value */
                unsigned char one[8];
                sim_nrrd_values(s->vol, first, 1, one);
                k = vb - skip < n ? vb - skip : n;
                memcpy(dst, one + skip, k);
            } else {
                k = n / vb * vb;
                sim_nrrd_values(s->vol, first, k / vb, dst);
            }
        }
        s->pos += k;
        dst += k;
        n -= k;
    }
    return 0;
}

static void nrrd_src_done(sim_body_src *base)
{
    nrrd_src *s = (nrrd_src *)base;
    sim_volume_unpin(s->vol);
    free(s);
}

void api_volume(sim_call *c, sim_resp *r)
{
    char *id = api_qstrip(c, "id");
    const char *pat = id ? id : "vtkMRMLScalarVolumeNode*";
    if (c->body_len > 0) {
        volume_post(c, r, pat);
        free(id);
        return;
    }
    sim_node *n = api_get_node(c, pat, r);
    free(id);
    if (!n)
        return;
    if (sim_node_isa(n, "vtkMRMLSegmentationNode")) {
        /* getNRRD calls slicer.util.array(id) first (Base/Python/slicer/
         * util.py), which has no accessor for a segmentation and raises */
        api_error(r, "Cannot get node %s as array", n->id);
        return;
    }
    if (!n->vol || !sim_node_isa(n, "vtkMRMLScalarVolumeNode")) {
        api_error(r, NONE_UNPACK);
        return;
    }
    nrrd_src *s = calloc(1, sizeof *s);
    s->head_len = s ? sim_nrrd_head(n->vol, s->head, sizeof s->head) : 0;
    if (!s || s->head_len == 0 || !(s->vol = sim_volume_pin(n->vol))) {
        free(s);
        api_error(r, "Cannot get node %s as array", n->name);
        return;
    }
    s->src.read = nrrd_src_read;
    s->src.done = nrrd_src_done;
    api_bytes(r, "application/octet-stream", NULL, 0);
    r->src = &s->src;
    const int *d = s->vol->dims;
    r->len = s->head_len + (size_t)d[0] * (size_t)d[1] * (size_t)d[2] * sim_nrrd_value_bytes(s->vol);
}

/* ---- sampledata and volumeSelection --------------------------------------- */

void api_sampledata(sim_call *c, sim_resp *r)
{
    static const char *const known[] = {
        "MRHead", "CTChest", "CTACardio", "DTIBrain", "MRBrainTumor1", "MRBrainTumor2",
        "BaselineVolume", "FollowUpVolume", "CTPCardioSeq", "CTCardioSeq",
        "CBCTDentalSurgery", "MRUSProstate", "CTMRBrain", "TinyPatient",
    };
    c->ctx->sampledata_requests++;
    char *name = api_qstrip(c, "name");
    if (!name) {
        api_error(r, "sampledata name was not specified");
        return;
    }
    int k = -1;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i], name) == 0)
            k = (int)i;
    if (k < 0) {
        api_error(r, "sampledata %s was not found", name);
    } else {
        /* never downloads: the phantom head stands in for every sample */
        sim_node *n = sim_scene_add_phantom(c->ctx->scene, name);
        if (!n) {
            api_error(r, "out of memory");
        } else {
            sim_scene_set_background(c->ctx->scene, n->id);
            char msg[256];
            snprintf(msg, sizeof msg, "Sample data %s loaded", name);
            api_text(r, "text/plain", msg);
        }
    }
    free(name);
}

void api_volume_selection(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    char *cmd = api_qstrip(c, "cmd");
    for (char *p = cmd; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    int prev = cmd && strcmp(cmd, "previous") == 0;
    free(cmd);
    if (!sc->bg_id[0]) {
        /* `nodes` is only bound when a volume is active */
        int py312 = c->ctx->set.major > 5 || (c->ctx->set.major == 5 && c->ctx->set.minor >= 10);
        api_error(r, py312 ? "cannot access local variable 'nodes' where it is not associated "
                             "with a value"
                           : "local variable 'nodes' referenced before assignment");
        return;
    }
    sim_node **nodes;
    int n = sim_scene_get_nodes(sc, "vtkMRML*VolumeNode*", &nodes);
    if (n <= 0) {
        if (n == 0)
            free(nodes);
        api_error(r, "integer division or modulo by zero");
        return;
    }
    int cur = 0;
    while (cur < n && strcmp(nodes[cur]->id, sc->bg_id) != 0)
        cur++;
    if (cur >= n)
        cur = 0;
    int next = ((prev ? cur - 1 : cur + 1) % n + n) % n;
    snprintf(sc->bg_id, sizeof sc->bg_id, "%s", nodes[next]->id);  /* no fit */
    free(nodes);
    api_text(r, "text/plain", "Volume selected");
}


/* ---- POST /mrml filetype=VolumeFile ---------------------------------------- */

sim_node *api_load_volume_file(sim_call *c, const char *path, char *why, size_t wn)
{
    int label = sim_qt_to_bool(sim_query_get(&c->q, "labelmap"));
    const char *tag = label ? "LabelMapVolume" : "Volume";
    char detail[512] = "";
    sim_nrrd_file f;
    sim_volume *v = NULL;
    if (sim_nrrd_open(path, &f, detail, sizeof detail) == 0)
        v = sim_nrrd_volume(&f, detail, sizeof detail);
    sim_nrrd_close(&f);
    if (!v) {
        snprintf(why, wn, "Error: Cannot read '%s' file as a volume of type '%s'. Details: %s.\n",
                 path, tag, detail);
        return NULL;
    }
    /* qSlicerVolumesReader: name= or QFileInfo::baseName (up to the first dot) */
    const char *name = sim_query_get(&c->q, "name");
    char base[256];
    if (!name) {
        const char *slash = strrchr(path, '/');
        snprintf(base, sizeof base, "%s", slash ? slash + 1 : path);
        base[strcspn(base, ".")] = '\0';
        name = base;
    }
    sim_node *node = sim_scene_add_volume(c->ctx->scene, v,
        label ? "vtkMRMLLabelMapVolumeNode" : "vtkMRMLScalarVolumeNode", name, path);
    if (!node) {
        sim_volume_free(v);
        free(v);
        snprintf(why, wn, "out of memory");
        return NULL;
    }
    /* qSlicerVolumesReader::load (Modules/Loadable/Volumes): show (default
     * true) makes a labelmap the selection node's active label volume and a
     * scalar volume its active volume, then PropagateVolumeSelection puts
     * them in every slice composite node (and fits to the background) */
    if (!sim_query_get(&c->q, "show") || sim_qt_to_bool(sim_query_get(&c->q, "show"))) {
        if (label)
            sim_scene_set_label(c->ctx->scene, node->id);
        else
            sim_scene_set_background(c->ctx->scene, node->id);
    }
    return node;
}
