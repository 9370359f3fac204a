/* Unit tests of rx, the linear-time ERE matcher: the matches it finds
 * against glibc's regexec on random texts (the expected answer comes from
 * glibc, found as the old redaction loop found it), UTF-8 characters and
 * the Unicode letter classes, and the patterns it refuses. */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/rx.h"
#include "testlib.h"

typedef struct {
    char out[4096];
    size_t len;
} spans;

static int collect(void *ud, size_t start, size_t end)
{
    spans *sp = ud;
    sp->len += (size_t)snprintf(sp->out + sp->len, sizeof sp->out - sp->len, "[%zu,%zu)", start, end);
    return 0;
}

/* The matches as repeated regexec calls find them: REG_NOTBOL after the
 * start, an empty match stepped over. */
static void glibc_spans(const regex_t *re, const char *s, spans *sp)
{
    const char *p = s;
    regmatch_t m;
    int flags = 0;
    while (*p && regexec(re, p, 1, &m, flags) == 0) {
        if (m.rm_eo == m.rm_so) {
            p += m.rm_so + 1;
        } else {
            collect(sp, (size_t)(p - s + m.rm_so), (size_t)(p - s + m.rm_eo));
            p += m.rm_eo;
        }
        flags = REG_NOTBOL;
    }
}

/* Not compared: "(^a|b)+", where glibc lets ^ match inside the text
 * ("ba" is one match); POSIX and rx hold ^ to the start. */
static void test_same_matches_as_glibc(void)
{
    static const char *const pats[] = {
        "a", "ab|a", "a|ab", "(a|ab)(c|bcd)", "a*", "a+b", "(ab)*c", "x|xa*b", "a[a-c]*b",
        "[A-Za-z][A-Za-z'-]*\\^[A-Za-z][A-Za-z'^-]*", "(MRN|mrn)[ :#=]*[A-Za-z0-9-]{4,}",
        "[0-9]{3}-[0-9]{2}-[0-9]{4}", "^a+", "b+$", "^$", "a{2,3}", "(a|b){0,2}c", "[^ab]+",
        "(a*)*b", "((a|b)c?)+", "[]a]+", "[^]a]", "a.c", "(^a|b)", "c{1}d?", "\\.\\*+",
    };
    static const char alphabet[] = "aabbcd^-' 0123.*]\n";
    unsigned seed = 12345;
    int bad = 0, runs = 0;
    for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
        regex_t re;
        char why[200];
        rx *r = rx_compile(pats[k], why, sizeof why);
        T_ASSERT(r, "compiles %s: %s", pats[k], why);
        T_ASSERT(regcomp(&re, pats[k], REG_EXTENDED) == 0, "glibc compiles %s", pats[k]);
        for (int t = 0; t < 300; t++) {
            char s[40];
            size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 31;
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
            s[n] = '\0';
            spans want = { .len = 0 }, got = { .len = 0 };
            want.out[0] = got.out[0] = '\0';
            glibc_spans(&re, s, &want);
            long c = rx_matches(r, s, n, collect, &got);
            int same = c >= 0 && !strcmp(want.out, got.out);
            int found = rx_search(r, s, n);
            int glibc_found = regexec(&re, s, 0, NULL, 0) == 0;
            runs++;
            if ((!same || found != glibc_found) && bad++ < 5)
                T_CHECK(0, "pattern %s on \"%s\": glibc %s (found %d), rx %s (found %d)", pats[k], s,
                        want.out, glibc_found, got.out, found);
        }
        regfree(&re);
        rx_free(r);
    }
    T_CHECK(bad == 0, "%d of %d texts differ", bad, runs);
}

