/* test_e2e_images: every image tool's largest answer fits what MCP
 * clients accept, by default (issue 17): Claude Desktop refuses an image
 * block over 1 MiB of base64.  slicer-sim draws its 3D view at the size
 * of a 4K screen (3840x2160) and its slice views at 4096x3072 (the
 * gateway's gray PNGs of 4K slices fit 1 MiB), so the PNGs it sends are
 * far over that (a slice view of 4096x4096 would pass IMG_MAX_PNG_BYTES
 * and be refused). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define LIMIT_B64 (1024 * 1024)

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static e2e X;

/* The image block's base64 text length, or 0. */
static size_t b64_len(const cJSON *r)
{
    const cJSON *blk;
    cJSON_ArrayForEach(blk, get(get(r, "result"), "content")) {
        const cJSON *type = get(blk, "type"), *data = get(blk, "data");
        if (cJSON_IsString(type) && !strcmp(type->valuestring, "image") && cJSON_IsString(data))
            return strlen(data->valuestring);
    }
    return 0;
}

/* Some text block contains needle. */
static int says(const cJSON *r, const char *needle)
{
    const cJSON *blk;
    cJSON_ArrayForEach(blk, get(get(r, "result"), "content")) {
        const cJSON *text = get(blk, "text");
        if (cJSON_IsString(text) && strstr(text->valuestring, needle))
            return 1;
    }
    return 0;
}

/* The 3D view at 3840x2160 and the screenshot: 1568 px on the long side
 * by default (what Claude looks at), and the text says from what. */
static void test_default_long_side(void)
{
    cJSON *r = t_mcp_call(X.mcp, "capture_3d_view", "{}", 60000);
    unsigned w = 0, h = 0;
    unsigned char *px = NULL;
    T_ASSERT(!t_mcp_is_error(r) && e2e_image(r, &w, &h, &px, NULL) == 0, "3D view: %s", t_mcp_text(r));
    free(px);
    /* 3840x2160 scaled so the long side is 1568: 2160 * 1568 / 3840 = 882 */
    T_CHECK(w == 1568 && h == 882, "3D view %ux%u, want 1568x882", w, h);
    T_CHECK(b64_len(r) > 0 && b64_len(r) <= LIMIT_B64, "3D view base64 %zu", b64_len(r));
    T_CHECK(says(r, "1568x882 PNG") && says(r, "downscaled from 3840x2160"), "text: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(X.mcp, "capture_screenshot", "{}", 60000);
    T_ASSERT(!t_mcp_is_error(r) && e2e_image(r, &w, &h, &px, NULL) == 0, "screenshot: %s", t_mcp_text(r));
    free(px);
    T_CHECK((w > h ? w : h) <= 1568 && b64_len(r) <= LIMIT_B64, "screenshot %ux%u, base64 %zu", w, h, b64_len(r));
    cJSON_Delete(r);
}

/* Asking for more pixels never breaks the client: the byte limit holds
 * and the text says why the image is smaller than asked. */
static void test_byte_limit_holds(void)
{
    cJSON *r = t_mcp_call(X.mcp, "capture_3d_view", "{\"max_size\":4096}", 60000);
    T_CHECK(!t_mcp_is_error(r) && b64_len(r) > 0 && b64_len(r) <= LIMIT_B64, "3D view at max_size 4096: base64 %zu; %s",
            b64_len(r), t_mcp_text(r));
    T_CHECK(says(r, "downscaled from 3840x2160 to ") && says(r, "to fit the 1 MiB base64 limit"), "text: %s",
            t_mcp_text(r));
    cJSON_Delete(r);
    static const char *const views[] = { "red", "yellow", "green" };
    int scaled = 0;
    for (int i = 0; i < 3; i++) {
        char args[64];
        snprintf(args, sizeof args, "{\"view\":\"%s\"}", views[i]);
        r = t_mcp_call(X.mcp, "get_slice_png", args, 60000);
        unsigned w = 0, h = 0;
        unsigned char *px = NULL;
        T_CHECK(!t_mcp_is_error(r) && e2e_image(r, &w, &h, &px, NULL) == 0, "%s: %s", views[i], t_mcp_text(r));
        free(px);
        size_t n = b64_len(r);
        T_CHECK(n > 0 && n <= LIMIT_B64, "%s slice base64 %zu", views[i], n);
        const cJSON *sc = e2e_structured(r);
        /* pixel_size_mm describes the image as sent: field of view / pixels */
        const cJSON *fov = get(sc, "field_of_view_mm"), *ps = get(sc, "pixel_size_mm");
        if (!fov || !ps || !w) {
            cJSON_Delete(r);
            continue;
        }
        double want = cJSON_GetArrayItem(fov, 0)->valuedouble / w;
        T_CHECK(fabs(cJSON_GetArrayItem(ps, 0)->valuedouble - want) < 1e-9 * want,
                "%s: %u px wide, pixel_size_mm %g, want %g", views[i], w,
                ps ? cJSON_GetArrayItem(ps, 0)->valuedouble : -1, want);
        T_CHECK(w == 4096 || says(r, "to fit the 1 MiB base64 limit"), "%s: %u px wide, the text says why",
                views[i], w);
        scaled += w < 4096;
        cJSON_Delete(r);
    }
    T_CHECK(scaled > 0, "at least one large slice view needed the byte limit (else this test proves nothing)");
}

int main(void)
{
    const char *sim[] = { "--view3d-size", "3840x2160", "--view-size", "4096x3072", NULL };
    if (e2e_start(&X, sim, NULL) != 0) {
        printf("FAIL images_start\n");
        return 1;
    }
    t_run("images_default_long_side", test_default_long_side);
    t_run("images_byte_limit_holds", test_byte_limit_holds);
    e2e_stop(&X);
    return t_done();
}
