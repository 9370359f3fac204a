/* sim_image: the stand-in's voxels and pictures: the synthetic head
 * phantom, slice reslicing with window/level, a simple 3D view, the
 * timeimage and screenshot PNGs, PNG writing (libpng) and NRRD output.
 * The server side (scene, routing, HTTP) only calls these functions. */
#ifndef SIM_IMAGE_H
#define SIM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    unsigned char *p;   /* malloc'd */
    size_t n;
} sim_bytes;

typedef enum { SIM_SHORT, SIM_UCHAR, SIM_FLOAT, SIM_DOUBLE } sim_scalar;

typedef struct {
    int        dims[3];       /* I, J, K */
    double     spacing[3];    /* mm */
    double     origin[3];     /* RAS of voxel (0,0,0) */
    double     dirs[3][3];    /* dirs[a] = unit RAS direction of IJK axis a */
    sim_scalar scalar;
    void      *voxels;        /* dims[0]*dims[1]*dims[2] values, I fastest; owned */
    double     window, level; /* display window/level used for slices */
    struct sim_pin *pin;      /* set while a stream reads the voxels */
} sim_volume;

/* The documented lesion of the phantom: a bright sphere (RAS mm), in the
 * right hemisphere's deep white matter, at the level of the lateral
 * ventricles (an axial slice at S = 20 shows both). */
#define SIM_LESION_R       25.0
#define SIM_LESION_A       10.0
#define SIM_LESION_S       20.0
#define SIM_LESION_RADIUS   8.0

/* MRHead: 256 x 256 x 130 shorts, spacing 1 x 1 x 1.2999954223632812,
 * real MRHead origin (RAS -86.645, 133.929, 116.786) and IJK-to-RAS
 * directions (I -> -A, J -> -S, K -> +R; see sim_phantom.c for the
 * source), window 800 / level 400, filled with the deterministic head phantom
 * (skull shell, brain, ventricles, lesion).  size > 0 replaces the
 * dimensions by size^3 keeping the physical head size (for benchmarks).
 * Returns 0, or -1 on OOM. */
int  sim_phantom_mrhead(sim_volume *v, int size);
/* The same with dims[a] voxels along axis a (0: MRHead's own), e.g.
 * 512 x 512 x 2000 for a long CT; at most 4096 along an axis and 2^30
 * voxels (2 GiB of shorts) in all. */
int  sim_phantom_mrhead_dims(sim_volume *v, const int dims[3]);
/* A second, small volume (a labelmap: unsigned char, 1 inside the lesion,
 * 2 in the ventricles, else 0) on a coarse grid over the same head. */
int  sim_phantom_labels(sim_volume *v);
/* Frees the voxels, or, while they are pinned, leaves them to the pin. */
void sim_volume_free(sim_volume *v);
/* Keeps v's voxels and geometry as they are now until the matching
 * unpin, even if v is freed or replaced meanwhile (a scene edit that
 * arrives while a volume streams out must not change or free the bytes
 * being sent).  Returns the pinned view, or NULL on OOM. */
const sim_volume *sim_volume_pin(sim_volume *v);
void sim_volume_unpin(const sim_volume *pinned);

/* Axis-aligned RAS bounding box of the volume (voxel centres):
 * b = {Rmin, Rmax, Amin, Amax, Smin, Smax}. */
void sim_volume_ras_bounds(const sim_volume *v, double b[6]);
/* Intensity at a RAS point (nearest voxel); 0 outside the volume. */
double sim_volume_sample(const sim_volume *v, const double ras[3]);

