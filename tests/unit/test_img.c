/* test_img: decode / re-encode losslessly, format choice, area-average
 * downscaling and rejection of corrupt, truncated and oversized PNGs. */
#include "slicer/img.h"
#include "t_pngw.h"
#include "testlib.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ----------------------------------------------------------- */

/* An 8-bit PNG as Slicer writes it; channels 1..4. */
static unsigned char *png_level0(const unsigned char *px, unsigned w, unsigned h,
                                 int channels, size_t *len)
{
    return t_pngw(px, w, h, (t_pngw_opts){ .channels = channels, .depth = 8 }, len);
}

static unsigned g_seed = 12345;
static unsigned rnd(void)
{
    g_seed = g_seed * 1103515245u + 12345u;
    return (g_seed >> 16) & 0x7fff;
}

static void new_image(img_rgba *im, unsigned w, unsigned h)
{
    im->w = w;
    im->h = h;
    im->rgba = calloc((size_t)w * h, 4);
}

static unsigned char *px_at(const img_rgba *im, unsigned x, unsigned y)
{
    return im->rgba + ((size_t)y * im->w + x) * 4;
}

static void set_px(img_rgba *im, unsigned x, unsigned y, unsigned r, unsigned g,
                   unsigned b, unsigned a)
{
    unsigned char *p = px_at(im, x, y);
    p[0] = (unsigned char)r;
    p[1] = (unsigned char)g;
    p[2] = (unsigned char)b;
    p[3] = (unsigned char)a;
}

/* A 512x512 grayscale-ish anatomical slice as Slicer renders it: RGBA with
 * R=G=B, opaque, black background, a bright elliptical "skull" ring and a
 * smooth interior with noise of +-3. */
static void make_slice(img_rgba *im, unsigned w, unsigned h)
{
    new_image(im, w, h);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            double dx = (x - w / 2.0) / (w * 0.40), dy = (y - h / 2.0) / (h * 0.46);
            double r = sqrt(dx * dx + dy * dy);
            int v = 0;
            if (r < 0.92)
                v = (int)(90 + 30 * sin(x * 0.02) * cos(y * 0.015)
                          + 20 * exp(-((dx - 0.2) * (dx - 0.2) + dy * dy) * 8))
                    + (int)(rnd() % 7) - 3;
            else if (r < 1.0)
                v = 210 + (int)(rnd() % 7) - 3;
            v = v < 0 ? 0 : v > 255 ? 255 : v;
            set_px(im, x, y, (unsigned)v, (unsigned)v, (unsigned)v, 255);
        }
}

/* Packs an RGBA image into 'channels' channels for png_level0. */
static unsigned char *pack(const img_rgba *im, int channels)
{
    size_t n = (size_t)im->w * im->h;
    unsigned char *out = malloc(n * (size_t)channels);
    static const int map[5][4] = { { 0 }, { 0 }, { 0, 3 }, { 0, 1, 2 }, { 0, 1, 2, 3 } };
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < channels; c++)
            out[i * channels + c] = im->rgba[i * 4 + map[channels][c]];
    return out;
}

