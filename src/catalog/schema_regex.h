/* schema_regex: JSON Schema "pattern" values as POSIX extended regular
 * expressions.  JSON Schema patterns are ECMA-262; regcomp speaks POSIX
 * ERE.  The common core is kept, the escapes tool schemas use are mapped,
 * and patterns glibc would compile in exponential time or memory are
 * refused with a reason, so a tools.d file can never stall the loader. */
#ifndef SCHEMA_REGEX_H
#define SCHEMA_REGEX_H

#include <stddef.h>

/* The ERE for pattern (malloc'd; caller frees), or NULL with why filled
 * ("unsupported regular expression: ...", "stacked repetition ...",
 * "out of memory"). */
char *schema_regex_prepare(const char *pattern, char *why, size_t why_len);

#endif
