/* adapters: the small set of built-in tools written in C, for tools that
 * need more than one REST call or a computed result.  A tools.d file
 * names one with "adapter:"; the YAML stays declarative. */
#ifndef ADAPTERS_H
#define ADAPTERS_H

#include "slicer/call.h"

/* Adapter names, NULL-terminated (for the tools.d loader). */
extern const char *const adapter_names[];

/* Runs adapter name for c; same contract as call_run. */
int adapter_run(const char *name, call_ctx *c, err *e);

#endif
