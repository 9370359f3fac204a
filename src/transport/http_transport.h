/* http_transport: MCP Streamable HTTP on one endpoint (/mcp), built on
 * libmicrohttpd's internal polling with a small pool of threads.  Dual-era like stdio: an
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
#include "transport/http_opts.h"

/* Defaults for the limits an http_opts field leaves at 0. */
#define HTTP_DEFAULT_MAX_BODY        MCP_MAX_MESSAGE   /* bytes of a POST body: 413 beyond */
#define HTTP_DEFAULT_MAX_SESSIONS    64                /* legacy sessions: 503 beyond */
#define HTTP_DEFAULT_MAX_CONNECTIONS 128               /* open connections */
                                                       /* per address: half of them */
#define HTTP_DEFAULT_MAX_STREAMS     16                /* GET and listen streams: 503 beyond */
#define HTTP_DEFAULT_REQUEST_TIMEOUT 10000L            /* ms for headers and body to arrive */
#define HTTP_DEFAULT_QUEUE_MAX       64                /* calls waiting for Slicer: 503 beyond */
#define HTTP_DEFAULT_QUEUE_TIMEOUT   30000L            /* ms a call may wait: 504 beyond */
#define HTTP_DEFAULT_SESSION_IDLE    (30L * 60 * 1000) /* ms before an unused session ends */
#define HTTP_MAX_HEADER_BYTES        (32u << 10)       /* request line + headers: 431 beyond */
#define HTTP_IDLE_EVERY_MS           250               /* how often idle() runs */
/* libmicrohttpd's polling threads, whatever the number of connections:
 * more than one, so a slow handshake or an OAuth key fetch (up to 5 s)
 * does not hold up every other client. */
#define HTTP_POOL_THREADS            4


/* Serves until SIGINT or SIGTERM, then finishes the calls in flight and
 * returns 0.  Returns -1 with e when it cannot start: a bad listen
 * address or token file, or a non-loopback address without a token
 * (e->kind ERR_INVALID: a configuration error), or the port is taken
 * (ERR_INTERNAL).  Prints "slicer-mcp: listening on http://H:P/mcp" to
 * stderr once it listens.  m is borrowed. */
int http_run(mcp *m, const http_opts *o, err *e);

#endif
