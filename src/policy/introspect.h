/* introspect: checks an access token by asking the authorization server
 * (OAuth 2.0 Token Introspection, RFC 7662), for sites whose tokens are
 * opaque or that prefer the server's word (a revoked token stops working
 * within the cache time) to validating JWTs here.
 *
 * The request is a POST of token=...&token_type_hint=access_token with the
 * gateway's own client credentials (client_secret_basic, RFC 6749 2.3.1),
 * through a callback (the wiring in app/ passes libcurl), bounded in time
 * and size.  The answer counts only when it says "active": true and its
 * claims pass jwt_check_claims: aud must name this resource, iss (when
 * given) the configured issuer, exp and nbf (when given) the clock.
 *
 * Answers are cached per token (by its SHA-256, never the token itself):
 * an accepted one until its exp, but at most cache_s; a refused one for
 * cache_s.  A failed request (the endpoint is down, slow, or answers
 * nonsense) is not cached: the token is refused (JWT_NO_KEYS) and asked
 * about again next time.  At most INTROSPECT_CACHE_MAX answers are kept;
 * when full, the one that ends first makes room.
 *
 * Thread-safe: the cache has a mutex, not held during the request. */
#ifndef INTROSPECT_H
#define INTROSPECT_H

#include "policy/jwt.h"
#include "util/buf.h"
#include "util/err.h"

#define INTROSPECT_CACHE_MAX        256
#define INTROSPECT_DEFAULT_CACHE_S  60L     /* the short cap on trusting an answer */
#define INTROSPECT_MAX_ANSWER       (64u << 10)
#define INTROSPECT_TIMEOUT_MS       5000L
#define INTROSPECT_MAX_SECRET       4096    /* bytes of a client id or secret */

/* POSTs form (urlencoded) to url with the extra header line, into out
 * (whose cap is the size limit), within timeout_ms; -1 with e when it
 * fails or answers other than 200. */
typedef int (*introspect_post_fn)(void *ud, const char *url, const char *form, const char *header,
                                  long timeout_ms, buf *out, err *e);

typedef struct {
    const char *url;            /* the introspection endpoint */
    const char *client_id, *client_secret;
    const char *issuer;         /* an answer's iss, when present, must be this */
    const char *audience;       /* an answer's aud must name this resource */
    long skew_s;                /* 0: OAUTH's 60 s */
    long cache_s;               /* 0: INTROSPECT_DEFAULT_CACHE_S */
    introspect_post_fn post;
    void *post_ud;
    double (*now)(void);        /* wall clock in seconds; NULL: the system's */
} introspect_cfg;

typedef struct introspect introspect;

/* Copies what it needs from cfg; NULL with e when something is missing. */
introspect *introspect_new(const introspect_cfg *cfg, err *e);
void        introspect_free(introspect *ix);

/* Checks token (asking the endpoint unless an answer is cached); JWT_OK
 * fills out; JWT_INACTIVE when the server says it is not active. */
jwt_status introspect_check(introspect *ix, const char *token, jwt_claims *out, err *e);

/* The gateway's client credentials from a file of its own (mode 0600, as
 * --token-file): the client id on the first line, the secret on the
 * second.  0, or -1 with e; *id and *secret are malloc'd. */
int introspect_load_client(const char *path, char **id, char **secret, err *e);

#endif
