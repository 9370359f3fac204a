/* sha256: the SHA-256 digest (FIPS 180-4) of a byte string, as hex.  The
 * audit log records an oversized argument as its length and this digest:
 * enough to tell whether two calls sent the same value, without the text. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>

/* Writes the 64 hex digits and a NUL to hex. */
void sha256_hex(const void *data, size_t n, char hex[65]);

#endif
