/* t_png: decoding a PNG body to 8-bit RGBA for the tests that look at
 * pixels (the stand-in's renderers and its /slicer/slice answers). */
#ifndef T_PNG_H
#define T_PNG_H

#include <png.h>
#include <stdlib.h>
#include <string.h>

/* libpng's simplified API; caller frees.  *channels (may be NULL) gets
 * the channel count stored in the file.  NULL if p is not a PNG. */
static inline unsigned char *t_png_rgba(const void *p, size_t n, int *w, int *h, int *channels)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!p || !png_image_begin_read_from_memory(&img, p, n))
        return NULL;
    if (channels)
        *channels = (int)PNG_IMAGE_SAMPLE_CHANNELS(img.format);
    img.format = PNG_FORMAT_RGBA;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        png_image_free(&img);
        free(px);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return px;
}

#endif
