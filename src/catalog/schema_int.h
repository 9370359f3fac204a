/* schema_int: the compiled form shared by schema_compile.c, which builds
 * it, and schema.c, which validates against it.  Private to the schema
 * module: nothing else includes this. */
#ifndef SCHEMA_INT_H
#define SCHEMA_INT_H

#include <stddef.h>
#include "catalog/schema.h"
#include "util/rx.h"

enum { T_NULL = 1, T_BOOL = 2, T_OBJ = 4, T_ARR = 8, T_NUM = 16, T_STR = 32,
       T_INT = 64 };

enum { N_MIN, N_MAX, N_XMIN, N_XMAX };               /* snode.num[] */
enum { C_MINLEN, C_MAXLEN, C_MINITEMS, C_MAXITEMS }; /* snode.cnt[] */
enum { K_ALL, K_ANY, K_ONE };                        /* snode.comp[] */

typedef struct snode snode;
typedef struct { const char *name; snode *s; } sprop;

struct snode {
    const cJSON *src;        /* borrowed from the document */
    char *ptr;               /* JSON pointer of this subschema, "" = root */
    signed char boolean;     /* 1 / 0: the schema true / false; -1: object */
    unsigned char types;     /* T_* bits; 0 = any */
    unsigned char has_num, has_cnt;   /* one bit per num[] / cnt[] slot */
    char *type_desc;         /* "string or null", in the schema's order */
    double num[4], cnt[4];
    rx *re;                  /* NULL: no pattern */
    const char *pattern;     /* as written, for messages */
    const cJSON *enm, *cnst;
    char *enum_msg, *const_msg;
    sprop *props;            /* sorted by name */
    size_t nprops;
    const char **req;        /* names borrowed from the document */
    size_t nreq;
    snode *addl, *items, *ref;
    const char *ref_str;     /* resolved into ref by the second pass */
    snode **comp[3];
    size_t ncomp[3];
    unsigned seen;           /* keywords met, to refuse duplicates */
    unsigned char mark;      /* cycle search: 0 new, 1 on the path, 2 done */
};

struct schema {
    snode *root;
    snode **nodes;           /* every node, owned, in compile order */
    size_t nnodes, anodes;
};

#endif
