/* adapters_stats: get_volume_statistics.  Streams GET /slicer/volume's
 * NRRD through the NRRD reader into the statistics accumulator as the
 * bytes arrive, so a volume of any size costs the same memory. */
#ifndef ADAPTERS_STATS_H
#define ADAPTERS_STATS_H

#include "slicer/call.h"

/* Same contract as call_generic: tool failures become is_error results;
 * -1 with e only when the gateway itself failed (out of memory). */
int adapter_volume_stats(call_ctx *c, err *e);

#endif
