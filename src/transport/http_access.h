/* http_access: who may talk to the HTTP transport and whether the MCP
 * headers say what the body says.  Pure functions over strings (no MHD,
 * no core), so they can be tested alone: Host and Origin allow-lists
 * against DNS rebinding, the bearer token compared in constant time, the
 * loopback test for the listen address, and the decoding of header values
 * that may come as =?base64?...?= (spec 2026-07-28 streamable-http). */
#ifndef HTTP_ACCESS_H
#define HTTP_ACCESS_H

#include <stddef.h>
#include <sys/socket.h>

#define HTTP_ACCESS_MAX_TOKEN 4096   /* bytes of a bearer token */

/* The names a default allow-list accepts, with any port. */
extern const char *const http_loopback_names[];

/* 1 if a Host header value ("name", "name:port", "[v6]:port") names an
 * allowed host.  allow is NULL-terminated entries "name" (any port) or
 * "name:port" (exact), compared case-insensitively; "*" allows any host;
 * NULL means http_loopback_names.  A NULL or empty host is refused. */
int http_host_allowed(const char *host, const char *const *allow);

/* 1 if an Origin header value is allowed: NULL (no Origin header, not a
 * browser) always is.  With allow NULL, http or https origins whose host
 * is a loopback name (any port); otherwise exact matches of allow entries
 * (case-insensitive, a trailing '/' ignored) or "*".  "null" is refused. */
int http_origin_allowed(const char *origin, const char *const *allow);

/* 1 if an Authorization header value is "Bearer <token>" for this token.
 * The comparison takes the same time wherever the values differ. */
int http_bearer_ok(const char *authorization, const char *token);

/* 1 if sa is 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
int http_addr_is_loopback(const struct sockaddr *sa);

/* Trims optional whitespace and decodes a "=?base64?...?=" value.
 * Returns a malloc'd NUL-terminated string, or NULL when the base64 is
 * invalid or decodes to bytes containing NUL (or on OOM). */
char *http_header_decode(const char *value);

/* 1 if v is a handshake-era version the HTTP transport accepts in the
 * MCP-Protocol-Version header (2025-11-25, 2025-06-18, 2025-03-26,
 * 2024-11-05). */
int http_legacy_version(const char *v);

/* Reads a bearer token from path: the first line, trailing whitespace
 * removed; must be 1 to HTTP_ACCESS_MAX_TOKEN visible ASCII characters.
 * The file must pass util/ownfile.h's checks (ours, mode 0600 or 0400, no
 * symbolic link).  NULL with why (a static string) in *why. */
char *http_token_load(const char *path, const char **why);

#endif
