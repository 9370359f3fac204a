/* sim_props: what GET /slicer/mrml/properties returns for a node, made the
 * way Slicer makes it: the text of str(node) (sim_printself) parsed by
 * the port of SlicerRequestHandler.nodeProperties (sim_nodeprops). */
#ifndef SIM_PROPS_H
#define SIM_PROPS_H

#include <cjson/cJSON.h>
#include "sim_scene.h"

/* A new properties object for n (caller owns), NULL on OOM. */
cJSON *sim_props_node(const sim_scene *sc, const sim_node *n);

#endif
