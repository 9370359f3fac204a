/* sim_printself: the text str(node) gives in Slicer's Python, i.e. VTK's
 * Print(): "<ClassName> (0x...)" at indent 0, then the class's PrintSelf
 * at indent 2, two spaces per level, numbers as C++ ostream prints them
 * (6 significant digits).  Each node class the stand-in has prints the
 * lines its MRML (and VTK) PrintSelf chain prints, in the same order; the
 * source file is named at each function.  GET /slicer/mrml/properties
 * then parses this text exactly as Slicer does (sim_nodeprops).
 *
 * The ps_* helpers are shared by the sim_printself*.c files only. */
#ifndef SIM_PRINTSELF_H
#define SIM_PRINTSELF_H

#include "sim_buf.h"
#include "sim_scene.h"

/* Appends str(n) to b; b->failed tells about OOM. */
void sim_printself(sim_buf *b, const sim_scene *sc, const sim_node *n);

/* ---- shared by the sim_printself*.c files ---- */

/* C++ `os << double` with the default precision: %g with 6 digits. */
void ps_num(char *buf, size_t len, double d);
/* indent spaces, the printf text, "\n" */
void ps_line(sim_buf *b, int ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* vtkMRMLPrintVectorMacro: "Name: (a, b, c)" */
void ps_vec(sim_buf *b, int ind, const char *name, const double *v, int n);
void ps_ivec(sim_buf *b, int ind, const char *name, const int *v, int n);
/* vtkMRMLPrintFloatMacro / IntMacro / BooleanMacro / StringMacro */
void ps_float(sim_buf *b, int ind, const char *name, double d);
void ps_int(sim_buf *b, int ind, const char *name, long v);
void ps_bool(sim_buf *b, int ind, const char *name, int v);
void ps_str(sim_buf *b, int ind, const char *name, const char *s);
/* vtkObject::PrintSelf (Debug, Modified Time, Reference Count, Registered
 * Events: one ModifiedEvent observer when observed is set). */
void ps_vtkobject(sim_buf *b, int ind, unsigned long mtime, int observed, unsigned long seed);
/* vtkMatrix4x4::PrintSelf at ind: rows are ind spaces then "\t"+value. */
void ps_matrix(sim_buf *b, int ind, const double m[16], unsigned long mtime);
/* A stand-in pointer value, stable for a seed. */
unsigned long ps_pointer(unsigned long seed);

/* vtkMRMLNode::PrintSelf with the given node references (role, MRML
 * attribute name or NULL, referenced ID or NULL), sorted by role. */
typedef struct {
    const char *role, *attr, *id;
} ps_ref;
void ps_node(sim_buf *b, int ind, const sim_node *n, const ps_ref *refs, int nrefs);
/* vtkMRMLStorableNode, vtkMRMLTransformableNode, vtkMRMLDisplayableNode
 * on top of ps_node, with the node's display and storage references. */
void ps_displayable(sim_buf *b, int ind, const sim_node *n);

/* sim_printself_data.c: data, view and layout nodes */
void ps_volume(sim_buf *b, int ind, const sim_node *n);
void ps_markups(sim_buf *b, int ind, const sim_node *n);
void ps_slice(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_slice_composite(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_view(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_camera(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_layout(sim_buf *b, int ind, const sim_scene *sc);

/* sim_printself_aux.c: display, storage, the other singletons, segmentations */
void ps_display(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_storage(sim_buf *b, int ind, const sim_node *n);
void ps_selection(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_interaction(sim_buf *b, int ind, const sim_node *n);
void ps_crosshair(sim_buf *b, int ind, const sim_node *n);
void ps_color_table(sim_buf *b, int ind, const sim_node *n);
void ps_subject_hierarchy(sim_buf *b, int ind, const sim_scene *sc, const sim_node *n);
void ps_transform(sim_buf *b, int ind, const sim_node *n);
void ps_model(sim_buf *b, int ind, const sim_node *n);
void ps_segmentation(sim_buf *b, int ind, const sim_node *n);

#endif
