/* test_oauth_keys: the key set cache of policy/oauth.c with a stand-in fetch
 * and clock (one refresh for a flood of unknown kids, rotation, an
 * endpoint that is down, discovery), and backend_fetch_url against a
 * loopback server that answers too much or too slowly. */
#include "policy/oauth.h"
#include "slicer/backend.h"
#include "testlib.h"
#include "tjwt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ISS "http://127.0.0.1:1/realm"
#define AUD "http://127.0.0.1:8765/mcp"

static double clock_now = 1900000000.0;
static double fake_now(void) { return clock_now; }

/* The stand-in issuer: what it serves, and what it was asked. */
typedef struct {
    const char *jwks;          /* NULL: the endpoint is down */
    const char *config;        /* the OpenID configuration, or NULL */
    unsigned jwks_gets, config_gets;
} idp_state;
static idp_state idp;

static int fake_fetch(void *ud, const char *url, long timeout_ms, buf *out, err *e)
{
    (void)ud;
    (void)timeout_ms;
    int is_config = strstr(url, "/.well-known/openid-configuration") != NULL;
    const char *body = is_config ? idp.config : idp.jwks;
    if (is_config)
        idp.config_gets++;
    else
        idp.jwks_gets++;
    if (!body)
        return err_set(e, ERR_UPSTREAM, "%s: connection refused", url);
    return buf_puts(out, body) == 0 ? 0 : err_set(e, ERR_LIMIT, "too big");
}

static t_key *k1, *k2;
static char *jwks1, *jwks12;

static oauth *make(const char *jwks_uri)
{
    oauth_cfg c = { .issuer = ISS, .audience = AUD, .jwks_uri = jwks_uri, .fetch = fake_fetch, .now = fake_now };
    err e = { 0 };
    oauth *o = oauth_new(&c, &e);
    if (!o)
        fprintf(stderr, "oauth_new: %s\n", e.msg);
    return o;
}

