/* oauth: the resource server's token check, with the issuer's key set
 * kept between requests.
 *
 * The key set (JWKS) is fetched on first use through a callback (the
 * wiring in app/ passes libcurl, bounded in size and time), from
 * jwks_uri or, when none is configured, from the jwks_uri of the
 * issuer's OpenID configuration (ISSUER/.well-known/openid-configuration,
 * whose "issuer" must be the configured one).  It is fetched again:
 *   - when a token names a kid the set lacks (key rotation), and
 *   - when the set is older than refresh_s and a token arrives,
 * but never twice within min_refresh_s, whatever tokens arrive: a flood
 * of made-up kids costs one fetch per min_refresh_s.  When a fetch fails
 * (the endpoint is down, slow, or answers too much or nonsense) the keys
 * already held keep working, until they are stale_s old.
 *
 * Thread-safe: one mutex, held during a check and during a fetch (the
 * fetch is bounded by the callback's time limit, and rare).
 *
 * With an introspection URL, tokens are checked by the authorization
 * server instead (policy/introspect.h) and no key set is fetched. */
#ifndef OAUTH_H
#define OAUTH_H

#include <stddef.h>
#include "policy/introspect.h"
#include "policy/jwt.h"
#include "util/buf.h"
#include "util/err.h"

#define OAUTH_MAX_METADATA   (256u << 10)   /* bytes of a JWKS or configuration answer */
#define OAUTH_FETCH_TIMEOUT_MS 5000L
#define OAUTH_DEFAULT_SKEW_S        60L
#define OAUTH_DEFAULT_MIN_REFRESH_S 30L
#define OAUTH_DEFAULT_REFRESH_S     3600L
#define OAUTH_DEFAULT_STALE_S       86400L

/* GETs url into out (whose cap is the size limit) within timeout_ms;
 * -1 with e when it fails, answers other than 200, or is too big. */
typedef int (*oauth_fetch_fn)(void *ud, const char *url, long timeout_ms, buf *out, err *e);

typedef struct {
    const char *issuer;        /* required: the "iss" tokens carry */
    const char *audience;      /* required: this resource's URL (RFC 8707) */
    const char *jwks_uri;      /* NULL: from the issuer's OpenID configuration */
    long skew_s, min_refresh_s, refresh_s, stale_s;   /* 0: the defaults above */
    oauth_fetch_fn fetch;
    void *fetch_ud;
    double (*now)(void);       /* wall clock in seconds; NULL: the system's */
    /* RFC 7662 instead of JWTs, when introspection_url is set: */
    const char *introspection_url;
    const char *client_id, *client_secret;
    introspect_post_fn post;
    void *post_ud;
} oauth_cfg;

typedef struct oauth oauth;

/* Copies what it needs from cfg and, for JWTs, loads GnuTLS (jwt_load:
 * call it on the main thread); fetches nothing yet. */
oauth *oauth_new(const oauth_cfg *cfg, err *e);
void   oauth_free(oauth *o);
const char *oauth_issuer(const oauth *o);
const char *oauth_audience(const oauth *o);

/* Checks a bearer token; JWT_OK fills out.  May fetch the key set first
 * (see above).  e says why a token is refused. */
jwt_status oauth_check(oauth *o, const char *token, jwt_claims *out, err *e);

/* Fetches the key set now (at start-up, so a wrong issuer shows in the
 * log at once); a failure is logged, and retried when tokens arrive. */
void oauth_prefetch(oauth *o);

#endif
