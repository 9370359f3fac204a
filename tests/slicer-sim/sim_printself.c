/* sim_printself: VTK's Print() of the stand-in's nodes: the shared print
 * formats, vtkMRMLNode and its storable/transformable/displayable layers,
 * and the class dispatch. */
#include "sim_printself.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_num(char *buf, size_t len, double d)
{
    if (d == 0)
        d = 0;          /* the stand-in's own arithmetic must not print "-0" */
    snprintf(buf, len, "%g", d);
}

static void indent(sim_buf *b, int ind)
{
    static const char sp[] = "                                                                ";
    while (ind > 0) {
        int k = ind < (int)sizeof sp - 1 ? ind : (int)sizeof sp - 1;
        sim_buf_add(b, sp, (size_t)k);
        ind -= k;
    }
}

void ps_line(sim_buf *b, int ind, const char *fmt, ...)
{
    indent(b, ind);
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        sim_buf_add(b, small, (size_t)n);
    } else if (n >= 0) {
        /* long names: print again straight into the buffer */
        char *big = malloc((size_t)n + 1);
        if (big) {
            va_start(ap, fmt);
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            va_end(ap);
            sim_buf_add(b, big, (size_t)n);
            free(big);
        } else {
            b->failed = 1;
        }
    }
    sim_buf_putc(b, '\n');
}

static void nums(sim_buf *b, const double *v, int n, const char *sep)
{
    char t[48];
    for (int i = 0; i < n; i++) {
        ps_num(t, sizeof t, v[i]);
        if (i)
            sim_buf_puts(b, sep);
        sim_buf_puts(b, t);
    }
}

void ps_vec(sim_buf *b, int ind, const char *name, const double *v, int n)
{
    indent(b, ind);
    sim_buf_printf(b, "%s: (", name);
    nums(b, v, n, ", ");
    sim_buf_puts(b, ")\n");
}

void ps_ivec(sim_buf *b, int ind, const char *name, const int *v, int n)
{
    indent(b, ind);
    sim_buf_printf(b, "%s: (", name);
    for (int i = 0; i < n; i++)
        sim_buf_printf(b, i ? ", %d" : "%d", v[i]);
    sim_buf_puts(b, ")\n");
}

void ps_float(sim_buf *b, int ind, const char *name, double d)
{
    char t[48];
    ps_num(t, sizeof t, d);
    ps_line(b, ind, "%s: %s", name, t);
}

void ps_int(sim_buf *b, int ind, const char *name, long v)
{
    ps_line(b, ind, "%s: %ld", name, v);
}

void ps_bool(sim_buf *b, int ind, const char *name, int v)
{
    ps_line(b, ind, "%s: %s", name, v ? "true" : "false");
}

void ps_str(sim_buf *b, int ind, const char *name, const char *s)
{
    ps_line(b, ind, "%s: %s", name, s ? s : "(none)");
}

unsigned long ps_pointer(unsigned long seed)
{
    return 0x55d4c0000000ul + ((seed * 2654435761ul) & 0xffffff) * 16;
}

/* vtkObject::PrintSelf, vtkObjectBase::PrintSelf and
 * vtkSubjectHelper::PrintSelf (VTK 9.1 Common/Core/vtkObject.cxx). */
void ps_vtkobject(sim_buf *b, int ind, unsigned long mtime, int observed, unsigned long seed)
{
    ps_line(b, ind, "Debug: Off");
    ps_line(b, ind, "Modified Time: %lu", mtime);
    ps_line(b, ind, "Reference Count: 1");
    if (!observed) {
        ps_line(b, ind, "Registered Events: (none)");
        return;
    }
    ps_line(b, ind, "Registered Events: ");
    ps_line(b, ind + 2, "Registered Observers:");
    ps_line(b, ind + 4, "vtkObserver (0x%lx)", ps_pointer(seed));
    ps_line(b, ind + 6, "Event: 33");
    ps_line(b, ind + 6, "EventName: ModifiedEvent");
    ps_line(b, ind + 6, "Command: 0x%lx", ps_pointer(seed + 1));
    ps_line(b, ind + 6, "Priority: 0");
    ps_line(b, ind + 6, "Tag: 1");
}

/* vtkMatrix4x4::PrintSelf (VTK Common/Math/vtkMatrix4x4.cxx): each row is
 * the indent, then "\t" before every element. */
void ps_matrix(sim_buf *b, int ind, const double m[16], unsigned long mtime)
{
    ps_vtkobject(b, ind, mtime, 0, 0);
    ps_line(b, ind, "Elements:");
    char t[48];
    for (int r = 0; r < 4; r++) {
        indent(b, ind);
        for (int c = 0; c < 4; c++) {
            ps_num(t, sizeof t, m[r * 4 + c]);
            sim_buf_printf(b, "\t%s", t);
        }
        sim_buf_putc(b, '\n');
    }
}

