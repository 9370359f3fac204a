/* call: the generic tools.d mapping and the helpers adapters share. */
#include "slicer/call.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/guard.h"
#include "util/base64.h"
#include "util/jsonw.h"

#define CALL_MAX_TARGET 8192

int call_query_add(buf *target, const char *k, const char *v)
{
    const char *sep = strchr(target->data ? target->data : "", '?') ? "&" : "?";
    return buf_puts(target, sep) || buf_put_pct(target, k) || buf_puts(target, "=") || buf_put_pct(target, v) ? -1 : 0;
}

int call_vec3(const cJSON *a, double v[3])
{
    if (cJSON_GetArraySize(a) != 3)
        return -1;
    for (int i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return -1;
        v[i] = x->valuedouble;
    }
    return 0;
}

char *call_arg_string(const cJSON *args, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
    char tmp[JSONW_NUMBER_MAX];
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        jsonw_number(v->valuedouble, tmp);
        return strdup(tmp);
    }
    return NULL;
}

call_page call_page_args(const cJSON *args, size_t def)
{
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(args, "cursor");
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(args, "limit");
    call_page p = { 0, def };
    if (cJSON_IsString(cur))
        p.start = strtoul(cur->valuestring, NULL, 10);
    if (cJSON_IsNumber(lim) && lim->valuedouble >= 1)
        p.limit = (size_t)lim->valuedouble;
    return p;
}

void call_page_result(cJSON *res, size_t total, size_t next)
{
    cJSON_AddNumberToObject(res, "total", (double)total);
    if (next < total) {
        char cur[24];
        snprintf(cur, sizeof cur, "%zu", next);
        cJSON_AddStringToObject(res, "next_cursor", cur);
    }
}

/* Slicer's 500 body is {"success": false, "message": "Server error: ..."};
 * the message (without the prefix) is what a model can act on. */
static void slicer_error(const backend_resp *r, const char *method,
                         const char *target, err *e)
{
    if (r->status == 404 && r->body.len == 0) {
        err_set(e, ERR_UPSTREAM, "Slicer returned an empty answer (404) for %s %s",
                method, target);
        return;
    }
    cJSON *j = r->body.len ? cJSON_ParseWithLengthOpts(r->body.data, r->body.len, NULL, 0) : NULL;
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(msg)) {
        const char *m = msg->valuestring;
        if (strncmp(m, "Server error: ", 14) == 0)
            m += 14;
        int not_found = strstr(m, "No nodes matched") || strstr(m, "could not find nodes");
        err_set(e, not_found ? ERR_NOT_FOUND : ERR_UPSTREAM,
                "Slicer error (HTTP %ld) for %s %s: %s", r->status, method, target, m);
    } else {
        err_set(e, ERR_UPSTREAM, "Slicer answered HTTP %ld for %s %s", r->status,
                method, target);
    }
    cJSON_Delete(j);
}

/* The guard, before anything is sent: 0 when allowed, else -1 with e. */
static int guard_allows(call_ctx *c, const char *method, const char *target, int has_body,
                        err *e)
{
    const char *why = NULL;
    const char *policy = guard_check(method, target, has_body, spool_path(c->spool), &why);
    if (!policy || c->policy_enabled(c->policy_ud, policy))
        return 0;
    c->denied = 1;
    return err_set(e, ERR_DENIED, "refused: %s (%s %s); an admin can allow it by "
                   "enabling the gateway policy '%s'", why, method, target, policy);
}

int call_slicer(call_ctx *c, const char *method, const char *target,
                const void *body, size_t len, backend_resp *r, err *e)
{
    if (guard_allows(c, method, target, len > 0, e) != 0 ||
        backend_call(c->b, method, target, body, len, r, e) != 0)
        return -1;
    if (r->status == 200)
        return 0;
    slicer_error(r, method, target, e);
    backend_resp_free(r);
    return -1;
}

int call_slicer_stream(call_ctx *c, const char *method, const char *target,
                       backend_sink_fn sink, void *sink_ud, err *e)
{
    backend_resp r;
    if (guard_allows(c, method, target, 0, e) != 0 ||
        backend_call_stream(c->b, method, target, sink, sink_ud, &r, e) != 0)
        return -1;
    int rc = 0;
    if (r.status != 200) {
        slicer_error(&r, method, target, e);
        rc = -1;
    }
    backend_resp_free(&r);
    return rc;
}

/* Slicer's POST /volume answers the Python repr {'status': 'success'}. */
static cJSON *parse_slicer_json(const char *s, size_t n)
{
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, NULL, 0);
    if (!j && n == 21 && memcmp(s, "{'status': 'success'}", 21) == 0) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "status", "success");
    }
    return j;
}

