/* sim_props: what GET /slicer/mrml/properties returns for a node: the
 * result of Slicer parsing the node's PrintSelf text into JSON (nested by
 * indentation, "(none)" dropped, on/off and true/false as booleans, number
 * tuples as arrays of floats when the text has a '.', else ints). */
#ifndef SIM_PROPS_H
#define SIM_PROPS_H

#include <cjson/cJSON.h>
#include "sim_scene.h"

/* A new properties object for n (caller owns), NULL on OOM. */
cJSON *sim_props_node(const sim_scene *sc, const sim_node *n);

#endif
