/* adapters: the small set of built-in tools written in C, for tools that
 * need more than one REST call or a computed result.  A tools.d file
 * names one with "adapter:"; the YAML stays declarative. */
#ifndef ADAPTERS_H
#define ADAPTERS_H

#include "slicer/call.h"

/* Adapter names, NULL-terminated (for the tools.d loader). */
extern const char *const adapter_names[];

/* Runs one tools/call: starts c's outputs, then runs c->t's adapter or,
 * for a tool without one, the generic mapping (call_generic, whose
 * contract this is). */
int adapter_run(call_ctx *c, err *e);

#endif
