/* sim_markups: reads Slicer markups files (.mrk.json, schema
 * markups-schema-v1.0.x) into markups nodes of the scene. */
#ifndef SIM_MARKUPS_H
#define SIM_MARKUPS_H

#include "sim_scene.h"

#define SIM_MARKUPS_FILE_MAX ((size_t)16 * 1024 * 1024)

/* Loads every markup of the file at path into the scene (LPS converted to
 * RAS).  name, if non-NULL, names the first node (loadNodeFromFile's
 * "name" property).  Returns the first new node, or NULL when the file is
 * unreadable or not a valid markups file (nothing is added then). */
sim_node *sim_markups_load(sim_scene *sc, const char *path, const char *name);

#endif
