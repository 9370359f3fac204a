/* volfetch: GET /slicer/volume?id=... streamed through the NRRD reader
 * into an adapter's callbacks as the bytes arrive (a volume is never held
 * in memory), with Slicer's and the stream's failures put in the terms a
 * model can act on.  Shared by the adapters that read voxels. */
#ifndef VOLFETCH_H
#define VOLFETCH_H

#include <stdint.h>
#include "slicer/call.h"
#include "slicer/nrrd.h"

typedef struct {
    nrrd_header_fn on_header;   /* see nrrd.h; a callback that fails with */
    nrrd_voxels_fn on_voxels;   /* ERR_INVALID has its message shown as is */
    void *ud;
    int done;                   /* a callback sets it once it needs no more
                                   voxels: the transfer stops and counts as read */
    uint64_t bytes;             /* out: voxel bytes received */
} volfetch;

/* Streams node_id's voxels into f's callbacks.  0 when the volume was
 * read (wholly, or up to done); 1 when the tool failed and c's result
 * says why (no such volume, not a scalar volume, an unreadable NRRD, a
 * callback's ERR_INVALID refusal); -1 with e when the gateway itself
 * failed (out of memory, ERR_INTERNAL from a callback). */
int volfetch_run(call_ctx *c, const char *node_id, volfetch *f, err *e);

#endif
