/* Unit tests of jsonw: its text must be cJSON_PrintUnformatted's, byte for
 * byte, for every number, string and shape (a differential test: cJSON is
 * the reference), and it must read back as the same tree. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "testlib.h"

static int mismatches;

/* Compares the two printers on one tree; reports the first few misses. */
static void same(const cJSON *j, const char *what)
{
    size_t n = 0;
    char *ours = jsonw_print(j, &n);
    char *ref = cJSON_PrintUnformatted(j);
    int ok = (!ours && !ref) || (ours && ref && !strcmp(ours, ref) && n == strlen(ref));
    if (!ok && mismatches++ < 5)
        T_CHECK(0, "%s: jsonw '%.200s' vs cJSON '%.200s'", what, ours ? ours : "(null)",
                ref ? ref : "(null)");
    /* The one-pass twin: the same text, and that text as a JSON string
     * exactly as jsonw_string writes it. */
    size_t tn = 0, qn = 0, wn = 0;
    char *quoted = NULL, *twin = jsonw_print_quoted(j, &tn, &quoted, &qn), *want = NULL;
    if (ours) {
        jsonw_out w;
        jsonw_begin(&w, 16);
        jsonw_string(&w, ours);
        want = jsonw_end(&w, &wn);
    }
    int tok = (!ours && !twin && !quoted) ||
              (ours && twin && quoted && want && !strcmp(twin, ours) && tn == n &&
               !strcmp(quoted, want) && qn == wn);
    if (!tok && mismatches++ < 5)
        T_CHECK(0, "%s: quoted twin '%.200s' vs '%.200s'", what, quoted ? quoted : "(null)",
                want ? want : "(null)");
    free(twin);
    free(quoted);
    free(want);
    free(ours);
    free(ref);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    return t_rand(&rng);
}

static void test_numbers(void)
{
    static const double fixed[] = {
        0, 1, -1, 5, 42, 1e14, 999999999999999, -999999999999999, 1e15, -1e15, 1e16,
        9007199254740992.0, 9007199254740994.0, 0.1, 1.0 / 3, -2.5, 1e-7, 4.35, 0.30000000000000004,
        5e-324, DBL_MIN, DBL_MAX, -DBL_MAX, 1e300, 1e21, 123456789012345.6, 2147483647.0,
        2147483648.0, -2147483649.0, 1.2999954, -86.6449, 133.929,
        /* Where %g changes notation, and 15-digit rounding that carries. */
        1e-4, 0.0001000000000000001, 9.99999999999999e-5, 0.00009999999999999999, 1e-5,
        999999999999999.9, 99999999999999.99, 9.999999999999999, 0.1 + 0.2, 0.7, 1.1, 2.675,
    };
    mismatches = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        cJSON *j = cJSON_CreateNumber(fixed[i]);
        same(j, "fixed number");
        cJSON_Delete(j);
    }
    cJSON *z = cJSON_CreateNumber(0);
    z->valuedouble = -0.0;
    same(z, "negative zero");
    char *s = jsonw_print(z, NULL);
    T_CHECK(s && !strcmp(s, "-0"), "-0 stays -0: %s", s ? s : "(null)");
    free(s);
    double odd[] = { NAN, INFINITY, -INFINITY };
    for (int i = 0; i < 3; i++) {
        z->valuedouble = odd[i];
        s = jsonw_print(z, NULL);
        T_CHECK(s && !strcmp(s, "null"), "NaN and infinities print as null");
        free(s);
    }
    cJSON_Delete(z);
    /* Random bit patterns, whole numbers of every size, short decimals,
     * decimals of 14 to 17 digits over the range %g writes without an
     * exponent, and doubles with all 53 bits set at random there. */
    for (int i = 0; i < 20000; i++) {
        double m = (double)(next() % 100000000000000000ULL) / pow(10, (double)(14 + next() % 4));
        double d = m * pow(10, (double)((int)(next() % 24) - 6)) * (next() & 1 ? 1 : -1);
        cJSON *j = cJSON_CreateNumber(d);
        same(j, "long decimal");
        cJSON_Delete(j);
        uint64_t bits = (next() & 0x000fffffffffffffULL) | ((uint64_t)(1010 + next() % 50) << 52);
        memcpy(&d, &bits, sizeof d);
        j = cJSON_CreateNumber(d);
        same(j, "random mantissa");
        cJSON_Delete(j);
    }
    /* Computed numbers, as the adapters make them: an origin plus a
     * size, a spacing times a count (rarely a 15-digit decimal). */
    for (int i = 0; i < 20000; i++) {
        double o = (double)(int64_t)(next() % 2000001 - 1000000) / pow(10, (double)(next() % 7));
        double sp = (double)(next() % 100000 + 1) / pow(10, (double)(next() % 6));
        double d = i % 2 ? o + sp * (double)(next() % 1024) : sp * (double)(next() % 1024) / 3;
        cJSON *j = cJSON_CreateNumber(d);
        same(j, "computed number");
        cJSON_Delete(j);
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (i % 3 == 1)
            d = (double)(int64_t)(next() >> (next() % 64)) * (next() & 1 ? 1 : -1);
        else if (i % 3 == 2)
            d = (double)(int64_t)(next() % 2000001 - 1000000) / pow(10, (double)(next() % 8));
        cJSON *j = cJSON_CreateNumber(d);
        j->valuedouble = d;     /* cJSON_CreateNumber keeps NaN; set it as is */
        same(j, "random number");
        cJSON_Delete(j);
    }
    T_CHECK(mismatches == 0, "%d of 80,000+ numbers differ", mismatches);
}

