/* test_sim_image: the stand-in's images: MRHead geometry, the phantom's
 * anatomy, sampling, slice / 3D / timeimage / screenshot PNGs, Python
 * float repr and the exact NRRD header of GET /slicer/volume. */

/* A unity build: the Makefile links unit tests against the gateway's
 * library only, not the slicer-sim objects, so the image code is compiled
 * into this test directly (its functions are all that slicer-sim adds). */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"
#include "../slicer-sim/sim_render.c"

#include "testlib.h"
#include "t_png.h"

#include <errno.h>
#include <sys/stat.h>

static sim_volume g_head;     /* MRHead, made once */

static const double g_fov[2] = { 256, 256 };

/* Axial SliceToRAS (Slicer's preset: x = -R, y = +A) centred at S = s. */
static void axial(double s, double m[16])
{
    static const double a[16] = { -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    memcpy(m, a, sizeof a);
    m[11] = s;
}

static unsigned char *decode_rgba(const sim_bytes *b, int *w, int *h, int *fmt_channels)
{
    return t_png_rgba(b->p, b->n, w, h, fmt_channels);
}

static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

static void test_geometry(void)
{
    const sim_volume *v = &g_head;
    T_CHECK(v->dims[0] == 256 && v->dims[1] == 256 && v->dims[2] == 130,
            "dims %d %d %d", v->dims[0], v->dims[1], v->dims[2]);
    T_CHECK(v->scalar == SIM_SHORT, "scalar %d", (int)v->scalar);
    T_CHECK(v->spacing[0] == 1.0 && v->spacing[1] == 1.0
            && v->spacing[2] == 1.2999954223632812, "spacing %.17g %.17g %.17g",
            v->spacing[0], v->spacing[1], v->spacing[2]);
    T_CHECK(v->origin[0] == -86.644897460937486 && v->origin[1] == 133.92860412597656
            && v->origin[2] == 116.78569793701172, "origin %.17g %.17g %.17g",
            v->origin[0], v->origin[1], v->origin[2]);
    static const double dirs[3][3] = { { 0, -1, 0 }, { 0, 0, -1 }, { 1, 0, 0 } };
    for (int a = 0; a < 3; a++)
        for (int r = 0; r < 3; r++)
            T_CHECK(v->dirs[a][r] == dirs[a][r], "dirs[%d][%d] = %g", a, r,
                    v->dirs[a][r]);
    T_CHECK(v->window > 0 && v->level > 0, "window %g level %g", v->window, v->level);
}

static void test_bounds(void)
{
    double b[6];
    sim_volume_ras_bounds(&g_head, b);
    double want[6] = { -86.644897460937486, -86.644897460937486 + 129 * 1.2999954223632812,
                       133.92860412597656 - 255, 133.92860412597656,
                       116.78569793701172 - 255, 116.78569793701172 };
    for (int i = 0; i < 6; i++)
        T_CHECK(fabs(b[i] - want[i]) < 1e-9, "b[%d] = %.17g, want %.17g", i, b[i],
                want[i]);
}

static void test_determinism(void)
{
    sim_volume v2;
    T_ASSERT(sim_phantom_mrhead(&v2, 0) == 0, "second phantom");
    size_t n = sim_volume_bytes(&g_head);
    T_CHECK(n == (size_t)256 * 256 * 130 * 2, "bytes %zu", n);
    uint64_t a = fnv(g_head.voxels, n), b = fnv(v2.voxels, n);
    T_CHECK(a == b, "checksums %llx %llx", (unsigned long long)a,
            (unsigned long long)b);
    sim_volume_free(&v2);
}

static void test_anatomy(void)
{
    const double lesion[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };
    double les = sim_volume_sample(&g_head, lesion);
    T_CHECK(les >= 700, "lesion centre %g", les);
    /* the brain around it, 15 mm away in its axial plane (no more than
     * white matter plus noise and bias) */
    for (int k = 0; k < 8; k++) {
        double ang = k * M_PI / 4;
        double p[3] = { SIM_LESION_R + 15 * cos(ang), SIM_LESION_A + 15 * sin(ang),
                        SIM_LESION_S };
        double b = sim_volume_sample(&g_head, p);
        T_CHECK(b > 50 && b < les - 200, "brain at %g %g: %g", p[0], p[1], b);
    }
    /* ventricles (both sides) darker than the white matter beside them */
    for (int side = -1; side <= 1; side += 2) {
        double vp[3] = { side * VENT_R, VENT_A, VENT_S };
        double wm[3] = { side * 40.0, -30, VENT_S };
        double vv = sim_volume_sample(&g_head, vp), ww = sim_volume_sample(&g_head, wm);
        T_CHECK(vv < 150 && ww > vv + 200, "ventricle %g, brain %g", vv, ww);
    }
    /* the skull ring: brighter than brain, on the head's lateral edge */
    double skull[3] = { HEAD_R + SCALP_X - (SKULL_OUT + SKULL_IN) / 2, HEAD_A, HEAD_S };
    T_CHECK(sim_volume_sample(&g_head, skull) >= 550, "skull %g",
            sim_volume_sample(&g_head, skull));
    double out[3] = { 500, 0, 0 }, air[3] = { 80, 125, 110 };
    T_CHECK(sim_volume_sample(&g_head, out) == 0, "outside the volume");
    T_CHECK(sim_volume_sample(&g_head, air) == 0, "air %g",
            sim_volume_sample(&g_head, air));
    T_CHECK(sim_volume_sample(NULL, out) == 0, "NULL volume");
}

static void test_labels(void)
{
    sim_volume l;
    T_ASSERT(sim_phantom_labels(&l) == 0, "labels");
    T_CHECK(l.scalar == SIM_UCHAR && l.spacing[0] == 4.0, "type/spacing");
    T_CHECK(l.dims[0] == 64 && l.dims[1] == 64 && l.dims[2] == 42, "dims %d %d %d",
            l.dims[0], l.dims[1], l.dims[2]);
    size_t n = sim_volume_bytes(&l), c1 = 0, c2 = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = ((unsigned char *)l.voxels)[i];
        c1 += c == 1;
        c2 += c == 2;
    }
    T_CHECK(c1 > 10 && c2 > 10, "label 1: %zu voxels, label 2: %zu", c1, c2);
    const double lesion[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };
    double vp[3] = { VENT_R, VENT_A, VENT_S };
    T_CHECK(sim_volume_sample(&l, lesion) == 1, "lesion label");
    T_CHECK(sim_volume_sample(&l, vp) == 2, "ventricle label");
    sim_volume_free(&l);
    sim_volume_free(NULL);
}

