/* http_transport: MCP Streamable HTTP on one endpoint (/mcp), built on
 * libmicrohttpd with a thread per connection.  Dual-era like stdio: an
 * initialize request opens a legacy session (Mcp-Session-Id, GET stream,
 * DELETE); a request whose params._meta carries the 2026-07-28 protocol
 * version is served statelessly with its Mcp-Method / Mcp-Name headers
 * checked.  It only frames bytes: every message goes to mcp_handle, one
 * call at a time through a bounded queue (Slicer is single-threaded and
 * the core is not thread-safe).  Secure by default: loopback only unless
 * a bearer token is configured, Host and Origin checked against
 * allow-lists (DNS rebinding), every input bounded. */
#ifndef HTTP_TRANSPORT_H
#define HTTP_TRANSPORT_H

#include <stddef.h>
#include "util/err.h"
#include "mcp/mcp.h"
#include "policy/oauth.h"

/* Defaults for the limits an http_opts field leaves at 0. */
#define HTTP_DEFAULT_MAX_BODY        MCP_MAX_MESSAGE   /* bytes of a POST body: 413 beyond */
#define HTTP_DEFAULT_MAX_SESSIONS    64                /* legacy sessions: 503 beyond */
#define HTTP_DEFAULT_MAX_CONNECTIONS 128               /* open connections (threads) */
#define HTTP_DEFAULT_QUEUE_MAX       64                /* calls waiting for Slicer: 503 beyond */
#define HTTP_DEFAULT_QUEUE_TIMEOUT   30000L            /* ms a call may wait: 504 beyond */
#define HTTP_DEFAULT_SESSION_IDLE    (30L * 60 * 1000) /* ms before an unused session ends */
#define HTTP_MAX_HEADER_BYTES        (32u << 10)       /* request line + headers: 431 beyond */
#define HTTP_IDLE_EVERY_MS           250               /* how often idle() runs */

typedef struct {
    const char *listen;               /* "HOST:PORT", "[V6]:PORT" or "PORT" (127.0.0.1) */
    const char *token_file;           /* bearer token required on every request; NULL: none */
    oauth      *oauth;                /* OAuth access tokens required instead (borrowed); NULL: none */
    const char *const *allow_hosts;   /* Host allow-list, NULL-terminated; NULL: loopback names */
    const char *const *allow_origins; /* Origin allow-list; NULL: loopback origins */
    const char *port_file;            /* if set, the bound port is written here */
    size_t   max_body;
    unsigned max_sessions, max_connections, queue_max;
    long     queue_timeout_ms, session_idle_ms;
    /* Called about every HTTP_IDLE_EVERY_MS with the core held (hot
     * reload); a non-NULL malloc'd JSON notification it returns is pushed
     * to every legacy session's GET stream and freed. */
    char *(*idle)(void *ud);
    void *idle_ud;
} http_opts;

/* Serves until SIGINT or SIGTERM, then finishes the calls in flight and
 * returns 0.  Returns -1 with e when it cannot start: a bad listen
 * address or token file, or a non-loopback address without a token
 * (e->kind ERR_INVALID: a configuration error), or the port is taken
 * (ERR_INTERNAL).  Prints "slicer-mcp: listening on http://H:P/mcp" to
 * stderr once it listens.  m is borrowed. */
int http_run(mcp *m, const http_opts *o, err *e);

#endif
