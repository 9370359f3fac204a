/* fuzz_png: the PNG re-encoder on arbitrary bytes: img_decode_png, then
 * img_downscale to a side picked by the first byte, then img_encode_png;
 * the output must decode again to the same size.  Then the whole reply
 * path, imgreply_run, whose decoder hands rows to an encoder thread. */
#include <stdint.h>
#include <stdlib.h>

#include "slicer/img.h"
#include "slicer/imgreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned max_side = 1u + data[0];
    err e = { 0 };
    img_rgba in = { 0 }, small = { 0 }, back = { 0 };
    if (img_decode_png(data + 1, size - 1, &in, &e) != 0)
        return 0;
    const img_rgba *use = &in;
    if (img_downscale(&in, max_side, &small, &e) == 0)
        use = &small;
    void *png = NULL;
    size_t len = 0;
    img_format fmt;
    if (img_encode_png(use, &png, &len, &fmt, &e) == 0) {
        if (img_decode_png(png, len, &back, &e) != 0 || back.w != use->w || back.h != use->h)
            abort();   /* what the gateway writes must read back */
    }
    free(png);
    img_free(&in);
    img_free(&small);
    img_free(&back);
    imgreply j;
    if (imgreply_run(&j, data + 1, size - 1, data[0] & 1 ? max_side : 0, &e) == 0)
        free(j.b64);
    return 0;
}
