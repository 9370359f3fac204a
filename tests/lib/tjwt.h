/* tjwt: signing keys and JWTs made at test time with the openssl command
 * line tool, independently of the gateway's GnuTLS code: the key pair,
 * its public JWK (from openssl's own output: the RSA modulus, the EC
 * point and the Ed25519 key at the end of the DER public key) and each
 * signature come from openssl. */
#ifndef TJWT_H
#define TJWT_H

#include <stddef.h>

/* "RSA" (2048 bits, or "RSA1024"), "P-256", "P-384" or "Ed25519". */
typedef struct t_key t_key;
t_key *t_key_new(const char *kind, const char *kid);
void   t_key_free(t_key *k);
/* The public JWK as JSON, with "kid" (and "alg" if alg is non-NULL). */
char  *t_key_jwk(const t_key *k, const char *alg);
/* The public key in PEM, as a string. */
const char *t_key_pem(const t_key *k);

/* {"keys":[jwk, ...]} of n JWKs (each t_key_jwk output); caller frees. */
char *t_jwks(const char *const *jwks, size_t n);

/* base64url without padding of n bytes; caller frees. */
char *t_b64url(const void *data, size_t n);

/* header.payload.signature: header and payload are JSON text, signed
 * with k by openssl for alg RS256/RS384/PS256/ES256/ES384/EdDSA;
 * "HS256" is an HMAC-SHA256 keyed with the key's public PEM (the
 * algorithm-confusion attack); "none" leaves the signature empty. */
char *t_jwt(const t_key *k, const char *alg, const char *header, const char *payload);

#endif
