/* tjwt: keys and tokens through the openssl command line tool. */
#include "tjwt.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

struct t_key {
    char kind[16];
    char kid[64];
    char path[256];       /* private key, PEM */
    char *pub_pem;
};

static int sh(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "tjwt: '%s' failed (%d)\n", cmd, rc);
    return rc;
}

/* A file of the temp folder read whole; caller frees. */
static unsigned char *slurp(const char *path, size_t *n)
{
    return (unsigned char *)t_read_file(path, n);
}

t_key *t_key_new(const char *kind, const char *kid)
{
    static int seq;
    t_key *k = calloc(1, sizeof *k);
    snprintf(k->kind, sizeof k->kind, "%s", kind);
    snprintf(k->kid, sizeof k->kid, "%s", kid);
    snprintf(k->path, sizeof k->path, "%s/key-%d.pem", t_tmpdir(), ++seq);
    char cmd[1024];
    if (!strncmp(kind, "RSA", 3))
        snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:%s -out %s 2>/dev/null",
                 kind[3] ? kind + 3 : "2048", k->path);
    else if (!strcmp(kind, "Ed25519"))
        snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm ED25519 -out %s", k->path);
    else
        snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:%s -out %s",
                 kind, k->path);
    char pub[300];
    snprintf(pub, sizeof pub, "%s.pub", k->path);
    if (sh(cmd) != 0)
        goto fail;
    snprintf(cmd, sizeof cmd, "openssl pkey -in %s -pubout -out %s", k->path, pub);
    if (sh(cmd) != 0 || !(k->pub_pem = (char *)slurp(pub, NULL)))
        goto fail;
    return k;
fail:
    t_key_free(k);
    return NULL;
}

void t_key_free(t_key *k)
{
    if (!k)
        return;
    free(k->pub_pem);
    free(k);
}

const char *t_key_pem(const t_key *k) { return k->pub_pem; }

char *t_b64url(const void *data, size_t n)
{
    char *s = base64_encode(data, n, NULL);
    size_t j = 0;
    for (size_t i = 0; s && s[i]; i++) {
        if (s[i] == '=')
            continue;
        s[j++] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
    }
    if (s)
        s[j] = '\0';
    return s;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *t_key_jwk(const t_key *k, const char *alg)
{
    char cmd[1024], out[300];
    snprintf(out, sizeof out, "%s.jwkpart", k->path);
    char *jwk = malloc(4096), *a = NULL, *b = NULL;
    char algpart[64] = "";
    if (alg)
        snprintf(algpart, sizeof algpart, ",\"alg\":\"%s\"", alg);
    if (!strncmp(k->kind, "RSA", 3)) {
        snprintf(cmd, sizeof cmd, "openssl pkey -in %s -pubout | openssl rsa -pubin -modulus -noout > %s", k->path, out);
        size_t n = 0;
        char *txt = sh(cmd) == 0 ? (char *)slurp(out, &n) : NULL;
        const char *hex = txt ? strstr(txt, "Modulus=") : NULL;
        unsigned char mod[1024];
        size_t m = 0;
        for (const char *p = hex ? hex + 8 : ""; hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && m < sizeof mod; p += 2)
            mod[m++] = (unsigned char)(hexval(p[0]) * 16 + hexval(p[1]));
        free(txt);
        static const unsigned char e65537[] = { 1, 0, 1 };   /* genpkey's default exponent */
        a = t_b64url(mod, m);
        b = t_b64url(e65537, 3);
        snprintf(jwk, 4096, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"%s}",
                 k->kid, a, b, algpart);
    } else {
        snprintf(cmd, sizeof cmd, "openssl pkey -in %s -pubout -outform DER > %s", k->path, out);
        size_t n = 0;
        unsigned char *der = sh(cmd) == 0 ? slurp(out, &n) : NULL;
        if (!strcmp(k->kind, "Ed25519") && der && n > 32) {
            a = t_b64url(der + n - 32, 32);
            snprintf(jwk, 4096, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"%s\",\"x\":\"%s\"%s}",
                     k->kid, a, algpart);
        } else if (der) {
            /* The DER public key ends with the uncompressed point 04 || X || Y. */
            size_t c = !strcmp(k->kind, "P-256") ? 32 : 48;
            a = t_b64url(der + n - 2 * c, c);
            b = t_b64url(der + n - c, c);
            snprintf(jwk, 4096, "{\"kty\":\"EC\",\"crv\":\"%s\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"%s}",
                     k->kind, k->kid, a, b, algpart);
        }
        free(der);
    }
    free(a);
    free(b);
    return jwk;
}

