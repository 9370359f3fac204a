/* sim_testutil: small helpers shared by the slicer-sim test programs
 * (static inline so each program uses only what it needs). */
#ifndef SIM_TESTUTIL_H
#define SIM_TESTUTIL_H

#include "testlib.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* HTTP through curl against a running sim; path starts with '/'. */
static inline long su_call(const t_sim *s, const char *method, const char *path,
                           const char *body, size_t body_len, t_resp *r)
{
    char url[4096];
    snprintf(url, sizeof url, "%s%s", t_sim_url(s), path);
    return t_http(method, url, body, body_len, 5000, r);
}

static inline long su_get(const t_sim *s, const char *path, t_resp *r)
{
    return su_call(s, "GET", path, NULL, 0, r);
}

/* GETs path and parses the JSON body (NULL if not JSON); *status set. */
static inline cJSON *su_get_json(const t_sim *s, const char *path, long *status)
{
    t_resp r;
    long st = su_get(s, path, &r);
    if (status)
        *status = st;
    cJSON *j = r.body ? cJSON_Parse(r.body) : NULL;
    t_resp_free(&r);
    return j;
}

/* The 500 message of a Slicer error body, "" if none (static buffer). */
static inline const char *su_message(const char *body)
{
    static char msg[2048];
    msg[0] = '\0';
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    const cJSON *m = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
    if (cJSON_IsString(m))
        snprintf(msg, sizeof msg, "%s", m->valuestring);
    cJSON_Delete(j);
    return msg;
}

/* Raw request text; returns the reply (caller frees) and *closed. */
static inline char *su_raw(const t_sim *s, const char *req, int timeout_ms, int *closed)
{
    char *out = NULL;
    if (t_raw(t_sim_port(s), req, strlen(req), 0, timeout_ms, &out, closed) < 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Width and height from a PNG's IHDR; 0 if not a PNG. */
static inline int su_png_size(const char *b, size_t n, int *w, int *h)
{
    const unsigned char *p = (const unsigned char *)b;
    if (n < 24 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) != 0)
        return 0;
    *w = (p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19];
    *h = (p[20] << 24) | (p[21] << 16) | (p[22] << 8) | p[23];
    return 1;
}

static inline long su_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* GET /__sim/state, parsed; caller deletes. */
static inline cJSON *su_state(const t_sim *s)
{
    return su_get_json(s, "/__sim/state", NULL);
}

/* The offset of a slice view from /__sim/state. */
static inline double su_offset(const t_sim *s, const char *view)
{
    cJSON *st = su_state(s);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(st, "views"), view);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(v, "offset");
    double d = cJSON_IsNumber(o) ? o->valuedouble : -99999;
    cJSON_Delete(st);
    return d;
}

static inline char *su_orientation(const t_sim *s, const char *view)
{
    static char buf[32];
    cJSON *st = su_state(s);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(st, "views"), view);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(v, "orientation");
    snprintf(buf, sizeof buf, "%s", cJSON_IsString(o) ? o->valuestring : "");
    cJSON_Delete(st);
    return buf;
}

/* Whether the request log holds a line containing needle. */
static inline int su_log_has(const t_sim *s, const char *needle)
{
    char *t = t_sim_log_text(s);
    int yes = t && strstr(t, needle) != NULL;
    free(t);
    return yes;
}

/* Number of JSON string items in an array body. */
static inline int su_array_has(const cJSON *a, const char *str)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
        if (cJSON_IsString(e) && strcmp(e->valuestring, str) == 0)
            return 1;
    return 0;
}

/* Status + exact Slicer error message of a GET (or other method). */
static inline long su_call_msg(t_sim *s, const char *method, const char *path, char *msg, size_t len)
{
    t_resp r;
    long st = su_call(s, method, path, NULL, 0, &r);
    snprintf(msg, len, "%s", su_message(r.body));
    t_resp_free(&r);
    return st;
}

#define SU_EXPECT_500(s, method, path, want) do { \
        char m_[2048]; \
        long st_ = su_call_msg((s), (method), (path), m_, sizeof m_); \
        T_CHECK(st_ == 500 && strcmp(m_, (want)) == 0, "%s %s: %ld '%s', want '%s'", \
                (method), (path), st_, m_, (want)); \
    } while (0)

static inline char *su_write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
    t_write_file(path, text, strlen(text));
    return path;
}

/* A fresh sim (markups tests change the scene). */
static inline t_sim *su_fresh(void)
{
    static const char *const a[] = { "--volume-size", "16", NULL };
    return t_sim_start(a);
}

#endif
