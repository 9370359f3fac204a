/* jwt: JWKS parsing and JWS verification through GnuTLS. */
#include "policy/jwt.h"

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

/* ---- GnuTLS, loaded on first use ---- */

static struct {
    void *lib;
    int (*pubkey_init)(gnutls_pubkey_t *k);
    void (*pubkey_deinit)(gnutls_pubkey_t k);
    int (*import_rsa_raw)(gnutls_pubkey_t k, const gnutls_datum_t *m, const gnutls_datum_t *e);
    int (*import_ecc_raw)(gnutls_pubkey_t k, gnutls_ecc_curve_t c, const gnutls_datum_t *x,
                          const gnutls_datum_t *y);
    int (*verify_data2)(gnutls_pubkey_t k, gnutls_sign_algorithm_t a, unsigned flags,
                        const gnutls_datum_t *data, const gnutls_datum_t *sig);
    int (*encode_rs)(gnutls_datum_t *out, const gnutls_datum_t *r, const gnutls_datum_t *s);
    gnutls_free_function *free_fn;   /* gnutls_free is a variable */
    const char *(*strerror)(int rc);
} tls;

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static char tls_error[256];

#define RESOLVE(field, name) \
    do { void *sym_ = dlsym(lib, name); \
         if (!sym_) { snprintf(tls_error, sizeof tls_error, "libgnutls.so.30 lacks %s", name); \
                      dlclose(lib); return; } \
         memcpy(&tls.field, &sym_, sizeof sym_); } while (0)

static void load_gnutls(void)
{
    void *lib = dlopen("libgnutls.so.30", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(tls_error, sizeof tls_error, "cannot load GnuTLS (Debian package libgnutls30): %s",
                 dlerror());
        return;
    }
    RESOLVE(pubkey_init, "gnutls_pubkey_init");
    RESOLVE(pubkey_deinit, "gnutls_pubkey_deinit");
    RESOLVE(import_rsa_raw, "gnutls_pubkey_import_rsa_raw");
    RESOLVE(import_ecc_raw, "gnutls_pubkey_import_ecc_raw");
    RESOLVE(verify_data2, "gnutls_pubkey_verify_data2");
    RESOLVE(encode_rs, "gnutls_encode_rs_value");
    RESOLVE(free_fn, "gnutls_free");
    RESOLVE(strerror, "gnutls_strerror");
    tls.lib = lib;
}

/* ---- keys and algorithms ---- */

typedef enum { KTY_RSA, KTY_EC, KTY_OKP } kty;

/* The algorithms a token may name, each tied to one key type (and curve). */
typedef struct {
    const char *name;
    kty type;
    gnutls_ecc_curve_t curve;      /* EC and OKP; 0 for RSA */
    gnutls_sign_algorithm_t sign;
    unsigned coord;                /* ECDSA: bytes of r and of s */
} alg_info;

static const alg_info algs[] = {
    { "RS256", KTY_RSA, 0, GNUTLS_SIGN_RSA_SHA256, 0 },
    { "RS384", KTY_RSA, 0, GNUTLS_SIGN_RSA_SHA384, 0 },
    { "RS512", KTY_RSA, 0, GNUTLS_SIGN_RSA_SHA512, 0 },
    { "PS256", KTY_RSA, 0, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0 },
    { "PS384", KTY_RSA, 0, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, 0 },
    { "PS512", KTY_RSA, 0, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, 0 },
    { "ES256", KTY_EC, GNUTLS_ECC_CURVE_SECP256R1, GNUTLS_SIGN_ECDSA_SHA256, 32 },
    { "ES384", KTY_EC, GNUTLS_ECC_CURVE_SECP384R1, GNUTLS_SIGN_ECDSA_SHA384, 48 },
    { "ES512", KTY_EC, GNUTLS_ECC_CURVE_SECP521R1, GNUTLS_SIGN_ECDSA_SHA512, 66 },
    { "EdDSA", KTY_OKP, GNUTLS_ECC_CURVE_ED25519, GNUTLS_SIGN_EDDSA_ED25519, 0 },
};