char *t_jwks(const char *const *jwks, size_t n)
{
    size_t len = 16;
    for (size_t i = 0; i < n; i++)
        len += strlen(jwks[i]) + 1;
    char *s = malloc(len);
    strcpy(s, "{\"keys\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, jwks[i]);
    }
    strcat(s, "]}");
    return s;
}

/* An ECDSA DER signature (SEQUENCE of two INTEGERs) to r || s of c bytes each. */
static size_t der_to_raw(const unsigned char *d, size_t n, size_t c, unsigned char *out)
{
    size_t p = 2;
    if (n < 8 || d[0] != 0x30)
        return 0;
    if (d[1] & 0x80)
        p = 2 + (d[1] & 0x7f);
    for (int part = 0; part < 2; part++) {
        if (p + 2 > n || d[p] != 0x02)
            return 0;
        size_t l = d[p + 1];
        const unsigned char *v = d + p + 2;
        while (l > c && *v == 0) {
            v++;
            l--;
        }
        if (l > c)
            return 0;
        memset(out + part * c, 0, c - l);
        memcpy(out + part * c + (c - l), v, l);
        p += 2 + d[p + 1];
    }
    return 2 * c;
}

char *t_jwt(const t_key *k, const char *alg, const char *header, const char *payload)
{
    char *h = t_b64url(header, strlen(header)), *p = t_b64url(payload, strlen(payload));
    size_t in_len = strlen(h) + strlen(p) + 2;
    char *input = malloc(in_len);
    snprintf(input, in_len, "%s.%s", h, p);
    free(h);
    free(p);
    char in_path[300], sig_path[300], cmd[2048];
    snprintf(in_path, sizeof in_path, "%s.in", k->path);
    snprintf(sig_path, sizeof sig_path, "%s.sig", k->path);
    t_write_file(in_path, input, strlen(input));
    const char *md = strstr(alg, "384") ? "sha384" : strstr(alg, "512") ? "sha512" : "sha256";
    int rc = 0;
    if (!strcmp(alg, "none")) {
        t_write_file(sig_path, "", 0);
    } else if (!strcmp(alg, "HS256")) {
        char *hex = malloc(strlen(k->pub_pem) * 2 + 1);
        for (size_t i = 0; k->pub_pem[i]; i++)
            sprintf(hex + 2 * i, "%02x", (unsigned char)k->pub_pem[i]);
        snprintf(cmd, sizeof cmd, "openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -binary -out %s %s",
                 hex, sig_path, in_path);
        free(hex);
        rc = sh(cmd);
    } else if (!strcmp(alg, "EdDSA")) {
        snprintf(cmd, sizeof cmd, "openssl pkeyutl -sign -inkey %s -rawin -in %s -out %s", k->path, in_path, sig_path);
        rc = sh(cmd);
    } else {
        snprintf(cmd, sizeof cmd, "openssl dgst -%s -sign %s %s -out %s %s", md, k->path,
                 alg[0] == 'P' ? "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest" : "",
                 sig_path, in_path);
        rc = sh(cmd);
    }
    size_t sn = 0;
    unsigned char *sig = rc == 0 ? slurp(sig_path, &sn) : NULL;
    if (sig && alg[0] == 'E' && alg[1] == 'S') {
        unsigned char raw[132];
        sn = der_to_raw(sig, sn, !strcmp(alg, "ES256") ? 32 : 48, raw);
        memcpy(sig, raw, sn);
    }
    char *s64 = sig ? t_b64url(sig, sn) : NULL;
    free(sig);
    char *tok = NULL;
    if (s64) {
        size_t n = strlen(input) + strlen(s64) + 2;
        tok = malloc(n);
        snprintf(tok, n, "%s.%s", input, s64);
    }
    free(s64);
    free(input);
    return tok;
}
