/* adapters_labels: get_label_statistics (see the header). */
#include "slicer/adapters_labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/labelstat.h"
#include "slicer/volfetch.h"
#include "slicer/voxgrid.h"

#define LABELS_MAX       1000           /* distinct non-zero labels */
#define LABELS_MAX_RUNS  (1u << 24)     /* runs of equal labels kept for the source pass */

typedef struct {
    uint16_t slot;              /* 0: background, else label slot + 1 */
    uint32_t len;
} label_run;

typedef struct {
    const char *label_id, *source_id;
    int pass;                   /* 0 labels, 1 source */
    nrrd_header h;
    voxgrid g;
    int16_t slot_of[65536];     /* label value + 32768 -> slot + 1, 0 unseen */
    int values[LABELS_MAX];     /* label value of each slot */
    labelstat st[LABELS_MAX];
    int nlabels;
    /* runs, in voxel order */
    label_run *runs;
    size_t nruns, cap;
    size_t at;                  /* source pass: current run and voxels left in it */
    uint32_t left;
} lab_run;

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    lab_run *s = ud;
    if (s->pass == 0) {
        s->h = *h;
        return voxgrid_from_nrrd(h, &s->g, e);
    }
    voxgrid src;
    char why[300];
    if (voxgrid_from_nrrd(h, &src, e) != 0)
        return -1;
    if (!voxgrid_same(&s->g, &src, why, sizeof why))
        return err_set(e, ERR_INVALID, "The labelmap %s and the source %s are not on the same "
                       "voxel grid (%s), so their voxels do not pair up. Give a source with the "
                       "labelmap's grid (a labelmap made by segment_region has its source's), "
                       "or leave source_id out.", s->label_id, s->source_id, why);
    s->h.type = h->type;
    s->h.voxel_size = h->voxel_size;
    s->at = 0;
    s->left = s->nruns ? s->runs[0].len : 0;
    return 0;
}

/* Slot + 1 of label value v, made on first sight; -1 with e past the cap. */
static int slot_for(lab_run *s, double v, err *e)
{
    if (v != floor(v) || v < -32768 || v > 32767)
        return err_set(e, ERR_INVALID, "%s holds the value %g, not a whole label number.",
                       s->label_id, v);
    int16_t *p = &s->slot_of[(int)v + 32768];
    if (*p == 0) {
        if (s->nlabels == LABELS_MAX)
            return err_set(e, ERR_INVALID, "%s holds more than %d distinct labels.",
                           s->label_id, LABELS_MAX);
        s->values[s->nlabels] = (int)v;
        *p = (int16_t)++s->nlabels;
    }
    return *p;
}

static int add_run(lab_run *s, uint16_t slot, err *e)
{
    if (s->nruns > 0 && s->runs[s->nruns - 1].slot == slot &&
        s->runs[s->nruns - 1].len < UINT32_MAX) {
        s->runs[s->nruns - 1].len++;
        return 0;
    }
    if (s->nruns == s->cap) {
        if (s->cap >= LABELS_MAX_RUNS)
            return err_set(e, ERR_INVALID, "%s is too fragmented to pair with a source (more "
                           "than %u runs of equal labels); leave source_id out.", s->label_id,
                           LABELS_MAX_RUNS);
        size_t cap = s->cap ? s->cap * 2 : 4096;
        label_run *r = realloc(s->runs, cap * sizeof *r);
        if (!r)
            return err_set(e, ERR_INTERNAL, "out of memory");
        s->runs = r;
        s->cap = cap;
    }
    s->runs[s->nruns++] = (label_run){ slot, 1 };
    return 0;
}

static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    lab_run *s = ud;
    if (s->pass == 1) {
        for (size_t n = 0; n < count; n++) {
            while (s->left == 0 && s->at + 1 < s->nruns)
                s->left = s->runs[++s->at].len;
            if (s->left == 0)
                return 0;          /* more voxels than labels: the grid check prevents it */
            s->left--;
            uint16_t slot = s->runs[s->at].slot;
            if (slot)
                labelstat_value(&s->st[slot - 1],
                                voxgrid_value(s->h.type, raw + n * s->h.voxel_size));
        }
        return 0;
    }
    uint64_t d0 = s->g.dims[0], d1 = s->g.dims[1];
    long i = (long)(first % d0), j = (long)(first / d0 % d1), k = (long)(first / d0 / d1);
    for (size_t n = 0; n < count; n++) {
        double v = voxgrid_value(s->h.type, raw + n * s->h.voxel_size);
        int slot = 0;
        if (v != 0 && (slot = slot_for(s, v, e)) < 0)
            return -1;
        if (slot)
            labelstat_voxel(&s->st[slot - 1], i, j, k);
        if (s->source_id && add_run(s, (uint16_t)slot, e) != 0)
            return -1;
        if (++i == (long)d0) {
            i = 0;
            if (++j == (long)d1) {
                j = 0;
                k++;
            }
        }
    }
    return 0;
}

static cJSON *result_json(const lab_run *s, uint64_t bytes)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "node_id", s->label_id);
    if (s->source_id)
        cJSON_AddStringToObject(o, "source_id", s->source_id);
    cJSON_AddNumberToObject(o, "voxel_mm3", s->g.voxel_mm3);
    cJSON_AddNumberToObject(o, "label_count", s->nlabels);
    cJSON *arr = cJSON_AddArrayToObject(o, "labels");
    /* by label value: walk the value table, which is in order */
    for (int v = 0; v < 65536; v++) {
        int slot = s->slot_of[v];
        if (!slot)
            continue;
        cJSON *l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "label", s->values[slot - 1]);
        labelstat_json(&s->st[slot - 1], &s->g, 1, l);
        cJSON_AddItemToArray(arr, l);
    }
    cJSON_AddNumberToObject(o, "bytes_read", (double)bytes);
    return o;
}

int adapter_label_stats(call_ctx *c, err *e)
{
    const cJSON *jid = cJSON_GetObjectItemCaseSensitive(c->args, "node_id");
    const cJSON *jsrc = cJSON_GetObjectItemCaseSensitive(c->args, "source_id");
    if (!cJSON_IsString(jid))
        return call_fail(c, "node_id is required");
    lab_run *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, ERR_INTERNAL, "out of memory");
    s->label_id = jid->valuestring;
    s->source_id = cJSON_IsString(jsrc) ? jsrc->valuestring : NULL;
    volfetch f = { .on_header = on_header, .on_voxels = on_voxels, .ud = s };
    int rc = volfetch_run(c, s->label_id, &f, e);
    uint64_t bytes = f.bytes;
    if (rc == 0 && s->source_id) {
        s->pass = 1;
        rc = volfetch_run(c, s->source_id, &f, e);
        bytes += f.bytes;
    }
    if (rc == 0) {
        cJSON *res = result_json(s, bytes);
        rc = res ? call_set_structured(c, res) : -1;
        if (rc != 0)
            err_set(e, ERR_INTERNAL, "out of memory");
    }
    free(s->runs);
    free(s);
    return rc < 0 ? -1 : 0;
}
