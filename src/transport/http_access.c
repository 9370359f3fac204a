/* http_access: allow-lists, bearer check, header value decoding. */
#include "transport/http_access.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/base64.h"
#include "util/ownfile.h"

const char *const http_loopback_names[] = { "localhost", "127.0.0.1", "[::1]", NULL };

#define HOST_MAX 256   /* bytes of a host name (with port) we bother to parse */

/* Splits "name[:port]" or "[v6][:port]" into name and port (port "" when
 * absent).  -1 when malformed or too long. */
static int split_host(const char *hp, size_t n, char name[HOST_MAX], char port[8])
{
    if (n == 0 || n >= HOST_MAX)
        return -1;
    size_t name_len;
    const char *rest;
    if (hp[0] == '[') {
        const char *close = memchr(hp, ']', n);
        if (!close)
            return -1;
        name_len = (size_t)(close - hp) + 1;
        rest = close + 1;
    } else {
        const char *colon = memchr(hp, ':', n);
        name_len = colon ? (size_t)(colon - hp) : n;
        rest = hp + name_len;
    }
    size_t rest_len = n - name_len;
    memcpy(name, hp, name_len);
    name[name_len] = '\0';
    port[0] = '\0';
    if (rest_len) {
        if (rest[0] != ':' || rest_len < 2 || rest_len > 6)
            return -1;
        for (size_t i = 1; i < rest_len; i++)
            if (rest[i] < '0' || rest[i] > '9')
                return -1;
        memcpy(port, rest + 1, rest_len - 1);
        port[rest_len - 1] = '\0';
    }
    return name_len ? 0 : -1;
}

static int host_matches(const char *name, const char *port, const char *entry)
{
    if (strcmp(entry, "*") == 0)
        return 1;
    char en[HOST_MAX], ep[8];
    if (split_host(entry, strlen(entry), en, ep) != 0)
        return 0;
    return strcasecmp(name, en) == 0 && (!ep[0] || strcmp(port, ep) == 0);
}

static int name_port_allowed(const char *hp, size_t n, const char *const *allow)
{
    char name[HOST_MAX], port[8];
    if (split_host(hp, n, name, port) != 0)
        return 0;
    for (const char *const *a = allow ? allow : http_loopback_names; *a; a++)
        if (host_matches(name, port, *a))
            return 1;
    return 0;
}

int http_host_allowed(const char *host, const char *const *allow)
{
    if (!host || !*host)
        return 0;
    return name_port_allowed(host, strlen(host), allow);
}

int http_origin_allowed(const char *origin, const char *const *allow)
{
    if (!origin)
        return 1;
    size_t n = strlen(origin);
    while (n && origin[n - 1] == '/')
        n--;
    if (allow) {
        for (const char *const *a = allow; *a; a++) {
            size_t an = strlen(*a);
            while (an && (*a)[an - 1] == '/')
                an--;
            if (strcmp(*a, "*") == 0 || (an == n && strncasecmp(*a, origin, n) == 0))
                return 1;
        }
        return 0;
    }
    const char *hp;
    if (strncasecmp(origin, "http://", 7) == 0)
        hp = origin + 7;
    else if (strncasecmp(origin, "https://", 8) == 0)
        hp = origin + 8;
    else
        return 0;
    size_t hn = (size_t)(origin + n - hp);
    if (memchr(hp, '/', hn))     /* an origin has no path */
        return 0;
    return name_port_allowed(hp, hn, NULL);
}

/* Constant time in the token's length: every byte of the expected token
 * is compared whatever the presented value is, and the lengths are folded
 * into the same accumulator instead of returning early. */
int http_bearer_ok(const char *authorization, const char *token)
{
    if (!authorization || !token || strncasecmp(authorization, "Bearer ", 7) != 0)
        return 0;
    const char *given = authorization + 7;
    while (*given == ' ')
        given++;
    size_t gl = strlen(given), tl = strlen(token);
    while (gl && (given[gl - 1] == ' ' || given[gl - 1] == '\t'))
        gl--;
    volatile unsigned char diff = (unsigned char)(gl != tl);
    for (size_t i = 0; i < tl; i++)
        diff |= (unsigned char)(token[i] ^ (i < gl ? given[i] : 0));
    return diff == 0;
}

int http_addr_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return 1;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}

char *http_header_decode(const char *value)
{
    if (!value)
        return NULL;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    if (n >= 12 && strncasecmp(value, "=?base64?", 9) == 0 && strncmp(value + n - 2, "?=", 2) == 0) {
        size_t out_len;
        unsigned char *d = base64_decode(value + 9, n - 11, &out_len);
        if (!d)
            return NULL;
        char *s = malloc(out_len + 1);
        if (!s || memchr(d, '\0', out_len)) {
            free(d);
            free(s);
            return NULL;
        }
        memcpy(s, d, out_len);
        s[out_len] = '\0';
        free(d);
        return s;
    }
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, value, n);
        s[n] = '\0';
    }
    return s;
}

int http_legacy_version(const char *v)
{
    static const char *const legacy[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL };
    for (const char *const *p = legacy; v && *p; p++)
        if (strcmp(*p, v) == 0)
            return 1;
    return 0;
}

char *http_token_load(const char *path, const char **why)
{
    /* A secret: only from a file of our own that nobody else can read. */
    static char msg[sizeof ((err *)0)->msg];
    err e = { 0 };
    int fd = ownfile_open(path, O_RDONLY, &e);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        snprintf(msg, sizeof msg, "%s", fd >= 0 ? strerror(errno) : e.msg);
        *why = msg;
        return NULL;
    }
    char line[HTTP_ACCESS_MAX_TOKEN + 2];
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    if (!got) {
        *why = "the file is empty";
        return NULL;
    }
    size_t n = strlen(line);
    if (n > HTTP_ACCESS_MAX_TOKEN && line[n - 1] != '\n') {
        *why = "the token is longer than 4096 bytes";
        return NULL;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        line[--n] = '\0';
    if (n == 0) {
        *why = "the first line is empty";
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (line[i] < 0x21 || line[i] > 0x7e) {
            *why = "the token must be visible ASCII without spaces";
            return NULL;
        }
    char *tok = strdup(line);
    if (!tok)
        *why = "out of memory";
    return tok;
}
