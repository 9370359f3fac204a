/* Unit tests of jsonw: every number as Python's repr() writes the same
 * double (computed at test time by python3, the independent reference),
 * strings exactly as cJSON_PrintUnformatted escapes them (a differential
 * test), and every tree read back by cJSON as the tree it came from. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "jsoneq.h"
#include "testlib.h"

static int mismatches;

/* A tree without numbers: jsonw's text must be cJSON's, byte for byte. */
static void same(const cJSON *j, const char *what)
{
    size_t n = 0;
    char *ours = jsonw_print(j, &n);
    char *ref = cJSON_PrintUnformatted(j);
    int ok = (!ours && !ref) || (ours && ref && !strcmp(ours, ref) && n == strlen(ref));
    if (!ok && mismatches++ < 5)
        T_CHECK(0, "%s: jsonw '%.200s' vs cJSON '%.200s'", what, ours ? ours : "(null)",
                ref ? ref : "(null)");
    free(ours);
    free(ref);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    return t_rand(&rng);
}

#define NUMS 80100

static double g_nums[NUMS];
static size_t g_n;

static void add(double d)
{
    if (g_n < NUMS)
        g_nums[g_n++] = d;
}

static void test_numbers(void)
{
    static const double fixed[] = {
        /* The examples: 2/3 went out as 0.66666666666666663 (cJSON's
         * 17-digit fallback); 122.65625 as 122.6562 (rounded to 7 digits). */
        2.0 / 3, 122.65625, 256.0 / 384,
        0, -0.0, 1, -1, 5, 42, 1e14, 999999999999999, -999999999999999, 1e15, -1e15, 1e16,
        9007199254740991.0, 9007199254740992.0, 9007199254740994.0, 9999999999999998.0,
        12345678901234568.0, 1e17, 1e21, 1e22, 1e23, 0.1, 1.0 / 3, -2.5, 1e-7, 4.35,
        0.30000000000000004, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX, 1e300, 123456789012345.6,
        1234567890123456.5, 2147483647.0, 2147483648.0, -2147483649.0, 1.2999954, -86.6449,
        133.929, 1e-4, 0.0001000000000000001, 9.99999999999999e-5, 0.00009999999999999999,
        1e-5, 999999999999999.9, 99999999999999.99, 9.999999999999999, 0.1 + 0.2, 0.7, 1.1,
        2.675, NAN, INFINITY, -INFINITY,
    };
    g_n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        add(fixed[i]);
    /* Decimals of 14 to 17 digits at every scale, random mantissas, whole
     * numbers of every size, short decimals, random bit patterns and
     * computed numbers as the adapters make them (an origin plus a size, a
     * mean). */
    for (int i = 0; i < 16000; i++) {
        double m = (double)(next() % 100000000000000000ULL) / pow(10, (double)(14 + next() % 4));
        add(m * pow(10, (double)((int)(next() % 40) - 20)) * (next() & 1 ? 1 : -1));
        uint64_t bits = (next() & 0x000fffffffffffffULL) | ((uint64_t)(1000 + next() % 80) << 52);
        double d;
        memcpy(&d, &bits, sizeof d);
        add(d);
        add((double)(int64_t)(next() >> (next() % 64)) * (next() & 1 ? 1 : -1));
        bits = next();
        memcpy(&d, &bits, sizeof d);
        add(d);
        double o = (double)(int64_t)(next() % 2000001 - 1000000) / pow(10, (double)(next() % 7));
        double sp = (double)(next() % 100000 + 1) / pow(10, (double)(next() % 6));
        add(i % 2 ? o + sp * (double)(next() % 1024) : sp * (double)(next() % 1024) / 3);
    }
    char **want = t_py_numbers(g_nums, g_n);
    T_ASSERT(want, "python3 runs (the reference for number text)");
    mismatches = 0;
    int unread = 0;
    for (size_t i = 0; i < g_n; i++) {
        char got[JSONW_NUMBER_MAX];
        size_t n = jsonw_number(g_nums[i], got);
        if ((strcmp(got, want[i]) != 0 || n != strlen(want[i])) && mismatches++ < 5)
            T_CHECK(0, "%a: jsonw %s, Python %s", g_nums[i], got, want[i]);
        if (isfinite(g_nums[i]) && strtod(got, NULL) != g_nums[i])
            unread++;
    }
    t_py_free(want, g_n);
    T_CHECK(mismatches == 0, "%d of %zu numbers differ from Python's repr", mismatches, g_n);
    T_CHECK(unread == 0, "%d numbers do not read back", unread);
    /* The same text inside a tree. */
    cJSON *a = cJSON_CreateDoubleArray((const double[]){ 2.0 / 3, -0.0, 1e16, 122.65625 }, 4);
    char *s = jsonw_print(a, NULL);
    T_CHECK(s && !strcmp(s, "[0.6666666666666666,0,1e+16,122.65625]"), "in a tree: %s", s ? s : "(null)");
    free(s);
    cJSON_Delete(a);
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
    case 5:
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
    int differ = 0;
    mismatches = 0;
    for (int i = 0; i < 3000; i++) {
        cJSON *t = random_tree(6);
        char *s = jsonw_print(t, NULL);
        cJSON *back = s ? cJSON_Parse(s) : NULL;
        if (!(back && jq_same(t, back)) && differ++ == 0)
            T_CHECK(0, "does not read back as the same tree: %.200s", s ? s : "(null)");
        if (!jq_has_number(t))
            same(t, "tree without numbers");
        cJSON_Delete(back);
        free(s);
        cJSON_Delete(t);
    }
    T_CHECK(mismatches == 0, "%d trees without numbers differ from cJSON's text", mismatches);
    T_CHECK(differ == 0, "%d of 3,000 trees do not read back", differ);
    cJSON *o = cJSON_CreateObject();
    cJSON *raw = cJSON_AddRawToObject(o, "r", "{\"raw\":[1,2]}");
    char *s = jsonw_print(o, NULL);
    T_CHECK(s && !strcmp(s, "{\"r\":{\"raw\":[1,2]}}"), "raw text as it is: %s", s ? s : "(null)");
    free(s);
    free(raw->valuestring);
    raw->valuestring = NULL;
    T_CHECK(jsonw_print(o, NULL) == NULL, "a raw item without text cannot be printed");
    raw->type = cJSON_Invalid;
    T_CHECK(jsonw_print(o, NULL) == NULL, "an invalid item cannot be printed");
    cJSON_Delete(o);
}

int main(void)
{
    t_run("jsonw_numbers", test_numbers);
    t_run("jsonw_strings", test_strings);
    t_run("jsonw_trees", test_trees);
    return t_done();
}
