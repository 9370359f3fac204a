/* labelnrrd: writes a labelmap as a gzip NRRD (unsigned char) on the
 * exact grid of a source volume's NRRD header (the same space, space
 * directions and origin, each in the shortest form that reads back bit
 * for bit), the voxels handed in as they are made.  Slicer
 * reads it with its ITK NRRD reader (filetype=VolumeFile), or, with the
 * segmentation keys, as a one-segment .seg.nrrd (filetype=SegmentationFile). */
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
/* One segment of a segmentation file (.seg.nrrd, read by Slicer's
 * vtkMRMLSegmentationStorageNode with filetype=SegmentationFile). */
#define LABELNRRD_SEG_NAME_MAX 128          /* bytes of the segment name */
#define LABELNRRD_SEG_ID "Segment_1"        /* what Slicer's first segment is called */
typedef struct {
    const char *name;        /* no control characters, at most NAME_MAX bytes */
    int name_auto;           /* the caller chose no name */
    unsigned char rgb[3];
    int label;               /* its voxels' value in the file */
} labelnrrd_segment;

/* The same header as labelnrrd_header plus the segmentation's key/value
 * pairs for seg (its name escaped as teem escapes): -1 when src has no
 * geometry, the name is too long or out is too small (4 KiB always does). */
int labelnrrd_seg_header(const nrrd_header *src, const labelnrrd_segment *seg, char *out,
                         size_t n);
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
