/* Unit tests: http_access (Host/Origin allow-lists, bearer check, header
 * decoding, loopback test); the gate has its own (test_http_gate.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/http_access.h"
#include "testlib.h"

static void test_host(void)
{
    static const char *const custom[] = { "mcp.example", "api.example:8443", NULL };
    static const struct { const char *host; const char *const *allow; int ok; } cases[] = {
        { "localhost", NULL, 1 },
        { "localhost:8765", NULL, 1 },
        { "LocalHost:1", NULL, 1 },
        { "127.0.0.1:80", NULL, 1 },
        { "[::1]:8765", NULL, 1 },
        { "[::1]", NULL, 1 },
        { "evil.example.com", NULL, 0 },
        { "localhost.evil.example.com", NULL, 0 },
        { "127.0.0.1.nip.io", NULL, 0 },
        { "localhost:", NULL, 0 },
        { "localhost:80x", NULL, 0 },
        { "localhost:1234567", NULL, 0 },
        { "[::1", NULL, 0 },
        { "", NULL, 0 },
        { NULL, NULL, 0 },
        { "mcp.example:9", custom, 1 },
        { "api.example:8443", custom, 1 },
        { "api.example:8444", custom, 0 },
        { "localhost", custom, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        T_CHECK(http_host_allowed(cases[i].host, cases[i].allow) == cases[i].ok, "Host '%s'",
                cases[i].host ? cases[i].host : "(null)");
    static const char *const any[] = { "*", NULL };
    T_CHECK(http_host_allowed("anything.example", any), "'*' allows any host");
}

static void test_origin(void)
{
    static const char *const custom[] = { "https://app.example", NULL };
    static const struct { const char *origin; const char *const *allow; int ok; } cases[] = {
        { NULL, NULL, 1 },                              /* not a browser */
        { "http://localhost:5173", NULL, 1 },
        { "https://127.0.0.1", NULL, 1 },
        { "http://[::1]:3000", NULL, 1 },
        { "http://localhost/", NULL, 1 },
        { "null", NULL, 0 },
        { "http://evil.example.com", NULL, 0 },
        { "http://localhost.evil.example.com", NULL, 0 },
        { "file://localhost", NULL, 0 },
        { "http://localhost/path", NULL, 0 },
        { "https://app.example", custom, 1 },
        { "HTTPS://APP.EXAMPLE/", custom, 1 },
        { "https://app.example:444", custom, 0 },
        { "http://localhost", custom, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        T_CHECK(http_origin_allowed(cases[i].origin, cases[i].allow) == cases[i].ok, "Origin '%s'",
                cases[i].origin ? cases[i].origin : "(null)");
}

static void test_bearer(void)
{
    static const struct { const char *authz; int ok; } cases[] = {
        { "Bearer s3cret", 1 },
        { "bearer s3cret", 1 },
        { "Bearer  s3cret ", 1 },
        { "Bearer s3cre", 0 },
        { "Bearer s3crets", 0 },
        { "Bearer S3cret", 0 },
        { "Basic s3cret", 0 },
        { "Bearer ", 0 },
        { "", 0 },
        { NULL, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        T_CHECK(http_bearer_ok(cases[i].authz, "s3cret") == cases[i].ok, "Authorization '%s'",
                cases[i].authz ? cases[i].authz : "(null)");
}

static void test_decode(void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "tools/call", "tools/call" },
        { "  get_slicer_info \t", "get_slicer_info" },
        { "=?base64?Z2V0X3NsaWNlcl9pbmZv?=", "get_slicer_info" },
        { "=?BASE64?w7xiZXI=?=", "\xc3\xbc" "ber" },
        { "=?base64?%%%?=", NULL },
        { "=?base64?AA==?=", NULL },          /* a NUL byte */
        { "=?base64?", "=?base64?" },          /* not the wrapper: literal */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = http_header_decode(cases[i].in);
        T_CHECK(cases[i].out ? d && strcmp(d, cases[i].out) == 0 : d == NULL, "'%s' -> '%s'", cases[i].in,
                d ? d : "(null)");
        free(d);
    }
}

static void test_loopback(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    inet_pton(AF_INET, "127.3.4.5", &a.sin_addr);
    T_CHECK(http_addr_is_loopback((struct sockaddr *)&a), "127.3.4.5");
    inet_pton(AF_INET, "0.0.0.0", &a.sin_addr);
    T_CHECK(!http_addr_is_loopback((struct sockaddr *)&a), "0.0.0.0");
    inet_pton(AF_INET, "192.168.1.1", &a.sin_addr);
    T_CHECK(!http_addr_is_loopback((struct sockaddr *)&a), "192.168.1.1");
    struct sockaddr_in6 b = { .sin6_family = AF_INET6 };
    inet_pton(AF_INET6, "::1", &b.sin6_addr);
    T_CHECK(http_addr_is_loopback((struct sockaddr *)&b), "::1");
    inet_pton(AF_INET6, "::", &b.sin6_addr);
    T_CHECK(!http_addr_is_loopback((struct sockaddr *)&b), "::");
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &b.sin6_addr);
    T_CHECK(http_addr_is_loopback((struct sockaddr *)&b), "::ffff:127.0.0.1");
}

static void test_versions(void)
{
    T_CHECK(http_legacy_version("2025-11-25") && http_legacy_version("2024-11-05"), "known");
    T_CHECK(!http_legacy_version("2026-07-28") && !http_legacy_version("2025-11-2") && !http_legacy_version(NULL),
            "modern, partial and NULL are not handshake-era versions");
}

static void test_token_file(void)
{
    char p[512];
    const char *why = NULL;
    snprintf(p, sizeof p, "%s/tok", t_tmpdir());
    t_write_file(p, "abc123\r\n", 8);
    chmod(p, 0600);     /* a secret: readable by its owner only */
    char *t = http_token_load(p, &why);
    T_CHECK(t && strcmp(t, "abc123") == 0, "token '%s'", t ? t : why);
    free(t);
    t_write_file(p, "\n", 1);
    T_CHECK(!http_token_load(p, &why) && why, "empty first line refused");
    t_write_file(p, "two words\n", 10);
    T_CHECK(!http_token_load(p, &why), "space refused");
    snprintf(p, sizeof p, "%s/none", t_tmpdir());
    T_CHECK(!http_token_load(p, &why), "missing file refused");
    /* Issue 16.7: ours, mode 0600 (or 0400), never behind a link. */
    snprintf(p, sizeof p, "%s/tok", t_tmpdir());
    t_write_file(p, "abc123\n", 7);
    chmod(p, 0640);
    T_CHECK(!http_token_load(p, &why) && strstr(why, "mode 0640"), "group-readable refused: %s", why);
    chmod(p, 0400);
    t = http_token_load(p, &why);
    T_CHECK(t && !strcmp(t, "abc123"), "read-only for its owner is fine: %s", t ? t : why);
    free(t);
    char l[512];
    snprintf(l, sizeof l, "%s/toklink", t_tmpdir());
    T_CHECK(symlink(p, l) == 0 && !http_token_load(l, &why) && strstr(why, "symbolic link"), "a link refused: %s",
            why);
}

int main(void)
{
    t_run("http_access_host", test_host);
    t_run("http_access_origin", test_origin);
    t_run("http_access_bearer", test_bearer);
    t_run("http_access_header_decode", test_decode);
    t_run("http_access_loopback", test_loopback);
    t_run("http_access_legacy_versions", test_versions);
    t_run("http_access_token_file", test_token_file);
    return t_done();
}
