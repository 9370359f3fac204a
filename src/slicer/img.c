/* img: PNG decoding, area-average downscaling and smallest-lossless
 * re-encoding; the only file that talks to libpng.  Its full API both
 * ways: reading, it hands over rows as they are unfiltered (imgreply
 * encodes them meanwhile); writing, only it sets zlib's strategy and the
 * row filters. */
#include "slicer/img.h"

#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/buf.h"

#define IMG_PNG_MSG 128

/* The bytes a decoded image needs; safe because both sides are capped at
 * IMG_MAX_SIDE (8192), so w*h*4 is at most 256 MiB. */
static size_t rgba_bytes(unsigned w, unsigned h)
{
    return (size_t)w * h * 4;
}

/* libpng's input: the bytes left of Slicer's PNG, and the error text. */
typedef struct {
    const unsigned char *p;
    size_t left;
    char msg[IMG_PNG_MSG];
} png_in;

static void in_read(png_structp png, png_bytep dst, size_t n)
{
    png_in *s = png_get_io_ptr(png);
    if (n > s->left)
        png_error(png, "truncated");
    memcpy(dst, s->p, n);
    s->p += n;
    s->left -= n;
}

/* Reading and writing: libpng's error pointer is the caller's message
 * buffer of IMG_PNG_MSG bytes. */
static void on_error(png_structp png, png_const_charp msg)
{
    snprintf(png_get_error_ptr(png), IMG_PNG_MSG, "%s", msg);
    png_longjmp(png, 1);
}

/* Nothing libpng warns about changes a pixel (a bad ancillary chunk is
 * skipped), and stderr would get libpng's own words. */
static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Any PNG to 8-bit RGBA rows, whatever its type, depth and tRNS. */
static int read_transforms(png_structp png, png_infop info)
{
    int type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    int trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (trns)
        png_set_tRNS_to_alpha(png);
    if (depth == 16)
        png_set_scale_16(png);
    if (!(type & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    if (!(type & PNG_COLOR_MASK_ALPHA) && !trns)
        png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return passes;
}

/* The whole libpng read, apart so that nothing the caller keeps is
 * touched between setjmp and a longjmp; 0, -1 (s->msg says why), -2 (too
 * big) or -3 (no memory for the pixels); out->w and out->h say how big. */
static int read_png(png_in *s, img_rgba *out, img_rows_fn done, void *ctx)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s->msg, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(s->msg, sizeof s->msg, "out of memory");
        return -1;
    }
    /* volatile: set after setjmp and read after a longjmp. */
    unsigned char *volatile px = NULL;
    if (setjmp(png_jmpbuf(png))) {
        if (done && px)
            done(ctx, NULL, 0, 0);
        png_destroy_read_struct(&png, &info, NULL);
        free(px);
        return -1;
    }
    png_set_read_fn(png, s, in_read);
#ifdef PNG_IGNORE_ADLER32
    /* The chunk CRCs already cover every byte of the image data; zlib's
     * Adler-32 over the same bytes inflated costs a sixth of decoding
     * Slicer's stored (uncompressed) PNG and finds nothing they miss. */
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (w > IMG_MAX_SIDE || h > IMG_MAX_SIDE) {
        out->w = w;
        out->h = h;
        png_destroy_read_struct(&png, &info, NULL);
        return -2;
    }
    int passes = read_transforms(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 4)
        png_error(png, "unexpected row size after conversion to RGBA");
    out->w = w;
    out->h = h;
    px = malloc(rgba_bytes(w, h));
    if (!px) {
        png_destroy_read_struct(&png, &info, NULL);
        return -3;
    }
    out->rgba = px;
    if (done)
        done(ctx, out, 0, 0);
    /* Rows are final after the last pass; with one pass, at once. */
    for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < h; y++) {
            png_read_row(png, px + rgba_bytes(w, y), NULL);
            if (done && passes == 1 && (y % IMG_ROWS_BATCH == IMG_ROWS_BATCH - 1 || y + 1 == h))
                done(ctx, out, y - y % IMG_ROWS_BATCH, y + 1);
        }
    png_read_end(png, NULL);
    if (done && passes > 1)
        done(ctx, out, 0, h);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int img_decode_png_rows(const void *png, size_t len, img_rgba *out, img_rows_fn done,
                        void *ctx, err *e)
{
    out->w = out->h = 0;
    out->rgba = NULL;
    if (!png || len == 0)
        return err_set(e, ERR_UPSTREAM, "png: empty input");
    if (len > IMG_MAX_PNG_BYTES)
        return err_set(e, ERR_LIMIT, "png: %zu bytes exceeds the limit of %u",
                       len, IMG_MAX_PNG_BYTES);
    png_in s = { .p = png, .left = len, .msg = "" };
    int rc = read_png(&s, out, done, ctx);
    if (rc == 0)
        return 0;
    unsigned w = out->w, h = out->h;
    out->w = out->h = 0;
    out->rgba = NULL;
    if (rc == -2)
        return err_set(e, ERR_LIMIT, "png: %ux%u exceeds the limit of %ux%u",
                       w, h, IMG_MAX_SIDE, IMG_MAX_SIDE);
    if (rc == -3)
        return err_set(e, ERR_INTERNAL, "png: out of memory for %ux%u", w, h);
    return err_set(e, ERR_UPSTREAM, "png: %s", s.msg);
}

