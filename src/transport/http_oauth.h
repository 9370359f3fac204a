/* http_oauth: the HTTP transport as an OAuth 2.1 resource server (MCP
 * authorization, 2025-11-25 and 2026-07-28):
 *   - Protected Resource Metadata (RFC 9728) at
 *     /.well-known/oauth-protected-resource and at the same path with the
 *     resource's path appended (/.well-known/oauth-protected-resource/mcp),
 *     naming the configured authorization server;
 *   - every /mcp request needs "Authorization: Bearer <JWT>" that
 *     policy/oauth.c accepts, else 401 with
 *     WWW-Authenticate: Bearer resource_metadata="<that URL>" (and
 *     error="invalid_token" when a token was sent);
 *   - the challenge of a 403 for a tool whose scope the token lacks
 *     (error="insufficient_scope", scope="...").
 * The token's claims ride with the request to the core (mcp_caller), which
 * filters tools/list, refuses calls and writes them in the audit log. */
#ifndef HTTP_OAUTH_H
#define HTTP_OAUTH_H

#include <stddef.h>
#include "transport/http_mhd.h"
#include "mcp/mcp.h"
#include "policy/jwt.h"
#include "policy/oauth.h"
#include "util/err.h"

typedef struct http_oauth http_oauth;

/* The metadata document and its URL, made from v's audience (this
 * resource's URL) and issuer.  v and m (whose audit log records the
 * refusals) are borrowed. */
http_oauth *http_oauth_new(oauth *v, mcp *m, err *e);
void        http_oauth_free(http_oauth *h);

/* For each request, where the transport checks access: answers the
 * metadata paths, and for the MCP endpoint checks the bearer token.
 * Returns 1 when it queued the answer (*r), 0 when the request goes on;
 * for the endpoint *claims is then filled. */
int http_oauth_precheck(http_oauth *h, struct MHD_Connection *c, const char *url, const char *method,
                        const char *endpoint, const char *peer, jwt_claims *claims, enum MHD_Result *r);

/* The WWW-Authenticate value of a 403 for want of scope. */
void http_oauth_scope_challenge(const http_oauth *h, const char *scope, char *out, size_t n);

/* Who opened a session, for the session table's binding: the configured
 * issuer (which every accepted token names) and the token's sub, or its
 * client_id when it has no sub (a client acting for itself).  Malloc'd;
 * NULL when out of memory. */
char *http_oauth_owner(const http_oauth *h, const jwt_claims *claims);

/* Logs and audits a request naming a session another subject opened
 * (answered like an unknown session: 404). */
void http_oauth_foreign_session(http_oauth *h, const char *peer, const jwt_claims *claims, const char *sid);

/* The core's view of claims (pointers into claims). */
mcp_caller http_oauth_caller(const jwt_claims *claims);

#endif
