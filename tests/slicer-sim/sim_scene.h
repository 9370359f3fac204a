/* sim_scene: the stand-in's MRML scene: an ordered node list with Slicer's
 * IDs, names, classes and IsA ancestry, the volumes and markups the nodes
 * hold, the three slice views and the 3D view, and slicer.util.getNodes()
 * name/ID glob semantics. */
#ifndef SIM_SCENE_H
#define SIM_SCENE_H

#include <stddef.h>
#include "sim_image.h"

#define SIM_SCENE_MAX_NODES 4096
#define SIM_MARKUPS_MAX_POINTS 10000

typedef struct {
    char id[64];
    char label[128];
    double pos[3];            /* RAS */
    int selected, locked, visible;
} sim_cpoint;

/* One vtkSegment of a segmentation node, as vtkMRMLSegmentationStorageNode
 * read it (Libs/vtkSegmentationCore/vtkSegment.h). */
typedef struct {
    char *id, *name, *tags;   /* tags: the file's "k:v|k:v|" text ("" none) */
    double color[3];
    int label, name_auto, color_auto;
    int extent[6];            /* its labelmap's extent (empty: 0 -1 0 -1 0 -1) */
} sim_segment;

/* A vtkSegmentation with one shared binary labelmap layer. */
typedef struct {
    sim_volume *vol;          /* the layer's labels (grid, scalar type) */
    sim_segment *segs;
    int nseg;
} sim_segmentation;
void sim_segmentation_free(sim_segmentation *s);

typedef struct {
    char *id, *name, *cls;
    const char *singleton;    /* SingletonTag, static */
    int keep_on_clear;        /* survives scene Clear() */
    int hide;                 /* HideFromEditors */
    unsigned long mtime;
    char *display_id, *storage_id, *owner_id;
    char *file;               /* storage node file name */
    sim_volume *vol;          /* volume nodes: owned */
    sim_segmentation *seg;    /* segmentation nodes: owned */
    /* markups nodes */
    char mtype[16];           /* Fiducial, Line, Angle, ROI, Curve, ClosedCurve */
    sim_cpoint *pts;
    int npts;
    /* ROI nodes (vtkMRMLMarkupsROINode): ObjectToNodeMatrix's rotation
     * (row-major 3x3) and translation, edge lengths, InsideOut */
    double roi_orient[9], roi_center[3], roi_size[3];
    int roi_inside_out;
    double color[3], selcolor[3], glyph;
    int view;                 /* slice nodes: 0 red, 1 yellow, 2 green */
    double matrix[16];        /* transform nodes */
} sim_node;

typedef struct {
    char orient[16];          /* Axial, Sagittal, Coronal or Reformat */
    double s2r[16];           /* SliceToRAS, row-major */
    double fov[3];
    int dims[2];
} sim_view;

typedef struct {
    sim_node **nodes;
    size_t n, cap;
    struct { char cls[64]; int last; } counters[128];
    int ncounters;
    sim_view views[3];
    char bg_id[128];          /* background volume of the slice views */
    char label_id[128];       /* their label volume ("" for none) */
    int layout;               /* ViewArrangement */
    int gui_full;             /* 1 full GUI, 0 viewers only */
    char axis3d;              /* last lookFromAxis letter */
    int w3d, h3d;             /* 3D view size */
    int volume_dims[3];       /* sim_phantom_mrhead_dims argument */
    double screen_scale;      /* device pixel ratio (views' ScreenScaleFactor) */
    unsigned long mtime;
} sim_scene;

extern const char *const sim_view_names[3];      /* Red Yellow Green */

/* Slicer's start-up scene plus MRHead and MRHead-label; NULL on OOM. */
sim_scene *sim_scene_new(const int volume_dims[3], int view_w, int view_h, int w3d, int h3d);
void       sim_scene_free(sim_scene *sc);

/* Adds a node of class cls (ID = class + next number, like Slicer). */
sim_node  *sim_scene_add(sim_scene *sc, const char *cls, const char *name);
/* Adds a node with a fixed ID (singletons). */
sim_node  *sim_scene_add_id(sim_scene *sc, const char *cls, const char *id,
                            const char *name, const char *singleton);
void       sim_scene_remove(sim_scene *sc, sim_node *n);
/* Clear(): drops every node but singletons and default color tables. */
void       sim_scene_clear(sim_scene *sc);
sim_node  *sim_scene_by_id(const sim_scene *sc, const char *id);
/* vtkObject::IsA over the node's class ancestry. */
int        sim_node_isa(const sim_node *n, const char *cls);
/* slicer.util.getNodes(pattern): fnmatch on name or ID, a dict keyed by
 * name (a later node with the same name replaces the value in place).
 * Fills out[] (caller frees) and returns the count, -1 on OOM. */
int        sim_scene_get_nodes(const sim_scene *sc, const char *pattern, sim_node ***out);
/* fnmatch.fnmatchcase */
int        sim_fnmatch(const char *pat, const char *s);

/* Adds a volume node (+ display and storage nodes); takes vol. */
sim_node  *sim_scene_add_volume(sim_scene *sc, sim_volume *vol, const char *cls,
                                const char *name, const char *file);
/* Loads the phantom head as a new volume named name (sampledata). */
sim_node  *sim_scene_add_phantom(sim_scene *sc, const char *name);
/* Makes id the background volume of all slice views and fits them. */
void       sim_scene_set_background(sim_scene *sc, const char *id);
/* The background volume, or NULL. */
const sim_volume *sim_scene_background(const sim_scene *sc);
/* Makes id the label volume of all slice views and fits them to the
 * background (selectionNode's SetActiveLabelVolumeID, then
 * PropagateVolumeSelection, which calls FitSliceToBackground). */
void       sim_scene_set_label(sim_scene *sc, const char *id);
/* The label volume, or NULL. */
const sim_volume *sim_scene_label(const sim_scene *sc);
/* vtkMRMLSliceCompositeNode's LabelOpacity: the default of its
 * LayerOpacities (vtkMRMLSliceCompositeNode.h); nothing here changes it. */
#define SIM_LABEL_OPACITY 1.0

/* Slice view geometry (vtkMRMLSliceNode / vtkMRMLSliceLogic). */
int    sim_view_set_orientation(sim_view *v, const char *name);   /* 0 if known */
void   sim_view_fit(const sim_scene *sc, sim_view *v);            /* FitSliceToBackground */
double sim_view_offset(const sim_view *v);
void   sim_view_set_offset(sim_view *v, double offset);
/* GetVolumeSliceBounds along the normal; zeros without a volume. */
void   sim_view_z_bounds(const sim_scene *sc, const sim_view *v, double *zmin, double *zmax);

void   sim_scene_touch(sim_scene *sc, sim_node *n);

#endif
