/* test_jwt: access tokens made by openssl (tests/lib/tjwt.c) against the
 * GnuTLS-backed checks of policy/jwt.c: each accepted algorithm, and the
 * refusals the MCP authorization spec and RFC 8725 ask for (alg none,
 * HS256 keyed with the public key, a key of another type, expiry, issuer,
 * audience, unknown kid). */
#include "policy/jwt.h"
#include "testlib.h"
#include "tjwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISS "https://idp.example.test/realms/site"
#define AUD "https://gateway.example.test/mcp"
#define NOW 1900000000.0

static t_key *rsa, *ec, *ed, *ec384;
static jwt_keys *keys;
static const jwt_expect want_claims = { .issuer = ISS, .audience = AUD, .skew_s = 60 };

/* A token from key k with alg and kid, and these claims after iss. */
static char *mint(const t_key *k, const char *alg, const char *kid, const char *claims)
{
    char h[256], p[2048];
    if (kid)
        snprintf(h, sizeof h, "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", alg, kid);
    else
        snprintf(h, sizeof h, "{\"alg\":\"%s\",\"typ\":\"at+jwt\"}", alg);
    snprintf(p, sizeof p, "{\"iss\":\"" ISS "\"%s}", claims);
    return t_jwt(k, alg, h, p);
}

/* The usual valid claims, exp an hour after NOW. */
#define GOOD ",\"aud\":\"" AUD "\",\"exp\":1900003600,\"sub\":\"alice\",\"azp\":\"viewer-app\",\"jti\":\"t-1\",\"scope\":\"openid slicer:read\""

static jwt_status check(const char *tok, jwt_claims *c)
{
    err e = { 0 };
    jwt_status st = jwt_verify(keys, tok, &want_claims, NOW, c, &e);
    if (st != JWT_OK)
        fprintf(stderr, "jwt_verify: %s: %s\n", jwt_status_name(st), e.msg);
    return st;
}

/* A token minted with these claims gets want. */
static void expect(const t_key *k, const char *alg, const char *kid, const char *claims, jwt_status want,
                   const char *what)
{
    char *tok = mint(k, alg, kid, claims);
    jwt_claims c;
    T_CHECK(tok && check(tok, &c) == want, "%s", what);
    free(tok);
}

