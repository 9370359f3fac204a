/* sim_pyjson: the Python side of the wire: json.dumps output (", " and
 * ": " separators, ensure_ascii), repr() of floats, bytes and str, and
 * float()/int() parsing, so the stand-in's bodies match Slicer's bytes.
 *
 * Python distinguishes int and float; cJSON does not.  Here a plain cJSON
 * number is printed as a Python int, and a Python float is a cJSON raw
 * item made by pyj_float() that already holds its repr. */
#ifndef SIM_PYJSON_H
#define SIM_PYJSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* json.dumps(v); malloc'd, NULL on OOM.  v stays the caller's. */
char  *pyj_dumps(const cJSON *v);
/* A Python float as a cJSON raw item (repr form, e.g. "1.0", "1e-05"). */
cJSON *pyj_float(double d);
/* An array of n Python floats. */
cJSON *pyj_float_array(const double *d, int n);
/* repr(float(d)) into buf (at least 32 bytes). */
void   pyj_float_repr(double d, char *buf, size_t len);
/* repr(bytes(s[0..n])): b'...' with Python's quoting; malloc'd. */
char  *pyj_bytes_repr(const unsigned char *s, size_t n);
/* repr(str): '...' with Python's quoting (ASCII/UTF-8 kept); malloc'd. */
char  *pyj_str_repr(const char *s);
/* Python float(s): 0 and *out, or -1 if Python would raise ValueError.
 * Non-finite results are refused too (the stand-in never wants NaN). */
int    pyj_parse_float(const char *s, double *out);
/* Python int(s) for base 10; 0 or -1. */
int    pyj_parse_int(const char *s, long long *out);
/* str.strip(): a malloc'd copy without leading/trailing whitespace. */
char  *pyj_strip(const char *s);

#endif
