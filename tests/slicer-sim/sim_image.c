/* sim_image: the volume core (geometry, sampling) and the byte formats
 * the stand-in serves: PNG through libpng's full write API (the
 * simplified API cannot choose the zlib level) and Slicer's NRRD. */
#include "sim_image.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps checked before allocating: a PNG side, and a volume's voxel count
 * (1024^3 covers any benchmark; 512^3 is what we use). */
#define SIM_PNG_MAX_SIDE    16384
#define SIM_MAX_VOXELS      ((size_t)1024 * 1024 * 1024)

/* ---- volume core ---------------------------------------------------- */

struct sim_pin {
    int refs;
    sim_volume snap;            /* the volume as pinned (snap.pin points back
                                 * here); owns the voxels once orphaned */
    sim_volume *owner;          /* NULL once the owner was freed */
};

void sim_volume_free(sim_volume *v)
{
    if (!v)
        return;
    if (v->pin) {
        /* a stream is still sending these voxels: the pin frees them */
        v->pin->owner = NULL;
        v->pin = NULL;
    } else {
        free(v->voxels);
    }
    v->voxels = NULL;
}

static size_t sim_scalar_size(sim_scalar s)
{
    switch (s) {
    case SIM_SHORT:  return sizeof(int16_t);
    case SIM_UCHAR:  return 1;
    case SIM_FLOAT:  return sizeof(float);
    case SIM_DOUBLE: return sizeof(double);
    }
    return 0;
}

static size_t sim_voxel_count(const sim_volume *v)
{
    if (v->dims[0] <= 0 || v->dims[1] <= 0 || v->dims[2] <= 0)
        return 0;
    return (size_t)v->dims[0] * (size_t)v->dims[1] * (size_t)v->dims[2];
}

double sim_volume_value(const sim_volume *v, size_t idx)
{
    switch (v->scalar) {
    case SIM_SHORT:  return ((const int16_t *)v->voxels)[idx];
    case SIM_UCHAR:  return ((const unsigned char *)v->voxels)[idx];
    case SIM_FLOAT:  return ((const float *)v->voxels)[idx];
    case SIM_DOUBLE: return ((const double *)v->voxels)[idx];
    }
    return 0;
}

int sim_volume_ras_to_ijk_matrix(const sim_volume *v, double m[3][3])
{
    /* a[r][c]: RAS component r of IJK axis c, times that axis' spacing. */
    double a[3][3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            a[r][c] = v->dirs[c][r] * v->spacing[c];
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
               - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
               + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    if (fabs(det) < 1e-12)
        return -1;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            /* inverse = adjugate / det (cofactor of a[c][r]) */
            int r1 = (c + 1) % 3, r2 = (c + 2) % 3;
            int c1 = (r + 1) % 3, c2 = (r + 2) % 3;
            m[r][c] = (a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]) / det;
        }
    return 0;
}

void sim_volume_ras_bounds(const sim_volume *v, double b[6])
{
    for (int a = 0; a < 3; a++) {
        b[2 * a] = INFINITY;
        b[2 * a + 1] = -INFINITY;
    }
    for (int corner = 0; corner < 8; corner++) {
        double ijk[3];
        for (int a = 0; a < 3; a++)
            ijk[a] = (corner >> a & 1) ? v->dims[a] - 1 : 0;
        for (int r = 0; r < 3; r++) {
            double x = v->origin[r];
            for (int a = 0; a < 3; a++)
                x += ijk[a] * v->spacing[a] * v->dirs[a][r];
            if (x < b[2 * r])
                b[2 * r] = x;
            if (x > b[2 * r + 1])
                b[2 * r + 1] = x;
        }
    }
}

double sim_volume_sample(const sim_volume *v, const double ras[3])
{
    double m[3][3], d[3];
    if (!v || !v->voxels || sim_volume_ras_to_ijk_matrix(v, m) < 0)
        return 0;
    for (int r = 0; r < 3; r++)
        d[r] = ras[r] - v->origin[r];
    long idx[3];
    for (int a = 0; a < 3; a++) {
        double x = m[a][0] * d[0] + m[a][1] * d[1] + m[a][2] * d[2];
        double n = floor(x + 0.5);
        if (!(n >= 0 && n < v->dims[a]))
            return 0;
        idx[a] = (long)n;
    }
    return sim_volume_value(v, (size_t)idx[0] + (size_t)v->dims[0] *
                            ((size_t)idx[1] + (size_t)v->dims[1] * (size_t)idx[2]));
}