static int same_pixels(const img_rgba *a, const img_rgba *b)
{
    return a->w == b->w && a->h == b->h
        && memcmp(a->rgba, b->rgba, (size_t)a->w * a->h * 4) == 0;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Writes src at level 0 with 'channels' channels, decodes it, re-encodes
 * it and decodes that: every step must give src's pixels exactly, the
 * format must be 'want'.  Returns the input/output size ratio. */
static double round_trip(const img_rgba *src, int channels, img_format want)
{
    unsigned char *packed = pack(src, channels);
    size_t in_len = 0;
    unsigned char *in = png_level0(packed, src->w, src->h, channels, &in_len);
    free(packed);
    if (!T_CHECK(in != NULL, "writing the level-0 test PNG"))
        return 0;

    img_rgba a, b;
    err e;
    void *out = NULL;
    size_t out_len = 0;
    img_format fmt = 0;
    double ratio = 0;
    double t0 = now_ms();
    int ok = img_decode_png(in, in_len, &a, &e) == 0;
    T_CHECK(ok, "decode: %s", e.msg);
    if (ok && T_CHECK(img_encode_png(&a, &out, &out_len, &fmt, &e) == 0, "encode: %s", e.msg)) {
        double t1 = now_ms();
        fprintf(stderr, "  %ux%u %d-channel: %zu -> %zu bytes (%.1fx), "
                "decode+encode %.2f ms\n", src->w, src->h, channels, in_len,
                out_len, (double)in_len / out_len, t1 - t0);
        T_CHECK(same_pixels(&a, src), "first decode differs from the source");
        T_CHECK(fmt == want, "format %d, want %d", (int)fmt, (int)want);
        ratio = (double)in_len / out_len;
        if (T_CHECK(img_decode_png(out, out_len, &b, &e) == 0, "re-decode: %s", e.msg)) {
            T_CHECK(same_pixels(&b, src), "re-encoded pixels differ (not lossless)");
            img_free(&b);
        }
    }
    free(out);
    img_free(&a);
    free(in);
    return ratio;
}

/* ---- lossless round trips and format choice ---------------------------- */

static void test_gray_slice(void)
{
    img_rgba src;
    make_slice(&src, 512, 512);
    double ratio = round_trip(&src, 4, IMG_GRAY);
    T_CHECK(ratio >= 8.0, "anatomical slice shrank only %.2fx", ratio);
    img_free(&src);
}

static void test_rgb_colour(void)
{
    img_rgba src;
    new_image(&src, 200, 150);
    for (unsigned y = 0; y < 150; y++)
        for (unsigned x = 0; x < 200; x++)
            set_px(&src, x, y, x, y, (x * y) & 255, 255);
    round_trip(&src, 4, IMG_RGB);
    round_trip(&src, 3, IMG_RGB);   /* an RGB input file too */
    img_free(&src);
}

static void test_rgba_transparency(void)
{
    img_rgba src;
    new_image(&src, 64, 48);
    /* Includes fully transparent pixels with colour: kept exactly. */
    for (unsigned y = 0; y < 48; y++)
        for (unsigned x = 0; x < 64; x++)
            set_px(&src, x, y, x * 4, 255 - y, (x ^ y) & 255, (x * 7 + y) & 255);
    round_trip(&src, 4, IMG_RGBA);
    img_free(&src);
}

static void test_gray_alpha(void)
{
    img_rgba src;
    new_image(&src, 33, 17);
    for (unsigned y = 0; y < 17; y++)
        for (unsigned x = 0; x < 33; x++) {
            unsigned v = (x * 13 + y * 5) & 255;
            set_px(&src, x, y, v, v, v, (x * 9) & 255);
        }
    round_trip(&src, 4, IMG_GRAY_ALPHA);
    round_trip(&src, 2, IMG_GRAY_ALPHA);
    img_free(&src);
}

/* Slicer's slice PNG: a non-square (HiDPI-sized) gray image whose alpha is
 * 0 outside the volume.  Over black it is what the view shows, and gray
 * without alpha: expected values computed here, pixel by pixel. */
static void test_flatten_black(void)
{
    enum { W = 1462, H = 918 };
    img_rgba src;
    new_image(&src, W, H);
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++) {
            unsigned v = (x * 7 + y * 3) & 255;
            int inside = (x - W / 2.0) * (x - W / 2.0) / (W * W / 9.0) +
                         (y - H / 2.0) * (y - H / 2.0) / (H * H / 9.0) < 1;
            set_px(&src, x, y, v, v, v, inside ? 255 : 0);
        }
    set_px(&src, 0, 0, 200, 200, 200, 128);       /* a partly covered pixel */
    img_rgba copy;
    new_image(&copy, W, H);
    memcpy(copy.rgba, src.rgba, (size_t)W * H * 4);
    size_t n = img_flatten_black(&copy);
    size_t want_n = 0, bad = 0;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        const unsigned char *a = src.rgba + 4 * i, *b = copy.rgba + 4 * i;
        unsigned want = a[3] == 255 ? a[0] : a[3] == 0 ? 0 : (a[0] * a[3] + 127) / 255;
        want_n += a[3] != 255;
        bad += b[0] != want || b[1] != want || b[2] != want || b[3] != 255;
    }
    T_CHECK(n == want_n && n > 0, "%zu pixels were not opaque (%zu counted)", want_n, n);
    T_CHECK(bad == 0, "every pixel over black (%zu wrong)", bad);
    T_CHECK(copy.rgba[0] == 100, "half-covered 200 -> 100 (%d)", copy.rgba[0]);
    T_CHECK(img_best_format(&copy) == IMG_GRAY, "gray without alpha");
    round_trip(&copy, 4, IMG_GRAY);
    img_free(&src);
    img_free(&copy);
}

