/* jsonw: cJSON trees to compact JSON text, every number in one style:
 * the shortest decimal that reads back as the same double.
 *
 * Why not cJSON_PrintUnformatted: its number format cannot be changed and
 * is not exact.  It writes "%1.15g" whenever that reads back within a
 * relative DBL_EPSILON of the value (so a 16- or 17-digit value can come
 * back one step off), else "%1.17g" (0.6666666666666666 goes out as
 * 0.66666666666666663).  Converting a tree's numbers to raw text before
 * printing would edit trees that are shared (tools/list holds references
 * to the catalogue's schemas, read by other threads), so this prints a
 * const tree itself, escaping strings as cJSON does.  tests/unit/
 * test_jsonw.c checks numbers against Python's repr and the text against
 * cJSON's parser; tests/fuzz/fuzz_json.c parses, prints and parses again. */
#ifndef JSONW_H
#define JSONW_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Room for any jsonw_number text and its NUL. */
#define JSONW_NUMBER_MAX 32

/* d as JSON into out; its length.  Whole numbers below 1e16 in plain
 * digits; otherwise the first of %.15g, %.16g, %.17g that strtod reads
 * back as d.  That is the shortest such decimal, the one Python's repr()
 * writes: 15 decimal digits are spaced wider than a double's rounding
 * interval, so a decimal of up to 15 digits that reads back as d is the
 * one %.15g writes, trailing zeros dropped; 17 always read back.  (A
 * subnormal has fewer bits and starts from 1 digit.)  From 1e16 up the
 * exponent form, like Python.  -0 is written 0, and NaN and the
 * infinities null, as cJSON does. */
size_t jsonw_number(double d, char out[JSONW_NUMBER_MAX]);

/* A NUL-terminated string the caller frees, its length in *len when len
 * is not NULL; NULL for an invalid item (cJSON_Invalid, a raw item
 * without text) or when memory runs out. */
char *jsonw_print(const cJSON *item, size_t *len);

#endif
