/* sim_buf: growable, capped byte buffer. */
#include "sim_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_buf_add(sim_buf *b, const void *data, size_t n)
{
    if (b->failed)
        return -1;
    if (n > SIM_BUF_MAX || b->n > SIM_BUF_MAX - n) {
        b->failed = 1;
        return -1;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) {
            b->failed = 1;
            return -1;
        }
        b->p = np;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

int sim_buf_puts(sim_buf *b, const char *s)
{
    return sim_buf_add(b, s, strlen(s));
}

int sim_buf_putc(sim_buf *b, int c)
{
    unsigned char ch = (unsigned char)c;
    return sim_buf_add(b, &ch, 1);
}

int sim_buf_printf(sim_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0) {
        b->failed = 1;
        return -1;
    }
    if ((size_t)len < sizeof small)
        return sim_buf_add(b, small, (size_t)len);
    char *big = malloc((size_t)len + 1);
    if (!big) {
        b->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)len + 1, fmt, ap);
    va_end(ap);
    int rc = sim_buf_add(b, big, (size_t)len);
    free(big);
    return rc;
}

unsigned char *sim_buf_take(sim_buf *b, size_t *n)
{
    unsigned char *p = b->p;
    if (n)
        *n = b->n;
    if (!p)
        p = calloc(1, 1);
    b->p = NULL;
    b->n = b->cap = 0;
    b->failed = 0;
    return p;
}

void sim_buf_free(sim_buf *b)
{
    if (!b)
        return;
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->failed = 0;
}
