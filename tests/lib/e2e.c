/* e2e: sim + gateway set-up and request-log queries for end-to-end tests. */
#include "e2e.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

int e2e_start(e2e *x, const char *const *sim_args, const char *const *mcp_args)
{
    memset(x, 0, sizeof *x);
    x->sim = t_sim_start(sim_args);
    if (!x->sim)
        return -1;
    const char *args[40];
    int a = 0;
    args[a++] = "--slicer-url";
    args[a++] = t_sim_url(x->sim);
    args[a++] = "--tools-dir";
    args[a++] = "tools.d";
    for (int i = 0; mcp_args && mcp_args[i] && a < 38; i++)
        args[a++] = mcp_args[i];
    args[a] = NULL;
    x->mcp = t_mcp_start(args);
    if (!x->mcp || t_mcp_handshake(x->mcp, "2025-11-25") != 0) {
        e2e_stop(x);
        return -1;
    }
    return 0;
}

void e2e_stop(e2e *x)
{
    t_mcp_free(x->mcp);
    t_sim_stop(x->sim);
    x->mcp = NULL;
    x->sim = NULL;
}

cJSON *e2e_call_ok(e2e *x, const char *tool, const char *args)
{
    cJSON *r = t_mcp_call(x->mcp, tool, args, 60000);
    T_CHECK(r && !t_mcp_is_error(r), "%s %s: %s", tool, args, r ? t_mcp_text(r) : "no answer");
    return r;
}

void e2e_expect_error(e2e *x, const char *tool, const char *args, const char *want)
{
    cJSON *r = t_mcp_call(x->mcp, tool, args, 60000);
    T_CHECK(r && t_mcp_is_error(r) && strstr(t_mcp_text(r), want), "%s %s: want an error with '%s', "
            "got: %s", tool, args, want, r ? t_mcp_text(r) : "no answer");
    cJSON_Delete(r);
}

static int for_each_log(const e2e *x, const char *method, const char *prefix, int want_n,
                        char *target_out, size_t out_sz)
{
    char *text = t_sim_log_text(x->sim);
    int n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "method");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "target");
        if (cJSON_IsString(t) && strncmp(t->valuestring, prefix, strlen(prefix)) == 0 &&
            (!method || (cJSON_IsString(m) && strcmp(m->valuestring, method) == 0))) {
            if (n == want_n && target_out)
                snprintf(target_out, out_sz, "%s", t->valuestring);
            n++;
        }
        cJSON_Delete(j);
    }
    free(text);
    return n;
}

int e2e_log_count(const e2e *x, const char *method, const char *prefix)
{
    return for_each_log(x, method, prefix, -1, NULL, 0);
}

const char *e2e_log_target(const e2e *x, const char *prefix, int n)
{
    static char out[4096];
    out[0] = '\0';
    for_each_log(x, NULL, prefix, n, out, sizeof out);
    return out;
}

const cJSON *e2e_structured(const cJSON *resp)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "result"),
                                            "structuredContent");
}

int e2e_image(const cJSON *resp, unsigned *w, unsigned *h, unsigned char **rgba, size_t *png_bytes)
{
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "result"), "content");
    const cJSON *blk;
    cJSON_ArrayForEach(blk, content) {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(blk, "type");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(blk, "data");
        const cJSON *mime = cJSON_GetObjectItemCaseSensitive(blk, "mimeType");
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "image") || !cJSON_IsString(data) ||
            !cJSON_IsString(mime) || strcmp(mime->valuestring, "image/png"))
            continue;
        size_t n = 0;
        unsigned char *png = base64_decode(data->valuestring, strlen(data->valuestring), &n);
        if (!png)
            return -1;
        png_image im;
        memset(&im, 0, sizeof im);
        im.version = PNG_IMAGE_VERSION;
        int rc = -1;
        if (png_image_begin_read_from_memory(&im, png, n)) {
            im.format = PNG_FORMAT_RGBA;
            *rgba = malloc(PNG_IMAGE_SIZE(im));
            if (*rgba && png_image_finish_read(&im, NULL, *rgba, 0, NULL)) {
                *w = im.width;
                *h = im.height;
                if (png_bytes)
                    *png_bytes = n;
                rc = 0;
            } else {
                free(*rgba);
                *rgba = NULL;
            }
        }
        png_image_free(&im);
        free(png);
        return rc;
    }
    return -1;
}
