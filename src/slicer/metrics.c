/* metrics: one mutex over a small registry.  An event costs a lock and a
 * few additions; a REST call to Slicer costs a hundred microseconds or
 * more, so atomics per field would buy nothing and lose the consistent
 * snapshot (a histogram's count equal to its buckets' sum). */
#include "slicer/metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const double metrics_bounds[METRICS_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
};

static const char *const outcome_names[MET_OUTCOMES] = {
    "ok", "tool_error", "invalid", "refused", "cancelled", "internal_error"
};
static const char *const reason_names[MET_REASONS] = { "auth", "scope", "guard", "limits" };

struct metrics {
    pthread_mutex_t mu;
    metrics_tool *tools;         /* sorted by name, for bsearch and for the page */
    size_t ntools, cap;
    uint64_t refusals[MET_REASONS];
    metrics_hist hist[MET_HISTOGRAMS];
};

const char *metrics_outcome_name(metrics_outcome o)
{
    return o < MET_OUTCOMES ? outcome_names[o] : "internal_error";
}

const char *metrics_reason_name(metrics_reason r)
{
    return r < MET_REASONS ? reason_names[r] : "limits";
}

metrics *metrics_new(void)
{
    metrics *m = calloc(1, sizeof *m);
    if (m && pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        m = NULL;
    }
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ntools; i++)
        free(m->tools[i].tool);
    free(m->tools);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* The index where name is or would be inserted; *found says which. */
static size_t find(const metrics *m, const char *name, int *found)
{
    size_t lo = 0, hi = m->ntools;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->tools[mid].tool, name);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

/* The entry of name, added when new; NULL past METRICS_MAX_TOOLS or when
 * memory runs out.  The last place is kept for the unknown label, where
 * the names that find the table full go.  Called with the lock held. */
static metrics_tool *entry(metrics *m, const char *name)
{
    int found;
    size_t at = find(m, name, &found);
    if (found)
        return &m->tools[at];
    if (m->ntools >= METRICS_MAX_TOOLS - (strcmp(name, METRICS_UNKNOWN_TOOL) != 0))
        return NULL;
    if (m->ntools == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        metrics_tool *t = realloc(m->tools, cap * sizeof *t);
        if (!t)
            return NULL;
        m->tools = t;
        m->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return NULL;
    memmove(&m->tools[at + 1], &m->tools[at], (m->ntools - at) * sizeof *m->tools);
    m->tools[at] = (metrics_tool){ .tool = copy };
    m->ntools++;
    return &m->tools[at];
}

void metrics_call(metrics *m, const char *tool, metrics_outcome o)
{
    if (!m || o >= MET_OUTCOMES)
        return;
    pthread_mutex_lock(&m->mu);
    metrics_tool *t = tool ? entry(m, tool) : NULL;
    if (!t)    /* the catalogue did not know it, or the table is full */
        t = entry(m, METRICS_UNKNOWN_TOOL);
    if (t)
        t->n[o]++;
    pthread_mutex_unlock(&m->mu);
}

void metrics_refusal(metrics *m, metrics_reason r)
{
    if (!m || r >= MET_REASONS)
        return;
    pthread_mutex_lock(&m->mu);
    m->refusals[r]++;
    pthread_mutex_unlock(&m->mu);
}

void metrics_observe(metrics *m, metrics_histogram h, double seconds)
{
    if (!m || h >= MET_HISTOGRAMS)
        return;
    if (!(seconds >= 0))   /* NaN too: a clock read cannot be negative */
        seconds = 0;
    size_t b = 0;
    while (b < METRICS_BUCKETS && seconds > metrics_bounds[b])
        b++;
    pthread_mutex_lock(&m->mu);
    metrics_hist *hs = &m->hist[h];
    hs->bucket[b]++;
    hs->count++;
    hs->sum += seconds;
    pthread_mutex_unlock(&m->mu);
}

int metrics_snapshot_take(metrics *m, metrics_snapshot *s)
{
    memset(s, 0, sizeof *s);
    if (!m)
        return 0;
    pthread_mutex_lock(&m->mu);
    int rc = 0;
    s->tools = m->ntools ? calloc(m->ntools, sizeof *s->tools) : NULL;
    for (size_t i = 0; i < m->ntools && s->tools && rc == 0; i++) {
        s->tools[i] = m->tools[i];
        s->tools[i].tool = strdup(m->tools[i].tool);
        if (!s->tools[i].tool)
            rc = -1;
        else
            s->ntools++;
    }
    if (m->ntools && !s->tools)
        rc = -1;
    memcpy(s->refusals, m->refusals, sizeof s->refusals);
    memcpy(s->hist, m->hist, sizeof s->hist);
    pthread_mutex_unlock(&m->mu);
    if (rc != 0)
        metrics_snapshot_free(s);
    return rc;
}

void metrics_snapshot_free(metrics_snapshot *s)
{
    for (size_t i = 0; i < s->ntools; i++)
        free(s->tools[i].tool);
    free(s->tools);
    memset(s, 0, sizeof *s);
}
