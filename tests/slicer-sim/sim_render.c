/* sim_render: the stand-in's pictures: resliced slice views with
 * window/level, a shaded first-hit 3D view, the debug timeimage and the
 * main-window screenshot.  Pixels are built here; sim_image.c encodes. */
#include "sim_image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Caps on requested sizes (a 4K view is the largest we expect). */
#define SIM_VIEW_MAX_SIDE  4096

/* The screenshot: a 1024 x 768 "main window". */
#define SHOT_W        1024
#define SHOT_H         768
#define SHOT_TOOLBAR    48
#define SHOT_PANEL     280
#define SHOT_BAR       20       /* slice view's coloured title bar */

/* 3D view: first-hit ray march. */
#define R3D_STEP_MM     4.0     /* the skin ramps over 2.5 mm: not missed */
#define R3D_THRESHOLD 150.0     /* between air (0) and scalp (270) */
#define R3D_NORMAL_MM   3.0     /* gradient stencil: wide enough to hide voxels */

static int sim_view_size_ok(int w, int h)
{
    return w > 0 && h > 0 && w <= SIM_VIEW_MAX_SIDE && h <= SIM_VIEW_MAX_SIDE;
}

/* ---- slice ---------------------------------------------------------- */

/* The plane's pixel (col,row) in v's continuous IJK: ijk00 + col*dci +
 * row*dri (RAS of a pixel is linear in col and row, so IJK is too).
 * -1 when v has no usable geometry. */
static int plane_ijk(const sim_volume *v, const double s2r[16], const double fov[2], int w,
                     int h, double ijk00[3], double dci[3], double dri[3])
{
    double m[3][3];
    if (!v || !v->voxels || sim_volume_ras_to_ijk_matrix(v, m) < 0)
        return -1;
    double x[3] = { s2r[0], s2r[4], s2r[8] }, y[3] = { s2r[1], s2r[5], s2r[9] };
    double c[3] = { s2r[3], s2r[7], s2r[11] };
    double px = fov[0] / w, py = fov[1] / h, p00[3];
    for (int r = 0; r < 3; r++)
        p00[r] = c[r] + (0.5 - w / 2.0) * px * x[r] + (h / 2.0 - 0.5) * py * y[r]
               - v->origin[r];
    for (int a = 0; a < 3; a++) {
        ijk00[a] = dci[a] = dri[a] = 0;
        for (int r = 0; r < 3; r++) {
            ijk00[a] += m[a][r] * p00[r];
            dci[a] += m[a][r] * px * x[r];
            dri[a] -= m[a][r] * py * y[r];
        }
    }
    return 0;
}

/* Reslices bg through the plane into 8-bit gray (w*h bytes), trilinear,
 * window/level applied; black where there is no volume.  alpha (w*h
 * bytes, or NULL) gets the background layer's stencil: 255 where the
 * pixel samples the volume (vtkImageReslice's default half-voxel border
 * around the voxel centres), 0 elsewhere and everywhere without one. */
static void render_slice_gray(const sim_volume *bg, const double s2r[16],
                              const double fov[2], int w, int h,
                              unsigned char *gray, unsigned char *alpha)
{
    double ijk00[3], dci[3], dri[3];
    if (plane_ijk(bg, s2r, fov, w, h, ijk00, dci, dri) != 0) {
        memset(gray, 0, (size_t)w * (size_t)h);
        if (alpha)
            memset(alpha, 0, (size_t)w * (size_t)h);
        return;
    }
    double lo = bg->level - bg->window / 2, win = bg->window > 0 ? bg->window : 1;
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            double ijk[3];
            int inside = 1;
            for (int a = 0; a < 3; a++) {
                ijk[a] = ijk00[a] + col * dci[a] + row * dri[a];
                inside &= ijk[a] >= -0.5 && ijk[a] <= bg->dims[a] - 0.5;
            }
            double g = (sim_volume_trilinear(bg, ijk) - lo) / win * 255.0;
            size_t i = (size_t)row * (size_t)w + (size_t)col;
            gray[i] = (unsigned char)(g <= 0 ? 0 : g >= 255 ? 255 : g + 0.5);
            if (alpha)
                alpha[i] = inside ? 255 : 0;
        }
}

/* Labels 1..8 of GenericAnatomyColors (Base/Logic/Resources/ColorFiles/
 * GenericAnatomyColors.txt), the colour table Slicer gives a loaded
 * labelmap; the stand-in repeats them for higher labels.  Label 0 is
 * transparent there (alpha 0) and is not drawn. */