static const alg_info *alg_find(const char *name)
{
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (!strcmp(algs[i].name, name))
            return &algs[i];
    return NULL;
}

typedef struct {
    char kid[JWT_CLAIM_MAX];
    char alg[8];                   /* the key's own "alg", or "" */
    kty type;
    gnutls_ecc_curve_t curve;
    gnutls_pubkey_t pk;
} jwk;

struct jwt_keys {
    jwk key[JWT_MAX_KEYS];
    size_t n;
};

/* base64url without padding (RFC 7515 section 2) through the standard
 * decoder: the alphabet is mapped and the padding put back. */
static unsigned char *b64url_decode(const char *s, size_t n, size_t *out_len)
{
    if (n % 4 == 1)
        return NULL;
    char *t = malloc(n + 3);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+' || c == '/' || c == '=') {
            free(t);
            return NULL;
        }
        t[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    size_t m = n;
    while (m % 4)
        t[m++] = '=';
    unsigned char *d = base64_decode(t, m, out_len);
    free(t);
    return d;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A base64url member as a datum; 0 when present and valid. */
static int member_bytes(const cJSON *o, const char *k, gnutls_datum_t *d)
{
    const char *s = jstr(o, k);
    size_t n = 0;
    unsigned char *b = s ? b64url_decode(s, strlen(s), &n) : NULL;
    if (!b || !n) {
        free(b);
        return -1;
    }
    d->data = b;
    d->size = (unsigned)n;
    return 0;
}

static size_t bits_of(const gnutls_datum_t *m)
{
    size_t i = 0;
    while (i < m->size && !m->data[i])
        i++;
    if (i == m->size)
        return 0;
    size_t bits = (m->size - i) * 8;
    for (unsigned char top = m->data[i]; !(top & 0x80); top <<= 1)
        bits--;
    return bits;
}

/* Imports one JWK; 1 if kept, 0 if skipped (another type or use), -1 if
 * a key of a supported type is broken. */
static int import_key(const cJSON *j, jwk *k, err *e)
{
    const char *type = jstr(j, "kty"), *use = jstr(j, "use"), *kid = jstr(j, "kid"), *alg = jstr(j, "alg");
    if (!type || (use && strcmp(use, "sig")))
        return 0;
    memset(k, 0, sizeof *k);
    snprintf(k->kid, sizeof k->kid, "%s", kid ? kid : "");
    if (alg) {
        if (!alg_find(alg))
            return 0;          /* e.g. a key meant for HS256 or RSA-OAEP */
        snprintf(k->alg, sizeof k->alg, "%s", alg);
    }
    gnutls_datum_t a = { 0 }, b = { 0 };
    int rc = -1;
    if (!strcmp(type, "RSA")) {
        k->type = KTY_RSA;
        if (member_bytes(j, "n", &a) || member_bytes(j, "e", &b)) {
            err_set(e, ERR_INVALID, "JWKS: RSA key '%s' lacks a valid n or e", k->kid);
        } else if (bits_of(&a) < 2048) {
            err_set(e, ERR_INVALID, "JWKS: RSA key '%s' has %zu bits; at least 2048 are required",
                    k->kid, bits_of(&a));
        } else if (tls.pubkey_init(&k->pk) == 0) {
            rc = tls.import_rsa_raw(k->pk, &a, &b);
        }
    } else if (!strcmp(type, "EC") || !strcmp(type, "OKP")) {
        const char *crv = jstr(j, "crv");
        k->type = type[0] == 'E' ? KTY_EC : KTY_OKP;
        k->curve = !crv ? 0 : k->type == KTY_OKP ? (!strcmp(crv, "Ed25519") ? GNUTLS_ECC_CURVE_ED25519 : 0)
                 : !strcmp(crv, "P-256") ? GNUTLS_ECC_CURVE_SECP256R1
                 : !strcmp(crv, "P-384") ? GNUTLS_ECC_CURVE_SECP384R1
                 : !strcmp(crv, "P-521") ? GNUTLS_ECC_CURVE_SECP521R1 : 0;
        if (!k->curve)
            return 0;
        if (member_bytes(j, "x", &a) || (k->type == KTY_EC && member_bytes(j, "y", &b))) {
            err_set(e, ERR_INVALID, "JWKS: %s key '%s' lacks valid coordinates", type, k->kid);
        } else if (tls.pubkey_init(&k->pk) == 0) {
            rc = tls.import_ecc_raw(k->pk, k->curve, &a, k->type == KTY_EC ? &b : NULL);
        }
    } else {
        return 0;
    }
    free(a.data);
    free(b.data);
    if (rc == 0)
        return 1;
    if (k->pk) {
        err_set(e, ERR_INVALID, "JWKS: key '%s' refused by GnuTLS: %s", k->kid, tls.strerror(rc));
        tls.pubkey_deinit(k->pk);
        k->pk = NULL;
    }
    return -1;
}

int jwt_load(err *e)
{
    pthread_once(&tls_once, load_gnutls);
    return tls.lib ? 0 : err_set(e, ERR_INTERNAL, "%s", tls_error);
}

jwt_keys *jwt_keys_parse(const char *json, size_t len, err *e)
{
    if (jwt_load(e) != 0)
        return NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, NULL, 0);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "keys");
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(root);
        err_set(e, ERR_INVALID, "JWKS: not a JSON object with a \"keys\" array");
        return NULL;
    }
    jwt_keys *k = calloc(1, sizeof *k);
    const cJSON *j;
    err why = { 0 };
    cJSON_ArrayForEach(j, arr) {
        if (!k || k->n == JWT_MAX_KEYS)
            break;
        if (import_key(j, &k->key[k->n], &why) == 1)
            k->n++;
    }
    cJSON_Delete(root);
    if (k && !k->n) {
        err_set(e, ERR_INVALID, "JWKS: no usable signing key%s%s", why.msg[0] ? ": " : "", why.msg);
        free(k);
        return NULL;
    }
    if (!k)
        err_set(e, ERR_INTERNAL, "JWKS: out of memory");
    return k;
}

