/* sim_query: urllib.parse.parse_qs as Slicer's handlers see it: split on
 * '&', '+' -> space, percent-decoding, pairs without '=' or with an empty
 * value dropped, and the first value of a repeated key used. */
#ifndef SIM_QUERY_H
#define SIM_QUERY_H

#include <stddef.h>

#define SIM_QUERY_MAX_PAIRS 256

typedef struct {
    char *key[SIM_QUERY_MAX_PAIRS];
    char *val[SIM_QUERY_MAX_PAIRS];
    int n;
} sim_query;

/* Parses the query part (without '?'); 0 or -1 on OOM. */
int  sim_query_parse(const char *qs, sim_query *q);
/* The first non-empty value of key, or NULL. */
const char *sim_query_get(const sim_query *q, const char *key);
void sim_query_free(sim_query *q);
/* urllib.parse.unquote (no '+' handling); malloc'd. */
char *sim_unquote(const char *s, int plus_is_space);

#endif
