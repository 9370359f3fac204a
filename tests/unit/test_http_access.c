/* Unit tests: http_access (Host/Origin allow-lists, bearer check, header
 * decoding, loopback test) and http_gate (the bounded FIFO core lock). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "transport/http_access.h"
#include "transport/http_gate.h"
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

/* ---- the gate ---- */

static http_gate g_gate;
static int g_order[8], g_n;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;


static void *gate_user(void *arg)
{
    int who = (int)(long)arg;
    unsigned q;
    if (http_gate_enter(&g_gate, 5000, &q, NULL, NULL) == GATE_OK) {
        pthread_mutex_lock(&g_mu);
        g_order[g_n++] = who;
        pthread_mutex_unlock(&g_mu);
        t_sleep_ms(20);
        http_gate_leave(&g_gate);
    }
    return NULL;
}

static void test_gate(void)
{
    T_ASSERT(http_gate_init(&g_gate, 2) == 0, "init");
    unsigned q;
    T_CHECK(http_gate_enter(&g_gate, 100, &q, NULL, NULL) == GATE_OK && q == 0, "free gate");
    pthread_t th[2];
    for (long i = 0; i < 2; i++) {          /* two waiters, in this order */
        pthread_create(&th[i], NULL, gate_user, (void *)i);
        t_sleep_ms(30);
    }
    T_CHECK(http_gate_waiting(&g_gate) == 2, "two waiting");
    T_CHECK(http_gate_enter(&g_gate, 100, &q, NULL, NULL) == GATE_FULL && q == 2, "third refused: queue full");
    http_gate_leave(&g_gate);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    T_CHECK(g_n == 2 && g_order[0] == 0 && g_order[1] == 1, "served in arrival order");
    T_CHECK(http_gate_enter(&g_gate, 100, &q, NULL, NULL) == GATE_OK, "free again");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    T_CHECK(http_gate_enter(&g_gate, 150, &q, NULL, NULL) == GATE_TIMEOUT, "times out while held");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    T_CHECK(ms >= 140 && ms < 1000, "waited %ld ms", ms);
    T_CHECK(http_gate_waiting(&g_gate) == 0, "the timed-out waiter left the queue");
    http_gate_stop(&g_gate);
    T_CHECK(http_gate_enter(&g_gate, 100, &q, NULL, NULL) == GATE_STOPPED && http_gate_stopped(&g_gate), "stopped");
    http_gate_leave(&g_gate);
    http_gate_destroy(&g_gate);
}

/* Many waiters, queued one after another (each starts only once the one
 * before it is seen waiting, so the arrival order is known without
 * sleeping): each is granted in that order, and each leave returns the
 * payload of exactly the waiter it hands the core to. */
#define FIFO_N 16
static http_gate g_fifo;
static int g_ids[FIFO_N], g_granted[FIFO_N], g_ngranted, g_handed[FIFO_N];
static void *g_next_payload[FIFO_N];

static void *fifo_user(void *arg)
{
    int *id = arg;
    unsigned q;
    int handed = 0;
    if (http_gate_enter(&g_fifo, 60000, &q, id, &handed) == GATE_OK) {
        g_granted[g_ngranted++] = *id;          /* only the holder writes */
        g_handed[*id] = handed;
        g_next_payload[*id] = http_gate_leave(&g_fifo);
    }
    return NULL;
}