const unsigned char sim_label_rgb[8][3] = {
    { 128, 174, 128 }, { 241, 214, 145 }, { 177, 122, 101 }, { 111, 184, 210 },
    { 216, 101, 79 },  { 221, 130, 101 }, { 144, 238, 144 }, { 192, 104, 88 },
};

/* Blends the label layer over rgba (w*h*4) as vtkMRMLSliceLogic's
 * compositing does for a labelmap: nearest-neighbour reslice (labels are
 * never interpolated), the label's colour with the composite node's
 * LabelOpacity, nothing where the label is 0 or outside the labelmap. */
static void blend_label(const sim_volume *lab, double opacity, const double s2r[16],
                        const double fov[2], int w, int h, unsigned char *rgba)
{
    double ijk00[3], dci[3], dri[3];
    if (opacity <= 0 || plane_ijk(lab, s2r, fov, w, h, ijk00, dci, dri) != 0)
        return;
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            long ijk[3];
            int inside = 1;
            for (int a = 0; a < 3; a++) {
                ijk[a] = lround(ijk00[a] + col * dci[a] + row * dri[a]);
                inside &= ijk[a] >= 0 && ijk[a] < lab->dims[a];
            }
            if (!inside)
                continue;
            size_t idx = (size_t)ijk[0] + (size_t)lab->dims[0] *
                         ((size_t)ijk[1] + (size_t)lab->dims[1] * (size_t)ijk[2]);
            long v = lround(sim_volume_value(lab, idx));
            if (v <= 0)
                continue;
            const unsigned char *c = sim_label_rgb[(v - 1) % 8];
            unsigned char *p = rgba + 4 * ((size_t)row * (size_t)w + (size_t)col);
            for (int k = 0; k < 3; k++)
                p[k] = (unsigned char)(p[k] * (1 - opacity) + c[k] * opacity + 0.5);
            unsigned a = (unsigned)(opacity * 255 + 0.5);
            p[3] = p[3] > a ? p[3] : (unsigned char)a;
        }
}

int sim_render_slice(const sim_volume *bg, const sim_volume *label, double label_opacity,
                     const double slice_to_ras[16], const double fov_mm[2], int w, int h,
                     sim_bytes *png)
{
    png->p = NULL;
    png->n = 0;
    if (!sim_view_size_ok(w, h) || !slice_to_ras || !fov_mm)
        return -1;
    size_t n = (size_t)w * (size_t)h;
    unsigned char *gray = malloc(n), *alpha = malloc(n), *rgba = malloc(n * 4);
    int rc = -1;
    if (gray && alpha && rgba) {
        render_slice_gray(bg, slice_to_ras, fov_mm, w, h, gray, alpha);
        for (size_t i = 0; i < n; i++) {
            rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = gray[i];
            rgba[4 * i + 3] = alpha[i];
        }
        blend_label(label, label_opacity, slice_to_ras, fov_mm, w, h, rgba);
        rc = sim_png_encode(rgba, w, h, 4, 0, png);
    }
    free(gray);
    free(alpha);
    free(rgba);
    return rc;
}

/* ---- 3D view -------------------------------------------------------- */

