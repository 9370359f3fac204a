/* labelnrrd: gzip labelmap NRRD writer (see labelnrrd.h).  zlib's gz*
 * functions do the compression: the header goes out as plain text
 * first, then gzdopen continues on the same descriptor. */
#include "slicer/labelnrrd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Level 1: labelmaps are mostly runs of zeros, which every level packs
 * alike, and the file is read once and deleted. */
#define LABELNRRD_GZ_MODE "wb1"

struct labelnrrd {
    gzFile gz;
    uint64_t want, written;
};

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

labelnrrd *labelnrrd_open(int fd, const nrrd_header *h, err *e)
{
    char head[2048];
    const double (*d)[3] = h->dirs;
    int n = snprintf(head, sizeof head,
        "NRRD0004\n"
        "# Complete NRRD file format specification at:\n"
        "# http://teem.sourceforge.net/nrrd/format.html\n"
        "type: unsigned char\n"
        "dimension: 3\n"
        "space: %s\n"
        "sizes: %zu %zu %zu\n"
        "space directions: (%.17g,%.17g,%.17g) (%.17g,%.17g,%.17g) (%.17g,%.17g,%.17g)\n"
        "kinds: domain domain domain\n"
        "endian: little\n"
        "encoding: gzip\n"
        "space origin: (%.17g,%.17g,%.17g)\n\n",
        h->space_lps ? "left-posterior-superior" : "right-anterior-superior",
        h->sizes[0], h->sizes[1], h->sizes[2],
        d[0][0], d[0][1], d[0][2], d[1][0], d[1][1], d[1][2], d[2][0], d[2][1], d[2][2],
        h->origin[0], h->origin[1], h->origin[2]);
    labelnrrd *w = calloc(1, sizeof *w);
    if (!w || !h->has_geometry || n <= 0 || (size_t)n >= sizeof head ||
        write_all(fd, head, (size_t)n) != 0 || !(w->gz = gzdopen(fd, LABELNRRD_GZ_MODE))) {
        err_set(e, ERR_INTERNAL, "labelmap file: %s", !w ? "out of memory"
                : !h->has_geometry ? "the source has no geometry" : strerror(errno));
        free(w);
        close(fd);
        return NULL;
    }
    w->want = h->voxels;
    return w;
}

int labelnrrd_write(labelnrrd *w, const unsigned char *labels, size_t n, err *e)
{
    while (n > 0) {
        unsigned part = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        if (gzwrite(w->gz, labels, part) != (int)part) {
            int zerr;
            const char *msg = gzerror(w->gz, &zerr);
            return err_set(e, ERR_INTERNAL, "labelmap file: %s",
                           zerr == Z_ERRNO ? strerror(errno) : msg);
        }
        w->written += part;
        labels += part;
        n -= part;
    }
    return 0;
}

int labelnrrd_close(labelnrrd *w, err *e)
{
    if (!w)
        return 0;
    int rc = gzclose(w->gz) == Z_OK ? 0 : err_set(e, ERR_INTERNAL, "labelmap file: %s",
                                                    strerror(errno));
    if (rc == 0 && w->written != w->want)
        rc = err_set(e, ERR_INTERNAL, "labelmap file: %llu of %llu voxels written",
                     (unsigned long long)w->written, (unsigned long long)w->want);
    free(w);
    return rc;
}
