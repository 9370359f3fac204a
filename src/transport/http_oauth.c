/* http_oauth: Protected Resource Metadata, bearer JWT checks, challenges. */
#include "transport/http_internal.h"
#include "transport/http_oauth.h"
#include "transport/http_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/tools.h"
#include "mcp/jsonrpc.h"
#include "util/jsonw.h"
#include "util/log.h"

#define PRM_PATH "/.well-known/oauth-protected-resource"

struct http_oauth {
    oauth *v;
    mcp *m;
    char *metadata;       /* the RFC 9728 document */
    char *metadata_url;   /* where it is, for resource_metadata="..." */
};

/* RFC 9728 section 3.1: the well-known path goes between the host and the
 * resource's path ("https://h/mcp" -> "https://h/.well-known/...-resource/mcp"). */
static char *metadata_url(const char *resource)
{
    const char *host = strstr(resource, "://");
    const char *path = host ? strchr(host + 3, '/') : NULL;
    size_t origin = path ? (size_t)(path - resource) : strlen(resource);
    if (path && !strcmp(path, "/"))
        path = NULL;
    size_t n = origin + sizeof PRM_PATH + (path ? strlen(path) : 0);
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "%.*s" PRM_PATH "%s", (int)origin, resource, path ? path : "");
    return u;
}

http_oauth *http_oauth_new(oauth *v, mcp *m, err *e)
{
    http_oauth *h = calloc(1, sizeof *h);
    cJSON *doc = cJSON_CreateObject();
    if (h && doc) {
        h->v = v;
        h->m = m;
        cJSON_AddStringToObject(doc, "resource", oauth_audience(v));
        cJSON *as = cJSON_AddArrayToObject(doc, "authorization_servers");
        cJSON_AddItemToArray(as, cJSON_CreateString(oauth_issuer(v)));
        cJSON *bm = cJSON_AddArrayToObject(doc, "bearer_methods_supported");
        cJSON_AddItemToArray(bm, cJSON_CreateString("header"));
        cJSON *sc = cJSON_AddArrayToObject(doc, "scopes_supported");
        cJSON_AddItemToArray(sc, cJSON_CreateString(TOOLS_SCOPE_READ));
        cJSON_AddItemToArray(sc, cJSON_CreateString(TOOLS_SCOPE_WRITE));
        cJSON_AddStringToObject(doc, "resource_name", "slicer-mcp (3D Slicer)");
        h->metadata = jsonw_print(doc, NULL);
        h->metadata_url = metadata_url(oauth_audience(v));
    }
    cJSON_Delete(doc);
    if (!h || !h->metadata || !h->metadata_url) {
        http_oauth_free(h);
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    return h;
}

void http_oauth_free(http_oauth *h)
{
    if (!h)
        return;
    free(h->metadata);
    free(h->metadata_url);
    free(h);
}

static enum MHD_Result metadata(http_oauth *h, struct MHD_Connection *c, const char *method)
{
    static const char *const allow_get[] = { "Allow", "GET", NULL };
    static const char *const cors[] = { "Access-Control-Allow-Origin", "*", NULL };
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return http_respond_error(c, 405, NULL, RPC_INVALID_REQUEST, "Method Not Allowed", allow_get);
    /* Public metadata that browser-based clients read cross-origin. */
    return http_respond(c, 200, "application/json", h->metadata, strlen(h->metadata), cors);
}

static enum MHD_Result unauthorized(http_oauth *h, struct MHD_Connection *c, int sent, const char *why)
{
    char chal[1200];
    if (sent)
        snprintf(chal, sizeof chal, "Bearer error=\"invalid_token\", error_description=\"%s\", "
                 "resource_metadata=\"%s\"", why, h->metadata_url);
    else
        snprintf(chal, sizeof chal, "Bearer resource_metadata=\"%s\"", h->metadata_url);
    const char *const extra[] = { "WWW-Authenticate", chal, NULL };
    char msg[300];
    snprintf(msg, sizeof msg, "Unauthorized: %s", sent ? why : "a bearer access token is required");
    return http_respond_error(c, 401, NULL, RPC_INVALID_REQUEST, msg, extra);
}

int http_oauth_precheck(http_oauth *h, struct MHD_Connection *c, const char *url, const char *method,
                        const char *endpoint, const char *peer, jwt_claims *claims, enum MHD_Result *r)
{
    size_t pl = sizeof PRM_PATH - 1;
    if (!strncmp(url, PRM_PATH, pl) && (url[pl] == '\0' || url[pl] == '/')) {
        *r = metadata(h, c, method);
        return 1;
    }
    if (strcmp(url, endpoint) != 0)
        return 0;
    const char *auth = http_header(c, "Authorization");
    mcp_io io = { .transport = "http", .peer = peer };
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        log_msg(LOG_WARNING, "http: %s refused: no bearer token (401 with the resource metadata URL)", peer);
        mcp_audit_unauthorized(h->m, &io, "no bearer access token");
        *r = unauthorized(h, c, 0, NULL);
        return 1;
    }
    err e = { 0 };
    jwt_status st = oauth_check(h->v, auth + 7 + strspn(auth + 7, " "), claims, &e);
    if (st != JWT_OK) {
        /* The reason goes to the log and the audit log; the client learns
         * only the class.  The claims of a refused token are unverified:
         * only its key id is named. */
        char why[1200];
        snprintf(why, sizeof why, "access token %s: %s", jwt_status_name(st), e.msg);
        log_msg(LOG_WARNING, "http: %s refused: %s (kid '%.64s')", peer, why, claims->kid);
        mcp_audit_unauthorized(h->m, &io, why);
        *r = unauthorized(h, c, 1, st == JWT_NO_KEYS ? "the identity provider cannot be reached to check the token"
                                 : st == JWT_EXPIRED ? "the access token expired"
                                 : st == JWT_INACTIVE ? "the access token is not active"
                                 : "the access token is not valid for this resource");
        return 1;
    }
    return 0;
}

