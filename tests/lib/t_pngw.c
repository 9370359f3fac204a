/* t_pngw: the tests' PNG writer (see t_pngw.h). */
#include "t_pngw.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *p;
    size_t n, cap;
} membuf;

static void mem_write(png_structp pp, png_bytep d, size_t n)
{
    membuf *m = png_get_io_ptr(pp);
    if (m->n + n > m->cap) {
        size_t cap = (m->n + n) * 2;
        unsigned char *p = realloc(m->p, cap);
        if (!p)
            png_error(pp, "out of memory");
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->n, d, n);
    m->n += n;
}

static void mem_flush(png_structp pp)
{
    (void)pp;
}

/* Nothing local is modified between setjmp and a longjmp. */
unsigned char *t_pngw(const void *px, unsigned w, unsigned h, t_pngw_opts o, size_t *len)
{
    static const int types[] = { 0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                 PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA };
    if (o.channels < 1 || o.channels > 4 || (o.depth != 8 && o.depth != 16))
        return NULL;
    membuf m = { NULL, 0, 0 };
    png_structp pp = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop ip = pp ? png_create_info_struct(pp) : NULL;
    if (!ip) {
        png_destroy_write_struct(&pp, NULL);
        return NULL;
    }
    if (setjmp(png_jmpbuf(pp))) {
        png_destroy_write_struct(&pp, &ip);
        free(m.p);
        return NULL;
    }
    png_set_write_fn(pp, &m, mem_write, mem_flush);
    png_set_IHDR(pp, ip, w, h, o.depth, types[o.channels],
                 o.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(pp, 0);
    png_write_info(pp, ip);
    size_t stride = (size_t)w * (size_t)o.channels * (size_t)(o.depth / 8);
    /* libpng's row pointers are not const; it only reads them. */
    png_bytep base;
    memcpy(&base, &px, sizeof base);
    png_bytep *rows = malloc(sizeof *rows * (h ? h : 1));
    if (!rows)
        png_error(pp, "out of memory");
    for (unsigned y = 0; y < h; y++)
        rows[y] = base + (size_t)y * stride;
    png_write_image(pp, rows);
    free(rows);
    png_write_end(pp, ip);
    png_destroy_write_struct(&pp, &ip);
    *len = m.n;
    return m.p;
}
