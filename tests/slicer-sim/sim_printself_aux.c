/* sim_printself_aux: PrintSelf text of display and storage nodes, the
 * selection, interaction and crosshair singletons, colour tables, the
 * subject hierarchy, transforms, models and segmentations.  The MRML lines follow the
 * Libs/MRML/Core sources named at each function; the VTK members those
 * nodes print (vtkLookupTable, vtkTransform) are rendered in VTK 9.1's
 * format with their key lines only. */
#include "sim_printself.h"

#include <stdio.h>
#include <string.h>

static const sim_node *owner_of(const sim_scene *sc, const sim_node *n)
{
    return n->owner_id ? sim_scene_by_id(sc, n->owner_id) : NULL;
}

/* vtkMRMLDisplayNode::PrintSelf (Libs/MRML/Core/vtkMRMLDisplayNode.cxx). */
static void ps_display_base(sim_buf *b, int ind, const sim_node *n, const sim_node *owner,
                            const char *color_id)
{
    static const double dcolor[3] = { 0.9, 0.9, 0.3 }, dsel[3] = { 1, 0, 0 };
    static const double edge[3] = { 0, 0, 0 }, range[2] = { 0, 100 };
    int markups = owner && owner->mtype[0];
    ps_node(b, ind, n, NULL, 0);
    ps_vec(b, ind, "Color", markups ? owner->color : dcolor, 3);
    ps_vec(b, ind, "EdgeColor", edge, 3);
    ps_vec(b, ind, "SelectedColor", markups ? owner->selcolor : dsel, 3);
    ps_float(b, ind, "SelectedAmbient", 0.4);
    ps_float(b, ind, "Ambient", 0);
    ps_float(b, ind, "Diffuse", 1);
    ps_float(b, ind, "SelectedSpecular", 0.5);
    ps_float(b, ind, "Specular", 0);
    ps_float(b, ind, "Power", 1);
    ps_float(b, ind, "Metallic", 0);
    ps_float(b, ind, "Roughness", 0.5);
    ps_float(b, ind, "Opacity", 1);
    ps_float(b, ind, "SliceIntersectionOpacity", 1);
    ps_float(b, ind, "PointSize", 1);
    ps_float(b, ind, "LineWidth", 1);
    ps_int(b, ind, "Representation", 2);
    ps_bool(b, ind, "Lighting", 1);
    ps_int(b, ind, "Interpolation", 1);
    ps_bool(b, ind, "Shading", 1);
    ps_bool(b, ind, "Visibility", 1);
    ps_bool(b, ind, "Visibility2D", markups);
    ps_bool(b, ind, "Visibility3D", 1);
    ps_bool(b, ind, "EdgeVisibility", 0);
    ps_bool(b, ind, "Clipping", 0);
    ps_int(b, ind, "SliceIntersectionThickness", 1);
    ps_bool(b, ind, "FrontfaceCulling", 0);
    ps_bool(b, ind, "BackfaceCulling", 0);
    ps_bool(b, ind, "ScalarVisibility", 0);
    ps_bool(b, ind, "VectorVisibility", 0);
    ps_bool(b, ind, "TensorVisibility", 0);
    ps_bool(b, ind, "InterpolateTexture", 0);
    ps_str(b, ind, "ScalarRangeFlagAsString", "UseData");
    ps_vec(b, ind, "ScalarRange", range, 2);
    ps_str(b, ind, "ColorNodeID", color_id);
    ps_str(b, ind, "ActiveScalarName", NULL);
    ps_str(b, ind, "ActiveAttributeLocationAsString", "point");
    /* vtkMRMLPrintStdStringVectorMacro writes "Name : (\"...\")" */
    ps_line(b, ind, "ViewNodeIDs : (\"\")");
    ps_bool(b, ind, "FolderDisplayOverrideAllowed", 1);
    ps_line(b, ind, "ShowMode: Default");
}

/* vtkMRMLScalarVolumeDisplayNode::PrintSelf: fixed-width labels. */
static void ps_scalar_volume_display(sim_buf *b, int ind, const sim_node *owner)
{
    char w[48] = "256", l[48] = "128";
    if (owner && owner->vol) {
        ps_num(w, sizeof w, owner->vol->window);
        ps_num(l, sizeof l, owner->vol->level);
    }
    ps_line(b, ind, "AutoWindowLevel:   1");
    ps_line(b, ind, "Window:            %s", w);
    ps_line(b, ind, "Level:             %s", l);
    ps_line(b, ind, "Window Level Presets:");
    ps_line(b, ind, "AutoThreshold:     0");
    ps_line(b, ind, "ApplyThreshold:    0");
    ps_line(b, ind, "UpperThreshold:    32767");
    ps_line(b, ind, "LowerThreshold:    -32768");
    ps_line(b, ind, "Interpolate:       1");
    ps_line(b, ind, "InvertDisplayScalarRange: 0");
    ps_line(b, ind, "WindowMappingMethod: Default");
}