double sim_volume_trilinear(const sim_volume *v, const double ijk[3])
{
    double f[3];
    long i0[3];
    for (int a = 0; a < 3; a++) {
        double x = ijk[a], hi = v->dims[a] - 1;
        if (!(x >= -0.5 && x <= hi + 0.5))
            return 0;
        x = x < 0 ? 0 : x > hi ? hi : x;  /* the outer half voxel: edge value */
        double fl = floor(x);
        i0[a] = (long)fl;
        if (i0[a] >= v->dims[a] - 1 && v->dims[a] > 1)
            i0[a] = v->dims[a] - 2;
        if (v->dims[a] == 1)
            i0[a] = 0;
        f[a] = v->dims[a] == 1 ? 0 : x - (double)i0[a];
    }
    size_t sx = 1, sy = (size_t)v->dims[0], sz = sy * (size_t)v->dims[1];
    if (v->scalar == SIM_SHORT && v->dims[0] > 1 && v->dims[1] > 1
        && v->dims[2] > 1) {
        /* the common case, without the per-voxel type switch */
        const int16_t *p = (const int16_t *)v->voxels
                         + i0[0] + sy * (size_t)i0[1] + sz * (size_t)i0[2];
        double a0 = p[0] + (p[1] - p[0]) * f[0];
        double a1 = p[sy] + (p[sy + 1] - p[sy]) * f[0];
        double b0 = p[sz] + (p[sz + 1] - p[sz]) * f[0];
        double b1 = p[sz + sy] + (p[sz + sy + 1] - p[sz + sy]) * f[0];
        double c0 = a0 + (a1 - a0) * f[1], c1 = b0 + (b1 - b0) * f[1];
        return c0 + (c1 - c0) * f[2];
    }
    size_t base = (size_t)i0[0] + sy * (size_t)i0[1] + sz * (size_t)i0[2];
    size_t dx = v->dims[0] > 1 ? sx : 0, dy = v->dims[1] > 1 ? sy : 0;
    size_t dz = v->dims[2] > 1 ? sz : 0;
    double c00 = sim_volume_value(v, base) * (1 - f[0]) + sim_volume_value(v, base + dx) * f[0];
    double c10 = sim_volume_value(v, base + dy) * (1 - f[0]) + sim_volume_value(v, base + dy + dx) * f[0];
    double c01 = sim_volume_value(v, base + dz) * (1 - f[0]) + sim_volume_value(v, base + dz + dx) * f[0];
    double c11 = sim_volume_value(v, base + dz + dy) * (1 - f[0])
               + sim_volume_value(v, base + dz + dy + dx) * f[0];
    double c0 = c00 * (1 - f[1]) + c10 * f[1];
    double c1 = c01 * (1 - f[1]) + c11 * f[1];
    return c0 * (1 - f[2]) + c1 * f[2];
}

/* ---- PNG ------------------------------------------------------------ */

/* Growable output for libpng's write callback. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int failed;
} sim_pngbuf;

static void sim_png_write_cb(png_structp png, png_bytep data, png_size_t len)
{
    sim_pngbuf *b = png_get_io_ptr(png);
    if (b->failed)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) {
            b->failed = 1;
            png_error(png, "out of memory");
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void sim_png_flush_cb(png_structp png)
{
    (void)png;
}

/* Runs libpng between setjmp and the end; kept in its own function so
 * nothing that changes after setjmp is read after a longjmp (only *b,
 * which lives in the caller, and the read-only arguments). */
