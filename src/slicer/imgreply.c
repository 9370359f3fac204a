/* imgreply: Slicer's PNG into an MCP image block's base64, optionally on a
 * worker thread. */
#include "slicer/imgreply.h"

#include <stdlib.h>
#include <string.h>

#include "slicer/img.h"
#include "util/base64.h"
#include "util/platform.h"

/* Decoding and encoding at once.  libpng unfilters Slicer's rows (2 ms
 * of a 512x512 slice: Paeth, without SIMD in Debian's libpng) and zlib
 * deflates them (1.5 ms); one after the other they were most of what a
 * slice call adds to fetching the slice.  So the decoder hands each batch
 * of rows, flattened over black, to an encoder thread as soon as libpng
 * has them, and the call waits for the longer of the two.  The encoder
 * guesses gray (a slice of a gray volume); when the decoder meets colour
 * it starts again as RGB from row 0, over rows already decoded.  The
 * bytes are those of decoding first and encoding after: the same layout
 * (after flattening only gray or RGB remain) and the same settings.
 *
 * The encoder starts only once the caller has its last answer from
 * Slicer (imgreply_join): while Slicer still works on the caller's next
 * request it needs a CPU, and on a two-CPU machine a second image thread
 * took it (the slice node's properties came 2 ms late, not 0.6).  The
 * decoder starts it, at its next batch of rows after that, on a CPU
 * other than its own (platform_thread_beside). */
#define WAKE_ROWS 64u

struct imgreply_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned max_side;     /* the job's; 0 for none */
    img_rgba *im;          /* the decoder's pixels, once its header is read */
    unsigned ready;        /* rows [0, ready) are final */
    int colour;            /* a final row has colour */
    int failed;            /* the decode failed: the encoder stops */
    int go;                /* the caller is done with Slicer */
    int decoded;           /* the decoder is done: no encoder starts now */
    unsigned want;         /* the encoder waits until ready reaches it; 0: not waiting */
    img_format fmt;        /* the encoder's current guess */
    size_t see_through;    /* pixels that were not opaque */
    pthread_t thread;
    int started;
    /* the encoder's result */
    int rc;
    void *out;
    size_t out_len;
    err e;
};
typedef struct imgreply_pipe recode;

static const unsigned char *feed_row(void *ctx, unsigned y)
{
    recode *r = ctx;
    pthread_mutex_lock(&r->mu);
    /* A wake-up costs tens of microseconds on a VM: a caught-up encoder
     * sleeps until a stretch of rows is ready, not for each batch. */
    if (r->ready <= y) {
        r->want = y + WAKE_ROWS < r->im->h ? y + WAKE_ROWS : r->im->h;
        while (r->ready < r->want && !r->failed)
            pthread_cond_wait(&r->cv, &r->mu);
        r->want = 0;
    }
    int stop = r->failed || (r->fmt == IMG_GRAY && r->colour);
    pthread_mutex_unlock(&r->mu);
    return stop ? NULL : r->im->rgba + (size_t)r->im->w * y * 4;
}

static void *encoder_main(void *arg)
{
    recode *r = arg;
    do {
        r->rc = img_encode_rows(r->im->w, r->im->h, r->fmt, feed_row, r, &r->out, &r->out_len, &r->e);
        pthread_mutex_lock(&r->mu);
        int again = r->rc == -2 && !r->failed && r->fmt == IMG_GRAY;
        if (again)
            r->fmt = IMG_RGB;
        pthread_mutex_unlock(&r->mu);
        if (!again)
            break;
    } while (1);
    return NULL;
}

/* Under r->mu, on the decoder's thread: starts the encoder once both the
 * header and the go are in, unless the decoder finished first (then it
 * encodes on its own). */
static void maybe_start(recode *r)
{
    if (r->started || !r->go || !r->im || r->decoded || r->failed)
        return;
    unsigned big = r->im->w > r->im->h ? r->im->w : r->im->h;
    /* Downscaling needs every row first: only a full-size answer is
     * encoded as the rows come. */
    if (r->max_side == 0 || r->max_side >= big)
        r->started = platform_thread_beside(&r->thread, encoder_main, r) == 0;
}

/* The decoder's last word: after it no encoder starts, and any running
 * one is waited for. */
static void finish(recode *r, int failed)
{
    pthread_mutex_lock(&r->mu);
    r->decoded = 1;
    r->failed |= failed;
    pthread_cond_signal(&r->cv);
    int started = r->started;
    pthread_mutex_unlock(&r->mu);
    if (started)
        pthread_join(r->thread, NULL);
}