int img_decode_png(const void *png, size_t len, img_rgba *out, err *e)
{
    return img_decode_png_rows(png, len, out, NULL, NULL, e);
}

/* ---- downscaling ------------------------------------------------------ */

/* Area averaging in exact integers.  Along an axis of n input and m output
 * pixels, measure positions in units of 1/m input pixel: input pixel i
 * covers [i*m, (i+1)*m) and output pixel o covers [o*n, (o+1)*n), so every
 * weight is the integer length of an overlap and each output pixel's
 * weights sum to n.  In 2D the weights sum to w*h, which makes the mean
 * exact (2x2 blocks average exactly) with one rounding at the end.
 *
 * Averaging is alpha-weighted (premultiplied): a colour counts in
 * proportion to its coverage times its alpha, so fully transparent pixels
 * do not bleed their (meaningless) colour into the result.  Alpha itself
 * is the plain mean.  For opaque images this equals the plain mean.
 *
 * Overflow: a row pass sum is at most 255*255*8192 < 2^32; the column pass
 * sums in 64 bits (at most 255*255*8192*8192 < 2^42). */
typedef struct {
    unsigned first;    /* first input index under this output pixel */
    unsigned count;    /* number of input pixels under it */
    unsigned wofs;     /* offset of their weights in the weight array */
} span;

/* Builds m spans over n inputs (m <= n); weights total at most n + m. */
static int spans_build(unsigned n, unsigned m, span **sp, uint32_t **wt)
{
    *sp = malloc(sizeof **sp * m);
    *wt = malloc(sizeof **wt * ((size_t)n + m));
    if (!*sp || !*wt) {
        free(*sp);
        free(*wt);
        *sp = NULL;
        *wt = NULL;
        return -1;
    }
    unsigned k = 0;
    for (unsigned o = 0; o < m; o++) {
        uint64_t lo = (uint64_t)o * n, hi = lo + n;
        unsigned i0 = (unsigned)(lo / m), i1 = (unsigned)((hi + m - 1) / m);
        (*sp)[o].first = i0;
        (*sp)[o].count = i1 - i0;
        (*sp)[o].wofs = k;
        for (unsigned i = i0; i < i1; i++) {
            uint64_t a = (uint64_t)i * m, b = a + m;
            if (a < lo)
                a = lo;
            if (b > hi)
                b = hi;
            (*wt)[k++] = (uint32_t)(b - a);
        }
    }
    return 0;
}

