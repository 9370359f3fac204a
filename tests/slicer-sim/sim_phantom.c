/* sim_phantom: the synthetic head on MRHead's real grid: scalp, skull,
 * CSF, folded cortex, white matter, ventricles, the lesion; and the
 * small labelmap over the same head.
 *
 * Geometry source: Slicer's own NRRD header of MRHead, quoted in
 * WebServer's getNRRD() comment: "space directions: (0,1,0) (0,0,-1)
 * (-1.2999954223632812,0,0)", "space origin: (86.644897460937486,
 * -133.92860412597656,116.78569793701172)" (LPS), and the RAS
 * reference geometry string of MRHead segmentations, "0;0;1.29999542...;
 * -86.64489746093749;-1;0;0;133.9286...;0;-1;0;116.7856..." (row-major
 * IJKToRAS).  In RAS: I -> -A, J -> -S, K -> +R (a sagittal acquisition
 * whose 130 slices run from the patient's left to right), origin
 * (-86.645, 133.929, 116.786).  (The brief's "(86.6, -133.9, 116.8) RAS,
 * K right-to-left" are the LPS numbers read as RAS.)
 *
 * Intensities (T1-like, except the skull is bright so that the skull
 * ring stands out): air 0, scalp 270, skull 600..680, CSF 110,
 * ventricles 90, grey matter 330, deep nuclei 380, white matter 470,
 * lesion 720..780, each with +-8 of deterministic hash noise plus a
 * mild anterior-posterior bias (+-16). */
#include "sim_image.h"

#include <math.h>
#include <stdlib.h>

#define MRHEAD_DIM_I        256
#define MRHEAD_DIM_J        256
#define MRHEAD_DIM_K        130
#define MRHEAD_SPACING_K    1.2999954223632812
#define MRHEAD_ORIGIN_R     (-86.644897460937486)
#define MRHEAD_ORIGIN_A     133.92860412597656
#define MRHEAD_ORIGIN_S     116.78569793701172
#define MRHEAD_MAX_SIZE     4096    /* cap on one axis of a resized head */
#define MRHEAD_MAX_VOXELS   ((size_t)1 << 30)   /* 2 GiB of shorts: 1024^3 */

/* The head, RAS mm.  Every cranial shell is the scalp ellipsoid shrunk
 * by a depth in mm along each semi-axis. */
#define HEAD_R     0.0
#define HEAD_A     0.0
#define HEAD_S    10.0
#define SCALP_X   76.0
#define SCALP_Y   96.0
#define SCALP_Z  100.0
#define SKULL_OUT  5.0      /* depth of the skull's outer surface */
#define SKULL_IN  12.0      /* 7 mm skull */
#define BRAIN_IN  14.5      /* 2.5 mm of CSF around the brain */
#define BRAIN_MEAN_RADIUS 76.0
#define SKIN_MEAN_RADIUS  90.0
#define SKIN_RAMP_MM       2.5

/* Lateral ventricles: ellipsoids at R = +-VENT_R (anterior horns bend
 * outward), centred VENT_A, VENT_S. */
#define VENT_R     8.0
#define VENT_A     2.0
#define VENT_S    18.0
#define VENT_SX    4.5
#define VENT_SY   26.0
#define VENT_SZ   10.0

/* Intensities. */
#define I_SCALP   270
#define I_SKULL   640
#define I_CSF     110
#define I_VENT     90
#define I_GM      330
#define I_DEEP    380
#define I_WM      470
#define I_LESION  780
#define I_EYE     120
#define I_SPINE   600
#define I_NECK    250

static double sq(double x)
{
    return x * x;
}

/* A smooth periodic wave (piecewise parabola), period 1, range -1..1. */
static double wave(double x)
{
    double f = x - floor(x);
    return f < 0.5 ? 16 * f * (0.5 - f) : -16 * (f - 0.5) * (1 - f);
}

/* Inside the ellipsoid with semi-axes (sx, sy, sz) around the origin? */
static int in_ellipsoid(double x, double y, double z, double sx, double sy,
                        double sz)
{
    return sq(x / sx) + sq(y / sy) + sq(z / sz) < 1;
}

/* Is the RAS point (relative to the head centre) in a lateral ventricle? */
static int in_ventricle(double x, double y, double z)
{
    double cx = VENT_R + 0.12 * (y - (VENT_A - HEAD_A));  /* horns flare */
    double yy = y - (VENT_A - HEAD_A), zz = z - (VENT_S - HEAD_S);
    /* the body arches: higher in the middle, lower at the horns */
    zz += 0.006 * yy * yy;
    return in_ellipsoid(fabs(x) - cx, yy, zz, VENT_SX, VENT_SY, VENT_SZ);
}

