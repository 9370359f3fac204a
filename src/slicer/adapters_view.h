/* adapters_view: get_view_state (what each slice view shows, the layout
 * and the field of view, read from Slicer's /mrml/properties of the
 * slice composite, slice and layout nodes) and the "current image" that
 * tools taking an optional node_id fall back to: the Red view's
 * background volume. */
#ifndef ADAPTERS_VIEW_H
#define ADAPTERS_VIEW_H

#include "slicer/call.h"

int adapter_view_state(call_ctx *c, err *e);

/* The id of the Red slice view's background volume (malloc'd) in *id.
 * 0 with *id; 1 when there is none or Slicer could not say (c has the
 * tool's error, naming why); -1 with e when the gateway failed. */
int view_red_background(call_ctx *c, char **id, err *e);

/* The sentence a result carries when its volume came from the Red view. */
#define VIEW_RED_NOTE_FMT \
    "node_id was not given: used %s, the background volume of the Red slice view."

#endif