void jwt_keys_free(jwt_keys *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        tls.pubkey_deinit(k->key[i].pk);
    free(k);
}

size_t jwt_keys_count(const jwt_keys *k)
{
    return k ? k->n : 0;
}

/* ---- tokens ---- */

const char *jwt_status_name(jwt_status s)
{
    static const char *const names[] = { "ok", "malformed", "bad_alg", "unknown_key", "bad_signature",
                                         "expired", "not_yet_valid", "bad_issuer", "bad_audience",
                                         "no_keys", "inactive" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int jwt_scope_has(const char *granted, const char *scope)
{
    size_t n = strlen(scope);
    for (const char *p = granted; p && *p;) {
        p += strspn(p, " ");
        size_t m = strcspn(p, " ");
        if (m == n && n && !strncmp(p, scope, n))
            return 1;
        p += m;
    }
    return 0;
}

/* A base64url JSON object segment. */
static cJSON *segment_json(const char *s, size_t n)
{
    size_t len = 0;
    unsigned char *d = b64url_decode(s, n, &len);
    cJSON *j = d ? cJSON_ParseWithLengthOpts((const char *)d, len, NULL, 0) : NULL;
    free(d);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

static int key_fits(const jwk *k, const alg_info *a)
{
    return k->type == a->type && (a->type == KTY_RSA || k->curve == a->curve) &&
           (!k->alg[0] || !strcmp(k->alg, a->name));
}

/* The signature checked with one key; JWS ECDSA signatures are r || s
 * (RFC 7518 section 3.4), which GnuTLS takes DER-encoded. */
static int sig_ok(const jwk *k, const alg_info *a, const gnutls_datum_t *data, const gnutls_datum_t *sig)
{
    if (a->type != KTY_EC)
        return tls.verify_data2(k->pk, a->sign, 0, data, sig) >= 0;
    if (sig->size != 2 * a->coord)
        return 0;
    gnutls_datum_t r = { sig->data, a->coord }, s = { sig->data + a->coord, a->coord }, der = { 0 };
    if (tls.encode_rs(&der, &r, &s) < 0)
        return 0;
    int ok = tls.verify_data2(k->pk, a->sign, 0, data, &der) >= 0;
    (*tls.free_fn)(der.data);
    return ok;
}

static void copy_claim(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

static int aud_matches(const char *have, const char *want)
{
    size_t h = strlen(have), w = strlen(want);
    /* A trailing '/' is the same resource (RFC 8707 leaves it to the
     * parties; clients differ in whether they add it). */
    if (h && have[h - 1] == '/')
        h--;
    if (w && want[w - 1] == '/')
        w--;
    return h == w && !strncmp(have, want, h);
}

static jwt_status check_claims(const cJSON *p, const jwt_expect *x, double now, jwt_claims *out, err *e)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(p, "exp");
    const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(p, "nbf");
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(p, "aud");
    const char *iss = jstr(p, "iss");
    /* RFC 7662 makes exp optional; the introspection cache's own limit applies then. */
    int no_exp = !exp && x->introspected;
    if (!no_exp && (!cJSON_IsNumber(exp) || !isfinite(exp->valuedouble))) {
        err_set(e, ERR_DENIED, "the token has no numeric exp");
        return JWT_EXPIRED;
    }
    out->exp = no_exp ? 0 : exp->valuedouble;
    if (!no_exp && now > exp->valuedouble + (double)x->skew_s) {
        err_set(e, ERR_DENIED, "the token expired %.0f s ago", now - exp->valuedouble);
        return JWT_EXPIRED;
    }
    if (nbf && (!cJSON_IsNumber(nbf) || now + (double)x->skew_s < nbf->valuedouble)) {
        err_set(e, ERR_DENIED, "the token is not valid yet (nbf)");
        return JWT_NOT_YET_VALID;
    }
    if (iss ? strcmp(iss, x->issuer) != 0 : !x->introspected) {
        err_set(e, ERR_DENIED, "the token's issuer '%.200s' is not the configured one", iss ? iss : "");
        return JWT_BAD_ISSUER;
    }
    int aud_ok = cJSON_IsString(aud) && aud_matches(aud->valuestring, x->audience);
    const cJSON *a;
    if (cJSON_IsArray(aud))
        cJSON_ArrayForEach(a, aud)
            aud_ok |= cJSON_IsString(a) && aud_matches(a->valuestring, x->audience);
    if (!aud_ok) {
        err_set(e, ERR_DENIED, "the token is not for this resource (aud does not name %s)", x->audience);
        return JWT_BAD_AUDIENCE;
    }
    const char *sub = jstr(p, "sub");
    if (sub && strlen(sub) >= JWT_CLAIM_MAX) {
        /* Kept cut short, two subjects could look like one: the session
         * binding and the audit log need the whole name. */
        err_set(e, ERR_INVALID, "the token's sub is longer than %d bytes", JWT_CLAIM_MAX - 1);
        return JWT_MALFORMED;
    }
    return JWT_OK;
}

/* The caller's identity and scopes, taken as far as they are strings. */
static void take_identity(const cJSON *p, jwt_claims *out)
{
    memset(out, 0, sizeof *out);
    copy_claim(out->sub, sizeof out->sub, jstr(p, "sub"));
    copy_claim(out->client_id, sizeof out->client_id, jstr(p, "client_id") ? jstr(p, "client_id") : jstr(p, "azp"));
    copy_claim(out->jti, sizeof out->jti, jstr(p, "jti"));
    const char *scope = jstr(p, "scope") ? jstr(p, "scope") : jstr(p, "scp");
    const cJSON *scp = cJSON_GetObjectItemCaseSensitive(p, "scp");
    if (scope) {
        copy_claim(out->scope, sizeof out->scope, scope);
    } else if (cJSON_IsArray(scp)) {   /* Okta's and Entra's list form */
        size_t used = 0;
        const cJSON *s;
        cJSON_ArrayForEach(s, scp) {
            size_t n = cJSON_IsString(s) ? strlen(s->valuestring) : 0;
            if (!n || used + n + 2 > sizeof out->scope)
                continue;
            if (used)
                out->scope[used++] = ' ';
            memcpy(out->scope + used, s->valuestring, n + 1);
            used += n;
        }
    }
}

jwt_status jwt_check_claims(const cJSON *claims, const jwt_expect *x, double now, jwt_claims *out, err *e)
{
    take_identity(claims, out);
    return check_claims(claims, x, now, out, e);
}

jwt_status jwt_verify(const jwt_keys *k, const char *token, const jwt_expect *x, double now,
                      jwt_claims *out, err *e)
{
    memset(out, 0, sizeof *out);
    size_t len = token ? strnlen(token, JWT_MAX_TOKEN + 1) : 0;
    const char *d1 = token ? memchr(token, '.', len) : NULL;
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (!len || len > JWT_MAX_TOKEN || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token))) {
        err_set(e, ERR_INVALID, "not a signed JWT (three base64url parts)");
        return JWT_MALFORMED;
    }
    cJSON *hdr = segment_json(token, (size_t)(d1 - token));
    cJSON *pay = segment_json(d1 + 1, (size_t)(d2 - d1 - 1));
    gnutls_datum_t sig = { 0 };
    jwt_status st = JWT_OK;
    const char *alg = jstr(hdr, "alg"), *kid = jstr(hdr, "kid");
    const alg_info *a = alg ? alg_find(alg) : NULL;
    if (!hdr || !pay || !alg) {
        st = JWT_MALFORMED;
        err_set(e, ERR_INVALID, "not a signed JWT (a part is not base64url JSON, or alg is missing)");
        goto done;
    }
    take_identity(pay, out);
    copy_claim(out->kid, sizeof out->kid, kid);
    if (!a) {
        st = JWT_BAD_ALG;
        err_set(e, ERR_DENIED, "algorithm '%.32s' is not accepted (only RS, PS, ES and EdDSA)", alg);
        goto done;
    }
    size_t sn = 0;
    sig.data = b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - token), &sn);
    sig.size = (unsigned)sn;
    if (!sig.data || !sn) {
        st = JWT_MALFORMED;
        err_set(e, ERR_INVALID, "the signature is empty or not base64url");
        goto done;
    }
    if (cJSON_GetObjectItemCaseSensitive(hdr, "crit")) {
        st = JWT_MALFORMED;   /* RFC 7515 4.1.11: no extension is understood here */
        err_set(e, ERR_INVALID, "the token names critical header extensions");
        goto done;
    }
    gnutls_datum_t data = { (unsigned char *)(size_t)token, (unsigned)(d2 - token) };
    int tried = 0, verified = 0;
    for (size_t i = 0; k && i < k->n && !verified; i++) {
        const jwk *key = &k->key[i];
        if ((kid && strcmp(key->kid, kid)) || !key_fits(key, a))
            continue;
        tried = 1;
        verified = sig_ok(key, a, &data, &sig);
    }
    if (!tried) {
        int kid_known = 0;
        for (size_t i = 0; k && kid && i < k->n; i++)
            kid_known |= !strcmp(k->key[i].kid, kid);
        st = kid_known ? JWT_BAD_ALG : JWT_UNKNOWN_KEY;
        err_set(e, ERR_DENIED, kid_known ? "algorithm %s does not fit key '%.64s'"
                                         : "no key for %s with kid '%.64s' in the issuer's key set",
                alg, kid ? kid : "");
        goto done;
    }
    if (!verified) {
        st = JWT_BAD_SIGNATURE;
        err_set(e, ERR_DENIED, "the signature does not verify");
        goto done;
    }
    st = check_claims(pay, x, now, out, e);
done:
    cJSON_Delete(hdr);
    cJSON_Delete(pay);
    free(sig.data);
    return st;
}
