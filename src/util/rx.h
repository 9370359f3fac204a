/* rx: POSIX extended regular expressions matched in time linear in the
 * text, whatever the pattern.
 *
 * Why not glibc's regexec: it is quadratic on some patterns and inputs
 * (the redaction rule "[A-Za-z][A-Za-z'-]*\^..." on a long run of letters
 * took 11.8 s for 80,000 letters) and exponential with back-references,
 * and redaction runs on text a client chose.  Debian's PCRE2 backtracks
 * too, and RE2 is C++.  rx is a Thompson NFA run once over the text, right
 * to left, keeping for each NFA state only the thread with the furthest
 * match end: every step costs at most the program's length, so a search
 * costs O(text x program) and the program is capped (RX_MAX_PROG).
 *
 * Dialect: POSIX ERE as regcomp(REG_EXTENDED) reads it -- . [] [^] ranges
 * [:class:] () | * + ? {m} {m,} {m,n} ^ $ and \ before a special
 * character -- over UTF-8 characters rather than bytes.  Matches are
 * leftmost-longest, as POSIX says.  [:alpha:] and [:alnum:] also hold the
 * letters of the Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew,
 * Arabic and Devanagari scripts, kana, CJK ideographs and Hangul;
 * [:upper:] and [:lower:] the cased letters of Latin-1, Latin Extended-A,
 * Greek and Cyrillic.  Refused with a reason: back-references (\1; no
 * linear-time matcher can do them), GNU escapes (\w \s \b \< ...),
 * [=x=] and [.x.], a quantifier with nothing to repeat, and programs over
 * RX_MAX_PROG steps.  Invalid UTF-8 in the text matches only '.' and
 * negated brackets, a byte at a time. */
#ifndef RX_H
#define RX_H

#include <stddef.h>

#define RX_MAX_PROG  4096   /* NFA steps of one compiled pattern */
#define RX_MAX_DEPTH 64     /* nested groups */
#define RX_MAX_REPEAT 255   /* the m and n of {m,n} (RE_DUP_MAX) */

typedef struct rx rx;

/* Compiles pattern (NUL-terminated UTF-8); NULL with a reason in why. */
rx  *rx_compile(const char *pattern, char *why, size_t why_len);
void rx_free(rx *r);

/* 1 when pattern matches somewhere in the n bytes at s, 0 when not, -1
 * when out of memory. */
int rx_search(const rx *r, const char *s, size_t n);

/* Calls each(ud, start, end) for the leftmost-longest matches of r in the
 * n bytes at s, left to right and not overlapping, as repeated regexec
 * calls would find them (an empty match is skipped over).  each returns 0
 * to go on.  Returns the number of matches, or -1 when out of memory. */
typedef int (*rx_each)(void *ud, size_t start, size_t end);
long rx_matches(const rx *r, const char *s, size_t n, rx_each each, void *ud);

#endif
