/* err: the one error convention.  Actions return 0 / -1 and fill a
 * caller's err with "where: what"; constructors return NULL and do the
 * same.  An err carries a kind that maps to a JSON-RPC code in mcp.c. */
#ifndef ERR_H
#define ERR_H

#include <stddef.h>

typedef enum {
    ERR_NONE = 0,
    ERR_INVALID,     /* bad input from a client or a file */
    ERR_NOT_FOUND,   /* a name that does not exist */
    ERR_DENIED,      /* refused by policy */
    ERR_UPSTREAM,    /* Slicer failed, timed out or answered badly */
    ERR_LIMIT,       /* a cap was exceeded */
    ERR_INTERNAL     /* out of memory, a bug */
} err_kind;

typedef struct {
    err_kind kind;
    char msg[1024];
} err;

/* Sets e (if non-NULL) and returns -1, so "return err_set(...)" reads well. */
int err_set(err *e, err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Puts "prefix: " in front of the existing message. */
void err_prefix(err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(err *e);

#endif