/* vtkMRMLMarkupsDisplayNode::PrintSelf: "ActiveComponents:" continues on
 * its own line with two more indents per component. */
static void ps_markups_display(sim_buf *b, int ind, const sim_node *owner)
{
    static const double white[3] = { 1, 1, 1 }, active[3] = { 0.4, 1, 1 };
    ps_bool(b, ind, "PropertiesLabelVisibility", 1);
    ps_bool(b, ind, "PointLabelsVisibility", 1);
    ps_float(b, ind, "TextScale", 3);
    ps_float(b, ind, "GlyphScale", owner ? owner->glyph : 3);
    ps_float(b, ind, "GlyphSize", 5);
    ps_bool(b, ind, "UseGlyphScale", 1);
    ps_line(b, ind, "GlyphType: Sphere3D");
    ps_line(b, ind, "SnapMode: toVisibleSurface");
    ps_bool(b, ind, "SliceProjection", 0);
    ps_bool(b, ind, "SliceProjectionUseFiducialColor", 1);
    ps_bool(b, ind, "SliceProjectionOutlinedBehindSlicePlane", 0);
    ps_vec(b, ind, "SliceProjectionColor", white, 3);
    ps_float(b, ind, "SliceProjectionOpacity", 0.6);
    ps_line(b, ind, "ActiveComponents:%*s(default): 0, -1", 2 * ind, "");
    ps_line(b, ind, "CurveLineSizeMode: UseLineThickness");
    ps_float(b, ind, "LineThickness", 0.2);
    ps_float(b, ind, "LineDiameter", 1);
    ps_float(b, ind, "LineColorFadingStart", 1);
    ps_float(b, ind, "LineColorFadingEnd", 10);
    ps_float(b, ind, "LineColorFadingSaturation", 1);
    ps_float(b, ind, "LineColorFadingHueOffset", 0);
    ps_bool(b, ind, "LineDirectionVisibility", 0);
    ps_bool(b, ind, "LineDirectionVisibility3D", 1);
    ps_bool(b, ind, "LineDirectionVisibility2D", 1);
    ps_float(b, ind, "LineDirectionMarkerScale", 1);
    ps_float(b, ind, "LineDirectionMarkerSpacingScale", 10);
    ps_bool(b, ind, "LineDirectionFirstToLastControlPoint", 1);
    ps_bool(b, ind, "LineSliceIntersectionPointVisibility", 0);
    ps_bool(b, ind, "HandlesInteractive", 0);
    ps_bool(b, ind, "TranslationHandleVisibility", 1);
    ps_bool(b, ind, "RotationHandleVisibility", 1);
    ps_bool(b, ind, "ScaleHandleVisibility", 1);
    ps_float(b, ind, "InteractionHandleScale", 3);
    ps_float(b, ind, "InteractionHandleOpacity", 1);
    ps_bool(b, ind, "FillVisibility", 1);
    ps_bool(b, ind, "OutlineVisibility", 1);
    ps_float(b, ind, "FillOpacity", 0.5);
    ps_float(b, ind, "OutlineOpacity", 1);
    ps_bool(b, ind, "OccludedVisibility", 0);
    ps_float(b, ind, "OccludedOpacity", 0.3);
    ps_line(b, ind, "TextPropertyAsString: font-family:Arial;font-size:5px;font-style:normal;"
            "font-weight:normal;color:rgba(255,255,255,1);background-color:rgba(0,0,0,0);"
            "border-width:5px;border-color:rgba(0,0,0,0);text-shadow:1px -1px 2px rgba(0,0,0,1.0);");
    ps_vec(b, ind, "ActiveColor", active, 3);
    static const int hv[4] = { 1, 1, 1, 0 };
    ps_ivec(b, ind, "RotationHandleComponentVisibility", hv, 4);
    ps_ivec(b, ind, "ScaleHandleComponentVisibility", hv, 4);
    ps_ivec(b, ind, "TranslationHandleComponentVisibility", hv, 4);
}

