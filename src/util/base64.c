/* base64: table-driven RFC 4648 encoding with padding and strict decoding. */
#include "util/base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char enc_tab[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encodes 3 bytes into 4 characters per step; the last 1 or 2 bytes get
 * '=' padding.  The output length 4*ceil(n/3) cannot overflow for any n an
 * allocation could hold, but is checked anyway. */
char *base64_encode(const void *data, size_t n, size_t *out_len)
{
    if (n > (SIZE_MAX - 1) / 4 * 3 - 2)
        return NULL;
    size_t len = (n + 2) / 3 * 4;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    const unsigned char *p = data;
    char *o = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3, o += 4) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        o[0] = enc_tab[v >> 18];
        o[1] = enc_tab[(v >> 12) & 63];
        o[2] = enc_tab[(v >> 6) & 63];
        o[3] = enc_tab[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        o[0] = enc_tab[v >> 18];
        o[1] = enc_tab[(v >> 12) & 63];
        o[2] = i + 1 < n ? enc_tab[(v >> 6) & 63] : '=';
        o[3] = '=';
        o += 4;
    }
    *o = '\0';
    if (out_len)
        *out_len = len;
    return out;
}

/* 0..63 for alphabet characters, 64 for anything else (including '=',
 * which is only accepted at the end and handled there). */
static const unsigned char dec_tab[256] = {
#define X64 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64
    X64, X64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 64, 64, 63,   /* + / */
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,   /* 0-9 */
    64,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,   /* A-O */
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 64,   /* P-Z */
    64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,   /* a-o */
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,   /* p-z */
    X64, X64, X64, X64, X64, X64, X64, X64,
#undef X64
};

/* Strict: the length must be a multiple of 4, only alphabet characters
 * may appear, '=' only as the last one or two characters, and the unused
 * bits before the padding must be zero (so every input has exactly one
 * decoding and every byte string exactly one encoding).  No whitespace.
 * The result is NUL-terminated for convenience; *out_len excludes it. */
unsigned char *base64_decode(const char *s, size_t n, size_t *out_len)
{
    if (n % 4 != 0 || (!s && n))
        return NULL;
    size_t pad = 0;
    if (n && s[n - 1] == '=')
        pad = s[n - 2] == '=' ? 2 : 1;
    size_t len = n / 4 * 3 - pad;
    unsigned char *out = malloc(len + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    unsigned char *o = out;
    size_t full = pad ? n - 4 : n;    /* groups without padding */
    for (size_t i = 0; i < full; i += 4, o += 3) {
        unsigned a = dec_tab[p[i]], b = dec_tab[p[i + 1]],
                 c = dec_tab[p[i + 2]], d = dec_tab[p[i + 3]];
        if ((a | b | c | d) & 64)
            goto bad;
        uint32_t v = a << 18 | b << 12 | c << 6 | d;
        o[0] = (unsigned char)(v >> 16);
        o[1] = (unsigned char)(v >> 8);
        o[2] = (unsigned char)v;
    }
    if (pad) {
        const unsigned char *q = p + n - 4;
        unsigned a = dec_tab[q[0]], b = dec_tab[q[1]];
        unsigned c = pad == 1 ? dec_tab[q[2]] : 0;
        if ((a | b | c) & 64)
            goto bad;
        uint32_t v = a << 18 | b << 12 | c << 6;
        /* Bits that the padding says are unused must be zero. */
        if (v & (pad == 2 ? 0xffffu : 0xffu))
            goto bad;
        o[0] = (unsigned char)(v >> 16);
        if (pad == 1)
            o[1] = (unsigned char)(v >> 8);
    }
    out[len] = '\0';
    if (out_len)
        *out_len = len;
    return out;
bad:
    free(out);
    return NULL;
}