/* img_rows_fn: the decoder's progress. */
static void on_rows(void *ctx, img_rgba *im, unsigned y0, unsigned y1)
{
    recode *r = ctx;
    if (!im) {
        finish(r, 1);
        return;
    }
    if (y0 == y1) {
        pthread_mutex_lock(&r->mu);
        r->im = im;
        r->fmt = IMG_GRAY;
        maybe_start(r);
        pthread_mutex_unlock(&r->mu);
        return;
    }
    /* Black where Slicer's image is transparent, as its views show it:
     * the model sees what a person sees, in fewer channels. */
    r->see_through += img_flatten_black_rows(im, y0, y1);
    int colour = img_rows_colour(im, y0, y1);
    pthread_mutex_lock(&r->mu);
    r->ready = y1;
    r->colour |= colour;
    maybe_start(r);
    if (r->want && r->ready >= r->want)
        pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* Slicer's PNG, decoded into in and flattened; with *out (owned by the
 * caller) when it was also re-encoded at full size within the byte limit. */
static int decode_recode(imgreply *j, img_rgba *in, size_t *see_through, void **out,
                         size_t *out_len)
{
    recode *r = j->pipe;
    *out = NULL;
    *out_len = 0;
    if (!r) {   /* no memory for the pipe: one thing after the other */
        if (img_decode_png(j->png, j->len, in, &j->e) != 0)
            return -1;
        *see_through = img_flatten_black(in);
        return 0;
    }
    int rc = img_decode_png_rows(j->png, j->len, in, on_rows, r, &j->e);
    if (rc == 0)
        finish(r, 0);
    if (rc == 0 && r->started && r->rc == 0 && imgfit_b64_len(r->out_len) <= IMGFIT_MAX_B64) {
        *out = r->out;
        *out_len = r->out_len;
        r->out = NULL;
        j->fit = (imgfit_info){ .in_w = in->w, .in_h = in->h, .w = in->w, .h = in->h };
    }
    *see_through = r->see_through;
    return rc;
}

static int work(imgreply *j)
{
    img_rgba in = { 0 };
    void *out = NULL;
    size_t out_len = 0, see_through = 0;
    int rc = -1;
    if (decode_recode(j, &in, &see_through, &out, &out_len) != 0)
        goto done;
    if (!out && imgfit_encode(&in, j->max_side, IMGFIT_MAX_B64, &out, &out_len, &j->fit, &j->e) != 0)
        goto done;
    /* Slicer's screenshot is already compressed (Qt's default level): when
     * the fast re-encoding comes out larger, the original, decoded and so
     * known to be a sound PNG, is the smaller faithful answer. */
    const void *send = out;
    size_t send_len = out_len;
    if (j->fit.w == in.w && j->fit.h == in.h && !see_through && j->len < out_len) {
        send = j->png;
        send_len = j->len;
    }
    j->b64 = base64_encode(send, send_len, NULL);
    if (!j->b64) {
        err_set(&j->e, ERR_INTERNAL, "out of memory");
        goto done;
    }
    rc = 0;
done:
    free(out);
    img_free(&in);
    return rc;
}

static void setup(imgreply *j, const void *png, size_t len, unsigned max_side, int go)
{
    memset(j, 0, sizeof *j);
    j->png = png;
    j->len = len;
    j->max_side = max_side;
    recode *r = calloc(1, sizeof *r);
    if (r && pthread_mutex_init(&r->mu, NULL) == 0) {
        if (pthread_cond_init(&r->cv, NULL) == 0) {
            r->max_side = max_side;
            r->go = go;
            j->pipe = r;
            return;
        }
        pthread_mutex_destroy(&r->mu);
    }
    free(r);
}

static void teardown(imgreply *j)
{
    recode *r = j->pipe;
    if (!r)
        return;
    free(r->out);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
    j->pipe = NULL;
}

int imgreply_run(imgreply *j, const void *png, size_t len, unsigned max_side, err *e)
{
    setup(j, png, len, max_side, 1);
    int rc = work(j);
    teardown(j);
    if (rc == 0)
        return 0;
    *e = j->e;
    return -1;
}

static void *thread_main(void *arg)
{
    imgreply *j = arg;
    j->rc = work(j);
    return NULL;
}

void imgreply_start(imgreply *j, const void *png, size_t len, unsigned max_side)
{
    setup(j, png, len, max_side, 0);
    j->threaded = pthread_create(&j->thread, NULL, thread_main, j) == 0;
    if (!j->threaded)
        j->rc = work(j);
}

int imgreply_join(imgreply *j, err *e)
{
    recode *r = j->pipe;
    if (r && j->threaded) {
        pthread_mutex_lock(&r->mu);
        r->go = 1;
        pthread_mutex_unlock(&r->mu);
    }
    if (j->threaded)
        pthread_join(j->thread, NULL);
    j->threaded = 0;
    teardown(j);
    if (j->rc == 0)
        return 0;
    *e = j->e;
    return -1;
}