static void cross3(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

/* Nearest-voxel value at continuous IJK, or -1 outside. */
static double r3d_nearest(const sim_volume *v, const double ijk[3])
{
    long n[3];
    for (int a = 0; a < 3; a++) {
        double x = ijk[a] + 0.5;
        if (!(x >= 0 && x < v->dims[a]))
            return -1;
        n[a] = (long)x;
    }
    size_t idx = (size_t)n[0] + (size_t)v->dims[0] *
                 ((size_t)n[1] + (size_t)v->dims[1] * (size_t)n[2]);
    return v->scalar == SIM_SHORT ? ((const int16_t *)v->voxels)[idx]
                                  : sim_volume_value(v, idx);
}

/* The [t0, t1] part of the ray ijk0 + t*dijk inside the volume box
 * (slab method); returns 0 if the ray misses it. */
static int r3d_clip(const sim_volume *v, const double ijk0[3],
                    const double dijk[3], double *t0, double *t1)
{
    for (int a = 0; a < 3; a++) {
        double lo = -0.5, hi = v->dims[a] - 0.5;
        if (fabs(dijk[a]) < 1e-12) {
            if (ijk0[a] < lo || ijk0[a] > hi)
                return 0;
            continue;
        }
        double ta = (lo - ijk0[a]) / dijk[a], tb = (hi - ijk0[a]) / dijk[a];
        if (ta > tb) {
            double t = ta;
            ta = tb;
            tb = t;
        }
        if (ta > *t0)
            *t0 = ta;
        if (tb < *t1)
            *t1 = tb;
    }
    return *t0 < *t1;
}

/* Camera for an axis letter as ctkAxesWidget's lookFromAxis: the
 * camera sits on that side looking at the centre, S up (A up when
 * looking from S or I). */
static void r3d_camera(char axis, double dir[3], double up[3])
{
    static const struct { char c; double d[3], u[3]; } cams[] = {
        { 'r', { -1, 0, 0 }, { 0, 0, 1 } }, { 'l', { 1, 0, 0 }, { 0, 0, 1 } },
        { 'a', { 0, -1, 0 }, { 0, 0, 1 } }, { 'p', { 0, 1, 0 }, { 0, 0, 1 } },
        { 's', { 0, 0, -1 }, { 0, 1, 0 } }, { 'i', { 0, 0, 1 }, { 0, 1, 0 } },
    };
    int pick = 2;       /* Slicer's default camera looks from anterior */
    char lc = (char)(axis >= 'A' && axis <= 'Z' ? axis - 'A' + 'a' : axis);
    for (size_t i = 0; i < sizeof cams / sizeof cams[0]; i++)
        if (cams[i].c == lc)
            pick = (int)i;
    memcpy(dir, cams[pick].d, sizeof cams[pick].d);
    memcpy(up, cams[pick].u, sizeof cams[pick].u);
}

/* Shaded first-hit rendering of v into rgb (w*h*3). */
static void render_3d_rgb(const sim_volume *v, char axis, int w, int h,
                          unsigned char *rgb)
{
    static const double top[3] = { 193, 195, 232 }, bot[3] = { 116, 120, 190 };
    for (int row = 0; row < h; row++) {
        double f = h > 1 ? (double)row / (h - 1) : 0;
        for (int col = 0; col < w; col++)
            for (int c = 0; c < 3; c++)
                rgb[((size_t)row * (size_t)w + (size_t)col) * 3 + (size_t)c] =
                    (unsigned char)(top[c] + (bot[c] - top[c]) * f);
    }
    double m[3][3];
    if (!v || !v->voxels || sim_volume_ras_to_ijk_matrix(v, m) < 0)
        return;
    double dir[3], up[3], right[3], b[6], c[3], ext[3], diag = 0;
    r3d_camera(axis, dir, up);
    cross3(dir, up, right);
    sim_volume_ras_bounds(v, b);
    for (int r = 0; r < 3; r++) {
        c[r] = (b[2 * r] + b[2 * r + 1]) / 2;
        ext[r] = b[2 * r + 1] - b[2 * r];
        diag += ext[r] * ext[r];
    }
    diag = sqrt(diag);
    double ew = 0, eh = 0;
    for (int r = 0; r < 3; r++) {
        ew += fabs(right[r]) * ext[r];
        eh += fabs(up[r]) * ext[r];
    }
    double mm = fmax(ew / w, eh / h) * 1.1;     /* mm per pixel, 10% margin */
    double dijk[3], rijk[3], uijk[3], cijk[3];
    for (int a = 0; a < 3; a++) {
        dijk[a] = rijk[a] = uijk[a] = cijk[a] = 0;
        for (int r = 0; r < 3; r++) {
            dijk[a] += m[a][r] * dir[r] * R3D_STEP_MM;
            rijk[a] += m[a][r] * right[r] * mm;
            uijk[a] += m[a][r] * up[r] * mm;
            cijk[a] += m[a][r] * (c[r] - dir[r] * diag / 2 - v->origin[r]);
        }
    }
    double g_ijk[3][3];        /* IJK offset of 1 mm along R, A, S */
    for (int a = 0; a < 3; a++)
        for (int r = 0; r < 3; r++)
            g_ijk[r][a] = m[a][r];
    int nsteps = (int)(diag / R3D_STEP_MM) + 1;
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            double u = (col + 0.5) - w / 2.0, vv = h / 2.0 - (row + 0.5);
            double o[3];
            for (int a = 0; a < 3; a++)
                o[a] = cijk[a] + u * rijk[a] + vv * uijk[a];
            double t0 = 0, t1 = nsteps;
            if (!r3d_clip(v, o, dijk, &t0, &t1))
                continue;
            double t = ceil(t0), hit = -1;
            for (; t <= t1; t += 1) {
                double p[3] = { o[0] + t * dijk[0], o[1] + t * dijk[1],
                                o[2] + t * dijk[2] };
                if (r3d_nearest(v, p) >= R3D_THRESHOLD) {
                    hit = t;
                    break;
                }
            }
            if (hit < 0)
                continue;
            double lo = hit - 1, hi = hit, p[3];
            for (int it = 0; it < 6; it++) {   /* refine the surface */
                double mid = (lo + hi) / 2;
                for (int a = 0; a < 3; a++)
                    p[a] = o[a] + mid * dijk[a];
                if (sim_volume_trilinear(v, p) >= R3D_THRESHOLD)
                    hi = mid;
                else
                    lo = mid;
            }
            for (int a = 0; a < 3; a++)
                p[a] = o[a] + hi * dijk[a];
            double n[3], len = 0;
            for (int r = 0; r < 3; r++) {
                double pa[3], pb[3];
                for (int a = 0; a < 3; a++) {
                    pa[a] = p[a] + R3D_NORMAL_MM * g_ijk[r][a];
                    pb[a] = p[a] - R3D_NORMAL_MM * g_ijk[r][a];
                }
                n[r] = sim_volume_trilinear(v, pb) - sim_volume_trilinear(v, pa);
                len += n[r] * n[r];
            }
            len = sqrt(len);
            double lambert = 0.6;
            if (len > 0)
                lambert = fmax(0, -(n[0] * dir[0] + n[1] * dir[1] + n[2] * dir[2]) / len);
            double shade = 0.18 + 0.82 * lambert;
            double l2 = lambert * lambert, l8 = l2 * l2 * l2 * l2;
            double spec = 0.25 * l8 * l8 * l8;             /* lambert^24 */
            static const double skin[3] = { 232, 194, 164 };
            unsigned char *px = rgb + ((size_t)row * (size_t)w + (size_t)col) * 3;
            for (int k = 0; k < 3; k++) {
                double val = skin[k] * shade + 255 * spec;
                px[k] = (unsigned char)(val > 255 ? 255 : val);
            }
        }
}