static char *token(const t_key *k, const char *kid)
{
    char h[128], p[256];
    snprintf(h, sizeof h, "{\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
    snprintf(p, sizeof p, "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"exp\":%.0f,\"sub\":\"bob\"}", clock_now + 3600);
    return t_jwt(k, "ES256", h, p);
}

static jwt_status check(oauth *o, const char *tok)
{
    jwt_claims c;
    err e = { 0 };
    return oauth_check(o, tok, &c, &e);
}

static void test_unknown_kid_one_refresh(void)
{
    idp = (idp_state){ .jwks = jwks1 };
    oauth *o = make("http://127.0.0.1:1/jwks");
    char *good = token(k1, "k1");
    T_CHECK(check(o, good) == JWT_OK, "a token of the known key");
    T_CHECK(idp.jwks_gets == 1, "one fetch on first use, %u", idp.jwks_gets);
    char *early = token(k1, "early");
    T_CHECK(check(o, early) == JWT_UNKNOWN_KEY && idp.jwks_gets == 1, "no refresh within 30 s of the first fetch");
    free(early);
    clock_now += 31;
    for (int i = 0; i < 50; i++) {
        char kid[32];
        snprintf(kid, sizeof kid, "made-up-%d", i);
        char *t = token(k1, kid);
        T_CHECK(check(o, t) == JWT_UNKNOWN_KEY, "kid %s", kid);
        free(t);
        clock_now += 0.5;    /* 25 s in all: under the 30 s bound */
    }
    T_CHECK(idp.jwks_gets == 2, "50 unknown kids caused one refresh, not %u", idp.jwks_gets - 1);
    T_CHECK(check(o, good) == JWT_OK, "the known key still works");
    free(good);
    oauth_free(o);
}

static void test_rotation(void)
{
    idp = (idp_state){ .jwks = jwks1 };
    oauth *o = make("http://127.0.0.1:1/jwks");
    char *old = token(k1, "k1"), *fresh = token(k2, "k2");
    T_CHECK(check(o, old) == JWT_OK, "old key");
    idp.jwks = jwks12;           /* the issuer publishes k2 */
    clock_now += 31;
    T_CHECK(check(o, fresh) == JWT_OK, "a new kid after the bound refreshes and verifies");
    T_CHECK(idp.jwks_gets == 2, "two fetches, %u", idp.jwks_gets);
    free(old);
    free(fresh);
    oauth_free(o);
}

static void test_endpoint_down(void)
{
    idp = (idp_state){ .jwks = jwks1 };
    oauth *o = make("http://127.0.0.1:1/jwks");
    char *t = token(k1, "k1");
    T_CHECK(check(o, t) == JWT_OK, "first");
    idp.jwks = NULL;             /* the key set endpoint goes down */
    clock_now += 2 * 3600;       /* past the refresh age */
    free(t);
    t = token(k1, "k1");
    T_CHECK(check(o, t) == JWT_OK, "cached keys keep working while the endpoint is down");
    T_CHECK(idp.jwks_gets == 2, "the periodic refresh was tried, %u", idp.jwks_gets);
    T_CHECK(check(o, t) == JWT_OK && idp.jwks_gets == 2, "and not again at once");
    clock_now += 86400;          /* a day on: the keys are stale */
    free(t);
    t = token(k1, "k1");
    T_CHECK(check(o, t) == JWT_NO_KEYS, "stale keys are no longer used");
    idp.jwks = jwks1;            /* it is back */
    clock_now += 31;
    T_CHECK(check(o, t) == JWT_OK, "fresh keys once it answers again");
    free(t);
    oauth_free(o);
    /* Down from the start: refused, and retried only after the bound. */
    idp = (idp_state){ 0 };
    o = make("http://127.0.0.1:1/jwks");
    t = token(k1, "k1");
    T_CHECK(check(o, t) == JWT_NO_KEYS && check(o, t) == JWT_NO_KEYS, "no keys");
    T_CHECK(idp.jwks_gets == 1, "one fetch for two tokens, %u", idp.jwks_gets);
    free(t);
    oauth_free(o);
}

static void test_discovery(void)
{
    idp = (idp_state){ .jwks = jwks1,
                         .config = "{\"issuer\":\"" ISS "\",\"jwks_uri\":\"http://127.0.0.1:1/certs\"}" };
    oauth *o = make(NULL);
    char *t = token(k1, "k1");
    T_CHECK(check(o, t) == JWT_OK, "keys found through the OpenID configuration");
    T_CHECK(idp.config_gets == 1 && idp.jwks_gets == 1, "config %u, jwks %u", idp.config_gets, idp.jwks_gets);
    oauth_free(o);
    idp = (idp_state){ .jwks = jwks1,
                         .config = "{\"issuer\":\"http://evil.test\",\"jwks_uri\":\"http://127.0.0.1:1/certs\"}" };
    o = make(NULL);
    T_CHECK(check(o, t) == JWT_NO_KEYS && idp.jwks_gets == 0, "a configuration naming another issuer is not followed");
    free(t);
    oauth_free(o);
}

/* ---- backend_fetch_url against a loopback server ---- */

typedef struct {
    int fd;
    int mode;     /* 0: 1 MiB answer, 1: headers then silence, 2: a small 200 */
} srv;

static void *serve(void *arg)
{
    srv *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    char req[2048];
    if (recv(c, req, sizeof req, 0) <= 0) {
        close(c);
        return NULL;
    }
    if (s->mode == 0) {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";
        send(c, h, strlen(h), MSG_NOSIGNAL);
        char chunk[4096];
        memset(chunk, ' ', sizeof chunk);
        for (int i = 0; i < 256 && send(c, chunk, sizeof chunk, MSG_NOSIGNAL) > 0; i++)
            ;
    } else if (s->mode == 1) {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{\"keys\":[";
        send(c, h, strlen(h), MSG_NOSIGNAL);
        t_sleep_ms(1000);
    } else {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"keys\":[]}";
        send(c, h, strlen(h), MSG_NOSIGNAL);
    }
    close(c);
    return NULL;
}

static int fetch_from(int mode, long timeout_ms, buf *out, err *e)
{
    srv s = { .fd = socket(AF_INET, SOCK_STREAM, 0), .mode = mode };
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    bind(s.fd, (struct sockaddr *)&a, sizeof a);
    listen(s.fd, 4);
    getsockname(s.fd, (struct sockaddr *)&a, &al);
    pthread_t th;
    pthread_create(&th, NULL, serve, &s);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jwks", ntohs(a.sin_port));
    buf_init(out, OAUTH_MAX_METADATA);
    int rc = backend_fetch_url(url, timeout_ms, out, e);
    shutdown(s.fd, SHUT_RDWR);
    pthread_join(th, NULL);
    close(s.fd);
    return rc;
}

static void test_fetch_bounded(void)
{
    buf b;
    err e = { 0 };
    T_CHECK(fetch_from(2, 2000, &b, &e) == 0 && !strcmp(b.data, "{\"keys\":[]}"), "a small answer: %s", e.msg);
    buf_free(&b);
    T_CHECK(fetch_from(0, 5000, &b, &e) != 0 && e.kind == ERR_LIMIT && b.len <= OAUTH_MAX_METADATA,
            "a 1 MiB answer is cut at the cap: %s", e.msg);
    buf_free(&b);
    T_CHECK(fetch_from(1, 300, &b, &e) != 0 && strstr(e.msg, "imed out"), "a stalled answer times out: %s", e.msg);
    buf_free(&b);
    T_CHECK(backend_fetch_url("file:///etc/passwd", 1000, &b, &e) != 0, "only http and https");
}

int main(void)
{
    k1 = t_key_new("P-256", "k1");
    k2 = t_key_new("P-256", "k2");
    if (!k1 || !k2) {
        printf("FAIL setup: openssl could not make the keys\n");
        return 1;
    }
    char *j1 = t_key_jwk(k1, NULL), *j2 = t_key_jwk(k2, NULL);
    const char *a[] = { j1 }, *b[] = { j1, j2 };
    jwks1 = t_jwks(a, 1);
    jwks12 = t_jwks(b, 2);
    t_run("unknown_kid_one_refresh", test_unknown_kid_one_refresh);
    t_run("rotation", test_rotation);
    t_run("endpoint_down", test_endpoint_down);
    t_run("discovery", test_discovery);
    t_run("fetch_bounded", test_fetch_bounded);
    free(j1);
    free(j2);
    free(jwks1);
    free(jwks12);
    t_key_free(k1);
    t_key_free(k2);
    return t_done();
}
