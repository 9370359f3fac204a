/* log: leveled, timestamped lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static log_level g_level = LOG_INFO;

static const char *const names[] = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"
};

int log_level_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (name && strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *log_level_name(log_level l)
{
    return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "?";
}

void log_set_level(log_level l) { g_level = l; }

void log_timestamp(char *out, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

void log_msg(log_level l, const char *fmt, ...)
{
    if (l < g_level)
        return;
    char line[2048];
    char when[80];
    log_timestamp(when, sizeof when);
    int n = snprintf(line, sizeof line, "%s slicer-mcp %s: ", when, log_level_name(l));
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line)
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per line so concurrent writers never interleave mid-line. */
    size_t len = strlen(line);
    if (len + 1 < sizeof line) {
        line[len] = '\n';
        line[len + 1] = '\0';
    }
    fputs(line, stderr);
}