static void test_each_algorithm_verifies(void)
{
    static const struct { t_key **k; const char *alg, *kid; } cases[] = {
        { &rsa, "RS256", "rsa-1" }, { &rsa, "RS384", "rsa-1" }, { &rsa, "PS256", "rsa-1" },
        { &ec, "ES256", "ec-1" }, { &ec384, "ES384", "ec384-1" }, { &ed, "EdDSA", "ed-1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tok = mint(*cases[i].k, cases[i].alg, cases[i].kid, GOOD);
        jwt_claims c;
        T_ASSERT(tok != NULL, "minting %s", cases[i].alg);
        T_CHECK(check(tok, &c) == JWT_OK, "%s token refused", cases[i].alg);
        free(tok);
    }
}

static void test_identity_claims(void)
{
    char *tok = mint(rsa, "RS256", "rsa-1", GOOD);
    jwt_claims c;
    T_ASSERT(check(tok, &c) == JWT_OK, "valid token");
    T_CHECK(!strcmp(c.sub, "alice"), "sub '%s'", c.sub);
    T_CHECK(!strcmp(c.client_id, "viewer-app"), "azp as client id: '%s'", c.client_id);
    T_CHECK(!strcmp(c.jti, "t-1"), "jti '%s'", c.jti);
    T_CHECK(jwt_scope_has(c.scope, "slicer:read") && !jwt_scope_has(c.scope, "slicer:write") &&
            !jwt_scope_has(c.scope, "slicer"), "scopes '%s'", c.scope);
    free(tok);
    /* client_id wins over azp (RFC 9068); scp as a list (Okta, Entra). */
    tok = mint(rsa, "RS256", "rsa-1", ",\"aud\":[\"other\",\"" AUD "\"],\"exp\":1900003600,"
               "\"client_id\":\"cli\",\"azp\":\"x\",\"scp\":[\"slicer:write\",\"slicer:read\"]");
    T_ASSERT(check(tok, &c) == JWT_OK, "aud as a list holding ours");
    T_CHECK(!strcmp(c.client_id, "cli"), "client_id '%s'", c.client_id);
    T_CHECK(!strcmp(c.scope, "slicer:write slicer:read"), "scp list '%s'", c.scope);
    T_CHECK(!c.sub[0] && !c.jti[0], "absent claims are empty");
    free(tok);
    /* A subject is kept whole or refused: cut short, two could look alike. */
    char claims[1024], sub[JWT_CLAIM_MAX + 1];
    for (int n = JWT_CLAIM_MAX - 1; n <= JWT_CLAIM_MAX; n++) {
        memset(sub, 'u', (size_t)n);
        sub[n] = '\0';
        snprintf(claims, sizeof claims, ",\"aud\":\"" AUD "\",\"exp\":1900003600,\"sub\":\"%s\"", sub);
        tok = mint(rsa, "RS256", "rsa-1", claims);
        jwt_status st = check(tok, &c);
        T_CHECK(n < JWT_CLAIM_MAX ? st == JWT_OK && strlen(c.sub) == (size_t)n : st == JWT_MALFORMED,
                "a sub of %d bytes: %s", n, jwt_status_name(st));
        free(tok);
    }
}

static void test_alg_none_refused(void)
{
    char *tok = mint(rsa, "none", "rsa-1", GOOD);
    jwt_claims c;
    T_ASSERT(tok != NULL, "minting");
    T_CHECK(check(tok, &c) == JWT_BAD_ALG, "alg none");
    /* The same with a made-up signature part. */
    size_t n = strlen(tok);
    char *withsig = malloc(n + 8);
    snprintf(withsig, n + 8, "%sAAAA", tok);
    T_CHECK(check(withsig, &c) == JWT_BAD_ALG, "alg none with a signature");
    free(withsig);
    free(tok);
}

static void test_hs256_with_public_key_refused(void)
{
    char *tok = mint(rsa, "HS256", "rsa-1", GOOD);
    jwt_claims c;
    T_ASSERT(tok != NULL, "minting");
    T_CHECK(check(tok, &c) == JWT_BAD_ALG, "HS256 keyed with the public key");
    free(tok);
    expect(rsa, "HS256", NULL, GOOD, JWT_BAD_ALG, "HS256 without kid");
}

static void test_alg_must_fit_key(void)
{
    /* An RSA signature presented under the EC key's kid. */
    expect(rsa, "RS256", "ec-1", GOOD, JWT_BAD_ALG, "RS256 under an EC kid");
    /* ES384 under the P-256 key: the curve decides. */
    expect(ec384, "ES384", "ec-1", GOOD, JWT_BAD_ALG, "ES384 under a P-256 kid");
}

static void test_bad_signature(void)
{
    char *tok = mint(rsa, "RS256", "rsa-1", GOOD);
    char *other = mint(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\",\"exp\":1900003600,\"sub\":\"mallory\"");
    /* alice's signature on mallory's claims */
    char *dot = strrchr(tok, '.'), *odot = strrchr(other, '.');
    size_t n = (size_t)(odot - other);
    char *forged = malloc(n + strlen(dot) + 1);
    memcpy(forged, other, n);
    strcpy(forged + n, dot);
    jwt_claims c;
    T_CHECK(check(forged, &c) == JWT_BAD_SIGNATURE, "swapped payload");
    /* A signature from another key of the same type and kid. */
    t_key *rogue = t_key_new("RSA", "rsa-1");
    char *rt = mint(rogue, "RS256", "rsa-1", GOOD);
    T_CHECK(check(rt, &c) == JWT_BAD_SIGNATURE, "another key's signature");
    free(rt);
    t_key_free(rogue);
    free(forged);
    free(tok);
    free(other);
}

static void test_time_claims(void)
{
    jwt_claims c;
    char *tok = mint(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\",\"exp\":1899999880");   /* 120 s ago */
    T_CHECK(check(tok, &c) == JWT_EXPIRED, "expired 120 s ago, skew 60");
    free(tok);
    tok = mint(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\",\"exp\":1899999970");   /* 30 s ago */
    T_CHECK(check(tok, &c) == JWT_OK, "expired 30 s ago is within the skew");
    free(tok);
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\"", JWT_EXPIRED, "no exp");
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\",\"exp\":1900003600,\"nbf\":1900000300", JWT_NOT_YET_VALID, "nbf 5 minutes ahead");
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "\",\"exp\":1900003600,\"nbf\":1900000030", JWT_OK, "nbf 30 s ahead is within the skew");
}

static void test_issuer_and_audience(void)
{
    jwt_claims c;
    char h[] = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}";
    char *tok = t_jwt(rsa, "RS256", h, "{\"iss\":\"https://evil.example.test\",\"aud\":\"" AUD "\",\"exp\":1900003600}");
    T_CHECK(check(tok, &c) == JWT_BAD_ISSUER, "another issuer");
    free(tok);
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"https://other.example.test/mcp\",\"exp\":1900003600", JWT_BAD_AUDIENCE, "a token for another resource");
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "/\",\"exp\":1900003600", JWT_OK, "a trailing slash names the same resource");
    expect(rsa, "RS256", "rsa-1", ",\"aud\":\"" AUD "x\",\"exp\":1900003600", JWT_BAD_AUDIENCE, "a longer URL is another resource");
    expect(rsa, "RS256", "rsa-1", ",\"exp\":1900003600", JWT_BAD_AUDIENCE, "no aud");
}

