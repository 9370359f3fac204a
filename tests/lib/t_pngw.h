/* t_pngw: PNG files written for the tests with libpng's full API, the way
 * Slicer's vtkPNGWriter writes them (zlib level 0, libpng's adaptive row
 * filters), optionally interlaced or with 16-bit samples. */
#ifndef T_PNGW_H
#define T_PNGW_H

#include <stddef.h>

typedef struct {
    int channels;    /* 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
    int depth;       /* 8, or 16 (samples big-endian, 2 bytes each) */
    int interlace;   /* 1: Adam7 */
} t_pngw_opts;

/* w x h pixels, rows packed, each sample depth/8 bytes.  Returns malloc'd
 * bytes (caller frees) or NULL. */
unsigned char *t_pngw(const void *px, unsigned w, unsigned h, t_pngw_opts o, size_t *len);

#endif