static int in_lesion(double R, double A, double S)
{
    return sq(R - SIM_LESION_R) + sq(A - SIM_LESION_A) + sq(S - SIM_LESION_S)
           < sq(SIM_LESION_RADIUS);
}

/* Soft tissue outside the scalp ellipsoid: ears, nose, neck. */
static int outside_parts(double x, double y, double z)
{
    if (in_ellipsoid(fabs(x) - 75, y + 5, z + 8, 6, 11, 17))
        return I_SCALP;                                   /* ears */
    if (z < -18 && z > -62 && y > 60) {                   /* nose */
        double t = (-18 - z) / 44;
        if (fabs(x) < 4 + 10 * t && y < 90 + 22 * t - 1.3 * fabs(x))
            return I_SCALP;
    }
    if (z < -40 && in_ellipsoid(x, y + 15, 0, 48, 55, 1)) {   /* neck */
        if (in_ellipsoid(x, y + 40, 0, 11, 11, 1))
            return I_SPINE;
        if (in_ellipsoid(x, y - 12, 0, 6, 8, 1))
            return 20;                                    /* airway */
        return I_NECK;
    }
    return 0;
}

/* The phantom's intensity at a RAS point; h is per-voxel hash noise. */
static int phantom_at(double R, double A, double S, unsigned h)
{
    double x = R - HEAD_R, y = A - HEAD_A, z = S - HEAD_S;
    int noise = (int)(h & 15u) - 8;
    double x2 = x * x, y2 = y * y, z2 = z * z;
    if (x2 / sq(SCALP_X) + y2 / sq(SCALP_Y) + z2 / sq(SCALP_Z) >= 1) {
        int v = outside_parts(x, y, z);
        return v ? v + noise : 0;
    }
    /* eyes, in front of the frontal lobe */
    if (z < -20 && y > 40) {
        double e = sq(fabs(x) - 31) + sq(y - 70) + sq(z + 42);
        if (e < 144)
            return (e > 110 ? I_SCALP - 20 : I_EYE) + noise;
    }
    int bias = (int)(0.16 * y);
    if (x2 / sq(SCALP_X - SKULL_OUT) + y2 / sq(SCALP_Y - SKULL_OUT)
        + z2 / sq(SCALP_Z - SKULL_OUT) >= 1) {
        /* the skin edge ramps up over ~2 mm, as MR blurs it (this also
         * keeps the 3D view's surface from showing voxel terraces) */
        double q0 = x2 / sq(SCALP_X) + y2 / sq(SCALP_Y) + z2 / sq(SCALP_Z);
        double d = (1 - sqrt(q0)) * SKIN_MEAN_RADIUS / SKIN_RAMP_MM;
        return (int)((I_SCALP + noise + bias) * (d < 1 ? d : 1));
    }
    if (x2 / sq(SCALP_X - SKULL_IN) + y2 / sq(SCALP_Y - SKULL_IN)
        + z2 / sq(SCALP_Z - SKULL_IN) >= 1)
        return I_SKULL + (int)(40 * wave(0.07 * y + 0.05 * z)) + noise;
    double qb = x2 / sq(SCALP_X - BRAIN_IN) + y2 / sq(SCALP_Y - BRAIN_IN)
              + z2 / sq(SCALP_Z - BRAIN_IN);
    if (qb >= 1)
        return I_CSF + noise;
    if (in_lesion(R, A, S)) {
        double d2 = sq(R - SIM_LESION_R) + sq(A - SIM_LESION_A)
                  + sq(S - SIM_LESION_S);
        return I_LESION - (int)(60 * d2 / sq(SIM_LESION_RADIUS)) + noise;
    }
    if (in_ventricle(x, y, z))
        return I_VENT + noise;
    double depth = (1 - sqrt(qb)) * BRAIN_MEAN_RADIUS;
    int fissure = fabs(x) < 1.5 && depth < 40 && z > -10;
    if (depth < 18 || fissure) {
        /* folded cortex: zero lines of a warped sum of waves are sulci */
        double g = wave(0.041 * x + 0.35 * wave(0.023 * z))
                 + wave(0.037 * y + 0.35 * wave(0.029 * x))
                 + wave(0.043 * z + 0.35 * wave(0.031 * y));
        double ag = fabs(g);
        if (fissure)    /* interhemispheric fissure: medial cortex, sulci */
            return (fabs(x) < 0.75 || ag < 0.3 ? I_CSF : I_GM) + noise + bias;
        if (ag < 0.22 && depth > 0.8)
            return I_CSF + 20 + noise + bias;
        if (depth < 3.5 || ag < 0.75)
            return I_GM + noise + bias;
    }
    if (in_ellipsoid(fabs(x) - 17, y + 4, z + 2, 8, 14, 10))
        return I_DEEP + noise + bias;              /* thalamus / basal ganglia */
    return I_WM + noise + bias;
}

