/* jwt: checks an OAuth 2.1 access token that is a signed JWT (RFC 7519,
 * RFC 9068) against the issuer's JSON Web Key Set (RFC 7517).
 *
 * Signatures are checked by GnuTLS (loaded with dlopen the first time a
 * key set is parsed, like libcurl in slicer/backend.c: it costs
 * milliseconds at start-up and only an OAuth-protected HTTP gateway needs
 * it); nothing here computes a hash or a signature itself.
 *
 * The algorithm comes from the key, not from the token alone: a token's
 * "alg" must be one of the asymmetric algorithms below and must fit the
 * key's type (and curve, and the key's own "alg" when it names one).  So
 * "none", and HS256 "signed" with the public key as the secret
 * (algorithm confusion), never verify. */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "util/err.h"

#define JWT_MAX_TOKEN  8192          /* bytes of a compact token */
#define JWT_MAX_KEYS   32            /* keys kept from one key set */
#define JWT_CLAIM_MAX  256           /* bytes kept of sub (a longer one is refused), client_id, jti, kid */
#define JWT_SCOPE_MAX  1024          /* bytes kept of the granted scopes */

typedef struct jwt_keys jwt_keys;

/* Loads GnuTLS now (jwt_keys_parse would on first use); -1 with e when
 * it cannot.  For start-up, on the main thread: a first dlopen from a
 * short-lived connection thread leaves glibc holding a block valgrind
 * reports as lost. */
int jwt_load(err *e);

/* Parses a JWKS document ({"keys":[...]}): RSA keys of 2048 bits or more,
 * EC keys on P-256, P-384 and P-521, and Ed25519 (OKP) keys.  Keys marked
 * "use" other than "sig", and keys of other types, are skipped; a set
 * with no usable key is an error. */
jwt_keys *jwt_keys_parse(const char *json, size_t len, err *e);
void      jwt_keys_free(jwt_keys *k);
size_t    jwt_keys_count(const jwt_keys *k);

typedef struct {
    const char *issuer;      /* "iss" must equal this */
    const char *audience;    /* "aud" (string or array) must hold this (RFC 8707) */
    long        skew_s;      /* allowed clock difference for exp and nbf */
    int introspected;        /* an RFC 7662 answer: exp and iss may be absent */
} jwt_expect;

/* What a valid token says about its caller ("" when absent). */
typedef struct {
    char sub[JWT_CLAIM_MAX];
    char client_id[JWT_CLAIM_MAX];   /* "client_id" (RFC 9068), else "azp" */
    char jti[JWT_CLAIM_MAX];
    char kid[JWT_CLAIM_MAX];         /* the header's key id, also when refused */
    char scope[JWT_SCOPE_MAX];       /* space-separated: "scope", or "scp" */
    double exp;
} jwt_claims;

typedef enum {
    JWT_OK,
    JWT_MALFORMED,       /* not a JWS compact token, or a claim of the wrong type */
    JWT_BAD_ALG,         /* none, HMAC, unknown, or not the key's algorithm */
    JWT_UNKNOWN_KEY,     /* no key in the set with that kid (or fitting the alg) */
    JWT_BAD_SIGNATURE,
    JWT_EXPIRED,         /* exp missing or past (plus skew) */
    JWT_NOT_YET_VALID,   /* nbf in the future (beyond skew) */
    JWT_BAD_ISSUER,
    JWT_BAD_AUDIENCE,
    JWT_NO_KEYS,         /* the validator has no key set (JWKS unreachable), or
                          * the introspection endpoint did not answer */
    JWT_INACTIVE         /* the introspection endpoint says the token is not active */
} jwt_status;

/* A short name for logs and the audit log ("expired", "bad_audience"). */
const char *jwt_status_name(jwt_status s);

/* Checks token at wall-clock time now (seconds since the epoch).  The
 * claims are filled as far as the token could be read, also on failure;
 * e says why in words. */
jwt_status jwt_verify(const jwt_keys *k, const char *token, const jwt_expect *x, double now,
                      jwt_claims *out, err *e);

/* The claim checks of jwt_verify on claims already vouched for (the
 * payload of a verified token, or an introspection answer): exp, nbf,
 * iss, aud, the length of sub; out gets the identity and scopes. */
jwt_status jwt_check_claims(const cJSON *claims, const jwt_expect *x, double now, jwt_claims *out, err *e);

/* 1 if the space-separated list granted holds scope. */
int jwt_scope_has(const char *granted, const char *scope);

#endif
