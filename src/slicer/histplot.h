/* histplot: a small bar chart of a histogram, drawn by the gateway (no
 * Slicer round trip, no plotting library) and encoded through img (the
 * libpng wall).  The x axis is the intensity (tick labels at the range's
 * ends and quarters), the y axis the voxel count (0, half, max); titles
 * "intensity" (under the axis) and "voxels" (top left).  The intensity
 * is in the volume's own units, which Slicer's NRRD does not name (no
 * unit field for values), so no unit is printed.  Text uses a built-in 5x7 bitmap font of
 * the few glyphs the labels need: a font library (FreeType plus a font
 * file) would be a new dependency and a file lookup for about 30 glyphs.
 *
 * Geometry, for readers of the image: the plot area is HISTPLOT_PLOT_W x
 * HISTPLOT_PLOT_H pixels with its lower left corner at (HISTPLOT_LEFT,
 * HISTPLOT_HEIGHT - HISTPLOT_BOTTOM); bin b spans columns
 * [b*W/bins, (b+1)*W/bins) of it and rises round(count/max * PLOT_H)
 * pixels in HISTPLOT_BAR_RGB. */
#ifndef HISTPLOT_H
#define HISTPLOT_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define HISTPLOT_WIDTH       480
#define HISTPLOT_HEIGHT  300
#define HISTPLOT_LEFT    64
#define HISTPLOT_BOTTOM  44
#define HISTPLOT_PLOT_W  400
#define HISTPLOT_PLOT_H  240
#define HISTPLOT_BAR_RGB 0x3a, 0x6e, 0xa5

/* Draws bins bars (1..HISTPLOT_PLOT_W) of counts over edges[0..bins] and
 * encodes the PNG into *png (malloc'd, caller frees).  -1 with e for bad
 * input or out of memory. */
int histplot_png(const double *edges, const uint64_t *counts, int bins, void **png,
                 size_t *len, err *e);

#endif