static unsigned hash3(unsigned i, unsigned j, unsigned k)
{
    unsigned h = i * 73856093u ^ j * 19349663u ^ k * 83492791u;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return h;
}

/* MRHead's directions and origin (see the top of the file). */
static void mrhead_geometry(sim_volume *v)
{
    static const double dirs[3][3] = { { 0, -1, 0 }, { 0, 0, -1 }, { 1, 0, 0 } };
    for (int a = 0; a < 3; a++)
        for (int r = 0; r < 3; r++)
            v->dirs[a][r] = dirs[a][r];
    v->origin[0] = MRHEAD_ORIGIN_R;
    v->origin[1] = MRHEAD_ORIGIN_A;
    v->origin[2] = MRHEAD_ORIGIN_S;
}

int sim_phantom_mrhead(sim_volume *v, int size)
{
    const int dims[3] = { size, size, size };
    return sim_phantom_mrhead_dims(v, dims);
}

int sim_phantom_mrhead_dims(sim_volume *v, const int dims[3])
{
    static const int base_dims[3] = { MRHEAD_DIM_I, MRHEAD_DIM_J, MRHEAD_DIM_K };
    static const double base_sp[3] = { 1.0, 1.0, MRHEAD_SPACING_K };
    *v = (sim_volume){ .scalar = SIM_SHORT, .window = 800, .level = 400 };
    size_t nvox = 1;
    for (int a = 0; a < 3; a++) {
        if (dims[a] < 0 || dims[a] == 1 || dims[a] > MRHEAD_MAX_SIZE)
            return -1;
        nvox *= (size_t)(dims[a] > 0 ? dims[a] : base_dims[a]);
    }
    if (nvox > MRHEAD_MAX_VOXELS)
        return -1;
    mrhead_geometry(v);
    for (int a = 0; a < 3; a++) {
        int n = dims[a];
        v->dims[a] = n > 0 ? n : base_dims[a];
        /* the same physical extent (first to last voxel centre) */
        v->spacing[a] = n > 0 ? base_sp[a] * (base_dims[a] - 1) / (n - 1) : base_sp[a];
    }
    int16_t *vox = malloc(sim_volume_bytes(v));
    if (!vox)
        return -1;
    v->voxels = vox;
    double step[3];
    for (int r = 0; r < 3; r++)
        step[r] = v->dirs[0][r] * v->spacing[0];
    size_t n = 0;
    for (int k = 0; k < v->dims[2]; k++)
        for (int j = 0; j < v->dims[1]; j++) {
            double p[3];
            for (int r = 0; r < 3; r++)
                p[r] = v->origin[r] + j * v->spacing[1] * v->dirs[1][r]
                     + k * v->spacing[2] * v->dirs[2][r];
            for (int i = 0; i < v->dims[0]; i++) {
                double R = p[0] + i * step[0], A = p[1] + i * step[1];
                double S = p[2] + i * step[2];
                vox[n++] = (int16_t)phantom_at(R, A, S,
                    hash3((unsigned)i, (unsigned)j, (unsigned)k));
            }
        }
    return 0;
}

/* Labelmap grid spacing, mm. */
#define LABEL_SPACING 4.0

int sim_phantom_labels(sim_volume *v)
{
    *v = (sim_volume){ .scalar = SIM_UCHAR, .window = 2, .level = 1 };
    mrhead_geometry(v);
    static const double extent[3] = { MRHEAD_DIM_I - 1, MRHEAD_DIM_J - 1,
        (MRHEAD_DIM_K - 1) * MRHEAD_SPACING_K };
    for (int a = 0; a < 3; a++) {
        v->spacing[a] = LABEL_SPACING;
        v->dims[a] = (int)(extent[a] / LABEL_SPACING) + 1;
    }
    unsigned char *lab = malloc(sim_volume_bytes(v));
    if (!lab)
        return -1;
    v->voxels = lab;
    size_t n = 0;
    for (int k = 0; k < v->dims[2]; k++)
        for (int j = 0; j < v->dims[1]; j++)
            for (int i = 0; i < v->dims[0]; i++) {
                double p[3];
                for (int r = 0; r < 3; r++)
                    p[r] = v->origin[r] + i * LABEL_SPACING * v->dirs[0][r]
                         + j * LABEL_SPACING * v->dirs[1][r]
                         + k * LABEL_SPACING * v->dirs[2][r];
                lab[n++] = in_lesion(p[0], p[1], p[2]) ? 1
                         : in_ventricle(p[0] - HEAD_R, p[1] - HEAD_A,
                                        p[2] - HEAD_S) ? 2 : 0;
            }
    return 0;
}