static void test_gray_input_file(void)
{
    /* A 1-channel file decodes to RGBA with R=G=B, A=255. */
    img_rgba src;
    new_image(&src, 16, 16);
    for (unsigned i = 0; i < 256; i++)
        set_px(&src, i % 16, i / 16, i, i, i, 255);
    round_trip(&src, 1, IMG_GRAY);
    img_free(&src);
}

static void test_best_format_table(void)
{
    static const struct {
        unsigned char px[2][4];
        img_format want;
    } cases[] = {
        { { { 7, 7, 7, 255 }, { 0, 0, 0, 255 } }, IMG_GRAY },
        { { { 7, 7, 7, 255 }, { 0, 0, 0, 254 } }, IMG_GRAY_ALPHA },
        { { { 7, 7, 7, 0 }, { 9, 9, 9, 0 } }, IMG_GRAY_ALPHA },
        { { { 7, 7, 8, 255 }, { 0, 0, 0, 255 } }, IMG_RGB },
        { { { 7, 7, 7, 255 }, { 0, 1, 0, 255 } }, IMG_RGB },
        { { { 7, 8, 7, 255 }, { 0, 0, 0, 1 } }, IMG_RGBA },
        { { { 7, 7, 7, 254 }, { 1, 0, 0, 255 } }, IMG_RGBA },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char px[8];
        memcpy(px, cases[i].px, sizeof px);
        img_rgba im = { 2, 1, px };
        T_CHECK(img_best_format(&im) == cases[i].want, "case %zu: got %d", i,
                (int)img_best_format(&im));
    }
}

/* ---- downscaling ------------------------------------------------------- */

static int downscale(const img_rgba *in, unsigned max_side, img_rgba *out)
{
    err e;
    int rc = img_downscale(in, max_side, out, &e);
    T_CHECK(rc == 0, "downscale to %u: %s", max_side, e.msg);
    return rc;
}

static void test_downscale_blocks(void)
{
    /* 2x2 blocks of one random colour each: 512 -> 256 gives them back. */
    img_rgba in, out;
    new_image(&in, 512, 512);
    for (unsigned by = 0; by < 256; by++)
        for (unsigned bx = 0; bx < 256; bx++) {
            unsigned r = rnd() & 255, g = rnd() & 255, b = rnd() & 255;
            for (unsigned k = 0; k < 4; k++)
                set_px(&in, bx * 2 + k % 2, by * 2 + k / 2, r, g, b, 255);
        }
    if (downscale(&in, 256, &out) == 0) {
        T_CHECK(out.w == 256 && out.h == 256, "size %ux%u", out.w, out.h);
        int bad = 0;
        for (unsigned y = 0; y < 256 && !bad; y++)
            for (unsigned x = 0; x < 256 && !bad; x++)
                bad = memcmp(px_at(&out, x, y), px_at(&in, x * 2, y * 2), 4) != 0;
        T_CHECK(!bad, "a 2x2 block did not average to its colour");
        img_free(&out);
    }
    /* Four different values per block average exactly: (4+8+16+32)/4 = 15. */
    static const unsigned v[4] = { 4, 8, 16, 32 };
    for (unsigned y = 0; y < 512; y++)
        for (unsigned x = 0; x < 512; x++) {
            unsigned k = v[(y % 2) * 2 + x % 2];
            set_px(&in, x, y, k, k, k, 255);
        }
    if (downscale(&in, 256, &out) == 0) {
        T_CHECK(px_at(&out, 100, 37)[0] == 15, "mean of 4,8,16,32 gave %u",
                px_at(&out, 100, 37)[0]);
        T_CHECK(img_best_format(&out) == IMG_GRAY, "gray stays gray");
        img_free(&out);
    }
    img_free(&in);
}