int call_slicer_json(call_ctx *c, const char *method, const char *target,
                     cJSON **out, err *e)
{
    backend_resp r;
    *out = NULL;
    if (call_slicer(c, method, target, NULL, 0, &r, e) != 0)
        return -1;
    *out = parse_slicer_json(r.body.data ? r.body.data : "", r.body.len);
    if (!*out)
        err_set(e, ERR_UPSTREAM, "Slicer's answer to %s %s is not JSON (%zu bytes, "
                "Content-Type '%s')", method, target, r.body.len, r.content_type);
    backend_resp_free(&r);
    return *out ? 0 : -1;
}

/* The text item of a new text block, or NULL when out of memory. */
static cJSON *add_text_block(call_ctx *c, const char *text)
{
    cJSON *blk = cJSON_CreateObject();
    cJSON *t = blk && cJSON_AddStringToObject(blk, "type", "text") ? cJSON_AddStringToObject(blk, "text", text) : NULL;
    if (!t) {
        cJSON_Delete(blk);
        return NULL;
    }
    cJSON_AddItemToArray(c->content, blk);
    return t;
}

int call_add_text(call_ctx *c, const char *text)
{
    return add_text_block(c, text) ? 0 : -1;
}

static void forget_structured(call_ctx *c)
{
    cJSON_Delete(c->structured);
    c->structured = NULL;
    c->structured_item = NULL;
}

int call_fail(call_ctx *c, const char *msg)
{
    c->is_error = 1;
    forget_structured(c);
    cJSON_Delete(c->content);
    c->content = cJSON_CreateArray();
    return c->content ? call_add_text(c, msg) : -1;
}

int call_set_structured(call_ctx *c, cJSON *obj)
{
    char *txt = jsonw_print(obj, NULL);
    if (!txt) {
        cJSON_Delete(obj);
        return -1;
    }
    forget_structured(c);
    c->structured = obj;
    c->structured_item = add_text_block(c, txt);
    free(txt);
    return c->structured_item ? 0 : -1;
}

/* Adds base64 PNG data as image content (takes b64; NULL: out of memory). */
static int add_image_b64(call_ctx *c, char *b64, err *e)
{
    cJSON *blk = cJSON_CreateObject();
    cJSON *data = b64 ? cJSON_CreateString(b64) : NULL;
    free(b64);
    if (!blk || !data) {
        cJSON_Delete(blk);
        cJSON_Delete(data);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    cJSON_AddStringToObject(blk, "type", "image");
    cJSON_AddItemToObject(blk, "data", data);
    cJSON_AddStringToObject(blk, "mimeType", "image/png");
    cJSON_AddItemToArray(c->content, blk);
    return 0;
}

/* Adds a finished job's image as image content (takes j->b64). */
static int add_image(call_ctx *c, imgreply *j, err *e)
{
    char *b64 = j->b64;
    j->b64 = NULL;
    return add_image_b64(c, b64, e);
}

int call_add_drawn_png(call_ctx *c, const void *png, size_t len, err *e)
{
    return add_image_b64(c, base64_encode(png, len, NULL), e);
}

/* Re-encodes png to fit max_side and the clients' byte limit and adds it
 * as image content; *fit says what was done. */
static int add_png(call_ctx *c, const void *png, size_t len, unsigned max_side, imgfit_info *fit, err *e)
{
    imgreply j;
    if (imgreply_run(&j, png, len, max_side, e) != 0)
        return -1;
    *fit = j.fit;
    return add_image(c, &j, e);
}

/* What the text block says about a downscaled image. */
static void fit_note(const imgfit_info *fit, char *out, size_t n)
{
    if (fit->by_bytes)
        snprintf(out, n, "downscaled from %ux%u to %ux%u to fit the 1 MiB base64 limit of MCP clients",
                 fit->in_w, fit->in_h, fit->w, fit->h);
    else if (fit->w != fit->in_w || fit->h != fit->in_h)
        snprintf(out, n, "downscaled from %ux%u", fit->in_w, fit->in_h);
    else
        out[0] = '\0';
}

int call_add_png(call_ctx *c, imgreply *j, unsigned *w, unsigned *h, err *e)
{
    if (imgreply_join(j, e) != 0)
        return -1;
    imgfit_info fit = j->fit;
    if (add_image(c, j, e) != 0)
        return -1;
    if (w)
        *w = fit.w;
    if (h)
        *h = fit.h;
    /* Only the byte limit is news to a caller that chose max_side. */
    char note[200];
    fit_note(&fit, note, sizeof note);
    if (fit.by_bytes && call_add_text(c, note) != 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

/* "{arg}" in a not_found template becomes the argument's value. */
static char *fill_template(const char *tpl, const cJSON *args)
{
    buf out;
    buf_init(&out, 4096);
    for (const char *p = tpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close && close - p < 64) {
            char name[64];
            memcpy(name, p + 1, (size_t)(close - p - 1));
            name[close - p - 1] = '\0';
            char *v = call_arg_string(args, name);
            buf_puts(&out, v ? v : "");
            free(v);
            p = close + 1;
        } else {
            buf_append(&out, p++, 1);
        }
    }
    return buf_steal(&out, NULL);
}

static int build_target(const tool *t, const cJSON *args, buf *target, err *e)
{
    buf_puts(target, t->path);
    for (size_t i = 0; i < t->nquery; i++) {
        const tool_query *q = &t->query[i];
        char *v = q->arg ? call_arg_string(args, q->arg) : strdup(q->literal);
        if (q->arg && !v && cJSON_GetObjectItemCaseSensitive(args, q->arg))
            return err_set(e, ERR_INVALID, "argument '%s' must be a string, number or "
                           "boolean to be sent as a query parameter", q->arg);
        if (v && call_query_add(target, q->param, v) != 0) {
            free(v);
            return err_set(e, ERR_LIMIT, "request target longer than %d bytes", CALL_MAX_TARGET);
        }
        free(v);
    }
    return 0;
}

/* The longest side an image tool's answer may have: its max_size argument,
 * else the default its inputSchema declares (the model sees the same
 * number), else no limit but the byte limit. */
static unsigned image_max_side(const tool *t, const cJSON *args)
{
    if (!t->max_size_arg)
        return 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, t->max_size_arg);
    if (!v) {
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(t->input_schema, "properties");
        v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(props, t->max_size_arg), "default");
    }
    return cJSON_IsNumber(v) && v->valuedouble >= 1 ? (unsigned)v->valuedouble : 0;
}

