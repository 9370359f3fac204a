/* sim_printself_data: PrintSelf text of volumes (with their vtkImageData),
 * markups, slice, slice composite, 3D view, camera and layout nodes. */
#include "sim_printself.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *scalar_type_name(sim_scalar s)
{
    /* vtkAbstractArray::GetDataTypeAsString */
    switch (s) {
    case SIM_SHORT:  return "short";
    case SIM_UCHAR:  return "unsigned char";
    case SIM_FLOAT:  return "float";
    case SIM_DOUBLE: return "double";
    }
    return "short";
}

/* vtkDataSetAttributes::PrintSelf (VTK 9.1): vtkFieldData's lines, the
 * three flag rows over the 11 attribute types, then each attribute. */
static void ps_attributes(sim_buf *b, int ind, const sim_volume *v, int with_scalars,
                          unsigned long mtime, unsigned long seed)
{
    static const char *const names[11] = {
        "Scalars", "Vectors", "Normals", "TCoords", "Tensors", "GlobalIds",
        "PedigreeIds", "EdgeFlag", "Tangents", "RationalWeights", "HigherOrderDegrees" };
    long long np = (long long)v->dims[0] * v->dims[1] * v->dims[2];
    ps_vtkobject(b, ind, mtime, 1, seed);
    ps_line(b, ind, "Number Of Arrays: %d", with_scalars);
    if (with_scalars)
        ps_line(b, ind, "Array 0 name = ImageScalars");
    ps_line(b, ind, "Number Of Components: %d", with_scalars);
    ps_line(b, ind, "Number Of Tuples: %lld", with_scalars ? np : 0);
    ps_line(b, ind, "Copy Tuple Flags: ( 1 1 1 1 1 0 1 1 1 1 1 )");
    ps_line(b, ind, "Interpolate Flags: ( 1 1 1 1 1 0 0 1 1 1 1 )");
    ps_line(b, ind, "Pass Through Flags: ( 1 1 1 1 1 1 1 1 1 1 1 )");
    for (int a = 0; a < 11; a++) {
        if (a != 0 || !with_scalars) {
            ps_line(b, ind, "%s: (none)", names[a]);
            continue;
        }
        /* vtkAbstractArray::PrintSelf then vtkDataArray::PrintSelf */
        ps_line(b, ind, "%s: ", names[a]);
        int in = ind + 2;
        ps_vtkobject(b, in, mtime > 3 ? mtime - 3 : mtime, 0, 0);
        ps_line(b, in, "Name: ImageScalars");
        ps_line(b, in, "Data type: %s", scalar_type_name(v->scalar));
        ps_line(b, in, "Size: %lld", np);
        ps_line(b, in, "MaxId: %lld", np - 1);
        ps_line(b, in, "NumberOfComponents: 1");
        ps_line(b, in, "Information: 0");
        ps_line(b, in, "Name: ImageScalars");
        ps_line(b, in, "Number Of Components: 1");
        ps_line(b, in, "Number Of Tuples: %lld", np);
        ps_line(b, in, "Size: %lld", np);
        ps_line(b, in, "MaxId: %lld", np - 1);
        ps_line(b, in, "LookupTable: (none)");
    }
}

/* vtkImageData::PrintSelf over vtkDataSet, vtkDataObject and vtkObject
 * (VTK 9.1 Common/DataModel).  Slicer keeps the geometry in the volume
 * node: the image itself has spacing 1, origin 0, identity direction. */
