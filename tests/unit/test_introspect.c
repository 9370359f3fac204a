/* test_introspect: policy/introspect.c (RFC 7662) with a stand-in
 * endpoint and clock: the request it sends (form body, client_secret_basic
 * header, computed here with Python's urllib.parse.quote and base64 on
 * the same inputs), which answers count (active, aud, iss, exp, nbf), the
 * per-token cache (until exp, at most the cap; refusals cached too; a
 * failed request not cached; bounded size), and the client file loader. */
#include "policy/introspect.h"
#include "policy/oauth.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ISS "https://idp.example.test/realms/site"
#define AUD "https://gw.example.test/mcp"
#define T0 1900000000.0

static double clock_now = T0;
static double fake_now(void) { return clock_now; }

/* The stand-in endpoint: its answer, and what it was sent. */
typedef struct {
    const char *answer;        /* NULL: it is down */
    unsigned posts;
    char form[1024], header[512], url[256];
} endpoint;
static endpoint ep;

/* A fresh endpoint that answers this (NULL: down). */
static void ep_reset(const char *answer_text)
{
    memset(&ep, 0, sizeof ep);
    ep.answer = answer_text;
}

static int fake_post(void *ud, const char *url, const char *form, const char *header, long timeout_ms, buf *out,
                     err *e)
{
    (void)ud;
    (void)timeout_ms;
    ep.posts++;
    snprintf(ep.url, sizeof ep.url, "%s", url);
    snprintf(ep.form, sizeof ep.form, "%s", form);
    snprintf(ep.header, sizeof ep.header, "%s", header ? header : "");
    if (!ep.answer)
        return err_set(e, ERR_UPSTREAM, "%s: connection refused", url);
    return buf_puts(out, ep.answer) == 0 ? 0 : err_set(e, ERR_LIMIT, "too big");
}

static introspect *make(long cache_s)
{
    introspect_cfg c = { .url = "https://idp.example.test/introspect", .client_id = "gateway client",
                         .client_secret = "s3cr:t/+=", .issuer = ISS, .audience = AUD, .cache_s = cache_s,
                         .post = fake_post, .now = fake_now };
    err e = { 0 };
    introspect *ix = introspect_new(&c, &e);
    if (!ix)
        fprintf(stderr, "introspect_new: %s\n", e.msg);
    return ix;
}

static jwt_status check(introspect *ix, const char *tok, jwt_claims *c)
{
    err e = { 0 };
    jwt_status st = introspect_check(ix, tok, c, &e);
    if (st != JWT_OK)
        fprintf(stderr, "introspect_check: %s: %s\n", jwt_status_name(st), e.msg);
    return st;
}

/* An active answer for AUD with this exp (0: none) and extra members. */
static char answer[1024];
static const char *active(double exp, const char *extra)
{
    char e[64] = "";
    if (exp)
        snprintf(e, sizeof e, ",\"exp\":%.0f", exp);
    snprintf(answer, sizeof answer, "{\"active\":true,\"aud\":\"" AUD "\",\"sub\":\"alice\",\"client_id\":\"viewer\","
             "\"scope\":\"openid slicer:read\"%s%s}", e, extra ? extra : "");
    return answer;
}

static void test_request_and_claims(void)
{
    introspect *ix = make(0);
    T_ASSERT(ix != NULL, "made");
    ep_reset(active(T0 + 600, ",\"iss\":\"" ISS "\",\"jti\":\"j-1\""));
    jwt_claims c;
    T_CHECK(check(ix, "tok+en/=x", &c) == JWT_OK, "active token accepted");
    T_CHECK(!strcmp(c.sub, "alice") && !strcmp(c.client_id, "viewer") && !strcmp(c.jti, "j-1") &&
            jwt_scope_has(c.scope, "slicer:read") && c.exp == T0 + 600, "claims: %s %s %s %s", c.sub, c.client_id,
            c.jti, c.scope);
    T_CHECK(!strcmp(ep.url, "https://idp.example.test/introspect"), "url %s", ep.url);
    T_CHECK(!strcmp(ep.form, "token=tok%2Ben%2F%3Dx&token_type_hint=access_token"), "form %s", ep.form);
    T_CHECK(!strcmp(ep.header, "Authorization: Basic Z2F0ZXdheSUyMGNsaWVudDpzM2NyJTNBdCUyRiUyQiUzRA=="),
            "header %s", ep.header);
    introspect_free(ix);
}