/* vtkMRMLModelDisplayNode::PrintSelf */
static void ps_model_display(sim_buf *b, int ind)
{
    static const double tr[2] = { 0, -1 }, hsv[3] = { 0, 0, 0 };
    ps_line(b, ind, "SliceDisplayMode: SliceDisplayIntersection");
    ps_bool(b, ind, "ThresholdEnabled", 0);
    ps_vec(b, ind, "ThresholdRange", tr, 2);
    ps_vec(b, ind, "BackfaceColorHSVOffset", hsv, 3);
    ps_bool(b, ind, "ClippingCapSurface", 0);
    ps_float(b, ind, "ClippingCapOpacity", 1);
    ps_bool(b, ind, "ClippingOutline", 0);
    ps_vec(b, ind, "ClippingCapColorHSVOffset", hsv, 3);
}

void ps_display(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    const sim_node *owner = owner_of(sc, n);
    int label = strcmp(n->cls, "vtkMRMLLabelMapVolumeDisplayNode") == 0;
    int scalar = strcmp(n->cls, "vtkMRMLScalarVolumeDisplayNode") == 0;
    const char *color = label ? "vtkMRMLColorTableNodeFileGenericAnatomyColors.txt"
                      : scalar ? "vtkMRMLColorTableNodeGrey" : NULL;
    ps_display_base(b, ind, n, owner, color);
    if (scalar)
        ps_scalar_volume_display(b, ind, owner);
    else if (sim_node_isa(n, "vtkMRMLMarkupsDisplayNode"))
        ps_markups_display(b, ind, owner);
    else if (strcmp(n->cls, "vtkMRMLModelDisplayNode") == 0)
        ps_model_display(b, ind);
}

/* vtkMRMLStorageNode::PrintSelf (+ vtkMRMLVolumeArchetypeStorageNode and
 * vtkMRMLMarkupsStorageNode).  The UserMessages collection prints its
 * vtkObject lines at the node's own indent. */
void ps_storage(sim_buf *b, int ind, const sim_node *n)
{
    int markups = sim_node_isa(n, "vtkMRMLMarkupsStorageNode");
    int seg = strcmp(n->cls, "vtkMRMLSegmentationStorageNode") == 0;
    static const char *const vol_types[] = {
        "NRRD (.nrrd)", "NRRD (.nhdr)", "MetaImage (.mha)", "MetaImage (.mhd)", "NIfTI (.nii)",
        "NIfTI (.nii.gz)", NULL };
    static const char *const mrk_types[] = { "Markups JSON (.mrk.json)", "Markups JSON (.json)", NULL };
    /* vtkMRMLSegmentationStorageNode::InitializeSupportedWriteFileTypes,
     * for a binary labelmap source (no associated node: all six) */
    static const char *const seg_types[] = {
        "Segmentation (.seg.nrrd)", "Segmentation (.seg.nhdr)", "Segmentation (.nrrd)",
        "Segmentation (.nhdr)", "Segmentation (.seg.vtm)", "Segmentation (.vtm)", NULL };
    ps_node(b, ind, n, NULL, 0);
    ps_str(b, ind, "FileName", n->file);
    ps_line(b, ind, "URI: (none)");
    ps_line(b, ind, "UseCompression:   1");
    ps_line(b, ind, "ReadState:  Idle");
    ps_line(b, ind, "WriteState: Idle");
    ps_line(b, ind, "SupportedWriteFileTypes: ");
    for (const char *const *t = markups ? mrk_types : seg ? seg_types : vol_types; *t; t++)
        ps_line(b, ind, "FileType: %s", *t);
    ps_line(b, ind, "WriteFileFormat: (none)");
    ps_line(b, ind, "DefaultWriteFileExtension: %s", markups ? "mrk.json" : seg ? "seg.nrrd"
                                                                             : "nrrd");
    ps_line(b, ind, "TempFileName: (none)");
    ps_vtkobject(b, ind, n->mtime, 0, 0);
    ps_line(b, ind, "Messages: 0x%lx", ps_pointer(n->mtime));
    if (markups) {
        ps_line(b, ind, "CoordinateSystem: LPS");
        return;
    }
    if (seg) {
        ps_bool(b, ind, "CropToMinimumExtent", 0);
        return;
    }
    ps_line(b, ind, "CenterImage:   0");
    ps_line(b, ind, "SingleFile:   0");
    ps_line(b, ind, "UseOrientationFromFile:   1");
    ps_line(b, ind, "ForceRightHandedIJKCoordinateSystem:   true");
}

