/* sim_nodeprops: a C port of Slicer's text-to-JSON step of GET
 * /slicer/mrml/properties (SlicerRequestHandler.nodeProperties and its
 * stringToData, Modules/Scripted/WebServer/WebServerLib/
 * SlicerRequestHandler.py).  It reads the text of str(node) line by line,
 * quirks included: rows without a colon only name groups, a line whose
 * handling raises in Python is skipped with what it had already changed,
 * and numbers become Python ints (all digits kept) or floats. */
#ifndef SIM_NODEPROPS_H
#define SIM_NODEPROPS_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Python's int() refuses strings of more digits than this
 * (sys.int_info.default_max_str_digits, Python 3.11+ and the 3.9/3.10
 * security releases Slicer ships). */
#define SIM_NODEPROPS_MAX_INT_DIGITS 4300

/* The properties dict for the text of str(node) (len bytes, any bytes but
 * NUL).  Python ints are cJSON raw items holding their repr, floats raw
 * items holding repr(float) (pyj_dumps prints both verbatim).  NULL on
 * OOM.  The caller owns the result. */
cJSON *sim_nodeprops_parse(const char *text, size_t len);

#endif