static void test_downscale_checkerboard(void)
{
    img_rgba in, out;
    new_image(&in, 512, 512);
    for (unsigned y = 0; y < 512; y++)
        for (unsigned x = 0; x < 512; x++) {
            unsigned v = (x + y) % 2 ? 255 : 0;
            set_px(&in, x, y, v, v, v, 255);
        }
    if (downscale(&in, 256, &out) == 0) {
        int bad = 0;
        for (size_t i = 0; i < (size_t)256 * 256 && !bad; i++) {
            const unsigned char *p = out.rgba + i * 4;
            bad = !(p[0] == 127 || p[0] == 128) || p[1] != p[0] || p[2] != p[0] || p[3] != 255;
        }
        T_CHECK(!bad, "checkerboard did not average to 127/128");
        img_free(&out);
    }
    img_free(&in);
}

static void test_downscale_fractional(void)
{
    img_rgba in, out;
    /* 300x200 -> max 128: 128 x round(85.33) = 128x85; a constant image
     * stays constant exactly. */
    new_image(&in, 300, 200);
    for (size_t i = 0; i < (size_t)300 * 200; i++)
        memcpy(in.rgba + i * 4, (const unsigned char[4]){ 10, 200, 77, 255 }, 4);
    if (downscale(&in, 128, &out) == 0) {
        T_CHECK(out.w == 128 && out.h == 85, "size %ux%u, want 128x85", out.w, out.h);
        int bad = 0;
        for (size_t i = 0; i < (size_t)out.w * out.h && !bad; i++)
            bad = memcmp(out.rgba + i * 4, (const unsigned char[4]){ 10, 200, 77, 255 }, 4) != 0;
        T_CHECK(!bad, "a constant image changed");
        img_free(&out);
    }
    img_free(&in);

    /* Portrait: 200x300 -> 85x128. */
    new_image(&in, 200, 300);
    if (downscale(&in, 128, &out) == 0) {
        T_CHECK(out.w == 85 && out.h == 128, "size %ux%u, want 85x128", out.w, out.h);
        img_free(&out);
    }
    img_free(&in);

    /* 3x1 -> max 2 gives 2x1; output 0 covers inputs 0 and half of 1:
     * (0*1 + 90*0.5) / 1.5 = 30, output 1: (90*0.5 + 180*1) / 1.5 = 150. */
    new_image(&in, 3, 1);
    set_px(&in, 0, 0, 0, 0, 0, 255);
    set_px(&in, 1, 0, 90, 90, 90, 255);
    set_px(&in, 2, 0, 180, 180, 180, 255);
    if (downscale(&in, 2, &out) == 0) {
        T_CHECK(out.w == 2 && out.h == 1, "size %ux%u", out.w, out.h);
        T_CHECK(px_at(&out, 0, 0)[0] == 30 && px_at(&out, 1, 0)[0] == 150,
                "got %u %u, want 30 150", px_at(&out, 0, 0)[0], px_at(&out, 1, 0)[0]);
        img_free(&out);
    }
    img_free(&in);

    /* A long thin image keeps at least one pixel: 1000x1 -> max 10 is 10x1. */
    new_image(&in, 1000, 1);
    for (unsigned x = 0; x < 1000; x++)
        set_px(&in, x, 0, x < 100 ? 100 : 0, 0, 0, 255);
    if (downscale(&in, 10, &out) == 0) {
        T_CHECK(out.w == 10 && out.h == 1, "size %ux%u", out.w, out.h);
        T_CHECK(px_at(&out, 0, 0)[0] == 100 && px_at(&out, 1, 0)[0] == 0, "blocks of 100");
        img_free(&out);
    }
    img_free(&in);
}

