/* test_imgreply: Slicer's PNG to the reply's base64, with decoding and
 * encoding overlapped on two threads.  Every answer is decoded again
 * with libpng's simplified API (t_png.h, not the gateway's decoder) and
 * compared pixel by pixel with the input composited over black, computed
 * here; the layout is read from the answer's IHDR. */
#include "slicer/imgreply.h"
#include "t_png.h"
#include "t_pngw.h"
#include "testlib.h"
#include "util/base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A w x h RGBA test picture: gray ramps, transparent left columns (as
 * outside the volume), and from row colour_from on a red stripe. */
static unsigned char *picture(unsigned w, unsigned h, unsigned colour_from)
{
    unsigned char *p = malloc((size_t)w * h * 4);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            unsigned char *q = p + ((size_t)y * w + x) * 4;
            unsigned v = (x * 7 + y * 3) & 0xff;
            q[0] = q[1] = q[2] = (unsigned char)v;
            q[3] = x < 5 ? 0 : x < 9 ? 128 : 255;
            if (y >= colour_from && x >= w / 2 && x < w / 2 + 4) {
                q[0] = 200;
                q[1] = 10;
                q[2] = 10;
            }
        }
    return p;
}

/* What a slice view shows: colour times alpha, rounded, over black. */
static void over_black(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++, p += 4) {
        for (int c = 0; c < 3; c++)
            p[c] = (unsigned char)((p[c] * p[3] + 127) / 255);
        p[3] = 255;
    }
}

/* The answer's PNG colour type (IHDR byte 25). */
static int colour_type(const unsigned char *png, size_t n)
{
    return n > 25 ? png[25] : -1;
}

/* Decodes j's base64 and checks size, colour type and pixels. */
static void check_answer(const char *what, const imgreply *j, const unsigned char *want,
                         unsigned w, unsigned h, int want_type)
{
    size_t n = 0;
    unsigned char *png = base64_decode(j->b64, strlen(j->b64), &n);
    T_ASSERT(png != NULL, "%s: answer is not base64", what);
    int gw = 0, gh = 0;
    unsigned char *px = t_png_rgba(png, n, &gw, &gh, NULL);
    T_CHECK(colour_type(png, n) == want_type, "%s: colour type %d, want %d", what,
            colour_type(png, n), want_type);
    if (T_CHECK(px != NULL, "%s: answer is not a PNG", what)) {
        T_CHECK((unsigned)gw == w && (unsigned)gh == h, "%s: %dx%d, want %ux%u", what, gw, gh, w, h);
        T_CHECK(gw > 0 && memcmp(px, want, (size_t)w * h * 4) == 0, "%s: pixels differ", what);
    }
    T_CHECK(j->fit.w == w && j->fit.h == h && j->fit.in_w == w && j->fit.in_h == h,
            "%s: fit %ux%u of %ux%u", what, j->fit.w, j->fit.h, j->fit.in_w, j->fit.in_h);
    free(px);
    free(png);
}

/* Runs one picture through imgreply_run and through start + join. */
static void round_trip(const char *what, unsigned w, unsigned h, unsigned colour_from,
                       t_pngw_opts o, int want_type)
{
    unsigned char *src = picture(w, h, colour_from);
    unsigned char *want = malloc((size_t)w * h * 4);
    memcpy(want, src, (size_t)w * h * 4);
    over_black(want, (size_t)w * h);
    size_t len = 0;
    unsigned char *in = t_pngw(src, w, h, o, &len);
    T_ASSERT(in != NULL, "%s: test PNG", what);
    imgreply j;
    err e = { 0 };
    char label[160];
    snprintf(label, sizeof label, "%s, run", what);
    if (T_CHECK(imgreply_run(&j, in, len, 0, &e) == 0, "%s: %s", label, e.msg)) {
        check_answer(label, &j, want, w, h, want_type);
        free(j.b64);
    }
    snprintf(label, sizeof label, "%s, start and join", what);
    imgreply_start(&j, in, len, 0);
    if (T_CHECK(imgreply_join(&j, &e) == 0, "%s: %s", label, e.msg)) {
        check_answer(label, &j, want, w, h, want_type);
        free(j.b64);
    }
    free(in);
    free(want);
    free(src);
}