/* Rounded a/b for b > 0. */
static unsigned char div_round(uint64_t a, uint64_t b)
{
    return (unsigned char)((a + b / 2) / b);
}

int img_downscale(const img_rgba *in, unsigned max_side, img_rgba *out, err *e)
{
    out->w = out->h = 0;
    out->rgba = NULL;
    if (max_side == 0)
        return err_set(e, ERR_INVALID, "img: max_side must be at least 1");
    unsigned w = in->w, h = in->h, big = w > h ? w : h;
    if (big <= max_side) {
        size_t n = rgba_bytes(w, h);
        out->rgba = malloc(n ? n : 1);
        if (!out->rgba)
            return err_set(e, ERR_INTERNAL, "img: out of memory copying %ux%u", w, h);
        if (n)
            memcpy(out->rgba, in->rgba, n);
        out->w = w;
        out->h = h;
        return 0;
    }
    /* round(w * max_side / big), at least 1; the longer side is max_side. */
    unsigned ow = (unsigned)(((uint64_t)w * max_side * 2 + big) / ((uint64_t)big * 2));
    unsigned oh = (unsigned)(((uint64_t)h * max_side * 2 + big) / ((uint64_t)big * 2));
    if (ow < 1)
        ow = 1;
    if (oh < 1)
        oh = 1;

    span *xs = NULL, *ys = NULL;
    uint32_t *xw = NULL, *yw = NULL;
    uint32_t *row = NULL;      /* one input row, horizontally reduced: ow*4 */
    uint64_t *acc = NULL;      /* one output row being accumulated: ow*4 */
    unsigned char *px = malloc(rgba_bytes(ow, oh));
    if (!px || spans_build(w, ow, &xs, &xw) < 0 || spans_build(h, oh, &ys, &yw) < 0
        || !(row = malloc(sizeof *row * ow * 4)) || !(acc = malloc(sizeof *acc * ow * 4))) {
        free(px);
        free(xs);
        free(xw);
        free(ys);
        free(yw);
        free(row);
        return err_set(e, ERR_INTERNAL, "img: out of memory scaling %ux%u to %ux%u",
                       w, h, ow, oh);
    }

    const uint64_t area = (uint64_t)w * h;
    for (unsigned oy = 0; oy < oh; oy++) {
        memset(acc, 0, sizeof *acc * ow * 4);
        const span *sy = &ys[oy];
        for (unsigned j = 0; j < sy->count; j++) {
            const unsigned char *src = in->rgba + rgba_bytes(w, sy->first + j);
            /* Horizontal pass: sums of c*a (3 colours) and a per output x. */
            for (unsigned ox = 0; ox < ow; ox++) {
                const span *sx = &xs[ox];
                const unsigned char *p = src + (size_t)sx->first * 4;
                const uint32_t *wt = xw + sx->wofs;
                uint32_t r = 0, g = 0, b = 0, a = 0;
                for (unsigned i = 0; i < sx->count; i++, p += 4) {
                    uint32_t wa = wt[i] * p[3];
                    r += wa * p[0];
                    g += wa * p[1];
                    b += wa * p[2];
                    a += wa;
                }
                row[ox * 4 + 0] = r;
                row[ox * 4 + 1] = g;
                row[ox * 4 + 2] = b;
                row[ox * 4 + 3] = a;
            }
            uint64_t wy = yw[sy->wofs + j];
            for (unsigned k = 0; k < ow * 4; k++)
                acc[k] += wy * row[k];
        }
        unsigned char *dst = px + rgba_bytes(ow, oy);
        for (unsigned ox = 0; ox < ow; ox++) {
            const uint64_t *s = acc + ox * 4;
            uint64_t a = s[3];   /* sum of weight*alpha; mean alpha = a/area */
            dst[ox * 4 + 3] = div_round(a, area);
            for (int c = 0; c < 3; c++)
                dst[ox * 4 + c] = a ? div_round(s[c], a) : 0;
        }
    }
    free(xs);
    free(xw);
    free(ys);
    free(yw);
    free(row);
    free(acc);
    out->w = ow;
    out->h = oh;
    out->rgba = px;
    return 0;
}