static void test_unknown_kid_and_malformed(void)
{
    jwt_claims c;
    char *tok = mint(rsa, "RS256", "rsa-2", GOOD);
    T_CHECK(check(tok, &c) == JWT_UNKNOWN_KEY, "unknown kid");
    T_CHECK(!strcmp(c.kid, "rsa-2"), "the kid is reported: '%s'", c.kid);
    free(tok);
    expect(rsa, "RS256", NULL, GOOD, JWT_OK, "no kid: the RSA keys are tried");
    static const char *const junk[] = { "", "abc", "a.b", "a.b.c.d", "e30.e30.", "!!.e30.AAAA",
                                        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.AAAA" };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        T_CHECK(check(junk[i], &c) == JWT_MALFORMED, "'%s'", junk[i]);
    char *big = malloc(JWT_MAX_TOKEN + 10);
    memset(big, 'a', JWT_MAX_TOKEN + 9);
    big[10] = big[20] = '.';
    big[JWT_MAX_TOKEN + 9] = '\0';
    T_CHECK(check(big, &c) == JWT_MALFORMED, "an oversized token");
    free(big);
}

static void test_jwks_parsing(void)
{
    err e = { 0 };
    t_key *small = t_key_new("RSA1024", "small");
    char *sj = t_key_jwk(small, NULL);
    const char *one[] = { sj };
    char *doc = t_jwks(one, 1);
    jwt_keys *k = jwt_keys_parse(doc, strlen(doc), &e);
    T_CHECK(!k && strstr(e.msg, "2048"), "a 1024-bit RSA key is refused: %s", e.msg);
    jwt_keys_free(k);
    free(doc);
    static const char *const skipped =
        "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"h\"},"
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"enc\",\"x\":\"AA\",\"y\":\"AA\"}]}";
    k = jwt_keys_parse(skipped, strlen(skipped), &e);
    T_CHECK(!k, "symmetric and encryption keys are not signing keys");
    jwt_keys_free(k);
    char *rj = t_key_jwk(rsa, "RS256");
    const char *mixed[] = { "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", rj };
    doc = t_jwks(mixed, 2);
    k = jwt_keys_parse(doc, strlen(doc), &e);
    T_CHECK(k && jwt_keys_count(k) == 1, "the RSA key is kept, the oct key skipped");
    /* The key says RS256: a PS256 token under it does not verify. */
    char *tok = mint(rsa, "PS256", "rsa-1", GOOD);
    jwt_claims c;
    err ve = { 0 };
    T_CHECK(jwt_verify(k, tok, &want_claims, NOW, &c, &ve) == JWT_BAD_ALG, "alg other than the key's own");
    free(tok);
    jwt_keys_free(k);
    free(doc);
    free(rj);
    free(sj);
    t_key_free(small);
    T_CHECK(!jwt_keys_parse("[]", 2, &e) && !jwt_keys_parse("{\"keys\":[]}", 11, &e), "no keys");
}

int main(void)
{
    rsa = t_key_new("RSA", "rsa-1");
    ec = t_key_new("P-256", "ec-1");
    ec384 = t_key_new("P-384", "ec384-1");
    ed = t_key_new("Ed25519", "ed-1");
    if (!rsa || !ec || !ec384 || !ed) {
        printf("FAIL setup: openssl could not make the keys\n");
        return 1;
    }
    char *j[] = { t_key_jwk(rsa, NULL), t_key_jwk(ec, "ES256"), t_key_jwk(ec384, NULL), t_key_jwk(ed, NULL) };
    char *doc = t_jwks((const char *const *)j, 4);
    err e = { 0 };
    keys = jwt_keys_parse(doc, strlen(doc), &e);
    if (!keys) {
        printf("FAIL setup: %s\n%s\n", e.msg, doc);
        return 1;
    }
    t_run("each_algorithm_verifies", test_each_algorithm_verifies);
    t_run("identity_claims", test_identity_claims);
    t_run("alg_none_refused", test_alg_none_refused);
    t_run("hs256_with_public_key_refused", test_hs256_with_public_key_refused);
    t_run("alg_must_fit_key", test_alg_must_fit_key);
    t_run("bad_signature", test_bad_signature);
    t_run("time_claims", test_time_claims);
    t_run("issuer_and_audience", test_issuer_and_audience);
    t_run("unknown_kid_and_malformed", test_unknown_kid_and_malformed);
    t_run("jwks_parsing", test_jwks_parsing);
    jwt_keys_free(keys);
    for (size_t i = 0; i < 4; i++)
        free(j[i]);
    free(doc);
    t_key_free(rsa);
    t_key_free(ec);
    t_key_free(ec384);
    t_key_free(ed);
    return t_done();
}
