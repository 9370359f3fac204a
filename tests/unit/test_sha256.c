/* Unit tests of sha256: digests of texts whose padding takes one block,
 * two blocks and many, against sha256sum's answers. */
#include <string.h>

#include "util/sha256.h"
#include "testlib.h"

static void test_vectors(void)
{
    static char a60[61], a1000[1001];
    memset(a60, 'a', 60);
    memset(a1000, 'a', 1000);
    static const struct { const char *in, *want; } cases[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { a60, "11ee391211c6256460b6ed375957fadd8061cafbb31daf967db875aebd5aaad4" },
        { a1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hex[65];
        sha256_hex(cases[i].in, strlen(cases[i].in), hex);
        T_CHECK(!strcmp(hex, cases[i].want), "%zu bytes: %s", strlen(cases[i].in), hex);
    }
}

int main(void)
{
    t_run("sha256_vectors", test_vectors);
    return t_done();
}