/* ---- choosing the layout and encoding ---------------------------------- */

size_t img_flatten_black_rows(img_rgba *im, unsigned y0, unsigned y1)
{
    size_t n = (size_t)im->w * (y1 - y0), seen = 0;
    unsigned char *p = im->rgba + rgba_bytes(im->w, y0);
    for (size_t i = 0; i < n; i++, p += 4) {
        unsigned a = p[3];
        if (a == 255)
            continue;
        seen++;
        /* Most see-through pixels of a slice lie outside the volume. */
        if (a == 0) {
            memset(p, 0, 3);
        } else {
            for (int c = 0; c < 3; c++)
                p[c] = (unsigned char)((p[c] * a + 127) / 255);
        }
        p[3] = 255;
    }
    return seen;
}

size_t img_flatten_black(img_rgba *im)
{
    return img_flatten_black_rows(im, 0, im->h);
}

int img_rows_colour(const img_rgba *in, unsigned y0, unsigned y1)
{
    const unsigned char *p = in->rgba + rgba_bytes(in->w, y0);
    unsigned colour = 0;
    for (size_t i = 0, n = (size_t)in->w * (y1 - y0); i < n; i++, p += 4)
        colour |= (unsigned)(p[0] ^ p[1]) | (unsigned)(p[1] ^ p[2]);
    return colour != 0;
}

img_format img_best_format(const img_rgba *in)
{
    const unsigned char *p = in->rgba;
    unsigned colour = 0, alpha = 255;
    /* Branch-free within a row so the compiler can vectorise it; both
     * answers are known once a row has seen colour and transparency. */
    for (unsigned y = 0; y < in->h && !(colour && alpha != 255); y++)
        for (unsigned x = 0; x < in->w; x++, p += 4) {
            colour |= (unsigned)(p[0] ^ p[1]) | (unsigned)(p[1] ^ p[2]);
            alpha &= p[3];
        }
    if (!colour)
        return alpha == 255 ? IMG_GRAY : IMG_GRAY_ALPHA;
    return alpha == 255 ? IMG_RGB : IMG_RGBA;
}

/* Packs one row of RGBA pixels into the layout fmt (fmt channels per
 * pixel; IMG_RGBA rows go to libpng as they are). */
static void pack_row(const unsigned char *p, unsigned w, img_format fmt, unsigned char *dst)
{
    switch (fmt) {
    case IMG_GRAY:
        for (unsigned i = 0; i < w; i++, p += 4)
            *dst++ = p[0];
        break;
    case IMG_GRAY_ALPHA:
        for (unsigned i = 0; i < w; i++, p += 4) {
            *dst++ = p[0];
            *dst++ = p[3];
        }
        break;
    case IMG_RGB:
        for (unsigned i = 0; i < w; i++, p += 4) {
            *dst++ = p[0];
            *dst++ = p[1];
            *dst++ = p[2];
        }
        break;
    case IMG_RGBA:
        break;
    }
}

/* libpng's output, and its error message. */
typedef struct {
    buf out;
    char msg[IMG_PNG_MSG];
} png_out;


static void out_write(png_structp png, png_bytep data, size_t len)
{
    png_out *o = png_get_io_ptr(png);
    if (buf_append(&o->out, data, len) != 0)
        png_error(png, "out of memory");
}

static void out_flush(png_structp png)
{
    (void)png;
}

static const int png_types[] = {
    [IMG_GRAY] = PNG_COLOR_TYPE_GRAY,
    [IMG_GRAY_ALPHA] = PNG_COLOR_TYPE_GRAY_ALPHA,
    [IMG_RGB] = PNG_COLOR_TYPE_RGB,
    [IMG_RGBA] = PNG_COLOR_TYPE_RGB_ALPHA,
};

