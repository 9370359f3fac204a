/* test_nrrd: the streaming NRRD reader against the stand-in's own NRRD
 * writer: every split of a small file into two feeds and byte-by-byte
 * feeding, malformed headers, truncated and overlong data, callback
 * refusal, and the LPS -> RAS conversion of MRHead's geometry. */

/* The stand-in's volume and NRRD code, compiled in (the Makefile links
 * unit tests against the gateway's library only). */
#include "../slicer-sim/sim_image.c"
#include "../slicer-sim/sim_phantom.c"

#include "slicer/nrrd.h"
#include "testlib.h"

/* What the callbacks saw. */
typedef struct {
    int headers;
    nrrd_header h;
    unsigned char *data;      /* voxels reassembled by number */
    size_t cap;
    uint64_t voxels_seen;
    int in_order;
    uint64_t next;
    int refuse_header;        /* make on_header fail */
    uint64_t refuse_at;       /* make on_voxels fail at this voxel (0: never) */
} seen;

static int cb_header(void *ud, const nrrd_header *h, err *e)
{
    seen *s = ud;
    s->headers++;
    s->h = *h;
    if (s->refuse_header)
        return err_set(e, ERR_INVALID, "refused by the test");
    return 0;
}

static int cb_voxels(void *ud, const unsigned char *raw, uint64_t first, size_t count, err *e)
{
    seen *s = ud;
    size_t vs = s->h.voxel_size;
    if (first != s->next)
        s->in_order = 0;
    s->next = first + count;
    if (s->refuse_at && first + count > s->refuse_at)
        return err_set(e, ERR_INVALID, "voxel refused by the test");
    if ((first + count) * vs <= s->cap)
        memcpy(s->data + first * vs, raw, count * vs);
    s->voxels_seen += count;
    return 0;
}

static void seen_init(seen *s, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->in_order = 1;
    s->cap = cap;
    s->data = calloc(1, cap ? cap : 1);
}

/* A small volume with MRHead's orientation: 5 x 4 x 3 voxels of
 * distinct values (negative ones too), short or double. */
static int small_volume(sim_volume *v, sim_scalar type)
{
    sim_volume head;
    if (sim_phantom_mrhead(&head, 2) != 0)   /* geometry only, 2^3 voxels */
        return -1;
    *v = head;
    v->dims[0] = 5, v->dims[1] = 4, v->dims[2] = 3;
    v->scalar = type;
    free(head.voxels);
    size_t n = 60;
    v->voxels = malloc(n * (type == SIM_DOUBLE ? 8 : 2));
    if (!v->voxels)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (type == SIM_DOUBLE)
            ((double *)v->voxels)[i] = ((double)i - 20) * 1.25e-3 + (i == 7 ? 1e300 : 0);
        else
            ((int16_t *)v->voxels)[i] = (int16_t)((int)i * 1093 - 32768);
    }
    return 0;
}

static size_t header_len(const sim_bytes *b)
{
    for (size_t i = 1; i < b->n; i++)
        if (b->p[i] == '\n' && b->p[i - 1] == '\n')
            return i + 1;
    return 0;
}

static void check_split(sim_scalar type)
{
    sim_volume v;
    sim_bytes b;
    T_ASSERT(small_volume(&v, type) == 0 && sim_nrrd_write(&v, &b) == 0, "volume");
    size_t hl = header_len(&b), dl = b.n - hl;
    T_ASSERT(hl > 0 && dl == 60 * (type == SIM_DOUBLE ? 8u : 2u), "header %zu data %zu", hl, dl);
    int bad = 0;
    /* Two feeds split at every offset, including 0 and the end. */
    for (size_t cut = 0; cut <= b.n && bad < 5; cut++) {
        seen s;
        seen_init(&s, dl);
        err e = { 0 };
        nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
        int rc = nrrd_stream_feed(st, b.p, cut, &e);
        rc |= nrrd_stream_feed(st, b.p + cut, b.n - cut, &e);
        rc |= nrrd_stream_finish(st, &e);
        if (!T_CHECK(rc == 0 && s.headers == 1 && s.voxels_seen == 60 && s.in_order &&
                     memcmp(s.data, b.p + hl, dl) == 0, "cut at %zu: rc %d %s, %llu voxels",
                     cut, rc, e.msg, (unsigned long long)s.voxels_seen))
            bad++;
        T_CHECK(nrrd_stream_data_bytes(st) == dl, "data bytes");
        nrrd_stream_free(st);
        free(s.data);
    }
    /* Three feeds around every voxel boundary in the data, and one byte at a time. */
    for (size_t cut = hl; cut + 3 <= b.n && bad < 5; cut++) {
        seen s;
        seen_init(&s, dl);
        err e = { 0 };
        nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
        int rc = nrrd_stream_feed(st, b.p, cut, &e);
        rc |= nrrd_stream_feed(st, b.p + cut, 3, &e);
        rc |= nrrd_stream_feed(st, b.p + cut + 3, b.n - cut - 3, &e);
        rc |= nrrd_stream_finish(st, &e);
        if (!T_CHECK(rc == 0 && memcmp(s.data, b.p + hl, dl) == 0, "3 feeds at %zu: %s", cut, e.msg))
            bad++;
        nrrd_stream_free(st);
        free(s.data);
    }
    seen s;
    seen_init(&s, dl);
    err e = { 0 };
    nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
    int rc = 0;
    for (size_t i = 0; i < b.n; i++)
        rc |= nrrd_stream_feed(st, b.p + i, 1, &e);
    rc |= nrrd_stream_finish(st, &e);
    T_CHECK(rc == 0 && memcmp(s.data, b.p + hl, dl) == 0 && s.in_order, "byte by byte: %s", e.msg);
    T_CHECK(s.h.type == (type == SIM_DOUBLE ? NRRD_DOUBLE : NRRD_SHORT), "type");
    T_CHECK(s.h.sizes[0] == 5 && s.h.sizes[1] == 4 && s.h.sizes[2] == 3 && s.h.voxels == 60, "sizes");
    T_CHECK(s.h.has_geometry && s.h.space_lps, "geometry");
    nrrd_stream_free(st);
    free(s.data);
    free(b.p);
    sim_volume_free(&v);
}