static void test_resized(void)
{
    sim_volume v;
    T_ASSERT(sim_phantom_mrhead(&v, 64) == 0, "64^3");
    T_CHECK(v.dims[0] == 64 && v.dims[2] == 64, "dims");
    double b[6], b0[6];
    sim_volume_ras_bounds(&v, b);
    sim_volume_ras_bounds(&g_head, b0);
    for (int i = 0; i < 6; i++)
        T_CHECK(fabs(b[i] - b0[i]) < 1e-6, "extent %d: %g vs %g", i, b[i], b0[i]);
    const double lesion[3] = { SIM_LESION_R, SIM_LESION_A, SIM_LESION_S };
    T_CHECK(sim_volume_sample(&v, lesion) >= 700, "lesion %g",
            sim_volume_sample(&v, lesion));
    sim_volume_free(&v);
    T_CHECK(sim_phantom_mrhead(&v, 1) == -1, "size 1 refused");
    T_CHECK(sim_phantom_mrhead(&v, 100000) == -1, "huge size refused");
}

/* Writes the axial lesion slice for people to look at (tests/out is not
 * tracked): the RGBA PNG as served, and an 8-bit gray copy at default
 * compression that is small enough for docs/axial-slice.png. */
static void save_axial(const unsigned char *rgba, int w, int h, const sim_bytes *png)
{
    if (mkdir("tests/out", 0755) < 0 && errno != EEXIST)
        return;
    t_write_file("tests/out/axial_lesion.png", png->p, png->n);
    unsigned char *gray = malloc((size_t)w * (size_t)h);
    sim_bytes g;
    if (gray) {
        for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
            gray[i] = rgba[4 * i];
        if (sim_png_encode(gray, w, h, 1, -1, &g) == 0) {
            T_CHECK(g.n < 200 * 1024, "gray copy %zu bytes", g.n);
            t_write_file("tests/out/axial_lesion_gray.png", g.p, g.n);
            free(g.p);
        }
    }
    free(gray);
}

