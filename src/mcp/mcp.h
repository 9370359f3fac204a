/* mcp: the transport-agnostic core.  A transport hands it one received
 * message (bytes of one JSON-RPC message, or a batch) and gets back the
 * reply to send, if any; notifications the core wants to send while a
 * call runs (progress, log messages) go out through the transport's
 * callbacks.  stdio and HTTP only frame bytes around this.
 *
 * cJSON ownership rule for the whole core: every cJSON tree is owned by
 * exactly one variable; cJSON_Add*ToObject / cJSON_AddItemTo* transfer
 * ownership to the parent, cJSON_Detach* hands it back, and only roots
 * are ever cJSON_Delete'd.
 *
 * Dual-era (spec 2026-07-28 "versioning"): a request whose params._meta
 * carries io.modelcontextprotocol/protocolVersion is served statelessly
 * (modern era); otherwise initialize selects the handshake era for the
 * session (a stdio process or an HTTP session). */
#ifndef MCP_H
#define MCP_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "policy/audit.h"
#include "slicer/backend.h"
#include "slicer/spool.h"
#include "util/err.h"
#include "policy/redact.h"
#include "catalog/tools.h"

#define MCP_MAX_MESSAGE (4u << 20)   /* bytes of one client message */
#define MCP_MAX_DEPTH   64           /* JSON nesting of one client message */
#define MCP_MODERN_VERSION "2026-07-28"
#define MCP_LATEST_LEGACY  "2025-11-25"

typedef struct mcp mcp;
typedef struct mcp_session mcp_session;

typedef struct {
    const char *server_version;
    unsigned    page_size;          /* tools per tools/list page */
    const char *const *policies;    /* enabled policy keys, NULL-terminated */
    spool      *spool;              /* files for Slicer to load (borrowed), or NULL */
    const char *instructions;       /* NULL: built-in text */
    audit      *audit;              /* NULL: no audit log (explicitly off) */
    const redact *redact;           /* NULL: no redaction */
    metrics    *metrics;            /* calls and refusals counted (borrowed); NULL: none */
} mcp_config;

/* Who calls, as an OAuth access token says (HTTP with --oauth-issuer).
 * Strings may be "" when the token lacks the claim. */
typedef struct {
    const char *sub;          /* the subject: the person or service */
    const char *client_id;    /* client_id, else azp */
    const char *jti;          /* the token's id */
    const char *scope;        /* granted scopes, space-separated */
} mcp_caller;

/* What a transport offers the core while a request runs. */
typedef struct {
    /* Sends one complete JSON-RPC message (a notification) now. */
    void (*send)(void *ud, const char *json, size_t len);
    /* Polled during long calls: non-zero if the client cancelled the
     * request with this id (or went away). */
    int  (*cancelled)(void *ud, const cJSON *id);
    void *ud;
    const char *transport;          /* "stdio", "http" */
    const char *peer;               /* client address or NULL */
    /* NULL: no token scopes apply (stdio, the static token); otherwise a
     * tool is listed and called only when the caller has its scope. */
    const mcp_caller *caller;
} mcp_io;

/* The reply to one message. */
typedef struct {
    char *json;        /* malloc'd compact JSON, or NULL: send nothing */
    size_t json_len;
    int   http_status; /* what an HTTP transport should answer */
    int   is_initialize_result;  /* a legacy session was just set up */
    /* A tools/call refused for want of this OAuth scope (http_status is
     * then 403, and the transport names it in WWW-Authenticate); "" else. */
    char   need_scope[136];
} mcp_reply;

/* toolset and backend are borrowed and must outlive the core. */
mcp *mcp_new(const mcp_config *cfg, const toolset *tools, backend *b, err *e);
void mcp_free(mcp *m);
/* Replaces the tool set between requests (hot reload); borrowed. */
void mcp_set_tools(mcp *m, const toolset *tools);
int  mcp_policy_enabled(const mcp *m, const char *policy);
/* Housekeeping a call leaves behind (freeing and preparing REST handles),
 * for a transport to run once the reply is out and before it waits for
 * the next message; never while a request is being handled. */
void mcp_idle(mcp *m);

mcp_session *mcp_session_new(mcp *m);
void mcp_session_free(mcp_session *s);
/* Negotiated legacy version, or NULL before initialize. */
const char *mcp_session_version(const mcp_session *s);

/* Handles one message of len bytes (need not be NUL-terminated). */
void mcp_handle(mcp *m, mcp_session *s, const char *msg, size_t len,
                const mcp_io *io, mcp_reply *out);
/* For a transport that refuses a request before the core sees it for
 * want of a good bearer token (401): one audit line with io's transport
 * and peer, tool "", outcome "unauthorized" and this reason, and one
 * auth refusal counted.  Safe from any thread: it touches no call state. */
void mcp_audit_unauthorized(mcp *m, const mcp_io *io, const char *reason);
/* The same for a token that names another subject's session: outcome
 * "refused", counted as an auth refusal. */
void mcp_audit_foreign_session(mcp *m, const mcp_io *io, const char *reason);
/* Text the transport makes itself for the client (the /metrics page)
 * through the redaction rules: the one place it is redacted.  A malloc'd
 * copy, or NULL when memory ran out (then nothing may go out). */
char *mcp_redact_text(const mcp *m, const char *text);

/* Frees the reply once it is sent (or dropped). */
void mcp_reply_free(mcp_reply *r);

/* For transports that read ahead while a call runs: 1 if line is a
 * notifications/cancelled for request id (compared as JSON). */
int mcp_is_cancel_for(const char *line, size_t len, const cJSON *id);

#endif
