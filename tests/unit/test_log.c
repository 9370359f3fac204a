/* test_log: the hand-made timestamps against gmtime_r and printf. */
#include "util/log.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* What log_format_time must write, the slow way. */
static void reference(long long secs, long nsec, char *out, size_t n)
{
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02d.%03ldZ", (long long)tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec / 1000000L);
}

static int same_as_reference(long long secs, long nsec)
{
    char got[64], want[64];
    log_format_time(secs, nsec, got, sizeof got);
    reference(secs, nsec, want, sizeof want);
    if (strcmp(got, want) != 0) {
        T_CHECK(0, "%lld.%09ld: got %s, want %s", secs, nsec, got, want);
        return 0;
    }
    return 1;
}

static void test_calendar_edges(void)
{
    static const long long days[] = {
        0, 58, 59, 364, 365, 789, 790,          /* 1970; 1972-02-29 and 03-01 */
        10956, 11015, 11016, 11017,              /* 2000-01-01, 02-28, 02-29, 03-01 */
        47540, 47541, 47542,                     /* 2100-02-28, 03-01 (no 02-29) */
        20784, 24106, 2932896, 2932897,          /* 2026-11-27, 2036-01-01, 9999-12-31, 10000-01-01 */
    };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        same_as_reference(days[i] * 86400, 0);
        same_as_reference(days[i] * 86400 + 86399, 999999999);
    }
}

static void test_random_times(void)
{
    unsigned long long st = 0x9e3779b97f4a7c15ULL;
    int bad = 0;
    for (int i = 0; i < 200000 && bad < 5; i++) {
        long long secs = (long long)(t_rand(&st) % (2932897ULL * 86400ULL));
        long nsec = (long)(t_rand(&st) % 1000000000ULL);
        bad += !same_as_reference(secs, nsec);
    }
    T_CHECK(bad == 0, "%d mismatches", bad);
}

static void test_before_1970_and_short_buffers(void)
{
    char b[64];
    log_format_time(-1, 0, b, sizeof b);
    T_CHECK(strcmp(b, "1970-01-01T00:00:00.000Z") == 0, "%s", b);
    char small[11];
    log_format_time(86400LL * 20784 + 3723, 45000000, small, sizeof small);
    T_CHECK(strcmp(small, "2026-11-27") == 0, "%s", small);
    char none[1] = { 'x' };
    log_format_time(0, 0, none, 0);
    T_CHECK(none[0] == 'x', "wrote into a 0-byte buffer");
}

static void test_now(void)
{
    char b[64], want[64];
    time_t before = time(NULL);
    log_timestamp(b, sizeof b);
    time_t after = time(NULL);
    /* The stamp's whole seconds are between the two clock reads. */
    int ok = 0;
    for (time_t t = before; t <= after && !ok; t++) {
        reference((long long)t, 0, want, sizeof want);
        ok = strncmp(b, want, 20) == 0;
    }
    T_CHECK(ok && strlen(b) == 24 && b[19] == '.' && b[23] == 'Z', "%s", b);
}

int main(void)
{
    t_run("log_calendar_edges", test_calendar_edges);
    t_run("log_random_times_match_gmtime", test_random_times);
    t_run("log_before_1970_and_short_buffers", test_before_1970_and_short_buffers);
    t_run("log_timestamp_is_now", test_now);
    return t_done();
}
