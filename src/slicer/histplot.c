/* histplot: a histogram bar chart as PNG (see the header). */
#include "slicer/histplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicer/img.h"

#define GLYPH_W 5
#define GLYPH_H 7
#define ADVANCE 6                /* glyph plus one column of space */

/* 5x7 glyphs, one byte a row, bit 4 the leftmost column: the characters
 * of "%.4g" numbers and of the two axis titles. */
static const struct { char c; unsigned char rows[GLYPH_H]; } font[] = {
    { '0', { 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E } },
    { '1', { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E } },
    { '2', { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F } },
    { '3', { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E } },
    { '4', { 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 } },
    { '5', { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E } },
    { '6', { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E } },
    { '7', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
    { '8', { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E } },
    { '9', { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C } },
    { '-', { 0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00 } },
    { '+', { 0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00 } },
    { '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C } },
    { 'c', { 0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E } },
    { 'e', { 0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E } },
    { 'i', { 0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E } },
    { 'l', { 0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E } },
    { 'n', { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 } },
    { 'o', { 0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E } },
    { 's', { 0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E } },
    { 't', { 0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06 } },
    { 'v', { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0A, 0x04 } },
    { 'x', { 0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11 } },
    { 'y', { 0x00, 0x00, 0x11, 0x11, 0x0F, 0x01, 0x0E } },
};

static const unsigned char INK[3] = { 0x20, 0x20, 0x20 };
static const unsigned char BAR[3] = { HISTPLOT_BAR_RGB };

static void put(img_rgba *im, long x, long y, const unsigned char c[3])
{
    if (x < 0 || y < 0 || x >= (long)im->w || y >= (long)im->h)
        return;
    unsigned char *p = im->rgba + 4 * ((size_t)y * im->w + (size_t)x);
    memcpy(p, c, 3);
    p[3] = 255;
}

static void rect(img_rgba *im, long x0, long y0, long x1, long y1, const unsigned char c[3])
{
    for (long y = y0; y < y1; y++)
        for (long x = x0; x < x1; x++)
            put(im, x, y, c);
}

/* Text with its top left at (x, y); a character without a glyph leaves a
 * space. */
static void text(img_rgba *im, long x, long y, const char *s)
{
    for (long k = 0; s[k]; k++) {
        const unsigned char *rows = NULL;
        for (size_t g = 0; g < sizeof font / sizeof font[0]; g++)
            if (font[g].c == s[k])
                rows = font[g].rows;
        for (int r = 0; rows && r < GLYPH_H; r++)
            for (int col = 0; col < GLYPH_W; col++) {
                if (rows[r] & (0x10 >> col))
                    put(im, x + k * ADVANCE + col, y + r, INK);
            }
    }
}

static long text_width(const char *s)
{
    return (long)strlen(s) * ADVANCE - 1;
}

int histplot_png(const double *edges, const uint64_t *counts, int bins, void **png,
                 size_t *len, err *e)
{
    if (bins < 1 || bins > HISTPLOT_PLOT_W || !isfinite(edges[0]) || !isfinite(edges[bins]))
        return err_set(e, ERR_INVALID, "histogram plot: 1..%d bins of finite edges",
                       HISTPLOT_PLOT_W);
    img_rgba im = { HISTPLOT_WIDTH, HISTPLOT_HEIGHT, malloc((size_t)HISTPLOT_WIDTH * HISTPLOT_HEIGHT * 4) };
    if (!im.rgba)
        return err_set(e, ERR_INTERNAL, "out of memory");
    memset(im.rgba, 255, (size_t)HISTPLOT_WIDTH * HISTPLOT_HEIGHT * 4);
    uint64_t max = 0;
    for (int b = 0; b < bins; b++)
        max = counts[b] > max ? counts[b] : max;
    const long x0 = HISTPLOT_LEFT, y0 = HISTPLOT_HEIGHT - HISTPLOT_BOTTOM;   /* the origin */
    for (int b = 0; b < bins && max > 0; b++) {
        long bh = lround((double)counts[b] / (double)max * HISTPLOT_PLOT_H);
        long bx0 = x0 + (long)b * HISTPLOT_PLOT_W / bins;
        long bx1 = x0 + (long)(b + 1) * HISTPLOT_PLOT_W / bins;
        /* a white gap between bars when they are wide enough to keep one */
        if (bx1 - bx0 >= 4)
            bx1--;
        rect(&im, bx0, y0 - bh, bx1, y0, BAR);
    }
    /* axes on the plot's left and bottom edges, outside the bars */
    rect(&im, x0 - 1, y0 - HISTPLOT_PLOT_H, x0, y0 + 1, INK);
    rect(&im, x0 - 1, y0, x0 + HISTPLOT_PLOT_W, y0 + 1, INK);
    char s[32];
    for (int q = 0; q <= 4; q++) {
        long tx = x0 + (long)q * HISTPLOT_PLOT_W / 4;
        snprintf(s, sizeof s, "%.4g", edges[0] + (edges[bins] - edges[0]) * q / 4.0);
        rect(&im, tx - 1, y0 + 1, tx, y0 + 5, INK);
        long lx = tx - text_width(s) / 2;
        lx = lx + text_width(s) > HISTPLOT_WIDTH - 1 ? HISTPLOT_WIDTH - 1 - text_width(s) : lx;
        text(&im, lx, y0 + 8, s);
    }
    for (int q = 0; q <= 2; q++) {
        long ty = y0 - (long)q * HISTPLOT_PLOT_H / 2;
        snprintf(s, sizeof s, "%.4g", (double)max * q / 2.0);
        rect(&im, x0 - 5, ty, x0 - 1, ty + 1, INK);
        text(&im, x0 - 8 - text_width(s), ty - GLYPH_H / 2, s);
    }
    /* titles: under the x axis, and above the y axis (upright: no
     * rotated glyphs needed) */
    text(&im, x0 + HISTPLOT_PLOT_W / 2 - text_width("intensity") / 2, y0 + 24, "intensity");
    text(&im, 4, 4, "voxels");
    int rc = img_encode_png(&im, png, len, NULL, e);
    img_free(&im);
    return rc;
}