static void test_split_short(void) { check_split(SIM_SHORT); }
static void test_split_double(void) { check_split(SIM_DOUBLE); }

/* The header Slicer sends for MRHead, as the stand-in writes it. */
static char *mrhead_header(size_t *len)
{
    sim_volume v;
    sim_bytes b;
    if (sim_phantom_mrhead(&v, 2) != 0)
        return NULL;
    v.dims[0] = 256, v.dims[1] = 256, v.dims[2] = 130;
    v.spacing[0] = 1, v.spacing[1] = 1, v.spacing[2] = 1.2999954223632812;
    int16_t *big = calloc(256u * 256u * 130u, 2);
    free(v.voxels);
    v.voxels = big;
    if (!big || sim_nrrd_write(&v, &b) != 0) {
        sim_volume_free(&v);
        return NULL;
    }
    sim_volume_free(&v);
    *len = header_len(&b);
    char *h = malloc(*len + 1);
    memcpy(h, b.p, *len);
    h[*len] = '\0';
    free(b.p);
    return h;
}

static void test_lps_to_ras(void)
{
    size_t n;
    char *text = mrhead_header(&n);
    T_ASSERT(text, "header");
    T_CHECK(strstr(text, "space directions: (0.0,1.0,0.0) (0.0,0.0,-1.0) "
                         "(-1.2999954223632812,0.0,0.0)") != NULL, "sim header: %s", text);
    nrrd_header h;
    err e = { 0 };
    T_ASSERT(nrrd_parse_header(text, n - 2, &h, &e) == 0, "parse: %s", e.msg);
    double m[3][4];
    T_ASSERT(nrrd_ijk_to_ras(&h, m) == 0, "geometry");
    /* MRHead in RAS: I -> -A, J -> -S, K -> +R * 1.29999..., origin
     * (-86.645, 133.929, 116.786). */
    static const double want[3][4] = {
        { 0, 0, 1.2999954223632812, -86.644897460937486 },
        { -1, 0, 0, 133.92860412597656 },
        { 0, -1, 0, 116.78569793701172 },
    };
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            T_CHECK(m[r][c] == want[r][c], "m[%d][%d] = %.17g, want %.17g", r, c, m[r][c], want[r][c]);
    /* The lesion centre maps back to the IJK the phantom draws it at. */
    double ijk[3] = { (133.92860412597656 - SIM_LESION_A) / 1.0, (116.78569793701172 - SIM_LESION_S),
                      (SIM_LESION_R + 86.644897460937486) / 1.2999954223632812 };
    double ras[3];
    for (int r = 0; r < 3; r++)
        ras[r] = m[r][0] * ijk[0] + m[r][1] * ijk[1] + m[r][2] * ijk[2] + m[r][3];
    T_CHECK(fabs(ras[0] - SIM_LESION_R) < 1e-9 && fabs(ras[1] - SIM_LESION_A) < 1e-9 &&
            fabs(ras[2] - SIM_LESION_S) < 1e-9, "lesion at %g %g %g", ras[0], ras[1], ras[2]);
    /* A RAS-space header is taken as it is. */
    static const char ras_hdr[] = "NRRD0004\ntype: short\ndimension: 3\nspace: right-anterior-superior\n"
        "sizes: 2 2 2\nspace directions: (2,0,0) (0,3,0) (0,0,4)\nendian: little\nencoding: raw\n"
        "space origin: (-1,-2,-3)";
    T_ASSERT(nrrd_parse_header(ras_hdr, sizeof ras_hdr - 1, &h, &e) == 0, "ras: %s", e.msg);
    nrrd_ijk_to_ras(&h, m);
    T_CHECK(m[0][0] == 2 && m[1][1] == 3 && m[2][2] == 4 && m[0][3] == -1 && m[1][3] == -2 &&
            m[2][3] == -3, "RAS kept");
    /* No space directions: no geometry. */
    static const char bare[] = "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
        "encoding: raw";
    T_ASSERT(nrrd_parse_header(bare, sizeof bare - 1, &h, &e) == 0, "bare: %s", e.msg);
    T_CHECK(!h.has_geometry && nrrd_ijk_to_ras(&h, m) == -1, "no geometry");
    free(text);
}

