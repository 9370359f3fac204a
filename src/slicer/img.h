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

/* Told, as a decode goes, which rows of out are final: (0, 0) once the
 * header is read and out->w, out->h and out->rgba are set; then
 * [y0, y1) in order, IMG_ROWS_BATCH rows at a time (all at once for an
 * interlaced image).  On failure, after any rows were told, out is NULL:
 * once that call returns, the pixels are freed. */
#define IMG_ROWS_BATCH 8u
typedef void (*img_rows_fn)(void *ctx, img_rgba *out, unsigned y0, unsigned y1);
/* Decodes any PNG libpng reads into 8-bit RGBA (out->rgba malloc'd).
 * 0, or -1 with e: ERR_LIMIT past IMG_MAX_PNG_BYTES or IMG_MAX_SIDE
 * (checked before the pixel buffer is allocated), ERR_UPSTREAM "png: ..."
 * for empty, corrupt or truncated input.  *out is zeroed on failure. */
int  img_decode_png(const void *png, size_t len, img_rgba *out, err *e);
/* The same, telling done (which may be NULL) of each batch of rows. */
int  img_decode_png_rows(const void *png, size_t len, img_rgba *out, img_rows_fn done,
                         void *ctx, err *e);
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
/* The same for rows [y0, y1) only. */
size_t img_flatten_black_rows(img_rgba *im, unsigned y0, unsigned y1);
/* Whether any pixel of rows [y0, y1) has R, G and B not all equal. */
int  img_rows_colour(const img_rgba *in, unsigned y0, unsigned y1);
/* The smallest faithful channel layout for this image. */
img_format img_best_format(const img_rgba *in);
/* Encodes losslessly in img_best_format.  *png is malloc'd (caller frees);
 * fmt_used may be NULL.  -1 with e for an empty image or OOM. */
int  img_encode_png(const img_rgba *in, void **png, size_t *len,
                    img_format *fmt_used, err *e);
/* Row y of a w x h RGBA image, in order from 0; NULL stops the encoding. */
typedef const unsigned char *(*img_row_src)(void *ctx, unsigned y);
/* Encodes w x h RGBA rows from src in layout fmt.  0 with *png, -1 with e,
 * or -2 (nothing in e) when src stopped it. */
int  img_encode_rows(unsigned w, unsigned h, img_format fmt, img_row_src src, void *ctx,
                     void **png, size_t *len, err *e);
void img_free(img_rgba *im);

#endif
