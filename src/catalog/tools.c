/* tools: the tools.d folder walk, problem ordering and the immutable,
 * name-sorted set; the per-file format lives in tools_parse.c. */
#include "catalog/tools.h"
#include "catalog/tools_parse.h"
#include "util/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct toolset {
    tool  **tools;   /* sorted by name; owned */
    size_t  n;
};

/* One problem, kept until every file is read so they can be reported in
 * file order then line order (duplicate names are found at the end). */
typedef struct {
    size_t fidx;          /* 0: the folder itself; i + 1: file i */
    int    line, col;
    size_t seq;           /* arrival order, to keep the sort stable */
    const char *file;     /* borrowed from the loader */
    char  *msg;           /* owned */
} tools_problem;

/* One tool file and what came of it. */
typedef struct {
    char *path;           /* "tools.d/slice.yaml" */
    tool *t;              /* possibly incomplete; owned until the set takes it */
    int   name_col;
} tools_file;

/* Files are read by up to LOAD_THREADS threads when there are at least
 * LOAD_PARALLEL_FROM of them: libyaml is most of a cold start, and each
 * file stands alone.  A file takes about 0.2 ms and a thread about 0.1 ms
 * to start, so two threads already pay off for the 16 shipped files
 * (make bench: cold start 4.9 -> 4.3 ms on a 2-CPU VM). */
#define LOAD_THREADS       4
#define LOAD_PARALLEL_FROM 4

typedef struct {
    const tools_opts *o;
    tools_meta *meta;     /* tool.schema.json, compiled once per load */
    pthread_mutex_t mu;   /* guards probs, nprobs, aprobs and oom */
    tools_problem *probs;
    size_t nprobs, aprobs;
    char **names;         /* the folder's tool file names, sorted */
    tools_file *files;    /* one per name */
    size_t nfiles;
    atomic_size_t next;   /* the next file a loading thread takes */
    int oom;              /* a problem could not be recorded */
} loader;

/* Where problems are reported: the folder (fidx 0) or file fidx - 1. */
typedef struct {
    loader *L;
    size_t fidx;
    const char *file;
} where;

static void add_problem(void *ud, int line, int col, const char *msg)
{
    where *w = ud;
    loader *L = w->L;
    char *m = strdup(msg);
    pthread_mutex_lock(&L->mu);
    if (m && L->nprobs == L->aprobs) {
        size_t n = L->aprobs ? L->aprobs * 2 : 16;
        tools_problem *p = realloc(L->probs, n * sizeof *p);
        if (p) {
            L->probs = p;
            L->aprobs = n;
        }
    }
    if (m && L->nprobs < L->aprobs) {
        L->probs[L->nprobs] = (tools_problem){ w->fidx, line, col, L->nprobs, w->file, m };
        L->nprobs++;
    } else {
        free(m);
        L->oom = 1;
    }
    pthread_mutex_unlock(&L->mu);
}

