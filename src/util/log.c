/* log: leveled, timestamped lines on stderr. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"

/* Bytes of one message the filter sees whole before the line is cut, so
 * a name that straddles the cut is still found. */
#define LOG_MAX_FILTERED (64u << 10)

static log_level g_level = LOG_INFO;
static log_filter g_filter;
static void *g_filter_ud;

void log_set_filter(log_filter f, void *ud)
{
    g_filter = f;
    g_filter_ud = ud;
}

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

/* Two digits of v at p. */
static char *two(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* The civil date of a day count since 1970-01-01 (proleptic Gregorian;
 * H. Hinnant's civil_from_days; days >= 0 here).  gmtime_r and snprintf took
 * 3,700 instructions a stamp, and every tools/call stamps twice. */
static void civil(long long days, unsigned long long *y, unsigned *m, unsigned *d)
{
    long long z = days + 719468;
    long long era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (unsigned long long)((long long)yoe + era * 400 + (*m <= 2));
}

void log_format_time(long long secs, long nsec, char *out, size_t n)
{
    if (secs < 0)   /* a clock before 1970 is broken: say 1970 */
        secs = 0;
    long long days = secs / 86400;
    unsigned sod = (unsigned)(secs % 86400), mo, d;
    unsigned long long y;
    civil(days, &y, &mo, &d);
    char b[48], yd[24], *p = b;
    int k = 0;
    do
        yd[k++] = (char)('0' + y % 10);
    while ((y /= 10) != 0);
    while (k < 4)
        yd[k++] = '0';
    while (k > 0)
        *p++ = yd[--k];
    *p++ = '-';
    p = two(p, mo);
    *p++ = '-';
    p = two(p, d);
    *p++ = 'T';
    p = two(p, sod / 3600);
    *p++ = ':';
    p = two(p, sod / 60 % 60);
    *p++ = ':';
    p = two(p, sod % 60);
    unsigned ms = (unsigned)(nsec / 1000000L) % 1000;
    *p++ = '.';
    *p++ = (char)('0' + ms / 100);
    p = two(p, ms % 100);
    *p++ = 'Z';
    size_t len = (size_t)(p - b);
    if (n == 0)
        return;
    if (len >= n)
        len = n - 1;
    memcpy(out, b, len);
    out[len] = '\0';
}

void log_timestamp(char *out, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    log_format_time((long long)ts.tv_sec, ts.tv_nsec, out, n);
}

static size_t vline(log_level l, char *out, size_t n, const char *fmt, va_list ap)
{
    if (l < g_level || n < 2)
        return 0;
    /* The prefix by hand: printf costs a microsecond a call. */
    char head[96];
    log_timestamp(head, 32);
    size_t k = strlen(head);
    static const char who[] = " slicer-mcp ";
    const char *lv = log_level_name(l);
    size_t lvn = strlen(lv);
    memcpy(head + k, who, sizeof who - 1);
    k += sizeof who - 1;
    memcpy(head + k, lv, lvn);
    k += lvn;
    head[k++] = ':';
    head[k++] = ' ';
    if (k > n - 2)
        k = n - 2;
    memcpy(out, head, k);
    char small[2048], *big = NULL;
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(small, sizeof small, fmt, ap);
    const char *msg = need < 0 ? "" : small;
    if (g_filter && need >= (int)sizeof small) {
        size_t len = (size_t)need < LOG_MAX_FILTERED ? (size_t)need + 1 : LOG_MAX_FILTERED;
        if ((big = malloc(len)) != NULL) {
            vsnprintf(big, len, fmt, again);
            msg = big;
        }
    }
    va_end(again);
    /* The one place a stderr line's text is redacted. */
    int failed = 0;
    char *filtered = g_filter ? g_filter(g_filter_ud, msg, &failed) : NULL;
    if (failed)
        msg = "(message withheld: it could not be redacted)";
    else if (filtered)
        msg = filtered;
    size_t len = utf8_prefix(msg, strlen(msg), n - 2 - k);
    memcpy(out + k, msg, len);
    k += len;
    out[k++] = '\n';
    out[k] = '\0';
    free(filtered);
    free(big);
    return k;
}

void log_msg(log_level l, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    size_t len = vline(l, line, sizeof line, fmt, ap);
    va_end(ap);
    if (len)    /* one fwrite, so concurrent writers never interleave mid-line */
        fwrite(line, 1, len, stderr);
}
