/* sim_routes: from a framed request to an answer: OPTIONS, the stand-in's
 * /__sim control routes, injected faults, then Slicer's handler choice
 * (Slicer API, DICOMweb, static pages) and the ordered, case-sensitive
 * /slicer prefix table.  Endpoint bodies live in sim_mrml.c, sim_volumes.c,
 * sim_segfile.c, sim_api.c and sim_views.c (pictures, layout). */
#ifndef SIM_ROUTES_H
#define SIM_ROUTES_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "sim_fault.h"
#include "sim_http.h"
#include "sim_query.h"
#include "sim_scene.h"

typedef struct {
    int slicer_api, exec, cors, dicomweb, static_pages;
    char version[32];            /* "5.8.1" */
    int major, minor, patch;
} sim_settings;

typedef struct {
    sim_settings set;
    sim_scene *scene;
    sim_faults faults;
    char *exec_result;           /* canned /exec body, or NULL for "{}" */
    long quit_requests;          /* DELETE /slicer/system... seen */
    long sampledata_requests;
    long downloads_refused;      /* url=http(s) loads recorded */
} sim_ctx;

/* One /slicer call as the endpoint functions see it. */
typedef struct {
    sim_ctx *ctx;
    const char *method;
    const char *request;         /* target without "/slicer": path?query */
    char *path;                  /* the path part of request */
    sim_query q;
    const unsigned char *body;
    size_t body_len;
} sim_call;

/* The sim_handler_fn given to sim_http_run; ud is a sim_ctx. */
void sim_routes_handle(void *ud, const sim_req *req, sim_resp *r);

/* Answer helpers for endpoints.  api_error makes Slicer's 500
 * {"success": false, "message": "Server error: <msg>"}. */
void api_error(sim_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 200 application/json with json.dumps(v); consumes v. */
void api_json(sim_resp *r, cJSON *v);
/* 200 with the given bytes; takes ownership of body. */
void api_bytes(sim_resp *r, const char *ctype, unsigned char *body, size_t n);
void api_text(sim_resp *r, const char *ctype, const char *text);
/* The stripped value of a query key (malloc'd), or NULL if absent. */
char *api_qstrip(const sim_call *c, const char *key);
/* slicer.util.getNode(pattern): the node, or NULL after api_error. */
sim_node *api_get_node(sim_call *c, const char *pattern, sim_resp *r);

/* getNodes(a) merged with getNodes(b) as Python dicts keyed by name;
 * count (out caller-freed) or -1.  b may be NULL. */
int  api_merged_nodes(sim_scene *sc, const char *a, const char *b, sim_node ***out);
/* 200 [{"name", "id"}...] of api_merged_nodes(a, b). */
void api_name_id_list(sim_call *c, sim_resp *r, const char *a, const char *b);
/* Python float(s): 0, or -1 after a 500 "could not convert string to float". */
int  api_float_arg(const char *s, double *out, sim_resp *r);

/* sim_mrml.c */
void api_system(sim_call *c, sim_resp *r);
void api_mrml(sim_call *c, sim_resp *r);
/* sim_volumes.c */
void api_volumes(sim_call *c, sim_resp *r);
void api_volume(sim_call *c, sim_resp *r);
void api_sampledata(sim_call *c, sim_resp *r);
void api_volume_selection(sim_call *c, sim_resp *r);
/* POST /mrml filetype=VolumeFile: reads an NRRD file (raw or gzip) as
 * Slicer's volumes reader does and adds a scalar or labelmap volume node;
 * NULL with Slicer's user message in why (no "Failed to load" line). */
sim_node *api_load_volume_file(sim_call *c, const char *path, char *why, size_t n);
/* sim_segfile.c: POST /mrml filetype=SegmentationFile reads a .seg.nrrd (or
 * a plain labelmap NRRD) as Slicer's segmentation storage node does and adds
 * a vtkMRMLSegmentationNode; NULL with Slicer's user messages in why. */
sim_node *api_load_segmentation_file(sim_call *c, const char *path, char *why, size_t n);
void api_segmentations(sim_call *c, sim_resp *r);
/* sim_api.c */
void api_fiducials(sim_call *c, sim_resp *r);
void api_fiducial(sim_call *c, sim_resp *r);
void api_segmentation(sim_call *c, sim_resp *r);
void api_tracking(sim_call *c, sim_resp *r);
void api_grid_transforms(sim_call *c, sim_resp *r);
void api_grid_transform(sim_call *c, sim_resp *r);
void api_dicomweb_study(sim_call *c, sim_resp *r);
void api_exec(sim_call *c, sim_resp *r);
/* sim_views.c */
void api_slice(sim_call *c, sim_resp *r);
void api_threed(sim_call *c, sim_resp *r);
void api_threed_graphics(sim_call *c, sim_resp *r);
void api_screenshot(sim_call *c, sim_resp *r);
void api_timeimage(sim_call *c, sim_resp *r);
void api_gui(sim_call *c, sim_resp *r);

#endif
