/* guard: which Slicer requests need which gateway policy. */
#include "policy/guard.h"

#include <stdlib.h>
#include <string.h>

const char *const guard_policies[] = {
    "exec", "quit_slicer", "clear_scene", "network_download",
    "write_files", "load_local_files", "static_pages", "dicomweb",
    "overwrite_volumes", "reload_from_disk", NULL
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* parse_qs decoding of [s, s+n): '+' is a space, valid %XX sequences
 * are bytes, invalid ones stay literal (like urllib.parse.unquote). */
static char *qs_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n &&
                   hexval((unsigned char)s[i + 1]) >= 0 &&
                   hexval((unsigned char)s[i + 2]) >= 0) {
            out[o++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
                              hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

char *guard_query_value(const char *query, const char *key)
{
    if (!query)
        return NULL;
    const char *p = query;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        /* A pair without '=' or with an empty value is dropped by parse_qs. */
        if (eq && (size_t)(eq - p) + 1 < len) {
            char *name = qs_decode(p, (size_t)(eq - p));
            int match = name && strcmp(name, key) == 0;
            free(name);
            if (match)
                return qs_decode(eq + 1, len - (size_t)(eq - p) - 1);
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    return NULL;
}

static int has_param(const char *query, const char *key)
{
    char *v = guard_query_value(query, key);
    int present = v != NULL;
    free(v);
    return present;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The route prefix after "/slicer" as Slicer sees it: NULL when the
 * target does not go to the Slicer handler at all. */
static const char *slicer_request(const char *target)
{
    return starts(target, "/slicer") && target[7] != '\0' ? target + 7 : NULL;
}

/* A localfile inside the gateway's own spool folder, with no way out. */
static int in_spool(const char *path, const char *spool_dir)
{
    if (!path || !spool_dir || !*spool_dir)
        return 0;
    size_t n = strlen(spool_dir);
    return strncmp(path, spool_dir, n) == 0 && path[n] == '/' &&
           strstr(path, "/..") == NULL && strchr(path + n + 1, '/') == NULL;
}

static int ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The loads the gateway's adapters make of their own spool files: a
 * .mrk.json as MarkupsFile (place_markups), a .nrrd as a labelmap
 * VolumeFile and a .seg.nrrd as a SegmentationFile (segment_region).
 * Anything else found in the spool (a scene, a Python-carrying file type)
 * is not theirs to load. */
static int spool_load_ok(const char *query, const char *path)
{
    char *ft = guard_query_value(query, "filetype");
    char *lm = guard_query_value(query, "labelmap");
    int ok = ft && ((strcmp(ft, "MarkupsFile") == 0 && ends(path, ".mrk.json")) ||
                    (strcmp(ft, "VolumeFile") == 0 && ends(path, ".nrrd") && lm &&
                     strcmp(lm, "true") == 0) ||
                    (strcmp(ft, "SegmentationFile") == 0 && ends(path, ".seg.nrrd")));
    free(ft);
    free(lm);
    return ok;
}

/* DELETE and PUT on any /mrml... path act on getNodesFilteredByQuery's
 * selection (SlicerRequestHandler.py): a non-empty id is one exact node
 * (class and name are then ignored); anything else is every node of a
 * class (vtkMRMLNode, all of them, by default) filtered by an exact name,
 * and DELETE without id, class or name calls Clear(). */
static const struct {
    const char *method, *policy, *why;
} selection_rules[] = {
    { "DELETE", "clear_scene",
      "DELETE /slicer/mrml without an exact node id (id=) removes every node its class "
      "and name select (class vtkMRMLNode: all of them, singletons included) and clears "
      "the whole scene when neither is given" },
    { "PUT", "reload_from_disk",
      "PUT /slicer/mrml without an exact node id (id=) reloads every node its class and "
      "name select (all of them when neither is given) from files on Slicer's disk, "
      "discarding their changes" },
};

static const char *check_mrml(const char *method, const char *req,
                              const char *query, const char *spool_dir,
                              const char **why)
{
    for (size_t i = 0; i < sizeof selection_rules / sizeof selection_rules[0]; i++) {
        if (strcmp(method, selection_rules[i].method) != 0)
            continue;
        if (has_param(query, "id"))
            return NULL;
        *why = selection_rules[i].why;
        return selection_rules[i].policy;
    }
    if (strcmp(method, "POST") == 0) {
        char *url = guard_query_value(query, "url");
        if (url) {
            int local = starts(url, "file://");
            free(url);
            *why = local ? "POST /slicer/mrml?url=file:// loads a local file"
                         : "POST /slicer/mrml?url= downloads from the network";
            return local ? "load_local_files" : "network_download";
        }
        char *lf = guard_query_value(query, "localfile");
        int ours = in_spool(lf, spool_dir), typed = ours && spool_load_ok(query, lf);
        free(lf);
        if (!typed) {
            *why = ours ? "POST /slicer/mrml loads a spool file as a type the gateway's "
                          "adapters do not write"
                        : "POST /slicer/mrml loads a file from Slicer's disk";
            return "load_local_files";
        }
        return NULL;
    }
    if (starts(req, "/mrml/file")) {
        *why = "/slicer/mrml/file writes a file on Slicer's host";
        return "write_files";
    }
    return NULL;
}

/* Slicer routes /volumeSelection and /volumes before /volume; volume()
 * ignores the method and uploads whenever the request has a body. */
static int volume_upload(const char *req, int has_body)
{
    return has_body && starts(req, "/volume") && !starts(req, "/volumes") &&
           !starts(req, "/volumeSelection");
}

const char *guard_check(const char *method, const char *target, int has_body,
                        const char *spool_dir, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!target || target[0] != '/') {
        *why = "not an origin-form request target";
        return "static_pages";
    }
    const char *req = slicer_request(target);
    if (!req) {
        *why = starts(target, "/dicom") ? "DICOMweb serves Slicer's DICOM database"
                                        : "static pages are served from Slicer's docroot";
        return starts(target, "/dicom") ? "dicomweb" : "static_pages";
    }
    const char *q = strchr(req, '?');
    const char *query = q ? q + 1 : "";
    /* Slicer's own order: /exec is tested first, then the rest. */
    if (starts(req, "/exec")) {
        *why = "/slicer/exec runs arbitrary Python in Slicer";
        return "exec";
    }
    if (starts(req, "/system") && strcmp(method, "DELETE") == 0) {
        *why = "DELETE /slicer/system quits Slicer";
        return "quit_slicer";
    }
    if (starts(req, "/slice") || starts(req, "/threeD") || starts(req, "/timeimage") ||
        starts(req, "/gui") || starts(req, "/screenshot") || starts(req, "/system"))
        return NULL;
    if (starts(req, "/mrml"))
        return check_mrml(method, req, query, spool_dir, why);
    if (volume_upload(req, has_body)) {
        *why = "a request with a body to /slicer/volume overwrites the voxels of the node "
               "its id finds by id, name or glob (or creates one)";
        return "overwrite_volumes";
    }
    if (starts(req, "/sampledata") || starts(req, "/accessDICOMwebStudy")) {
        *why = "downloads data from the network";
        return "network_download";
    }
    return NULL;
}

static int listed(const char *const *names, const char *name)
{
    for (; names && *names; names++)
        if (strcmp(*names, name) == 0)
            return 1;
    return 0;
}

const char *guard_check_path(const char *method, const char *path,
                             const char *const *params, int has_body, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (starts(path, "/slicer/mrml")) {
        /* A tools.d POST /mrml may load any file its arguments name. */
        if (strcmp(method, "POST") == 0) {
            *why = "POST /slicer/mrml loads a file from Slicer's disk";
            return "load_local_files";
        }
        /* DELETE and PUT with an id select one exact node; the value comes
         * per call and is judged then (empty: no id, refused). */
        if ((strcmp(method, "DELETE") == 0 || strcmp(method, "PUT") == 0) &&
            listed(params, "id"))
            return NULL;
    }
    return guard_check(method, path, has_body, NULL, why);
}
