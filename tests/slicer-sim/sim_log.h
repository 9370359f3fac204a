/* sim_log: the request log tests read to see which calls reached
 * "Slicer": one compact JSON object per line, flushed per request. */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stddef.h>

typedef struct {
    const char *method;        /* "" when the request line was unusable */
    const char *target;        /* raw request target */
    int         status;        /* 0 when nothing was answered */
    size_t      bytes;         /* response body bytes sent */
    size_t      body_bytes;    /* request body bytes received */
    const char *code;          /* exec code, or NULL */
    const char *fault;         /* injected fault kind, or NULL */
    int         control;       /* a /__sim control request */
} sim_log_entry;

/* Opens (truncates) the log; path NULL means no log.  0 or -1. */
int  sim_log_open(const char *path);
void sim_log_write(const sim_log_entry *e);
void sim_log_close(void);

#endif