static void test_answers_that_refuse(void)
{
    static const struct { const char *answer; jwt_status want; const char *what; } cases[] = {
        { "{\"active\":false}", JWT_INACTIVE, "inactive" },
        { "{\"active\":true,\"sub\":\"alice\",\"exp\":1900000600}", JWT_BAD_AUDIENCE, "no aud" },
        { "{\"active\":true,\"aud\":\"https://other.test/mcp\",\"exp\":1900000600}", JWT_BAD_AUDIENCE, "another aud" },
        { "{\"active\":true,\"aud\":\"" AUD "\",\"iss\":\"https://evil.test\"}", JWT_BAD_ISSUER, "another issuer" },
        { "{\"active\":true,\"aud\":\"" AUD "\",\"exp\":1899990000}", JWT_EXPIRED, "exp long past" },
        { "{\"active\":true,\"aud\":\"" AUD "\",\"nbf\":1900090000}", JWT_NOT_YET_VALID, "nbf ahead" },
        { "{\"active\":\"true\",\"aud\":\"" AUD "\"}", JWT_NO_KEYS, "active not a boolean" },
        { "<html>login</html>", JWT_NO_KEYS, "not JSON" },
        { NULL, JWT_NO_KEYS, "endpoint down" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        introspect *ix = make(0);
        ep_reset(cases[i].answer);
        jwt_claims c;
        T_CHECK(check(ix, "t", &c) == cases[i].want, "%s", cases[i].what);
        introspect_free(ix);
    }
    /* Without iss and exp (both optional in RFC 7662): accepted. */
    introspect *ix = make(0);
    ep_reset("{\"active\":true,\"aud\":[\"x\",\"" AUD "\"]}");
    jwt_claims c;
    T_CHECK(check(ix, "t", &c) == JWT_OK, "aud list, no iss or exp");
    introspect_free(ix);
}

static void test_cache(void)
{
    introspect *ix = make(60);
    jwt_claims c;
    clock_now = T0;
    /* Accepted: asked once, then trusted for the cap (60 s). */
    ep_reset(active(T0 + 3600, NULL));
    T_CHECK(check(ix, "a", &c) == JWT_OK && check(ix, "a", &c) == JWT_OK && ep.posts == 1, "cached: %u posts",
            ep.posts);
    T_CHECK(!strcmp(c.sub, "alice"), "cached claims");
    clock_now = T0 + 61;
    ep.answer = "{\"active\":false}";   /* revoked meanwhile */
    T_CHECK(check(ix, "a", &c) == JWT_INACTIVE && ep.posts == 2, "after the cap, asked again: revoked");
    /* ... and the refusal is cached too. */
    T_CHECK(check(ix, "a", &c) == JWT_INACTIVE && ep.posts == 2, "refusal cached");
    /* A token that expires before the cap: trusted only until its exp. */
    clock_now = T0;
    ep.answer = active(T0 + 10, NULL);
    T_CHECK(check(ix, "b", &c) == JWT_OK && ep.posts == 3, "b accepted");
    clock_now = T0 + 11;
    check(ix, "b", &c);
    T_CHECK(ep.posts == 4, "b asked again after its exp, before the cap");
    /* A failed request is not cached. */
    ep.answer = NULL;
    T_CHECK(check(ix, "c", &c) == JWT_NO_KEYS && check(ix, "c", &c) == JWT_NO_KEYS && ep.posts == 6,
            "endpoint down: asked each time (%u)", ep.posts);
    /* More tokens than the cache holds: each still answered, the cache bounded. */
    ep.answer = active(T0 + 3600, NULL);
    unsigned before = ep.posts;
    char tok[32];
    for (int i = 0; i < INTROSPECT_CACHE_MAX + 40; i++) {
        snprintf(tok, sizeof tok, "many-%d", i);
        T_CHECK(check(ix, tok, &c) == JWT_OK, "%s", tok);
    }
    T_CHECK(ep.posts - before == INTROSPECT_CACHE_MAX + 40, "one post per new token");
    snprintf(tok, sizeof tok, "many-%d", INTROSPECT_CACHE_MAX + 39);
    check(ix, tok, &c);
    T_CHECK(ep.posts - before == INTROSPECT_CACHE_MAX + 40, "the newest is still cached");
    introspect_free(ix);
    clock_now = T0;
}

/* Through oauth_check: the dispatch an --oauth-introspection-url sets up;
 * no key set is fetched then. */
static unsigned gets;
static int fake_get(void *ud, const char *url, long timeout_ms, buf *out, err *e)
{
    (void)ud;
    (void)timeout_ms;
    (void)out;
    gets++;
    return err_set(e, ERR_UPSTREAM, "%s: not expected", url);
}

static void test_through_oauth(void)
{
    oauth_cfg oc = { .issuer = ISS, .audience = AUD, .fetch = fake_get, .introspection_url = "https://idp.example.test/i",
                     .client_id = "gw", .client_secret = "s", .post = fake_post, .now = fake_now };
    err e = { 0 };
    oauth *o = oauth_new(&oc, &e);
    T_ASSERT(o != NULL, "oauth_new: %s", e.msg);
    oauth_prefetch(o);
    ep_reset(active(T0 + 600, NULL));
    jwt_claims c;
    T_CHECK(oauth_check(o, "opaque-token", &c, &e) == JWT_OK && !strcmp(c.sub, "alice"), "accepted: %s", e.msg);
    ep.answer = "{\"active\":false}";
    T_CHECK(oauth_check(o, "other-token", &c, &e) == JWT_INACTIVE, "inactive");
    T_CHECK(ep.posts == 2 && !strcmp(ep.url, "https://idp.example.test/i") && gets == 0,
            "%u posts to %s, %u key set fetches", ep.posts, ep.url, gets);
    oauth_free(o);
}

static void test_client_file(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/client", t_tmpdir());
    char *id, *secret;
    err e = { 0 };
    t_write_file(path, "slicer-gateway\nsecret value:1\n", 30);
    chmod(path, 0600);
    T_CHECK(introspect_load_client(path, &id, &secret, &e) == 0 && !strcmp(id, "slicer-gateway") &&
            !strcmp(secret, "secret value:1"), "two lines: %s", e.msg);
    free(id);
    free(secret);
    t_write_file(path, "only-an-id\n", 11);
    chmod(path, 0600);
    T_CHECK(introspect_load_client(path, &id, &secret, &e) != 0 && strstr(e.msg, "second line"), "%s", e.msg);
    t_write_file(path, "a\nb\n", 4);
    chmod(path, 0644);
    T_CHECK(introspect_load_client(path, &id, &secret, &e) != 0, "readable by others: refused (%s)", e.msg);
}

int main(void)
{
    t_run("introspect_request_and_claims", test_request_and_claims);
    t_run("introspect_answers_that_refuse", test_answers_that_refuse);
    t_run("introspect_cache", test_cache);
    t_run("introspect_through_oauth", test_through_oauth);
    t_run("introspect_client_file", test_client_file);
    return t_done();
}
