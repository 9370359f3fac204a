/* mcp_tools: the tools/list and tools/call methods of the core. */
#ifndef MCP_TOOLS_H
#define MCP_TOOLS_H

#include "mcp/mcp_internal.h"

int mcp_tools_list(rpc_req *r, cJSON **result, rpc_error *er);
int mcp_tools_call(rpc_req *r, cJSON **result, rpc_error *er);

#endif
