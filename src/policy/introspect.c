/* introspect: RFC 7662 token checks with a bounded per-token cache. */
#include "policy/introspect.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/base64.h"
#include "util/log.h"
#include "util/ownfile.h"

#define DEFAULT_SKEW_S 60L

typedef struct {
    unsigned char key[SHA256_DIGEST_SIZE];   /* of the token */
    double until;                            /* wall clock; 0 = free */
    jwt_status st;
    jwt_claims claims;
    char why[256];
} entry;

struct introspect {
    pthread_mutex_t mu;
    char *url, *issuer, *audience;
    char *auth_header;          /* "Authorization: Basic ..." */
    long skew_s, cache_s;
    introspect_post_fn post;
    void *post_ud;
    double (*now)(void);
    entry *cache;               /* INTROSPECT_CACHE_MAX */
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* RFC 6749 2.3.1: id and secret each form-urlencoded, then "id:secret" in base64. */
static char *basic_header(const char *id, const char *secret)
{
    buf b;
    buf_init(&b, 4 * INTROSPECT_MAX_SECRET);
    char *h = NULL;
    if (buf_put_pct(&b, id) == 0 && buf_puts(&b, ":") == 0 && buf_put_pct(&b, secret) == 0) {
        size_t n;
        char *enc = base64_encode(b.data, b.len, &n);
        h = enc ? malloc(n + 32) : NULL;
        if (h)
            snprintf(h, n + 32, "Authorization: Basic %s", enc);
        free(enc);
    }
    buf_free(&b);
    return h;
}

introspect *introspect_new(const introspect_cfg *c, err *e)
{
    if (!c->url || !c->client_id || !*c->client_id || !c->client_secret || !c->issuer || !c->audience || !c->post) {
        err_set(e, ERR_INVALID, "token introspection needs its URL, the gateway's client credentials, the issuer "
                "and the audience");
        return NULL;
    }
    introspect *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->url = strdup(c->url)) || !(ix->issuer = strdup(c->issuer)) ||
        !(ix->audience = strdup(c->audience)) || !(ix->auth_header = basic_header(c->client_id, c->client_secret)) ||
        !(ix->cache = calloc(INTROSPECT_CACHE_MAX, sizeof *ix->cache))) {
        introspect_free(ix);
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&ix->mu, NULL);
    ix->skew_s = c->skew_s ? c->skew_s : DEFAULT_SKEW_S;
    ix->cache_s = c->cache_s ? c->cache_s : INTROSPECT_DEFAULT_CACHE_S;
    ix->post = c->post;
    ix->post_ud = c->post_ud;
    ix->now = c->now ? c->now : wall_now;
    return ix;
}

void introspect_free(introspect *ix)
{
    if (!ix)
        return;
    if (ix->cache)   /* fully made: the mutex was initialised */
        pthread_mutex_destroy(&ix->mu);
    free(ix->url);
    free(ix->issuer);
    free(ix->audience);
    if (ix->auth_header) {
        memset(ix->auth_header, 0, strlen(ix->auth_header));
        free(ix->auth_header);
    }
    free(ix->cache);
    free(ix);
}

/* Under ix->mu: the live entry for key, or NULL. */
static entry *cached(introspect *ix, const unsigned char *key, double now)
{
    for (size_t i = 0; i < INTROSPECT_CACHE_MAX; i++) {
        entry *en = &ix->cache[i];
        if (en->until > now && !memcmp(en->key, key, sizeof en->key))
            return en;
    }
    return NULL;
}

/* Under ix->mu: a free or expired slot, else the one that ends first. */
static entry *slot_for(introspect *ix, double now)
{
    entry *pick = &ix->cache[0];
    for (size_t i = 0; i < INTROSPECT_CACHE_MAX; i++) {
        entry *en = &ix->cache[i];
        if (en->until <= now)
            return en;
        if (en->until < pick->until)
            pick = en;
    }
    return pick;
}

/* The endpoint's verdict on token: JWT_NO_KEYS when there is none (it did
 * not answer, or not in RFC 7662's form). */