static const t_pngw_opts RGBA8 = { .channels = 4, .depth = 8 };

static void test_gray(void)
{
    round_trip("gray 300x200", 300, 200, 200, RGBA8, 0);
}

/* Colour only in the last rows: the encoder has guessed gray by then and
 * must start again as RGB. */
static void test_colour_late(void)
{
    round_trip("colour from row 190 of 200", 300, 200, 190, RGBA8, 2);
}

static void test_colour_first_row(void)
{
    round_trip("colour from row 0", 64, 300, 0, RGBA8, 2);
}

/* Adam7: no row is final before the last pass. */
static void test_interlaced(void)
{
    round_trip("interlaced", 123, 77, 40, (t_pngw_opts){ .channels = 4, .depth = 8, .interlace = 1 }, 2);
}

/* 16-bit RGBA samples v*257 scale back to v exactly. */
static void test_sixteen_bit(void)
{
    unsigned w = 40, h = 30;
    unsigned char *src = picture(w, h, 10);
    unsigned char *wide = malloc((size_t)w * h * 8);
    for (size_t i = 0; i < (size_t)w * h * 4; i++)
        wide[2 * i] = wide[2 * i + 1] = src[i];   /* v * 257, big-endian */
    size_t len = 0;
    unsigned char *in = t_pngw(wide, w, h, (t_pngw_opts){ .channels = 4, .depth = 16 }, &len);
    over_black(src, (size_t)w * h);
    imgreply j;
    err e = { 0 };
    if (T_CHECK(in && imgreply_run(&j, in, len, 0, &e) == 0, "16-bit: %s", e.msg)) {
        check_answer("16-bit", &j, src, w, h, 2);
        free(j.b64);
    }
    free(in);
    free(wide);
    free(src);
}

/* A cut inside the image data fails cleanly whether the encoder has
 * started or not (ASan and valgrind watch the rows it was handed). */
static void test_truncated(void)
{
    unsigned w = 400, h = 300;
    unsigned char *src = picture(w, h, h);
    size_t len = 0;
    unsigned char *in = t_pngw(src, w, h, RGBA8, &len);
    T_ASSERT(in != NULL, "test PNG");
    size_t cuts[] = { len / 3, len - 100, len - 13 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        unsigned char *cut = malloc(cuts[i]);
        memcpy(cut, in, cuts[i]);
        imgreply j;
        err e = { 0 };
        T_CHECK(imgreply_run(&j, cut, cuts[i], 0, &e) == -1 && strncmp(e.msg, "png: ", 5) == 0,
                "run, cut at %zu of %zu: '%s'", cuts[i], len, e.msg);
        imgreply_start(&j, cut, cuts[i], 0);
        T_CHECK(imgreply_join(&j, &e) == -1 && strncmp(e.msg, "png: ", 5) == 0,
                "start and join, cut at %zu of %zu: '%s'", cuts[i], len, e.msg);
        free(cut);
    }
    free(in);
    free(src);
}

/* max_size below the image: no overlap, a downscaled answer. */
static void test_max_side(void)
{
    unsigned char *src = picture(200, 100, 100);
    size_t len = 0;
    unsigned char *in = t_pngw(src, 200, 100, RGBA8, &len);
    imgreply j;
    err e = { 0 };
    imgreply_start(&j, in, len, 50);
    if (T_CHECK(imgreply_join(&j, &e) == 0, "max_side 50: %s", e.msg)) {
        T_CHECK(j.fit.w == 50 && j.fit.h == 25 && j.fit.in_w == 200, "fit %ux%u", j.fit.w, j.fit.h);
        free(j.b64);
    }
    free(in);
    free(src);
}

int main(void)
{
    t_run("imgreply_gray_over_black", test_gray);
    t_run("imgreply_colour_late_restarts_as_rgb", test_colour_late);
    t_run("imgreply_colour_first_row", test_colour_first_row);
    t_run("imgreply_interlaced", test_interlaced);
    t_run("imgreply_sixteen_bit", test_sixteen_bit);
    t_run("imgreply_truncated_fails_cleanly", test_truncated);
    t_run("imgreply_max_side_downscales", test_max_side);
    return t_done();
}
