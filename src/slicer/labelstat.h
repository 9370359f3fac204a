/* labelstat: the measurements of one labelled region as its voxels are
 * met (count, centroid, IJK bounding box, intensity min/max/mean/std by
 * Welford's update) and their JSON in RAS mm, mm3 and mL: shared by
 * segment_region and get_label_statistics so both report a region alike. */
#ifndef LABELSTAT_H
#define LABELSTAT_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "slicer/voxgrid.h"

typedef struct {
    uint64_t count;
    double sum[3];              /* of I, J, K */
    long lo[3], hi[3];
    uint64_t nval;              /* intensities folded in */
    double vmin, vmax, mean, m2;
} labelstat;

void labelstat_voxel(labelstat *s, long i, long j, long k);
void labelstat_value(labelstat *s, double v);
/* Adds voxel_count, volume_mm3, volume_ml, centroid_ras, bbox_ras (voxel
 * centres) and, with values, intensity {min, max, mean[, std]} to o. */
void labelstat_json(const labelstat *s, const voxgrid *g, int with_std, cJSON *o);

#endif
