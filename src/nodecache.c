/* nodecache: freed cJSON nodes kept per thread for the next ones. */
#include "nodecache.h"

#include <cjson/cJSON.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define NODECACHE_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NODECACHE_OFF 1
#endif
#endif

typedef struct block { struct block *next; } block;

static _Thread_local block *t_head;
static _Thread_local size_t t_count;

void nodecache_release(void)
{
    while (t_head) {
        block *b = t_head;
        t_head = b->next;
        free(b);
    }
    t_count = 0;
}

size_t nodecache_count(void) { return t_count; }

#ifdef NODECACHE_OFF
int nodecache_install(void)
{
    return 0;
}
#else
static _Thread_local int t_watched;     /* the exit destructor is armed */
static size_t g_usable;                 /* malloc_usable_size of a node */
static pthread_key_t g_key;

static void on_thread_exit(void *unused)
{
    (void)unused;
    nodecache_release();
}

static void *node_malloc(size_t n)
{
    if (n == sizeof(cJSON) && t_head) {
        block *b = t_head;
        t_head = b->next;
        t_count--;
        return b;
    }
    return malloc(n);
}

/* cJSON frees strings through here too: a block is kept when it has a
 * node's usable size, whatever it held (any such block can hold a node). */
static void node_free(void *p)
{
    if (p && t_count < NODECACHE_MAX && malloc_usable_size(p) == g_usable) {
        if (!t_watched) {
            t_watched = 1;
            pthread_setspecific(g_key, &g_key);
        }
        block *b = p;
        b->next = t_head;
        t_head = b;
        t_count++;
        return;
    }
    free(p);
}

int nodecache_install(void)
{
    void *probe = malloc(sizeof(cJSON));
    if (!probe || pthread_key_create(&g_key, on_thread_exit) != 0) {
        free(probe);
        return 0;
    }
    g_usable = malloc_usable_size(probe);
    free(probe);
    cJSON_Hooks h = { node_malloc, node_free };
    cJSON_InitHooks(&h);
    return 1;
}
#endif
