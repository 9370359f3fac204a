/* sim_nrrdfile: NRRD files read for POST /mrml (see the header). */
#include "sim_nrrdfile.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* QVariant(QString).toBool(): false only for "", "0" and "false" (any case). */
int sim_qt_to_bool(const char *s)
{
    return s && *s && strcmp(s, "0") != 0 && strcasecmp(s, "false") != 0;
}

/* The whole file; NULL if unreadable or too large. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *p = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len >= 0 && (unsigned long long)len <= SIM_NRRD_MAX_VOXELS * 2 + SIM_NRRD_MAX_HEADER &&
        fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len + 1)) &&
        fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* Voxel bytes of the data part: raw, or a gzip stream inflated to exactly
 * want bytes.  0, or -1 with why. */
static int nrrd_data(const unsigned char *d, size_t n, int gzip, unsigned char *out, size_t want,
                     char *why, size_t wn)
{
    if (!gzip) {
        if (n < want) {
            snprintf(why, wn, "ITK exception info: error in unknown\nRead failed: Wanted %zu bytes, "
                     "but read %zu bytes.", want, n);
            return -1;
        }
        memcpy(out, d, want);
        return 0;
    }
    z_stream z = { 0 };
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return -1;
    z.next_in = (unsigned char *)(uintptr_t)d;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)want;
    int rc = inflate(&z, Z_FINISH);
    size_t got = want - z.avail_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || got != want) {
        snprintf(why, wn, "ITK exception info: error in unknown\nnrrdLoad: trouble reading "
                 "gzip data: %zu of %zu bytes", got, want);
        return -1;
    }
    return 0;
}

/* The sim_volume of a parsed header and its data; NULL with why. */
sim_volume *sim_nrrd_volume(const sim_nrrd_file *f, char *why, size_t wn)
{
    const unsigned char *data = f->data;
    size_t n = f->ndata;
    static const char *const uchars[] = { "uchar", "unsigned char", "uint8", "uint8_t" };
    static const char *const shorts[] = { "short", "short int", "signed short",
                                          "signed short int", "int16", "int16_t" };
    int uc = 0, sh = 0;
    for (int i = 0; f->type && i < 4; i++)
        uc |= !strcmp(f->type, uchars[i]);
    for (int i = 0; f->type && i < 6; i++)
        sh |= !strcmp(f->type, shorts[i]);
    int lps = f->space && (!strcmp(f->space, "left-posterior-superior") || !strcmp(f->space, "LPS"));
    int ras = f->space && (!strcmp(f->space, "right-anterior-superior") || !strcmp(f->space, "RAS"));
    int dims[3];
    double d[3][3], o[3];
    const char *bad = !f->type || !(uc || sh) ? "type"
        : !f->dimension || strcmp(f->dimension, "3") ? "dimension"
        : !f->sizes || sscanf(f->sizes, "%d %d %d", &dims[0], &dims[1], &dims[2]) != 3 ||
          dims[0] <= 0 || dims[1] <= 0 || dims[2] <= 0 ||
          (unsigned long long)dims[0] * dims[1] * dims[2] > SIM_NRRD_MAX_VOXELS ? "sizes"
        : !f->encoding || (strcmp(f->encoding, "raw") && strcmp(f->encoding, "gzip")) ? "encoding"
        : sh && (!f->endian || strcmp(f->endian, "little")) ? "endian"
        : !(lps || ras) ? "space"
        : !f->dirs || sscanf(f->dirs, " (%lf,%lf,%lf) (%lf,%lf,%lf) (%lf,%lf,%lf)",
                             &d[0][0], &d[0][1], &d[0][2], &d[1][0], &d[1][1], &d[1][2],
                             &d[2][0], &d[2][1], &d[2][2]) != 9 ? "space directions"
        : !f->origin || sscanf(f->origin, " (%lf,%lf,%lf)", &o[0], &o[1], &o[2]) != 3
          ? "space origin" : NULL;
    if (bad) {
        snprintf(why, wn, "ITK exception info: error in unknown\nnrrdLoad: trouble with "
                 "field \"%s\"", bad);
        return NULL;
    }
    sim_volume *v = calloc(1, sizeof *v);
    size_t want = (size_t)dims[0] * dims[1] * dims[2] * (uc ? 1 : 2);
    void *vox = malloc(want + 1);
    if (!v || !vox || nrrd_data(data, n, !strcmp(f->encoding, "gzip"), vox, want, why, wn) != 0) {
        free(v);
        free(vox);
        return NULL;
    }
    double flip = lps ? -1 : 1;
    for (int a = 0; a < 3; a++) {
        v->dims[a] = dims[a];
        double len = sqrt(d[a][0] * d[a][0] + d[a][1] * d[a][1] + d[a][2] * d[a][2]);
        v->spacing[a] = len > 0 ? len : 1;
        for (int r = 0; r < 3; r++)
            v->dirs[a][r] = len > 0 ? d[a][r] / len * (r < 2 ? flip : 1) : (a == r);
        v->origin[a] = o[a] * (a < 2 ? flip : 1);
    }
    v->scalar = uc ? SIM_UCHAR : SIM_SHORT;
    v->voxels = vox;
    v->window = uc ? 2 : 400;
    v->level = uc ? 1 : 200;
    return v;
}

