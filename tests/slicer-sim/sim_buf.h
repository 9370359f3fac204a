/* sim_buf: a growable byte buffer with a hard cap, used by every part of
 * the stand-in that builds text or response bodies. */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <stddef.h>

/* Largest buffer the stand-in ever builds (an oversize fault or an NRRD). */
#define SIM_BUF_MAX ((size_t)768 * 1024 * 1024)

typedef struct {
    unsigned char *p;   /* malloc'd, always NUL-terminated when non-NULL */
    size_t n;           /* bytes used */
    size_t cap;         /* bytes allocated */
    int failed;         /* set once an append failed (OOM or cap) */
} sim_buf;

/* Appends; returns 0, or -1 (and sets failed) on OOM or past SIM_BUF_MAX. */
int  sim_buf_add(sim_buf *b, const void *data, size_t n);
int  sim_buf_puts(sim_buf *b, const char *s);
int  sim_buf_putc(sim_buf *b, int c);
int  sim_buf_printf(sim_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (who frees them) and resets b. */
unsigned char *sim_buf_take(sim_buf *b, size_t *n);
void sim_buf_free(sim_buf *b);

#endif
