/* buf: a growable byte buffer with a hard cap, always NUL-terminated.
 * Every buffer that outside input can grow is a buf with a cap, so no
 * client, file or Slicer response can make the gateway allocate without
 * bound (the idea of curl's dynbuf). */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

typedef struct {
    char  *data;   /* owned; NULL until the first append */
    size_t len;
    size_t alloc;
    size_t cap;    /* appends that would pass this fail */
} buf;

void buf_init(buf *b, size_t cap);
/* Appends n bytes; returns -1 (buffer unchanged) past the cap or on OOM. */
int  buf_append(buf *b, const void *p, size_t n);
int  buf_puts(buf *b, const char *s);
/* Appends s percent-encoded: every byte but RFC 3986's unreserved ones
 * (A-Z a-z 0-9 - _ . ~) as %XX, which a query string and an
 * application/x-www-form-urlencoded body both read back as s. */
int  buf_put_pct(buf *b, const char *s);
int  buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (who frees it) and resets b. */
char *buf_steal(buf *b, size_t *len);
void buf_reset(buf *b);   /* len = 0, keeps memory */
void buf_free(buf *b);

#endif
