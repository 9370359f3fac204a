/* adapters_voxels: sample_voxels, intensities at RAS points, along a line
 * or in a small box, read in one streamed pass over GET /slicer/volume's
 * NRRD: only the voxels asked for are kept, and the transfer stops once
 * the last of them has arrived. */
#ifndef ADAPTERS_VOXELS_H
#define ADAPTERS_VOXELS_H

#include "slicer/call.h"

/* Same contract as call_run. */
int adapter_sample_voxels(call_ctx *c, err *e);

#endif
