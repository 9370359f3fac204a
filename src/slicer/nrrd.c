/* nrrd: streaming NRRD header parser and raw voxel splitter. */
#include "slicer/nrrd.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- header ---------------------------------------------------------- */

enum {
    F_TYPE = 1 << 0, F_DIM = 1 << 1, F_SIZES = 1 << 2, F_ENC = 1 << 3,
    F_ENDIAN = 1 << 4, F_SPACE = 1 << 5, F_DIRS = 1 << 6, F_ORIGIN = 1 << 7,
};

static const char *const short_names[] = {
    "short", "short int", "signed short", "signed short int", "int16", "int16_t", NULL
};

static int is_one_of(const char *v, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0)
            return 1;
    return 0;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* "(a,b,c)" with optional blanks; *end after ')'.  0 or -1. */
static int parse_vector(const char *p, double v[3], const char **end)
{
    p = skip_ws(p);
    if (*p++ != '(')
        return -1;
    for (int i = 0; i < 3; i++) {
        char *q;
        p = skip_ws(p);
        v[i] = strtod(p, &q);
        if (q == p || !isfinite(v[i]))
            return -1;
        p = skip_ws(q);
        if (*p++ != (i < 2 ? ',' : ')'))
            return -1;
    }
    *end = p;
    return 0;
}

static int parse_sizes(const char *v, size_t s[3])
{
    const char *p = v;
    for (int i = 0; i < 3; i++) {
        p = skip_ws(p);
        if (!isdigit((unsigned char)*p))
            return -1;
        char *q;
        unsigned long long x = strtoull(p, &q, 10);
        if (x < 1 || x > NRRD_MAX_AXIS)
            return -1;
        s[i] = (size_t)x;
        p = q;
    }
    return *skip_ws(p) ? -1 : 0;
}

/* One "key: value" line; line is NUL-terminated, without line end. */
static int parse_field(nrrd_header *h, unsigned *seen, const char *key,
                       const char *v, int ln, err *e)
{
    static const struct { const char *name; unsigned bit; } known[] = {
        { "type", F_TYPE }, { "dimension", F_DIM }, { "sizes", F_SIZES },
        { "encoding", F_ENC }, { "endian", F_ENDIAN }, { "space", F_SPACE },
        { "space directions", F_DIRS }, { "space origin", F_ORIGIN },
    };
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(key, known[i].name) == 0)
            bit = known[i].bit;
    if (bit && (*seen & bit))
        return err_set(e, ERR_UPSTREAM, "nrrd header line %d: '%s' given twice", ln, key);
    *seen |= bit;
    switch (bit) {
    case F_TYPE:
        if (is_one_of(v, short_names)) {
            h->type = NRRD_SHORT;
            h->voxel_size = 2;
        } else if (strcmp(v, "double") == 0 || strcmp(v, "float64") == 0) {
            h->type = NRRD_DOUBLE;
            h->voxel_size = 8;
        } else {
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: type '%.40s' is not "
                           "supported (Slicer sends short or double)", ln, v);
        }
        return 0;
    case F_DIM:
        if (strcmp(v, "3") != 0)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: dimension %.20s, want 3", ln, v);
        return 0;
    case F_SIZES:
        if (parse_sizes(v, h->sizes) != 0)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: sizes: want 3 integers "
                           "1..%d, got '%.60s'", ln, NRRD_MAX_AXIS, v);
        h->voxels = (uint64_t)h->sizes[0] * h->sizes[1] * h->sizes[2];
        if (h->voxels > NRRD_MAX_VOXELS)
            return err_set(e, ERR_LIMIT, "nrrd header line %d: %llu voxels, more than the "
                           "%llu this gateway reads", ln, (unsigned long long)h->voxels,
                           NRRD_MAX_VOXELS);
        return 0;
    case F_ENC:
        if (strcmp(v, "raw") != 0)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: encoding '%.20s' is not "
                           "supported (want raw)", ln, v);
        return 0;
    case F_ENDIAN:
        if (strcmp(v, "little") != 0)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: endian '%.20s' is not "
                           "supported (want little)", ln, v);
        return 0;
    case F_SPACE:
        if (strcmp(v, "left-posterior-superior") == 0 || strcmp(v, "LPS") == 0)
            h->space_lps = 1;
        else if (strcmp(v, "right-anterior-superior") == 0 || strcmp(v, "RAS") == 0)
            h->space_lps = 0;
        else
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: space '%.40s' is not "
                           "supported (want left-posterior-superior)", ln, v);
        return 0;
    case F_DIRS: {
        const char *p = v;
        for (int a = 0; a < 3; a++)
            if (parse_vector(p, h->dirs[a], &p) != 0)
                return err_set(e, ERR_UPSTREAM, "nrrd header line %d: space directions: "
                               "want three vectors (x,y,z), got '%.80s'", ln, v);
        if (*skip_ws(p))
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: space directions: "
                           "text after the third vector", ln);
        return 0;
    }
    case F_ORIGIN: {
        const char *p;
        if (parse_vector(v, h->origin, &p) != 0 || *skip_ws(p))
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: space origin: want "
                           "(x,y,z), got '%.80s'", ln, v);
        return 0;
    }
    default:
        break;
    }
    if (strcmp(key, "data file") == 0 || strcmp(key, "datafile") == 0)
        return err_set(e, ERR_UPSTREAM, "nrrd header line %d: detached data files are not "
                       "supported", ln);
    if ((strcmp(key, "line skip") == 0 || strcmp(key, "lineskip") == 0 ||
         strcmp(key, "byte skip") == 0 || strcmp(key, "byteskip") == 0) && strcmp(v, "0") != 0)
        return err_set(e, ERR_UPSTREAM, "nrrd header line %d: %s is not supported", ln, key);
    return 0;    /* kinds, content, units, ...: not needed for statistics */
}