/* vtkMRMLSelectionNode::PrintSelf: prints its superclass twice, and the
 * list headers without any indent (so Slicer's parser skips them and the
 * rows land in a group named after the last key). */
void ps_selection(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    const char *vol = sc->bg_id[0] ? sc->bg_id : NULL;
    ps_ref ref = { "ActiveVolume", "activeVolumeID", vol };
    for (int i = 0; i < 2; i++)
        ps_node(b, ind, n, &ref, vol ? 1 : 0);
    ps_str(b, ind, "ActivePlaceNodeClassName", "vtkMRMLMarkupsFiducialNode");
    static const char *const kinds[] = { "Fiducial", "Line", "Angle", "Curve", "ClosedCurve", "Plane", "ROI" };
    const int nk = (int)(sizeof kinds / sizeof kinds[0]);
    ps_line(b, 0, "Valid PlaceNode IDs: ");
    for (int i = 0; i < nk; i++)
        ps_line(b, ind + 2, "%d: vtkMRMLMarkups%sNode", i, kinds[i]);
    ps_line(b, 0, "PlaceNode Resources: ");
    for (int i = 0; i < nk; i++)
        ps_line(b, ind + 2, "%d: :/Icons/MarkupsGeneric.png", i);
    ps_line(b, 0, "PlaceNode Icon Names: ");
    for (int i = 0; i < nk; i++)
        ps_line(b, ind + 2, "%d: %s", i, kinds[i]);
}

/* vtkMRMLInteractionNode::PrintSelf */
void ps_interaction(sim_buf *b, int ind, const sim_node *n)
{
    ps_node(b, ind, n, NULL, 0);
    ps_line(b, ind, "CurrentInteractionMode:        ViewTransform");
    ps_line(b, ind, "LastInteractionMode:        ViewTransform");
    ps_line(b, ind, "PlaceModePersistence: 0");
    ps_line(b, ind, "TransformModePersistence: 1");
}

/* vtkMRMLCrosshairNode::PrintSelf */
void ps_crosshair(sim_buf *b, int ind, const sim_node *n)
{
    static const double zero[3] = { 0, 0, 0 };
    ps_node(b, ind, n, NULL, 0);
    ps_line(b, ind, "CrosshairMode: NoCrosshair");
    ps_line(b, ind, "CrosshairBehavior: OffsetJumpSlice");
    ps_line(b, ind, "CrosshairThickness: Fine");
    ps_vec(b, ind, "CrosshairRAS", zero, 3);
    ps_bool(b, ind, "FastPick3D", 0);
}

/* vtkMRMLColorNode and vtkMRMLColorTableNode::PrintSelf.  The colour
 * rows ("0 Background (0, 0, 0, 0)") have no colon and add nothing to
 * the properties; one is printed. */
void ps_color_table(sim_buf *b, int ind, const sim_node *n)
{
    const char *type = strncmp(n->id, "vtkMRMLColorTableNodeFile", 25) == 0 ? "File" : n->name;
    ps_node(b, ind, n, NULL, 0);
    ps_line(b, ind, "Name: %s", n->name);
    ps_line(b, ind, "Type: (%s)", type);
    ps_line(b, ind, "Color properties:");
    ps_line(b, 2 * ind, "0 Background (0, 0, 0, 0)");
    ps_line(b, ind, "Look up table:");
    /* vtkLookupTable::PrintSelf over vtkScalarsToColors (VTK 9.1) */
    int in = ind + 2;
    ps_vtkobject(b, in, n->mtime, 0, 0);
    ps_line(b, in, "Alpha: 1");
    ps_line(b, in, "VectorMode: Component");
    ps_line(b, in, "VectorComponent: 0");
    ps_line(b, in, "VectorSize: -1");
    ps_line(b, in, "IndexedLookup: OFF");
    ps_line(b, in, "AnnotatedValues: Empty");
    ps_line(b, in, "TableRange: (0, 255)");
    ps_line(b, in, "Scale: Linear");
    ps_line(b, in, "HueRange: (0, 0)");
    ps_line(b, in, "SaturationRange: (0, 0)");
    ps_line(b, in, "ValueRange: (0, 1)");
    ps_line(b, in, "AlphaRange: (1, 1)");
    ps_line(b, in, "NanColor: (0.5, 0, 0, 1)");
    ps_line(b, in, "BelowRangeColor: (0, 0, 0, 1)");
    ps_line(b, in, "UseBelowRangeColor: OFF");
    ps_line(b, in, "AboveRangeColor: (1, 1, 1, 1)");
    ps_line(b, in, "UseAboveRangeColor: OFF");
    ps_line(b, in, "NumberOfTableValues: 256");
    ps_line(b, in, "NumberOfColors: 256");
    ps_line(b, in, "Ramp: Linear");
    ps_line(b, in, "InsertTime: 0");
    ps_line(b, in, "BuildTime: %lu", n->mtime);
}