static int sim_png_run(const unsigned char *px, int w, int h, int channels,
                       int level, sim_pngbuf *b)
{
    static const int color_types[5] = { 0, PNG_COLOR_TYPE_GRAY,
        PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              NULL, NULL);
    if (!png)
        return -1;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, b, sim_png_write_cb, sim_png_flush_cb);
    /* Only the level, as VTK's vtkPNGWriter::WriteSlice (IO/Image) and
     * Qt's PNG writer set it: libpng then filters every row of an 8-bit
     * image adaptively, trying all five filters, even at level 0 (stored
     * blocks).  That choice is most of Slicer's time for a slice PNG
     * (13 ms for 512x512 RGBA on the bench machine) and puts Paeth rows,
     * the slowest to decode, in what the gateway reads. */
    png_set_compression_level(png, level);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t stride = (size_t)w * (size_t)channels;
    for (int y = 0; y < h; y++)
        png_write_row(png, px + (size_t)y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int sim_png_encode(const unsigned char *px, int w, int h, int channels,
                   int level, sim_bytes *png)
{
    png->p = NULL;
    png->n = 0;
    if (!px || w <= 0 || h <= 0 || w > SIM_PNG_MAX_SIDE || h > SIM_PNG_MAX_SIDE
        || channels < 1 || channels > 4)
        return -1;
    if (level < -1 || level > 9)
        level = -1;
    if (level == -1)
        level = 6;      /* zlib's Z_DEFAULT_COMPRESSION, as Qt leaves it */
    sim_pngbuf b = { NULL, 0, 0, 0 };
    if (sim_png_run(px, w, h, channels, level, &b) < 0 || b.failed) {
        free(b.p);
        return -1;
    }
    png->p = b.p;
    png->n = b.n;
    return 0;
}

/* ---- Python float repr ---------------------------------------------- */

int sim_py_float_repr(double x, char *buf, size_t n)
{
    char out[40];
    if (isnan(x)) {
        snprintf(out, sizeof out, "nan");
    } else if (isinf(x)) {
        snprintf(out, sizeof out, "%sinf", x < 0 ? "-" : "");
    } else if (x == 0) {
        snprintf(out, sizeof out, "%s0.0", signbit(x) ? "-" : "");
    } else {
        /* Shortest %.*e that reads back to x gives digits and exponent. */
        char e[40];
        for (int p = 1; p <= 17; p++) {
            snprintf(e, sizeof e, "%.*e", p - 1, x);
            if (strtod(e, NULL) == x)
                break;
        }
        char digits[24];
        size_t nd = 0;
        const char *q = e + (e[0] == '-');
        for (; *q && *q != 'e'; q++)
            if (*q >= '0' && *q <= '9' && nd < sizeof digits - 1)
                digits[nd++] = *q;
        int exp10 = atoi(q + 1);
        while (nd > 1 && digits[nd - 1] == '0')
            nd--;
        digits[nd] = '\0';
        char *o = out;
        if (x < 0)
            *o++ = '-';
        if (exp10 >= -4 && exp10 < 16) {
            if (exp10 >= 0) {
                for (int i = 0; i <= exp10; i++)
                    *o++ = (size_t)i < nd ? digits[i] : '0';
                *o++ = '.';
                if ((size_t)exp10 + 1 < nd)
                    for (size_t i = (size_t)exp10 + 1; i < nd; i++)
                        *o++ = digits[i];
                else
                    *o++ = '0';
            } else {
                *o++ = '0';
                *o++ = '.';
                for (int i = 0; i < -exp10 - 1; i++)
                    *o++ = '0';
                for (size_t i = 0; i < nd; i++)
                    *o++ = digits[i];
            }
            *o = '\0';
        } else {
            *o++ = digits[0];
            if (nd > 1) {
                *o++ = '.';
                for (size_t i = 1; i < nd; i++)
                    *o++ = digits[i];
            }
            snprintf(o, sizeof out - (size_t)(o - out), "e%c%02d",
                     exp10 < 0 ? '-' : '+', abs(exp10));
        }
    }
    size_t len = strlen(out);
    if (!buf || len + 1 > n)
        return -1;
    memcpy(buf, out, len + 1);
    return 0;
}

/* ---- NRRD ----------------------------------------------------------- */

/* "(a,b,c)" with Python floats, appended at *pos (buf is large enough). */
static void sim_nrrd_vec(char *buf, size_t cap, size_t *pos, const double v[3])
{
    char f[3][40];
    for (int i = 0; i < 3; i++)
        sim_py_float_repr(v[i], f[i], sizeof f[i]);
    int k = snprintf(buf + *pos, cap - *pos, "(%s,%s,%s)", f[0], f[1], f[2]);
    if (k > 0)
        *pos += (size_t)k;
}

/* RAS -> LPS for rows 0 and 1.  Zeros stay +0.0: the real server negates
 * the IJKToRAS matrix, whose zeros came from negating the file's LPS
 * zeros on load, so it prints "0.0" as in its own comment
 * "(0,1,0) (0,0,-1) (-1.2999954223632812,0,0)" [inferred, see
 * slicer-webserver-api.md 4.12]. */
static double sim_lps(double ras, int row)
{
    if (row >= 2 || ras == 0)
        return ras == 0 ? 0.0 : ras;
    return -ras;
}

size_t sim_nrrd_head(const sim_volume *v, char *hdr, size_t cap)
{
    size_t nvox = v ? sim_voxel_count(v) : 0;
    if (!v || !v->voxels || nvox == 0 || nvox > SIM_MAX_VOXELS)
        return 0;
    int k = snprintf(hdr, cap,
        "NRRD0004\n"
        "# Complete NRRD file format specification at:\n"
        "# http://teem.sourceforge.net/nrrd/format.html\n"
        "type: %s\n"
        "dimension: 3\n"
        "space: left-posterior-superior\n"
        "sizes: %d %d %d\n"
        "space directions: ",
        v->scalar == SIM_DOUBLE ? "double" : "short", v->dims[0], v->dims[1], v->dims[2]);
    if (k < 0 || (size_t)k >= cap)
        return 0;
    size_t pos = (size_t)k;
    for (int a = 0; a < 3; a++) {
        double d[3];
        for (int r = 0; r < 3; r++)
            d[r] = sim_lps(v->dirs[a][r] * v->spacing[a], r);
        if (a > 0 && pos + 1 < cap)
            hdr[pos++] = ' ';
        sim_nrrd_vec(hdr, cap, &pos, d);
    }
    k = snprintf(hdr + pos, cap - pos,
                 "\nkinds: domain domain domain\nendian: little\n"
                 "encoding: raw\nspace origin: ");
    pos += (size_t)(k > 0 ? k : 0);
    double o[3];
    for (int r = 0; r < 3; r++)
        o[r] = sim_lps(v->origin[r], r);
    sim_nrrd_vec(hdr, cap, &pos, o);
    k = snprintf(hdr + pos, cap - pos, "\n\n");
    pos += (size_t)(k > 0 ? k : 0);
    return pos < cap ? pos : 0;
}

size_t sim_nrrd_value_bytes(const sim_volume *v)
{
    return v->scalar == SIM_DOUBLE ? 8 : 2;
}

void sim_nrrd_values(const sim_volume *v, size_t first, size_t count, unsigned char *d)
{
    if (v->scalar == SIM_SHORT && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        /* already the body's bytes: streaming a big volume runs at memcpy
         * speed, as Slicer's tobytes() does */
        memcpy(d, (const int16_t *)v->voxels + first, count * 2);
        return;
    }
    for (size_t i = first; i < first + count; i++) {
        if (v->scalar == SIM_DOUBLE) {
            double x = ((const double *)v->voxels)[i];
            uint64_t bits;
            memcpy(&bits, &x, 8);
            for (int b = 0; b < 8; b++)
                *d++ = (unsigned char)(bits >> (8 * b));
        } else {
            /* numpy's astype(int16): truncation; out-of-range wraps in
             * numpy, we clamp to stay defined in C. */
            double x = sim_volume_value(v, i);
            int16_t s = x >= 32767 ? 32767 : x <= -32768 ? -32768
                      : isnan(x) ? 0 : (int16_t)x;
            uint16_t u = (uint16_t)s;
            *d++ = (unsigned char)(u & 0xff);
            *d++ = (unsigned char)(u >> 8);
        }
    }
}

int sim_nrrd_write(const sim_volume *v, sim_bytes *out)
{
    out->p = NULL;
    out->n = 0;
    char hdr[SIM_NRRD_HEAD_MAX];
    size_t pos = sim_nrrd_head(v, hdr, sizeof hdr);
    if (pos == 0)
        return -1;
    size_t nvox = sim_voxel_count(v), body = nvox * sim_nrrd_value_bytes(v);
    out->p = malloc(pos + body);
    if (!out->p)
        return -1;
    memcpy(out->p, hdr, pos);
    sim_nrrd_values(v, 0, nvox, out->p + pos);
    out->n = pos + body;
    return 0;
}

/* ---- pins ----------------------------------------------------------- */

const sim_volume *sim_volume_pin(sim_volume *v)
{
    if (!v->pin) {
        v->pin = calloc(1, sizeof *v->pin);
        if (!v->pin)
            return NULL;
        v->pin->snap = *v;
        v->pin->snap.pin = v->pin;
        v->pin->owner = v;
    }
    v->pin->refs++;
    return &v->pin->snap;
}

void sim_volume_unpin(const sim_volume *snap)
{
    if (!snap)
        return;
    struct sim_pin *p = snap->pin;
    if (--p->refs > 0)
        return;
    if (p->owner)
        p->owner->pin = NULL;
    else
        free(p->snap.voxels);
    free(p);
}

size_t sim_volume_bytes(const sim_volume *v)
{
    return sim_voxel_count(v) * sim_scalar_size(v->scalar);
}