int nrrd_parse_header(const char *text, size_t len, nrrd_header *h, err *e)
{
    memset(h, 0, sizeof *h);
    if (len < 8 || memcmp(text, "NRRD000", 7) != 0 || text[7] < '1' || text[7] > '5')
        return err_set(e, ERR_UPSTREAM, "nrrd: not an NRRD file (magic '%.8s')",
                       len < 8 ? "" : text);
    char line[1024];
    unsigned seen = 0;
    int ln = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        ln++;
        if (n > 0 && text[end - 1] == '\r')
            n--;
        if (n >= sizeof line)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: longer than %zu bytes",
                           ln, sizeof line - 1);
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos = end + 1;
        if (memchr(line, '\0', n))
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: contains a NUL byte", ln);
        if (ln == 1) {
            if (n != 8)
                return err_set(e, ERR_UPSTREAM, "nrrd: not an NRRD file (magic line '%.20s')", line);
            continue;
        }
        if (line[0] == '#')
            continue;
        char *colon = strstr(line, ": ");
        char *kv = strstr(line, ":=");
        if (kv && (!colon || kv < colon))
            continue;    /* key/value pair: metadata only */
        if (!colon)
            return err_set(e, ERR_UPSTREAM, "nrrd header line %d: not a 'field: value' "
                           "line: '%.60s'", ln, line);
        *colon = '\0';
        const char *v = skip_ws(colon + 2);
        char *vend = colon + 2 + strlen(colon + 2);
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            *--vend = '\0';
        if (parse_field(h, &seen, line, v, ln, e) != 0)
            return -1;
    }
    static const struct { unsigned bit; const char *name; } need[] = {
        { F_TYPE, "type" }, { F_DIM, "dimension" }, { F_SIZES, "sizes" },
        { F_ENC, "encoding" }, { F_ENDIAN, "endian" },
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!(seen & need[i].bit))
            return err_set(e, ERR_UPSTREAM, "nrrd header: no '%s' field", need[i].name);
    if ((seen & (F_DIRS | F_ORIGIN)) && !(seen & F_SPACE))
        return err_set(e, ERR_UPSTREAM, "nrrd header: space directions or origin without "
                       "a 'space' field");
    h->has_geometry = (seen & F_SPACE) && (seen & F_DIRS);
    return 0;
}

int nrrd_ijk_to_ras(const nrrd_header *h, double m[3][4])
{
    if (!h->has_geometry)
        return -1;
    for (int r = 0; r < 3; r++) {
        double sign = h->space_lps && r < 2 ? -1.0 : 1.0;
        for (int a = 0; a < 3; a++)
            m[r][a] = sign * h->dirs[a][r];
        m[r][3] = sign * h->origin[r];
    }
    return 0;
}

/* ---- stream ---------------------------------------------------------- */

struct nrrd_stream {
    nrrd_header_fn on_header;
    nrrd_voxels_fn on_voxels;
    void *ud;
    char *hdr;                 /* NRRD_MAX_HEADER bytes while reading the header */
    size_t hlen;
    size_t line_chars;         /* non-CR bytes in the current header line */
    int in_data;
    int failed;
    nrrd_header h;
    uint64_t total_bytes, data_bytes, next_voxel;
    unsigned char carry[8];    /* a voxel split between two feeds */
    size_t carry_len;
};

