/* jsonrpc: JSON-RPC 2.0 envelopes: bounded parsing of client bytes,
 * request shape checks, and result / error replies.  A leaf module: it
 * knows cJSON, not MCP. */
#ifndef JSONRPC_H
#define JSONRPC_H

#include <stddef.h>
#include <cjson/cJSON.h>

enum {
    RPC_PARSE_ERROR         = -32700,
    RPC_INVALID_REQUEST     = -32600,
    RPC_METHOD_NOT_FOUND    = -32601,
    RPC_INVALID_PARAMS      = -32602,
    RPC_INTERNAL_ERROR      = -32603,
    RPC_HEADER_MISMATCH     = -32020,
    RPC_MISSING_CAPABILITY  = -32021,
    RPC_UNSUPPORTED_VERSION = -32022
};

typedef struct {
    int    code;
    char   msg[1024];
    cJSON *data;       /* optional, owned */
} rpc_error;

/* Fills er and returns -1. */
int  rpc_fail(rpc_error *er, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rpc_error_clear(rpc_error *er);

/* Parses one client message: rejects more than max_bytes, nesting deeper
 * than max_depth and invalid UTF-8 before cJSON sees it.  NULL with er
 * (-32700 or -32600) on failure; caller owns the result. */
cJSON *rpc_parse(const char *s, size_t len, size_t max_bytes, int max_depth,
                 rpc_error *er);

/* Checks one message object.  Requests and notifications get *method;
 * client responses (result/error, no method) get *method = NULL.  *id is
 * NULL for notifications; params must be an object when present (*params
 * NULL when absent).  Borrowed pointers into msg.  -1 with er (-32600)
 * when it is not a valid JSON-RPC 2.0 message; *id is then the id if it
 * could be read, else NULL. */
int  rpc_parse_request(const cJSON *msg, const cJSON **id, const char **method,
                       const cJSON **params, rpc_error *er);

/* Reply envelopes; they take ownership of result / er->data.  id may be
 * NULL (becomes null). */
cJSON *rpc_result_reply(const cJSON *id, cJSON *result);
cJSON *rpc_error_reply(const cJSON *id, rpc_error *er);
/* A copy of a request id (or progress token) to send back; NULL becomes
 * null.  Caller owns the result. */
cJSON *rpc_id_dup(const cJSON *id);
/* A notification envelope; takes ownership of params. */
char  *rpc_notification(const char *method, cJSON *params);

/* The HTTP status for an error (spec 2026-07-28 streamable-http for the
 * modern era: 404 for unknown methods, 400 for bad params/version). */
int rpc_http_status(const rpc_error *er, int modern);

#endif
