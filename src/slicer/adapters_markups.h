/* adapters_markups: placing markups (Slicer has no REST call that
 * creates them: the gateway writes a .mrk.json into its private spool
 * folder and asks Slicer to load it) and reading them back with lengths
 * and angles computed by the gateway. */
#ifndef ADAPTERS_MARKUPS_H
#define ADAPTERS_MARKUPS_H

#include "slicer/call.h"

int adapter_markups_place(call_ctx *c, err *e);
int adapter_markups_get(call_ctx *c, err *e);

#endif
