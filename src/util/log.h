/* log: diagnostics on stderr (stdout carries MCP messages only), with
 * the RFC 5424 levels MCP uses. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

typedef enum {
    LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING,
    LOG_ERROR, LOG_CRITICAL, LOG_ALERT, LOG_EMERGENCY
} log_level;

/* Level from its MCP name ("debug" ... "emergency"); -1 if unknown. */
int         log_level_parse(const char *name);
const char *log_level_name(log_level l);
void        log_set_level(log_level l);
/* A filter every message passes before it is written (the gateway's
 * redaction): a malloc'd replacement, or NULL to keep the message; with
 * *failed set the message is withheld.  Set once, before any thread
 * logs.  Messages are cut (between characters) after the filter. */
typedef char *(*log_filter)(void *ud, const char *msg, int *failed);
void        log_set_filter(log_filter f, void *ud);
/* Now as UTC ISO 8601 with milliseconds ("2026-11-25T08:23:55.544Z"),
 * the form of log lines and audit records. */
void        log_timestamp(char *out, size_t n);
/* What log_timestamp writes for a given time: UTC, milliseconds, "Z". */
void        log_format_time(long long secs, long nsec, char *out, size_t n);
void        log_msg(log_level l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