/* vtkMRMLNode::PrintSelf (Libs/MRML/Core/vtkMRMLNode.cxx): the print
 * macros of vtkMRMLNodePropertyMacros.h, then "Node references:" with one
 * line per role: "role [attribute]: id". */
void ps_node(sim_buf *b, int ind, const sim_node *n, const ps_ref *refs, int nrefs)
{
    ps_str(b, ind, "ID", n->id);
    ps_str(b, ind, "ClassName", n->cls);
    ps_str(b, ind, "Name", n->name);
    ps_bool(b, ind, "Debug", 0);
    ps_int(b, ind, "MTime", (long)n->mtime);
    ps_str(b, ind, "Description", NULL);
    ps_str(b, ind, "SingletonTag", n->singleton);
    ps_bool(b, ind, "HideFromEditors", n->hide);
    ps_bool(b, ind, "Selectable", 1);
    ps_bool(b, ind, "Selected", 0);
    ps_bool(b, ind, "UndoEnabled", 0);
    if (nrefs <= 0)
        return;
    ps_line(b, ind, "Node references:");
    for (int i = 0; i < nrefs; i++) {
        indent(b, ind + 2);
        sim_buf_puts(b, refs[i].role);
        if (refs[i].attr)
            sim_buf_printf(b, " [%s]", refs[i].attr);
        sim_buf_printf(b, ": %s\n", refs[i].id ? refs[i].id : "(none)");
    }
}

/* vtkMRMLStorableNode, vtkMRMLTransformableNode and vtkMRMLDisplayableNode
 * ::PrintSelf (Libs/MRML/Core): references are a std::map, so "display"
 * sorts before "storage". */
void ps_displayable(sim_buf *b, int ind, const sim_node *n)
{
    ps_ref refs[2];
    int k = 0;
    if (n->display_id)
        refs[k++] = (ps_ref){ "display", "displayNodeRef", n->display_id };
    if (n->storage_id)
        refs[k++] = (ps_ref){ "storage", "storageNodeRef", n->storage_id };
    ps_node(b, ind, n, refs, k);
    if (n->storage_id)
        ps_line(b, ind, "StorageNodeIDs[0]: %s", n->storage_id);
    ps_line(b, ind, "TransformNodeID: (none)");
    if (n->display_id)
        ps_line(b, ind, "DisplayNodeIDs[0]: %s", n->display_id);
}

static int is(const sim_node *n, const char *cls)
{
    return strcmp(n->cls, cls) == 0;
}

void sim_printself(sim_buf *b, const sim_scene *sc, const sim_node *n)
{
    /* vtkObjectBase::Print: PrintHeader at indent 0, PrintSelf at 2 */
    sim_buf_printf(b, "%s (0x%lx)\n", n->cls, ps_pointer((unsigned long)((uintptr_t)n >> 4)));
    const int ind = 2;
    if (n->seg)
        ps_segmentation(b, ind, n);
    else if (n->vol)
        ps_volume(b, ind, n);
    else if (n->mtype[0])
        ps_markups(b, ind, n);
    else if (is(n, "vtkMRMLSliceNode"))
        ps_slice(b, ind, sc, n);
    else if (is(n, "vtkMRMLSliceCompositeNode"))
        ps_slice_composite(b, ind, sc, n);
    else if (is(n, "vtkMRMLViewNode"))
        ps_view(b, ind, sc, n);
    else if (is(n, "vtkMRMLCameraNode"))
        ps_camera(b, ind, sc, n);
    else if (is(n, "vtkMRMLLayoutNode"))
        ps_layout(b, ind, sc);
    else if (sim_node_isa(n, "vtkMRMLDisplayNode"))
        ps_display(b, ind, sc, n);
    else if (sim_node_isa(n, "vtkMRMLStorageNode"))
        ps_storage(b, ind, n);
    else if (is(n, "vtkMRMLSelectionNode"))
        ps_selection(b, ind, sc, n);
    else if (is(n, "vtkMRMLInteractionNode"))
        ps_interaction(b, ind, n);
    else if (is(n, "vtkMRMLCrosshairNode"))
        ps_crosshair(b, ind, n);
    else if (sim_node_isa(n, "vtkMRMLColorTableNode"))
        ps_color_table(b, ind, n);
    else if (is(n, "vtkMRMLSubjectHierarchyNode"))
        ps_subject_hierarchy(b, ind, sc, n);
    else if (sim_node_isa(n, "vtkMRMLTransformNode"))
        ps_transform(b, ind, n);
    else if (is(n, "vtkMRMLModelNode"))
        ps_model(b, ind, n);
    else
        ps_node(b, ind, n, NULL, 0);
}