static void test_downscale_alpha(void)
{
    /* Alpha-weighted: opaque red beside transparent blue averages to red
     * at half alpha (127.5 rounds to 128), not to purple. */
    img_rgba in, out;
    new_image(&in, 2, 1);
    set_px(&in, 0, 0, 255, 0, 0, 255);
    set_px(&in, 1, 0, 0, 0, 255, 0);
    if (downscale(&in, 1, &out) == 0) {
        const unsigned char *p = out.rgba;
        T_CHECK(out.w == 1 && out.h == 1, "size %ux%u", out.w, out.h);
        T_CHECK(p[0] == 255 && p[1] == 0 && p[2] == 0 && p[3] == 128,
                "got %u,%u,%u,%u", p[0], p[1], p[2], p[3]);
        img_free(&out);
    }
    /* All transparent: alpha 0, colour 0. */
    set_px(&in, 0, 0, 255, 0, 0, 0);
    if (downscale(&in, 1, &out) == 0) {
        T_CHECK(out.rgba[3] == 0, "alpha %u", out.rgba[3]);
        img_free(&out);
    }
    img_free(&in);
}

static void test_downscale_copy(void)
{
    img_rgba in, out;
    make_slice(&in, 64, 40);
    if (downscale(&in, 1000, &out) == 0) {
        T_CHECK(same_pixels(&in, &out) && out.rgba != in.rgba, "max_side > size copies");
        img_free(&out);
    }
    if (downscale(&in, 64, &out) == 0) {
        T_CHECK(same_pixels(&in, &out), "max_side == size copies");
        img_free(&out);
    }
    err e;
    T_CHECK(img_downscale(&in, 0, &out, &e) == -1 && out.rgba == NULL, "max_side 0 refused");
    img_free(&in);
}

static void test_one_pixel(void)
{
    img_rgba src;
    new_image(&src, 1, 1);
    set_px(&src, 0, 0, 1, 2, 3, 4);
    round_trip(&src, 4, IMG_RGBA);
    img_rgba out;
    if (downscale(&src, 1, &out) == 0) {
        T_CHECK(same_pixels(&src, &out), "1x1 at max 1 is a copy");
        img_free(&out);
    }
    img_free(&src);
}

/* ---- bad input --------------------------------------------------------- */

static void expect_fail(const void *png, size_t len, err_kind kind, const char *what)
{
    static unsigned char junk[4];
    img_rgba im = { 99, 99, junk };
    err e;
    err_clear(&e);
    int rc = img_decode_png(png, len, &im, &e);
    T_CHECK(rc == -1, "%s: decoded", what);
    T_CHECK(e.kind == kind, "%s: kind %d, want %d", what, (int)e.kind, (int)kind);
    T_CHECK(strncmp(e.msg, "png: ", 5) == 0 && strlen(e.msg) > 5, "%s: message '%s'",
            what, e.msg);
    T_CHECK(im.rgba == NULL && im.w == 0 && im.h == 0, "%s: output not cleared", what);
    if (rc == 0)
        img_free(&im);
}

static unsigned char *small_png(size_t *len)
{
    img_rgba src;
    make_slice(&src, 40, 30);
    unsigned char *png = png_level0(src.rgba, 40, 30, 4, len);
    img_free(&src);
    return png;
}

static void test_corrupt(void)
{
    size_t len;
    unsigned char *png = small_png(&len);
    T_ASSERT(png != NULL, "test PNG");
    /* Damage the middle of IDAT: its CRC no longer matches. */
    png[len / 2] ^= 0x55;
    expect_fail(png, len, ERR_UPSTREAM, "flipped IDAT byte");
    png[len / 2] ^= 0x55;
    png[0] = 'G';
    expect_fail(png, len, ERR_UPSTREAM, "bad signature");
    free(png);
    static const char junk[] = "this is not a PNG at all, just text";
    expect_fail(junk, sizeof junk - 1, ERR_UPSTREAM, "text");
}

static void test_truncated(void)
{
    size_t len;
    unsigned char *png = small_png(&len);
    T_ASSERT(png != NULL, "test PNG");
    /* Cut inside the signature, inside IHDR, and inside the image data.
     * Each copy is exactly as long as the cut so ASan sees any over-read. */
    size_t cuts[] = { 1, 7, 8, 20, 33, 60, len / 2, len - 40 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        unsigned char *cut = malloc(cuts[i]);
        memcpy(cut, png, cuts[i]);
        char what[64];
        snprintf(what, sizeof what, "cut at %zu of %zu", cuts[i], len);
        expect_fail(cut, cuts[i], ERR_UPSTREAM, what);
        free(cut);
    }
    free(png);
}

