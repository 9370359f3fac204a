/* adapters_segment: segment_region, a new labelmap in Slicer from a
 * source volume's intensity range, an optional seed (the 6-connected
 * component holding it) and an optional RAS sphere or box bound.  The
 * source is streamed (twice with a seed: once for the mask, once for the
 * labels), the labelmap written as a gzip NRRD into the gateway's spool
 * and loaded with POST /slicer/mrml (filetype=VolumeFile, labelmap=true),
 * or, with output: segmentation, as a one-segment .seg.nrrd whose name and
 * colour live in its header (filetype=SegmentationFile): never POST
 * /slicer/volume, which would overwrite a node found by name. */
#ifndef ADAPTERS_SEGMENT_H
#define ADAPTERS_SEGMENT_H

#include "slicer/call.h"

/* Same contract as adapter_run's runners. */
int adapter_segment_region(call_ctx *c, err *e);

#endif
