/* base64: standard alphabet with padding (RFC 4648 section 4). */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/* Returns a malloc'd NUL-terminated encoding of n bytes, or NULL on OOM. */
char *base64_encode(const void *data, size_t n, size_t *out_len);
/* Decodes; returns malloc'd bytes or NULL on invalid input / OOM. */
unsigned char *base64_decode(const char *s, size_t n, size_t *out_len);

#endif
