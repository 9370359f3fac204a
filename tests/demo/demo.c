/* demo: a real MCP session through slicer-mcp against slicer-sim, printed
 * as it happens: what the client sent, what the gateway answered and what
 * reached "Slicer".  Run by `make demo`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/jsonw.h"
#include "e2e.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static void show(const char *what, const cJSON *resp, size_t max)
{
    const cJSON *res = get(resp, "result");
    /* The gateway's own printer, so numbers read as it sent them (cJSON's
     * would turn 0.1 + 0.2 style values into 17 digits again). */
    char *s = jsonw_print(get(res, "structuredContent") ? get(res, "structuredContent") : res ? res : resp, NULL);
    size_t n = s ? strlen(s) : 0;
    printf("  %s -> %.*s%s\n", what, (int)(n > max ? max : n), s ? s : "(no answer)", n > max ? " ..." : "");
    free(s);
}

static void slicer_saw(const e2e *x, int from)
{
    char *log = t_sim_log_text(x->sim);
    int i = 0;
    for (char *l = log ? strtok(log, "\n") : NULL; l; l = strtok(NULL, "\n"), i++) {
        if (i < from)
            continue;
        cJSON *j = cJSON_Parse(l);
        printf("      Slicer saw: %s %s -> %d (%d bytes)\n", get(j, "method")->valuestring,
               get(j, "target")->valuestring, get(j, "status")->valueint, get(j, "bytes")->valueint);
        cJSON_Delete(j);
    }
    free(log);
}

static int log_lines(const e2e *x)
{
    char *log = t_sim_log_text(x->sim);
    int n = 0;
    for (char *p = log; p && *p; p++)
        n += *p == '\n';
    free(log);
    return n;
}

int main(void)
{
    e2e x;
    printf("slicer-mcp demo: starting slicer-sim (the Slicer stand-in) and slicer-mcp over stdio\n");
    if (e2e_start(&x, NULL, NULL) != 0) {
        fprintf(stderr, "demo: could not start slicer-sim and slicer-mcp (see tests/out)\n");
        return 1;
    }
    printf("  slicer-sim on %s; initialize done (protocol 2025-11-25)\n\n", t_sim_url(x.sim));
    cJSON *r = t_mcp_request(x.mcp, "tools/list", "{}", 5000);
    printf("tools/list:\n");
    const cJSON *t;
    cJSON_ArrayForEach(t, get(get(r, "result"), "tools"))
        printf("  %-22s %s\n", get(t, "name")->valuestring,
               get(t, "title") ? get(t, "title")->valuestring : "");
    cJSON_Delete(r);

    /* out: where the call's image goes */
    static const struct { const char *tool, *args, *out; } calls[] = {
        { "get_view_state", "{}", NULL },
        { "get_volume_info", "{}", NULL },
        { "get_slice_png", "{\"view\":\"red\",\"orientation\":\"axial\",\"offset_mm\":20}",
          "tests/out/demo-slice.png" },
        { "place_markups", "{\"type\":\"line\",\"name\":\"Lesion width\",\"points\":[{\"r\":17,\"a\":10,\"s\":20},{\"r\":33,\"a\":10,\"s\":20}]}", NULL },
        { "get_markups", "{}", NULL },
        /* find the lesion along a line, segment it from a seed, measure it */
        { "sample_voxels", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"line\":{\"from\":[0,10,20],\"to\":[40,10,20],\"samples\":9}}", NULL },
        { "segment_region", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700,\"seed_ras\":[25,10,20]}", NULL },
        { "get_label_statistics", "{\"node_id\":\"vtkMRMLLabelMapVolumeNode2\",\"source_id\":\"vtkMRMLScalarVolumeNode1\"}", NULL },
        /* the new labelmap is the views' label layer: the slice shows it */
        { "get_slice_png", "{\"view\":\"red\",\"offset_mm\":20}", "tests/out/demo-segmented-slice.png" },
        /* the same region as a named, coloured segment for the Segment Editor */
        { "segment_region", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\",\"lower\":700,\"seed_ras\":[25,10,20],"
          "\"output\":\"segmentation\",\"name\":\"Lesion\",\"colour\":\"#e04040\"}", NULL },
        { "get_volume_statistics", "{\"region\":{\"center_ras\":[25,10,20],\"radius_mm\":12},"
          "\"bins\":40,\"histogram_plot\":true}", "tests/out/demo-histogram.png" },
        { "execute_python_code", "{\"code\":\"slicer.util.exit()\"}", NULL },
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        int before = log_lines(&x);
        printf("\ntools/call %s %s\n", calls[i].tool, calls[i].args);
        r = t_mcp_call(x.mcp, calls[i].tool, calls[i].args, 60000);
        if (get(r, "error")) {
            printf("  refused: %s\n", get(get(r, "error"), "message")->valuestring);
        } else {
            show("result", r, 400);
        }
        unsigned w, h;
        unsigned char *px = NULL;
        size_t png_bytes = 0;
        if (calls[i].out && e2e_image(r, &w, &h, &px, &png_bytes) == 0) {
            const cJSON *blk = NULL, *it;
            cJSON_ArrayForEach(it, get(get(r, "result"), "content"))
                if (!blk && !strcmp(cJSON_GetStringValue(get(it, "type")), "image"))
                    blk = it;
            size_t n = 0;
            unsigned char *png = base64_decode(get(blk, "data")->valuestring,
                                               strlen(get(blk, "data")->valuestring), &n);
            t_write_file(calls[i].out, png, n);
            const cJSON *sent = get(get(get(r, "result"), "structuredContent"), "slicer_png_bytes");
            if (sent)
                printf("  image: %ux%u PNG, %zu bytes (Slicer sent %.0f) -> %s\n", w, h, png_bytes,
                       cJSON_GetNumberValue(sent), calls[i].out);
            else
                printf("  image: %ux%u PNG, %zu bytes, drawn by the gateway -> %s\n", w, h, png_bytes,
                       calls[i].out);
            free(png);
            free(px);
        }
        slicer_saw(&x, before);
        cJSON_Delete(r);
    }
    printf("\nPictures in tests/out/: demo-slice.png (the lesion), demo-segmented-slice.png (the "
           "same slice with the segmentation as the label layer), demo-histogram.png (the "
           "histogram around the lesion, drawn by the gateway)\n");
    printf("\nNothing reached /slicer/exec: %s\n", e2e_log_count(&x, NULL, "/slicer/exec") == 0 ? "yes" : "NO");
    e2e_stop(&x);
    return 0;
}
