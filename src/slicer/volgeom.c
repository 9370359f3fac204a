/* volgeom: volume geometry from a streamed NRRD header, cached. */
#include "slicer/volgeom.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "slicer/nrrd.h"

typedef struct {
    char id[VOLGEOM_MAX_ID + 1];  /* "" = free */
    volgeom_stamp st;
    volgeom g;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry cache[VOLGEOM_CACHE];
static unsigned next_slot;

static int stamp_eq(const volgeom_stamp *a, const volgeom_stamp *b)
{
    return a->mtime == b->mtime && a->image_mtime == b->image_mtime &&
           a->dims[0] == b->dims[0] && a->dims[1] == b->dims[1] && a->dims[2] == b->dims[2];
}

static int cache_find(const char *id, const volgeom_stamp *st, volgeom *g)
{
    int hit = 0;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < VOLGEOM_CACHE && !hit; i++)
        if (strcmp(cache[i].id, id) == 0 && stamp_eq(&cache[i].st, st)) {
            *g = cache[i].g;
            hit = 1;
        }
    pthread_mutex_unlock(&lock);
    return hit;
}

static void cache_put(const char *id, const volgeom_stamp *st, const volgeom *g)
{
    if (strlen(id) > VOLGEOM_MAX_ID)
        return;
    pthread_mutex_lock(&lock);
    unsigned slot = VOLGEOM_CACHE;
    for (unsigned i = 0; i < VOLGEOM_CACHE && slot == VOLGEOM_CACHE; i++)
        if (strcmp(cache[i].id, id) == 0)
            slot = i;                       /* the stale header of this id */
    if (slot == VOLGEOM_CACHE)
        slot = next_slot++ % VOLGEOM_CACHE;
    snprintf(cache[slot].id, sizeof cache[slot].id, "%s", id);
    cache[slot].st = *st;
    cache[slot].g = *g;
    pthread_mutex_unlock(&lock);
}

typedef struct {
    nrrd_stream *nrrd;
    nrrd_header h;
    int have_header;
    err e;                                  /* why the stream stopped otherwise */
} header_read;

/* The header is all this reader wants: stop the transfer there. */
static int on_header(void *ud, const nrrd_header *h, err *e)
{
    header_read *r = ud;
    r->h = *h;
    r->have_header = 1;
    return err_set(e, ERR_NONE, "header read");
}

static int sink(void *ud, const void *data, size_t n, size_t total)
{
    (void)total;
    header_read *r = ud;
    return nrrd_stream_feed(r->nrrd, data, n, &r->e) != 0;
}

/* Directions and spacing from the IJK-to-RAS matrix of the header
 * (nrrd_ijk_to_ras turns Slicer's LPS into RAS). */
static int geometry_of(const nrrd_header *h, volgeom *g)
{
    double m[3][4];
    if (nrrd_ijk_to_ras(h, m) != 0)
        return -1;
    for (int a = 0; a < 3; a++) {
        g->sizes[a] = h->sizes[a];
        double len = sqrt(m[0][a] * m[0][a] + m[1][a] * m[1][a] + m[2][a] * m[2][a]);
        if (!(len > 0) || !isfinite(len))
            return -1;
        g->spacing[a] = len;
        for (int r = 0; r < 3; r++)
            g->dirs[r][a] = m[r][a] / len;
    }
    for (int r = 0; r < 3; r++)
        g->origin[r] = m[r][3];
    return 0;
}

int volgeom_get(call_ctx *c, const char *id, const volgeom_stamp *st, volgeom *g,
                int *read_now, err *e)
{
    *read_now = 0;
    /* Slicer resolves this id with slicer.util.getNode, which reads
     * * ? [ as an fnmatch pattern: such an id could name another volume. */
    if (strpbrk(id, "*?["))
        return err_set(e, ERR_INVALID, "Slicer's GET /slicer/volume cannot fetch '%.200s' "
                       "by id: it reads * ? [ as a name pattern", id);
    if (cache_find(id, st, g))
        return 0;
    header_read r = { 0 };
    buf t;
    buf_init(&t, 4096);
    if (buf_puts(&t, "/slicer/volume") != 0 || call_query_add(&t, "id", id) != 0) {
        buf_free(&t);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    r.nrrd = nrrd_stream_new(on_header, NULL, &r);
    if (!r.nrrd) {
        buf_free(&t);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    err ce = { 0 };
    int rc = call_slicer_stream(c, "GET", t.data, sink, &r, &ce);
    buf_free(&t);
    nrrd_stream_free(r.nrrd);
    if (!r.have_header) {
        if (rc != 0 && r.e.msg[0])
            return err_set(e, ERR_UPSTREAM, "Slicer's volume file for %s: %s", id, r.e.msg);
        if (rc != 0) {
            *e = ce;
            return -1;
        }
        return err_set(e, ERR_UPSTREAM, "Slicer's volume file for %s ended inside its header", id);
    }
    if (geometry_of(&r.h, g) != 0)
        return err_set(e, ERR_UPSTREAM, "the NRRD header of %s has no usable space "
                       "directions and origin", id);
    /* The stamp describes the properties read before the header; should
     * the volume have changed in between, the header's sizes show it, and
     * it is kept for this answer only. */
    if (g->sizes[0] == st->dims[0] && g->sizes[1] == st->dims[1] && g->sizes[2] == st->dims[2])
        cache_put(id, st, g);
    *read_now = 1;
    return 0;
}