/* teem's airUnescape: "\\n" is a newline, "\\\\" a backslash, in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else if (s[0] == '\\' && s[1] == '\\') {
            *o++ = '\\';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* The header lines: comments skipped, "field: value" when the text before
 * the first ": " is a field the readers use or know, else "key:=value"
 * (teem _nrrdReadNrrdParseField, then _nrrdReadNrrdParse_keyvalue). */
static void read_fields(char *head, sim_nrrd_file *f)
{
    static const char *const known[] = { "content", "thicknesses", "axis mins", "axis maxs",
        "centers", "centerings", "labels", "units", "min", "max", "old min", "old max",
        "line skip", "byte skip", "sample units", "space units", "measurement frame",
        "data file", "space dimension", "block size", "number", "spacings" };
    for (char *line = head, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#')
            continue;
        char *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            const char *v = colon + 2;
            const char **slot = !strcmp(line, "type") ? &f->type
                : !strcmp(line, "dimension") ? &f->dimension
                : !strcmp(line, "sizes") ? &f->sizes
                : !strcmp(line, "encoding") ? &f->encoding
                : !strcmp(line, "endian") ? &f->endian
                : !strcmp(line, "space") ? &f->space
                : !strcmp(line, "space directions") ? &f->dirs
                : !strcmp(line, "space origin") ? &f->origin
                : !strcmp(line, "kinds") ? &f->kinds : NULL;
            int other = 0;
            for (size_t i = 0; !slot && i < sizeof known / sizeof known[0]; i++)
                other |= !strcmp(line, known[i]);
            if (slot)
                *slot = v;
            if (slot || other)
                continue;
            *colon = ':';
        }
        char *sep = strstr(line, ":=");
        if (!sep || f->nkv >= SIM_NRRD_MAX_KV)
            continue;
        *sep = '\0';
        unescape(line);
        unescape(sep + 2);
        f->keys[f->nkv] = line;
        f->vals[f->nkv++] = sep + 2;
    }
}

int sim_nrrd_open(const char *path, sim_nrrd_file *f, char *detail, size_t dn)
{
    memset(f, 0, sizeof *f);
    f->file = slurp(path, &f->n);
    unsigned char *end = NULL;
    for (size_t i = 0; f->file && i + 1 < f->n && i < SIM_NRRD_MAX_HEADER; i++)
        if (f->file[i] == '\n' && f->file[i + 1] == '\n') {
            end = f->file + i;
            break;
        }
    if (!f->file || f->n < 8 || memcmp(f->file, "NRRD000", 7) != 0 || !end) {
        snprintf(detail, dn, "ITK exception info: error in unknown\nCould not "
                 "create IO object for reading file %s", path);
        return -1;
    }
    f->file[f->n] = '\0';
    *end = '\0';
    f->data = end + 2;
    f->ndata = f->n - (size_t)(end + 2 - f->file);
    read_fields((char *)f->file, f);
    return 0;
}

const char *sim_nrrd_kv(const sim_nrrd_file *f, const char *key)
{
    for (int i = 0; i < f->nkv; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->vals[i];
    return NULL;
}

void sim_nrrd_close(sim_nrrd_file *f)
{
    free(f->file);
    f->file = NULL;
}
