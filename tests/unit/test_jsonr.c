/* Unit tests of jsonr: a differential test against cJSON, the reference.
 * Every text here, hand-picked or generated and then damaged, must be
 * refused by both parsers or read by both into the same tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsondiff.h"
#include "testlib.h"

static int mismatches;

static void check(const char *s, size_t n, const char *what)
{
    char why[200];
    if (jsondiff(s, n, why, sizeof why) && mismatches++ < 5) {
        char shown[800];
        size_t w = 0;
        for (size_t i = 0; i < n && w + 5 < sizeof shown; i++)
            w += (size_t)snprintf(shown + w, sizeof shown - w, (unsigned char)s[i] < 32 ||
                                  (unsigned char)s[i] > 126 ? "\\x%02x" : "%c", (unsigned char)s[i]);
        shown[w] = '\0';
        T_CHECK(0, "%s: %s on %s (%zu bytes)", what, why, shown, n);
    }
}

static void check_str(const char *s, const char *what)
{
    check(s, strlen(s), what);
}

static unsigned long long rng = 0x2545f4914f6cdd1dULL;
static uint64_t next(void)
{
    return t_rand(&rng);
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next() % n);
}

static void test_quirks(void)
{
    static const char *const texts[] = {
        /* literals, and what only starts like them */
        "null", "true", "false", "nul", "tru", "fals", "nulll", "truex", "n", "NULL", "True",
        /* numbers cJSON reads through strtod, strange ones included */
        "0", "-0", "-00", "007", "1.", "-.5", "1e5", "1E+5", "1e-5", "1e", "1e+", "1.5.6", "1-2",
        "1+2", "--1", "-", "+1", ".5", "1e400", "-1e400", "1e-400", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "999999999999999", "1000000000000000", "9007199254740993",
        "123456789012345678901234567890123456789012345678901234567890123456789",
        "0.1", "3.14159265358979323846264338327950288", "1E0", "0e0", "0x10", "1_000",
        /* strings and escapes */
        "\"\"", "\"a\"", "\"\\\"\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\x\"",
        "\"\\u0041\"", "\"\\u00e9\"", "\"\\u20AC\"", "\"\\uD83D\\uDE00\"", "\"\\uD83D\"",
        "\"\\uD83Dx\"", "\"\\uD83D\\u0041\"", "\"\\uDE00\"", "\"\\u0000x\"", "\"\\uZZZZ\"",
        "\"\\u12\"", "\"\\u123\"", "\"\\u1234", "\"abc", "\"abc\\", "\"abc\\\"", "\"\t\x01\"",
        "\"\xc3\xa9\xff\"", "\"\\uDBFF\\uDFFF\"", "\"\\ud800\\udc00\"",
        /* containers */
        "[]", "[ ]", "[", "]", "[1,]", "[,1]", "[1 2]", "[1,2", "[[[]]]", "{}", "{ }", "{",
        "{\"a\":1}", "{\"a\" : 1 , \"b\":[true,false,null]}", "{\"a\"}", "{\"a\":}", "{a:1}",
        "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}", "{\"\":\"\"}",
        "{\"k\\u0000x\":1}", "[\"\\u0000\"]", "{1:2}",
        /* what surrounds the value */
        "  1  ", "\t\r\n[1]\n", "1 2", "[1] x", "\xEF\xBB\xBF{}", "\xEF\xBB\xBF" "1",
        "\xEF\xBB\xBF" "12", "\xEF\xBB\xBF", "\x01\x02 3", "", " ", "x",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        check_str(texts[i], "quirk");
    /* NUL bytes inside the given length. */
    check("\0" "1", 2, "leading NUL");
    check("[1,\0 2]", 7, "NUL as white space");
    check("\"a\0b\"", 5, "NUL in a string");
    check("nu\0l", 4, "NUL in a literal");
    check(NULL, 0, "NULL text");
    check("1", 0, "zero length");
    T_CHECK(mismatches == 0, "%d texts read differently", mismatches);
}

static void nested(int depth, int object, const char *what)
{
    size_t n = (size_t)depth * 6 + 2;
    char *s = malloc(n), *p = s;
    for (int i = 0; i < depth; i++)
        p += object ? (memcpy(p, "{\"k\":", 5), 5) : (*p = '[', 1);
    *p++ = '0';
    for (int i = 0; i < depth; i++)
        *p++ = object ? '}' : ']';
    check(s, (size_t)(p - s), what);
    free(s);
}

static void test_depth(void)
{
    mismatches = 0;
    nested(999, 0, "999 arrays");
    nested(1000, 0, "1000 arrays");
    nested(1001, 0, "1001 arrays");
    nested(1000, 1, "1000 objects");
    nested(1001, 1, "1001 objects");
    const char *e = NULL;
    char deep[1003];
    memset(deep, '[', 1001);
    cJSON *j = jsonr_parse(deep, 1001, &e);
    T_CHECK(j == NULL, "1001 open arrays are refused");
    T_CHECK(mismatches == 0, "%d nestings read differently", mismatches);
}

