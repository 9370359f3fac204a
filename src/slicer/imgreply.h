/* imgreply: a PNG from Slicer made into what an MCP image block carries:
 * composited over black as Slicer's views show transparent pixels,
 * downscaled to max_side and the clients' byte limit (imgfit), re-encoded
 * losslessly, in base64.
 *
 * The work (2-4 ms for a 512x512 slice, most of it libpng decoding
 * Slicer's filtered rows) touches nothing but the job, so it can run on
 * a worker thread while the caller makes its next REST call: a slice
 * call overlaps it with the slice node's properties, which Slicer takes
 * milliseconds to answer.  Decoding and encoding overlap too, on a
 * second thread, once the caller is waiting for the job. */
#ifndef IMGREPLY_H
#define IMGREPLY_H

#include <pthread.h>
#include <stddef.h>

#include "slicer/imgfit.h"
#include "util/err.h"

typedef struct {
    /* in: png must stay alive until imgreply_join */
    const void *png;
    size_t len;
    unsigned max_side;          /* 0: only the byte limit */
    /* out, after imgreply_join returned 0 */
    char *b64;                  /* malloc'd; the caller takes it */
    imgfit_info fit;
    /* private */
    int rc;
    err e;
    pthread_t thread;
    int threaded;
    struct imgreply_pipe *pipe;   /* the decoder's and encoder's meeting point */
} imgreply;

/* The whole job on this thread; 0, or -1 with e. */
int  imgreply_run(imgreply *j, const void *png, size_t len, unsigned max_side, err *e);
/* Starts the job on a worker thread (on this one, at once, when no thread
 * can be started); imgreply_join must follow, on every path. */
void imgreply_start(imgreply *j, const void *png, size_t len, unsigned max_side);
/* Waits for the job; 0 with j->b64 and j->fit, or -1 with e. */
int  imgreply_join(imgreply *j, err *e);

#endif