static void test_slice(void)
{
    double m[16];
    axial(SIM_LESION_S, m);
    sim_bytes png;
    T_ASSERT(sim_render_slice(&g_head, NULL, 1, m, g_fov, 512, 512, &png) == 0, "render");
    T_CHECK(png.n > (size_t)512 * 512 * 4, "stored uncompressed: %zu bytes", png.n);
    T_CHECK(png.n < (size_t)512 * 512 * 4 + 16384, "no bigger than raw: %zu", png.n);
    int w = 0, h = 0, ch = 0;
    unsigned char *px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    T_CHECK(w == 512 && h == 512 && ch == 4, "%dx%d, %d channels", w, h, ch);
    /* pixel of RAS (R, A): col = 256 - 2R - 0.5, row = 256 - 2A - 0.5 */
    int lc = (int)(256 - 2 * SIM_LESION_R), lr = (int)(256 - 2 * SIM_LESION_A);
    int fr = (int)(256 - 2 * (SIM_LESION_A - 30));
    unsigned char les = px[((size_t)lr * 512 + (size_t)lc) * 4];
    unsigned char brain = px[((size_t)fr * 512 + (size_t)lc) * 4];
    T_CHECK(les > brain + 60, "lesion pixel %d, 30 mm posterior %d", les, brain);
    /* alpha is the background stencil (Slicer's §4.5): 0 outside the
     * voxel box, 255 inside.  Along A = 0 (row 255) the box spans R from
     * -86.6449 - 0.65 = -87.29 to -86.6449 + 129.5 * 1.2999954 = 81.70;
     * pixel col has R = (256 - (col + 0.5)) / 2: col 92 is R 81.75
     * (out), 93 R 81.25 (in), 430 R -87.25 (in), 431 R -87.75 (out). */
    T_CHECK(px[((size_t)lr * 512 + (size_t)lc) * 4 + 3] == 255, "lesion opaque");
    T_CHECK(px[3] == 0 && px[0] == 0, "corner outside the head's box: transparent black");
    size_t r255 = (size_t)255 * 512;
    T_CHECK(px[(r255 + 92) * 4 + 3] == 0 && px[(r255 + 93) * 4 + 3] == 255 &&
            px[(r255 + 430) * 4 + 3] == 255 && px[(r255 + 431) * 4 + 3] == 0,
            "stencil edges: %d %d %d %d", px[(r255 + 92) * 4 + 3], px[(r255 + 93) * 4 + 3],
            px[(r255 + 430) * 4 + 3], px[(r255 + 431) * 4 + 3]);
    save_axial(px, w, h, &png);
    free(px);
    free(png.p);

    /* a slice above the head (S = 300) misses the volume: all transparent */
    axial(300, m);
    T_ASSERT(sim_render_slice(&g_head, NULL, 1, m, g_fov, 96, 64, &png) == 0, "above the head");
    px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    int opaque = 0;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        opaque += px[i * 4 + 3] != 0;
    T_CHECK(w == 96 && h == 64 && opaque == 0, "%dx%d, %d opaque pixels", w, h, opaque);
    free(px);
    free(png.p);

    /* no background volume: a transparent black image of the asked size */
    T_ASSERT(sim_render_slice(NULL, NULL, 1, m, g_fov, 64, 32, &png) == 0, "no volume");
    px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    T_CHECK(w == 64 && h == 32 && px[0] == 0 && px[3] == 0, "transparent %dx%d", w, h);
    free(px);
    free(png.p);
    T_CHECK(sim_render_slice(&g_head, NULL, 1, m, g_fov, 0, 10, &png) == -1, "zero width");
    T_CHECK(sim_render_slice(&g_head, NULL, 1, m, g_fov, 100000, 10, &png) == -1, "huge");
}

static void test_threed(void)
{
    sim_bytes png;
    T_ASSERT(sim_render_3d(&g_head, 'a', 800, 600, &png) == 0, "render");
    T_CHECK(png.n > (size_t)800 * 600 * 3, "level 0: %zu", png.n);
    int w = 0, h = 0, ch = 0;
    unsigned char *px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    T_CHECK(w == 800 && h == 600 && ch == 3, "%dx%d, %d channels", w, h, ch);
    const unsigned char *mid = px + ((size_t)300 * 800 + 400) * 4;
    const unsigned char *corner = px;
    T_CHECK(mid[0] > mid[2] && corner[2] > corner[0],
            "skin in the middle (%d,%d,%d), blue background (%d,%d,%d)",
            mid[0], mid[1], mid[2], corner[0], corner[1], corner[2]);
    free(px);
    free(png.p);
    const char axes[] = "rlsipax";
    for (const char *a = axes; *a; a++) {
        T_CHECK(sim_render_3d(&g_head, *a, 80, 60, &png) == 0, "axis %c", *a);
        free(png.p);
    }
}

