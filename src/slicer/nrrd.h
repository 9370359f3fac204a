/* nrrd: a streaming reader for the NRRD files Slicer's GET /slicer/volume
 * sends (a text header, then raw voxels): the header is parsed as its
 * bytes arrive and the voxels are handed on in runs as they arrive, so a
 * volume is never held in memory.  Bytes may be split anywhere, even in
 * the middle of a header line or of one voxel.
 *
 * Accepted: magic NRRD0001..NRRD0005; "type" short (and its aliases) or
 * double; "dimension: 3"; "sizes"; "encoding: raw"; "endian: little"
 * (required: both types are multi-byte); optional "space" (LPS or RAS,
 * long or short names), "space directions" and "space origin" (together:
 * the geometry); other fields are ignored except "data file", refused.
 * Lines may end in LF or CRLF; the header ends at the first empty line.
 * A leaf module: it does not include the application headers. */
#ifndef NRRD_H
#define NRRD_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define NRRD_MAX_HEADER   65536          /* bytes up to and including the blank line */
#define NRRD_MAX_AXIS     65536          /* voxels along one axis */
#define NRRD_MAX_VOXELS   4294967295ull  /* 2^32 - 1: the statistics count in 32 bits */

typedef enum { NRRD_SHORT, NRRD_DOUBLE } nrrd_type;

typedef struct {
    nrrd_type type;
    size_t    voxel_size;        /* 2 or 8 */
    size_t    sizes[3];          /* I, J, K (I fastest in the data) */
    uint64_t  voxels;            /* product of sizes */
    int       has_geometry;      /* space, directions and origin all given */
    int       space_lps;         /* 1: left-posterior-superior, 0: RAS */
    double    dirs[3][3];        /* dirs[axis] = space direction vector of that IJK axis */
    double    origin[3];         /* in the file's space */
} nrrd_header;

/* Parses a complete header (text up to, not including, the blank line;
 * the magic line first).  0, or -1 with e ("nrrd header line 5: sizes:
 * want 3 positive integers, got '0 1 2'"). */
int nrrd_parse_header(const char *text, size_t len, nrrd_header *h, err *e);

/* IJK (continuous voxel index) to RAS mm as a 3x4 matrix m (rows R, A, S;
 * column 3 the origin): LPS files have their first two rows negated.
 * -1 if the header has no geometry. */
int nrrd_ijk_to_ras(const nrrd_header *h, double m[3][4]);

/* Called once, when the header is complete; non-zero stops the stream
 * (the callback fills e). */
typedef int (*nrrd_header_fn)(void *ud, const nrrd_header *h, err *e);
/* Called with count whole voxels, numbers first .. first+count-1 (I
 * fastest), as raw little-endian bytes of the header's type (not
 * aligned).  Non-zero stops the stream. */
typedef int (*nrrd_voxels_fn)(void *ud, const unsigned char *raw, uint64_t first,
                              size_t count, err *e);

typedef struct nrrd_stream nrrd_stream;

/* A reader for one file; NULL on OOM.  The callbacks are borrowed. */
nrrd_stream *nrrd_stream_new(nrrd_header_fn on_header, nrrd_voxels_fn on_voxels, void *ud);
void         nrrd_stream_free(nrrd_stream *s);

/* Feeds the next n bytes.  0, or -1 with e (a bad header, more data than
 * the sizes say, a callback's refusal); after -1 the stream refuses every
 * later call. */
int nrrd_stream_feed(nrrd_stream *s, const void *data, size_t n, err *e);
/* At the end of the input: -1 with e if the header or the data is
 * incomplete ("nrrd: truncated: 100 of 131072 voxel bytes"). */
int nrrd_stream_finish(nrrd_stream *s, err *e);

/* The parsed header, or NULL before it is complete. */
const nrrd_header *nrrd_stream_header(const nrrd_stream *s);
/* Voxel bytes received so far. */
uint64_t nrrd_stream_data_bytes(const nrrd_stream *s);

#endif