void http_oauth_scope_challenge(const http_oauth *h, const char *scope, char *out, size_t n)
{
    snprintf(out, n, "Bearer error=\"insufficient_scope\", scope=\"%s\", resource_metadata=\"%s\", "
             "error_description=\"the access token lacks the scope this tool needs\"", scope, h->metadata_url);
}

char *http_oauth_owner(const http_oauth *h, const jwt_claims *claims)
{
    /* The issuer's length first, and a different tag for each kind of
     * name, so no two (issuer, subject) pairs make the same string. */
    const char *iss = oauth_issuer(h->v);
    int by_sub = claims->sub[0] != '\0';
    const char *name = by_sub ? claims->sub : claims->client_id;
    size_t n = strlen(iss) + strlen(name) + 32;
    char *o = malloc(n);
    if (o)
        snprintf(o, n, "%zu:%s%s:%s", strlen(iss), iss, by_sub ? "sub" : "client", name);
    return o;
}

void http_oauth_foreign_session(http_oauth *h, const char *peer, const jwt_claims *claims, const char *sid)
{
    char why[160];
    snprintf(why, sizeof why, "session_owner: session %.8s... was opened by another subject", sid);
    log_msg(LOG_WARNING, "http: %s refused: %s (sub '%.64s'); answered as an unknown session", peer, why,
            claims->sub);
    mcp_caller caller = http_oauth_caller(claims);
    mcp_io io = { .transport = "http", .peer = peer, .caller = &caller };
    mcp_audit_foreign_session(h->m, &io, why);
}

mcp_caller http_oauth_caller(const jwt_claims *claims)
{
    return (mcp_caller){ .sub = claims->sub, .client_id = claims->client_id, .jti = claims->jti,
                         .scope = claims->scope };
}