static void test_strings(void)
{
    mismatches = 0;
    char one[4];
    for (int c = 1; c < 256; c++) {
        snprintf(one, sizeof one, "%c", c);
        cJSON *j = cJSON_CreateString(one);
        same(j, "one byte");
        cJSON_Delete(j);
    }
    cJSON *j = cJSON_CreateString("");
    same(j, "empty string");
    free(j->valuestring);
    j->valuestring = NULL;
    same(j, "string without text");
    cJSON_Delete(j);
    /* Strings with escapes in runs, at the ends, sparse (where whole 8-byte
     * blocks are plain) and none at all; short ones of every length. */
    for (int i = 0; i < 1500; i++) {
        size_t n = i < 500 ? next() % 5000 : next() % 40;
        unsigned rate = (unsigned[]){ 15, 1, 0 }[i % 3];   /* % of bytes escaped */
        char *s = malloc(n + 1);
        for (size_t k = 0; k < n; k++) {
            unsigned r = (unsigned)(next() % 1000), e = rate * 10;
            s[k] = (char)(r < e / 3 ? 1 + next() % 31 : r < e * 2 / 3 ? '"' : r < e ? '\\'
                          : r < e + 30 ? 128 + next() % 128 : 32 + next() % 95);
        }
        s[n] = '\0';
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, s, s);
        same(o, "random string");
        cJSON_Delete(o);
        free(s);
    }
    T_CHECK(mismatches == 0, "%d strings differ", mismatches);
    char *p = jsonw_print(cJSON_GetArrayItem(NULL, 0), NULL);
    T_CHECK(p == NULL, "NULL item: NULL");
}

