/* oauth: token checks against a cached, rate-limited JWKS. */
#include "policy/oauth.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

struct oauth {
    pthread_mutex_t mu;
    char *issuer, *audience;
    char *jwks_uri;            /* configured, or discovered; NULL until then */
    long skew_s, min_refresh_s, refresh_s, stale_s;
    oauth_fetch_fn fetch;
    void *fetch_ud;
    double (*now)(void);
    introspect *ix;            /* RFC 7662 instead of JWTs; NULL: JWTs */
    jwt_keys *keys;            /* NULL until a fetch succeeds */
    double keys_at;            /* when keys were fetched */
    double tried_at;           /* when a fetch was last started */
    int tried;                 /* a fetch was ever started */
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

oauth *oauth_new(const oauth_cfg *c, err *e)
{
    if (!c->issuer || !*c->issuer || !c->audience || !*c->audience || !c->fetch) {
        err_set(e, ERR_INVALID, "OAuth needs an issuer and an audience (--oauth-issuer, --oauth-audience)");
        return NULL;
    }
    if (!c->introspection_url && jwt_load(e) != 0)
        return NULL;
    oauth *o = calloc(1, sizeof *o);
    if (!o || !(o->issuer = strdup(c->issuer)) || !(o->audience = strdup(c->audience)) ||
        (c->jwks_uri && !(o->jwks_uri = strdup(c->jwks_uri)))) {
        oauth_free(o);
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&o->mu, NULL);
    if (c->introspection_url) {
        introspect_cfg ic = { .url = c->introspection_url, .client_id = c->client_id,
                              .client_secret = c->client_secret, .issuer = c->issuer, .audience = c->audience,
                              .skew_s = c->skew_s, .post = c->post, .post_ud = c->post_ud, .now = c->now };
        if (!(o->ix = introspect_new(&ic, e))) {
            oauth_free(o);
            return NULL;
        }
    }
    o->skew_s = c->skew_s ? c->skew_s : OAUTH_DEFAULT_SKEW_S;
    o->min_refresh_s = c->min_refresh_s ? c->min_refresh_s : OAUTH_DEFAULT_MIN_REFRESH_S;
    o->refresh_s = c->refresh_s ? c->refresh_s : OAUTH_DEFAULT_REFRESH_S;
    o->stale_s = c->stale_s ? c->stale_s : OAUTH_DEFAULT_STALE_S;
    o->fetch = c->fetch;
    o->fetch_ud = c->fetch_ud;
    o->now = c->now ? c->now : wall_now;
    return o;
}

void oauth_free(oauth *o)
{
    if (!o)
        return;
    if (o->issuer)   /* fully made: the mutex was initialised */
        pthread_mutex_destroy(&o->mu);
    introspect_free(o->ix);
    jwt_keys_free(o->keys);
    free(o->issuer);
    free(o->audience);
    free(o->jwks_uri);
    free(o);
}

const char *oauth_issuer(const oauth *o) { return o->issuer; }
const char *oauth_audience(const oauth *o) { return o->audience; }

static int get(oauth *o, const char *url, buf *out, err *e)
{
    buf_init(out, OAUTH_MAX_METADATA);
    if (o->fetch(o->fetch_ud, url, OAUTH_FETCH_TIMEOUT_MS, out, e) == 0)
        return 0;
    buf_free(out);
    return -1;
}

/* The jwks_uri of the issuer's OpenID configuration (OpenID Connect
 * Discovery 1.0 section 4: the issuer with the well-known path appended). */
static int discover(oauth *o, err *e)
{
    size_t n = strlen(o->issuer);
    char *url = malloc(n + 40);
    if (!url)
        return err_set(e, ERR_INTERNAL, "out of memory");
    memcpy(url, o->issuer, n);
    if (n && url[n - 1] == '/')
        n--;
    strcpy(url + n, "/.well-known/openid-configuration");
    buf b;
    int rc = get(o, url, &b, e), got = rc == 0;
    cJSON *j = got ? cJSON_ParseWithLengthOpts(b.data, b.len, NULL, 0) : NULL;
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(j, "issuer");
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(j, "jwks_uri");
    if (rc == 0 && (!cJSON_IsString(iss) || strcmp(iss->valuestring, o->issuer)))
        rc = err_set(e, ERR_UPSTREAM, "%s: its \"issuer\" is not %s", url, o->issuer);
    else if (rc == 0 && (!cJSON_IsString(uri) || strncmp(uri->valuestring, "http", 4)))
        rc = err_set(e, ERR_UPSTREAM, "%s: no http(s) \"jwks_uri\"", url);
    else if (rc == 0 && !(o->jwks_uri = strdup(uri->valuestring)))
        rc = err_set(e, ERR_INTERNAL, "out of memory");
    cJSON_Delete(j);
    if (got)
        buf_free(&b);
    free(url);
    return rc;
}

/* One attempt to replace the key set; on failure the old one stays. */
static void refresh(oauth *o, const char *why)
{
    double now = o->now();
    if (o->tried && now - o->tried_at < (double)o->min_refresh_s)
        return;
    o->tried = 1;
    o->tried_at = now;
    err e = { 0 };
    buf b;
    jwt_keys *k = NULL;
    if ((o->jwks_uri || discover(o, &e) == 0) && get(o, o->jwks_uri, &b, &e) == 0) {
        k = jwt_keys_parse(b.data, b.len, &e);
        buf_free(&b);
    }
    if (!k) {
        log_msg(LOG_WARNING, "oauth: key set not refreshed (%s): %s; %s", why, e.msg,
                o->keys ? "the keys held keep working" : "tokens are refused until it can be fetched");
        return;
    }
    jwt_keys_free(o->keys);
    o->keys = k;
    o->keys_at = now;
    log_msg(LOG_INFO, "oauth: key set fetched (%s): %zu key(s) from %s", why, jwt_keys_count(k), o->jwks_uri);
}

jwt_status oauth_check(oauth *o, const char *token, jwt_claims *out, err *e)
{
    if (o->ix)
        return introspect_check(o->ix, token, out, e);
    jwt_expect x = { .issuer = o->issuer, .audience = o->audience, .skew_s = o->skew_s };
    pthread_mutex_lock(&o->mu);
    if (!o->keys)
        refresh(o, "first use");
    else if (o->now() - o->keys_at > (double)o->refresh_s)
        refresh(o, "periodic");
    jwt_status st;
    if (o->keys && o->now() - o->keys_at > (double)o->stale_s) {
        memset(out, 0, sizeof *out);
        st = JWT_NO_KEYS;
        err_set(e, ERR_UPSTREAM, "the issuer's key set could not be refreshed for %ld s", o->stale_s);
    } else if (!o->keys) {
        memset(out, 0, sizeof *out);
        st = JWT_NO_KEYS;
        err_set(e, ERR_UPSTREAM, "the issuer's key set is not available");
    } else {
        st = jwt_verify(o->keys, token, &x, o->now(), out, e);
        if (st == JWT_UNKNOWN_KEY) {
            jwt_keys *before = o->keys;
            refresh(o, "unknown kid");
            if (o->keys != before)
                st = jwt_verify(o->keys, token, &x, o->now(), out, e);
        }
    }
    pthread_mutex_unlock(&o->mu);
    return st;
}

void oauth_prefetch(oauth *o)
{
    if (o->ix)
        return;   /* nothing to fetch ahead: each new token is asked about */
    pthread_mutex_lock(&o->mu);
    refresh(o, "start-up");
    pthread_mutex_unlock(&o->mu);
}