nrrd_stream *nrrd_stream_new(nrrd_header_fn on_header, nrrd_voxels_fn on_voxels, void *ud)
{
    nrrd_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->hdr = malloc(NRRD_MAX_HEADER);
    if (!s->hdr) {
        free(s);
        return NULL;
    }
    s->on_header = on_header;
    s->on_voxels = on_voxels;
    s->ud = ud;
    return s;
}

void nrrd_stream_free(nrrd_stream *s)
{
    if (!s)
        return;
    free(s->hdr);
    free(s);
}

const nrrd_header *nrrd_stream_header(const nrrd_stream *s)
{
    return s->in_data ? &s->h : NULL;
}

uint64_t nrrd_stream_data_bytes(const nrrd_stream *s)
{
    return s->data_bytes;
}

/* Consumes header bytes; *used gets how many were header. */
static int feed_header(nrrd_stream *s, const unsigned char *p, size_t n, size_t *used, err *e)
{
    size_t i = 0;
    for (; i < n && !s->in_data; i++) {
        if (s->hlen == NRRD_MAX_HEADER)
            return err_set(e, ERR_LIMIT, "nrrd: header longer than %d bytes", NRRD_MAX_HEADER);
        unsigned char c = p[i];
        s->hdr[s->hlen++] = (char)c;
        /* Fail fast on a body that is not NRRD at all (an HTML page, JSON). */
        if (s->hlen <= 4 && c != (unsigned char)"NRRD"[s->hlen - 1])
            return err_set(e, ERR_UPSTREAM, "nrrd: not an NRRD file (it starts with '%.*s')",
                           (int)s->hlen, s->hdr);
        if (c == '\n') {
            if (s->line_chars == 0) {
                /* The blank line: parse everything before it. */
                size_t text = s->hlen - 1;
                if (text > 0 && s->hdr[text - 1] == '\r')
                    text--;
                if (nrrd_parse_header(s->hdr, text, &s->h, e) != 0)
                    return -1;
                s->total_bytes = s->h.voxels * s->h.voxel_size;
                s->in_data = 1;
                if (s->on_header && s->on_header(s->ud, &s->h, e) != 0)
                    return -1;
            }
            s->line_chars = 0;
        } else if (c != '\r') {
            s->line_chars++;
        }
    }
    *used = i;
    return 0;
}

static int emit(nrrd_stream *s, const unsigned char *raw, size_t count, err *e)
{
    if (count == 0)
        return 0;
    uint64_t first = s->next_voxel;
    s->next_voxel += count;
    return s->on_voxels ? s->on_voxels(s->ud, raw, first, count, e) : 0;
}

int nrrd_stream_feed(nrrd_stream *s, const void *data, size_t n, err *e)
{
    const unsigned char *p = data;
    if (s->failed)
        return err_set(e, ERR_INTERNAL, "nrrd: the stream already failed");
    if (!s->in_data) {
        size_t used = 0;
        if (feed_header(s, p, n, &used, e) != 0) {
            s->failed = 1;
            return -1;
        }
        p += used;
        n -= used;
        if (!s->in_data)
            return 0;
    }
    if (n > s->total_bytes - s->data_bytes) {
        s->failed = 1;
        return err_set(e, ERR_UPSTREAM, "nrrd: more data than the header's sizes "
                       "(%zu x %zu x %zu) say", s->h.sizes[0], s->h.sizes[1], s->h.sizes[2]);
    }
    s->data_bytes += n;
    size_t vs = s->h.voxel_size;
    if (s->carry_len > 0) {
        size_t take = vs - s->carry_len < n ? vs - s->carry_len : n;
        memcpy(s->carry + s->carry_len, p, take);
        s->carry_len += take;
        p += take;
        n -= take;
        if (s->carry_len < vs)
            return 0;
        s->carry_len = 0;
        if (emit(s, s->carry, 1, e) != 0) {
            s->failed = 1;
            return -1;
        }
    }
    size_t whole = n / vs;
    if (emit(s, p, whole, e) != 0) {
        s->failed = 1;
        return -1;
    }
    s->carry_len = n - whole * vs;
    memcpy(s->carry, p + whole * vs, s->carry_len);
    return 0;
}

int nrrd_stream_finish(nrrd_stream *s, err *e)
{
    if (s->failed)
        return err_set(e, ERR_INTERNAL, "nrrd: the stream already failed");
    if (!s->in_data)
        return err_set(e, ERR_UPSTREAM, "nrrd: truncated in the header (%zu bytes, no blank "
                       "line)", s->hlen);
    if (s->data_bytes < s->total_bytes)
        return err_set(e, ERR_UPSTREAM, "nrrd: truncated: %llu of %llu voxel bytes",
                       (unsigned long long)s->data_bytes, (unsigned long long)s->total_bytes);
    return 0;
}