/* Renders a slice view: slice_to_ras is a row-major 4x4 matrix whose
 * columns 0 and 1 are the in-plane x (image right) and y (image up)
 * directions, column 2 the normal and column 3 the RAS of the view
 * centre; fov_mm is the field of view in x and y.  Pixel (col, row)
 * samples RAS = centre + ((col + 0.5) - w/2) * fov_x/w * x
 *                      + (h/2 - (row + 0.5)) * fov_y/h * y.
 * bg may be NULL (black image).  Window/level maps intensities to gray;
 * the output is an RGBA PNG written at compression level 0, like Slicer's
 * vtkPNGWriter, whose alpha is the background layer's stencil: 255 where
 * the pixel lies in bg's voxel box (half a voxel beyond the centres), 0
 * outside it and everywhere when bg is NULL (Slicer's §4.5 behaviour).
 * label (or NULL) is drawn over it, nearest-neighbour, each label value v
 * > 0 in sim_label_rgb[(v - 1) % 8] at label_opacity (the composite
 * node's LabelOpacity); where it is drawn, alpha is at least that opacity. */
int  sim_render_slice(const sim_volume *bg, const sim_volume *label, double label_opacity,
                      const double slice_to_ras[16], const double fov_mm[2], int w, int h,
                      sim_bytes *png);
extern const unsigned char sim_label_rgb[8][3];
/* A simple shaded view of the phantom looked at from an axis letter
 * (r l a p s i), RGB PNG at compression level 0. */
int  sim_render_3d(const sim_volume *bg, char axis, int w, int h, sim_bytes *png);
/* 128 x 32 RGBA image with the given time as text and a dotted border;
 * color is a hex string such as "330" or "ff8800". */
int  sim_render_timeimage(double t, const char *color, sim_bytes *png);
/* The "main window": the given slice PNGs' pixels are not needed; a
 * window-sized picture with the three slices and the 3D view laid out,
 * saved with default compression like Qt.  layout is informative. */
int  sim_render_screenshot(const sim_volume *bg, const double red_s2r[16],
                           const double fov_mm[2], const char *layout,
                           sim_bytes *png);

/* Encodes an 8-bit image (channels 1..4) as PNG at the given zlib level
 * (0 = stored, like Slicer) and libpng's default row filters. */
int  sim_png_encode(const unsigned char *px, int w, int h, int channels,
                    int level, sim_bytes *png);

/* The volume as Slicer's GET /slicer/volume NRRD: exact header format of
 * the real server (LPS space, Python float repr, no spaces in vectors),
 * then raw little-endian voxels; non-short, non-double types are cast to
 * int16 and labelled short, as the real server does. */
int  sim_nrrd_write(const sim_volume *v, sim_bytes *out);
/* The same in pieces, for streaming: the header into hdr (cap bytes;
 * SIM_NRRD_HEAD_MAX always suffices), returning its length or 0 for an
 * empty or oversized volume; the bytes per value (2 or 8); and values
 * first .. first+count-1 as body bytes. */
#define SIM_NRRD_HEAD_MAX 1024
size_t sim_nrrd_head(const sim_volume *v, char *hdr, size_t cap);
size_t sim_nrrd_value_bytes(const sim_volume *v);
void   sim_nrrd_values(const sim_volume *v, size_t first, size_t count, unsigned char *dst);

/* Python's repr()/str() of a float (shortest string that reads back to
 * the same double; ".0" added to integral values; "inf", "nan"; exponent
 * form outside 1e-4 <= |x| < 1e16), as the real server prints numbers.
 * Writes at most n bytes including the NUL; returns 0, or -1 if n is
 * too small (32 always suffices). */
int  sim_py_float_repr(double x, char *buf, size_t n);

/* Helpers shared by the sim_image*.c files (also usable by the server). */
/* m maps a RAS offset from the origin to continuous IJK (the inverse of
 * the direction*spacing matrix).  Returns -1 if that matrix is singular. */
int    sim_volume_ras_to_ijk_matrix(const sim_volume *v, double m[3][3]);
/* Voxel number idx (I fastest) as a double, whatever the scalar type. */
double sim_volume_value(const sim_volume *v, size_t idx);
/* Size in bytes of the voxel array (dims product times scalar size). */
size_t sim_volume_bytes(const sim_volume *v);
/* Trilinear intensity at continuous IJK; 0 beyond half a voxel outside. */
double sim_volume_trilinear(const sim_volume *v, const double ijk[3]);

#endif
