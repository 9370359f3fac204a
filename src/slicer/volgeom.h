/* volgeom: a volume's full-precision geometry (IJK-to-RAS directions,
 * origin, spacing) from the NRRD header of GET /slicer/volume, the only
 * REST source of a volume's directions: /mrml/properties loses direction
 * rows and prints 6 significant digits.  Slicer builds the whole NRRD in
 * memory before it sends the first byte (about 1 GB, seconds of a frozen
 * Slicer, for a 512x512x2000 CT), so the reader stops after the header,
 * and each header is cached per node id and modification stamp: the
 * caller passes the node's MTime and its image data's "Modified Time"
 * from one cheap properties call, and the header is read again only when
 * they change. */
#ifndef VOLGEOM_H
#define VOLGEOM_H

#include <stddef.h>
#include "slicer/call.h"

#define VOLGEOM_CACHE 32          /* volumes remembered (oldest replaced) */
#define VOLGEOM_MAX_ID 256        /* longer ids are read every time */

typedef struct {
    size_t sizes[3];              /* I, J, K */
    double spacing[3];            /* mm, lengths of the space direction columns */
    double dirs[3][3];            /* dirs[r][a]: row R, A, S; column I, J, K (unit) */
    double origin[3];             /* RAS of voxel (0, 0, 0) */
} volgeom;

/* What the properties say, to tell whether a cached header still holds. */
typedef struct {
    double mtime, image_mtime;    /* node MTime, ImageData "Modified Time" */
    double dims[3];               /* ImageData Dimensions */
} volgeom_stamp;

/* The geometry of volume id.  0 with *g (*read_now 1 if the header was
 * read in this call, 0 if it came from the cache); -1 with e: a Slicer
 * error as call_slicer_stream decodes it, or ERR_UPSTREAM when the header
 * is unusable. */
int volgeom_get(call_ctx *c, const char *id, const volgeom_stamp *st, volgeom *g,
                int *read_now, err *e);

#endif
