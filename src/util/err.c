/* err: filling and prefixing caller-owned error records. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(err *e, err_kind kind, const char *fmt, ...)
{
    if (!e)
        return -1;
    e->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void err_prefix(err *e, const char *fmt, ...)
{
    if (!e)
        return;
    char pre[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    char old[sizeof e->msg];
    memcpy(old, e->msg, sizeof old);
    /* Built piecewise: the result is cut at the buffer's end on purpose. */
    size_t n = strlen(pre);
    if (n > sizeof e->msg - 3)
        n = sizeof e->msg - 3;
    memcpy(e->msg, pre, n);
    memcpy(e->msg + n, ": ", 2);
    size_t rest = sizeof e->msg - n - 3;
    size_t olen = strnlen(old, sizeof old);
    if (olen > rest)
        olen = rest;
    memcpy(e->msg + n + 2, old, olen);
    e->msg[n + 2 + olen] = '\0';
}

void err_clear(err *e)
{
    if (e) {
        e->kind = ERR_NONE;
        e->msg[0] = '\0';
    }
}