static int cmp_problem(const void *a, const void *b)
{
    const tools_problem *x = a, *y = b;
    if (x->fidx != y->fidx)
        return x->fidx < y->fidx ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_tool_file(const char *name)
{
    size_t n = strlen(name);
    /* Dot files are editor leftovers (".#x.yaml"), not tools. */
    if (name[0] == '.')
        return 0;
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* The *.yaml / *.yml names of dir, sorted; NULL after reporting. */
static char **list_dir(where *w, const char *dir, size_t *count)
{
    DIR *dp = opendir(dir);
    char **names = NULL;
    size_t n = 0;
    *count = 0;
    if (!dp) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot open tools folder: %s", strerror(errno));
        add_problem(w, 0, 0, msg);
        return NULL;
    }
    names = calloc(TOOLS_MAX_FILES, sizeof *names);
    if (!names)
        add_problem(w, 0, 0, "out of memory");
    const struct dirent *de;
    while (names && (de = readdir(dp)) != NULL) {
        if (!is_tool_file(de->d_name))
            continue;
        if (n == TOOLS_MAX_FILES) {
            char msg[128];
            snprintf(msg, sizeof msg, "more than %d tool files", TOOLS_MAX_FILES);
            add_problem(w, 0, 0, msg);
            break;
        }
        if (!(names[n++] = strdup(de->d_name)))
            add_problem(w, 0, 0, "out of memory");
    }
    closedir(dp);
    if (w->L->nprobs) {
        for (size_t i = 0; names && i < n; i++)
            free(names[i]);
        free(names);
        return NULL;
    }
    qsort(names, n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

/* "FILE:LINE:COL: MSG" from yj_parse back into its parts. */
static void add_yaml_error(where *w, const char *file, const char *msg)
{
    size_t n = strlen(file);
    int line = 0, col = 0, used = 0;
    if (strncmp(msg, file, n) == 0 &&
        sscanf(msg + n, ":%d:%d: %n", &line, &col, &used) == 2 && used > 0)
        msg += n + (size_t)used;
    add_problem(w, line, col, msg);
}

static void load_file(where *w, tools_file *f)
{
    char why[256];
    size_t len = 0;
    char *text = tools_read_file(f->path, YJ_MAX_BYTES, &len, why, sizeof why);
    if (!text) {
        char msg[400];
        snprintf(msg, sizeof msg, "cannot read: %s", why);
        add_problem(w, 0, 0, msg);
        return;
    }
    err e = { 0 };
    yj_doc *d = yj_parse(text, len, f->path, &e);
    free(text);
    if (!d) {
        add_yaml_error(w, f->path, e.msg);
        return;
    }
    tools_sink sink = { add_problem, w };
    tools_parse_doc(w->L->o, w->L->meta, f->path, d, &sink, &f->t, &f->name_col);
    yj_free(d);
}

static int cmp_file_name(const void *a, const void *b)
{
    const tools_file *x = *(tools_file *const *)a, *y = *(tools_file *const *)b;
    int c = strcmp(x->t->name, y->t->name);
    return c ? c : (x > y) - (x < y);   /* files are in file order in memory */
}

/* Reports every later file that reuses an earlier file's tool name. */
static void check_duplicates(loader *L)
{
    tools_file **named = malloc((L->nfiles ? L->nfiles : 1) * sizeof *named);
    size_t n = 0;
    if (!named) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < L->nfiles; i++)
        if (L->files[i].t && L->files[i].t->name)
            named[n++] = &L->files[i];
    qsort(named, n, sizeof *named, cmp_file_name);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(named[i]->t->name, named[first]->t->name) != 0) {
            first = i;
            continue;
        }
        char msg[512];
        snprintf(msg, sizeof msg, "duplicate tool name '%s' (first defined in %s)",
                 named[i]->t->name, named[first]->path);
        where w = { L, (size_t)(named[i] - L->files) + 1, named[i]->path };
        add_problem(&w, named[i]->t->line, named[i]->name_col, msg);
    }
    free(named);
}

static int cmp_tool(const void *a, const void *b)
{
    return strcmp((*(tool *const *)a)->name, (*(tool *const *)b)->name);
}

/* Moves every file's tool into a new set sorted by name; NULL on OOM. */
static toolset *take_tools(loader *L)
{
    toolset *ts = calloc(1, sizeof *ts);
    if (!ts || !(ts->tools = malloc(L->nfiles * sizeof *ts->tools))) {
        free(ts);
        return NULL;
    }
    for (size_t i = 0; i < L->nfiles; i++) {
        ts->tools[ts->n++] = L->files[i].t;
        L->files[i].t = NULL;
    }
    qsort(ts->tools, ts->n, sizeof *ts->tools, cmp_tool);
    return ts;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t len = n + 1 + strlen(name) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%.*s/%s", (int)n, dir, name);
    return p;
}

