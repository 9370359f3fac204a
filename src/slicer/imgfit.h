/* imgfit: an image re-encoded to what MCP clients accept.  Claude Desktop
 * refuses an image block whose base64 text exceeds 1 MiB, and Claude
 * scales anything with a long side over 1568 px down to that anyway, so
 * more pixels cost bytes and tokens and buy nothing.  imgfit downscales
 * as little as needed: to max_side, then further only while the PNG's
 * base64 is over the byte limit. */
#ifndef IMGFIT_H
#define IMGFIT_H

#include <stddef.h>
#include "slicer/img.h"
#include "util/err.h"

#define IMGFIT_MAX_B64   (1024u * 1024u)   /* base64 characters of one image */
#define IMGFIT_LONG_SIDE 1568u             /* what Claude looks at */

typedef struct {
    unsigned in_w, in_h;   /* what Slicer sent */
    unsigned w, h;         /* what goes out */
    int by_bytes;          /* 1: downscaled below max_side to fit max_b64 */
} imgfit_info;

/* Length of the base64 text of n bytes. */
static inline size_t imgfit_b64_len(size_t n) { return (n + 2) / 3 * 4; }

/* Encodes in (losslessly, img_encode_png) with no side over max_side
 * (0: no side limit) and base64 at most max_b64 characters, downscaling
 * from in each time.  *png is malloc'd (caller frees).  -1 with e when
 * even a 16 px image does not fit, or on OOM. */
int imgfit_encode(const img_rgba *in, unsigned max_side, size_t max_b64, void **png, size_t *len,
                  imgfit_info *info, err *e);

#endif
