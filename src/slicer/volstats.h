/* volstats: one-pass statistics of a volume's voxels (min, max, mean,
 * standard deviation, percentiles, histogram) over the whole volume, an
 * IJK box or a RAS sphere, folded in as the voxels stream past, in
 * memory that does not depend on the volume's size.
 *
 * int16 voxels go into a 65536-bin count table (four interleaved copies,
 * 1 MiB, so that runs of equal values do not serialise on one counter):
 * every statistic, percentiles and histogram included, is exact.
 * double voxels go into 2^20 buckets keyed by the value's sign, exponent
 * and top 8 mantissa bits (4 MiB): min, max, mean and standard deviation
 * are computed from the values, percentiles and histogram from the
 * buckets, within 2^-8 (0.4 %) of the value.  NaN and infinities are
 * counted apart and left out.
 *
 * A leaf module: it does not include the application headers. */
#ifndef VOLSTATS_H
#define VOLSTATS_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define VOLSTATS_NPCT       7
#define VOLSTATS_MAX_BINS   1000
/* Relative error bound of a double volume's percentiles. */
#define VOLSTATS_DOUBLE_REL_ERROR 0.00390625

/* The percentiles reported: 1, 5, 25, 50, 75, 95, 99. */
extern const double volstats_pct[VOLSTATS_NPCT];

typedef enum { VOLSTATS_INT16, VOLSTATS_DOUBLE } volstats_type;
typedef enum { VOLSTATS_WHOLE, VOLSTATS_BOX, VOLSTATS_SPHERE } volstats_shape;

typedef struct {
    volstats_shape shape;
    long   ijk_min[3], ijk_max[3];   /* BOX: inclusive voxel indices (clipped to the volume) */
    double center_ras[3];            /* SPHERE: centre, RAS mm */
    double radius_mm;                /* SPHERE: voxel centres at distance <= radius count */
} volstats_region;

typedef struct {
    volstats_type type;
    size_t dims[3];                  /* I, J, K; voxel numbers run I fastest */
    double ijk_to_ras[3][4];         /* needed for SPHERE only */
    int    has_geometry;
    volstats_region region;
} volstats_opts;

typedef struct {
    uint64_t count;                  /* voxels folded in (finite ones) */
    uint64_t non_finite;             /* NaN / inf voxels left out (double only) */
    double   min, max, mean, std;    /* std: population (divides by count) */
    double   pct[VOLSTATS_NPCT];     /* linear interpolation between closest
                                        ranks, as numpy.percentile's default */
    int      exact;                  /* percentiles and histogram exact */
} volstats_result;

typedef struct volstats volstats;

/* A new accumulator.  NULL with e: ERR_INVALID for a region that is not
 * usable (a box whose min exceeds its max, a sphere without geometry or
 * with a radius <= 0), ERR_INTERNAL on OOM.  A region that misses the
 * volume is not an error: volstats_region_voxels says 0. */
volstats *volstats_new(const volstats_opts *o, err *e);
void      volstats_free(volstats *v);

/* The voxels the region holds, known before any voxel arrives, and the
 * inclusive IJK bounding box of those voxels (untouched when 0). */
uint64_t volstats_region_voxels(const volstats *v, long bbox_min[3], long bbox_max[3]);

/* Folds count voxels, numbers first .. first+count-1, given as raw
 * little-endian bytes of the type (2 or 8 bytes each, any alignment).
 * Voxels outside the region are skipped.  Always succeeds. */
void volstats_add(volstats *v, const unsigned char *raw, uint64_t first, size_t count);

/* The statistics so far; with count 0 the numbers are NaN. */
void volstats_get(const volstats *v, volstats_result *r);

/* A histogram of bins equal bins over the values: for int16, bin b
 * counts the integers v with edges[b] <= v < edges[b+1], edges[0] = min,
 * edges[bins] = max + 1; for double, edges[bins] = max and the last bin
 * includes it (values placed by their bucket).  edges has bins + 1
 * entries, counts bins.  -1 if bins is outside 1..VOLSTATS_MAX_BINS or
 * there are no values. */
int volstats_histogram(const volstats *v, int bins, double *edges, uint64_t *counts);

#endif
