/* props: reading Slicer's /mrml/properties objects as real Slicer builds
 * them (SlicerRequestHandler.nodeProperties: the text of the node's
 * PrintSelf parsed line by line).  Only "Key: value" lines survive; rows of
 * numbers (matrices, direction rows) are lost; numbers carry the 6
 * significant digits of C++ streams; a value that looks numeric becomes a
 * number ("Name: 7" gives 7) and one that looks numeric but does not
 * parse ("7-2") loses its key.  These helpers read that shape and say
 * when a value is gone, so an adapter never guesses. */
#ifndef PROPS_H
#define PROPS_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "slicer/call.h"

/* Reads the n-number array obj[key].  0 when all n are numbers. */
int props_numbers(const cJSON *obj, const char *key, double *out, int n);
/* obj[key] as a string, or NULL (missing, or not a string). */
const char *props_string(const cJSON *obj, const char *key);
/* The text Slicer printed for obj[key] when the parser kept it: a string
 * as is, a number back in digits (a label "7" arrives as 7; "007" or
 * "7.0" cannot be told apart from it and come back as "7").  NULL for a
 * missing key or a boolean (on/off/true/false all became booleans). */
const char *props_text(const cJSON *obj, const char *key, char *tmp, size_t tmp_len);
/* A volume's scalar type: ImageData / Point Data / Scalars / Data type
 * (vtkImageData prints no scalar type of its own), or NULL. */
const char *props_scalar_type(const cJSON *volume);
/* The node's name, malloc'd: its "Name" when that arrived as a string,
 * else from GET /slicer/mrml/names?id=... (a numeric-looking name came as
 * a number, "7-2" not at all).  NULL with e when Slicer could not say. */
char *props_node_name(call_ctx *c, const char *id, const cJSON *node, err *e);

#endif