static jwt_status ask(introspect *ix, const char *token, double now, jwt_claims *out, err *e)
{
    buf form, answer;
    buf_init(&form, 3 * JWT_MAX_TOKEN + 64);
    buf_init(&answer, INTROSPECT_MAX_ANSWER);
    jwt_status st = JWT_NO_KEYS;
    if (buf_puts(&form, "token=") || buf_put_pct(&form, token) || buf_puts(&form, "&token_type_hint=access_token")) {
        err_set(e, ERR_INTERNAL, "out of memory");
    } else if (ix->post(ix->post_ud, ix->url, form.data, ix->auth_header, INTROSPECT_TIMEOUT_MS, &answer, e) == 0) {
        cJSON *j = cJSON_ParseWithLengthOpts(answer.data ? answer.data : "", answer.len, NULL, 0);
        const cJSON *active = cJSON_GetObjectItemCaseSensitive(j, "active");
        jwt_expect x = { .issuer = ix->issuer, .audience = ix->audience, .skew_s = ix->skew_s, .introspected = 1 };
        if (!cJSON_IsObject(j) || !cJSON_IsBool(active)) {
            err_set(e, ERR_UPSTREAM, "%s: not an introspection answer (no boolean \"active\")", ix->url);
        } else if (!cJSON_IsTrue(active)) {
            st = JWT_INACTIVE;
            err_set(e, ERR_DENIED, "the authorization server says the token is not active");
        } else {
            st = jwt_check_claims(j, &x, now, out, e);
        }
        cJSON_Delete(j);
    }
    buf_free(&form);
    buf_free(&answer);
    return st;
}

jwt_status introspect_check(introspect *ix, const char *token, jwt_claims *out, err *e)
{
    memset(out, 0, sizeof *out);
    size_t len = token ? strnlen(token, JWT_MAX_TOKEN + 1) : 0;
    if (!len || len > JWT_MAX_TOKEN) {
        err_set(e, ERR_INVALID, "the token is empty or longer than %d bytes", JWT_MAX_TOKEN);
        return JWT_MALFORMED;
    }
    unsigned char key[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, len, (const uint8_t *)token);
    sha256_digest(&h, sizeof key, key);
    double now = ix->now();
    pthread_mutex_lock(&ix->mu);
    entry *hit = cached(ix, key, now);
    jwt_status st = JWT_NO_KEYS;
    if (hit) {
        st = hit->st;
        *out = hit->claims;
        if (st != JWT_OK)
            err_set(e, ERR_DENIED, "%s (cached)", hit->why);
    }
    pthread_mutex_unlock(&ix->mu);
    if (hit)
        return st;
    st = ask(ix, token, now, out, e);
    if (st == JWT_NO_KEYS) {
        log_msg(LOG_WARNING, "oauth: token introspection failed: %s", e->msg);
        return st;
    }
    /* An accepted token is trusted until its exp, but no longer than
     * cache_s: a revocation shows within that time. */
    double until = now + (double)ix->cache_s;
    if (st == JWT_OK && out->exp && out->exp < until)
        until = out->exp;
    pthread_mutex_lock(&ix->mu);
    entry *en = slot_for(ix, now);
    memcpy(en->key, key, sizeof key);
    en->until = until;
    en->st = st;
    en->claims = *out;
    snprintf(en->why, sizeof en->why, "%.255s", st == JWT_OK ? "" : e->msg);
    pthread_mutex_unlock(&ix->mu);
    return st;
}

/* One line of f without its end of line; -1 when absent, empty or too long. */
static int read_line(FILE *f, char *line, size_t n)
{
    if (!fgets(line, (int)n, f))
        return -1;
    size_t len = strlen(line);
    if (len == n - 1 && line[len - 1] != '\n')
        return -1;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    return len ? 0 : -1;
}

int introspect_load_client(const char *path, char **id, char **secret, err *e)
{
    *id = *secret = NULL;
    int fd = ownfile_open(path, O_RDONLY, e);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0) {
            err_set(e, ERR_INVALID, "%s", strerror(errno));
            close(fd);
        }
        return -1;
    }
    char *line = malloc(INTROSPECT_MAX_SECRET + 2);
    int rc = -1;
    if (!line)
        err_set(e, ERR_INTERNAL, "out of memory");
    else if (read_line(f, line, INTROSPECT_MAX_SECRET + 2) != 0 || !(*id = strdup(line)))
        err_set(e, ERR_INVALID, "the first line must be the client id (at most %d bytes)", INTROSPECT_MAX_SECRET);
    else if (read_line(f, line, INTROSPECT_MAX_SECRET + 2) != 0 || !(*secret = strdup(line)))
        err_set(e, ERR_INVALID, "the second line must be the client secret (at most %d bytes)", INTROSPECT_MAX_SECRET);
    else
        rc = 0;
    fclose(f);
    if (line) {
        memset(line, 0, INTROSPECT_MAX_SECRET + 2);
        free(line);
    }
    if (rc != 0) {
        free(*id);
        free(*secret);
        *id = *secret = NULL;
    }
    return rc;
}