static void ps_image_data(sim_buf *b, int ind, const sim_volume *v, unsigned long mtime)
{
    unsigned long seed = (unsigned long)v->dims[0] * 31 + mtime;
    long long np = (long long)v->dims[0] * v->dims[1] * v->dims[2], nc = 1;
    for (int i = 0; i < 3; i++)
        nc *= v->dims[i] > 1 ? v->dims[i] - 1 : 1;
    ps_vtkobject(b, ind, mtime, 0, 0);
    ps_line(b, ind, "Information: 0x%lx", ps_pointer(seed));
    ps_line(b, ind, "Data Released: False");
    ps_line(b, ind, "Global Release Data: Off");
    ps_line(b, ind, "UpdateTime: 0");
    ps_line(b, ind, "Field Data:");
    ps_vtkobject(b, ind + 2, mtime > 40 ? mtime - 40 : mtime, 0, 0);
    ps_line(b, ind + 2, "Number Of Arrays: 0");
    ps_line(b, ind + 2, "Number Of Components: 0");
    ps_line(b, ind + 2, "Number Of Tuples: 0");
    ps_line(b, ind, "Number Of Points: %lld", np);
    ps_line(b, ind, "Number Of Cells: %lld", nc);
    ps_line(b, ind, "Cell Data:");
    ps_attributes(b, ind + 2, v, 0, mtime > 35 ? mtime - 35 : mtime, seed + 2);
    ps_line(b, ind, "Point Data:");
    ps_attributes(b, ind + 2, v, 1, mtime, seed + 4);
    ps_line(b, ind, "Bounds: ");
    static const char *const ax[3] = { "X", "Y", "Z" };
    for (int i = 0; i < 3; i++)
        ps_line(b, ind + 2, "%smin,%smax: (0, %d)", ax[i], ax[i], v->dims[i] - 1);
    ps_line(b, ind, "Compute Time: %lu", mtime + 1);
    static const double one[3] = { 1, 1, 1 }, zero[3] = { 0, 0, 0 };
    static const double ident[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    ps_vec(b, ind, "Spacing", one, 3);
    ps_vec(b, ind, "Origin", zero, 3);
    ps_vec(b, ind, "Direction", ident, 9);
    ps_ivec(b, ind, "Dimensions", v->dims, 3);
    static const int inc[3] = { 0, 0, 0 };
    ps_ivec(b, ind, "Increments", inc, 3);
    int ext[6] = { 0, v->dims[0] - 1, 0, v->dims[1] - 1, 0, v->dims[2] - 1 };
    ps_ivec(b, ind, "Extent", ext, 6);
}

/* vtkMRMLVolumeNode::PrintSelf (+ vtkMRMLScalarVolumeNode, which adds
 * nothing without voxel value quantity/units; labelmaps add nothing). */
void ps_volume(sim_buf *b, int ind, const sim_node *n)
{
    const sim_volume *v = n->vol;
    ps_displayable(b, ind, n);
    ps_vec(b, ind, "Spacing", v->spacing, 3);
    ps_vec(b, ind, "Origin", v->origin, 3);
    ps_line(b, ind, "VoxelVectorType: undefined");
    ps_line(b, ind, "IJKToRASDirections:");
    char t[3][48];
    for (int r = 0; r < 3; r++) {
        for (int a = 0; a < 3; a++)
            ps_num(t[a], sizeof t[a], v->dirs[a][r]);
        ps_line(b, ind + 2, "%s %s %s", t[0], t[1], t[2]);
    }
    ps_line(b, ind, "ImageData:");
    ps_image_data(b, ind + 2, v, n->mtime > 54 ? n->mtime - 54 : n->mtime);
}

static double dist3(const double *a, const double *c)
{
    return sqrt((a[0] - c[0]) * (a[0] - c[0]) + (a[1] - c[1]) * (a[1] - c[1]) +
                (a[2] - c[2]) * (a[2] - c[2]));
}

/* The measurement lines of vtkMRMLMarkupsNode::PrintSelf: a line's length
 * (vtkMRMLMeasurementLength's "%-#4.4g%s" in mm) and an angle's
 * (vtkMRMLMeasurementAngle's "%3.1f%s" in deg) are on by default.  A
 * curve's length, curvatures and torsions, a closed curve's area and an
 * ROI's volume are off by default (vtkMRMLMarkupsCurveNode,
 * vtkMRMLMarkupsClosedCurveNode and vtkMRMLMarkupsROINode constructors),
 * so the reader's ClearValueForAllMeasurements leaves them undefined:
 * Slicer's properties never carry its spline length. */
static void ps_measurements(sim_buf *b, int ind, const sim_node *n)
{
    int line = strcmp(n->mtype, "Line") == 0, angle = strcmp(n->mtype, "Angle") == 0;
    int closed = strcmp(n->mtype, "ClosedCurve") == 0;
    int curve = closed || strcmp(n->mtype, "Curve") == 0;
    if (!line && !angle && !curve && strcmp(n->mtype, "ROI") != 0)
        return;
    ps_line(b, ind, "Measurements:");
    char val[80];
    if (line || angle) {
        if (line && n->npts >= 2) {
            snprintf(val, sizeof val, "%-#4.4g%s", dist3(n->pts[0].pos, n->pts[1].pos), "mm");
        } else if (angle && n->npts >= 3) {
            double u[3], w[3], dot = 0;
            for (int a = 0; a < 3; a++) {
                u[a] = n->pts[0].pos[a] - n->pts[1].pos[a];
                w[a] = n->pts[2].pos[a] - n->pts[1].pos[a];
                dot += u[a] * w[a];
            }
            double nu = dist3(n->pts[0].pos, n->pts[1].pos), nw = dist3(n->pts[2].pos, n->pts[1].pos);
            double c = nu > 0 && nw > 0 ? dot / (nu * nw) : 1;
            c = c > 1 ? 1 : c < -1 ? -1 : c;
            snprintf(val, sizeof val, "%3.1f%s", acos(c) * 180.0 / M_PI, "deg");
        } else {
            snprintf(val, sizeof val, "(undefined)");
        }
        ps_line(b, ind + 4, "%s: %s", line ? "length" : "angle", val);
        return;
    }
    if (!curve) {
        ps_line(b, ind + 4, "volume: (undefined)");
        return;
    }
    static const char *const names[] = { "length", "curvature mean", "curvature max",
                                         "torsion mean", "torsion max" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ps_line(b, ind + 4, "%s: (undefined)", names[i]);
    if (closed)
        ps_line(b, ind + 4, "area: (undefined)");
}

/* vtkMRMLMarkupsNode::PrintSelf (Libs/MRML/Core/vtkMRMLMarkupsNode.cxx),
 * then the subclass's own lines: vtkMRMLMarkupsAngleNode's two,
 * vtkMRMLMarkupsROINode's ROIType, Size, ObjectToNodeMatrix and InsideOut,
 * vtkMRMLMarkupsCurveNode's five (a closed curve adds none). */
void ps_markups(sim_buf *b, int ind, const sim_node *n)
{
    int line = strcmp(n->mtype, "Line") == 0, angle = strcmp(n->mtype, "Angle") == 0;
    int roi = strcmp(n->mtype, "ROI") == 0;
    int curve = strcmp(n->mtype, "Curve") == 0 || strcmp(n->mtype, "ClosedCurve") == 0;
    ps_displayable(b, ind, n);
    ps_bool(b, ind, "Locked", 0);
    ps_line(b, ind, "ControlPointLabelFormat: %%N-%%d");
    static const double ident[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    ps_line(b, ind, "InteractionHandleToWorldMatrix:");
    ps_matrix(b, ind + 2, ident, n->mtime);
    ps_line(b, ind, "Control point number locked: 0");
    /* a box ROI wants 2 points to be placed and keeps 1 once it has a
     * size (UpdateControlPointsFromBoxROI); a curve requires 1e6 to stay
     * in place mode */
    int most = line ? 2 : angle ? 3 : roi ? (n->npts ? 1 : 2) : -1;
    int needed = curve ? 1000000 : most;
    if (most > 0)
        ps_int(b, ind, "MaximumNumberOfControlPoints", most);
    else
        ps_line(b, ind, "MaximumNumberOfControlPoints: unlimited");
    if (needed > 0)
        ps_int(b, ind, "RequiredNumberOfControlPoints", needed);
    else
        ps_line(b, ind, "RequiredNumberOfControlPoints: unlimited");
    ps_int(b, ind, "NumberOfControlPoints", n->npts);
    if (n->npts > 0)
        ps_line(b, ind, "ControlPoints:");
    char t[3][48];
    for (int i = 0; i < n->npts; i++) {
        const sim_cpoint *p = &n->pts[i];
        int in = ind + 4;
        ps_line(b, ind + 2, "ControlPoint[%d]:", i);
        ps_line(b, in, "ID: %s", p->id);
        ps_line(b, in, "Label: %s", p->label);
        ps_line(b, in, "Description: ");
        ps_line(b, in, "Associated node id: ");
        ps_bool(b, in, "Selected", p->selected);
        ps_bool(b, in, "Locked", p->locked);
        ps_bool(b, in, "Visibility", p->visible);
        ps_line(b, in, "PositionStatus: defined");
        for (int a = 0; a < 3; a++)
            ps_num(t[a], sizeof t[a], p->pos[a]);
        ps_line(b, in, "Position: [%s, %s, %s]", t[0], t[1], t[2]);
        /* the LPS file's identity orientation, seen in RAS */
        ps_line(b, in, "Orientation: [-1,  0,  0,  0,  -1,  0,  0,  0,  1]");
    }
    ps_measurements(b, ind, n);
    if (angle) {
        static const double axis[3] = { 0, 0, 1 };
        ps_line(b, ind, "AngleMeasurementMode: Minimal");
        ps_vec(b, ind, "OrientationRotationAxis", axis, 3);
    } else if (roi) {
        double m[16] = { 0 };
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                m[r * 4 + c] = n->roi_orient[r * 3 + c];
            m[r * 4 + 3] = n->roi_center[r];
        }
        m[15] = 1;
        ps_line(b, ind, "ROIType: Box");
        ps_vec(b, ind, "Size", n->roi_size, 3);
        ps_line(b, ind, "ObjectToNodeMatrix:");
        ps_matrix(b, ind + 2, m, n->mtime);
        ps_bool(b, ind, "InsideOut", n->roi_inside_out);
    } else if (curve) {
        ps_line(b, ind, "CurveType: spline");
        ps_int(b, ind, "NumberOfPointsPerInterpolatingSegment", 10);
        ps_line(b, ind, "SurfaceCostFunctionType: distance");
        ps_str(b, ind, "SurfaceDistanceWeightingFunction", "activeScalar");
        ps_float(b, ind, "SurfaceConstraintMaximumSearchRadiusTolerance", 0.25);
    }
}

/* vtkMRMLAbstractViewNode::PrintSelf (Libs/MRML/Core). */
static void ps_abstract_view(sim_buf *b, int ind, const sim_node *n, const char *label,
                             const double *bg, const double *bg2, const double *color, int three_d,
                             double scale)
{
    ps_node(b, ind, n, NULL, 0);
    ps_str(b, ind, "LayoutLabel", label);
    ps_int(b, ind, "ViewGroup", 0);
    ps_int(b, ind, "Active", 0);
    ps_int(b, ind, "Visibility", 1);
    ps_vec(b, ind, "BackgroundColor", bg, 3);
    ps_vec(b, ind, "BackgroundColor2", bg2, 3);
    ps_vec(b, ind, "LayoutColor", color, 3);
    if (three_d) {
        ps_line(b, ind, "OrientationMarkerType: none");
        ps_line(b, ind, "OrientationMarkerSize: medium");
        ps_line(b, ind, "RulerType: none");
    }
    ps_line(b, ind, "RulerColor: white");
    ps_float(b, ind, "ScreenScaleFactor", scale);
    ps_line(b, ind, "AxisLabels: L;R;P;A;I;S");
}

/* vtkMRMLSliceNode::PrintSelf (Libs/MRML/Core/vtkMRMLSliceNode.cxx). */
void ps_slice(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    static const double colors[3][3] = {
        { 0.952941, 0.290196, 0.2 }, { 0.929412, 0.835294, 0.298039 }, { 0.431373, 0.690196, 0.294118 } };
    static const char *const labels[3] = { "R", "Y", "G" };
    static const double black[3] = { 0, 0, 0 };
    const sim_view *v = &sc->views[n->view];
    ps_abstract_view(b, ind, n, labels[n->view], black, black, colors[n->view], 0,
                     sc->screen_scale > 0 ? sc->screen_scale : 1);
    ps_vec(b, ind, "FieldOfView", v->fov, 3);
    int dims[3] = { v->dims[0], v->dims[1], 1 };
    ps_ivec(b, ind, "Dimensions", dims, 3);
    static const double zero[3] = { 0, 0, 0 };
    static const int uvw[3] = { 256, 256, 1 };
    ps_vec(b, ind, "XYZOrigin", zero, 3);
    ps_ivec(b, ind, "UVWDimensions", uvw, 3);
    ps_vec(b, ind, "UVWExtents", v->fov, 3);
    ps_vec(b, ind, "UVWOrigin", zero, 3);
    ps_int(b, ind, "SliceResolutionMode", 1);
    ps_line(b, ind, "Layout grid: 1x1");
    ps_int(b, ind, "ActiveSlice", 0);
    ps_bool(b, ind, "SliceVisible", 0);
    ps_bool(b, ind, "WidgetVisible", 0);
    ps_bool(b, ind, "WidgetOutlineVisible", 0);
    ps_bool(b, ind, "UseLabelOutline", 0);
    ps_bool(b, ind, "SliceEdgeVisibility3D", 0);
    /* the indent is written a second time after the colon */
    ps_line(b, ind, "Jump mode: %*sOffset", ind, "");
    ps_line(b, ind, "SliceToRAS:");
    ps_matrix(b, ind + 2, v->s2r, n->mtime);
    static const struct { const char *name; double m[16]; } presets[3] = {
        { "Axial",    { -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 } },
        { "Coronal",  { -1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1 } },
        { "Sagittal", { 0, 0, 1, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 } },
    };
    for (int i = 0; i < 3; i++) {
        ps_line(b, ind, "OrientationMatrix%s: ", presets[i].name);
        ps_matrix(b, ind + 2, presets[i].m, 99);
    }
    /* XYToRAS = SliceToRAS * (pixel -> slice mm, centred) */
    double xy[16];
    double sx = v->fov[0] / v->dims[0], sy = v->fov[1] / v->dims[1];
    for (int r = 0; r < 4; r++) {
        xy[r * 4 + 0] = v->s2r[r * 4 + 0] * sx;
        xy[r * 4 + 1] = v->s2r[r * 4 + 1] * sy;
        xy[r * 4 + 2] = v->s2r[r * 4 + 2];
        xy[r * 4 + 3] = v->s2r[r * 4 + 3] - v->s2r[r * 4 + 0] * v->fov[0] / 2 -
                        v->s2r[r * 4 + 1] * v->fov[1] / 2;
    }
    ps_line(b, ind, "XYToRAS: ");
    ps_matrix(b, ind + 2, xy, n->mtime);
    ps_line(b, ind, "SliceSpacingMode: Automatic");
    static const double pss[3] = { 1, 1, 1 };
    ps_vec(b, ind, "PrescribedSliceSpacing", pss, 3);
    ps_line(b, ind, "Interacting: off");
    ps_str(b, ind, "DefaultOrientation", NULL);
    ps_bool(b, ind, "SlabReconstructionEnabled", 0);
    ps_line(b, ind, "SlabReconstructionType: Max");
    ps_float(b, ind, "SlabReconstructionThickness", 1);
    ps_float(b, ind, "SlabReconstructionOversamplingFactor", 2);
}

/* vtkMRMLSliceCompositeNode::PrintSelf (Libs/MRML/Core/
 * vtkMRMLSliceCompositeNode.cxx): every view shows the scene's background
 * and label volumes; no foreground.  Node references are a std::map by
 * role, so "backgroundVolume" prints before "labelVolume". */
void ps_slice_composite(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    const char *bg = sc->bg_id[0] ? sc->bg_id : NULL;
    const char *lab = sc->label_id[0] ? sc->label_id : NULL;
    ps_ref refs[2];
    int k = 0;
    if (bg)
        refs[k++] = (ps_ref){ "backgroundVolume", "backgroundVolumeID", bg };
    if (lab)
        refs[k++] = (ps_ref){ "labelVolume", "labelVolumeID", lab };
    ps_node(b, ind, n, refs, k);
    ps_str(b, ind, "BackgroundVolumeID", bg);
    ps_str(b, ind, "ForegroundVolumeID", NULL);
    ps_str(b, ind, "LabelVolumeID", lab);
    ps_int(b, ind, "Compositing", 0);
    ps_bool(b, ind, "ClipToBackgroundVolume", 1);
    ps_float(b, ind, "ForegroundOpacity", 0);
    ps_float(b, ind, "LabelOpacity", SIM_LABEL_OPACITY);
    ps_int(b, ind, "LinkedControl", 0);
    ps_int(b, ind, "HotLinkedControl", 0);
    ps_int(b, ind, "FiducialVisibility", 1);
    ps_int(b, ind, "FiducialLabelVisibility", 1);
    ps_str(b, ind, "LayoutName", n->singleton);
    ps_int(b, ind, "DoPropagateVolumeSelection", 1);
    ps_line(b, ind, "Interacting: off");
}

/* vtkMRMLViewNode::PrintSelf (Libs/MRML/Core/vtkMRMLViewNode.cxx). */
void ps_view(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    static const double bg[3] = { 0.756863, 0.764706, 0.909804 };
    static const double bg2[3] = { 0.454902, 0.470588, 0.745098 };
    static const double color[3] = { 0.454902, 0.513725, 0.913725 };
    static const double box[3] = { 1, 0, 1 };
    ps_abstract_view(b, ind, n, "1", bg, bg2, color, 1, sc->screen_scale > 0 ? sc->screen_scale : 1);
    ps_float(b, ind, "FieldOfView", 200);
    ps_float(b, ind, "LetterSize", 0.05);
    ps_bool(b, ind, "BoxVisible", 1);
    ps_vec(b, ind, "BoxColor", box, 3);
    ps_bool(b, ind, "FiducialsVisible", 1);
    ps_bool(b, ind, "FiducialLabelsVisible", 1);
    ps_bool(b, ind, "AxisLabelsVisible", 1);
    ps_bool(b, ind, "AxisLabelsCameraDependent", 1);
    ps_line(b, ind, "AnimationMode: Off");
    ps_line(b, ind, "ViewAxisMode: LookFrom");
    ps_float(b, ind, "SpinDegrees", 2);
    ps_float(b, ind, "AnimationMs", 5);
    ps_line(b, ind, "SpinDirection: YawLeft");
    ps_float(b, ind, "RotateDegrees", 5);
    ps_int(b, ind, "RockLength", 200);
    ps_int(b, ind, "RockCount", 0);
    ps_line(b, ind, "StereoType: NoStereo");
    ps_line(b, ind, "RenderMode: Perspective");
    ps_int(b, ind, "UseDepthPeeling", 1);
    ps_int(b, ind, "GPUMemorySize", 0);
    ps_bool(b, ind, "AutoReleaseGraphicsResources", 0);
    ps_float(b, ind, "ExpectedFPS", 8);
    ps_int(b, ind, "VolumeRenderingQuality", 0);
    ps_int(b, ind, "RaycastTechnique", 0);
    ps_int(b, ind, "VolumeRenderingSurfaceSmoothing", 0);
    ps_float(b, ind, "VolumeRenderingOversamplingFactor", 2);
    ps_int(b, ind, "Interacting", 0);
    ps_bool(b, ind, "ShadowsVisibility", 0);
    ps_float(b, ind, "AmbientShadowsSizeScale", 0.3);
    ps_float(b, ind, "AmbientShadowsVolumeOpacityThreshold", 0.25);
    ps_float(b, ind, "AmbientShadowsIntensityScale", 1);
    ps_float(b, ind, "AmbientShadowsIntensityShift", 0);
    ps_int(b, ind, "LinkedControl", 0);
}

/* vtkMRMLCameraNode::PrintSelf: "AppliedTransform: " has no newline, so
 * the matrix's first line ("Debug: Off") continues it. */
void ps_camera(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    double pos[3] = { 0, 500, 0 }, up[3] = { 0, 0, 1 };
    switch (sc->axis3d) {
    case 'r': pos[0] = 500;  pos[1] = 0; break;
    case 'l': pos[0] = -500; pos[1] = 0; break;
    case 'p': pos[1] = -500; break;
    case 's': pos[1] = 0; pos[2] = 500;  up[1] = 1; up[2] = 0; break;
    case 'i': pos[1] = 0; pos[2] = -500; up[1] = 1; up[2] = 0; break;
    default: break;
    }
    static const double zero[3] = { 0, 0, 0 };
    ps_node(b, ind, n, NULL, 0);
    ps_line(b, ind, "TransformNodeID: (none)");
    ps_vec(b, ind, "Position", pos, 3);
    ps_vec(b, ind, "FocalPoint", zero, 3);
    ps_vec(b, ind, "ViewUp", up, 3);
    ps_bool(b, ind, "ParallelProjection", 0);
    ps_float(b, ind, "ParallelScale", 1);
    ps_float(b, ind, "ViewAngle", 30);
    ps_int(b, ind, "Interacting", 0);
    static const double ident[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    sim_buf_printf(b, "%*sAppliedTransform: ", ind, "");
    ps_matrix(b, ind + 2, ident, n->mtime);
}

/* vtkMRMLLayoutNode::PrintSelf: its superclass vtkMRMLAbstractLayoutNode
 * prints nothing and does not call vtkMRMLNode::PrintSelf, so a layout
 * node has no ID, Name or MTime in its properties. */
void ps_layout(sim_buf *b, int ind, const sim_scene *sc)
{
    ps_int(b, ind, "ViewArrangement", sc->layout);
    ps_int(b, ind, "GUIPanelVisibility", sc->gui_full);
    ps_int(b, ind, "GUIPanelLR", 0);
    ps_int(b, ind, "BottomPanelVisibility", sc->gui_full);
    ps_int(b, ind, "CollapseSliceControllers", 0);
    ps_int(b, ind, "NumberOfCompareViewRows", 1);
    ps_int(b, ind, "NumberOfCompareViewColumns", 1);
    ps_int(b, ind, "Main panel size", 400);
    ps_int(b, ind, "Secondary panel size", 400);
    ps_str(b, ind, "Selected module", NULL);
}
