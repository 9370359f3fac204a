/* test_base64: RFC 4648 vectors, round trips of every length, strictness. */
#include "util/base64.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static const struct { const char *plain, *coded; } rfc[] = {
    { "", "" },
    { "f", "Zg==" },
    { "fo", "Zm8=" },
    { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" },
    { "fooba", "Zm9vYmE=" },
    { "foobar", "Zm9vYmFy" },
};

static void test_rfc_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
        size_t n = 99;
        char *s = base64_encode(rfc[i].plain, strlen(rfc[i].plain), &n);
        T_ASSERT(s != NULL, "encode '%s'", rfc[i].plain);
        T_CHECK(strcmp(s, rfc[i].coded) == 0, "encode '%s' gave '%s'", rfc[i].plain, s);
        T_CHECK(n == strlen(rfc[i].coded), "length %zu for '%s'", n, rfc[i].plain);
        free(s);

        unsigned char *d = base64_decode(rfc[i].coded, strlen(rfc[i].coded), &n);
        T_ASSERT(d != NULL, "decode '%s'", rfc[i].coded);
        T_CHECK(n == strlen(rfc[i].plain) && memcmp(d, rfc[i].plain, n) == 0,
                "decode '%s'", rfc[i].coded);
        T_CHECK(d[n] == '\0', "decoded bytes are NUL-terminated");
        free(d);
    }
}

static void test_all_byte_values(void)
{
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    size_t n;
    char *s = base64_encode(all, sizeof all, &n);
    T_ASSERT(s != NULL, "encode");
    T_CHECK(strncmp(s, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss", 60) == 0,
            "prefix '%.60s'", s);
    T_CHECK(strcmp(s + n - 8, "/P3+/w==") == 0, "suffix '%s'", s + n - 8);
    size_t m;
    unsigned char *d = base64_decode(s, n, &m);
    T_CHECK(d && m == 256 && memcmp(d, all, 256) == 0, "round trip of 0..255");
    free(d);
    free(s);
}

static void test_round_trip_lengths(void)
{
    unsigned char data[300];
    unsigned seed = 1;
    for (size_t len = 0; len <= sizeof data; len++) {
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            data[i] = (unsigned char)(seed >> 16);
        }
        size_t n, m;
        char *s = base64_encode(data, len, &n);
        T_ASSERT(s != NULL, "encode %zu bytes", len);
        T_CHECK(n == (len + 2) / 3 * 4 && strlen(s) == n, "length for %zu bytes", len);
        unsigned char *d = base64_decode(s, n, &m);
        T_CHECK(d && m == len && memcmp(d, data, len) == 0, "round trip of %zu bytes", len);
        free(d);
        free(s);
    }
}

static void test_invalid_rejected(void)
{
    static const char *bad[] = {
        "Zg",         /* length not a multiple of 4 */
        "Zg=",
        "Zm9vY",
        "Zh==",       /* non-zero bits under the padding */
        "Zm9=",
        "Z===",       /* too much padding */
        "====",
        "=Zg=",       /* '=' not at the end */
        "Zg=a",
        "Zm9v====",
        "Zg==Zg==",   /* padding in the middle */
        "Zm9v\n",
        "Zm9\n",      /* whitespace */
        "Zm 9",
        "Zm-v",       /* URL-safe alphabet is not this one */
        "Zm_v",
        "Zm9v\xff\xff\xff\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = 12345;
        unsigned char *d = base64_decode(bad[i], strlen(bad[i]), &n);
        T_CHECK(d == NULL, "accepted invalid input #%zu", i);
        free(d);
    }
    /* An embedded NUL is just another invalid character. */
    unsigned char *d = base64_decode("Zm\0v", 4, NULL);
    T_CHECK(d == NULL, "accepted an embedded NUL");
    free(d);
}

static void test_null_out_len(void)
{
    char *s = base64_encode("ab", 2, NULL);
    T_CHECK(s && strcmp(s, "YWI=") == 0, "encode without out_len");
    unsigned char *d = base64_decode("YWI=", 4, NULL);
    T_CHECK(d && memcmp(d, "ab", 3) == 0, "decode without out_len");
    free(s);
    free(d);
}

int main(void)
{
    t_run("base64_rfc4648_vectors", test_rfc_vectors);
    t_run("base64_all_byte_values", test_all_byte_values);
    t_run("base64_round_trip_0_to_300", test_round_trip_lengths);
    t_run("base64_invalid_rejected", test_invalid_rejected);
    t_run("base64_null_out_len", test_null_out_len);
    return t_done();
}
