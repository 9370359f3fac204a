/* yamljson_scalar: the YAML 1.2 core schema's resolution of plain
 * scalars and tags, for yamljson.c.  Pure functions of the text. */
#ifndef YAMLJSON_SCALAR_H
#define YAMLJSON_SCALAR_H

#include <stddef.h>
#include <yaml.h>

/* Integers must survive the trip through a double exactly. */
#define YJ_MAX_SAFE_INT 9007199254740992ull   /* 2^53 */

typedef enum { TAG_NONE, TAG_BANG, TAG_STR, TAG_NULL, TAG_BOOL, TAG_INT,
               TAG_FLOAT, TAG_MAP, TAG_SEQ, TAG_OTHER } yj_tag;

typedef enum { S_NULL, S_BOOL, S_INT, S_FLOAT, S_NONFINITE, S_STR } yj_scalar;

/* The kind of a node's tag (NULL: no tag). */
yj_tag yj_tag_kind(const yaml_char_t *t);
/* The tag as written, shortened back to "!!x" for core tags. */
void yj_tag_show(const yaml_char_t *t, char *out, size_t n);
/* YAML 1.2 core schema resolution of a plain scalar of n bytes. */
yj_scalar yj_classify(const char *s, size_t n);
/* Value of an S_INT text; -1 when its magnitude passes 2^53. */
int yj_int_value(const char *s, size_t n, double *out);

#endif
