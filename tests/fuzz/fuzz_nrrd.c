/* fuzz_nrrd: the NRRD stream parser on arbitrary bytes fed in pieces
 * (the first two bytes pick the piece size, so a header line or a voxel
 * is split anywhere), then finished; the voxel runs must stay inside the
 * header's count.  Also nrrd_parse_header on the same text. */
#include <stdint.h>
#include <stdlib.h>

#include "slicer/nrrd.h"

typedef struct {
    uint64_t voxels, seen;
    int have_header;
} state;

static int on_header(void *ud, const nrrd_header *h, err *e)
{
    (void)e;
    state *st = ud;
    st->have_header = 1;
    st->voxels = h->voxels;
    double m[3][4];
    nrrd_ijk_to_ras(h, m);
    return 0;
}

static int on_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    (void)e;
    state *st = ud;
    if (!st->have_header || first != st->seen || first + count > st->voxels)
        abort();
    volatile unsigned char sink = 0;
    if (count)
        sink = raw[0];
    (void)sink;
    st->seen += count;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t piece = 1u + (size_t)(data[0] | (data[1] << 8)) % 4096;
    data += 2;
    size -= 2;
    state st = { 0 };
    nrrd_stream *s = nrrd_stream_new(on_header, on_voxels, &st);
    if (!s)
        return 0;
    err e = { 0 };
    int rc = 0;
    for (size_t off = 0; off < size && rc == 0; off += piece)
        rc = nrrd_stream_feed(s, data + off, size - off < piece ? size - off : piece, &e);
    if (rc == 0)
        nrrd_stream_finish(s, &e);
    nrrd_stream_free(s);
    nrrd_header h;
    nrrd_parse_header((const char *)data, size, &h, &e);
    return 0;
}
