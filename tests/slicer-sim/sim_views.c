/* sim_views: the picture and layout endpoints: slice (with every §4.5
 * quirk, parameters applied in Slicer's order), threeD, threeDGraphics,
 * screenshot, timeimage and gui. */
#include "sim_routes.h"
#include "sim_pyjson.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void lower(char *s)
{
    for (; s && *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void png_answer(sim_resp *r, int rc, sim_bytes *png)
{
    if (rc != 0 || !png->p || !png->n) {
        free(png->p);
        r->action = SIM_BARE404;      /* the blend had no output */
        return;
    }
    api_bytes(r, "image/png", png->p, png->n);
}

/* A float query value, or 0 when absent or unparseable (both ignored). */
static double float_or_zero(const sim_call *c, const char *key)
{
    const char *v = sim_query_get(&c->q, key);
    double d;
    return v && pyj_parse_float(v, &d) == 0 ? d : 0.0;
}

void api_slice(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    char *view = api_qstrip(c, "view");
    lower(view);
    int vi = 0;
    for (int i = 0; view && i < 3; i++)
        if (strcasecmp(view, sim_view_names[i]) == 0)
            vi = i;                   /* anything else: red */
    free(view);
    sim_view *v = &sc->views[vi];

    double scroll = float_or_zero(c, "scrollTo");
    if (scroll != 0) {                /* "if scrollTo:" */
        double zmin, zmax;
        sim_view_z_bounds(sc, v, &zmin, &zmax);
        sim_view_set_offset(v, zmin + scroll * (zmax - zmin));
    }
    double offset = float_or_zero(c, "offset");
    if (offset != 0)                  /* "if offset:": 0 is ignored */
        sim_view_set_offset(v, offset);

    char *from = api_qstrip(c, "copySliceGeometryFrom");
    if (from) {
        int fi = -1;
        if (from[0]) {
            from[0] = (char)toupper((unsigned char)from[0]);
            for (char *p = from + 1; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            for (int i = 0; i < 3; i++)
                if (strcmp(from, sim_view_names[i]) == 0)
                    fi = i;
        }
        free(from);
        if (fi < 0) {
            api_error(r, "'NoneType' object has no attribute 'sliceLogic'");
            return;
        }
        sim_view o = sc->views[fi];
        memcpy(v->s2r, o.s2r, sizeof v->s2r);
        double fov1 = o.fov[0] * v->fov[1] / v->fov[0];
        v->fov[0] = o.fov[0];
        v->fov[1] = fov1;
        memcpy(v->orient, o.orient, sizeof v->orient);
    }

    char *orient = api_qstrip(c, "orientation");
    if (orient && orient[0]) {
        char prev[16];
        snprintf(prev, sizeof prev, "%s", v->orient);
        lower(prev);
        lower(orient);
        char cap[16];
        snprintf(cap, sizeof cap, "%s", orient);
        cap[0] = (char)toupper((unsigned char)cap[0]);
        if (strcmp(orient, "axial") == 0 || strcmp(orient, "sagittal") == 0 ||
            strcmp(orient, "coronal") == 0) {
            double t[3] = { v->s2r[3], v->s2r[7], v->s2r[11] };
            sim_view_set_orientation(v, cap);
            v->s2r[3] = t[0];
            v->s2r[7] = t[1];
            v->s2r[11] = t[2];
        }
        if (strcmp(orient, prev) != 0)
            sim_view_fit(sc, v);      /* FitSliceToBackground re-centres */
    }
    free(orient);
    sim_scene_touch(sc, sim_scene_by_id(sc, vi == 0 ? "vtkMRMLSliceNodeRed" :
                                            vi == 1 ? "vtkMRMLSliceNodeYellow" :
                                                      "vtkMRMLSliceNodeGreen"));
    /* size and mode are parsed by Slicer and then unused */
    sim_bytes png = { 0 };
    int rc = sim_render_slice(sim_scene_background(sc), sim_scene_label(sc),
                              SIM_LABEL_OPACITY, v->s2r, v->fov, v->dims[0], v->dims[1], &png);
    png_answer(r, rc, &png);
}

void api_threed(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    char *axis = api_qstrip(c, "lookFromAxis");
    if (axis && axis[0]) {
        char a = (char)tolower((unsigned char)axis[0]);
        if (strchr("rlsiap", a))
            sc->axis3d = a;           /* unknown letters are ignored */
    }
    free(axis);
    sim_bytes png = { 0 };
    int rc = sim_render_3d(sim_scene_background(sc), sc->axis3d, sc->w3d, sc->h3d, &png);
    png_answer(r, rc, &png);
}

void api_threed_graphics(sim_call *c, sim_resp *r)
{
    char *fmt = api_qstrip(c, "format");
    if (fmt) {
        lower(fmt);                   /* then compared with "glTF": never equal */
        api_error(r, "format %s not supported", fmt);
        free(fmt);
        return;
    }
    api_text(r, "application/json",
             "{\"asset\": {\"version\": \"2.0\", \"generator\": \"slicer-sim\"}, "
             "\"scene\": 0, \"scenes\": [{\"nodes\": []}], \"nodes\": []}");
}

void api_screenshot(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    char layout[32];
    snprintf(layout, sizeof layout, "%d", sc->layout);
    sim_bytes png = { 0 };
    int rc = sim_render_screenshot(sim_scene_background(sc), sc->views[0].s2r,
                                   sc->views[0].fov, layout, &png);
    png_answer(r, rc, &png);
}

void api_timeimage(sim_call *c, sim_resp *r)
{
    char *color = api_qstrip(c, "color");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sim_bytes png = { 0 };
    int rc = sim_render_timeimage((double)ts.tv_sec + ts.tv_nsec / 1e9,
                                  color ? color : "330", &png);
    free(color);
    png_answer(r, rc, &png);
}

/* slicer.vtkMRMLLayoutNode.SlicerLayout<Name>View constants. */
static const struct {
    const char *name;
    int value;
} k_layouts[] = {
    { "Initial", 0 }, { "Default", 1 }, { "Conventional", 2 }, { "FourUp", 3 },
    { "OneUp3D", 4 }, { "OneUpRedSlice", 6 }, { "OneUpYellowSlice", 7 },
    { "OneUpGreenSlice", 8 }, { "Tabbed3D", 9 }, { "TabbedSlice", 10 }, { "Compare", 12 },
    { "Dual3D", 15 }, { "ConventionalWidescreen", 16 }, { "Triple3DEndoscopy", 19 },
    { "ThreeOverThree", 21 }, { "FourOverFour", 22 }, { "CompareGrid", 23 },
    { "TwoOverTwo", 27 }, { "SideBySide", 29 }, { "FourByThreeSlice", 30 },
    { "FourByTwoSlice", 31 }, { "FiveByTwoSlice", 32 }, { "ThreeByThreeSlice", 33 },
    { "FourUpTable", 34 }, { "3DTable", 35 }, { "ConventionalPlot", 36 },
    { "FourUpPlot", 37 }, { "FourUpPlotTable", 38 }, { "OneUpPlot", 39 },
    { "ThreeOverThreePlot", 40 }, { "DicomBrowser", 41 }, { "DualMonitorFourUp", 42 }, { "Final", 43 },
    { "Maximized", 98 }, { "Custom", 99 }, { "User", 100 },
};

void api_gui(sim_call *c, sim_resp *r)
{
    sim_scene *sc = c->ctx->scene;
    char *contents = api_qstrip(c, "contents");
    lower(contents);
    if (contents && !contents[0]) {   /* "if contents:" */
        free(contents);
        contents = NULL;
    }
    if (contents && strcmp(contents, "viewers") != 0 && strcmp(contents, "full") != 0) {
        free(contents);
        api_error(r, "contents must be 'viewers' or 'full'");
        return;
    }
    if (contents)
        sc->gui_full = strcmp(contents, "full") == 0;
    free(contents);
    char *layout = api_qstrip(c, "viewersLayout");
    if (layout && !layout[0]) {
        free(layout);
        layout = NULL;
    }
    if (layout) {
        lower(layout);
        int found = -1;
        for (size_t i = 0; i < sizeof k_layouts / sizeof k_layouts[0]; i++)
            if (strcasecmp(layout, k_layouts[i].name) == 0)
                found = k_layouts[i].value;
        if (found < 0) {
            api_error(r, "Unknown layout name: %s", layout);
            free(layout);
            return;
        }
        sc->layout = found;
        free(layout);
    }
    api_text(r, "application/json", "{\"success\": true}");
}