static const char *owner_plugin(const sim_node *n)
{
    if (n->seg)
        return "Segmentations";
    if (sim_node_isa(n, "vtkMRMLLabelMapVolumeNode"))
        return "LabelMaps";
    if (n->vol)
        return "Volumes";
    if (n->mtype[0])
        return "Markups";
    if (sim_node_isa(n, "vtkMRMLTransformNode"))
        return "Transforms";
    return "Models";
}

/* vtkMRMLSubjectHierarchyNode::PrintSelf: one item per data node under
 * the scene item, each followed by a "----" row; items share one group,
 * so later items overwrite earlier ones' keys in place. */
void ps_subject_hierarchy(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n)
{
    ps_node(b, ind, n, NULL, 0);
    ps_line(b, ind, "SceneItemID: 1");
    ps_line(b, ind, "UnresolvedItemsID: 2");
    int item = 3, any = 0;
    for (size_t i = 0; i < sc->n; i++) {
        const sim_node *d = sc->nodes[i];
        if (!d->vol && !d->mtype[0] && !sim_node_isa(d, "vtkMRMLTransformNode") &&
            strcmp(d->cls, "vtkMRMLModelNode") != 0)
            continue;
        if (!any++)
            ps_line(b, ind, "Items:");
        int in = ind + 2;
        ps_line(b, in, "ID: %d", item++);
        ps_line(b, in, "DataNode: %s", d->id);
        ps_line(b, in, "Name (from DataNode): %s", d->name);
        ps_line(b, in, "Parent: 1 (scene)");
        ps_line(b, in, "Children: ");
        ps_line(b, in, "OwnerPluginName: %s", owner_plugin(d));
        ps_line(b, in, "Expanded: true");
        ps_line(b, in, "----");
    }
    if (!any)
        ps_line(b, ind, " No items in the tree");
}

/* vtkMRMLTransformNode and vtkMRMLLinearTransformNode::PrintSelf: the
 * matrix row of MatrixTransformToParent is written without any indent,
 * so Slicer's parser skips it. */
void ps_transform(sim_buf *b, int ind, const sim_node *n)
{
    ps_displayable(b, ind, n);
    ps_line(b, ind, "ReadAsTransformToParent: 0");
    ps_line(b, ind, "TransformToParent: ");
    ps_line(b, ind + 2, "Transform: vtkTransform");
    int in = ind + 4;
    ps_vtkobject(b, in, n->mtime, 0, 0);
    ps_line(b, in, "Inverse: (0x%lx)", ps_pointer(n->mtime + 7));
    ps_line(b, in, "Matrix: (0x%lx)", ps_pointer(n->mtime + 8));
    ps_matrix(b, in + 2, n->matrix, n->mtime);
    ps_line(b, in, "Input: (none)");
    ps_line(b, in, "InverseFlag: 0");
    ps_line(b, in, "NumberOfConcatenatedTransforms: 0");
    ps_line(b, in, "DependsOnInverse: 0");
    ps_line(b, ind, "Center of transformation: 0, 0, 0");
    ps_line(b, ind, "MatrixTransformToParent: ");
    char t[48];
    for (int i = 0; i < 16; i++) {
        ps_num(t, sizeof t, n->matrix[i]);
        sim_buf_printf(b, i < 15 ? "%s " : "%s\n", t);
    }
}

/* vtkMRMLModelNode::PrintSelf: the stand-in's models hold no mesh. */
void ps_model(sim_buf *b, int ind, const sim_node *n)
{
    ps_displayable(b, ind, n);
    ps_line(b, ind, "UnstructuredGrid: (none)");
    ps_line(b, ind, "PolyData: (none)");
}