/* A loading thread: takes files until none are left. */
static void *load_files(void *arg)
{
    loader *L = arg;
    size_t i;
    while ((i = atomic_fetch_add(&L->next, 1)) < L->nfiles) {
        tools_file *f = &L->files[i];
        where w = { L, i + 1, NULL };
        w.file = f->path = join_path(L->o->tools_dir, L->names[i]);
        if (!f->path) {
            w.file = L->names[i];
            add_problem(&w, 0, 0, "out of memory");
        } else {
            load_file(&w, f);
        }
    }
    return NULL;
}

static void load_all(loader *L)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = L->nfiles < LOAD_PARALLEL_FROM || cpus < 2 ? 1
                : cpus < LOAD_THREADS ? (size_t)cpus : LOAD_THREADS;
    pthread_t th[LOAD_THREADS];
    size_t started = 0;
    /* A thread that cannot start leaves its share to the others. */
    while (started + 1 < want && pthread_create(&th[started], NULL, load_files, L) == 0)
        started++;
    load_files(L);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
}

toolset *tools_load(const tools_opts *o, int *nproblems)
{
    if (!o || !o->tools_dir) {
        if (nproblems)
            *nproblems = 1;
        if (o && o->report)
            o->report(o->report_ud, "tools", 0, 0, "no tools folder given");
        return NULL;
    }
    loader L = { .o = o };
    pthread_mutex_init(&L.mu, NULL);
    atomic_init(&L.next, 0);
    where folder = { &L, 0, o->tools_dir };
    toolset *ts = NULL;
    size_t nnames = 0;
    L.names = list_dir(&folder, o->tools_dir, &nnames);
    if (L.names && nnames == 0)
        add_problem(&folder, 0, 0, "no tool files (*.yaml) found");
    if (nnames && !(L.files = calloc(nnames, sizeof *L.files)))
        add_problem(&folder, 0, 0, "out of memory");
    err e = { 0 };
    if (L.files && !(L.meta = tools_meta_new(&e))) {
        add_problem(&folder, 0, 0, e.msg);
        free(L.files);
        L.files = NULL;
    }
    if (L.files) {
        L.nfiles = nnames;
        load_all(&L);
    }
    check_duplicates(&L);

    if (L.oom && L.nprobs == 0)
        add_problem(&folder, 0, 0, "out of memory");
    if (L.nprobs)
        qsort(L.probs, L.nprobs, sizeof *L.probs, cmp_problem);
    for (size_t i = 0; i < L.nprobs; i++)
        if (o->report)
            o->report(o->report_ud, L.probs[i].file, L.probs[i].line, L.probs[i].col,
                      L.probs[i].msg);
    if (nproblems)
        *nproblems = (int)(L.nprobs ? L.nprobs : (size_t)L.oom);

    if (L.nprobs == 0 && !L.oom && !(ts = take_tools(&L))) {
        if (nproblems)
            *nproblems = 1;
        if (o->report)
            o->report(o->report_ud, o->tools_dir, 0, 0, "out of memory");
    }

    for (size_t i = 0; i < L.nprobs; i++)
        free(L.probs[i].msg);
    free(L.probs);
    for (size_t i = 0; i < L.nfiles; i++) {
        tools_tool_free(L.files[i].t);
        free(L.files[i].path);
    }
    free(L.files);
    tools_meta_free(L.meta);
    for (size_t i = 0; i < nnames; i++)
        free(L.names[i]);
    free(L.names);
    pthread_mutex_destroy(&L.mu);
    return ts;
}

void tools_free(toolset *ts)
{
    if (!ts)
        return;
    for (size_t i = 0; i < ts->n; i++)
        tools_tool_free(ts->tools[i]);
    free(ts->tools);
    free(ts);
}

size_t tools_count(const toolset *ts)
{
    return ts ? ts->n : 0;
}

const tool *tools_at(const toolset *ts, size_t i)
{
    return ts && i < ts->n ? ts->tools[i] : NULL;
}

/* Binary search: it runs on every tools/call. */
const tool *tools_find(const toolset *ts, const char *name)
{
    if (!ts || !name)
        return NULL;
    size_t lo = 0, hi = ts->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, ts->tools[mid]->name);
        if (c == 0)
            return ts->tools[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
