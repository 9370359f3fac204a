/* http_opts: the settings of the HTTP transport (http_run, in
 * http_transport.h, which also holds their defaults).  Types only, so the
 * transport's own files can hold them without the daemon's header. */
#ifndef HTTP_OPTS_H
#define HTTP_OPTS_H

#include <stddef.h>
#include "policy/oauth.h"
#include "slicer/metrics.h"

typedef struct {
    const char *listen;               /* "HOST:PORT", "[V6]:PORT" or "PORT" (127.0.0.1) */
    const char *token_file;           /* bearer token required on every request; NULL: none */
    oauth      *oauth;                /* OAuth access tokens required instead (borrowed); NULL: none */
    const char *tls_cert, *tls_key;   /* PEM files: serve HTTPS (libmicrohttpd's GnuTLS); NULL: plain */
    const char *const *allow_hosts;   /* Host allow-list, NULL-terminated; NULL: loopback names */
    const char *const *allow_origins; /* Origin allow-list; NULL: loopback origins */
    const char *port_file;            /* if set, the bound port is written here (and on a second
                                         line the /metrics listener's, when it has one) */
    /* GET /metrics (http_metrics.h): NULL: off (404).  Served on the MCP
     * endpoint's address behind its token, or with metrics_listen set on
     * that address of its own, unauthenticated, so only on loopback
     * unless metrics_allow_remote. */
    metrics    *metrics;              /* borrowed */
    const char *metrics_listen;
    int         metrics_allow_remote;
    size_t   max_body;
    unsigned max_sessions, max_connections, queue_max, max_per_ip, max_streams;
    long     queue_timeout_ms, session_idle_ms, request_timeout_ms;
    /* Called about every HTTP_IDLE_EVERY_MS with the core held (hot
     * reload); a non-NULL malloc'd JSON notification it returns is pushed
     * to every legacy session's GET stream and freed. */
    char *(*idle)(void *ud);
    void *idle_ud;
} http_opts;

#endif
