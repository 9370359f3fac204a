/* markups_own: the markups nodes this gateway process created, and
 * remove_markups, which deletes only those.  A model can clean up after
 * itself and cannot delete anything else: any other id is refused before
 * Slicer is asked.
 *
 * Each created node is remembered with the spool file Slicer loaded it
 * from.  Slicer numbers ids per class and starts again after the scene is
 * closed, so an id alone could later name someone else's node; the node's
 * storage node keeps the file name (vtkSlicerMarkupsLogic::
 * LoadMarkupsFromJson), and only a node whose storage file is still the
 * gateway's own is removed. */
#ifndef MARKUPS_OWN_H
#define MARKUPS_OWN_H

#include "slicer/call.h"

/* Remembered nodes; past this many the oldest is forgotten (and can no
 * longer be removed through the gateway). */
#define MARKUPS_OWN_MAX 1024

/* Remembers that this process created node id from spool file path. */
void markups_own_add(const char *id, const char *path);

/* remove_markups: DELETE /slicer/mrml?id=<id> for a node this process
 * created and whose storage file is still its spool file; a refusal with
 * the reason otherwise. */
int adapter_markups_remove(call_ctx *c, err *e);

#endif
