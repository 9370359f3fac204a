/* volfetch: streaming a volume's NRRD into an adapter (see volfetch.h). */
#include "slicer/volfetch.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    volfetch *f;
    nrrd_stream *s;
    int failed;                 /* the NRRD or a callback stopped the transfer */
    err e;
} fetch_run;

static int sink(void *ud, const void *data, size_t n, size_t total)
{
    (void)total;     /* progress is reported by the backend's tick */
    fetch_run *r = ud;
    if (nrrd_stream_feed(r->s, data, n, &r->e) != 0) {
        r->failed = 1;
        return 1;
    }
    return r->f->done;
}

/* Slicer's failure (decoded by call_slicer_stream) in the model's terms. */
static int slicer_failed(call_ctx *c, const err *ce, const char *id)
{
    char msg[900];
    if (ce->kind == ERR_NOT_FOUND)
        snprintf(msg, sizeof msg, "No volume has id '%.200s'. Call list_volumes to see the "
                 "volume ids.", id);
    else if (strstr(ce->msg, "as array") && strncmp(id, "vtkMRMLSegmentationNode", 23) == 0)
        /* slicer.util.array() in getNRRD (Base/Python/slicer/util.py) has no
         * accessor for a segmentation node and raises "Cannot get node ...
         * as array"; the Web Server has no other way to its voxels */
        snprintf(msg, sizeof msg, "Node '%.200s' is a segmentation: the Slicer Web Server "
                 "cannot send a segmentation's voxels (GET /slicer/volume reads volumes "
                 "only). To measure a region, make it with segment_region's output: "
                 "\"labelmap\" (the default) and pass that labelmap's id.", id);
    else if (strstr(ce->msg, "NoneType") || strstr(ce->msg, "as array"))
        snprintf(msg, sizeof msg, "Node '%.200s' is not a scalar volume or labelmap, so "
                 "Slicer cannot send its voxels. Call list_volumes to see the volume ids.", id);
    else
        return call_fail(c, ce->msg) == 0 ? 1 : -1;
    return call_fail(c, msg) == 0 ? 1 : -1;
}

static int unreadable(call_ctx *c, const char *id, const err *why)
{
    char m[1400];
    snprintf(m, sizeof m, "Slicer's volume for '%.200s' could not be read: %s", id, why->msg);
    return call_fail(c, m) == 0 ? 1 : -1;
}

int volfetch_run(call_ctx *c, const char *node_id, volfetch *f, err *e)
{
    fetch_run r = { .f = f };
    buf t;
    buf_init(&t, 4096);
    if (buf_puts(&t, "/slicer/volume") != 0 || call_query_add(&t, "id", node_id) != 0) {
        buf_free(&t);
        return call_fail(c, "node_id is too long") == 0 ? 1 : -1;
    }
    r.s = nrrd_stream_new(f->on_header, f->on_voxels, f->ud);
    if (!r.s) {
        buf_free(&t);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    err ce = { 0 };
    f->done = 0;
    int rc = call_slicer_stream(c, "GET", t.data, sink, &r, &ce);
    buf_free(&t);
    if (f->done && !r.failed) {
        rc = 0;
    } else if (rc != 0 && r.failed) {
        if (r.e.kind == ERR_INTERNAL)
            rc = err_set(e, ERR_INTERNAL, "%s", r.e.msg);
        else if (r.e.kind == ERR_INVALID)
            rc = call_fail(c, r.e.msg) == 0 ? 1 : -1;
        else
            rc = unreadable(c, node_id, &r.e);
    } else if (rc != 0) {
        rc = slicer_failed(c, &ce, node_id);
    } else if (nrrd_stream_finish(r.s, &r.e) != 0) {
        rc = unreadable(c, node_id, &r.e);
    }
    f->bytes = nrrd_stream_data_bytes(r.s);
    nrrd_stream_free(r.s);
    if (rc < 0 && e->kind == ERR_NONE)
        err_set(e, ERR_INTERNAL, "out of memory");
    return rc;
}