static void test_gate_fifo_many(void)
{
    T_ASSERT(http_gate_init(&g_fifo, FIFO_N) == 0, "init");
    unsigned q;
    T_ASSERT(http_gate_enter(&g_fifo, 0, &q, NULL, NULL) == GATE_OK, "held");
    pthread_t th[FIFO_N];
    for (int i = 0; i < FIFO_N; i++) {
        g_ids[i] = i;
        pthread_create(&th[i], NULL, fifo_user, &g_ids[i]);
        while (http_gate_waiting(&g_fifo) != (unsigned)i + 1)
            sched_yield();
    }
    void *first = http_gate_leave(&g_fifo);
    for (int i = 0; i < FIFO_N; i++)
        pthread_join(th[i], NULL);
    T_CHECK(first == &g_ids[0], "the first leave hands over to the first waiter");
    int in_order = g_ngranted == FIFO_N, handed = 1, chained = 1;
    for (int i = 0; i < FIFO_N; i++) {
        in_order &= g_granted[i] == i;
        handed &= g_handed[i];
        chained &= g_next_payload[i] == (i + 1 < FIFO_N ? (void *)&g_ids[i + 1] : NULL);
    }
    T_CHECK(in_order, "granted in arrival order (%d granted)", g_ngranted);
    T_CHECK(handed, "every waiter was handed the core by a leave");
    T_CHECK(chained, "each leave returned the next waiter's payload");
    T_CHECK(http_gate_enter(&g_fifo, 0, &q, NULL, NULL) == GATE_OK && q == 0, "free at the end");
    http_gate_leave(&g_fifo);
    http_gate_destroy(&g_fifo);
}

/* Holders that leave and enter again at once cannot keep a waiter out:
 * with the core handed to the oldest waiter, the victim is served every
 * one of its 200 times while two threads hammer the gate.  (An unfair
 * lock would let them win the race for it indefinitely.) */
static http_gate g_starve;
static atomic_int g_victim_done;
static atomic_int g_greedy_turns;

static void *greedy(void *arg)
{
    (void)arg;
    unsigned q;
    while (!atomic_load(&g_victim_done)) {
        if (http_gate_enter(&g_starve, -1, &q, NULL, NULL) != GATE_OK)
            break;
        atomic_fetch_add(&g_greedy_turns, 1);
        http_gate_leave(&g_starve);
    }
    return NULL;
}

static void test_gate_no_starvation(void)
{
    T_ASSERT(http_gate_init(&g_starve, 4) == 0, "init");
    pthread_t g1, g2;
    pthread_create(&g1, NULL, greedy, NULL);
    pthread_create(&g2, NULL, greedy, NULL);
    while (atomic_load(&g_greedy_turns) < 100)   /* both are hammering */
        sched_yield();
    unsigned q;
    int served = 0;
    gate_result r = GATE_OK;
    for (int i = 0; i < 200; i++) {
        r = http_gate_enter(&g_starve, 60000, &q, NULL, NULL);
        if (r != GATE_OK)
            break;
        served++;
        http_gate_leave(&g_starve);
    }
    atomic_store(&g_victim_done, 1);
    pthread_join(g1, NULL);
    pthread_join(g2, NULL);
    T_CHECK(served == 200, "the waiter was served %d of 200 times (last result %d)", served, (int)r);
    http_gate_destroy(&g_starve);
}

/* Stop wakes every waiter (each has its own condition variable). */
static http_gate g_stop;
static gate_result g_stop_res[3];

static void *stop_user(void *arg)
{
    unsigned q;
    g_stop_res[*(int *)arg] = http_gate_enter(&g_stop, 60000, &q, NULL, NULL);
    return NULL;
}

static void test_gate_stop_wakes_all(void)
{
    T_ASSERT(http_gate_init(&g_stop, 8) == 0, "init");
    unsigned q;
    T_ASSERT(http_gate_enter(&g_stop, 0, &q, NULL, NULL) == GATE_OK, "held");
    pthread_t th[3];
    int ids[3] = { 0, 1, 2 };
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, stop_user, &ids[i]);
    while (http_gate_waiting(&g_stop) != 3)
        sched_yield();
    http_gate_stop(&g_stop);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    T_CHECK(g_stop_res[0] == GATE_STOPPED && g_stop_res[1] == GATE_STOPPED &&
            g_stop_res[2] == GATE_STOPPED, "all three woke with GATE_STOPPED");
    T_CHECK(http_gate_waiting(&g_stop) == 0, "none left in the queue");
    http_gate_leave(&g_stop);
    http_gate_destroy(&g_stop);
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
    t_run("http_gate_fifo_full_timeout_stop", test_gate);
    t_run("http_gate_fifo_many_handover", test_gate_fifo_many);
    t_run("http_gate_no_starvation", test_gate_no_starvation);
    t_run("http_gate_stop_wakes_all", test_gate_stop_wakes_all);
    return t_done();
}
