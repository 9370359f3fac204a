/* test_nodecache: freed nodes come back for new ones, per thread, up to
 * the cap; other blocks pass through; plain free() mixes with it. */
#include "util/nodecache.h"
#include "testlib.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int g_on;

static void test_reuse(void)
{
    cJSON *a = cJSON_CreateNull();
    cJSON_Delete(a);
    size_t held = nodecache_count();
    cJSON *b = cJSON_CreateNull();
    T_CHECK(!g_on || (held == 1 && b == a && nodecache_count() == 0),
            "a freed node is the next node (held %zu)", held);
    cJSON_Delete(b);
    nodecache_release();
    T_CHECK(nodecache_count() == 0, "released");
}

static void test_cap_and_other_sizes(void)
{
    /* More nodes than the cap: the cache stops at NODECACHE_MAX. */
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < NODECACHE_MAX + 500; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(i));
    cJSON_Delete(arr);
    T_CHECK(!g_on || nodecache_count() == NODECACHE_MAX, "capped at %d (%zu)", NODECACHE_MAX,
            nodecache_count());
    nodecache_release();
    /* A long string is freed, not kept. */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cJSON *s = cJSON_CreateString(big);
    cJSON_Delete(s);
    T_CHECK(!g_on || nodecache_count() == 1, "only the node kept (%zu)", nodecache_count());
    nodecache_release();
}

static void test_mixes_with_free(void)
{
    /* A cached block handed out and freed with free(); a malloc'd string
     * given to cJSON and freed by it (kept too: a short string's class). */
    cJSON *n = cJSON_CreateNull();
    void *was = n;
    cJSON_Delete(n);
    void *p = cJSON_malloc(sizeof(cJSON));
    T_CHECK(!g_on || (p == was && nodecache_count() == 0), "the cached block came back");
    free(p);
    char *text = malloc(16);
    strcpy(text, "owned by cJSON");
    cJSON *s = cJSON_CreateStringReference(text);
    s->type &= ~cJSON_IsReference;
    cJSON_Delete(s);
    T_CHECK(!g_on || nodecache_count() == 2, "the node and the string kept (%zu)", nodecache_count());
    nodecache_release();
}

/* Strings come back by class: a freed short string's block holds the
 * next string of its class, never a longer one. */
static void test_string_classes(void)
{
    cJSON *a = cJSON_CreateString("abc");                   /* 4 bytes: class 0 */
    char *short_block = a->valuestring;
    cJSON_Delete(a);
    cJSON *b = cJSON_CreateString("0123456789abcdefghijklm"); /* 24 bytes: class 0 */
    T_CHECK(!g_on || b->valuestring == short_block, "a 24-byte string reuses the 4-byte one's block");
    cJSON_Delete(b);
    cJSON *c = cJSON_CreateString("0123456789abcdefghijklmn"); /* 25 bytes: class 1 */
    T_CHECK(c->valuestring != short_block && !strcmp(c->valuestring, "0123456789abcdefghijklmn"),
            "a 25-byte string gets a block of the next class");
    cJSON_Delete(c);
    T_CHECK(!g_on || nodecache_count() == 3, "node, class 0 and class 1 blocks held (%zu)",
            nodecache_count());
    /* Each class has its own cap. */
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < NODECACHE_MAX + 10; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString("x"));
    cJSON_Delete(arr);
    /* Both full (a shared cap would hold half), neither past its cap (that
     * would be 10 more each); malloc may round a few blocks into other
     * classes. */
    size_t held = nodecache_count();
    T_CHECK(!g_on || (held >= 2 * (size_t)NODECACHE_MAX && held < 2 * (size_t)NODECACHE_MAX + 10),
            "nodes and short strings capped apart (%zu)", held);
    nodecache_release();
}

static void *worker(void *arg)
{
    size_t *held = arg;
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < 100; i++)
        cJSON_AddNullToObject(o, "k");
    cJSON_Delete(o);
    *held = nodecache_count();
    return NULL;   /* the exit destructor frees what is held */
}

static void test_threads(void)
{
    size_t held = 0;
    pthread_t t;
    T_ASSERT(pthread_create(&t, NULL, worker, &held) == 0, "thread");
    pthread_join(t, NULL);
    T_CHECK(!g_on || (held >= 100 && nodecache_count() == 0),
            "the thread kept its own (%zu), this one none", held);
}

int main(void)
{
    g_on = nodecache_install();
#if !defined(__SANITIZE_ADDRESS__)
    T_CHECK(g_on, "installed outside sanitizer builds");
#endif
    t_run("nodecache_reuse", test_reuse);
    t_run("nodecache_cap_and_other_sizes", test_cap_and_other_sizes);
    t_run("nodecache_mixes_with_free", test_mixes_with_free);
    t_run("nodecache_string_classes", test_string_classes);
    t_run("nodecache_threads", test_threads);
    nodecache_release();
    return t_done();
}
