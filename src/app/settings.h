/* settings: the command line, the optional config file (same keys) and
 * the environment (SLICER_URL), turned into one settings struct.
 * Precedence: command line > config file > environment > defaults. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

#define SETTINGS_MAX_POLICIES 16
#define SETTINGS_MAX_ALLOW    16   /* --allow-host / --allow-origin entries */

typedef enum { CMD_SERVE, CMD_CHECK, CMD_LIST, CMD_HELP, CMD_VERSION } settings_cmd;

typedef struct {
    settings_cmd cmd;
    char  *slicer_url;
    char  *tools_dir;
    char  *schemas_dir;
    char  *spool_dir;        /* NULL: a private temporary folder */
    int    spool_group_read; /* spool files 0640 instead of 0600 */
    char  *log_level;
    char  *config_file;
    long   timeout_ms;
    long   connect_timeout_ms;
    long   max_response_bytes;
    long   page_size;
    char  *policies[SETTINGS_MAX_POLICIES + 1];   /* NULL-terminated, owned */
    char  *audit_log;        /* path; NULL after "--audit-log off" */
    int    audit_off;        /* explicitly disabled */
    int    audit_strict;     /* fsync each line before the reply */
    char  *redact_file;      /* PHI redaction rules, NULL = none */
    int    watch;            /* reload tools.d when a file changes */
    /* HTTP transport (http_transport.h); 0 = the transport's default */
    char  *http_listen;      /* --http ADDR; NULL: serve stdio */
    char  *http_port_file;   /* write the bound port here */
    char  *token_file;       /* bearer token for HTTP */
    char  *tls_cert, *tls_key;   /* HTTPS: PEM files */
    char  *oauth_issuer;     /* OAuth access tokens for HTTP instead (exclusive) */
    char  *oauth_audience;   /* this resource's URL: tokens' aud */
    char  *oauth_jwks_uri;   /* NULL: from the issuer's OpenID configuration */
    char  *oauth_introspection_url;   /* RFC 7662 instead of JWTs; NULL: JWTs */
    char  *oauth_client_file;         /* the gateway's client id and secret for it */
    char  *allow_hosts[SETTINGS_MAX_ALLOW + 1];     /* NULL-terminated, owned */
    char  *allow_origins[SETTINGS_MAX_ALLOW + 1];   /* NULL-terminated, owned */
    long   http_max_body, http_max_sessions, http_max_connections;
    long   http_queue_max, http_queue_timeout_ms, http_session_idle_ms;
    long   http_max_per_ip, http_max_streams, http_request_timeout_ms;
    char  *metrics;          /* NULL: off; "on": GET /metrics beside /mcp; else its own HOST:PORT */
    int    metrics_allow_remote;   /* that own address may be non-loopback */
} settings;

/* Fills s from argv (argv[0] locates default folders).  -1 with e on a
 * usage error ("--timeout-ms: expected a number from 100 to 600000"). */
int  settings_parse(settings *s, int argc, char **argv, err *e);
void settings_free(settings *s);
void settings_usage(FILE *out);

#endif