static void test_utf8(void)
{
    char why[200];
    rx *r = rx_compile("[[:alpha:]][[:alpha:]'-]*\\^[[:alpha:]][[:alpha:]'^-]*", why, sizeof why);
    T_ASSERT(r, "compiles: %s", why);
    const char *s = "Pt M\xc3\x9cLLER^HANS and \xd0\x98\xd0\x92\xd0\x90\xd0\x9d\xd0\x9e\xd0\x92^\xd0\x98\xd0\x92\xd0\x90\xd0\x9d ok";
    spans got = { .len = 0 };
    got.out[0] = '\0';
    T_CHECK(rx_matches(r, s, strlen(s), collect, &got) == 2, "two names: %s", got.out);
    /* MÜLLER^HANS: bytes 3 to 15 (Ü is two bytes); ИВАНОВ^ИВАН: 20 to 41. */
    T_CHECK(!strcmp(got.out, "[3,15)[20,41)"), "whole names, letters beyond ASCII included: %s", got.out);
    rx_free(r);
    r = rx_compile("a.b", why, sizeof why);
    T_ASSERT(r, "compiles");
    T_CHECK(rx_search(r, "a\xc3\xa9" "b", 4) == 1, "'.' is one character, not one byte");
    T_CHECK(rx_search(r, "a\xff" "b", 3) == 1, "an invalid byte is one character");
    T_CHECK(rx_search(r, "a\xc3\xa9\xa9" "b", 5) == 0, "a stray continuation byte is one more");
    rx_free(r);
    r = rx_compile("[^a]", why, sizeof why);
    spans s2 = { .len = 0 };
    s2.out[0] = '\0';
    T_CHECK(r && rx_matches(r, "\xe2\x82\xac" "a\xf0\x9f\x98\x80", 8, collect, &s2) == 2 &&
            !strcmp(s2.out, "[0,3)[4,8)"), "negated class over 3- and 4-byte characters: %s", s2.out);
    rx_free(r);
    r = rx_compile("[[:upper:]][[:lower:]]+", why, sizeof why);
    T_CHECK(r && rx_search(r, "\xc3\x96zil", 5) == 1 && rx_search(r, "\xc3\xb6zil", 5) == 0,
            "[:upper:] holds \xc3\x96, not \xc3\xb6");
    rx_free(r);
}

static void test_refused(void)
{
    static const struct { const char *pat, *why; } cases[] = {
        { "(a)\\1", "back-references" }, { "\\w+", "GNU escapes" }, { "(a", "Unmatched (" },
        { "a)", "unmatched )" }, { "[a", "unmatched [" }, { "*a", "nothing to repeat" },
        { "a{3,2}", "n < m" }, { "a{256}", "over 255" }, { "[[:letter:]]", "unknown character class" },
        { "((((((((((a){9}){9}){9}){9}){9}){9}){9}){9}){9})", "too large" }, { "[z-a]", "invalid range" },
        { "[[=a=]]", "not supported" }, { "a\\", "trailing backslash" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[300];
        rx *r = rx_compile(cases[i].pat, why, sizeof why);
        T_CHECK(!r && strstr(why, cases[i].why), "%s refused: %s (want %s)", cases[i].pat, why, cases[i].why);
        rx_free(r);
    }
}

/* The input that made glibc quadratic: a long run of letters.  Its answer
 * is checked here; its speed is a figure of make bench. */
static void test_long_run(void)
{
    char why[200];
    rx *r = rx_compile("[A-Za-z][A-Za-z'-]*\\^[A-Za-z][A-Za-z'^-]*", why, sizeof why);
    size_t n = (size_t)1 << 20;
    char *s = malloc(n + 16);
    T_ASSERT(r && s, "setup");
    memset(s, 'a', n);
    T_CHECK(rx_search(r, s, n) == 0, "no name in a run of letters");
    memcpy(s + n, "^b", 2);
    spans got = { .len = 0 };
    got.out[0] = '\0';
    T_CHECK(rx_matches(r, s, n + 2, collect, &got) == 1 && !strcmp(got.out, "[0,1048578)"),
            "one name spanning it all: %s", got.out);
    free(s);
    rx_free(r);
}

int main(void)
{
    t_run("rx_same_matches_as_glibc", test_same_matches_as_glibc);
    t_run("rx_utf8", test_utf8);
    t_run("rx_refused", test_refused);
    t_run("rx_long_run", test_long_run);
    return t_done();
}
