/* imgreply: Slicer's PNG into an MCP image block's base64, optionally on a
 * worker thread. */
#include "slicer/imgreply.h"

#include <stdlib.h>
#include <string.h>

#include "slicer/img.h"
#include "util/base64.h"

static int work(imgreply *j)
{
    img_rgba in = { 0 };
    void *out = NULL;
    size_t out_len = 0;
    int rc = -1;
    if (img_decode_png(j->png, j->len, &in, &j->e) != 0)
        goto done;
    /* Black where Slicer's image is transparent, as its views show it:
     * the model sees what a person sees, in fewer channels. */
    size_t see_through = img_flatten_black(&in);
    if (imgfit_encode(&in, j->max_side, IMGFIT_MAX_B64, &out, &out_len, &j->fit, &j->e) != 0)
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

static void setup(imgreply *j, const void *png, size_t len, unsigned max_side)
{
    memset(j, 0, sizeof *j);
    j->png = png;
    j->len = len;
    j->max_side = max_side;
}

int imgreply_run(imgreply *j, const void *png, size_t len, unsigned max_side, err *e)
{
    setup(j, png, len, max_side);
    if (work(j) == 0)
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
    setup(j, png, len, max_side);
    j->threaded = pthread_create(&j->thread, NULL, thread_main, j) == 0;
    if (!j->threaded)
        j->rc = work(j);
}

int imgreply_join(imgreply *j, err *e)
{
    if (j->threaded)
        pthread_join(j->thread, NULL);
    j->threaded = 0;
    if (j->rc == 0)
        return 0;
    *e = j->e;
    return -1;
}
