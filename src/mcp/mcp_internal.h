/* mcp_internal: the core's private header: the state and the method
 * handlers shared by its files (mcp.c, the method table and era rules;
 * mcp_tools.c, tools/list and tools/call).  The core is one module in
 * two files: nothing outside mcp/ includes this. */
#ifndef MCP_INTERNAL_H
#define MCP_INTERNAL_H

#include "mcp/jsonrpc.h"
#include "mcp/mcp.h"

#define MCP_LIST_TTL_MS 60000

struct mcp {
    mcp_config cfg;
    const toolset *tools;
    backend *b;
};

struct mcp_session {
    mcp *m;
    char version[16];       /* negotiated legacy version; "" before initialize */
    int  log_level;         /* logging/setLevel; -1 = no log notifications */
    char client_name[64];
};

/* One request being handled. */
typedef struct {
    mcp *m;
    mcp_session *s;
    const mcp_io *io;
    const cJSON *id;
    const char *method;
    const cJSON *params;
    int modern;             /* served statelessly (2026-07-28) */
    int log_level;          /* notifications/message threshold; -1 = none */
    const char *client_name;
    int is_initialize;
    int cancelled;          /* the client cancelled: send no reply */
    char *need_scope;       /* mcp_reply.need_scope */
} rpc_req;

typedef int (*rpc_handler)(rpc_req *r, cJSON **result, rpc_error *er);

/* tools/list and tools/call (mcp_tools.c). */
int mcp_tools_list(rpc_req *r, cJSON **result, rpc_error *er);
int mcp_tools_call(rpc_req *r, cJSON **result, rpc_error *er);

#endif