/* ---- segmentation nodes ----------------------------------------------------
 *
 * str() of a vtkMRMLSegmentationNode:
 * vtkMRMLSegmentationNode::PrintSelf (Libs/MRML/Core) prints
 * "Segmentation:" and then, on the same line, vtkSegmentation::PrintSelf
 * at the next indent (Libs/vtkSegmentationCore/vtkSegmentation.cxx), whose
 * segments print with vtkSegment::PrintSelf (vtkSegment.cxx) and their
 * labelmap with vtkOrientedImageDataResample::PrintImageInformation.
 * Slicer's properties parser then reads "Segmentation" as a group holding
 * Segments -> <segment id> -> Name, Color, ... .
 *
 * Left out: the converter's Rules (vtkSegmentationConverterRule::PrintSelf
 * of each rule the factory registered); the stand-in prints the
 * converter's vtkObject lines only. */

/* PrintImageInformation: "Origin: x y z" (space separated), Extent with a
 * space before each number, the direction matrix rows each value followed
 * by a space. */
static void image_info(sim_buf *b, int ind, const sim_volume *v, const int ext[6])
{
    char t[3][48];
    for (int i = 0; i < 3; i++)
        ps_num(t[i], sizeof t[i], v->origin[i]);
    ps_line(b, ind, "Origin: %s %s %s", t[0], t[1], t[2]);
    for (int i = 0; i < 3; i++)
        ps_num(t[i], sizeof t[i], v->spacing[i]);
    ps_line(b, ind, "Spacing: %s %s %s", t[0], t[1], t[2]);
    ps_line(b, ind, "Extent: %d %d %d %d %d %d", ext[0], ext[1], ext[2], ext[3], ext[4], ext[5]);
    ps_line(b, ind, "Scalar type: %s", v->scalar == SIM_UCHAR ? "unsigned char" : "short");
    ps_line(b, ind, "Number of components: 1");
    ps_line(b, ind, "IJKToRASDirections:");
    for (int r = 0; r < 3; r++) {
        /* element (r, c) of the direction matrix: axis c's RAS component r */
        for (int c = 0; c < 3; c++)
            ps_num(t[c], sizeof t[c], v->dirs[c][r]);
        ps_line(b, ind + 2, "%s %s %s ", t[0], t[1], t[2]);
    }
}

/* vtkSegment::PrintSelf; tags print as "  key: value" one level in. */
static void segment(sim_buf *b, int ind, const sim_segment *g, const sim_volume *v,
                    unsigned long mtime)
{
    ps_line(b, ind, "Name: %s", g->name);
    ps_vec(b, ind, "Color", g->color, 3);
    ps_bool(b, ind, "NameAutoGenerated", g->name_auto);
    ps_bool(b, ind, "ColorAutoGenerated", g->color_auto);
    ps_line(b, ind, "Debug: Off");
    ps_line(b, ind, "Modified Time: %lu", mtime);
    ps_line(b, ind, "Representations:");
    ps_line(b, ind + 2, "Binary labelmap:");
    ps_line(b, ind + 4, "ClassName: vtkOrientedImageData");
    image_info(b, ind + 4, v, g->extent);
    ps_line(b, ind, "Tags:");
    /* SetSegmentTagsFromString: "key:value|" items; a std::map prints
     * them sorted, which the stand-in leaves in file order */
    for (const char *p = g->tags; *p;) {
        const char *bar = strchr(p, '|'), *end = bar ? bar : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon)
            ps_line(b, ind + 2, "  %.*s: %.*s", (int)(colon - p), p, (int)(end - colon - 1),
                    colon + 1);
        p = bar ? bar + 1 : end;
    }
}

void ps_segmentation(sim_buf *b, int ind, const sim_node *n)
{
    const sim_segmentation *sg = n->seg;
    ps_displayable(b, ind, n);
    ps_line(b, ind, "Segmentation:%*sDebug: Off", ind + 2, "");
    ps_line(b, ind + 2, "Modified Time: %lu", n->mtime + 1);
    ps_line(b, ind + 2, "SourceRepresentationName:  Binary labelmap");
    ps_line(b, ind + 2, "Number of segments: %d", sg->nseg);
    ps_line(b, ind + 2, "Segments:");
    for (int i = 0; i < sg->nseg; i++) {
        ps_line(b, ind + 4, "%s:", sg->segs[i].id);
        segment(b, ind + 6, &sg->segs[i], sg->vol, n->mtime + 2 + (unsigned long)i);
    }
    ps_line(b, ind + 2, "Segment converter:");
    ps_vtkobject(b, ind + 4, n->mtime + 1, 0, 0);
    ps_bool(b, ind, "SegmentListFilterEnabled", 0);
    ps_line(b, ind, "SegmentListFilterOptions: ");
}
