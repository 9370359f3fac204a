/* nodecache: freed small cJSON blocks kept per thread, by size class. */
#include "util/nodecache.h"

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

/* Classes of 16 bytes from 24 usable bytes up, as glibc's chunks go on
 * x86_64 and arm64: a node (64 bytes, 72 usable) and the keys and short
 * strings around it. */
#define NCLASS 7

typedef struct block { struct block *next; } block;

static _Thread_local block *t_head[NCLASS];
static _Thread_local size_t t_count[NCLASS];

void nodecache_release(void)
{
    for (int k = 0; k < NCLASS; k++) {
        while (t_head[k]) {
            block *b = t_head[k];
            t_head[k] = b->next;
            free(b);
        }
        t_count[k] = 0;
    }
}

size_t nodecache_count(void)
{
    size_t n = 0;
    for (int k = 0; k < NCLASS; k++)
        n += t_count[k];
    return n;
}

#ifdef NODECACHE_OFF
int nodecache_install(void)
{
    return 0;
}
#else
/* Class k holds sizes 24 + 16k - 15 .. 24 + 16k (0 for 1 .. 24). */
static int class_of(size_t n)
{
    return n <= 24 ? 0 : (int)((n + 7) / 16 - 1);
}

static _Thread_local int t_watched;     /* the exit destructor is armed */
static size_t g_usable[NCLASS];         /* malloc_usable_size in each class */
static pthread_key_t g_key;

static void on_thread_exit(void *unused)
{
    (void)unused;
    nodecache_release();
}

static void *node_malloc(size_t n)
{
    int k = class_of(n);
    if (k < NCLASS && t_head[k]) {
        block *b = t_head[k];
        t_head[k] = b->next;
        t_count[k]--;
        return b;
    }
    return malloc(n);
}

/* cJSON frees strings through here too: a block is kept in the class
 * whose usable size it has exactly, whatever it held, so every block a
 * class hands out holds any size of that class. */
static void node_free(void *p)
{
    if (!p)
        return;
    size_t u = malloc_usable_size(p);
    int k = class_of(u);
    if (k < NCLASS && g_usable[k] == u && t_count[k] < NODECACHE_MAX) {
        if (!t_watched) {
            t_watched = 1;
            pthread_setspecific(g_key, &g_key);
        }
        block *b = p;
        b->next = t_head[k];
        t_head[k] = b;
        t_count[k]++;
        return;
    }
    free(p);
}

/* The classes are used only if this malloc rounds as they assume: each
 * class's largest size must come back with exactly that many usable
 * bytes, or a cached block could be too small for a size of its class. */
int nodecache_install(void)
{
    for (int k = 0; k < NCLASS; k++) {
        size_t want = 24 + 16 * (size_t)k;
        void *probe = malloc(want);
        if (!probe)
            return 0;
        size_t u = malloc_usable_size(probe);
        free(probe);
        if (u != want)
            return 0;
        g_usable[k] = u;
    }
    if (pthread_key_create(&g_key, on_thread_exit) != 0)
        return 0;
    cJSON_Hooks h = { node_malloc, node_free };
    cJSON_InitHooks(&h);
    return 1;
}
#endif