static cJSON *random_tree(int depth)
{
    unsigned k = (unsigned)(next() % (depth > 0 ? 9 : 6));
    switch (k) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateBool(next() & 1);
    case 2: return cJSON_CreateNumber((double)(int64_t)(next() % 100000) / (double)(1 + next() % 1000));
    case 3: return cJSON_CreateNumber((double)(int64_t)next());
    case 4: return cJSON_CreateString(next() & 1 ? "plain" : "a \"quoted\"\n\ttab\\ \x01 \xc3\xa9");
    case 5: return cJSON_CreateRaw("{\"raw\":[1,2]}");
    case 6:
    case 7: {
        cJSON *a = cJSON_CreateArray();
        for (unsigned n = (unsigned)(next() % 5); n; n--)
            cJSON_AddItemToArray(a, random_tree(depth - 1));
        return a;
    }
    default: {
        cJSON *o = cJSON_CreateObject();
        char key[16];
        for (unsigned n = (unsigned)(next() % 5); n; n--) {
            snprintf(key, sizeof key, "k%u\"\\", (unsigned)(next() % 100));
            cJSON_AddItemToObject(o, key, random_tree(depth - 1));
        }
        return o;
    }
    }
}

static void test_trees(void)
{
    int unparsed = 0;
    mismatches = 0;
    for (int i = 0; i < 3000; i++) {
        cJSON *t = random_tree(6);
        same(t, "random tree");
        /* The raw items hold valid JSON, so the whole text parses. */
        char *s = jsonw_print(t, NULL);
        cJSON *back = s ? cJSON_Parse(s) : NULL;
        if (!back && unparsed++ == 0)
            T_CHECK(0, "jsonw text does not parse: %.200s", s ? s : "(null)");
        cJSON_Delete(back);
        free(s);
        cJSON_Delete(t);
    }
    T_CHECK(unparsed == 0, "%d of 3,000 texts do not parse", unparsed);
    T_CHECK(mismatches == 0, "%d of 3,000 trees differ", mismatches);
    cJSON *bad = cJSON_CreateObject();
    cJSON *raw = cJSON_CreateRaw("1");
    free(raw->valuestring);
    raw->valuestring = NULL;
    cJSON_AddItemToObject(bad, "r", raw);
    same(bad, "raw without text");
    T_CHECK(jsonw_print(bad, NULL) == NULL, "a raw item without text cannot be printed");
    raw->type = cJSON_Invalid;
    T_CHECK(jsonw_print(bad, NULL) == NULL, "an invalid item cannot be printed");
    cJSON_Delete(bad);
}

/* Piece by piece gives what jsonw_print gives for the same tree; an
 * invalid item fails the whole text. */
static void test_pieces(void)
{
    cJSON *tree = cJSON_Parse("{\"a\":\"x\\\"y\\n\",\"n\":0.1,\"v\":[1,{\"k\":null}]}");
    char *want = jsonw_print(tree, NULL);
    jsonw_out o;
    jsonw_begin(&o, 1);   /* from one byte: every piece makes it grow */
    jsonw_raw(&o, "{\"a\":", 5);
    jsonw_string(&o, "x\"y\n");
    jsonw_raw(&o, ",\"n\":", 5);
    jsonw_number(&o, 0.1);
    jsonw_raw(&o, ",\"v\":", 5);
    jsonw_value(&o, cJSON_GetObjectItem(tree, "v"));
    jsonw_raw(&o, "}", 1);
    size_t len = 0;
    char *got = jsonw_end(&o, &len);
    T_CHECK(want && got && strcmp(got, want) == 0 && len == strlen(want), "%s vs %s", got, want);
    free(got);
    free(want);
    cJSON_Delete(tree);

    cJSON bad = { 0 };   /* type cJSON_Invalid */
    jsonw_begin(&o, 16);
    jsonw_raw(&o, "[", 1);
    jsonw_value(&o, &bad);
    T_CHECK(jsonw_end(&o, NULL) == NULL, "an invalid item fails the text");
    jsonw_begin(&o, 16);
    jsonw_value(&o, NULL);
    T_CHECK(jsonw_end(&o, NULL) == NULL, "so does a missing one");
}

int main(void)
{
    t_run("jsonw_numbers", test_numbers);
    t_run("jsonw_strings", test_strings);
    t_run("jsonw_trees", test_trees);
    t_run("jsonw_pieces", test_pieces);
    return t_done();
}
