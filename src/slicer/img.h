/* img: the only file that talks to libpng.  Decodes what Slicer sends
 * (RGBA or RGB, 8-bit, uncompressed), shrinks by area averaging and writes
 * the smallest faithful PNG: 8-bit gray when every pixel has R=G=B and is
 * opaque, gray+alpha when R=G=B, RGB when opaque, else RGBA.
 *
 * Bounds: width and height up to IMG_MAX_SIDE, input bytes up to
 * IMG_MAX_PNG_BYTES; larger inputs fail before any big allocation. */
#ifndef IMG_H
#define IMG_H

#include <stddef.h>
#include "util/err.h"

#define IMG_MAX_SIDE 8192u
#define IMG_MAX_PNG_BYTES (64u << 20)

typedef struct {
    unsigned w, h;
    unsigned char *rgba;   /* w*h*4 bytes, owned */
} img_rgba;

typedef enum { IMG_GRAY = 1, IMG_GRAY_ALPHA = 2, IMG_RGB = 3, IMG_RGBA = 4 } img_format;

/* Decodes any PNG libpng reads into 8-bit RGBA (out->rgba malloc'd).
 * 0, or -1 with e: ERR_LIMIT past IMG_MAX_PNG_BYTES or IMG_MAX_SIDE
 * (checked before the pixel buffer is allocated), ERR_UPSTREAM "png: ..."
 * for empty, corrupt or truncated input.  *out is zeroed on failure. */
int  img_decode_png(const void *png, size_t len, img_rgba *out, err *e);
/* Scales so that neither side exceeds max_side, keeping the aspect ratio,
 * by area averaging (each output pixel is the coverage-weighted mean of
 * the input pixels under it, in exact integer arithmetic; colour is
 * averaged alpha-weighted, i.e. premultiplied, so transparent pixels do
 * not bleed).  Output sides are round(w*s), round(h*s), at least 1, with
 * s = max_side / max(w, h).  If the image already fits, out is a copy.
 * max_side >= 1 (0 fails with ERR_INVALID). */
int  img_downscale(const img_rgba *in, unsigned max_side, img_rgba *out, err *e);
/* Composites the image over black in place, as a slice view shows it
 * (Slicer's slice PNG has alpha 0 outside the background volume, and the
 * view draws those pixels black): colour becomes round(c * a / 255) and
 * alpha 255.  Returns how many pixels were not opaque. */
size_t img_flatten_black(img_rgba *im);
/* The smallest faithful channel layout for this image. */
img_format img_best_format(const img_rgba *in);
/* Encodes losslessly in img_best_format.  *png is malloc'd (caller frees);
 * fmt_used may be NULL.  -1 with e for an empty image or OOM. */
int  img_encode_png(const img_rgba *in, void **png, size_t *len,
                    img_format *fmt_used, err *e);
void img_free(img_rgba *im);

#endif
