/* segmask: the region rule of segment_region (an intensity range, an
 * optional RAS sphere or box bound) applied to a voxel grid row by row,
 * and the one-bit-per-voxel mask over the bound's IJK box with the
 * 6-connected flood fill from a seed.  A leaf module over voxgrid. */
#ifndef SEGMASK_H
#define SEGMASK_H

#include <stddef.h>
#include <stdint.h>
#include "slicer/voxgrid.h"
#include "util/err.h"

/* Entries of the flood fill's stack of pending runs (8 bytes each): it
 * holds runs not yet visited, which grows with the region's surface, not
 * the volume; a region past this is refused. */
#define SEGMASK_MAX_STACK (1u << 23)

typedef enum { SEG_BOUND_NONE, SEG_BOUND_SPHERE, SEG_BOUND_BOX } seg_bound;

typedef struct {
    double lower, upper;        /* inclusive; -INFINITY / INFINITY for one side */
    seg_bound bound;
    double center[3], radius;   /* SPHERE, RAS mm */
    double bmin[3], bmax[3];    /* BOX, RAS mm */
} seg_rule;

/* The voxels of row (j, k) whose centres are inside the bound: i0..i1
 * inclusive, clipped to the grid.  0 when the row has none. */
int seg_row_span(const voxgrid *g, const seg_rule *r, long j, long k, long *i0, long *i1);
/* The inclusive IJK box of every voxel inside the bound; 0 when none. */
int seg_bound_box(const voxgrid *g, const seg_rule *r, long lo[3], long hi[3]);
/* v inside the intensity range (NaN never is). */
static inline int seg_in_range(const seg_rule *r, double v)
{
    return v >= r->lower && v <= r->upper;
}

typedef struct segmask segmask;

/* A mask of the box lo..hi, all clear: (box voxels + 7) / 8 bytes.  NULL
 * with e on OOM. */
segmask *segmask_new(const long lo[3], const long hi[3], err *e);
void     segmask_free(segmask *m);
/* Grid indices; the voxel must lie in the box for set. */
void     segmask_set(segmask *m, const long idx[3]);
int      segmask_get(const segmask *m, const long idx[3]);   /* 0 outside the box */
/* Clears the 6-connected set component holding seed (which must be set):
 * afterwards the bits still set are the voxels in range but NOT connected
 * to the seed.  The number of voxels cleared, or -1 with e (ERR_LIMIT
 * when the stack cap is reached, ERR_INTERNAL on OOM). */
int64_t  segmask_fill_clear(segmask *m, const long seed[3], err *e);

#endif
