/* props: reading Slicer's /mrml/properties objects.  Slicer builds them
 * by parsing the text of VTK's PrintSelf: "Key: value" lines become keys,
 * a line without a colon opens a nested group, and matrix rows such as
 * "  0 0 -1" become keys of their group.  These helpers read numbers out
 * of that loosely typed shape, so a gateway adapter never depends on
 * details a Slicer version might print differently. */
#ifndef PROPS_H
#define PROPS_H

#include <cjson/cJSON.h>

/* Reads n numbers from obj[key]: a number array, or a string such as
 * "(1, 2, 3)" or "1 2 3".  Returns 0 when all n were read. */
int props_numbers(const cJSON *obj, const char *key, double *out, int n);
/* Parses n numbers from text separated by spaces, commas or brackets. */
int props_parse_numbers(const char *text, double *out, int n);
/* Reads a rows x cols matrix from group obj[key]: the first `rows` member
 * keys (or string values) that parse as cols numbers, looking inside a
 * nested "Elements" group too (vtkMatrix4x4's PrintSelf). 0 on success. */
int props_matrix(const cJSON *obj, const char *key, double *out, int rows, int cols);
/* obj[key] as a string, or NULL. */
const char *props_string(const cJSON *obj, const char *key);

#endif