static void test_timeimage(void)
{
    sim_bytes png;
    T_ASSERT(sim_render_timeimage(1724250000.1234567, "f80", &png) == 0, "render");
    int w = 0, h = 0, ch = 0;
    unsigned char *px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    T_CHECK(w == 128 && h == 32 && ch == 4, "%dx%d, %d channels", w, h, ch);
    T_CHECK(px[0] == 0xff && px[1] == 0x88 && px[2] == 0x00 && px[3] == 204,
            "border %02x%02x%02x/%d", px[0], px[1], px[2], px[3]);
    const unsigned char *inner = px + ((size_t)8 * 128 + 64) * 4;
    T_CHECK(inner[3] == 0, "transparent inside");
    int ink = 0;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        ink += px[4 * i] == 0x33 && px[4 * i + 3] == 255;
    T_CHECK(ink > 100, "text pixels %d", ink);
    free(px);
    free(png.p);
    /* invalid colour: the default #330 */
    T_ASSERT(sim_render_timeimage(1.5, "zz", &png) == 0, "render");
    px = decode_rgba(&png, &w, &h, &ch);
    T_ASSERT(px != NULL, "decodes");
    T_CHECK(px[0] == 0x33 && px[1] == 0x33 && px[2] == 0, "default colour");
    free(px);
    free(png.p);
}

static void test_screenshot(void)
{
    double m[16];
    axial(SIM_LESION_S, m);
    static const char *layouts[] = { "Conventional", "FourUp", "OneUpRedSlice",
                                     "OneUp3D", NULL };
    for (int i = 0; i < 5; i++) {
        sim_bytes png;
        T_ASSERT(sim_render_screenshot(&g_head, m, g_fov, layouts[i], &png) == 0,
                 "render %s", layouts[i] ? layouts[i] : "NULL");
        int w = 0, h = 0, ch = 0;
        unsigned char *px = decode_rgba(&png, &w, &h, &ch);
        T_CHECK(px && w == 1024 && h == 768 && ch == 3, "%dx%d/%d", w, h, ch);
        T_CHECK(png.n < (size_t)1024 * 768 * 3 / 2, "compressed: %zu", png.n);
        if (i == 0 && px)
            t_write_file("tests/out/screenshot.png", png.p, png.n);
        free(px);
        free(png.p);
    }
}

static void test_png_encode(void)
{
    unsigned char px[16 * 8 * 4];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (unsigned char)(i * 7);
    for (int c = 1; c <= 4; c++) {
        sim_bytes a, b;
        T_ASSERT(sim_png_encode(px, 16, 8, c, 0, &a) == 0, "level 0, %d ch", c);
        T_ASSERT(sim_png_encode(px, 16, 8, c, 9, &b) == 0, "level 9, %d ch", c);
        int w = 0, h = 0, ch = 0;
        unsigned char *d = decode_rgba(&a, &w, &h, &ch);
        T_CHECK(d && w == 16 && h == 8 && ch == c, "channels %d -> %d", c, ch);
        if (d && c == 3)
            T_CHECK(d[4] == px[3] && d[5] == px[4], "second pixel");
        T_CHECK(a.n > (size_t)16 * 8 * (size_t)c, "stored %zu", a.n);
        free(d);
        free(a.p);
        free(b.p);
    }
    sim_bytes z;
    T_CHECK(sim_png_encode(px, 16, 8, 5, 0, &z) == -1 && z.p == NULL, "5 channels");
    T_CHECK(sim_png_encode(NULL, 16, 8, 1, 0, &z) == -1, "NULL pixels");
}

