/* voxgrid: a volume's voxel grid as the NRRD header of GET /slicer/volume
 * states it (sizes, space directions, space origin; LPS turned to RAS):
 * RAS <-> continuous IJK, the voxel volume, RAS bounds of an IJK box and
 * whether two grids are the same.  The geometry comes from the NRRD only:
 * Slicer's /mrml/properties never carries a volume's directions.
 * A leaf module over nrrd.h. */
#ifndef VOXGRID_H
#define VOXGRID_H

#include <stddef.h>
#include <stdint.h>
#include "slicer/nrrd.h"
#include "util/err.h"

typedef struct {
    size_t dims[3];          /* I, J, K */
    double m[3][4];          /* IJK -> RAS mm (column 3: origin) */
    double inv[3][4];        /* RAS -> IJK */
    double voxel_mm3;        /* |det| of the direction x spacing matrix */
} voxgrid;

/* The grid of a parsed header.  0, or -1 with e (ERR_INVALID) when the
 * header has no geometry or its directions are singular. */
int  voxgrid_from_nrrd(const nrrd_header *h, voxgrid *g, err *e);
void voxgrid_to_ijk(const voxgrid *g, const double ras[3], double ijk[3]);
void voxgrid_to_ras(const voxgrid *g, const double ijk[3], double ras[3]);
/* The nearest voxel of a continuous IJK: 0 and its indices when the
 * point is within half a voxel of a voxel centre, -1 otherwise. */
int  voxgrid_nearest(const voxgrid *g, const double ijk[3], long idx[3]);
/* Voxel number (I fastest) of integer indices inside the grid. */
uint64_t voxgrid_index(const voxgrid *g, const long idx[3]);
/* RAS bounds {Rmin, Rmax, Amin, Amax, Smin, Smax} of the voxel centres
 * of the inclusive IJK box lo..hi. */
void voxgrid_ras_bounds(const voxgrid *g, const long lo[3], const long hi[3], double b[6]);
/* 1 when a and b have the same sizes and their IJK->RAS matrices agree
 * within 1e-4 mm per voxel step (origin within 1e-3 mm); else 0 with why
 * ("sizes 256x256x130 vs 64x64x43"). */
int  voxgrid_same(const voxgrid *a, const voxgrid *b, char *why, size_t whylen);
/* A voxel's value from its raw little-endian bytes of type t. */
double voxgrid_value(nrrd_type t, const unsigned char *raw);

#endif
