/* sim_nrrdfile: reading an NRRD file from disk as Slicer's ITK/teem
 * readers do, shared by the volume and segmentation loaders of POST
 * /mrml: the header's fields and key/value pairs (teem's parseNrrd.c: a
 * line is "field: value" when the text before ": " is a field name,
 * otherwise "key:=value" with "\n" and "\\" unescaped by airUnescape),
 * then the raw or gzip voxels as a sim_volume.  Messages are the ITK
 * exception texts Slicer's user messages carry. */
#ifndef SIM_NRRDFILE_H
#define SIM_NRRDFILE_H

#include <stddef.h>
#include "sim_image.h"

#define SIM_NRRD_MAX_HEADER 65536
#define SIM_NRRD_MAX_VOXELS (512ull * 1024 * 1024)
#define SIM_NRRD_MAX_KV     512

typedef struct {
    unsigned char *file;            /* the whole file, header cut into strings */
    size_t n;
    const unsigned char *data;      /* after the blank line */
    size_t ndata;
    const char *type, *dimension, *sizes, *encoding, *endian, *space, *dirs, *origin, *kinds;
    const char *keys[SIM_NRRD_MAX_KV], *vals[SIM_NRRD_MAX_KV];
    int nkv;
} sim_nrrd_file;

/* Reads path and parses its header: 0, or -1 with ITK's "Could not create
 * IO object" text in detail (missing, unreadable, too big, not an NRRD).
 * f is always safe to sim_nrrd_close. */
int sim_nrrd_open(const char *path, sim_nrrd_file *f, char *detail, size_t dn);
/* The value of key (a key/value pair), or NULL. */
const char *sim_nrrd_kv(const sim_nrrd_file *f, const char *key);
/* A 3D unsigned char or short volume of the file (RAS inside); NULL with
 * teem's "trouble with field" or data message in why. */
sim_volume *sim_nrrd_volume(const sim_nrrd_file *f, char *why, size_t wn);
void sim_nrrd_close(sim_nrrd_file *f);

/* QVariant(QString).toBool(): false only for "", "0" and "false" (any case). */
int sim_qt_to_bool(const char *s);

#endif