static void test_crlf_accepted(void)
{
    size_t n;
    char *text = mrhead_header(&n);
    T_ASSERT(text, "header");
    /* The same header with CRLF line ends, fed through the stream. */
    char *crlf = malloc(2 * n + 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n')
            crlf[m++] = '\r';
        crlf[m++] = text[i];
    }
    seen s;
    seen_init(&s, 0);
    err e = { 0 };
    nrrd_stream *st = nrrd_stream_new(cb_header, NULL, &s);
    T_CHECK(nrrd_stream_feed(st, crlf, m, &e) == 0 && s.headers == 1, "crlf: %s", e.msg);
    T_CHECK(s.h.sizes[0] == 256 && s.h.sizes[2] == 130 && s.h.has_geometry &&
            s.h.dirs[2][0] == -1.2999954223632812, "crlf header read");
    nrrd_stream_free(st);
    free(s.data);
    free(crlf);
    free(text);
}

static const char good_tail[] = "dimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n";

static void test_malformed(void)
{
    static const struct {
        const char *text;       /* whole input fed at once */
        const char *want;       /* substring of the error */
    } cases[] = {
        { "PNG\r\n\x1a\n", "not an NRRD file" },
        { "{\"success\": false}", "not an NRRD file" },
        { "NRRD0009\ntype: short\n\n", "magic" },
        { "NRRD0004x\ntype: short\n\n", "magic line" },
        { "NRRD0004\ntype: short\ndimension: 3\nendian: little\nencoding: raw\n\n", "no 'sizes'" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2\nendian: little\nencoding: raw\n\n", "line 4: sizes" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 0\nendian: little\nencoding: raw\n\n", "sizes" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 -2 2\nendian: little\nencoding: raw\n\n", "sizes" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 99999999999999999999 1 1\nendian: little\nencoding: raw\n\n", "sizes" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 65536 65536 2\nendian: little\nencoding: raw\n\n", "more than" },
        { "NRRD0004\ntype: float\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n\n", "type 'float'" },
        { "NRRD0004\ntype: unsigned char\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n\n", "not supported" },
        { "NRRD0004\ntype: short\ndimension: 4\nsizes: 2 2 2\nendian: little\nencoding: raw\n\n", "dimension 4" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: big\nencoding: raw\n\n", "endian 'big'" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: gzip\n\n", "encoding 'gzip'" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n", "no 'endian'" },
        { "NRRD0004\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n\n", "no 'type'" },
        { "NRRD0004\ntype: short\ntype: short\n\n", "given twice" },
        { "NRRD0004\ntype short\n\n", "not a 'field: value'" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "data file: x.raw\n\n", "detached" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space: scanner-xyz\n\n", "space 'scanner-xyz'" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space: LPS\nspace directions: (1,0,0) (0,1,0)\n\n", "space directions" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space: LPS\nspace directions: (1,0,0) (0,1,0) none\n\n", "space directions" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space: LPS\nspace directions: (1,0,0) (0,1,0) (0,0,nan)\n\n", "space directions" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space: LPS\nspace origin: (1,2)\n\n", "space origin" },
        { "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
          "space origin: (1,2,3)\n\n", "without a 'space'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        seen s;
        seen_init(&s, 0);
        err e = { 0 };
        nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
        int rc = nrrd_stream_feed(st, cases[i].text, strlen(cases[i].text), &e);
        T_CHECK(rc == -1 && strstr(e.msg, cases[i].want) && s.headers == 0,
                "case %zu: rc %d, error '%s', want '%s'", i, rc, e.msg, cases[i].want);
        T_CHECK(nrrd_stream_feed(st, "x", 1, &e) == -1, "refuses after failing");
        nrrd_stream_free(st);
        free(s.data);
    }
    /* Key/value pairs and comments are skipped; unknown fields ignored. */
    char ok[512];
    snprintf(ok, sizeof ok, "NRRD0005\n# comment\ntype: int16\nmodality:=MR\nkinds: domain domain "
             "domain\n%s\n", good_tail);
    nrrd_header h;
    err e = { 0 };
    T_CHECK(nrrd_parse_header(ok, strlen(ok) - 1, &h, &e) == 0 && h.type == NRRD_SHORT, "%s", e.msg);
    /* A header that never ends: capped. */
    nrrd_stream *st = nrrd_stream_new(NULL, NULL, NULL);
    char line[100];
    memset(line, 'a', sizeof line);
    line[sizeof line - 1] = '\n';
    int rc = nrrd_stream_feed(st, "NRRD0004\n# ", 11, &e);
    for (int i = 0; i < 1000 && rc == 0; i++)
        rc = nrrd_stream_feed(st, line, sizeof line, &e);
    T_CHECK(rc == -1 && e.kind == ERR_LIMIT && strstr(e.msg, "header longer"), "cap: %s", e.msg);
    nrrd_stream_free(st);
}

static void test_truncated_and_overlong(void)
{
    sim_volume v;
    sim_bytes b;
    T_ASSERT(small_volume(&v, SIM_SHORT) == 0 && sim_nrrd_write(&v, &b) == 0, "volume");
    size_t hl = header_len(&b);
    /* Every truncation point fails at finish with the right message. */
    for (size_t cut = 0; cut < b.n; cut++) {
        seen s;
        seen_init(&s, 120);
        err e = { 0 };
        nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
        int rc = nrrd_stream_feed(st, b.p, cut, &e);
        T_CHECK(rc == 0, "feed %zu: %s", cut, e.msg);
        rc = nrrd_stream_finish(st, &e);
        T_CHECK(rc == -1 && strstr(e.msg, cut < hl ? "truncated in the header" : "truncated:"),
                "cut %zu: %s", cut, e.msg);
        nrrd_stream_free(st);
        free(s.data);
    }
    /* One byte too many. */
    seen s;
    seen_init(&s, 120);
    err e = { 0 };
    nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
    int rc = nrrd_stream_feed(st, b.p, b.n, &e);
    rc |= nrrd_stream_feed(st, "\0", 1, &e);
    T_CHECK(rc == -1 && strstr(e.msg, "more data than"), "overlong: %s", e.msg);
    nrrd_stream_free(st);
    free(s.data);
    free(b.p);
    sim_volume_free(&v);
}

static void test_callbacks_stop_the_stream(void)
{
    sim_volume v;
    sim_bytes b;
    T_ASSERT(small_volume(&v, SIM_SHORT) == 0 && sim_nrrd_write(&v, &b) == 0, "volume");
    seen s;
    seen_init(&s, 120);
    s.refuse_header = 1;
    err e = { 0 };
    nrrd_stream *st = nrrd_stream_new(cb_header, cb_voxels, &s);
    T_CHECK(nrrd_stream_feed(st, b.p, b.n, &e) == -1 && strstr(e.msg, "refused by the test") &&
            s.voxels_seen == 0, "header refusal: %s", e.msg);
    nrrd_stream_free(st);
    free(s.data);
    seen_init(&s, 120);
    s.refuse_at = 30;
    st = nrrd_stream_new(cb_header, cb_voxels, &s);
    int rc = 0;
    for (size_t i = 0; i < b.n && rc == 0; i += 7)
        rc = nrrd_stream_feed(st, b.p + i, b.n - i < 7 ? b.n - i : 7, &e);
    T_CHECK(rc == -1 && strstr(e.msg, "voxel refused") && s.voxels_seen < 30, "voxel refusal: %s", e.msg);
    T_CHECK(nrrd_stream_finish(st, &e) == -1, "finish after failure");
    nrrd_stream_free(st);
    free(s.data);
    nrrd_stream_free(NULL);
    free(b.p);
    sim_volume_free(&v);
}

int main(void)
{
    t_run("nrrd_split_at_every_offset_short", test_split_short);
    t_run("nrrd_split_at_every_offset_double", test_split_double);
    t_run("nrrd_lps_to_ras", test_lps_to_ras);
    t_run("nrrd_crlf_header", test_crlf_accepted);
    t_run("nrrd_malformed_headers", test_malformed);
    t_run("nrrd_truncated_and_overlong", test_truncated_and_overlong);
    t_run("nrrd_callbacks_stop_the_stream", test_callbacks_stop_the_stream);
    return t_done();
}