static int result_json(call_ctx *c, const backend_resp *r, err *e)
{
    cJSON *j = parse_slicer_json(r->body.data ? r->body.data : "", r->body.len);
    if (!j) {
        err_set(e, ERR_UPSTREAM, "Slicer's answer is not JSON (%zu bytes, Content-Type '%s')",
                r->body.len, r->content_type);
        return call_fail(c, e->msg);
    }
    if (!cJSON_IsObject(j) || c->t->wrap) {
        cJSON *obj = cJSON_CreateObject();
        cJSON_AddItemToObject(obj, c->t->wrap ? c->t->wrap : "result", j);
        j = obj;
    }
    return call_set_structured(c, j);
}

int call_generic(call_ctx *c, err *e)
{
    const tool *t = c->t;
    buf target;
    buf_init(&target, CALL_MAX_TARGET);
    backend_resp r;
    err ce = { 0 };
    int rc = 0;
    const char *body = NULL;
    size_t body_len = 0;
    if (t->body_arg) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(c->args, t->body_arg);
        body = cJSON_IsString(b) ? b->valuestring : NULL;
        body_len = body ? strlen(body) : 0;
    }
    if (build_target(t, c->args, &target, &ce) != 0 ||
        call_slicer(c, t->method, target.data, body, body_len, &r, &ce) != 0) {
        if (ce.kind == ERR_NOT_FOUND && t->not_found) {
            char *msg = fill_template(t->not_found, c->args);
            rc = call_fail(c, msg);
            free(msg);
        } else {
            rc = call_fail(c, ce.msg);
        }
        buf_free(&target);
        return rc;
    }
    buf_free(&target);
    if (t->result == TOOL_RESULT_JSON) {
        rc = result_json(c, &r, &ce);
    } else if (t->result == TOOL_RESULT_IMAGE) {
        unsigned max_side = image_max_side(t, c->args);
        imgfit_info fit;
        if (add_png(c, r.body.data, r.body.len, max_side, &fit, &ce) != 0) {
            err_prefix(&ce, "Slicer's image for %s", t->name);
            rc = call_fail(c, ce.msg);
        } else {
            char meta[320], note[200];
            fit_note(&fit, note, sizeof note);
            snprintf(meta, sizeof meta, "%ux%u PNG (Slicer sent %zu bytes%s%s)", fit.w, fit.h, r.body.len,
                     note[0] ? "; " : "", note);
            rc = call_add_text(c, meta);
        }
    } else {
        char *txt = malloc(r.body.len + 1);
        if (txt) {
            memcpy(txt, r.body.data ? r.body.data : "", r.body.len);
            txt[r.body.len] = '\0';
            rc = call_add_text(c, txt);
            free(txt);
        } else {
            rc = -1;
        }
    }
    backend_resp_free(&r);
    if (rc != 0)
        err_set(e, ERR_INTERNAL, "out of memory");
    return rc;
}

int call_ctx_start(call_ctx *c, err *e)
{
    c->content = cJSON_CreateArray();
    c->structured = NULL;
    c->is_error = 0;
    if (!c->content)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

void call_ctx_clear(call_ctx *c)
{
    cJSON_Delete(c->content);
    c->content = NULL;
    forget_structured(c);
}
