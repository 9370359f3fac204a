/* voxgrid: voxel grid geometry from an NRRD header (see voxgrid.h). */
#include "slicer/voxgrid.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int voxgrid_from_nrrd(const nrrd_header *h, voxgrid *g, err *e)
{
    memset(g, 0, sizeof *g);
    memcpy(g->dims, h->sizes, sizeof g->dims);
    if (nrrd_ijk_to_ras(h, g->m) != 0)
        return err_set(e, ERR_INVALID, "the volume's NRRD has no space directions and origin, "
                       "so RAS positions cannot be mapped to its voxels");
    const double (*m)[4] = g->m;
    double c[3][3] = {
        { m[1][1] * m[2][2] - m[1][2] * m[2][1], m[0][2] * m[2][1] - m[0][1] * m[2][2],
          m[0][1] * m[1][2] - m[0][2] * m[1][1] },
        { m[1][2] * m[2][0] - m[1][0] * m[2][2], m[0][0] * m[2][2] - m[0][2] * m[2][0],
          m[0][2] * m[1][0] - m[0][0] * m[1][2] },
        { m[1][0] * m[2][1] - m[1][1] * m[2][0], m[0][1] * m[2][0] - m[0][0] * m[2][1],
          m[0][0] * m[1][1] - m[0][1] * m[1][0] },
    };
    double det = m[0][0] * c[0][0] + m[0][1] * c[1][0] + m[0][2] * c[2][0];
    if (!isfinite(det) || fabs(det) < 1e-12)
        return err_set(e, ERR_INVALID, "the volume's NRRD space directions are singular");
    for (int r = 0; r < 3; r++) {
        for (int a = 0; a < 3; a++)
            g->inv[r][a] = c[r][a] / det;
        g->inv[r][3] = -(g->inv[r][0] * m[0][3] + g->inv[r][1] * m[1][3] +
                         g->inv[r][2] * m[2][3]);
    }
    g->voxel_mm3 = fabs(det);
    return 0;
}

static void apply(const double m[3][4], const double in[3], double out[3])
{
    for (int r = 0; r < 3; r++)
        out[r] = m[r][0] * in[0] + m[r][1] * in[1] + m[r][2] * in[2] + m[r][3];
}

void voxgrid_to_ijk(const voxgrid *g, const double ras[3], double ijk[3])
{
    apply(g->inv, ras, ijk);
}

void voxgrid_to_ras(const voxgrid *g, const double ijk[3], double ras[3])
{
    apply(g->m, ijk, ras);
}

int voxgrid_nearest(const voxgrid *g, const double ijk[3], long idx[3])
{
    for (int a = 0; a < 3; a++) {
        if (!(ijk[a] >= -0.5 && ijk[a] < (double)g->dims[a] - 0.5))
            return -1;
        idx[a] = (long)floor(ijk[a] + 0.5);
    }
    return 0;
}

uint64_t voxgrid_index(const voxgrid *g, const long idx[3])
{
    return (uint64_t)idx[0] + g->dims[0] * ((uint64_t)idx[1] + g->dims[1] * (uint64_t)idx[2]);
}

void voxgrid_ras_bounds(const voxgrid *g, const long lo[3], const long hi[3], double b[6])
{
    for (int r = 0; r < 3; r++) {
        b[2 * r] = INFINITY;
        b[2 * r + 1] = -INFINITY;
    }
    for (int corner = 0; corner < 8; corner++) {
        double ijk[3], ras[3];
        for (int a = 0; a < 3; a++)
            ijk[a] = (double)(corner >> a & 1 ? hi[a] : lo[a]);
        voxgrid_to_ras(g, ijk, ras);
        for (int r = 0; r < 3; r++) {
            b[2 * r] = fmin(b[2 * r], ras[r]);
            b[2 * r + 1] = fmax(b[2 * r + 1], ras[r]);
        }
    }
}

int voxgrid_same(const voxgrid *a, const voxgrid *b, char *why, size_t whylen)
{
    if (memcmp(a->dims, b->dims, sizeof a->dims) != 0) {
        snprintf(why, whylen, "sizes %zux%zux%zu vs %zux%zux%zu", a->dims[0], a->dims[1],
                 a->dims[2], b->dims[0], b->dims[1], b->dims[2]);
        return 0;
    }
    for (int r = 0; r < 3; r++) {
        if (fabs(a->m[r][3] - b->m[r][3]) > 1e-3) {
            snprintf(why, whylen, "origins RAS (%g, %g, %g) vs (%g, %g, %g)", a->m[0][3],
                     a->m[1][3], a->m[2][3], b->m[0][3], b->m[1][3], b->m[2][3]);
            return 0;
        }
        for (int c = 0; c < 3; c++)
            if (fabs(a->m[r][c] - b->m[r][c]) > 1e-4) {
                snprintf(why, whylen, "voxel spacing or directions differ (IJK axis %d: "
                         "RAS step (%g, %g, %g) vs (%g, %g, %g))", c, a->m[0][c], a->m[1][c],
                         a->m[2][c], b->m[0][c], b->m[1][c], b->m[2][c]);
                return 0;
            }
    }
    return 1;
}

double voxgrid_value(nrrd_type t, const unsigned char *raw)
{
    if (t == NRRD_SHORT)
        return (double)(int16_t)(uint16_t)(raw[0] | raw[1] << 8);
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | raw[i];
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}
