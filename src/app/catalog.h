/* catalog: loading the configured tools.d folder the way every command
 * needs it (the adapters and policies this build knows, the endpoint
 * guard), reporting problems as file:line:col lines, and printing the
 * table of tools for `check` and `list`. */
#ifndef CATALOG_H
#define CATALOG_H

#include <stdio.h>
#include "catalog/tools.h"

/* Loads dir; every problem goes to out as "FILE:LINE:COL: MESSAGE".
 * NULL if there was any. */
toolset *catalog_load(const char *tools_dir, const char *schemas_dir, FILE *out,
                      int *nproblems);
/* The table: name, annotations, Slicer request or adapter, policy and
 * whether the enabled policies offer it. */
void catalog_print(const toolset *ts, char *const *enabled, FILE *out);
/* How many tools the enabled policies offer. */
size_t catalog_offered(const toolset *ts, char *const *enabled);

#endif