int sim_render_3d(const sim_volume *bg, char axis, int w, int h, sim_bytes *png)
{
    png->p = NULL;
    png->n = 0;
    if (!sim_view_size_ok(w, h))
        return -1;
    unsigned char *rgb = malloc((size_t)w * (size_t)h * 3);
    if (!rgb)
        return -1;
    render_3d_rgb(bg, axis, w, h, rgb);
    int rc = sim_png_encode(rgb, w, h, 3, 0, png);
    free(rgb);
    return rc;
}

/* ---- timeimage ------------------------------------------------------ */

/* 5x7 glyphs, one byte per row, bit 4 = leftmost column. */
static const struct { char c; unsigned char rows[7]; } glyphs[] = {
    { '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
    { '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
    { '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
    { '3', { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e } },
    { '4', { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 } },
    { '5', { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e } },
    { '6', { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e } },
    { '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
    { '8', { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e } },
    { '9', { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c } },
    { '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c } },
    { '-', { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00 } },
    { '+', { 0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00 } },
    { 'e', { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e } },
};

static void put_px(unsigned char *rgba, int w, int h, int x, int y,
                   const unsigned char c[4])
{
    if (x < 0 || y < 0 || x >= w || y >= h)
        return;
    memcpy(rgba + ((size_t)y * (size_t)w + (size_t)x) * 4, c, 4);
}

/* Draws text with its baseline at y (glyph bottom row), left edge x. */
static void draw_text(unsigned char *rgba, int w, int h, int x, int y,
                      const char *s, const unsigned char c[4])
{
    for (; *s; s++, x += 6)
        for (size_t g = 0; g < sizeof glyphs / sizeof glyphs[0]; g++) {
            if (glyphs[g].c != *s)
                continue;
            for (int r = 0; r < 7; r++)
                for (int b = 0; b < 5; b++)
                    if (glyphs[g].rows[r] >> (4 - b) & 1)
                        put_px(rgba, w, h, x + b, y - 6 + r, c);
        }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* QColor's "#rgb" / "#rrggbb"; 0 on success. */
static int parse_hex_color(const char *s, unsigned char rgb[3])
{
    if (!s)
        return -1;
    if (*s == '#')
        s++;
    size_t n = strlen(s);
    if (n != 3 && n != 6)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (hexval(s[i]) < 0)
            return -1;
    for (int k = 0; k < 3; k++)
        rgb[k] = (unsigned char)(n == 3 ? hexval(s[k]) * 17
                                        : hexval(s[2 * k]) * 16 + hexval(s[2 * k + 1]));
    return 0;
}

int sim_render_timeimage(double t, const char *color, sim_bytes *png)
{
    enum { W = 128, H = 32 };
    png->p = NULL;
    png->n = 0;
    unsigned char rgba[W * H * 4];
    memset(rgba, 0, sizeof rgba);           /* QImage.fill(0): transparent */
    unsigned char border[4] = { 0x33, 0x33, 0x00, 204 };  /* "#330", alpha 0.8 */
    if (parse_hex_color(color, border) < 0)
        parse_hex_color("330", border);
    /* QRect(1, 1, 126, 30) outlined by a 5 px dotted pen: a 5 px band
     * centred on the rectangle's edge, dashes 10 on / 5 off around it. */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int on_v = x <= 3 || x >= W - 3;
            int on_h = (y <= 3 || y >= H - 3);
            if (!on_v && !on_h)
                continue;
            int along = on_h ? x : W + y;
            if (along % 15 < 10)
                put_px(rgba, W, H, x, y, border);
        }
    char text[40];
    if (sim_py_float_repr(t, text, sizeof text) < 0)
        return -1;
    static const unsigned char ink[4] = { 0x33, 0x33, 0x33, 255 };
    draw_text(rgba, W, H, 10, 20, text, ink);
    return sim_png_encode(rgba, W, H, 4, 0, png);
}

/* ---- screenshot ----------------------------------------------------- */

static void fill_rect(unsigned char *rgb, int x0, int y0, int w, int h,
                      const unsigned char c[3])
{
    for (int y = y0; y < y0 + h && y < SHOT_H; y++)
        for (int x = x0; x < x0 + w && x < SHOT_W; x++)
            memcpy(rgb + ((size_t)y * SHOT_W + (size_t)x) * 3, c, 3);
}

/* Slicer's orientation presets (SliceToRAS columns x, y, normal). */
static void preset_s2r(int which, const double centre[3], double m[16])
{
    static const double axes[3][3][3] = {
        { { -1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },     /* axial */
        { { 0, -1, 0 }, { 0, 0, 1 }, { 1, 0, 0 } },     /* sagittal */
        { { -1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 } },     /* coronal */
    };
    memset(m, 0, 16 * sizeof m[0]);
    for (int col = 0; col < 3; col++)
        for (int r = 0; r < 3; r++)
            m[r * 4 + col] = axes[which][col][r];
    for (int r = 0; r < 3; r++)
        m[r * 4 + 3] = centre[r];
    m[15] = 1;
}

/* A slice view at (x0, y0): a coloured title bar, then the image. */
static int shot_slice(unsigned char *rgb, int x0, int y0, int w, int h,
                      const unsigned char bar[3], const sim_volume *bg,
                      const double s2r[16], const double fov_in[2])
{
    fill_rect(rgb, x0, y0, w, SHOT_BAR, bar);
    int ih = h - SHOT_BAR;
    if (w <= 0 || ih <= 0)
        return 0;
    unsigned char *gray = malloc((size_t)w * (size_t)ih);
    if (!gray)
        return -1;
    /* keep mm per pixel square: widen the field of view to the aspect */
    double fov[2] = { fov_in[0], fov_in[1] };
    if (fov[0] / w > fov[1] / ih)
        fov[1] = fov[0] * ih / w;
    else
        fov[0] = fov[1] * w / ih;
    render_slice_gray(bg, s2r, fov, w, ih, gray, NULL);
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < w; x++) {
            unsigned char g = gray[(size_t)y * (size_t)w + (size_t)x];
            unsigned char c[3] = { g, g, g };
            fill_rect(rgb, x0 + x, y0 + SHOT_BAR + y, 1, 1, c);
        }
    free(gray);
    return 0;
}

static int shot_3d(unsigned char *rgb, int x0, int y0, int w, int h,
                   const sim_volume *bg)
{
    unsigned char *v = malloc((size_t)w * (size_t)h * 3);
    if (!v)
        return -1;
    render_3d_rgb(bg, 'a', w, h, v);
    for (int y = 0; y < h; y++)
        memcpy(rgb + ((size_t)(y0 + y) * SHOT_W + (size_t)x0) * 3,
               v + (size_t)y * (size_t)w * 3, (size_t)w * 3);
    free(v);
    return 0;
}

static int contains_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; s && *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

int sim_render_screenshot(const sim_volume *bg, const double red_s2r[16],
                          const double fov_mm[2], const char *layout,
                          sim_bytes *png)
{
    static const unsigned char chrome[3] = { 239, 239, 239 },
        panel[3] = { 250, 250, 250 }, widget[3] = { 214, 218, 224 },
        red[3] = { 243, 74, 51 }, yellow[3] = { 237, 213, 76 },
        green[3] = { 110, 176, 75 }, black[3] = { 0, 0, 0 };
    png->p = NULL;
    png->n = 0;
    if (!red_s2r || !fov_mm)
        return -1;
    unsigned char *rgb = malloc((size_t)SHOT_W * SHOT_H * 3);
    if (!rgb)
        return -1;
    fill_rect(rgb, 0, 0, SHOT_W, SHOT_H, chrome);
    fill_rect(rgb, 8, SHOT_TOOLBAR + 8, SHOT_PANEL - 16,
              SHOT_H - SHOT_TOOLBAR - 16, panel);
    for (int i = 0; i < 6; i++)             /* toolbar buttons, panel rows */
        fill_rect(rgb, 12 + 40 * i, 10, 30, 28, widget);
    for (int i = 0; i < 8; i++)
        fill_rect(rgb, 20, SHOT_TOOLBAR + 24 + 36 * i, SHOT_PANEL - 40, 24, widget);

    int vx = SHOT_PANEL, vy = SHOT_TOOLBAR;
    int vw = SHOT_W - SHOT_PANEL, vh = SHOT_H - SHOT_TOOLBAR;
    fill_rect(rgb, vx, vy, vw, vh, black);
    /* yellow and green as after loading: fitted to the volume's centre */
    double centre[3] = { 0, 0, 0 }, b[6];
    if (bg && bg->voxels) {
        sim_volume_ras_bounds(bg, b);
        for (int r = 0; r < 3; r++)
            centre[r] = (b[2 * r] + b[2 * r + 1]) / 2;
    }
    double yel[16], grn[16];
    preset_s2r(1, centre, yel);
    preset_s2r(2, centre, grn);
    int rc = 0;
    if (contains_ci(layout, "oneup") && contains_ci(layout, "red")) {
        rc |= shot_slice(rgb, vx, vy, vw, vh, red, bg, red_s2r, fov_mm);
    } else if (contains_ci(layout, "oneup") && contains_ci(layout, "3d")) {
        rc |= shot_3d(rgb, vx, vy, vw, vh, bg);
    } else if (contains_ci(layout, "fourup")) {
        int hw = vw / 2 - 1, hh = vh / 2 - 1;
        rc |= shot_slice(rgb, vx, vy, hw, hh, red, bg, red_s2r, fov_mm);
        rc |= shot_3d(rgb, vx + hw + 2, vy, hw, hh, bg);
        rc |= shot_slice(rgb, vx, vy + hh + 2, hw, hh, yellow, bg, yel, fov_mm);
        rc |= shot_slice(rgb, vx + hw + 2, vy + hh + 2, hw, hh, green, bg, grn,
                         fov_mm);
    } else {    /* Conventional: 3D on top, red / yellow / green below */
        int th = vh / 2 - 1, sw = vw / 3 - 2;
        rc |= shot_3d(rgb, vx, vy, vw, th, bg);
        rc |= shot_slice(rgb, vx, vy + th + 2, sw, vh - th - 2, red, bg,
                         red_s2r, fov_mm);
        rc |= shot_slice(rgb, vx + sw + 3, vy + th + 2, sw, vh - th - 2, yellow,
                         bg, yel, fov_mm);
        rc |= shot_slice(rgb, vx + 2 * (sw + 3), vy + th + 2, sw, vh - th - 2,
                         green, bg, grn, fov_mm);
    }
    if (rc == 0)
        rc = sim_png_encode(rgb, SHOT_W, SHOT_H, 3, -1, png);
    free(rgb);
    return rc;
}