/* The whole libpng write, apart so that nothing the caller keeps is
 * touched between setjmp and a longjmp; 0 or -1.
 *
 * Settings, measured (tests/bench/README.md has the table): zlib level
 * 1 and the Up filter on every row.  Gray images add the Z_RLE strategy:
 * on the stand-in's 512x512 slice 44 KB in 1.2 ms, against 53 KB in
 * 2.2 ms for the simplified API's FAST mode (level 3, no filter), and
 * 5-16% smaller and twice as fast on real CT and MR thumbnails.  Colour
 * keeps zlib's default matching: Z_RLE makes 3D views and screenshots
 * up to 4x larger.  Paeth saves another 10% on gray but costs 30% more
 * time; libpng's adaptive choice among all five filters costs 2x. */
static int write_png(unsigned w, unsigned h, img_format fmt, img_row_src src, void *ctx,
                     unsigned char *row, png_out *o)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, o->msg, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(o->msg, sizeof o->msg, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, o, out_write, out_flush);
    png_set_compression_level(png, 1);
    if (fmt == IMG_GRAY || fmt == IMG_GRAY_ALPHA)
        png_set_compression_strategy(png, Z_RLE);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_IHDR(png, info, w, h, 8, png_types[fmt], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* sRGB (13 bytes) says what Slicer's pixels are, as the simplified
     * writer this replaced did. */
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    for (unsigned y = 0; y < h; y++) {
        const unsigned char *p = src(ctx, y);
        if (!p) {
            snprintf(o->msg, sizeof o->msg, "stopped");
            png_destroy_write_struct(&png, &info);
            return -2;
        }
        if (fmt != IMG_RGBA)
            pack_row(p, w, fmt, row);
        png_write_row(png, fmt == IMG_RGBA ? p : row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int img_encode_rows(unsigned w, unsigned h, img_format fmt, img_row_src src, void *ctx,
                    void **png, size_t *len, err *e)
{
    *png = NULL;
    *len = 0;
    if (w == 0 || h == 0 || w > IMG_MAX_SIDE || h > IMG_MAX_SIDE)
        return err_set(e, ERR_INVALID, "png: cannot encode a %ux%u image", w, h);
    /* The cap is past anything zlib makes of these pixels (stored blocks
     * add 5 bytes per 16 KiB), so only OOM stops an append. */
    png_out o = { .msg = "" };
    buf_init(&o.out, rgba_bytes(w, h) + h + (1u << 20));
    unsigned char *row = malloc((size_t)w * 4);
    if (!row)
        return err_set(e, ERR_INTERNAL, "png: out of memory encoding %ux%u", w, h);
    int rc = write_png(w, h, fmt, src, ctx, row, &o);
    free(row);
    if (rc != 0) {
        buf_free(&o.out);
        if (rc == -2)
            return -2;
        return err_set(e, ERR_INTERNAL, "png: encoding %ux%u failed: %s", w, h, o.msg);
    }
    *png = buf_steal(&o.out, len);
    return 0;
}

static const unsigned char *whole_row(void *ctx, unsigned y)
{
    const img_rgba *in = ctx;
    return in->rgba + rgba_bytes(in->w, y);
}

int img_encode_png(const img_rgba *in, void **png, size_t *len,
                   img_format *fmt_used, err *e)
{
    *png = NULL;
    *len = 0;
    if (in->w == 0 || in->h == 0 || in->w > IMG_MAX_SIDE || in->h > IMG_MAX_SIDE)
        return err_set(e, ERR_INVALID, "png: cannot encode a %ux%u image", in->w, in->h);
    img_format fmt = img_best_format(in);
    if (fmt_used)
        *fmt_used = fmt;
    img_rgba rows = *in;   /* whole_row reads it through a void pointer */
    return img_encode_rows(in->w, in->h, fmt, whole_row, &rows, png, len, e);
}

void img_free(img_rgba *im)
{
    if (!im)
        return;
    free(im->rgba);
    im->rgba = NULL;
    im->w = im->h = 0;
}
