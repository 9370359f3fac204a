/* labelnrrd: writes a labelmap as a gzip NRRD (unsigned char) on the
 * exact grid of a source volume's NRRD header (the same space, space
 * directions and origin, each in the shortest form that reads back bit
 * for bit), the voxels handed in as they are made.  Slicer
 * reads it with its ITK NRRD reader (filetype=VolumeFile). */
#ifndef LABELNRRD_H
#define LABELNRRD_H

#include <stddef.h>
#include <stdint.h>
#include "slicer/nrrd.h"
#include "util/err.h"

typedef struct labelnrrd labelnrrd;

/* The header text for src's grid into out (n bytes); its length, or -1
 * when src has no geometry or out is too small (1 KiB always does). */
int labelnrrd_header(const nrrd_header *src, char *out, size_t n);
/* Continues the file on fd, after the header, with the gzip stream of
 * voxels labels (fd taken: closed by labelnrrd_close, also on failure).
 * NULL with e on failure. */
labelnrrd *labelnrrd_open(int fd, uint64_t voxels, err *e);
/* Appends n label bytes (I fastest).  0, or -1 with e. */
int labelnrrd_write(labelnrrd *w, const unsigned char *labels, size_t n, err *e);
/* Finishes and closes: 0, or -1 with e (a write failed, or fewer or more
 * voxels than the grid holds).  Frees w; NULL is fine. */
int labelnrrd_close(labelnrrd *w, err *e);

#endif