static void test_py_repr(void)
{
    static const struct { double x; const char *want; } cases[] = {
        { 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { -1.0, "-1.0" },
        { 1.2999954223632812, "1.2999954223632812" },
        { 86.644897460937486, "86.64489746093749" },
        { -86.644897460937486, "-86.64489746093749" },
        { 1.2999999523162842, "1.2999999523162842" },
        { 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
        { 1e16, "1e+16" }, { 1e15, "1000000000000000.0" },
        { 9999999999999998.0, "9999999999999998.0" },
        { 123456789012345.6, "123456789012345.6" },
        { 1e-5, "1e-05" }, { 1.5e-5, "1.5e-05" }, { 0.0001, "0.0001" },
        { -0.00012, "-0.00012" }, { 12345.0, "12345.0" },
        { 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 1724250000.1234567, "1724250000.1234567" },
        { 133.92860412597656, "133.92860412597656" },
        { INFINITY, "inf" }, { -INFINITY, "-inf" }, { NAN, "nan" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        T_CHECK(sim_py_float_repr(cases[i].x, buf, sizeof buf) == 0
                && strcmp(buf, cases[i].want) == 0, "%.17g -> '%s', want '%s'",
                cases[i].x, buf, cases[i].want);
    }
    char small[4];
    T_CHECK(sim_py_float_repr(1.5, small, sizeof small) == 0, "fits");
    T_CHECK(sim_py_float_repr(1.25, small, sizeof small) == -1, "too small");
}

static void test_nrrd(void)
{
    static const char want[] =
        "NRRD0004\n"
        "# Complete NRRD file format specification at:\n"
        "# http://teem.sourceforge.net/nrrd/format.html\n"
        "type: short\n"
        "dimension: 3\n"
        "space: left-posterior-superior\n"
        "sizes: 256 256 130\n"
        "space directions: (0.0,1.0,0.0) (0.0,0.0,-1.0) (-1.2999954223632812,0.0,0.0)\n"
        "kinds: domain domain domain\n"
        "endian: little\n"
        "encoding: raw\n"
        "space origin: (86.64489746093749,-133.92860412597656,116.78569793701172)\n"
        "\n";
    size_t hl = sizeof want - 1;
    sim_bytes n;
    T_ASSERT(sim_nrrd_write(&g_head, &n) == 0, "write");
    T_CHECK(n.n == hl + (size_t)256 * 256 * 130 * 2, "length %zu", n.n);
    T_CHECK(n.n >= hl && memcmp(n.p, want, hl) == 0, "header:\n%.*s",
            (int)(n.n < hl ? n.n : hl), (const char *)n.p);
    /* voxels: little-endian, I fastest */
    size_t idx = 5 + 256 * (7 + 256 * (size_t)60);
    int16_t want_v = ((const int16_t *)g_head.voxels)[idx];
    int16_t got = (int16_t)(uint16_t)(n.p[hl + 2 * idx] | n.p[hl + 2 * idx + 1] << 8);
    T_CHECK(got == want_v, "voxel %d vs %d", got, want_v);
    free(n.p);

    /* unsigned char: cast to short, labelled short */
    sim_volume l;
    T_ASSERT(sim_phantom_labels(&l) == 0, "labels");
    T_ASSERT(sim_nrrd_write(&l, &n) == 0, "write labels");
    T_CHECK(strstr((const char *)n.p, "type: short\n") != NULL, "labelled short");
    size_t lh = (size_t)(strstr((const char *)n.p, "\n\n") - (const char *)n.p) + 2;
    T_CHECK(n.n == lh + sim_volume_bytes(&l) * 2, "2 bytes per voxel");
    sim_volume_free(&l);
    free(n.p);

    /* double stays double */
    double d[8] = { 0.5, -1, 2, 3, 4, 5, 6, 7 };
    sim_volume dv = { .dims = { 2, 2, 2 }, .spacing = { 1, 1, 1 },
                      .dirs = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
                      .scalar = SIM_DOUBLE, .voxels = d };
    T_ASSERT(sim_nrrd_write(&dv, &n) == 0, "write double");
    T_CHECK(strstr((const char *)n.p, "type: double\n") != NULL, "double");
    T_CHECK(strstr((const char *)n.p, "space directions: (-1.0,0.0,0.0) "
                   "(0.0,-1.0,0.0) (0.0,0.0,1.0)\n") != NULL, "identity in LPS");
    T_CHECK(strstr((const char *)n.p, "space origin: (0.0,0.0,0.0)\n") != NULL,
            "origin");
    lh = (size_t)(strstr((const char *)n.p, "\n\n") - (const char *)n.p) + 2;
    double first;
    memcpy(&first, n.p + lh, 8);        /* this host is little-endian */
    T_CHECK(n.n == lh + 64 && first == 0.5, "double data");
    free(n.p);
    sim_volume empty = { .dims = { 0, 1, 1 } };
    T_CHECK(sim_nrrd_write(&empty, &n) == -1 && n.p == NULL, "empty volume");
}

int main(void)
{
    if (sim_phantom_mrhead(&g_head, 0) < 0) {
        printf("FAIL phantom: out of memory\n");
        return 1;
    }
    t_run("sim_image geometry", test_geometry);
    t_run("sim_image bounds", test_bounds);
    t_run("sim_image determinism", test_determinism);
    t_run("sim_image anatomy", test_anatomy);
    t_run("sim_image labels", test_labels);
    t_run("sim_image resized", test_resized);
    t_run("sim_image slice", test_slice);
    t_run("sim_image threeD", test_threed);
    t_run("sim_image timeimage", test_timeimage);
    t_run("sim_image screenshot", test_screenshot);
    t_run("sim_image png_encode", test_png_encode);
    t_run("sim_image py_repr", test_py_repr);
    t_run("sim_image nrrd", test_nrrd);
    sim_volume_free(&g_head);
    return t_done();
}
