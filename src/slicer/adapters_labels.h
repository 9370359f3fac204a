/* adapters_labels: get_label_statistics, per label value of a labelmap
 * volume: voxel count, mm3, mL, centroid and bounding box; given a source
 * volume on the same grid, its intensity min/max/mean/std inside each
 * label.  The labelmap is streamed once and kept only as runs of equal
 * labels (a labelmap is mostly long runs), then the source streamed
 * beside those runs. */
#ifndef ADAPTERS_LABELS_H
#define ADAPTERS_LABELS_H

#include "slicer/call.h"

/* Same contract as adapter_run's runners. */
int adapter_label_stats(call_ctx *c, err *e);

#endif
