/* imgfit: downscale just enough for an image to fit a client's limits. */
#include "slicer/imgfit.h"

#include <math.h>
#include <stdlib.h>

/* Fewer pixels shrink a PNG about in proportion; each try aims a little
 * under the limit so that most images fit at the second try. */
#define IMGFIT_AIM  0.92
#define IMGFIT_TRIES 8
#define IMGFIT_MIN_SIDE 16u

int imgfit_encode(const img_rgba *in, unsigned max_side, size_t max_b64, void **png, size_t *len,
                  imgfit_info *info, err *e)
{
    *png = NULL;
    *len = 0;
    unsigned big = in->w > in->h ? in->w : in->h;
    unsigned side = max_side && max_side < big ? max_side : big;
    info->in_w = in->w;
    info->in_h = in->h;
    info->by_bytes = 0;
    for (int t = 0; t < IMGFIT_TRIES; t++) {
        img_rgba small = { 0 };
        const img_rgba *use = in;
        if (side < big) {
            if (img_downscale(in, side, &small, e) != 0)
                return -1;
            use = &small;
        }
        void *out = NULL;
        size_t n = 0;
        int rc = img_encode_png(use, &out, &n, NULL, e);
        info->w = use->w;
        info->h = use->h;
        img_free(&small);
        if (rc != 0)
            return -1;
        if (imgfit_b64_len(n) <= max_b64) {
            *png = out;
            *len = n;
            return 0;
        }
        free(out);
        if (side <= IMGFIT_MIN_SIDE)
            break;
        double f = sqrt((double)max_b64 / (double)imgfit_b64_len(n)) * IMGFIT_AIM;
        unsigned next = (unsigned)(side * f);
        side = next < IMGFIT_MIN_SIDE ? IMGFIT_MIN_SIDE : next >= side ? side - 1 : next;
        info->by_bytes = 1;
    }
    return err_set(e, ERR_LIMIT, "a %ux%u image does not fit in %zu base64 characters even downscaled",
                   in->w, in->h, max_b64);
}