/* ---- generated texts ----------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void ws(text *t)
{
    static const char sp[] = { ' ', '\t', '\n', '\r', ' ', '\x01', '\x1f', '\0' };
    for (unsigned k = pick(4) ? 0 : pick(3) + 1; k; k--)
        put(t, &sp[pick(sizeof sp)], 1);
}

static void gen_number(text *t)
{
    static const char *const forms[] = { "0", "-0", "1", "-1", "12", "1.5", "-0.25", "1e3",
                                         "2E-2", "6.02e+23", "1e308", "4.9e-324", "00", "1." };
    if (pick(3)) {
        puts_(t, forms[pick(sizeof forms / sizeof forms[0])]);
        return;
    }
    char b[128];
    size_t n = 0;
    if (pick(2))
        b[n++] = '-';
    for (unsigned d = pick(pick(4) ? 18 : 80) + 1; d && n < 100; d--)
        b[n++] = (char)('0' + pick(10));
    if (!pick(3)) {
        b[n++] = '.';
        for (unsigned d = pick(20) + 1; d; d--)
            b[n++] = (char)('0' + pick(10));
    }
    if (!pick(3))
        n += (size_t)snprintf(b + n, sizeof b - n, "e%s%u", pick(2) ? "-" : "", pick(400));
    put(t, b, n);
}

static void gen_string(text *t)
{
    static const char *const parts[] = { "a", "key", " ", "\\\"", "\\\\", "\\/", "\\b", "\\n",
                                         "\\t", "\\u0041", "\\u00E9", "\\u20ac", "\\uD834\\uDD1E",
                                         "\\uD834", "\\uDD1E", "\\u0000", "\\uzzzz", "\xc3\xa9",
                                         "\x7f", "\x01", "\\q" };
    puts_(t, "\"");
    for (unsigned k = pick(6); k; k--)
        puts_(t, parts[pick(pick(4) ? 13 : sizeof parts / sizeof parts[0])]);
    puts_(t, "\"");
}

static void gen_value(text *t, int depth);

static void gen_container(text *t, int depth, int object)
{
    puts_(t, object ? "{" : "[");
    for (unsigned k = pick(5), i = 0; i < k; i++) {
        ws(t);
        if (object) {
            gen_string(t);
            ws(t);
            puts_(t, ":");
            ws(t);
        }
        gen_value(t, depth - 1);
        ws(t);
        if (i + 1 < k)
            puts_(t, ",");
    }
    puts_(t, object ? "}" : "]");
}

static void gen_value(text *t, int depth)
{
    switch (pick(depth > 0 ? 8 : 6)) {
    case 0: puts_(t, pick(3) ? "null" : pick(2) ? "true" : "false"); break;
    case 1:
    case 2: gen_number(t); break;
    case 3:
    case 4:
    case 5: gen_string(t); break;
    case 6: gen_container(t, depth, 0); break;
    default: gen_container(t, depth, 1);
    }
}

/* Damage: a byte changed to one that matters to a parser, one dropped,
 * one doubled, or the text cut short. */
static size_t mutate(char *s, size_t n)
{
    static const char bytes[] = "\"\\{}[],:0123456789-+.eEnultfru \t\n\0\x01\xff";
    if (n == 0)
        return 0;
    size_t i = pick((unsigned)n);
    switch (pick(4)) {
    case 0: s[i] = bytes[pick(sizeof bytes - 1)]; return n;
    case 1: memmove(s + i, s + i + 1, n - i - 1); return n - 1;
    case 2: return i;
    default: return n;   /* left whole */
    }
}

/* Plain decimals around the 15-digit limit of jsonr's exact path, read
 * bit for bit as cJSON's strtod reads them. */
static void test_decimals(void)
{
    for (int i = 0; i < 100000 && mismatches < 5; i++) {
        char b[48];
        size_t n = 0;
        if (pick(2))
            b[n++] = '-';
        unsigned digits = pick(17) + 1, point = pick(digits + 1);
        for (unsigned d = 0; d < digits; d++) {
            if (d == point && d)
                b[n++] = '.';
            b[n++] = (char)('0' + (d == 0 && pick(4) ? pick(9) + 1 : pick(10)));
        }
        b[n] = '\0';
        check(b, n, "decimal");
    }
    check_str("0.1", "decimal");
    check_str("-0.0", "decimal");
    check_str("123456789012345.6", "decimal");
    check_str("0.000000000000001", "decimal");
    check_str("9.99999999999999", "decimal");
}

static void test_generated(void)
{
    mismatches = 0;
    text t = { 0 };
    int parsed = 0;
    for (int i = 0; i < 60000; i++) {
        t.n = 0;
        ws(&t);
        gen_value(&t, (int)pick(6));
        ws(&t);
        size_t n = t.n;
        for (unsigned m = pick(3); m; m--)
            n = mutate(t.p, n);
        const char *e;
        cJSON *j = jsonr_parse(t.p, n, &e);
        parsed += j != NULL;
        cJSON_Delete(j);
        check(t.p, n, "generated");
    }
    free(t.p);
    /* Both kinds must be well represented for the comparison to mean much. */
    T_CHECK(parsed > 20000 && parsed < 58000, "%d of 60,000 texts parse", parsed);
    T_CHECK(mismatches == 0, "%d of 60,000 texts read differently", mismatches);
}

int main(void)
{
    t_run("jsonr_quirks", test_quirks);
    t_run("jsonr_depth", test_depth);
    t_run("jsonr_decimals", test_decimals);
    t_run("jsonr_generated", test_generated);
    return t_done();
}