/* The PNG chunk CRC (ISO 3309), bitwise: the Makefile links no -lz. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return c ^ 0xffffffffu;
}

/* Appends one chunk with a correct CRC; returns the bytes written. */
static size_t put_chunk(unsigned char *p, const char *type, const unsigned char *data,
                        uint32_t n)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(n >> (24 - 8 * i));
    memcpy(p + 4, type, 4);
    if (n)
        memcpy(p + 8, data, n);
    uint32_t crc = crc32_png(p + 4, 4 + n);
    for (int i = 0; i < 4; i++)
        p[8 + n + i] = (unsigned char)(crc >> (24 - 8 * i));
    return 12 + n;
}

/* A PNG whose IHDR (CRC correct) claims w x h RGBA, followed by an empty
 * IDAT and IEND, so that libpng reads the whole header before our check. */
static size_t craft_header(unsigned char *p, uint32_t w, uint32_t h)
{
    static const unsigned char sig[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
    unsigned char ihdr[13] = { 0 };
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
        ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    ihdr[8] = 8;   /* bit depth */
    ihdr[9] = 6;   /* RGBA */
    memcpy(p, sig, 8);
    size_t n = 8;
    n += put_chunk(p + n, "IHDR", ihdr, sizeof ihdr);
    n += put_chunk(p + n, "IDAT", NULL, 0);
    n += put_chunk(p + n, "IEND", NULL, 0);
    return n;
}

static void test_oversized_dims(void)
{
    unsigned char p[64];
    size_t n = craft_header(p, 100000, 100000);
    expect_fail(p, n, ERR_LIMIT, "100000x100000");
    n = craft_header(p, IMG_MAX_SIDE + 1, 1);
    expect_fail(p, n, ERR_LIMIT, "one over the side limit");
    /* Inside the limit the header passes and the missing data fails. */
    n = craft_header(p, 16, 16);
    expect_fail(p, n, ERR_UPSTREAM, "16x16 without data");
    img_rgba im;
    err e;
    T_CHECK(img_decode_png(p, n, &im, &e) == -1 && strstr(e.msg, "limit") == NULL,
            "a small header is not a limit error: %s", e.msg);
}

static void test_empty_and_too_long(void)
{
    expect_fail("", 0, ERR_UPSTREAM, "zero-length");
    expect_fail(NULL, 0, ERR_UPSTREAM, "NULL");
    /* The byte cap is checked before anything is read. */
    unsigned char one = 0;
    expect_fail(&one, (size_t)IMG_MAX_PNG_BYTES + 1, ERR_LIMIT, "over the byte cap");
}

static void test_encode_rejects_empty(void)
{
    img_rgba im = { 0, 0, NULL };
    void *png = (void *)1;
    size_t len = 7;
    err e;
    T_CHECK(img_encode_png(&im, &png, &len, NULL, &e) == -1, "0x0 encoded");
    T_CHECK(png == NULL && len == 0, "outputs cleared");
    img_free(&im);
    img_free(NULL);
}

int main(void)
{
    t_run("img_gray_slice_lossless_and_small", test_gray_slice);
    t_run("img_rgb_colour_lossless", test_rgb_colour);
    t_run("img_rgba_transparency_lossless", test_rgba_transparency);
    t_run("img_gray_alpha_lossless", test_gray_alpha);
    t_run("img_gray_input_file", test_gray_input_file);
    t_run("img_flatten_black_non_square", test_flatten_black);
    t_run("img_best_format_table", test_best_format_table);
    t_run("img_downscale_2x2_blocks_exact", test_downscale_blocks);
    t_run("img_downscale_checkerboard", test_downscale_checkerboard);
    t_run("img_downscale_fractional", test_downscale_fractional);
    t_run("img_downscale_alpha_weighted", test_downscale_alpha);
    t_run("img_downscale_fits_is_copy", test_downscale_copy);
    t_run("img_one_pixel", test_one_pixel);
    t_run("img_corrupt_fails", test_corrupt);
    t_run("img_truncated_fails", test_truncated);
    t_run("img_oversized_dims_rejected", test_oversized_dims);
    t_run("img_empty_and_too_long_rejected", test_empty_and_too_long);
    t_run("img_encode_rejects_empty", test_encode_rejects_empty);
    return t_done();
}
